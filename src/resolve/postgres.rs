//! The PostgreSQL database: an RDS instance, an Aurora cluster or a Multi-AZ
//! DB cluster, given by `--postgres` or discovered in the VPC. Read replicas
//! are never the database LangSmith writes to; several candidates are
//! narrowed to those that admit the nodes, then to those named or tagged
//! for the cluster.

use super::{named_or_tagged_for, narrow, need, pick_one, Problem};
use crate::model::{DbCluster, DbInstance, DbProxy, Fetched, Inventory};

#[derive(Debug, Clone)]
pub struct Postgres<'a> {
    /// `RDS instance`, `Aurora cluster` or `Multi-AZ DB cluster`.
    pub kind: &'static str,
    pub id: &'a str,
    pub engine: &'a str,
    pub version: &'a str,
    pub status: &'a str,
    pub port: i32,
    pub vpc_id: Option<String>,
    pub subnet_ids: Vec<String>,
    pub security_groups: Vec<String>,
    /// Instances that are publicly accessible (the instance itself or Aurora members).
    pub public_instances: Vec<&'a str>,
    /// A cluster's member instances.
    pub members: Vec<&'a str>,
    pub instance_class: Option<&'a str>,
    pub backup_retention_days: Option<i32>,
    pub storage_encrypted: Option<bool>,
    tags: &'a std::collections::BTreeMap<String, String>,
    /// Other databases discovery saw and left out, and why.
    pub left_out: Vec<String>,
    /// RDS Proxies in front of this database.
    pub proxies: Vec<&'a DbProxy>,
    /// Why the proxies are unknown, when DescribeDBProxies failed.
    pub proxies_unknown: Option<String>,
}

pub(crate) fn resolve<'a>(
    inv: &'a Inventory,
    vpc: Option<&str>,
    admits_nodes: &dyn Fn(&[String], i32) -> bool,
) -> Result<Postgres<'a>, Problem> {
    let mut pg = resolve_db(inv, vpc, admits_nodes)?;
    match &inv.db_proxies {
        Fetched::Ok(proxies) => {
            let ids: Vec<&str> = std::iter::once(pg.id)
                .chain(pg.members.iter().copied())
                .collect();
            pg.proxies = proxies
                .iter()
                .filter(|p| p.targets.iter().any(|t| ids.contains(&t.as_str())))
                .collect();
        }
        Fetched::Failed(e) => {
            pg.proxies_unknown = Some(format!("{} failed ({})", e.action, e.message))
        }
        Fetched::NotCollected => {}
    }
    Ok(pg)
}

