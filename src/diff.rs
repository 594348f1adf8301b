//! `diff OLD NEW`: what changed between two runs. Two reports come in (each
//! evaluated from a snapshot, or read from a JSON report); out come the
//! requirements whose status changed and the inventory changes that explain
//! them — a rule removed from a security group, a target turned unhealthy, a
//! node group scaled down, a certificate replaced.
//!
//! The inventory changes are found by one structural comparison of the two
//! inventories' JSON (arrays of resources matched by their id, ARN or name),
//! so that no field the snapshot holds can change unseen. With JSON reports
//! instead of snapshots, the same comparison runs over what a report holds:
//! its topology, facts and target. Snapshots hold no secrets, so neither
//! does a diff.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::model::Inventory;
use crate::registry;
use crate::report::{Report, Status, Summary};
use crate::spec::Need;

pub const DIFF_SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeKind {
    Added,
    Removed,
    Changed,
}

/// One change in what AWS showed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    /// The inventory field (`security_groups`, `target_groups`, …), or for
    /// JSON reports `topology`, `facts` or `target`.
    pub area: String,
    /// The resource within it: its id, ARN or name; empty for a field of
    /// the inventory itself.
    pub resource: String,
    /// Where within the resource, e.g. `ingress` or `health[i-0abc:30080].state`;
    /// empty when the whole resource was added or removed.
    pub path: String,
    pub kind: ChangeKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub old: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new: Option<String>,
    /// The requirements that read this data.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub requirements: Vec<String>,
}

/// A requirement whose status differs between the two runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatusChange {
    pub id: String,
    pub title: String,
    /// Absent when the requirement was not in that run.
    pub old: Option<Status>,
    pub new: Option<Status>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub old_message: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_message: Option<String>,
    /// Indexes into [`Diff::changes`] of the changes that explain it: the
    /// changes to data it reads that name one of its resources, else every
    /// change to data it reads.
    pub explained_by: Vec<usize>,
}

impl StatusChange {
    /// Whether it fails now and did not before.
    pub fn is_regression(&self) -> bool {
        self.new == Some(Status::Fail) && self.old != Some(Status::Fail)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Side {
    /// The file it came from.
    pub source: String,
    /// `snapshot` or `report`.
    pub input: String,
    pub collected_at: String,
    pub summary: Summary,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Diff {
    pub schema_version: u32,
    pub old: Side,
    pub new: Side,
    pub status_changes: Vec<StatusChange>,
    pub changes: Vec<Change>,
    /// Requirements that fail in NEW and did not in OLD (exit code 3).
    pub regressions: Vec<String>,
}

/// One side of the comparison: a report, and the inventory it was evaluated
/// from when the input was a snapshot.
pub struct Input<'a> {
    pub source: &'a str,
    pub report: &'a Report,
    pub inventory: Option<&'a Inventory>,
}

/// Which requirement data an inventory field is.
fn needs_of_field(field: &str) -> &'static [Need] {
    use Need::*;
    match field {
        "cluster" | "vpc_id" | "target" | "account" | "region" => &[Cluster],
        "nodegroups" | "instances" | "instance_types" | "launch_templates" | "fargate_profiles"
        | "vpc_cni_config" => &[Nodes],
        "subnets" | "route_tables" => &[Network],
        "security_groups" | "prefix_lists" => &[SecurityGroups],
        "db_instances" | "db_clusters" | "db_subnet_groups" | "db_proxies" => &[Postgres],
        "cache_clusters" | "replication_groups" | "cache_subnet_groups" | "serverless_caches" => {
            &[Redis]
        }
        "load_balancers" | "listeners" | "ssl_policies" => &[LoadBalancer],
        "target_groups" => &[LoadBalancer, TargetHealth],
        "certificates" => &[Certificates],
        "addons" | "ebs_csi_identities" => &[Addons],
        "oidc_providers" => &[OidcProviders],
        "web_acls" => &[Waf],
        "hosted_zones" | "dns_records" => &[Dns],
        "distributions" => &[Cdn],
        "bucket" => &[Bucket],
        "volumes" => &[Volumes],
        "instance_quota" => &[Quota],
        _ => &[],
    }
}

/// Fields that differ between any two runs and explain nothing.
const VOLATILE: &[&str] = &[
    "schema_version",
    "tool_version",
    "collected_at",
    "vpc_source",
    "source",
];

/// The key that identifies an element of an array of resources.
fn identity(v: &Value) -> Option<String> {
    let o = v.as_object()?;
    let s = |k: &str| o.get(k).and_then(Value::as_str).map(str::to_string);
    // DNS records: a name has one record per type.
    if let (Some(n), Some(t)) = (s("name"), s("record_type")) {
        return Some(format!("{n} {t}"));
    }
    let base = [
        "id",
        "name",
        "arn",
        "resource_arn",
        "requirement",
        "priority",
    ]
    .iter()
    .find_map(|k| s(k))
    .or_else(|| {
        // Topology edges.
        Some(format!("{} → {}", s("from")?, s("to")?))
    })?;
    // A target registered on several ports.
    Some(match o.get("port").and_then(Value::as_i64) {
        Some(p) if o.contains_key("state") => format!("{base}:{p}"),
        _ => base,
    })
}

/// Compact JSON without nulls, empty arrays and empty objects.
fn compact(v: &Value) -> String {
    fn prune(v: &Value) -> Option<Value> {
        match v {
            Value::Null => None,
            Value::Array(a) if a.is_empty() => None,
            Value::Object(o) if o.is_empty() => None,
            Value::Array(a) => Some(Value::Array(a.iter().filter_map(prune).collect())),
            Value::Object(o) => {
                let m: serde_json::Map<String, Value> = o
                    .iter()
                    .filter_map(|(k, v)| prune(v).map(|v| (k.clone(), v)))
                    .collect();
                (!m.is_empty()).then_some(Value::Object(m))
            }
            other => Some(other.clone()),
        }
    }
    match prune(v) {
        Some(Value::String(s)) => s,
        Some(p) => {
            let s = p.to_string();
            if s.chars().count() > 240 {
                let mut t: String = s.chars().take(239).collect();
                t.push('…');
                t
            } else {
                s
            }
        }
        None => "(empty)".into(),
    }
}

struct Walker<'o> {
    area: String,
    out: &'o mut Vec<Change>,
}

