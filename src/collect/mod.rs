//! Collection: the only code that talks to AWS (`aws_sdk_*`), one file per
//! service. It fills an [`Inventory`] of our own structs. Only read
//! operations (`Describe*`, `List*`, `Get*`) are called — `tests/read_only.rs`
//! proves it from the source and from every operation recorded in the
//! end-to-end runs. This root holds the clients, the shared error plumbing
//! and the orchestration.
//!
//! Calls that do not depend on each other run concurrently: everything
//! account-wide starts at once, and the VPC-scoped calls start as soon as
//! DescribeCluster has named the VPC. Each resource type is fetched once,
//! filtered server-side where the API allows, and every page is read.

use std::collections::{BTreeMap, BTreeSet};

use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use futures::FutureExt;

use crate::model::*;
use crate::resolve::nodes::{nodegroup_instance_types, EBS_CSI_NAMESPACE, EBS_CSI_SERVICE_ACCOUNT};
use crate::spec::Need;

/// How many per-resource calls (one per node group, listener, …) run at once.
pub(crate) const FAN_OUT: usize = 8;

const DENIED: &[&str] = &[
    "AccessDenied",
    "AccessDeniedException",
    "UnauthorizedOperation",
    "UnauthorizedAccess",
    "AuthorizationError",
    "Forbidden",
];

const BAD_CREDENTIALS: &[&str] = &[
    "AuthFailure",
    "InvalidClientTokenId",
    "ExpiredToken",
    "ExpiredTokenException",
    "SignatureDoesNotMatch",
    "UnrecognizedClientException",
    "InvalidSignatureException",
];

/// True for the error codes that mean the credentials themselves were
/// refused (expired, revoked, malformed), not a missing permission.
fn rejects_credentials(code: &str) -> bool {
    BAD_CREDENTIALS.contains(&code)
}

pub(crate) fn call_error<E>(action: &str, err: &SdkError<E, HttpResponse>) -> CallError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    match err {
        SdkError::ServiceError(ctx) => {
            let code = err.code().map(str::to_string);
            let status = ctx.raw().status().as_u16();
            let message = match (err.message(), &code) {
                (Some(m), _) => m.to_string(),
                (None, Some(c)) => format!("HTTP {status} {c}"),
                // No AWS error at all, e.g. an HTML 404 page: the endpoint
                // does not implement the operation (some emulators) or a proxy answered.
                (None, None) => format!(
                    "HTTP {status} without an AWS error code: the endpoint does not implement this operation or something other than AWS answered"
                ),
            };
            let kind = match code.as_deref() {
                Some(c) if DENIED.contains(&c) => CallErrorKind::Denied,
                Some(c) if BAD_CREDENTIALS.contains(&c) => {
                    return CallError {
                        action: action.to_string(),
                        kind: CallErrorKind::Transport,
                        message: format!("the credentials were rejected ({c}): {message}"),
                        code,
                    }
                }
                _ => CallErrorKind::Service,
            };
            CallError {
                action: action.to_string(),
                kind,
                code,
                message,
            }
        }
        other => CallError {
            action: action.to_string(),
            kind: CallErrorKind::Transport,
            code: None,
            message: error_chain(other),
        },
    }
}

/// `a: b: c` from an error and its sources, without repeats or Debug noise.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut cur: Option<&dyn std::error::Error> = Some(e);
    while let Some(err) = cur {
        let text = err.to_string();
        if !text.is_empty() && !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        cur = err.source();
    }
    parts.join(": ")
}

macro_rules! fetch {
    ($action:literal, $call:expr) => {
        match $call {
            Ok(v) => v,
            Err(e) => return Fetched::Failed(call_error($action, &e)),
        }
    };
}

pub(crate) fn to_rfc3339(t: &aws_smithy_types::DateTime) -> Option<String> {
    t.fmt(aws_smithy_types::date_time::Format::DateTime).ok()
}

mod acm;
mod actions;
mod cloudfront;
mod ec2;
mod eks;
mod elasticache;
mod elbv2;
mod iam;
mod rds;
mod recorder;
mod route53;
mod s3;
mod s3control;
mod servicequotas;
mod sts;
mod wafv2;

pub use actions::{critical_path, iam_action, iam_policy, DEPENDS_ON, IAM_ACTIONS};
pub use recorder::{CallRecorder, RecordedCall};

