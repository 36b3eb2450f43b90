//! The application tier: log groups, ECS clusters, task definitions (whose
//! environment and secrets may name what was built before) and services.

use aws_sdk_ecs::types::{
    AssignPublicIp, AwsVpcConfiguration, ClusterSetting, ClusterSettingName, Compatibility,
    ContainerDefinition, HealthCheck, KeyValuePair, LaunchType, LogConfiguration, LogDriver,
    NetworkConfiguration, NetworkMode, PortMapping, Secret, TransportProtocol,
};
use futures::future::try_join_all;

use super::{At, Built, Clients, ProvisionError, got};
use crate::world::{Container, SecretSource, World};

type Pairs = Vec<(String, String)>;

pub(super) async fn log_groups(c: &Clients, w: &World) -> Result<Pairs, ProvisionError> {
    try_join_all(w.log_groups.iter().map(|(n, g)| async move {
        let key = format!("log_group.{n}");
        c.logs
            .create_log_group()
            .log_group_name(&g.name)
            .send()
            .await
            .at(&key, "CreateLogGroup")?;
        if let Some(days) = g.retention_days {
            c.logs
                .put_retention_policy()
                .log_group_name(&g.name)
                .retention_in_days(days)
                .send()
                .await
                .at(&key, "PutRetentionPolicy")?;
        }
        Ok::<_, ProvisionError>((key, g.name.clone()))
    }))
    .await
}

pub(super) async fn clusters(c: &Clients, w: &World) -> Result<Pairs, ProvisionError> {
    try_join_all(w.ecs_clusters.iter().map(|(n, cl)| async move {
        let key = format!("ecs_cluster.{n}");
        let out = c
            .ecs
            .create_cluster()
            .cluster_name(cl.name.as_deref().unwrap_or(n))
            .settings(
                ClusterSetting::builder()
                    .name(ClusterSettingName::ContainerInsights)
                    .value(if cl.container_insights {
                        "enabled"
                    } else {
                        "disabled"
                    })
                    .build(),
            )
            .send()
            .await
            .at(&key, "CreateCluster")?;
        let arn = got(
            out.cluster().and_then(|c| c.cluster_arn()),
            &key,
            "CreateCluster",
            "el ARN del clúster",
        )?;
        Ok::<_, ProvisionError>((key, arn.to_string()))
    }))
    .await
}

fn container(
    key: &str,
    name: &str,
    ct: &Container,
    w: &World,
    built: &Built,
) -> Result<ContainerDefinition, ProvisionError> {
    let mut d = ContainerDefinition::builder()
        .name(name)
        .image(built.resolve(&format!("{key}.image"), &ct.image)?)
        .essential(ct.essential);
    if let Some(port) = ct.port {
        d = d.port_mappings(
            PortMapping::builder()
                .container_port(port)
                .protocol(TransportProtocol::Tcp)
                .build(),
        );
    }
    for (k, v) in &ct.environment {
        let value = built.resolve(&format!("{key}.environment.{k}"), v)?;
        d = d.environment(KeyValuePair::builder().name(k).value(value).build());
    }
    for (k, v) in &ct.secrets {
        let sk = format!("{key}.secrets.{k}");
        let value_from = match SecretSource::parse(v) {
            SecretSource::Secret(s) => built.id(&format!("secret.{s}"))?.to_string(),
            SecretSource::Arn(a) => built.resolve(&sk, &a)?,
        };
        d = d.secrets(
            Secret::builder()
                .name(k)
                .value_from(value_from)
                .build()
                .at(&sk, "Secret")?,
        );
    }
    if let Some(lg) = &ct.log_group {
        let group = w
            .log_groups
            .get(lg)
            .ok_or_else(|| ProvisionError::Unresolved {
                resource: format!("{key}.log_group"),
                message: format!("el grupo de logs {lg} no existe en el mundo"),
            })?;
        d = d.log_configuration(
            LogConfiguration::builder()
                .log_driver(LogDriver::Awslogs)
                .options(
                    "awslogs-group",
                    ct.awslogs_group.as_deref().unwrap_or(&group.name),
                )
                .options("awslogs-region", &built.region)
                .options("awslogs-stream-prefix", name)
                .build()
                .at(&format!("{key}.log_group"), "LogConfiguration")?,
        );
    }
    d = d
        .readonly_root_filesystem(ct.readonly_root_filesystem)
        .privileged(ct.privileged)
        .set_user(ct.user.clone());
    if let Some(cmd) = &ct.health_check {
        d = d.health_check(
            HealthCheck::builder()
                .set_command(Some(cmd.clone()))
                .build()
                .at(&format!("{key}.health_check"), "HealthCheck")?,
        );
    }
    Ok(d.build())
}

