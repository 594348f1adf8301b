//! Evaluation: pure and synchronous. Inventory + settings + `now` in,
//! findings out. This module also resolves *which* VPC, nodes, database,
//! Redis and ALB the requirements talk about, from the inventory alone.

use std::collections::{BTreeMap, BTreeSet};

use time::OffsetDateTime;

use crate::alloc::{self, Allocatable};
use crate::model::*;
use crate::names::name_covers;
use crate::net::{Cidr4, Source};
use crate::registry::{Requirement, Spec};
use crate::report::{
    Baseline, Facts, Finding, Report, Stage, Stats, Status, Summary, TargetReport,
    REPORT_SCHEMA_VERSION,
};

/// Tag the AWS Load Balancer Controller puts on the resources it creates.
pub const LBC_CLUSTER_TAG: &str = "elbv2.k8s.aws/cluster";

#[derive(Debug, Clone, Default)]
pub struct Settings {
    pub stage: Stage,
    pub baseline: Baseline,
    /// Threshold overrides from the configuration: id → key → value.
    pub thresholds: BTreeMap<String, BTreeMap<String, f64>>,
    /// Waivers from the configuration.
    pub waivers: Vec<Waiver>,
    /// Where ClickHouse runs (`--clickhouse`).
    pub clickhouse: ClickhouseMode,
    /// Sources the ALB must admit on 443 (`--alb-allowed-cidrs`); default:
    /// the internet for an internet-facing ALB.
    pub alb_allowed_cidrs: Option<Vec<String>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum ClickhouseMode {
    #[default]
    InCluster,
    External,
}

/// An accepted deviation: the requirement is reported as `waived` until it expires.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Waiver {
    pub id: String,
    pub reason: String,
    /// `YYYY-MM-DD`; the waiver applies through that day (UTC).
    pub expires: time::Date,
}

/// A requirement's verdict when it could be evaluated.
#[derive(Debug, Clone)]
pub struct Verdict {
    pub status: Status,
    pub message: String,
    pub evidence: Vec<String>,
    pub resources: Vec<String>,
}

impl Verdict {
    pub fn new(status: Status, message: impl Into<String>) -> Self {
        Verdict {
            status,
            message: message.into(),
            evidence: Vec::new(),
            resources: Vec::new(),
        }
    }
    pub fn evidence(mut self, e: Vec<String>) -> Self {
        self.evidence = e;
        self
    }
    pub fn resources(mut self, r: Vec<String>) -> Self {
        let mut seen = BTreeSet::new();
        self.resources = r.into_iter().filter(|x| seen.insert(x.clone())).collect();
        self
    }
}

/// Why a requirement has no pass/warn/fail verdict of its own.
#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    /// An AWS call it needs failed or was denied → `error`.
    Call(CallError),
    /// The answers do not single out what to check (e.g. two ALBs) → `error`.
    Undetermined { message: String, hint: String },
    /// The reference requires something that is not there → `fail`.
    Missing(String),
    /// Not applicable → `skip`.
    Skip(String),
}

pub type Outcome = Result<Verdict, Problem>;

/// Unwraps collected data or turns its absence into a [`Problem`].
pub fn need<'a, T>(f: &'a Fetched<T>, what: &str) -> Result<&'a T, Problem> {
    match f {
        Fetched::Ok(v) => Ok(v),
        Fetched::Failed(e) => Err(Problem::Call(e.clone())),
        Fetched::NotCollected => Err(Problem::Undetermined {
            message: format!("{what} was not collected"),
            hint: "this is a bug in langsmith-preflight: the requirement's needs are incomplete"
                .into(),
        }),
    }
}

/// Everything a check may look at.
pub struct Ctx<'a> {
    pub inv: &'a Inventory,
    pub settings: &'a Settings,
    pub now: OffsetDateTime,
    pub spec: &'a Spec,
    pub r: &'a Resolved<'a>,
}

