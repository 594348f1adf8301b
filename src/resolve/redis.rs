//! The Redis deployment: an ElastiCache replication group, cache cluster or
//! Serverless cache (engine redis or valkey), given by `--redis` or
//! discovered in the VPC; several candidates are narrowed to those that
//! admit the nodes, then to those named for the cluster.

use std::collections::{BTreeMap, BTreeSet};

use super::{named_or_tagged_for, narrow, need, pick_one, Problem};
use crate::model::{CacheCluster, Fetched, Inventory, ReplicationGroup, ServerlessCache};

#[derive(Debug, Clone)]
pub struct Redis<'a> {
    /// `replication group`, `cache cluster` or `serverless cache`.
    pub kind: &'static str,
    pub id: &'a str,
    pub engine: String,
    pub version: Option<String>,
    pub status: &'a str,
    pub port: i32,
    pub port_reported: bool,
    pub vpc_id: Option<String>,
    pub subnet_ids: Vec<String>,
    pub security_groups: Vec<String>,
    pub node_type: Option<String>,
    pub transit_encryption: Option<bool>,
    pub members: Vec<&'a CacheCluster>,
    /// Other caches discovery saw and left out, and why; and what it could
    /// not look at.
    pub left_out: Vec<String>,
}

fn is_redis_engine(e: &str) -> bool {
    matches!(e, "redis" | "valkey")
}

/// A Serverless cache as a Redis deployment; its VPC is its subnets'.
fn from_serverless<'a>(inv: &Inventory, s: &'a ServerlessCache) -> Redis<'a> {
    let vpc_id = inv.subnets.ok().and_then(|subnets| {
        subnets
            .iter()
            .find(|n| s.subnet_ids.contains(&n.id))
            .map(|n| n.vpc_id.clone())
    });
    Redis {
        kind: "serverless cache",
        id: &s.name,
        engine: s.engine.clone(),
        version: s
            .full_engine_version
            .clone()
            .or_else(|| s.major_engine_version.clone()),
        status: &s.status,
        port: s.port.unwrap_or(6379),
        port_reported: s.port.is_some(),
        vpc_id,
        subnet_ids: s.subnet_ids.clone(),
        security_groups: s.security_group_ids.clone(),
        node_type: Some("serverless".into()),
        // ElastiCache Serverless accepts TLS connections only.
        transit_encryption: Some(true),
        members: Vec::new(),
        left_out: Vec::new(),
    }
}

