//! HEADLINE 3: secrets in a container's plain `environment`, recognised by
//! name, by value format and by entropy, with the usual false positives
//! (ARNs, file paths, flags, host names, ports) left alone; and where a
//! `secrets` entry's `valueFrom` points.
//!
//! Only [`EnvValue`]'s facts are ever read: the raw value was dropped when
//! the source read it, so nothing here can print it.

use cloudgrade_model::{
    EnvValue, EnvVar, Inventory, ResourceKind, Secret, ValueFacts, ValueFormat,
};

use super::{Finding, Unanswerable, gaps};

/// An environment entry that holds a secret.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SecretFinding {
    pub variable: String,
    /// Safe to print, e.g. `Ch*********** (13 caracteres)`.
    pub masked: String,
    /// Spanish: why it is a secret, whatever holds it.
    pub why: String,
}

impl SecretFinding {
    /// Why it is a secret and what to do instead, for a task definition's
    /// `environment` (other holders, such as an image's ENV, give their own
    /// advice).
    pub fn in_task_definition(&self) -> String {
        format!("{}: {CONSEQUENCE}", self.why)
    }
}

/// What is wrong with a secret in `environment`, said once for every reason.
const CONSEQUENCE: &str = "un valor en `environment` queda en claro en la definición de tarea, a la vista de quien pueda leerla (la consola, ecs:DescribeTaskDefinition, el estado de Terraform); pásalo en `secrets`, desde Secrets Manager o un SecureString de SSM";

/// Whether the entry is a secret, and why. `None` for a non-secret.
pub fn env_secret(var: &EnvVar) -> Option<SecretFinding> {
    let words = name_words(&var.name);
    let by_name = if name_is_known_non_secret(&words) {
        None
    } else {
        secret_term(&words)
    };
    let mut reasons: Vec<String> = Vec::new();
    let masked = match &var.value {
        EnvValue::Unknown {
            reference,
            sensitive,
        } => {
            if *sensitive {
                reasons.push(format!(
                    "su valor sale de {}, marcado `sensitive` en Terraform: es un secreto se llame como se llame",
                    reference.unknown
                ));
            }
            if let Some(term) = by_name {
                reasons.push(name_reason(&var.name, term));
            }
            format!("{} (valor conocido tras apply)", var.value.display_masked())
        }
        EnvValue::Observed(facts) => {
            if let Some(f) = facts.credential_format() {
                reasons.push(format_reason(f));
            }
            if let Some(term) = by_name
                && !value_is_not_a_secret(facts)
            {
                reasons.push(name_reason(&var.name, term));
            }
            if reasons.is_empty() && !name_is_known_non_secret(&words) && looks_random(facts) {
                reasons.push(format!(
                    "el valor parece generado al azar, como una clave o una contraseña ({} caracteres, {} bits por carácter, con mayúsculas, minúsculas y dígitos mezclados)",
                    facts.len,
                    format!("{:.1}", facts.entropy).replace('.', ",")
                ));
            }
            let unit = if facts.len == 1 {
                "carácter"
            } else {
                "caracteres"
            };
            format!("{} ({} {unit})", facts.masked, facts.len)
        }
    };
    if reasons.is_empty() {
        return None;
    }
    Some(SecretFinding {
        variable: var.name.clone(),
        masked,
        why: reasons.join("; además, "),
    })
}

/// Splits `DB_PASSWORD`, `dbPassword`, `DBPassword`, `db-password2` into
/// lower-case words.
fn name_words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    for chunk in name
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|c| !c.is_empty())
    {
        let chars: Vec<char> = chunk.chars().collect();
        let mut start = 0;
        for i in 1..chars.len() {
            let (prev, cur) = (chars[i - 1], chars[i]);
            let next_lower = chars.get(i + 1).is_some_and(|c| c.is_ascii_lowercase());
            let boundary = (prev.is_ascii_lowercase() && cur.is_ascii_uppercase())
                || (prev.is_ascii_uppercase() && cur.is_ascii_uppercase() && next_lower)
                || (prev.is_ascii_digit() != cur.is_ascii_digit());
            if boundary {
                words.push(
                    chars[start..i]
                        .iter()
                        .collect::<String>()
                        .to_ascii_lowercase(),
                );
                start = i;
            }
        }
        words.push(
            chars[start..]
                .iter()
                .collect::<String>()
                .to_ascii_lowercase(),
        );
    }
    words
}