impl Walker<'_> {
    fn push(
        &mut self,
        resource: &str,
        path: &str,
        kind: ChangeKind,
        old: Option<&Value>,
        new: Option<&Value>,
    ) {
        self.out.push(Change {
            area: self.area.clone(),
            resource: resource.to_string(),
            path: path.to_string(),
            kind,
            old: old.map(compact),
            new: new.map(compact),
            requirements: Vec::new(),
        });
    }

    fn join(path: &str, seg: &str) -> String {
        if path.is_empty() {
            seg.to_string()
        } else if seg.starts_with('[') {
            format!("{path}{seg}")
        } else {
            format!("{path}.{seg}")
        }
    }

    /// Compares `a` and `b` at `resource`/`path`. At the top of an area
    /// (`resource` empty), array elements become resources.
    fn walk(&mut self, resource: &str, path: &str, a: &Value, b: &Value) {
        if a == b {
            return;
        }
        // `Fetched`: compare the answers; a call that failed (or was not
        // made) on one side is a change of its own.
        if let (Some((kx, vx)), Some((ky, vy))) = (fetched(a), fetched(b)) {
            match (kx, ky) {
                ("ok", "ok") => self.walk(resource, path, vx, vy),
                _ => self.push(
                    resource,
                    path,
                    ChangeKind::Changed,
                    Some(&Value::String(answer(kx, vx))),
                    Some(&Value::String(answer(ky, vy))),
                ),
            }
            return;
        }
        match (a, b) {
            (Value::Object(x), Value::Object(y)) => {
                let keys: BTreeSet<&String> = x.keys().chain(y.keys()).collect();
                for k in keys {
                    if resource.is_empty() && path.is_empty() && VOLATILE.contains(&k.as_str()) {
                        continue;
                    }
                    let null = Value::Null;
                    let (va, vb) = (x.get(k).unwrap_or(&null), y.get(k).unwrap_or(&null));
                    self.walk(resource, &Self::join(path, k), va, vb);
                }
            }
            (Value::Array(x), Value::Array(y)) => self.arrays(resource, path, x, y),
            (Value::Null, v) => self.push(resource, path, ChangeKind::Added, None, Some(v)),
            (v, Value::Null) => self.push(resource, path, ChangeKind::Removed, Some(v), None),
            _ => self.push(resource, path, ChangeKind::Changed, Some(a), Some(b)),
        }
    }

    fn arrays(&mut self, resource: &str, path: &str, x: &[Value], y: &[Value]) {
        let keyed = |v: &[Value]| -> Option<BTreeMap<String, usize>> {
            let mut m = BTreeMap::new();
            for (i, e) in v.iter().enumerate() {
                if m.insert(identity(e)?, i).is_some() {
                    return None;
                }
            }
            Some(m)
        };
        let top = resource.is_empty();
        match (keyed(x), keyed(y)) {
            (Some(kx), Some(ky)) if !(x.is_empty() && y.is_empty()) => {
                // In the order of the old array, then the new one's additions.
                for (k, &i) in sorted_by_index(&kx) {
                    let (res, p) = if top {
                        (k.clone(), String::new())
                    } else {
                        (resource.to_string(), Self::join(path, &format!("[{k}]")))
                    };
                    match ky.get(&k) {
                        Some(&j) => self.walk(&res, &p, &x[i], &y[j]),
                        None => self.push(&res, &p, ChangeKind::Removed, Some(&x[i]), None),
                    }
                }
                for (k, &j) in sorted_by_index(&ky) {
                    if !kx.contains_key(&k) {
                        let (res, p) = if top {
                            (k.clone(), String::new())
                        } else {
                            (resource.to_string(), Self::join(path, &format!("[{k}]")))
                        };
                        self.push(&res, &p, ChangeKind::Added, None, Some(&y[j]));
                    }
                }
            }
            _ => {
                // Values without identity: compared as sets.
                let sx: Vec<String> = x.iter().map(|v| v.to_string()).collect();
                let sy: Vec<String> = y.iter().map(|v| v.to_string()).collect();
                let mut seen = BTreeSet::new();
                for (i, s) in sx.iter().enumerate() {
                    if !sy.contains(s) && seen.insert(s) {
                        self.push(resource, path, ChangeKind::Removed, Some(&x[i]), None);
                    }
                }
                for (j, s) in sy.iter().enumerate() {
                    if !sx.contains(s) && seen.insert(s) {
                        self.push(resource, path, ChangeKind::Added, None, Some(&y[j]));
                    }
                }
            }
        }
    }
}

