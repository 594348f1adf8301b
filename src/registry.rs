//! The one registry of requirements: stable id → data (`checks/<id>.toml`,
//! embedded) + logic (a named function in `src/checks/`) + what it needs
//! collected. `list`, `explain`, the README table and the uniqueness test
//! all read from here.

use std::sync::OnceLock;

use serde::Deserialize;

use crate::checks;
use crate::evaluate::{Ctx, Outcome};
use crate::report::Stage;

/// The data an evaluation may need; drives what `collect` fetches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Need {
    Cluster,
    Network,
    SecurityGroups,
    Nodes,
    Postgres,
    Redis,
    LoadBalancer,
    TargetHealth,
    Certificates,
    Addons,
    OidcProviders,
    Waf,
    Dns,
    Bucket,
    Volumes,
}

pub type EvalFn = fn(&Ctx) -> Outcome;

/// A requirement's data, as written in `checks/<id>.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    pub id: String,
    pub title: String,
    pub stage: Stage,
    /// `critical`, `high`, `medium` or `low`.
    pub severity: String,
    /// Where the requirement comes from: `FILE.md §N Heading`.
    pub reference: String,
    pub rationale: String,
    /// How the tool evaluates it (shown by `explain`).
    pub method: String,
    pub remediation: String,
    #[serde(default)]
    pub thresholds: toml::Table,
    /// Thresholds a configuration may raise (never lower).
    #[serde(default)]
    pub configurable: Vec<String>,
    /// Reference data the check reads (e.g. the EKS version calendar).
    #[serde(default)]
    pub data: toml::Table,
}

impl Spec {
    /// A numeric threshold from `[thresholds]`; the registry test proves
    /// that every threshold a check reads exists.
    pub fn num(&self, key: &str) -> f64 {
        match self.thresholds.get(key) {
            Some(toml::Value::Integer(i)) => *i as f64,
            Some(toml::Value::Float(f)) => *f,
            _ => panic!("checks/{}.toml: missing numeric threshold {key}", self.id),
        }
    }
}

pub struct Requirement {
    pub spec: Spec,
    pub eval: EvalFn,
    pub needs: &'static [Need],
}

use Need::*;

/// Registry order is report order.
const ENTRIES: &[(&str, &str, EvalFn, &[Need])] = &[
    (
        "network.single-vpc",
        include_str!("../checks/network.single-vpc.toml"),
        checks::network::single_vpc,
        &[Cluster, Network, Nodes, Postgres, Redis, LoadBalancer],
    ),
    (
        "network.public-subnets",
        include_str!("../checks/network.public-subnets.toml"),
        checks::network::public_subnets,
        &[Cluster, Network],
    ),
    (
        "network.private-subnets",
        include_str!("../checks/network.private-subnets.toml"),
        checks::network::private_subnets,
        &[Cluster, Network],
    ),
    (
        "network.nodes-private",
        include_str!("../checks/network.nodes-private.toml"),
        checks::network::nodes_private,
        &[Cluster, Network, Nodes],
    ),
    (
        "network.data-private",
        include_str!("../checks/network.data-private.toml"),
        checks::network::data_private,
        &[Cluster, Network, Postgres, Redis],
    ),
    (
        "ingress.alb",
        include_str!("../checks/ingress.alb.toml"),
        checks::ingress::alb,
        &[Cluster, Network, LoadBalancer, Certificates],
    ),
    (
        "ingress.https",
        include_str!("../checks/ingress.https.toml"),
        checks::ingress::https,
        &[Cluster, LoadBalancer, Certificates],
    ),
    (
        "ingress.security-groups",
        include_str!("../checks/ingress.security-groups.toml"),
        checks::ingress::security_groups,
        &[
            Cluster,
            Network,
            SecurityGroups,
            Nodes,
            LoadBalancer,
            TargetHealth,
            Certificates,
        ],
    ),
    (
        "ingress.waf",
        include_str!("../checks/ingress.waf.toml"),
        checks::ingress::waf,
        &[Cluster, LoadBalancer, Waf, Certificates],
    ),
    (
        "ingress.single-entry",
        include_str!("../checks/ingress.single-entry.toml"),
        checks::ingress::single_entry,
        &[Cluster, LoadBalancer, Certificates],
    ),
    (
        "tls.certificate",
        include_str!("../checks/tls.certificate.toml"),
        checks::tls::certificate,
        &[Cluster, LoadBalancer, Certificates],
    ),
    (
        "dns.record",
        include_str!("../checks/dns.record.toml"),
        checks::ingress::dns_record,
        &[Cluster, LoadBalancer, Dns, Certificates],
    ),
    (
        "ingress.targets-healthy",
        include_str!("../checks/ingress.targets-healthy.toml"),
        checks::ingress::targets_healthy,
        &[Cluster, LoadBalancer, TargetHealth, Certificates],
    ),
    (
        "postgres.version",
        include_str!("../checks/postgres.version.toml"),
        checks::postgres::version,
        &[Cluster, Postgres],
    ),
    (
        "postgres.backups",
        include_str!("../checks/postgres.backups.toml"),
        checks::postgres::backups,
        &[Cluster, Postgres],
    ),
    (
        "postgres.encryption",
        include_str!("../checks/postgres.encryption.toml"),
        checks::postgres::encryption,
        &[Cluster, Postgres],
    ),
    (
        "postgres.reachable",
        include_str!("../checks/postgres.reachable.toml"),
        checks::postgres::reachable,
        &[Cluster, Network, SecurityGroups, Nodes, Postgres],
    ),
    (
        "redis.version",
        include_str!("../checks/redis.version.toml"),
        checks::redis::version,
        &[Cluster, Redis],
    ),
    (
        "redis.reachable",
        include_str!("../checks/redis.reachable.toml"),
        checks::redis::reachable,
        &[Cluster, Network, SecurityGroups, Nodes, Redis],
    ),
    (
        "eks.cluster",
        include_str!("../checks/eks.cluster.toml"),
        checks::eks::cluster,
        &[Cluster],
    ),
    (
        "eks.addons",
        include_str!("../checks/eks.addons.toml"),
        checks::eks::addons,
        &[Cluster, Addons],
    ),
    (
        "eks.irsa",
        include_str!("../checks/eks.irsa.toml"),
        checks::eks::irsa,
        &[Cluster, OidcProviders, Addons],
    ),
    (
        "eks.capacity",
        include_str!("../checks/eks.capacity.toml"),
        checks::eks::capacity,
        &[Cluster, Nodes],
    ),
    (
        "eks.clickhouse-node",
        include_str!("../checks/eks.clickhouse-node.toml"),
        checks::eks::clickhouse_node,
        &[Cluster, Nodes],
    ),
    (
        "clickhouse.storage",
        include_str!("../checks/clickhouse.storage.toml"),
        checks::clickhouse::storage,
        &[Cluster, Volumes],
    ),
    (
        "storage.bucket",
        include_str!("../checks/storage.bucket.toml"),
        checks::storage::bucket,
        &[Bucket],
    ),
];

/// Every requirement, parsed once.
pub fn all() -> &'static [Requirement] {
    static REG: OnceLock<Vec<Requirement>> = OnceLock::new();
    REG.get_or_init(|| {
        ENTRIES
            .iter()
            .map(|(id, text, eval, needs)| {
                let spec: Spec = toml::from_str(text)
                    .unwrap_or_else(|e| panic!("checks/{id}.toml is invalid: {e}"));
                assert_eq!(&spec.id, id, "checks/{id}.toml declares id {}", spec.id);
                Requirement {
                    spec,
                    eval: *eval,
                    needs,
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