impl Ctx<'_> {
    /// A threshold: the configuration's override, else `checks/<id>.toml`'s.
    pub fn num(&self, key: &str) -> f64 {
        self.settings
            .thresholds
            .get(&self.spec.id)
            .and_then(|t| t.get(key))
            .copied()
            .unwrap_or_else(|| self.spec.num(key))
    }

    pub fn domain(&self) -> &str {
        &self.inv.target.domain
    }
    pub fn region(&self) -> &str {
        &self.inv.region
    }
}

// ---------------------------------------------------------------- network

#[derive(Debug, Clone, PartialEq)]
pub enum Egress {
    Nat(String),
    Other(String),
    None,
}

#[derive(Debug, Clone)]
pub struct SubnetInfo<'a> {
    pub subnet: &'a Subnet,
    pub route_table: Option<&'a str>,
    /// Default route to an internet gateway.
    pub igw_route: Option<String>,
    pub egress: Egress,
}

impl SubnetInfo<'_> {
    pub fn public(&self) -> bool {
        self.igw_route.is_some()
    }
    pub fn describe(&self) -> String {
        let s = self.subnet;
        let kind = match (&self.igw_route, &self.egress) {
            (Some(igw), _) => format!("public (0.0.0.0/0 → {igw})"),
            (None, Egress::Nat(n)) => format!("private (0.0.0.0/0 → {n})"),
            (None, Egress::Other(t)) => format!("private (0.0.0.0/0 → {t})"),
            (None, Egress::None) => "private (no default route)".to_string(),
        };
        format!("{} {} {}: {kind}", s.id, s.availability_zone, s.cidr)
    }
}

pub struct Network<'a> {
    pub subnets: BTreeMap<&'a str, SubnetInfo<'a>>,
}

impl<'a> Network<'a> {
    fn build(inv: &'a Inventory) -> Result<Self, Problem> {
        let subnets = need(&inv.subnets, "subnets")?;
        let tables = need(&inv.route_tables, "route tables")?;
        let main = tables.iter().find(|t| t.main);
        let mut out = BTreeMap::new();
        for s in subnets {
            let rt = tables
                .iter()
                .find(|t| t.subnet_ids.iter().any(|id| id == &s.id))
                .or(main);
            let mut igw = None;
            let mut egress = Egress::None;
            if let Some(rt) = rt {
                for r in &rt.routes {
                    let default = r.destination == "0.0.0.0/0";
                    let active = r.state.as_deref() != Some("blackhole");
                    if !default || !active {
                        continue;
                    }
                    if r.target.starts_with("igw-") {
                        igw = Some(r.target.clone());
                    } else if r.target.starts_with("nat-") {
                        egress = Egress::Nat(r.target.clone());
                    } else if egress == Egress::None {
                        egress = Egress::Other(r.target.clone());
                    }
                }
            }
            out.insert(
                s.id.as_str(),
                SubnetInfo {
                    subnet: s,
                    route_table: rt.map(|t| t.id.as_str()),
                    igw_route: igw,
                    egress,
                },
            );
        }
        Ok(Network { subnets: out })
    }

    pub fn get(&self, id: &str) -> Option<&SubnetInfo<'a>> {
        self.subnets.get(id)
    }
}

// ---------------------------------------------------------------- nodes

#[derive(Debug, Clone)]
pub struct Node<'a> {
    pub label: String,
    pub instance_type: String,
    pub info: &'a InstanceType,
    pub managed: bool,
    /// True when modelled from a node group (no running instance seen).
    pub modelled: bool,
    pub subnet_ids: Vec<String>,
    pub security_groups: Vec<String>,
    pub ip: Option<String>,
    pub vpc_id: Option<String>,
    pub alloc: Allocatable,
}

