//! `tls.certificate`: an ISSUED, unexpired certificate covers the domain
//! (and, once installed, it is one the 443 listener serves).

use crate::check::{need, resolved, Ctx, Outcome, Problem, Verdict};
use crate::model::Certificate;
use crate::report::{Stage, Status};
use crate::resolve::certificate::{covers, lookup, not_after, served_on_443};

fn describe(c: &Certificate) -> String {
    let mut names = vec![c.domain.clone()];
    names.extend(c.sans.iter().filter(|s| **s != c.domain).cloned());
    format!(
        "{}: {} [{}], {}, expires {}",
        c.arn,
        if c.is_iam_server_certificate() {
            "IAM server certificate"
        } else {
            c.status.as_str()
        },
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
    let covering_in_acm: Vec<&Certificate> = certs.iter().filter(|c| covers(c, domain)).collect();
    if ctx.settings.stage == Stage::Installed {
        let alb = resolved(&ctx.r.alb)?;
        let served = served_on_443(alb);
        if served.is_empty() {
            return Err(Problem::Missing(format!(
                "ALB {} has no HTTPS listener on 443 serving a certificate (see ingress.https)",
                alb.lb.name
            )));
        }
        for arn in &served {
            match lookup(ctx.inv, arn) {
                Some(c) => evidence.push(format!(
                    "served on 443: {}{}",
                    describe(c),
                    if covers(c, domain) {
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
        if ctx.r.certificate.is_none() {
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
    let c = ctx.r.certificate.expect("a covering certificate exists");
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
    // Key strength and issuer: never better than the expiry verdict.
    let mut v = v;
    if v.status != Status::Fail {
        let mut notes: Vec<(Status, String)> = Vec::new();
        let min_rsa = ctx.num("min_rsa_bits") as u32;
        match key_strength(c.key_algorithm.as_deref()) {
            Key::Rsa(bits) if bits < min_rsa => notes.push((
                Status::Fail,
                format!(
                    "its key is RSA {bits}-bit, weaker than the {min_rsa} bits required; reissue it with RSA 2048 or ECDSA P-256"
                ),
            )),
            Key::Rsa(_) | Key::Ecdsa => {}
            Key::Unknown(alg) => notes.push((
                Status::Warn,
                format!("its key algorithm {alg:?} is not one this tool knows: check its strength in the ACM console"),
            )),
            Key::NotReported => notes.push((
                Status::Warn,
                if c.is_iam_server_certificate() {
                    format!("its key could not be read from the IAM server certificate's body: check it with `aws iam get-server-certificate --server-certificate-name {}`", c.arn.rsplit('/').next().unwrap_or_default())
                } else {
                    "ACM reports no key algorithm for it: check its strength in the ACM console".into()
                },
            )),
        }
        let internet_facing = ctx
            .r
            .alb
            .as_ref()
            .is_ok_and(|a| a.lb.scheme == "internet-facing");
        if c.cert_type.as_deref() == Some("PRIVATE") && internet_facing {
            notes.push((
                Status::Warn,
                "it is issued by a private CA (Type PRIVATE) and served by an internet-facing ALB: public clients will not trust it".into(),
            ));
        }
        if !notes.is_empty() {
            let fails = notes.iter().any(|(s, _)| *s == Status::Fail);
            let why: Vec<&str> = notes.iter().map(|(_, m)| m.as_str()).collect();
            v = Verdict::new(
                if fails { Status::Fail } else { Status::Warn },
                format!("{}; {}", v.message, why.join("; ")),
            );
        }
    }
    Ok(v.evidence(evidence).resources(resources))
}

enum Key {
    Rsa(u32),
    Ecdsa,
    Unknown(String),
    NotReported,
}

/// ACM's KeyAlgorithm, in either spelling: the API model's `RSA_2048` or
/// the `RSA-2048` that documented DescribeCertificate answers carry (which
/// the SDK keeps as an unknown variant's text).
fn key_strength(alg: Option<&str>) -> Key {
    let Some(alg) = alg else {
        return Key::NotReported;
    };
    let norm = alg.trim().to_ascii_uppercase().replace('-', "_");
    if let Some(bits) = norm.strip_prefix("RSA_").and_then(|b| b.parse().ok()) {
        return Key::Rsa(bits);
    }
    match norm.as_str() {
        "EC_PRIME256V1" | "EC_SECP384R1" | "EC_SECP521R1" => Key::Ecdsa,
        _ => Key::Unknown(alg.to_string()),
    }
}
