//! rds-engine-version-available: whether RDS still creates the engine
//! version a database names. RDS retires minor versions oldest first, and
//! a version it no longer creates makes `terraform apply` fail months
//! after the exercise was written (the 16.3 of the course's first
//! solution was one).
//!
//! Which versions RDS creates is a fact about AWS on a date, not about the
//! student's work, and this machine cannot ask AWS. So it is a dated list
//! of what public sources say, and a version the list does not cover is
//! not evaluable, never a guess. Sources, read 2026-12-07:
//! - "Since May 1, 2026, you can no longer create new instances" on
//!   PostgreSQL 14.14-14.17, 15.9-15.12, 16.5-16.8 and 17.1-17.4, upgraded
//!   to 14.20, 15.15, 16.11 and 17.7 (an RDS deprecation notice, as
//!   reported at lucaberton.com/blog/aws-rds-postgresql-minor-version-deprecation-may-2026).
//! - RDS Extended Support: new databases may be created on a major version
//!   past its end of standard support, for up to three years, on the last
//!   minor released before that date (docs.aws.amazon.com, AmazonRDS User
//!   Guide, "Overview of Amazon RDS Extended Support"); PostgreSQL 12's
//!   standard support ended 2025-02-28 and its last minor is 12.22 (AWS
//!   Database Blog, "Upgrade strategies for ... RDS for PostgreSQL 12");
//!   MySQL 5.7's ended 2024-02-29 (the Extended Support guide), so until
//!   2027-02.
//!
//! A version RDS creates can still be refused by the groups the instance
//! names: a parameter group serves one family (`postgres16`), an option
//! group one engine at one major; bumping `engine_version` and not the
//! group is the usual way to meet `InvalidParameterCombination`. Those are
//! facts of the project, so they are checked whatever the date.

use cloudgrade_model::{Attr, DbInstance, Inventory, ResourceKind, is_own_db_group};

use super::{Finding, Unanswerable, gaps};

/// The date the list describes.
pub const AS_OF: &str = "mayo de 2026";

/// What the list knows of one major version of one engine.
struct Major {
    engine: &'static str,
    major: &'static str,
    /// Minor versions known to be creatable.
    creatable: &'static [&'static str],
    /// This minor and every older one are retired, since the date given.
    retired_through: Option<(&'static str, &'static str)>,
}

const LIST: &[Major] = &[
    Major {
        engine: "postgres",
        major: "12",
        creatable: &["12.22"],
        retired_through: Some(("12.21", "marzo de 2025")),
    },
    Major {
        engine: "postgres",
        major: "14",
        creatable: &["14.20"],
        retired_through: Some(("14.17", "mayo de 2026")),
    },
    Major {
        engine: "postgres",
        major: "15",
        creatable: &["15.15"],
        retired_through: Some(("15.12", "mayo de 2026")),
    },
    Major {
        engine: "postgres",
        major: "16",
        creatable: &["16.11"],
        retired_through: Some(("16.8", "mayo de 2026")),
    },
    Major {
        engine: "postgres",
        major: "17",
        creatable: &["17.7"],
        retired_through: Some(("17.4", "mayo de 2026")),
    },
    Major {
        engine: "mysql",
        major: "5.7",
        creatable: &[],
        retired_through: None,
    },
    Major {
        engine: "mysql",
        major: "8.0",
        creatable: &[],
        retired_through: None,
    },
];

/// What RDS does with one database's version.
#[derive(Debug, PartialEq)]
pub enum Availability {
    /// It creates it; the text says why the list knows.
    Creatable(String),
    Retired(Finding),
    Unknown(Unanswerable),
}

/// The major a version belongs to: PostgreSQL's is its first number,
/// MySQL's and MariaDB's their first two (`8.0`, `10.11`).
fn major_of<'a>(engine: &str, version: &'a str) -> &'a str {
    let parts = if engine.contains("mysql") || engine == "mariadb" {
        2
    } else {
        1
    };
    match version.match_indices('.').nth(parts - 1) {
        Some((i, _)) => &version[..i],
        None => version,
    }
}

