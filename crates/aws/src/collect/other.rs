//! Secrets Manager (metadata only: never a secret's value) and CloudWatch
//! log groups.

use cloudgrade_model::{Attr, Gap, LogGroup, ResourceKind, Secret};

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
            // An answer leaves it out for a secret never set to rotate.
            rotation_enabled: Some(s.rotation_enabled.unwrap_or(false)),
            rotation_days: s
                .rotation_rules
                .and_then(|r| r.automatically_after_days)
                .and_then(|d| i32::try_from(d).ok()),
            kms_key_id: s.kms_key_id,
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
