use serde::{Deserialize, Serialize};

use crate::docker::{DockerImage, Dockerfile};
use crate::resources::*;

/// Bumped on any change a reader of an older snapshot would misread.
/// 2: an ECS service's `assign_public_ip` may be unknown
/// (`{"unknown": ...}`), which a version-1 reader cannot read.
/// 3: a DB instance's `multi_az` and `deletion_protection` may be unknown
/// too, and it gains the Terraform-only `skip_final_snapshot` and
/// `final_snapshot_identifier` and its backup and maintenance windows; a
/// security group gains its description, and a VPC its secondary blocks; a
/// cluster's Container Insights and a log group's retention may be unknown.
/// 4: flow logs and load balancers, which an older snapshot did not read:
/// loading one leaves them unknown (a gap), never "none".
/// 5: target groups, listeners, DB parameter and option groups, and a DB
/// instance's parameter and option group; like 4's, unknown in an older
/// snapshot.
pub const SCHEMA_VERSION: u32 = 5;

/// Every version [`Inventory::load`] reads: each later one only
/// widened what a field may hold, so older snapshots read as they are.
pub const READABLE_SCHEMA_VERSIONS: [u32; 5] = [1, 2, 3, 4, SCHEMA_VERSION];

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Inventory {
    pub schema_version: u32,
    pub source: SourceInfo,
    #[serde(default)]
    pub vpcs: Vec<Vpc>,
    #[serde(default)]
    pub subnets: Vec<Subnet>,
    #[serde(default)]
    pub route_tables: Vec<RouteTable>,
    #[serde(default)]
    pub internet_gateways: Vec<InternetGateway>,
    #[serde(default)]
    pub nat_gateways: Vec<NatGateway>,
    #[serde(default)]
    pub flow_logs: Vec<FlowLog>,
    #[serde(default)]
    pub load_balancers: Vec<LoadBalancer>,
    #[serde(default)]
    pub target_groups: Vec<TargetGroup>,
    #[serde(default)]
    pub listeners: Vec<Listener>,
    #[serde(default)]
    pub security_groups: Vec<SecurityGroup>,
    #[serde(default)]
    pub network_acls: Vec<NetworkAcl>,
    #[serde(default)]
    pub db_instances: Vec<DbInstance>,
    #[serde(default)]
    pub db_subnet_groups: Vec<DbSubnetGroup>,
    #[serde(default)]
    pub db_parameter_groups: Vec<DbParameterGroup>,
    #[serde(default)]
    pub db_option_groups: Vec<DbOptionGroup>,
    #[serde(default)]
    pub ecs_clusters: Vec<EcsCluster>,
    #[serde(default)]
    pub ecs_services: Vec<EcsService>,
    #[serde(default)]
    pub task_definitions: Vec<TaskDefinition>,
    #[serde(default)]
    pub secrets: Vec<Secret>,
    #[serde(default)]
    pub iam_roles: Vec<IamRole>,
    #[serde(default)]
    pub iam_policies: Vec<ManagedPolicy>,
    #[serde(default)]
    pub log_groups: Vec<LogGroup>,
    /// Docker images run by the container source (`--image`).
    #[serde(default)]
    pub docker_images: Vec<DockerImage>,
    /// Dockerfiles read statically (`--dockerfile`).
    #[serde(default)]
    pub dockerfiles: Vec<Dockerfile>,
    /// Resources that stand for an unknown number of instances: a
    /// static source evaluated one representative instance of a `count` or
    /// `for_each` it could not expand (its index-dependent attributes are
    /// unknown). A rule true of each instance can be decided on it; one that
    /// counts instances cannot ("una instancia representativa").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub representative: Vec<Representative>,
    /// What the source could not read, and why. A kind listed here is not
    /// "empty": it is unknown, and the scenarios that need it are not evaluable.
    #[serde(default)]
    pub gaps: Vec<Gap>,
    /// Gaps of `gaps` confined to attributes of their kind (the `subnets` of
    /// ECS services, the `execution_role_arn` of task definitions): a step
    /// that does not read those attributes is not kept from its verdict by
    /// them. A gap not named here affects its whole kind.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub gap_fields: Vec<GapField>,
}

