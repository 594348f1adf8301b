//! Evaluation from fixture inventories: every requirement's pass, fail (or
//! warn) and error cases, including the boundaries. The base fixture is the
//! shipped example snapshot of the reference deployment; each case changes
//! one thing. Findings are snapshot-tested with insta.
//!
//! Test names start with the requirement id (dots and dashes as `_`).

use langsmith_preflight::evaluate::{evaluate, evaluation_time, Settings};
use langsmith_preflight::model::Inventory;
use langsmith_preflight::registry;
use langsmith_preflight::report::{Baseline, Finding, Stage, Status};
use serde_json::{json, Value};

fn base() -> Value {
    serde_json::from_str(include_str!("../examples/reference-deployment.json")).unwrap()
}

fn run_with(v: &Value, stage: Stage, baseline: Baseline) -> Vec<Finding> {
    let inv: Inventory = serde_json::from_value(v.clone()).expect("fixture is an inventory");
    let reqs: Vec<_> = registry::all().iter().collect();
    let (findings, _, _) = evaluate(
        &inv,
        &Settings {
            stage,
            baseline,
            ..Default::default()
        },
        evaluation_time(&inv),
        &reqs,
    );
    findings
}

fn run(v: &Value) -> Vec<Finding> {
    run_with(v, Stage::Installed, Baseline::Production)
}

fn find(findings: &[Finding], id: &str) -> Finding {
    findings.iter().find(|f| f.id == id).cloned().unwrap()
}

fn one(v: &Value, id: &str) -> Finding {
    find(&run(v), id)
}

fn ok<'a>(v: &'a mut Value, key: &str) -> &'a mut Vec<Value> {
    v[key]["ok"]
        .as_array_mut()
        .unwrap_or_else(|| panic!("{key} is not ok"))
}

fn deny(v: &mut Value, key: &str, action: &str) {
    v[key] = json!({"failed": {"action": action, "kind": "denied", "code": "AccessDenied", "message": "User is not authorized"}});
}

fn sg_named(v: &Value, name: &str) -> String {
    v["security_groups"]["ok"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["name"] == name)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string()
}

fn add_types(v: &mut Value) {
    ok(v, "instance_types").extend([
        json!({"name": "m5.xlarge", "vcpus": 4, "memory_mib": 16384, "max_network_interfaces": 4, "ipv4_addresses_per_interface": 15}),
        json!({"name": "m5.2xlarge", "vcpus": 8, "memory_mib": 32768, "max_network_interfaces": 4, "ipv4_addresses_per_interface": 15}),
    ]);
}

fn set_nodes(v: &mut Value, instance_type: &str, count: usize) {
    add_types(v);
    let first = ok(v, "instances")[0].clone();
    let nodes: Vec<Value> = (0..count)
        .map(|k| {
            let mut n = first.clone();
            n["id"] = json!(format!("i-{k:04}"));
            n["instance_type"] = json!(instance_type);
            n
        })
        .collect();
    v["instances"]["ok"] = json!(nodes);
}

fn public_subnet(v: &Value) -> String {
    v["load_balancers"]["ok"][0]["zones"][0]["subnet_id"]
        .as_str()
        .unwrap()
        .to_string()
}

// ---------------------------------------------------------------- all

#[test]
fn reference_fixture_passes_everything() {
    let findings = run(&base());
    let bad: Vec<_> = findings
        .iter()
        .filter(|f| f.status != Status::Pass)
        .map(|f| format!("{} {:?}: {}", f.id, f.status, f.message))
        .collect();
    assert!(bad.is_empty(), "{bad:#?}");
    insta::assert_json_snapshot!("reference_all", findings);
}

#[test]
fn preflight_stage_skips_installed_requirements() {
    let findings = run_with(&base(), Stage::Preflight, Baseline::Production);
    for f in &findings {
        let want = if f.stage == Stage::Installed {
            Status::Skip
        } else {
            Status::Pass
        };
        assert_eq!(f.status, want, "{}: {}", f.id, f.message);
    }
}

#[test]
fn a_denied_call_errors_only_the_requirements_that_need_it() {
    let mut v = base();
    let tg = &mut ok(&mut v, "target_groups")[0];
    tg["health"] = json!({"failed": {"action": "elasticloadbalancing:DescribeTargetHealth", "kind": "denied", "code": "AccessDenied", "message": "not authorized"}});
    let findings = run(&v);
    for f in &findings {
        if f.id == "ingress.targets-healthy" {
            assert_eq!(f.status, Status::Error);
            assert!(f
                .message
                .contains("elasticloadbalancing:DescribeTargetHealth was denied"));
            assert!(f
                .remediation
                .as_deref()
                .unwrap()
                .contains("Grant the read-only action elasticloadbalancing:DescribeTargetHealth"));
        } else {
            assert_eq!(f.status, Status::Pass, "{} changed: {}", f.id, f.message);
        }
    }
}

// ---------------------------------------------------------------- network

#[test]
fn network_single_vpc_fail_and_error() {
    let mut v = base();
    // Discovery only looks inside the VPC; a database elsewhere is named explicitly.
    ok(&mut v, "db_instances")[0]["vpc_id"] = json!("vpc-elsewhere");
    v["target"]["postgres"] = json!("langsmith-postgres");
    let f = one(&v, "network.single-vpc");
    assert_eq!(f.status, Status::Fail);
    insta::assert_json_snapshot!("network_single_vpc_fail", f);

    let mut v = base();
    deny(&mut v, "cluster", "eks:DescribeCluster");
    v["vpc_id"] = Value::Null;
    let f = one(&v, "network.single-vpc");
    assert_eq!(f.status, Status::Error);
    assert!(
        f.message.contains("eks:DescribeCluster was denied"),
        "{}",
        f.message
    );
}