impl Node<'_> {
    pub fn describe_alloc(&self) -> String {
        let a = &self.alloc;
        format!(
            "{} {}: allocatable {} vCPU / {} GiB of {} vCPU / {} GiB (maxPods {}: kube-reserved {}m CPU and {} MiB, eviction {} MiB)",
            self.label,
            self.instance_type,
            alloc::fmt_vcpu(a.millicores),
            alloc::fmt_gib(a.memory_mib),
            self.info.vcpus,
            alloc::fmt_gib(a.capacity_memory_mib),
            a.max_pods,
            a.reserved_millicores,
            a.reserved_memory_mib,
            a.eviction_memory_mib,
        )
    }
}

pub struct Nodes<'a> {
    pub nodes: Vec<Node<'a>>,
    /// Said when the nodes are modelled from node groups.
    pub note: Option<String>,
}

impl<'a> Nodes<'a> {
    fn build(inv: &'a Inventory) -> Result<Self, Problem> {
        let instances = need(&inv.instances, "worker instances")?;
        let cluster = &inv.target.cluster;
        if !instances.is_empty() {
            let types = need(&inv.instance_types, "instance types")?;
            let mut nodes = Vec::new();
            for i in instances {
                let info = find_type(types, &i.instance_type)?;
                let managed = i.nodegroup.is_some();
                nodes.push(Node {
                    label: i.id.clone(),
                    instance_type: i.instance_type.clone(),
                    info,
                    managed,
                    modelled: false,
                    subnet_ids: i.subnet_id.iter().cloned().collect(),
                    security_groups: i.security_group_ids.clone(),
                    ip: i.private_ip.clone(),
                    vpc_id: i.vpc_id.clone(),
                    alloc: alloc::allocatable(info, managed),
                });
            }
            return Ok(Nodes { nodes, note: None });
        }
        let groups = need(&inv.nodegroups, "node groups")?;
        let sized: Vec<&Nodegroup> = groups.iter().filter(|g| g.desired_size > 0).collect();
        if sized.is_empty() {
            return Err(Problem::Missing(format!(
                "no running worker nodes (EC2 instances tagged eks:cluster-name={cluster} or kubernetes.io/cluster/{cluster}) and no managed node group with a desired size above 0"
            )));
        }
        let types = need(&inv.instance_types, "instance types")?;
        let cluster_sgs = cluster_security_groups(inv);
        let mut nodes = Vec::new();
        let mut parts = Vec::new();
        for g in sized {
            // EKS's default when a node group names no instance type.
            let names: Vec<String> = if g.instance_types.is_empty() {
                vec!["t3.medium".to_string()]
            } else {
                g.instance_types.clone()
            };
            // With several instance types, model the smallest (the worst case).
            let mut candidates = Vec::new();
            for n in &names {
                candidates.push(find_type(types, n)?);
            }
            let info = candidates
                .into_iter()
                .min_by_key(|t| {
                    let a = alloc::allocatable(t, true);
                    (a.memory_mib, a.millicores)
                })
                .expect("at least one instance type");
            parts.push(format!(
                "{} × {} from node group {}",
                g.desired_size, info.name, g.name
            ));
            for k in 0..g.desired_size {
                nodes.push(Node {
                    label: format!("{}#{} (modelled)", g.name, k + 1),
                    instance_type: info.name.clone(),
                    info,
                    managed: true,
                    modelled: true,
                    subnet_ids: g.subnet_ids.clone(),
                    security_groups: cluster_sgs.clone(),
                    ip: None,
                    vpc_id: None,
                    alloc: alloc::allocatable(info, true),
                });
            }
        }
        Ok(Nodes {
            nodes,
            note: Some(format!(
                "no running worker nodes found; modelled {} (desired size)",
                parts.join(", ")
            )),
        })
    }

