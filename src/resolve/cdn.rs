//! CloudFront in front of the ALB: which distribution a DNS record names, and
//! where the domain's records lead once a distribution is followed to its
//! origins. Used by ALB resolution and by the checks that judge the path.

use crate::model::{Distribution, Inventory};
use crate::names::{canonical, is_cloudfront_domain, lb_dns_name};

/// Whether the load balancer whose DNS name is `lb_dns` is one of the
/// distribution's origins.
pub fn fronts(d: &Distribution, lb_dns: &str) -> bool {
    let lb = lb_dns_name(lb_dns);
    d.origins.iter().any(|o| lb_dns_name(o) == lb)
}

/// The enabled distributions of the account that have the load balancer
/// whose DNS name is `lb_dns` as an origin; none when they were not read.
pub fn fronting<'a>(inv: &'a Inventory, lb_dns: &str) -> Vec<&'a Distribution> {
    inv.distributions
        .ok()
        .into_iter()
        .flatten()
        .filter(|d| d.enabled && fronts(d, lb_dns))
        .collect()
}

/// The account's distribution whose own name (`d….cloudfront.net`) is `target`.
pub fn distribution_named<'a>(inv: &'a Inventory, target: &str) -> Option<&'a Distribution> {
    if !is_cloudfront_domain(target) {
        return None;
    }
    let t = canonical(target);
    inv.distributions.ok()?.iter().find(|d| d.domain_name == t)
}

/// Where the domain's DNS records lead: each record's target, with a
/// CloudFront distribution of this account replaced by its origins. `None`
/// when the records were not read.
pub fn record_destinations(inv: &Inventory) -> Option<Vec<String>> {
    let records = inv.dns_records.ok()?;
    let mut out = Vec::new();
    for r in records {
        let Some(t) = r.target() else { continue };
        match distribution_named(inv, t) {
            Some(d) => out.extend(d.origins.iter().map(|o| lb_dns_name(o))),
            None => out.push(lb_dns_name(t)),
        }
    }
    Some(out)
}
