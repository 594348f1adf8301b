//! ELBv2: load balancers, their tags, listeners (with every certificate),
//! TLS policies, target groups and target health.
//! Only `describe_*`, `list_*` and `get_*` operations are called here.

use std::collections::{BTreeMap, BTreeSet};

use aws_smithy_types::error::metadata::ProvideErrorMetadata;

use futures::StreamExt;

use super::{call_error, wafv2::web_acl_for, Clients, Ingress, TagMap, FAN_OUT};
use crate::model::*;
use crate::resolve::alb::candidates;

pub(super) async fn load_balancers(c: &Clients, alb: Option<&str>) -> Fetched<Vec<LoadBalancer>> {
    // The largest page the API allows: one page for most accounts.
    let mut req = c.elbv2.describe_load_balancers().page_size(400);
    // An explicit ALB is looked up server-side, by ARN or by name.
    if let Some(a) = alb {
        req = if a.starts_with("arn:") {
            req.load_balancer_arns(a)
        } else {
            req.names(a)
        };
    }
    let items: Vec<_> = match req.into_paginator().items().send().try_collect().await {
        Ok(v) => v,
        // Looking up a name or ARN that does not exist is an answer, not a failure.
        Err(e) if alb.is_some() && e.code() == Some("LoadBalancerNotFound") => Vec::new(),
        Err(e) => {
            return Fetched::Failed(call_error("elasticloadbalancing:DescribeLoadBalancers", &e))
        }
    };
    let out = items
        .iter()
        .map(|lb| LoadBalancer {
            arn: lb.load_balancer_arn().unwrap_or_default().to_string(),
            name: lb.load_balancer_name().unwrap_or_default().to_string(),
            lb_type: lb
                .r#type()
                .map(|t| t.as_str().to_string())
                .unwrap_or_default(),
            scheme: lb
                .scheme()
                .map(|s| s.as_str().to_string())
                .unwrap_or_default(),
            state: lb
                .state()
                .and_then(|s| s.code())
                .map(|c| c.as_str().to_string())
                .unwrap_or_default(),
            vpc_id: lb.vpc_id().map(str::to_string),
            dns_name: lb.dns_name().map(str::to_string),
            zones: lb
                .availability_zones()
                .iter()
                .map(|z| LbZone {
                    zone: z.zone_name().unwrap_or_default().to_string(),
                    subnet_id: z.subnet_id().map(str::to_string),
                })
                .collect(),
            security_groups: lb.security_groups().to_vec(),
            tags: BTreeMap::new(),
        })
        .collect();
    Fetched::Ok(out)
}

async fn tags_of(c: &Clients, arns: Vec<String>) -> Result<TagMap, CallError> {
    let mut out = TagMap::new();
    for chunk in arns.chunks(20) {
        let a = c
            .elbv2
            .describe_tags()
            .set_resource_arns(Some(chunk.to_vec()))
            .send()
            .await
            .map_err(|e| call_error("elasticloadbalancing:DescribeTags", &e))?;
        for d in a.tag_descriptions() {
            out.insert(
                d.resource_arn().unwrap_or_default().to_string(),
                d.tags()
                    .iter()
                    .map(|t| {
                        (
                            t.key().unwrap_or_default().to_string(),
                            t.value().unwrap_or_default().to_string(),
                        )
                    })
                    .collect(),
            );
        }
    }
    Ok(out)
}

