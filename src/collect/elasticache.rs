//! ElastiCache: cache clusters, replication groups, cache subnet groups and
//! Serverless caches.
//! Only `describe_*`, `list_*` and `get_*` operations are called here.

use super::{call_error, Clients};
use crate::model::{CacheCluster, Fetched, ReplicationGroup, ServerlessCache, SubnetGroup};

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

pub(super) async fn serverless_caches(c: &Clients) -> Fetched<Vec<ServerlessCache>> {
    let items: Vec<_> = fetch!(
        "elasticache:DescribeServerlessCaches",
        c.elasticache
            .describe_serverless_caches()
            .max_results(50)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
    );
    Fetched::Ok(
        items
            .iter()
            .map(|s| ServerlessCache {
                name: s.serverless_cache_name().unwrap_or_default().to_string(),
                engine: s.engine().unwrap_or_default().to_string(),
                major_engine_version: s.major_engine_version().map(str::to_string),
                full_engine_version: s.full_engine_version().map(str::to_string),
                status: s.status().unwrap_or_default().to_string(),
                port: s.endpoint().and_then(|e| e.port()),
                security_group_ids: s.security_group_ids().to_vec(),
                subnet_ids: s.subnet_ids().to_vec(),
            })
            .collect(),
    )
}
