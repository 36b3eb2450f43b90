//! ECS: clusters, services, and the task definitions in use: the revision
//! each service runs and the latest ACTIVE revision of each family.

use aws_sdk_ecs::Client;
use aws_sdk_ecs::types as t;
use cloudgrade_model::{
    Attr, AwsVpcConfig, ContainerDefinition, Deployment, EcsCluster, EcsService, EnvValue, EnvVar,
    Gap, Hardening, Inventory, ResourceKind, SecretRef, ServiceLoadBalancer, TaskDefinition,
};
use futures::future::join_all;

use super::errors::{Endpoint, gaps};

#[derive(Default)]
pub struct Ecs {
    clusters: Vec<EcsCluster>,
    services: Vec<EcsService>,
    task_definitions: Vec<TaskDefinition>,
    gaps: Vec<Gap>,
}

impl Ecs {
    pub fn into_inventory(self, inv: &mut Inventory, g: &mut Vec<Gap>) {
        inv.ecs_clusters = self.clusters;
        inv.ecs_services = self.services;
        inv.task_definitions = self.task_definitions;
        g.extend(self.gaps);
    }
}

/// Clusters and their services, and in parallel the latest ACTIVE revision
/// of every family; then whichever revisions services run that are not
/// among those (a service may run an older one).
pub async fn read(c: &Client, ep: Endpoint) -> Ecs {
    let mut ecs = Ecs::default();
    let mut family_gaps = Vec::new();
    let ((clusters, services), latest) = tokio::join!(
        read_clusters_and_services(c, ep, &mut ecs.gaps),
        latest_revisions(c, ep, &mut family_gaps)
    );
    ecs.gaps.extend(family_gaps);
    ecs.task_definitions = latest;
    let in_use: std::collections::BTreeSet<&str> = services
        .iter()
        .map(|s| s.task_definition.as_str())
        .filter(|arn| !arn.is_empty() && !ecs.task_definitions.iter().any(|t| t.arn == *arn))
        .collect();
    for r in join_all(in_use.into_iter().map(|arn| describe(c, ep, arn))).await {
        match r {
            Ok(td) => ecs.task_definitions.push(td),
            Err(g) => ecs.gaps.extend(g),
        }
    }
    ecs.gaps
        .extend(impossible_networks(&services, &ecs.task_definitions));
    ecs.clusters = clusters;
    ecs.services = services;
    ecs
}

/// An `awsvpc` service (FARGATE, or its task definition says so) always
/// comes back from AWS with its subnets: CreateService refuses it without
/// them. One without is an emulator that dropped the field (LocalStack 3.0's
/// bundled moto does), and grading it would fail the student for the
/// emulator's loss: a gap instead, so what depends on the service's network
/// is not evaluable.
fn impossible_networks(services: &[EcsService], tds: &[TaskDefinition]) -> Vec<Gap> {
    services
        .iter()
        .filter_map(|s| {
            let fargate = s.launch_type.as_deref() == Some("FARGATE");
            let awsvpc = tds
                .iter()
                .find(|t| t.arn == s.task_definition)
                .is_some_and(|t| t.network_mode.as_deref() == Some("awsvpc"));
            let missing = s.network.as_ref().is_none_or(|n| n.subnet_ids.is_empty());
            ((fargate || awsvpc) && missing).then(|| Gap {
                kind: ResourceKind::EcsService,
                operation: "ecs:DescribeServices".into(),
                reason: cloudgrade_model::GapReason::Other,
                message: format!(
                    "el servicio {} usa la red awsvpc ({}) pero la respuesta no trae sus subredes ni sus \
                     grupos de seguridad; AWS siempre los devuelve, así que el endpoint no los conservó",
                    if s.name.is_empty() { &s.arn } else { &s.name },
                    if fargate { "FARGATE" } else { "según su definición de tarea" }
                ),
            })
        })
        .collect()
}

