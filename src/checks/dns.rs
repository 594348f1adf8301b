//! `dns.*` requirements: the domain's record in Route53.

use crate::check::{need, resolved, Ctx, Outcome, Problem, Verdict};
use crate::names::lb_dns_name;
use crate::report::Status;

/// `dns.record`: the domain's record in the account's hosted zone targets the ALB.
pub fn record(ctx: &Ctx) -> Outcome {
    let zones = need(&ctx.inv.hosted_zones, "hosted zones")?;
    let domain = ctx.domain();
    if zones.is_empty() {
        return Err(Problem::Skip(format!(
            "no Route53 hosted zone in the account covers {domain} (DNS hosted elsewhere)"
        )));
    }
    let a = resolved(&ctx.r.alb)?;
    let records = need(&ctx.inv.dns_records, "DNS records")?;
    let alb_dns =
        a.lb.dns_name
            .as_deref()
            .map(lb_dns_name)
            .unwrap_or_default();
    let zone_names: Vec<String> = zones
        .iter()
        .map(|z| {
            format!(
                "{} ({}{})",
                z.name,
                z.id,
                if z.private { ", private" } else { "" }
            )
        })
        .collect();
    let mut evidence = vec![format!("hosted zone(s): {}", zone_names.join(", "))];
    let relevant: Vec<_> = records
        .iter()
        .filter(|r| matches!(r.record_type.as_str(), "A" | "AAAA" | "CNAME"))
        .collect();
    let mut pointing = false;
    let mut elsewhere = Vec::new();
    for r in &relevant {
        let target = r.target().unwrap_or_default().to_string();
        let kind = if r.alias_target.is_some() {
            "alias"
        } else {
            "record"
        };
        evidence.push(format!("{} {} {kind} → {}", r.name, r.record_type, target));
        if lb_dns_name(&target) == alb_dns {
            pointing = true;
        } else {
            elsewhere.push(target);
        }
    }
    let v = if pointing {
        Verdict::new(
            Status::Pass,
            format!("{domain} points at ALB {} ({alb_dns})", a.lb.name),
        )
    } else if relevant.is_empty() {
        Verdict::new(
            Status::Fail,
            format!(
                "no A/AAAA alias or CNAME for {domain} in {}",
                zone_names.join(", ")
            ),
        )
    } else {
        Verdict::new(
            Status::Fail,
            format!(
                "{domain} points at {}, not at ALB {} ({alb_dns})",
                elsewhere.join(", "),
                a.lb.name
            ),
        )
    };
    Ok(v.evidence(evidence)
        .resources(zones.iter().map(|z| z.id.clone()).collect()))
}
