//! `dns.*` requirements: the domain's record in Route53.

use crate::check::{need, resolved, Ctx, Outcome, Problem, Verdict};
use crate::model::Fetched;
use crate::names::{is_cloudfront_domain, lb_dns_name};
use crate::report::Status;
use crate::resolve::cdn;

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
    // The CloudFront distribution the record reaches the ALB through.
    let mut via: Option<String> = None;
    let mut elsewhere = Vec::new();
    // CloudFront names that are not this account's distributions: their
    // origins cannot be seen from here.
    let mut unseen = Vec::new();
    let mut cloudfront_unread = false;
    for r in &relevant {
        let target = r.target().unwrap_or_default().to_string();
        let kind = if r.alias_target.is_some() {
            "alias"
        } else {
            "record"
        };
        let mut line = format!("{} {} {kind} → {}", r.name, r.record_type, target);
        if lb_dns_name(&target) == alb_dns {
            pointing = true;
        } else if is_cloudfront_domain(&target) {
            match (
                &ctx.inv.distributions,
                cdn::distribution_named(ctx.inv, &target),
            ) {
                (_, Some(d)) => {
                    line.push_str(&format!(
                        " = CloudFront distribution {} ({}{}, origins: {})",
                        d.id,
                        d.status,
                        if d.enabled { "" } else { ", disabled" },
                        d.origins.join(", ")
                    ));
                    if cdn::fronts(d, &alb_dns) && d.enabled {
                        pointing = true;
                        via = Some(d.id.clone());
                    } else if !d.enabled {
                        elsewhere.push(format!(
                            "CloudFront distribution {}, which is disabled",
                            d.id
                        ));
                    } else if let Some(own) =
                        d.origins.iter().find(|o| !o.ends_with(".amazonaws.com"))
                    {
                        // An origin by a domain name of the owner's may itself
                        // resolve to the ALB: not something AWS's APIs show.
                        unseen.push(format!(
                            "distribution {} whose origin {own} is a domain name (`dig +short {own}` shows whether it resolves to the ALB)",
                            d.id
                        ));
                    } else {
                        elsewhere.push(format!(
                            "CloudFront distribution {} (origins: {})",
                            d.id,
                            d.origins.join(", ")
                        ));
                    }
                }
                (Fetched::Ok(_), None) => {
                    line.push_str(" (not a CloudFront distribution of this account)");
                    unseen.push(format!(
                        "{target}, which is not a distribution of this account"
                    ));
                }
                (_, None) => cloudfront_unread = true,
            }
        } else {
            elsewhere.push(target);
        }
        evidence.push(line);
    }
    if !pointing && cloudfront_unread {
        need(&ctx.inv.distributions, "CloudFront distributions")?;
    }
    let v = if pointing {
        Verdict::new(
            Status::Pass,
            match &via {
                Some(d) => format!(
                    "{domain} points at ALB {} ({alb_dns}) through CloudFront distribution {d}",
                    a.lb.name
                ),
                None => format!("{domain} points at ALB {} ({alb_dns})", a.lb.name),
            },
        )
    } else if relevant.is_empty() {
        Verdict::new(
            Status::Fail,
            format!(
                "no A/AAAA alias or CNAME for {domain} in {}",
                zone_names.join(", ")
            ),
        )
    } else if elsewhere.is_empty() && !unseen.is_empty() {
        Verdict::new(
            Status::Warn,
            format!(
                "{domain} points at CloudFront {}: whether that reaches ALB {} ({alb_dns}) cannot be seen from here; check the origin (`aws cloudfront list-distributions` in the account that owns the distribution)",
                unseen.join(", "),
                a.lb.name
            ),
        )
    } else {
        Verdict::new(
            Status::Fail,
            format!(
                "{domain} points at {}, not at ALB {} ({alb_dns})",
                elsewhere
                    .iter()
                    .chain(&unseen)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", "),
                a.lb.name
            ),
        )
    };
    Ok(v.evidence(evidence)
        .resources(zones.iter().map(|z| z.id.clone()).collect()))
}
