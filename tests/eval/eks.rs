//! `eks.*` requirements: pass, warn, fail and error cases and their boundaries.

use super::*;

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
    use langsmith_preflight::settings::ClickhouseMode::*;
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

// ------------------------------------------------------------ elastic compute

/// The base fixture's node group, resized (min, desired, max).
fn set_group(v: &mut Value, min: i64, desired: i64, max: i64) {
    let g = &mut ok(v, "nodegroups")[0];
    g["min_size"] = json!(min);
    g["desired_size"] = json!(desired);
    g["max_size"] = json!(max);
}

/// Keeps only the first `n` running instances.
fn keep_instances(v: &mut Value, n: usize) {
    ok(v, "instances").truncate(n);
}

/// The node security group the database and Redis admit, as the cluster
/// security group (EKS attaches it to managed nodes; moto reports none).
fn nodes_get_cluster_sg(v: &mut Value) {
    let sg = sg_named(v, "langsmith-nodes");
    v["cluster"]["ok"]["cluster_security_group_id"] = json!(sg);
}

fn all_at_preflight(v: &Value) -> Vec<Finding> {
    run_with(v, Stage::Preflight, Baseline::Production)
}

/// The LangChain Terraform module's defaults: one m5.4xlarge, min 1 /
/// desired 1 / max 10, metrics-server installed with Helm. Nothing fails at
/// --stage preflight; capacity and ClickHouse warn with what max size reaches.
#[test]
fn eks_capacity_langchain_module_defaults_warn_never_fail() {
    let mut v = base();
    keep_instances(&mut v, 1);
    set_group(&mut v, 1, 1, 10);
    v["addons"] = json!({"ok": ["aws-ebs-csi-driver", "coredns", "eks-pod-identity-agent", "kube-proxy", "vpc-cni"]});
    let findings = all_at_preflight(&v);
    let failed: Vec<_> = findings
        .iter()
        .filter(|f| f.status == Status::Fail)
        .map(|f| format!("{}: {}", f.id, f.message))
        .collect();
    assert!(failed.is_empty(), "{failed:#?}");
    let cap = find(&findings, "eks.capacity");
    assert_eq!(cap.status, Status::Warn, "{}", cap.message);
    assert!(cap.message.contains("required now"), "{}", cap.message);
    assert!(
        cap.message
            .contains("if the cluster autoscaler scales them"),
        "{}",
        cap.message
    );
    assert!(
        cap.evidence
            .iter()
            .any(|e| e.contains("min 1, desired 1, max 10")),
        "{:#?}",
        cap.evidence
    );
    let ch = find(&findings, "eks.clickhouse-node");
    assert_eq!(ch.status, Status::Warn, "{}", ch.message);
    assert!(
        ch.message.contains("reach 10 such node(s)"),
        "{}",
        ch.message
    );
    let addons = find(&findings, "eks.addons");
    assert_eq!(addons.status, Status::Warn);
    assert!(addons
        .message
        .contains("kubectl -n kube-system get deployment metrics-server"));
}

/// Boundary: max size that exactly reaches the threshold warns; one node
/// less fails. Thresholds are set to exactly two m5.4xlarge's allocatable.
#[test]
fn eks_capacity_max_size_boundary() {
    let settings = || {
        let mut s = installed();
        let m5_4xl_mib = 65536 - (11 * 110 + 255) - 100;
        s.thresholds.insert(
            "eks.capacity".into(),
            [
                ("min_vcpu".to_string(), 2.0 * 15.89),
                (
                    "min_memory_gib".to_string(),
                    2.0 * m5_4xl_mib as f64 / 1024.0,
                ),
            ]
            .into(),
        );
        s
    };
    let mut v = base();
    keep_instances(&mut v, 1);
    set_group(&mut v, 1, 1, 2);
    let f = one_with(&v, "eks.capacity", settings());
    assert_eq!(f.status, Status::Warn, "{}", f.message);
    set_group(&mut v, 1, 1, 1);
    let f = one_with(&v, "eks.capacity", settings());
    assert_eq!(f.status, Status::Fail, "{}", f.message);
    assert!(f.message.contains("even at max size"), "{}", f.message);
    // Two running nodes reach it now: pass.
    let mut v = base();
    keep_instances(&mut v, 2);
    set_group(&mut v, 2, 2, 2);
    assert_eq!(
        one_with(&v, "eks.capacity", settings()).status,
        Status::Pass
    );
}

