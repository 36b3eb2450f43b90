//! Where the `aws` source reads from, turned into an SDK configuration and
//! one client per service.
//!
//! An `SdkConfig` cannot carry interceptors (aws-types has no such field), so
//! the [`CallLog`] is attached where it can be: on each client, by
//! [`Clients::new`]. Code that builds its own clients from [`load`] simply
//! goes unrecorded.

use std::borrow::Cow;
use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, SdkConfig};
use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_smithy_runtime_api::client::interceptors::context::InterceptorContext;
use aws_smithy_runtime_api::client::retries::classifiers::{
    ClassifyRetry, RetryAction, RetryClassifierPriority,
};
use aws_types::os_shim_internal::{Env, Fs};
use aws_types::region::Region;

use crate::calls::CallLog;
use crate::complete::CompleteDocument;

/// The region used for an emulator when neither the target nor the
/// environment names one (emulators accept any; this is the usual one).
pub const DEFAULT_REGION: &str = "us-east-1";

/// Keys an emulator is given when the environment has none: it accepts any,
/// so a student without an AWS account is never asked for some.
const EMULATOR_KEY: &str = "cloudgrade";

#[derive(Debug, Clone, Default)]
pub struct Target {
    /// An emulator (moto, LocalStack); `None` is the real AWS.
    pub endpoint_url: Option<String>,
    pub region: Option<String>,
    pub profile: Option<String>,
    /// A role to assume (STS) before reading.
    pub role_arn: Option<String>,
}

impl Target {
    /// How a report names the source's location.
    pub fn describe(&self) -> String {
        match (&self.endpoint_url, &self.profile, &self.role_arn) {
            (Some(url), _, _) => url.clone(),
            (None, _, Some(role)) => format!("cuenta AWS (rol {role})"),
            (None, Some(p), None) => format!("cuenta AWS (perfil {p})"),
            (None, None, None) => "cuenta AWS (cadena de credenciales por defecto)".into(),
        }
    }
}

/// Attempts per operation, the first included: the retry budget.
pub const MAX_ATTEMPTS: u32 = 8;

/// How long the source waits, and how it backs off between attempts.
///
/// The defaults suit a real account. The three environment variables below
/// change them, for a run that must meet many hangs and throttles in
/// little time (the fault-injection suite, scripts/faults.sh); the retry
/// budget and the rules of what is retried stay the same.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timing {
    /// One attempt, from sending to the whole answer
    /// (`CLOUDGRADE_AWS_ATTEMPT_TIMEOUT_SECS`, 20).
    pub attempt: Duration,
    /// One operation, its retries included
    /// (`CLOUDGRADE_AWS_OPERATION_TIMEOUT_SECS`, 120).
    pub operation: Duration,
    /// The first backoff, doubled (with jitter) at each retry
    /// (`CLOUDGRADE_AWS_INITIAL_BACKOFF_MS`, 200).
    pub initial_backoff: Duration,
}

impl Default for Timing {
    fn default() -> Timing {
        Timing {
            attempt: Duration::from_secs(20),
            operation: Duration::from_secs(120),
            initial_backoff: Duration::from_millis(200),
        }
    }
}

impl Timing {
    /// The defaults, with whatever the environment sets; a value that is not
    /// a positive whole number is an error naming the variable.
    pub fn from_env() -> Result<Timing, ConfigError> {
        let mut t = Timing::default();
        let var = |name: &'static str| -> Result<Option<u64>, ConfigError> {
            match std::env::var(name) {
                Err(_) => Ok(None),
                Ok(v) => v
                    .trim()
                    .parse::<u64>()
                    .ok()
                    .filter(|n| *n > 0)
                    .map(Some)
                    .ok_or(ConfigError::BadTiming {
                        var: name,
                        value: v,
                    }),
            }
        };
        if let Some(s) = var("CLOUDGRADE_AWS_ATTEMPT_TIMEOUT_SECS")? {
            t.attempt = Duration::from_secs(s);
        }
        if let Some(s) = var("CLOUDGRADE_AWS_OPERATION_TIMEOUT_SECS")? {
            t.operation = Duration::from_secs(s);
        }
        if let Some(ms) = var("CLOUDGRADE_AWS_INITIAL_BACKOFF_MS")? {
            t.initial_backoff = Duration::from_millis(ms);
        }
        Ok(t)
    }
}

