//! Builds a [`World`] into an emulator through the AWS SDK: the same calls a
//! student's Terraform would make, so the collector later reads exactly what
//! AWS's API returns for such an environment.
//!
//! It writes, so it refuses any endpoint that is not an emulator on this
//! machine unless forced. Resources are created in dependency order, and
//! whatever does not depend on each other concurrently.

mod balancing;
mod containers;
mod data;
mod endpoint;
mod identity;
mod network;
mod random;
mod security;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use aws_config::SdkConfig;
use aws_sdk_sts::error::SdkError;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use aws_smithy_types::error::operation::BuildError;

use crate::collect::CollectError;

use crate::config::{self, DEFAULT_REGION, Target};
use crate::world::World;
use crate::world::placeholder::{self, Ref};

pub use endpoint::{ensure_emulator, is_emulator};

#[derive(Debug, Clone)]
pub struct ProvisionReport {
    /// Logical name (`subnet.private_a`, `security_group.rds`,
    /// `secret.db` ...) -> the AWS id, ARN or name it got.
    pub created: BTreeMap<String, String>,
    pub elapsed: Duration,
}

#[derive(Debug, thiserror::Error)]
pub enum ProvisionError {
    #[error(
        "--endpoint-url «{url}» no es una URL de endpoint: se espera http://máquina:puerto (p. ej. http://localhost:4566)"
    )]
    BadEndpoint { url: String },
    /// The first call failed: the endpoint is not there or refuses us.
    #[error(transparent)]
    Source(#[from] CollectError),
    #[error(
        "{endpoint} no es un emulador en esta máquina (127.0.0.0/8, ::1 o localhost): construir un mundo crea recursos, y cloudgrade se niega a hacerlo en una cuenta real salvo con --force"
    )]
    NotAnEmulator { endpoint: String },
    #[error("{resource}: {action} falló: {message}")]
    Api {
        /// The logical name of what was being built, e.g. `nat_gateway.a`.
        resource: String,
        action: &'static str,
        message: String,
    },
    #[error("{resource}: {action} no devolvió {what}")]
    Incomplete {
        resource: String,
        action: &'static str,
        what: &'static str,
    },
    #[error("{resource}: {message}")]
    Unresolved { resource: String, message: String },
    #[error("no se pudo generar un valor aleatorio para {resource}: {message}")]
    Random { resource: String, message: String },
}

/// Turns an SDK or builder error into [`ProvisionError::Api`] naming the
/// resource, in one line (the SDK's Debug form is for its developers).
trait At<T> {
    fn at(self, resource: &str, action: &'static str) -> Result<T, ProvisionError>;
}

impl<T, E> At<T> for Result<T, SdkError<E, HttpResponse>>
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    fn at(self, resource: &str, action: &'static str) -> Result<T, ProvisionError> {
        self.map_err(|e| ProvisionError::Api {
            resource: resource.to_string(),
            action,
            message: crate::collect::errors::describe(&e),
        })
    }
}

impl<T> At<T> for Result<T, BuildError> {
    fn at(self, resource: &str, action: &'static str) -> Result<T, ProvisionError> {
        self.map_err(|e| ProvisionError::Api {
            resource: resource.to_string(),
            action,
            message: e
                .to_string()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" "),
        })
    }
}

/// A value AWS should have returned and did not.
fn got<T>(
    v: Option<T>,
    resource: &str,
    action: &'static str,
    what: &'static str,
) -> Result<T, ProvisionError> {
    v.ok_or_else(|| ProvisionError::Incomplete {
        resource: resource.to_string(),
        action,
        what,
    })
}

/// One client per service, all from one configuration.
#[derive(Clone)]
struct Clients {
    ec2: aws_sdk_ec2::Client,
    rds: aws_sdk_rds::Client,
    ecs: aws_sdk_ecs::Client,
    iam: aws_sdk_iam::Client,
    secrets: aws_sdk_secretsmanager::Client,
    logs: aws_sdk_cloudwatchlogs::Client,
    elb: aws_sdk_elasticloadbalancingv2::Client,
    sts: aws_sdk_sts::Client,
}

impl Clients {
    fn new(c: &SdkConfig) -> Clients {
        Clients {
            ec2: aws_sdk_ec2::Client::new(c),
            rds: aws_sdk_rds::Client::new(c),
            ecs: aws_sdk_ecs::Client::new(c),
            iam: aws_sdk_iam::Client::new(c),
            secrets: aws_sdk_secretsmanager::Client::new(c),
            logs: aws_sdk_cloudwatchlogs::Client::new(c),
            elb: aws_sdk_elasticloadbalancingv2::Client::new(c),
            sts: aws_sdk_sts::Client::new(c),
        }
    }
}

