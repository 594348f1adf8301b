//! What a run is asked to judge, beyond the target: stage, baseline,
//! ClickHouse placement, threshold overrides, waivers and the exit policy's
//! `--fail-on`. The command line and `preflight.toml` both produce these;
//! evaluation and the report read them. Imports nothing of the crate.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// When a requirement can be judged: before `helm install` (preflight) or
/// once LangSmith is installed (the ALB, its listeners and targets exist).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    Default,
    clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum Stage {
    Preflight,
    #[default]
    Installed,
}

impl Stage {
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Preflight => "preflight",
            Stage::Installed => "installed",
        }
    }
}

/// The sizing baseline: production (3 ClickHouse replicas) or dev.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Baseline {
    #[default]
    Production,
    Dev,
}

impl Baseline {
    pub fn as_str(self) -> &'static str {
        match self {
            Baseline::Production => "production",
            Baseline::Dev => "dev",
        }
    }
}

/// Where ClickHouse runs (`--clickhouse`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum ClickhouseMode {
    #[default]
    InCluster,
    External,
}

/// Which verdicts make the exit code 3 (`--fail-on`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FailOn {
    #[default]
    Fail,
    Warn,
}

/// An accepted deviation: the requirement is reported as `waived` until it expires.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Waiver {
    pub id: String,
    pub reason: String,
    /// `YYYY-MM-DD`; the waiver applies through that day (UTC).
    pub expires: time::Date,
}

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