/// The load balancer's listeners with all their certificates, and the SSL
/// policies they name. Right after DescribeListeners, the SNI certificates of
/// every HTTPS listener and the policies are fetched concurrently; `claimed`
/// holds the policy names another load balancer already asked for, so that no
/// policy is fetched twice in a run.
async fn listeners_of(
    c: &Clients,
    lb_arn: &str,
    claimed: &std::sync::Mutex<BTreeSet<String>>,
) -> Result<(Vec<Listener>, Result<Vec<SslPolicy>, CallError>), CallError> {
    let mut out = listeners_only(c, lb_arn).await?;
    let names: Vec<String> = {
        let mut taken = claimed.lock().expect("policy claims");
        out.iter()
            .filter_map(|l| l.ssl_policy.clone())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .filter(|n| taken.insert(n.clone()))
            .collect()
    };
    let https: Vec<String> = out
        .iter()
        .filter(|l| l.protocol == "HTTPS")
        .map(|l| l.arn.clone())
        .collect();
    let sni = futures::stream::iter(https)
        .map(|arn| async move {
            // DescribeListeners names only the default certificate; SNI ones come from here.
            let certs: Result<Vec<_>, _> = c
                .elbv2
                .describe_listener_certificates()
                .listener_arn(&arn)
                .page_size(400)
                .into_paginator()
                .items()
                .send()
                .try_collect()
                .await;
            certs
                .map(|v| (arn, v))
                .map_err(|e| call_error("elasticloadbalancing:DescribeListenerCertificates", &e))
        })
        .buffered(FAN_OUT)
        .collect::<Vec<_>>();
    // Every listener's rules, beside its certificates and policies.
    let arns: Vec<String> = out.iter().map(|l| l.arn.clone()).collect();
    let rules = futures::stream::iter(arns)
        .map(|arn| async move {
            let r = rules_of(c, &arn).await;
            (arn, r)
        })
        .buffered(FAN_OUT)
        .collect::<Vec<_>>();
    let (sni, policies, rules) = futures::join!(sni, ssl_policies(c, names), rules);
    for (arn, r) in rules {
        if let Some(l) = out.iter_mut().find(|l| l.arn == arn) {
            l.rules = r;
        }
    }
    for answer in sni {
        let (arn, extra) = answer?;
        let Some(l) = out.iter_mut().find(|l| l.arn == arn) else {
            continue;
        };
        for cert in &extra {
            let Some(a) = cert.certificate_arn() else {
                continue;
            };
            if !l.certificates.iter().any(|c| c.arn == a) {
                l.certificates.push(ListenerCertificate {
                    arn: a.to_string(),
                    is_default: cert.is_default().unwrap_or(false),
                });
            }
        }
    }
    Ok((out, policies))
}

async fn listeners_only(c: &Clients, lb_arn: &str) -> Result<Vec<Listener>, CallError> {
    let items: Vec<_> = c
        .elbv2
        .describe_listeners()
        .load_balancer_arn(lb_arn)
        .page_size(400)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(|e| call_error("elasticloadbalancing:DescribeListeners", &e))?;
    let mut out = Vec::new();
    for l in &items {
        let arn = l.listener_arn().unwrap_or_default().to_string();
        let protocol = l
            .protocol()
            .map(|p| p.as_str().to_string())
            .unwrap_or_default();
        let certificates: Vec<ListenerCertificate> = l
            .certificates()
            .iter()
            .filter_map(|c| {
                c.certificate_arn().map(|a| ListenerCertificate {
                    arn: a.to_string(),
                    is_default: true,
                })
            })
            .collect();
        out.push(Listener {
            arn,
            load_balancer_arn: l.load_balancer_arn().unwrap_or(lb_arn).to_string(),
            port: l.port().unwrap_or(0),
            protocol,
            ssl_policy: l.ssl_policy().map(str::to_string),
            certificates,
            default_actions: l.default_actions().iter().map(action_of).collect(),
            rules: Fetched::NotCollected,
        });
    }
    out.sort_by_key(|l| (l.port, l.arn.clone()));
    Ok(out)
}

/// A listener or rule action as the inventory keeps it.
fn action_of(a: &aws_sdk_elasticloadbalancingv2::types::Action) -> ListenerAction {
    let mut tgs: Vec<String> = a
        .target_group_arn()
        .map(str::to_string)
        .into_iter()
        .collect();
    if let Some(f) = a.forward_config() {
        for t in f.target_groups() {
            if let Some(arn) = t.target_group_arn() {
                if !tgs.iter().any(|x| x == arn) {
                    tgs.push(arn.to_string());
                }
            }
        }
    }
    ListenerAction {
        action_type: a
            .r#type()
            .map(|t| t.as_str().to_string())
            .unwrap_or_default(),
        redirect_protocol: a
            .redirect_config()
            .and_then(|r| r.protocol())
            .map(str::to_string),
        redirect_port: a
            .redirect_config()
            .and_then(|r| r.port())
            .map(str::to_string),
        target_group_arns: tgs,
    }
}