/// What has been built so far. `ids` is what the report shows; the other
/// fields feed later stages and placeholders, and secret values stay here.
#[derive(Default)]
struct Built {
    region: String,
    account: String,
    ids: BTreeMap<String, String>,
    /// Logical secret name -> its generated value: never reported.
    secret_values: BTreeMap<String, String>,
    db_addresses: BTreeMap<String, String>,
    db_ports: BTreeMap<String, i32>,
}

impl Built {
    fn id(&self, key: &str) -> Result<&str, ProvisionError> {
        self.ids
            .get(key)
            .map(String::as_str)
            .ok_or_else(|| ProvisionError::Unresolved {
                resource: key.to_string(),
                message: "no se ha creado (el mundo lo nombra pero falta en el orden de creación)"
                    .into(),
            })
    }

    /// `s` with its `${...}` placeholders replaced by what was built.
    fn resolve(&self, resource: &str, s: &str) -> Result<String, ProvisionError> {
        let unresolved = |message: String| ProvisionError::Unresolved {
            resource: resource.to_string(),
            message,
        };
        placeholder::substitute(
            s,
            |r| match r {
                Ref::Region => Ok(self.region.clone()),
                Ref::Account => Ok(self.account.clone()),
                Ref::SecretArn(n) => self.id(&format!("secret.{n}")).map(str::to_string),
                Ref::RoleArn(n) => self.id(&format!("iam_role.{n}")).map(str::to_string),
                Ref::DbAddress(n) => self.db_addresses.get(n).cloned().ok_or_else(|| {
                    unresolved(format!(
                        "la instancia RDS {n} no tiene aún dirección (RDS no devolvió su endpoint)"
                    ))
                }),
                Ref::DbPort(n) => self
                    .db_ports
                    .get(n)
                    .map(i32::to_string)
                    .ok_or_else(|| unresolved(format!("la instancia RDS {n} no tiene puerto"))),
            },
            unresolved,
        )
    }

    fn extend(&mut self, pairs: Vec<(String, String)>) {
        self.ids.extend(pairs);
    }
}

/// Builds `world` into the target, in dependency order:
/// 1. the network (VPC, subnets, gateways, routes, ACLs, security groups),
///    secrets, log groups and ECS clusters, all at once;
/// 2. the IAM roles, the DB subnet groups and instances, the load
///    balancers and target groups;
/// 3. the flow logs (they need the log groups and the roles), the task
///    definitions, then the services.
pub async fn apply(
    world: &World,
    target: &Target,
    force: bool,
) -> Result<ProvisionReport, ProvisionError> {
    ensure_emulator(target.endpoint_url.as_deref(), force)?;
    let start = Instant::now();
    let config = config::load(target).await;
    let c = Clients::new(&config);
    let mut built = Built {
        region: config
            .region()
            .map_or_else(|| DEFAULT_REGION.to_string(), |r| r.to_string()),
        ..Built::default()
    };
    // The first call proves the endpoint is there, with grade's budget (two
    // attempts, not eight backed-off ones up to the 120 s operation
    // timeout) and grade's one-line message.
    let who = c
        .sts
        .get_caller_identity()
        .customize()
        .config_override(
            aws_sdk_sts::config::Config::builder()
                .retry_config(aws_config::retry::RetryConfig::standard().with_max_attempts(2)),
        )
        .send()
        .await
        .map_err(|e| crate::collect::errors::fatal(&target.describe(), &e))?;
    built.account = got(who.account(), "(cuenta)", "GetCallerIdentity", "la cuenta")?.to_string();

    let (net, (secret_ids, secret_values), logs, clusters) = tokio::try_join!(
        network::build(
            &c,
            world,
            &built.region,
            target.endpoint_url.as_deref().is_some_and(is_emulator)
        ),
        identity::secrets(&c, world),
        containers::log_groups(&c, world),
        containers::clusters(&c, world),
    )?;
    built.extend(net);
    built.extend(secret_ids);
    built.extend(logs);
    built.extend(clusters);
    built.secret_values = secret_values;

    // Roles need the secrets' ARNs (their policies name them); the database
    // needs subnets, groups and its password secret; the load balancers
    // subnets and groups. None needs another.
    let (roles, db, balancing) = tokio::try_join!(
        identity::roles(&c, world, &built),
        data::build(&c, world, &built),
        balancing::build(&c, world, &built)
    )?;
    built.extend(roles);
    built.extend(balancing);
    built.extend(db.ids);
    built.db_addresses = db.addresses;
    built.db_ports = db.ports;
    let (flows, listeners) = tokio::try_join!(
        network::flow_logs(&c, world, &built),
        balancing::listeners(&c, world, &built)
    )?;
    built.extend(flows);
    built.extend(listeners);

    let tasks = containers::task_definitions(&c, world, &built).await?;
    built.extend(tasks);
    let services = containers::services(&c, world, &built).await?;
    built.extend(services);

    Ok(ProvisionReport {
        created: built.ids,
        elapsed: start.elapsed(),
    })
}
