//! Elastic Load Balancing v2: the balancers, the target groups, and each
//! balancer's listeners with what their actions forward to. A balancer's
//! listeners, and a listener's rules, take a call each: the count grows
//! with balancers, never with scenarios.

use aws_sdk_elasticloadbalancingv2::Client;
use aws_sdk_elasticloadbalancingv2::types::Action;
use cloudgrade_model::{Attr, Gap, Inventory, Listener, LoadBalancer, ResourceKind, TargetGroup};
use futures::future::join_all;

use super::ec2::keep;
use super::errors::{Endpoint, collect_all, gaps};

pub struct Balancing {
    balancers: Result<Vec<LoadBalancer>, Vec<Gap>>,
    targets: Result<Vec<TargetGroup>, Vec<Gap>>,
    listeners: Result<Vec<Listener>, Vec<Gap>>,
}

impl Balancing {
    pub fn into_inventory(self, inv: &mut Inventory, g: &mut Vec<Gap>) {
        keep(self.balancers, &mut inv.load_balancers, g);
        keep(self.targets, &mut inv.target_groups, g);
        keep(self.listeners, &mut inv.listeners, g);
    }
}

pub async fn read(c: &Client, ep: Endpoint) -> Balancing {
    let (balancers, targets) = tokio::join!(load_balancers(c, ep), target_groups(c, ep));
    let listeners = match &balancers {
        Ok(lbs) => listeners(c, ep, lbs).await,
        // Whose listeners to ask for is not known, for the same reason.
        Err(why) => Err(why
            .iter()
            .map(|g| Gap {
                kind: ResourceKind::Listener,
                operation: g.operation.clone(),
                reason: g.reason,
                message: format!(
                    "sin los balanceadores no se sabe de quién pedir los listeners: {}",
                    g.message
                ),
            })
            .collect()),
    };
    Balancing {
        balancers,
        targets,
        listeners,
    }
}

async fn load_balancers(c: &Client, ep: Endpoint) -> Result<Vec<LoadBalancer>, Vec<Gap>> {
    let pages = c
        .describe_load_balancers()
        .into_paginator()
        .send()
        .try_collect()
        .await
        .map_err(|e| {
            gaps(
                &e,
                ep,
                "elasticloadbalancing:DescribeLoadBalancers",
                &[ResourceKind::LoadBalancer],
            )
        })?;
    Ok(pages
        .into_iter()
        .flat_map(|p| p.load_balancers.unwrap_or_default())
        .map(|lb| LoadBalancer {
            arn: lb.load_balancer_arn.unwrap_or_default(),
            name: lb.load_balancer_name.unwrap_or_default(),
            lb_type: lb
                .r#type
                .map(|t| t.as_str().to_string())
                .unwrap_or_else(|| "application".into()),
            internal: Attr::Known(
                lb.scheme
                    == Some(
                        aws_sdk_elasticloadbalancingv2::types::LoadBalancerSchemeEnum::Internal,
                    ),
            ),
            security_group_ids: lb.security_groups.unwrap_or_default(),
            subnet_ids: lb
                .availability_zones
                .unwrap_or_default()
                .into_iter()
                .filter_map(|z| z.subnet_id)
                .collect(),
            // Tags take a call of their own (DescribeTags): no rule reads them.
            tags: Default::default(),
            origin: None,
        })
        .collect())
}

async fn target_groups(c: &Client, ep: Endpoint) -> Result<Vec<TargetGroup>, Vec<Gap>> {
    let pages = c
        .describe_target_groups()
        .into_paginator()
        .send()
        .try_collect()
        .await
        .map_err(|e| {
            gaps(
                &e,
                ep,
                "elasticloadbalancing:DescribeTargetGroups",
                &[ResourceKind::TargetGroup],
            )
        })?;
    Ok(pages
        .into_iter()
        .flat_map(|p| p.target_groups.unwrap_or_default())
        .map(|t| TargetGroup {
            arn: t.target_group_arn.unwrap_or_default(),
            name: t.target_group_name.unwrap_or_default(),
            target_type: t.target_type.map_or_else(
                || Attr::unknown("TargetType"),
                |k| Attr::Known(k.as_str().to_string()),
            ),
            port: t.port.map(Attr::Known),
            protocol: t.protocol.map(|p| p.as_str().to_string()),
            vpc_id: t.vpc_id,
            origin: None,
        })
        .collect())
}

/// Each balancer's listeners, each with its rules' forwards added.
async fn listeners(
    c: &Client,
    ep: Endpoint,
    lbs: &[LoadBalancer],
) -> Result<Vec<Listener>, Vec<Gap>> {
    let kinds = &[ResourceKind::Listener];
    let per_lb = join_all(lbs.iter().map(|lb| async move {
        let pages = c
            .describe_listeners()
            .load_balancer_arn(&lb.arn)
            .into_paginator()
            .send()
            .try_collect()
            .await
            .map_err(|e| gaps(&e, ep, "elasticloadbalancing:DescribeListeners", kinds))?;
        let found: Vec<_> = pages
            .into_iter()
            .flat_map(|p| p.listeners.unwrap_or_default())
            .collect();
        let with_rules = join_all(found.into_iter().map(|l| async move {
            let arn = l.listener_arn.unwrap_or_default();
            let rules = c
                .describe_rules()
                .listener_arn(&arn)
                .send()
                .await
                .map_err(|e| gaps(&e, ep, "elasticloadbalancing:DescribeRules", kinds))?;
            let mut target_groups = forwards(l.default_actions.unwrap_or_default());
            for r in rules.rules.unwrap_or_default() {
                target_groups.extend(forwards(r.actions.unwrap_or_default()));
            }
            target_groups.sort();
            target_groups.dedup();
            Ok::<_, Vec<Gap>>(Listener {
                load_balancer: l.load_balancer_arn.unwrap_or_else(|| lb.arn.clone()),
                port: l
                    .port
                    .map_or_else(|| Attr::unknown(format!("{arn}.Port")), Attr::Known),
                protocol: l.protocol.map(|p| p.as_str().to_string()),
                target_groups,
                arn,
                origin: None,
            })
        }))
        .await;
        collect_all(with_rules)
    }))
    .await;
    collect_all(per_lb).map(|v| v.into_iter().flatten().collect())
}

/// The target groups actions forward to: `TargetGroupArn`, or the weighted
/// `ForwardConfig`.
fn forwards(actions: Vec<Action>) -> Vec<String> {
    let mut out = Vec::new();
    for a in actions {
        out.extend(a.target_group_arn);
        if let Some(f) = a.forward_config {
            out.extend(
                f.target_groups
                    .unwrap_or_default()
                    .into_iter()
                    .filter_map(|t| t.target_group_arn),
            );
        }
    }
    out
}