/// A node group scaled to zero: nothing runs, max size reaches; subnets and
/// security groups come from the group.
#[test]
fn eks_capacity_node_group_at_zero() {
    let mut v = base();
    v["instances"] = json!({"ok": []});
    set_group(&mut v, 0, 0, 6);
    nodes_get_cluster_sg(&mut v);
    let findings = all_at_preflight(&v);
    for (id, want) in [
        ("eks.capacity", Status::Warn),
        ("eks.clickhouse-node", Status::Warn),
        ("network.nodes-private", Status::Pass),
        ("postgres.reachable", Status::Pass),
        ("redis.reachable", Status::Pass),
    ] {
        let f = find(&findings, id);
        assert_eq!(f.status, want, "{id}: {} {:#?}", f.message, f.evidence);
    }
    let pg = find(&findings, "postgres.reachable");
    assert!(
        pg.evidence
            .iter()
            .any(|e| e.starts_with("node group default in subnet-")),
        "{:#?}",
        pg.evidence
    );
    assert!(find(&findings, "eks.capacity")
        .message
        .starts_with("0 vCPU / 0 GiB allocatable on 0 node(s)"));
}

/// Modelled nodes get the cluster security group only: the cluster's
/// additional security groups attach to the control plane's ENIs.
#[test]
fn eks_capacity_modelled_nodes_get_only_the_cluster_security_group() {
    let mut v = base();
    v["instances"] = json!({"ok": []});
    // The database admits the node SG; make it the cluster's *additional* SG.
    let nodes_sg = sg_named(&v, "langsmith-nodes");
    let other = sg_named(&v, "default");
    v["cluster"]["ok"]["security_group_ids"] = json!([nodes_sg]);
    v["cluster"]["ok"]["cluster_security_group_id"] = json!(other);
    let f = one(&v, "postgres.reachable");
    assert_eq!(f.status, Status::Fail, "{}", f.message);
    assert!(f.message.contains("node group default"), "{}", f.message);
}

/// A node group whose launch template sets the type: the template's type
/// and security groups, never a guessed t3.medium.
#[test]
fn eks_capacity_launch_template_sets_the_type() {
    let mut v = base();
    v["instances"] = json!({"ok": []});
    let nodes_sg = sg_named(&v, "langsmith-nodes");
    let g = &mut ok(&mut v, "nodegroups")[0];
    g["instance_types"] = json!([]);
    g["launch_template"] = json!({"id": "lt-0abc", "version": "3"});
    v["launch_templates"] = json!({"ok": [
        {"id": "lt-0abc", "version": 2, "instance_type": "t3.small", "security_group_ids": []},
        {"id": "lt-0abc", "version": 3, "instance_type": "m5.4xlarge", "security_group_ids": [nodes_sg]}
    ]});
    let findings = run(&v);
    let cap = find(&findings, "eks.capacity");
    assert_eq!(cap.status, Status::Pass, "{}", cap.message);
    assert!(
        cap.evidence.iter().any(
            |e| e.contains("3 × m5.4xlarge") && e.contains("launch template lt-0abc version 3")
        ),
        "{:#?}",
        cap.evidence
    );
    // Security groups from the template: the database admits them.
    assert_eq!(find(&findings, "postgres.reachable").status, Status::Pass);
    // The version it names was not found: unknown, never guessed.
    v["launch_templates"]["ok"]
        .as_array_mut()
        .unwrap()
        .remove(1);
    let f = one(&v, "eks.capacity");
    assert_eq!(f.status, Status::Error, "{}", f.message);
    assert!(f.message.contains("launch template"), "{}", f.message);
    // DescribeLaunchTemplateVersions denied: error naming it.
    deny(
        &mut v,
        "launch_templates",
        "ec2:DescribeLaunchTemplateVersions",
    );
    assert_error_names(
        &one(&v, "eks.capacity"),
        "ec2:DescribeLaunchTemplateVersions",
    );
    // $Default resolves to the default version; no type in it: EKS's default, said so.
    let mut v = base();
    v["instances"] = json!({"ok": []});
    let g = &mut ok(&mut v, "nodegroups")[0];
    g["instance_types"] = json!([]);
    g["launch_template"] = json!({"name": "nodes", "version": "$Default"});
    v["launch_templates"] = json!({"ok": [
        {"id": "lt-1", "name": "nodes", "version": 1, "default": true, "security_group_ids": []}
    ]});
    ok(&mut v, "instance_types").push(json!({"name": "t3.medium", "vcpus": 2, "memory_mib": 4096, "max_network_interfaces": 3, "ipv4_addresses_per_interface": 6}));
    let f = one(&v, "eks.capacity");
    assert_eq!(f.status, Status::Fail, "{}", f.message);
    assert!(f.evidence.iter().any(|e| e.contains("EKS's default t3.medium (neither the node group nor launch template lt-1 version 1 names a type)")), "{:#?}", f.evidence);
}