async fn read_clusters_and_services(
    c: &Client,
    ep: Endpoint,
    gaps_out: &mut Vec<Gap>,
) -> (Vec<EcsCluster>, Vec<EcsService>) {
    let arns: Vec<String> = match c
        .list_clusters()
        .max_results(100)
        .into_paginator()
        .send()
        .try_collect()
        .await
    {
        Ok(p) => p
            .into_iter()
            .flat_map(|p| p.cluster_arns.unwrap_or_default())
            .collect(),
        Err(e) => {
            gaps_out.extend(gaps(
                &e,
                ep,
                "ecs:ListClusters",
                &[ResourceKind::EcsCluster, ResourceKind::EcsService],
            ));
            return (Vec::new(), Vec::new());
        }
    };
    if arns.is_empty() {
        return (Vec::new(), Vec::new());
    }
    let mut clusters = Vec::new();
    for batch in arns.chunks(100) {
        match c
            .describe_clusters()
            .set_clusters(Some(batch.to_vec()))
            .include(t::ClusterField::Settings)
            .send()
            .await
        {
            Ok(out) => clusters.extend(out.clusters.unwrap_or_default().into_iter().map(cluster)),
            Err(e) => gaps_out.extend(gaps(
                &e,
                ep,
                "ecs:DescribeClusters",
                &[ResourceKind::EcsCluster],
            )),
        }
    }
    let per_cluster = join_all(arns.iter().map(|arn| services_of(c, ep, arn))).await;
    let mut services = Vec::new();
    for r in per_cluster {
        match r {
            Ok(s) => services.extend(s),
            Err(g) => gaps_out.extend(g),
        }
    }
    (clusters, services)
}

async fn services_of(
    c: &Client,
    ep: Endpoint,
    cluster_arn: &str,
) -> Result<Vec<EcsService>, Vec<Gap>> {
    let arns: Vec<String> = c
        .list_services()
        .cluster(cluster_arn)
        .max_results(100)
        .into_paginator()
        .send()
        .try_collect()
        .await
        .map_err(|e| gaps(&e, ep, "ecs:ListServices", &[ResourceKind::EcsService]))?
        .into_iter()
        .flat_map(|p| p.service_arns.unwrap_or_default())
        .collect();
    let mut out = Vec::new();
    // DescribeServices takes ten at a time.
    for batch in arns.chunks(10) {
        let resp = c
            .describe_services()
            .cluster(cluster_arn)
            .set_services(Some(batch.to_vec()))
            .send()
            .await
            .map_err(|e| gaps(&e, ep, "ecs:DescribeServices", &[ResourceKind::EcsService]))?;
        out.extend(
            resp.services
                .unwrap_or_default()
                .into_iter()
                .map(|s| service(s, cluster_arn)),
        );
    }
    Ok(out)
}

async fn latest_revisions(
    c: &Client,
    ep: Endpoint,
    gaps_out: &mut Vec<Gap>,
) -> Vec<TaskDefinition> {
    let families: Vec<String> = match c
        .list_task_definition_families()
        .status(t::TaskDefinitionFamilyStatus::Active)
        .max_results(100)
        .into_paginator()
        .send()
        .try_collect()
        .await
    {
        Ok(p) => p
            .into_iter()
            .flat_map(|p| p.families.unwrap_or_default())
            .collect(),
        Err(e) => {
            gaps_out.extend(gaps(
                &e,
                ep,
                "ecs:ListTaskDefinitionFamilies",
                &[ResourceKind::TaskDefinition],
            ));
            return Vec::new();
        }
    };
    // A family name alone describes its latest ACTIVE revision.
    let mut tds = Vec::new();
    for r in join_all(families.iter().map(|f| describe(c, ep, f))).await {
        match r {
            Ok(td) => tds.push(td),
            Err(g) => gaps_out.extend(g),
        }
    }
    tds
}

async fn describe(c: &Client, ep: Endpoint, id: &str) -> Result<TaskDefinition, Vec<Gap>> {
    let out = c
        .describe_task_definition()
        .task_definition(id)
        .send()
        .await
        .map_err(|e| {
            gaps(
                &e,
                ep,
                "ecs:DescribeTaskDefinition",
                &[ResourceKind::TaskDefinition],
            )
        })?;
    let td = out.task_definition.ok_or_else(|| {
        vec![Gap {
            kind: ResourceKind::TaskDefinition,
            operation: "ecs:DescribeTaskDefinition".into(),
            reason: cloudgrade_model::GapReason::Other,
            message: format!("{id}: la respuesta no trae la definición de tarea"),
        }]
    })?;
    Ok(task_definition(td))
}

