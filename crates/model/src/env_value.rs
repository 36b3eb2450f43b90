//! An environment variable's value, reduced at the moment it is read to the
//! facts the secret analysis needs. The raw text is dropped here: it is never
//! stored, serialized or rendered, so it cannot leak through any report.

use serde::{Deserialize, Serialize};

use crate::Unknown;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum EnvValue {
    /// A literal value, seen and reduced to facts.
    Observed(ValueFacts),
    /// A value a static source cannot know (a variable without a value, an
    /// attribute known after apply). `sensitive` is true when Terraform marks
    /// the variable `sensitive`: then it is a secret whatever its name.
    Unknown {
        #[serde(flatten)]
        reference: Unknown,
        #[serde(default)]
        sensitive: bool,
    },
}

impl EnvValue {
    pub fn observe(raw: &str) -> Self {
        EnvValue::Observed(ValueFacts::of(raw))
    }

    /// How the value may be shown: masked when observed, the reference when unknown.
    pub fn display_masked(&self) -> String {
        match self {
            EnvValue::Observed(f) => f.masked.clone(),
            EnvValue::Unknown { reference, .. } => format!("${{{}}}", reference.unknown),
        }
    }
}

/// Formats a value can be recognised by. Each one is a credential by itself,
/// except the last group, which names harmless shapes the analysis uses to
/// avoid false positives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ValueFormat {
    AwsAccessKeyId,
    AwsSecretAccessKey,
    PemPrivateKey,
    Jwt,
    UrlWithPassword,
    GithubToken,
    SlackToken,
    // harmless shapes
    Flag,
    Number,
    HostName,
    Arn,
    Path,
}

