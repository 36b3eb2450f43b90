//! Reads an account or an emulator into an Inventory: only Describe, List
//! and Get calls, each paginated, all services at once, once per run.
//! A read that fails becomes a [`Gap`] naming what stays unknown, never an
//! empty list; only when the source cannot be read at all (unreachable,
//! credentials rejected) is it an error.

mod ec2;
mod ecs;
mod errors;
mod iam;
mod other;
mod rds;

use std::time::{Duration, Instant};

use aws_config::SdkConfig;
use cloudgrade_model::{Gap, Inventory, SourceInfo};

use crate::calls::CallLog;
use crate::config::{self, Target};

pub struct Collected {
    pub inventory: Inventory,
    pub calls: CallLog,
    pub elapsed: Duration,
}

#[derive(Debug, thiserror::Error)]
pub enum CollectError {
    #[error("no se pudo conectar con {endpoint} ({detail}){advice}")]
    Unreachable { endpoint: String, detail: String, advice: &'static str },
    #[error("{endpoint}: las credenciales no sirven: {detail}")]
    Credentials { endpoint: String, detail: String },
}

/// Clients for every service, each logging its calls.
pub(crate) struct Clients {
    pub ec2: aws_sdk_ec2::Client,
    pub rds: aws_sdk_rds::Client,
    pub ecs: aws_sdk_ecs::Client,
    pub iam: aws_sdk_iam::Client,
    pub secrets: aws_sdk_secretsmanager::Client,
    pub logs: aws_sdk_cloudwatchlogs::Client,
    pub sts: aws_sdk_sts::Client,
}

impl Clients {
    pub(crate) fn new(config: &SdkConfig, calls: &CallLog) -> Clients {
        macro_rules! client {
            ($sdk:ident) => {
                $sdk::Client::from_conf($sdk::config::Builder::from(config).interceptor(calls.clone()).build())
            };
        }
        Clients {
            ec2: client!(aws_sdk_ec2),
            rds: client!(aws_sdk_rds),
            ecs: client!(aws_sdk_ecs),
            iam: client!(aws_sdk_iam),
            secrets: client!(aws_sdk_secretsmanager),
            logs: client!(aws_sdk_cloudwatchlogs),
            // The first call only proves the endpoint answers: a dead one
            // should fail in seconds, not after eight backed-off retries.
            sts: aws_sdk_sts::Client::from_conf(
                aws_sdk_sts::config::Builder::from(config)
                    .interceptor(calls.clone())
                    .retry_config(aws_config::retry::RetryConfig::standard().with_max_attempts(2))
                    .build(),
            ),
        }
    }
}

pub async fn collect(target: &Target) -> Result<Collected, CollectError> {
    let start = Instant::now();
    let calls = CallLog::default();
    let config = config::load(target).await;
    let c = Clients::new(&config, &calls);
    let endpoint = target.describe();

    // Proves the endpoint answers and the credentials work before anything
    // else, so a dead endpoint is one clear error, not sixteen gaps.
    let identity = c.sts.get_caller_identity().send().await.map_err(|e| errors::fatal(&endpoint, &e))?;

    let mut inv = Inventory::new(SourceInfo {
        kind: "aws".into(),
        location: endpoint,
        region: config.region().map(|r| r.to_string()),
        account_id: identity.account().map(str::to_string),
    });
    let mut gaps: Vec<Gap> = Vec::new();
    let (net, dbs, (ecs_part, iam_part), secrets, logs) = tokio::join!(
        ec2::read(&c.ec2),
        rds::read(&c.rds),
        async {
            let ecs_part = ecs::read(&c.ecs).await;
            let roles = ecs::referenced_roles(&ecs_part.task_definitions);
            (ecs_part, iam::read(&c.iam, &roles).await)
        },
        other::secrets(&c.secrets),
        other::log_groups(&c.logs),
    );
    net.into_inventory(&mut inv, &mut gaps);
    dbs.into_inventory(&mut inv, &mut gaps);
    ecs_part.into_inventory(&mut inv, &mut gaps);
    iam_part.into_inventory(&mut inv, &mut gaps);
    match secrets {
        Ok(s) => inv.secrets = s,
        Err(g) => gaps.push(g),
    }
    match logs {
        Ok(l) => inv.log_groups = l,
        Err(g) => gaps.push(g),
    }
    inv.gaps = gaps;
    Ok(Collected { inventory: inv, calls, elapsed: start.elapsed() })
}