    /// Every (node, subnet) pair as a traffic source for security-group checks.
    pub fn sources(&self, net: &Network) -> Vec<Source> {
        let mut out = Vec::new();
        for n in &self.nodes {
            if n.modelled {
                // One source per node group subnet: any of them may host a node.
                if n.label.ends_with("#1 (modelled)") {
                    let group = n.label.trim_end_matches("#1 (modelled)");
                    for s in &n.subnet_ids {
                        out.push(Source {
                            label: format!("node group {group} in {s}"),
                            security_groups: n.security_groups.clone(),
                            cidr: net.get(s).and_then(|i| i.subnet.cidr.parse::<Cidr4>().ok()),
                        });
                    }
                }
            } else {
                let cidr =
                    n.ip.as_deref()
                        .and_then(|ip| format!("{ip}/32").parse::<Cidr4>().ok())
                        .or_else(|| {
                            n.subnet_ids
                                .first()
                                .and_then(|s| net.get(s))
                                .and_then(|i| i.subnet.cidr.parse().ok())
                        });
                out.push(Source {
                    label: n.label.clone(),
                    security_groups: n.security_groups.clone(),
                    cidr,
                });
            }
        }
        out
    }
}

fn find_type<'a>(types: &'a [InstanceType], name: &str) -> Result<&'a InstanceType, Problem> {
    types
        .iter()
        .find(|t| t.name == name)
        .ok_or_else(|| Problem::Undetermined {
            message: format!("DescribeInstanceTypes returned nothing for {name}"),
            hint: "check that the instance type exists in this region".into(),
        })
}

/// The security groups EKS attaches to managed nodes: the cluster security
/// group and the cluster's additional security groups.
pub fn cluster_security_groups(inv: &Inventory) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(c) = inv.cluster.ok() {
        out.extend(c.cluster_security_group_id.iter().cloned());
        out.extend(c.security_group_ids.iter().cloned());
    }
    out
}

// ---------------------------------------------------------------- data stores

#[derive(Debug, Clone)]
pub struct Postgres<'a> {
    /// `RDS instance` or `Aurora cluster`.
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
    pub instance_class: Option<&'a str>,
    pub backup_retention_days: Option<i32>,
    pub storage_encrypted: Option<bool>,
}

fn resolve_postgres<'a>(inv: &'a Inventory, vpc: Option<&str>) -> Result<Postgres<'a>, Problem> {
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
            kind: "Aurora cluster",
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
            instance_class: members.iter().find_map(|m| m.instance_class.as_deref()),
            backup_retention_days: c.backup_retention_days,
            storage_encrypted: c.storage_encrypted,
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
        instance_class: i.instance_class.as_deref(),
        backup_retention_days: i.backup_retention_days,
        storage_encrypted: i.storage_encrypted,
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
    for c in clusters.iter().filter(|c| c.engine == "aurora-postgresql") {
        let pg = from_cluster(c)?;
        if pg.vpc_id.as_deref() == Some(vpc) {
            found.push(pg);
        }
    }
    for i in instances
        .iter()
        .filter(|i| i.engine == "postgres" && i.cluster_id.is_none())
    {
        if i.vpc_id.as_deref() == Some(vpc) {
            found.push(from_instance(i));
        }
    }
    pick_one(
        found,
        |p| p.id.to_string(),
        || {
            format!(
                "no PostgreSQL database in {vpc}: looked for RDS instances (engine postgres) and Aurora clusters (engine aurora-postgresql) in {}",
                inv.region
            )
        },
        "PostgreSQL databases",
        "--postgres",
    )
}

#[derive(Debug, Clone)]
pub struct Redis<'a> {
    /// `replication group` or `cache cluster`.
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
}

fn is_redis_engine(e: &str) -> bool {
    matches!(e, "redis" | "valkey")
}