/// A listener's rules, the default one included.
async fn rules_of(c: &Clients, listener_arn: &str) -> Fetched<Vec<ListenerRule>> {
    let items: Vec<_> = fetch!(
        "elasticloadbalancing:DescribeRules",
        c.elbv2
            .describe_rules()
            .listener_arn(listener_arn)
            .page_size(400)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
    );
    Fetched::Ok(
        items
            .iter()
            .map(|r| {
                let values = |field: &str| -> Vec<String> {
                    r.conditions()
                        .iter()
                        .filter(|c| c.field() == Some(field))
                        .flat_map(|c| {
                            let mut v: Vec<String> = c.values().to_vec();
                            match field {
                                "host-header" => v.extend(
                                    c.host_header_config()
                                        .map(|h| h.values().to_vec())
                                        .unwrap_or_default(),
                                ),
                                "path-pattern" => v.extend(
                                    c.path_pattern_config()
                                        .map(|p| p.values().to_vec())
                                        .unwrap_or_default(),
                                ),
                                _ => {}
                            }
                            v
                        })
                        .collect::<BTreeSet<_>>()
                        .into_iter()
                        .collect()
                };
                ListenerRule {
                    priority: r.priority().unwrap_or_default().to_string(),
                    is_default: r.is_default().unwrap_or(false),
                    host_headers: values("host-header"),
                    path_patterns: values("path-pattern"),
                    actions: r.actions().iter().map(action_of).collect(),
                }
            })
            .collect(),
    )
}

async fn ssl_policies(c: &Clients, names: Vec<String>) -> Result<Vec<SslPolicy>, CallError> {
    if names.is_empty() {
        return Ok(Vec::new());
    }
    let a = c
        .elbv2
        .describe_ssl_policies()
        .set_names(Some(names))
        .send()
        .await
        .map_err(|e| call_error("elasticloadbalancing:DescribeSSLPolicies", &e))?;
    Ok(a.ssl_policies()
        .iter()
        .map(|p| SslPolicy {
            name: p.name().unwrap_or_default().to_string(),
            protocols: p.ssl_protocols().iter().map(|s| s.to_string()).collect(),
        })
        .collect())
}

async fn target_groups_of(c: &Clients, lb_arn: &str) -> Result<Vec<TargetGroup>, CallError> {
    let items: Vec<_> = c
        .elbv2
        .describe_target_groups()
        .load_balancer_arn(lb_arn)
        .page_size(400)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(|e| call_error("elasticloadbalancing:DescribeTargetGroups", &e))?;
    let healths: Vec<_> = futures::stream::iter(items.iter())
        .map(|tg| async move {
            c.elbv2
                .describe_target_health()
                .target_group_arn(tg.target_group_arn().unwrap_or_default())
                .send()
                .await
        })
        .buffered(FAN_OUT)
        .collect()
        .await;
    Ok(items
        .iter()
        .zip(healths)
        .map(|(tg, h)| TargetGroup {
            arn: tg.target_group_arn().unwrap_or_default().to_string(),
            name: tg.target_group_name().unwrap_or_default().to_string(),
            load_balancer_arns: tg.load_balancer_arns().to_vec(),
            protocol: tg.protocol().map(|p| p.as_str().to_string()),
            port: tg.port(),
            target_type: tg.target_type().map(|t| t.as_str().to_string()),
            health: match h {
                Ok(h) => Fetched::Ok(
                    h.target_health_descriptions()
                        .iter()
                        .map(|d| TargetHealth {
                            id: d
                                .target()
                                .and_then(|t| t.id())
                                .unwrap_or_default()
                                .to_string(),
                            port: d.target().and_then(|t| t.port()),
                            state: d
                                .target_health()
                                .and_then(|t| t.state())
                                .map(|s| s.as_str().to_string())
                                .unwrap_or_default(),
                            reason: d
                                .target_health()
                                .and_then(|t| t.reason())
                                .map(|r| r.as_str().to_string()),
                            description: d
                                .target_health()
                                .and_then(|t| t.description())
                                .map(str::to_string),
                        })
                        .collect(),
                ),
                Err(e) => {
                    Fetched::Failed(call_error("elasticloadbalancing:DescribeTargetHealth", &e))
                }
            },
        })
        .collect())
}