/// Karpenter before its first node: subnets and a security group tagged
/// karpenter.sh/discovery, no node group.
#[test]
fn eks_capacity_karpenter_before_its_first_node() {
    let mut v = base();
    v["instances"] = json!({"ok": []});
    v["nodegroups"] = json!({"ok": []});
    let private: Vec<String> = v["cluster"]["ok"]["subnet_ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect();
    for s in ok(&mut v, "subnets").iter_mut() {
        if private.iter().any(|p| s["id"] == p.as_str()) {
            s["tags"]["karpenter.sh/discovery"] = json!("langsmith");
        }
    }
    let nodes_sg = sg_named(&v, "langsmith-nodes");
    for g in ok(&mut v, "security_groups").iter_mut() {
        if g["id"] == nodes_sg.as_str() {
            g["tags"] = json!({"karpenter.sh/discovery": "langsmith"});
        }
    }
    let findings = all_at_preflight(&v);
    let cap = find(&findings, "eks.capacity");
    assert_eq!(cap.status, Status::Warn, "{}", cap.message);
    assert!(
        cap.message.contains("provisioned on demand by Karpenter"),
        "{}",
        cap.message
    );
    assert!(
        cap.message
            .contains("NodePool limits are not visible in AWS"),
        "{}",
        cap.message
    );
    assert!(
        cap.message.contains("kubectl get nodepools"),
        "{}",
        cap.message
    );
    assert_eq!(find(&findings, "eks.clickhouse-node").status, Status::Warn);
    let np = find(&findings, "network.nodes-private");
    assert_eq!(np.status, Status::Pass, "{}", np.message);
    assert!(
        np.evidence.iter().any(|e| e.starts_with("Karpenter nodes")),
        "{:#?}",
        np.evidence
    );
    let pg = find(&findings, "postgres.reachable");
    assert_eq!(pg.status, Status::Pass, "{} {:#?}", pg.message, pg.evidence);
    assert!(pg
        .evidence
        .iter()
        .any(|e| e.starts_with("Karpenter nodes in")));
    // Without any sign of Karpenter, nothing can run: a failure.
    let mut v = base();
    v["instances"] = json!({"ok": []});
    v["nodegroups"] = json!({"ok": []});
    let f = one(&v, "eks.capacity");
    assert_eq!(f.status, Status::Fail, "{}", f.message);
}

/// Karpenter's running nodes count as nodes; an instance tagged for the
/// cluster with no node signal (a bastion) does not, and is named.
#[test]
fn eks_capacity_counts_karpenter_nodes_and_leaves_out_other_instances() {
    let mut v = base();
    v["nodegroups"] = json!({"ok": []});
    for i in ok(&mut v, "instances").iter_mut() {
        i["nodegroup"] = Value::Null;
        i["tags"] = json!({"karpenter.sh/nodepool": "default", "eks:eks-cluster-name": "langsmith", "kubernetes.io/cluster/langsmith": "owned"});
    }
    let mut bastion = ok(&mut v, "instances")[0].clone();
    bastion["id"] = json!("i-bastion");
    bastion["tags"] = json!({"kubernetes.io/cluster/langsmith": "shared", "Name": "bastion"});
    ok(&mut v, "instances").push(bastion);
    let cap = one(&v, "eks.capacity");
    assert_eq!(cap.status, Status::Pass, "{}", cap.message);
    assert!(cap.message.contains("on 3 node(s)"), "{}", cap.message);
    assert!(
        cap.evidence
            .iter()
            .any(|e| e.contains("[running, Karpenter node pool default]")),
        "{:#?}",
        cap.evidence
    );
    assert!(
        cap.evidence
            .iter()
            .any(|e| e.starts_with("i-bastion") && e.contains("not counted as a worker node")),
        "{:#?}",
        cap.evidence
    );
}

/// EKS Auto Mode: nodes on demand, EBS CSI and Pod Identity built in.
#[test]
fn eks_capacity_auto_mode() {
    let mut v = base();
    v["instances"] = json!({"ok": []});
    v["nodegroups"] = json!({"ok": []});
    nodes_get_cluster_sg(&mut v);
    v["cluster"]["ok"]["auto_mode"] = json!({"compute": true, "node_pools": ["general-purpose", "system"], "block_storage": true, "load_balancing": true});
    v["addons"] = json!({"ok": ["metrics-server"]});
    ok(&mut v, "oidc_providers").clear();
    let findings = all_at_preflight(&v);
    let cap = find(&findings, "eks.capacity");
    assert_eq!(cap.status, Status::Warn, "{}", cap.message);
    assert!(cap.message.contains("EKS Auto Mode"), "{}", cap.message);
    assert!(
        cap.evidence
            .iter()
            .any(|e| e.contains("node pools general-purpose, system")),
        "{:#?}",
        cap.evidence
    );
    let addons = find(&findings, "eks.addons");
    assert_eq!(addons.status, Status::Pass, "{}", addons.message);
    assert!(
        addons.message.contains("built into EKS Auto Mode"),
        "{}",
        addons.message
    );
    assert_eq!(find(&findings, "eks.irsa").status, Status::Pass);
    assert_eq!(
        find(&findings, "network.nodes-private").status,
        Status::Pass
    );
    assert_eq!(find(&findings, "postgres.reachable").status, Status::Pass);
}

/// A Fargate-only cluster: ClickHouse's EBS volumes cannot attach.
#[test]
fn eks_clickhouse_node_fargate_only() {
    let mut v = base();
    v["instances"] = json!({"ok": []});
    v["nodegroups"] = json!({"ok": []});
    v["fargate_profiles"] = json!({"ok": ["langsmith"]});
    let f = one(&v, "eks.clickhouse-node");
    assert_eq!(f.status, Status::Fail, "{}", f.message);
    assert!(
        f.message
            .contains("EBS volumes cannot attach to Fargate pods"),
        "{}",
        f.message
    );
    assert_eq!(one(&v, "eks.capacity").status, Status::Warn);
    let f = one_with(
        &v,
        "eks.clickhouse-node",
        Settings {
            clickhouse: langsmith_preflight::settings::ClickhouseMode::External,
            ..installed()
        },
    );
    assert_eq!(f.status, Status::Skip);
}

/// Prefix delegation: 9 × m5.large has 66.08 GiB allocatable at 29 pods a
/// node, but 58.25 GiB at 110.
#[test]
fn eks_capacity_prefix_delegation() {
    let mut v = base();
    ok(&mut v, "instance_types").push(json!({"name": "m5.large", "vcpus": 2, "memory_mib": 8192, "max_network_interfaces": 3, "ipv4_addresses_per_interface": 10}));
    set_nodes(&mut v, "m5.large", 9);
    v["vpc_cni_config"] = json!({"ok": null});
    let f = one(&v, "eks.capacity");
    assert_eq!(f.status, Status::Pass, "{}", f.message);
    assert!(f.message.contains("66.08 GiB"), "{}", f.message);
    v["vpc_cni_config"] = json!({"ok": "{\"env\":{\"ENABLE_PREFIX_DELEGATION\":\"true\"}}"});
    let f = one(&v, "eks.capacity");
    assert_eq!(f.status, Status::Fail, "{}", f.message);
    assert!(f.message.contains("58.25 GiB"), "{}", f.message);
    assert!(
        f.evidence
            .iter()
            .any(|e| e.contains("prefix delegation is on")),
        "{:#?}",
        f.evidence
    );
    // The CNI is not an add-on: the assumption is stated.
    v["addons"] = json!({"ok": ["coredns"]});
    v["vpc_cni_config"] = json!({"ok": null});
    let f = one(&v, "eks.capacity");
    assert!(
        f.evidence
            .iter()
            .any(|e| e.contains("the VPC CNI is not an EKS add-on")
                && e.contains("ENABLE_PREFIX_DELEGATION")),
        "{:#?}",
        f.evidence
    );
    // DescribeAddon denied: the assumption names the action.
    v["addons"] = json!({"ok": ["vpc-cni"]});
    deny(&mut v, "vpc_cni_config", "eks:DescribeAddon");
    let f = one(&v, "eks.capacity");
    assert!(
        f.evidence
            .iter()
            .any(|e| e.starts_with("eks:DescribeAddon failed") && e.contains("modelled without it")),
        "{:#?}",
        f.evidence
    );
}

/// EBS CSI driver outside EKS add-ons: a sign of it warns with the kubectl
/// check; no sign fails; an unanswered look-up is an error.
#[test]
fn eks_addons_outside_eks_addons() {
    let mut v = base();
    v["addons"] = json!({"ok": ["coredns", "metrics-server", "vpc-cni"]});
    v["ebs_csi_identities"] = json!({"ok": ["IAM role arn:aws:iam::123456789012:role/ebs-csi trusts system:serviceaccount:kube-system:ebs-csi-controller-sa (IRSA)"]});
    let f = one(&v, "eks.addons");
    assert_eq!(f.status, Status::Warn, "{}", f.message);
    assert!(
        f.message
            .contains("kubectl -n kube-system get deployment ebs-csi-controller"),
        "{}",
        f.message
    );
    assert!(f.evidence.iter().any(|e| e.contains("role/ebs-csi")));
    v["ebs_csi_identities"] = json!({"ok": []});
    let f = one(&v, "eks.addons");
    assert_eq!(f.status, Status::Fail, "{}", f.message);
    deny(&mut v, "ebs_csi_identities", "iam:ListRoles");
    assert_error_names(&one(&v, "eks.addons"), "iam:ListRoles");
}

/// The region's On-Demand vCPU quota against the baseline (16 + 3 × 16 =
/// 64 vCPUs in production) and the node groups at max size (5 × 16 = 80).
#[test]
fn eks_instance_quota_boundaries() {
    let at = |quota: f64| {
        let mut v = base();
        v["instance_quota"] = json!({"ok": quota});
        one(&v, "eks.instance-quota")
    };
    let f = at(63.0);
    assert_eq!(f.status, Status::Fail, "{}", f.message);
    assert!(f.message.contains("baseline of 64 vCPUs"), "{}", f.message);
    // Exactly at the baseline: not a failure, but max size does not fit.
    let f = at(64.0);
    assert_eq!(f.status, Status::Warn, "{}", f.message);
    assert!(f.message.contains("80 vCPUs"), "{}", f.message);
    assert_eq!(at(79.0).status, Status::Warn);
    let f = at(80.0);
    assert_eq!(f.status, Status::Pass, "{}", f.message);
    assert!(f
        .evidence
        .iter()
        .any(|e| e.contains("shared by every On-Demand standard instance")));
    // Dev baseline: 16 + 16; external ClickHouse: 16.
    let mut v = base();
    v["instance_quota"] = json!({"ok": 32.0});
    set_group(&mut v, 1, 1, 2);
    let dev = Settings {
        baseline: Baseline::Dev,
        ..installed()
    };
    assert_eq!(
        one_with(&v, "eks.instance-quota", dev.clone()).status,
        Status::Pass
    );
    v["instance_quota"] = json!({"ok": 31.0});
    assert_eq!(one_with(&v, "eks.instance-quota", dev).status, Status::Fail);
    let external = Settings {
        clickhouse: langsmith_preflight::settings::ClickhouseMode::External,
        ..installed()
    };
    v["instance_quota"] = json!({"ok": 16.0});
    assert_eq!(
        one_with(&v, "eks.instance-quota", external).status,
        Status::Warn
    );
    // Spot node groups do not count against the On-Demand quota.
    let mut v = base();
    v["instance_quota"] = json!({"ok": 64.0});
    ok(&mut v, "nodegroups")[0]["capacity_type"] = json!("SPOT");
    v["instances"] = json!({"ok": []});
    let f = one(&v, "eks.instance-quota");
    assert_eq!(f.status, Status::Pass, "{}", f.message);
    // Denied: error naming the action; an older snapshot without it: error.
    let mut v = base();
    deny(&mut v, "instance_quota", "servicequotas:GetServiceQuota");
    assert_error_names(
        &one(&v, "eks.instance-quota"),
        "servicequotas:GetServiceQuota",
    );
    v["instance_quota"] = json!("not_collected");
    assert_eq!(one(&v, "eks.instance-quota").status, Status::Error);
}