fn resolve_redis<'a>(inv: &'a Inventory, vpc: Option<&str>) -> Result<Redis<'a>, Problem> {
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
        }
    };
    if let Some(want) = inv.target.redis.as_deref() {
        if let Some(g) = groups.iter().find(|g| g.id == want) {
            return Ok(from_group(g));
        }
        if let Some(c) = clusters.iter().find(|c| c.id == want) {
            return Ok(from_cluster(c));
        }
        return Err(Problem::Missing(format!(
            "--redis {want}: no ElastiCache replication group or cache cluster with that id in {}",
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
    pick_one(
        found,
        |r| r.id.to_string(),
        || {
            format!(
                "no Redis in {vpc}: looked for ElastiCache replication groups and cache clusters (engine redis or valkey) whose subnet group is in that VPC, in {}",
                inv.region
            )
        },
        "Redis deployments",
        "--redis",
    )
}

fn pick_one<T>(
    mut found: Vec<T>,
    id: impl Fn(&T) -> String,
    none: impl FnOnce() -> String,
    what: &str,
    flag: &str,
) -> Result<T, Problem> {
    match found.len() {
        0 => Err(Problem::Missing(none())),
        1 => Ok(found.remove(0)),
        _ => {
            let ids: Vec<String> = found.iter().map(&id).collect();
            Err(Problem::Undetermined {
                message: format!("{} candidate {what}: {}", ids.len(), ids.join(", ")),
                hint: format!("pass {flag} to choose one"),
            })
        }
    }
}

// ---------------------------------------------------------------- ingress

pub struct Alb<'a> {
    pub lb: &'a LoadBalancer,
    pub listeners: Vec<&'a Listener>,
    pub target_groups: Vec<&'a TargetGroup>,
    /// How it was chosen, for evidence.
    pub chosen_by: String,
}

pub fn certificate<'a>(inv: &'a Inventory, arn: &str) -> Option<&'a Certificate> {
    inv.certificates.ok()?.iter().find(|c| c.arn == arn)
}

pub fn cert_covers(c: &Certificate, domain: &str) -> bool {
    name_covers(&c.domain, domain) || c.sans.iter().any(|s| name_covers(s, domain))
}

fn serves_domain(inv: &Inventory, listeners: &[Listener], lb: &LoadBalancer) -> bool {
    listeners
        .iter()
        .filter(|l| l.load_balancer_arn == lb.arn && l.protocol == "HTTPS")
        .flat_map(|l| l.certificates.iter())
        .filter_map(|c| certificate(inv, &c.arn))
        .any(|c| cert_covers(c, &inv.target.domain))
}

