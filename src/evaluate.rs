//! The driver: resolves once, runs each selected requirement's function
//! against the [`Resolved`] components, turns problems into findings,
//! applies waivers and assembles the [`Report`]. Pure and synchronous:
//! inventory + settings + `now` in, findings out.

use time::OffsetDateTime;

use crate::check::{Ctx, Problem};
use crate::facts;
use crate::model::{CallErrorKind, Inventory};
use crate::registry::Requirement;
use crate::report::{Finding, Report, Stats, Status, Summary, TargetReport, REPORT_SCHEMA_VERSION};
use crate::resolve::Resolved;
use crate::settings::{Settings, Waiver};
use crate::spec::Spec;

fn finding(spec: &Spec, status: Status, message: String) -> Finding {
    Finding {
        id: spec.id.clone(),
        title: spec.title.clone(),
        stage: spec.stage,
        severity: spec.severity,
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
    if let Some(why) = spec.skip_reason(settings) {
        return finding(spec, Status::Skip, why);
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

/// Evaluates `reqs` against the inventory, resolving once. Pure: same
/// input, same output.
fn evaluate_with<'a>(
    inv: &'a Inventory,
    settings: &Settings,
    now: OffsetDateTime,
    reqs: &[&Requirement],
) -> (Vec<Finding>, Resolved<'a>) {
    let r = Resolved::new(inv, settings.stage, now);
    let findings = reqs
        .iter()
        .map(|req| evaluate_one(req, inv, settings, now, &r))
        .map(|f| apply_waiver(f, &settings.waivers, now))
        .collect();
    (findings, r)
}

/// The findings for `reqs`, as of `now`.
pub fn evaluate(
    inv: &Inventory,
    settings: &Settings,
    now: OffsetDateTime,
    reqs: &[&Requirement],
) -> Vec<Finding> {
    evaluate_with(inv, settings, now, reqs).0
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
/// `source` is `live` or the snapshot file the inventory came from.
pub fn report(
    inv: &Inventory,
    settings: &Settings,
    reqs: &[&Requirement],
    source: &str,
    stats: Stats,
) -> Report {
    let (results, r) = evaluate_with(inv, settings, evaluation_time(inv), reqs);
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
        certificate: r.certificate.map(|c| c.arn.clone()),
        source: source.to_string(),
        collected_at: inv.collected_at.clone(),
    };
    Report {
        schema_version: REPORT_SCHEMA_VERSION,
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        target,
        summary: Summary::of(&results),
        facts: facts::of(inv, &r, settings),
        topology: crate::topology::build(inv, &r, &results),
        results,
        stats,
    }
}
