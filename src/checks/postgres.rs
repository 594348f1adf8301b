//! `postgres.*` requirements.

use super::nodes_reach;
use crate::check::{resolved, Ctx, Outcome, Problem, Verdict};
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
    "configuring-iam-database-auth",
    "configuring-activity-stream",
    "storage-config-upgrade",
];

/// `postgres.version`: RDS or Aurora PostgreSQL, available, major ≥ 14.
pub fn version(ctx: &Ctx) -> Outcome {
    let pg = resolved(&ctx.r.postgres)?;
    let min = ctx.num("min_major") as u32;
    let mut evidence = vec![format!(
        "{} {}: engine {} {}, status {}, port {}",
        pg.kind, pg.id, pg.engine, pg.version, pg.status, pg.port
    )];
    evidence.extend(pg.left_out.iter().cloned());
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

/// `postgres.backups`: automated backups are on.
pub fn backups(ctx: &Ctx) -> Outcome {
    let pg = resolved(&ctx.r.postgres)?;
    let min = ctx.num("min_retention_days") as i32;
    let days = pg
        .backup_retention_days
        .ok_or_else(|| Problem::Undetermined {
            message: format!("{} {} reports no backup retention period", pg.kind, pg.id),
            hint: "check the backup settings in the RDS console".into(),
        })?;
    let v = if days >= min {
        Verdict::new(
            Status::Pass,
            format!(
                "{} {} keeps automated backups for {days} day(s)",
                pg.kind, pg.id
            ),
        )
    } else {
        Verdict::new(
            Status::Fail,
            format!(
                "{} {} has automated backups off (retention {days} day(s); at least {min} required)",
                pg.kind, pg.id
            ),
        )
    };
    Ok(v.resources(vec![pg.id.to_string()]))
}

/// `postgres.encryption`: storage encrypted at rest.
pub fn encryption(ctx: &Ctx) -> Outcome {
    let pg = resolved(&ctx.r.postgres)?;
    let v = match pg.storage_encrypted {
        Some(true) => Verdict::new(
            Status::Pass,
            format!("{} {} encrypts its storage at rest", pg.kind, pg.id),
        ),
        Some(false) => Verdict::new(
            Status::Warn,
            format!("{} {} does not encrypt its storage at rest", pg.kind, pg.id),
        ),
        None => {
            return Err(Problem::Undetermined {
                message: format!(
                    "{} {} reports no storage encryption setting",
                    pg.kind, pg.id
                ),
                hint: "check the storage settings in the RDS console".into(),
            })
        }
    };
    Ok(v.resources(vec![pg.id.to_string()]))
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
