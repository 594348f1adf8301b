//! End to end against moto's server (started here, on 127.0.0.1): seed a
//! reference deployment with the SDK, run the binary, read its JSON.
//!
//! moto limitation: DescribeCacheClusters answers without SecurityGroups, so
//! against moto `redis.reachable` must be `error` (never `pass`). The
//! security-group path is covered with aws-smithy-mocks in tests/mocks.rs.

mod support;

use std::collections::BTreeMap;

use support::proxy::{Proxy, ProxyOptions};
use support::seed::{self, Variant, BUCKET, CLUSTER, DOMAIN};
use support::{moto::Moto, result, run_tool, statuses, stderr};

const REGION: &str = "us-east-1";

struct Run {
    // Dropped first: asserts that everything the tool sent through it was a read.
    proxy: Proxy,
    _moto: Moto,
    seeded: seed::Seeded,
    report: serde_json::Value,
    code: i32,
    /// Where the tool is pointed: the proxy in front of moto.
    endpoint: String,
    /// moto itself, for the test's own (mutating) calls.
    moto_endpoint: String,
}

async fn scenario(v: Variant, extra: &[&str]) -> Run {
    scenario_via(v, extra, &ProxyOptions::default()).await
}

async fn scenario_via(v: Variant, extra: &[&str], opts: &ProxyOptions) -> Run {
    scenario_with(v, extra, |_| opts.clone()).await
}

/// A scenario whose proxy options depend on what was seeded (e.g. answers
/// that name seeded resources).
async fn scenario_with(
    v: Variant,
    extra: &[&str],
    opts: impl FnOnce(&seed::Seeded) -> ProxyOptions,
) -> Run {
    scenario_full(v, extra, |_, _| async {}, opts).await
}

/// A scenario whose deployment is changed after seeding (with the test's own
/// SDK calls to moto) and before the tool runs.
async fn scenario_changed<F, Fut>(v: Variant, extra: &[&str], change: F) -> Run
where
    F: FnOnce(aws_types::SdkConfig, seed::Seeded) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    scenario_full(v, extra, change, |_| ProxyOptions::default()).await
}

/// Seed moto, change the deployment, start the proxy, run `check` through
/// it, and prove the offline snapshot gives the same results.
async fn scenario_full<F, Fut>(
    v: Variant,
    extra: &[&str],
    change: F,
    opts: impl FnOnce(&seed::Seeded) -> ProxyOptions,
) -> Run
where
    F: FnOnce(aws_types::SdkConfig, seed::Seeded) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let moto = Moto::start();
    let moto_endpoint = moto.endpoint();
    let conf = seed::sdk_config(&moto_endpoint, REGION).await;
    let seeded = seed::seed(&conf, &v).await;
    change(conf, seeded.clone()).await;
    let proxy = Proxy::start(&moto_endpoint, &opts(&seeded));
    let endpoint = proxy.endpoint();
    let (report, code) = check(&endpoint, extra);
    assert_offline_equals_live(&endpoint, extra, &report, code);
    Run {
        proxy,
        _moto: moto,
        seeded,
        report,
        code,
        endpoint,
        moto_endpoint,
    }
}