/// What a secret-like name says it holds, for the reason text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Term {
    Password,
    Secret,
    Token,
    ApiKey,
    AccessKey,
    PrivateKey,
    Credential,
    Auth,
    Key,
}

fn term_of_word(w: &str) -> Option<Term> {
    Some(match w {
        "password" | "passwd" | "pwd" | "pass" | "passphrase" => Term::Password,
        "secret" | "secrets" => Term::Secret,
        "token" | "tokens" => Term::Token,
        "apikey" => Term::ApiKey,
        "accesskey" => Term::AccessKey,
        "privatekey" => Term::PrivateKey,
        "secretkey" => Term::Secret,
        "credential" | "credentials" | "creds" => Term::Credential,
        // `DBPASSWORD`, `MYTOKEN`: a long term glued to the end of a word.
        // `PASSWORDLESS` does not end with one, so it stays clear.
        _ if w.len() > 8 && (w.ends_with("password") || w.ends_with("passwd")) => Term::Password,
        _ if w.len() > 6 && w.ends_with("secret") => Term::Secret,
        _ if w.len() > 5 && w.ends_with("token") => Term::Token,
        _ if w.len() > 6 && w.ends_with("apikey") => Term::ApiKey,
        _ => return None,
    })
}

/// Words after the secret word that still name the secret itself
/// (`DB_PASSWORD_VALUE`, `SECRET_KEY_BASE`, `API_TOKEN_PROD`).
fn keeps_secret(w: &str) -> bool {
    matches!(
        w,
        "value"
            | "string"
            | "plain"
            | "plaintext"
            | "raw"
            | "base"
            | "b64"
            | "base64"
            | "hex"
            | "encoded"
            | "prod"
            | "production"
            | "dev"
            | "development"
            | "staging"
            | "test"
            | "live"
            | "v"
    ) || w.chars().all(|c| c.is_ascii_digit())
}

/// Words before the secret word that make the name a setting about
/// secrets (`MYSQL_ALLOW_EMPTY_PASSWORD`, `MYSQL_RANDOM_ROOT_PASSWORD`).
fn setting_prefix(w: &str) -> bool {
    matches!(
        w,
        "allow"
            | "empty"
            | "random"
            | "generate"
            | "require"
            | "required"
            | "enable"
            | "enabled"
            | "disable"
            | "disabled"
            | "skip"
            | "reset"
            | "forgot"
            | "no"
            | "use"
            | "has"
            | "is"
            | "min"
            | "max"
    )
}

/// `KEY` as the last word is a secret (`STRIPE_KEY`, `APP_KEY`) unless a
/// qualifier says it is an identifier (`PARTITION_KEY`, `KMS_KEY`).
fn non_secret_key_qualifier(w: &str) -> bool {
    matches!(
        w,
        "public"
            | "partition"
            | "sort"
            | "primary"
            | "foreign"
            | "cache"
            | "idempotency"
            | "routing"
            | "object"
            | "s3"
            | "kms"
            | "hash"
            | "range"
            | "index"
            | "group"
            | "dedup"
            | "deduplication"
            | "message"
            | "lookup"
            | "map"
            | "storage"
            | "bucket"
            | "redis"
            | "queue"
    )
}

/// The secret word the name ends with (possibly followed by words that
/// keep it a secret), if any.
fn secret_term(words: &[String]) -> Option<Term> {
    if let [only] = words
        && (only == "pwd" || only == "oldpwd")
    {
        // The shell's working directory.
        return None;
    }
    if words
        .windows(3)
        .any(|w| w[0] == "access" && w[1] == "key" && w[2] == "id")
    {
        // AWS_ACCESS_KEY_ID: half of a long-lived credential.
        return Some(Term::AccessKey);
    }
    // Strip trailing words that keep the secret; what is left must end in
    // the secret word.
    let mut end = words.len();
    while end > 1 && keeps_secret(&words[end - 1]) {
        end -= 1;
    }
    let core = &words[..end];
    let last = core.last()?;
    let before = core.len().checked_sub(2).map(|i| core[i].as_str());
    let term = match (before, last.as_str()) {
        (Some("api"), "key") => Term::ApiKey,
        (Some("access"), "key") => Term::AccessKey,
        (Some("private"), "key") => Term::PrivateKey,
        (Some("secret"), "key") => Term::Secret,
        (Some(q), "key") if non_secret_key_qualifier(q) => return None,
        (Some(_), "key") => Term::Key,
        (_, "auth") => Term::Auth,
        (_, w) => term_of_word(w)?,
    };
    if before.is_some_and(setting_prefix) {
        return None;
    }
    Some(term)
}

