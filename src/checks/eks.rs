//! `eks.*` requirements: capacity measured as *allocatable*, not nominal.

use crate::alloc::{fmt_gib, fmt_vcpu};
use crate::check::{need, resolved, Ctx, Outcome, Problem, Verdict};
use crate::report::Status;
use crate::resolve::Node;
use crate::settings::{Baseline, ClickhouseMode};

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
    let mut evidence = nodes.evidence();
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
    Ok(v.evidence(nodes.evidence())
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

/// `eks.addons`: the EBS CSI driver (ClickHouse volumes) and metrics-server.
pub fn addons(ctx: &Ctx) -> Outcome {
    let addons = need(&ctx.inv.addons, "EKS add-ons")?;
    let evidence = vec![format!(
        "EKS add-ons: {}",
        if addons.is_empty() {
            "none".to_string()
        } else {
            addons.join(", ")
        }
    )];
    let has = |n: &str| addons.iter().any(|a| a == n);
    let in_cluster = ctx.settings.clickhouse == ClickhouseMode::InCluster;
    let v = if !has("aws-ebs-csi-driver") && in_cluster {
        Verdict::new(
            Status::Fail,
            "the aws-ebs-csi-driver add-on is missing: in-cluster ClickHouse's volumes cannot be provisioned, so its pods stay Pending",
        )
    } else if !has("metrics-server") {
        Verdict::new(
            Status::Warn,
            "metrics-server is not installed as an EKS add-on (if it is installed with Helm, this warning can be waived); HPA needs it",
        )
    } else {
        Verdict::new(
            Status::Pass,
            if in_cluster {
                "aws-ebs-csi-driver and metrics-server are installed as EKS add-ons"
            } else {
                "metrics-server is installed (EBS CSI not required: ClickHouse is external)"
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
