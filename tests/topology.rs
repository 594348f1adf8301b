//! The topology model: built by evaluation from what was resolved, each
//! node and edge judged by the requirements named for it. On the broken
//! example the picture marks exactly what its failing requirements name.

use std::collections::BTreeSet;

use langsmith_preflight::evaluate::report;
use langsmith_preflight::model::Inventory;
use langsmith_preflight::registry;
use langsmith_preflight::report::{Baseline, NodeKind, Report, Stage, Stats, Status};
use langsmith_preflight::settings::Settings;

fn example(name: &str, stage: Stage) -> Report {
    let text = std::fs::read_to_string(format!("examples/{name}")).unwrap();
    let inv: Inventory = serde_json::from_str(&text).unwrap();
    let reqs: Vec<_> = registry::all().iter().collect();
    let settings = Settings {
        stage,
        baseline: Baseline::Production,
        ..Default::default()
    };
    report(&inv, &settings, &reqs, name, Stats::default())
}

/// The reference example as JSON, to edit one thing in.
fn reference_json() -> serde_json::Value {
    let text = std::fs::read_to_string("examples/reference-deployment.json").unwrap();
    serde_json::from_str(&text).unwrap()
}

/// An edited inventory's report, with the default settings.
fn evaluated(v: serde_json::Value) -> Report {
    let inv: Inventory = serde_json::from_value(v).unwrap();
    let reqs: Vec<_> = registry::all().iter().collect();
    report(&inv, &Settings::default(), &reqs, "t", Stats::default())
}

fn failing_edges(r: &Report) -> BTreeSet<(String, String)> {
    r.topology
        .edges
        .iter()
        .filter(|e| e.status == Some(Status::Fail))
        .map(|e| (e.from.clone(), e.to.clone()))
        .collect()
}

fn failing_nodes(r: &Report) -> BTreeSet<String> {
    r.topology
        .nodes
        .iter()
        .filter(|n| n.status == Some(Status::Fail))
        .map(|n| n.id.clone())
        .collect()
}

#[test]
fn broken_example_marks_exactly_what_fails() {
    let r = example("broken-deployment.json", Stage::Installed);
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<BTreeSet<_>>();
    // postgres.reachable fails: every worker box → PostgreSQL, and nothing else.
    assert_eq!(
        failing_edges(&r),
        ["us-east-1a", "us-east-1b", "us-east-1c"]
            .iter()
            .map(|az| (format!("workers:{az}"), "postgres".to_string()))
            .collect()
    );
    for e in r
        .topology
        .edges
        .iter()
        .filter(|e| e.status == Some(Status::Fail))
    {
        assert_eq!(e.label, "TCP 5432");
        let j = &e.checks[0];
        assert_eq!(
            (j.requirement.as_str(), j.status),
            ("postgres.reachable", Status::Fail)
        );
        // The edge names the security group that blocks it.
        let sg = &r
            .results
            .iter()
            .find(|f| f.id == "postgres.reachable")
            .unwrap()
            .resources[1];
        assert!(e.resources.contains(sg), "{:?}", e.resources);
        assert!(j.message.as_deref().unwrap().contains(sg.as_str()));
    }
    // ingress.https (both listeners), postgres.version, storage.bucket and
    // the capacity requirements (every worker box).
    assert_eq!(
        failing_nodes(&r),
        s(&[
            "listener:80",
            "listener:443",
            "workers:us-east-1a",
            "workers:us-east-1b",
            "workers:us-east-1c",
            "postgres",
            "bucket",
        ])
    );
    // The warning on the ALB (no WAF) is marked as a warning, not a failure.
    assert_eq!(r.topology.node("alb").unwrap().status, Some(Status::Warn));
    // Every failing requirement the topology can name is on it.
    let judged = langsmith_preflight::topology::requirements_judged();
    let on_picture: BTreeSet<&str> = r
        .topology
        .nodes
        .iter()
        .flat_map(|n| n.checks.iter())
        .chain(r.topology.edges.iter().flat_map(|e| e.checks.iter()))
        .filter(|j| j.status == Status::Fail)
        .map(|j| j.requirement.as_str())
        .collect();
    let failing: BTreeSet<&str> = r
        .results
        .iter()
        .filter(|f| f.status == Status::Fail && judged.contains(&f.id.as_str()))
        .map(|f| f.id.as_str())
        .collect();
    assert_eq!(on_picture, failing);
    insta::assert_json_snapshot!("broken_topology", r.topology);
}