impl ValueFormat {
    pub fn is_credential(self) -> bool {
        matches!(
            self,
            ValueFormat::AwsAccessKeyId
                | ValueFormat::AwsSecretAccessKey
                | ValueFormat::PemPrivateKey
                | ValueFormat::Jwt
                | ValueFormat::UrlWithPassword
                | ValueFormat::GithubToken
                | ValueFormat::SlackToken
        )
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ValueFacts {
    /// Length in characters.
    pub len: usize,
    /// Shannon entropy in bits per character, rounded to two decimals.
    pub entropy: f64,
    /// Which character classes occur: lower, upper, digit, other.
    pub classes: u8,
    /// Recognised formats, credential ones first.
    pub formats: Vec<ValueFormat>,
    /// Of the adjacent pairs of ASCII letters and digits, the fraction whose
    /// class (lower, upper, digit) changes, rounded to two decimals. Generated
    /// keys switch class at random (about 0.6); words, versions and camel-case
    /// names rarely do (below 0.4): the entropy heuristic needs this to tell a
    /// random key from `app-v1.2.3-SNAPSHOT`.
    #[serde(default)]
    pub class_switch_ratio: f64,
    /// The value comes from a Terraform variable marked `sensitive` (or
    /// through `sensitive()`): a secret whatever its name or shape. Set by
    /// the terraform source; absent from snapshots when false.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub sensitive: bool,
    /// A rendering safe to print: at most the first two characters of a long
    /// value, then one `*` per hidden character.
    pub masked: String,
}

pub const CLASS_LOWER: u8 = 1;
pub const CLASS_UPPER: u8 = 2;
pub const CLASS_DIGIT: u8 = 4;
pub const CLASS_OTHER: u8 = 8;

impl ValueFacts {
    pub fn of(raw: &str) -> Self {
        let len = raw.chars().count();
        ValueFacts {
            len,
            entropy: (shannon_entropy(raw) * 100.0).round() / 100.0,
            classes: classes(raw),
            formats: formats(raw),
            class_switch_ratio: (class_switch_ratio(raw) * 100.0).round() / 100.0,
            sensitive: false,
            masked: mask(raw),
        }
    }

    pub fn has(&self, f: ValueFormat) -> bool {
        self.formats.contains(&f)
    }

    pub fn credential_format(&self) -> Option<ValueFormat> {
        self.formats.iter().copied().find(|f| f.is_credential())
    }

    pub fn class_count(&self) -> u32 {
        self.classes.count_ones()
    }
}

/// Shows a prefix only when enough stays hidden that the prefix cannot help
/// guess the value: two characters of a value of 10 or more.
pub fn mask(raw: &str) -> String {
    let len = raw.chars().count();
    let shown = if len >= 10 { 2 } else { 0 };
    let mut out: String = raw.chars().take(shown).collect();
    out.extend(std::iter::repeat_n('*', len - shown));
    out
}

fn shannon_entropy(s: &str) -> f64 {
    let mut counts = std::collections::HashMap::new();
    let mut n = 0usize;
    for c in s.chars() {
        *counts.entry(c).or_insert(0usize) += 1;
        n += 1;
    }
    if n == 0 {
        return 0.0;
    }
    counts
        .values()
        .map(|&k| {
            let p = k as f64 / n as f64;
            -p * p.log2()
        })
        .sum()
}

fn class_switch_ratio(s: &str) -> f64 {
    let chars: Vec<char> = s.chars().collect();
    let (mut pairs, mut switches) = (0usize, 0usize);
    for w in chars.windows(2) {
        if w[0].is_ascii_alphanumeric() && w[1].is_ascii_alphanumeric() {
            pairs += 1;
            if char_class(w[0]) != char_class(w[1]) {
                switches += 1;
            }
        }
    }
    if pairs == 0 {
        0.0
    } else {
        switches as f64 / pairs as f64
    }
}

fn char_class(c: char) -> u8 {
    if c.is_ascii_lowercase() {
        CLASS_LOWER
    } else if c.is_ascii_uppercase() {
        CLASS_UPPER
    } else if c.is_ascii_digit() {
        CLASS_DIGIT
    } else {
        CLASS_OTHER
    }
}

fn classes(s: &str) -> u8 {
    s.chars().fold(0, |acc, c| acc | char_class(c))
}

fn formats(raw: &str) -> Vec<ValueFormat> {
    let s = raw.trim();
    let mut out = Vec::new();
    let mut push = |f| {
        if !out.contains(&f) {
            out.push(f)
        }
    };
    if is_aws_access_key_id(s) {
        push(ValueFormat::AwsAccessKeyId);
    }
    if is_aws_secret_key(s) {
        push(ValueFormat::AwsSecretAccessKey);
    }
    if s.contains("-----BEGIN") && s.contains("PRIVATE KEY") {
        push(ValueFormat::PemPrivateKey);
    }
    if is_jwt(s) {
        push(ValueFormat::Jwt);
    }
    if is_url_with_password(s) {
        push(ValueFormat::UrlWithPassword);
    }
    if ["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"]
        .iter()
        .any(|p| s.starts_with(p) && s.len() >= 30)
    {
        push(ValueFormat::GithubToken);
    }
    if ["xoxb-", "xoxp-", "xoxa-", "xoxs-"]
        .iter()
        .any(|p| s.starts_with(p))
    {
        push(ValueFormat::SlackToken);
    }
    let lower = s.to_ascii_lowercase();
    if matches!(
        lower.as_str(),
        "yes"
            | "no"
            | "true"
            | "false"
            | "on"
            | "off"
            | "0"
            | "1"
            | "y"
            | "n"
            | "enabled"
            | "disabled"
    ) {
        push(ValueFormat::Flag);
    }
    if !s.is_empty() && s.parse::<f64>().is_ok() {
        push(ValueFormat::Number);
    }
    if s.starts_with("arn:") {
        push(ValueFormat::Arn);
    }
    if s.starts_with('/') && !s.contains(char::is_whitespace) {
        push(ValueFormat::Path);
    }
    if is_host_name(s) {
        push(ValueFormat::HostName);
    }
    out
}

fn is_aws_access_key_id(s: &str) -> bool {
    s.len() == 20
        && ["AKIA", "ASIA", "AIDA", "AROA", "ANPA"]
            .iter()
            .any(|p| s.starts_with(p))
        && s.chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
}

fn is_aws_secret_key(s: &str) -> bool {
    s.len() == 40
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '/' || c == '+')
        && classes(s).count_ones() >= 3
}

fn is_jwt(s: &str) -> bool {
    let parts: Vec<&str> = s.split('.').collect();
    parts.len() == 3
        && s.starts_with("eyJ")
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        })
}