/// One attribute a gap is confined to (see [`Inventory::gap_fields`]); the
/// gap is the one of the same kind and operation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GapField {
    pub kind: ResourceKind,
    pub operation: String,
    /// The attribute as the source names it: `subnets`, `environment`.
    pub field: String,
}

/// One instance standing for all of a `count`/`for_each` that could not be
/// expanded (see [`Inventory::representative`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Representative {
    /// The resource's id in the Inventory: `aws_subnet.private[0]`.
    pub id: String,
    /// What the number of instances depends on: `var.azs`.
    pub depends_on: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceInfo {
    /// `aws`, `terraform`, `plan`, `snapshot`, `container`.
    pub kind: String,
    /// An endpoint URL, `default credential chain`, a path.
    pub location: String,
    #[serde(default)]
    pub region: Option<String>,
    #[serde(default)]
    pub account_id: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResourceKind {
    Vpc,
    Subnet,
    RouteTable,
    InternetGateway,
    NatGateway,
    FlowLog,
    LoadBalancer,
    TargetGroup,
    Listener,
    SecurityGroup,
    NetworkAcl,
    DbInstance,
    DbSubnetGroup,
    DbParameterGroup,
    DbOptionGroup,
    EcsCluster,
    EcsService,
    TaskDefinition,
    Secret,
    IamRole,
    IamPolicy,
    LogGroup,
    DockerImage,
    Dockerfile,
}

impl ResourceKind {
    pub const ALL: [ResourceKind; 24] = [
        ResourceKind::Vpc,
        ResourceKind::Subnet,
        ResourceKind::RouteTable,
        ResourceKind::InternetGateway,
        ResourceKind::NatGateway,
        ResourceKind::FlowLog,
        ResourceKind::LoadBalancer,
        ResourceKind::TargetGroup,
        ResourceKind::Listener,
        ResourceKind::SecurityGroup,
        ResourceKind::NetworkAcl,
        ResourceKind::DbInstance,
        ResourceKind::DbSubnetGroup,
        ResourceKind::DbParameterGroup,
        ResourceKind::DbOptionGroup,
        ResourceKind::EcsCluster,
        ResourceKind::EcsService,
        ResourceKind::TaskDefinition,
        ResourceKind::Secret,
        ResourceKind::IamRole,
        ResourceKind::IamPolicy,
        ResourceKind::LogGroup,
        ResourceKind::DockerImage,
        ResourceKind::Dockerfile,
    ];

    /// The Spanish article of [`ResourceKind::label_es`]: `las subredes`,
    /// `los balanceadores de carga`.
    pub fn article_es(self) -> &'static str {
        use ResourceKind::*;
        match self {
            Vpc | Subnet | RouteTable | NetworkAcl | DbInstance | TaskDefinition | IamPolicy
            | DockerImage => "las",
            InternetGateway | NatGateway | FlowLog | LoadBalancer | TargetGroup | Listener
            | SecurityGroup | DbSubnetGroup | DbParameterGroup | DbOptionGroup | EcsCluster
            | EcsService | Secret | IamRole | LogGroup | Dockerfile => "los",
        }
    }

    /// Spanish, plural: the words a student reads in a verdict.
    pub fn label_es(self) -> &'static str {
        match self {
            ResourceKind::Vpc => "VPCs",
            ResourceKind::Subnet => "subredes",
            ResourceKind::RouteTable => "tablas de rutas",
            ResourceKind::InternetGateway => "internet gateways",
            ResourceKind::NatGateway => "NAT gateways",
            ResourceKind::FlowLog => "flow logs",
            ResourceKind::LoadBalancer => "balanceadores de carga",
            ResourceKind::TargetGroup => "grupos de destino",
            ResourceKind::Listener => "listeners",
            ResourceKind::SecurityGroup => "grupos de seguridad",
            ResourceKind::NetworkAcl => "network ACLs",
            ResourceKind::DbInstance => "instancias RDS",
            ResourceKind::DbSubnetGroup => "grupos de subredes de RDS",
            ResourceKind::DbParameterGroup => "grupos de parámetros de RDS",
            ResourceKind::DbOptionGroup => "grupos de opciones de RDS",
            ResourceKind::EcsCluster => "clústeres ECS",
            ResourceKind::EcsService => "servicios ECS",
            ResourceKind::TaskDefinition => "definiciones de tarea ECS",
            ResourceKind::Secret => "secretos de Secrets Manager",
            ResourceKind::IamRole => "roles IAM",
            ResourceKind::IamPolicy => "políticas IAM",
            ResourceKind::LogGroup => "grupos de logs",
            ResourceKind::DockerImage => "imágenes Docker",
            ResourceKind::Dockerfile => "Dockerfiles",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Gap {
    pub kind: ResourceKind,
    /// The API operation or construct that could not be read, e.g. `ec2:DescribeNetworkAcls`.
    pub operation: String,
    pub reason: GapReason,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GapReason {
    AccessDenied,
    Throttled,
    /// The endpoint does not implement the operation (an emulator's limit).
    Unsupported,
    /// A static source met a construct it cannot evaluate.
    NotModelled,
    Other,
}

impl GapReason {
    /// A read that failed (denied, throttled, unreachable, an answer that
    /// is not whole): the grade is incomplete for a reason outside the
    /// student's work and outside the source's design. An operation the
    /// emulator lacks and a construct the static source does not evaluate
    /// are limits by design, known before the run.
    pub fn is_failed_read(self) -> bool {
        matches!(
            self,
            GapReason::AccessDenied | GapReason::Throttled | GapReason::Other
        )
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    #[error(transparent)]
    Input(#[from] crate::input::InputError),
    #[error("{path}: no se pudo leer: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}:{line}:{column}: no es un snapshot de cloudgrade: {message}")]
    Parse {
        path: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error(
        "{path}: snapshot con schema_version {found}; esta versión de cloudgrade lee de la 1 a la {expected}"
    )]
    Version {
        path: String,
        found: u32,
        expected: u32,
    },
}

impl Inventory {
    pub fn new(source: SourceInfo) -> Self {
        Inventory {
            schema_version: SCHEMA_VERSION,
            source,
            ..Default::default()
        }
    }

    /// Whether `id` is one representative instance of an unknown number.
    pub fn is_representative(&self, id: &str) -> bool {
        self.representative(id).is_some()
    }

    /// What the number of instances `id` stands for depends on, if it is a
    /// representative instance.
    pub fn representative(&self, id: &str) -> Option<&Representative> {
        self.representative.iter().find(|r| r.id == id)
    }

    /// The gaps that keep a kind of resource from being known.
    pub fn gaps_for(&self, kind: ResourceKind) -> impl Iterator<Item = &Gap> {
        self.gaps.iter().filter(move |g| g.kind == kind)
    }

    /// The gaps of `kind` that matter to a question reading only `fields`
    /// of it: those of the whole kind, and those confined to one of
    /// `fields`.
    pub fn gaps_reading<'a>(
        &'a self,
        kind: ResourceKind,
        fields: &'a [&'a str],
    ) -> impl Iterator<Item = &'a Gap> + 'a {
        self.gaps_for(kind).filter(move |g| {
            let mut scoped = self
                .gap_fields
                .iter()
                .filter(|f| f.kind == g.kind && f.operation == g.operation)
                .peekable();
            scoped.peek().is_none() || scoped.any(|f| fields.contains(&f.field.as_str()))
        })
    }

    pub fn load(path: &std::path::Path) -> Result<Self, SnapshotError> {
        let shown = path.display().to_string();
        let text = crate::input::read_text(path, &crate::input::SNAPSHOT)?;
        Self::from_json(&text, &shown)
    }

    pub fn from_json(text: &str, path: &str) -> Result<Self, SnapshotError> {
        // Read the version first, so an old or foreign file gets a precise
        // message instead of a confusing missing-field error.
        #[derive(Deserialize)]
        struct Head {
            schema_version: Option<u32>,
        }
        let parse_err = |e: serde_json::Error| SnapshotError::Parse {
            path: path.to_string(),
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        };
        let head: Head = serde_json::from_str(text).map_err(parse_err)?;
        match head.schema_version {
            Some(v) if READABLE_SCHEMA_VERSIONS.contains(&v) => {
                let mut inv: Inventory = serde_json::from_str(text).map_err(parse_err)?;
                // Each kind a later version began to read: an older snapshot
                // did not read it, which is not "none".
                let unread = [
                    (4, ResourceKind::FlowLog),
                    (4, ResourceKind::LoadBalancer),
                    (5, ResourceKind::TargetGroup),
                    (5, ResourceKind::Listener),
                    (5, ResourceKind::DbParameterGroup),
                    (5, ResourceKind::DbOptionGroup),
                ];
                for kind in unread
                    .iter()
                    .filter(|(since, _)| v < *since)
                    .map(|(_, k)| *k)
                {
                    inv.gaps.push(Gap {
                        kind,
                        operation: "snapshot".into(),
                        reason: GapReason::NotModelled,
                        // No path: it is the source's location already.
                        message: format!(
                            "el snapshot (schema_version {v}) es anterior a {art} {} y no {art} leyó",
                            kind.label_es(),
                            art = kind.article_es(),
                        ),
                    });
                }
                inv.schema_version = SCHEMA_VERSION;
                Ok(inv)
            }
            Some(found) => Err(SnapshotError::Version {
                path: path.to_string(),
                found,
                expected: SCHEMA_VERSION,
            }),
            None => Err(SnapshotError::Parse {
                path: path.to_string(),
                line: 1,
                column: 1,
                message: "falta `schema_version`".into(),
            }),
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self)
            .expect("the Inventory is plain data and always serializes")
    }

    pub fn vpc(&self, id: &str) -> Option<&Vpc> {
        self.vpcs.iter().find(|v| v.id == id)
    }
    pub fn subnet(&self, id: &str) -> Option<&Subnet> {
        self.subnets.iter().find(|s| s.id == id)
    }
    pub fn route_table(&self, id: &str) -> Option<&RouteTable> {
        self.route_tables.iter().find(|r| r.id == id)
    }
    pub fn internet_gateway(&self, id: &str) -> Option<&InternetGateway> {
        self.internet_gateways.iter().find(|g| g.id == id)
    }
    pub fn nat_gateway(&self, id: &str) -> Option<&NatGateway> {
        self.nat_gateways.iter().find(|g| g.id == id)
    }
    pub fn security_group(&self, id: &str) -> Option<&SecurityGroup> {
        self.security_groups.iter().find(|g| g.id == id)
    }
    pub fn db_subnet_group(&self, name: &str) -> Option<&DbSubnetGroup> {
        self.db_subnet_groups.iter().find(|g| g.name == name)
    }
    pub fn task_definition(&self, arn: &str) -> Option<&TaskDefinition> {
        self.task_definitions.iter().find(|t| t.arn == arn)
    }
    pub fn secret(&self, arn_or_name: &str) -> Option<&Secret> {
        self.secrets
            .iter()
            .find(|s| s.arn == arn_or_name || s.name == arn_or_name)
    }
    pub fn iam_role(&self, arn_or_name: &str) -> Option<&IamRole> {
        self.iam_roles
            .iter()
            .find(|r| r.arn == arn_or_name || r.name == arn_or_name)
    }
    pub fn iam_policy(&self, arn: &str) -> Option<&ManagedPolicy> {
        self.iam_policies.iter().find(|p| p.arn == arn)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Attr;

    fn snapshot(version: u32, assign: &str) -> String {
        format!(
            r#"{{"schema_version": {version}, "source": {{"kind": "aws", "location": "x"}},
              "ecs_services": [{{"arn": "s", "name": "s", "cluster_arn": "c", "task_definition": "t",
                "network": {{"subnet_ids": ["a"], "assign_public_ip": {assign}}}}}]}}"#
        )
    }

    fn read(text: &str) -> Result<Inventory, SnapshotError> {
        Inventory::from_json(text, "inventory.json")
    }

    fn assign(inv: &Inventory) -> &Attr<bool> {
        &inv.ecs_services[0]
            .network
            .as_ref()
            .unwrap()
            .assign_public_ip
    }

    #[test]
    fn a_version_1_snapshot_reads_as_the_current_version() {
        let inv = read(&snapshot(1, "true")).unwrap();
        assert_eq!(inv.schema_version, SCHEMA_VERSION);
        assert_eq!(assign(&inv), &Attr::Known(true));
    }

    #[test]
    fn an_unknown_public_ip_setting_round_trips() {
        let inv = read(&snapshot(2, r#"{"unknown": "var.public_ip"}"#)).unwrap();
        assert_eq!(assign(&inv), &Attr::unknown("var.public_ip"));
        let again = read(&serde_json::to_string(&inv).unwrap()).unwrap();
        assert_eq!(again, inv);
    }

    #[test]
    fn a_version_2_database_reads_its_on_off_facts_as_known() {
        let text = r#"{"schema_version": 2, "source": {"kind": "aws", "location": "x"},
            "db_instances": [{"id": "d", "engine": "postgres", "port": 5432,
              "publicly_accessible": false, "multi_az": true, "deletion_protection": false}]}"#;
        let inv = read(text).unwrap();
        let db = &inv.db_instances[0];
        assert_eq!(db.multi_az, Some(Attr::Known(true)));
        assert_eq!(db.deletion_protection, Some(Attr::Known(false)));
        assert_eq!(
            db.skip_final_snapshot, None,
            "a version 2 snapshot did not say"
        );
    }

    #[test]
    fn a_snapshot_older_than_flow_logs_and_load_balancers_leaves_them_unknown() {
        let inv = read(&snapshot(3, "false")).unwrap();
        for kind in [
            ResourceKind::FlowLog,
            ResourceKind::LoadBalancer,
            ResourceKind::Listener,
        ] {
            let gap = inv.gaps_for(kind).next().expect("a gap");
            assert!(gap.message.contains("schema_version 3"), "{}", gap.message);
        }
        // Version 4 read balancers, not their listeners or target groups.
        let inv = read(&snapshot(4, "false")).unwrap();
        let unread: Vec<_> = inv.gaps.iter().map(|g| g.kind).collect();
        assert_eq!(
            unread,
            [
                ResourceKind::TargetGroup,
                ResourceKind::Listener,
                ResourceKind::DbParameterGroup,
                ResourceKind::DbOptionGroup
            ]
        );
        let current = read(&Inventory::new(SourceInfo::default()).to_json()).unwrap();
        assert!(current.gaps.is_empty(), "{:?}", current.gaps);
    }

    #[test]
    fn a_newer_snapshot_is_refused_naming_both_versions() {
        let newer = SCHEMA_VERSION + 1;
        let e = read(&snapshot(newer, "false")).unwrap_err().to_string();
        assert!(
            e.contains(&format!("schema_version {newer}"))
                && e.contains(&format!("a la {SCHEMA_VERSION}")),
            "{e}"
        );
    }
}
