//! The one registry of requirements: a row per stable id names its data
//! (`checks/<id>.toml`, embedded), its logic (a named function in
//! `src/checks/<area>.rs`) and what it needs collected. `list`, `explain`,
//! the README table and the uniqueness tests all read from here.

use std::sync::OnceLock;

use crate::check::{Ctx, Outcome};
use crate::checks::*;
use crate::spec::Need::*;
use crate::spec::{Need, Spec};

pub type EvalFn = fn(&Ctx) -> Outcome;

pub struct Requirement {
    pub spec: Spec,
    pub eval: EvalFn,
    /// The function's path below `crate::checks`, e.g. `eks::capacity`.
    pub function: &'static str,
    pub needs: &'static [Need],
}

struct Row {
    id: &'static str,
    toml: &'static str,
    eval: EvalFn,
    function: &'static str,
    needs: &'static [Need],
}

/// One row: the id, written once, names its data file too.
macro_rules! requirement {
    ($id:literal, $area:ident::$f:ident, [$($need:ident),* $(,)?]) => {
        Row {
            id: $id,
            toml: include_str!(concat!("../checks/", $id, ".toml")),
            eval: $area::$f,
            function: concat!(stringify!($area), "::", stringify!($f)),
            needs: &[$($need),*],
        }
    };
}

/// Registry order is report order.
#[rustfmt::skip]
const ROWS: &[Row] = &[
    requirement!("network.single-vpc", network::single_vpc, [Cluster, Network, Nodes, Postgres, Redis, LoadBalancer]),
    requirement!("network.public-subnets", network::public_subnets, [Cluster, Network, LoadBalancer, Certificates]),
    requirement!("network.private-subnets", network::private_subnets, [Cluster, Network]),
    requirement!("network.nodes-private", network::nodes_private, [Cluster, Network, Nodes]),
    requirement!("network.data-private", network::data_private, [Cluster, Network, SecurityGroups, Postgres, Redis]),
    requirement!("ingress.alb", ingress::alb, [Cluster, Network, LoadBalancer, Certificates]),
    requirement!("ingress.https", ingress::https, [Cluster, LoadBalancer, Certificates]),
    requirement!("ingress.security-groups", ingress::security_groups, [Cluster, Network, SecurityGroups, Nodes, LoadBalancer, TargetHealth, Certificates, Cdn]),
    requirement!("ingress.waf", ingress::waf, [Cluster, LoadBalancer, Waf, Certificates, Cdn]),
    requirement!("ingress.single-entry", ingress::single_entry, [Cluster, LoadBalancer, Certificates]),
    requirement!("tls.certificate", tls::certificate, [Cluster, LoadBalancer, Certificates]),
    requirement!("dns.record", dns::record, [Cluster, LoadBalancer, Dns, Certificates, Cdn]),
    requirement!("ingress.targets-healthy", ingress::targets_healthy, [Cluster, LoadBalancer, TargetHealth, Certificates]),
    requirement!("postgres.version", postgres::version, [Cluster, Postgres]),
    requirement!("postgres.backups", postgres::backups, [Cluster, Postgres]),
    requirement!("postgres.encryption", postgres::encryption, [Cluster, Postgres]),
    requirement!("postgres.reachable", postgres::reachable, [Cluster, Network, SecurityGroups, Nodes, Postgres]),
    requirement!("redis.version", redis::version, [Cluster, Network, Redis]),
    requirement!("redis.reachable", redis::reachable, [Cluster, Network, SecurityGroups, Nodes, Redis]),
    requirement!("eks.cluster", eks::cluster, [Cluster]),
    requirement!("eks.addons", eks::addons, [Cluster, Addons]),
    requirement!("eks.irsa", eks::irsa, [Cluster, OidcProviders, Addons]),
    requirement!("eks.capacity", eks::capacity, [Cluster, Nodes]),
    requirement!("eks.clickhouse-node", eks::clickhouse_node, [Cluster, Nodes]),
    requirement!("eks.instance-quota", eks::instance_quota, [Cluster, Nodes, Quota]),
    requirement!("clickhouse.storage", clickhouse::storage, [Cluster, Volumes]),
    requirement!("storage.bucket", storage::bucket, [Bucket]),
];

/// Every requirement, parsed once.
pub fn all() -> &'static [Requirement] {
    static REG: OnceLock<Vec<Requirement>> = OnceLock::new();
    REG.get_or_init(|| {
        ROWS.iter()
            .map(|row| {
                let spec: Spec = toml::from_str(row.toml)
                    .unwrap_or_else(|e| panic!("checks/{}.toml is invalid: {e}", row.id));
                assert_eq!(
                    spec.id, row.id,
                    "checks/{}.toml declares id {}",
                    row.id, spec.id
                );
                Requirement {
                    spec,
                    eval: row.eval,
                    function: row.function,
                    needs: row.needs,
                }
            })
            .collect()
    })
}

pub fn find(id: &str) -> Option<&'static Requirement> {
    all().iter().find(|r| r.spec.id == id)
}

/// The ids in registry order, for messages.
pub fn ids() -> Vec<&'static str> {
    all().iter().map(|r| r.spec.id.as_str()).collect()
}
