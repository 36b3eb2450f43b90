//! Secrets Manager secrets (with values made here and now) and IAM roles
//! (whose policies may name those secrets' ARNs).

use std::collections::BTreeMap;

use futures::future::try_join_all;
use serde_json::json;

use super::{At, Built, Clients, ProvisionError, got, random};
use crate::world::World;

/// Long enough to pass any password policy a student's RDS might have.
const SECRET_LEN: usize = 32;

type Secrets = (Vec<(String, String)>, BTreeMap<String, String>);

/// Each secret with a fresh random value: `(logical -> ARN, logical -> value)`.
pub(super) async fn secrets(c: &Clients, w: &World) -> Result<Secrets, ProvisionError> {
    let made = try_join_all(w.secrets.iter().map(|(n, s)| async move {
        let key = format!("secret.{n}");
        let value = random::secret_value(&key, SECRET_LEN)?;
        let out = c
            .secrets
            .create_secret()
            .name(&s.name)
            .set_description(s.description.clone())
            .secret_string(&value)
            .send()
            .await
            .at(&key, "CreateSecret")?;
        let arn = got(out.arn(), &key, "CreateSecret", "el ARN del secreto")?.to_string();
        // `rotation_days` is not provisioned: AWS and LocalStack rotate only
        // through a Lambda, which no emulator here can run. The world's
        // rotation lives in its Terraform and plans; its expectation says
        // what a live read sees.
        Ok::<_, ProvisionError>((n.clone(), arn, value))
    }))
    .await?;
    let mut ids = Vec::new();
    let mut values = BTreeMap::new();
    for (n, arn, value) in made {
        ids.push((format!("secret.{n}"), arn));
        values.insert(n, value);
    }
    Ok((ids, values))
}

/// The trust policy letting `services` assume a role.
fn trust_policy(services: &[String]) -> serde_json::Value {
    let principal = match services {
        [one] => json!(one),
        many => json!(many),
    };
    json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": { "Service": principal },
            "Action": "sts:AssumeRole"
        }]
    })
}

pub(super) async fn roles(
    c: &Clients,
    w: &World,
    built: &Built,
) -> Result<Vec<(String, String)>, ProvisionError> {
    try_join_all(w.iam_roles.iter().map(|(n, r)| async move {
        let key = format!("iam_role.{n}");
        let name = r.name.as_deref().unwrap_or(n);
        let out = c
            .iam
            .create_role()
            .role_name(name)
            .assume_role_policy_document(trust_policy(&r.trust).to_string())
            .send()
            .await
            .at(&key, "CreateRole")?;
        let arn = got(
            out.role().map(|r| r.arn()),
            &key,
            "CreateRole",
            "el ARN del rol",
        )?
        .to_string();
        let key = &key;
        try_join_all(r.policies.iter().map(|(pn, doc)| async move {
            let pk = format!("{key}.policies.{pn}");
            let doc = built.resolve(&pk, doc)?;
            c.iam
                .put_role_policy()
                .role_name(name)
                .policy_name(pn)
                .policy_document(doc)
                .send()
                .await
                .at(&pk, "PutRolePolicy")?;
            Ok::<_, ProvisionError>(())
        }))
        .await?;
        try_join_all(r.managed_policies.iter().map(|arn| async move {
            c.iam
                .attach_role_policy()
                .role_name(name)
                .policy_arn(arn)
                .send()
                .await
                .at(&format!("{key}.managed_policies"), "AttachRolePolicy")?;
            Ok::<_, ProvisionError>(())
        }))
        .await?;
        Ok::<_, ProvisionError>((key.clone(), arn))
    }))
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trust_names_one_service_as_a_string_and_several_as_a_list() {
        let one = trust_policy(&["ecs-tasks.amazonaws.com".into()]);
        assert_eq!(
            one["Statement"][0]["Principal"]["Service"],
            "ecs-tasks.amazonaws.com"
        );
        let two = trust_policy(&["a.amazonaws.com".into(), "b.amazonaws.com".into()]);
        assert_eq!(
            two["Statement"][0]["Principal"]["Service"][1],
            "b.amazonaws.com"
        );
        assert_eq!(one["Statement"][0]["Action"], "sts:AssumeRole");
    }
}