/// `15.3` as numbers, for ordering minors.
fn numbers(version: &str) -> Option<Vec<u32>> {
    version.split('.').map(|p| p.parse().ok()).collect()
}

pub fn availability(db: &DbInstance) -> Availability {
    let id = &db.id;
    let version = match &db.engine_version {
        Some(Attr::Known(v)) => v.trim(),
        Some(Attr::Unknown(u)) => {
            return Availability::Unknown(Unanswerable::new(
                id,
                format!(
                    "la versión del motor depende de {}, que solo se conoce tras apply",
                    u.unknown
                ),
            ));
        }
        None => {
            return Availability::Unknown(Unanswerable::new(
                id,
                "la fuente no dice qué versión del motor tiene",
            ));
        }
    };
    if version.is_empty() {
        return Availability::Creatable(
            "sin engine_version: RDS crea la versión por defecto del motor".into(),
        );
    }
    let engine = db.engine.as_str();
    let not_covered = || {
        Availability::Unknown(Unanswerable::new(
            id,
            format!(
                "la lista de versiones de cloudgrade ({AS_OF}) no dice si RDS crea {engine} {version}: compruébalo con aws rds describe-db-engine-versions --engine {engine} --engine-version {version}"
            ),
        ))
    };
    let major = major_of(engine, version);
    let Some(entry) = LIST.iter().find(|m| m.engine == engine && m.major == major) else {
        return not_covered();
    };
    if version == major {
        return Availability::Creatable(format!(
            "pide la versión mayor {major}, que RDS crea con la versión menor que elige"
        ));
    }
    if entry.creatable.contains(&version) {
        return Availability::Creatable(format!("RDS crea {engine} {version} (lista de {AS_OF})"));
    }
    let retired = entry.retired_through.filter(
        |(through, _)| matches!((numbers(version), numbers(through)), (Some(v), Some(t)) if v <= t),
    );
    match retired {
        Some((through, since)) => Availability::Retired(Finding::new(
            id,
            format!(
                "RDS ya no crea instancias {engine} {version} (desde {since}, ni la {through} ni ninguna anterior): terraform apply falla con «Cannot find version {version}»; pide la versión mayor ({major}) o una menor vigente{}",
                entry
                    .creatable
                    .first()
                    .map(|n| format!(" como la {n}"))
                    .unwrap_or_default()
            ),
            db.origin.as_ref(),
        )),
        None => not_covered(),
    }
}

/// What the parameter and option groups an instance names say of its
/// version: each either fits (the text says why), refuses it, or is unknown.
#[derive(Debug, Default)]
pub struct Settings {
    pub fit: Vec<String>,
    pub problems: Vec<Finding>,
    pub unknowns: Vec<Unanswerable>,
}

/// The group an instance names, if it is the project's own: RDS's, and no
/// group at all, always fit.
fn own(name: &Attr<String>) -> Option<&str> {
    match name {
        Attr::Known(n) => is_own_db_group(n).then_some(n.as_str()),
        // The sources name a group by its name or address, known or not.
        Attr::Unknown(u) => Some(&u.unknown),
    }
}