/// Names that hold a reference to a secret, not the secret.
fn name_is_known_non_secret(words: &[String]) -> bool {
    matches!(
        words.last().map(String::as_str),
        Some("arn" | "file" | "path")
    ) || words.ends_with(&["secret".to_string(), "id".to_string()])
        || words.ends_with(&["secret".to_string(), "name".to_string()])
}

fn name_reason(name: &str, term: Term) -> String {
    let what = match term {
        Term::Password => "una contraseña",
        Term::Secret => "un secreto",
        Term::Token => "un token",
        Term::ApiKey => "una clave de API",
        Term::AccessKey => "una clave de acceso",
        Term::PrivateKey => "una clave privada",
        Term::Credential => "credenciales",
        Term::Auth => "credenciales de autenticación",
        Term::Key => "una clave",
    };
    format!("el nombre {name} indica que guarda {what}")
}

fn format_reason(f: ValueFormat) -> String {
    let what = match f {
        ValueFormat::AwsAccessKeyId => "tiene el formato de un ID de clave de acceso de AWS",
        ValueFormat::AwsSecretAccessKey => {
            "tiene la forma de una clave secreta de acceso de AWS (40 caracteres)"
        }
        ValueFormat::PemPrivateKey => "contiene una clave privada PEM",
        ValueFormat::Jwt => "es un JWT, un token firmado",
        ValueFormat::UrlWithPassword => "es una URL con usuario y contraseña (usuario:contraseña@)",
        ValueFormat::GithubToken => "tiene el formato de un token de GitHub",
        ValueFormat::SlackToken => "tiene el formato de un token de Slack",
        ValueFormat::Flag
        | ValueFormat::Number
        | ValueFormat::HostName
        | ValueFormat::Arn
        | ValueFormat::Path => "tiene un formato de credencial",
    };
    format!("el valor {what}")
}

/// A value that cannot be the secret its name suggests: nothing, a flag
/// (`MYSQL_ALLOW_EMPTY_PASSWORD=yes`), or a reference to where the secret
/// lives (an ARN, a file path).
fn value_is_not_a_secret(f: &ValueFacts) -> bool {
    f.len == 0 || f.has(ValueFormat::Flag) || f.has(ValueFormat::Arn) || f.has(ValueFormat::Path)
}

/// The entropy heuristic, for values whose name says nothing. Tuned on
/// generated keys and passwords (16 to 64 characters; about nine in ten
/// caught) against values that fill task definitions in practice: URLs,
/// image names, versions, UUIDs, JVM options, camel-case names (none
/// caught). A generated key mixes lower case, upper case and digits, switches
/// between them at random, and its entropy is close to that of a random
/// string of its length.
fn looks_random(f: &ValueFacts) -> bool {
    use cloudgrade_model::{CLASS_DIGIT, CLASS_LOWER, CLASS_OTHER, CLASS_UPPER};
    let mixed = CLASS_LOWER | CLASS_UPPER | CLASS_DIGIT;
    let harmless = [
        ValueFormat::Number,
        ValueFormat::HostName,
        ValueFormat::Arn,
        ValueFormat::Path,
        ValueFormat::Flag,
    ];
    if f.len < 16 || f.classes & mixed != mixed || harmless.iter().any(|h| f.has(*h)) {
        return false;
    }
    let alphabet = 62.0
        + if f.classes & CLASS_OTHER != 0 {
            16.0
        } else {
            0.0
        };
    f.class_switch_ratio >= 0.45 && f.entropy >= expected_entropy(f.len, alphabet) - 0.5
}

/// The expected Shannon entropy (bits per character) of a string of `n`
/// characters drawn uniformly from `k` symbols: each symbol's count is
/// binomial, so E[H] = -k * sum_c P(count = c) * (c/n) log2(c/n).
fn expected_entropy(n: usize, k: f64) -> f64 {
    // Past a few hundred characters the value has converged to log2(k).
    let n = n.clamp(1, 512);
    let nf = n as f64;
    let p = 1.0 / k;
    let mut pmf = (1.0 - p).powf(nf);
    let mut sum = 0.0;
    for c in 1..=n {
        let cf = c as f64;
        pmf *= (nf - cf + 1.0) / cf * p / (1.0 - p);
        let q = cf / nf;
        sum += pmf * q * q.log2();
    }
    -k * sum
}

