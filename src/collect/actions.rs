//! The actions the collector may send: the least-privilege IAM policy, the
//! mapping from SDK operations to IAM actions, and the data dependencies
//! between calls (the benchmark's critical-path model).

/// Every IAM action the tool may call: its least-privilege policy. Tests
/// prove this list equals the actions named in `collect` and covers every
/// operation sent in a full end-to-end run.
pub const IAM_ACTIONS: &[&str] = &[
    "acm:DescribeCertificate",
    "acm:ListCertificates",
    "cloudfront:ListDistributions",
    "ec2:DescribeInstanceTypes",
    "ec2:DescribeInstances",
    "ec2:DescribeLaunchTemplateVersions",
    "ec2:DescribeManagedPrefixLists",
    "ec2:DescribeRouteTables",
    "ec2:DescribeSecurityGroups",
    "ec2:DescribeSubnets",
    "ec2:DescribeVolumes",
    "ec2:GetManagedPrefixListEntries",
    "eks:DescribeAddon",
    "eks:DescribeCluster",
    "eks:DescribeNodegroup",
    "eks:ListAddons",
    "eks:ListFargateProfiles",
    "eks:ListNodegroups",
    "eks:ListPodIdentityAssociations",
    "elasticache:DescribeCacheClusters",
    "elasticache:DescribeCacheSubnetGroups",
    "elasticache:DescribeReplicationGroups",
    "elasticache:DescribeServerlessCaches",
    "elasticloadbalancing:DescribeListenerCertificates",
    "elasticloadbalancing:DescribeListeners",
    "elasticloadbalancing:DescribeLoadBalancers",
    "elasticloadbalancing:DescribeRules",
    "elasticloadbalancing:DescribeSSLPolicies",
    "elasticloadbalancing:DescribeTags",
    "elasticloadbalancing:DescribeTargetGroups",
    "elasticloadbalancing:DescribeTargetHealth",
    "iam:GetServerCertificate",
    "iam:ListOpenIDConnectProviders",
    "iam:ListRoles",
    "rds:DescribeDBClusters",
    "rds:DescribeDBInstances",
    "rds:DescribeDBProxies",
    "rds:DescribeDBProxyTargets",
    "rds:DescribeDBSubnetGroups",
    "route53:ListHostedZones",
    "route53:ListResourceRecordSets",
    "s3:GetAccountPublicAccessBlock",
    "s3:GetBucketLocation",
    "s3:GetBucketPublicAccessBlock",
    "s3:GetEncryptionConfiguration",
    "servicequotas:GetServiceQuota",
    "sts:GetCallerIdentity",
    "wafv2:GetWebACLForResource",
];

/// What each call needs to know before it can be sent: the data dependencies
/// of the collector, by IAM action. A call repeats after itself for its next
/// page. The benchmark computes the critical path — the longest chain of
/// calls each of which needed the previous one's answer — from these and the
/// calls actually sent; a test keeps the table complete.
pub const DEPENDS_ON: &[(&str, &[&str])] = &[
    ("sts:GetCallerIdentity", &[]),
    ("eks:DescribeCluster", &[]),
    // The VPC comes from the cluster (or, when it omits it, from its subnets).
    ("ec2:DescribeSubnets", &["eks:DescribeCluster"]),
    (
        "ec2:DescribeRouteTables",
        &["eks:DescribeCluster", "ec2:DescribeSubnets"],
    ),
    (
        "ec2:DescribeSecurityGroups",
        &["eks:DescribeCluster", "ec2:DescribeSubnets"],
    ),
    (
        "ec2:GetManagedPrefixListEntries",
        &["ec2:DescribeSecurityGroups"],
    ),
    (
        "ec2:DescribeManagedPrefixLists",
        &["ec2:DescribeSecurityGroups"],
    ),
    ("cloudfront:ListDistributions", &[]),
    ("eks:ListNodegroups", &[]),
    ("eks:DescribeNodegroup", &["eks:ListNodegroups"]),
    ("eks:ListFargateProfiles", &[]),
    (
        "ec2:DescribeLaunchTemplateVersions",
        &["eks:DescribeNodegroup"],
    ),
    ("ec2:DescribeInstances", &[]),
    (
        "ec2:DescribeInstanceTypes",
        &[
            "ec2:DescribeInstances",
            "eks:DescribeNodegroup",
            "ec2:DescribeLaunchTemplateVersions",
        ],
    ),
    ("rds:DescribeDBInstances", &[]),
    ("rds:DescribeDBClusters", &[]),
    ("rds:DescribeDBProxies", &[]),
    ("rds:DescribeDBProxyTargets", &["rds:DescribeDBProxies"]),
    (
        "rds:DescribeDBSubnetGroups",
        &["rds:DescribeDBInstances", "rds:DescribeDBClusters"],
    ),
    ("elasticache:DescribeCacheClusters", &[]),
    ("elasticache:DescribeReplicationGroups", &[]),
    ("elasticache:DescribeCacheSubnetGroups", &[]),
    ("elasticache:DescribeServerlessCaches", &[]),
    ("acm:ListCertificates", &[]),
    (
        "acm:DescribeCertificate",
        &[
            "acm:ListCertificates",
            "elasticloadbalancing:DescribeListenerCertificates",
        ],
    ),
    ("elasticloadbalancing:DescribeLoadBalancers", &[]),
    (
        "elasticloadbalancing:DescribeTags",
        &[
            "elasticloadbalancing:DescribeLoadBalancers",
            "eks:DescribeCluster",
            "ec2:DescribeSubnets",
        ],
    ),
    (
        "elasticloadbalancing:DescribeListeners",
        &["elasticloadbalancing:DescribeTags"],
    ),
    (
        "elasticloadbalancing:DescribeListenerCertificates",
        &["elasticloadbalancing:DescribeListeners"],
    ),
    (
        "elasticloadbalancing:DescribeSSLPolicies",
        &["elasticloadbalancing:DescribeListeners"],
    ),
    (
        "elasticloadbalancing:DescribeRules",
        &["elasticloadbalancing:DescribeListeners"],
    ),
    (
        "elasticloadbalancing:DescribeTargetGroups",
        &["elasticloadbalancing:DescribeTags"],
    ),
    (
        "elasticloadbalancing:DescribeTargetHealth",
        &["elasticloadbalancing:DescribeTargetGroups"],
    ),
    (
        "wafv2:GetWebACLForResource",
        &["elasticloadbalancing:DescribeTags"],
    ),
    ("eks:ListAddons", &[]),
    ("eks:DescribeAddon", &["eks:ListAddons"]),
    ("iam:ListRoles", &["eks:ListAddons"]),
    ("eks:ListPodIdentityAssociations", &["eks:ListAddons"]),
    ("servicequotas:GetServiceQuota", &[]),
    ("iam:ListOpenIDConnectProviders", &[]),
    (
        "iam:GetServerCertificate",
        &["elasticloadbalancing:DescribeListenerCertificates"],
    ),
    ("route53:ListHostedZones", &[]),
    (
        "route53:ListResourceRecordSets",
        &["route53:ListHostedZones"],
    ),
    ("s3:GetBucketLocation", &[]),
    ("s3:GetAccountPublicAccessBlock", &["sts:GetCallerIdentity"]),
    ("s3:GetBucketPublicAccessBlock", &["s3:GetBucketLocation"]),
    ("s3:GetEncryptionConfiguration", &["s3:GetBucketLocation"]),
    ("ec2:DescribeVolumes", &[]),
];

