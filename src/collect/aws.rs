//! One function per AWS read, each turning SDK answers into inventory structs.
//! Every function here calls only `describe_*`, `list_*` or `get_*`.

use std::collections::{BTreeMap, BTreeSet};

use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use futures::StreamExt;

use super::{alb_candidates, summary_may_cover, Clients, Ingress, TagMap};
use crate::model::*;
use crate::names::canonical;

/// How many per-resource calls (one per node group, listener, …) run at once.
const FAN_OUT: usize = 8;

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
pub(super) fn rejects_credentials(code: &str) -> bool {
    BAD_CREDENTIALS.contains(&code)
}

fn call_error<E>(action: &str, err: &SdkError<E, HttpResponse>) -> CallError
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

fn ec2_filter(name: &str, values: &[&str]) -> aws_sdk_ec2::types::Filter {
    let mut b = aws_sdk_ec2::types::Filter::builder().name(name);
    for v in values {
        b = b.values(*v);
    }
    b.build()
}

fn to_rfc3339(t: &aws_smithy_types::DateTime) -> Option<String> {
    t.fmt(aws_smithy_types::date_time::Format::DateTime).ok()
}

// ---------------------------------------------------------------- STS / EKS

pub(super) async fn caller_identity(c: &Clients) -> Fetched<String> {
    let out = fetch!(
        "sts:GetCallerIdentity",
        c.sts.get_caller_identity().send().await
    );
    Fetched::Ok(out.account().unwrap_or_default().to_string())
}

pub(super) async fn describe_cluster(c: &Clients, name: &str) -> Fetched<Cluster> {
    let out = match c.eks.describe_cluster().name(name).send().await {
        Ok(o) => o,
        Err(e) => {
            let mut err = call_error("eks:DescribeCluster", &e);
            let missing = e
                .as_service_error()
                .is_some_and(|s| s.is_resource_not_found_exception());
            if missing {
                err.code = Some("ResourceNotFoundException".into());
            }
            return Fetched::Failed(err);
        }
    };
    let Some(cl) = out.cluster() else {
        return Fetched::Failed(CallError {
            action: "eks:DescribeCluster".into(),
            kind: CallErrorKind::Service,
            code: Some("ResourceNotFoundException".into()),
            message: "the answer held no cluster".into(),
        });
    };
    let vpc = cl.resources_vpc_config();
    Fetched::Ok(Cluster {
        name: cl.name().unwrap_or(name).to_string(),
        arn: cl.arn().map(str::to_string),
        status: cl
            .status()
            .map(|s| s.as_str().to_string())
            .unwrap_or_default(),
        version: cl.version().map(str::to_string),
        vpc_id: vpc.and_then(|v| v.vpc_id()).map(str::to_string),
        subnet_ids: vpc.map(|v| v.subnet_ids().to_vec()).unwrap_or_default(),
        security_group_ids: vpc
            .map(|v| v.security_group_ids().to_vec())
            .unwrap_or_default(),
        cluster_security_group_id: vpc
            .and_then(|v| v.cluster_security_group_id())
            .map(str::to_string),
        oidc_issuer: cl
            .identity()
            .and_then(|i| i.oidc())
            .and_then(|o| o.issuer())
            .map(str::to_string),
    })
}

pub(super) async fn nodegroups(c: &Clients, cluster: &str) -> Fetched<Vec<Nodegroup>> {
    let names: Vec<String> = fetch!(
        "eks:ListNodegroups",
        c.eks
            .list_nodegroups()
            .cluster_name(cluster)
            .max_results(100)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
    );
    let described: Vec<_> = futures::stream::iter(names)
        .map(|n| async move {
            c.eks
                .describe_nodegroup()
                .cluster_name(cluster)
                .nodegroup_name(n)
                .send()
                .await
        })
        .buffered(FAN_OUT)
        .collect()
        .await;
    let mut out = Vec::new();
    for d in described {
        let d = fetch!("eks:DescribeNodegroup", d);
        let Some(g) = d.nodegroup() else { continue };
        let scaling = g.scaling_config();
        out.push(Nodegroup {
            name: g.nodegroup_name().unwrap_or_default().to_string(),
            status: g
                .status()
                .map(|s| s.as_str().to_string())
                .unwrap_or_default(),
            instance_types: g.instance_types().to_vec(),
            desired_size: scaling.and_then(|s| s.desired_size()).unwrap_or(0),
            min_size: scaling.and_then(|s| s.min_size()).unwrap_or(0),
            max_size: scaling.and_then(|s| s.max_size()).unwrap_or(0),
            subnet_ids: g.subnets().to_vec(),
            capacity_type: g.capacity_type().map(|c| c.as_str().to_string()),
        });
    }
    Fetched::Ok(out)
}

// ---------------------------------------------------------------- EC2

/// The VPC of the given subnets (fallback when DescribeCluster omits vpcId).
pub(super) async fn vpc_of_subnets(
    c: &Clients,
    subnet_ids: &[String],
) -> Result<String, CallError> {
    let action = "ec2:DescribeSubnets";
    let out = c
        .ec2
        .describe_subnets()
        .set_subnet_ids(Some(subnet_ids.to_vec()))
        .send()
        .await
        .map_err(|e| call_error(action, &e))?;
    out.subnets()
        .iter()
        .find_map(|s| s.vpc_id().map(str::to_string))
        .ok_or_else(|| CallError {
            action: action.into(),
            kind: CallErrorKind::Dependency,
            code: None,
            message: "the cluster reports neither a VPC nor subnets".into(),
        })
}

