//! Resolution: decides once, from the inventory alone, *which* VPC, subnets,
//! worker nodes, PostgreSQL, Redis, ALB and certificate the requirements talk
//! about, into one [`Resolved`] value that every check reads.
//!
//! The rules that collection also needs — which load balancers are ALB
//! candidates, which certificates may cover the domain, which instance type
//! a node group gets by default — are written here once and called from
//! `collect` too, so that what is fetched and what is judged cannot drift.

pub mod alb;
pub mod cdn;
pub mod certificate;
pub mod network;
pub mod nodes;
pub mod postgres;
pub mod redis;

use time::OffsetDateTime;

use crate::model::{CallError, Certificate, Fetched, Inventory};
use crate::settings::Stage;
use crate::spec::Need;

pub use alb::Alb;
pub use network::{Egress, Network, SubnetInfo};
pub use nodes::{Node, Nodes};
pub use postgres::Postgres;
pub use redis::Redis;

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

/// Unwraps collected data or turns its absence into a [`Problem`].
pub fn need<'a, T>(f: &'a Fetched<T>, what: &str) -> Result<&'a T, Problem> {
    match f {
        Fetched::Ok(v) => Ok(v),
        Fetched::Failed(e) => Err(Problem::Call(e.clone())),
        Fetched::NotCollected => Err(Problem::Undetermined {
            message: format!("{what} was not collected"),
            hint: "a snapshot written by an older langsmith-preflight lacks it: collect again with this version; in a live run this is a bug (the requirement's needs are incomplete)"
                .into(),
        }),
    }
}

/// Exactly one candidate, or the problem that there are none or several.
pub(crate) fn pick_one<T>(
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

/// Narrows several discovered candidates the way a person would: first to
/// those whose security groups admit the worker nodes, then to those named
/// after the cluster or tagged for it. Returns the candidates kept and, for
/// the evidence, the ones left out and why.
pub(crate) fn narrow<T>(
    found: Vec<T>,
    id: impl Fn(&T) -> String,
    admits_nodes: impl Fn(&T) -> bool,
    for_cluster: impl Fn(&T) -> bool,
    cluster: &str,
) -> (Vec<T>, Vec<String>) {
    let mut left_out = Vec::new();
    let mut keep = found;
    let step = |keep: Vec<T>, pred: &dyn Fn(&T) -> bool, why: &str, left_out: &mut Vec<String>| {
        if keep.len() < 2 || !keep.iter().any(pred) {
            return keep;
        }
        let (yes, no): (Vec<T>, Vec<T>) = keep.into_iter().partition(|t| pred(t));
        left_out.extend(no.iter().map(|t| format!("{}: {why}", id(t))));
        yes
    };
    keep = step(
        keep,
        &admits_nodes,
        "left out: its security groups do not admit the worker nodes",
        &mut left_out,
    );
    keep = step(
        keep,
        &for_cluster,
        &format!("left out: neither named after nor tagged for cluster {cluster}"),
        &mut left_out,
    );
    (keep, left_out)
}

/// True when a name or a tag ties a resource to the cluster.
pub(crate) fn named_or_tagged_for(
    id: &str,
    tags: &std::collections::BTreeMap<String, String>,
    cluster: &str,
) -> bool {
    id.contains(cluster)
        || tags
            .iter()
            .any(|(k, v)| v == cluster || k.ends_with(&format!("/{cluster}")))
}

/// What the requirements talk about, resolved once per evaluation.
pub struct Resolved<'a> {
    /// The VPC under check (`inventory.vpc_id`), or why it is unknown.
    pub vpc: Result<&'a str, Problem>,
    pub network: Result<Network<'a>, Problem>,
    pub nodes: Result<Nodes<'a>, Problem>,
    pub postgres: Result<Postgres<'a>, Problem>,
    pub redis: Result<Redis<'a>, Problem>,
    pub alb: Result<Alb<'a>, Problem>,
    /// Managed prefix lists whose entries are known.
    pub prefix_lists: crate::net::PrefixLists,
    /// The certificate `tls.certificate` judges: at the installed stage the
    /// best one the ALB's 443 listener serves for the domain, before it the
    /// best one in ACM; `None` when none covers the domain.
    pub certificate: Option<&'a Certificate>,
}

impl<'a> Resolved<'a> {
    pub fn new(inv: &'a Inventory, stage: Stage, now: OffsetDateTime) -> Self {
        let vpc = match (&inv.vpc_id, &inv.cluster) {
            (Some(v), _) => Ok(v.as_str()),
            (None, Fetched::Failed(e)) => Err(Problem::Call(e.clone())),
            (None, _) => Err(Problem::Undetermined {
                message: "the cluster's VPC is unknown".into(),
                hint: "pass --vpc".into(),
            }),
        };
        let v = vpc.as_ref().ok().copied();
        let alb = if Need::LoadBalancer.exists_at(stage) {
            alb::resolve(inv, v)
        } else {
            Err(Problem::Skip(
                "the ALB is checked at --stage installed".into(),
            ))
        };
        let certificate = certificate::chosen(inv, alb.as_ref().ok(), stage, now);
        let network = vpc.clone().and_then(|_| Network::build(inv));
        let prefix_lists: crate::net::PrefixLists = inv
            .prefix_lists
            .ok()
            .into_iter()
            .flatten()
            .map(|p| {
                (
                    p.id.clone(),
                    p.cidrs.iter().filter_map(|c| c.parse().ok()).collect(),
                )
            })
            .collect();
        let nodes = Nodes::build(inv);
        // Whether a data store's security groups admit every worker node on
        // its port: how discovery tells several candidates apart.
        let sources = match (&network, &nodes) {
            (Ok(net), Ok(nodes)) => nodes.sources(net),
            _ => Vec::new(),
        };
        let admits = |sgs: &[String], port: i32| -> bool {
            let Some(all) = inv.security_groups.ok() else {
                return false;
            };
            let groups: Vec<&crate::model::SecurityGroup> =
                all.iter().filter(|g| sgs.contains(&g.id)).collect();
            !sources.is_empty()
                && sources.iter().all(|s| {
                    crate::net::find_admitting_rule_with(&groups, s, port, &prefix_lists).is_some()
                })
        };
        Resolved {
            postgres: postgres::resolve(inv, v, &admits),
            redis: redis::resolve(inv, v, &admits),
            network,
            nodes,
            alb,
            certificate,
            prefix_lists,
            vpc,
        }
    }
}
