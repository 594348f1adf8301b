//! `eks.*` requirements: capacity measured as *allocatable*, not nominal.

use crate::alloc::Allocatable;
use crate::alloc::{fmt_gib, fmt_vcpu};
use crate::check::{need, resolved, Ctx, Outcome, Problem, Verdict};
use crate::model::Fetched;
use crate::report::Status;
use crate::resolve::{Node, Nodes};
use crate::settings::{Baseline, ClickhouseMode};

/// `requested` as a human-readable total, e.g. `16 vCPU / 64 GiB`.
fn amount(millicores: u64, mib: u64) -> String {
    format!("{} vCPU / {} GiB", fmt_vcpu(millicores), fmt_gib(mib))
}

/// Allocatable totals the node groups reach at their max size, plus the
/// running nodes outside any node group; `None` when no node group exists.
/// A node group whose type is unknown makes the whole figure unknown.
fn at_max_size(nodes: &Nodes) -> Result<Option<(u64, u64)>, Problem> {
    if nodes.groups.is_empty() {
        return Ok(None);
    }
    let (mut cpu, mut mem) = (0u64, 0u64);
    for g in &nodes.groups {
        let (_, a, _) = g.node.as_ref().map_err(Clone::clone)?;
        let n = g.max.max(0) as u64;
        cpu += a.millicores * n;
        mem += a.memory_mib * n;
    }
    for n in nodes.outside_groups() {
        cpu += n.alloc.millicores;
        mem += n.alloc.memory_mib;
    }
    Ok(Some((cpu, mem)))
}

/// The sentence that names on-demand provisioners and how to see their limits.
fn on_demand(nodes: &Nodes) -> Option<String> {
    let p = nodes.provisioners.first()?;
    let names: Vec<&str> = nodes.provisioners.iter().map(|p| p.name()).collect();
    Some(format!(
        "nodes are provisioned on demand by {} ({}); NodePool limits are not visible in AWS: check them with `{}`",
        names.join(" and "),
        nodes
            .provisioners
            .iter()
            .map(|p| p.evidence.clone())
            .collect::<Vec<_>>()
            .join("; "),
        p.kubectl()
    ))
}

const AUTOSCALER_CHECK: &str =
    "kubectl -n kube-system get deployment -l app.kubernetes.io/name=aws-cluster-autoscaler";

/// `eks.capacity`: total allocatable ≥ 16 vCPU and 64 GiB — now, or within
/// reach of the node groups' max size or an on-demand provisioner.
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
    let need = amount(want_m, want_mib);
    let mut short = Vec::new();
    if cpu < want_m {
        short.push(format!("{} vCPU short", fmt_vcpu(want_m - cpu)));
    }
    if mem < want_mib {
        short.push(format!("{} GiB short", fmt_gib(want_mib - mem)));
    }
    let mut evidence = nodes.evidence();
    evidence.push(format!("total now: {totals}"));
    evidence.extend(nodes.reach_lines());
    let v = if short.is_empty() {
        Verdict::new(Status::Pass, format!("{totals} ≥ {need}"))
    } else {
        let now = format!("{totals} < {need} required now ({})", short.join(", "));
        match at_max_size(nodes)? {
            Some((c, m)) if c >= want_m && m >= want_mib => Verdict::new(
                Status::Warn,
                format!(
                    "{now}; at max size the node groups reach {} if the cluster autoscaler scales them (check it runs: {AUTOSCALER_CHECK})",
                    amount(c, m)
                ),
            ),
            reach => match on_demand(nodes) {
                Some(why) => Verdict::new(Status::Warn, format!("{now}; {why}")),
                None if nodes.nodes.is_empty() && !nodes.fargate_profiles.is_empty() => {
                    Verdict::new(
                        Status::Warn,
                        format!(
                            "no worker nodes: pods run on Fargate (profiles {}), which sizes each pod on its own; in-cluster ClickHouse cannot run there (see eks.clickhouse-node)",
                            nodes.fargate_profiles.join(", ")
                        ),
                    )
                }
                None => Verdict::new(
                    Status::Fail,
                    match reach {
                        Some((c, m)) => format!(
                            "{now}, and even at max size the node groups reach only {}",
                            amount(c, m)
                        ),
                        None => now,
                    },
                ),
            },
        }
    };
    Ok(v.evidence(evidence)
        .resources(nodes.nodes.iter().map(|n| n.label.clone()).collect()))
}

