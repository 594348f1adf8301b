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
