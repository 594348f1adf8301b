//! CloudFront: the distributions that may sit in front of the ALB.
//! Only `list_*` operations are called here.

use super::{call_error, Clients};
use crate::model::{Distribution, Fetched};
use crate::names::{canonical, name_covers};

/// The account's distributions that can front this deployment: those with an
/// alias that covers `domain`, and those with a load balancer as an origin.
/// CloudFront is global: one paginated list, whatever the region.
pub(super) async fn distributions(c: &Clients, domain: &str) -> Fetched<Vec<Distribution>> {
    let listed: Result<Vec<_>, _> = c
        .cloudfront
        .list_distributions()
        .into_paginator()
        .items()
        .send()
        .collect()
        .await;
    let listed = match listed {
        Ok(l) => l,
        Err(e) => return Fetched::Failed(call_error("cloudfront:ListDistributions", &e)),
    };
    let domain = canonical(domain);
    let out = listed
        .iter()
        .map(|d| Distribution {
            id: d.id().to_string(),
            domain_name: canonical(d.domain_name()),
            aliases: d
                .aliases()
                .map(|a| a.items().iter().map(|x| canonical(x)).collect())
                .unwrap_or_default(),
            origins: d
                .origins()
                .map(|o| {
                    o.items()
                        .iter()
                        .map(|x| canonical(x.domain_name()))
                        .collect()
                })
                .unwrap_or_default(),
            enabled: d.enabled(),
            status: d.status().to_string(),
            web_acl_id: Some(d.web_acl_id().to_string()).filter(|w| !w.is_empty()),
        })
        .filter(|d| {
            d.aliases.iter().any(|a| name_covers(a, &domain))
                || d.origins.iter().any(|o| crate::names::is_lb_dns_name(o))
        })
        .collect();
    Fetched::Ok(out)
}
