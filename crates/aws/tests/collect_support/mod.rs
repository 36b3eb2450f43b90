//! What the collector's tests share: a real moto server, SDK clients to build
//! a world in it, a fake endpoint for failures moto cannot produce, and the
//! read-only policy check.

// Each test binary uses its own part.
#![allow(dead_code, unused_imports)]

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::Credentials;

pub use cloudgrade_testkit::{Moto, free_port, http};

/// A configuration for building a world: the test's own clients, not the
/// collector's, with explicit keys so the environment does not matter.
pub async fn sdk(url: &str, access_key: &str, secret_key: &str) -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .endpoint_url(url)
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new(access_key, secret_key, None, None, "test"))
        .load()
        .await
}

// ------------------------------------------------------------ read-only

/// The Allow statements of `policy/cloudgrade-readonly.json`, as action
/// patterns. Panics (failing the test) if the policy uses a wildcard: it must
/// name each action.
pub fn policy_actions() -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../policy/cloudgrade-readonly.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    let statements = match &doc["Statement"] {
        serde_json::Value::Array(a) => a.clone(),
        other => vec![other.clone()],
    };
    let mut actions = Vec::new();
    for st in statements {
        assert_eq!(
            st["Effect"], "Allow",
            "the read-only policy only allows: {st}"
        );
        let list = match &st["Action"] {
            serde_json::Value::String(s) => vec![s.clone()],
            serde_json::Value::Array(a) => {
                a.iter().map(|v| v.as_str().unwrap().to_string()).collect()
            }
            other => panic!("Action must be a string or a list: {other}"),
        };
        actions.extend(list);
    }
    assert!(!actions.is_empty());
    for a in &actions {
        assert!(
            !a.contains('*') && !a.contains('?'),
            "the policy must name exact actions, not {a}"
        );
    }
    actions
}

/// IAM's matching: case-insensitive, `*` any run, `?` one character.
pub fn action_matches(pattern: &str, action: &str) -> bool {
    fn glob(p: &[char], a: &[char]) -> bool {
        match (p.first(), a.first()) {
            (None, None) => true,
            (Some('*'), _) => glob(&p[1..], a) || (!a.is_empty() && glob(p, &a[1..])),
            (Some('?'), Some(_)) => glob(&p[1..], &a[1..]),
            (Some(x), Some(y)) if x.eq_ignore_ascii_case(y) => glob(&p[1..], &a[1..]),
            _ => false,
        }
    }
    let p: Vec<char> = pattern.chars().collect();
    let a: Vec<char> = action.chars().collect();
    glob(&p, &a)
}

/// Every recorded call is a read, never a secret's value, and allowed by the
/// published policy.
pub fn assert_read_only(operations: &BTreeMap<String, u32>) {
    assert!(!operations.is_empty(), "no call was recorded");
    let allowed = policy_actions();
    for op in operations.keys() {
        let (_, name) = op
            .split_once(':')
            .unwrap_or_else(|| panic!("not service:Operation: {op}"));
        assert!(
            ["Describe", "List", "Get"]
                .iter()
                .any(|p| name.starts_with(p)),
            "{op} is not a read"
        );
        assert_ne!(
            op, "secretsmanager:GetSecretValue",
            "a secret's value was read"
        );
        assert!(
            allowed.iter().any(|p| action_matches(p, op)),
            "{op} is not allowed by policy/cloudgrade-readonly.json"
        );
    }
}

// ------------------------------------------------------------ fake endpoint

/// How the fake endpoint answers one action.
#[derive(Clone, Copy, Debug)]
pub enum Answer {
    /// The caller's identity (sts:GetCallerIdentity).
    Identity,
    /// EC2's throttling error, HTTP 503.
    Throttle,
    /// What moto does for an operation it lacks: HTTP 500 with an HTML page.
    Crash,
    /// A DescribeNetworkAcls answer cut at half its length, framed correctly
    /// (its Content-Length is what is sent).
    CutAcls,
    /// HTTP 200 with an empty body.
    EmptyOk,
}

/// A real DescribeNetworkAcls answer: one ACL with its rules.
pub const ACLS_XML: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
<DescribeNetworkAclsResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><requestId>1</requestId><networkAclSet><item>\
<networkAclId>acl-0123456789abcdef0</networkAclId><vpcId>vpc-1</vpcId><default>false</default><entrySet>\
<item><ruleNumber>100</ruleNumber><protocol>6</protocol><ruleAction>allow</ruleAction><egress>false</egress><cidrBlock>10.0.0.0/16</cidrBlock><portRange><from>5432</from><to>5432</to></portRange></item>\
<item><ruleNumber>32767</ruleNumber><protocol>-1</protocol><ruleAction>deny</ruleAction><egress>false</egress><cidrBlock>0.0.0.0/0</cidrBlock></item>\
<item><ruleNumber>32767</ruleNumber><protocol>-1</protocol><ruleAction>deny</ruleAction><egress>true</egress><cidrBlock>0.0.0.0/0</cidrBlock></item>\
</entrySet><associationSet/><tagSet/></item></networkAclSet></DescribeNetworkAclsResponse>";

