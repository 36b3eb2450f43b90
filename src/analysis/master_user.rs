//! Whether RDS accepts a master user name: AWS refuses the instance at
//! `terraform apply` otherwise, after the plan said nothing, so the student
//! learns it here, with the reason, before the first apply.

/// The names RDS keeps for itself, on every engine.
const RDS_RESERVED: &[&str] = &["rdsadmin", "rdsrepladmin", "rds_superuser"];

/// PostgreSQL's reserved key words (its documentation's table, the ones
/// reserved in PostgreSQL), which RDS refuses as a PostgreSQL user name.
const POSTGRES_RESERVED: &[&str] = &[
    "all",
    "analyse",
    "analyze",
    "and",
    "any",
    "array",
    "as",
    "asc",
    "asymmetric",
    "both",
    "case",
    "cast",
    "check",
    "collate",
    "column",
    "constraint",
    "create",
    "current_catalog",
    "current_date",
    "current_role",
    "current_time",
    "current_timestamp",
    "current_user",
    "default",
    "deferrable",
    "desc",
    "distinct",
    "do",
    "else",
    "end",
    "except",
    "false",
    "fetch",
    "for",
    "foreign",
    "from",
    "grant",
    "group",
    "having",
    "in",
    "initially",
    "intersect",
    "into",
    "lateral",
    "leading",
    "limit",
    "localtime",
    "localtimestamp",
    "not",
    "null",
    "offset",
    "on",
    "only",
    "or",
    "order",
    "placing",
    "primary",
    "references",
    "returning",
    "select",
    "session_user",
    "some",
    "symmetric",
    "system_user",
    "table",
    "then",
    "to",
    "trailing",
    "true",
    "union",
    "unique",
    "user",
    "using",
    "variadic",
    "when",
    "where",
    "window",
    "with",
];

/// The longest name an engine takes. The API reference says 16 for every
/// engine; a live account takes 63 on PostgreSQL and 32 on MySQL (measured
/// by floci-io/floci#3730, 2026-09), and failing a name AWS accepts would
/// blame the student for the grader's caution.
fn max_len(engine: &str) -> usize {
    let engine = engine.to_ascii_lowercase();
    if engine.contains("postgres") {
        63
    } else if engine.contains("mysql") {
        32
    } else {
        16
    }
}

/// Why RDS refuses `name` for an instance of `engine`, or `None`.
pub fn username_problem(engine: &str, name: &str) -> Option<String> {
    if name.is_empty() {
        return Some(
            "no tiene usuario maestro (username): AWS exige uno al crear la instancia".into(),
        );
    }
    let len = name.chars().count();
    let max = max_len(engine);
    if len > max {
        return Some(format!(
            "su usuario maestro «{name}» tiene {len} caracteres: RDS admite de 1 a {max} en {engine}"
        ));
    }
    if !name.chars().next().is_some_and(|c| c.is_ascii_alphabetic()) {
        return Some(format!(
            "su usuario maestro «{name}» no empieza por una letra, y RDS lo exige"
        ));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '_'))
    {
        return Some(format!(
            "su usuario maestro «{name}» tiene «{c}»: RDS solo admite letras, números y _ (cambia los guiones por _)"
        ));
    }
    let low = name.to_ascii_lowercase();
    if RDS_RESERVED.contains(&low.as_str()) {
        return Some(format!(
            "su usuario maestro «{name}» es un nombre que RDS se reserva para sí"
        ));
    }
    let postgres = engine.to_ascii_lowercase().contains("postgres");
    if postgres && low.starts_with("pg_") {
        return Some(format!(
            "su usuario maestro «{name}» empieza por pg_, que PostgreSQL reserva para sus roles"
        ));
    }
    if postgres && low == "admin" {
        return Some(format!(
            "su usuario maestro «{name}» está reservado en PostgreSQL (sí vale en MySQL); usa, por ejemplo, app_admin"
        ));
    }
    if postgres && POSTGRES_RESERVED.contains(&low.as_str()) {
        return Some(format!(
            "su usuario maestro «{name}» es una palabra reservada de PostgreSQL"
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_rds_accepts() {
        for ok in [
            "app",
            "postgres",
            "app_user",
            "A1",
            "TopSecretUsernameSecret",
        ] {
            assert_eq!(username_problem("postgres", ok), None, "{ok}");
        }
        for ok in [
            "admin",
            "user",
            "pg_app",
            "abcdefghijklmnopqrstuvwxyz012345",
        ] {
            assert_eq!(
                username_problem("mysql", ok),
                None,
                "{ok}: PostgreSQL's rules only"
            );
        }
    }

    #[test]
    fn what_rds_refuses_and_why() {
        let why = |engine, name| username_problem(engine, name).unwrap();
        assert!(why("postgres", "").contains("no tiene usuario maestro"));
        let long = "a".repeat(64);
        assert!(why("postgres", &long).contains("64 caracteres: RDS admite de 1 a 63"));
        assert!(why("mariadb", "abcdefghijklmnopq").contains("de 1 a 16 en mariadb"));
        assert!(why("aurora-postgresql", "admin").contains("reservado en PostgreSQL"));
        assert!(why("postgres", "1app").contains("no empieza por una letra"));
        assert!(why("postgres", "app-user").contains("tiene «-»"));
        assert!(why("mysql", "rdsadmin").contains("RDS se reserva"));
        assert!(why("aurora-postgresql", "pg_app").contains("empieza por pg_"));
        assert!(why("postgres", "User").contains("palabra reservada de PostgreSQL"));
    }
}
