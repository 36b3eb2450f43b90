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

use cloudgrade_model::{Attr, DbInstance};

use super::{Finding, Unanswerable};

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

/// The major a version belongs to: PostgreSQL's is its first number, MySQL's
/// its first two (`8.0`).
fn major_of<'a>(engine: &str, version: &'a str) -> &'a str {
    let parts = if engine == "mysql" { 2 } else { 1 };
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
}
