//! A record of every AWS API request a run sends, as IAM action names
//! (`ec2:DescribeSubnets`), so the benchmark can count calls and the
//! read-only test can check each one against the published policy.
//!
//! It is an SDK interceptor: the operation's name comes from the SDK's own
//! [`Metadata`], not from parsing the wire, so it stays right whatever
//! protocol a service speaks. It hooks `read_before_transmit`, which runs once
//! per attempt that actually goes on the wire: a retry counts as one more
//! call (AWS bills and throttles attempts), a request that never left the
//! machine (no credentials) counts as none.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::{
    BeforeSerializationInterceptorContextRef, BeforeTransmitInterceptorContextRef,
};
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

/// Cheap to clone: every clone records into the same log.
#[derive(Debug, Clone, Default)]
pub struct CallLog {
    inner: Arc<Mutex<Counts>>,
}

#[derive(Debug, Default)]
struct Counts {
    /// Attempts sent, per action.
    attempts: BTreeMap<String, u32>,
    /// Operations started, per action (an operation may take several attempts).
    executions: BTreeMap<String, u32>,
}

impl CallLog {
    pub fn new() -> Self {
        Self::default()
    }

    /// Requests sent per action, retries included.
    pub fn operations(&self) -> BTreeMap<String, u32> {
        self.lock().attempts.clone()
    }

    /// Every request sent, retries included: the number of API calls of a run.
    pub fn total(&self) -> u32 {
        self.lock().attempts.values().sum()
    }

    /// Attempts beyond the first of each operation: how much retrying (mostly
    /// throttling) a run needed.
    pub fn retries(&self) -> u32 {
        let counts = self.lock();
        let attempts: u32 = counts.attempts.values().sum();
        let executions: u32 = counts.executions.values().sum();
        attempts.saturating_sub(executions)
    }

    fn lock(&self) -> MutexGuard<'_, Counts> {
        // A panic elsewhere while holding the lock leaves plain counters
        // behind, still meaningful: keep counting rather than propagate.
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn record(&self, cfg: &ConfigBag, attempt: bool) {
        let action = match cfg.load::<Metadata>() {
            Some(m) => iam_action(m.service(), m.name()),
            None => "desconocido:Desconocida".to_string(),
        };
        let mut counts = self.lock();
        let map = if attempt {
            &mut counts.attempts
        } else {
            &mut counts.executions
        };
        *map.entry(action).or_insert(0) += 1;
    }
}

impl Intercept for CallLog {
    fn name(&self) -> &'static str {
        "cloudgrade.CallLog"
    }

    fn read_before_serialization(
        &self,
        _context: &BeforeSerializationInterceptorContextRef<'_>,
        _rc: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        self.record(cfg, false);
        Ok(())
    }

    fn read_before_transmit(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        self.record(cfg, true);
        Ok(())
    }
}

/// The IAM action for an SDK operation: the SDK names services by their
/// model title (`CloudWatch Logs`, `Secrets Manager`), IAM by its prefix.
pub fn iam_action(sdk_service: &str, operation: &str) -> String {
    let prefix = match sdk_service {
        "CloudWatch Logs" => "logs".to_string(),
        "Elastic Load Balancing v2" => "elasticloadbalancing".to_string(),
        other => other
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase(),
    };
    format!("{prefix}:{operation}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sdk_service_names_become_iam_prefixes() {
        assert_eq!(iam_action("EC2", "DescribeSubnets"), "ec2:DescribeSubnets");
        assert_eq!(
            iam_action("CloudWatch Logs", "DescribeLogGroups"),
            "logs:DescribeLogGroups"
        );
        assert_eq!(
            iam_action("Elastic Load Balancing v2", "DescribeLoadBalancers"),
            "elasticloadbalancing:DescribeLoadBalancers"
        );
        assert_eq!(
            iam_action("Secrets Manager", "ListSecrets"),
            "secretsmanager:ListSecrets"
        );
        assert_eq!(
            iam_action("RDS", "DescribeDBInstances"),
            "rds:DescribeDBInstances"
        );
    }

    #[test]
    fn counts_attempts_and_retries_separately() {
        let log = CallLog::new();
        let mut cfg = ConfigBag::base();
        let mut layer = aws_smithy_types::config_bag::Layer::new("op");
        layer.store_put(Metadata::new("DescribeVpcs", "EC2"));
        cfg.push_layer(layer);
        log.record(&cfg, false);
        log.record(&cfg, true);
        log.record(&cfg, true);
        assert_eq!(log.operations().get("ec2:DescribeVpcs"), Some(&2));
        assert_eq!(log.total(), 2);
        assert_eq!(log.retries(), 1);
    }
}
