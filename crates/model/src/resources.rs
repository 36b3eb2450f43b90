//! One struct per kind of resource the course's rules read. Ids are whatever
//! the source has: AWS ids from the API, Terraform addresses from a static
//! source. Fields hold what the rules need, not everything AWS returns.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{Attr, EnvValue};

pub type Tags = BTreeMap<String, String>;

/// Where a resource was declared, when the source knows it (Terraform: file
/// and line), so feedback can point at it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Origin {
    pub file: String,
    pub line: u32,
    /// The Terraform address, e.g. `aws_route_table.private`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Vpc {
    pub id: String,
    pub cidr: Attr<String>,
    /// IPv4 blocks associated after creation
    /// (`aws_vpc_ipv4_cidr_block_association`): subnets may live in them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub secondary_cidrs: Vec<Attr<String>>,
    /// The account's default VPC, which AWS creates: not the student's
    /// unless the project places something in it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub is_default: bool,
    /// `enableDnsSupport`: the Amazon DNS server answers in the VPC. `None`
    /// when the source did not say (a snapshot older than the field).
    #[serde(default)]
    pub dns_support: Option<Attr<bool>>,
    /// `enableDnsHostnames`: instances and endpoints get DNS names.
    #[serde(default)]
    pub dns_hostnames: Option<Attr<bool>>,
    #[serde(default)]
    pub tags: Tags,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<Origin>,
}

