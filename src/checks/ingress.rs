//! `ingress.*` requirements: the ALB, its listeners and its targets.

use std::collections::BTreeSet;

use super::resolved;
use crate::evaluate::{need, Ctx, Outcome, Problem, Verdict};
use crate::report::Status;

/// `ingress.alb`: an active application load balancer across ≥2 AZs, in
/// public subnets when internet-facing (private ones when internal).
pub fn alb(ctx: &Ctx) -> Outcome {
    let a = resolved(&ctx.r.alb)?;
    let net = resolved(&ctx.r.network)?;
    let lb = a.lb;
    let min_azs = ctx.num("min_azs") as usize;
    let mut evidence = vec![
        format!("{} ({}), {}", lb.name, lb.arn, a.chosen_by),
        format!(
            "type {}, scheme {}, state {}",
            lb.lb_type, lb.scheme, lb.state
        ),
    ];
    let mut problems = Vec::new();
    if lb.lb_type != "application" {
        problems.push(format!(
            "it is a {} load balancer, not application",
            lb.lb_type
        ));
    }
    if lb.state != "active" {
        problems.push(format!("its state is {}, not active", lb.state));
    }
    let zones: BTreeSet<&str> = lb.zones.iter().map(|z| z.zone.as_str()).collect();
    if zones.len() < min_azs {
        problems.push(format!(
            "it spans {} AZ(s); at least {min_azs} are required",
            zones.len()
        ));
    }
    let internet = lb.scheme == "internet-facing";
    for z in &lb.zones {
        let Some(sid) = z.subnet_id.as_deref() else {
            continue;
        };
        match net.get(sid) {
            Some(info) => {
                evidence.push(format!("zone {}: {}", z.zone, info.describe()));
                if internet && !info.public() {
                    problems.push(format!(
                        "internet-facing but placed in private subnet {sid}"
                    ));
                }
                if !internet && info.public() {
                    problems.push(format!("internal but placed in public subnet {sid}"));
                }
            }
            None => {
                evidence.push(format!("zone {}: {sid} (not a subnet of the VPC)", z.zone));
                problems.push(format!("subnet {sid} is outside the VPC"));
            }
        }
    }
    let v = if problems.is_empty() {
        Verdict::new(
            Status::Pass,
            format!(
                "ALB {} is active, {} in {} subnets across {} AZs",
                lb.name,
                lb.scheme,
                if internet { "public" } else { "private" },
                zones.len()
            ),
        )
    } else {
        Verdict::new(
            Status::Fail,
            format!("ALB {}: {}", lb.name, problems.join("; ")),
        )
    };
    Ok(v.evidence(evidence).resources(vec![lb.arn.clone()]))
}

/// Protocols an ALB security policy may offer without failing the requirement.
fn weak_protocols(protocols: &[String]) -> Vec<&str> {
    protocols
        .iter()
        .map(String::as_str)
        .filter(|p| matches!(*p, "SSLv3" | "TLSv1" | "TLSv1.1"))
        .collect()
}