/// Tags, listeners, TLS policies and target groups of the ALB candidates.
pub(super) async fn ingress(
    c: &Clients,
    lbs: Fetched<Vec<LoadBalancer>>,
    vpc: Result<String, CallError>,
    target: &TargetSpec,
    want_health: bool,
    want_waf: bool,
) -> Ingress {
    let fail_all = |e: CallError| Ingress {
        load_balancers: Fetched::Failed(e.clone()),
        listeners: Fetched::Failed(e.clone()),
        ssl_policies: Fetched::Failed(e.clone()),
        target_groups: if want_health {
            Fetched::Failed(e.clone())
        } else {
            Fetched::NotCollected
        },
        web_acls: if want_waf {
            Fetched::Failed(e)
        } else {
            Fetched::NotCollected
        },
    };
    let mut lbs = match lbs {
        Fetched::Ok(l) => l,
        Fetched::Failed(e) => return fail_all(e),
        Fetched::NotCollected => return Ingress::default(),
    };
    let vpc = match (vpc, target.alb.is_some()) {
        (Ok(v), _) => Some(v),
        (Err(_), true) => None,
        (Err(e), false) => return fail_all(e),
    };
    // Keep the account's other load balancers out of the inventory.
    lbs.retain(|lb| target.alb.is_some() || lb.vpc_id == vpc);
    let arns: Vec<String> = lbs.iter().map(|l| l.arn.clone()).collect();
    match tags_of(c, arns).await {
        Ok(mut tags) => {
            for lb in &mut lbs {
                lb.tags = tags.remove(&lb.arn).unwrap_or_default();
            }
        }
        Err(e) => return fail_all(e),
    }
    let arns: Vec<String> = candidates(&lbs, vpc.as_deref(), target)
        .lbs
        .into_iter()
        .map(|l| l.arn.clone())
        .collect();
    let claimed = std::sync::Mutex::new(BTreeSet::new());
    let claimed = &claimed;
    let per_lb: Vec<_> = futures::stream::iter(arns.iter())
        .map(|arn| async move {
            let tgs = async {
                if want_health {
                    Some(target_groups_of(c, arn).await)
                } else {
                    None
                }
            };
            let waf = async {
                if want_waf {
                    Some(web_acl_for(c, arn).await)
                } else {
                    None
                }
            };
            futures::join!(listeners_of(c, arn, claimed), tgs, waf)
        })
        .buffered(FAN_OUT)
        .collect()
        .await;
    let mut listeners = Vec::new();
    let mut groups = Vec::new();
    let mut acls = Vec::new();
    let mut policies = Vec::new();
    let mut listener_err = None;
    let mut policy_err = None;
    let mut group_err = None;
    let mut waf_err = None;
    for (ls, tgs, waf) in per_lb {
        match waf {
            Some(Ok(a)) => acls.push(a),
            Some(Err(e)) => waf_err = waf_err.or(Some(e)),
            None => {}
        }
        match ls {
            Ok((l, p)) => {
                listeners.extend(l);
                match p {
                    Ok(p) => policies.extend(p),
                    Err(e) => policy_err = policy_err.or(Some(e)),
                }
            }
            Err(e) => listener_err = listener_err.or(Some(e)),
        }
        match tgs {
            Some(Ok(t)) => groups.extend(t),
            Some(Err(e)) => group_err = group_err.or(Some(e)),
            None => {}
        }
    }
    listeners.sort_by_key(|l| (l.load_balancer_arn.clone(), l.port, l.arn.clone()));
    policies.sort_by(|a, b| a.name.cmp(&b.name));
    let policies = match (listener_err.clone(), policy_err) {
        (Some(e), _) | (None, Some(e)) => Fetched::Failed(e),
        (None, None) => Fetched::Ok(policies),
    };
    Ingress {
        load_balancers: Fetched::Ok(lbs),
        listeners: match listener_err {
            Some(e) => Fetched::Failed(e),
            None => Fetched::Ok(listeners),
        },
        ssl_policies: policies,
        target_groups: match (want_health, group_err) {
            (false, _) => Fetched::NotCollected,
            (true, Some(e)) => Fetched::Failed(e),
            (true, None) => Fetched::Ok(groups),
        },
        web_acls: match (want_waf, waf_err) {
            (false, _) => Fetched::NotCollected,
            (true, Some(e)) => Fetched::Failed(e),
            (true, None) => Fetched::Ok(acls),
        },
    }
}