#[test]
fn network_public_subnets_cases() {
    let mut v = base();
    for s in ok(&mut v, "subnets") {
        s["tags"]
            .as_object_mut()
            .unwrap()
            .remove("kubernetes.io/role/elb");
    }
    let f = one(&v, "network.public-subnets");
    assert_eq!(f.status, Status::Fail);
    assert!(
        f.message.contains("only 0 in 0 AZ(s) are tagged"),
        "{}",
        f.message
    );

    // Empty tag value counts (the controller accepts "" and "1").
    let mut v = base();
    for s in ok(&mut v, "subnets") {
        if let Some(t) = s["tags"].get_mut("kubernetes.io/role/elb") {
            *t = json!("");
        }
    }
    assert_eq!(one(&v, "network.public-subnets").status, Status::Pass);

    // One public subnet only: detach the others from the public route table.
    let mut v = base();
    let keep = public_subnet(&v);
    for t in ok(&mut v, "route_tables") {
        let ids = t["subnet_ids"].as_array_mut().unwrap();
        if ids.iter().any(|s| s == keep.as_str()) {
            ids.retain(|s| s == keep.as_str());
        }
    }
    let f = one(&v, "network.public-subnets");
    assert_eq!(f.status, Status::Fail);
    assert!(
        f.message.starts_with("1 public subnet(s) in 1 AZ(s)"),
        "{}",
        f.message
    );

    let mut v = base();
    deny(&mut v, "route_tables", "ec2:DescribeRouteTables");
    let f = one(&v, "network.public-subnets");
    assert_eq!(f.status, Status::Error);
    assert!(f.message.contains("ec2:DescribeRouteTables"));
}

#[test]
fn network_private_subnets_cases() {
    let mut v = base();
    for t in ok(&mut v, "route_tables") {
        t["routes"]
            .as_array_mut()
            .unwrap()
            .retain(|r| !r["target"].as_str().unwrap().starts_with("nat-"));
    }
    let f = one(&v, "network.private-subnets");
    assert_eq!(f.status, Status::Warn);
    insta::assert_json_snapshot!("network_private_subnets_warn_no_nat", f);

    let mut v = base();
    let public: Vec<String> = run(&v)
        .iter()
        .find(|f| f.id == "network.public-subnets")
        .unwrap()
        .resources
        .clone();
    ok(&mut v, "subnets").retain(|s| public.contains(&s["id"].as_str().unwrap().to_string()));
    let f = one(&v, "network.private-subnets");
    assert_eq!(f.status, Status::Fail);
    assert!(
        f.message.starts_with("0 private subnet(s)"),
        "{}",
        f.message
    );

    let mut v = base();
    deny(&mut v, "subnets", "ec2:DescribeSubnets");
    assert_eq!(one(&v, "network.private-subnets").status, Status::Error);
}

#[test]
fn network_nodes_private_cases() {
    let mut v = base();
    let public = public_subnet(&v);
    ok(&mut v, "instances")[0]["subnet_id"] = json!(public);
    let f = one(&v, "network.nodes-private");
    assert_eq!(f.status, Status::Fail);
    assert!(f.message.contains("in public subnet"), "{}", f.message);

    let mut v = base();
    deny(&mut v, "nodegroups", "eks:DescribeNodegroup");
    let f = one(&v, "network.nodes-private");
    assert_eq!(f.status, Status::Error);
    assert!(f.message.contains("eks:DescribeNodegroup"));
}

#[test]
fn network_data_private_cases() {
    let mut v = base();
    ok(&mut v, "db_instances")[0]["publicly_accessible"] = json!(true);
    let f = one(&v, "network.data-private");
    assert_eq!(f.status, Status::Fail);
    assert!(
        f.message.contains("is publicly accessible"),
        "{}",
        f.message
    );

    let mut v = base();
    let public = public_subnet(&v);
    ok(&mut v, "cache_subnet_groups")[0]["subnet_ids"] = json!([public]);
    let f = one(&v, "network.data-private");
    assert_eq!(f.status, Status::Fail);
    assert!(
        f.message.contains("Redis langsmith-redis in public subnet"),
        "{}",
        f.message
    );

    let mut v = base();
    deny(&mut v, "db_instances", "rds:DescribeDBInstances");
    let f = one(&v, "network.data-private");
    assert_eq!(f.status, Status::Error);
    assert!(f.message.contains("rds:DescribeDBInstances"));
}

// ---------------------------------------------------------------- ingress

#[test]
fn ingress_alb_cases() {
    let mut v = base();
    ok(&mut v, "load_balancers")[0]["scheme"] = json!("internal");
    let f = one(&v, "ingress.alb");
    assert_eq!(f.status, Status::Fail);
    assert!(
        f.message.contains("internal but placed in public subnet"),
        "{}",
        f.message
    );

    let mut v = base();
    ok(&mut v, "load_balancers")[0]["state"] = json!("provisioning");
    ok(&mut v, "load_balancers")[0]["zones"]
        .as_array_mut()
        .unwrap()
        .truncate(1);
    let f = one(&v, "ingress.alb");
    assert_eq!(f.status, Status::Fail);
    insta::assert_json_snapshot!("ingress_alb_fail_state_and_azs", f);

    // Two controller-made ALBs, neither serving the domain: ambiguous.
    let mut v = base();
    let mut twin = ok(&mut v, "load_balancers")[0].clone();
    twin["arn"] =
        json!("arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/twin/1");
    twin["name"] = json!("twin");
    ok(&mut v, "load_balancers").push(twin);
    ok(&mut v, "listeners").clear();
    let f = one(&v, "ingress.alb");
    assert_eq!(f.status, Status::Error);
    assert!(f.message.contains("2 candidate ALBs"), "{}", f.message);
    assert!(f.remediation.unwrap().contains("--alb"));

    let mut v = base();
    v["load_balancers"] = json!({"ok": []});
    let f = one(&v, "ingress.alb");
    assert_eq!(f.status, Status::Fail);
    assert!(
        f.message.starts_with("no ALB for the deployment"),
        "{}",
        f.message
    );

    let mut v = base();
    deny(
        &mut v,
        "load_balancers",
        "elasticloadbalancing:DescribeLoadBalancers",
    );
    assert_eq!(one(&v, "ingress.alb").status, Status::Error);
}