pub(super) async fn subnets(c: &Clients, vpc: &str) -> Fetched<Vec<Subnet>> {
    let pages: Vec<_> = fetch!(
        "ec2:DescribeSubnets",
        c.ec2
            .describe_subnets()
            .filters(ec2_filter("vpc-id", &[vpc]))
            .max_results(1000)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
    );
    let mut out: Vec<Subnet> = pages
        .iter()
        .map(|s| Subnet {
            id: s.subnet_id().unwrap_or_default().to_string(),
            vpc_id: s.vpc_id().unwrap_or_default().to_string(),
            cidr: s.cidr_block().unwrap_or_default().to_string(),
            availability_zone: s.availability_zone().unwrap_or_default().to_string(),
            tags: s
                .tags()
                .iter()
                .map(|t| {
                    (
                        t.key().unwrap_or_default().to_string(),
                        t.value().unwrap_or_default().to_string(),
                    )
                })
                .collect(),
        })
        .collect();
    out.sort_by(|a, b| a.id.cmp(&b.id));
    Fetched::Ok(out)
}

pub(super) async fn route_tables(c: &Clients, vpc: &str) -> Fetched<Vec<RouteTable>> {
    let items: Vec<_> = fetch!(
        "ec2:DescribeRouteTables",
        c.ec2
            .describe_route_tables()
            .filters(ec2_filter("vpc-id", &[vpc]))
            .max_results(100)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
    );
    let mut out: Vec<RouteTable> = items
        .iter()
        .map(|t| RouteTable {
            id: t.route_table_id().unwrap_or_default().to_string(),
            vpc_id: t.vpc_id().unwrap_or_default().to_string(),
            main: t.associations().iter().any(|a| a.main() == Some(true)),
            subnet_ids: t
                .associations()
                .iter()
                .filter_map(|a| a.subnet_id().map(str::to_string))
                .collect(),
            routes: t
                .routes()
                .iter()
                .map(|r| Route {
                    destination: r
                        .destination_cidr_block()
                        .or(r.destination_ipv6_cidr_block())
                        .or(r.destination_prefix_list_id())
                        .unwrap_or_default()
                        .to_string(),
                    target: r
                        .gateway_id()
                        .or(r.nat_gateway_id())
                        .or(r.transit_gateway_id())
                        .or(r.network_interface_id())
                        .or(r.instance_id())
                        .or(r.vpc_peering_connection_id())
                        .unwrap_or_default()
                        .to_string(),
                    state: r.state().map(|s| s.as_str().to_string()),
                })
                .collect(),
        })
        .collect();
    out.sort_by(|a, b| a.id.cmp(&b.id));
    Fetched::Ok(out)
}

pub(super) async fn security_groups(c: &Clients, vpc: &str) -> Fetched<Vec<SecurityGroup>> {
    let items: Vec<_> = fetch!(
        "ec2:DescribeSecurityGroups",
        c.ec2
            .describe_security_groups()
            .filters(ec2_filter("vpc-id", &[vpc]))
            .max_results(1000)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
    );
    let mut out: Vec<SecurityGroup> = items
        .iter()
        .map(|g| SecurityGroup {
            id: g.group_id().unwrap_or_default().to_string(),
            name: g.group_name().unwrap_or_default().to_string(),
            vpc_id: g.vpc_id().map(str::to_string),
            ingress: g
                .ip_permissions()
                .iter()
                .map(|p| SgRule {
                    protocol: p.ip_protocol().unwrap_or("-1").to_string(),
                    from_port: p.from_port(),
                    to_port: p.to_port(),
                    ipv4_cidrs: p
                        .ip_ranges()
                        .iter()
                        .filter_map(|r| r.cidr_ip().map(str::to_string))
                        .collect(),
                    ipv6_cidrs: p
                        .ipv6_ranges()
                        .iter()
                        .filter_map(|r| r.cidr_ipv6().map(str::to_string))
                        .collect(),
                    prefix_lists: p
                        .prefix_list_ids()
                        .iter()
                        .filter_map(|r| r.prefix_list_id().map(str::to_string))
                        .collect(),
                    security_groups: p
                        .user_id_group_pairs()
                        .iter()
                        .filter_map(|r| r.group_id().map(str::to_string))
                        .collect(),
                })
                .collect(),
        })
        .collect();
    out.sort_by(|a, b| a.id.cmp(&b.id));
    Fetched::Ok(out)
}

/// Running instances tagged for the cluster, by either of the two tags.
pub(super) async fn worker_instances(c: &Clients, cluster: &str) -> Fetched<Vec<Instance>> {
    let query = |filter: aws_sdk_ec2::types::Filter| {
        c.ec2
            .describe_instances()
            .filters(filter)
            .filters(ec2_filter("instance-state-name", &["running"]))
            .max_results(1000)
            .into_paginator()
            .items()
            .send()
            .try_collect()
    };
    let legacy_key = format!("kubernetes.io/cluster/{cluster}");
    let (a, b) = futures::join!(
        query(ec2_filter("tag:eks:cluster-name", &[cluster])),
        query(ec2_filter("tag-key", &[legacy_key.as_str()]))
    );
    let a: Vec<_> = fetch!("ec2:DescribeInstances", a);
    let b: Vec<_> = fetch!("ec2:DescribeInstances", b);
    let mut out: BTreeMap<String, Instance> = BTreeMap::new();
    for r in a.iter().chain(b.iter()) {
        for i in r.instances() {
            let id = i.instance_id().unwrap_or_default().to_string();
            out.entry(id.clone()).or_insert_with(|| Instance {
                id,
                instance_type: i
                    .instance_type()
                    .map(|t| t.as_str().to_string())
                    .unwrap_or_default(),
                state: i
                    .state()
                    .and_then(|s| s.name())
                    .map(|n| n.as_str().to_string())
                    .unwrap_or_default(),
                vpc_id: i.vpc_id().map(str::to_string),
                subnet_id: i.subnet_id().map(str::to_string),
                availability_zone: i
                    .placement()
                    .and_then(|p| p.availability_zone())
                    .map(str::to_string),
                private_ip: i.private_ip_address().map(str::to_string),
                security_group_ids: i
                    .security_groups()
                    .iter()
                    .filter_map(|g| g.group_id().map(str::to_string))
                    .collect(),
                nodegroup: i
                    .tags()
                    .iter()
                    .find(|t| t.key() == Some("eks:nodegroup-name"))
                    .and_then(|t| t.value())
                    .map(str::to_string),
            });
        }
    }
    Fetched::Ok(out.into_values().collect())
}

