//! The worlds of `scenarios/`: they load (with `extends`, overlays and
//! `remove`), bad ones are refused with the file and the logical name, and
//! every one is built into a real moto server and read back through the SDK
//! to prove the emulator holds what the world says, its planted mistake
//! included.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use aws_config::{BehaviorVersion, SdkConfig};
use aws_sdk_ec2::types::Filter;
use cloudgrade_aws::config::Target;
use cloudgrade_aws::provision::{self, ProvisionError};
use cloudgrade_worlds::{
    Expectation, RouteTarget, SecretSource, SgRule, Verdict, World, WorldError, protocol_number,
};

fn scenarios() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios")
}

/// Every directory of `scenarios/` that holds a world.
fn world_dirs() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(scenarios())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("world.toml").is_file())
        .collect();
    dirs.sort();
    dirs
}

// ---------------------------------------------------------------- loading

/// A scratch `scenarios/`-like folder, removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Scratch {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "cloudgrade-worlds-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    fn world(&self, name: &str, text: &str) -> PathBuf {
        let dir = self.0.join(name);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("world.toml"), text).unwrap();
        dir
    }

    fn expect(&self, name: &str, text: &str) -> PathBuf {
        let dir = self.0.join(name);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("expect.toml"), text).unwrap();
        dir
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

const BASE: &str = r#"
[vpc]
cidr = "10.0.0.0/16"
tags = { Name = "base", Project = "p" }

[subnets.public_a]
cidr = "10.0.1.0/24"
az = "a"
map_public_ip_on_launch = true
tags = { Name = "public-a", Tier = "public" }

[subnets.private_a]
cidr = "10.0.11.0/24"
az = "a"
tags = { Name = "private-a", Tier = "private" }

[internet_gateways.main]

[nat_gateways.a]
subnet = "public_a"

[route_tables.private_a]
subnets = ["private_a"]
[route_tables.private_a.routes]
"0.0.0.0/0" = "nat:a"
"192.168.0.0/16" = "nat:a"

[security_groups.rds.ingress.from_ecs]
protocol = "tcp"
ports = 5432
group = "ecs"

[security_groups.ecs]
"#;

#[test]
fn overlays_merge_tables_replace_scalars_and_remove_paths() {
    let s = Scratch::new();
    s.world("base", BASE);
    let dir = s.world(
        "broken",
        r#"
extends = "base"
remove = [
  ["route_tables", "private_a", "routes", "192.168.0.0/16"],
  ["security_groups", "rds", "ingress", "from_ecs"],
]

[vpc]
tags = { Name = "broken" }

[route_tables.private_a.routes]
"0.0.0.0/0" = "igw:main"

[security_groups.rds.ingress.from_ecs]
protocol = "tcp"
ports = "5432"
cidr = "10.0.0.0/16"
"#,
    );
    let w = World::load(&dir).unwrap();
    assert_eq!(w.name, "broken");
    // Tables merge key by key: the base's Project tag stays.
    assert_eq!(w.vpc.tags["Name"], "broken");
    assert_eq!(w.vpc.tags["Project"], "p");
    assert_eq!(w.vpc.cidr, "10.0.0.0/16");
    let routes = &w.route_tables["private_a"].routes;
    assert_eq!(routes.len(), 1, "{routes:?}");
    assert_eq!(routes["0.0.0.0/0"], "igw:main");
    assert_eq!(w.route_tables["private_a"].subnets, vec!["private_a"]);
    // Removed then re-declared whole: no `group` left over from the base.
    let rule = &w.security_groups["rds"].ingress["from_ecs"];
    assert_eq!(rule.cidr.as_deref(), Some("10.0.0.0/16"));
    assert_eq!(rule.group, None);
    assert_eq!(rule.ports.as_ref().unwrap().range(), Ok((5432, 5432)));
    assert!(w.subnets["public_a"].map_public_ip_on_launch);
}

#[test]
fn extends_chains_and_refuses_cycles_and_missing_bases() {
    let s = Scratch::new();
    s.world("base", BASE);
    s.world(
        "middle",
        "extends = \"base\"\n[subnets.private_a]\naz = \"b\"\n",
    );
    let top = s.world(
        "top",
        "extends = \"middle\"\n[subnets.private_a.tags]\nName = \"x\"\n",
    );
    let w = World::load(&top).unwrap();
    assert_eq!(w.subnets["private_a"].az, "b");
    assert_eq!(w.subnets["private_a"].tags["Name"], "x");
    assert_eq!(w.subnets["private_a"].tags["Tier"], "private");

    s.world("loop_a", "extends = \"loop_b\"\n");
    let a = s.world("loop_b", "extends = \"loop_a\"\n");
    let e = World::load(&a).unwrap_err().to_string();
    assert!(e.contains("ciclo"), "{e}");

    let d = s.world("orphan", "extends = \"nowhere\"\n");
    let e = World::load(&d).unwrap_err().to_string();
    assert!(
        e.starts_with(&format!(
            "{}: extends: no existe el mundo base «nowhere»",
            d.join("world.toml").display()
        )),
        "{e}"
    );

    let d = s.world(
        "bad_remove",
        "extends = \"base\"\nremove = [[\"route_tables\", \"private_a\", \"routes\", \"10.9.0.0/16\"]]\n",
    );
    let e = World::load(&d).unwrap_err().to_string();
    assert_eq!(
        e,
        format!(
            "{}: remove route_tables.private_a.routes.\"10.9.0.0/16\": route_tables.private_a.routes.\"10.9.0.0/16\" no existe en el mundo base",
            d.join("world.toml").display()
        )
    );
}

/// Loads `overlay` on top of BASE and returns the error's text.
fn broken(overlay: &str) -> (String, PathBuf) {
    let s = Scratch::new();
    s.world("base", BASE);
    let dir = s.world("w", &format!("extends = \"base\"\n{overlay}"));
    let e = World::load(&dir).unwrap_err();
    (e.to_string(), dir.join("world.toml"))
}

#[test]
fn validation_errors_name_the_file_and_the_logical_name() {
    let cases: &[(&str, &str)] = &[
        (
            "[route_tables.private_a.routes]\n\"0.0.0.0/0\" = \"nat:zz\"\n",
            "route_tables.private_a.routes.\"0.0.0.0/0\": el destino nat:zz no nombra ningún NAT gateway",
        ),
        (
            "[route_tables.private_a.routes]\n\"0.0.0.0/0\" = \"pcx:peer\"\n",
            "route_tables.private_a.routes.\"0.0.0.0/0\": destino «pcx:peer»: se espera igw:<nombre> o nat:<nombre>",
        ),
        (
            "[internet_gateways.main]\nattached = false\n[route_tables.private_a.routes]\n\"0.0.0.0/0\" = \"igw:main\"\n",
            "route_tables.private_a.routes.\"0.0.0.0/0\": el destino igw:main es un internet gateway sin adjuntar",
        ),
        (
            "[nat_gateways.a]\nsubnet = \"public_z\"\n",
            "nat_gateways.a.subnet: «public_z» no nombra ningún subred",
        ),
        (
            "[subnets.private_a]\ncidr = \"10.1.0.0/24\"\n",
            "subnets.private_a.cidr: 10.1.0.0/24 no está dentro del CIDR de la VPC 10.0.0.0/16",
        ),
        (
            "[security_groups.rds.ingress.from_ecs]\ncidr = \"0.0.0.0/0\"\n",
            "security_groups.rds.ingress.from_ecs: cada regla tiene un único origen o destino",
        ),
        (
            "[security_groups.rds.ingress.wide]\nprotocol = \"all\"\nports = 5432\ncidr = \"10.0.0.0/16\"\n",
            "security_groups.rds.ingress.wide: el protocolo all abarca todos los puertos",
        ),
        (
            "[security_groups.rds.ingress.nope]\nprotocol = \"tcp\"\nports = \"70000\"\ngroup = \"ecs\"\n",
            "security_groups.rds.ingress.nope: puertos 70000-70000",
        ),
        (
            "[subnets.private_a]\nzone = \"a\"\n",
            "subnets.private_a: unknown field `zone`",
        ),
        (
            "[route_tables.zz_other]\nsubnets = [\"private_a\"]\n",
            "route_tables.zz_other.subnets: la subred private_a ya está asociada a la tabla private_a",
        ),
        (
            "[iam_roles.exec.policies]\nread = '{\"Resource\": \"${secret.nope}\"}'\n",
            "iam_roles.exec.policies.read: «nope» no nombra ningún secreto",
        ),
        (
            "[iam_roles.exec.policies]\nread = '{\"Resource\": '\n",
            "iam_roles.exec.policies.read: la política no es JSON válido",
        ),
        (
            "[buckets.logs]\nname = \"x\"\n",
            "buckets: sección desconocida",
        ),
    ];
    for (overlay, want) in cases {
        let (e, file) = broken(overlay);
        let prefix = format!("{}: {want}", file.display());
        assert!(
            e.starts_with(&prefix),
            "overlay:\n{overlay}\ngot:  {e}\nwant: {prefix}…"
        );
    }
}