fn resolve_alb<'a>(inv: &'a Inventory, vpc: Option<&str>) -> Result<Alb<'a>, Problem> {
    let lbs = need(&inv.load_balancers, "load balancers")?;
    let listeners = need(&inv.listeners, "listeners")?;
    let cluster = &inv.target.cluster;
    let (lb, chosen_by) = if let Some(want) = inv.target.alb.as_deref() {
        let lb = lbs
            .iter()
            .find(|lb| lb.arn == want || lb.name == want)
            .ok_or_else(|| {
                Problem::Missing(format!(
                    "--alb {want}: no load balancer with that ARN or name in {}",
                    inv.region
                ))
            })?;
        (lb, format!("given by --alb {want}"))
    } else {
        let vpc = vpc.ok_or_else(|| Problem::Undetermined {
            message: "the VPC is unknown, so the ALB cannot be discovered".into(),
            hint: "pass --vpc or --alb".into(),
        })?;
        let in_vpc: Vec<&LoadBalancer> = lbs
            .iter()
            .filter(|lb| lb.vpc_id.as_deref() == Some(vpc) && lb.lb_type == "application")
            .collect();
        let tagged: Vec<&LoadBalancer> = in_vpc
            .iter()
            .copied()
            .filter(|lb| lb.tags.get(LBC_CLUSTER_TAG) == Some(cluster))
            .collect();
        let (pool, how) = if tagged.is_empty() {
            let serving: Vec<&LoadBalancer> = in_vpc
                .iter()
                .copied()
                .filter(|lb| serves_domain(inv, listeners, lb))
                .collect();
            (
                serving,
                format!(
                    "the only ALB in {vpc} whose HTTPS listener serves a certificate for {}",
                    inv.target.domain
                ),
            )
        } else if tagged.len() > 1 {
            // Several controller-made ALBs: prefer the one serving the domain.
            let serving: Vec<&LoadBalancer> = tagged
                .iter()
                .copied()
                .filter(|lb| serves_domain(inv, listeners, lb))
                .collect();
            if serving.len() == 1 {
                (
                    serving,
                    format!(
                        "tagged {LBC_CLUSTER_TAG}={cluster} and serving {}",
                        inv.target.domain
                    ),
                )
            } else {
                (tagged, String::new())
            }
        } else {
            (
                tagged,
                format!("tagged {LBC_CLUSTER_TAG}={cluster} by the AWS Load Balancer Controller"),
            )
        };
        let lb = pick_one(
            pool,
            |lb| lb.name.clone(),
            || {
                format!(
                    "no ALB for the deployment in {vpc}: looked for application load balancers tagged {LBC_CLUSTER_TAG}={cluster}, then for any whose HTTPS listener serves a certificate for {}",
                    inv.target.domain
                )
            },
            "ALBs",
            "--alb",
        )?;
        (lb, how)
    };
    let tgs = match &inv.target_groups {
        Fetched::Ok(t) => t
            .iter()
            .filter(|t| t.load_balancer_arns.contains(&lb.arn))
            .collect(),
        _ => Vec::new(),
    };
    Ok(Alb {
        lb,
        listeners: listeners
            .iter()
            .filter(|l| l.load_balancer_arn == lb.arn)
            .collect(),
        target_groups: tgs,
        chosen_by,
    })
}

// ---------------------------------------------------------------- resolution

/// What the requirements talk about, resolved once per evaluation.
pub struct Resolved<'a> {
    pub vpc: Result<(), Problem>,
    pub network: Result<Network<'a>, Problem>,
    pub nodes: Result<Nodes<'a>, Problem>,
    pub postgres: Result<Postgres<'a>, Problem>,
    pub redis: Result<Redis<'a>, Problem>,
    pub alb: Result<Alb<'a>, Problem>,
}

impl<'a> Resolved<'a> {
    pub fn new(inv: &'a Inventory, stage: Stage) -> Self {
        let vpc = match (&inv.vpc_id, &inv.cluster) {
            (Some(_), _) => Ok(()),
            (None, Fetched::Failed(e)) => Err(Problem::Call(e.clone())),
            (None, _) => Err(Problem::Undetermined {
                message: "the cluster's VPC is unknown".into(),
                hint: "pass --vpc".into(),
            }),
        };
        let v = inv.vpc_id.as_deref();
        Resolved {
            network: vpc.clone().and_then(|_| Network::build(inv)),
            nodes: Nodes::build(inv),
            postgres: resolve_postgres(inv, v),
            redis: resolve_redis(inv, v),
            alb: if stage == Stage::Installed {
                resolve_alb(inv, v)
            } else {
                Err(Problem::Skip(
                    "the ALB is checked at --stage installed".into(),
                ))
            },
            vpc,
        }
    }
}

// ---------------------------------------------------------------- driver

fn finding(spec: &Spec, status: Status, message: String) -> Finding {
    Finding {
        id: spec.id.clone(),
        title: spec.title.clone(),
        stage: spec.stage,
        severity: spec.severity.clone(),
        status,
        message,
        evidence: Vec::new(),
        resources: Vec::new(),
        remediation: None,
        reference: spec.reference.clone(),
        waiver: None,
    }
}