/// `ingress.https`: HTTPS on 443 with a TLS 1.2+ policy; HTTP only redirects.
pub fn https(ctx: &Ctx) -> Outcome {
    let a = resolved(&ctx.r.alb)?;
    let policies = need(&ctx.inv.ssl_policies, "TLS security policies")?;
    let mut evidence = Vec::new();
    let mut problems = Vec::new();
    let mut resources = vec![a.lb.arn.clone()];
    let https443: Vec<_> = a
        .listeners
        .iter()
        .filter(|l| l.port == 443 && l.protocol == "HTTPS")
        .collect();
    for l in &a.listeners {
        resources.push(l.arn.clone());
        let actions: Vec<String> = l
            .default_actions
            .iter()
            .map(|act| match act.action_type.as_str() {
                "redirect" => format!(
                    "redirect to {}:{}",
                    act.redirect_protocol.as_deref().unwrap_or("#{protocol}"),
                    act.redirect_port.as_deref().unwrap_or("#{port}")
                ),
                "forward" => format!("forward to {}", act.target_group_arns.join(", ")),
                other => other.to_string(),
            })
            .collect();
        evidence.push(format!(
            "listener {} {}{}: default action {}",
            l.protocol,
            l.port,
            l.ssl_policy
                .as_deref()
                .map(|p| format!(" (policy {p})"))
                .unwrap_or_default(),
            actions.join(", ")
        ));
        if l.protocol == "HTTP" {
            let redirects = !l.default_actions.is_empty()
                && l.default_actions.iter().all(|act| {
                    act.action_type == "redirect"
                        && act.redirect_protocol.as_deref() == Some("HTTPS")
                });
            if !redirects {
                problems.push(format!(
                    "the HTTP listener on {} serves plain HTTP instead of redirecting to HTTPS",
                    l.port
                ));
            }
        }
    }
    if https443.is_empty() {
        problems.insert(0, format!("ALB {} has no HTTPS listener on 443", a.lb.name));
    }
    for l in &https443 {
        let Some(name) = l.ssl_policy.as_deref() else {
            problems.push("the HTTPS listener on 443 reports no security policy".into());
            continue;
        };
        let Some(policy) = policies.iter().find(|p| p.name == name) else {
            return Err(Problem::Undetermined {
                message: format!("DescribeSSLPolicies did not describe policy {name}"),
                hint: "check the listener's security policy in the console".into(),
            });
        };
        evidence.push(format!(
            "policy {name} offers {}",
            policy.protocols.join(", ")
        ));
        let weak = weak_protocols(&policy.protocols);
        if !weak.is_empty() {
            problems.push(format!(
                "the 443 listener's policy {name} still allows {}; choose a TLS 1.2+ policy such as ELBSecurityPolicy-TLS13-1-2-2021-06",
                weak.join(", ")
            ));
        }
    }
    let v = if problems.is_empty() {
        Verdict::new(
            Status::Pass,
            format!(
                "ALB {} serves HTTPS on 443 with a TLS 1.2+ policy{}",
                a.lb.name,
                if a.listeners.iter().any(|l| l.protocol == "HTTP") {
                    " and redirects HTTP to HTTPS"
                } else {
                    ""
                }
            ),
        )
    } else {
        Verdict::new(Status::Fail, problems.join("; "))
    };
    Ok(v.evidence(evidence).resources(resources))
}

/// `ingress.targets-healthy`: every target group behind the ALB has a
/// healthy target and no unhealthy one.
pub fn targets_healthy(ctx: &Ctx) -> Outcome {
    let a = resolved(&ctx.r.alb)?;
    need(&ctx.inv.target_groups, "target groups")?;
    if a.target_groups.is_empty() {
        return Err(Problem::Missing(format!(
            "no target group is attached to ALB {}: the ingress has no backend (TROUBLESHOOTING §1)",
            a.lb.name
        )));
    }
    let mut evidence = Vec::new();
    let mut failing = Vec::new();
    let mut settling = Vec::new();
    let mut resources = Vec::new();
    let mut total = 0;
    for tg in &a.target_groups {
        resources.push(tg.arn.clone());
        let health = need(&tg.health, "target health")?;
        let mut healthy = 0;
        let mut bad = 0;
        for t in health {
            total += 1;
            match t.state.as_str() {
                "healthy" => healthy += 1,
                "unhealthy" | "unhealthy.draining" | "unavailable" => bad += 1,
                _ => settling.push(format!("{} {}", tg.name, t.id)),
            }
            let why = match (&t.reason, &t.description) {
                (Some(r), Some(d)) => format!(" ({r}: {d})"),
                (Some(r), None) => format!(" ({r})"),
                (None, Some(d)) => format!(" ({d})"),
                (None, None) => String::new(),
            };
            evidence.push(format!(
                "{} {}{}: {}{why}",
                tg.name,
                t.id,
                t.port.map(|p| format!(":{p}")).unwrap_or_default(),
                t.state
            ));
        }
        if health.is_empty() {
            evidence.push(format!("{}: no registered targets", tg.name));
        }
        if healthy == 0 || bad > 0 {
            failing.push(format!(
                "{} ({healthy} healthy, {bad} unhealthy of {})",
                tg.name,
                health.len()
            ));
        }
    }
    let v = if !failing.is_empty() {
        Verdict::new(
            Status::Fail,
            format!(
                "target groups without healthy targets or with unhealthy ones: {}",
                failing.join(", ")
            ),
        )
    } else if !settling.is_empty() {
        Verdict::new(
            Status::Warn,
            format!(
                "every target group has healthy targets, but {} target(s) are neither healthy nor unhealthy yet: {}",
                settling.len(),
                settling.join(", ")
            ),
        )
    } else {
        Verdict::new(
            Status::Pass,
            format!(
                "all {total} target(s) in {} target group(s) are healthy",
                a.target_groups.len()
            ),
        )
    };
    Ok(v.evidence(evidence).resources(resources))
}
