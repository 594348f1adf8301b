//! `clickhouse.storage`: the EBS volumes behind in-cluster ClickHouse.

use crate::check::{need, Ctx, Outcome, Problem, Verdict};
use crate::report::Status;

/// `clickhouse.storage`: SSD with the IOPS and throughput the reference asks for.
pub fn storage(ctx: &Ctx) -> Outcome {
    let volumes = need(&ctx.inv.volumes, "EBS volumes")?;
    let cluster = &ctx.inv.target.cluster;
    let ours: Vec<_> = volumes
        .iter()
        .filter(|v| {
            v.pvc_name
                .as_deref()
                .is_some_and(|p| p.to_ascii_lowercase().contains("clickhouse"))
        })
        .filter(|v| v.clusters.is_empty() || v.clusters.contains(cluster))
        .collect();
    if ours.is_empty() {
        return Err(Problem::Missing(
            "ClickHouse has no persistent volume: no EBS volume was created for a PVC whose name contains \"clickhouse\" (TROUBLESHOOTING §7.3: data is lost on restart)"
                .into(),
        ));
    }
    let min_iops = ctx.num("min_iops") as i32;
    let min_tp = ctx.num("min_throughput_mibps") as i32;
    let mut evidence = Vec::new();
    let mut below = Vec::new();
    for v in &ours {
        let pvc = format!(
            "{}/{}",
            v.pvc_namespace.as_deref().unwrap_or("?"),
            v.pvc_name.as_deref().unwrap_or("?")
        );
        evidence.push(format!(
            "{} for PVC {pvc}: {} {} GiB, {} IOPS{}",
            v.id,
            v.volume_type,
            v.size_gib.unwrap_or(0),
            v.iops
                .map(|i| i.to_string())
                .unwrap_or_else(|| "unknown".into()),
            v.throughput
                .map(|t| format!(", {t} MiB/s"))
                .unwrap_or_default()
        ));
        let mut short = Vec::new();
        if !matches!(v.volume_type.as_str(), "gp3" | "io1" | "io2") {
            short.push(format!(
                "{}, not an SSD type with provisioned IOPS (gp3/io1/io2)",
                v.volume_type
            ));
        } else {
            if v.iops.unwrap_or(0) < min_iops {
                short.push(format!("{} IOPS (< {min_iops})", v.iops.unwrap_or(0)));
            }
            if v.volume_type == "gp3" && v.throughput.unwrap_or(0) < min_tp {
                short.push(format!("{} MiB/s (< {min_tp})", v.throughput.unwrap_or(0)));
            }
        }
        if !short.is_empty() {
            below.push(format!("{} ({pvc}): {}", v.id, short.join(", ")));
        }
    }
    let v = if below.is_empty() {
        Verdict::new(
            Status::Pass,
            format!(
                "{} ClickHouse volume(s) on SSD with ≥ {min_iops} IOPS{}",
                ours.len(),
                format_args!(" and, for gp3, ≥ {min_tp} MiB/s")
            ),
        )
    } else {
        Verdict::new(
            Status::Warn,
            format!(
                "ClickHouse storage below the reference targets: {}",
                below.join("; ")
            ),
        )
    };
    Ok(v.evidence(evidence)
        .resources(ours.iter().map(|v| v.id.clone()).collect()))
}