#[test]
fn reference_example_is_one_clean_path() {
    let r = example("reference-deployment.json", Stage::Installed);
    assert!(failing_edges(&r).is_empty());
    assert!(failing_nodes(&r).is_empty());
    let kinds: BTreeSet<NodeKind> = r.topology.nodes.iter().map(|n| n.kind).collect();
    for k in [
        NodeKind::Internet,
        NodeKind::Dns,
        NodeKind::LoadBalancer,
        NodeKind::Listener,
        NodeKind::TargetGroup,
        NodeKind::Workers,
        NodeKind::Postgres,
        NodeKind::Redis,
        NodeKind::Bucket,
    ] {
        assert!(kinds.contains(&k), "{k:?}");
    }
    // Every edge joins two nodes that exist; ids are unique.
    let ids: BTreeSet<&str> = r.topology.nodes.iter().map(|n| n.id.as_str()).collect();
    assert_eq!(ids.len(), r.topology.nodes.len());
    for e in &r.topology.edges {
        assert!(
            ids.contains(e.from.as_str()) && ids.contains(e.to.as_str()),
            "{e:?}"
        );
    }
    // The path is connected from the internet to PostgreSQL.
    let mut reach = BTreeSet::from(["internet"]);
    loop {
        let before = reach.len();
        for e in &r.topology.edges {
            if reach.contains(e.from.as_str()) {
                reach.insert(e.to.as_str());
            }
        }
        if reach.len() == before {
            break;
        }
    }
    assert!(
        reach.contains("postgres") && reach.contains("redis"),
        "{reach:?}"
    );
}

/// Before `helm install` there is no ALB to draw: the picture is DNS and
/// the data path, with no load balancer node and nothing judged by the
/// installed-stage requirements.
#[test]
fn preflight_stage_draws_no_load_balancer() {
    let r = example("reference-deployment.json", Stage::Preflight);
    assert!(r.topology.node("alb").is_none());
    assert!(r
        .topology
        .nodes
        .iter()
        .all(|n| n.kind != NodeKind::Listener));
    assert!(r.topology.edges.iter().any(|e| e.to == "postgres"));
}

/// A missing database is drawn as a gap, and the edges into it carry the
/// failing requirement.
#[test]
fn a_missing_database_is_a_gap_on_the_path() {
    let mut v = reference_json();
    v["db_instances"] = serde_json::json!({ "ok": [] });
    let r = evaluated(v);
    let pg = r.topology.node("postgres").expect("a gap node");
    assert!(pg.missing);
    assert_eq!(pg.label, "PostgreSQL (not found)");
    assert_eq!(pg.status, Some(Status::Fail));
    assert!(r
        .topology
        .edges
        .iter()
        .filter(|e| e.to == "postgres")
        .all(|e| e.status == Some(Status::Fail)));
}

/// A denied call is not drawn as a pass: the ALB node is `error`, marked as
/// unknown.
#[test]
fn an_unreadable_alb_is_unknown_not_absent() {
    let mut v = reference_json();
    v["load_balancers"] = serde_json::json!({ "failed": {
        "action": "elasticloadbalancing:DescribeLoadBalancers",
        "kind": "denied",
        "code": "AccessDenied",
        "message": "not authorized"
    }});
    let r = evaluated(v);
    let alb = r.topology.node("alb").expect("a gap node");
    assert!(alb.missing);
    assert_eq!(alb.label, "ALB (unknown)");
    assert_eq!(alb.status, Some(Status::Error));
    assert!(alb.details[0].contains("DescribeLoadBalancers"));
}

