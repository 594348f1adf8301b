//! `postgres.*` requirements.

use super::nodes_reach;
use crate::check::{need, resolved, Ctx, Outcome, Problem, Verdict};
use crate::model::SecurityGroup;
use crate::net::{find_admitting_rule_with, Source};
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
/// `postgres.reachable`: the database admits the worker nodes on its port,
/// directly or through an RDS Proxy in front of it (nodes → proxy on 5432,
/// proxy → database on its port).
pub fn reachable(ctx: &Ctx) -> Outcome {
    let pg = resolved(&ctx.r.postgres)?;
    let direct = nodes_reach(ctx, pg.kind, pg.id, &pg.security_groups, pg.port, "")?;
    if direct.status != Status::Fail {
        return Ok(direct);
    }
    if pg.proxies.is_empty() {
        // A proxy the answers could not show might be the way in.
        if let Some(why) = &pg.proxies_unknown {
            return Err(Problem::Undetermined {
                message: format!("{}; whether an RDS Proxy fronts it is unknown: {why}", direct.message),
                hint: "grant rds:DescribeDBProxies and rds:DescribeDBProxyTargets, or check the database's RDS Proxies in the console".into(),
            });
        }
        return Ok(direct);
    }
    let net = resolved(&ctx.r.network)?;
    let all = need(&ctx.inv.security_groups, "security groups")?;
    let db_groups: Vec<&SecurityGroup> = all
        .iter()
        .filter(|g| pg.security_groups.contains(&g.id))
        .collect();
    let mut evidence = direct.evidence.clone();
    for p in &pg.proxies {
        let to_proxy = nodes_reach(
            ctx,
            "RDS Proxy",
            &p.name,
            &p.security_group_ids,
            PROXY_PORT,
            "",
        )?;
        evidence.push(format!(
            "through RDS Proxy {}: {}",
            p.name, to_proxy.message
        ));
        if to_proxy.status != Status::Pass {
            continue;
        }
        let mut blocked = Vec::new();
        for s in &p.subnet_ids {
            let src = Source {
                label: format!("RDS Proxy {} in {s}", p.name),
                security_groups: p.security_group_ids.clone(),
                cidr: net.cidr(s),
                cidr6: None,
            };
            match find_admitting_rule_with(&db_groups, &src, pg.port, &ctx.r.prefix_lists) {
                Some(rule) => evidence.push(format!(
                    "{} → {}:{}: allowed by {rule}",
                    src.label, pg.id, pg.port
                )),
                None => blocked.push(src.label),
            }
        }
        if blocked.is_empty() && !p.subnet_ids.is_empty() {
            evidence.extend(to_proxy.evidence);
            let mut resources = direct.resources.clone();
            resources.push(p.name.clone());
            resources.extend(p.security_group_ids.iter().cloned());
            return Ok(Verdict::new(
                Status::Pass,
                format!(
                    "the worker nodes reach {} {} through RDS Proxy {} (nodes → proxy on {PROXY_PORT}, proxy → database on {})",
                    pg.kind, pg.id, p.name, pg.port
                ),
            )
            .evidence(evidence)
            .resources(resources));
        }
        evidence.push(format!(
            "the security groups of {} {} do not admit RDS Proxy {} from {}",
            pg.kind,
            pg.id,
            p.name,
            if blocked.is_empty() {
                "any subnet (the proxy reports none)".to_string()
            } else {
                blocked.join(", ")
            }
        ));
    }
    Ok(Verdict::new(
        Status::Fail,
        format!(
            "{}; no RDS Proxy in front of it ({}) completes the path either",
            direct.message,
            pg.proxies
                .iter()
                .map(|p| p.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    )
    .evidence(evidence)
    .resources(direct.resources))
}

/// The port an RDS Proxy for PostgreSQL listens on.
const PROXY_PORT: i32 = 5432;

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
