//! Counting every AWS operation the source runs: for the benchmark (how many
//! calls a grade costs) and for the read-only test (every operation must be
//! in the grader's policy).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::{
    BeforeSerializationInterceptorContextRef, BeforeTransmitInterceptorContextRef,
};
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

/// An SDK interceptor; clones share one log.
#[derive(Debug, Clone, Default)]
pub struct CallLog {
    inner: Arc<Mutex<Counts>>,
}

#[derive(Debug, Default)]
struct Counts {
    operations: BTreeMap<String, u32>,
    attempts: u32,
}

impl CallLog {
    /// `service:Operation` -> times executed (retries not counted twice).
    pub fn operations(&self) -> BTreeMap<String, u32> {
        self.inner.lock().map(|c| c.operations.clone()).unwrap_or_default()
    }

    /// Operations executed.
    pub fn total(&self) -> u32 {
        self.inner.lock().map(|c| c.operations.values().sum()).unwrap_or(0)
    }

    /// HTTP attempts, retries included.
    pub fn attempts(&self) -> u32 {
        self.inner.lock().map(|c| c.attempts).unwrap_or(0)
    }
}

/// `ec2`, `iam`... as IAM names services in actions.
fn iam_prefix(service: &str) -> String {
    match service.to_ascii_lowercase().replace(' ', "").as_str() {
        "cloudwatchlogs" | "logs" => "logs".into(),
        "secretsmanager" => "secretsmanager".into(),
        other => other.to_string(),
    }
}

impl Intercept for CallLog {
    fn name(&self) -> &'static str {
        "cloudgrade-call-log"
    }

    fn read_before_execution(
        &self,
        _ctx: &BeforeSerializationInterceptorContextRef<'_>,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if let Some(meta) = cfg.load::<Metadata>() {
            let key = format!("{}:{}", iam_prefix(meta.service()), meta.name());
            if let Ok(mut c) = self.inner.lock() {
                *c.operations.entry(key).or_insert(0) += 1;
            }
        }
        Ok(())
    }

    fn read_before_attempt(
        &self,
        _ctx: &BeforeTransmitInterceptorContextRef<'_>,
        _rc: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if let Ok(mut c) = self.inner.lock() {
            c.attempts += 1;
        }
        Ok(())
    }
}
