//! `redis.*` requirements: pass, warn, fail and error cases and their boundaries.

use super::*;

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
    // Serving states (the daily backup window, changes, updates) warn;
    // anything else that is not available fails.
    for status in ["snapshotting", "modifying", "updating"] {
        let f = with("redis", "7.1", status);
        assert_eq!(f.status, Status::Warn, "{status}: {}", f.message);
        assert!(f.message.contains(&format!("status is {status}")));
    }
    for status in [
        "creating",
        "deleting",
        "create-failed",
        "incompatible-network",
    ] {
        assert_eq!(
            with("redis", "7.1", status).status,
            Status::Fail,
            "{status}"
        );
    }
    // A too-old engine fails whatever its state.
    assert_eq!(with("redis", "4.0.10", "snapshotting").status, Status::Fail);
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

/// ElastiCache Serverless: found in the VPC through its subnets, judged
/// like any Redis; an unanswered DescribeServerlessCaches never hides a
/// node-based cache, and is an error only when nothing else is found.
#[test]
fn redis_version_serverless_caches() {
    let serverless = |v: &Value, engine: &str, version: &str, status: &str| {
        let subnets: Vec<Value> = v["cluster"]["ok"]["subnet_ids"].as_array().unwrap().clone();
        let sg = sg_named(v, "langsmith-redis");
        json!({"ok": [{
            "name": "langsmith-cache", "engine": engine, "major_engine_version": version.split('.').next().unwrap(),
            "full_engine_version": version, "status": status, "port": 6379,
            "security_group_ids": [sg], "subnet_ids": subnets
        }]})
    };
    let mut v = base();
    v["cache_clusters"] = json!({"ok": []});
    v["replication_groups"] = json!({"ok": []});
    v["serverless_caches"] = serverless(&v, "valkey", "8.0", "available");
    let findings = run(&v);
    let f = find(&findings, "redis.version");
    assert_eq!(f.status, Status::Pass, "{}", f.message);
    assert!(
        f.message
            .starts_with("serverless cache langsmith-cache runs valkey 8.0"),
        "{}",
        f.message
    );
    assert!(f.evidence[0].contains("clients must use rediss://"));
    assert_eq!(find(&findings, "redis.reachable").status, Status::Pass);
    assert_eq!(find(&findings, "network.data-private").status, Status::Pass);
    v["serverless_caches"] = serverless(&v, "redis", "7.1", "modifying");
    assert_eq!(one(&v, "redis.version").status, Status::Warn);
    // By name.
    let mut v2 = v.clone();
    v2["target"]["redis"] = json!("langsmith-cache");
    assert_eq!(one(&v2, "redis.version").status, Status::Warn);
    // Denied, with nothing else found: error naming the action.
    deny(
        &mut v,
        "serverless_caches",
        "elasticache:DescribeServerlessCaches",
    );
    assert_error_names(
        &one(&v, "redis.version"),
        "elasticache:DescribeServerlessCaches",
    );
    // Denied, with a node-based cache found: judged, and the evidence says what was not seen.
    let mut v = base();
    deny(
        &mut v,
        "serverless_caches",
        "elasticache:DescribeServerlessCaches",
    );
    let f = one(&v, "redis.version");
    assert_eq!(f.status, Status::Pass, "{}", f.message);
    assert!(
        f.evidence
            .iter()
            .any(|e| e.starts_with("Serverless caches were not looked at")),
        "{:#?}",
        f.evidence
    );
}
