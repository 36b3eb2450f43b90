//! From evaluated instances to the Inventory. Ids are Terraform addresses;
//! implicit AWS resources a VPC gets without any declaration (its main
//! route table, default network ACL and default security group) are added
//! with ids derived from the VPC's address. Whatever cannot be known becomes
//! a [`Gap`], named after the file and line that caused it, never an empty
//! list.

mod balancing;
mod ecs;
mod firewall;
mod iam;
mod logs;
mod network;
pub(crate) mod rds;
pub(crate) mod read;
mod refs;
mod secrets;

use std::collections::HashMap;
use std::rc::Rc;

use cloudgrade_model::{
    Gap, GapField, GapReason, Inventory, Origin, ResourceKind, SourceInfo, Tags,
};

use crate::config::Mode;
use crate::eval::{DataRead, Evaluator, Instance};
use crate::value::Value;
pub(crate) use read::{Obj, tags_of};

/// The Inventory kind a managed resource type feeds.
pub(crate) fn kind_of(rtype: &str) -> Option<ResourceKind> {
    Some(match rtype {
        "aws_vpc" | "aws_vpc_ipv4_cidr_block_association" => ResourceKind::Vpc,
        "aws_subnet" => ResourceKind::Subnet,
        "aws_route_table"
        | "aws_route"
        | "aws_route_table_association"
        | "aws_main_route_table_association"
        | "aws_default_route_table" => ResourceKind::RouteTable,
        "aws_internet_gateway" | "aws_internet_gateway_attachment" => ResourceKind::InternetGateway,
        "aws_nat_gateway" | "aws_eip" => ResourceKind::NatGateway,
        "aws_flow_log" => ResourceKind::FlowLog,
        "aws_lb" | "aws_alb" => ResourceKind::LoadBalancer,
        "aws_lb_target_group" | "aws_alb_target_group" => ResourceKind::TargetGroup,
        "aws_lb_listener"
        | "aws_alb_listener"
        | "aws_lb_listener_rule"
        | "aws_alb_listener_rule" => ResourceKind::Listener,
        "aws_security_group"
        | "aws_security_group_rule"
        | "aws_vpc_security_group_ingress_rule"
        | "aws_vpc_security_group_egress_rule"
        | "aws_default_security_group" => ResourceKind::SecurityGroup,
        "aws_network_acl"
        | "aws_network_acl_rule"
        | "aws_network_acl_association"
        | "aws_default_network_acl" => ResourceKind::NetworkAcl,
        "aws_db_instance" | "aws_rds_cluster" | "aws_rds_cluster_instance" => {
            ResourceKind::DbInstance
        }
        "aws_db_subnet_group" => ResourceKind::DbSubnetGroup,
        "aws_db_parameter_group" | "aws_rds_cluster_parameter_group" => {
            ResourceKind::DbParameterGroup
        }
        "aws_db_option_group" => ResourceKind::DbOptionGroup,
        "aws_ecs_cluster" => ResourceKind::EcsCluster,
        "aws_ecs_service" => ResourceKind::EcsService,
        "aws_ecs_task_definition" => ResourceKind::TaskDefinition,
        "aws_secretsmanager_secret" | "aws_secretsmanager_secret_rotation" => ResourceKind::Secret,
        "aws_iam_role"
        | "aws_iam_role_policy"
        | "aws_iam_role_policy_attachment"
        | "aws_iam_policy_attachment" => ResourceKind::IamRole,
        "aws_iam_policy" => ResourceKind::IamPolicy,
        "aws_cloudwatch_log_group" => ResourceKind::LogGroup,
        _ => return None,
    })
}

