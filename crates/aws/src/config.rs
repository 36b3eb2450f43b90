//! Where the `aws` source reads from, turned into an SDK configuration.

use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, SdkConfig};
use aws_credential_types::Credentials;
use aws_types::region::Region;

/// The region used when neither the target nor the environment names one.
pub const DEFAULT_REGION: &str = "us-east-1";

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

/// Builds the shared configuration. Throttling is survived with adaptive
/// retries; an unreachable endpoint fails fast on the connect timeout.
pub async fn load(target: &Target) -> SdkConfig {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .retry_config(RetryConfig::adaptive().with_max_attempts(8).with_initial_backoff(Duration::from_millis(200)))
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(3))
                .operation_attempt_timeout(Duration::from_secs(20))
                .operation_timeout(Duration::from_secs(120))
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
        // An emulator accepts any keys: a student without an AWS account is
        // never asked for some.
        if std::env::var_os("AWS_ACCESS_KEY_ID").is_none() && target.profile.is_none() {
            loader = loader.credentials_provider(Credentials::new("testing", "testing", None, None, "cloudgrade-emulator"));
        }
    }
    let mut config = loader.load().await;
    if config.region().is_none() {
        config = config.into_builder().region(Region::new(DEFAULT_REGION)).build();
    }
    if let Some(role) = &target.role_arn {
        let provider = aws_config::sts::AssumeRoleProvider::builder(role)
            .session_name("cloudgrade")
            .configure(&config)
            .build()
            .await;
        config = config
            .into_builder()
            .credentials_provider(aws_credential_types::provider::SharedCredentialsProvider::new(provider))
            .build();
    }
    config
}
