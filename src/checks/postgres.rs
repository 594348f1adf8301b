//! `postgres.*` requirements.

use super::{nodes_reach, resolved};
use crate::evaluate::{Ctx, Outcome, Problem, Verdict};
use crate::report::Status;

/// The major version of a PostgreSQL engine version string, compared
/// numerically: `"14.10"` → 14, `"9.6.22"` → 9, `"16"` → 16.
pub fn major_version(v: &str) -> Option<u32> {
    v.trim().split('.').next()?.parse().ok()
}

/// Statuses during which the database keeps serving.
const TRANSIENT: &[&str] = &[
    "backing-up",
    "modifying",
    "maintenance",
    "upgrading",
    "configuring-enhanced-monitoring",
    "configuring-log-exports",
    "storage-optimization",
    "renaming",
];

/// `postgres.version`: RDS or Aurora PostgreSQL, available, major ≥ 14.
pub fn version(ctx: &Ctx) -> Outcome {
    let pg = resolved(&ctx.r.postgres)?;
    let min = ctx.num("min_major") as u32;
    let evidence = vec![format!(
        "{} {}: engine {} {}, status {}, port {}",
        pg.kind, pg.id, pg.engine, pg.version, pg.status, pg.port
    )];
    let resources = vec![pg.id.to_string()];
    let done = |v: Verdict| Ok(v.evidence(evidence.clone()).resources(resources.clone()));
    if !matches!(pg.engine, "postgres" | "aurora-postgresql") {
        return done(Verdict::new(
            Status::Fail,
            format!(
                "{} {} runs engine {}, not PostgreSQL (postgres or aurora-postgresql)",
                pg.kind, pg.id, pg.engine
            ),
        ));
    }
    let major = major_version(pg.version).ok_or_else(|| Problem::Undetermined {
        message: format!(
            "cannot read a major version from engine version {:?}",
            pg.version
        ),
        hint: "check the engine version in the RDS console".into(),
    })?;
    if major < min {
        return done(Verdict::new(
            Status::Fail,
            format!(
                "{} {} runs PostgreSQL {} (major {major}); {min} or later is required",
                pg.kind, pg.id, pg.version
            ),
        ));
    }
    if pg.status != "available" {
        let status = if TRANSIENT.contains(&pg.status) {
            Status::Warn
        } else {
            Status::Fail
        };
        return done(Verdict::new(
            status,
            format!(
                "{} {} runs PostgreSQL {} but its status is {}, not available",
                pg.kind, pg.id, pg.version, pg.status
            ),
        ));
    }
    done(Verdict::new(
        Status::Pass,
        format!(
            "{} {} runs PostgreSQL {} (major {major} ≥ {min}) and is available",
            pg.kind, pg.id, pg.version
        ),
    ))
}

/// `postgres.reachable`: the database's security groups admit the nodes.
pub fn reachable(ctx: &Ctx) -> Outcome {
    let pg = resolved(&ctx.r.postgres)?;
    nodes_reach(ctx, pg.kind, pg.id, &pg.security_groups, pg.port, "")
}

#[cfg(test)]
mod tests {
    use super::major_version;

    #[test]
    fn majors_compare_numerically() {
        assert_eq!(major_version("14.10"), Some(14));
        assert_eq!(major_version("9.6.22"), Some(9));
        assert_eq!(major_version("16"), Some(16));
        assert_eq!(major_version("13.7"), Some(13));
        assert!(major_version("14.10").unwrap() > major_version("9.6").unwrap());
        assert_eq!(major_version("latest"), None);
    }
}
