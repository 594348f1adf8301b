//! The finding model. Renderers only format a [`Report`]; JSON is its serde
//! serialization and is documented as stable (schema_version 1).

use serde::{Deserialize, Serialize};

use crate::settings::FailOn;
pub use crate::settings::{Baseline, Stage};
use crate::spec::Severity;

pub const REPORT_SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Warn,
    Fail,
    Skip,
    Error,
    /// Not passing, but covered by an unexpired waiver.
    Waived,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Warn => "warn",
            Status::Fail => "fail",
            Status::Skip => "skip",
            Status::Error => "error",
            Status::Waived => "waived",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WaiverNote {
    pub reason: String,
    pub expires: String,
    /// The status the requirement really has.
    pub status: Status,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub id: String,
    pub title: String,
    pub stage: Stage,
    pub severity: Severity,
    pub status: Status,
    pub message: String,
    pub evidence: Vec<String>,
    pub resources: Vec<String>,
    /// How to fix it; absent on pass and skip.
    pub remediation: Option<String>,
    pub reference: String,
    /// Present when a waiver applies: its reason, expiry and the real status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waiver: Option<WaiverNote>,
}

/// What was checked: the user's target plus what discovery found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct TargetReport {
    pub account: Option<String>,
    pub region: String,
    pub cluster: String,
    pub domain: String,
    pub stage: String,
    pub baseline: String,
    pub vpc: Option<String>,
    pub alb: Option<String>,
    pub postgres: Option<String>,
    pub redis: Option<String>,
    pub certificate: Option<String>,
    /// `live` or the snapshot file the inventory came from.
    pub source: String,
    /// When the inventory was collected; the results describe that instant.
    pub collected_at: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Summary {
    pub pass: usize,
    pub warn: usize,
    pub fail: usize,
    pub skip: usize,
    pub error: usize,
    pub waived: usize,
}

impl Summary {
    pub fn of(results: &[Finding]) -> Self {
        let mut s = Summary::default();
        for f in results {
            match f.status {
                Status::Pass => s.pass += 1,
                Status::Warn => s.warn += 1,
                Status::Fail => s.fail += 1,
                Status::Skip => s.skip += 1,
                Status::Error => s.error += 1,
                Status::Waived => s.waived += 1,
            }
        }
        s
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Stats {
    /// AWS operations sent (each page of a paginated call counts once).
    pub api_calls: u64,
    /// Extra attempts the SDK made after throttling or transient errors.
    pub retries: u64,
    pub wall_ms: u64,
    /// The process's peak resident memory in KiB, where the OS reports it (Linux).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peak_rss_kib: Option<u64>,
}

/// This process's peak resident set size (`VmHWM`), in KiB, on Linux.
pub fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

/// What a support ticket needs to know about the deployment
/// (TROUBLESHOOTING.md §11), as found by discovery.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Facts {
    pub kubernetes_version: Option<String>,
    pub postgres: Option<String>,
    pub redis: Option<String>,
    /// What runs now: node types with their modelled allocatable capacity.
    pub nodes: Vec<String>,
    /// What the compute can reach beyond that: node groups at max size,
    /// on-demand provisioners and their node pools, Fargate, the quota.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub compute_reach: Vec<String>,
    pub clickhouse: String,
    pub alb: Option<String>,
    /// Each ALB target's health, with reason.
    pub targets: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub schema_version: u32,
    pub tool_version: String,
    pub target: TargetReport,
    pub summary: Summary,
    pub results: Vec<Finding>,
    pub facts: Facts,
    /// The path from the internet to the data stores, as resolved, with the
    /// requirement that judges each hop. Added after schema_version 1 was
    /// published, additively: reports without it still parse.
    #[serde(default, skip_serializing_if = "Topology::is_empty")]
    pub topology: Topology,
    pub stats: Stats,
}

/// What a topology node stands for. Its order is the order of the path:
/// renderers draw one column per kind, left to right.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeKind {
    Internet,
    Dns,
    Cdn,
    LoadBalancer,
    Listener,
    TargetGroup,
    Workers,
    Postgres,
    Redis,
    Bucket,
}