pub fn settings(inv: &Inventory, db: &DbInstance) -> Settings {
    let mut out = Settings::default();
    let engine = db.engine.as_str();
    let id = &db.id;
    let version = match &db.engine_version {
        Some(Attr::Known(v)) => Some(v.trim()).filter(|v| !v.is_empty()),
        _ => None,
    };
    let major = version.map(|v| major_of(engine, v));
    if let Some(name) = db.parameter_group.as_ref().and_then(own) {
        match inv.db_parameter_groups.iter().find(|g| g.name == name) {
            None => out.unknowns.extend(missing(inv, ResourceKind::DbParameterGroup, id, name)),
            Some(g) => match (&g.family, major) {
                (Attr::Unknown(u), _) => out.unknowns.push(Unanswerable::new(
                    id,
                    format!(
                        "la familia del grupo de parámetros {name} depende de {}, que solo se conoce tras apply",
                        u.unknown
                    ),
                )),
                (Attr::Known(family), None) => out.unknowns.push(unpinned(id, "de parámetros", name, family)),
                (Attr::Known(family), Some(major)) => {
                    let wanted = format!("{engine}{major}");
                    if family.eq_ignore_ascii_case(&wanted) {
                        out.fit.push(format!(
                            "su grupo de parámetros {name} es de su familia ({family})"
                        ));
                    } else {
                        out.problems.push(Finding::new(
                            id,
                            format!(
                                "su grupo de parámetros {name} es de la familia {family}, pero la instancia es {engine} {}: RDS la rechaza («InvalidParameterCombination»: el grupo debe ser de la familia {wanted}); al cambiar engine_version hay que cambiar también la family del grupo",
                                version.unwrap_or_default()
                            ),
                            g.origin.as_ref().or(db.origin.as_ref()),
                        ));
                    }
                }
            },
        }
    }
    if let Some(name) = db.option_group.as_ref().and_then(own) {
        match inv.db_option_groups.iter().find(|g| g.name == name) {
            None => out
                .unknowns
                .extend(missing(inv, ResourceKind::DbOptionGroup, id, name)),
            Some(g) => {
                let pair = match (&g.engine, &g.major_engine_version) {
                    (Attr::Known(e), Attr::Known(m)) => Some((e, m)),
                    _ => None,
                };
                match (pair, major) {
                    (None, _) => out.unknowns.push(Unanswerable::new(
                        id,
                        format!(
                            "el motor o la versión mayor del grupo de opciones {name} solo se conocen tras apply"
                        ),
                    )),
                    (Some((e, m)), None) => {
                        out.unknowns.push(unpinned(id, "de opciones", name, &format!("{e} {m}")))
                    }
                    (Some((e, m)), Some(major)) if e == engine && m == major => out
                        .fit
                        .push(format!("su grupo de opciones {name} es de {e} {m}, como ella")),
                    (Some((e, m)), Some(_)) => out.problems.push(Finding::new(
                        id,
                        format!(
                            "su grupo de opciones {name} es de {e} {m}, pero la instancia es {engine} {}: RDS la rechaza; el grupo de opciones debe ser del mismo motor y versión mayor (engine_name y major_engine_version)",
                            version.unwrap_or_default()
                        ),
                        g.origin.as_ref().or(db.origin.as_ref()),
                    )),
                }
            }
        }
    }
    out
}

/// A group the instance names that is not in the Inventory.
fn missing(inv: &Inventory, kind: ResourceKind, id: &str, name: &str) -> Vec<Unanswerable> {
    let why = gaps(inv, kind, id);
    if !why.is_empty() {
        return why;
    }
    vec![Unanswerable::new(
        id,
        format!(
            "usa el grupo {name}, que no está en lo que se leyó: no se sabe para qué versión es"
        ),
    )]
}