/// One client per service, all built from the same SDK configuration.
#[derive(Clone, Debug)]
pub struct Clients {
    pub acm: aws_sdk_acm::Client,
    pub cloudfront: aws_sdk_cloudfront::Client,
    pub ec2: aws_sdk_ec2::Client,
    pub eks: aws_sdk_eks::Client,
    pub elasticache: aws_sdk_elasticache::Client,
    pub elbv2: aws_sdk_elasticloadbalancingv2::Client,
    pub iam: aws_sdk_iam::Client,
    pub rds: aws_sdk_rds::Client,
    pub route53: aws_sdk_route53::Client,
    pub s3: aws_sdk_s3::Client,
    pub s3control: aws_sdk_s3control::Client,
    pub servicequotas: aws_sdk_servicequotas::Client,
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
            cloudfront: client!(aws_sdk_cloudfront),
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
            s3control: {
                let mut b =
                    aws_sdk_s3control::config::Builder::from(conf).interceptor(recorder.clone());
                if conf.endpoint_url().is_some() {
                    b = b.endpoint_resolver(s3control::EmulatorEndpoint::default());
                }
                aws_sdk_s3control::Client::from_conf(b.build())
            },
            servicequotas: client!(aws_sdk_servicequotas),
            sts: client!(aws_sdk_sts),
            wafv2: client!(aws_sdk_wafv2),
        }
    }
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

    // GetCallerIdentity → the account. Shared: the account's S3 block waits on it.
    let identity = sts::caller_identity(c).shared();

    // DescribeCluster → VPC. Shared: several branches wait on it.
    let cluster_vpc = async {
        let cluster = eks::describe_cluster(c, name).await;
        let (vpc, source) = match (&target.vpc, &cluster) {
            (Some(v), _) => (Ok(v.clone()), "given by --vpc".to_string()),
            (None, Fetched::Ok(cl)) => match &cl.vpc_id {
                Some(v) => (Ok(v.clone()), format!("the VPC of EKS cluster {name}")),
                // Some emulators omit vpcId: derive it from the cluster's subnets.
                None => (
                    ec2::vpc_of_subnets(c, &cl.subnet_ids).await,
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

    // Boxed: the branches together are too large a future for a thread's stack.
    let network = Box::pin(async {
        use Fetched::NotCollected as N;
        if !(want(Need::Network) || want(Need::SecurityGroups)) {
            return (N, N, N, N);
        }
        match vpc_of().await {
            Ok(vpc) => {
                // The security groups, then the entries of the managed
                // prefix lists their rules name.
                let sgs = async {
                    if !want(Need::SecurityGroups) {
                        return (N, N);
                    }
                    let sgs = ec2::security_groups(c, &vpc).await;
                    let lists = match &sgs {
                        Fetched::Ok(groups) => {
                            let ids: BTreeSet<String> = groups
                                .iter()
                                .flat_map(|g| g.ingress.iter())
                                .flat_map(|r| r.prefix_lists.iter().cloned())
                                .collect();
                            if ids.is_empty() {
                                Fetched::Ok(Vec::new())
                            } else {
                                ec2::prefix_lists(c, ids.into_iter().collect()).await
                            }
                        }
                        Fetched::Failed(e) => Fetched::Failed(e.clone()),
                        Fetched::NotCollected => N,
                    };
                    (sgs, lists)
                };
                let (subnets, tables, (sgs, lists)) =
                    futures::join!(ec2::subnets(c, &vpc), ec2::route_tables(c, &vpc), sgs);
                (subnets, tables, sgs, lists)
            }
            Err(e) => {
                let sgs = want(Need::SecurityGroups);
                (
                    Fetched::Failed(e.clone()),
                    Fetched::Failed(e.clone()),
                    failed_if(sgs, &e),
                    failed_if(sgs, &e),
                )
            }
        }
    });

    // ListAddons: read by the add-on requirements, and by the node model
    // (the vpc-cni add-on's prefix delegation changes maxPods).
    let addons = async {
        if want(Need::Addons) || want(Need::Nodes) {
            eks::addons(c, name).await
        } else {
            Fetched::NotCollected
        }
    }
    .shared();

    let nodes = Box::pin(async {
        if !want(Need::Nodes) {
            use Fetched::NotCollected as N;
            return (N, N, N, N, N, N);
        }
        let cni = async {
            match addons.clone().await {
                Fetched::Ok(list) if list.iter().any(|a| a == "vpc-cni") => {
                    eks::vpc_cni_config(c, name).await
                }
                Fetched::Ok(_) => Fetched::Ok(None),
                Fetched::Failed(e) => Fetched::Failed(e),
                Fetched::NotCollected => Fetched::NotCollected,
            }
        };
        let instances_and_types = async {
            let (groups, instances, fargate) = futures::join!(
                eks::nodegroups(c, name),
                ec2::worker_instances(c, name),
                eks::fargate_profiles(c, name)
            );
            let templates = match &groups {
                Fetched::Ok(gs) => {
                    let refs: Vec<LaunchTemplateRef> = gs
                        .iter()
                        .filter_map(|g| g.launch_template.clone())
                        .collect();
                    if refs.is_empty() {
                        Fetched::Ok(Vec::new())
                    } else {
                        ec2::launch_template_versions(c, refs).await
                    }
                }
                Fetched::Failed(e) => Fetched::Failed(e.clone()),
                Fetched::NotCollected => Fetched::NotCollected,
            };
            let mut types = BTreeSet::new();
            if let Fetched::Ok(is) = &instances {
                types.extend(is.iter().map(|i| i.instance_type.clone()));
            }
            if let Fetched::Ok(gs) = &groups {
                let lts = templates.ok().map(Vec::as_slice).unwrap_or_default();
                for g in gs {
                    if let Some(m) = nodegroup_instance_types(g, lts) {
                        types.extend(m.types);
                    }
                }
            }
            let types = ec2::instance_types(c, types.into_iter().collect()).await;
            (groups, instances, types, templates, fargate)
        };
        let ((groups, instances, types, templates, fargate), cni) =
            futures::join!(instances_and_types, cni);
        (groups, instances, types, templates, fargate, cni)
    });

    let postgres = Box::pin(async {
        if !want(Need::Postgres) {
            use Fetched::NotCollected as N;
            return (N, N, N, N);
        }
        let id = target.postgres.as_deref();
        let (instances, clusters, proxies) = futures::join!(
            rds::db_instances(c, id),
            rds::db_clusters(c, id),
            rds::db_proxies(c)
        );
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
        let groups = rds::db_subnet_groups(c, names.into_iter().collect()).await;
        (instances, clusters, groups, proxies)
    });

    let redis = Box::pin(async {
        if !want(Need::Redis) {
            use Fetched::NotCollected as N;
            return (N, N, N, N);
        }
        futures::join!(
            elasticache::cache_clusters(c),
            elasticache::replication_groups(c),
            elasticache::cache_subnet_groups(c),
            elasticache::serverless_caches(c)
        )
    });

    let certificates = when(
        want(Need::Certificates),
        acm::certificates(c, &target.domain),
    );

    let ingress = Box::pin(async {
        if !want(Need::LoadBalancer) {
            return Ingress::default();
        }
        let lbs = elbv2::load_balancers(c, target.alb.as_deref()).await;
        let vpc = vpc_of().await;
        elbv2::ingress(
            c,
            lbs,
            vpc,
            target,
            want(Need::TargetHealth),
            want(Need::Waf),
        )
        .await
    });

    // Sources that depend on nothing else.
    let extras = Box::pin(async {
        // Signs of an EBS CSI driver installed outside EKS add-ons, looked
        // for only when the add-on is absent.
        let ebs_csi = async {
            if !want(Need::Addons) {
                return Fetched::NotCollected;
            }
            match addons.clone().await {
                Fetched::Ok(list) if list.iter().any(|a| a == "aws-ebs-csi-driver") => {
                    Fetched::Ok(Vec::new())
                }
                Fetched::Ok(_) => {
                    let (irsa, pod_identity) = futures::join!(
                        iam::roles_trusting(c, EBS_CSI_NAMESPACE, EBS_CSI_SERVICE_ACCOUNT),
                        eks::pod_identity_associations(
                            c,
                            name,
                            EBS_CSI_NAMESPACE,
                            EBS_CSI_SERVICE_ACCOUNT
                        )
                    );
                    // One positive sign is enough; an unanswered call counts
                    // only when nothing else was found.
                    let mut found = Vec::new();
                    let mut failed = None;
                    for r in [irsa, pod_identity] {
                        match r {
                            Ok(v) => found.extend(v),
                            Err(e) => failed = failed.or(Some(e)),
                        }
                    }
                    match failed {
                        Some(e) if found.is_empty() => Fetched::Failed(e),
                        _ => Fetched::Ok(found),
                    }
                }
                Fetched::Failed(e) => Fetched::Failed(e),
                Fetched::NotCollected => Fetched::NotCollected,
            }
        };
        let quota = when(want(Need::Quota), servicequotas::on_demand_vcpu_quota(c));
        let oidc = when(want(Need::OidcProviders), iam::oidc_providers(c));
        let dns = async {
            if want(Need::Dns) {
                route53::dns(c, &target.domain).await
            } else {
                (Fetched::NotCollected, Fetched::NotCollected)
            }
        };
        let distributions = when(
            want(Need::Cdn),
            cloudfront::distributions(c, &target.domain),
        );
        let bucket = async {
            match (&target.bucket, want(Need::Bucket)) {
                (Some(b), true) => {
                    // The account's block needs the account id; it runs beside the bucket's calls.
                    let account_block = async {
                        match identity.clone().await {
                            Fetched::Ok(account) => {
                                s3control::account_public_access_block(c, &account).await
                            }
                            Fetched::Failed(e) => Fetched::Failed(e),
                            Fetched::NotCollected => Fetched::NotCollected,
                        }
                    };
                    let (bucket, account_block) = futures::join!(s3::bucket(c, b), account_block);
                    bucket.map(|mut b| {
                        if b.exists {
                            b.account_public_access_block = account_block;
                        }
                        b
                    })
                }
                _ => Fetched::NotCollected,
            }
        };
        let volumes = when(want(Need::Volumes), ec2::volumes(c));
        futures::join!(
            addons.clone(),
            ebs_csi,
            quota,
            oidc,
            dns,
            distributions,
            bucket,
            volumes
        )
    });

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
        identity.clone(),
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
                .filter(|a| !known.contains(a))
                .collect();
            let (in_acm, in_iam): (Vec<String>, Vec<String>) = served
                .into_iter()
                .filter(|a| a.contains(":acm:") || a.contains(":server-certificate/"))
                .partition(|a| a.contains(":acm:"));
            let (acm_more, iam_more) = futures::join!(
                acm::describe_certificates(c, in_acm),
                iam::server_certificates(c, in_iam)
            );
            match (acm_more, iam_more) {
                (Ok(a), Ok(b)) => {
                    list.extend(a);
                    list.extend(b);
                    Fetched::Ok(list)
                }
                (Err(e), _) | (_, Err(e)) => Fetched::Failed(e),
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
    (
        inv.subnets,
        inv.route_tables,
        inv.security_groups,
        inv.prefix_lists,
    ) = network;
    (
        inv.nodegroups,
        inv.instances,
        inv.instance_types,
        inv.launch_templates,
        inv.fargate_profiles,
        inv.vpc_cni_config,
    ) = nodes;
    (
        inv.db_instances,
        inv.db_clusters,
        inv.db_subnet_groups,
        inv.db_proxies,
    ) = postgres;
    (
        inv.cache_clusters,
        inv.replication_groups,
        inv.cache_subnet_groups,
        inv.serverless_caches,
    ) = redis;
    inv.certificates = certificates;
    inv.load_balancers = ingress.load_balancers;
    inv.listeners = ingress.listeners;
    inv.ssl_policies = ingress.ssl_policies;
    inv.target_groups = ingress.target_groups;
    inv.web_acls = ingress.web_acls;
    let (addons, ebs_csi, quota, oidc, (zones, records), distributions, bucket, volumes) = extras;
    inv.addons = addons;
    inv.ebs_csi_identities = ebs_csi;
    inv.instance_quota = quota;
    inv.oidc_providers = oidc;
    inv.hosted_zones = zones;
    inv.dns_records = records;
    inv.bucket = bucket;
    inv.distributions = distributions;
    inv.volumes = volumes;
    // Credentials that expire (or are revoked) mid-run make the later calls
    // fail: that is one problem with one fix, not a page of errors.
    if let Some(e) = inv
        .failed_calls()
        .into_iter()
        .find(|e| e.code.as_deref().is_some_and(rejects_credentials))
    {
        return Err(CollectError::CredentialsRejected {
            action: e.action.clone(),
            code: e.code.clone().unwrap_or_default(),
        });
    }
    Ok(inv)
}

/// `e` when the data was wanted, else not collected.
fn failed_if<T>(wanted: bool, e: &CallError) -> Fetched<T> {
    if wanted {
        Fetched::Failed(e.clone())
    } else {
        Fetched::NotCollected
    }
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

/// Groups tags by resource for DescribeTags answers.
pub(crate) type TagMap = BTreeMap<String, BTreeMap<String, String>>;
