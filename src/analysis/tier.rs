//! What a student says a subnet is: the tags and names students use to
//! mark a subnet private or public. What its routes make it is
//! [`super::routing`]'s question; this one is about intent, which decides
//! what a subnet is graded as.

use cloudgrade_model::{Subnet, name_tag};

/// Tag keys students use to say a subnet is private or public.
const TIER_KEYS: &[&str] = &[
    "type",
    "tier",
    "scope",
    "visibility",
    "network",
    "subnet",
    "subnet-type",
    "subnet_type",
    "tipo",
    "nivel",
    "access",
];

const PRIVATE_NAMES: &[&str] = &["private", "privada", "privado", "priv-", "-priv", "_priv"];
const PUBLIC_NAMES: &[&str] = &[
    "public", "pública", "publica", "público", "publico", "pub-", "-pub", "_pub",
];

/// Why the subnet is private by its tags or name (`etiqueta Tier=Private`,
/// `nombre app-privada-1a`), if it is.
pub fn private_by_convention(s: &Subnet) -> Option<String> {
    by_convention(s, |v| v.contains("priv") || v == "internal", PRIVATE_NAMES)
}

/// Why the subnet is public by its tags or name, if it is. A subnet marked
/// both ways (a `Name` with "public" and `Tier = private`) is private: the
/// tag is the more deliberate of the two, and grading it as private is the
/// stricter reading.
pub fn public_by_convention(s: &Subnet) -> Option<String> {
    if private_by_convention(s).is_some() {
        return None;
    }
    by_convention(
        s,
        |v| v.contains("pub") || v == "dmz" || v == "external",
        PUBLIC_NAMES,
    )
}

fn by_convention(s: &Subnet, tier: impl Fn(&str) -> bool, names: &[&str]) -> Option<String> {
    for (k, v) in &s.tags {
        if TIER_KEYS.contains(&k.to_lowercase().as_str()) && tier(&v.to_lowercase()) {
            return Some(format!("etiqueta {k}={v}"));
        }
    }
    let name = name_tag(&s.tags)?;
    let low = name.to_lowercase();
    names
        .iter()
        .any(|p| low.contains(p))
        .then(|| format!("nombre {name}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::testkit::tagged_subnet;

    fn subnet(tags: &[(&str, &str)]) -> Subnet {
        tagged_subnet("subnet-1", tags)
    }

    #[test]
    fn conventions_students_use_are_recognised() {
        assert!(private_by_convention(&subnet(&[("Tier", "Private")])).is_some());
        assert!(private_by_convention(&subnet(&[("Type", "private")])).is_some());
        assert!(private_by_convention(&subnet(&[("Name", "app-privada-1a")])).is_some());
        assert!(
            private_by_convention(&subnet(&[("Name", "public-a"), ("Tier", "public")])).is_none()
        );
    }

    #[test]
    fn the_course_public_subnets_are_public() {
        // The course tags its public subnets `Type = "Public"`.
        assert_eq!(
            public_by_convention(&subnet(&[
                ("Name", "proyecto-subnet-1"),
                ("Type", "Public")
            ]))
            .as_deref(),
            Some("etiqueta Type=Public")
        );
        assert!(public_by_convention(&subnet(&[("Name", "subred-publica-b")])).is_some());
        assert!(public_by_convention(&subnet(&[("Name", "app-a")])).is_none());
    }

    #[test]
    fn a_subnet_marked_both_ways_is_private() {
        let both = subnet(&[("Name", "public-a"), ("Tier", "private")]);
        assert!(private_by_convention(&both).is_some());
        assert!(public_by_convention(&both).is_none());
    }
}