#[test]
fn ingress_https_cases() {
    let mut v = base();
    let forward = json!([{"action_type": "forward", "target_group_arns": ["arn:tg"]}]);
    for l in ok(&mut v, "listeners") {
        if l["protocol"] == "HTTP" {
            l["default_actions"] = forward.clone();
        }
    }
    let f = one(&v, "ingress.https");
    assert_eq!(f.status, Status::Fail);
    assert!(f.message.contains("serves plain HTTP"), "{}", f.message);

    let mut v = base();
    ok(&mut v, "listeners").retain(|l| l["port"] != 443);
    let f = one(&v, "ingress.https");
    assert_eq!(f.status, Status::Fail);
    assert!(
        f.message.contains("no HTTPS listener on 443"),
        "{}",
        f.message
    );

    let mut v = base();
    for l in ok(&mut v, "listeners") {
        if l["port"] == 443 {
            l["ssl_policy"] = json!("ELBSecurityPolicy-TLS-1-1-2017-01");
        }
    }
    ok(&mut v, "ssl_policies").push(
        json!({"name": "ELBSecurityPolicy-TLS-1-1-2017-01", "protocols": ["TLSv1.1", "TLSv1.2"]}),
    );
    let f = one(&v, "ingress.https");
    assert_eq!(f.status, Status::Fail);
    insta::assert_json_snapshot!("ingress_https_fail_tls11", f);

    let mut v = base();
    deny(
        &mut v,
        "ssl_policies",
        "elasticloadbalancing:DescribeSSLPolicies",
    );
    let f = one(&v, "ingress.https");
    assert_eq!(f.status, Status::Error);
    assert!(f.message.contains("DescribeSSLPolicies"));
}

#[test]
fn ingress_targets_healthy_cases() {
    let mut v = base();
    let health = ok(&mut v, "target_groups")[0]["health"]["ok"]
        .as_array_mut()
        .unwrap();
    health[0]["state"] = json!("unhealthy");
    health[0]["reason"] = json!("Target.ResponseCodeMismatch");
    health[0]["description"] = json!("Health checks failed with these codes: [404]");
    let f = one(&v, "ingress.targets-healthy");
    assert_eq!(f.status, Status::Fail);
    insta::assert_json_snapshot!("ingress_targets_healthy_fail_unhealthy", f);

    let mut v = base();
    let health = ok(&mut v, "target_groups")[0]["health"]["ok"]
        .as_array_mut()
        .unwrap();
    health[0]["state"] = json!("draining");
    health[0]["reason"] = json!("Target.DeregistrationInProgress");
    assert_eq!(one(&v, "ingress.targets-healthy").status, Status::Warn);

    let mut v = base();
    ok(&mut v, "target_groups")[0]["health"] = json!({"ok": []});
    let f = one(&v, "ingress.targets-healthy");
    assert_eq!(f.status, Status::Fail);

    let mut v = base();
    v["target_groups"] = json!({"ok": []});
    let f = one(&v, "ingress.targets-healthy");
    assert_eq!(f.status, Status::Fail);
    assert!(
        f.message.contains("no target group is attached"),
        "{}",
        f.message
    );
}

// ---------------------------------------------------------------- tls

fn set_cert(v: &mut Value, f: impl Fn(&mut Value)) {
    for c in ok(v, "certificates") {
        f(c);
    }
}

#[test]
fn tls_certificate_cases() {
    // Expiring within 30 days of the collection time: warn.
    let mut v = base();
    v["collected_at"] = json!("2026-11-23T00:00:00Z");
    set_cert(&mut v, |c| c["not_after"] = json!("2026-12-01T00:00:00Z"));
    let f = one(&v, "tls.certificate");
    assert_eq!(f.status, Status::Warn, "{}", f.message);
    assert!(f.message.contains("expires in 8 day(s)"), "{}", f.message);

    let mut v = base();
    set_cert(&mut v, |c| c["not_after"] = json!("2026-01-01T00:00:00Z"));
    assert_eq!(one(&v, "tls.certificate").status, Status::Fail);

    let mut v = base();
    set_cert(&mut v, |c| c["status"] = json!("PENDING_VALIDATION"));
    let f = one(&v, "tls.certificate");
    assert_eq!(f.status, Status::Fail);
    assert!(f.message.contains("PENDING_VALIDATION"), "{}", f.message);

    // Wildcard: one label, not the apex, not two labels deep.
    for (domain, want) in [
        ("langsmith.example.com", Status::Pass),
        ("example.com", Status::Fail),
        ("a.langsmith.example.com", Status::Fail),
    ] {
        let mut v = base();
        set_cert(&mut v, |c| c["domain"] = json!("*.example.com"));
        set_cert(&mut v, |c| c["sans"] = json!(["*.example.com"]));
        v["target"]["domain"] = json!(domain);
        let f = find(
            &run_with(&v, Stage::Preflight, Baseline::Production),
            "tls.certificate",
        );
        assert_eq!(f.status, want, "{domain}: {}", f.message);
    }

    // Installed: a covering certificate in ACM that the listener does not serve fails.
    let mut v = base();
    let mut other = ok(&mut v, "certificates")[0].clone();
    other["arn"] = json!("arn:aws:acm:us-east-1:123456789012:certificate/other");
    other["domain"] = json!("other.example.org");
    other["sans"] = json!(["other.example.org"]);
    ok(&mut v, "certificates").push(other);
    for l in ok(&mut v, "listeners") {
        if l["port"] == 443 {
            l["certificates"] = json!([{"arn": "arn:aws:acm:us-east-1:123456789012:certificate/other", "is_default": true}]);
        }
    }
    let f = one(&v, "tls.certificate");
    assert_eq!(f.status, Status::Fail);
    insta::assert_json_snapshot!("tls_certificate_fail_not_served", f);

    let mut v = base();
    deny(&mut v, "certificates", "acm:ListCertificates");
    let f = one(&v, "tls.certificate");
    assert_eq!(f.status, Status::Error);
    assert!(f.message.contains("acm:ListCertificates"));
}

// ---------------------------------------------------------------- postgres

#[test]
fn postgres_version_boundaries() {
    for (version, want) in [
        ("13.11", Status::Fail),
        ("14", Status::Pass),
        ("14.10", Status::Pass),
        ("9.6.22", Status::Fail),
        ("16.4", Status::Pass),
    ] {
        let mut v = base();
        ok(&mut v, "db_instances")[0]["engine_version"] = json!(version);
        let f = one(&v, "postgres.version");
        assert_eq!(f.status, want, "{version}: {}", f.message);
    }
    let mut v = base();
    ok(&mut v, "db_instances")[0]["engine_version"] = json!("13.11");
    insta::assert_json_snapshot!("postgres_version_fail_13", one(&v, "postgres.version"));

    let mut v = base();
    ok(&mut v, "db_instances")[0]["status"] = json!("backing-up");
    assert_eq!(one(&v, "postgres.version").status, Status::Warn);
    ok(&mut v, "db_instances")[0]["status"] = json!("stopped");
    assert_eq!(one(&v, "postgres.version").status, Status::Fail);
}