fn is_url_with_password(s: &str) -> bool {
    let Some((_, rest)) = s.split_once("://") else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    match authority.rsplit_once('@') {
        Some((userinfo, _)) => userinfo
            .split_once(':')
            .is_some_and(|(_, pw)| !pw.is_empty()),
        None => false,
    }
}

fn is_host_name(s: &str) -> bool {
    // a.b.c labels of letters, digits and hyphens, optionally with a port:
    // database endpoints and service names, never credentials.
    let host = match s.rsplit_once(':') {
        Some((h, port)) if !port.is_empty() && port.chars().all(|c| c.is_ascii_digit()) => h,
        _ => s,
    };
    let labels: Vec<&str> = host.split('.').collect();
    !host.is_empty()
        && (labels.len() >= 2 || host == "localhost")
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !l.starts_with('-')
        })
        && labels
            .last()
            .is_some_and(|tld| tld.chars().any(|c| c.is_ascii_alphabetic()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_keep_length_and_hide_short_values_entirely() {
        assert_eq!(mask("Ch4ngeMe!2024"), "Ch***********");
        assert_eq!(mask("secret"), "******");
        assert_eq!(mask(""), "");
    }

    #[test]
    fn recognises_credential_formats() {
        let f = |s| ValueFacts::of(s).credential_format();
        assert_eq!(f("AKIAIOSFODNN7EXAMPLE"), Some(ValueFormat::AwsAccessKeyId));
        assert_eq!(
            f("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
            Some(ValueFormat::AwsSecretAccessKey)
        );
        assert_eq!(
            f("postgres://app:s3cr3t@db.internal:5432/app"),
            Some(ValueFormat::UrlWithPassword)
        );
        assert_eq!(f("postgres://app@db.internal:5432/app"), None);
        assert_eq!(
            f("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl"),
            Some(ValueFormat::Jwt)
        );
        assert_eq!(
            f("ghp_0123456789abcdefghijklmnopqrstuvwxyz"),
            Some(ValueFormat::GithubToken)
        );
        assert_eq!(
            f("-----BEGIN RSA PRIVATE KEY-----\nMIIE..."),
            Some(ValueFormat::PemPrivateKey)
        );
    }

    #[test]
    fn class_switch_ratio_separates_random_keys_from_words() {
        assert!(ValueFacts::of("iK2ZWeqhFWCEPyYn").class_switch_ratio >= 0.5);
        assert!(ValueFacts::of("app-v1.2.3-SNAPSHOT").class_switch_ratio < 0.2);
        assert_eq!(ValueFacts::of("----").class_switch_ratio, 0.0);
    }

    #[test]
    fn recognises_harmless_shapes() {
        assert!(ValueFacts::of("yes").has(ValueFormat::Flag));
        assert!(ValueFacts::of("5432").has(ValueFormat::Number));
        assert!(
            ValueFacts::of("mydb.abc123.us-east-1.rds.amazonaws.com").has(ValueFormat::HostName)
        );
        assert!(ValueFacts::of("db.internal:5432").has(ValueFormat::HostName));
        assert!(ValueFacts::of("/run/secrets/db_password").has(ValueFormat::Path));
        assert!(
            ValueFacts::of("arn:aws:secretsmanager:us-east-1:123456789012:secret:db")
                .has(ValueFormat::Arn)
        );
    }

    #[test]
    fn observed_value_never_serializes_the_raw_text() {
        let v = EnvValue::observe("Sup3rS3cretPassw0rd");
        let json = serde_json::to_string(&v).unwrap();
        assert!(!json.contains("Sup3rS3cretPassw0rd"), "{json}");
        assert!(json.contains("Su*****************"), "{json}");
    }
}