/// `eks.clickhouse-node`: enough distinct nodes each able to host one
/// ClickHouse replica (8 vCPU / 32 GiB allocatable) — now, or within reach.
pub fn clickhouse_node(ctx: &Ctx) -> Outcome {
    let nodes = resolved(&ctx.r.nodes)?;
    let (vcpu, gib) = (ctx.num("vcpu"), ctx.num("memory_gib"));
    let fits_alloc = |a: &Allocatable, vcpu: f64, gib: f64| {
        a.millicores >= (vcpu * 1000.0) as u64 && a.memory_mib >= (gib * 1024.0) as u64
    };
    let fits = |n: &&Node, vcpu: f64, gib: f64| fits_alloc(&n.alloc, vcpu, gib);
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
        .unwrap_or_else(|| "no worker node runs now".into());
    let need = format!(
        "{replicas} distinct node(s) with ≥ {vcpu} vCPU / {gib} GiB allocatable ({} baseline)",
        ctx.settings.baseline.as_str()
    );
    let mut evidence = nodes.evidence();
    evidence.extend(nodes.reach_lines());
    let now = format!(
        "{} of {} nodes can host a ClickHouse replica; need {need}",
        fitting.len(),
        nodes.nodes.len()
    );
    let v = if fitting.len() >= replicas {
        Verdict::new(Status::Pass, now)
    } else {
        // Nodes that fit within reach: node groups whose type fits, at max
        // size, plus fitting running nodes outside node groups.
        let mut reach = nodes
            .outside_groups()
            .filter(|n| fits(n, vcpu, gib))
            .count();
        let mut unknown = None;
        for g in &nodes.groups {
            match &g.node {
                Ok((_, a, _)) if fits_alloc(a, vcpu, gib) => reach += g.max.max(0) as usize,
                Ok(_) => {}
                Err(p) => unknown = unknown.or(Some(p.clone())),
            }
        }
        let dev_fit = nodes
            .nodes
            .iter()
            .filter(|n| fits(n, ctx.num("dev_vcpu"), ctx.num("dev_memory_gib")))
            .count();
        let fargate_only = nodes.nodes.is_empty()
            && nodes.groups.is_empty()
            && nodes.provisioners.is_empty()
            && !nodes.fargate_profiles.is_empty();
        if fargate_only {
            Verdict::new(
                Status::Fail,
                format!(
                    "the cluster runs pods only on Fargate (profiles {}): EBS volumes cannot attach to Fargate pods, so in-cluster ClickHouse cannot keep its data; add a node group (or Karpenter) with nodes of ≥ {vcpu} vCPU / {gib} GiB allocatable, or run ClickHouse externally (--clickhouse external)",
                    nodes.fargate_profiles.join(", ")
                ),
            )
        } else if reach >= replicas {
            Verdict::new(
                Status::Warn,
                format!(
                    "{now}; at max size the node groups reach {reach} such node(s) if the cluster autoscaler scales them (check it runs: {AUTOSCALER_CHECK})"
                ),
            )
        } else if let Some(why) = on_demand(nodes) {
            Verdict::new(
                Status::Warn,
                format!("{now}; {why}, and whether they allow nodes of that size"),
            )
        } else if let Some(p) = unknown {
            return Err(p);
        } else if ctx.settings.baseline == Baseline::Dev && dev_fit > 0 {
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
                    "{now}: {largest_txt}{}",
                    if nodes.groups.is_empty() {
                        String::new()
                    } else {
                        format!("; even at max size the node groups reach only {reach} node(s) that fit")
                    }
                ),
            )
        }
    };
    Ok(v.evidence(evidence)
        .resources(fitting.iter().map(|n| n.label.clone()).collect()))
}