/// A target that cannot work whatever the network does.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error(
        "«{url}» no es una URL de endpoint: se espera http://máquina:puerto (p. ej. http://localhost:4566)"
    )]
    BadEndpoint { url: String },
    #[error("el perfil «{profile}» no existe en ~/.aws/config ni en ~/.aws/credentials")]
    UnknownProfile { profile: String },
    #[error("no se pudieron leer los ficheros de perfiles de AWS: {detail}")]
    ProfileFiles { detail: String },
    #[error("no hay región configurada: indica --region, AWS_REGION o una región en el perfil")]
    NoRegion,
    #[error("{var}=«{value}»: se espera un número entero positivo")]
    BadTiming { var: &'static str, value: String },
}

/// Checks what can be checked before any request: the endpoint's shape, that
/// a named profile exists, and (for a real account) that a region is known,
/// so these fail with their own message instead of as a refused connection.
pub async fn check(target: &Target) -> Result<(), ConfigError> {
    Timing::from_env()?;
    if let Some(url) = &target.endpoint_url {
        let rest = url
            .strip_prefix("http://")
            .or_else(|| url.strip_prefix("https://"));
        if !rest.is_some_and(|r| !r.is_empty() && !r.starts_with(['/', ':'])) {
            return Err(ConfigError::BadEndpoint { url: url.clone() });
        }
    }
    if let Some(profile) = &target.profile {
        #[allow(deprecated)] // the alias is the type `profile::load` takes
        let files = aws_config::profile::profile_file::ProfileFiles::default();
        let set = aws_config::profile::load(
            &Fs::real(),
            &Env::real(),
            &files,
            Some(Cow::Owned(profile.clone())),
        )
        .await
        .map_err(|e| ConfigError::ProfileFiles {
            detail: e.to_string(),
        })?;
        if set.get_profile(profile).is_none() {
            return Err(ConfigError::UnknownProfile {
                profile: profile.clone(),
            });
        }
    }
    if target.endpoint_url.is_none() && target.region.is_none() {
        let mut chain = aws_config::default_provider::region::DefaultRegionChain::builder();
        if let Some(p) = &target.profile {
            chain = chain.profile_name(p);
        }
        if chain.build().region().await.is_none() {
            return Err(ConfigError::NoRegion);
        }
    }
    Ok(())
}

/// Builds the shared configuration. Throttling is survived with eight
/// attempts of jittered exponential backoff (standard mode: adaptive mode's
/// client-side rate limiter would stretch a run of a few dozen calls into
/// minutes once throttled); an unreachable endpoint fails fast on the
/// connect timeout.
///
/// With an endpoint URL every client goes there; the region defaults to
/// [`DEFAULT_REGION`], and without keys in the environment (or a profile)
/// dummy ones are used. Without one: the profile or the default credential
/// chain, then the role if one is given. Never fails: what can be wrong
/// before the first request is reported by [`check`].
pub async fn load(target: &Target) -> SdkConfig {
    let t = Timing::from_env().unwrap_or_default();
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .retry_config(
            RetryConfig::standard()
                .with_max_attempts(MAX_ATTEMPTS)
                .with_initial_backoff(t.initial_backoff),
        )
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(3))
                .operation_attempt_timeout(t.attempt)
                .operation_timeout(t.operation)
                .build(),
        );
    if let Some(p) = &target.profile {
        loader = loader.profile_name(p);
    }
    if let Some(r) = &target.region {
        loader = loader.region(Region::new(r.clone()));
    }
    if let Some(url) = &target.endpoint_url {
        loader = loader.endpoint_url(url);
        if target.profile.is_none() && !has_env_credentials() {
            loader = loader.credentials_provider(Credentials::new(
                EMULATOR_KEY,
                EMULATOR_KEY,
                None,
                None,
                "cloudgrade-emulator",
            ));
        }
    }
    let mut config = loader.load().await;
    if config.region().is_none() && target.endpoint_url.is_some() {
        config = config
            .into_builder()
            .region(Region::new(DEFAULT_REGION))
            .build();
    }
    if let Some(role) = &target.role_arn {
        let provider = aws_config::sts::AssumeRoleProvider::builder(role)
            .session_name("cloudgrade")
            .configure(&config)
            .build()
            .await;
        config = config
            .into_builder()
            .credentials_provider(SharedCredentialsProvider::new(provider))
            .build();
    }
    config
}

/// Keys or a profile the user chose through the environment, which then win
/// over the emulator's dummy keys (moto with IAM auth enforced needs real ones).
fn has_env_credentials() -> bool {
    [
        "AWS_ACCESS_KEY_ID",
        "AWS_PROFILE",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
    ]
    .iter()
    .any(|v| std::env::var_os(v).is_some_and(|s| !s.is_empty()))
}

