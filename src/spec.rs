//! A requirement's data, as written in `checks/<id>.toml` and embedded in the
//! binary, and the kinds of collected data a requirement can need. The logic
//! that reads them lives in `src/checks/`; [`crate::registry`] ties the two.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::settings::{ClickhouseMode, Settings, Stage};

/// How much a requirement's failure matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Critical,
    High,
    Medium,
    Low,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

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
    /// CloudFront distributions that may front the ALB.
    Cdn,
    Bucket,
    Volumes,
    /// The EC2 On-Demand vCPU quota (Service Quotas).
    Quota,
}

impl Need {
    /// Whether the data can exist at `stage`: the ALB and its targets are
    /// created by `helm install`, so they are neither collected nor resolved
    /// before it. The one place this rule is written.
    pub fn exists_at(self, stage: Stage) -> bool {
        match self {
            Need::LoadBalancer | Need::TargetHealth | Need::Cdn => stage == Stage::Installed,
            _ => true,
        }
    }
}

/// A requirement's data, as written in `checks/<id>.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    pub id: String,
    pub title: String,
    pub stage: Stage,
    pub severity: Severity,
    /// Where the requirement comes from: `FILE.md §N Heading`.
    pub reference: String,
    pub rationale: String,
    /// How the tool evaluates it (shown by `explain`).
    pub method: String,
    pub remediation: String,
    /// Set when the requirement only applies with ClickHouse in this mode.
    #[serde(default)]
    pub only_with_clickhouse: Option<ClickhouseMode>,
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
    /// A numeric threshold from `[thresholds]`. `tests/registry.rs` proves
    /// that every threshold a check function reads is declared here.
    pub fn num(&self, key: &str) -> f64 {
        match self.thresholds.get(key) {
            Some(toml::Value::Integer(i)) => *i as f64,
            Some(toml::Value::Float(f)) => *f,
            _ => panic!("checks/{}.toml: missing numeric threshold {key}", self.id),
        }
    }

    /// Why the requirement is not judged in this run, if it is not: the one
    /// place stage and `--clickhouse` gating are decided, for collection
    /// (nothing is fetched for it) and evaluation (it is reported `skip`).
    pub fn skip_reason(&self, settings: &Settings) -> Option<String> {
        if self.stage == Stage::Installed && settings.stage == Stage::Preflight {
            return Some(
                "installed-stage requirement: the ALB, its listeners and targets exist only after helm install (run with --stage installed)".into(),
            );
        }
        match self.only_with_clickhouse {
            Some(mode) if mode != settings.clickhouse => Some(match settings.clickhouse {
                ClickhouseMode::External => {
                    "ClickHouse is external (--clickhouse external): no worker node hosts it and no volume is created for it".into()
                }
                ClickhouseMode::InCluster => {
                    "ClickHouse runs in the cluster: this requirement is for external ClickHouse".into()
                }
            }),
            _ => None,
        }
    }
}
