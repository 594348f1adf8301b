//! Which certificates cover the domain, and which one `tls.certificate`
//! judges. Collection uses [`summary_may_cover`] to decide which
//! certificates to describe in full, with the same name rule.

use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::Alb;
use crate::model::{Certificate, Inventory};
use crate::names::name_covers;
use crate::settings::Stage;

/// The ACM certificate with this ARN, when it was described.
pub fn lookup<'a>(inv: &'a Inventory, arn: &str) -> Option<&'a Certificate> {
    inv.certificates.ok()?.iter().find(|c| c.arn == arn)
}

/// True when the certificate's name or one of its SANs covers `domain`.
pub fn covers(c: &Certificate, domain: &str) -> bool {
    name_covers(&c.domain, domain) || c.sans.iter().any(|s| name_covers(s, domain))
}

/// True when a ListCertificates summary may cover the domain and so deserves
/// a DescribeCertificate (a summary lists at most a few SANs).
pub fn summary_may_cover(c: &Certificate, more_sans: bool, domain: &str) -> bool {
    more_sans || covers(c, domain)
}

pub fn not_after(c: &Certificate) -> Option<OffsetDateTime> {
    c.not_after
        .as_deref()
        .and_then(|s| OffsetDateTime::parse(s, &Rfc3339).ok())
}

/// Certificate ARNs served by the ALB's HTTPS listeners on 443.
pub fn served_on_443(alb: &Alb) -> Vec<String> {
    alb.listeners
        .iter()
        .filter(|l| l.port == 443 && l.protocol == "HTTPS")
        .flat_map(|l| l.certificates.iter().map(|c| c.arn.clone()))
        .collect()
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

/// The certificate the requirements judge: once installed, the best covering
/// one the ALB serves on 443; before, the best covering one in ACM.
pub(crate) fn chosen<'a>(
    inv: &'a Inventory,
    alb: Option<&Alb>,
    stage: Stage,
    now: OffsetDateTime,
) -> Option<&'a Certificate> {
    let domain = &inv.target.domain;
    let mut pool: Vec<&Certificate> = match stage {
        Stage::Installed => served_on_443(alb?)
            .iter()
            .filter_map(|a| lookup(inv, a))
            .filter(|c| covers(c, domain))
            .collect(),
        Stage::Preflight => inv
            .certificates
            .ok()?
            .iter()
            .filter(|c| covers(c, domain))
            .collect(),
    };
    rank(&mut pool, now);
    pool.first().copied()
}