pub(crate) fn resolve<'a>(
    inv: &'a Inventory,
    vpc: Option<&str>,
    admits_nodes: &dyn Fn(&[String], i32) -> bool,
) -> Result<Redis<'a>, Problem> {
    let clusters = need(&inv.cache_clusters, "ElastiCache cache clusters")?;
    let groups = need(&inv.replication_groups, "ElastiCache replication groups")?;
    let subnet_groups = need(&inv.cache_subnet_groups, "ElastiCache subnet groups")?;
    let placement = |members: &[&CacheCluster]| -> (Option<String>, Vec<String>) {
        let mut vpc = None;
        let mut subnets = BTreeSet::new();
        for m in members {
            if let Some(g) = subnet_groups
                .iter()
                .find(|g| Some(&g.name) == m.subnet_group.as_ref())
            {
                vpc = vpc.or(g.vpc_id.clone());
                subnets.extend(g.subnet_ids.iter().cloned());
            }
        }
        (vpc, subnets.into_iter().collect())
    };
    let union_sgs = |members: &[&CacheCluster]| -> Vec<String> {
        let set: BTreeSet<String> = members
            .iter()
            .flat_map(|m| m.security_group_ids.iter().cloned())
            .collect();
        set.into_iter().collect()
    };
    let from_group = |g: &'a ReplicationGroup| -> Redis<'a> {
        let members: Vec<&CacheCluster> = clusters
            .iter()
            .filter(|c| {
                c.replication_group_id.as_deref() == Some(g.id.as_str())
                    || g.member_clusters.contains(&c.id)
            })
            .collect();
        let (vpc_id, subnet_ids) = placement(&members);
        let port = g.port.or_else(|| members.iter().find_map(|m| m.port));
        Redis {
            kind: "replication group",
            id: &g.id,
            engine: g
                .engine
                .clone()
                .or_else(|| members.first().map(|m| m.engine.clone()))
                .unwrap_or_else(|| "redis".into()),
            version: members.iter().find_map(|m| m.engine_version.clone()),
            status: &g.status,
            port: port.unwrap_or(6379),
            port_reported: port.is_some(),
            vpc_id,
            subnet_ids,
            security_groups: union_sgs(&members),
            node_type: g
                .node_type
                .clone()
                .or_else(|| members.iter().find_map(|m| m.node_type.clone())),
            transit_encryption: g.transit_encryption,
            members,
            left_out: Vec::new(),
        }
    };
    let from_cluster = |c: &'a CacheCluster| -> Redis<'a> {
        let members = vec![c];
        let (vpc_id, subnet_ids) = placement(&members);
        Redis {
            kind: "cache cluster",
            id: &c.id,
            engine: c.engine.clone(),
            version: c.engine_version.clone(),
            status: &c.status,
            port: c.port.unwrap_or(6379),
            port_reported: c.port.is_some(),
            vpc_id,
            subnet_ids,
            security_groups: union_sgs(&members),
            node_type: c.node_type.clone(),
            transit_encryption: c.transit_encryption,
            members,
            left_out: Vec::new(),
        }
    };
    if let Some(want) = inv.target.redis.as_deref() {
        if let Some(g) = groups.iter().find(|g| g.id == want) {
            return Ok(from_group(g));
        }
        if let Some(c) = clusters.iter().find(|c| c.id == want) {
            return Ok(from_cluster(c));
        }
        match &inv.serverless_caches {
            Fetched::Ok(list) => {
                if let Some(s) = list.iter().find(|s| s.name == want) {
                    return Ok(from_serverless(inv, s));
                }
            }
            // It may be the Serverless cache that could not be listed.
            Fetched::Failed(e) => return Err(Problem::Call(e.clone())),
            Fetched::NotCollected => {}
        }
        return Err(Problem::Missing(format!(
            "--redis {want}: no ElastiCache replication group, cache cluster or Serverless cache with that id in {}",
            inv.region
        )));
    }
    let vpc = vpc.ok_or_else(|| Problem::Undetermined {
        message: "the VPC is unknown, so Redis cannot be discovered".into(),
        hint: "pass --vpc or --redis".into(),
    })?;
    let mut found = Vec::new();
    for g in groups {
        let r = from_group(g);
        if is_redis_engine(&r.engine) && r.vpc_id.as_deref() == Some(vpc) {
            found.push(r);
        }
    }
    for c in clusters
        .iter()
        .filter(|c| c.replication_group_id.is_none() && is_redis_engine(&c.engine))
    {
        let r = from_cluster(c);
        if r.vpc_id.as_deref() == Some(vpc) {
            found.push(r);
        }
    }
    let mut left_out = Vec::new();
    match &inv.serverless_caches {
        Fetched::Ok(list) => {
            for sc in list.iter().filter(|s| is_redis_engine(&s.engine)) {
                let r = from_serverless(inv, sc);
                if r.vpc_id.as_deref() == Some(vpc) {
                    found.push(r);
                }
            }
        }
        // Without the list, a Serverless cache may be missing from the
        // candidates: a node-based one found is judged, and the evidence
        // says what was not looked at; none found is unknown, not absent.
        Fetched::Failed(e) if found.is_empty() => return Err(Problem::Call(e.clone())),
        Fetched::Failed(e) => left_out.push(format!(
            "Serverless caches were not looked at: {} failed ({})",
            e.action, e.message
        )),
        Fetched::NotCollected => {}
    }
    let cluster = inv.target.cluster.as_str();
    let no_tags = BTreeMap::new();
    let (found, narrowed) = narrow(
        found,
        |r| r.id.to_string(),
        |r| admits_nodes(&r.security_groups, r.port),
        |r| named_or_tagged_for(r.id, &no_tags, cluster),
        cluster,
    );
    left_out.extend(narrowed);
    let mut r = pick_one(
        found,
        |r| r.id.to_string(),
        || {
            format!(
                "no Redis in {vpc}: looked for ElastiCache replication groups and cache clusters (engine redis or valkey) whose subnet group is in that VPC, and Serverless caches in its subnets, in {}",
                inv.region
            )
        },
        "Redis deployments",
        "--redis",
    )?;
    r.left_out = left_out;
    Ok(r)
}