/// Every scenario: `collect` then `check --snapshot` gives exactly the live results.
fn assert_offline_equals_live(endpoint: &str, extra: &[&str], live: &serde_json::Value, code: i32) {
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("snap.json");
    let snap = snap.to_str().unwrap();
    let mut args = vec![
        "collect",
        "--cluster",
        CLUSTER,
        "--domain",
        DOMAIN,
        "--region",
        REGION,
        "--endpoint-url",
        endpoint,
        "--bucket",
        BUCKET,
        "--out",
        snap,
    ];
    args.extend_from_slice(extra);
    let out = run_tool(&args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let mut args = vec!["check", "--snapshot", snap, "--format", "json"];
    args.extend(
        extra
            .iter()
            .filter(|a| **a != "--stage" && **a != "preflight" && **a != "installed"),
    );
    if extra.contains(&"preflight") {
        args.extend(["--stage", "preflight"]);
    }
    let out = run_tool(&args);
    let offline: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", stderr(&out)));
    assert_eq!(
        offline["results"], live["results"],
        "offline results differ from live"
    );
    assert_eq!(offline["facts"], live["facts"]);
    assert_eq!(out.status.code(), Some(code));
}

fn check(endpoint: &str, extra: &[&str]) -> (serde_json::Value, i32) {
    check_domain(endpoint, DOMAIN, extra)
}

fn check_domain(endpoint: &str, domain: &str, extra: &[&str]) -> (serde_json::Value, i32) {
    let mut args = vec![
        "check",
        "--cluster",
        CLUSTER,
        "--domain",
        domain,
        "--region",
        REGION,
        "--endpoint-url",
        endpoint,
        "--bucket",
        BUCKET,
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    let out = run_tool(&args);
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let report: serde_json::Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {text}\nstderr: {}", stderr(&out)));
    (report, out.status.code().unwrap_or(-1))
}

fn expect(report: &serde_json::Value, want: &[(&str, &str)]) {
    let got = statuses(report);
    let mut wrong = BTreeMap::new();
    for (id, status) in want {
        if got.get(*id).map(String::as_str) != Some(*status) {
            wrong.insert(
                *id,
                format!(
                    "want {status}, got {:?}: {}",
                    got.get(*id),
                    result(report, id)["message"]
                ),
            );
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

/// Every requirement of the reference deployment, as moto can show it.
const REFERENCE: &[(&str, &str)] = &[
    ("network.single-vpc", "pass"),
    ("network.public-subnets", "pass"),
    ("network.private-subnets", "pass"),
    ("network.nodes-private", "pass"),
    ("network.data-private", "pass"),
    ("ingress.alb", "pass"),
    ("ingress.https", "pass"),
    ("tls.certificate", "pass"),
    ("ingress.targets-healthy", "pass"),
    ("postgres.version", "pass"),
    ("postgres.reachable", "pass"),
    // moto omits ElastiCache security groups: an absent answer is never a pass.
    ("redis.reachable", "error"),
    ("eks.capacity", "pass"),
    ("eks.clickhouse-node", "pass"),
    // moto's Service Quotas knows no EC2 quota: an absent answer is never a pass.
    ("eks.instance-quota", "error"),
    ("ingress.security-groups", "pass"),
    ("ingress.waf", "pass"),
    ("ingress.single-entry", "pass"),
    ("dns.record", "pass"),
    ("postgres.backups", "pass"),
    ("postgres.encryption", "pass"),
    ("redis.version", "pass"),
    // moto has no EKS ListAddons: an absent answer is never a pass.
    ("eks.addons", "error"),
    ("eks.irsa", "pass"),
    ("storage.bucket", "pass"),
    ("clickhouse.storage", "pass"),
    // eks.cluster depends on today's date against the version calendar:
    // tests/eval/eks.rs checks it at fixed dates.
];

#[tokio::test(flavor = "multi_thread")]
async fn reference_deployment_passes() {
    let run = scenario(Variant::default(), &[]).await;
    expect(&run.report, REFERENCE);
    assert_eq!(run.code, 4, "only the moto-induced error remains");
    let t = &run.report["target"];
    assert_eq!(t["vpc"], run.seeded.vpc.as_str());
    assert_eq!(t["alb"], run.seeded.alb_arn.as_str());
    assert_eq!(t["postgres"], "langsmith-postgres");
    assert_eq!(t["redis"], "langsmith-redis");
    assert_eq!(t["certificate"], run.seeded.cert_arn.as_str());
    assert_eq!(t["account"], "123456789012");
    assert_eq!(run.report["schema_version"], 1);
    assert!(run.report["stats"]["api_calls"].as_u64().unwrap() > 10);
    let redis = result(&run.report, "redis.reachable");
    assert!(redis["message"]
        .as_str()
        .unwrap()
        .contains("reported no security groups"));
    // Every action seen on the wire is in the published least-privilege policy.
    let policy: std::collections::BTreeSet<String> = langsmith_preflight::collect::IAM_ACTIONS
        .iter()
        .map(|s| s.to_string())
        .collect();
    let wire = run.proxy.iam_actions();
    assert!(wire.len() >= 25, "{wire:?}");
    let outside: Vec<_> = wire.difference(&policy).collect();
    assert!(
        outside.is_empty(),
        "sent but not in the IAM policy: {outside:?}"
    );
    // The capacity evidence carries the allocatable model's numbers.
    let cap = result(&run.report, "eks.capacity");
    assert!(cap["message"]
        .as_str()
        .unwrap()
        .starts_with("47.67 vCPU / 187.42 GiB allocatable"));
}

#[tokio::test(flavor = "multi_thread")]
async fn broken_deployment_fails_the_right_requirements() {
    let v = Variant {
        instance_type: "m5.xlarge",
        node_count: 4,
        // A fixed group: even at max size it cannot reach the capacity.
        nodegroup_sizes: Some((4, 4, 4)),
        pg_version: "13.11",
        db_rule_port: Some(3306),
        tag_public_subnets: false,
        http_redirects: false,
        ssl_policy: "ELBSecurityPolicy-2016-08",
        waf: false,
        bucket_private: false,
        clickhouse_volume: Some(("gp3", 3000, 125)),
        ..Variant::default()
    };
    let run = scenario(v, &[]).await;
    expect(
        &run.report,
        &[
            ("network.single-vpc", "pass"),
            // Untagged, but the ALB already sits in them: the tag is not needed.
            ("network.public-subnets", "pass"),
            ("network.private-subnets", "pass"),
            ("network.nodes-private", "pass"),
            ("network.data-private", "pass"),
            ("ingress.alb", "pass"),
            ("ingress.https", "fail"),
            ("tls.certificate", "pass"),
            ("ingress.targets-healthy", "pass"),
            ("postgres.version", "fail"),
            ("postgres.reachable", "fail"),
            ("redis.reachable", "error"),
            ("eks.capacity", "fail"),
            ("eks.clickhouse-node", "fail"),
            ("ingress.waf", "warn"),
            ("storage.bucket", "fail"),
            ("clickhouse.storage", "warn"),
        ],
    );
    assert_eq!(run.code, 3);
    let https = result(&run.report, "ingress.https")["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(https.contains("serves plain HTTP"), "{https}");
    assert!(https.contains("TLSv1"), "{https}");
    let cap = result(&run.report, "eks.capacity")["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        cap.contains("15.68 vCPU"),
        "4 × m5.xlarge is 4 × 3.92 vCPU: {cap}"
    );
    let pg = result(&run.report, "postgres.reachable")["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(pg.contains("do not admit TCP 5432"), "{pg}");
    save_example(
        &collect_snapshot(&run.endpoint),
        "broken-deployment.json",
        &["coredns", "kube-proxy", "vpc-cni"],
    );
}

/// WAF, DNS, ClickHouse storage, the bucket, IRSA, backups and the cluster, each broken the way moto can express it.
#[tokio::test(flavor = "multi_thread")]
async fn the_rest_of_the_reference_architecture_fails_when_broken() {
    let v = Variant {
        waf: false,
        dns_to_alb: false,
        clickhouse_volume: Some(("gp3", 3000, 125)),
        bucket_private: false,
        oidc: false,
        pg_backup_days: 0,
        pg_encrypted: false,
        redis_engine: ("redis", "4.0.10"),
        nodes_admit_alb: false,
        ..Variant::default()
    };
    let run = scenario(v, &[]).await;
    expect(
        &run.report,
        &[
            ("ingress.waf", "warn"),
            ("dns.record", "fail"),
            ("clickhouse.storage", "warn"),
            ("storage.bucket", "fail"),
            // No OIDC provider: only the Pod Identity add-on could pass it, and
            // moto has no ListAddons, so it cannot be known (tests/mocks.rs covers warn).
            ("eks.irsa", "error"),
            ("postgres.backups", "fail"),
            ("postgres.encryption", "warn"),
            ("redis.version", "fail"),
            ("ingress.security-groups", "fail"),
            ("ingress.single-entry", "pass"),
            ("postgres.version", "pass"),
            ("eks.capacity", "pass"),
        ],
    );
    assert_eq!(run.code, 3);
    let msg = |id: &str| {
        result(&run.report, id)["message"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert!(
        msg("dns.record").contains("not at ALB"),
        "{}",
        msg("dns.record")
    );
    assert!(msg("clickhouse.storage").contains("3000 IOPS (< 7000)"));
    assert!(msg("clickhouse.storage").contains("125 MiB/s (< 1000)"));
    assert!(
        msg("storage.bucket")
            .contains("neither the bucket nor the account has a public access block"),
        "{}",
        msg("storage.bucket")
    );
    assert!(msg("redis.version").contains("4.0.10"));
    assert!(
        msg("ingress.security-groups").contains("do not admit TCP 30080"),
        "{}",
        msg("ingress.security-groups")
    );
    assert!(msg("postgres.backups").contains("retention 0 day(s)"));
}

/// Valkey is judged by its own minimum (8), not Redis OSS's.
#[tokio::test(flavor = "multi_thread")]
async fn valkey_versions_have_their_own_minimum() {
    let run = scenario(
        Variant {
            redis_engine: ("valkey", "7.2"),
            ..Variant::default()
        },
        &["--only", "redis.version"],
    )
    .await;
    let r = result(&run.report, "redis.version");
    assert_eq!(r["status"], "fail", "{r}");
    assert!(
        r["message"].as_str().unwrap().contains("valkey 8 or later"),
        "{r}"
    );
    // --only collects only what the selected requirement needs: the caller
    // identity, the cluster (and, since moto omits its vpcId, its subnets'
    // VPC), ElastiCache's clusters, replication groups, subnet groups and
    // Serverless caches, and the VPC's subnets and route tables (a Serverless
    // cache's VPC is its subnets').
    assert_eq!(run.report["results"].as_array().unwrap().len(), 1);
    assert_eq!(
        run.report["stats"]["api_calls"], 9,
        "{}",
        run.report["stats"]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn eight_vcpu_nodes_cannot_host_clickhouse() {
    let v = Variant {
        instance_type: "m5.2xlarge",
        ..Variant::default()
    };
    let run = scenario(v, &[]).await;
    expect(
        &run.report,
        &[("eks.capacity", "pass"), ("eks.clickhouse-node", "fail")],
    );
    let msg = result(&run.report, "eks.clickhouse-node")["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(msg.contains("0 of 3 nodes"), "{msg}");
    assert!(msg.contains("7.91 vCPU"), "{msg}");
}

#[tokio::test(flavor = "multi_thread")]
async fn exposure_and_certificate_and_targets() {
    let v = Variant {
        pg_public: true,
        nodes_in_public_subnets: true,
        cert_domain: "other.example.org",
        stop_targets: true,
        ..Variant::default()
    };
    let run = scenario(v, &[]).await;
    expect(
        &run.report,
        &[
            ("network.nodes-private", "fail"),
            ("network.data-private", "fail"),
            ("tls.certificate", "fail"),
            ("ingress.targets-healthy", "fail"),
            ("postgres.version", "pass"),
            ("eks.capacity", "pass"),
        ],
    );
    let targets = result(&run.report, "ingress.targets-healthy");
    let ev = targets["evidence"].to_string();
    assert!(
        ev.contains("Target.InvalidState"),
        "reason codes are evidence: {ev}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn wildcard_certificate_covers_one_label() {
    let v = Variant {
        cert_domain: "*.example.com",
        ..Variant::default()
    };
    let run = scenario(v, &[]).await;
    expect(&run.report, &[("tls.certificate", "pass")]);
    // The same wildcard does not cover a name two labels deep.
    let (deep, _) = check_domain(&run.endpoint, "a.langsmith.example.com", &[]);
    expect(&deep, &[("tls.certificate", "fail")]);
}

#[tokio::test(flavor = "multi_thread")]
async fn preflight_before_helm_install() {
    let v = Variant {
        alb: false,
        run_instances: false,
        ..Variant::default()
    };
    let run = scenario(v, &["--stage", "preflight"]).await;
    expect(
        &run.report,
        &[
            ("network.single-vpc", "pass"),
            ("network.public-subnets", "pass"),
            ("ingress.alb", "skip"),
            ("ingress.https", "skip"),
            ("ingress.targets-healthy", "skip"),
            ("tls.certificate", "pass"),
            ("eks.capacity", "pass"),
            ("eks.clickhouse-node", "pass"),
            ("postgres.version", "pass"),
            ("postgres.reachable", "fail"),
        ],
    );
    // No nodes run yet: they are modelled from the node group, and said so.
    let cap = result(&run.report, "eks.capacity");
    assert!(cap["evidence"][0]
        .as_str()
        .unwrap()
        .contains("modelled 3 × m5.4xlarge from node group default"));
    // Modelled nodes carry only the cluster security group, which the
    // database's rule (from the node security group) does not name.
    let pg = result(&run.report, "postgres.reachable")["message"].to_string();
    assert!(pg.contains("node group default"), "{pg}");
}

#[tokio::test(flavor = "multi_thread")]
async fn explicit_ids_win_and_absent_ones_fail() {
    let run = scenario(Variant::default(), &[]).await;
    let (r, code) = check(
        &run.endpoint,
        &[
            "--postgres",
            "no-such-db",
            "--alb",
            "no-such-alb",
            "--redis",
            "langsmith-redis",
        ],
    );
    expect(
        &r,
        &[
            ("postgres.version", "fail"),
            ("ingress.alb", "fail"),
            ("redis.reachable", "error"),
        ],
    );
    assert_eq!(code, 3);
    assert!(result(&r, "postgres.version")["message"]
        .as_str()
        .unwrap()
        .contains("--postgres no-such-db"));
    assert!(result(&r, "ingress.alb")["message"]
        .as_str()
        .unwrap()
        .contains("--alb no-such-alb"));

    // An explicit id is looked up by id, whatever its engine: a MySQL
    // database is reported as the wrong engine, not as missing.
    let conf = seed::sdk_config(&run.moto_endpoint, REGION).await;
    aws_sdk_rds::Client::new(&conf)
        .create_db_instance()
        .db_instance_identifier("legacy-mysql")
        .engine("mysql")
        .engine_version("8.0.35")
        .db_instance_class("db.t3.micro")
        .allocated_storage(20)
        .master_username("admin")
        .master_user_password("not-a-secret-3")
        .db_subnet_group_name("langsmith")
        .send()
        .await
        .unwrap();
    let (r, _) = check(
        &run.endpoint,
        &["--postgres", "legacy-mysql", "--only", "postgres.version"],
    );
    let f = result(&r, "postgres.version");
    assert_eq!(f["status"], "fail", "{f}");
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("runs engine mysql, not PostgreSQL"),
        "{f}"
    );
    let (r, code) = check(
        &run.endpoint,
        &[
            "--postgres",
            "langsmith-postgres",
            "--only",
            "postgres.version",
        ],
    );
    assert_eq!(result(&r, "postgres.version")["status"], "pass");
    assert_eq!(code, 0);

    // An explicit Aurora cluster: found by id, its members by db-cluster-id.
    let rds = aws_sdk_rds::Client::new(&conf);
    rds.create_db_cluster()
        .db_cluster_identifier("aurora-pg")
        .engine("aurora-postgresql")
        .engine_version("15.4")
        .master_username("langsmith")
        .master_user_password("not-a-secret-4")
        .db_subnet_group_name("langsmith")
        .send()
        .await
        .unwrap();
    // On AWS a member inherits its cluster's subnet group; moto reports none
    // unless it is named on the instance too.
    rds.create_db_instance()
        .db_instance_identifier("aurora-pg-1")
        .db_cluster_identifier("aurora-pg")
        .engine("aurora-postgresql")
        .db_instance_class("db.r6g.large")
        .db_subnet_group_name("langsmith")
        .send()
        .await
        .unwrap();
    let (r, _) = check(
        &run.endpoint,
        &[
            "--postgres",
            "aurora-pg",
            "--only",
            "postgres.version,network.data-private",
        ],
    );
    let f = result(&r, "postgres.version");
    assert_eq!(f["status"], "pass", "{f}");
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .starts_with("Aurora cluster aurora-pg runs PostgreSQL 15.4"),
        "{f}"
    );
    // Its member's placement came along: the data-private check sees its subnets.
    let d = result(&r, "network.data-private");
    assert_eq!(d["status"], "pass", "{d}");
}

#[tokio::test(flavor = "multi_thread")]
async fn missing_cluster_stops_the_run() {
    let moto = Moto::start();
    let out = run_tool(&[
        "check",
        "--cluster",
        "nope",
        "--domain",
        DOMAIN,
        "--region",
        REGION,
        "--endpoint-url",
        &moto.endpoint(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("EKS cluster \"nope\" not found in us-east-1"),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn snapshot_round_trip_gives_the_same_results() {
    let run = scenario(Variant::default(), &[]).await;
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("snap.json");
    let snap_s = snap.to_str().unwrap();
    let out = run_tool(&[
        "collect",
        "--cluster",
        CLUSTER,
        "--domain",
        DOMAIN,
        "--region",
        REGION,
        "--endpoint-url",
        &run.endpoint,
        "--bucket",
        BUCKET,
        "--out",
        snap_s,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let offline = run_tool(&["check", "--snapshot", snap_s, "--format", "json"]);
    let offline: serde_json::Value = serde_json::from_slice(&offline.stdout).unwrap();
    assert_eq!(offline["results"], run.report["results"]);
    assert_eq!(offline["summary"], run.report["summary"]);
    assert_eq!(offline["stats"]["api_calls"], 0, "offline sends nothing");
    let text = std::fs::read_to_string(&snap).unwrap();
    assert!(!text.contains("not-a-secret-1"), "no secrets in snapshots");
    save_example(&text, "reference-deployment.json", REFERENCE_ADDONS);
}

/// `REGENERATE_EXAMPLES=1 cargo test --test e2e_moto` rewrites the shipped
/// example snapshots from the moto scenarios. moto reports no ElastiCache
/// security groups, has no EKS ListAddons or DescribeAddon, and knows no EC2
/// quota in Service Quotas, and has no DescribeServerlessCaches; the example
/// adds the security group the seed
/// attached, the given add-ons (the vpc-cni add-on with its default, empty
/// configuration; no sign of an EBS CSI driver outside add-ons is looked
/// in the account) and a 256-vCPU quota, as AWS would report
/// them, so that the demo shows a complete deployment.
fn save_example(snapshot: &str, name: &str, addons: &[&str]) {
    if std::env::var_os("REGENERATE_EXAMPLES").is_none() {
        return;
    }
    let mut v: serde_json::Value = serde_json::from_str(snapshot).unwrap();
    let redis_sg = v["security_groups"]["ok"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["name"] == "langsmith-redis")
        .map(|g| g["id"].clone())
        .unwrap();
    v["cache_clusters"]["ok"][0]["security_group_ids"] = serde_json::json!([redis_sg]);
    v["addons"] = serde_json::json!({ "ok": addons });
    v["vpc_cni_config"] = serde_json::json!({ "ok": null });
    v["ebs_csi_identities"] = serde_json::json!({ "ok": [] });
    v["instance_quota"] = serde_json::json!({ "ok": 256.0 });
    v["serverless_caches"] = serde_json::json!({ "ok": [] });
    let mut text = serde_json::to_string_pretty(&v).unwrap() + "\n";
    for (random, canonical) in canonical_ids(&v) {
        text = text.replace(&random, &canonical);
    }
    std::fs::write(format!("examples/{name}"), text).unwrap();
}

/// moto names every resource with a random id, so the two examples would
/// share no id even where they hold the same resource, and `diff` between
/// them would show every resource replaced. Each random id is renamed here
/// after what identifies the resource in the scenario — a subnet by its
/// CIDR, a security group by its name, an instance by its private IP, a
/// volume by its claim, a load balancer, listener or target group by name
/// and port — in AWS's format, so that both examples name a shared resource
/// alike and `diff` shows only what the broken scenario changed.
fn canonical_ids(v: &serde_json::Value) -> Vec<(String, String)> {
    fn hex(kind: &str, key: &str, len: usize) -> String {
        // FNV-1a, stretched: stable across runs and platforms.
        let mut out = String::new();
        let mut round = 0u64;
        while out.len() < len {
            let mut h: u64 = 0xcbf29ce484222325 ^ round;
            for b in kind.bytes().chain([0]).chain(key.bytes()) {
                h ^= u64::from(b);
                h = h.wrapping_mul(0x100000001b3);
            }
            out.push_str(&format!("{h:016x}"));
            round += 1;
        }
        out.truncate(len);
        out
    }
    let list = |k: &str| v[k]["ok"].as_array().cloned().unwrap_or_default();
    let s = |x: &serde_json::Value, k: &str| x[k].as_str().unwrap_or_default().to_string();
    let mut map: Vec<(String, String)> = Vec::new();
    let mut add = |random: String, canonical: String| {
        if !random.is_empty() && random != canonical && !map.iter().any(|(r, _)| *r == random) {
            map.push((random, canonical));
        }
    };
    let prefixed = |random: &str, kind: &str, key: &str| -> String {
        let (p, rest) = random.split_once('-').unwrap_or(("", random));
        format!("{p}-{}", hex(kind, key, rest.len()))
    };
    if let Some(vpc) = v["vpc_id"].as_str() {
        add(vpc.into(), prefixed(vpc, "vpc", ""));
    }
    let cidr_of: std::collections::BTreeMap<String, String> = list("subnets")
        .iter()
        .map(|x| (s(x, "id"), s(x, "cidr")))
        .collect();
    for (id, cidr) in &cidr_of {
        add(id.clone(), prefixed(id, "subnet", cidr));
    }
    for g in list("security_groups") {
        add(s(&g, "id"), prefixed(&s(&g, "id"), "sg", &s(&g, "name")));
    }
    let mut nat = 0;
    for t in list("route_tables") {
        let mut cidrs: Vec<String> = t["subnet_ids"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|x| cidr_of.get(x.as_str().unwrap()).cloned())
            .collect();
        cidrs.sort();
        let key = if t["main"] == true {
            "main".to_string()
        } else {
            cidrs.join(",")
        };
        add(s(&t, "id"), prefixed(&s(&t, "id"), "rtb", &key));
        for r in t["routes"].as_array().unwrap() {
            let target = s(r, "target");
            if target.starts_with("igw-") {
                add(target.clone(), prefixed(&target, "igw", ""));
            } else if target.starts_with("nat-") {
                nat += 1;
                add(target.clone(), prefixed(&target, "nat", &nat.to_string()));
            }
        }
    }
    for i in list("instances") {
        add(
            s(&i, "id"),
            prefixed(&s(&i, "id"), "i", &s(&i, "private_ip")),
        );
    }
    for x in list("volumes") {
        let key = format!("{}/{}", s(&x, "pvc_namespace"), s(&x, "pvc_name"));
        add(s(&x, "id"), prefixed(&s(&x, "id"), "vol", &key));
    }
    // ARN suffixes: …/app/NAME/LB, …/app/NAME/LB/LISTENER, …/NAME/TG.
    let suffix =
        |arn: &str, n: usize| -> String { arn.rsplit('/').nth(n).unwrap_or_default().to_string() };
    let mut lb_names = std::collections::BTreeMap::new();
    for lb in list("load_balancers") {
        let id = suffix(&s(&lb, "arn"), 0);
        lb_names.insert(id.clone(), s(&lb, "name"));
        add(id, hex("lb", &s(&lb, "name"), 16));
    }
    for l in list("listeners") {
        let arn = s(&l, "arn");
        let lb = lb_names.get(&suffix(&arn, 1)).cloned().unwrap_or_default();
        add(
            suffix(&arn, 0),
            hex("listener", &format!("{lb}:{}", l["port"]), 16),
        );
    }
    for tg in list("target_groups") {
        add(suffix(&s(&tg, "arn"), 0), hex("tg", &s(&tg, "name"), 16));
    }
    for c in list("certificates") {
        let uuid = suffix(&s(&c, "arn"), 0);
        if uuid.len() == 36 {
            let h = hex("certificate", &s(&c, "domain"), 32);
            add(
                uuid,
                format!(
                    "{}-{}-{}-{}-{}",
                    &h[..8],
                    &h[8..12],
                    &h[12..16],
                    &h[16..20],
                    &h[20..]
                ),
            );
        }
    }
    for z in list("hosted_zones") {
        let id = s(&z, "id");
        add(
            id.clone(),
            hex("zone", &s(&z, "name"), id.len()).to_uppercase(),
        );
    }
    if let Some(issuer) = v["cluster"]["ok"]["oidc_issuer"].as_str() {
        let id = suffix(issuer, 0);
        add(id.clone(), hex("oidc", "", id.len()).to_uppercase());
    }
    map
}

/// The add-ons of a reference cluster, as EKS ListAddons reports them.
const REFERENCE_ADDONS: &[&str] = &[
    "aws-ebs-csi-driver",
    "coredns",
    "eks-pod-identity-agent",
    "kube-proxy",
    "metrics-server",
    "vpc-cni",
];

fn collect_snapshot(endpoint: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("snap.json");
    let out = run_tool(&[
        "collect",
        "--cluster",
        CLUSTER,
        "--domain",
        DOMAIN,
        "--region",
        REGION,
        "--endpoint-url",
        endpoint,
        "--bucket",
        BUCKET,
        "--out",
        snap.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    std::fs::read_to_string(&snap).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn wait_polls_until_targets_are_healthy() {
    let v = Variant {
        stop_targets: true,
        ..Variant::default()
    };
    let run = scenario(v, &["--only", "ingress.targets-healthy"]).await;
    expect(&run.report, &[("ingress.targets-healthy", "fail")]);

    // Times out: the targets stay down, the report says so after about 2 s.
    let started = std::time::Instant::now();
    let (r, code) = check(
        &run.endpoint,
        &[
            "--only",
            "ingress.targets-healthy",
            "--wait",
            "2s",
            "--wait-interval",
            "500ms",
        ],
    );
    assert_eq!(code, 3);
    expect(&r, &[("ingress.targets-healthy", "fail")]);
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
    assert!(
        r["stats"]["api_calls"].as_u64().unwrap() > 8,
        "several polls were made"
    );

    // Recovers: the instances start while the tool waits.
    let ep = run.endpoint.clone();
    let child = support::tool_command(&[
        "check",
        "--cluster",
        CLUSTER,
        "--domain",
        DOMAIN,
        "--region",
        REGION,
        "--endpoint-url",
        &ep,
        "--format",
        "json",
        "--only",
        "ingress.targets-healthy",
        "--wait",
        "60s",
        "--wait-interval",
        "500ms",
    ])
    .stdout(std::process::Stdio::piped())
    .stderr(std::process::Stdio::piped())
    .spawn()
    .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    let conf = seed::sdk_config(&run.moto_endpoint, REGION).await;
    aws_sdk_ec2::Client::new(&conf)
        .start_instances()
        .set_instance_ids(Some(run.seeded.instances.clone()))
        .send()
        .await
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    expect(&r, &[("ingress.targets-healthy", "pass")]);
    assert_eq!(out.status.code(), Some(0));
}

#[tokio::test(flavor = "multi_thread")]
async fn terraform_outputs_set_the_target_and_secrets_never_leak() {
    let run = scenario(Variant::default(), &[]).await;
    let dir = tempfile::tempdir().unwrap();
    let outputs = dir.path().join("outputs.json");
    let secret = "Sup3r-S3cret-Pa55";
    std::fs::write(
        &outputs,
        serde_json::json!({
            "cluster_name": {"sensitive": false, "type": "string", "value": CLUSTER},
            "vpc_id": {"sensitive": false, "type": "string", "value": run.seeded.vpc},
            "alb_arn": {"sensitive": false, "type": "string", "value": run.seeded.alb_arn},
            "langsmith_url": {"sensitive": false, "type": "string", "value": format!("https://{DOMAIN}")},
            "region": {"sensitive": false, "type": "string", "value": REGION},
            "bucket_name": {"sensitive": false, "type": "string", "value": BUCKET},
            "postgres_connection_url": {"sensitive": true, "type": "string", "value": format!("postgresql://langsmith:{secret}@db:5432/langsmith")},
            "redis_connection_url": {"sensitive": true, "type": "string", "value": format!("rediss://:{secret}@redis:6379")},
        })
        .to_string(),
    )
    .unwrap();
    let tf = outputs.to_str().unwrap();
    let snap = dir.path().join("snap.json");
    let out = run_tool(&[
        "collect",
        "--terraform-outputs",
        tf,
        "--endpoint-url",
        &run.endpoint,
        "--out",
        snap.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let snapshot = std::fs::read_to_string(&snap).unwrap();
    assert!(!snapshot.contains(secret));
    assert!(snapshot.contains(&run.seeded.alb_arn));
    for format in ["json", "table", "markdown", "junit"] {
        let out = run_tool(&[
            "check",
            "--terraform-outputs",
            tf,
            "--endpoint-url",
            &run.endpoint,
            "--format",
            format,
        ]);
        let all = format!("{}{}", String::from_utf8_lossy(&out.stdout), stderr(&out));
        assert!(!all.contains(secret), "{format} leaked a secret");
        assert_eq!(out.status.code(), Some(4), "{format}: {}", stderr(&out));
    }
    let out = run_tool(&[
        "check",
        "--terraform-outputs",
        tf,
        "--endpoint-url",
        &run.endpoint,
        "--format",
        "json",
    ]);
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["target"]["alb"], run.seeded.alb_arn.as_str());
    assert_eq!(r["target"]["domain"], DOMAIN);
    expect(&r, REFERENCE);
}

/// The wire-level read-only check is not vacuous: a write through the proxy fails it.
#[tokio::test(flavor = "multi_thread")]
async fn the_read_only_check_catches_a_write() {
    let moto = Moto::start();
    let mut proxy = Proxy::start(&moto.endpoint(), &ProxyOptions::default());
    let conf = seed::sdk_config(&proxy.endpoint(), REGION).await;
    let ec2 = aws_sdk_ec2::Client::new(&conf);
    ec2.describe_vpcs().send().await.unwrap();
    proxy.assert_read_only();
    ec2.create_vpc()
        .cidr_block("10.9.0.0/16")
        .send()
        .await
        .unwrap();
    let eks = aws_sdk_eks::Client::new(&conf);
    let _ = eks.delete_cluster().name("x").send().await;
    let caught =
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| proxy.assert_read_only()));
    let msg = caught
        .unwrap_err()
        .downcast_ref::<String>()
        .cloned()
        .unwrap_or_default();
    assert!(msg.contains("ec2:CreateVpc"), "{msg}");
    // A REST write (EKS DeleteCluster is an HTTP DELETE) is caught too.
    let reqs = proxy.requests();
    assert!(
        reqs.iter()
            .any(|r| r.service == "eks" && r.method == "DELETE"),
        "{reqs:?}"
    );
    proxy.disarm();
}

/// Throttling and 5xx answers on a fraction of requests are retried: the
/// results equal a fault-free run's, and `stats` counts the retries.
#[tokio::test(flavor = "multi_thread")]
async fn injected_throttling_and_5xx_do_not_change_the_results() {
    let run = scenario_via(
        Variant::default(),
        &[],
        &ProxyOptions {
            fault_rate: 0.3,
            ..Default::default()
        },
    )
    .await;
    // The clean run goes through a proxy without faults (which answers what
    // moto lacks the same way).
    let clean_proxy = Proxy::start(&run.moto_endpoint, &ProxyOptions::default());
    let (clean, clean_code) = check(&clean_proxy.endpoint(), &[]);
    assert_eq!(run.report["results"], clean["results"]);
    assert_eq!(run.code, clean_code);
    let injected = run
        .proxy
        .requests()
        .iter()
        .filter(|r| matches!(r.injected.as_deref(), Some("throttle" | "5xx")))
        .count() as u64;
    let retries = run.report["stats"]["retries"].as_u64().unwrap();
    assert!(retries > 0, "{}", run.report["stats"]);
    assert!(
        retries <= injected,
        "{retries} retries, {injected} faults injected"
    );
    assert_eq!(clean["stats"]["retries"], 0);
    let kinds: std::collections::BTreeSet<_> = run
        .proxy
        .requests()
        .iter()
        .filter_map(|r| r.injected.clone())
        .filter(|k| k != "answered")
        .collect();
    assert_eq!(
        kinds.len(),
        2,
        "both throttling and 5xx were injected: {kinds:?}"
    );
}

/// A call that stays denied makes only the requirements that need it `error`,
/// naming the IAM action; every other result is unchanged.
#[tokio::test(flavor = "multi_thread")]
async fn a_denied_call_errors_only_what_needs_it() {
    let run = scenario_via(
        Variant::default(),
        &[],
        &ProxyOptions {
            deny: vec!["elasticloadbalancing:DescribeTargetHealth".into()],
            ..Default::default()
        },
    )
    .await;
    let (clean, _) = check(&run.moto_endpoint, &[]);
    let (denied, clean) = (statuses(&run.report), statuses(&clean));
    let changed: Vec<_> = denied
        .iter()
        .filter(|(id, s)| clean.get(*id) != Some(*s))
        .map(|(id, s)| format!("{id}: {s}"))
        .collect();
    assert_eq!(changed, vec!["ingress.targets-healthy: error"]);
    let r = result(&run.report, "ingress.targets-healthy");
    assert!(
        r["message"]
            .as_str()
            .unwrap()
            .contains("elasticloadbalancing:DescribeTargetHealth was denied"),
        "{r}"
    );
    // Nothing failed; the reference scenario's errors give exit code 4.
    assert_eq!(run.report["summary"]["fail"], 0);
    assert_eq!(run.code, 4);
}

/// A region where EKS is not offered: STS answers, EKS's endpoint does not.
/// The run stops with one line saying so, instead of a page of errors.
#[tokio::test(flavor = "multi_thread")]
async fn eks_not_answering_in_the_region_stops_the_run() {
    let moto = Moto::start();
    let proxy = Proxy::start(
        &moto.endpoint(),
        &ProxyOptions {
            drop: vec!["eks".into()],
            ..Default::default()
        },
    );
    let out = run_tool(&[
        "check",
        "--cluster",
        CLUSTER,
        "--domain",
        DOMAIN,
        "--region",
        "ap-southeast-9",
        "--endpoint-url",
        &proxy.endpoint(),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("EKS in ap-southeast-9 did not answer"),
        "{err}"
    );
}

// ------------------------------------------------------------ elastic compute
//
// moto gaps, answered by the proxy in AWS's wire format (support::seed::answers):
// EKS ListAddons, DescribeAddon and ListPodIdentityAssociations (absent in
// moto), Service Quotas for EC2 (moto knows only `vpc`), and DescribeNodegroup
// for a node group whose launch template sets the type (moto reports a default
// instance type; AWS reports none). EKS Auto Mode's DescribeCluster fields are
// absent in moto: tests/mocks.rs covers them.

/// Answers for a cluster whose add-ons are these, with a large quota.
fn compute_answers(addons: &[&str]) -> Vec<(String, String)> {
    vec![
        seed::answers::list_addons(addons),
        seed::answers::describe_addon(None),
        seed::answers::pod_identity_associations(&[]),
        seed::answers::quota(256.0),
    ]
}

const HELM_METRICS_SERVER: &[&str] = &[
    "aws-ebs-csi-driver",
    "coredns",
    "eks-pod-identity-agent",
    "kube-proxy",
    "vpc-cni",
];

/// The LangChain Terraform module's defaults — one m5.4xlarge node, min 1 /
/// desired 1 / max 10, metrics-server installed with Helm — give no `fail`
/// before `helm install`.
#[tokio::test(flavor = "multi_thread")]
async fn langchain_module_defaults_give_no_failure_at_preflight() {
    let v = Variant {
        node_count: 1,
        nodegroup_sizes: Some((1, 1, 10)),
        alb: false,
        ..Variant::default()
    };
    let run = scenario_via(
        v,
        &["--stage", "preflight"],
        &ProxyOptions {
            answers: compute_answers(HELM_METRICS_SERVER),
            ..Default::default()
        },
    )
    .await;
    let failed: Vec<_> = statuses(&run.report)
        .into_iter()
        .filter(|(_, s)| s == "fail")
        .collect();
    assert!(failed.is_empty(), "{failed:?}");
    expect(
        &run.report,
        &[
            ("eks.capacity", "warn"),
            ("eks.clickhouse-node", "warn"),
            ("eks.addons", "warn"),
            ("eks.instance-quota", "pass"),
        ],
    );
    let cap = result(&run.report, "eks.capacity")["message"]
        .as_str()
        .unwrap();
    assert!(
        cap.contains("if the cluster autoscaler scales them"),
        "{cap}"
    );
    let reach = run.report["facts"]["compute_reach"].to_string();
    assert!(reach.contains("min 1, desired 1, max 10"), "{reach}");
    assert!(
        run.report["facts"]["compute_reach"]
            .to_string()
            .contains("256 vCPUs"),
        "{reach}"
    );
    assert!(run.report["facts"]["nodes"]
        .to_string()
        .contains("1 × m5.4xlarge"));
}

/// A node group at zero that launches from a launch template setting the
/// type and the security groups: modelled from the template, reachability
/// from its security groups, nodes-private from the group's subnets.
#[tokio::test(flavor = "multi_thread")]
async fn node_group_at_zero_with_a_launch_template() {
    let v = Variant {
        run_instances: false,
        launch_template: Some("m5.4xlarge"),
        ..Variant::default()
    };
    let run = scenario_with(v, &["--stage", "preflight"], |s| {
        let mut answers = compute_answers(&["aws-ebs-csi-driver", "metrics-server", "vpc-cni"]);
        answers.push(seed::answers::nodegroup_with_launch_template(
            s.launch_template.as_deref().unwrap(),
            "1",
            &s.node_subnets,
            (0, 0, 6),
        ));
        ProxyOptions {
            answers,
            ..Default::default()
        }
    })
    .await;
    expect(
        &run.report,
        &[
            ("eks.capacity", "warn"),
            ("eks.clickhouse-node", "warn"),
            ("network.nodes-private", "pass"),
            ("postgres.reachable", "pass"),
            ("eks.instance-quota", "pass"),
        ],
    );
    let lt = run.seeded.launch_template.clone().unwrap();
    let cap = result(&run.report, "eks.capacity");
    assert!(
        cap["evidence"]
            .to_string()
            .contains(&format!("m5.4xlarge from launch template {lt} version 1")),
        "{}",
        cap["evidence"]
    );
    let pg = result(&run.report, "postgres.reachable");
    assert!(
        pg["evidence"]
            .to_string()
            .contains("node group default in subnet-"),
        "{}",
        pg["evidence"]
    );
    assert!(run
        .proxy
        .requests()
        .iter()
        .any(|r| r.action == "ec2:DescribeLaunchTemplateVersions"));
}

/// Karpenter before its first node: discovery-tagged subnets and security
/// group, no node group: warnings that name the kubectl check, no failure.
#[tokio::test(flavor = "multi_thread")]
async fn karpenter_before_its_first_node() {
    let v = Variant {
        nodegroup: false,
        run_instances: false,
        karpenter_discovery: true,
        alb: false,
        ..Variant::default()
    };
    let run = scenario_via(
        v,
        &["--stage", "preflight"],
        &ProxyOptions {
            answers: compute_answers(&["aws-ebs-csi-driver", "metrics-server", "vpc-cni"]),
            ..Default::default()
        },
    )
    .await;
    expect(
        &run.report,
        &[
            ("eks.capacity", "warn"),
            ("eks.clickhouse-node", "warn"),
            ("network.nodes-private", "pass"),
            ("postgres.reachable", "pass"),
        ],
    );
    let cap = result(&run.report, "eks.capacity")["message"]
        .as_str()
        .unwrap();
    assert!(
        cap.contains("Karpenter") && cap.contains("kubectl get nodepools"),
        "{cap}"
    );
}

/// Karpenter's running nodes are counted; a bastion tagged for the cluster
/// is not, and the evidence says so.
#[tokio::test(flavor = "multi_thread")]
async fn karpenter_nodes_count_and_a_bastion_does_not() {
    let v = Variant {
        nodegroup: false,
        karpenter_nodes: true,
        karpenter_discovery: true,
        standalone_instance: true,
        ..Variant::default()
    };
    let run = scenario_via(
        v,
        &[],
        &ProxyOptions {
            answers: compute_answers(&["aws-ebs-csi-driver", "metrics-server", "vpc-cni"]),
            ..Default::default()
        },
    )
    .await;
    expect(
        &run.report,
        &[("eks.capacity", "pass"), ("eks.clickhouse-node", "pass")],
    );
    let cap = result(&run.report, "eks.capacity");
    assert!(
        cap["message"].as_str().unwrap().contains("on 3 node(s)"),
        "{}",
        cap["message"]
    );
    let ev = cap["evidence"].to_string();
    assert!(ev.contains("Karpenter node pool default"), "{ev}");
    assert!(
        ev.contains("t3.micro): tagged for the cluster but no node signal"),
        "{ev}"
    );
}

/// A Fargate-only cluster: ClickHouse cannot keep its data there.
#[tokio::test(flavor = "multi_thread")]
async fn fargate_only_cluster_cannot_host_clickhouse() {
    let v = Variant {
        nodegroup: false,
        run_instances: false,
        fargate_profile: true,
        alb: false,
        ..Variant::default()
    };
    let run = scenario_via(
        v,
        &["--stage", "preflight"],
        &ProxyOptions {
            answers: compute_answers(&["aws-ebs-csi-driver", "metrics-server", "vpc-cni"]),
            ..Default::default()
        },
    )
    .await;
    expect(
        &run.report,
        &[("eks.capacity", "warn"), ("eks.clickhouse-node", "fail")],
    );
    let ch = result(&run.report, "eks.clickhouse-node")["message"]
        .as_str()
        .unwrap();
    assert!(
        ch.contains("EBS volumes cannot attach to Fargate pods"),
        "{ch}"
    );
    assert!(run.report["facts"]["compute_reach"]
        .to_string()
        .contains("Fargate profiles: langsmith"));
}

/// The On-Demand vCPU quota: too small fails, denied is an error naming it.
#[tokio::test(flavor = "multi_thread")]
async fn instance_quota_too_small_or_denied() {
    let mut answers = compute_answers(&["aws-ebs-csi-driver", "metrics-server", "vpc-cni"]);
    answers.retain(|(a, _)| a != "servicequotas:GetServiceQuota");
    answers.push(seed::answers::quota(32.0));
    let run = scenario_via(
        Variant::default(),
        &["--only", "eks.instance-quota"],
        &ProxyOptions {
            answers: answers.clone(),
            ..Default::default()
        },
    )
    .await;
    expect(&run.report, &[("eks.instance-quota", "fail")]);
    assert_eq!(run.code, 3);
    answers.retain(|(a, _)| a != "servicequotas:GetServiceQuota");
    let run = scenario_via(
        Variant::default(),
        &["--only", "eks.instance-quota"],
        &ProxyOptions {
            answers,
            deny: vec!["servicequotas:GetServiceQuota".into()],
            ..Default::default()
        },
    )
    .await;
    expect(&run.report, &[("eks.instance-quota", "error")]);
    let msg = result(&run.report, "eks.instance-quota")["message"]
        .as_str()
        .unwrap();
    assert!(
        msg.contains("servicequotas:GetServiceQuota was denied"),
        "{msg}"
    );
    assert_eq!(run.code, 4);
}

/// The EBS CSI driver outside EKS add-ons: an IAM role trusting its service
/// account makes it a warning with the kubectl check; nothing at all fails.
#[tokio::test(flavor = "multi_thread")]
async fn ebs_csi_driver_outside_eks_add_ons() {
    let addons = ["coredns", "metrics-server", "vpc-cni"];
    let run = scenario_via(
        Variant {
            ebs_csi_irsa_role: true,
            ..Variant::default()
        },
        &["--only", "eks.addons"],
        &ProxyOptions {
            answers: compute_answers(&addons),
            ..Default::default()
        },
    )
    .await;
    expect(&run.report, &[("eks.addons", "warn")]);
    let f = result(&run.report, "eks.addons");
    assert!(f["message"]
        .as_str()
        .unwrap()
        .contains("kubectl -n kube-system get deployment ebs-csi-controller"));
    assert!(
        f["evidence"].to_string().contains("role/langsmith-ebs-csi"),
        "{}",
        f["evidence"]
    );
    let sent: Vec<String> = run
        .proxy
        .requests()
        .iter()
        .map(|r| r.action.clone())
        .collect();
    assert!(sent.contains(&"iam:ListRoles".to_string()), "{sent:?}");
    assert!(
        sent.contains(&"eks:ListPodIdentityAssociations".to_string()),
        "{sent:?}"
    );
    let run = scenario_via(
        Variant::default(),
        &["--only", "eks.addons"],
        &ProxyOptions {
            answers: compute_answers(&addons),
            ..Default::default()
        },
    )
    .await;
    expect(&run.report, &[("eks.addons", "fail")]);
}

/// VPC CNI prefix delegation: nine m5.large nodes pass at 29 pods a node
/// (66.08 GiB) and fail at 110 (58.25 GiB).
#[tokio::test(flavor = "multi_thread")]
async fn prefix_delegation_lowers_allocatable_memory() {
    let v = || Variant {
        instance_type: "m5.large",
        node_count: 9,
        nodegroup_sizes: Some((9, 9, 9)),
        ..Variant::default()
    };
    let answers = |config: Option<&str>| {
        let mut a = compute_answers(&["aws-ebs-csi-driver", "metrics-server", "vpc-cni"]);
        a.retain(|(k, _)| k != "eks:DescribeAddon");
        a.push(seed::answers::describe_addon(config));
        ProxyOptions {
            answers: a,
            ..Default::default()
        }
    };
    let run = scenario_via(v(), &["--only", "eks.capacity"], &answers(None)).await;
    expect(&run.report, &[("eks.capacity", "pass")]);
    assert!(result(&run.report, "eks.capacity")["message"]
        .as_str()
        .unwrap()
        .contains("66.08 GiB"));
    let run = scenario_via(
        v(),
        &["--only", "eks.capacity"],
        &answers(Some(
            r#"{"env":{"ENABLE_PREFIX_DELEGATION":"true","WARM_PREFIX_TARGET":"1"}}"#,
        )),
    )
    .await;
    expect(&run.report, &[("eks.capacity", "fail")]);
    let f = result(&run.report, "eks.capacity");
    assert!(
        f["message"].as_str().unwrap().contains("58.25 GiB"),
        "{}",
        f["message"]
    );
    assert!(f["evidence"]
        .to_string()
        .contains("prefix delegation is on"));
}

// ------------------------------------------------------------ data stores

/// A read replica of the database in the same VPC is not a second candidate.
#[tokio::test(flavor = "multi_thread")]
async fn a_read_replica_is_not_a_second_database() {
    let run = scenario(
        Variant {
            pg_read_replica: true,
            ..Variant::default()
        },
        &[
            "--only",
            "postgres.version,postgres.reachable,postgres.backups,network.data-private",
        ],
    )
    .await;
    expect(
        &run.report,
        &[
            ("postgres.version", "pass"),
            ("postgres.reachable", "pass"),
            ("postgres.backups", "pass"),
            ("network.data-private", "pass"),
        ],
    );
    let f = result(&run.report, "postgres.version");
    assert!(
        f["evidence"]
            .to_string()
            .contains("langsmith-postgres-replica: left out: a read replica of langsmith-postgres"),
        "{}",
        f["evidence"]
    );
    assert_eq!(run.report["target"]["postgres"], "langsmith-postgres");
}

/// A Multi-AZ DB cluster (engine postgres in DescribeDBClusters) is the database.
#[tokio::test(flavor = "multi_thread")]
async fn a_multi_az_db_cluster_is_the_database() {
    let run = scenario(
        Variant {
            pg_multi_az_cluster: true,
            ..Variant::default()
        },
        &[
            "--only",
            "postgres.version,postgres.reachable,postgres.backups,postgres.encryption",
        ],
    )
    .await;
    expect(
        &run.report,
        &[
            ("postgres.version", "pass"),
            ("postgres.reachable", "pass"),
            ("postgres.backups", "pass"),
            ("postgres.encryption", "pass"),
        ],
    );
    let msg = result(&run.report, "postgres.version")["message"]
        .as_str()
        .unwrap();
    assert!(
        msg.starts_with("Multi-AZ DB cluster langsmith-postgres"),
        "{msg}"
    );
}

/// A database security group open to the internet on 5432 fails network isolation.
#[tokio::test(flavor = "multi_thread")]
async fn a_data_store_open_to_the_internet_is_not_private() {
    let run = scenario_changed(
        Variant::default(),
        &["--only", "network.data-private"],
        |conf, seeded| async move {
            aws_sdk_ec2::Client::new(&conf)
                .authorize_security_group_ingress()
                .group_id(&seeded.db_sg)
                .ip_permissions(
                    aws_sdk_ec2::types::IpPermission::builder()
                        .ip_protocol("tcp")
                        .from_port(5432)
                        .to_port(5432)
                        .ip_ranges(
                            aws_sdk_ec2::types::IpRange::builder()
                                .cidr_ip("0.0.0.0/0")
                                .build(),
                        )
                        .build(),
                )
                .send()
                .await
                .unwrap();
        },
    )
    .await;
    expect(&run.report, &[("network.data-private", "fail")]);
    let msg = result(&run.report, "network.data-private")["message"]
        .as_str()
        .unwrap();
    assert!(
        msg.contains("PostgreSQL langsmith-postgres is open to the internet on 5432"),
        "{msg}"
    );
    assert_eq!(run.code, 3);
}

/// A bucket without a public access block of its own, in an account whose S3
/// Block Public Access is fully on (S3 Control PutPublicAccessBlock in moto):
/// private, as S3 treats it. With the account's block unreadable instead, the
/// bucket's privacy is unknown: `error`, naming the IAM action.
#[tokio::test(flavor = "multi_thread")]
async fn the_accounts_public_access_block_counts_for_the_bucket() {
    let v = Variant {
        bucket_private: false,
        account_block: true,
        ..Variant::default()
    };
    let run = scenario(v.clone(), &["--only", "storage.bucket"]).await;
    expect(&run.report, &[("storage.bucket", "pass")]);
    let r = result(&run.report, "storage.bucket");
    assert!(
        r["evidence"]
            .to_string()
            .contains("account public access block (S3 Control): all four settings on"),
        "{r}"
    );
    assert_eq!(run.code, 0);

    let run = scenario_via(
        v,
        &["--only", "storage.bucket"],
        &ProxyOptions {
            deny: vec!["s3:GetAccountPublicAccessBlock".into()],
            ..Default::default()
        },
    )
    .await;
    expect(&run.report, &[("storage.bucket", "error")]);
    let r = result(&run.report, "storage.bucket");
    assert!(
        r["message"]
            .as_str()
            .unwrap()
            .contains("s3:GetAccountPublicAccessBlock was denied"),
        "{r}"
    );
    assert_eq!(run.code, 4);
}

/// An IPv6 cluster (`ipFamily = ipv6`) whose database admits the VPC's IPv6
/// block through `Ipv6Ranges` only: the nodes' IPv6 sources are admitted. The
/// same rule in an IPv4 cluster admits nothing: tests/eval/postgres.rs. Redis
/// is judged by the same code (checks::nodes_reach), but moto's
/// DescribeCacheClusters omits SecurityGroups, so redis.reachable stays
/// `error` against moto (see the top of this file).
#[tokio::test(flavor = "multi_thread")]
async fn an_ipv6_cluster_reaches_its_data_stores_over_ipv6_rules() {
    let run = scenario_changed(
        Variant {
            ipv6: true,
            db_rule_port: None,
            redis_rule_port: None,
            ..Variant::default()
        },
        &["--only", "postgres.reachable"],
        |conf, seeded| async move {
            assert!(seeded.vpc_ipv6.contains("::/56"), "{}", seeded.vpc_ipv6);
            let ec2 = aws_sdk_ec2::Client::new(&conf);
            for (group, port) in [(&seeded.db_sg, 5432)] {
                ec2.authorize_security_group_ingress()
                    .group_id(group)
                    .ip_permissions(
                        aws_sdk_ec2::types::IpPermission::builder()
                            .ip_protocol("tcp")
                            .from_port(port)
                            .to_port(port)
                            .ipv6_ranges(
                                aws_sdk_ec2::types::Ipv6Range::builder()
                                    .cidr_ipv6(&seeded.vpc_ipv6)
                                    .build(),
                            )
                            .build(),
                    )
                    .send()
                    .await
                    .unwrap();
            }
        },
    )
    .await;
    expect(&run.report, &[("postgres.reachable", "pass")]);
    let r = result(&run.report, "postgres.reachable");
    assert!(r["evidence"].to_string().contains("::/56"), "{r}");
    assert_eq!(run.code, 0);
}

/// CloudFront in front of the ALB, as AWS documents it: the domain is an alias
/// to a distribution whose origin is the ALB, and the ALB's security group
/// admits 443 only from CloudFront's origin-facing managed prefix list (moto
/// creates the AWS-managed list). The record is followed to the ALB, the list
/// is recognised by its name, and nothing fails or errors. moto's
/// ListDistributions omits the summaries' Aliases and Origins, so the
/// distribution list is answered in AWS's wire format by the proxy
/// (seed::answers::list_distributions). A second run without it: the
/// CloudFront name is no distribution of this account, so both warn.
#[tokio::test(flavor = "multi_thread")]
async fn cloudfront_in_front_of_the_alb() {
    const CF: &str = "d111111abcdef8.cloudfront.net";
    let only = [
        "--only",
        "dns.record,ingress.security-groups,ingress.alb,ingress.waf",
    ];
    let change = |conf: aws_types::SdkConfig, seeded: seed::Seeded| async move {
        // The domain → the distribution (CloudFront's alias hosted zone).
        seed::alias_domain(&conf, &seeded.zone_id, "Z2FDTNDATAQYW2", CF).await;
        // The ALB admits 443 only from CloudFront's origin-facing servers.
        let ec2 = aws_sdk_ec2::Client::new(&conf);
        let pl = ec2
            .describe_managed_prefix_lists()
            .filters(
                aws_sdk_ec2::types::Filter::builder()
                    .name("prefix-list-name")
                    .values("com.amazonaws.global.cloudfront.origin-facing")
                    .build(),
            )
            .send()
            .await
            .unwrap();
        let pl = pl.prefix_lists()[0].prefix_list_id().unwrap().to_string();
        let https = || {
            aws_sdk_ec2::types::IpPermission::builder()
                .ip_protocol("tcp")
                .from_port(443)
                .to_port(443)
        };
        ec2.revoke_security_group_ingress()
            .group_id(&seeded.alb_sg)
            .ip_permissions(
                https()
                    .ip_ranges(
                        aws_sdk_ec2::types::IpRange::builder()
                            .cidr_ip("0.0.0.0/0")
                            .build(),
                    )
                    .build(),
            )
            .send()
            .await
            .unwrap();
        ec2.authorize_security_group_ingress()
            .group_id(&seeded.alb_sg)
            .ip_permissions(
                https()
                    .prefix_list_ids(
                        aws_sdk_ec2::types::PrefixListId::builder()
                            .prefix_list_id(&pl)
                            .build(),
                    )
                    .build(),
            )
            .send()
            .await
            .unwrap();
    };
    let run = scenario_full(Variant::default(), &only, change, |seeded| ProxyOptions {
        answers: vec![seed::answers::list_distributions(
            "E2QWRUHEXAMPLE",
            CF,
            &seeded.alb_dns,
        )],
        ..Default::default()
    })
    .await;
    expect(
        &run.report,
        &[
            ("dns.record", "pass"),
            ("ingress.security-groups", "pass"),
            ("ingress.alb", "pass"),
            ("ingress.waf", "pass"),
        ],
    );
    let msg =
        |r: &serde_json::Value, id: &str| result(r, id)["message"].as_str().unwrap().to_string();
    assert!(
        msg(&run.report, "dns.record").contains("through CloudFront distribution E2QWRUHEXAMPLE"),
        "{}",
        msg(&run.report, "dns.record")
    );
    let sg = result(&run.report, "ingress.security-groups");
    assert!(
        sg["evidence"]
            .to_string()
            .contains("(CloudFront's origin-facing prefix list)"),
        "{sg}"
    );
    assert_eq!(run.code, 0);

    // moto's own answer: no distribution of this account has the ALB as origin.
    let run = scenario_changed(Variant::default(), &only, change).await;
    expect(
        &run.report,
        &[("dns.record", "warn"), ("ingress.security-groups", "warn")],
    );
    assert!(
        msg(&run.report, "dns.record").contains("not a distribution of this account"),
        "{}",
        msg(&run.report, "dns.record")
    );
}

/// An IAM server certificate on the HTTPS listener (UploadServerCertificate in
/// moto, then ModifyListener) is judged as what it is — its names and RSA-1024
/// key read from the body GetServerCertificate returns — not reported as "no
/// ACM certificate": covering the domain, unexpired, and failing on its key.
/// (moto's metadata reports a fixed Expiration in 2012; the body's notAfter,
/// from which AWS derives it, is what counts.)
#[tokio::test(flavor = "multi_thread")]
async fn an_iam_server_certificate_on_the_listener() {
    let run = scenario_changed(
        Variant::default(),
        &["--only", "tls.certificate"],
        |conf, seeded| async move {
            let arn = seed::upload_iam_certificate(&conf, "langsmith-legacy").await;
            let https = seed::https_listener(&conf, &seeded.alb_arn).await;
            let elb = aws_sdk_elasticloadbalancingv2::Client::new(&conf);
            elb.modify_listener()
                .listener_arn(https)
                .certificates(
                    aws_sdk_elasticloadbalancingv2::types::Certificate::builder()
                        .certificate_arn(arn)
                        .build(),
                )
                .send()
                .await
                .unwrap();
        },
    )
    .await;
    expect(&run.report, &[("tls.certificate", "fail")]);
    let r = result(&run.report, "tls.certificate");
    let msg = r["message"].as_str().unwrap();
    assert!(
        msg.contains(":server-certificate/langsmith-legacy covers langsmith.example.com"),
        "{msg}"
    );
    assert!(msg.contains("its key is RSA 1024-bit"), "{msg}");
    assert!(
        r["evidence"].to_string().contains(
            "IAM server certificate [langsmith.example.com, *.langsmith.example.com], RSA-1024, expires 2036-01-01T00:00:00Z"
        ),
        "{r}"
    );
    assert_eq!(run.code, 3);
}

/// Public subnets without kubernetes.io/role/elb before the ALB exists: a
/// warning that names the controller versions that need the tag. (A shared
/// VPC's hidden route tables need AWS RAM, which moto cannot share across
/// accounts: tests/eval/network.rs covers that shape.)
#[tokio::test(flavor = "multi_thread")]
async fn untagged_public_subnets_before_the_alb_warn() {
    let run = scenario(
        Variant {
            tag_public_subnets: false,
            alb: false,
            ..Variant::default()
        },
        &["--stage", "preflight", "--only", "network.public-subnets"],
    )
    .await;
    expect(&run.report, &[("network.public-subnets", "warn")]);
    let msg = result(&run.report, "network.public-subnets")["message"]
        .as_str()
        .unwrap();
    assert!(msg.contains("before 2.12.1"), "{msg}");
    assert_eq!(run.code, 0);
}

/// A database that admits the nodes only through a managed prefix list:
/// its entries are read (GetManagedPrefixListEntries) and decide.
#[tokio::test(flavor = "multi_thread")]
async fn a_prefix_list_that_holds_the_nodes_admits_them() {
    let run = scenario(
        Variant {
            db_rule_port: None,
            pg_prefix_list: true,
            ..Variant::default()
        },
        &["--only", "postgres.reachable"],
    )
    .await;
    expect(&run.report, &[("postgres.reachable", "pass")]);
    let ev = result(&run.report, "postgres.reachable")["evidence"].to_string();
    assert!(ev.contains("from prefix list pl-"), "{ev}");
    assert!(ev.contains("(entry 10.0.0.0/16)"), "{ev}");
    assert!(run
        .proxy
        .requests()
        .iter()
        .any(|r| r.action == "ec2:GetManagedPrefixListEntries"));
}

/// An RDS Proxy in front of the database, which admits only the proxy:
/// reachable through the proxy (DescribeDBProxies, DescribeDBProxyTargets).
#[tokio::test(flavor = "multi_thread")]
async fn the_database_is_reached_through_its_rds_proxy() {
    let run = scenario(
        Variant {
            pg_behind_proxy: true,
            ..Variant::default()
        },
        &["--only", "postgres.reachable"],
    )
    .await;
    expect(&run.report, &[("postgres.reachable", "pass")]);
    let msg = result(&run.report, "postgres.reachable")["message"]
        .as_str()
        .unwrap();
    assert!(msg.contains("through RDS Proxy langsmith-proxy"), "{msg}");
}

// ------------------------------------------------------------ ingress

/// A second HTTPS listener on 8443 with a TLS 1.0 policy fails
/// ingress.https, though the 443 listener is fine.
#[tokio::test(flavor = "multi_thread")]
async fn every_https_listener_counts() {
    use aws_sdk_elasticloadbalancingv2::types as t;
    let run = scenario_changed(
        Variant::default(),
        &["--only", "ingress.https"],
        |conf, seeded| async move {
            aws_sdk_elasticloadbalancingv2::Client::new(&conf)
                .create_listener()
                .load_balancer_arn(&seeded.alb_arn)
                .port(8443)
                .protocol(t::ProtocolEnum::Https)
                .ssl_policy("ELBSecurityPolicy-2016-08")
                .certificates(
                    t::Certificate::builder()
                        .certificate_arn(&seeded.cert_arn)
                        .build(),
                )
                .default_actions(
                    t::Action::builder()
                        .r#type(t::ActionTypeEnum::FixedResponse)
                        .fixed_response_config(
                            t::FixedResponseActionConfig::builder()
                                .status_code("404")
                                .build(),
                        )
                        .build(),
                )
                .send()
                .await
                .unwrap();
        },
    )
    .await;
    expect(&run.report, &[("ingress.https", "fail")]);
    let msg = result(&run.report, "ingress.https")["message"]
        .as_str()
        .unwrap();
    assert!(
        msg.contains("the 8443 listener's policy ELBSecurityPolicy-2016-08"),
        "{msg}"
    );
    assert_eq!(run.code, 3);
}

/// An ALB the controller tagged for another cluster is never LangSmith's:
/// nothing passes on it, and the failure names it.
#[tokio::test(flavor = "multi_thread")]
async fn another_clusters_alb_is_never_ours() {
    let run = scenario_changed(
        Variant::default(),
        &[
            "--only",
            "ingress.alb,ingress.https,ingress.waf,tls.certificate",
        ],
        |conf, seeded| async move {
            aws_sdk_elasticloadbalancingv2::Client::new(&conf)
                .add_tags()
                .resource_arns(&seeded.alb_arn)
                .tags(
                    aws_sdk_elasticloadbalancingv2::types::Tag::builder()
                        .key("elbv2.k8s.aws/cluster")
                        .value("staging")
                        .build(),
                )
                .send()
                .await
                .unwrap();
        },
    )
    .await;
    expect(&run.report, &[("ingress.alb", "fail")]);
    for id in ["ingress.https", "ingress.waf", "tls.certificate"] {
        assert_ne!(
            result(&run.report, id)["status"],
            "pass",
            "{id} passed on another cluster's ALB"
        );
    }
    let msg = result(&run.report, "ingress.alb")["message"]
        .as_str()
        .unwrap();
    assert!(msg.contains("elbv2.k8s.aws/cluster=staging"), "{msg}");
}

/// A shared ALB (an IngressGroup): another application's target group,
/// reached only by its own host rule and with no healthy target, is left
/// out; LangSmith's is judged (DescribeRules).
#[tokio::test(flavor = "multi_thread")]
async fn a_shared_albs_other_target_groups_are_left_out() {
    use aws_sdk_elasticloadbalancingv2::types as t;
    let run = scenario_changed(
        Variant::default(),
        &["--only", "ingress.targets-healthy"],
        |conf, seeded| async move {
            let elb = aws_sdk_elasticloadbalancingv2::Client::new(&conf);
            let tg = elb
                .create_target_group()
                .name("k8s-billing")
                .protocol(t::ProtocolEnum::Http)
                .port(30090)
                .vpc_id(&seeded.vpc)
                .target_type(t::TargetTypeEnum::Instance)
                .send()
                .await
                .unwrap()
                .target_groups()[0]
                .target_group_arn()
                .unwrap()
                .to_string();
            let https = elb
                .describe_listeners()
                .load_balancer_arn(&seeded.alb_arn)
                .send()
                .await
                .unwrap()
                .listeners()
                .iter()
                .find(|l| l.port() == Some(443))
                .and_then(|l| l.listener_arn())
                .unwrap()
                .to_string();
            elb.create_rule()
                .listener_arn(https)
                .priority(10)
                .conditions(
                    t::RuleCondition::builder()
                        .field("host-header")
                        .host_header_config(
                            t::HostHeaderConditionConfig::builder()
                                .values("billing.example.com")
                                .build(),
                        )
                        .build(),
                )
                .actions(
                    t::Action::builder()
                        .r#type(t::ActionTypeEnum::Forward)
                        .target_group_arn(tg)
                        .build(),
                )
                .send()
                .await
                .unwrap();
        },
    )
    .await;
    expect(&run.report, &[("ingress.targets-healthy", "pass")]);
    let ev = result(&run.report, "ingress.targets-healthy")["evidence"].to_string();
    assert!(
        ev.contains("left out target group k8s-billing as another application's"),
        "{ev}"
    );
    assert!(ev.contains("billing.example.com"), "{ev}");
    assert!(
        ev.contains("judged target group k8s-langsmith-frontend"),
        "{ev}"
    );
}
