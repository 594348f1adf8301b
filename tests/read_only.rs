//! Proof that the tool only reads: (1) `collect` is the only code that
//! touches `aws_sdk_*`, and every client call in it is describe/list/get;
//! (2) every operation actually sent during a full run against moto is a
//! `Describe*`, `List*` or `Get*`, and each is sent once.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use langsmith_preflight::collect::{collect, CallRecorder, Clients};
use langsmith_preflight::spec::Need;
use support::seed::{self, answers, Variant, CLUSTER, DOMAIN};

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn only_collect_touches_the_sdk_and_only_to_read() {
    let mut files = Vec::new();
    rust_files(Path::new("src"), &mut files);
    let clients = [
        "acm",
        "cloudfront",
        "ec2",
        "eks",
        "elasticache",
        "elbv2",
        "iam",
        "rds",
        "route53",
        "s3",
        "s3control",
        "servicequotas",
        "sts",
        "wafv2",
    ];
    let mut calls = 0;
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        let in_collect = f.starts_with("src/collect");
        if !in_collect {
            assert!(
                !text.contains("aws_sdk_"),
                "{} uses an AWS SDK crate outside collect/",
                f.display()
            );
            continue;
        }
        // `<client>\n   .operation(` — the client field, then the operation.
        let flat: String = text.split_whitespace().collect::<Vec<_>>().join("");
        for client in clients {
            let needle = format!("c.{client}.");
            for (i, _) in flat.match_indices(&needle) {
                let rest = &flat[i + needle.len()..];
                let op: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                calls += 1;
                assert!(
                    op.starts_with("describe_")
                        || op.starts_with("list_")
                        || op.starts_with("get_"),
                    "{}: {client}.{op} is not a read operation",
                    f.display()
                );
            }
        }
    }
    assert!(
        calls >= 25,
        "the scan found only {calls} client calls: is it still looking in the right place?"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_full_run_sends_only_reads_each_once() {
    let moto = support::moto::Moto::start();
    let conf = seed::sdk_config(&moto.endpoint(), "us-east-1").await;
    // A node group launching from a launch template, and add-ons without the
    // EBS CSI driver: every conditional read is sent.
    let seeded = seed::seed(
        &conf,
        &Variant {
            launch_template: Some("m5.4xlarge"),
            pg_prefix_list: true,
            pg_behind_proxy: true,
            ..Variant::default()
        },
    )
    .await;
    // An Aurora cluster with no member instance yet: its subnet group must be looked up.
    aws_sdk_rds::Client::new(&conf)
        .create_db_cluster()
        .db_cluster_identifier("aurora-empty")
        .engine("aurora-postgresql")
        .engine_version("15.4")
        .master_username("langsmith")
        .master_user_password("not-a-secret-2")
        .db_subnet_group_name("langsmith")
        .send()
        .await
        .unwrap();
    // An IAM server certificate beside the ACM one on the HTTPS listener
    // (an SNI certificate): GetServerCertificate is sent too.
    let iam_cert = seed::upload_iam_certificate(&conf, "langsmith-legacy").await;
    let https = seed::https_listener(&conf, &seeded.alb_arn).await;
    let elb = aws_sdk_elasticloadbalancingv2::Client::new(&conf);
    elb.add_listener_certificates()
        .listener_arn(https)
        .certificates(
            aws_sdk_elasticloadbalancingv2::types::Certificate::builder()
                .certificate_arn(iam_cert)
                .build(),
        )
        .send()
        .await
        .unwrap();
    // What moto lacks is answered by the proxy in AWS's wire format.
    let proxy = support::proxy::Proxy::start(
        &moto.endpoint(),
        &support::proxy::ProxyOptions {
            answers: vec![
                answers::list_addons(&["coredns", "kube-proxy", "vpc-cni"]),
                answers::describe_addon(Some("{}")),
                answers::pod_identity_associations(&[]),
                answers::quota(256.0),
                answers::nodegroup_with_launch_template(
                    seeded.launch_template.as_deref().unwrap(),
                    "1",
                    &seeded.node_subnets,
                    (3, 3, 5),
                ),
            ],
            ..Default::default()
        },
    );
    let conf = seed::sdk_config(&proxy.endpoint(), "us-east-1").await;
    let rec = CallRecorder::new();
    let clients = Clients::new(&conf, &rec);
    let target = langsmith_preflight::model::TargetSpec {
        cluster: CLUSTER.into(),
        domain: DOMAIN.into(),
        bucket: Some(seed::BUCKET.into()),
        ..Default::default()
    };
    let all: std::collections::BTreeSet<Need> = langsmith_preflight::registry::all()
        .iter()
        .flat_map(|r| r.needs.iter().copied())
        .collect();
    collect(&clients, &target, "us-east-1", &all).await.unwrap();
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for c in rec.calls() {
        assert!(
            ["Describe", "List", "Get"]
                .iter()
                .any(|p| c.operation.starts_with(p)),
            "{} {} is not a read",
            c.service,
            c.operation
        );
        *counts
            .entry(langsmith_preflight::collect::iam_action(
                &c.service,
                &c.operation,
            ))
            .or_default() += 1;
    }
    for (op, n) in &counts {
        let allowed = match op.as_str() {
            // Three tag filters (eks:cluster-name, eks:eks-cluster-name,
            // kubernetes.io/cluster/NAME) are ORed by three calls.
            "ec2:DescribeInstances" => 3,
            // moto's DescribeCluster omits vpcId: the fallback looks up the cluster's subnets once.
            "ec2:DescribeSubnets" => 2,
            // Once per listener (HTTP and HTTPS).
            "elasticloadbalancing:DescribeRules" => 2,
            _ => 1,
        };
        assert_eq!(*n, allowed, "{op} sent {n} times: {counts:?}");
    }
    assert!(counts.len() >= 20, "{counts:?}");
    assert_eq!(rec.retries(), 0);
    // The published IAM policy is exactly the set of actions sent.
    let sent: std::collections::BTreeSet<String> = rec
        .calls()
        .iter()
        .map(|c| langsmith_preflight::collect::iam_action(&c.service, &c.operation))
        .collect();
    let policy: std::collections::BTreeSet<String> = langsmith_preflight::collect::IAM_ACTIONS
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_same("sent in a full run", &sent, &policy);
}

/// Set equality that names the differences.
fn assert_same(what: &str, got: &BTreeSet<String>, policy: &BTreeSet<String>) {
    let extra: Vec<_> = got.difference(policy).collect();
    let missing: Vec<_> = policy.difference(got).collect();
    assert!(
        extra.is_empty() && missing.is_empty(),
        "{what}: not in the IAM policy: {extra:?}; in the policy but not {what}: {missing:?}"
    );
}

#[test]
fn the_policy_names_exactly_the_actions_collect_calls() {
    // The service files and the module root; actions.rs holds the policy itself.
    let mut files = Vec::new();
    rust_files(Path::new("src/collect"), &mut files);
    let src: String = files
        .iter()
        .filter(|f| !f.ends_with("actions.rs"))
        .map(|f| std::fs::read_to_string(f).unwrap())
        .collect();
    let mut named = std::collections::BTreeSet::new();
    for prefix in [
        "acm",
        "cloudfront",
        "ec2",
        "eks",
        "elasticache",
        "elasticloadbalancing",
        "iam",
        "rds",
        "route53",
        "s3",
        "servicequotas",
        "sts",
        "wafv2",
    ] {
        let needle = format!("\"{prefix}:");
        for (i, _) in src.match_indices(&needle) {
            let rest = &src[i + 1..];
            let action: String = rest.chars().take_while(|c| *c != '"').collect();
            // Actions are `service:Operation`; tag keys such as `eks:nodegroup-name` are not.
            if action[prefix.len() + 1..].starts_with(|c: char| c.is_ascii_uppercase()) {
                named.insert(action);
            }
        }
    }
    let policy: std::collections::BTreeSet<String> = langsmith_preflight::collect::IAM_ACTIONS
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_same("named in src/collect/", &named, &policy);
    let readme = std::fs::read_to_string("README.md").unwrap();
    assert!(
        readme.contains(&langsmith_preflight::collect::iam_policy()),
        "README.md's IAM policy is stale; `langsmith-preflight iam-policy` prints the current one"
    );
}

/// The dependency table the benchmark's critical path uses covers exactly the
/// actions the tool calls, and names only actions the tool calls.
#[test]
fn the_dependency_table_covers_every_action() {
    use langsmith_preflight::collect::{DEPENDS_ON, IAM_ACTIONS};
    let keys: BTreeSet<String> = DEPENDS_ON.iter().map(|(k, _)| k.to_string()).collect();
    let policy: BTreeSet<String> = IAM_ACTIONS.iter().map(|s| s.to_string()).collect();
    assert_same("keys of DEPENDS_ON", &keys, &policy);
    for (k, deps) in DEPENDS_ON {
        for d in *deps {
            assert!(policy.contains(*d), "{k} depends on unknown action {d}");
        }
    }
}

#[test]
fn the_critical_path_follows_dependencies_not_mere_order() {
    use langsmith_preflight::collect::critical_path;
    let c = |a: &str, s: f64, e: f64| (a.to_string(), s, e);
    let calls = vec![
        c("eks:DescribeCluster", 0.0, 1.0),
        c("ec2:DescribeSubnets", 1.0, 2.0),
        // Sent late, but it needs nothing: not part of a chain.
        c("ec2:DescribeVolumes", 2.0, 3.0),
        c("ec2:DescribeRouteTables", 2.0, 3.0),
        // A second page of route tables.
        c("ec2:DescribeRouteTables", 3.0, 4.0),
        // Parallel with the cluster: no edge.
        c("sts:GetCallerIdentity", 0.0, 1.0),
    ];
    let chain: Vec<&str> = critical_path(&calls, 0.01)
        .into_iter()
        .map(|i| calls[i].0.as_str())
        .collect();
    assert_eq!(
        chain,
        [
            "eks:DescribeCluster",
            "ec2:DescribeSubnets",
            "ec2:DescribeRouteTables",
            "ec2:DescribeRouteTables"
        ]
    );
}