impl Vpc {
    /// Its IPv4 blocks: the primary one, then the secondary ones.
    pub fn blocks(&self) -> impl Iterator<Item = &Attr<String>> {
        std::iter::once(&self.cidr).chain(&self.secondary_cidrs)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Subnet {
    pub id: String,
    pub vpc_id: String,
    pub cidr: Attr<String>,
    #[serde(default)]
    pub availability_zone: Option<Attr<String>>,
    pub map_public_ip_on_launch: Attr<bool>,
    #[serde(default)]
    pub tags: Tags,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<Origin>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RouteTable {
    pub id: String,
    pub vpc_id: String,
    /// The VPC's main table: the one every subnet without an explicit
    /// association uses.
    pub main: bool,
    /// Subnets explicitly associated with this table.
    #[serde(default)]
    pub subnet_ids: Vec<String>,
    #[serde(default)]
    pub routes: Vec<Route>,
    #[serde(default)]
    pub tags: Tags,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<Origin>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Route {
    /// IPv4 destination; routes with only an IPv6 destination or a prefix
    /// list keep `destination_ipv6` / `prefix_list_id` instead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination: Option<Attr<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination_ipv6: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefix_list_id: Option<String>,
    pub target: RouteTarget,
    /// `blackhole` when the target no longer exists.
    #[serde(default)]
    pub blackhole: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<Origin>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "id")]
pub enum RouteTarget {
    Local,
    InternetGateway(String),
    EgressOnlyInternetGateway(String),
    NatGateway(String),
    /// An EC2 instance: a NAT instance when it routes internet traffic.
    Instance(String),
    NetworkInterface(String),
    VpcPeering(String),
    TransitGateway(String),
    VpnGateway(String),
    VpcEndpoint(String),
    /// A target a static source cannot resolve yet.
    Unknown(String),
}

impl std::fmt::Display for RouteTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RouteTarget::Local => f.write_str("local"),
            RouteTarget::InternetGateway(id)
            | RouteTarget::EgressOnlyInternetGateway(id)
            | RouteTarget::NatGateway(id)
            | RouteTarget::Instance(id)
            | RouteTarget::NetworkInterface(id)
            | RouteTarget::VpcPeering(id)
            | RouteTarget::TransitGateway(id)
            | RouteTarget::VpnGateway(id)
            | RouteTarget::VpcEndpoint(id)
            | RouteTarget::Unknown(id) => f.write_str(id),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InternetGateway {
    pub id: String,
    #[serde(default)]
    pub attached_vpc_ids: Vec<String>,
    #[serde(default)]
    pub tags: Tags,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<Origin>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NatGateway {
    pub id: String,
    pub subnet_id: String,
    pub vpc_id: String,
    /// `available`, `pending`, `failed`, `deleting`, `deleted`.
    pub state: String,
    /// `public` or `private`.
    pub connectivity: String,
    #[serde(default)]
    pub public_ip: Option<Attr<String>>,
    #[serde(default)]
    pub tags: Tags,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<Origin>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SecurityGroup {
    pub id: String,
    pub name: String,
    pub vpc_id: String,
    /// As AWS holds it: the provider writes `Managed by Terraform` (see
    /// [`SecurityGroup::UNSAID`]) when the configuration gives none; `None`
    /// when the source did not say.
    #[serde(default)]
    pub description: Option<Attr<String>>,
    #[serde(default)]
    pub ingress: Vec<SgRule>,
    #[serde(default)]
    pub egress: Vec<SgRule>,
    #[serde(default)]
    pub tags: Tags,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<Origin>,
}

impl SecurityGroup {
    /// The description the AWS provider gives a group whose configuration
    /// gives none: what AWS then holds, so every source reads it alike.
    pub const UNSAID: &'static str = "Managed by Terraform";
}

/// One permission for one peer: sources flatten rules that list several peers
/// into one rule each, so a verdict can name exactly the one at fault.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SgRule {
    /// `-1` (all), `tcp`, `udp`, `icmp`, or a protocol number.
    pub protocol: String,
    /// Absent for protocol `-1`.
    #[serde(default)]
    pub from_port: Option<i32>,
    #[serde(default)]
    pub to_port: Option<i32>,
    pub peer: SgPeer,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<Origin>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "value")]
pub enum SgPeer {
    Cidr(Attr<String>),
    Ipv6Cidr(String),
    SecurityGroup(String),
    PrefixList(String),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NetworkAcl {
    pub id: String,
    pub vpc_id: String,
    pub is_default: bool,
    #[serde(default)]
    pub subnet_ids: Vec<String>,
    #[serde(default)]
    pub entries: Vec<AclEntry>,
    #[serde(default)]
    pub tags: Tags,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<Origin>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AclEntry {
    pub rule_number: i32,
    pub egress: bool,
    /// `-1` (all) or a protocol number (`6` tcp, `17` udp, `1` icmp).
    pub protocol: String,
    pub allow: bool,
    pub cidr: Attr<String>,
    #[serde(default)]
    pub from_port: Option<i32>,
    #[serde(default)]
    pub to_port: Option<i32>,
}

impl AclEntry {
    /// A rule on all traffic from or to anywhere: what a default ACL holds
    /// (`100` allow, `*` deny), in either direction.
    pub fn all_traffic(rule_number: i32, egress: bool, allow: bool) -> AclEntry {
        AclEntry {
            rule_number,
            egress,
            protocol: "-1".into(),
            allow,
            cidr: Attr::Known("0.0.0.0/0".into()),
            from_port: None,
            to_port: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DbInstance {
    pub id: String,
    pub engine: String,
    /// As written: a full version (`16.4`), a major alone (`16`, RDS picks
    /// the minor), or empty when not set (RDS's default). `None` when the
    /// source did not say (a snapshot older than the field).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub engine_version: Option<Attr<String>>,
    pub port: Attr<i32>,
    pub publicly_accessible: Attr<bool>,
    #[serde(default)]
    pub subnet_group: Option<String>,
    #[serde(default)]
    pub security_group_ids: Vec<String>,
    /// `None` when the source did not say (a snapshot older than the
    /// field, an answer without it); unknown names what it depends on.
    #[serde(default)]
    pub storage_encrypted: Option<Attr<bool>>,
    /// Like `storage_encrypted`: `None` when the source did not say.
    #[serde(default)]
    pub backup_retention_days: Option<Attr<i32>>,
    /// Like `storage_encrypted`: `None` when the source did not say.
    #[serde(default)]
    pub multi_az: Option<Attr<bool>>,
    /// Like `storage_encrypted`: `None` when the source did not say.
    #[serde(default)]
    pub deletion_protection: Option<Attr<bool>>,
    /// What `terraform destroy` does: arguments of Terraform's alone, so
    /// `None` from a live account, which never holds them.
    #[serde(default)]
    pub skip_final_snapshot: Option<Attr<bool>>,
    /// Empty when the source knows none was given; `None` as above.
    #[serde(default)]
    pub final_snapshot_identifier: Option<Attr<String>>,
    /// `hh24:mi-hh24:mi` (UTC) as written or as AWS chose it; empty when
    /// none was given (AWS then picks one that fits); `None` when the
    /// source did not say.
    #[serde(default)]
    pub backup_window: Option<Attr<String>>,
    /// `ddd:hh24:mi-ddd:hh24:mi`, like `backup_window`.
    #[serde(default)]
    pub maintenance_window: Option<Attr<String>>,
    /// Like `storage_encrypted`: `None` when the source did not say.
    #[serde(default)]
    pub auto_minor_version_upgrade: Option<Attr<bool>>,
    /// The master user's name: empty when the source knows none was given
    /// (AWS refuses the instance), `None` when the source did not say.
    #[serde(default)]
    pub master_username: Option<Attr<String>>,
    /// Set when RDS manages the master password in Secrets Manager.
    #[serde(default)]
    pub master_user_secret_arn: Option<String>,
    /// The parameter group's name: empty when none was given (RDS uses its
    /// engine's default), `None` when the source did not say.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameter_group: Option<Attr<String>>,
    /// The option group's name, like `parameter_group`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub option_group: Option<Attr<String>>,
    #[serde(default)]
    pub tags: Tags,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<Origin>,
}

/// A DB parameter group the project declares or an instance uses.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DbParameterGroup {
    pub name: String,
    /// `postgres16`, `mysql8.0`: the engine and major version it serves;
    /// RDS refuses it for an instance of another.
    pub family: Attr<String>,
    /// The parameters set by the project (not the family's defaults), by
    /// name: what a nightly diff shows changing.
    #[serde(default)]
    pub parameters: std::collections::BTreeMap<String, Attr<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<Origin>,
}

/// Whether a parameter or option group name is one of the project's own:
/// not empty (no group, RDS's default) and not one of RDS's
/// (`default.postgres16`, `default:mysql-8-0`), which always fit the
/// instance RDS gave them to.
pub fn is_own_db_group(name: &str) -> bool {
    !name.is_empty() && !name.starts_with("default.") && !name.starts_with("default:")
}

/// A DB option group (MySQL, MariaDB, Oracle, SQL Server's plugins and
/// features): it serves one engine at one major version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DbOptionGroup {
    pub name: String,
    pub engine: Attr<String>,
    /// `8.0`, `16`.
    pub major_engine_version: Attr<String>,
    /// The options it adds, by name.
    #[serde(default)]
    pub options: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<Origin>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DbSubnetGroup {
    pub name: String,
    pub vpc_id: String,
    #[serde(default)]
    pub subnet_ids: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<Origin>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EcsCluster {
    pub arn: String,
    pub name: String,
    /// `enabled` or `enhanced`; `None` when the source did not say.
    #[serde(default)]
    pub container_insights: Option<Attr<bool>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<Origin>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EcsService {
    pub arn: String,
    pub name: String,
    pub cluster_arn: String,
    /// The task definition revision the service runs (ARN or, statically, the address).
    pub task_definition: String,
    /// Where its tasks run: `FARGATE` (its launch type, or a capacity
    /// provider strategy of FARGATE or FARGATE_SPOT, its own or its
    /// cluster's default), `EC2`, `EXTERNAL`; `None` when not known.
    #[serde(default)]
    pub launch_type: Option<String>,
    #[serde(default)]
    pub desired_count: Option<i32>,
    #[serde(default)]
    pub network: Option<AwsVpcConfig>,
    /// The target groups its tasks register in, each with the container
    /// and port that receive the traffic.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub load_balancers: Vec<ServiceLoadBalancer>,
    /// How a failed deployment ends; `None` when the source did not say.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deployment: Option<Deployment>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<Origin>,
}

/// A service's deployment settings: who deploys (`ECS`, `CODE_DEPLOY`,
/// `EXTERNAL`) and ECS's circuit breaker, which stops a deployment whose
/// tasks keep failing and, with `rollback`, returns to the last one that
/// worked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Deployment {
    pub controller: String,
    pub circuit_breaker: Attr<bool>,
    pub rollback: Attr<bool>,
}

/// One `load_balancer` block of a service (`loadBalancers` in the API).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceLoadBalancer {
    /// The target group's ARN or, statically, the address it refers to.
    pub target_group: String,
    pub container_name: String,
    pub container_port: Attr<i32>,
}

/// An Elastic Load Balancing v2 load balancer: an ALB, an NLB.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoadBalancer {
    pub arn: String,
    pub name: String,
    /// `application`, `network` or `gateway`.
    pub lb_type: String,
    /// Reachable only from inside the VPC (`scheme = internal`).
    pub internal: Attr<bool>,
    #[serde(default)]
    pub security_group_ids: Vec<String>,
    #[serde(default)]
    pub subnet_ids: Vec<String>,
    #[serde(default)]
    pub tags: Tags,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<Origin>,
}

/// A target group: where a listener sends what it receives, and where an
/// ECS service registers its tasks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TargetGroup {
    /// The ARN or, statically, the address (what a service's
    /// `target_group` and a listener's `target_groups` name).
    pub arn: String,
    pub name: String,
    /// `instance` (the default), `ip`, `lambda` or `alb`: tasks in awsvpc
    /// mode have their own address, so only `ip` can register them.
    pub target_type: Attr<String>,
    /// The traffic port; `None` when the source did not say (a Lambda
    /// target group has none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<Attr<i32>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<Origin>,
}

/// A balancer's listener: a port and protocol, and the target groups its
/// actions (the default one and its rules') forward to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Listener {
    pub arn: String,
    /// The balancer's ARN or, statically, its address.
    pub load_balancer: String,
    pub port: Attr<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<String>,
    /// Target groups (ARN or address) any of its actions forwards to; a
    /// redirect or a fixed response forwards nowhere.
    #[serde(default)]
    pub target_groups: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<Origin>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AwsVpcConfig {
    #[serde(default)]
    pub subnet_ids: Vec<String>,
    #[serde(default)]
    pub security_group_ids: Vec<String>,
    /// Unknown when it depends on a value known only after apply.
    pub assign_public_ip: Attr<bool>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskDefinition {
    pub arn: String,
    pub family: String,
    pub revision: i32,
    /// `ACTIVE` or `INACTIVE`.
    pub status: String,
    #[serde(default)]
    pub network_mode: Option<String>,
    #[serde(default)]
    pub requires_compatibilities: Vec<String>,
    /// The task's size as written (`"256"`, `"0.25 vCPU"`; `"512"`,
    /// `"1 GB"`), empty when not set, which Fargate refuses. `None`: the
    /// source did not say (a snapshot older than these fields).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu: Option<Attr<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory: Option<Attr<String>>,
    /// `pidMode`: `host` shares the host's processes with the containers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pid_mode: Option<String>,
    #[serde(default)]
    pub execution_role_arn: Option<String>,
    #[serde(default)]
    pub task_role_arn: Option<String>,
    #[serde(default)]
    pub containers: Vec<ContainerDefinition>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<Origin>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContainerDefinition {
    pub name: String,
    #[serde(default)]
    pub image: Option<String>,
    /// What the image reference pins, where a static source knows it better
    /// than its text: a tag or `@sha256:…`, empty for none (the registry
    /// then serves `latest`), unknown when it depends on a value known after
    /// apply. `None`: read it from `image` itself (a live source's is whole).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_tag: Option<Attr<String>>,
    #[serde(default)]
    pub environment: Vec<EnvVar>,
    #[serde(default)]
    pub secrets: Vec<SecretRef>,
    #[serde(default)]
    pub log_driver: Option<String>,
    /// `logConfiguration.options`: `awslogs-group`, `awslogs-region`,
    /// `awslogs-create-group`...
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub log_options: BTreeMap<String, Attr<String>>,
    #[serde(default)]
    pub has_health_check: bool,
    /// `healthCheck.command`, its words joined by spaces (`CMD-SHELL curl
    /// -f http://localhost:8080/ || exit 1`); `None` without a health
    /// check, or when the source did not say.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub health_command: Option<Attr<String>>,
    /// What the container may do to its host and its own files; `None` when
    /// the source did not say.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hardening: Option<Hardening>,
    /// The ports it listens on (`portMappings[].containerPort`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ports: Vec<Attr<i32>>,
}

/// A container's own limits: a root file system it cannot write, no
/// privileged mode, and the user it runs as (empty: the image's, root
/// unless the image says otherwise).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hardening {
    pub readonly_root_filesystem: Attr<bool>,
    pub privileged: Attr<bool>,
    pub user: Attr<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnvVar {
    pub name: String,
    pub value: EnvValue,
    /// Where the entry itself is written, when the source knows (a `.tf`
    /// file); else findings point at its task definition.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<Origin>,
    /// Set when the entry is there only for some values of this unknown
    /// (`concat(base, each.key == "api" ? [entry] : [])`): what it says
    /// holds of some instances, not necessarily of any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub only_if: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SecretRef {
    pub name: String,
    /// A Secrets Manager ARN (optionally with `:json-key:...` suffix) or an
    /// SSM parameter ARN or name.
    pub value_from: String,
    /// Set when this is one of several values the entry may take, which one
    /// depending on this unknown (`var.arns[each.key]`): what holds of it
    /// holds of some instances, not necessarily of any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub only_if: Option<String>,
}

/// Metadata only: cloudgrade never reads a secret's value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Secret {
    pub arn: String,
    pub name: String,
    #[serde(default)]
    pub rotation_enabled: Option<bool>,
    /// Days between rotations, when it rotates on a schedule of days.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rotation_days: Option<i32>,
    #[serde(default)]
    pub kms_key_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<Origin>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IamRole {
    pub arn: String,
    pub name: String,
    /// The trust policy document.
    pub assume_role_policy: serde_json::Value,
    #[serde(default)]
    pub inline_policies: Vec<InlinePolicy>,
    /// ARNs of attached managed policies.
    #[serde(default)]
    pub attached_policy_arns: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<Origin>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InlinePolicy {
    pub name: String,
    pub document: serde_json::Value,
}

/// A customer-managed policy (its default version). AWS-managed policies are
/// known by ARN and not collected.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManagedPolicy {
    pub arn: String,
    pub name: String,
    pub document: serde_json::Value,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<Origin>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogGroup {
    pub name: String,
    /// Days its events are kept; `None` (0 or unset) is forever, which AWS
    /// reports as no retention.
    #[serde(default = "forever")]
    pub retention_days: Attr<Option<i32>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<Origin>,
}

/// A VPC flow log: what AWS records of the traffic of a VPC, a subnet or
/// a network interface.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FlowLog {
    pub id: String,
    /// The VPC, subnet or network interface it watches: an AWS id, or the
    /// Terraform address its argument refers to.
    pub resource_id: Attr<String>,
    /// `ACCEPT`, `REJECT` or `ALL`.
    pub traffic_type: Attr<String>,
    /// `cloud-watch-logs`, `s3` or `kinesis-data-firehose`.
    pub destination_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<Origin>,
}

fn forever() -> Attr<Option<i32>> {
    Attr::Known(None)
}

/// The tag an image reference pins, or its digest (`@sha256:…`); empty when
/// it names none (the registry serves `latest`). A registry's port
/// (`host:5000/app`) is not a tag: only the last path segment's `:` is.
pub fn image_tag(reference: &str) -> String {
    if let Some((_, digest)) = reference.rsplit_once('@') {
        return format!("@{digest}");
    }
    let last = reference.rsplit('/').next().unwrap_or(reference);
    last.rsplit_once(':')
        .map(|(_, tag)| tag.to_string())
        .unwrap_or_default()
}

/// Whether a capacity provider runs its tasks on Fargate: AWS's own
/// `FARGATE` and `FARGATE_SPOT`; any other is an EC2 Auto Scaling group's.
pub fn is_fargate_provider(name: &str) -> bool {
    matches!(name, "FARGATE" | "FARGATE_SPOT")
}

/// The `Name` tag, the usual way people name AWS resources.
pub fn name_tag(tags: &Tags) -> Option<&str> {
    tags.get("Name").map(String::as_str)
}
