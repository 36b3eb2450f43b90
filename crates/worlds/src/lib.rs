//! Reference worlds: one AWS environment per `scenarios/<name>/world.toml`,
//! described with logical names (the emulator assigns the ids), and the grade
//! it must get in `expect.toml`. A broken world is its base (`extends`) plus a
//! small overlay, so each one differs from the reference by exactly the
//! mistake it plants. The format is specified in `scenarios/README.md`.
//!
//! A crate of its own, with no SDK in it: the AWS source builds a world into
//! an emulator, and [`terraform`] writes it as the project that deploys it,
//! which the light build (`--no-default-features`) needs without the SDK.

mod expect;
mod load;
pub mod placeholder;
pub mod terraform;
mod validate;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

pub use expect::{Expectation, ScenarioExpectation, Verdict};
pub use validate::protocol_number;

pub type Tags = BTreeMap<String, String>;

/// Why a world or its expectation could not be loaded. Every variant names
/// the file, and the logical path inside it when there is one.
#[derive(Debug, thiserror::Error)]
pub enum WorldError {
    #[error("{}: no se puede leer: {source}", file.display())]
    Read {
        file: PathBuf,
        source: std::io::Error,
    },
    #[error("{}:{line}:{column}: TOML no válido: {message}", file.display())]
    Syntax {
        file: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{}: {path}: {message}", file.display())]
    Invalid {
        file: PathBuf,
        /// Dotted logical path, keys quoted when they are not bare, e.g.
        /// `route_tables.private_a.routes."0.0.0.0/0"`.
        path: String,
        message: String,
    },
    #[error("{}: {message}", file.display())]
    Extends { file: PathBuf, message: String },
}

/// One AWS environment. Every map is keyed by a logical name, the name other
/// entries use to refer to it.
#[derive(Debug, Clone, Default)]
pub struct World {
    /// The directory's name, e.g. `private-rt-to-igw`.
    pub name: String,
    /// The `world.toml` it was loaded from.
    pub file: PathBuf,
    pub vpc: Vpc,
    pub subnets: BTreeMap<String, Subnet>,
    pub internet_gateways: BTreeMap<String, InternetGateway>,
    pub nat_gateways: BTreeMap<String, NatGateway>,
    pub route_tables: BTreeMap<String, RouteTable>,
    pub security_groups: BTreeMap<String, SecurityGroup>,
    pub network_acls: BTreeMap<String, NetworkAcl>,
    pub db_subnet_groups: BTreeMap<String, DbSubnetGroup>,
    pub db_instances: BTreeMap<String, DbInstance>,
    pub ecs_clusters: BTreeMap<String, EcsCluster>,
    pub task_definitions: BTreeMap<String, TaskDefinition>,
    pub ecs_services: BTreeMap<String, EcsService>,
    pub secrets: BTreeMap<String, Secret>,
    pub iam_roles: BTreeMap<String, IamRole>,
    pub log_groups: BTreeMap<String, LogGroup>,
    /// Flow logs of the world's VPC.
    pub flow_logs: BTreeMap<String, FlowLog>,
    pub load_balancers: BTreeMap<String, LoadBalancer>,
    pub target_groups: BTreeMap<String, TargetGroup>,
    pub listeners: BTreeMap<String, Listener>,
    pub db_parameter_groups: BTreeMap<String, DbParameterGroup>,
}

impl World {
    /// Reads `dir/world.toml`, resolves `extends` (relative to `dir`'s parent,
    /// the `scenarios/` folder), applies `remove` and the overlay, and checks
    /// every reference between logical names.
    pub fn load(dir: &Path) -> Result<World, WorldError> {
        let file = dir.join("world.toml");
        let table = load::resolved_table(dir)?;
        let mut world = load::sections(table, &file)?;
        world.name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        world.file = file;
        validate::check(&world)?;
        Ok(world)
    }