fn sorted_by_index(m: &BTreeMap<String, usize>) -> Vec<(String, &usize)> {
    let mut v: Vec<(String, &usize)> = m.iter().map(|(k, i)| (k.clone(), i)).collect();
    v.sort_by_key(|(_, i)| **i);
    v
}

/// A serialized `Fetched`: (`ok`|`failed`|`not_collected`, its value).
fn fetched(v: &Value) -> Option<(&str, &Value)> {
    static NONE: Value = Value::Null;
    match v {
        Value::String(s) if s == "not_collected" => Some(("not_collected", &NONE)),
        Value::Object(o) if o.len() == 1 => {
            let (k, v) = o.iter().next()?;
            matches!(k.as_str(), "ok" | "failed").then_some((k.as_str(), v))
        }
        _ => None,
    }
}

fn answer(kind: &str, v: &Value) -> String {
    match kind {
        "ok" => "read".into(),
        "not_collected" => "not collected".into(),
        _ => format!(
            "unreadable: {} ({})",
            v.get("action").and_then(Value::as_str).unwrap_or("a call"),
            v.get("kind").and_then(Value::as_str).unwrap_or("failed")
        ),
    }
}

/// The structural changes between two JSON values, one area per top-level
/// field of theirs.
fn changes_between(a: &Value, b: &Value, areas: Option<&[&str]>) -> Vec<Change> {
    let mut out = Vec::new();
    let (Some(x), Some(y)) = (a.as_object(), b.as_object()) else {
        return out;
    };
    let keys: Vec<&String> = {
        let mut k: Vec<&String> = x.keys().collect();
        k.extend(y.keys().filter(|k| !x.contains_key(*k)));
        k
    };
    for k in keys {
        if VOLATILE.contains(&k.as_str()) || areas.is_some_and(|a| !a.contains(&k.as_str())) {
            continue;
        }
        let null = Value::Null;
        let mut w = Walker {
            area: k.clone(),
            out: &mut out,
        };
        w.walk("", "", x.get(k).unwrap_or(&null), y.get(k).unwrap_or(&null));
    }
    out
}

/// A report as JSON without the verdicts in its topology.
fn what_a_report_shows(r: &Report) -> Value {
    let mut v = serde_json::to_value(r).unwrap_or_default();
    for list in ["nodes", "edges"] {
        if let Some(items) = v
            .pointer_mut(&format!("/topology/{list}"))
            .and_then(Value::as_array_mut)
        {
            for item in items.iter_mut().filter_map(Value::as_object_mut) {
                item.remove("checks");
                item.remove("status");
            }
        }
    }
    v
}

/// Whether a change names something the finding talks about.
fn names(c: &Change, texts: &[&str]) -> bool {
    let mut keys: Vec<&str> = vec![c.resource.as_str()];
    keys.extend(c.old.as_deref());
    keys.extend(c.new.as_deref());
    keys.iter().filter(|k| k.len() >= 4).any(|k| {
        texts
            .iter()
            .any(|t| t.contains(k) || (t.len() >= 6 && k.contains(*t)))
    })
}