/// The longest chain of calls in which each needed an earlier one's answer
/// ([`DEPENDS_ON`], or the same action's previous page), over calls given as
/// (IAM action, start, end) in seconds. `slack` absorbs clock jitter between
/// one call's end and its dependent's start.
pub fn critical_path(calls: &[(String, f64, f64)], slack: f64) -> Vec<usize> {
    let deps = |a: &str| -> &[&str] {
        DEPENDS_ON
            .iter()
            .find(|(k, _)| *k == a)
            .map(|(_, d)| *d)
            .unwrap_or(&[])
    };
    let mut order: Vec<usize> = (0..calls.len()).collect();
    order.sort_by(|a, b| calls[*a].1.total_cmp(&calls[*b].1));
    let mut best: Vec<(usize, Option<usize>)> = vec![(1, None); calls.len()];
    for (k, &i) in order.iter().enumerate() {
        let (action, start, _) = &calls[i];
        for &j in &order[..k] {
            let (pa, _, pend) = &calls[j];
            let needed = pa == action || deps(action).contains(&pa.as_str());
            if needed && *pend <= start + slack && best[j].0 + 1 > best[i].0 {
                best[i] = (best[j].0 + 1, Some(j));
            }
        }
    }
    let mut at = (0..calls.len()).max_by_key(|i| best[*i].0);
    let mut chain = Vec::new();
    while let Some(i) = at {
        chain.push(i);
        at = best[i].1;
    }
    chain.reverse();
    chain
}

/// The IAM action of an operation the SDK reports as (`service`, `operation`).
pub fn iam_action(service: &str, operation: &str) -> String {
    // S3 names some actions differently from its operations.
    match (service, operation) {
        ("S3", "GetPublicAccessBlock") => return "s3:GetBucketPublicAccessBlock".into(),
        ("S3", "GetBucketEncryption") => return "s3:GetEncryptionConfiguration".into(),
        ("S3 Control", "GetPublicAccessBlock") => return "s3:GetAccountPublicAccessBlock".into(),
        _ => {}
    }
    let prefix = match service {
        "Elastic Load Balancing v2" => "elasticloadbalancing".to_string(),
        other => other.to_ascii_lowercase().replace(' ', ""),
    };
    format!("{prefix}:{operation}")
}

/// The least-privilege, read-only IAM policy document for the tool.
pub fn iam_policy() -> String {
    let actions: Vec<String> = IAM_ACTIONS
        .iter()
        .map(|a| format!("        \"{a}\""))
        .collect();
    format!(
        "{{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {{\n      \"Sid\": \"LangSmithPreflightReadOnly\",\n      \"Effect\": \"Allow\",\n      \"Action\": [\n{}\n      ],\n      \"Resource\": \"*\"\n    }}\n  ]\n}}\n",
        actions.join(",\n")
    )
}