/// Data sources that read a resource this configuration does not declare:
/// the kind they stand for is incomplete in the Inventory.
fn kinds_of_data(rtype: &str) -> Vec<ResourceKind> {
    use ResourceKind::*;
    match rtype {
        "aws_vpc" | "aws_vpcs" => vec![Vpc],
        "aws_subnet" | "aws_subnets" => vec![Subnet],
        "aws_route_table" | "aws_route_tables" => vec![RouteTable],
        "aws_internet_gateway" => vec![InternetGateway],
        "aws_nat_gateway" | "aws_nat_gateways" => vec![NatGateway],
        "aws_security_group" | "aws_security_groups" => vec![SecurityGroup],
        "aws_network_acls" => vec![NetworkAcl],
        "aws_db_instance" | "aws_rds_cluster" => vec![DbInstance],
        "aws_db_subnet_group" => vec![DbSubnetGroup],
        "aws_ecs_cluster" => vec![EcsCluster],
        "aws_ecs_service" => vec![EcsService],
        "aws_ecs_task_definition" => vec![TaskDefinition],
        "aws_secretsmanager_secret" | "aws_secretsmanager_secret_version" => vec![Secret],
        "aws_iam_role" => vec![IamRole],
        "aws_cloudwatch_log_group" => vec![LogGroup],
        "aws_lb" | "aws_alb" => vec![LoadBalancer],
        "aws_lb_target_group" | "aws_alb_target_group" => vec![TargetGroup],
        "aws_lb_listener" | "aws_alb_listener" => vec![Listener],
        _ => Vec::new(),
    }
}

/// What a module from a registry or repository most likely declares, from
/// its source (`terraform-aws-modules/vpc/aws`); everything when unsure.
pub(crate) fn kinds_of_module(source: &str) -> Vec<ResourceKind> {
    use ResourceKind::*;
    let s = source.to_ascii_lowercase();
    // Modules of that namespace that declare nothing the rules read (a
    // bucket, a registry, a certificate, DNS): what they leave unknown is
    // only what reads their outputs.
    let inert = [
        "s3-bucket",
        "ecr",
        "acm",
        "route53",
        "cloudfront",
        "dynamodb-table",
        "sqs",
        "sns",
        "kms",
    ];
    // `HOST/namespace/name/provider` is the registry address with its host
    // spelled out: the same module.
    let s_bare = match s.split_once('/') {
        Some((host, rest)) if host.contains('.') && rest.matches('/').count() == 2 => rest,
        _ => s.as_str(),
    };
    if let Some(name) = s_bare
        .strip_prefix("terraform-aws-modules/")
        .and_then(|r| r.strip_suffix("/aws"))
    {
        if inert.contains(&name) {
            return Vec::new();
        }
        // A load balancer, its listeners and target groups, and (since v9)
        // a security group of its own.
        if matches!(name, "alb" | "elb") {
            return vec![LoadBalancer, TargetGroup, Listener, SecurityGroup];
        }
    }
    let table: &[(&str, &[ResourceKind])] = &[
        (
            "vpc",
            &[
                Vpc,
                Subnet,
                RouteTable,
                InternetGateway,
                NatGateway,
                NetworkAcl,
                SecurityGroup,
                FlowLog,
            ],
        ),
        ("security-group", &[SecurityGroup]),
        (
            "rds",
            &[DbInstance, DbSubnetGroup, DbParameterGroup, DbOptionGroup],
        ),
        (
            "ecs",
            &[EcsCluster, EcsService, TaskDefinition, IamRole, LogGroup],
        ),
        ("iam", &[IamRole, IamPolicy]),
        ("secrets-manager", &[Secret]),
        ("cloudwatch", &[LogGroup]),
    ];
    for (key, kinds) in table {
        if s.contains(key) {
            return kinds.to_vec();
        }
    }
    ResourceKind::ALL.to_vec()
}

pub(crate) struct Mapper {
    pub inv: Inventory,
    /// Ids that name the same thing: a VPC's implicit main route table is
    /// the `aws_default_route_table` that adopts it.
    pub alias: HashMap<String, String>,
    /// Names built from unknowns that two resources share: not aliased.
    pub ambiguous: std::collections::HashSet<String>,
    pub default_tags: Tags,
}