/// Turns a [`Problem`] into the finding it implies.
pub fn problem_finding(spec: &Spec, p: Problem) -> Finding {
    match p {
        Problem::Call(e) => {
            let (message, fix) = match e.kind {
                CallErrorKind::Denied => (
                    format!(
                        "could not evaluate: {} was denied{}",
                        e.action,
                        e.code.as_deref().map(|c| format!(" ({c})")).unwrap_or_default()
                    ),
                    format!(
                        "Grant the read-only action {} to the identity running the check (README: IAM policy), then run again.",
                        e.action
                    ),
                ),
                CallErrorKind::Dependency => (
                    format!("could not evaluate: {}", e.message),
                    "Fix the failed call named above, then run again.".to_string(),
                ),
                _ => (
                    format!("could not evaluate: {} failed: {}", e.action, e.message),
                    "Run again; if the failure persists, check the endpoint, region and credentials.".to_string(),
                ),
            };
            let mut f = finding(spec, Status::Error, message);
            f.evidence = vec![format!("{}: {}", e.action, e.message)];
            f.remediation = Some(fix);
            f
        }
        Problem::Undetermined { message, hint } => {
            let mut f = finding(
                spec,
                Status::Error,
                format!("could not evaluate: {message}"),
            );
            f.remediation = Some(hint);
            f
        }
        Problem::Missing(message) => {
            let mut f = finding(spec, Status::Fail, message);
            f.remediation = Some(spec.remediation.trim().to_string());
            f
        }
        Problem::Skip(message) => finding(spec, Status::Skip, message),
    }
}

pub fn evaluate_one(
    req: &Requirement,
    inv: &Inventory,
    settings: &Settings,
    now: OffsetDateTime,
    r: &Resolved,
) -> Finding {
    let spec = &req.spec;
    if spec.stage == Stage::Installed && settings.stage == Stage::Preflight {
        return finding(
            spec,
            Status::Skip,
            "installed-stage requirement: the ALB, its listeners and targets exist only after helm install (run with --stage installed)".into(),
        );
    }
    let ctx = Ctx {
        inv,
        settings,
        now,
        spec,
        r,
    };
    match (req.eval)(&ctx) {
        Ok(v) => {
            let mut f = finding(spec, v.status, v.message);
            f.evidence = v.evidence;
            f.resources = v.resources;
            if matches!(v.status, Status::Warn | Status::Fail) {
                f.remediation = Some(spec.remediation.trim().to_string());
            }
            f
        }
        Err(p) => problem_finding(spec, p),
    }
}

