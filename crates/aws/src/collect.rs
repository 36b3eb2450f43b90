//! Reads an account or an emulator into an Inventory: only Describe, List
//! and Get calls, each paginated, all services at once, once per run.
//! A read that fails becomes a [`Gap`] naming what stays unknown, never an
//! empty list; only when the source cannot be read at all (unreachable,
//! credentials rejected) is it an error.
//!
//! The calls, for a world of one VPC, one cluster and service, two roles and
//! one secret: sts 1, ec2 8, rds 2, ecs 6, iam 1, secretsmanager 1, logs 1,
//! elasticloadbalancing 4 (balancers, target groups, a balancer's
//! listeners, a listener's rules); rds 2 more for each parameter group of
//! the project's own that an instance uses, 1 for each option group.
//! The count grows with clusters, services and task definition families,
//! never with the number of scenarios graded.

mod balancing;
mod ec2;
mod ecs;
pub(crate) mod errors;
mod iam;
mod invariants;
mod other;
mod rds;

use std::time::{Duration, Instant};

use aws_sdk_sts::error::SdkError;
use aws_smithy_runtime_api::client::interceptors::context::InterceptorContext;
use aws_smithy_runtime_api::client::retries::classifiers::{
    ClassifyRetry, RetryAction, RetryClassifierPriority,
};

use cloudgrade_model::{Gap, Inventory, SourceInfo};

use crate::calls::CallLog;
use crate::config::{self, Clients, ConfigError, Target};
use errors::Endpoint;

pub struct Collected {
    pub inventory: Inventory,
    /// Every request the run sent, for the benchmark and the read-only check.
    pub calls: CallLog,
    pub elapsed: Duration,
}

/// The source could not be read at all. Each message is one Spanish line.
#[derive(Debug, thiserror::Error)]
pub enum CollectError {
    #[error("no se pudo conectar con {endpoint} ({detail}): {advice}")]
    Unreachable {
        endpoint: String,
        detail: String,
        advice: &'static str,
    },
    #[error("credenciales rechazadas por {location}: {detail}")]
    Credentials { location: String, detail: String },
    /// The first call was answered, but not with an identity: throttled
    /// past every retry, a server error, a broken answer. Not the keys.
    #[error("{location} no respondió a la primera llamada (sts:GetCallerIdentity): {detail}")]
    FirstCall { location: String, detail: String },
    #[error(
        "no hay credenciales de AWS para {location}: configura un perfil (--profile), AWS_ACCESS_KEY_ID y AWS_SECRET_ACCESS_KEY, o un endpoint de emulador ({detail})"
    )]
    NoCredentials { location: String, detail: String },
    #[error(transparent)]
    Config(#[from] ConfigError),
}

pub async fn collect(target: &Target) -> Result<Collected, CollectError> {
    let start = Instant::now();
    config::check(target).await?;
    let calls = CallLog::new();
    let config = config::load(target).await;
    let c = Clients::new(&config, &calls);
    let location = target.describe();
    let ep = if target.endpoint_url.is_some() {
        Endpoint::Emulator
    } else {
        Endpoint::Aws
    };

    let identity = identity(&c.sts, &location).await?;

    let mut inv = Inventory::new(SourceInfo {
        kind: "aws".into(),
        location,
        region: config.region().map(|r| r.to_string()),
        account_id: identity.account().map(str::to_string),
    });
    let mut gaps: Vec<Gap> = Vec::new();
    let (net, dbs, containers, roles, secrets, logs, lbs) = tokio::join!(
        ec2::read(&c.ec2, ep),
        rds::read(&c.rds, ep),
        ecs::read(&c.ecs, ep),
        iam::read(&c.iam, ep),
        other::secrets(&c.secrets, ep),
        other::log_groups(&c.logs, ep),
        balancing::read(&c.elb, ep),
    );
    net.into_inventory(&mut inv, &mut gaps);
    dbs.into_inventory(&mut inv, &mut gaps);
    containers.into_inventory(&mut inv, &mut gaps);
    roles.into_inventory(&mut inv, &mut gaps);
    ec2::keep(secrets, &mut inv.secrets, &mut gaps);
    ec2::keep(logs, &mut inv.log_groups, &mut gaps);
    lbs.into_inventory(&mut inv, &mut gaps);
    inv.gaps = gaps;
    invariants::check(&mut inv, ep);
    sort(&mut inv);
    Ok(Collected {
        inventory: inv,
        calls,
        elapsed: start.elapsed(),
    })
}

