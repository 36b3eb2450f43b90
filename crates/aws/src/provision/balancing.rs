//! The load balancers and their target groups, once the subnets and
//! security groups they name exist; then the listeners that join them.

use aws_sdk_elasticloadbalancingv2::types::{
    Action, ActionTypeEnum, FixedResponseActionConfig, LoadBalancerSchemeEnum,
    LoadBalancerTypeEnum, ProtocolEnum, TargetTypeEnum,
};
use futures::future::try_join_all;

use super::{At, Built, Clients, ProvisionError, got};
use crate::world::World;

type Pairs = Vec<(String, String)>;

pub(super) async fn build(c: &Clients, w: &World, built: &Built) -> Result<Pairs, ProvisionError> {
    let groups = try_join_all(w.target_groups.iter().map(|(n, tg)| async move {
        let key = format!("target_group.{n}");
        const ACTION: &str = "CreateTargetGroup";
        let out = c
            .elb
            .create_target_group()
            .name(&tg.name)
            .protocol(ProtocolEnum::from(tg.protocol.as_str()))
            .port(tg.port)
            .vpc_id(built.id("vpc")?)
            // `ip` is what a Fargate task registers as: its own address.
            .target_type(TargetTypeEnum::from(tg.target_type.as_str()))
            .send()
            .await
            .at(&key, ACTION)?;
        let arn = got(
            out.target_groups()
                .first()
                .and_then(|g| g.target_group_arn()),
            &key,
            ACTION,
            "el ARN del grupo de destino",
        )?;
        Ok::<_, ProvisionError>((key, arn.to_string()))
    }));
    let balancers = try_join_all(w.load_balancers.iter().map(|(n, lb)| async move {
        let key = format!("load_balancer.{n}");
        const ACTION: &str = "CreateLoadBalancer";
        let ids = |kind: &str, names: &[String]| {
            names
                .iter()
                .map(|x| built.id(&format!("{kind}.{x}")).map(str::to_string))
                .collect::<Result<Vec<_>, _>>()
        };
        let out = c
            .elb
            .create_load_balancer()
            .name(&lb.name)
            .r#type(LoadBalancerTypeEnum::Application)
            .scheme(if lb.internal {
                LoadBalancerSchemeEnum::Internal
            } else {
                LoadBalancerSchemeEnum::InternetFacing
            })
            .set_subnets(Some(ids("subnet", &lb.subnets)?))
            .set_security_groups(Some(ids("security_group", &lb.security_groups)?))
            .send()
            .await
            .at(&key, ACTION)?;
        let arn = got(
            out.load_balancers()
                .first()
                .and_then(|l| l.load_balancer_arn()),
            &key,
            ACTION,
            "el ARN del balanceador",
        )?;
        Ok::<_, ProvisionError>((key, arn.to_string()))
    }));
    let (mut groups, balancers) = tokio::try_join!(groups, balancers)?;
    groups.extend(balancers);
    Ok(groups)
}

/// Each listener, once its balancer and target group exist.
pub(super) async fn listeners(
    c: &Clients,
    w: &World,
    built: &Built,
) -> Result<Pairs, ProvisionError> {
    try_join_all(w.listeners.iter().map(|(n, l)| async move {
        let key = format!("listener.{n}");
        const ACTION: &str = "CreateListener";
        let action = match &l.forward {
            Some(tg) => Action::builder()
                .r#type(ActionTypeEnum::Forward)
                .target_group_arn(built.id(&format!("target_group.{tg}"))?)
                .build(),
            None => Action::builder()
                .r#type(ActionTypeEnum::FixedResponse)
                .fixed_response_config(
                    FixedResponseActionConfig::builder()
                        .status_code("404")
                        .content_type("text/plain")
                        .build(),
                )
                .build(),
        };
        let out = c
            .elb
            .create_listener()
            .load_balancer_arn(built.id(&format!("load_balancer.{}", l.load_balancer))?)
            .port(l.port)
            .protocol(ProtocolEnum::from(l.protocol.as_str()))
            .default_actions(action)
            .send()
            .await
            .at(&key, ACTION)?;
        let arn = got(
            out.listeners().first().and_then(|l| l.listener_arn()),
            &key,
            ACTION,
            "el ARN del listener",
        )?;
        Ok::<_, ProvisionError>((key, arn.to_string()))
    }))
    .await
}