#[test]
fn postgres_version_aurora_and_discovery() {
    // Aurora PostgreSQL: a cluster with one member instance.
    let mut v = base();
    let mut member = ok(&mut v, "db_instances")[0].clone();
    member["id"] = json!("aurora-1");
    member["engine"] = json!("aurora-postgresql");
    member["cluster_id"] = json!("aurora");
    v["db_instances"]["ok"] = json!([member]);
    v["db_clusters"]["ok"] = json!([{
        "id": "aurora", "engine": "aurora-postgresql", "engine_version": "15.4",
        "status": "available", "port": 5432, "subnet_group": "langsmith",
        "security_group_ids": member["security_group_ids"].clone(), "members": ["aurora-1"]
    }]);
    let findings = run(&v);
    let f = find(&findings, "postgres.version");
    assert_eq!(f.status, Status::Pass, "{}", f.message);
    assert!(f
        .message
        .starts_with("Aurora cluster aurora runs PostgreSQL 15.4"));
    assert_eq!(find(&findings, "postgres.reachable").status, Status::Pass);
    assert_eq!(find(&findings, "network.data-private").status, Status::Pass);

    // Two candidates: error that asks for --postgres.
    let mut v = base();
    let mut twin = ok(&mut v, "db_instances")[0].clone();
    twin["id"] = json!("second");
    ok(&mut v, "db_instances").push(twin);
    let f = one(&v, "postgres.version");
    assert_eq!(f.status, Status::Error);
    assert!(f
        .message
        .contains("2 candidate PostgreSQL databases: langsmith-postgres, second"));
    // …which an explicit id resolves.
    v["target"]["postgres"] = json!("second");
    assert_eq!(one(&v, "postgres.version").status, Status::Pass);

    // Explicitly named but not PostgreSQL.
    let mut v = base();
    ok(&mut v, "db_instances")[0]["engine"] = json!("mysql");
    v["target"]["postgres"] = json!("langsmith-postgres");
    let f = one(&v, "postgres.version");
    assert_eq!(f.status, Status::Fail);
    assert!(f.message.contains("not PostgreSQL"), "{}", f.message);

    // Nothing in the VPC.
    let mut v = base();
    v["db_instances"] = json!({"ok": []});
    let f = one(&v, "postgres.version");
    assert_eq!(f.status, Status::Fail);
    assert!(
        f.message.starts_with("no PostgreSQL database in vpc-"),
        "{}",
        f.message
    );

    let mut v = base();
    deny(&mut v, "db_clusters", "rds:DescribeDBClusters");
    let f = one(&v, "postgres.version");
    assert_eq!(f.status, Status::Error);
    assert!(f
        .message
        .contains("rds:DescribeDBClusters was denied (AccessDenied)"));
}

fn db_rules(v: &mut Value, rules: Value) {
    let db_sg = sg_named(v, "langsmith-postgres");
    for g in ok(v, "security_groups") {
        if g["id"] == db_sg.as_str() {
            g["ingress"] = rules.clone();
        }
    }
}

#[test]
fn postgres_reachable_rule_kinds() {
    let mut v = base();
    let node_sg = sg_named(&v, "langsmith-nodes");
    // Security-group reference on the right port: pass (the base fixture).
    assert_eq!(one(&v, "postgres.reachable").status, Status::Pass);
    // A CIDR covering the nodes' addresses.
    db_rules(
        &mut v,
        json!([{"protocol": "tcp", "from_port": 5432, "to_port": 5432, "ipv4_cidrs": ["10.0.0.0/16"]}]),
    );
    let f = one(&v, "postgres.reachable");
    assert_eq!(f.status, Status::Pass, "{}", f.message);
    assert!(f.evidence[0].contains("tcp 5432 from 10.0.0.0/16"));
    // A CIDR that does not cover them.
    db_rules(
        &mut v,
        json!([{"protocol": "tcp", "from_port": 5432, "to_port": 5432, "ipv4_cidrs": ["10.1.0.0/16"]}]),
    );
    assert_eq!(one(&v, "postgres.reachable").status, Status::Fail);
    // All traffic from the node group.
    db_rules(
        &mut v,
        json!([{"protocol": "-1", "security_groups": [node_sg]}]),
    );
    assert_eq!(one(&v, "postgres.reachable").status, Status::Pass);
    // The right source on the wrong port.
    db_rules(
        &mut v,
        json!([{"protocol": "tcp", "from_port": 3306, "to_port": 3306, "security_groups": [node_sg]}]),
    );
    let f = one(&v, "postgres.reachable");
    assert_eq!(f.status, Status::Fail);
    insta::assert_json_snapshot!("postgres_reachable_fail_wrong_port", f);

    let mut v = base();
    deny(&mut v, "security_groups", "ec2:DescribeSecurityGroups");
    let f = one(&v, "postgres.reachable");
    assert_eq!(f.status, Status::Error);
    assert!(f.message.contains("ec2:DescribeSecurityGroups"));
}

// ---------------------------------------------------------------- redis

#[test]
fn redis_reachable_cases() {
    let v = base();
    assert_eq!(one(&v, "redis.reachable").status, Status::Pass);

    // A replication group whose member cluster carries the security group.
    let mut v = base();
    ok(&mut v, "cache_clusters")[0]["replication_group_id"] = json!("langsmith-rg");
    ok(&mut v, "cache_clusters")[0]["port"] = json!(6380);
    v["replication_groups"]["ok"] = json!([{"id": "langsmith-rg", "status": "available", "engine": "valkey", "member_clusters": ["langsmith-redis"], "port": 6380}]);
    let redis_sg = sg_named(&v, "langsmith-redis");
    let node_sg = sg_named(&v, "langsmith-nodes");
    for g in ok(&mut v, "security_groups") {
        if g["id"] == redis_sg.as_str() {
            g["ingress"] = json!([{"protocol": "tcp", "from_port": 6380, "to_port": 6380, "security_groups": [node_sg]}]);
        }
    }
    let f = one(&v, "redis.reachable");
    assert_eq!(f.status, Status::Pass, "{}", f.message);
    assert!(
        f.message
            .contains("replication group langsmith-rg admit TCP 6380"),
        "{}",
        f.message
    );

    let mut v = base();
    let redis_sg = sg_named(&v, "langsmith-redis");
    for g in ok(&mut v, "security_groups") {
        if g["id"] == redis_sg.as_str() {
            g["ingress"] = json!([]);
        }
    }
    let f = one(&v, "redis.reachable");
    assert_eq!(f.status, Status::Fail);
    insta::assert_json_snapshot!("redis_reachable_fail_no_rule", f);

    // No security groups reported (as moto answers): error, never pass.
    let mut v = base();
    ok(&mut v, "cache_clusters")[0]["security_group_ids"] = json!([]);
    let f = one(&v, "redis.reachable");
    assert_eq!(f.status, Status::Error);

    let mut v = base();
    deny(
        &mut v,
        "cache_subnet_groups",
        "elasticache:DescribeCacheSubnetGroups",
    );
    assert_eq!(one(&v, "redis.reachable").status, Status::Error);
}