/// One client per service the source reads, each recording its calls.
#[derive(Debug, Clone)]
pub struct Clients {
    pub ec2: aws_sdk_ec2::Client,
    pub rds: aws_sdk_rds::Client,
    pub ecs: aws_sdk_ecs::Client,
    pub iam: aws_sdk_iam::Client,
    pub secrets: aws_sdk_secretsmanager::Client,
    pub logs: aws_sdk_cloudwatchlogs::Client,
    pub elb: aws_sdk_elasticloadbalancingv2::Client,
    pub sts: aws_sdk_sts::Client,
}

impl Clients {
    pub fn new(config: &SdkConfig, calls: &CallLog) -> Clients {
        let emulator = config.endpoint_url().is_some();
        macro_rules! client {
            ($sdk:ident) => {{
                let mut b = $sdk::config::Builder::from(config)
                    .interceptor(calls.clone())
                    .interceptor(CompleteDocument);
                if emulator {
                    b = b.retry_classifier(EmulatorServerError);
                }
                $sdk::Client::from_conf(b.build())
            }};
        }
        Clients {
            ec2: client!(aws_sdk_ec2),
            rds: client!(aws_sdk_rds),
            ecs: client!(aws_sdk_ecs),
            iam: client!(aws_sdk_iam),
            secrets: client!(aws_sdk_secretsmanager),
            logs: client!(aws_sdk_cloudwatchlogs),
            elb: client!(aws_sdk_elasticloadbalancingv2),
            sts: client!(aws_sdk_sts),
        }
    }
}

/// An emulator answers an operation it does not implement with a 500 or a
/// 501, every time: retrying it eight times with backoff would only turn one
/// gap into a minute of waiting. It neither throttles nor fails transiently,
/// so on an emulator a server error is final. Real AWS keeps the SDK's rules.
#[derive(Debug)]
struct EmulatorServerError;

impl ClassifyRetry for EmulatorServerError {
    fn classify_retry(&self, ctx: &InterceptorContext) -> RetryAction {
        match ctx.response().map(|r| r.status().as_u16()) {
            Some(500 | 501) => RetryAction::RetryForbidden,
            _ => RetryAction::NoActionIndicated,
        }
    }

    fn name(&self) -> &'static str {
        "cloudgrade.EmulatorServerError"
    }

    fn priority(&self) -> RetryClassifierPriority {
        // After the SDK's own classifiers, so this verdict is the last word.
        RetryClassifierPriority::run_after(RetryClassifierPriority::transient_error_classifier())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn malformed_endpoints_are_refused_before_any_request() {
        for url in ["localhost:4566", "ftp://x", "http://", "http:///path"] {
            let t = Target {
                endpoint_url: Some(url.into()),
                ..Default::default()
            };
            assert!(
                matches!(check(&t).await, Err(ConfigError::BadEndpoint { .. })),
                "{url}"
            );
        }
        let ok = Target {
            endpoint_url: Some("http://127.0.0.1:4566".into()),
            ..Default::default()
        };
        assert!(check(&ok).await.is_ok());
    }

    #[tokio::test]
    async fn an_emulator_gets_a_region_and_keys_without_asking() {
        let t = Target {
            endpoint_url: Some("http://127.0.0.1:4566".into()),
            ..Default::default()
        };
        let c = load(&t).await;
        assert_eq!(c.endpoint_url(), Some("http://127.0.0.1:4566"));
        assert!(c.region().is_some());
        assert!(c.credentials_provider().is_some());
    }

    #[tokio::test]
    async fn an_unknown_profile_is_named_before_any_request() {
        let t = Target {
            endpoint_url: Some("http://127.0.0.1:4566".into()),
            profile: Some("cloudgrade-perfil-que-no-existe".into()),
            ..Default::default()
        };
        match check(&t).await {
            Err(e @ ConfigError::UnknownProfile { .. }) => {
                assert!(e.to_string().contains("cloudgrade-perfil-que-no-existe"))
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn target_names_its_location() {
        assert_eq!(
            Target::default().describe(),
            "cuenta AWS (cadena de credenciales por defecto)"
        );
        let p = Target {
            profile: Some("curso".into()),
            ..Default::default()
        };
        assert_eq!(p.describe(), "cuenta AWS (perfil curso)");
    }
}
