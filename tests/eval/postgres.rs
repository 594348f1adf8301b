//! `postgres.*` requirements: pass, warn, fail and error cases and their boundaries.

use super::*;

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
    for status in ["backing-up", "configuring-iam-database-auth", "modifying"] {
        ok(&mut v, "db_instances")[0]["status"] = json!(status);
        assert_eq!(one(&v, "postgres.version").status, Status::Warn, "{status}");
    }
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

    // Two candidates alike in every way discovery can tell: error that asks for --postgres.
    let mut v = base();
    let mut twin = ok(&mut v, "db_instances")[0].clone();
    twin["id"] = json!("langsmith-postgres-2");
    ok(&mut v, "db_instances").push(twin);
    let f = one(&v, "postgres.version");
    assert_eq!(f.status, Status::Error);
    assert!(
        f.message
            .contains("2 candidate PostgreSQL databases: langsmith-postgres, langsmith-postgres-2"),
        "{}",
        f.message
    );
    // …which an explicit id resolves.
    v["target"]["postgres"] = json!("langsmith-postgres-2");
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

#[test]
fn postgres_backups_cases() {
    assert_eq!(one(&base(), "postgres.backups").status, Status::Pass);
    // Boundary: one day of retention is "on".
    assert_eq!(
        one(
            &set_backup_and_encryption(json!(1), json!(true)),
            "postgres.backups"
        )
        .status,
        Status::Pass
    );
    let f = one(
        &set_backup_and_encryption(json!(0), json!(false)),
        "postgres.backups",
    );
    assert_eq!(f.status, Status::Fail);
    assert!(f.message.contains("retention 0 day(s)"));
    // Not reported: never a pass.
    let v = set_backup_and_encryption(Value::Null, Value::Null);
    assert_eq!(one(&v, "postgres.backups").status, Status::Error);
    let mut v = base();
    deny(&mut v, "db_instances", "rds:DescribeDBInstances");
    assert_error_names(&one(&v, "postgres.backups"), "rds:DescribeDBInstances");
}

#[test]
fn postgres_encryption_cases() {
    assert_eq!(one(&base(), "postgres.encryption").status, Status::Pass);
    assert_eq!(
        one(
            &set_backup_and_encryption(json!(0), json!(false)),
            "postgres.encryption"
        )
        .status,
        Status::Warn
    );
    // Not reported: never a pass.
    let v = set_backup_and_encryption(Value::Null, Value::Null);
    assert_eq!(one(&v, "postgres.encryption").status, Status::Error);
    let mut v = base();
    deny(&mut v, "db_instances", "rds:DescribeDBInstances");
    assert_error_names(&one(&v, "postgres.encryption"), "rds:DescribeDBInstances");
}

fn set_backup_and_encryption(days: Value, enc: Value) -> Value {
    let mut v = base();
    ok(&mut v, "db_instances")[0]["backup_retention_days"] = days;
    ok(&mut v, "db_instances")[0]["storage_encrypted"] = enc;
    v
}

/// Several databases in the VPC: read replicas are never the database;
/// then those that admit the nodes; then those named or tagged for the
/// cluster. The others are named in the evidence.
#[test]
fn postgres_version_narrows_several_candidates() {
    let with_other = |f: &dyn Fn(&mut Value)| {
        let mut v = base();
        let mut other = ok(&mut v, "db_instances")[0].clone();
        f(&mut other);
        ok(&mut v, "db_instances").push(other);
        v
    };
    // A read replica of the database.
    let v = with_other(&|o| {
        o["id"] = json!("langsmith-postgres-replica");
        o["read_replica_source"] = json!("langsmith-postgres");
    });
    let f = one(&v, "postgres.version");
    assert_eq!(f.status, Status::Pass, "{}", f.message);
    assert!(
        f.message.starts_with("RDS instance langsmith-postgres "),
        "{}",
        f.message
    );
    assert!(
        f.evidence.iter().any(|e| e.contains(
            "langsmith-postgres-replica: left out: a read replica of langsmith-postgres"
        )),
        "{:#?}",
        f.evidence
    );
    // Another application's database, whose security groups do not admit the nodes.
    let v = with_other(&|o| {
        o["id"] = json!("langsmith-billing");
        o["security_group_ids"] = json!(["sg-elsewhere"]);
    });
    let f = one(&v, "postgres.version");
    assert_eq!(f.status, Status::Pass, "{}", f.message);
    assert!(
        f.evidence.iter().any(|e| e.contains(
            "langsmith-billing: left out: its security groups do not admit the worker nodes"
        )),
        "{:#?}",
        f.evidence
    );
    // Same access, but named for another application.
    let v = with_other(&|o| o["id"] = json!("orders-db"));
    let f = one(&v, "postgres.version");
    assert_eq!(f.status, Status::Pass, "{}", f.message);
    assert!(
        f.evidence.iter().any(|e| e
            .contains("orders-db: left out: neither named after nor tagged for cluster langsmith")),
        "{:#?}",
        f.evidence
    );
    // …unless tagged for the cluster, which keeps both: ambiguous.
    let v = with_other(&|o| {
        o["id"] = json!("orders-db");
        o["tags"] = json!({"eks-cluster": "langsmith"});
    });
    assert_eq!(one(&v, "postgres.version").status, Status::Error);
}

