//! Secrets Manager (metadata only: never a secret's value), CloudWatch
//! log groups and the load balancers.

use cloudgrade_model::{Attr, Gap, LoadBalancer, LogGroup, ResourceKind, Secret};

use super::errors::{Endpoint, gaps};

pub async fn secrets(
    c: &aws_sdk_secretsmanager::Client,
    ep: Endpoint,
) -> Result<Vec<Secret>, Vec<Gap>> {
    let pages = c
        // ListSecrets carries names, ARNs and settings only; a secret's value
        // is never requested (GetSecretValue is not in the read-only policy).
        .list_secrets()
        .max_results(100)
        .into_paginator()
        .send()
        .try_collect()
        .await
        .map_err(|e| {
            gaps(
                &e,
                ep,
                "secretsmanager:ListSecrets",
                &[ResourceKind::Secret],
            )
        })?;
    Ok(pages
        .into_iter()
        .flat_map(|p| p.secret_list.unwrap_or_default())
        .map(|s| Secret {
            arn: s.arn.unwrap_or_default(),
            name: s.name.unwrap_or_default(),
            rotation_enabled: s.rotation_enabled,
            kms_key_id: s.kms_key_id,
            origin: None,
        })
        .collect())
}

pub async fn load_balancers(
    c: &aws_sdk_elasticloadbalancingv2::Client,
    ep: Endpoint,
) -> Result<Vec<LoadBalancer>, Vec<Gap>> {
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

pub async fn log_groups(
    c: &aws_sdk_cloudwatchlogs::Client,
    ep: Endpoint,
) -> Result<Vec<LogGroup>, Vec<Gap>> {
    let pages = c
        .describe_log_groups()
        .limit(50)
        .into_paginator()
        .send()
        .try_collect()
        .await
        .map_err(|e| gaps(&e, ep, "logs:DescribeLogGroups", &[ResourceKind::LogGroup]))?;
    Ok(pages
        .into_iter()
        .flat_map(|p| p.log_groups.unwrap_or_default())
        .map(|g| LogGroup {
            name: g.log_group_name.unwrap_or_default(),
            retention_days: Attr::Known(g.retention_in_days.filter(|d| *d > 0)),
            origin: None,
        })
        .collect())
}