/// An HTTP endpoint on loopback that answers AWS requests by action name,
/// for what moto cannot be made to do (throttle, lack an operation). It
/// records the actions it saw.
pub struct Fake {
    pub port: u16,
    pub seen: Arc<Mutex<Vec<String>>>,
}

impl Fake {
    pub fn start(answer: fn(&str) -> Answer) -> Fake {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        std::thread::spawn(move || {
            for conn in listener.incoming().flatten() {
                let log = log.clone();
                std::thread::spawn(move || serve(conn, answer, log));
            }
        });
        Fake { port, seen }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

fn serve(conn: TcpStream, answer: fn(&str) -> Answer, log: Arc<Mutex<Vec<String>>>) {
    let mut reader = BufReader::new(conn.try_clone().unwrap());
    let mut out = conn;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let mut headers = BTreeMap::new();
        loop {
            let mut h = String::new();
            if reader.read_line(&mut h).unwrap_or(0) == 0 {
                return;
            }
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            if let Some((k, v)) = h.split_once(':') {
                headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
            }
        }
        let len: usize = headers
            .get("content-length")
            .and_then(|l| l.parse().ok())
            .unwrap_or(0);
        let mut body = vec![0; len];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let body = String::from_utf8_lossy(&body).into_owned();
        // The query protocol names the action in the form body, the JSON
        // protocols in X-Amz-Target.
        let action = body
            .split('&')
            .find_map(|kv| kv.strip_prefix("Action="))
            .map(str::to_string)
            .or_else(|| {
                headers
                    .get("x-amz-target")
                    .and_then(|t| t.rsplit('.').next())
                    .map(str::to_string)
            })
            .unwrap_or_default();
        log.lock().unwrap().push(action.clone());
        let json = headers
            .get("content-type")
            .is_some_and(|c| c.contains("json"));
        let (status, ctype, text) = match answer(&action) {
            Answer::Identity if json => (
                "200 OK",
                "application/x-amz-json-1.1",
                r#"{"Account":"123456789012","Arn":"arn:aws:iam::123456789012:user/fake","UserId":"AIDAFAKE"}"#.to_string(),
            ),
            Answer::Identity => (
                "200 OK",
                "text/xml",
                "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><GetCallerIdentityResult>\
                 <Arn>arn:aws:iam::123456789012:user/fake</Arn><UserId>AIDAFAKE</UserId><Account>123456789012</Account>\
                 </GetCallerIdentityResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></GetCallerIdentityResponse>"
                    .to_string(),
            ),
            Answer::Throttle => (
                "503 Service Unavailable",
                "text/xml",
                "<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit exceeded.</Message>\
                 </Error></Errors><RequestID>1</RequestID></Response>"
                    .to_string(),
            ),
            Answer::Crash => (
                "500 Internal Server Error",
                "text/html",
                "<!doctype html><title>500 Internal Server Error</title><h1>Internal Server Error</h1>".to_string(),
            ),
            Answer::CutAcls => (
                "200 OK",
                "text/xml",
                ACLS_XML[..ACLS_XML.len() / 2].to_string(),
            ),
            Answer::EmptyOk => (
                "200 OK",
                if json { "application/x-amz-json-1.1" } else { "text/xml" },
                String::new(),
            ),
        };
        let head = format!(
            "HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nx-amzn-requestid: 1\r\n\r\n",
            text.len()
        );
        if out
            .write_all(head.as_bytes())
            .and_then(|_| out.write_all(text.as_bytes()))
            .is_err()
        {
            return;
        }
    }
}

#[test]
fn wildcard_matching_follows_iam() {
    assert!(action_matches("ec2:Describe*", "ec2:DescribeVpcs"));
    assert!(action_matches("EC2:describevpcs", "ec2:DescribeVpcs"));
    assert!(action_matches("iam:Get?olicy", "iam:GetPolicy"));
    assert!(!action_matches("ec2:Describe*", "ec2:CreateVpc"));
    assert!(!action_matches("iam:GetPolicy", "iam:GetPolicyVersion"));
}