fn resolve_db<'a>(
    inv: &'a Inventory,
    vpc: Option<&str>,
    admits_nodes: &dyn Fn(&[String], i32) -> bool,
) -> Result<Postgres<'a>, Problem> {
    let instances = need(&inv.db_instances, "RDS instances")?;
    let clusters = need(&inv.db_clusters, "Aurora clusters")?;
    let from_cluster = |c: &'a DbCluster| -> Result<Postgres<'a>, Problem> {
        let members: Vec<&DbInstance> = instances
            .iter()
            .filter(|i| i.cluster_id.as_deref() == Some(c.id.as_str()) || c.members.contains(&i.id))
            .collect();
        let group = match &inv.db_subnet_groups {
            Fetched::Ok(gs) => gs
                .iter()
                .find(|g| Some(&g.name) == c.subnet_group.as_ref())
                .cloned(),
            Fetched::Failed(e) if members.is_empty() => return Err(Problem::Call(e.clone())),
            _ => None,
        };
        let (vpc_id, subnet_ids) = match (group, members.first()) {
            (Some(g), _) => (g.vpc_id.clone(), g.subnet_ids.clone()),
            (None, Some(m)) => (m.vpc_id.clone(), m.subnet_ids.clone()),
            (None, None) => (None, Vec::new()),
        };
        Ok(Postgres {
            kind: if c.engine == "postgres" {
                "Multi-AZ DB cluster"
            } else {
                "Aurora cluster"
            },
            id: &c.id,
            engine: &c.engine,
            version: &c.engine_version,
            status: &c.status,
            port: c.port.unwrap_or(5432),
            vpc_id,
            subnet_ids,
            security_groups: c.security_group_ids.clone(),
            public_instances: members
                .iter()
                .filter(|m| m.publicly_accessible)
                .map(|m| m.id.as_str())
                .collect(),
            members: members.iter().map(|m| m.id.as_str()).collect(),
            instance_class: members.iter().find_map(|m| m.instance_class.as_deref()),
            backup_retention_days: c.backup_retention_days,
            storage_encrypted: c.storage_encrypted,
            tags: &c.tags,
            left_out: Vec::new(),
            proxies: Vec::new(),
            proxies_unknown: None,
        })
    };
    let from_instance = |i: &'a DbInstance| Postgres {
        kind: "RDS instance",
        id: &i.id,
        engine: &i.engine,
        version: &i.engine_version,
        status: &i.status,
        port: i.port.unwrap_or(5432),
        vpc_id: i.vpc_id.clone(),
        subnet_ids: i.subnet_ids.clone(),
        security_groups: i.security_group_ids.clone(),
        public_instances: if i.publicly_accessible {
            vec![i.id.as_str()]
        } else {
            vec![]
        },
        members: Vec::new(),
        instance_class: i.instance_class.as_deref(),
        backup_retention_days: i.backup_retention_days,
        storage_encrypted: i.storage_encrypted,
        tags: &i.tags,
        left_out: Vec::new(),
        proxies: Vec::new(),
        proxies_unknown: None,
    };
    if let Some(want) = inv.target.postgres.as_deref() {
        if let Some(c) = clusters.iter().find(|c| c.id == want) {
            return from_cluster(c);
        }
        if let Some(i) = instances.iter().find(|i| i.id == want) {
            return Ok(from_instance(i));
        }
        return Err(Problem::Missing(format!(
            "--postgres {want}: no RDS instance or Aurora cluster with that identifier in {}",
            inv.region
        )));
    }
    let vpc = vpc.ok_or_else(|| Problem::Undetermined {
        message: "the VPC is unknown, so the database cannot be discovered".into(),
        hint: "pass --vpc or --postgres".into(),
    })?;
    let mut found = Vec::new();
    let mut left_out = Vec::new();
    for c in clusters
        .iter()
        .filter(|c| matches!(c.engine.as_str(), "aurora-postgresql" | "postgres"))
    {
        let pg = from_cluster(c)?;
        if pg.vpc_id.as_deref() == Some(vpc) {
            found.push(pg);
        }
    }
    for i in instances
        .iter()
        .filter(|i| i.engine == "postgres" && i.cluster_id.is_none())
        .filter(|i| i.vpc_id.as_deref() == Some(vpc))
    {
        match &i.read_replica_source {
            Some(src) => left_out.push(format!(
                "{}: left out: a read replica of {src} (LangSmith writes to its database)",
                i.id
            )),
            None => found.push(from_instance(i)),
        }
    }
    let cluster = inv.target.cluster.as_str();
    let (found, narrowed) = narrow(
        found,
        |p| p.id.to_string(),
        |p| admits_nodes(&p.security_groups, p.port),
        |p| named_or_tagged_for(p.id, p.tags, cluster),
        cluster,
    );
    left_out.extend(narrowed);
    let mut pg = pick_one(
        found,
        |p| p.id.to_string(),
        || {
            format!(
                "no PostgreSQL database in {vpc}: looked for RDS instances (engine postgres, not read replicas), Aurora clusters (engine aurora-postgresql) and Multi-AZ DB clusters (engine postgres) in {}",
                inv.region
            )
        },
        "PostgreSQL databases",
        "--postgres",
    )?;
    pg.left_out = left_out;
    Ok(pg)
}
