//! Collection: the only code that talks to AWS (`aws_sdk_*`). It fills an
//! [`Inventory`] of our own structs. Only read operations (`Describe*`,
//! `List*`, `Get*`) are called — `tests/read_only.rs` proves it from the
//! source and from every operation recorded in the end-to-end runs.
//!
//! Calls that do not depend on each other run concurrently: everything
//! account-wide starts at once, and the VPC-scoped calls start as soon as
//! DescribeCluster has named the VPC. Each resource type is fetched once,
//! filtered server-side where the API allows, and every page is read.

mod aws;
mod recorder;

use std::collections::{BTreeMap, BTreeSet};

use futures::FutureExt;

pub use recorder::{CallRecorder, RecordedCall};

use crate::model::*;
use crate::names::name_covers;
use crate::registry::Need;

/// One client per service, all built from the same SDK configuration.
#[derive(Clone, Debug)]
pub struct Clients {
    pub acm: aws_sdk_acm::Client,
    pub ec2: aws_sdk_ec2::Client,
    pub eks: aws_sdk_eks::Client,
    pub elasticache: aws_sdk_elasticache::Client,
    pub elbv2: aws_sdk_elasticloadbalancingv2::Client,
    pub iam: aws_sdk_iam::Client,
    pub rds: aws_sdk_rds::Client,
    pub route53: aws_sdk_route53::Client,
    pub s3: aws_sdk_s3::Client,
    pub sts: aws_sdk_sts::Client,
    pub wafv2: aws_sdk_wafv2::Client,
}

impl Clients {
    /// Clients for `conf`, each reporting its operations to `recorder`.
    pub fn new(conf: &aws_types::SdkConfig, recorder: &CallRecorder) -> Self {
        macro_rules! client {
            ($krate:ident) => {
                $krate::Client::from_conf(
                    $krate::config::Builder::from(conf)
                        .interceptor(recorder.clone())
                        .build(),
                )
            };
        }
        Clients {
            acm: client!(aws_sdk_acm),
            ec2: client!(aws_sdk_ec2),
            eks: client!(aws_sdk_eks),
            elasticache: client!(aws_sdk_elasticache),
            elbv2: client!(aws_sdk_elasticloadbalancingv2),
            iam: client!(aws_sdk_iam),
            rds: client!(aws_sdk_rds),
            route53: client!(aws_sdk_route53),
            // Path-style addressing when an endpoint (an emulator) is configured.
            s3: aws_sdk_s3::Client::from_conf(
                aws_sdk_s3::config::Builder::from(conf)
                    .interceptor(recorder.clone())
                    .force_path_style(conf.endpoint_url().is_some())
                    .build(),
            ),
            sts: client!(aws_sdk_sts),
            wafv2: client!(aws_sdk_wafv2),
        }
    }
}