/// Proves the endpoint answers and the credentials work before anything
/// else, so a dead endpoint is one clear error, not sixteen gaps.
///
/// Throttling and server errors get the whole retry budget, like every
/// other read (a busy account throttles the first call as readily as the
/// rest). A connection that cannot be made, or an answer that never comes,
/// is tried twice and no more: a dead endpoint should fail in seconds, not
/// after eight backed-off attempts.
async fn identity(
    sts: &aws_sdk_sts::Client,
    location: &str,
) -> Result<aws_sdk_sts::operation::get_caller_identity::GetCallerIdentityOutput, CollectError> {
    let send = || {
        sts.get_caller_identity()
            .customize()
            .config_override(
                aws_sdk_sts::config::Config::builder().retry_classifier(NoRetryWithoutAnswer),
            )
            .send()
    };
    let first = send().await;
    let result = match first {
        Err(SdkError::DispatchFailure(_) | SdkError::TimeoutError(_)) => send().await,
        other => other,
    };
    result.map_err(|e| errors::fatal(location, &e))
}

/// Forbids the SDK's own retries of an attempt that got no answer at all
/// (refused, reset, timed out): [`identity`] retries those itself, once.
#[derive(Debug)]
struct NoRetryWithoutAnswer;

impl ClassifyRetry for NoRetryWithoutAnswer {
    fn classify_retry(&self, ctx: &InterceptorContext) -> RetryAction {
        match ctx.output_or_error() {
            Some(Err(e)) if e.is_connector_error() || e.is_timeout_error() => {
                RetryAction::RetryForbidden
            }
            _ => RetryAction::NoActionIndicated,
        }
    }

    fn name(&self) -> &'static str {
        "cloudgrade.NoRetryWithoutAnswer"
    }

    fn priority(&self) -> RetryClassifierPriority {
        RetryClassifierPriority::run_after(RetryClassifierPriority::transient_error_classifier())
    }
}

/// Concurrent reads finish in any order; a snapshot of the same account
/// should be the same file every time.
fn sort(inv: &mut Inventory) {
    inv.vpcs.sort_by(|a, b| a.id.cmp(&b.id));
    inv.subnets.sort_by(|a, b| a.id.cmp(&b.id));
    inv.route_tables.sort_by(|a, b| a.id.cmp(&b.id));
    inv.internet_gateways.sort_by(|a, b| a.id.cmp(&b.id));
    inv.nat_gateways.sort_by(|a, b| a.id.cmp(&b.id));
    inv.flow_logs.sort_by(|a, b| a.id.cmp(&b.id));
    inv.security_groups.sort_by(|a, b| a.id.cmp(&b.id));
    inv.network_acls.sort_by(|a, b| a.id.cmp(&b.id));
    for acl in &mut inv.network_acls {
        acl.entries.sort_by_key(|e| (e.egress, e.rule_number));
    }
    inv.db_instances.sort_by(|a, b| a.id.cmp(&b.id));
    inv.db_subnet_groups.sort_by(|a, b| a.name.cmp(&b.name));
    inv.ecs_clusters.sort_by(|a, b| a.arn.cmp(&b.arn));
    inv.ecs_services.sort_by(|a, b| a.arn.cmp(&b.arn));
    inv.task_definitions.sort_by(|a, b| a.arn.cmp(&b.arn));
    inv.secrets.sort_by(|a, b| a.arn.cmp(&b.arn));
    inv.iam_roles.sort_by(|a, b| a.arn.cmp(&b.arn));
    inv.iam_policies.sort_by(|a, b| a.arn.cmp(&b.arn));
    inv.log_groups.sort_by(|a, b| a.name.cmp(&b.name));
    inv.load_balancers.sort_by(|a, b| a.arn.cmp(&b.arn));
    inv.target_groups.sort_by(|a, b| a.arn.cmp(&b.arn));
    inv.listeners.sort_by(|a, b| a.arn.cmp(&b.arn));
    inv.db_parameter_groups.sort_by(|a, b| a.name.cmp(&b.name));
    inv.db_option_groups.sort_by(|a, b| a.name.cmp(&b.name));
    inv.gaps
        .sort_by(|a, b| (a.kind, &a.operation).cmp(&(b.kind, &b.operation)));
}
