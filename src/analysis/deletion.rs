//! What a `terraform destroy` (or a careless delete) leaves of a database:
//! nothing may be deleted while `deletion_protection` is on, and with it off
//! only a final snapshot keeps the data. The trap is the identifier alone:
//! with `skip_final_snapshot = true` RDS never uses it, and with
//! `skip_final_snapshot = false` and no identifier the destroy just fails.

use cloudgrade_model::{Attr, DbInstance};

use super::{Finding, Unanswerable};

/// How an instance's data outlives a delete.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Safety {
    /// `deletion_protection` is on: the evidence's sentence.
    Protected(String),
    /// A final snapshot is taken on delete.
    FinalSnapshot(String),
    Unsafe(Finding),
    Unknown(Unanswerable),
}

pub fn safety(db: &DbInstance) -> Safety {
    let unknown = |reason: String| {
        Safety::Unknown(Unanswerable {
            subject: db.id.clone(),
            reason,
        })
    };
    let fail = |message: String| {
        Safety::Unsafe(Finding {
            subject: db.id.clone(),
            message,
            origin: db.origin.clone(),
        })
    };
    match &db.deletion_protection {
        Some(Attr::Known(true)) => {
            return Safety::Protected(
                "deletion_protection está activado: nadie la borra por error".into(),
            );
        }
        Some(Attr::Unknown(u)) => {
            return unknown(format!(
                "deletion_protection solo se conoce tras apply ({})",
                u.unknown
            ));
        }
        Some(Attr::Known(false)) | None => {}
    }
    let protection = match db.deletion_protection {
        None => "la fuente no dice si tiene deletion_protection",
        Some(_) => "deletion_protection está desactivado",
    };
    let identifier = match &db.final_snapshot_identifier {
        Some(Attr::Known(id)) if !id.is_empty() => Some(format!("«{id}»")),
        Some(Attr::Unknown(u)) => Some(format!("calculado ({})", u.unknown)),
        _ => None,
    };
    match &db.skip_final_snapshot {
        // A live account never holds what a destroy would do.
        None => unknown(format!(
            "{protection} y skip_final_snapshot y final_snapshot_identifier son argumentos de Terraform \
             que ninguna API devuelve: califícalo desde el código"
        )),
        Some(Attr::Unknown(u)) => unknown(format!(
            "{protection} y skip_final_snapshot solo se conoce tras apply ({})",
            u.unknown
        )),
        Some(Attr::Known(true)) => fail(match identifier {
            Some(id) => format!(
                "{protection} y skip_final_snapshot = true: el final_snapshot_identifier {id} no se usa nunca \
                 y terraform destroy la borra sin copia final; pon deletion_protection = true, o \
                 skip_final_snapshot = false con ese identificador"
            ),
            None => format!(
                "{protection} y skip_final_snapshot = true: terraform destroy la borra sin copia final; pon \
                 deletion_protection = true, o skip_final_snapshot = false y un final_snapshot_identifier"
            ),
        }),
        Some(Attr::Known(false)) => match identifier {
            Some(id) => Safety::FinalSnapshot(format!(
                "al borrarla se guarda un snapshot final {id} (skip_final_snapshot = false)"
            )),
            None => fail(format!(
                "{protection} y skip_final_snapshot = false (lo que Terraform pone si no se dice) sin \
                 final_snapshot_identifier: terraform destroy falla en vez de guardar una copia; pon \
                 deletion_protection = true o un final_snapshot_identifier"
            )),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db(protection: Option<bool>, skip: Option<bool>, identifier: &str) -> DbInstance {
        let mut db = crate::analysis::testkit::db_instance("aws_db_instance.app");
        db.deletion_protection = protection.map(Attr::Known);
        db.skip_final_snapshot = skip.map(Attr::Known);
        db.final_snapshot_identifier = Some(Attr::Known(identifier.into()));
        db
    }

    fn message(s: Safety) -> String {
        match s {
            Safety::Unsafe(f) => f.message,
            other => panic!("not unsafe: {other:?}"),
        }
    }

    #[test]
    fn protection_alone_is_enough() {
        assert!(matches!(
            safety(&db(Some(true), Some(true), "")),
            Safety::Protected(_)
        ));
        assert!(matches!(
            safety(&db(Some(true), None, "")),
            Safety::Protected(_)
        ));
    }

    #[test]
    fn an_identifier_counts_only_when_the_snapshot_is_not_skipped() {
        assert!(matches!(
            safety(&db(Some(false), Some(false), "app-final")),
            Safety::FinalSnapshot(_)
        ));
        let m = message(safety(&db(Some(false), Some(true), "app-final")));
        assert!(m.contains("«app-final» no se usa nunca"), "{m}");
        let m = message(safety(&db(Some(false), Some(false), "")));
        assert!(m.contains("terraform destroy falla"), "{m}");
    }

    #[test]
    fn a_computed_identifier_is_still_an_identifier() {
        let mut d = db(Some(false), Some(false), "");
        d.final_snapshot_identifier = Some(Attr::unknown("random_id.final.hex"));
        assert!(
            matches!(safety(&d), Safety::FinalSnapshot(s) if s.contains("random_id.final.hex"))
        );
    }

    #[test]
    fn a_live_account_cannot_say_what_a_destroy_does() {
        let mut d = db(Some(false), None, "");
        d.final_snapshot_identifier = None;
        match safety(&d) {
            Safety::Unknown(u) => {
                assert!(u.reason.contains("argumentos de Terraform"), "{}", u.reason)
            }
            other => panic!("{other:?}"),
        }
    }
}