    /// The AWS availability zone of a subnet in `region`: a bare suffix such
    /// as `a` becomes `us-east-1a`; a full zone name is kept.
    pub fn availability_zone(az: &str, region: &str) -> String {
        if az.len() <= 2 && az.chars().all(|c| c.is_ascii_lowercase()) {
            format!("{region}{az}")
        } else {
            az.to_string()
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Vpc {
    pub cidr: String,
    /// The Amazon DNS server answers in the VPC (AWS's default).
    #[serde(default = "yes")]
    pub enable_dns_support: bool,
    /// Names for what runs in it; off in AWS unless asked for, on here as
    /// the course asks.
    #[serde(default = "yes")]
    pub enable_dns_hostnames: bool,
    #[serde(default)]
    pub tags: Tags,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Subnet {
    pub cidr: String,
    /// A zone suffix (`a`, `b`) appended to the region, or a full zone name.
    pub az: String,
    #[serde(default)]
    pub map_public_ip_on_launch: bool,
    #[serde(default)]
    pub tags: Tags,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InternetGateway {
    /// Attached to the world's VPC.
    #[serde(default = "yes")]
    pub attached: bool,
    #[serde(default)]
    pub tags: Tags,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NatGateway {
    /// Logical name of the subnet it lives in.
    pub subnet: String,
    /// `public` (gets an Elastic IP allocated for it) or `private`.
    #[serde(default = "public")]
    pub connectivity: String,
    /// The Elastic IP to ask for. Only an emulator honours it (AWS gives
    /// any address it wants); moto would otherwise hand out one in
    /// 127.0.0.0/8, which AWS never does and no grader can call public.
    #[serde(default)]
    pub public_ip: Option<String>,
    #[serde(default)]
    pub tags: Tags,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RouteTable {
    /// Becomes the VPC's main table, used by every subnet without an explicit
    /// association. Without one, the VPC keeps its own main table with only
    /// the local route.
    #[serde(default)]
    pub main: bool,
    /// Subnets explicitly associated with it.
    #[serde(default)]
    pub subnets: Vec<String>,
    /// Destination CIDR -> target: `igw:<name>` or `nat:<name>`. The local
    /// route is always there.
    #[serde(default)]
    pub routes: BTreeMap<String, String>,
    #[serde(default)]
    pub tags: Tags,
}

/// A route target, parsed from `kind:name`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RouteTarget {
    InternetGateway(String),
    NatGateway(String),
}

impl RouteTarget {
    pub fn parse(s: &str) -> Option<RouteTarget> {
        match s.split_once(':')? {
            ("igw", name) if !name.is_empty() => Some(RouteTarget::InternetGateway(name.into())),
            ("nat", name) if !name.is_empty() => Some(RouteTarget::NatGateway(name.into())),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecurityGroup {
    /// The AWS group name; the logical name when absent.
    #[serde(default)]
    pub name: Option<String>,
    /// Empty or absent: none given (AWS then holds the provider's
    /// `Managed by Terraform`).
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub ingress: BTreeMap<String, SgRule>,
    /// Absent: AWS's default (all traffic to 0.0.0.0/0). Present, even
    /// empty: exactly these rules.
    #[serde(default)]
    pub egress: Option<BTreeMap<String, SgRule>>,
    #[serde(default)]
    pub tags: Tags,
}

/// One permission with one peer: a CIDR or another group of the world.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SgRule {
    /// `tcp`, `udp`, `icmp`, `all` (or `-1`), or a protocol number.
    pub protocol: String,
    /// One port (`5432`) or a range (`"1024-65535"`); not for `all`.
    #[serde(default)]
    pub ports: Option<Ports>,
    #[serde(default)]
    pub cidr: Option<String>,
    /// Logical name of a security group of the world.
    #[serde(default)]
    pub group: Option<String>,
    /// The rule's description in AWS; its logical name when absent, none
    /// when empty.
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Ports {
    One(i64),
    Range(String),
}

impl Ports {
    /// `(from, to)`, both in 0..=65535 and in order.
    pub fn range(&self) -> Result<(i32, i32), String> {
        let (from, to) = match self {
            Ports::One(p) => (*p, *p),
            Ports::Range(s) => {
                let parse = |x: &str| x.trim().parse::<i64>().ok();
                match s.split_once('-').map(|(a, b)| (parse(a), parse(b))) {
                    Some((Some(a), Some(b))) => (a, b),
                    _ => match parse(s) {
                        Some(p) => (p, p),
                        None => {
                            return Err(format!(
                                "puertos «{s}»: se espera un número o un rango «desde-hasta»"
                            ));
                        }
                    },
                }
            }
        };
        let ok = |p: i64| (0..=65535).contains(&p);
        if !ok(from) || !ok(to) || from > to {
            return Err(format!("puertos {from}-{to}: fuera de 0-65535 o al revés"));
        }
        // Both fit: checked against 0..=65535 above.
        Ok((from as i32, to as i32))
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkAcl {
    /// Subnets moved from the VPC's default ACL (which allows everything) to
    /// this one.
    #[serde(default)]
    pub subnets: Vec<String>,
    /// A new ACL denies everything: only these entries open it.
    #[serde(default)]
    pub entries: BTreeMap<String, AclEntry>,
    #[serde(default)]
    pub tags: Tags,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AclEntry {
    /// Rule number, 1..=32766, unique per direction.
    pub rule: i32,
    /// Outbound when true, inbound when false.
    pub egress: bool,
    /// `tcp`, `udp`, `icmp`, `all` (or `-1`), or a protocol number.
    pub protocol: String,
    /// `allow` or `deny`.
    pub action: String,
    pub cidr: String,
    #[serde(default)]
    pub ports: Option<Ports>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DbSubnetGroup {
    /// The AWS name; the logical name (with `-` for `_`) when absent.
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    pub subnets: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DbInstance {
    /// The DB instance identifier; the logical name (with `-` for `_`) when absent.
    #[serde(default)]
    pub identifier: Option<String>,
    #[serde(default = "postgres")]
    pub engine: String,
    /// A full version or a major alone; absent, the emulator's default
    /// (moto's is not one RDS creates: worlds say theirs).
    #[serde(default)]
    pub engine_version: Option<String>,
    #[serde(default = "db_class")]
    pub instance_class: String,
    #[serde(default = "twenty")]
    pub allocated_storage: i32,
    #[serde(default = "pg_port")]
    pub port: i32,
    #[serde(default)]
    pub db_name: Option<String>,
    #[serde(default = "app")]
    pub username: String,
    /// Logical name of a secret whose generated value becomes the master
    /// password; absent, the password is random and kept nowhere.
    #[serde(default)]
    pub password_secret: Option<String>,
    #[serde(default)]
    pub publicly_accessible: bool,
    pub subnet_group: String,
    pub security_groups: Vec<String>,
    #[serde(default = "yes")]
    pub storage_encrypted: bool,
    #[serde(default = "seven")]
    pub backup_retention_days: i32,
    #[serde(default)]
    pub multi_az: bool,
    #[serde(default)]
    pub deletion_protection: bool,
    /// What `terraform destroy` does: Terraform's arguments alone, written
    /// into the project and never into the emulator, whose API has no such
    /// setting (a live source cannot see them). Terraform's default.
    #[serde(default)]
    pub skip_final_snapshot: bool,
    #[serde(default)]
    pub final_snapshot_identifier: Option<String>,
    /// `hh24:mi-hh24:mi` and `ddd:hh24:mi-ddd:hh24:mi`, UTC; absent, AWS
    /// (and moto) choose.
    #[serde(default)]
    pub backup_window: Option<String>,
    #[serde(default)]
    pub maintenance_window: Option<String>,
    /// AWS's default, and the provider's.
    #[serde(default = "yes")]
    pub auto_minor_version_upgrade: bool,
    /// Logical name in `db_parameter_groups`; absent, the engine's default.
    #[serde(default)]
    pub parameter_group: Option<String>,
    #[serde(default)]
    pub tags: Tags,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EcsCluster {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub container_insights: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaskDefinition {
    /// The family; the logical name when absent.
    #[serde(default)]
    pub family: Option<String>,
    #[serde(default = "cpu")]
    pub cpu: String,
    #[serde(default = "memory")]
    pub memory: String,
    #[serde(default = "awsvpc")]
    pub network_mode: String,
    #[serde(default = "fargate")]
    pub requires_compatibilities: Vec<String>,
    /// Logical name of an IAM role of the world.
    #[serde(default)]
    pub execution_role: Option<String>,
    #[serde(default)]
    pub task_role: Option<String>,
    pub containers: BTreeMap<String, Container>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Container {
    /// Placeholders allowed, e.g. `${account}.dkr.ecr.${region}.amazonaws.com/app:1.0`.
    pub image: String,
    #[serde(default = "yes")]
    pub essential: bool,
    #[serde(default)]
    pub port: Option<i32>,
    /// Plain environment: name -> value, placeholders allowed.
    #[serde(default)]
    pub environment: BTreeMap<String, String>,
    /// Variable name -> the logical name of a secret of the world, or an ARN
    /// (placeholders allowed) for a secret that need not exist.
    #[serde(default)]
    pub secrets: BTreeMap<String, String>,
    /// Logical name of a log group: the container logs to it with `awslogs`.
    #[serde(default)]
    pub log_group: Option<String>,
    /// The `awslogs-group` written as a literal, instead of `log_group`'s
    /// name: a group the world may not have (a typo).
    #[serde(default)]
    pub awslogs_group: Option<String>,
    /// The health check command, e.g. `["CMD-SHELL", "curl -f ... || exit 1"]`.
    #[serde(default)]
    pub health_check: Option<Vec<String>>,
    /// `readonlyRootFilesystem`.
    #[serde(default)]
    pub readonly_root_filesystem: bool,
    /// `privileged`.
    #[serde(default)]
    pub privileged: bool,
    /// `user`; absent, the image's.
    #[serde(default)]
    pub user: Option<String>,
}

/// What a container's `secrets` entry points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretSource {
    /// A secret of the world, by logical name.
    Secret(String),
    /// A literal ARN (after placeholders), existing or not.
    Arn(String),
}

impl SecretSource {
    pub fn parse(s: &str) -> SecretSource {
        if s.starts_with("arn:") {
            SecretSource::Arn(s.to_string())
        } else {
            SecretSource::Secret(s.to_string())
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EcsService {
    #[serde(default)]
    pub name: Option<String>,
    /// Logical names of the cluster and the task definition.
    pub cluster: String,
    pub task_definition: String,
    #[serde(default = "one")]
    pub desired_count: i32,
    #[serde(default = "fargate_launch")]
    pub launch_type: String,
    /// The awsvpc network; empty for a task definition in bridge or host
    /// mode, whose tasks use their EC2 instance's network.
    #[serde(default)]
    pub subnets: Vec<String>,
    #[serde(default)]
    pub security_groups: Vec<String>,
    #[serde(default)]
    pub assign_public_ip: bool,
    /// The target group its tasks register in.
    #[serde(default)]
    pub load_balancer: Option<ServiceLoadBalancer>,
    /// `deployment_circuit_breaker`; absent, none (ECS's default).
    #[serde(default)]
    pub circuit_breaker: Option<CircuitBreaker>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CircuitBreaker {
    pub enable: bool,
    pub rollback: bool,
}

/// A service's `load_balancer` block: which container, on which port,
/// receives the target group's traffic.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceLoadBalancer {
    /// Logical name in `target_groups`.
    pub target_group: String,
    /// The container's name in the task definition.
    pub container: String,
    pub port: i32,
}

/// An application load balancer in the world's VPC.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoadBalancer {
    pub name: String,
    /// Logical names in `subnets` (two zones at least, as AWS asks).
    pub subnets: Vec<String>,
    /// Logical names in `security_groups`.
    pub security_groups: Vec<String>,
    #[serde(default)]
    pub internal: bool,
}

/// A target group, of IP targets unless told (what Fargate tasks
/// register as).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetGroup {
    pub name: String,
    pub port: i32,
    #[serde(default = "http")]
    pub protocol: String,
    /// `ip` or `instance` (Terraform's default, which awsvpc tasks cannot
    /// register in).
    #[serde(default = "ip")]
    pub target_type: String,
}

fn ip() -> String {
    "ip".into()
}

/// A balancer's listener, forwarding to a target group or, without one,
/// answering 404 itself.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Listener {
    /// Logical name in `load_balancers`.
    pub load_balancer: String,
    #[serde(default = "eighty")]
    pub port: i32,
    #[serde(default = "http")]
    pub protocol: String,
    /// Logical name in `target_groups`.
    #[serde(default)]
    pub forward: Option<String>,
}

fn eighty() -> i32 {
    80
}

/// A DB parameter group of the project's own.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DbParameterGroup {
    /// The AWS name; the logical name (with `-` for `_`) when absent.
    #[serde(default)]
    pub name: Option<String>,
    /// `postgres16`: the engine and major version it serves.
    pub family: String,
    #[serde(default)]
    pub parameters: BTreeMap<String, String>,
}

fn http() -> String {
    "HTTP".into()
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Secret {
    /// The Secrets Manager name. Its value is random, made at provision time.
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    /// Days between automatic rotations; absent, it does not rotate.
    #[serde(default)]
    pub rotation_days: Option<i32>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IamRole {
    #[serde(default)]
    pub name: Option<String>,
    /// Service principals trusted to assume it.
    #[serde(default = "ecs_tasks")]
    pub trust: Vec<String>,
    /// Inline policies: name -> JSON document; placeholders allowed.
    #[serde(default)]
    pub policies: BTreeMap<String, String>,
    /// Managed policies attached by ARN.
    #[serde(default)]
    pub managed_policies: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogGroup {
    pub name: String,
    #[serde(default)]
    pub retention_days: Option<i32>,
}

/// A flow log of the world's VPC, delivered to one of its log groups by
/// one of its roles (AWS wants both for CloudWatch Logs).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FlowLog {
    /// `ACCEPT`, `REJECT` or `ALL`.
    #[serde(default = "all_traffic")]
    pub traffic_type: String,
    /// Logical name in `log_groups`.
    pub log_group: String,
    /// Logical name in `iam_roles`: the role the flow log delivers with.
    pub role: String,
}

fn all_traffic() -> String {
    "ALL".into()
}

/// AWS names cannot hold `_` where logical names may.
pub fn dashed(logical: &str) -> String {
    logical.replace('_', "-")
}

/// A dotted path with every key that is not bare quoted, as TOML writes it.
pub fn key_path(parts: &[&str]) -> String {
    parts
        .iter()
        .map(|p| {
            if !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            {
                (*p).to_string()
            } else {
                format!("\"{}\"", p.replace('"', "\\\""))
            }
        })
        .collect::<Vec<_>>()
        .join(".")
}

fn yes() -> bool {
    true
}
fn public() -> String {
    "public".into()
}
fn postgres() -> String {
    "postgres".into()
}
fn db_class() -> String {
    "db.t3.micro".into()
}
fn twenty() -> i32 {
    20
}
fn pg_port() -> i32 {
    5432
}
fn app() -> String {
    "app".into()
}
fn seven() -> i32 {
    7
}
fn cpu() -> String {
    "256".into()
}
fn memory() -> String {
    "512".into()
}
fn awsvpc() -> String {
    "awsvpc".into()
}
fn fargate() -> Vec<String> {
    vec!["FARGATE".into()]
}
fn fargate_launch() -> String {
    "FARGATE".into()
}
fn one() -> i32 {
    1
}
fn ecs_tasks() -> Vec<String> {
    vec!["ecs-tasks.amazonaws.com".into()]
}
