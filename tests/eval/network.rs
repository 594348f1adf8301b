//! `network.*` requirements: pass, warn, fail and error cases and their boundaries.

use super::*;

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
    // Untagged, but the ALB already sits in them: no tag is needed.
    let f = one(&v, "network.public-subnets");
    assert_eq!(f.status, Status::Pass, "{}", f.message);
    assert!(
        f.message.contains("need no kubernetes.io/role/elb tag"),
        "{}",
        f.message
    );
    // Untagged before the ALB exists: a warning naming the controller versions that need it.
    let f = find(
        &run_with(&v, Stage::Preflight, Baseline::Production),
        "network.public-subnets",
    );
    assert_eq!(f.status, Status::Warn, "{}", f.message);
    assert!(f.message.contains("only 0 are tagged"), "{}", f.message);
    assert!(f.message.contains("before 2.12.1"), "{}", f.message);

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
    // A data store's security group open to the internet on its port fails;
    // on another port it does not.
    for (group, port, cidr_key, cidr) in [
        ("langsmith-postgres", 5432, "ipv4_cidrs", "0.0.0.0/0"),
        ("langsmith-redis", 6379, "ipv6_cidrs", "::/0"),
    ] {
        let mut v = base();
        rules_of(&mut v, group)
            .push(json!({"protocol": "tcp", "from_port": port, "to_port": port, cidr_key: [cidr]}));
        let f = one(&v, "network.data-private");
        assert_eq!(f.status, Status::Fail, "{group}: {}", f.message);
        assert!(f.message.contains("open to the internet"), "{}", f.message);
        assert!(f.message.contains(cidr), "{}", f.message);
        let mut v = base();
        rules_of(&mut v, group)
            .push(json!({"protocol": "tcp", "from_port": 22, "to_port": 22, cidr_key: [cidr]}));
        assert_eq!(one(&v, "network.data-private").status, Status::Pass);
    }
    let mut v = base();
    deny(&mut v, "security_groups", "ec2:DescribeSecurityGroups");
    assert_error_names(
        &one(&v, "network.data-private"),
        "ec2:DescribeSecurityGroups",
    );
}

/// A shared VPC seen from a participant account: no route table is
/// visible, so routing is unknown — warnings that say so, never a failure
/// built on it.
#[test]
fn network_public_subnets_shared_vpc_routing_unknown() {
    let mut v = base();
    v["route_tables"] = json!({"ok": []});
    for s in ok(&mut v, "subnets") {
        s["owner"] = json!("999988887777");
    }
    let findings = run(&v);
    for id in [
        "network.public-subnets",
        "network.private-subnets",
        "network.nodes-private",
        "network.data-private",
        "ingress.alb",
    ] {
        let f = find(&findings, id);
        assert_eq!(f.status, Status::Warn, "{id}: {}", f.message);
        assert!(
            f.message.contains("describe-route-tables"),
            "{id}: {}",
            f.message
        );
    }
    let f = find(&findings, "network.private-subnets");
    assert!(
        f.evidence
            .iter()
            .any(|e| e.contains("shared by account 999988887777")),
        "{:#?}",
        f.evidence
    );
    // Only some hidden: the visible ones still decide when they suffice.
    let mut v = base();
    let private: Vec<String> = v["cluster"]["ok"]["subnet_ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect();
    // Make the main route table explicit-only, then drop the private subnets' association.
    for t in ok(&mut v, "route_tables") {
        t["main"] = json!(false);
        t["subnet_ids"]
            .as_array_mut()
            .unwrap()
            .retain(|s| !private.iter().any(|p| s == p.as_str()));
    }
    let f = one(&v, "network.public-subnets");
    assert_eq!(f.status, Status::Pass, "{}", f.message);
    assert_eq!(one(&v, "network.nodes-private").status, Status::Warn);
}
