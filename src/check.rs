//! The check API: everything a requirement's function sees and returns. A
//! leaf for the checks — it imports nothing from `checks`, `registry` or
//! `evaluate`.

use std::collections::BTreeSet;

use time::OffsetDateTime;

use crate::model::Inventory;
use crate::report::Status;
use crate::resolve::Resolved;
use crate::settings::Settings;
use crate::spec::Spec;

pub use crate::resolve::{need, Problem};

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

pub type Outcome = Result<Verdict, Problem>;

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

/// A resolved component the requirement cannot do without.
pub fn resolved<T>(r: &Result<T, Problem>) -> Result<&T, Problem> {
    r.as_ref().map_err(Clone::clone)
}

/// A resolved component the requirement can do without: `Ok(None)` when it
/// is absent (another requirement fails for that), an error when unknown.
pub fn optional<T>(r: &Result<T, Problem>) -> Result<Option<&T>, Problem> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(Problem::Missing(_)) | Err(Problem::Skip(_)) => Ok(None),
        Err(p) => Err(p.clone()),
    }
}