// ---------------------------------------------------------------- eks

#[test]
fn eks_capacity_boundaries() {
    let mut v = base();
    set_nodes(&mut v, "m5.xlarge", 4);
    let f = one(&v, "eks.capacity");
    assert_eq!(f.status, Status::Fail);
    insta::assert_json_snapshot!("eks_capacity_fail_4x_m5_xlarge", f);

    let mut v = base();
    set_nodes(&mut v, "m5.xlarge", 5);
    assert_eq!(one(&v, "eks.capacity").status, Status::Pass);

    let mut v = base();
    deny(&mut v, "instance_types", "ec2:DescribeInstanceTypes");
    let f = one(&v, "eks.capacity");
    assert_eq!(f.status, Status::Error);
    assert!(f.message.contains("ec2:DescribeInstanceTypes"));
}

#[test]
fn eks_clickhouse_node_boundaries() {
    let mut v = base();
    set_nodes(&mut v, "m5.2xlarge", 3);
    let f = one(&v, "eks.clickhouse-node");
    assert_eq!(f.status, Status::Fail);
    assert!(f.message.contains("7.91 vCPU"), "{}", f.message);
    insta::assert_json_snapshot!("eks_clickhouse_node_fail_8_vcpu", f);
    // Under dev, an 8-vCPU node fits the dev-only sizing: warn.
    let f = find(
        &run_with(&v, Stage::Installed, Baseline::Dev),
        "eks.clickhouse-node",
    );
    assert_eq!(f.status, Status::Warn, "{}", f.message);

    // Under dev, one large node is enough; production needs three.
    let mut v = base();
    set_nodes(&mut v, "m5.4xlarge", 1);
    let f = find(
        &run_with(&v, Stage::Installed, Baseline::Dev),
        "eks.clickhouse-node",
    );
    assert_eq!(f.status, Status::Pass);
    assert_eq!(one(&v, "eks.clickhouse-node").status, Status::Fail);

    // 4-vCPU nodes fit neither (3.92 allocatable).
    let mut v = base();
    set_nodes(&mut v, "m5.xlarge", 6);
    let f = find(
        &run_with(&v, Stage::Installed, Baseline::Dev),
        "eks.clickhouse-node",
    );
    assert_eq!(f.status, Status::Fail);

    let mut v = base();
    deny(&mut v, "instances", "ec2:DescribeInstances");
    let f = one(&v, "eks.clickhouse-node");
    assert_eq!(f.status, Status::Error);
    assert!(f.message.contains("ec2:DescribeInstances"));
}

#[test]
fn nodes_are_modelled_from_node_groups_when_none_run() {
    let mut v = base();
    v["instances"] = json!({"ok": []});
    let findings = run(&v);
    let cap = find(&findings, "eks.capacity");
    assert_eq!(cap.status, Status::Pass);
    assert!(cap.evidence[0].contains("modelled 3 × m5.4xlarge from node group default"));

    v["nodegroups"] = json!({"ok": []});
    let cap = one(&v, "eks.capacity");
    assert_eq!(cap.status, Status::Fail);
    assert!(
        cap.message.starts_with("no running worker nodes"),
        "{}",
        cap.message
    );
}

// ---------------------------------------------------------------- the rest of the reference (issue 3)

fn run_settings(v: &Value, settings: Settings) -> Vec<Finding> {
    let inv: Inventory = serde_json::from_value(v.clone()).expect("fixture is an inventory");
    let reqs: Vec<_> = registry::all().iter().collect();
    evaluate(&inv, &settings, evaluation_time(&inv), &reqs).0
}

fn installed() -> Settings {
    Settings {
        stage: Stage::Installed,
        baseline: Baseline::Production,
        ..Default::default()
    }
}

fn rules_of<'a>(v: &'a mut Value, name: &str) -> &'a mut Vec<Value> {
    let id = sg_named(v, name);
    let g = ok(v, "security_groups")
        .iter_mut()
        .find(|g| g["id"] == id.as_str())
        .unwrap();
    g["ingress"].as_array_mut().unwrap()
}

fn assert_error_names(f: &Finding, action: &str) {
    assert_eq!(f.status, Status::Error, "{}: {}", f.id, f.message);
    assert!(f.message.contains(action), "{}: {}", f.id, f.message);
}

#[test]
fn ingress_security_groups_cases() {
    let f = one(&base(), "ingress.security-groups");
    assert_eq!(f.status, Status::Pass, "{}", f.message);
    assert!(f
        .evidence
        .iter()
        .any(|e| e.contains("clients 0.0.0.0/0 → ALB:443 allowed by")));

    // The nodes no longer admit the ALB on the target port.
    let mut v = base();
    rules_of(&mut v, "langsmith-nodes").retain(|r| r["from_port"] != 30080);
    let f = one(&v, "ingress.security-groups");
    assert_eq!(f.status, Status::Fail);
    assert!(
        f.message.contains("do not admit TCP 30080 from the ALB"),
        "{}",
        f.message
    );

    // A CIDR covering the ALB's subnets is as good as the ALB's security group.
    let mut v = base();
    let nodes = rules_of(&mut v, "langsmith-nodes");
    nodes.retain(|r| r["from_port"] != 30080);
    nodes.push(json!({"protocol": "tcp", "from_port": 30000, "to_port": 32767, "ipv4_cidrs": ["10.0.0.0/18"]}));
    assert_eq!(one(&v, "ingress.security-groups").status, Status::Pass);

    // The ALB does not admit the internet on 443.
    let mut v = base();
    rules_of(&mut v, "k8s-langsmith-alb")[0]["ipv4_cidrs"] = json!(["10.20.0.0/16"]);
    let f = one(&v, "ingress.security-groups");
    assert_eq!(f.status, Status::Fail);
    assert!(
        f.message.contains("do not admit TCP 443 from 0.0.0.0/0"),
        "{}",
        f.message
    );
    // … which is right for a deliberately restricted ALB.
    let f = find(
        &run_settings(
            &v,
            Settings {
                alb_allowed_cidrs: Some(vec!["10.20.4.0/24".into()]),
                ..installed()
            },
        ),
        "ingress.security-groups",
    );
    assert_eq!(f.status, Status::Pass, "{}", f.message);

    let mut v = base();
    deny(&mut v, "security_groups", "ec2:DescribeSecurityGroups");
    assert_error_names(
        &one(&v, "ingress.security-groups"),
        "ec2:DescribeSecurityGroups",
    );
}

