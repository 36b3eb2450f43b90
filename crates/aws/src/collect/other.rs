//! Secrets Manager (metadata only: never a secret's value) and CloudWatch
//! log groups.

use cloudgrade_model::{Gap, LogGroup, ResourceKind, Secret};

use super::errors::gaps;

fn first(mut g: Vec<Gap>) -> Gap {
    g.remove(0)
}

pub async fn secrets(c: &aws_sdk_secretsmanager::Client) -> Result<Vec<Secret>, Gap> {
    let pages = c
        .list_secrets()
        .into_paginator()
        .send()
        .try_collect()
        .await
        .map_err(|e| first(gaps(&e, "secretsmanager:ListSecrets", &[ResourceKind::Secret])))?;
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

pub async fn log_groups(c: &aws_sdk_cloudwatchlogs::Client) -> Result<Vec<LogGroup>, Gap> {
    let pages = c
        .describe_log_groups()
        .into_paginator()
        .send()
        .try_collect()
        .await
        .map_err(|e| first(gaps(&e, "logs:DescribeLogGroups", &[ResourceKind::LogGroup])))?;
    Ok(pages
        .into_iter()
        .flat_map(|p| p.log_groups.unwrap_or_default())
        .map(|g| LogGroup { name: g.log_group_name.unwrap_or_default(), retention_days: g.retention_in_days, origin: None })
        .collect())
}