pub(super) async fn task_definitions(
    c: &Clients,
    w: &World,
    built: &Built,
) -> Result<Pairs, ProvisionError> {
    try_join_all(w.task_definitions.iter().map(|(n, td)| async move {
        let key = format!("task_definition.{n}");
        let role = |r: &Option<String>| -> Result<Option<String>, ProvisionError> {
            r.as_ref()
                .map(|r| built.id(&format!("iam_role.{r}")).map(str::to_string))
                .transpose()
        };
        let containers = td
            .containers
            .iter()
            .map(|(cn, ct)| container(&format!("{key}.containers.{cn}"), cn, ct, w, built))
            .collect::<Result<Vec<_>, _>>()?;
        let out = c
            .ecs
            .register_task_definition()
            .family(td.family.as_deref().unwrap_or(n))
            .network_mode(NetworkMode::from(td.network_mode.as_str()))
            .set_requires_compatibilities(Some(
                td.requires_compatibilities
                    .iter()
                    .map(|x| Compatibility::from(x.as_str()))
                    .collect(),
            ))
            .cpu(&td.cpu)
            .memory(&td.memory)
            .set_execution_role_arn(role(&td.execution_role)?)
            .set_task_role_arn(role(&td.task_role)?)
            .set_container_definitions(Some(containers))
            .send()
            .await
            .at(&key, "RegisterTaskDefinition")?;
        let arn = got(
            out.task_definition().and_then(|t| t.task_definition_arn()),
            &key,
            "RegisterTaskDefinition",
            "el ARN de la definición de tarea",
        )?;
        Ok::<_, ProvisionError>((key, arn.to_string()))
    }))
    .await
}

pub(super) async fn services(
    c: &Clients,
    w: &World,
    built: &Built,
) -> Result<Pairs, ProvisionError> {
    try_join_all(w.ecs_services.iter().map(|(n, s)| async move {
        let key = format!("ecs_service.{n}");
        let ids = |kind: &str, names: &[String]| {
            names
                .iter()
                .map(|x| built.id(&format!("{kind}.{x}")).map(str::to_string))
                .collect::<Result<Vec<_>, _>>()
        };
        let network = AwsVpcConfiguration::builder()
            .set_subnets(Some(ids("subnet", &s.subnets)?))
            .set_security_groups(Some(ids("security_group", &s.security_groups)?))
            .assign_public_ip(if s.assign_public_ip {
                AssignPublicIp::Enabled
            } else {
                AssignPublicIp::Disabled
            })
            .build()
            .at(&key, "AwsVpcConfiguration")?;
        // Bridge or host mode (no subnets): the tasks use their instance's
        // network, and ECS refuses a network configuration.
        let network = (!s.subnets.is_empty()).then(|| {
            NetworkConfiguration::builder()
                .awsvpc_configuration(network)
                .build()
        });
        let out = c
            .ecs
            .create_service()
            .cluster(built.id(&format!("ecs_cluster.{}", s.cluster))?)
            .service_name(s.name.as_deref().unwrap_or(n))
            .task_definition(built.id(&format!("task_definition.{}", s.task_definition))?)
            .desired_count(s.desired_count)
            .launch_type(LaunchType::from(s.launch_type.as_str()))
            .set_network_configuration(network)
            .set_load_balancers(match &s.load_balancer {
                None => None,
                Some(lb) => Some(vec![
                    aws_sdk_ecs::types::LoadBalancer::builder()
                        .target_group_arn(built.id(&format!("target_group.{}", lb.target_group))?)
                        .container_name(&lb.container)
                        .container_port(lb.port)
                        .build(),
                ]),
            })
            // moto accepts it and answers without it: a live read of an
            // emulator cannot grade it (the worlds say so).
            .set_deployment_configuration(s.circuit_breaker.as_ref().map(|b| {
                aws_sdk_ecs::types::DeploymentConfiguration::builder()
                    .deployment_circuit_breaker(
                        aws_sdk_ecs::types::DeploymentCircuitBreaker::builder()
                            .enable(b.enable)
                            .rollback(b.rollback)
                            .build(),
                    )
                    .build()
            }))
            .send()
            .await
            .at(&key, "CreateService")?;
        let arn = got(
            out.service().and_then(|s| s.service_arn()),
            &key,
            "CreateService",
            "el ARN del servicio",
        )?;
        Ok::<_, ProvisionError>((key, arn.to_string()))
    }))
    .await
}
