//! RDS: PostgreSQL instances (read replicas included), Aurora and Multi-AZ
//! DB clusters, and their subnet groups.
//! Only `describe_*`, `list_*` and `get_*` operations are called here.

use futures::StreamExt;

use super::{call_error, Clients, FAN_OUT};
use crate::model::{DbCluster, DbInstance, DbProxy, Fetched, SubnetGroup};

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
                read_replica_source: i
                    .read_replica_source_db_instance_identifier()
                    .map(str::to_string),
                tags: i
                    .tag_list()
                    .iter()
                    .filter_map(|t| {
                        Some((
                            t.key()?.to_string(),
                            t.value().unwrap_or_default().to_string(),
                        ))
                    })
                    .collect(),
            }
        })
        .collect();
    Fetched::Ok(out)
}

/// Aurora PostgreSQL clusters and Multi-AZ DB clusters (engine `postgres`);
/// with an explicit id, that cluster whatever its engine.
pub(super) async fn db_clusters(c: &Clients, id: Option<&str>) -> Fetched<Vec<DbCluster>> {
    let filter = match id {
        Some(id) => rds_filter("db-cluster-id", &[id]),
        None => rds_filter("engine", &["aurora-postgresql", "postgres"]),
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
            tags: cl
                .tag_list()
                .iter()
                .filter_map(|t| {
                    Some((
                        t.key()?.to_string(),
                        t.value().unwrap_or_default().to_string(),
                    ))
                })
                .collect(),
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

/// RDS Proxies of the PostgreSQL engine family, each with the databases
/// behind it.
pub(super) async fn db_proxies(c: &Clients) -> Fetched<Vec<DbProxy>> {
    let items: Vec<_> = fetch!(
        "rds:DescribeDBProxies",
        c.rds
            .describe_db_proxies()
            .max_records(100)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
    );
    let proxies: Vec<_> = items
        .iter()
        .filter(|p| p.engine_family() == Some("POSTGRESQL"))
        .collect();
    let targets: Vec<_> = futures::stream::iter(proxies.iter())
        .map(|p| async move {
            let targets: Result<Vec<_>, _> = c
                .rds
                .describe_db_proxy_targets()
                .db_proxy_name(p.db_proxy_name().unwrap_or_default())
                .max_records(100)
                .into_paginator()
                .items()
                .send()
                .try_collect()
                .await;
            targets
        })
        .buffered(FAN_OUT)
        .collect()
        .await;
    let mut out = Vec::new();
    for (p, t) in proxies.iter().zip(targets) {
        let t = fetch!("rds:DescribeDBProxyTargets", t);
        out.push(DbProxy {
            name: p.db_proxy_name().unwrap_or_default().to_string(),
            engine_family: p.engine_family().unwrap_or_default().to_string(),
            status: p
                .status()
                .map(|s| s.as_str().to_string())
                .unwrap_or_default(),
            vpc_id: p.vpc_id().map(str::to_string),
            security_group_ids: p.vpc_security_group_ids().to_vec(),
            subnet_ids: p.vpc_subnet_ids().to_vec(),
            targets: t
                .iter()
                .filter_map(|x| x.rds_resource_id().or(x.tracked_cluster_id()))
                .map(str::to_string)
                .collect(),
        });
    }
    Fetched::Ok(out)
}