/// Compares two runs.
pub fn compare<'a>(old: &Input<'a>, new: &Input<'a>) -> Diff {
    let mut changes = match (old.inventory, new.inventory) {
        (Some(a), Some(b)) => changes_between(
            &serde_json::to_value(a).unwrap_or_default(),
            &serde_json::to_value(b).unwrap_or_default(),
            None,
        ),
        // A report holds no inventory: compare what it does hold about the
        // deployment, leaving out the verdicts (they are what is explained).
        _ => changes_between(
            &what_a_report_shows(old.report),
            &what_a_report_shows(new.report),
            Some(&["target", "facts", "topology"]),
        ),
    };
    for c in &mut changes {
        let needs = needs_of_field(&c.area);
        c.requirements = registry::all()
            .iter()
            .filter(|r| r.needs.iter().any(|n| needs.contains(n)))
            .map(|r| r.spec.id.clone())
            .collect();
    }

    let by_id = |r: &'a Report| -> BTreeMap<&'a str, &'a crate::report::Finding> {
        r.results.iter().map(|f| (f.id.as_str(), f)).collect()
    };
    let (old_by, new_by) = (by_id(old.report), by_id(new.report));
    let mut ids: Vec<&str> = new.report.results.iter().map(|f| f.id.as_str()).collect();
    ids.extend(
        old.report
            .results
            .iter()
            .map(|f| f.id.as_str())
            .filter(|i| !new_by.contains_key(i)),
    );
    let mut status_changes = Vec::new();
    for id in ids {
        let (a, b) = (old_by.get(id), new_by.get(id));
        if a.map(|f| f.status) == b.map(|f| f.status) {
            continue;
        }
        let texts: Vec<&str> = [a, b]
            .into_iter()
            .flatten()
            .flat_map(|f| {
                f.resources
                    .iter()
                    .map(String::as_str)
                    .chain(f.evidence.iter().map(String::as_str))
                    .chain(std::iter::once(f.message.as_str()))
            })
            .collect();
        let reads: Vec<usize> = changes
            .iter()
            .enumerate()
            .filter(|(_, c)| c.requirements.iter().any(|r| r == id) || c.requirements.is_empty())
            .map(|(i, _)| i)
            .collect();
        let mut named: Vec<usize> = reads
            .iter()
            .copied()
            .filter(|&i| names(&changes[i], &texts))
            .collect();
        // Changes to the very resources the finding lists come first (the
        // database's security group before the nodes it names as sources).
        let listed: Vec<&str> = [a, b]
            .into_iter()
            .flatten()
            .flat_map(|f| f.resources.iter().map(String::as_str))
            .collect();
        named.sort_by_key(|&i| !listed.contains(&changes[i].resource.as_str()));
        let explained_by = if named.is_empty() {
            // Reports carry no requirement links; only naming counts there.
            reads
                .into_iter()
                .filter(|&i| !changes[i].requirements.is_empty())
                .collect()
        } else {
            named
        };
        let f = b.or(a).copied();
        status_changes.push(StatusChange {
            id: id.to_string(),
            title: f.map(|f| f.title.clone()).unwrap_or_default(),
            old: a.map(|f| f.status),
            new: b.map(|f| f.status),
            old_message: a.map(|f| f.message.clone()),
            new_message: b.map(|f| f.message.clone()),
            explained_by,
        });
    }
    // Requirements judged against the clock (certificate expiry, the EKS
    // support calendar) change with no change in AWS: the time explains them.
    let (t0, t1) = (
        &old.report.target.collected_at,
        &new.report.target.collected_at,
    );
    if t0 != t1 && status_changes.iter().any(|s| s.explained_by.is_empty()) {
        let i = changes.len();
        changes.push(Change {
            area: "collected_at".into(),
            resource: String::new(),
            path: String::new(),
            kind: ChangeKind::Changed,
            old: Some(t0.clone()),
            new: Some(t1.clone()),
            requirements: Vec::new(),
        });
        for s in status_changes
            .iter_mut()
            .filter(|s| s.explained_by.is_empty())
        {
            s.explained_by.push(i);
        }
    }
    let regressions = status_changes
        .iter()
        .filter(|s| s.is_regression())
        .map(|s| s.id.clone())
        .collect();
    let side = |i: &Input| Side {
        source: i.source.to_string(),
        input: if i.inventory.is_some() {
            "snapshot"
        } else {
            "report"
        }
        .into(),
        collected_at: i.report.target.collected_at.clone(),
        summary: i.report.summary,
    };
    Diff {
        schema_version: DIFF_SCHEMA_VERSION,
        old: side(old),
        new: side(new),
        status_changes,
        changes,
        regressions,
    }
}

impl Diff {
    /// 3 when a requirement fails now that did not fail before, else 0.
    pub fn exit_code(&self) -> u8 {
        if self.regressions.is_empty() {
            crate::report::exit::OK
        } else {
            crate::report::exit::FAIL
        }
    }
}