/// The longest rotation period the course's practices (and Security Hub's
/// SecretsManager.4) accept.
pub const MAX_ROTATION_DAYS: i32 = 90;

/// secrets-rotation: the secret rotates by itself, at most every
/// [`MAX_ROTATION_DAYS`] days (RDS's own secret for a managed master
/// password rotates every seven). `Ok` says how.
pub fn rotates(s: &Secret) -> Result<String, Result<Finding, Unanswerable>> {
    let name = &s.name;
    match (s.rotation_enabled, s.rotation_days) {
        (Some(true), Some(days)) if days > MAX_ROTATION_DAYS => Err(Ok(Finding::new(
            name,
            format!(
                "el secreto {name} rota cada {days} días: una credencial filtrada sirve más de {MAX_ROTATION_DAYS} días; rótalo cada {MAX_ROTATION_DAYS} o menos"
            ),
            s.origin.as_ref(),
        ))),
        (Some(true), Some(days)) => Ok(format!("el secreto {name} rota solo cada {days} días")),
        (Some(true), None) => Ok(format!("el secreto {name} rota solo, con su calendario")),
        (Some(false), _) => Err(Ok(Finding::new(
            name,
            format!(
                "el secreto {name} no rota: si la contraseña se filtra sirve para siempre; añade un aws_secretsmanager_secret_rotation, o deja que RDS gestione la contraseña (manage_master_user_password = true), que la rota sola"
            ),
            s.origin.as_ref(),
        ))),
        (None, _) => Err(Err(Unanswerable::new(
            name,
            format!(
                "la fuente no dice si el secreto {name} rota (un secreto de fuera del proyecto)"
            ),
        ))),
    }
}

/// Where a `secrets` entry's `valueFrom` points.
#[derive(Debug, Clone, PartialEq)]
pub enum SecretTarget<'a> {
    /// A Secrets Manager secret of the inventory.
    SecretsManager(&'a Secret),
    /// A Secrets Manager secret that is not in the inventory (its ARN or name).
    SecretsManagerMissing(String),
    /// An SSM parameter (its name). The inventory does not hold parameters,
    /// so whether it exists and is a SecureString is not known here.
    SsmParameter(String),
    /// Neither, or not knowable: the reason, in Spanish.
    Unknown(String),
}