#[test]
fn ingress_waf_cases() {
    assert_eq!(one(&base(), "ingress.waf").status, Status::Pass);
    let mut v = base();
    ok(&mut v, "web_acls")[0]["web_acl_arn"] = Value::Null;
    ok(&mut v, "web_acls")[0]["web_acl_name"] = Value::Null;
    let f = one(&v, "ingress.waf");
    assert_eq!(f.status, Status::Warn);
    assert!(f.message.contains("no WAFv2 web ACL"));
    assert!(f.remediation.unwrap().contains("README.md §10"));
    let mut v = base();
    deny(&mut v, "web_acls", "wafv2:GetWebACLForResource");
    assert_error_names(&one(&v, "ingress.waf"), "wafv2:GetWebACLForResource");
    // Before install there is no ALB to protect.
    let f = find(
        &run_with(&base(), Stage::Preflight, Baseline::Production),
        "ingress.waf",
    );
    assert_eq!(f.status, Status::Skip);
}

#[test]
fn ingress_single_entry_cases() {
    assert_eq!(one(&base(), "ingress.single-entry").status, Status::Pass);
    // A Service of type LoadBalancer made an internet-facing NLB for the cluster.
    let mut v = base();
    let mut nlb = ok(&mut v, "load_balancers")[0].clone();
    nlb["arn"] = json!("arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/k8s-langsmith-frontend/1");
    nlb["name"] = json!("k8s-langsmith-frontend");
    nlb["lb_type"] = json!("network");
    nlb["tags"] = json!({"elbv2.k8s.aws/cluster": "langsmith", "service.k8s.aws/stack": "langsmith/langsmith-frontend"});
    ok(&mut v, "load_balancers").push(nlb.clone());
    let f = one(&v, "ingress.single-entry");
    assert_eq!(f.status, Status::Warn);
    assert!(f.message.contains("k8s-langsmith-frontend (network load balancer, created for langsmith/langsmith-frontend)"), "{}", f.message);
    // An internal one is not an entry point from outside.
    ok(&mut v, "load_balancers").last_mut().unwrap()["scheme"] = json!("internal");
    assert_eq!(one(&v, "ingress.single-entry").status, Status::Pass);
    let mut v = base();
    deny(
        &mut v,
        "load_balancers",
        "elasticloadbalancing:DescribeLoadBalancers",
    );
    assert_error_names(
        &one(&v, "ingress.single-entry"),
        "elasticloadbalancing:DescribeLoadBalancers",
    );
}

#[test]
fn dns_record_cases() {
    assert_eq!(one(&base(), "dns.record").status, Status::Pass);
    // A CNAME to the ALB's name passes as well as an alias.
    let mut v = base();
    let alb = v["load_balancers"]["ok"][0]["dns_name"].clone();
    ok(&mut v, "dns_records")[0] = json!({"zone_id": "Z1", "name": "langsmith.example.com.", "record_type": "CNAME", "values": [alb]});
    assert_eq!(one(&v, "dns.record").status, Status::Pass);
    // Points elsewhere.
    let mut v = base();
    ok(&mut v, "dns_records")[0]["alias_target"] = json!("old-alb-1.us-east-1.elb.amazonaws.com.");
    let f = one(&v, "dns.record");
    assert_eq!(f.status, Status::Fail);
    assert!(
        f.message
            .contains("points at old-alb-1.us-east-1.elb.amazonaws.com."),
        "{}",
        f.message
    );
    // No record.
    let mut v = base();
    ok(&mut v, "dns_records").clear();
    let f = one(&v, "dns.record");
    assert_eq!(f.status, Status::Fail);
    assert!(
        f.message.contains("no A/AAAA alias or CNAME"),
        "{}",
        f.message
    );
    // A TXT record alone is not a record for the endpoint.
    ok(&mut v, "dns_records").push(json!({"zone_id": "Z1", "name": "langsmith.example.com.", "record_type": "TXT", "values": ["\"v=x\""]}));
    assert_eq!(one(&v, "dns.record").status, Status::Fail);
    // DNS hosted elsewhere.
    let mut v = base();
    ok(&mut v, "hosted_zones").clear();
    ok(&mut v, "dns_records").clear();
    let f = one(&v, "dns.record");
    assert_eq!(f.status, Status::Skip);
    assert!(f.message.contains("DNS hosted elsewhere"));
    let mut v = base();
    deny(&mut v, "hosted_zones", "route53:ListHostedZones");
    assert_error_names(&one(&v, "dns.record"), "route53:ListHostedZones");
    let mut v = base();
    deny(&mut v, "dns_records", "route53:ListResourceRecordSets");
    assert_error_names(&one(&v, "dns.record"), "route53:ListResourceRecordSets");
}

