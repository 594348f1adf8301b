//! `redis.*` requirements.

use super::nodes_reach;
use crate::check::{resolved, Ctx, Outcome, Problem, Verdict};
use crate::report::Status;

/// `redis.reachable`: the Redis security groups admit the nodes on its port.
pub fn reachable(ctx: &Ctx) -> Outcome {
    let r = resolved(&ctx.r.redis)?;
    let note = if r.port_reported {
        ""
    } else {
        " (no port reported; the default 6379 assumed)"
    };
    nodes_reach(ctx, r.kind, r.id, &r.security_groups, r.port, note)
}

/// States in which ElastiCache keeps serving: the daily backup window
/// (`snapshotting`), configuration changes and engine or node updates.
const SERVING: &[&str] = &["snapshotting", "modifying", "updating"];

/// `redis.version`: ElastiCache Redis OSS ≥ 5 or Valkey ≥ 8, available.
pub fn version(ctx: &Ctx) -> Outcome {
    let r = resolved(&ctx.r.redis)?;
    let mut evidence = vec![format!(
        "{} {}: engine {} {}, status {}, node type {}, in-transit encryption {}",
        r.kind,
        r.id,
        r.engine,
        r.version.as_deref().unwrap_or("(unknown)"),
        r.status,
        r.node_type.as_deref().unwrap_or("unknown"),
        match r.transit_encryption {
            Some(true) => "on: clients must use rediss://",
            Some(false) => "off: clients use redis://",
            None => "not reported",
        }
    )];
    evidence.extend(r.left_out.iter().cloned());
    let min = match r.engine.as_str() {
        "valkey" => ctx.num("min_valkey_major") as u32,
        _ => ctx.num("min_redis_major") as u32,
    };
    let version = r.version.as_deref().ok_or_else(|| Problem::Undetermined {
        message: format!("{} {} reports no engine version", r.kind, r.id),
        hint: "check the engine version in the ElastiCache console".into(),
    })?;
    let major =
        crate::checks::postgres::major_version(version).ok_or_else(|| Problem::Undetermined {
            message: format!("cannot read a major version from {version:?}"),
            hint: "check the engine version in the ElastiCache console".into(),
        })?;
    let v = if major < min {
        Verdict::new(
            Status::Fail,
            format!(
                "{} {} runs {} {version}; {} {min} or later is required",
                r.kind, r.id, r.engine, r.engine
            ),
        )
    } else if SERVING.contains(&r.status) {
        Verdict::new(
            Status::Warn,
            format!(
                "{} {} runs {} {version} and keeps serving, but its status is {} (a backup or a change is in progress): check again when it is available",
                r.kind, r.id, r.engine, r.status
            ),
        )
    } else if r.status != "available" {
        Verdict::new(
            Status::Fail,
            format!(
                "{} {} runs {} {version} but its status is {}",
                r.kind, r.id, r.engine, r.status
            ),
        )
    } else {
        Verdict::new(
            Status::Pass,
            format!(
                "{} {} runs {} {version} (≥ {min}) and is available",
                r.kind, r.id, r.engine
            ),
        )
    };
    Ok(v.evidence(evidence).resources(vec![r.id.to_string()]))
}