/// `eks.cluster`: ACTIVE, and its Kubernetes version in standard support.
pub fn cluster(ctx: &Ctx) -> Outcome {
    let c = need(&ctx.inv.cluster, "the EKS cluster")?;
    let version = c.version.as_deref().ok_or_else(|| Problem::Undetermined {
        message: format!("EKS cluster {} reports no Kubernetes version", c.name),
        hint: "check the cluster in the EKS console".into(),
    })?;
    let calendar = ctx
        .spec
        .data
        .get("calendar")
        .and_then(|v| v.as_table())
        .expect("checks/eks.cluster.toml has a [data.calendar]");
    let source = ctx
        .spec
        .data
        .get("calendar_source")
        .and_then(|v| v.as_str())
        .unwrap_or("");
    let mut evidence = vec![format!(
        "EKS cluster {}: status {}, Kubernetes {version}",
        c.name, c.status
    )];
    let today = ctx.now.date();
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    let date = |entry: &toml::Value, key: &str| -> time::Date {
        let s = entry
            .get(key)
            .and_then(|v| v.as_str())
            .expect("calendar dates");
        time::Date::parse(s, &fmt).expect("calendar dates are YYYY-MM-DD")
    };
    let minor = |v: &str| -> Option<(u32, u32)> {
        let mut p = v.split('.');
        Some((p.next()?.parse().ok()?, p.next()?.parse().ok()?))
    };
    let mut v = match calendar.get(version) {
        Some(entry) => {
            let (std_end, ext_end) = (date(entry, "standard_end"), date(entry, "extended_end"));
            evidence.push(format!(
                "Kubernetes {version} on EKS: standard support until {std_end}, extended support until {ext_end} ({source})"
            ));
            if today <= std_end {
                Verdict::new(
                    Status::Pass,
                    format!("EKS cluster {} runs Kubernetes {version}, in standard support until {std_end}", c.name),
                )
            } else if today <= ext_end {
                Verdict::new(
                    Status::Warn,
                    format!(
                        "Kubernetes {version} left standard support on {std_end}; extended support (extra cost) ends {ext_end}, then EKS upgrades the cluster automatically"
                    ),
                )
            } else {
                Verdict::new(
                    Status::Fail,
                    format!("Kubernetes {version} is past the end of extended support ({ext_end})"),
                )
            }
        }
        None => {
            let newest = calendar.keys().filter_map(|k| minor(k)).max();
            match (minor(version), newest) {
                (Some(v), Some(n)) if v > n => Verdict::new(
                    Status::Pass,
                    format!(
                        "Kubernetes {version} is newer than the calendar this tool carries (up to {}.{}); it is in standard support",
                        n.0, n.1
                    ),
                ),
                _ => Verdict::new(
                    Status::Fail,
                    format!("Kubernetes {version} is not a supported EKS version ({source})"),
                ),
            }
        }
    };
    match c.status.as_str() {
        "ACTIVE" => {}
        "UPDATING" if v.status == Status::Pass => {
            v = Verdict::new(Status::Warn, format!("EKS cluster {} is UPDATING", c.name));
        }
        other => {
            v = Verdict::new(
                Status::Fail,
                format!("EKS cluster {} is {other}, not ACTIVE", c.name),
            );
        }
    }
    Ok(v.evidence(evidence)
        .resources(c.arn.iter().cloned().collect()))
}

