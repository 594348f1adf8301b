//! Route53: the hosted zones that can hold the domain, and its records.
//! Only `describe_*`, `list_*` and `get_*` operations are called here.

use futures::StreamExt;

use super::{call_error, Clients, FAN_OUT};
use crate::model::{DnsRecord, Fetched, HostedZone};
use crate::names::canonical;

/// The hosted zones whose name is the longest suffix of `domain`, and the
/// domain's own records in them.
pub(super) async fn dns(
    c: &Clients,
    domain: &str,
) -> (Fetched<Vec<HostedZone>>, Fetched<Vec<DnsRecord>>) {
    let zones: Vec<_> = match c
        .route53
        .list_hosted_zones()
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
    {
        Ok(z) => z,
        Err(e) => {
            let err = call_error("route53:ListHostedZones", &e);
            return (Fetched::Failed(err.clone()), Fetched::Failed(err));
        }
    };
    let d = canonical(domain);
    let covering: Vec<HostedZone> = zones
        .iter()
        .map(|z| HostedZone {
            id: z.id().trim_start_matches("/hostedzone/").to_string(),
            name: z.name().to_string(),
            private: z.config().is_some_and(|c| c.private_zone()),
        })
        .filter(|z| {
            let n = canonical(&z.name);
            d == n || d.ends_with(&format!(".{n}"))
        })
        .collect();
    let longest = covering.iter().map(|z| canonical(&z.name).len()).max();
    let chosen: Vec<HostedZone> = covering
        .into_iter()
        .filter(|z| Some(canonical(&z.name).len()) == longest)
        .collect();
    let answers: Vec<_> = futures::stream::iter(chosen.iter())
        .map(|z| async move {
            c.route53
                .list_resource_record_sets()
                .hosted_zone_id(&z.id)
                .start_record_name(domain)
                .max_items(50)
                .send()
                .await
                .map(|out| (z.id.clone(), out))
        })
        .buffered(FAN_OUT)
        .collect()
        .await;
    let mut records = Vec::new();
    for a in answers {
        let (zone_id, out) = match a {
            Ok(x) => x,
            Err(e) => {
                return (
                    Fetched::Ok(chosen.clone()),
                    Fetched::Failed(call_error("route53:ListResourceRecordSets", &e)),
                )
            }
        };
        for r in out.resource_record_sets() {
            if canonical(r.name()) != d {
                continue;
            }
            records.push(DnsRecord {
                zone_id: zone_id.clone(),
                name: r.name().to_string(),
                record_type: r.r#type().as_str().to_string(),
                alias_target: r.alias_target().map(|a| a.dns_name().to_string()),
                values: r
                    .resource_records()
                    .iter()
                    .map(|v| v.value().to_string())
                    .collect(),
            });
        }
    }
    (Fetched::Ok(chosen), Fetched::Ok(records))
}