impl Mapper {
    pub fn origin(inst: &Instance) -> Option<Origin> {
        Some(Origin {
            file: inst.file.rel.clone(),
            line: inst.line,
            address: Some(inst.address.clone()),
        })
    }

    /// A `name` known only as an expression (`"${var.project}-db"`) names
    /// the resource `id` for whoever refers to it by the same expression,
    /// as long as no other resource has that name.
    pub fn alias_name(&mut self, o: &Obj, id: &str) {
        if o.known_str("name").is_some() {
            return;
        }
        let Some(name) = o.text("name") else {
            return;
        };
        if name == id || self.ambiguous.contains(&name) {
            return;
        }
        match self.alias.get(&name) {
            Some(other) if other != id => {
                self.alias.remove(&name);
                self.ambiguous.insert(name);
            }
            Some(_) => {}
            None => {
                self.alias.insert(name, id.to_string());
            }
        }
    }

    /// The default security group of the VPC `subnet_ids` live in: what
    /// AWS gives a task, a database or an ALB that names no group.
    pub fn default_group_of(&self, subnet_ids: &[String]) -> Option<String> {
        let vpc = subnet_ids
            .iter()
            .find_map(|s| self.inv.subnet(s).map(|x| x.vpc_id.clone()))?;
        Some(self.default_group(&vpc))
    }

    /// The default security group of the VPC `vpc_id`.
    pub fn default_group(&self, vpc_id: &str) -> String {
        self.canon(format!("{vpc_id}.default_security_group"))
    }

    pub fn canon(&self, id: String) -> String {
        match self.alias.get(&id) {
            Some(c) => c.clone(),
            None => id,
        }
    }

    pub fn note(&mut self, kind: ResourceKind, operation: String, message: String) {
        note(&mut self.inv, kind, operation, message);
    }

    /// A gap confined to one attribute of `kind`: only the questions that
    /// read `field` are kept from their verdict by it.
    pub fn note_field(
        &mut self,
        kind: ResourceKind,
        field: &str,
        operation: String,
        message: String,
    ) {
        let inv = &mut self.inv;
        let scoped = |inv: &Inventory, op: &str| {
            inv.gap_fields
                .iter()
                .any(|f| f.kind == kind && f.operation == op)
        };
        match inv
            .gaps
            .iter()
            .any(|g| g.kind == kind && g.operation == operation)
        {
            // Already a gap of the whole kind: it stays one.
            true if !scoped(inv, &operation) => return,
            true => {}
            false => inv.gaps.push(Gap {
                kind,
                operation: operation.clone(),
                reason: GapReason::NotModelled,
                message,
            }),
        }
        let f = GapField {
            kind,
            operation,
            field: field.to_string(),
        };
        if !inv.gap_fields.contains(&f) {
            inv.gap_fields.push(f);
        }
    }

    /// Records a gap when a value the model needs depends on a construct
    /// this crate does not evaluate; it is confined to `field`.
    pub fn check(&mut self, kind: ResourceKind, inst: &Instance, field: &str, v: &Value) {
        let field_name = field.rsplit('.').next().unwrap_or(field);
        if let Some(u) = read::not_modelled(v) {
            let op = u.gap.clone().unwrap_or_default();
            self.note_field(
                kind,
                field_name,
                op,
                format!(
                    "`{}.{field}` depende de algo que la fuente terraform no evalúa ({}): ese dato no se conoce",
                    inst.address,
                    u.primary()
                ),
            );
        }
    }