/// Resolves `valueFrom`: a Secrets Manager ARN (full or partial, with or
/// without `:json-key:version-stage:version-id`), an SSM parameter ARN or
/// name, a secret's name, or (from a static source) a Terraform reference.
pub fn secret_ref_target<'a>(inv: &'a Inventory, value_from: &str) -> SecretTarget<'a> {
    let v = value_from.trim();
    if let Some(s) = inv.secrets.iter().find(|s| s.arn == v) {
        return SecretTarget::SecretsManager(s);
    }
    let missing = |wanted: String| match gaps(inv, ResourceKind::Secret, &wanted).into_iter().next()
    {
        Some(u) => SecretTarget::Unknown(format!(
            "el secreto {wanted} no está en el inventario, pero {}",
            u.reason
        )),
        None => SecretTarget::SecretsManagerMissing(wanted),
    };
    if v.starts_with("arn:") {
        let parts: Vec<&str> = v.split(':').collect();
        return match parts.get(2).copied() {
            Some("secretsmanager") if parts.len() >= 7 && parts[5] == "secret" => {
                let base = parts[..7].join(":");
                let found = inv.secrets.iter().find(|s| {
                    s.arn == base
                        // A partial ARN leaves out the six random characters
                        // Secrets Manager appends to the name.
                        || (s.arn.len() == base.len() + 7
                            && s.arn.starts_with(&base)
                            && s.arn.as_bytes().get(base.len()) == Some(&b'-'))
                });
                match found {
                    Some(s) => SecretTarget::SecretsManager(s),
                    None => missing(base),
                }
            }
            Some("ssm") if parts.len() >= 6 && parts[5].starts_with("parameter") => {
                let rest = parts[5..].join(":");
                let name = rest.trim_start_matches("parameter").trim_start_matches('/');
                let name = if name.contains('/') {
                    format!("/{name}")
                } else {
                    name.to_string()
                };
                SecretTarget::SsmParameter(name)
            }
            _ => SecretTarget::Unknown(format!(
                "valueFrom «{v}» no es el ARN de un secreto de Secrets Manager ni de un parámetro de SSM"
            )),
        };
    }
    // A static source's reference with a JSON key, `<address>:password::`
    // (a module's secret or one a data source found, too).
    if let Some((base, _)) = v.split_once(':')
        && let Some(s) = inv.secrets.iter().find(|s| s.arn == base)
    {
        return SecretTarget::SecretsManager(s);
    }
    if let Some(rest) = v.strip_prefix("aws_secretsmanager_secret.") {
        // A Terraform reference, e.g. `aws_secretsmanager_secret.db.arn`.
        let address = format!(
            "aws_secretsmanager_secret.{}",
            rest.split(['.', ':']).next().unwrap_or(rest)
        );
        let found = inv.secrets.iter().find(|s| {
            s.arn == address
                || s.origin.as_ref().and_then(|o| o.address.as_deref()) == Some(address.as_str())
        });
        return match found {
            Some(s) => SecretTarget::SecretsManager(s),
            None => missing(address),
        };
    }
    if v.starts_with("aws_ssm_parameter.") {
        return SecretTarget::SsmParameter(v.to_string());
    }
    if v.starts_with("data.") || v.starts_with("var.") || v.starts_with("local.") {
        return SecretTarget::Unknown(format!(
            "valueFrom es {v}: una referencia que la fuente no resuelve a un secreto del inventario"
        ));
    }
    if let Some(s) = inv.secrets.iter().find(|s| s.name == v) {
        return SecretTarget::SecretsManager(s);
    }
    if v.is_empty() {
        return SecretTarget::Unknown("valueFrom está vacío".into());
    }
    // ECS reads a bare name as an SSM parameter of the same region.
    SecretTarget::SsmParameter(v.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::testkit::empty;
    use cloudgrade_model::{Gap, GapReason, Origin, Unknown};

    fn var(name: &str, raw: &str) -> EnvVar {
        EnvVar {
            name: name.into(),
            value: EnvValue::observe(raw),
            origin: None,
            only_if: None,
        }
    }
    fn unknown(name: &str, reference: &str, sensitive: bool) -> EnvVar {
        EnvVar {
            name: name.into(),
            value: EnvValue::Unknown {
                reference: Unknown {
                    unknown: reference.into(),
                },
                sensitive,
            },
            origin: None,
            only_if: None,
        }
    }
    fn flagged(name: &str, raw: &str) -> bool {
        env_secret(&var(name, raw)).is_some()
    }

    #[test]
    fn splits_names_into_words() {
        assert_eq!(name_words("DB_PASSWORD"), ["db", "password"]);
        assert_eq!(name_words("dbPassword"), ["db", "password"]);
        assert_eq!(name_words("DBPassword"), ["db", "password"]);
        assert_eq!(name_words("api-key2"), ["api", "key", "2"]);
        assert_eq!(name_words("__X__"), ["x"]);
        assert!(name_words("").is_empty());
    }

    #[test]
    fn secret_names_are_caught_whatever_the_value() {
        for name in [
            "DB_PASSWORD",
            "dbPassword",
            "POSTGRES_PASSWORD",
            "DB_PASS",
            "SMTP_PASSWD",
            "DB_PWD",
            "JWT_SECRET",
            "CLIENT_SECRET",
            "GITHUB_TOKEN",
            "apiToken",
            "API_KEY",
            "APIKEY",
            "STRIPE_API_KEY",
            "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY",
            "SSH_PRIVATE_KEY",
            "SECRET_KEY_BASE",
            "GOOGLE_CREDENTIALS",
            "REDIS_AUTH",
            "APP_KEY",
            "DBPASSWORD",
            "DB_PASSWORD_2",
            "API_TOKEN_PROD",
        ] {
            assert!(flagged(name, "Ch4ngeMe!2024"), "{name}");
        }
    }

    #[test]
    fn numeric_passwords_are_still_passwords() {
        assert!(flagged("DB_PASSWORD", "12345678"));
    }

    #[test]
    fn settings_about_secrets_are_not_secrets() {
        for (name, value) in [
            ("PASSWORD_MIN_LENGTH", "12"),
            ("TOKEN_EXPIRY_SECONDS", "3600"),
            ("TOKEN_URL", "https://auth.example.com/oauth/token"),
            ("AUTH_URL", "https://auth.example.com"),
            ("PASSWORDLESS_MODE", "magic-link"),
            ("PARTITION_KEY", "tenantId"),
            ("KMS_KEY", "alias/app"),
            (
                "SECRETS_MANAGER_ENDPOINT",
                "https://secretsmanager.us-east-1.amazonaws.com",
            ),
            ("PWD", "/app"),
        ] {
            assert!(!flagged(name, value), "{name}");
        }
        // Even with an unknown value the name alone does not convict them.
        assert!(env_secret(&unknown("PASSWORD_MIN_LENGTH", "var.min", false)).is_none());
        assert!(env_secret(&unknown("MYSQL_ALLOW_EMPTY_PASSWORD", "var.allow", false)).is_none());
    }

    #[test]
    fn references_to_secrets_are_not_secrets() {
        for name in [
            "DB_SECRET_ARN",
            "DB_PASSWORD_SECRET_ID",
            "DB_SECRET_NAME",
            "DB_PASSWORD_FILE",
            "TLS_KEY_PATH",
            "DB_PASSWORD_ARN",
        ] {
            assert!(
                !flagged(
                    name,
                    "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf"
                ),
                "{name}"
            );
            assert!(
                env_secret(&unknown(name, "aws_secretsmanager_secret.db.arn", false)).is_none(),
                "{name}"
            );
        }
        // A password-named entry holding an ARN or a path is a reference too.
        assert!(!flagged(
            "DB_PASSWORD",
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf"
        ));
        assert!(!flagged("DB_PASSWORD", "/run/secrets/db_password"));
    }

    #[test]
    fn flags_and_empty_values_are_not_secrets() {
        assert!(!flagged("MYSQL_ALLOW_EMPTY_PASSWORD", "yes"));
        assert!(!flagged("MYSQL_RANDOM_ROOT_PASSWORD", "true"));
        assert!(!flagged("DB_PASSWORD", ""));
        assert!(!flagged("AUTH_ENABLED", "true"));
    }

    #[test]
    fn host_names_ports_and_ordinary_config_are_not_secrets() {
        for (name, value) in [
            ("DB_HOST", "mydb.abc123xyz.us-east-1.rds.amazonaws.com"),
            ("DB_PORT", "5432"),
            ("DB_NAME", "appdb"),
            ("DB_USER", "app"),
            ("DATABASE_URL", "postgresql://app@db.internal:5432/app"),
            ("AWS_REGION", "us-east-1"),
            ("APP_VERSION", "app-v1.2.3-SNAPSHOT"),
            (
                "IMAGE",
                "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1.2.3",
            ),
            ("TENANT_ID", "3f2b8c1e-7a4d-4e2b-9c1f-2a3b4c5d6e7f"),
            ("JAVA_OPTS", "-Xms256m -Xmx512m -XX:+UseG1GC"),
            ("SPRING_PROFILES_ACTIVE", "prod,aws"),
            ("MAIN_CLASS", "com.example.MyApplication"),
            ("ENVIRONMENT", "Production-EU-West-1"),
            ("CALLBACK", "https://Example.com/Callback?x=1"),
            ("USER_AGENT", "Mozilla/5.0 (X11; Linux x86_64)"),
            ("STACK", "MyCompanyApp_2024"),
            ("TZ", "America/Argentina/Buenos_Aires"),
            ("QUEUE", "MyApp.Worker.Queue-01"),
            ("LOG_LEVEL", "INFO"),
        ] {
            assert!(!flagged(name, value), "{name}={value}");
        }
    }

    #[test]
    fn credential_formats_are_caught_whatever_the_name() {
        for (name, value) in [
            ("KEY_ONE", "AKIAIOSFODNN7EXAMPLE"),
            ("SOMETHING", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
            ("DATABASE_URL", "postgres://u:p@h/db"),
            (
                "SESSION",
                "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl",
            ),
            ("GH", "ghp_0123456789abcdefghijklmnopqrstuvwxyz"),
            ("CERT_FILE", "-----BEGIN PRIVATE KEY-----\nMIIE"),
        ] {
            let f = env_secret(&var(name, value)).unwrap_or_else(|| panic!("{name}"));
            assert!(f.why.starts_with("el valor "), "{name}: {}", f.why);
        }
    }

    #[test]
    fn high_entropy_values_are_caught_without_a_telling_name() {
        for value in [
            "sk_live_4eC39HqLyjWDarjtT1zdp7dc",
            "tc3ydUquViqYyZh2RtgB1pGJnv7vGYz95LEg",
            "6rQJM9UayY20948VGZiHXJnB",
            "h9Uz0+T1SaQ6dDwxlGejkc5b",
            "iK2ZWeqhFWCEPyYn",
            "LqAseOAwM3ugFGi53G46bYRvH+d1chTrqrHJYZwlD+awO4CEO/9C0RJCgjVuANMM",
        ] {
            let f = env_secret(&var("STRIPE", value)).unwrap_or_else(|| panic!("{value}"));
            assert!(f.why.contains("parece generado al azar"), "{}", f.why);
        }
        // Too short, or lacking a character class, the heuristic stays quiet.
        assert!(!flagged("X", "aB3dE5gH9"));
        assert!(!flagged("X", "0123456789abcdef0123456789abcdef"));
    }

    #[test]
    fn unknown_values_are_judged_by_name_and_sensitivity() {
        let f = env_secret(&unknown("DB_PASSWORD", "var.db_password", false)).unwrap();
        assert_eq!(f.masked, "${var.db_password} (valor conocido tras apply)");
        assert!(
            f.why
                .contains("el nombre DB_PASSWORD indica que guarda una contraseña")
        );
        let f = env_secret(&unknown("CONN", "var.conn", true)).unwrap();
        assert!(f.why.contains("var.conn, marcado `sensitive`"), "{}", f.why);
        assert!(env_secret(&unknown("DB_HOST", "aws_db_instance.main.address", false)).is_none());
    }

    #[test]
    fn findings_mask_the_value_and_never_contain_it() {
        let raw = "Ch4ngeMe!2024";
        let f = env_secret(&var("DB_PASSWORD", raw)).unwrap();
        assert_eq!(f.masked, "Ch*********** (13 caracteres)");
        let all = serde_json::to_string(&f).unwrap();
        assert!(!all.contains(raw));
        for (name, raw) in [
            ("X", "postgres://app:s3cr3tP4ss@db:5432/app"),
            ("Y", "AKIAIOSFODNN7EXAMPLE"),
            ("Z", "kk6InrWvMG1qxvvhsp38MX9T4FiLJXgucAey3Yj1"),
            ("PIN_PASSWORD", "7"),
        ] {
            let f = env_secret(&var(name, raw)).unwrap();
            let all = serde_json::to_string(&f).unwrap();
            assert!(!all.contains(raw), "{all}");
        }
        assert_eq!(
            env_secret(&var("PIN_PASSWORD", "7")).unwrap().masked,
            "* (1 carácter)"
        );
        // A one-character "1" is a flag, not a password.
        assert!(env_secret(&var("PIN_PASSWORD", "1")).is_none());
    }

    #[test]
    fn several_reasons_are_combined() {
        let f = env_secret(&var("DB_PASSWORD", "postgres://u:p@h/db")).unwrap();
        assert!(
            f.why
                .starts_with("el valor es una URL con usuario y contraseña (usuario:contraseña@)"),
            "{}",
            f.why
        );
        assert!(
            f.why.contains("; además, el nombre DB_PASSWORD"),
            "{}",
            f.why
        );
        assert!(
            f.in_task_definition().contains("pásalo en `secrets`"),
            "{}",
            f.why
        );
    }

    #[test]
    fn expected_entropy_matches_known_values() {
        // Sixteen distinct symbols from a huge alphabet: log2(16) = 4.
        assert!((expected_entropy(16, 1.0e6) - 4.0).abs() < 0.01);
        // Many characters from 62 symbols: close to log2(62) = 5.95.
        let e = expected_entropy(512, 62.0);
        assert!(e > 5.8 && e < 5.96, "{e}");
    }

    #[test]
    fn a_secret_rotates_on_its_own_within_ninety_days() {
        let mut s = secret("arn:x", "prod/db");
        assert!(matches!(rotates(&s), Err(Err(_))), "unsaid is unknown");
        s.rotation_enabled = Some(false);
        assert!(matches!(rotates(&s), Err(Ok(f)) if f.message.contains("no rota")));
        s.rotation_enabled = Some(true);
        assert!(rotates(&s).is_ok());
        s.rotation_days = Some(30);
        assert!(rotates(&s).unwrap().contains("cada 30 días"));
        s.rotation_days = Some(365);
        assert!(matches!(rotates(&s), Err(Ok(f)) if f.message.contains("cada 365 días")));
    }

    fn secret(arn: &str, name: &str) -> Secret {
        Secret {
            arn: arn.into(),
            name: name.into(),
            rotation_enabled: None,
            rotation_days: None,
            kms_key_id: None,
            origin: None,
        }
    }

    #[test]
    fn value_from_resolves_a_static_reference_with_a_json_key() {
        let mut inv = empty();
        for arn in [
            "module.rds.aws_secretsmanager_secret.db",
            "data.aws_secretsmanager_secret.db",
        ] {
            inv.secrets.push(secret(arn, arn));
            let t = secret_ref_target(&inv, &format!("{arn}:password::"));
            assert!(
                matches!(t, SecretTarget::SecretsManager(s) if s.arn == arn),
                "{arn}"
            );
        }
        assert!(matches!(
            secret_ref_target(&inv, "data.aws_secretsmanager_secret.other:password::"),
            SecretTarget::Unknown(_)
        ));
    }

    #[test]
    fn value_from_resolves_secrets_manager_arns_in_every_form() {
        let mut inv = empty();
        let arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf";
        inv.secrets.push(secret(arn, "prod/db"));
        let is_db = |t: SecretTarget| matches!(t, SecretTarget::SecretsManager(s) if s.arn == arn);
        assert!(is_db(secret_ref_target(&inv, arn)));
        assert!(is_db(secret_ref_target(&inv, &format!("{arn}:password::"))));
        assert!(is_db(secret_ref_target(
            &inv,
            &format!("{arn}:password:AWSCURRENT:")
        )));
        assert!(is_db(secret_ref_target(
            &inv,
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db"
        )));
        assert!(is_db(secret_ref_target(&inv, "prod/db")));
        assert_eq!(
            secret_ref_target(
                &inv,
                "arn:aws:secretsmanager:us-east-1:123456789012:secret:other-XyZ123:k::"
            ),
            SecretTarget::SecretsManagerMissing(
                "arn:aws:secretsmanager:us-east-1:123456789012:secret:other-XyZ123".into()
            )
        );
    }

    #[test]
    fn value_from_resolves_ssm_parameters() {
        let inv = empty();
        assert_eq!(
            secret_ref_target(
                &inv,
                "arn:aws:ssm:us-east-1:123456789012:parameter/prod/db/password"
            ),
            SecretTarget::SsmParameter("/prod/db/password".into())
        );
        assert_eq!(
            secret_ref_target(
                &inv,
                "arn:aws:ssm:us-east-1:123456789012:parameter/db_password"
            ),
            SecretTarget::SsmParameter("db_password".into())
        );
        assert_eq!(
            secret_ref_target(&inv, "/prod/db/password"),
            SecretTarget::SsmParameter("/prod/db/password".into())
        );
        assert!(matches!(
            secret_ref_target(&inv, "arn:aws:s3:::bucket/key"),
            SecretTarget::Unknown(_)
        ));
        assert!(matches!(
            secret_ref_target(&inv, ""),
            SecretTarget::Unknown(_)
        ));
    }

    #[test]
    fn value_from_resolves_terraform_references_and_respects_gaps() {
        let mut inv = empty();
        let mut s = secret("aws_secretsmanager_secret.db", "db");
        s.origin = Some(Origin {
            file: "main.tf".into(),
            line: 3,
            address: Some("aws_secretsmanager_secret.db".into()),
        });
        inv.secrets.push(s);
        assert!(matches!(
            secret_ref_target(&inv, "aws_secretsmanager_secret.db.arn"),
            SecretTarget::SecretsManager(_)
        ));
        assert_eq!(
            secret_ref_target(&inv, "aws_secretsmanager_secret.other.arn"),
            SecretTarget::SecretsManagerMissing("aws_secretsmanager_secret.other".into())
        );
        assert!(matches!(
            secret_ref_target(&inv, "data.aws_secretsmanager_secret.x.arn"),
            SecretTarget::Unknown(_)
        ));
        inv.gaps.push(Gap {
            kind: ResourceKind::Secret,
            operation: "secretsmanager:ListSecrets".into(),
            reason: GapReason::AccessDenied,
            message: "denied".into(),
        });
        match secret_ref_target(
            &inv,
            "arn:aws:secretsmanager:us-east-1:1:secret:nope-AbCdEf",
        ) {
            SecretTarget::Unknown(why) => {
                assert!(why.contains("secretsmanager:ListSecrets"), "{why}")
            }
            other => panic!("{other:?}"),
        }
    }
}