/// Every IAM action the tool may call: its least-privilege policy. Tests
/// prove this list equals the actions named in `collect` and covers every
/// operation sent in a full end-to-end run.
pub const IAM_ACTIONS: &[&str] = &[
    "acm:DescribeCertificate",
    "acm:ListCertificates",
    "ec2:DescribeInstanceTypes",
    "ec2:DescribeInstances",
    "ec2:DescribeRouteTables",
    "ec2:DescribeSecurityGroups",
    "ec2:DescribeSubnets",
    "ec2:DescribeVolumes",
    "eks:DescribeCluster",
    "eks:DescribeNodegroup",
    "eks:ListAddons",
    "eks:ListNodegroups",
    "elasticache:DescribeCacheClusters",
    "elasticache:DescribeCacheSubnetGroups",
    "elasticache:DescribeReplicationGroups",
    "elasticloadbalancing:DescribeListenerCertificates",
    "elasticloadbalancing:DescribeListeners",
    "elasticloadbalancing:DescribeLoadBalancers",
    "elasticloadbalancing:DescribeSSLPolicies",
    "elasticloadbalancing:DescribeTags",
    "elasticloadbalancing:DescribeTargetGroups",
    "elasticloadbalancing:DescribeTargetHealth",
    "iam:ListOpenIDConnectProviders",
    "rds:DescribeDBClusters",
    "rds:DescribeDBInstances",
    "rds:DescribeDBSubnetGroups",
    "route53:ListHostedZones",
    "route53:ListResourceRecordSets",
    "s3:GetBucketLocation",
    "s3:GetBucketPublicAccessBlock",
    "s3:GetEncryptionConfiguration",
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
    ("eks:ListNodegroups", &[]),
    ("eks:DescribeNodegroup", &["eks:ListNodegroups"]),
    ("ec2:DescribeInstances", &[]),
    (
        "ec2:DescribeInstanceTypes",
        &["ec2:DescribeInstances", "eks:DescribeNodegroup"],
    ),
    ("rds:DescribeDBInstances", &[]),
    ("rds:DescribeDBClusters", &[]),
    (
        "rds:DescribeDBSubnetGroups",
        &["rds:DescribeDBInstances", "rds:DescribeDBClusters"],
    ),
    ("elasticache:DescribeCacheClusters", &[]),
    ("elasticache:DescribeReplicationGroups", &[]),
    ("elasticache:DescribeCacheSubnetGroups", &[]),
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
    ("iam:ListOpenIDConnectProviders", &[]),
    ("route53:ListHostedZones", &[]),
    (
        "route53:ListResourceRecordSets",
        &["route53:ListHostedZones"],
    ),
    ("s3:GetBucketLocation", &[]),
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

/// Failures that stop the run before anything can be evaluated.
#[derive(Debug, thiserror::Error)]
pub enum CollectError {
    #[error("no usable AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, choose a profile (--profile or AWS_PROFILE; run `aws sso login` for SSO), or run where a role is available ({0})")]
    Credentials(String),
    #[error("cannot reach AWS: {0}")]
    Unreachable(String),
    #[error("EKS cluster {cluster:?} not found in {region} (check --cluster and --region)")]
    ClusterNotFound { cluster: String, region: String },
    #[error("the AWS credentials were rejected during the run ({code} on {action}): they expired or were revoked; refresh them (e.g. `aws sso login`, or new session credentials) and run again")]
    CredentialsRejected { action: String, code: String },
    #[error("no complete answer from AWS within {after} (--timeout): {finished} call(s) finished, still waiting on {}; check the endpoint, region and network, or raise --timeout", if waiting_on.is_empty() { "nothing in flight".to_string() } else { waiting_on.join(", ") })]
    TimedOut {
        after: String,
        waiting_on: Vec<String>,
        finished: u64,
    },
}

/// Collects what the requirements in `needs` use.
pub async fn collect(
    c: &Clients,
    target: &TargetSpec,
    region: &str,
    needs: &BTreeSet<Need>,
) -> Result<Inventory, CollectError> {
    let want = |n: Need| needs.contains(&n);
    let name = target.cluster.as_str();

    // DescribeCluster → VPC. Shared: several branches wait on it.
    let cluster_vpc = async {
        let cluster = aws::describe_cluster(c, name).await;
        let (vpc, source) = match (&target.vpc, &cluster) {
            (Some(v), _) => (Ok(v.clone()), "given by --vpc".to_string()),
            (None, Fetched::Ok(cl)) => match &cl.vpc_id {
                Some(v) => (Ok(v.clone()), format!("the VPC of EKS cluster {name}")),
                // Some emulators omit vpcId: derive it from the cluster's subnets.
                None => (
                    aws::vpc_of_subnets(c, &cl.subnet_ids).await,
                    format!("the VPC of EKS cluster {name}'s subnets"),
                ),
            },
            (None, Fetched::Failed(e)) => (Err(e.clone()), String::new()),
            (None, Fetched::NotCollected) => unreachable!("DescribeCluster always runs"),
        };
        (cluster, vpc, source)
    }
    .shared();

    let vpc_of = || {
        let f = cluster_vpc.clone();
        async move { f.await.1 }
    };

    let network = async {
        if !(want(Need::Network) || want(Need::SecurityGroups)) {
            return (
                Fetched::NotCollected,
                Fetched::NotCollected,
                Fetched::NotCollected,
            );
        }
        match vpc_of().await {
            Ok(vpc) => {
                let sgs = when(want(Need::SecurityGroups), aws::security_groups(c, &vpc));
                futures::join!(aws::subnets(c, &vpc), aws::route_tables(c, &vpc), sgs)
            }
            Err(e) => (
                Fetched::Failed(e.clone()),
                Fetched::Failed(e.clone()),
                if want(Need::SecurityGroups) {
                    Fetched::Failed(e)
                } else {
                    Fetched::NotCollected
                },
            ),
        }
    };

    let nodes = async {
        if !want(Need::Nodes) {
            return (
                Fetched::NotCollected,
                Fetched::NotCollected,
                Fetched::NotCollected,
            );
        }
        let (groups, instances) =
            futures::join!(aws::nodegroups(c, name), aws::worker_instances(c, name));
        let mut types = BTreeSet::new();
        if let Fetched::Ok(is) = &instances {
            types.extend(is.iter().map(|i| i.instance_type.clone()));
        }
        if let Fetched::Ok(gs) = &groups {
            for g in gs {
                if g.instance_types.is_empty() {
                    types.insert("t3.medium".to_string());
                }
                types.extend(g.instance_types.iter().cloned());
            }
        }
        let types = aws::instance_types(c, types.into_iter().collect()).await;
        (groups, instances, types)
    };

    let postgres = async {
        if !want(Need::Postgres) {
            return (
                Fetched::NotCollected,
                Fetched::NotCollected,
                Fetched::NotCollected,
            );
        }
        let id = target.postgres.as_deref();
        let (instances, clusters) =
            futures::join!(aws::db_instances(c, id), aws::db_clusters(c, id));
        // Aurora clusters name their subnet group; its VPC and subnets are
        // inline on member instances, so only memberless clusters need a lookup.
        let mut names = BTreeSet::new();
        if let (Fetched::Ok(cs), Fetched::Ok(is)) = (&clusters, &instances) {
            for cl in cs {
                let has_member = is
                    .iter()
                    .any(|i| i.cluster_id.as_deref() == Some(cl.id.as_str()));
                if !has_member {
                    names.extend(cl.subnet_group.iter().cloned());
                }
            }
        }
        let groups = aws::db_subnet_groups(c, names.into_iter().collect()).await;
        (instances, clusters, groups)
    };

    let redis = async {
        if !want(Need::Redis) {
            return (
                Fetched::NotCollected,
                Fetched::NotCollected,
                Fetched::NotCollected,
            );
        }
        futures::join!(
            aws::cache_clusters(c),
            aws::replication_groups(c),
            aws::cache_subnet_groups(c)
        )
    };

    let certificates = when(
        want(Need::Certificates),
        aws::certificates(c, &target.domain),
    );

    let ingress = async {
        if !want(Need::LoadBalancer) {
            return Ingress::default();
        }
        let lbs = aws::load_balancers(c, target.alb.as_deref()).await;
        let vpc = vpc_of().await;
        aws::ingress(
            c,
            lbs,
            vpc,
            target,
            want(Need::TargetHealth),
            want(Need::Waf),
        )
        .await
    };

    // Sources that depend on nothing else.
    let extras = async {
        let addons = when(want(Need::Addons), aws::addons(c, name));
        let oidc = when(want(Need::OidcProviders), aws::oidc_providers(c));
        let dns = async {
            if want(Need::Dns) {
                aws::dns(c, &target.domain).await
            } else {
                (Fetched::NotCollected, Fetched::NotCollected)
            }
        };
        let bucket = async {
            match (&target.bucket, want(Need::Bucket)) {
                (Some(b), true) => aws::bucket(c, b).await,
                _ => Fetched::NotCollected,
            }
        };
        let volumes = when(want(Need::Volumes), aws::volumes(c));
        futures::join!(addons, oidc, dns, bucket, volumes)
    };

    let (
        identity,
        (cluster, vpc, vpc_source),
        network,
        nodes,
        postgres,
        redis,
        certs,
        ingress,
        extras,
    ) = futures::join!(
        aws::caller_identity(c),
        cluster_vpc.clone(),
        network,
        nodes,
        postgres,
        redis,
        certificates,
        ingress,
        extras
    );

    // The run cannot proceed without credentials, an endpoint or the cluster.
    let account = match identity {
        Fetched::Ok(a) => Some(a),
        Fetched::Failed(e) if e.kind == CallErrorKind::Transport => {
            return Err(if e.message.to_ascii_lowercase().contains("credential") {
                CollectError::Credentials(e.message)
            } else {
                CollectError::Unreachable(e.message)
            })
        }
        _ => None,
    };
    if let Fetched::Failed(e) = &cluster {
        if e.code.as_deref() == Some("ResourceNotFoundException") {
            return Err(CollectError::ClusterNotFound {
                cluster: name.to_string(),
                region: region.to_string(),
            });
        }
        // STS answered but EKS did not: typically a region where EKS is not
        // offered (its endpoint does not resolve), or a network path to it blocked.
        if e.kind == CallErrorKind::Transport && e.code.is_none() {
            return Err(CollectError::Unreachable(format!(
                "EKS in {region} did not answer ({}); check that EKS is offered in {region} and reachable from here",
                e.message
            )));
        }
    }

    // Certificates the listeners serve that the domain search did not describe.
    let certificates = match certs {
        Fetched::Ok(mut list) => {
            let known: BTreeSet<String> = list.iter().map(|c| c.arn.clone()).collect();
            let served: Vec<String> = ingress
                .served_certificates()
                .into_iter()
                .filter(|a| !known.contains(a) && a.contains(":acm:"))
                .collect();
            match aws::describe_certificates(c, served).await {
                Ok(more) => {
                    list.extend(more);
                    Fetched::Ok(list)
                }
                Err(e) => Fetched::Failed(e),
            }
        }
        other => other,
    };

    let mut inv = Inventory::empty(target.clone(), region);
    inv.collected_at = crate::now_rfc3339();
    inv.account = account;
    inv.vpc_id = vpc.ok();
    inv.vpc_source = Some(vpc_source).filter(|s| !s.is_empty());
    inv.cluster = cluster;
    (inv.subnets, inv.route_tables, inv.security_groups) = network;
    (inv.nodegroups, inv.instances, inv.instance_types) = nodes;
    (inv.db_instances, inv.db_clusters, inv.db_subnet_groups) = postgres;
    (
        inv.cache_clusters,
        inv.replication_groups,
        inv.cache_subnet_groups,
    ) = redis;
    inv.certificates = certificates;
    inv.load_balancers = ingress.load_balancers;
    inv.listeners = ingress.listeners;
    inv.ssl_policies = ingress.ssl_policies;
    inv.target_groups = ingress.target_groups;
    inv.web_acls = ingress.web_acls;
    let (addons, oidc, (zones, records), bucket, volumes) = extras;
    inv.addons = addons;
    inv.oidc_providers = oidc;
    inv.hosted_zones = zones;
    inv.dns_records = records;
    inv.bucket = bucket;
    inv.volumes = volumes;
    // Credentials that expire (or are revoked) mid-run make the later calls
    // fail: that is one problem with one fix, not a page of errors.
    if let Some(e) = inv
        .failed_calls()
        .into_iter()
        .find(|e| e.code.as_deref().is_some_and(aws::rejects_credentials))
    {
        return Err(CollectError::CredentialsRejected {
            action: e.action.clone(),
            code: e.code.clone().unwrap_or_default(),
        });
    }
    Ok(inv)
}

/// `fetch`'s answer when a selected requirement needs it; otherwise the
/// request is never sent (futures do nothing until awaited).
async fn when<T>(needed: bool, fetch: impl std::future::Future<Output = Fetched<T>>) -> Fetched<T> {
    if needed {
        fetch.await
    } else {
        Fetched::NotCollected
    }
}

/// What the ELBv2 branch gathered.
#[derive(Default)]
pub(crate) struct Ingress {
    pub load_balancers: Fetched<Vec<LoadBalancer>>,
    pub listeners: Fetched<Vec<Listener>>,
    pub ssl_policies: Fetched<Vec<SslPolicy>>,
    pub target_groups: Fetched<Vec<TargetGroup>>,
    pub web_acls: Fetched<Vec<WebAclAssociation>>,
}

impl Ingress {
    fn served_certificates(&self) -> Vec<String> {
        let mut out = BTreeSet::new();
        if let Fetched::Ok(ls) = &self.listeners {
            for l in ls {
                out.extend(l.certificates.iter().map(|c| c.arn.clone()));
            }
        }
        out.into_iter().collect()
    }
}

/// Which load balancers' listeners are worth fetching: the explicit one,
/// else those the controller tagged for the cluster, else all ALBs of the VPC.
pub(crate) fn alb_candidates<'a>(
    lbs: &'a [LoadBalancer],
    vpc: Option<&str>,
    target: &TargetSpec,
) -> Vec<&'a LoadBalancer> {
    if let Some(want) = target.alb.as_deref() {
        return lbs
            .iter()
            .filter(|lb| lb.arn == want || lb.name == want)
            .collect();
    }
    let in_vpc: Vec<&LoadBalancer> = lbs
        .iter()
        .filter(|lb| lb.vpc_id.as_deref() == vpc && lb.lb_type == "application")
        .collect();
    let tagged: Vec<&LoadBalancer> = in_vpc
        .iter()
        .copied()
        .filter(|lb| {
            lb.tags
                .get(crate::evaluate::LBC_CLUSTER_TAG)
                .map(String::as_str)
                == Some(target.cluster.as_str())
        })
        .collect();
    if tagged.is_empty() {
        in_vpc
    } else {
        tagged
    }
}

/// True when a certificate summary may cover the domain and so deserves a
/// DescribeCertificate (the summary lists at most a few SANs).
pub(crate) fn summary_may_cover(c: &Certificate, more_sans: bool, domain: &str) -> bool {
    more_sans || name_covers(&c.domain, domain) || c.sans.iter().any(|s| name_covers(s, domain))
}

/// Groups tags by resource for DescribeTags answers.
pub(crate) type TagMap = BTreeMap<String, BTreeMap<String, String>>;
