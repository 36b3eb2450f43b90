use serde::{Deserialize, Serialize};

/// A value that a static source may only know after apply.
///
/// Serialized untagged: a known value is written as itself, an unknown one as
/// `{"unknown": "aws_db_instance.main.address"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Attr<T> {
    Unknown(Unknown),
    Known(T),
}

/// What an unknown value depends on, so a verdict can name it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Unknown {
    pub unknown: String,
}

impl<T> Attr<T> {
    pub fn unknown(reference: impl Into<String>) -> Self {
        Attr::Unknown(Unknown {
            unknown: reference.into(),
        })
    }

    pub fn known(&self) -> Result<&T, &Unknown> {
        match self {
            Attr::Known(v) => Ok(v),
            Attr::Unknown(u) => Err(u),
        }
    }

    pub fn as_known(&self) -> Option<&T> {
        self.known().ok()
    }
}

impl<T> From<T> for Attr<T> {
    fn from(v: T) -> Self {
        Attr::Known(v)
    }
}

impl<T: std::fmt::Display> std::fmt::Display for Attr<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Attr::Known(v) => v.fmt(f),
            Attr::Unknown(u) => write!(f, "(conocido tras apply: {})", u.unknown),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_and_unknown_round_trip_through_json() {
        let k: Attr<String> = Attr::Known("10.0.0.0/16".into());
        let u: Attr<String> = Attr::unknown("aws_vpc.main.cidr_block");
        assert_eq!(serde_json::to_string(&k).unwrap(), "\"10.0.0.0/16\"");
        assert_eq!(
            serde_json::to_string(&u).unwrap(),
            r#"{"unknown":"aws_vpc.main.cidr_block"}"#
        );
        let back: Attr<String> = serde_json::from_str(r#"{"unknown":"x.y"}"#).unwrap();
        assert_eq!(back, Attr::unknown("x.y"));
        let b: Attr<bool> = serde_json::from_str("true").unwrap();
        assert_eq!(b, Attr::Known(true));
    }
}