pub(super) async fn instance_types(c: &Clients, names: Vec<String>) -> Fetched<Vec<InstanceType>> {
    let mut out = Vec::new();
    for chunk in names.chunks(100) {
        let mut req = c.ec2.describe_instance_types();
        for n in chunk {
            req = req.instance_types(aws_sdk_ec2::types::InstanceType::from(n.as_str()));
        }
        let items: Vec<_> = fetch!(
            "ec2:DescribeInstanceTypes",
            req.into_paginator().items().send().try_collect().await
        );
        for t in &items {
            let net = t.network_info();
            out.push(InstanceType {
                name: t
                    .instance_type()
                    .map(|x| x.as_str().to_string())
                    .unwrap_or_default(),
                vcpus: t.v_cpu_info().and_then(|v| v.default_v_cpus()).unwrap_or(0) as u32,
                memory_mib: t.memory_info().and_then(|m| m.size_in_mib()).unwrap_or(0) as u64,
                max_network_interfaces: net
                    .and_then(|n| n.maximum_network_interfaces())
                    .unwrap_or(0) as u32,
                ipv4_addresses_per_interface: net
                    .and_then(|n| n.ipv4_addresses_per_interface())
                    .unwrap_or(0) as u32,
            });
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Fetched::Ok(out)
}

// ---------------------------------------------------------------- RDS

fn rds_filter(name: &str, values: &[&str]) -> aws_sdk_rds::types::Filter {
    let mut b = aws_sdk_rds::types::Filter::builder().name(name);
    for v in values {
        b = b.values(*v);
    }
    b.build()
}

/// PostgreSQL instances; with an explicit id (`--postgres`), only that
/// instance or the members of that cluster, whatever their engine, so that a
/// database of the wrong engine is reported as such, not as missing.
pub(super) async fn db_instances(c: &Clients, id: Option<&str>) -> Fetched<Vec<DbInstance>> {
    let query = |filter: aws_sdk_rds::types::Filter| {
        c.rds
            .describe_db_instances()
            .filters(filter)
            .max_records(100)
            .into_paginator()
            .items()
            .send()
            .try_collect()
    };
    let items: Vec<_> = match id {
        None => fetch!(
            "rds:DescribeDBInstances",
            query(rds_filter("engine", &["postgres", "aurora-postgresql"])).await
        ),
        Some(id) => {
            // RDS ANDs filters: the instance itself, or the cluster's members.
            let (one, members) = futures::join!(
                query(rds_filter("db-instance-id", &[id])),
                query(rds_filter("db-cluster-id", &[id]))
            );
            let mut all = fetch!("rds:DescribeDBInstances", one);
            all.extend(fetch!("rds:DescribeDBInstances", members));
            all
        }
    };
    let out = items
        .iter()
        .map(|i| {
            let group = i.db_subnet_group();
            DbInstance {
                id: i.db_instance_identifier().unwrap_or_default().to_string(),
                engine: i.engine().unwrap_or_default().to_string(),
                engine_version: i.engine_version().unwrap_or_default().to_string(),
                status: i.db_instance_status().unwrap_or_default().to_string(),
                cluster_id: i.db_cluster_identifier().map(str::to_string),
                endpoint: i.endpoint().and_then(|e| e.address()).map(str::to_string),
                port: i.endpoint().and_then(|e| e.port()),
                publicly_accessible: i.publicly_accessible().unwrap_or(false),
                vpc_id: group.and_then(|g| g.vpc_id()).map(str::to_string),
                subnet_group: group
                    .and_then(|g| g.db_subnet_group_name())
                    .map(str::to_string),
                subnet_ids: group
                    .map(|g| {
                        g.subnets()
                            .iter()
                            .filter_map(|s| s.subnet_identifier().map(str::to_string))
                            .collect()
                    })
                    .unwrap_or_default(),
                security_group_ids: i
                    .vpc_security_groups()
                    .iter()
                    .filter_map(|g| g.vpc_security_group_id().map(str::to_string))
                    .collect(),
                instance_class: i.db_instance_class().map(str::to_string),
                storage_encrypted: i.storage_encrypted(),
                backup_retention_days: i.backup_retention_period(),
            }
        })
        .collect();
    Fetched::Ok(out)
}

/// Aurora PostgreSQL clusters; with an explicit id, that cluster whatever its engine.
pub(super) async fn db_clusters(c: &Clients, id: Option<&str>) -> Fetched<Vec<DbCluster>> {
    let filter = match id {
        Some(id) => rds_filter("db-cluster-id", &[id]),
        None => rds_filter("engine", &["aurora-postgresql"]),
    };
    let items: Vec<_> = fetch!(
        "rds:DescribeDBClusters",
        c.rds
            .describe_db_clusters()
            .filters(filter)
            .max_records(100)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
    );
    let out = items
        .iter()
        .map(|cl| DbCluster {
            id: cl.db_cluster_identifier().unwrap_or_default().to_string(),
            engine: cl.engine().unwrap_or_default().to_string(),
            engine_version: cl.engine_version().unwrap_or_default().to_string(),
            status: cl.status().unwrap_or_default().to_string(),
            endpoint: cl.endpoint().map(str::to_string),
            port: cl.port(),
            subnet_group: cl.db_subnet_group().map(str::to_string),
            security_group_ids: cl
                .vpc_security_groups()
                .iter()
                .filter_map(|g| g.vpc_security_group_id().map(str::to_string))
                .collect(),
            members: cl
                .db_cluster_members()
                .iter()
                .filter_map(|m| m.db_instance_identifier().map(str::to_string))
                .collect(),
            storage_encrypted: cl.storage_encrypted(),
            backup_retention_days: cl.backup_retention_period(),
        })
        .collect();
    Fetched::Ok(out)
}

pub(super) async fn db_subnet_groups(c: &Clients, names: Vec<String>) -> Fetched<Vec<SubnetGroup>> {
    let answers: Vec<_> = futures::stream::iter(names)
        .map(|n| async move {
            c.rds
                .describe_db_subnet_groups()
                .db_subnet_group_name(n)
                .send()
                .await
        })
        .buffered(FAN_OUT)
        .collect()
        .await;
    let mut out = Vec::new();
    for a in answers {
        let a = fetch!("rds:DescribeDBSubnetGroups", a);
        for g in a.db_subnet_groups() {
            out.push(SubnetGroup {
                name: g.db_subnet_group_name().unwrap_or_default().to_string(),
                vpc_id: g.vpc_id().map(str::to_string),
                subnet_ids: g
                    .subnets()
                    .iter()
                    .filter_map(|s| s.subnet_identifier().map(str::to_string))
                    .collect(),
            });
        }
    }
    Fetched::Ok(out)
}

// ---------------------------------------------------------------- ElastiCache

pub(super) async fn cache_clusters(c: &Clients) -> Fetched<Vec<CacheCluster>> {
    let items: Vec<_> = fetch!(
        "elasticache:DescribeCacheClusters",
        c.elasticache
            .describe_cache_clusters()
            .show_cache_node_info(true)
            .max_records(100)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
    );
    let out = items
        .iter()
        .map(|cc| CacheCluster {
            id: cc.cache_cluster_id().unwrap_or_default().to_string(),
            engine: cc.engine().unwrap_or_default().to_string(),
            engine_version: cc.engine_version().map(str::to_string),
            status: cc.cache_cluster_status().unwrap_or_default().to_string(),
            node_type: cc.cache_node_type().map(str::to_string),
            replication_group_id: cc.replication_group_id().map(str::to_string),
            subnet_group: cc.cache_subnet_group_name().map(str::to_string),
            security_group_ids: cc
                .security_groups()
                .iter()
                .filter_map(|g| g.security_group_id().map(str::to_string))
                .collect(),
            port: cc
                .configuration_endpoint()
                .and_then(|e| e.port())
                .or_else(|| {
                    cc.cache_nodes()
                        .iter()
                        .find_map(|n| n.endpoint().and_then(|e| e.port()))
                }),
            transit_encryption: cc.transit_encryption_enabled(),
        })
        .collect();
    Fetched::Ok(out)
}

pub(super) async fn replication_groups(c: &Clients) -> Fetched<Vec<ReplicationGroup>> {
    let items: Vec<_> = fetch!(
        "elasticache:DescribeReplicationGroups",
        c.elasticache
            .describe_replication_groups()
            .max_records(100)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
    );
    let out = items
        .iter()
        .map(|g| ReplicationGroup {
            id: g.replication_group_id().unwrap_or_default().to_string(),
            status: g.status().unwrap_or_default().to_string(),
            engine: g.engine().map(str::to_string),
            member_clusters: g.member_clusters().to_vec(),
            port: g
                .configuration_endpoint()
                .and_then(|e| e.port())
                .or_else(|| {
                    g.node_groups()
                        .iter()
                        .find_map(|n| n.primary_endpoint().and_then(|e| e.port()))
                }),
            node_type: g.cache_node_type().map(str::to_string),
            transit_encryption: g.transit_encryption_enabled(),
        })
        .collect();
    Fetched::Ok(out)
}

pub(super) async fn cache_subnet_groups(c: &Clients) -> Fetched<Vec<SubnetGroup>> {
    let items: Vec<_> = fetch!(
        "elasticache:DescribeCacheSubnetGroups",
        c.elasticache
            .describe_cache_subnet_groups()
            .max_records(100)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
    );
    let out = items
        .iter()
        .map(|g| SubnetGroup {
            name: g.cache_subnet_group_name().unwrap_or_default().to_string(),
            vpc_id: g.vpc_id().map(str::to_string),
            subnet_ids: g
                .subnets()
                .iter()
                .filter_map(|s| s.subnet_identifier().map(str::to_string))
                .collect(),
        })
        .collect();
    Fetched::Ok(out)
}

// ---------------------------------------------------------------- ELBv2

pub(super) async fn load_balancers(c: &Clients, alb: Option<&str>) -> Fetched<Vec<LoadBalancer>> {
    // The largest page the API allows: one page for most accounts.
    let mut req = c.elbv2.describe_load_balancers().page_size(400);
    // An explicit ALB is looked up server-side, by ARN or by name.
    if let Some(a) = alb {
        req = if a.starts_with("arn:") {
            req.load_balancer_arns(a)
        } else {
            req.names(a)
        };
    }
    let items: Vec<_> = match req.into_paginator().items().send().try_collect().await {
        Ok(v) => v,
        // Looking up a name or ARN that does not exist is an answer, not a failure.
        Err(e) if alb.is_some() && e.code() == Some("LoadBalancerNotFound") => Vec::new(),
        Err(e) => {
            return Fetched::Failed(call_error("elasticloadbalancing:DescribeLoadBalancers", &e))
        }
    };
    let out = items
        .iter()
        .map(|lb| LoadBalancer {
            arn: lb.load_balancer_arn().unwrap_or_default().to_string(),
            name: lb.load_balancer_name().unwrap_or_default().to_string(),
            lb_type: lb
                .r#type()
                .map(|t| t.as_str().to_string())
                .unwrap_or_default(),
            scheme: lb
                .scheme()
                .map(|s| s.as_str().to_string())
                .unwrap_or_default(),
            state: lb
                .state()
                .and_then(|s| s.code())
                .map(|c| c.as_str().to_string())
                .unwrap_or_default(),
            vpc_id: lb.vpc_id().map(str::to_string),
            dns_name: lb.dns_name().map(str::to_string),
            zones: lb
                .availability_zones()
                .iter()
                .map(|z| LbZone {
                    zone: z.zone_name().unwrap_or_default().to_string(),
                    subnet_id: z.subnet_id().map(str::to_string),
                })
                .collect(),
            security_groups: lb.security_groups().to_vec(),
            tags: BTreeMap::new(),
        })
        .collect();
    Fetched::Ok(out)
}

async fn tags_of(c: &Clients, arns: Vec<String>) -> Result<TagMap, CallError> {
    let mut out = TagMap::new();
    for chunk in arns.chunks(20) {
        let a = c
            .elbv2
            .describe_tags()
            .set_resource_arns(Some(chunk.to_vec()))
            .send()
            .await
            .map_err(|e| call_error("elasticloadbalancing:DescribeTags", &e))?;
        for d in a.tag_descriptions() {
            out.insert(
                d.resource_arn().unwrap_or_default().to_string(),
                d.tags()
                    .iter()
                    .map(|t| {
                        (
                            t.key().unwrap_or_default().to_string(),
                            t.value().unwrap_or_default().to_string(),
                        )
                    })
                    .collect(),
            );
        }
    }
    Ok(out)
}

/// The load balancer's listeners with all their certificates, and the SSL
/// policies they name. Right after DescribeListeners, the SNI certificates of
/// every HTTPS listener and the policies are fetched concurrently; `claimed`
/// holds the policy names another load balancer already asked for, so that no
/// policy is fetched twice in a run.
async fn listeners_of(
    c: &Clients,
    lb_arn: &str,
    claimed: &std::sync::Mutex<BTreeSet<String>>,
) -> Result<(Vec<Listener>, Result<Vec<SslPolicy>, CallError>), CallError> {
    let mut out = listeners_only(c, lb_arn).await?;
    let names: Vec<String> = {
        let mut taken = claimed.lock().expect("policy claims");
        out.iter()
            .filter_map(|l| l.ssl_policy.clone())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .filter(|n| taken.insert(n.clone()))
            .collect()
    };
    let https: Vec<String> = out
        .iter()
        .filter(|l| l.protocol == "HTTPS")
        .map(|l| l.arn.clone())
        .collect();
    let sni = futures::stream::iter(https)
        .map(|arn| async move {
            // DescribeListeners names only the default certificate; SNI ones come from here.
            let certs: Result<Vec<_>, _> = c
                .elbv2
                .describe_listener_certificates()
                .listener_arn(&arn)
                .page_size(400)
                .into_paginator()
                .items()
                .send()
                .try_collect()
                .await;
            certs
                .map(|v| (arn, v))
                .map_err(|e| call_error("elasticloadbalancing:DescribeListenerCertificates", &e))
        })
        .buffered(FAN_OUT)
        .collect::<Vec<_>>();
    let (sni, policies) = futures::join!(sni, ssl_policies(c, names));
    for answer in sni {
        let (arn, extra) = answer?;
        let Some(l) = out.iter_mut().find(|l| l.arn == arn) else {
            continue;
        };
        for cert in &extra {
            let Some(a) = cert.certificate_arn() else {
                continue;
            };
            if !l.certificates.iter().any(|c| c.arn == a) {
                l.certificates.push(ListenerCertificate {
                    arn: a.to_string(),
                    is_default: cert.is_default().unwrap_or(false),
                });
            }
        }
    }
    Ok((out, policies))
}

async fn listeners_only(c: &Clients, lb_arn: &str) -> Result<Vec<Listener>, CallError> {
    let items: Vec<_> = c
        .elbv2
        .describe_listeners()
        .load_balancer_arn(lb_arn)
        .page_size(400)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(|e| call_error("elasticloadbalancing:DescribeListeners", &e))?;
    let mut out = Vec::new();
    for l in &items {
        let arn = l.listener_arn().unwrap_or_default().to_string();
        let protocol = l
            .protocol()
            .map(|p| p.as_str().to_string())
            .unwrap_or_default();
        let certificates: Vec<ListenerCertificate> = l
            .certificates()
            .iter()
            .filter_map(|c| {
                c.certificate_arn().map(|a| ListenerCertificate {
                    arn: a.to_string(),
                    is_default: true,
                })
            })
            .collect();
        out.push(Listener {
            arn,
            load_balancer_arn: l.load_balancer_arn().unwrap_or(lb_arn).to_string(),
            port: l.port().unwrap_or(0),
            protocol,
            ssl_policy: l.ssl_policy().map(str::to_string),
            certificates,
            default_actions: l
                .default_actions()
                .iter()
                .map(|a| {
                    let mut tgs: Vec<String> = a
                        .target_group_arn()
                        .map(str::to_string)
                        .into_iter()
                        .collect();
                    if let Some(f) = a.forward_config() {
                        for t in f.target_groups() {
                            if let Some(arn) = t.target_group_arn() {
                                if !tgs.iter().any(|x| x == arn) {
                                    tgs.push(arn.to_string());
                                }
                            }
                        }
                    }
                    ListenerAction {
                        action_type: a
                            .r#type()
                            .map(|t| t.as_str().to_string())
                            .unwrap_or_default(),
                        redirect_protocol: a
                            .redirect_config()
                            .and_then(|r| r.protocol())
                            .map(str::to_string),
                        redirect_port: a
                            .redirect_config()
                            .and_then(|r| r.port())
                            .map(str::to_string),
                        target_group_arns: tgs,
                    }
                })
                .collect(),
        });
    }
    out.sort_by_key(|l| (l.port, l.arn.clone()));
    Ok(out)
}

async fn ssl_policies(c: &Clients, names: Vec<String>) -> Result<Vec<SslPolicy>, CallError> {
    if names.is_empty() {
        return Ok(Vec::new());
    }
    let a = c
        .elbv2
        .describe_ssl_policies()
        .set_names(Some(names))
        .send()
        .await
        .map_err(|e| call_error("elasticloadbalancing:DescribeSSLPolicies", &e))?;
    Ok(a.ssl_policies()
        .iter()
        .map(|p| SslPolicy {
            name: p.name().unwrap_or_default().to_string(),
            protocols: p.ssl_protocols().iter().map(|s| s.to_string()).collect(),
        })
        .collect())
}

async fn target_groups_of(c: &Clients, lb_arn: &str) -> Result<Vec<TargetGroup>, CallError> {
    let items: Vec<_> = c
        .elbv2
        .describe_target_groups()
        .load_balancer_arn(lb_arn)
        .page_size(400)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(|e| call_error("elasticloadbalancing:DescribeTargetGroups", &e))?;
    let healths: Vec<_> = futures::stream::iter(items.iter())
        .map(|tg| async move {
            c.elbv2
                .describe_target_health()
                .target_group_arn(tg.target_group_arn().unwrap_or_default())
                .send()
                .await
        })
        .buffered(super::aws::FAN_OUT)
        .collect()
        .await;
    Ok(items
        .iter()
        .zip(healths)
        .map(|(tg, h)| TargetGroup {
            arn: tg.target_group_arn().unwrap_or_default().to_string(),
            name: tg.target_group_name().unwrap_or_default().to_string(),
            load_balancer_arns: tg.load_balancer_arns().to_vec(),
            protocol: tg.protocol().map(|p| p.as_str().to_string()),
            port: tg.port(),
            target_type: tg.target_type().map(|t| t.as_str().to_string()),
            health: match h {
                Ok(h) => Fetched::Ok(
                    h.target_health_descriptions()
                        .iter()
                        .map(|d| TargetHealth {
                            id: d
                                .target()
                                .and_then(|t| t.id())
                                .unwrap_or_default()
                                .to_string(),
                            port: d.target().and_then(|t| t.port()),
                            state: d
                                .target_health()
                                .and_then(|t| t.state())
                                .map(|s| s.as_str().to_string())
                                .unwrap_or_default(),
                            reason: d
                                .target_health()
                                .and_then(|t| t.reason())
                                .map(|r| r.as_str().to_string()),
                            description: d
                                .target_health()
                                .and_then(|t| t.description())
                                .map(str::to_string),
                        })
                        .collect(),
                ),
                Err(e) => {
                    Fetched::Failed(call_error("elasticloadbalancing:DescribeTargetHealth", &e))
                }
            },
        })
        .collect())
}

/// Tags, listeners, TLS policies and target groups of the ALB candidates.
pub(super) async fn ingress(
    c: &Clients,
    lbs: Fetched<Vec<LoadBalancer>>,
    vpc: Result<String, CallError>,
    target: &TargetSpec,
    want_health: bool,
    want_waf: bool,
) -> Ingress {
    let fail_all = |e: CallError| Ingress {
        load_balancers: Fetched::Failed(e.clone()),
        listeners: Fetched::Failed(e.clone()),
        ssl_policies: Fetched::Failed(e.clone()),
        target_groups: if want_health {
            Fetched::Failed(e.clone())
        } else {
            Fetched::NotCollected
        },
        web_acls: if want_waf {
            Fetched::Failed(e)
        } else {
            Fetched::NotCollected
        },
    };
    let mut lbs = match lbs {
        Fetched::Ok(l) => l,
        Fetched::Failed(e) => return fail_all(e),
        Fetched::NotCollected => return Ingress::default(),
    };
    let vpc = match (vpc, target.alb.is_some()) {
        (Ok(v), _) => Some(v),
        (Err(_), true) => None,
        (Err(e), false) => return fail_all(e),
    };
    // Keep the account's other load balancers out of the inventory.
    lbs.retain(|lb| target.alb.is_some() || lb.vpc_id == vpc);
    let arns: Vec<String> = lbs.iter().map(|l| l.arn.clone()).collect();
    match tags_of(c, arns).await {
        Ok(mut tags) => {
            for lb in &mut lbs {
                lb.tags = tags.remove(&lb.arn).unwrap_or_default();
            }
        }
        Err(e) => return fail_all(e),
    }
    let candidates: Vec<String> = alb_candidates(&lbs, vpc.as_deref(), target)
        .into_iter()
        .map(|l| l.arn.clone())
        .collect();
    let claimed = std::sync::Mutex::new(BTreeSet::new());
    let claimed = &claimed;
    let per_lb: Vec<_> = futures::stream::iter(candidates.iter())
        .map(|arn| async move {
            let tgs = async {
                if want_health {
                    Some(target_groups_of(c, arn).await)
                } else {
                    None
                }
            };
            let waf = async {
                if want_waf {
                    Some(web_acl_for(c, arn).await)
                } else {
                    None
                }
            };
            futures::join!(listeners_of(c, arn, claimed), tgs, waf)
        })
        .buffered(FAN_OUT)
        .collect()
        .await;
    let mut listeners = Vec::new();
    let mut groups = Vec::new();
    let mut acls = Vec::new();
    let mut policies = Vec::new();
    let mut listener_err = None;
    let mut policy_err = None;
    let mut group_err = None;
    let mut waf_err = None;
    for (ls, tgs, waf) in per_lb {
        match waf {
            Some(Ok(a)) => acls.push(a),
            Some(Err(e)) => waf_err = waf_err.or(Some(e)),
            None => {}
        }
        match ls {
            Ok((l, p)) => {
                listeners.extend(l);
                match p {
                    Ok(p) => policies.extend(p),
                    Err(e) => policy_err = policy_err.or(Some(e)),
                }
            }
            Err(e) => listener_err = listener_err.or(Some(e)),
        }
        match tgs {
            Some(Ok(t)) => groups.extend(t),
            Some(Err(e)) => group_err = group_err.or(Some(e)),
            None => {}
        }
    }
    listeners.sort_by_key(|l| (l.load_balancer_arn.clone(), l.port, l.arn.clone()));
    policies.sort_by(|a, b| a.name.cmp(&b.name));
    let policies = match (listener_err.clone(), policy_err) {
        (Some(e), _) | (None, Some(e)) => Fetched::Failed(e),
        (None, None) => Fetched::Ok(policies),
    };
    Ingress {
        load_balancers: Fetched::Ok(lbs),
        listeners: match listener_err {
            Some(e) => Fetched::Failed(e),
            None => Fetched::Ok(listeners),
        },
        ssl_policies: policies,
        target_groups: match (want_health, group_err) {
            (false, _) => Fetched::NotCollected,
            (true, Some(e)) => Fetched::Failed(e),
            (true, None) => Fetched::Ok(groups),
        },
        web_acls: match (want_waf, waf_err) {
            (false, _) => Fetched::NotCollected,
            (true, Some(e)) => Fetched::Failed(e),
            (true, None) => Fetched::Ok(acls),
        },
    }
}

// ---------------------------------------------------------------- ACM

/// Every key type, since ListCertificates hides ECDSA and RSA-4096 by default.
fn all_key_types() -> aws_sdk_acm::types::Filters {
    use aws_sdk_acm::types::KeyAlgorithm as K;
    aws_sdk_acm::types::Filters::builder()
        .set_key_types(Some(vec![
            K::Rsa1024,
            K::Rsa2048,
            K::Rsa3072,
            K::Rsa4096,
            K::from("EC_prime256v1"),
            K::from("EC_secp384r1"),
            K::from("EC_secp521r1"),
        ]))
        .build()
}

/// The region's certificates; those that may cover `domain` are described in full.
pub(super) async fn certificates(c: &Clients, domain: &str) -> Fetched<Vec<Certificate>> {
    let items: Vec<_> = fetch!(
        "acm:ListCertificates",
        c.acm
            .list_certificates()
            .includes(all_key_types())
            .max_items(1000)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
    );
    let mut summaries = Vec::new();
    let mut to_describe = Vec::new();
    for s in &items {
        let cert = Certificate {
            arn: s.certificate_arn().unwrap_or_default().to_string(),
            domain: s.domain_name().unwrap_or_default().to_string(),
            sans: s.subject_alternative_name_summaries().to_vec(),
            status: s
                .status()
                .map(|x| x.as_str().to_string())
                .unwrap_or_default(),
            not_after: s.not_after().and_then(to_rfc3339),
            key_algorithm: s.key_algorithm().map(|k| k.as_str().to_string()),
            cert_type: s.r#type().map(|t| t.as_str().to_string()),
        };
        let more = s
            .has_additional_subject_alternative_names()
            .unwrap_or(false);
        if summary_may_cover(&cert, more, domain) {
            to_describe.push(cert.arn.clone());
        } else {
            summaries.push(cert);
        }
    }
    match describe_certificates(c, to_describe).await {
        Ok(described) => {
            summaries.extend(described);
            summaries.sort_by(|a, b| a.arn.cmp(&b.arn));
            Fetched::Ok(summaries)
        }
        Err(e) => Fetched::Failed(e),
    }
}

pub(super) async fn describe_certificates(
    c: &Clients,
    arns: Vec<String>,
) -> Result<Vec<Certificate>, CallError> {
    let answers: Vec<_> = futures::stream::iter(arns)
        .map(|a| async move { c.acm.describe_certificate().certificate_arn(a).send().await })
        .buffered(FAN_OUT)
        .collect()
        .await;
    let mut out = Vec::new();
    for a in answers {
        let a = a.map_err(|e| call_error("acm:DescribeCertificate", &e))?;
        let Some(d) = a.certificate() else { continue };
        out.push(Certificate {
            arn: d.certificate_arn().unwrap_or_default().to_string(),
            domain: d.domain_name().unwrap_or_default().to_string(),
            sans: d.subject_alternative_names().to_vec(),
            status: d
                .status()
                .map(|x| x.as_str().to_string())
                .unwrap_or_default(),
            not_after: d.not_after().and_then(to_rfc3339),
            key_algorithm: d.key_algorithm().map(|k| k.as_str().to_string()),
            cert_type: d.r#type().map(|t| t.as_str().to_string()),
        });
    }
    Ok(out)
}

// ---------------------------------------------------------------- issue-3 sources

pub(super) async fn addons(c: &Clients, cluster: &str) -> Fetched<Vec<String>> {
    let mut names: Vec<String> = fetch!(
        "eks:ListAddons",
        c.eks
            .list_addons()
            .cluster_name(cluster)
            .max_results(100)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
    );
    names.sort();
    Fetched::Ok(names)
}

pub(super) async fn oidc_providers(c: &Clients) -> Fetched<Vec<String>> {
    let out = fetch!(
        "iam:ListOpenIDConnectProviders",
        c.iam.list_open_id_connect_providers().send().await
    );
    let mut arns: Vec<String> = out
        .open_id_connect_provider_list()
        .iter()
        .filter_map(|p| p.arn().map(str::to_string))
        .collect();
    arns.sort();
    Fetched::Ok(arns)
}

pub(super) async fn web_acl_for(c: &Clients, arn: &str) -> Result<WebAclAssociation, CallError> {
    let out = c
        .wafv2
        .get_web_acl_for_resource()
        .resource_arn(arn)
        .send()
        .await
        .map_err(|e| call_error("wafv2:GetWebACLForResource", &e))?;
    Ok(WebAclAssociation {
        resource_arn: arn.to_string(),
        web_acl_arn: out.web_acl().map(|w| w.arn().to_string()),
        web_acl_name: out.web_acl().map(|w| w.name().to_string()),
    })
}

/// The hosted zones whose name is the longest suffix of `domain`, and the
/// domain's own records in them.
pub(super) async fn dns(
    c: &Clients,
    domain: &str,
) -> (Fetched<Vec<HostedZone>>, Fetched<Vec<DnsRecord>>) {
    let zones: Vec<_> = match c
        .route53
        .list_hosted_zones()
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
    {
        Ok(z) => z,
        Err(e) => {
            let err = call_error("route53:ListHostedZones", &e);
            return (Fetched::Failed(err.clone()), Fetched::Failed(err));
        }
    };
    let d = canonical(domain);
    let covering: Vec<HostedZone> = zones
        .iter()
        .map(|z| HostedZone {
            id: z.id().trim_start_matches("/hostedzone/").to_string(),
            name: z.name().to_string(),
            private: z.config().is_some_and(|c| c.private_zone()),
        })
        .filter(|z| {
            let n = canonical(&z.name);
            d == n || d.ends_with(&format!(".{n}"))
        })
        .collect();
    let longest = covering.iter().map(|z| canonical(&z.name).len()).max();
    let chosen: Vec<HostedZone> = covering
        .into_iter()
        .filter(|z| Some(canonical(&z.name).len()) == longest)
        .collect();
    let answers: Vec<_> = futures::stream::iter(chosen.iter())
        .map(|z| async move {
            c.route53
                .list_resource_record_sets()
                .hosted_zone_id(&z.id)
                .start_record_name(domain)
                .max_items(50)
                .send()
                .await
                .map(|out| (z.id.clone(), out))
        })
        .buffered(FAN_OUT)
        .collect()
        .await;
    let mut records = Vec::new();
    for a in answers {
        let (zone_id, out) = match a {
            Ok(x) => x,
            Err(e) => {
                return (
                    Fetched::Ok(chosen.clone()),
                    Fetched::Failed(call_error("route53:ListResourceRecordSets", &e)),
                )
            }
        };
        for r in out.resource_record_sets() {
            if canonical(r.name()) != d {
                continue;
            }
            records.push(DnsRecord {
                zone_id: zone_id.clone(),
                name: r.name().to_string(),
                record_type: r.r#type().as_str().to_string(),
                alias_target: r.alias_target().map(|a| a.dns_name().to_string()),
                values: r
                    .resource_records()
                    .iter()
                    .map(|v| v.value().to_string())
                    .collect(),
            });
        }
    }
    (Fetched::Ok(chosen), Fetched::Ok(records))
}

pub(super) async fn bucket(c: &Clients, name: &str) -> Fetched<Bucket> {
    let mut b = Bucket {
        name: name.to_string(),
        exists: true,
        ..Bucket::default()
    };
    match c.s3.get_bucket_location().bucket(name).send().await {
        Ok(loc) => {
            b.region = Some(
                loc.location_constraint()
                    .map(|l| l.as_str().to_string())
                    .filter(|l| !l.is_empty())
                    .unwrap_or_else(|| "us-east-1".to_string()),
            )
        }
        Err(e) if e.code() == Some("NoSuchBucket") => {
            b.exists = false;
            return Fetched::Ok(b);
        }
        Err(e) => return Fetched::Failed(call_error("s3:GetBucketLocation", &e)),
    }
    let (pab, enc) = futures::join!(
        c.s3.get_public_access_block().bucket(name).send(),
        c.s3.get_bucket_encryption().bucket(name).send()
    );
    match pab {
        Ok(p) => {
            b.public_access_block = p.public_access_block_configuration().map(|x| {
                [
                    x.block_public_acls().unwrap_or(false),
                    x.ignore_public_acls().unwrap_or(false),
                    x.block_public_policy().unwrap_or(false),
                    x.restrict_public_buckets().unwrap_or(false),
                ]
            })
        }
        Err(e) if e.code() == Some("NoSuchPublicAccessBlockConfiguration") => {}
        Err(e) => return Fetched::Failed(call_error("s3:GetBucketPublicAccessBlock", &e)),
    }
    match enc {
        Ok(x) => {
            b.encryption = x.server_side_encryption_configuration().and_then(|cfg| {
                cfg.rules().iter().find_map(|r| {
                    r.apply_server_side_encryption_by_default()
                        .map(|d| d.sse_algorithm().as_str().to_string())
                })
            })
        }
        Err(e) if e.code() == Some("ServerSideEncryptionConfigurationNotFoundError") => {}
        Err(e) => return Fetched::Failed(call_error("s3:GetEncryptionConfiguration", &e)),
    }
    Fetched::Ok(b)
}

/// EBS volumes the EBS CSI driver created for persistent volume claims.
pub(super) async fn volumes(c: &Clients) -> Fetched<Vec<Volume>> {
    let items: Vec<_> = fetch!(
        "ec2:DescribeVolumes",
        c.ec2
            .describe_volumes()
            .max_results(500)
            .filters(ec2_filter(
                "tag-key",
                &["kubernetes.io/created-for/pvc/name"]
            ))
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
    );
    let mut out: Vec<Volume> = items
        .iter()
        .map(|v| {
            let tag = |k: &str| {
                v.tags()
                    .iter()
                    .find(|t| t.key() == Some(k))
                    .and_then(|t| t.value())
                    .map(str::to_string)
            };
            Volume {
                id: v.volume_id().unwrap_or_default().to_string(),
                volume_type: v
                    .volume_type()
                    .map(|t| t.as_str().to_string())
                    .unwrap_or_default(),
                iops: v.iops(),
                throughput: v.throughput(),
                size_gib: v.size(),
                state: v
                    .state()
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_default(),
                availability_zone: v.availability_zone().map(str::to_string),
                pvc_name: tag("kubernetes.io/created-for/pvc/name"),
                pvc_namespace: tag("kubernetes.io/created-for/pvc/namespace"),
                attached_to: v
                    .attachments()
                    .iter()
                    .filter_map(|a| a.instance_id().map(str::to_string))
                    .collect(),
                clusters: v
                    .tags()
                    .iter()
                    .filter_map(|t| {
                        t.key()?
                            .strip_prefix("kubernetes.io/cluster/")
                            .map(str::to_string)
                    })
                    .collect(),
            }
        })
        .collect();
    out.sort_by(|a, b| a.id.cmp(&b.id));
    Fetched::Ok(out)
}