/// A Multi-AZ DB cluster (engine postgres in DescribeDBClusters): a
/// database of its own, not dropped as "not Aurora" nor its members as
/// cluster members.
#[test]
fn postgres_version_multi_az_db_cluster() {
    let mut v = base();
    let template = ok(&mut v, "db_instances")[0].clone();
    let members: Vec<Value> = (1..=3)
        .map(|k| {
            let mut m = template.clone();
            m["id"] = json!(format!("langsmith-pg-instance-{k}"));
            m["cluster_id"] = json!("langsmith-pg");
            m
        })
        .collect();
    v["db_instances"]["ok"] = json!(members);
    v["db_clusters"]["ok"] = json!([{
        "id": "langsmith-pg", "engine": "postgres", "engine_version": "16.4",
        "status": "available", "port": 5432, "subnet_group": "langsmith",
        "security_group_ids": template["security_group_ids"].clone(),
        "members": ["langsmith-pg-instance-1", "langsmith-pg-instance-2", "langsmith-pg-instance-3"],
        "storage_encrypted": true, "backup_retention_days": 7
    }]);
    let findings = run(&v);
    for id in [
        "postgres.version",
        "postgres.backups",
        "postgres.encryption",
        "postgres.reachable",
        "network.data-private",
    ] {
        let f = find(&findings, id);
        assert_eq!(f.status, Status::Pass, "{id}: {}", f.message);
    }
    assert!(find(&findings, "postgres.version")
        .message
        .starts_with("Multi-AZ DB cluster langsmith-pg runs PostgreSQL 16.4"));
}

/// RDS Proxy in front of the database: the database admits only the
/// proxy, the proxy admits the nodes — reachable through the proxy.
#[test]
fn postgres_reachable_through_rds_proxy() {
    let mut v = base();
    let nodes_sg = sg_named(&v, "langsmith-nodes");
    let private = v["cluster"]["ok"]["subnet_ids"].clone();
    let vpc = v["vpc_id"].clone();
    ok(&mut v, "security_groups").push(json!({
        "id": "sg-proxy", "name": "langsmith-proxy", "vpc_id": vpc,
        "ingress": [{"protocol": "tcp", "from_port": 5432, "to_port": 5432, "security_groups": [nodes_sg]}]
    }));
    db_rules(
        &mut v,
        json!([{"protocol": "tcp", "from_port": 5432, "to_port": 5432, "security_groups": ["sg-proxy"]}]),
    );
    // Without the proxy in the answers: the database refuses the nodes.
    v["db_proxies"] = json!({"ok": []});
    assert_eq!(one(&v, "postgres.reachable").status, Status::Fail);
    v["db_proxies"] = json!({"ok": [{
        "name": "langsmith-proxy", "engine_family": "POSTGRESQL", "status": "available",
        "security_group_ids": ["sg-proxy"], "subnet_ids": private, "targets": ["langsmith-postgres"]
    }]});
    let f = one(&v, "postgres.reachable");
    assert_eq!(f.status, Status::Pass, "{} {:#?}", f.message, f.evidence);
    assert!(
        f.message.contains("through RDS Proxy langsmith-proxy"),
        "{}",
        f.message
    );
    // A proxy that fronts another database does not count.
    v["db_proxies"]["ok"][0]["targets"] = json!(["another-db"]);
    assert_eq!(one(&v, "postgres.reachable").status, Status::Fail);
    // The proxy does not admit the nodes: still a failure, with the reason.
    v["db_proxies"]["ok"][0]["targets"] = json!(["langsmith-postgres"]);
    for g in ok(&mut v, "security_groups") {
        if g["id"] == "sg-proxy" {
            g["ingress"] = json!([]);
        }
    }
    let f = one(&v, "postgres.reachable");
    assert_eq!(f.status, Status::Fail, "{}", f.message);
    assert!(
        f.message
            .contains("no RDS Proxy in front of it (langsmith-proxy)"),
        "{}",
        f.message
    );
    // Proxies unknown while the direct path fails: unknown, not a failure.
    deny(&mut v, "db_proxies", "rds:DescribeDBProxies");
    let f = one(&v, "postgres.reachable");
    assert_eq!(f.status, Status::Error, "{}", f.message);
    assert!(f.message.contains("rds:DescribeDBProxies"), "{}", f.message);
}

/// An IPv6 cluster: pods send from their node subnet's IPv6 range, so a
/// rule on Ipv6Ranges admits them; in an IPv4 cluster the same rule does not.
#[test]
fn postgres_reachable_ipv6_cluster() {
    let mut v = base();
    for (k, s) in ok(&mut v, "subnets").iter_mut().enumerate() {
        s["ipv6_cidr"] = json!(format!("2600:1f18:0:{k:x}::/64"));
    }
    db_rules(
        &mut v,
        json!([{"protocol": "tcp", "from_port": 5432, "to_port": 5432, "ipv6_cidrs": ["2600:1f18::/56"]}]),
    );
    let f = one(&v, "postgres.reachable");
    assert_eq!(f.status, Status::Fail, "IPv4 cluster: {}", f.message);
    v["cluster"]["ok"]["ip_family"] = json!("ipv6");
    let f = one(&v, "postgres.reachable");
    assert_eq!(f.status, Status::Pass, "{} {:#?}", f.message, f.evidence);
    assert!(
        f.evidence.iter().any(|e| e.contains("from 2600:1f18::/56")),
        "{:#?}",
        f.evidence
    );
    // Another IPv6 range does not.
    db_rules(
        &mut v,
        json!([{"protocol": "tcp", "from_port": 5432, "to_port": 5432, "ipv6_cidrs": ["2600:1f19::/56"]}]),
    );
    assert_eq!(one(&v, "postgres.reachable").status, Status::Fail);
}