/// `eks.addons`: the EBS CSI driver (ClickHouse volumes) and metrics-server,
/// as EKS add-ons, built into EKS Auto Mode, or — where AWS only hints at
/// it — a warning naming the `kubectl` check that settles it.
pub fn addons(ctx: &Ctx) -> Outcome {
    let addons = need(&ctx.inv.addons, "EKS add-ons")?;
    let mut evidence = vec![format!(
        "EKS add-ons: {}",
        if addons.is_empty() {
            "none".to_string()
        } else {
            addons.join(", ")
        }
    )];
    let has = |n: &str| addons.iter().any(|a| a == n);
    let in_cluster = ctx.settings.clickhouse == ClickhouseMode::InCluster;
    let auto_storage = ctx
        .inv
        .cluster
        .ok()
        .and_then(|c| c.auto_mode.as_ref())
        .is_some_and(|a| a.block_storage);
    if auto_storage {
        evidence.push("EKS Auto Mode block storage is enabled (storageConfig.blockStorage): the EBS CSI driver is built in".into());
    }
    let mut warnings = Vec::new();
    let mut ebs = "aws-ebs-csi-driver";
    if in_cluster && !has("aws-ebs-csi-driver") && !auto_storage {
        let signs: &[String] = match &ctx.inv.ebs_csi_identities {
            Fetched::Ok(v) => v,
            Fetched::Failed(e) => return Err(Problem::Call(e.clone())),
            // A snapshot written before these signs were collected.
            Fetched::NotCollected => &[],
        };
        if signs.is_empty() {
            return Ok(Verdict::new(
                Status::Fail,
                format!(
                    "no EBS CSI driver: the aws-ebs-csi-driver add-on is missing, EKS Auto Mode block storage is off, and no IAM role or Pod Identity association exists for {}/{}; in-cluster ClickHouse's volumes cannot be provisioned, so its pods stay Pending",
                    crate::resolve::nodes::EBS_CSI_NAMESPACE,
                    crate::resolve::nodes::EBS_CSI_SERVICE_ACCOUNT
                ),
            )
            .evidence(evidence));
        }
        evidence.extend(signs.iter().cloned());
        ebs = "the EBS CSI driver (signs of it outside EKS add-ons)";
        warnings.push(format!(
            "the EBS CSI driver is not an EKS add-on, but AWS shows signs of one installed otherwise ({}); confirm it runs: kubectl -n kube-system get deployment ebs-csi-controller",
            signs.join("; ")
        ));
    } else if auto_storage && !has("aws-ebs-csi-driver") {
        ebs = "EBS block storage (built into EKS Auto Mode)";
    }
    if !has("metrics-server") {
        warnings.push(
            "metrics-server is not an EKS add-on: if it is installed with Helm (as the LangChain Terraform module does), confirm with kubectl -n kube-system get deployment metrics-server (or kubectl top nodes), then waive this warning; HPA needs it".into(),
        );
    }
    let v = if !warnings.is_empty() {
        Verdict::new(Status::Warn, warnings.join("; "))
    } else {
        Verdict::new(
            Status::Pass,
            if in_cluster {
                format!("{ebs} and metrics-server are installed")
            } else {
                "metrics-server is installed (EBS CSI not required: ClickHouse is external)".into()
            },
        )
    };
    Ok(v.evidence(evidence))
}

/// `eks.irsa`: pods can get IAM roles without static credentials.
pub fn irsa(ctx: &Ctx) -> Outcome {
    let c = need(&ctx.inv.cluster, "the EKS cluster")?;
    let mut evidence = Vec::new();
    let issuer = c
        .oidc_issuer
        .as_deref()
        .map(|i| i.trim_start_matches("https://").to_string());
    let registered = match (&issuer, &ctx.inv.oidc_providers) {
        (Some(i), crate::model::Fetched::Ok(arns)) => {
            evidence.push(format!("cluster OIDC issuer: https://{i}"));
            let found = arns
                .iter()
                .find(|a| a.ends_with(&format!("oidc-provider/{i}")));
            if let Some(a) = found {
                evidence.push(format!("registered as IAM OIDC provider {a}"));
            }
            Ok(found.is_some())
        }
        (None, _) => Ok(false),
        (_, other) => need(other, "IAM OIDC providers").map(|_| false),
    };
    if c.auto_mode.as_ref().is_some_and(|a| a.compute) {
        evidence.push("EKS Auto Mode is enabled: the EKS Pod Identity agent is built in".into());
        return Ok(Verdict::new(
            Status::Pass,
            "pods can assume IAM roles through EKS Pod Identity, built into EKS Auto Mode: no static credentials needed",
        )
        .evidence(evidence));
    }
    let pod_identity = need(&ctx.inv.addons, "EKS add-ons")
        .map(|a| a.iter().any(|x| x == "eks-pod-identity-agent"));
    if let Ok(true) = pod_identity {
        evidence.push("the eks-pod-identity-agent add-on is installed".into());
    }
    let v = match (registered, pod_identity) {
        (Ok(true), _) | (_, Ok(true)) => Verdict::new(
            Status::Pass,
            "pods can assume IAM roles (IRSA or EKS Pod Identity): no static credentials needed",
        ),
        (Ok(false), Ok(false)) => Verdict::new(
            Status::Warn,
            format!(
                "the cluster's OIDC issuer is not registered as an IAM OIDC provider and the EKS Pod Identity agent is not installed{}",
                if issuer.is_none() { " (the cluster reports no OIDC issuer)" } else { "" }
            ),
        ),
        (Err(p), _) | (_, Err(p)) => return Err(p as Problem),
    };
    Ok(v.evidence(evidence))
}