fn cluster(c: t::Cluster) -> EcsCluster {
    EcsCluster {
        arn: c.cluster_arn.unwrap_or_default(),
        name: c.cluster_name.unwrap_or_default(),
        container_insights: c
            .settings
            .unwrap_or_default()
            .into_iter()
            .find(|s| s.name == Some(t::ClusterSettingName::ContainerInsights))
            .and_then(|s| s.value)
            .map(|v| Attr::Known(v == "enabled" || v == "enhanced")),
        origin: None,
    }
}

fn service(s: t::Service, cluster_arn: &str) -> EcsService {
    let net = s
        .network_configuration
        .and_then(|n| n.awsvpc_configuration)
        .map(|a| AwsVpcConfig {
            subnet_ids: a.subnets,
            security_group_ids: a.security_groups.unwrap_or_default(),
            assign_public_ip: Attr::Known(a.assign_public_ip == Some(t::AssignPublicIp::Enabled)),
        });
    EcsService {
        arn: s.service_arn.unwrap_or_default(),
        name: s.service_name.unwrap_or_default(),
        cluster_arn: s.cluster_arn.unwrap_or_else(|| cluster_arn.to_string()),
        task_definition: s.task_definition.unwrap_or_default(),
        // A strategy (the service's own, or the cluster's default copied in
        // at creation) stands for the launch type.
        launch_type: s.launch_type.map(|l| l.as_str().to_string()).or_else(|| {
            let providers = s.capacity_provider_strategy.unwrap_or_default();
            (!providers.is_empty()).then(|| {
                if providers
                    .iter()
                    .any(|p| cloudgrade_model::is_fargate_provider(&p.capacity_provider))
                {
                    "FARGATE".to_string()
                } else {
                    "EC2".to_string()
                }
            })
        }),
        desired_count: Some(s.desired_count),
        network: net,
        load_balancers: s
            .load_balancers
            .unwrap_or_default()
            .into_iter()
            .map(|lb| ServiceLoadBalancer {
                // A Classic Load Balancer is named, not a target group.
                target_group: lb
                    .target_group_arn
                    .or(lb.load_balancer_name)
                    .unwrap_or_default(),
                container_name: lb.container_name.unwrap_or_default(),
                container_port: Attr::Known(lb.container_port.unwrap_or(-1)),
            })
            .collect(),
        // AWS always answers both; an emulator that drops the configuration
        // (moto does) leaves it unsaid, never "off".
        deployment: s.deployment_configuration.map(|d| {
            let breaker = d.deployment_circuit_breaker;
            Deployment {
                controller: s
                    .deployment_controller
                    .map(|c| c.r#type.as_str().to_string())
                    .unwrap_or_else(|| "ECS".into()),
                circuit_breaker: Attr::Known(breaker.as_ref().is_some_and(|b| b.enable)),
                rollback: Attr::Known(breaker.as_ref().is_some_and(|b| b.rollback)),
            }
        }),
        origin: None,
    }
}

fn task_definition(td: t::TaskDefinition) -> TaskDefinition {
    TaskDefinition {
        arn: td.task_definition_arn.unwrap_or_default(),
        family: td.family.unwrap_or_default(),
        revision: td.revision,
        status: td
            .status
            .map(|s| s.as_str().to_string())
            .unwrap_or_else(|| "ACTIVE".into()),
        network_mode: td.network_mode.map(|m| m.as_str().to_string()),
        requires_compatibilities: td
            .requires_compatibilities
            .unwrap_or_default()
            .iter()
            .map(|c| c.as_str().to_string())
            .collect(),
        cpu: Some(Attr::Known(td.cpu.unwrap_or_default())),
        pid_mode: td.pid_mode.map(|m| m.as_str().to_string()),
        memory: Some(Attr::Known(td.memory.unwrap_or_default())),
        execution_role_arn: td.execution_role_arn,
        task_role_arn: td.task_role_arn,
        containers: td
            .container_definitions
            .unwrap_or_default()
            .into_iter()
            .map(container)
            .collect(),
        origin: None,
    }
}

fn container(c: t::ContainerDefinition) -> ContainerDefinition {
    ContainerDefinition {
        image_tag: None,
        name: c.name.unwrap_or_default(),
        image: c.image,
        // The raw value is reduced to facts here and dropped.
        environment: c
            .environment
            .unwrap_or_default()
            .into_iter()
            .map(|kv| EnvVar {
                name: kv.name.unwrap_or_default(),
                value: EnvValue::observe(kv.value.as_deref().unwrap_or("")),
                origin: None,
                only_if: None,
            })
            .collect(),
        secrets: c
            .secrets
            .unwrap_or_default()
            .into_iter()
            .map(|s| SecretRef {
                name: s.name,
                value_from: s.value_from,
                only_if: None,
            })
            .collect(),
        log_driver: c
            .log_configuration
            .as_ref()
            .map(|l| l.log_driver.as_str().to_string()),
        log_options: c
            .log_configuration
            .and_then(|l| l.options)
            .unwrap_or_default()
            .into_iter()
            .map(|(k, v)| (k, Attr::Known(v)))
            .collect(),
        has_health_check: c.health_check.is_some(),
        health_command: c.health_check.map(|h| Attr::Known(h.command.join(" "))),
        hardening: Some(Hardening {
            readonly_root_filesystem: Attr::Known(c.readonly_root_filesystem.unwrap_or(false)),
            privileged: Attr::Known(c.privileged.unwrap_or(false)),
            user: Attr::Known(c.user.unwrap_or_default()),
        }),
        ports: c
            .port_mappings
            .unwrap_or_default()
            .into_iter()
            .filter_map(|p| p.container_port)
            .map(Attr::Known)
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn service(launch_type: Option<&str>, network: Option<AwsVpcConfig>) -> EcsService {
        EcsService {
            arn: "arn:aws:ecs:us-east-1:000000000000:service/main/app".into(),
            name: "app".into(),
            cluster_arn: "arn:aws:ecs:us-east-1:000000000000:cluster/main".into(),
            task_definition: "arn:aws:ecs:us-east-1:000000000000:task-definition/app:1".into(),
            launch_type: launch_type.map(str::to_string),
            desired_count: Some(1),
            network,
            load_balancers: Vec::new(),
            deployment: None,
            origin: None,
        }
    }

    fn td(network_mode: &str) -> TaskDefinition {
        serde_json::from_value(serde_json::json!({
            "arn": "arn:aws:ecs:us-east-1:000000000000:task-definition/app:1",
            "family": "app",
            "revision": 1,
            "status": "ACTIVE",
            "network_mode": network_mode,
            "requires_compatibilities": [],
            "containers": []
        }))
        .unwrap()
    }

    fn net(subnets: &[&str]) -> Option<AwsVpcConfig> {
        Some(AwsVpcConfig {
            subnet_ids: subnets.iter().map(|s| s.to_string()).collect(),
            security_group_ids: vec!["sg-1".into()],
            assign_public_ip: Attr::Known(false),
        })
    }

    #[test]
    fn an_awsvpc_service_without_its_network_is_a_gap_not_a_fact() {
        // LocalStack 3.0: a FARGATE service with no networkConfiguration.
        let g = impossible_networks(&[service(Some("FARGATE"), None)], &[]);
        assert_eq!(g.len(), 1);
        assert_eq!(g[0].kind, ResourceKind::EcsService);
        assert_eq!(g[0].operation, "ecs:DescribeServices");
        assert!(
            g[0].message
                .contains("el servicio app usa la red awsvpc (FARGATE)"),
            "{}",
            g[0].message
        );
        // EC2 launch type, but the task definition is awsvpc; subnets empty.
        let g = impossible_networks(&[service(Some("EC2"), net(&[]))], &[td("awsvpc")]);
        assert_eq!(g.len(), 1, "{g:?}");
        // What AWS answers: no gap.
        assert!(
            impossible_networks(&[service(Some("FARGATE"), net(&["subnet-1"]))], &[]).is_empty()
        );
        // A bridge-mode service on EC2 has no awsvpc configuration at all.
        assert!(impossible_networks(&[service(Some("EC2"), None)], &[td("bridge")]).is_empty());
    }
}