    /// An id-valued argument whose gap, if it has one, is confined to
    /// `gap_field` of the model: an association's table and subnet are
    /// read into the route tables' `subnet_ids`, and reading neither can
    /// add a route to any table.
    pub fn id_as(
        &mut self,
        kind: ResourceKind,
        inst: &Instance,
        obj: &Obj,
        field: &str,
        gap_field: &str,
    ) -> Option<String> {
        let v = obj.get(field).clone();
        if let Some(u) = read::not_modelled(&v) {
            let op = u.gap.clone().unwrap_or_default();
            self.note_field(
                kind,
                gap_field,
                op,
                format!(
                    "`{}.{field}` depende de algo que la fuente terraform no evalúa ({}): ese dato no se conoce",
                    inst.address,
                    u.primary()
                ),
            );
        }
        read::text(&v).map(|t| self.canon(t))
    }

    /// An id-valued argument: known text or the address it refers to.
    pub fn id(
        &mut self,
        kind: ResourceKind,
        inst: &Instance,
        obj: &Obj,
        field: &str,
    ) -> Option<String> {
        let v = obj.get(field).clone();
        self.check(kind, inst, field, &v);
        read::text(&v).map(|t| self.canon(t))
    }

    /// A list of ids; an unknown list is a gap (which ones is not known).
    pub fn ids(
        &mut self,
        kind: ResourceKind,
        inst: &Instance,
        obj: &Obj,
        field: &str,
    ) -> Vec<String> {
        let v = obj.get(field).clone();
        self.check(kind, inst, field, &v);
        match read::items(&v) {
            Ok(items) => items
                .iter()
                .filter_map(read::text)
                .map(|t| self.canon(t))
                .collect(),
            Err(u) => {
                self.note_field(
                    kind,
                    field,
                    format!("{}:{} {}.{field}", inst.file.rel, obj.line, inst.address),
                    format!(
                        "no se sabe qué elementos tiene `{}.{field}`: depende de {}",
                        inst.address,
                        u.primary()
                    ),
                );
                Vec::new()
            }
        }
    }

    pub fn tags(&self, obj: &Obj) -> Tags {
        let mut t = self.default_tags.clone();
        // A plan or a state has the provider's default tags merged in
        // `tags_all`; a configuration never sets it.
        t.extend(read::tags_of(obj.get("tags_all")));
        t.extend(read::tags_of(obj.get("tags")));
        t
    }
}

/// Builds the Inventory from every evaluated instance.
pub(crate) fn build(
    ev: &mut Evaluator,
    instances: &[Rc<Instance>],
    dir: &std::path::Path,
) -> Inventory {
    let mut inv = Inventory::new(SourceInfo {
        kind: "terraform".into(),
        location: dir.display().to_string(),
        region: ev.region.clone(),
        account_id: None,
    });
    for g in std::mem::take(&mut ev.gaps) {
        for kind in g.kinds {
            if !inv
                .gaps
                .iter()
                .any(|x| x.kind == kind && x.operation == g.operation)
            {
                inv.gaps.push(Gap {
                    kind,
                    operation: g.operation.clone(),
                    reason: g.reason,
                    message: g.message.clone(),
                });
            }
        }
    }
    inv.representative = std::mem::take(&mut ev.representative);
    let default_tags = ev.default_tags();
    for cfg in &ev.configs.modules {
        for f in &cfg.json_files {
            for kind in ResourceKind::ALL {
                note(
                    &mut inv,
                    kind,
                    f.clone(),
                    format!(
                        "`{f}` está en sintaxis JSON de Terraform, que la fuente terraform no lee"
                    ),
                );
            }
        }
    }
    let reads_something = instances.iter().any(|i| match i.mode {
        Mode::Managed => kind_of(&i.rtype).is_some(),
        Mode::Data => !kinds_of_data(&i.rtype).is_empty(),
    });
    if !reads_something && inv.gaps.is_empty() {
        // Parsed fine and declares nothing the rules read: said once, as
        // the reason of every verdict, instead of a list of failures.
        for kind in ResourceKind::ALL {
            if !matches!(kind, ResourceKind::DockerImage | ResourceKind::Dockerfile) {
                note(
                    &mut inv,
                    kind,
                    NOTHING_DECLARED.into(),
                    NOTHING_DECLARED_WHY.into(),
                );
            }
        }
    }
    map_instances(inv, default_tags, instances)
}

