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
