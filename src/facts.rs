//! The deployment facts a support ticket asks for (TROUBLESHOOTING.md §11),
//! read off the resolved components into the report's `facts`.

use crate::model::{Fetched, Inventory};
use crate::report::Facts;
use crate::resolve::Resolved;
use crate::settings::{ClickhouseMode, Settings};

/// The deployment facts a support ticket asks for (TROUBLESHOOTING.md §11).
pub fn of(inv: &Inventory, r: &Resolved, settings: &Settings) -> Facts {
    let postgres = r.postgres.as_ref().ok().map(|p| {
        format!(
            "{} {}: {} {} ({}), status {}",
            p.kind,
            p.id,
            p.engine,
            p.version,
            p.instance_class.unwrap_or("class unknown"),
            p.status
        )
    });
    let redis = r.redis.as_ref().ok().map(|x| {
        format!(
            "{} {}: {} {}, node type {}, in-transit encryption {}, port {}",
            x.kind,
            x.id,
            x.engine,
            x.version.as_deref().unwrap_or("(version unknown)"),
            x.node_type.as_deref().unwrap_or("unknown"),
            match x.transit_encryption {
                Some(true) => "on (clients need rediss://)",
                Some(false) => "off",
                None => "unknown",
            },
            x.port
        )
    });
    let mut nodes = Vec::new();
    if let Ok(n) = &r.nodes {
        nodes.extend(n.evidence());
    }
    let mut compute_reach = Vec::new();
    if let Ok(n) = &r.nodes {
        compute_reach.extend(n.reach_lines());
    }
    if let Some(q) = inv.instance_quota.ok() {
        compute_reach.push(format!(
            "On-Demand standard instance quota ({}): {q} vCPUs",
            crate::model::ON_DEMAND_STANDARD_VCPU_QUOTA
        ));
    }
    let mut targets = Vec::new();
    if let Ok(a) = &r.alb {
        for tg in &a.target_groups {
            match &tg.health {
                Fetched::Ok(hs) => targets.extend(hs.iter().map(|h| {
                    format!(
                        "{} {}{}: {}{}",
                        tg.name,
                        h.id,
                        h.port.map(|p| format!(":{p}")).unwrap_or_default(),
                        h.state,
                        h.reason
                            .as_deref()
                            .map(|x| format!(" ({x})"))
                            .unwrap_or_default()
                    )
                })),
                Fetched::Failed(e) => {
                    targets.push(format!("{}: unknown ({} failed)", tg.name, e.action))
                }
                Fetched::NotCollected => {}
            }
        }
    }
    Facts {
        kubernetes_version: inv.cluster.ok().and_then(|c| c.version.clone()),
        postgres,
        redis,
        nodes,
        compute_reach,
        clickhouse: match settings.clickhouse {
            ClickhouseMode::InCluster => "in-cluster (sized against the nodes above)".into(),
            ClickhouseMode::External => "external (node sizing and storage not checked)".into(),
        },
        alb: r.alb.as_ref().ok().map(|a| {
            format!(
                "{} ({}, {}, {})",
                a.lb.name,
                a.lb.scheme,
                a.lb.state,
                a.lb.dns_name.as_deref().unwrap_or("no DNS name")
            )
        }),
        targets,
    }
}