/// The gap of a configuration that declares nothing the rules read.
pub(crate) const NOTHING_DECLARED: &str = "*.tf";
const NOTHING_DECLARED_WHY: &str = "los ficheros .tf se leen bien, pero no declaran ningún recurso que las reglas lean (red, RDS, ECS, IAM, secretos ni logs): ¿es la carpeta correcta?";

fn note(inv: &mut Inventory, kind: ResourceKind, operation: String, message: String) {
    // A gap of the whole kind outweighs the same gap confined to a field.
    inv.gap_fields
        .retain(|f| !(f.kind == kind && f.operation == operation));
    if !inv
        .gaps
        .iter()
        .any(|g| g.kind == kind && g.operation == operation)
    {
        inv.gaps.push(Gap {
            kind,
            operation,
            reason: GapReason::NotModelled,
            message,
        });
    }
}

/// Maps evaluated (or planned) resource instances onto `inv`: the mapping
/// both the static source and the plan reader share.
pub(crate) fn map_instances(
    inv: Inventory,
    default_tags: Tags,
    instances: &[Rc<Instance>],
) -> Inventory {
    let mut m = Mapper {
        inv,
        alias: HashMap::new(),
        ambiguous: Default::default(),
        default_tags,
    };

    let managed: Vec<&Instance> = instances
        .iter()
        .filter(|i| i.mode == Mode::Managed)
        .map(|i| i.as_ref())
        .collect();
    // A data source that reads back a declared resource leaves nothing out.
    for i in instances.iter().filter(|i| i.mode == Mode::Data) {
        let why = match &i.read {
            DataRead::Unknown(why) => why,
            DataRead::OutsideSecret => {
                secrets::outside(&mut m, i);
                continue;
            }
            DataRead::Known | DataRead::Managed => continue,
        };
        let why = if why.is_empty() {
            "lee un recurso que esta configuración no declara".to_string()
        } else {
            format!("no se resuelve a un recurso declarado: {why}")
        };
        for kind in kinds_of_data(&i.rtype) {
            m.note(
                kind,
                format!(
                    "{}:{} data.{}",
                    i.file.rel,
                    i.line,
                    i.address.rsplit("data.").next().unwrap_or(&i.address)
                ),
                format!(
                    "`{}` {why}: lo que haya en AWS no está en el inventario",
                    i.address
                ),
            );
        }
    }
    let by_type =
        |t: &str| -> Vec<&Instance> { managed.iter().copied().filter(|i| i.rtype == t).collect() };

    network::map(&mut m, &by_type);
    firewall::map(&mut m, &by_type);
    rds::map(&mut m, &by_type);
    ecs::map(&mut m, &by_type);
    balancing::map(&mut m, &by_type);
    balancing::map_targets(&mut m, &by_type);
    iam::map(&mut m, &by_type);
    secrets::map(&mut m, &by_type);
    logs::map(&mut m, &by_type);
    refs::check_dangling(&mut m);
    m.inv
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_registry_module_is_the_same_with_its_host_spelled_out() {
        for source in [
            "terraform-aws-modules/s3-bucket/aws",
            "registry.example.org/terraform-aws-modules/s3-bucket/aws",
        ] {
            assert!(kinds_of_module(source).is_empty(), "{source}");
        }
        assert_eq!(
            kinds_of_module("registry.example.org/terraform-aws-modules/alb/aws"),
            vec![
                ResourceKind::LoadBalancer,
                ResourceKind::TargetGroup,
                ResourceKind::Listener,
                ResourceKind::SecurityGroup
            ]
        );
        // A local path with dots is not a host.
        assert!(!kinds_of_module("../modules/s3-bucket").is_empty());
    }
}