#[test]
fn postgres_backups_and_encryption_cases() {
    let v = base();
    assert_eq!(one(&v, "postgres.backups").status, Status::Pass);
    assert_eq!(one(&v, "postgres.encryption").status, Status::Pass);
    let set = |days: Value, enc: Value| {
        let mut v = base();
        ok(&mut v, "db_instances")[0]["backup_retention_days"] = days;
        ok(&mut v, "db_instances")[0]["storage_encrypted"] = enc;
        v
    };
    // Boundary: one day of retention is "on".
    assert_eq!(
        one(&set(json!(1), json!(true)), "postgres.backups").status,
        Status::Pass
    );
    let f = one(&set(json!(0), json!(false)), "postgres.backups");
    assert_eq!(f.status, Status::Fail);
    assert!(f.message.contains("retention 0 day(s)"));
    assert_eq!(
        one(&set(json!(0), json!(false)), "postgres.encryption").status,
        Status::Warn
    );
    // Not reported: never a pass.
    let v = set(Value::Null, Value::Null);
    assert_eq!(one(&v, "postgres.backups").status, Status::Error);
    assert_eq!(one(&v, "postgres.encryption").status, Status::Error);
    let mut v = base();
    deny(&mut v, "db_instances", "rds:DescribeDBInstances");
    assert_error_names(&one(&v, "postgres.backups"), "rds:DescribeDBInstances");
    assert_error_names(&one(&v, "postgres.encryption"), "rds:DescribeDBInstances");
}

#[test]
fn redis_version_boundaries() {
    let with = |engine: &str, version: &str, status: &str| {
        let mut v = base();
        let c = &mut ok(&mut v, "cache_clusters")[0];
        c["engine"] = json!(engine);
        c["engine_version"] = json!(version);
        c["status"] = json!(status);
        one(&v, "redis.version")
    };
    for (engine, version, want) in [
        ("redis", "4.0.10", Status::Fail),
        ("redis", "5.0.6", Status::Pass),
        ("redis", "7.1", Status::Pass),
        ("valkey", "7.2", Status::Fail),
        ("valkey", "8.0", Status::Pass),
    ] {
        let f = with(engine, version, "available");
        assert_eq!(f.status, want, "{engine} {version}: {}", f.message);
    }
    let f = with("redis", "7.1", "modifying");
    assert_eq!(f.status, Status::Fail);
    assert!(f.message.contains("status is modifying"));
    let f = one(&base(), "redis.version");
    assert!(
        f.evidence[0].contains("node type cache.t3.medium"),
        "{:?}",
        f.evidence
    );
    let mut v = base();
    ok(&mut v, "cache_clusters")[0]["transit_encryption"] = json!(true);
    assert!(one(&v, "redis.version").evidence[0].contains("clients must use rediss://"));
    let mut v = base();
    deny(
        &mut v,
        "cache_clusters",
        "elasticache:DescribeCacheClusters",
    );
    assert_error_names(
        &one(&v, "redis.version"),
        "elasticache:DescribeCacheClusters",
    );
}

#[test]
fn eks_cluster_support_calendar() {
    let at = |version: &str, status: &str, when: &str| {
        let mut v = base();
        v["cluster"]["ok"]["version"] = json!(version);
        v["cluster"]["ok"]["status"] = json!(status);
        v["collected_at"] = json!(when);
        one(&v, "eks.cluster")
    };
    // 1.32: standard support until 2026-03-23, extended until 2027-03-23.
    assert_eq!(
        at("1.32", "ACTIVE", "2026-03-23T12:00:00Z").status,
        Status::Pass
    );
    let f = at("1.32", "ACTIVE", "2026-03-24T00:00:00Z");
    assert_eq!(f.status, Status::Warn);
    assert!(f.message.contains("extended support"), "{}", f.message);
    assert_eq!(
        at("1.32", "ACTIVE", "2027-03-24T00:00:00Z").status,
        Status::Fail
    );
    // Newer than the calendar: in standard support.
    assert_eq!(
        at("1.99", "ACTIVE", "2026-11-23T00:00:00Z").status,
        Status::Pass
    );
    // Older than anything the calendar knows.
    assert_eq!(
        at("1.19", "ACTIVE", "2026-11-23T00:00:00Z").status,
        Status::Fail
    );
    assert_eq!(
        at("1.35", "UPDATING", "2026-11-23T00:00:00Z").status,
        Status::Warn
    );
    let f = at("1.35", "FAILED", "2026-11-23T00:00:00Z");
    assert_eq!(f.status, Status::Fail);
    assert!(f.message.contains("FAILED, not ACTIVE"));
    let mut v = base();
    v["cluster"]["ok"]["version"] = Value::Null;
    assert_eq!(one(&v, "eks.cluster").status, Status::Error);
}

#[test]
fn eks_addons_cases() {
    assert_eq!(one(&base(), "eks.addons").status, Status::Pass);
    let with = |addons: &[&str], clickhouse| {
        let mut v = base();
        v["addons"] = json!({ "ok": addons });
        find(
            &run_settings(
                &v,
                Settings {
                    clickhouse,
                    ..installed()
                },
            ),
            "eks.addons",
        )
    };
    use langsmith_preflight::evaluate::ClickhouseMode::*;
    let f = with(&["coredns", "metrics-server"], InCluster);
    assert_eq!(f.status, Status::Fail);
    assert!(f.message.contains("aws-ebs-csi-driver"));
    // External ClickHouse needs no EBS CSI driver.
    assert_eq!(
        with(&["coredns", "metrics-server"], External).status,
        Status::Pass
    );
    let f = with(&["aws-ebs-csi-driver"], InCluster);
    assert_eq!(f.status, Status::Warn);
    assert!(f.message.contains("metrics-server"));
    let mut v = base();
    deny(&mut v, "addons", "eks:ListAddons");
    assert_error_names(&one(&v, "eks.addons"), "eks:ListAddons");
}

#[test]
fn eks_irsa_cases() {
    assert_eq!(one(&base(), "eks.irsa").status, Status::Pass);
    // Pod Identity alone is enough.
    let mut v = base();
    ok(&mut v, "oidc_providers").clear();
    assert_eq!(one(&v, "eks.irsa").status, Status::Pass);
    // Neither.
    v["addons"] = json!({"ok": ["aws-ebs-csi-driver", "metrics-server"]});
    let f = one(&v, "eks.irsa");
    assert_eq!(f.status, Status::Warn);
    assert!(
        f.message.contains("not registered as an IAM OIDC provider"),
        "{}",
        f.message
    );
    // A provider for another cluster's issuer does not count.
    ok(&mut v, "oidc_providers").push(json!(
        "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/OTHER"
    ));
    assert_eq!(one(&v, "eks.irsa").status, Status::Warn);
    // Unknown either way: error, never pass or warn.
    let mut v = base();
    v["addons"] = json!({"ok": []});
    deny(&mut v, "oidc_providers", "iam:ListOpenIDConnectProviders");
    assert_error_names(&one(&v, "eks.irsa"), "iam:ListOpenIDConnectProviders");
    // … unless the other path already proves it.
    let mut v = base();
    deny(&mut v, "oidc_providers", "iam:ListOpenIDConnectProviders");
    assert_eq!(one(&v, "eks.irsa").status, Status::Pass);
}

