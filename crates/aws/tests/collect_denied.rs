//! The `aws` source with IAM enforced (moto with `MOTO_ENABLE_IAM_AUTH`):
//! a caller denied one read gets a gap for exactly that, and everything else;
//! denied the bulk IAM call, it still reads roles one by one; with keys the
//! endpoint does not know, the run stops with one clear error.
//!
//! The collector takes keys from the environment, which is process-wide: the
//! whole story is one test, alone in this binary, so nothing races on it.

mod collect_support;

use cloudgrade_aws::collect::{CollectError, collect};
use cloudgrade_aws::config::Target;
use cloudgrade_model::{GapReason, ResourceKind};
use collect_support::{Moto, assert_read_only, sdk};

fn set_keys(access_key: &str, secret_key: &str) {
    // SAFETY: the only test in this binary; no other thread reads the
    // environment while it is changed.
    unsafe {
        std::env::set_var("AWS_ACCESS_KEY_ID", access_key);
        std::env::set_var("AWS_SECRET_ACCESS_KEY", secret_key);
        std::env::remove_var("AWS_SESSION_TOKEN");
        std::env::remove_var("AWS_PROFILE");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn denied_reads_become_gaps_and_rejected_keys_stop_the_run() {
    // The first three requests go through unauthenticated: just enough to
    // create the grader's user, its policy and its keys.
    let moto = Moto::with_env(&[
        ("MOTO_ENABLE_IAM_AUTH", "true"),
        ("INITIAL_NO_AUTH_ACTION_COUNT", "3"),
    ]);
    let anon = sdk(&moto.url(), "bootstrap", "bootstrap").await;
    let iam = aws_sdk_iam::Client::new(&anon);
    iam.create_user().user_name("grader").send().await.unwrap();
    iam.put_user_policy()
        .user_name("grader")
        .policy_name("all-but-two")
        .policy_document(
            serde_json::json!({
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Action": "*", "Resource": "*"},
                    {"Effect": "Deny", "Action": ["ec2:DescribeNetworkAcls", "iam:GetAccountAuthorizationDetails"], "Resource": "*"}
                ]
            })
            .to_string(),
        )
        .send()
        .await
        .unwrap();
    let key = iam
        .create_access_key()
        .user_name("grader")
        .send()
        .await
        .unwrap()
        .access_key
        .unwrap();
    let (akid, secret) = (key.access_key_id, key.secret_access_key);

    // A small world, built with the grader's own keys.
    let conf = sdk(&moto.url(), &akid, &secret).await;
    let ec2 = aws_sdk_ec2::Client::new(&conf);
    let vpc = ec2
        .create_vpc()
        .cidr_block("10.1.0.0/16")
        .send()
        .await
        .unwrap()
        .vpc
        .unwrap()
        .vpc_id
        .unwrap();
    let iam = aws_sdk_iam::Client::new(&conf);
    let role = iam
        .create_role()
        .role_name("curso-execution")
        .assume_role_policy_document(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#,
        )
        .send()
        .await
        .unwrap()
        .role
        .unwrap();
    iam.put_role_policy()
        .role_name("curso-execution")
        .policy_name("read-secrets")
        .policy_document(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":"*"}]}"#,
        )
        .send()
        .await
        .unwrap();

    set_keys(&akid, &secret);
    let target = Target {
        endpoint_url: Some(moto.url()),
        ..Default::default()
    };
    let collected = collect(&target).await.unwrap();
    let inv = &collected.inventory;

    // Exactly one gap: the denied network ACLs, known as unknown, not empty.
    assert_eq!(inv.gaps.len(), 1, "{:?}", inv.gaps);
    let gap = &inv.gaps[0];
    assert_eq!(
        (gap.kind, gap.operation.as_str(), gap.reason),
        (
            ResourceKind::NetworkAcl,
            "ec2:DescribeNetworkAcls",
            GapReason::AccessDenied
        )
    );
    assert!(
        gap.message.contains("DescribeNetworkAcls"),
        "{}",
        gap.message
    );
    assert!(inv.network_acls.is_empty());

    // The rest is read: the VPC, and the role through the per-role fallback.
    assert!(inv.vpc(&vpc).is_some());
    assert!(!inv.security_groups.is_empty() && !inv.route_tables.is_empty());
    let r = inv.iam_role(&role.arn).unwrap();
    assert_eq!(
        r.assume_role_policy["Statement"][0]["Action"],
        "sts:AssumeRole"
    );
    assert_eq!(r.inline_policies.len(), 1);
    assert_eq!(
        r.inline_policies[0].document["Statement"][0]["Action"],
        "secretsmanager:GetSecretValue"
    );
    let ops = collected.calls.operations();
    for op in [
        "iam:GetAccountAuthorizationDetails",
        "iam:ListRoles",
        "iam:ListRolePolicies",
        "iam:GetRolePolicy",
        "iam:ListAttachedRolePolicies",
    ] {
        assert!(ops.contains_key(op), "{op} not called: {ops:?}");
    }
    // The fallback's calls are in the published policy too.
    assert_read_only(&ops);

    // Keys the endpoint does not know: no source at all, one line saying why.
    set_keys(
        "AKIAIOSFODNN7EXAMPLE",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    );
    let err = match collect(&target).await {
        Err(e) => e,
        Ok(c) => panic!("collected with unknown keys: {:?}", c.inventory.gaps),
    };
    assert!(matches!(err, CollectError::Credentials { .. }), "{err:?}");
    let line = err.to_string();
    assert!(line.starts_with("credenciales rechazadas por"), "{line}");
    assert!(
        line.contains("InvalidClientTokenId") && !line.contains('\n'),
        "{line}"
    );
}