impl NodeKind {
    /// The column a renderer draws the kind in (data stores share one).
    pub fn column(self) -> usize {
        match self {
            NodeKind::Internet => 0,
            NodeKind::Dns => 1,
            NodeKind::Cdn => 2,
            NodeKind::LoadBalancer => 3,
            NodeKind::Listener => 4,
            NodeKind::TargetGroup => 5,
            NodeKind::Workers => 6,
            NodeKind::Postgres | NodeKind::Redis | NodeKind::Bucket => 7,
        }
    }
}

/// One requirement's verdict on a topology node or edge.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Judgement {
    pub requirement: String,
    pub status: Status,
    /// The finding's message, when it is not a pass or a skip; on a hop that
    /// a failing requirement does not block (the nodes of one zone are
    /// admitted, others are not), why it passes there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// A resource on the path (or the gap where one is missing).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TopoNode {
    /// Unique within the topology, stable across runs of the same
    /// deployment (`alb`, `listener:443`, `workers:us-east-1a`, …).
    pub id: String,
    pub kind: NodeKind,
    pub label: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<String>,
    /// AWS ids and ARNs it stands for.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resources: Vec<String>,
    /// True when the resource was looked for and not found (or is unknown):
    /// the node marks where the path breaks.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub missing: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<Judgement>,
    /// The worst of `checks`; absent when no requirement judges it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
}

/// A hop traffic takes, from `from` to `to` (node ids).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TopoEdge {
    pub from: String,
    pub to: String,
    /// The hop: `alias`, `HTTPS :443`, `TCP 5432`, `4/4 healthy :30080`, …
    pub label: String,
    /// The security groups (or other resources) that decide the hop.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resources: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<Judgement>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
}

/// The deployment as a graph: internet → DNS record → (CloudFront) → ALB →
/// listeners → target groups → worker nodes per AZ → PostgreSQL, Redis, S3.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Topology {
    pub nodes: Vec<TopoNode>,
    pub edges: Vec<TopoEdge>,
}

impl Topology {
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }
    pub fn node(&self, id: &str) -> Option<&TopoNode> {
        self.nodes.iter().find(|n| n.id == id)
    }
}

impl Status {
    /// How bad a status is when several judge one hop: fail, error, warn,
    /// waived, pass, skip (worst first).
    pub fn badness(self) -> u8 {
        match self {
            Status::Fail => 5,
            Status::Error => 4,
            Status::Warn => 3,
            Status::Waived => 2,
            Status::Pass => 1,
            Status::Skip => 0,
        }
    }

    /// Whether a reader has to act on it: a warning, a failure, or a
    /// requirement that could not be evaluated.
    pub fn is_problem(self) -> bool {
        matches!(self, Status::Warn | Status::Fail | Status::Error)
    }

    /// The worst of several statuses; `None` for none.
    pub fn worst(all: impl IntoIterator<Item = Status>) -> Option<Status> {
        all.into_iter().max_by_key(|s| s.badness())
    }
}

/// Process exit codes (documented in the README).
pub mod exit {
    pub const OK: u8 = 0;
    /// The run could not proceed (credentials, endpoint, cluster not found).
    pub const RUN_FAILED: u8 = 1;
    /// Usage or configuration error.
    pub const USAGE: u8 = 2;
    /// At least one requirement failed.
    pub const FAIL: u8 = 3;
    /// No failure, but at least one requirement could not be evaluated.
    pub const ERROR: u8 = 4;
}

impl Report {
    /// The whole exit policy for a finished check: 3 when a requirement
    /// failed, else 4 when one could not be evaluated, else 3 when one warned
    /// and `--fail-on warn` was asked for, else 0.
    pub fn exit_code(&self, fail_on: FailOn) -> u8 {
        if self.summary.fail > 0 {
            exit::FAIL
        } else if self.summary.error > 0 {
            exit::ERROR
        } else if fail_on == FailOn::Warn && self.summary.warn > 0 {
            exit::FAIL
        } else {
            exit::OK
        }
    }
}