/// `eks.instance-quota`: the region's On-Demand standard vCPU quota fits the
/// reference baseline (fail) and the node groups at their max size (warn).
pub fn instance_quota(ctx: &Ctx) -> Outcome {
    let quota = *need(&ctx.inv.instance_quota, "the On-Demand vCPU quota")?;
    let nodes = resolved(&ctx.r.nodes)?;
    let platform = ctx.num("min_vcpu");
    let (replicas, per_node) = match ctx.settings.clickhouse {
        ClickhouseMode::External => (0.0, 0.0),
        ClickhouseMode::InCluster => (
            match ctx.settings.baseline {
                Baseline::Production => ctx.num("replicas_production"),
                Baseline::Dev => ctx.num("replicas_dev"),
            },
            ctx.num("clickhouse_node_vcpu"),
        ),
    };
    let baseline = platform + replicas * per_node;
    let mut evidence = vec![
        format!(
            "Service Quotas ec2 {}: {quota} vCPUs for running On-Demand standard instances in {}",
            crate::model::ON_DEMAND_STANDARD_VCPU_QUOTA,
            ctx.region()
        ),
        format!(
            "reference baseline: {platform} vCPUs for the platform{}",
            if replicas > 0.0 {
                format!(" + {replicas} ClickHouse node(s) × {per_node} vCPUs ({} baseline)", ctx.settings.baseline.as_str())
            } else {
                " (ClickHouse is external)".into()
            }
        ),
        "the quota is shared by every On-Demand standard instance in the region, other workloads included: see what runs with aws ec2 describe-instances --filters Name=instance-state-name,Values=running".into(),
    ];
    // On-Demand node groups at max size, and running nodes outside them.
    let mut at_max = 0u64;
    let mut parts = Vec::new();
    for g in &nodes.groups {
        if g.capacity_type.as_deref().is_some_and(|c| c != "ON_DEMAND") {
            evidence.push(format!(
                "node group {} is {}: not counted against the On-Demand quota",
                g.name,
                g.capacity_type.as_deref().unwrap_or_default()
            ));
            continue;
        }
        let (info, _, _) = g.node.as_ref().map_err(Clone::clone)?;
        let v = u64::from(info.vcpus) * g.max.max(0) as u64;
        parts.push(format!(
            "node group {}: {} × {} = {v} vCPUs",
            g.name, g.max, info.name
        ));
        at_max += v;
    }
    for n in nodes.outside_groups() {
        at_max += u64::from(n.info.vcpus);
        parts.push(format!(
            "{} {}: {} vCPUs",
            n.label, n.instance_type, n.info.vcpus
        ));
    }
    evidence.extend(parts);
    for p in &nodes.provisioners {
        evidence.push(format!(
            "{} launches nodes on demand within this quota; its NodePool limits are not visible in AWS ({})",
            p.name(),
            p.kubectl()
        ));
    }
    let v = if quota < baseline {
        Verdict::new(
            Status::Fail,
            format!(
                "the On-Demand vCPU quota of {quota} cannot fit the reference baseline of {baseline} vCPUs: nodes beyond it fail to launch and pods stay Pending"
            ),
        )
    } else if (quota as u64) < at_max {
        Verdict::new(
            Status::Warn,
            format!(
                "the On-Demand vCPU quota of {quota} fits the reference baseline of {baseline} vCPUs but not the node groups at their max size ({at_max} vCPUs): the autoscaler stops at the quota"
            ),
        )
    } else {
        Verdict::new(
            Status::Pass,
            format!(
                "the On-Demand vCPU quota of {quota} fits the reference baseline of {baseline} vCPUs{}",
                if at_max > 0 {
                    format!(" and the node groups at their max size ({at_max} vCPUs)")
                } else {
                    String::new()
                }
            ),
        )
    };
    Ok(v.evidence(evidence))
}