fn unpinned(id: &str, what: &str, name: &str, serves: &str) -> Unanswerable {
    Unanswerable::new(
        id,
        format!(
            "no fija engine_version, así que RDS le da la versión por defecto del motor, que cambia con el tiempo; su grupo {what} {name} es de {serves}: fija engine_version a esa versión mayor para que grupo e instancia coincidan"
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::testkit::db_instance;

    fn on(engine: &str, version: &str) -> Availability {
        let mut db = db_instance("db");
        db.engine = engine.into();
        db.engine_version = Some(Attr::Known(version.into()));
        availability(&db)
    }

    #[test]
    fn a_retired_minor_fails_naming_what_to_ask_for_instead() {
        for old in ["15.3", "15.12", "14.1", "16.4", "17.4", "12.5"] {
            match on("postgres", old) {
                Availability::Retired(f) => {
                    assert!(f.message.contains("versión mayor"), "{}", f.message)
                }
                other => panic!("{old}: {other:?}"),
            }
        }
    }

    #[test]
    fn a_listed_minor_a_major_alone_or_no_version_is_creatable() {
        for ok in [
            ("postgres", "16.11"),
            ("postgres", "16"),
            ("mysql", "8.0"),
            ("postgres", ""),
        ] {
            assert!(
                matches!(on(ok.0, ok.1), Availability::Creatable(_)),
                "{ok:?}"
            );
        }
    }

    #[test]
    fn what_the_list_does_not_cover_is_unknown_never_guessed() {
        for open in [
            ("postgres", "16.9"),
            ("postgres", "16.12"),
            ("postgres", "13"),
            ("postgres", "11.4"),
            ("mysql", "8.0.23"),
            ("mysql", "8.4"),
            ("aurora-postgresql", "15.4"),
        ] {
            match on(open.0, open.1) {
                Availability::Unknown(u) => {
                    assert!(u.reason.contains("describe-db-engine-versions"), "{open:?}")
                }
                other => panic!("{open:?}: {other:?}"),
            }
        }
    }

    #[test]
    fn a_version_from_a_variable_without_a_value_is_named() {
        let mut db = db_instance("db");
        db.engine_version = Some(Attr::unknown("var.engine_version"));
        assert!(matches!(
            availability(&db),
            Availability::Unknown(u) if u.reason.contains("var.engine_version")
        ));
    }

    fn with_group(version: &str, family: &str) -> (Inventory, DbInstance) {
        let mut inv = crate::analysis::testkit::empty();
        inv.db_parameter_groups
            .push(cloudgrade_model::DbParameterGroup {
                name: "app-pg".into(),
                family: Attr::Known(family.into()),
                parameters: Default::default(),
                origin: None,
            });
        let mut db = db_instance("db");
        db.engine_version = Some(Attr::Known(version.into()));
        db.parameter_group = Some(Attr::Known("app-pg".into()));
        (inv, db)
    }

    #[test]
    fn a_parameter_group_of_another_family_refuses_the_instance() {
        let (inv, db) = with_group("16.11", "postgres15");
        let s = settings(&inv, &db);
        assert_eq!(s.problems.len(), 1, "{s:?}");
        assert!(s.problems[0].message.contains("postgres16"), "{s:?}");
        let (inv, db) = with_group("16", "postgres16");
        let s = settings(&inv, &db);
        assert!(s.problems.is_empty() && s.unknowns.is_empty(), "{s:?}");
        assert_eq!(s.fit.len(), 1);
    }

    #[test]
    fn rds_own_groups_fit_and_an_unread_or_unpinned_group_is_unknown() {
        let (inv, mut db) = with_group("16.11", "postgres15");
        db.parameter_group = Some(Attr::Known("default.postgres16".into()));
        let s = settings(&inv, &db);
        assert!(s.problems.is_empty() && s.unknowns.is_empty() && s.fit.is_empty());
        db.parameter_group = Some(Attr::Known("elsewhere".into()));
        assert!(settings(&inv, &db).unknowns[0].reason.contains("elsewhere"));
        let (inv, db) = with_group("", "postgres15");
        let s = settings(&inv, &db);
        assert!(s.unknowns[0].reason.contains("engine_version"), "{s:?}");
    }

    #[test]
    fn an_option_group_must_be_of_the_same_engine_and_major() {
        let mut inv = crate::analysis::testkit::empty();
        inv.db_option_groups.push(cloudgrade_model::DbOptionGroup {
            name: "app-og".into(),
            engine: Attr::Known("mysql".into()),
            major_engine_version: Attr::Known("5.7".into()),
            options: vec![],
            origin: None,
        });
        let mut db = db_instance("db");
        db.engine = "mysql".into();
        db.option_group = Some(Attr::Known("app-og".into()));
        db.engine_version = Some(Attr::Known("8.0.39".into()));
        assert_eq!(settings(&inv, &db).problems.len(), 1);
        db.engine_version = Some(Attr::Known("5.7.44".into()));
        let s = settings(&inv, &db);
        assert!(s.problems.is_empty() && s.fit.len() == 1, "{s:?}");
    }
}