#[test]
fn a_toml_syntax_error_names_file_line_and_column() {
    let s = Scratch::new();
    let dir = s.world("w", "[vpc]\ncidr = \"10.0.0.0/16\"\ntags = { Name = }\n");
    match World::load(&dir).unwrap_err() {
        WorldError::Syntax {
            file, line, column, ..
        } => {
            assert_eq!(file, dir.join("world.toml"));
            // The column of the `}` where a value was expected.
            assert_eq!((line, column), (3, 17));
        }
        other => panic!("{other}"),
    }
    let e = World::load(&dir).unwrap_err().to_string();
    assert!(
        e.starts_with(&format!(
            "{}:3:17: TOML no válido",
            dir.join("world.toml").display()
        )),
        "{e}"
    );
}

#[test]
fn expectations_must_agree_with_themselves() {
    let s = Scratch::new();
    let ok = s.expect(
        "ok",
        "description = \"x\"\nexit_code = 1\nplanted_secrets = [\"Abcdefgh1234\"]\n[scenarios.a]\nverdict = \"failed\"\nmessage = \"no sale\"\n[scenarios.b]\nverdict = \"not_evaluable\"\n",
    );
    let e = Expectation::load(&ok).unwrap();
    assert_eq!(e.scenarios["a"].verdict, Verdict::Failed);
    assert_eq!(e.scenarios["a"].message.as_deref(), Some("no sale"));
    assert_eq!(e.scenarios["b"].verdict.as_str(), "not_evaluable");

    let bad = s.expect(
        "bad",
        "description = \"x\"\nexit_code = 0\n[scenarios.a]\nverdict = \"failed\"\n",
    );
    let e = Expectation::load(&bad).unwrap_err().to_string();
    assert!(
        e.ends_with("exit_code: es 0 pero fallan a: debe ser 1"),
        "{e}"
    );

    let typo = s.expect(
        "typo",
        "description = \"x\"\nexit_code = 0\n[scenarios.a]\nverdict = \"pased\"\n",
    );
    let e = Expectation::load(&typo).unwrap_err().to_string();
    assert!(
        e.starts_with(&format!("{}:4:11:", typo.join("expect.toml").display())),
        "{e}"
    );

    let short = s.expect(
        "short",
        "description = \"x\"\nexit_code = 0\nplanted_secrets = [\"abc\"]\n[scenarios.a]\nverdict = \"passed\"\n",
    );
    assert!(
        Expectation::load(&short)
            .unwrap_err()
            .to_string()
            .contains("planted_secrets[0]")
    );
}

#[test]
fn only_emulators_on_this_machine_are_written_to() {
    assert!(provision::ensure_emulator(Some("http://127.0.0.1:5000"), false).is_ok());
    assert!(provision::ensure_emulator(Some("http://localhost:4566"), false).is_ok());
    let e =
        provision::ensure_emulator(Some("https://ec2.us-east-1.amazonaws.com"), false).unwrap_err();
    assert!(
        matches!(e, ProvisionError::NotAnEmulator { ref endpoint } if endpoint == "https://ec2.us-east-1.amazonaws.com")
    );
    assert!(e.to_string().contains("--force"), "{e}");
    assert!(provision::ensure_emulator(None, false).is_err());
    assert!(provision::ensure_emulator(Some("https://ec2.us-east-1.amazonaws.com"), true).is_ok());
}

#[test]
fn apply_refuses_a_real_endpoint_before_any_call() {
    let w = World::load(&scenarios().join("reference")).unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let target = Target {
        endpoint_url: Some("https://ec2.us-east-1.amazonaws.com".into()),
        region: Some("us-east-1".into()),
        profile: None,
        role_arn: None,
    };
    let e = rt
        .block_on(provision::apply(&w, &target, false))
        .unwrap_err();
    assert!(matches!(e, ProvisionError::NotAnEmulator { .. }), "{e}");
}

#[test]
fn every_shipped_world_loads_with_its_expectation() {
    let dirs = world_dirs();
    assert!(dirs.len() >= 14, "{dirs:?}");
    // The reference lists every scenario; every world expects each of them,
    // inherited or its own.
    let reference = Expectation::load(&scenarios().join("reference")).unwrap();
    let ids: BTreeSet<&str> = reference.scenarios.keys().map(String::as_str).collect();
    assert!(ids.len() >= 4, "{ids:?}");
    let mut planted_everywhere = BTreeSet::new();
    for dir in dirs {
        let w = World::load(&dir).unwrap_or_else(|e| panic!("{e}"));
        let e = Expectation::load(&dir).unwrap_or_else(|e| panic!("{e}"));
        let keys: BTreeSet<&str> = e.scenarios.keys().map(String::as_str).collect();
        assert_eq!(keys, ids, "{}", dir.display());
        let broken = e.scenarios.values().any(|s| s.verdict == Verdict::Failed);
        assert_eq!(
            broken,
            !["reference", "env-not-secrets"].contains(&w.name.as_str()),
            "{}",
            w.name
        );
        // A planted value is planted: it is in the world's environment, and
        // in no other world's expectation.
        let env: Vec<&String> = w
            .task_definitions
            .values()
            .flat_map(|t| t.containers.values())
            .flat_map(|c| c.environment.values())
            .collect();
        for p in &e.planted_secrets {
            assert!(
                env.iter().any(|v| v.contains(p.as_str())),
                "{}: {p} not planted",
                w.name
            );
            assert!(planted_everywhere.insert(p.clone()), "{p} planted twice");
        }
    }
}

// ---------------------------------------------------------------- moto

use cloudgrade_testkit::Moto;

async fn sdk(url: &str) -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .endpoint_url(url)
        .region(aws_types::region::Region::new("us-east-1"))
        .credentials_provider(aws_sdk_sts::config::Credentials::new(
            "testing", "testing", None, None, "test",
        ))
        .load()
        .await
}

/// IAM returns policy documents URL-encoded (moto returns them plain).
fn decode_policy(doc: &str) -> serde_json::Value {
    if let Ok(v) = serde_json::from_str(doc) {
        return v;
    }
    let b = doc.as_bytes();
    let mut bytes = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let Ok(x) = u8::from_str_radix(&doc[i + 1..i + 3], 16)
        {
            bytes.push(x);
            i += 3;
            continue;
        }
        bytes.push(if b[i] == b'+' { b' ' } else { b[i] });
        i += 1;
    }
    serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("policy document {doc}: {e}"))
}

struct Api {
    ec2: aws_sdk_ec2::Client,
    rds: aws_sdk_rds::Client,
    ecs: aws_sdk_ecs::Client,
    iam: aws_sdk_iam::Client,
    secrets: aws_sdk_secretsmanager::Client,
    logs: aws_sdk_cloudwatchlogs::Client,
    elb: aws_sdk_elasticloadbalancingv2::Client,
}

macro_rules! check {
    ($p:expr, $cond:expr, $($fmt:tt)+) => {
        if !$cond {
            $p.push(format!($($fmt)+));
        }
    };
}

