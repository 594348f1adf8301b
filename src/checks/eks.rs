//! `eks.*` requirements: capacity measured as *allocatable*, not nominal.

use std::collections::BTreeMap;

use super::resolved;
use crate::alloc::{fmt_gib, fmt_vcpu};
use crate::evaluate::{Ctx, Node, Outcome, Verdict};
use crate::report::{Baseline, Status};

/// Evidence lines grouping identical nodes: `3 × m5.4xlarge (i-1, i-2, i-3): …`.
pub(crate) fn node_lines(nodes: &[Node]) -> Vec<String> {
    let mut groups: BTreeMap<(String, bool, bool), Vec<&Node>> = BTreeMap::new();
    for n in nodes {
        groups
            .entry((n.instance_type.clone(), n.managed, n.modelled))
            .or_default()
            .push(n);
    }
    groups
        .values()
        .map(|ns| {
            let n = ns[0];
            let a = &n.alloc;
            let labels: Vec<&str> = ns.iter().map(|n| n.label.as_str()).collect();
            format!(
                "{} × {} ({}): allocatable {} vCPU / {} GiB each, of {} vCPU / {} GiB nominal — maxPods {}{}, kube-reserved {}m CPU and {} MiB memory, eviction threshold {} MiB",
                ns.len(),
                n.instance_type,
                labels.join(", "),
                fmt_vcpu(a.millicores),
                fmt_gib(a.memory_mib),
                n.info.vcpus,
                fmt_gib(a.capacity_memory_mib),
                a.max_pods,
                if crate::alloc::max_pods(n.info, false) > a.max_pods {
                    " (managed node group cap)"
                } else {
                    ""
                },
                a.reserved_millicores,
                a.reserved_memory_mib,
                a.eviction_memory_mib,
            )
        })
        .collect()
}

fn evidence_for(nodes: &crate::evaluate::Nodes) -> Vec<String> {
    let mut e: Vec<String> = nodes.note.iter().cloned().collect();
    e.extend(node_lines(&nodes.nodes));
    e
}

/// `eks.capacity`: total allocatable ≥ 16 vCPU and 64 GiB.
pub fn capacity(ctx: &Ctx) -> Outcome {
    let nodes = resolved(&ctx.r.nodes)?;
    let want_m = (ctx.num("min_vcpu") * 1000.0) as u64;
    let want_mib = (ctx.num("min_memory_gib") * 1024.0) as u64;
    let cpu: u64 = nodes.nodes.iter().map(|n| n.alloc.millicores).sum();
    let mem: u64 = nodes.nodes.iter().map(|n| n.alloc.memory_mib).sum();
    let nominal_cpu: u64 = nodes.nodes.iter().map(|n| u64::from(n.info.vcpus)).sum();
    let nominal_mem: u64 = nodes.nodes.iter().map(|n| n.info.memory_mib).sum();
    let totals = format!(
        "{} vCPU / {} GiB allocatable on {} node(s) ({} vCPU / {} GiB nominal)",
        fmt_vcpu(cpu),
        fmt_gib(mem),
        nodes.nodes.len(),
        nominal_cpu,
        fmt_gib(nominal_mem)
    );
    let need = format!("{} vCPU / {} GiB", fmt_vcpu(want_m), fmt_gib(want_mib));
    let mut short = Vec::new();
    if cpu < want_m {
        short.push(format!("{} vCPU short", fmt_vcpu(want_m - cpu)));
    }
    if mem < want_mib {
        short.push(format!("{} GiB short", fmt_gib(want_mib - mem)));
    }
    let v = if short.is_empty() {
        Verdict::new(Status::Pass, format!("{totals} ≥ {need}"))
    } else {
        Verdict::new(
            Status::Fail,
            format!("{totals} < {need} required ({})", short.join(", ")),
        )
    };
    let mut evidence = evidence_for(nodes);
    evidence.push(format!("total: {totals}"));
    Ok(v.evidence(evidence)
        .resources(nodes.nodes.iter().map(|n| n.label.clone()).collect()))
}

/// `eks.clickhouse-node`: enough distinct nodes each able to host one
/// ClickHouse replica (8 vCPU / 32 GiB allocatable).
pub fn clickhouse_node(ctx: &Ctx) -> Outcome {
    let nodes = resolved(&ctx.r.nodes)?;
    let fits = |n: &&Node, vcpu: f64, gib: f64| {
        n.alloc.millicores >= (vcpu * 1000.0) as u64 && n.alloc.memory_mib >= (gib * 1024.0) as u64
    };
    let (vcpu, gib) = (ctx.num("vcpu"), ctx.num("memory_gib"));
    let replicas = match ctx.settings.baseline {
        Baseline::Production => ctx.num("replicas_production") as usize,
        Baseline::Dev => ctx.num("replicas_dev") as usize,
    };
    let fitting: Vec<&Node> = nodes.nodes.iter().filter(|n| fits(n, vcpu, gib)).collect();
    let largest = nodes
        .nodes
        .iter()
        .max_by_key(|n| (n.alloc.memory_mib, n.alloc.millicores));
    let largest_txt = largest
        .map(|n| {
            format!(
                "the largest node, {} {}, has {} vCPU / {} GiB allocatable",
                n.instance_type,
                n.label,
                fmt_vcpu(n.alloc.millicores),
                fmt_gib(n.alloc.memory_mib)
            )
        })
        .unwrap_or_default();
    let need = format!(
        "{replicas} distinct node(s) with ≥ {vcpu} vCPU / {gib} GiB allocatable ({} baseline)",
        ctx.settings.baseline.as_str()
    );
    let v = if fitting.len() >= replicas {
        Verdict::new(
            Status::Pass,
            format!(
                "{} of {} nodes can host a ClickHouse replica; need {need}",
                fitting.len(),
                nodes.nodes.len()
            ),
        )
    } else {
        let dev_fit = nodes
            .nodes
            .iter()
            .filter(|n| fits(n, ctx.num("dev_vcpu"), ctx.num("dev_memory_gib")))
            .count();
        if ctx.settings.baseline == Baseline::Dev && dev_fit > 0 {
            Verdict::new(
                Status::Warn,
                format!(
                    "no node can host an {vcpu} vCPU / {gib} GiB ClickHouse pod ({largest_txt}); {dev_fit} node(s) fit the dev-only sizing of {} vCPU / {} GiB, which is not for production",
                    ctx.num("dev_vcpu"),
                    ctx.num("dev_memory_gib")
                ),
            )
        } else {
            Verdict::new(
                Status::Fail,
                format!(
                    "{} of {} nodes can host a ClickHouse replica; need {need}: {largest_txt}",
                    fitting.len(),
                    nodes.nodes.len()
                ),
            )
        }
    };
    Ok(v.evidence(evidence_for(nodes))
        .resources(fitting.iter().map(|n| n.label.clone()).collect()))
}
