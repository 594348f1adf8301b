//! `tls.certificate`: an ISSUED, unexpired certificate covers the domain
//! (and, once installed, it is one the 443 listener serves).

use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::resolved;
use crate::evaluate::{
    cert_covers, certificate as acm_certificate, need, Ctx, Outcome, Problem, Resolved, Verdict,
};
use crate::model::{Certificate, Inventory};
use crate::report::{Stage, Status};

pub fn not_after(c: &Certificate) -> Option<OffsetDateTime> {
    c.not_after
        .as_deref()
        .and_then(|s| OffsetDateTime::parse(s, &Rfc3339).ok())
}

/// Certificate ARNs served by the ALB's HTTPS listeners on 443.
fn served_on_443(r: &Resolved) -> Option<Vec<String>> {
    let alb = r.alb.as_ref().ok()?;
    let arns: Vec<String> = alb
        .listeners
        .iter()
        .filter(|l| l.port == 443 && l.protocol == "HTTPS")
        .flat_map(|l| l.certificates.iter().map(|c| c.arn.clone()))
        .collect();
    Some(arns)
}

/// Best first: usable (ISSUED, unexpired), then the latest expiry.
fn rank(certs: &mut [&Certificate], now: OffsetDateTime) {
    certs.sort_by_key(|c| {
        let usable = c.status == "ISSUED" && not_after(c).is_some_and(|t| t > now);
        (
            std::cmp::Reverse(usable),
            std::cmp::Reverse(not_after(c)),
            c.arn.clone(),
        )
    });
}

/// The certificate the requirement judges (also shown in the report's target).
pub fn chosen_certificate<'a>(
    inv: &'a Inventory,
    r: &Resolved,
    stage: Stage,
    now: OffsetDateTime,
) -> Option<&'a Certificate> {
    let domain = &inv.target.domain;
    let mut pool: Vec<&Certificate> = match stage {
        Stage::Installed => served_on_443(r)?
            .iter()
            .filter_map(|a| acm_certificate(inv, a))
            .filter(|c| cert_covers(c, domain))
            .collect(),
        Stage::Preflight => inv
            .certificates
            .ok()?
            .iter()
            .filter(|c| cert_covers(c, domain))
            .collect(),
    };
    rank(&mut pool, now);
    pool.first().copied()
}

fn describe(c: &Certificate) -> String {
    let mut names = vec![c.domain.clone()];
    names.extend(c.sans.iter().filter(|s| **s != c.domain).cloned());
    format!(
        "{}: {} [{}], {}, expires {}",
        c.arn,
        c.status,
        names.join(", "),
        c.key_algorithm.as_deref().unwrap_or("key type unknown"),
        c.not_after.as_deref().unwrap_or("(unknown)")
    )
}

/// `tls.certificate`.
pub fn certificate(ctx: &Ctx) -> Outcome {
    let domain = ctx.domain();
    let certs = need(&ctx.inv.certificates, "ACM certificates")?;
    let mut evidence = Vec::new();
    let covering_in_acm: Vec<&Certificate> =
        certs.iter().filter(|c| cert_covers(c, domain)).collect();
    if ctx.settings.stage == Stage::Installed {
        let alb = resolved(&ctx.r.alb)?;
        let served = served_on_443(ctx.r).unwrap_or_default();
        if served.is_empty() {
            return Err(Problem::Missing(format!(
                "ALB {} has no HTTPS listener on 443 serving a certificate (see ingress.https)",
                alb.lb.name
            )));
        }
        for arn in &served {
            match acm_certificate(ctx.inv, arn) {
                Some(c) => evidence.push(format!(
                    "served on 443: {}{}",
                    describe(c),
                    if cert_covers(c, domain) {
                        ""
                    } else {
                        " — does not cover the domain"
                    }
                )),
                None => evidence.push(format!(
                    "served on 443: {arn} (not an ACM certificate of this region; not inspected)"
                )),
            }
        }
        if chosen_certificate(ctx.inv, ctx.r, Stage::Installed, ctx.now).is_none() {
            let unattached: Vec<String> = covering_in_acm.iter().map(|c| c.arn.clone()).collect();
            let hint = if unattached.is_empty() {
                "no ACM certificate in the region covers it either".to_string()
            } else {
                format!(
                    "ACM holds {} that does, not attached: {}",
                    unattached.len(),
                    unattached.join(", ")
                )
            };
            return Ok(Verdict::new(
                Status::Fail,
                format!(
                    "none of the certificates the 443 listener of {} serves covers {domain}; {hint}",
                    alb.lb.name
                ),
            )
            .evidence(evidence)
            .resources(served));
        }
    } else {
        evidence.extend(covering_in_acm.iter().map(|c| describe(c)));
        if covering_in_acm.is_empty() {
            return Err(Problem::Missing(format!(
                "no ACM certificate in {} covers {domain}: looked at {} certificate(s) of every key type (a wildcard covers exactly one leftmost label)",
                ctx.region(),
                certs.len()
            )));
        }
    }
    let c = chosen_certificate(ctx.inv, ctx.r, ctx.settings.stage, ctx.now)
        .expect("a covering certificate exists");
    let resources = vec![c.arn.clone()];
    let warn_days = ctx.num("warn_days_before_expiry") as i64;
    let v = match (c.status.as_str(), not_after(c)) {
        ("ISSUED", Some(t)) if t <= ctx.now => Verdict::new(
            Status::Fail,
            format!(
                "certificate {} for {domain} expired on {}",
                c.arn,
                c.not_after.as_deref().unwrap_or("")
            ),
        ),
        ("ISSUED", Some(t)) => {
            let days = (t - ctx.now).whole_days();
            if days < warn_days {
                Verdict::new(
                    Status::Warn,
                    format!(
                        "certificate {} covers {domain} but expires in {days} day(s) ({})",
                        c.arn,
                        c.not_after.as_deref().unwrap_or("")
                    ),
                )
            } else {
                Verdict::new(
                    Status::Pass,
                    format!(
                        "certificate {} covers {domain}, is ISSUED and valid for {days} more days",
                        c.arn
                    ),
                )
            }
        }
        ("ISSUED", None) => {
            return Err(Problem::Undetermined {
                message: format!("certificate {} reports no expiry date", c.arn),
                hint: "check the certificate in the ACM console".into(),
            })
        }
        (status, _) => Verdict::new(
            Status::Fail,
            format!(
                "certificate {} covers {domain} but its status is {status}, not ISSUED",
                c.arn
            ),
        ),
    };
    Ok(v.evidence(evidence).resources(resources))
}
