//! Pure questions over the Inventory: no I/O, no async, no cucumber types.
//! Every answer carries its evidence (a [`Finding`] names the resource and
//! says, in Spanish, what is wrong and why) or says honestly that the
//! inventory cannot answer ([`Unanswerable`]): a value known only after
//! apply, or a kind of resource the source could not read.

/// CIDR blocks live in the model, shared with the Terraform functions and the worlds.
pub use cloudgrade_model::cidr;
pub mod addressing;
pub mod balancer;
pub mod containers;
pub mod deletion;
pub mod ecs;
pub mod engine_versions;
pub mod fargate;
pub mod flow_logs;
pub mod iam;
pub mod master_user;
pub mod nacl;
pub mod pull;
pub mod reach;
pub mod roles;
pub mod routing;
pub mod secrets;
pub mod sg;
pub mod tier;
pub mod windows;
pub mod zones;

use cloudgrade_model::{Inventory, Origin, ResourceKind, Tags, name_tag};
use serde::Serialize;

/// What a check of one resource concludes: `Ok` says why it holds, a
/// [`Finding`] why it does not, an [`Unanswerable`] why it cannot be told.
pub type Check = Result<String, Result<Finding, Unanswerable>>;

/// One thing found, to show as evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The resource it is about, e.g. `subnet-1 (privada-a)`.
    pub subject: String,
    pub message: String,
    /// Where the resource (or rule) was declared, when the source knows it.
    pub origin: Option<Origin>,
}

/// A question the inventory cannot answer: a value known only after apply,
/// or a gap in what the source could read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unanswerable {
    pub subject: String,
    /// Spanish; names the reference or the gap.
    pub reason: String,
}

/// `id (Name)` when the resource has a `Name` tag, else the id.
pub fn label(id: &str, tags: &Tags) -> String {
    match name_tag(tags) {
        Some(name) if !name.is_empty() && name != id => format!("{id} ({name})"),
        _ => id.to_string(),
    }
}

impl Finding {
    pub(crate) fn new(
        subject: impl Into<String>,
        message: impl Into<String>,
        origin: Option<&Origin>,
    ) -> Self {
        Finding {
            subject: subject.into(),
            message: message.into(),
            origin: origin.cloned(),
        }
    }
}

impl Unanswerable {
    pub(crate) fn new(subject: impl Into<String>, reason: impl Into<String>) -> Self {
        Unanswerable {
            subject: subject.into(),
            reason: reason.into(),
        }
    }
}

/// One [`Unanswerable`] per gap the source recorded for `kind`: a resource
/// missing from a kind that could not be read may well exist.
pub(crate) fn gaps(inv: &Inventory, kind: ResourceKind, subject: &str) -> Vec<Unanswerable> {
    inv.gaps_for(kind)
        .map(|g| {
            Unanswerable::new(
                subject,
                format!(
                    "no se pudieron leer {} {} ({}: {}): {}",
                    kind.article_es(),
                    kind.label_es(),
                    g.operation,
                    gap_reason_es(g.reason),
                    g.message
                ),
            )
        })
        .collect()
}

fn gap_reason_es(reason: cloudgrade_model::GapReason) -> &'static str {
    use cloudgrade_model::GapReason::*;
    match reason {
        AccessDenied => "acceso denegado",
        Throttled => "demasiadas peticiones, sin más reintentos",
        Unsupported => "el endpoint no implementa la operación",
        NotModelled => "la fuente no puede evaluar esa construcción",
        Other => "error",
    }
}

/// Appends without repeating: the same rule reached from two subnet pairs is
/// one piece of evidence, not two.
pub(crate) fn push_unique<T: PartialEq>(list: &mut Vec<T>, item: T) {
    if !list.contains(&item) {
        list.push(item);
    }
}

#[cfg(test)]
pub(crate) mod testkit;

#[cfg(test)]
mod tests {
    use super::*;
    use cloudgrade_model::{Gap, GapReason, SourceInfo};

    #[test]
    fn label_adds_the_name_tag_when_present() {
        let mut tags = Tags::new();
        assert_eq!(label("subnet-1", &tags), "subnet-1");
        tags.insert("Name".into(), "privada-a".into());
        assert_eq!(label("subnet-1", &tags), "subnet-1 (privada-a)");
        tags.insert("Name".into(), String::new());
        assert_eq!(label("subnet-1", &tags), "subnet-1");
    }

    #[test]
    fn gaps_name_the_operation_and_reason() {
        let mut inv = Inventory::new(SourceInfo::default());
        inv.gaps.push(Gap {
            kind: ResourceKind::NatGateway,
            operation: "ec2:DescribeNatGateways".into(),
            reason: GapReason::AccessDenied,
            message: "UnauthorizedOperation".into(),
        });
        assert!(gaps(&inv, ResourceKind::RouteTable, "x").is_empty());
        let g = gaps(&inv, ResourceKind::NatGateway, "nat-1");
        assert_eq!(g.len(), 1);
        assert_eq!(g[0].subject, "nat-1");
        assert!(g[0].reason.contains("NAT gateways"), "{}", g[0].reason);
        assert!(
            g[0].reason.contains("ec2:DescribeNatGateways"),
            "{}",
            g[0].reason
        );
        assert!(g[0].reason.contains("acceso denegado"), "{}", g[0].reason);
    }
}
