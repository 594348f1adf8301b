//! Resolution: decides once, from the inventory alone, *which* VPC, subnets,
//! worker nodes, PostgreSQL, Redis, ALB and certificate the requirements talk
//! about, into one [`Resolved`] value that every check reads.
//!
//! The rules that collection also needs — which load balancers are ALB
//! candidates, which certificates may cover the domain, which instance type
//! a node group gets by default — are written here once and called from
//! `collect` too, so that what is fetched and what is judged cannot drift.

pub mod alb;
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

/// What the requirements talk about, resolved once per evaluation.
pub struct Resolved<'a> {
    /// The VPC under check (`inventory.vpc_id`), or why it is unknown.
    pub vpc: Result<&'a str, Problem>,
    pub network: Result<Network<'a>, Problem>,
    pub nodes: Result<Nodes<'a>, Problem>,
    pub postgres: Result<Postgres<'a>, Problem>,
    pub redis: Result<Redis<'a>, Problem>,
    pub alb: Result<Alb<'a>, Problem>,
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
        Resolved {
            network: vpc.clone().and_then(|_| Network::build(inv)),
            nodes: Nodes::build(inv),
            postgres: postgres::resolve(inv, v),
            redis: redis::resolve(inv, v),
            alb,
            certificate,
            vpc,
        }
    }
}