/// CloudFront in front of the ALB: the record → distribution → ALB, the
/// hop into the ALB judged by its security groups.
#[test]
fn cloudfront_sits_between_the_record_and_the_alb() {
    let mut v = reference_json();
    let cf = "d111111abcdef8.cloudfront.net";
    let alb = v["load_balancers"]["ok"][0]["dns_name"]
        .as_str()
        .unwrap()
        .to_string();
    v["dns_records"]["ok"][0]["alias_target"] = serde_json::json!(format!("{cf}."));
    v["distributions"] = serde_json::json!({"ok": [{"id": "E2QWRUHEXAMPLE", "domain_name": cf,
        "aliases": ["langsmith.example.com"], "origins": [alb], "enabled": true, "status": "Deployed"}]});
    let r = evaluated(v);
    let cdn = r
        .topology
        .node("cdn:E2QWRUHEXAMPLE")
        .expect("a CloudFront node");
    assert_eq!(cdn.kind, NodeKind::Cdn);
    let hops: Vec<(&str, &str)> = r
        .topology
        .edges
        .iter()
        .map(|e| (e.from.as_str(), e.to.as_str()))
        .filter(|(a, b)| *a == "dns" || *b == "alb")
        .collect();
    assert_eq!(
        hops,
        [("dns", "cdn:E2QWRUHEXAMPLE"), ("cdn:E2QWRUHEXAMPLE", "alb")]
    );
    let into = r.topology.edges.iter().find(|e| e.to == "alb").unwrap();
    assert!(into
        .checks
        .iter()
        .any(|c| c.requirement == "ingress.security-groups"));
    assert_eq!(into.status, Some(Status::Pass));
}

/// The database admits the nodes of one zone only: `postgres.reachable`
/// fails, and the picture marks the two zones whose nodes are blocked, not
/// the one whose nodes get through.
#[test]
fn only_the_blocked_zones_are_marked() {
    let mut v = reference_json();
    let subnets = v["subnets"]["ok"].as_array().unwrap().clone();
    let instances = v["instances"]["ok"].as_array().unwrap().clone();
    let node_a = instances
        .iter()
        .find(|i| i["availability_zone"] == "us-east-1a")
        .unwrap();
    let cidr_a = subnets
        .iter()
        .find(|s| s["id"] == node_a["subnet_id"])
        .unwrap()["cidr"]
        .clone();
    let db_sgs = v["db_instances"]["ok"][0]["security_group_ids"].clone();
    for g in v["security_groups"]["ok"].as_array_mut().unwrap() {
        if db_sgs.as_array().unwrap().contains(&g["id"]) {
            g["ingress"] = serde_json::json!([{"protocol": "tcp", "from_port": 5432, "to_port": 5432,
                "ipv4_cidrs": [cidr_a]}]);
        }
    }
    let r = evaluated(v);
    let f = r
        .results
        .iter()
        .find(|f| f.id == "postgres.reachable")
        .unwrap();
    assert_eq!(f.status, Status::Fail, "{}", f.message);
    let into_pg: Vec<(&str, Option<Status>)> = r
        .topology
        .edges
        .iter()
        .filter(|e| e.to == "postgres")
        .map(|e| (e.from.as_str(), e.status))
        .collect();
    assert_eq!(
        into_pg,
        [
            ("workers:us-east-1a", Some(Status::Pass)),
            ("workers:us-east-1b", Some(Status::Fail)),
            ("workers:us-east-1c", Some(Status::Fail)),
        ]
    );
    let a = r
        .topology
        .edges
        .iter()
        .find(|e| e.from == "workers:us-east-1a" && e.to == "postgres")
        .unwrap();
    assert!(
        a.checks[0].message.as_deref().unwrap().contains("admitted"),
        "{:?}",
        a.checks
    );
    // Redis admits every node: untouched.
    assert!(r
        .topology
        .edges
        .iter()
        .filter(|e| e.to == "redis")
        .all(|e| e.status == Some(Status::Pass)));
}