#[test]
fn storage_bucket_cases() {
    assert_eq!(one(&base(), "storage.bucket").status, Status::Pass);
    let with = |f: &dyn Fn(&mut Value)| {
        let mut v = base();
        f(&mut v["bucket"]["ok"]);
        one(&v, "storage.bucket")
    };
    let f = with(&|b| b["region"] = json!("eu-west-1"));
    assert_eq!(f.status, Status::Fail);
    assert!(
        f.message
            .contains("in eu-west-1, not in the deployment's region us-east-1"),
        "{}",
        f.message
    );
    let f = with(&|b| b["public_access_block"] = json!([true, true, false, true]));
    assert_eq!(f.status, Status::Fail);
    assert!(
        f.message.contains("leaves BlockPublicPolicy off"),
        "{}",
        f.message
    );
    let f = with(&|b| b["encryption"] = Value::Null);
    assert_eq!(f.status, Status::Fail);
    assert!(f.message.contains("no default encryption"));
    let f = with(&|b| b["exists"] = json!(false));
    assert_eq!(f.status, Status::Fail);
    assert!(f.message.contains("no such S3 bucket"));
    // No bucket named: production warns, dev skips.
    let mut v = base();
    v["target"]["bucket"] = Value::Null;
    v["bucket"] = json!("not_collected");
    assert_eq!(one(&v, "storage.bucket").status, Status::Warn);
    let f = find(
        &run_with(&v, Stage::Installed, Baseline::Dev),
        "storage.bucket",
    );
    assert_eq!(f.status, Status::Skip);
    let mut v = base();
    deny(&mut v, "bucket", "s3:GetBucketPublicAccessBlock");
    assert_error_names(&one(&v, "storage.bucket"), "s3:GetBucketPublicAccessBlock");
}

#[test]
fn clickhouse_storage_cases() {
    assert_eq!(one(&base(), "clickhouse.storage").status, Status::Pass);
    let with = |f: &dyn Fn(&mut Value)| {
        let mut v = base();
        for vol in ok(&mut v, "volumes") {
            f(vol);
        }
        one(&v, "clickhouse.storage")
    };
    // Boundaries: exactly 7000 IOPS and 1000 MiB/s pass; one less warns.
    let f = with(&|vol| vol["iops"] = json!(6999));
    assert_eq!(f.status, Status::Warn);
    assert!(f.message.contains("6999 IOPS (< 7000)"), "{}", f.message);
    let f = with(&|vol| vol["throughput"] = json!(999));
    assert_eq!(f.status, Status::Warn);
    // io2 has no throughput setting to check.
    let f = with(&|vol| {
        vol["volume_type"] = json!("io2");
        vol["throughput"] = Value::Null;
    });
    assert_eq!(f.status, Status::Pass, "{}", f.message);
    let f = with(&|vol| vol["volume_type"] = json!("gp2"));
    assert_eq!(f.status, Status::Warn);
    assert!(
        f.message
            .contains("gp2, not an SSD type with provisioned IOPS"),
        "{}",
        f.message
    );
    // Volumes of another cluster do not count: ClickHouse has none of its own.
    let f = with(&|vol| vol["clusters"] = json!(["other-cluster"]));
    assert_eq!(f.status, Status::Fail);
    assert!(f.message.contains("TROUBLESHOOTING §7.3"), "{}", f.message);
    let mut v = base();
    use langsmith_preflight::evaluate::ClickhouseMode;
    let f = find(
        &run_settings(
            &v,
            Settings {
                clickhouse: ClickhouseMode::External,
                ..installed()
            },
        ),
        "clickhouse.storage",
    );
    assert_eq!(f.status, Status::Skip);
    let f = find(
        &run_settings(
            &v,
            Settings {
                clickhouse: ClickhouseMode::External,
                ..installed()
            },
        ),
        "eks.clickhouse-node",
    );
    assert_eq!(f.status, Status::Skip);
    assert!(f.message.contains("external"));
    deny(&mut v, "volumes", "ec2:DescribeVolumes");
    assert_error_names(&one(&v, "clickhouse.storage"), "ec2:DescribeVolumes");
}

/// A rule whose source is a managed prefix list cannot be resolved by the
/// tool: when nothing else admits the nodes, the answer is unknown (`error`,
/// naming the prefix list), never `pass` and never a confident `fail`.
#[test]
fn prefix_list_rules_are_unknown_not_pass_or_fail() {
    let mut v = base();
    rules_of(&mut v, "langsmith-postgres")[0] = json!({"protocol": "tcp", "from_port": 5432, "to_port": 5432, "prefix_lists": ["pl-0123abcd"]});
    let f = one(&v, "postgres.reachable");
    assert_eq!(f.status, Status::Error, "{}", f.message);
    assert!(f.message.contains("pl-0123abcd"), "{}", f.message);
    assert!(f
        .remediation
        .unwrap()
        .contains("get-managed-prefix-list-entries"));
    // On another port it admits nothing: a plain failure.
    rules_of(&mut v, "langsmith-postgres")[0]["from_port"] = json!(3306);
    rules_of(&mut v, "langsmith-postgres")[0]["to_port"] = json!(3306);
    assert_eq!(one(&v, "postgres.reachable").status, Status::Fail);

    // A restricted ALB open only to a prefix list (e.g. CloudFront's).
    let mut v = base();
    rules_of(&mut v, "k8s-langsmith-alb")[0] = json!({"protocol": "tcp", "from_port": 443, "to_port": 443, "prefix_lists": ["pl-3b927c52"]});
    let f = one(&v, "ingress.security-groups");
    assert_eq!(f.status, Status::Error, "{}", f.message);
    assert!(f.message.contains("pl-3b927c52"), "{}", f.message);
    // A real gap elsewhere still fails.
    rules_of(&mut v, "langsmith-nodes").retain(|r| r["from_port"] != 30080);
    assert_eq!(one(&v, "ingress.security-groups").status, Status::Fail);
}