fn tags_of(tags: &[aws_sdk_ec2::types::Tag]) -> BTreeMap<String, String> {
    tags.iter()
        .map(|t| {
            (
                t.key().unwrap_or_default().to_string(),
                t.value().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

/// The SG rule as "proto from-to peer", the way both sides can be compared.
fn rule_text(protocol: &str, from: Option<i32>, to: Option<i32>, peer: &str) -> String {
    let proto = match protocol_number(protocol).as_deref() {
        Some("6") => "tcp".to_string(),
        Some("17") => "udp".to_string(),
        Some("1") => "icmp".to_string(),
        Some(n) => n.to_string(),
        None => protocol.to_string(),
    };
    match (from, to) {
        (Some(f), Some(t)) if proto != "-1" => format!("{proto} {f}-{t} {peer}"),
        _ => format!("{proto} {peer}"),
    }
}

fn world_rules(
    rules: &BTreeMap<String, SgRule>,
    ids: &BTreeMap<String, String>,
) -> BTreeSet<String> {
    rules
        .values()
        .map(|r| {
            let (f, t) = match &r.ports {
                Some(p) => p.range().map(|(a, b)| (Some(a), Some(b))).unwrap(),
                None if r.protocol == "icmp" => (Some(-1), Some(-1)),
                None => (None, None),
            };
            let peer = match (&r.cidr, &r.group) {
                (Some(c), _) => c.clone(),
                (None, Some(g)) => ids[&format!("security_group.{g}")].clone(),
                _ => unreachable!(),
            };
            rule_text(&r.protocol, f, t, &peer)
        })
        .collect()
}

fn emulator_rules(perms: &[aws_sdk_ec2::types::IpPermission]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for p in perms {
        let proto = p.ip_protocol().unwrap_or_default();
        for r in p.ip_ranges() {
            out.insert(rule_text(
                proto,
                p.from_port(),
                p.to_port(),
                r.cidr_ip().unwrap_or_default(),
            ));
        }
        for g in p.user_id_group_pairs() {
            out.insert(rule_text(
                proto,
                p.from_port(),
                p.to_port(),
                g.group_id().unwrap_or_default(),
            ));
        }
    }
    out
}

/// Everything the world declares, read back from the emulator. Returns the
/// differences.
async fn verify(api: &Api, w: &World, ids: &BTreeMap<String, String>) -> Vec<String> {
    let mut p = Vec::new();
    let id = |k: &str| {
        ids.get(k)
            .cloned()
            .unwrap_or_else(|| panic!("{}: nothing created for {k}", w.name))
    };
    let vpc_id = id("vpc");

    let vpcs = api
        .ec2
        .describe_vpcs()
        .vpc_ids(&vpc_id)
        .send()
        .await
        .unwrap();
    let vpc = &vpcs.vpcs()[0];
    check!(
        p,
        vpc.cidr_block() == Some(w.vpc.cidr.as_str()),
        "vpc cidr {:?}",
        vpc.cidr_block()
    );
    check!(
        p,
        tags_of(vpc.tags()) == w.vpc.tags,
        "vpc tags {:?}",
        vpc.tags()
    );

    for (n, s) in &w.subnets {
        let out = api
            .ec2
            .describe_subnets()
            .subnet_ids(id(&format!("subnet.{n}")))
            .send()
            .await
            .unwrap();
        let got = &out.subnets()[0];
        check!(
            p,
            got.cidr_block() == Some(s.cidr.as_str()),
            "subnet {n} cidr {:?}",
            got.cidr_block()
        );
        check!(p, got.vpc_id() == Some(vpc_id.as_str()), "subnet {n} vpc");
        check!(
            p,
            got.availability_zone() == Some(World::availability_zone(&s.az, "us-east-1").as_str()),
            "subnet {n} az {:?}",
            got.availability_zone()
        );
        check!(
            p,
            got.map_public_ip_on_launch() == Some(s.map_public_ip_on_launch),
            "subnet {n} map_public_ip {:?}",
            got.map_public_ip_on_launch()
        );
        check!(
            p,
            tags_of(got.tags()) == s.tags,
            "subnet {n} tags {:?}",
            got.tags()
        );
    }

    for (n, g) in &w.internet_gateways {
        let out = api
            .ec2
            .describe_internet_gateways()
            .internet_gateway_ids(id(&format!("internet_gateway.{n}")))
            .send()
            .await
            .unwrap();
        let attached: Vec<_> = out.internet_gateways()[0]
            .attachments()
            .iter()
            .filter_map(|a| a.vpc_id())
            .collect();
        check!(
            p,
            attached
                == if g.attached {
                    vec![vpc_id.as_str()]
                } else {
                    vec![]
                },
            "igw {n} attachments {attached:?}"
        );
    }

    let nats = api
        .ec2
        .describe_nat_gateways()
        .filter(Filter::builder().name("vpc-id").values(&vpc_id).build())
        .send()
        .await
        .unwrap();
    check!(
        p,
        nats.nat_gateways().len() == w.nat_gateways.len(),
        "{} NAT gateways",
        nats.nat_gateways().len()
    );
    for (n, nat) in &w.nat_gateways {
        let nid = id(&format!("nat_gateway.{n}"));
        let Some(got) = nats
            .nat_gateways()
            .iter()
            .find(|g| g.nat_gateway_id() == Some(nid.as_str()))
        else {
            p.push(format!("nat {n} missing"));
            continue;
        };
        check!(
            p,
            got.subnet_id() == Some(id(&format!("subnet.{}", nat.subnet)).as_str()),
            "nat {n} subnet {:?}",
            got.subnet_id()
        );
        check!(
            p,
            got.state().map(|s| s.as_str()) == Some("available"),
            "nat {n} state {:?}",
            got.state()
        );
        let public = got
            .nat_gateway_addresses()
            .iter()
            .any(|a| a.public_ip().is_some());
        if let Some(ip) = &nat.public_ip {
            let ips: Vec<_> = got
                .nat_gateway_addresses()
                .iter()
                .filter_map(|a| a.public_ip())
                .collect();
            check!(
                p,
                ips == vec![ip.as_str()],
                "nat {n} public ip {ips:?}, want {ip}"
            );
        }
        check!(
            p,
            public == (nat.connectivity == "public"),
            "nat {n} public ip {public}"
        );
        check!(p, tags_of(got.tags()) == nat.tags, "nat {n} tags");
    }

    let tables = api
        .ec2
        .describe_route_tables()
        .filters(Filter::builder().name("vpc-id").values(&vpc_id).build())
        .send()
        .await
        .unwrap();
    let main_id = tables
        .route_tables()
        .iter()
        .find(|t| t.associations().iter().any(|a| a.main() == Some(true)))
        .and_then(|t| t.route_table_id())
        .unwrap()
        .to_string();
    let declared_main = w
        .route_tables
        .iter()
        .find(|(_, t)| t.main)
        .map(|(n, _)| id(&format!("route_table.{n}")));
    match &declared_main {
        Some(m) => check!(p, &main_id == m, "main table {main_id}, want {m}"),
        None => check!(
            p,
            main_id == id("vpc.main_route_table"),
            "main table replaced"
        ),
    }
    for t in tables.route_tables() {
        let tid = t.route_table_id().unwrap_or_default();
        let logical = w
            .route_tables
            .iter()
            .find(|(n, _)| ids.get(&format!("route_table.{n}")).map(String::as_str) == Some(tid));
        let want_routes: BTreeMap<String, String> = match logical {
            Some((_, rt)) => rt
                .routes
                .iter()
                .map(|(d, target)| {
                    let target = match RouteTarget::parse(target).unwrap() {
                        RouteTarget::InternetGateway(g) => id(&format!("internet_gateway.{g}")),
                        RouteTarget::NatGateway(g) => id(&format!("nat_gateway.{g}")),
                    };
                    (d.clone(), target)
                })
                .collect(),
            // The VPC's own main table keeps only the local route.
            None => BTreeMap::new(),
        };
        let mut got_routes = BTreeMap::new();
        for r in t.routes() {
            let d = r.destination_cidr_block().unwrap_or_default().to_string();
            let target = r
                .nat_gateway_id()
                .or(r.gateway_id())
                .unwrap_or_default()
                .to_string();
            if target == "local" {
                check!(p, d == w.vpc.cidr, "{tid}: local route to {d}");
            } else {
                got_routes.insert(d, target);
            }
        }
        check!(
            p,
            got_routes == want_routes,
            "{tid} routes {got_routes:?}, want {want_routes:?}"
        );
        let got_subnets: BTreeSet<String> = t
            .associations()
            .iter()
            .filter_map(|a| a.subnet_id())
            .map(str::to_string)
            .collect();
        let want_subnets: BTreeSet<String> = logical
            .map(|(_, rt)| {
                rt.subnets
                    .iter()
                    .map(|s| id(&format!("subnet.{s}")))
                    .collect()
            })
            .unwrap_or_default();
        check!(
            p,
            got_subnets == want_subnets,
            "{tid} associations {got_subnets:?}, want {want_subnets:?}"
        );
        if let Some((n, rt)) = logical {
            check!(p, tags_of(t.tags()) == rt.tags, "route table {n} tags");
        }
    }
    // The VPC's original main table stays, replaced as main or not.
    check!(
        p,
        tables.route_tables().len() == w.route_tables.len() + 1,
        "{} route tables",
        tables.route_tables().len()
    );

    for (n, g) in &w.security_groups {
        let gid = id(&format!("security_group.{n}"));
        let out = api
            .ec2
            .describe_security_groups()
            .group_ids(&gid)
            .send()
            .await
            .unwrap();
        let got = &out.security_groups()[0];
        check!(
            p,
            got.group_name() == Some(g.name.as_deref().unwrap_or(n)),
            "sg {n} name {:?}",
            got.group_name()
        );
        check!(p, got.vpc_id() == Some(vpc_id.as_str()), "sg {n} vpc");
        let ingress = emulator_rules(got.ip_permissions());
        check!(
            p,
            ingress == world_rules(&g.ingress, ids),
            "sg {n} ingress {ingress:?}, want {:?}",
            world_rules(&g.ingress, ids)
        );
        let egress = emulator_rules(got.ip_permissions_egress());
        let want = match &g.egress {
            Some(rules) => world_rules(rules, ids),
            None => ["-1 0.0.0.0/0".to_string()].into(),
        };
        check!(p, egress == want, "sg {n} egress {egress:?}, want {want:?}");
    }

    let acls = api
        .ec2
        .describe_network_acls()
        .filters(Filter::builder().name("vpc-id").values(&vpc_id).build())
        .send()
        .await
        .unwrap();
    for a in acls.network_acls() {
        let aid = a.network_acl_id().unwrap_or_default();
        let subnets: BTreeSet<String> = a
            .associations()
            .iter()
            .filter_map(|x| x.subnet_id())
            .map(str::to_string)
            .collect();
        if a.is_default() == Some(true) {
            check!(p, aid == id("vpc.default_network_acl"), "default acl {aid}");
            let moved: BTreeSet<&String> =
                w.network_acls.values().flat_map(|x| &x.subnets).collect();
            let want: BTreeSet<String> = w
                .subnets
                .keys()
                .filter(|s| !moved.contains(s))
                .map(|s| id(&format!("subnet.{s}")))
                .collect();
            check!(
                p,
                subnets == want,
                "default acl subnets {subnets:?}, want {want:?}"
            );
            continue;
        }
        let Some((n, acl)) = w
            .network_acls
            .iter()
            .find(|(n, _)| ids.get(&format!("network_acl.{n}")).map(String::as_str) == Some(aid))
        else {
            p.push(format!("unexpected ACL {aid}"));
            continue;
        };
        let want: BTreeSet<String> = acl
            .subnets
            .iter()
            .map(|s| id(&format!("subnet.{s}")))
            .collect();
        check!(
            p,
            subnets == want,
            "acl {n} subnets {subnets:?}, want {want:?}"
        );
        let got_entries: BTreeSet<String> = a
            .entries()
            .iter()
            .filter(|e| e.rule_number() != Some(32767))
            .map(|e| {
                format!(
                    "{} {} {} {} {} {:?}",
                    e.rule_number().unwrap_or_default(),
                    e.egress().unwrap_or_default(),
                    e.protocol().unwrap_or_default(),
                    e.rule_action().map(|x| x.as_str()).unwrap_or_default(),
                    e.cidr_block().unwrap_or_default(),
                    e.port_range()
                        .map(|r| (r.from().unwrap_or_default(), r.to().unwrap_or_default())),
                )
            })
            .collect();
        let want_entries: BTreeSet<String> = acl
            .entries
            .values()
            .map(|e| {
                format!(
                    "{} {} {} {} {} {:?}",
                    e.rule,
                    e.egress,
                    protocol_number(&e.protocol).unwrap(),
                    e.action,
                    e.cidr,
                    e.ports.as_ref().map(|x| x.range().unwrap())
                )
            })
            .collect();
        check!(
            p,
            got_entries == want_entries,
            "acl {n} entries {got_entries:?}, want {want_entries:?}"
        );
    }
    check!(
        p,
        acls.network_acls().len() == w.network_acls.len() + 1,
        "{} ACLs",
        acls.network_acls().len()
    );

    for (n, d) in &w.db_instances {
        let out = api
            .rds
            .describe_db_instances()
            .db_instance_identifier(id(&format!("db_instance.{n}")))
            .send()
            .await
            .unwrap();
        let got = &out.db_instances()[0];
        check!(p, got.engine() == Some(d.engine.as_str()), "db {n} engine");
        check!(
            p,
            got.publicly_accessible() == Some(d.publicly_accessible),
            "db {n} publicly_accessible {:?}",
            got.publicly_accessible()
        );
        check!(
            p,
            got.endpoint().and_then(|e| e.port()) == Some(d.port),
            "db {n} port"
        );
        let sgs: BTreeSet<String> = got
            .vpc_security_groups()
            .iter()
            .filter_map(|g| g.vpc_security_group_id())
            .map(str::to_string)
            .collect();
        let want: BTreeSet<String> = d
            .security_groups
            .iter()
            .map(|g| id(&format!("security_group.{g}")))
            .collect();
        check!(p, sgs == want, "db {n} groups {sgs:?}");
        let group = got.db_subnet_group();
        check!(
            p,
            group.and_then(|g| g.db_subnet_group_name())
                == Some(id(&format!("db_subnet_group.{}", d.subnet_group)).as_str()),
            "db {n} subnet group"
        );
        let subnets: BTreeSet<String> = group
            .map(|g| {
                g.subnets()
                    .iter()
                    .filter_map(|s| s.subnet_identifier())
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        let want: BTreeSet<String> = w.db_subnet_groups[&d.subnet_group]
            .subnets
            .iter()
            .map(|s| id(&format!("subnet.{s}")))
            .collect();
        check!(
            p,
            subnets == want,
            "db {n} subnets {subnets:?}, want {want:?}"
        );
        check!(
            p,
            got.storage_encrypted() == Some(d.storage_encrypted),
            "db {n} encrypted"
        );
        check!(
            p,
            got.backup_retention_period() == Some(d.backup_retention_days),
            "db {n} backups"
        );
        check!(
            p,
            got.multi_az() == Some(d.multi_az)
                && got.deletion_protection() == Some(d.deletion_protection),
            "db {n} multi_az {:?} deletion_protection {:?}",
            got.multi_az(),
            got.deletion_protection()
        );
        for (what, want, got) in [
            ("backup", &d.backup_window, got.preferred_backup_window()),
            (
                "maintenance",
                &d.maintenance_window,
                got.preferred_maintenance_window(),
            ),
        ] {
            check!(
                p,
                want.as_deref().is_none_or(|w| Some(w) == got),
                "db {n} {what} window {got:?}, want {want:?}"
            );
        }
    }

    let mut secret_arns = BTreeSet::new();
    for (n, s) in &w.secrets {
        let arn = id(&format!("secret.{n}"));
        let out = api
            .secrets
            .describe_secret()
            .secret_id(&arn)
            .send()
            .await
            .unwrap();
        check!(
            p,
            out.name() == Some(s.name.as_str()),
            "secret {n} name {:?}",
            out.name()
        );
        let value = api
            .secrets
            .get_secret_value()
            .secret_id(&arn)
            .send()
            .await
            .unwrap();
        let v = value.secret_string().unwrap_or_default();
        check!(
            p,
            v.len() == 32 && v.chars().all(|c| c.is_ascii_alphanumeric()),
            "secret {n}: not a fresh random value"
        );
        secret_arns.insert(arn);
    }
    let listed = api.secrets.list_secrets().send().await.unwrap();
    check!(
        p,
        listed.secret_list().len() == w.secrets.len(),
        "{} secrets",
        listed.secret_list().len()
    );

    for (n, r) in &w.iam_roles {
        let name = r.name.as_deref().unwrap_or(n);
        let role = api.iam.get_role().role_name(name).send().await.unwrap();
        let role = role.role().unwrap();
        check!(
            p,
            role.arn() == id(&format!("iam_role.{n}")),
            "role {n} arn"
        );
        let trust = decode_policy(role.assume_role_policy_document().unwrap_or_default());
        let principal = &trust["Statement"][0]["Principal"]["Service"];
        check!(
            p,
            principal == &serde_json::json!(r.trust[0]) || principal == &serde_json::json!(r.trust),
            "role {n} trust {trust}"
        );
        let names = api
            .iam
            .list_role_policies()
            .role_name(name)
            .send()
            .await
            .unwrap();
        let names: BTreeSet<String> = names.policy_names().iter().cloned().collect();
        check!(
            p,
            names == r.policies.keys().cloned().collect(),
            "role {n} policies {names:?}"
        );
        for pn in r.policies.keys() {
            let doc = api
                .iam
                .get_role_policy()
                .role_name(name)
                .policy_name(pn)
                .send()
                .await
                .unwrap();
            let doc = decode_policy(doc.policy_document());
            let text = doc.to_string();
            check!(
                p,
                !text.contains("${"),
                "role {n} policy {pn} left a placeholder: {text}"
            );
        }
    }

    for (n, g) in &w.log_groups {
        let out = api
            .logs
            .describe_log_groups()
            .log_group_name_prefix(&g.name)
            .send()
            .await
            .unwrap();
        let got = out
            .log_groups()
            .iter()
            .find(|x| x.log_group_name() == Some(g.name.as_str()));
        check!(
            p,
            got.is_some_and(|x| x.retention_in_days() == g.retention_days),
            "log group {n}"
        );
    }

    for (n, f) in &w.flow_logs {
        let out = api
            .ec2
            .describe_flow_logs()
            .flow_log_ids(id(&format!("flow_log.{n}")))
            .send()
            .await
            .unwrap();
        let got = out.flow_logs().first();
        check!(
            p,
            got.is_some_and(|x| x.resource_id() == Some(vpc_id.as_str())
                && x.traffic_type().map(|t| t.as_str()) == Some(f.traffic_type.as_str())
                && x.log_group_name() == Some(w.log_groups[&f.log_group].name.as_str())),
            "flow log {n}: {got:?}"
        );
    }

    for (n, lb) in &w.load_balancers {
        let out = api
            .elb
            .describe_load_balancers()
            .load_balancer_arns(id(&format!("load_balancer.{n}")))
            .send()
            .await
            .unwrap();
        let got = out.load_balancers().first();
        let want: Vec<String> = lb
            .security_groups
            .iter()
            .map(|g| id(&format!("security_group.{g}")))
            .collect();
        check!(
            p,
            got.is_some_and(|x| x.security_groups() == want.as_slice()
                && x.availability_zones().len() == lb.subnets.len()),
            "load balancer {n}: {got:?}"
        );
    }

    for (n, t) in &w.task_definitions {
        let arn = id(&format!("task_definition.{n}"));
        let out = api
            .ecs
            .describe_task_definition()
            .task_definition(&arn)
            .send()
            .await
            .unwrap();
        let td = out.task_definition().unwrap();
        check!(
            p,
            td.family() == Some(t.family.as_deref().unwrap_or(n)),
            "task {n} family"
        );
        check!(
            p,
            td.network_mode().map(|m| m.as_str()) == Some(t.network_mode.as_str()),
            "task {n} network mode"
        );
        let exec = t
            .execution_role
            .as_ref()
            .map(|r| id(&format!("iam_role.{r}")));
        check!(
            p,
            td.execution_role_arn().map(str::to_string) == exec,
            "task {n} execution role"
        );
        let task = t.task_role.as_ref().map(|r| id(&format!("iam_role.{r}")));
        check!(
            p,
            td.task_role_arn().map(str::to_string) == task,
            "task {n} task role"
        );
        for (cn, c) in &t.containers {
            let Some(got) = td
                .container_definitions()
                .iter()
                .find(|x| x.name() == Some(cn.as_str()))
            else {
                p.push(format!("task {n}: no container {cn}"));
                continue;
            };
            check!(
                p,
                !got.image().unwrap_or_default().contains("${"),
                "task {n} image {:?}",
                got.image()
            );
            let env: BTreeMap<String, String> = got
                .environment()
                .iter()
                .map(|kv| {
                    (
                        kv.name().unwrap_or_default().to_string(),
                        kv.value().unwrap_or_default().to_string(),
                    )
                })
                .collect();
            check!(
                p,
                env.keys().collect::<Vec<_>>() == c.environment.keys().collect::<Vec<_>>(),
                "task {n}/{cn} env names {:?}",
                env.keys()
            );
            for (k, v) in &c.environment {
                let Some(g) = env.get(k) else {
                    continue;
                };
                check!(p, !g.contains("${"), "task {n}/{cn} {k} left a placeholder");
                // Literal text of the world survives; placeholders resolve.
                if !v.contains("${") {
                    check!(p, g == v, "task {n}/{cn} {k} changed");
                }
            }
            let secrets: BTreeMap<String, String> = got
                .secrets()
                .iter()
                .map(|s| (s.name().to_string(), s.value_from().to_string()))
                .collect();
            check!(
                p,
                secrets.len() == c.secrets.len(),
                "task {n}/{cn} secrets {secrets:?}"
            );
            for (k, v) in &c.secrets {
                let vf = secrets.get(k).cloned().unwrap_or_default();
                match SecretSource::parse(v) {
                    SecretSource::Secret(s) => check!(
                        p,
                        vf == id(&format!("secret.{s}")),
                        "task {n}/{cn} {k} -> {vf}"
                    ),
                    SecretSource::Arn(a) => {
                        let want = a
                            .replace("${region}", "us-east-1")
                            .replace("${account}", "123456789012");
                        check!(p, vf == want, "task {n}/{cn} {k} -> {vf}, want {want}")
                    }
                }
            }
            let lc = got.log_configuration();
            check!(
                p,
                lc.and_then(|l| l.options())
                    .and_then(|o| o.get("awslogs-group"))
                    .map(String::as_str)
                    == c.log_group.as_ref().map(|l| {
                        c.awslogs_group
                            .as_deref()
                            .unwrap_or(w.log_groups[l].name.as_str())
                    }),
                "task {n}/{cn} log group"
            );
            check!(
                p,
                got.health_check().is_some() == c.health_check.is_some(),
                "task {n}/{cn} health check"
            );
        }
    }

    for (n, s) in &w.ecs_services {
        let arn = id(&format!("ecs_service.{n}"));
        let out = api
            .ecs
            .describe_services()
            .cluster(id(&format!("ecs_cluster.{}", s.cluster)))
            .services(&arn)
            .send()
            .await
            .unwrap();
        let got = &out.services()[0];
        check!(
            p,
            got.task_definition()
                == Some(id(&format!("task_definition.{}", s.task_definition)).as_str()),
            "service {n} task def"
        );
        check!(
            p,
            got.desired_count() == s.desired_count,
            "service {n} desired count"
        );
        let lbs: Vec<_> = got
            .load_balancers()
            .iter()
            .map(|l| {
                (
                    l.target_group_arn().unwrap_or_default().to_string(),
                    l.container_name().unwrap_or_default().to_string(),
                    l.container_port().unwrap_or_default(),
                )
            })
            .collect();
        let want_lbs: Vec<_> = s
            .load_balancer
            .iter()
            .map(|l| {
                (
                    id(&format!("target_group.{}", l.target_group)),
                    l.container.clone(),
                    l.port,
                )
            })
            .collect();
        check!(p, lbs == want_lbs, "service {n} load balancers: {lbs:?}");
        let net = got
            .network_configuration()
            .and_then(|c| c.awsvpc_configuration());
        let subnets: BTreeSet<String> = net
            .map(|c| c.subnets().iter().cloned().collect())
            .unwrap_or_default();
        let want: BTreeSet<String> = s
            .subnets
            .iter()
            .map(|x| id(&format!("subnet.{x}")))
            .collect();
        check!(p, subnets == want, "service {n} subnets");
        let sgs: BTreeSet<String> = net
            .map(|c| c.security_groups().iter().cloned().collect())
            .unwrap_or_default();
        let want: BTreeSet<String> = s
            .security_groups
            .iter()
            .map(|x| id(&format!("security_group.{x}")))
            .collect();
        check!(p, sgs == want, "service {n} groups");
        let public = net
            .and_then(|c| c.assign_public_ip())
            .map(|a| a.as_str().to_string());
        // A service in bridge or host mode has no awsvpc network at all.
        let want_public = match (s.subnets.is_empty(), s.assign_public_ip) {
            (true, _) => None,
            (false, true) => Some("ENABLED"),
            (false, false) => Some("DISABLED"),
        };
        check!(
            p,
            public.as_deref() == want_public,
            "service {n} public ip {public:?}"
        );
    }
    p
}

/// What each broken world plants, checked in the emulator in its own terms.
/// The target groups a balancer's listeners forward to, and how many
/// listeners it has.
async fn listener_forward(api: &Api, lb: &str) -> (Vec<String>, usize) {
    let out = api
        .elb
        .describe_listeners()
        .load_balancer_arn(lb)
        .send()
        .await
        .unwrap();
    let to = out
        .listeners()
        .iter()
        .flat_map(|l| l.default_actions())
        .filter_map(|a| a.target_group_arn().map(str::to_string))
        .collect();
    (to, out.listeners().len())
}

async fn planted(api: &Api, w: &World, ids: &BTreeMap<String, String>) -> Vec<String> {
    let mut p = Vec::new();
    let id = |k: &str| ids[k].clone();
    let table = |name: &str| {
        let tid = id(&format!("route_table.{name}"));
        let ec2 = api.ec2.clone();
        async move {
            ec2.describe_route_tables()
                .route_table_ids(tid)
                .send()
                .await
                .unwrap()
                .route_tables()[0]
                .clone()
        }
    };
    let default_target = |t: &aws_sdk_ec2::types::RouteTable| {
        t.routes()
            .iter()
            .find(|r| r.destination_cidr_block() == Some("0.0.0.0/0"))
            .and_then(|r| r.nat_gateway_id().or(r.gateway_id()))
            .map(str::to_string)
    };
    let group = |name: &str| {
        let gid = id(&format!("security_group.{name}"));
        let ec2 = api.ec2.clone();
        async move {
            ec2.describe_security_groups()
                .group_ids(gid)
                .send()
                .await
                .unwrap()
                .security_groups()[0]
                .clone()
        }
    };
    let app_service = || async {
        api.ecs
            .describe_services()
            .cluster(id("ecs_cluster.main"))
            .services(id("ecs_service.app"))
            .send()
            .await
            .unwrap()
            .services()[0]
            .clone()
    };
    let app_db = || async {
        api.rds
            .describe_db_instances()
            .db_instance_identifier(id("db_instance.app"))
            .send()
            .await
            .unwrap()
            .db_instances()[0]
            .clone()
    };
    let private_subnets = || {
        let ec2 = api.ec2.clone();
        let (a, b) = (id("subnet.private_a"), id("subnet.private_b"));
        async move {
            ec2.describe_subnets()
                .subnet_ids(a)
                .subnet_ids(b)
                .send()
                .await
                .unwrap()
                .subnets()
                .to_vec()
        }
    };
    let dns_hostnames = || {
        let (ec2, vpc) = (api.ec2.clone(), id("vpc"));
        async move {
            ec2.describe_vpc_attribute()
                .vpc_id(vpc)
                .attribute(aws_sdk_ec2::types::VpcAttributeName::EnableDnsHostnames)
                .send()
                .await
                .unwrap()
                .enable_dns_hostnames()
                .and_then(|b| b.value())
        }
    };
    // The world's task definition as moto keeps it, and its one container.
    let app_task = || async {
        api.ecs
            .describe_task_definition()
            .task_definition(id("task_definition.app"))
            .send()
            .await
            .unwrap()
            .task_definition
            .unwrap()
    };
    let container_env = || async { app_task().await.container_definitions()[0].clone() };
    match w.name.as_str() {
        "reference" | "env-not-secrets" => {
            for t in ["private_a", "private_b"] {
                let target = default_target(&table(t).await);
                check!(
                    p,
                    target.as_deref().is_some_and(|x| x.starts_with("nat-")),
                    "{t}: 0/0 -> {target:?}"
                );
            }
            // EC2 creates a VPC with host names off: the world turned them on.
            let on = dns_hostnames().await;
            check!(p, on == Some(true), "dns hostnames {on:?}");
            if w.name == "reference" {
                let (to, _) = listener_forward(api, &id("load_balancer.app")).await;
                check!(
                    p,
                    to.contains(&id("target_group.app")),
                    "the listener forwards to {to:?}"
                );
            }
        }
        "alb-instance-targets" => {
            let tgs = api
                .elb
                .describe_target_groups()
                .target_group_arns(id("target_group.app"))
                .send()
                .await
                .unwrap();
            let t = tgs.target_groups()[0]
                .target_type()
                .map(|t| t.as_str().to_string());
            check!(p, t.as_deref() == Some("instance"), "target type {t:?}");
        }
        "ecs-no-rollback" => {
            // What the expectation's `live` rests on: if moto starts keeping
            // the setting, the world can be graded live too.
            let kept = app_service().await.deployment_configuration().is_some();
            check!(
                p,
                !kept,
                "moto now keeps deploymentConfiguration: update expect.toml's live"
            );
        }
        "alb-without-listener" => {
            let (to, count) = listener_forward(api, &id("load_balancer.app")).await;
            check!(p, count == 0, "{count} listeners, forwarding to {to:?}");
        }
        "rds-parameter-family" => {
            let db = app_db().await;
            let group = db
                .db_parameter_groups()
                .first()
                .and_then(|g| g.db_parameter_group_name())
                .unwrap_or_default()
                .to_string();
            check!(p, group == "cloudgrade-pg", "parameter group {group:?}");
            let g = api
                .rds
                .describe_db_parameter_groups()
                .db_parameter_group_name(&group)
                .send()
                .await
                .unwrap();
            let family = g.db_parameter_groups()[0]
                .db_parameter_group_family()
                .map(str::to_string);
            check!(
                p,
                family.as_deref() == Some("postgres15"),
                "family {family:?}"
            );
        }
        "private-rt-to-igw" => {
            let target = default_target(&table("private_a").await);
            check!(
                p,
                target.as_deref().is_some_and(|x| x.starts_with("igw-")),
                "private_a 0/0 -> {target:?}"
            );
            let target = default_target(&table("private_b").await);
            check!(
                p,
                target.as_deref().is_some_and(|x| x.starts_with("nat-")),
                "private_b 0/0 -> {target:?}"
            );
        }
        "private-no-egress" => {
            for t in ["private_a", "private_b"] {
                let routes = table(t).await.routes().len();
                check!(p, routes == 1, "{t}: {routes} routes, want only local");
            }
            let nats = api.ec2.describe_nat_gateways().send().await.unwrap();
            check!(p, nats.nat_gateways().is_empty(), "NAT gateways exist");
        }
        "single-nat" => {
            let to_nat_a = table("private_b").await.routes().iter().any(|r| {
                r.destination_cidr_block() == Some("0.0.0.0/0")
                    && r.nat_gateway_id() == Some(id("nat_gateway.a").as_str())
            });
            check!(p, to_nat_a, "private_b does not route to the NAT of zone a");
        }
        "nat-in-private-subnet" => {
            let nats = api
                .ec2
                .describe_nat_gateways()
                .nat_gateway_ids(id("nat_gateway.a"))
                .send()
                .await
                .unwrap();
            check!(
                p,
                nats.nat_gateways()[0].subnet_id() == Some(id("subnet.private_a").as_str()),
                "NAT a not in private_a"
            );
        }
        "rds-open-world" | "rds-open-vpc-cidr" => {
            let want = if w.name == "rds-open-world" {
                "0.0.0.0/0"
            } else {
                "10.0.0.0/16"
            };
            let rds = group("rds").await;
            let cidrs: Vec<_> = rds
                .ip_permissions()
                .iter()
                .flat_map(|x| x.ip_ranges())
                .filter_map(|r| r.cidr_ip())
                .collect();
            check!(p, cidrs == vec![want], "rds ingress cidrs {cidrs:?}");
        }
        "rds-public" => {
            let db = app_db().await;
            check!(p, db.publicly_accessible() == Some(true), "not public");
            let subnets: BTreeSet<_> = db
                .db_subnet_group()
                .unwrap()
                .subnets()
                .iter()
                .filter_map(|s| s.subnet_identifier())
                .map(str::to_string)
                .collect();
            check!(
                p,
                subnets == [id("subnet.public_a"), id("subnet.public_b")].into(),
                "subnets {subnets:?}"
            );
        }
        "rds-backups-1-day" => {
            let db = app_db().await;
            check!(p, db.backup_retention_period() == Some(1), "retention");
        }
        "rds-unencrypted" => {
            let db = app_db().await;
            check!(p, db.storage_encrypted() == Some(false), "encrypted");
        }
        "nacl-drops-return" => {
            let out = api
                .ec2
                .describe_network_acls()
                .network_acl_ids(id("network_acl.data"))
                .send()
                .await
                .unwrap();
            let acl = &out.network_acls()[0];
            let ephemeral_out = acl.entries().iter().any(|e| {
                e.egress() == Some(true)
                    && e.rule_action().map(|a| a.as_str()) == Some("allow")
                    && e.port_range().is_some_and(|r| {
                        r.from().unwrap_or(0) <= 32768 && r.to().unwrap_or(0) >= 60999
                    })
            });
            check!(p, !ephemeral_out, "ephemeral ports allowed out");
            check!(
                p,
                acl.associations().len() == 2,
                "ACL on {} subnets",
                acl.associations().len()
            );
        }
        "env-db-password" | "env-aws-key" | "env-database-url" => {
            let c = container_env().await;
            let names: Vec<_> = c.environment().iter().filter_map(|e| e.name()).collect();
            let want = match w.name.as_str() {
                "env-db-password" => "DB_PASSWORD",
                "env-aws-key" => "AWS_SECRET_ACCESS_KEY",
                _ => "DATABASE_URL",
            };
            check!(p, names.contains(&want), "{want} not in {names:?}");
        }
        "secret-missing" => {
            let c = container_env().await;
            let vf = c.secrets()[0].value_from().to_string();
            let found = api.secrets.describe_secret().secret_id(&vf).send().await;
            check!(p, found.is_err(), "{vf} exists");
        }
        "secret-role-too-broad" => {
            let doc = api
                .iam
                .get_role_policy()
                .role_name("cloudgrade-ecs-execution")
                .policy_name("read_db_secret")
                .send()
                .await
                .unwrap();
            let doc = decode_policy(doc.policy_document());
            check!(
                p,
                doc["Statement"][0]["Resource"] == "*",
                "resource {}",
                doc["Statement"][0]["Resource"]
            );
        }
        "ecs-on-ec2-bridge" => {
            let td = app_task().await;
            let mode = td.network_mode().map(|m| m.as_str().to_string());
            check!(
                p,
                mode.as_deref() == Some("bridge"),
                "network mode {mode:?}"
            );
        }
        "ecs-public-tasks" => {
            let svc = app_service().await;
            let net = svc
                .network_configuration()
                .and_then(|n| n.awsvpc_configuration());
            let subnets: BTreeSet<String> = net
                .map(|c| c.subnets().iter().cloned().collect())
                .unwrap_or_default();
            let public: BTreeSet<String> = [id("subnet.public_a"), id("subnet.public_b")].into();
            check!(p, subnets == public, "service subnets {subnets:?}");
            check!(
                p,
                net.and_then(|c| c.assign_public_ip()).map(|a| a.as_str()) == Some("ENABLED"),
                "public ip"
            );
        }
        "private-auto-public-ip" => {
            let on: BTreeSet<String> = private_subnets()
                .await
                .iter()
                .filter(|s| s.map_public_ip_on_launch() == Some(true))
                .filter_map(|s| s.subnet_id().map(str::to_string))
                .collect();
            check!(
                p,
                on == [id("subnet.private_a")].into(),
                "subnets assigning public IPs {on:?}"
            );
        }
        "rds-one-az" => {
            let db = app_db().await;
            let zones: BTreeSet<String> = db
                .db_subnet_group()
                .unwrap()
                .subnets()
                .iter()
                .filter_map(|s| s.subnet_availability_zone()?.name().map(str::to_string))
                .collect();
            check!(p, zones.len() == 1, "DB subnet group zones {zones:?}");
        }
        "sg-ssh-open" => {
            let g = group("ecs").await;
            let ssh_from_world = g.ip_permissions().iter().any(|x| {
                x.from_port() == Some(22)
                    && x.to_port() == Some(22)
                    && x.ip_ranges()
                        .iter()
                        .any(|r| r.cidr_ip() == Some("0.0.0.0/0"))
            });
            check!(p, ssh_from_world, "ecs group: no SSH from 0.0.0.0/0");
        }
        "vpc-no-dns-hostnames" => {
            let on = dns_hostnames().await;
            check!(p, on == Some(false), "dns hostnames {on:?}");
        }
        "public-no-igw-route" => {
            let target = default_target(&table("public").await);
            check!(p, target.is_none(), "public 0/0 -> {target:?}");
        }
        "private-one-az" => {
            let zones: BTreeSet<String> = private_subnets()
                .await
                .iter()
                .filter_map(|s| s.availability_zone().map(str::to_string))
                .collect();
            check!(p, zones.len() == 1, "private subnets' zones {zones:?}");
        }
        "rds-no-minor-upgrades" => {
            let db = app_db().await;
            check!(
                p,
                db.auto_minor_version_upgrade() == Some(false),
                "auto minor upgrade {:?}",
                db.auto_minor_version_upgrade()
            );
        }
        "rds-retired-version" => {
            let db = app_db().await;
            check!(
                p,
                db.engine_version() == Some("15.3"),
                "engine version {:?}",
                db.engine_version()
            );
        }
        "rds-bad-username" => {
            let db = app_db().await;
            check!(
                p,
                db.master_username() == Some("app-user"),
                "master user {:?}",
                db.master_username()
            );
        }
        "ecs-egress-open" => {
            let g = group("ecs").await;
            let all_out = g
                .ip_permissions_egress()
                .iter()
                .any(|x| x.ip_protocol() == Some("-1"));
            check!(p, all_out, "the tasks' group lets not all traffic out");
        }
        "no-telemetry" => {
            let c = api
                .ecs
                .describe_clusters()
                .clusters("cloudgrade")
                .include(aws_sdk_ecs::types::ClusterField::Settings)
                .send()
                .await
                .unwrap();
            let on = c.clusters()[0]
                .settings()
                .iter()
                .any(|s| s.value() == Some("enabled"));
            check!(p, !on, "Container Insights on");
            let g = api
                .logs
                .describe_log_groups()
                .log_group_name_prefix("/ecs/cloudgrade-app")
                .send()
                .await
                .unwrap();
            check!(
                p,
                g.log_groups()[0].retention_in_days().is_none(),
                "the log group expires"
            );
        }
        "image-latest" => {
            let td = app_task().await;
            let image = td.container_definitions()[0]
                .image()
                .unwrap_or_default()
                .to_string();
            check!(p, image.ends_with(":latest"), "image {image}");
        }
        "log-group-missing" | "healthcheck-wrong-port" | "container-as-root" => {
            let td = app_task().await;
            let c = &td.container_definitions()[0];
            let (seen, planted) = match w.name.as_str() {
                "log-group-missing" => (
                    c.log_configuration()
                        .and_then(|l| l.options())
                        .and_then(|o| o.get("awslogs-group"))
                        .cloned(),
                    "/ecs/cloudgrade-api",
                ),
                "healthcheck-wrong-port" => (
                    c.health_check().map(|h| h.command().join(" ")),
                    "CMD-SHELL wget -qO- http://localhost/health || exit 1",
                ),
                _ => (c.user().map(str::to_string), "root"),
            };
            check!(p, seen.as_deref() == Some(planted), "{seen:?}");
        }
        "tasks-public-no-ip" => {
            let svc = app_service().await;
            let vpc = svc
                .network_configuration()
                .and_then(|n| n.awsvpc_configuration());
            let public_ip = vpc
                .and_then(|v| v.assign_public_ip())
                .map(|a| a.as_str().to_string());
            let subnets = vpc.map(|v| v.subnets().to_vec()).unwrap_or_default();
            check!(
                p,
                public_ip.as_deref() != Some("ENABLED")
                    && subnets == [id("subnet.public_a"), id("subnet.public_b")],
                "{public_ip:?} in {subnets:?}"
            );
        }
        "secret-rotation-yearly" => {
            // What the expectation's `live` rests on: the world's rotation is
            // in its Terraform only.
            let s = api
                .secrets
                .describe_secret()
                .secret_id(id("secret.db"))
                .send()
                .await
                .unwrap();
            check!(
                p,
                s.rotation_enabled() != Some(true),
                "the emulator rotates the secret: update expect.toml's live"
            );
        }
        "fargate-size-invalid" => {
            let td = app_task().await;
            check!(
                p,
                td.cpu() == Some("512") && td.memory() == Some("512"),
                "size {:?}/{:?}",
                td.cpu(),
                td.memory()
            );
        }
        "trust-ecs-service" => {
            let role = api
                .iam
                .get_role()
                .role_name("cloudgrade-ecs-execution")
                .send()
                .await
                .unwrap();
            let trust = decode_policy(
                role.role()
                    .and_then(|r| r.assume_role_policy_document())
                    .unwrap_or_default(),
            );
            let service = &trust["Statement"][0]["Principal"]["Service"];
            check!(p, service == "ecs.amazonaws.com", "trust {trust}");
        }
        "task-role-admin" | "task-role-s3-wildcard" => {
            let (policy, action) = match w.name.as_str() {
                "task-role-admin" => ("everything", "*"),
                _ => ("files", "s3:*"),
            };
            let doc = api
                .iam
                .get_role_policy()
                .role_name("cloudgrade-ecs-task")
                .policy_name(policy)
                .send()
                .await
                .unwrap();
            let doc = decode_policy(doc.policy_document());
            let st = &doc["Statement"][0];
            check!(
                p,
                st["Action"] == action && st["Resource"] == "*",
                "policy {policy}: {doc}"
            );
        }
        "task-role-is-execution" => {
            let arn = id("task_definition.app");
            let td = api
                .ecs
                .describe_task_definition()
                .task_definition(&arn)
                .send()
                .await
                .unwrap();
            let td = td.task_definition().unwrap();
            check!(
                p,
                td.task_role_arn().is_some() && td.task_role_arn() == td.execution_role_arn(),
                "task role {:?}, execution role {:?}",
                td.task_role_arn(),
                td.execution_role_arn()
            );
        }
        "course-no-balancer" => {
            let lbs = api.elb.describe_load_balancers().send().await.unwrap();
            check!(
                p,
                lbs.load_balancers().is_empty(),
                "a load balancer: {:?}",
                lbs.load_balancers()
            );
            let open = group("ecs").await.ip_permissions().iter().any(|x| {
                x.from_port() == Some(8080)
                    && x.ip_ranges()
                        .iter()
                        .any(|r| r.cidr_ip() == Some("0.0.0.0/0"))
            });
            check!(p, open, "the tasks' 8080 is not open to the internet");
        }
        "alb-open-app-port" => {
            let open = group("alb").await.ip_permissions().iter().any(|x| {
                x.from_port() == Some(8080)
                    && x.ip_ranges()
                        .iter()
                        .any(|r| r.cidr_ip() == Some("0.0.0.0/0"))
            });
            check!(p, open, "the balancer's group keeps 8080 closed");
            let vpc = group("ecs").await.ip_permissions().iter().any(|x| {
                x.ip_ranges()
                    .iter()
                    .any(|r| r.cidr_ip() == Some("10.0.0.0/16"))
            });
            check!(p, vpc, "the tasks' group does not admit the VPC");
        }
        "sg-undescribed" => {
            let g = group("ecs").await;
            check!(
                p,
                g.description() == Some(cloudgrade_model::SecurityGroup::UNSAID),
                "group description {:?}",
                g.description()
            );
            let undescribed = g.ip_permissions().iter().any(|x| {
                x.user_id_group_pairs()
                    .iter()
                    .any(|u| u.description().is_none_or(str::is_empty))
            });
            check!(
                p,
                undescribed,
                "the rule from the load balancer has a description"
            );
        }
        "rds-no-safety-net" => {
            let db = app_db().await;
            // skip_final_snapshot is Terraform's alone: the emulator holds
            // only these two.
            check!(
                p,
                db.multi_az() == Some(false) && db.deletion_protection() == Some(false),
                "multi_az {:?} deletion_protection {:?}",
                db.multi_az(),
                db.deletion_protection()
            );
        }
        other => p.push(format!("world {other} has no planted check in this test")),
    }
    p
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_world_builds_into_moto_as_declared() {
    let moto = Moto::start();
    let config = sdk(&moto.url()).await;
    let api = Api {
        ec2: aws_sdk_ec2::Client::new(&config),
        rds: aws_sdk_rds::Client::new(&config),
        ecs: aws_sdk_ecs::Client::new(&config),
        iam: aws_sdk_iam::Client::new(&config),
        secrets: aws_sdk_secretsmanager::Client::new(&config),
        logs: aws_sdk_cloudwatchlogs::Client::new(&config),
        elb: aws_sdk_elasticloadbalancingv2::Client::new(&config),
    };
    let target = Target {
        endpoint_url: Some(moto.url()),
        region: None,
        profile: None,
        role_arn: None,
    };
    let repo_text: String = world_dirs()
        .iter()
        .flat_map(|d| {
            ["world.toml", "expect.toml"].map(|f| std::fs::read_to_string(d.join(f)).unwrap())
        })
        .collect();
    let mut problems = Vec::new();
    let mut times = Vec::new();
    for dir in world_dirs() {
        let w = World::load(&dir).unwrap();
        moto.reset();
        let static_only = Expectation::load(&dir).unwrap().static_only;
        let report = match (provision::apply(&w, &target, false).await, static_only) {
            (Ok(r), None) => r,
            (Err(e), None) => {
                problems.push(format!("{}: {e}", w.name));
                continue;
            }
            // What the world says the emulator refuses, it must refuse.
            (Err(_), Some(_)) => continue,
            (Ok(_), Some(why)) => {
                problems.push(format!("{}: built, though expect.toml says: {why}", w.name));
                continue;
            }
        };
        times.push(format!(
            "{:<24} {:>3} recursos  {:>6.0} ms",
            w.name,
            report.created.len(),
            report.elapsed.as_secs_f64() * 1000.0
        ));
        // Every logical resource of the world was created.
        let expected = w.subnets.len()
            + w.internet_gateways.len()
            + w.nat_gateways.len()
            + w.nat_gateways
                .values()
                .filter(|n| n.connectivity == "public")
                .count()
            + w.route_tables.len()
            + w.security_groups.len()
            + w.network_acls.len()
            + w.db_subnet_groups.len()
            + w.db_instances.len()
            + w.ecs_clusters.len()
            + w.task_definitions.len()
            + w.ecs_services.len()
            + w.secrets.len()
            + w.iam_roles.len()
            + w.log_groups.len()
            + w.flow_logs.len()
            + w.load_balancers.len()
            + w.target_groups.len()
            + w.listeners.len()
            + w.db_parameter_groups.len()
            + 3;
        if report.created.len() != expected {
            problems.push(format!(
                "{}: {} created, want {expected}: {:?}",
                w.name,
                report.created.len(),
                report.created.keys()
            ));
        }
        for d in verify(&api, &w, &report.created).await {
            problems.push(format!("{}: {d}", w.name));
        }
        for d in planted(&api, &w, &report.created).await {
            problems.push(format!("{}: {d}", w.name));
        }
        // The generated secret values are nowhere in the repository.
        for (k, arn) in report
            .created
            .iter()
            .filter(|(k, _)| k.starts_with("secret."))
        {
            let v = api
                .secrets
                .get_secret_value()
                .secret_id(arn)
                .send()
                .await
                .unwrap();
            if repo_text.contains(v.secret_string().unwrap_or("(none)")) {
                problems.push(format!("{}: the value of {k} is in the repository", w.name));
            }
        }
    }
    println!(
        "tiempo de aprovisionamiento por mundo (moto):\n  {}",
        times.join("\n  ")
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // The read-back is no rubber stamp: the reference as built is not
    // what its broken variants declare.
    moto.reset();
    let w = World::load(&scenarios().join("reference")).unwrap();
    let built = provision::apply(&w, &target, false).await.unwrap();
    assert_eq!(verify(&api, &w, &built.created).await, Vec::<String>::new());
    for (other, needle) in [
        ("private-rt-to-igw", "routes"),
        ("nat-in-private-subnet", "nat a subnet"),
        ("rds-open-world", "sg rds ingress"),
        ("rds-public", "publicly_accessible"),
        ("env-db-password", "env names"),
        ("secret-missing", "DB_PASSWORD ->"),
    ] {
        let o = World::load(&scenarios().join(other)).unwrap();
        let diffs = verify(&api, &o, &built.created).await.join("\n");
        assert!(
            diffs.contains(needle),
            "{other} checked against the reference: {diffs}"
        );
    }
    // A second build of the same world into the same account collides
    // (names are unique), and the error names the resource.
    let e = provision::apply(&w, &target, false)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("CreateSecret")
            || e.contains("CreateRole")
            || e.contains("CreateDBSubnetGroup")
            || e.contains("CreateCluster")
            || e.contains("CreateLogGroup"),
        "{e}"
    );
}