/// The instant an inventory describes: its collection time (now, when unset).
pub fn evaluation_time(inv: &Inventory) -> OffsetDateTime {
    OffsetDateTime::parse(
        &inv.collected_at,
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap_or_else(|_| OffsetDateTime::now_utc())
}

/// Evaluates `reqs` against the inventory. Pure: same input, same output.
pub fn evaluate(
    inv: &Inventory,
    settings: &Settings,
    now: OffsetDateTime,
    reqs: &[&Requirement],
) -> (Vec<Finding>, TargetReport, Facts) {
    let r = Resolved::new(inv, settings.stage);
    let findings = reqs
        .iter()
        .map(|req| evaluate_one(req, inv, settings, now, &r))
        .map(|f| apply_waiver(f, &settings.waivers, now))
        .collect();
    let target = TargetReport {
        account: inv.account.clone(),
        region: inv.region.clone(),
        cluster: inv.target.cluster.clone(),
        domain: inv.target.domain.clone(),
        stage: settings.stage.as_str().into(),
        baseline: settings.baseline.as_str().into(),
        vpc: inv.vpc_id.clone(),
        alb: r.alb.as_ref().ok().map(|a| a.lb.arn.clone()),
        postgres: r.postgres.as_ref().ok().map(|p| p.id.to_string()),
        redis: r.redis.as_ref().ok().map(|p| p.id.to_string()),
        certificate: crate::checks::tls::chosen_certificate(inv, &r, settings.stage, now)
            .map(|c| c.arn.clone()),
        source: "live".into(),
        collected_at: inv.collected_at.clone(),
    };
    (findings, target, facts(inv, &r, settings))
}

/// A waiver turns a non-passing finding into `waived`, keeping its real
/// status; an expired one no longer applies and says so.
fn apply_waiver(mut f: Finding, waivers: &[Waiver], now: OffsetDateTime) -> Finding {
    let Some(w) = waivers.iter().find(|w| w.id == f.id) else {
        return f;
    };
    if now.date() > w.expires {
        f.message = format!(
            "{} (waiver expired on {}: {})",
            f.message, w.expires, w.reason
        );
        return f;
    }
    if matches!(f.status, Status::Pass | Status::Skip) {
        return f;
    }
    f.waiver = Some(crate::report::WaiverNote {
        reason: w.reason.clone(),
        expires: w.expires.to_string(),
        status: f.status,
    });
    f.status = Status::Waived;
    f
}

/// The whole report for an inventory, evaluated as of its collection time.
pub fn report(
    inv: &Inventory,
    settings: &Settings,
    reqs: &[&Requirement],
    source: &str,
    stats: Stats,
) -> Report {
    let (results, mut target, facts) = evaluate(inv, settings, evaluation_time(inv), reqs);
    target.source = source.to_string();
    Report {
        schema_version: REPORT_SCHEMA_VERSION,
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        target,
        summary: Summary::of(&results),
        results,
        facts,
        stats,
    }
}

/// The deployment facts a support ticket asks for (TROUBLESHOOTING.md §11).
fn facts(inv: &Inventory, r: &Resolved, settings: &Settings) -> Facts {
    let postgres = r.postgres.as_ref().ok().map(|p| {
        format!(
            "{} {}: {} {} ({}), status {}",
            p.kind,
            p.id,
            p.engine,
            p.version,
            p.instance_class.unwrap_or("class unknown"),
            p.status
        )
    });
    let redis = r.redis.as_ref().ok().map(|x| {
        format!(
            "{} {}: {} {}, node type {}, in-transit encryption {}, port {}",
            x.kind,
            x.id,
            x.engine,
            x.version.as_deref().unwrap_or("(version unknown)"),
            x.node_type.as_deref().unwrap_or("unknown"),
            match x.transit_encryption {
                Some(true) => "on (clients need rediss://)",
                Some(false) => "off",
                None => "unknown",
            },
            x.port
        )
    });
    let mut nodes = Vec::new();
    if let Ok(n) = &r.nodes {
        nodes.extend(n.note.iter().cloned());
        nodes.extend(crate::checks::eks::node_lines(&n.nodes));
    }
    let mut targets = Vec::new();
    if let Ok(a) = &r.alb {
        for tg in &a.target_groups {
            match &tg.health {
                Fetched::Ok(hs) => targets.extend(hs.iter().map(|h| {
                    format!(
                        "{} {}{}: {}{}",
                        tg.name,
                        h.id,
                        h.port.map(|p| format!(":{p}")).unwrap_or_default(),
                        h.state,
                        h.reason
                            .as_deref()
                            .map(|x| format!(" ({x})"))
                            .unwrap_or_default()
                    )
                })),
                Fetched::Failed(e) => {
                    targets.push(format!("{}: unknown ({} failed)", tg.name, e.action))
                }
                Fetched::NotCollected => {}
            }
        }
    }
    Facts {
        kubernetes_version: inv.cluster.ok().and_then(|c| c.version.clone()),
        postgres,
        redis,
        nodes,
        clickhouse: match settings.clickhouse {
            ClickhouseMode::InCluster => "in-cluster (sized against the nodes above)".into(),
            ClickhouseMode::External => "external (node sizing and storage not checked)".into(),
        },
        alb: r.alb.as_ref().ok().map(|a| {
            format!(
                "{} ({}, {}, {})",
                a.lb.name,
                a.lb.scheme,
                a.lb.state,
                a.lb.dns_name.as_deref().unwrap_or("no DNS name")
            )
        }),
        targets,
    }
}
