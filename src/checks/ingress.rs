//! `ingress.*` requirements: the ALB, its listeners and its targets.

use std::collections::BTreeSet;

use super::prefix_list_failure;
use crate::check::{need, resolved, Ctx, Outcome, Problem, Verdict};
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
    let mut unknown: Vec<String> = Vec::new();
    for z in &lb.zones {
        let Some(sid) = z.subnet_id.as_deref() else {
            continue;
        };
        match net.get(sid) {
            Some(info) if !info.routing_known => {
                evidence.push(format!("zone {}: {}", z.zone, info.describe()));
                unknown.push(sid.to_string());
            }
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
    let v = if problems.is_empty() && !unknown.is_empty() {
        Verdict::new(
            Status::Warn,
            format!(
                "ALB {} is active, {}, across {} AZs, but the routing of its subnet(s) {} is not visible to this account (shared VPC?): run aws ec2 describe-route-tables in the VPC owner's account",
                lb.name,
                lb.scheme,
                zones.len(),
                unknown.join(", ")
            ),
        )
    } else if problems.is_empty() {
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

/// An action, for evidence.
fn describe_action(act: &crate::model::ListenerAction) -> String {
    match act.action_type.as_str() {
        "redirect" => format!(
            "redirect to {}:{}",
            act.redirect_protocol.as_deref().unwrap_or("#{protocol}"),
            act.redirect_port.as_deref().unwrap_or("#{port}")
        ),
        "forward" => format!("forward to {}", act.target_group_arns.join(", ")),
        other => other.to_string(),
    }
}

/// A rule's conditions, for evidence.
fn conditions(r: &crate::model::ListenerRule) -> String {
    let mut c = Vec::new();
    if !r.host_headers.is_empty() {
        c.push(format!("host {}", r.host_headers.join(" or ")));
    }
    if !r.path_patterns.is_empty() {
        c.push(format!("path {}", r.path_patterns.join(" or ")));
    }
    if c.is_empty() {
        "any request".into()
    } else {
        c.join(", ")
    }
}

enum HttpListener {
    /// Nothing is served over plain HTTP: requests are redirected to HTTPS.
    Redirects,
    /// Something is served over plain HTTP (the reason).
    Serves(String),
    /// The default action does not redirect and the rules are not known.
    Unknown(crate::model::CallError),
}

/// What an HTTP listener does: it must forward nothing, and redirect to
/// HTTPS in its default action or in its rules (a fixed 404 by default with
/// a rule that redirects everything is fine).
fn http_listener(l: &crate::model::Listener) -> HttpListener {
    let forwards = |acts: &[crate::model::ListenerAction]| {
        acts.iter()
            .any(|a| !a.target_group_arns.is_empty() || a.action_type == "forward")
    };
    let redirects = |acts: &[crate::model::ListenerAction]| {
        !acts.is_empty()
            && acts.iter().all(|a| {
                a.action_type == "redirect" && a.redirect_protocol.as_deref() == Some("HTTPS")
            })
    };
    if forwards(&l.default_actions) {
        return HttpListener::Serves("its default action forwards".into());
    }
    let default_redirects = redirects(&l.default_actions);
    match &l.rules {
        crate::model::Fetched::Ok(rules) => {
            let rules: Vec<_> = rules.iter().filter(|r| !r.is_default).collect();
            if let Some(r) = rules.iter().find(|r| forwards(&r.actions)) {
                return HttpListener::Serves(format!("rule {} forwards", r.priority));
            }
            if default_redirects || rules.iter().any(|r| redirects(&r.actions)) {
                HttpListener::Redirects
            } else {
                HttpListener::Serves("neither its default action nor a rule redirects".into())
            }
        }
        _ if default_redirects => HttpListener::Redirects,
        crate::model::Fetched::Failed(e) => HttpListener::Unknown(e.clone()),
        // A snapshot from before rules were collected: the default action decides.
        crate::model::Fetched::NotCollected => {
            HttpListener::Serves("its default action does not redirect".into())
        }
    }
}

/// `ingress.https`: HTTPS on 443, every HTTPS listener with a TLS 1.2+
/// policy; HTTP only redirects.
pub fn https(ctx: &Ctx) -> Outcome {
    let a = resolved(&ctx.r.alb)?;
    let policies = need(&ctx.inv.ssl_policies, "TLS security policies")?;
    let mut evidence = Vec::new();
    let mut problems = Vec::new();
    let mut unknown_http: Vec<String> = Vec::new();
    let mut resources = vec![a.lb.arn.clone()];
    let https443: Vec<_> = a
        .listeners
        .iter()
        .filter(|l| l.port == 443 && l.protocol == "HTTPS")
        .collect();
    for l in &a.listeners {
        resources.push(l.arn.clone());
        let actions: Vec<String> = l.default_actions.iter().map(describe_action).collect();
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
            match http_listener(l) {
                HttpListener::Redirects => {}
                HttpListener::Serves(why) => problems.push(format!(
                    "the HTTP listener on {} serves plain HTTP instead of redirecting to HTTPS ({why})",
                    l.port
                )),
                HttpListener::Unknown(e) => unknown_http.push(format!(
                    "the HTTP listener on {}'s default action does not redirect, and its rules are unknown ({} failed: {})",
                    l.port, e.action, e.message
                )),
            }
            if let crate::model::Fetched::Ok(rules) = &l.rules {
                for r in rules.iter().filter(|r| !r.is_default) {
                    evidence.push(format!(
                        "listener HTTP {} rule {}: {} → {}",
                        l.port,
                        r.priority,
                        conditions(r),
                        r.actions
                            .iter()
                            .map(describe_action)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ));
                }
            }
        }
    }
    if https443.is_empty() {
        problems.insert(0, format!("ALB {} has no HTTPS listener on 443", a.lb.name));
    }
    if problems.is_empty() && !unknown_http.is_empty() {
        return Err(Problem::Undetermined {
            message: unknown_http.join("; "),
            hint: "grant elasticloadbalancing:DescribeRules, or check the HTTP listener's rules in the console".into(),
        });
    }
    // Every HTTPS listener counts: one on another port (8443) with an old
    // policy accepts weak TLS just the same.
    for l in a.listeners.iter().filter(|l| l.protocol == "HTTPS") {
        let Some(name) = l.ssl_policy.as_deref() else {
            problems.push(format!(
                "the HTTPS listener on {} reports no security policy",
                l.port
            ));
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
                "the {} listener's policy {name} still allows {}; choose a TLS 1.2+ policy such as ELBSecurityPolicy-TLS13-1-2-2021-06",
                l.port,
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
    let mut evidence = a.attribution.clone();
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

/// `ingress.security-groups`: the ALB admits 443 from the allowed sources and
/// the targets' security groups admit the ALB on every target port.
pub fn security_groups(ctx: &Ctx) -> Outcome {
    use crate::net::{find_admitting_rule_with, rule_allows_tcp_port, Cidr4, Source};
    let a = resolved(&ctx.r.alb)?;
    let net = resolved(&ctx.r.network)?;
    let nodes = resolved(&ctx.r.nodes)?;
    let all = need(&ctx.inv.security_groups, "security groups")?;
    need(&ctx.inv.target_groups, "target groups")?;
    let lb = a.lb;
    let mut evidence = a.attribution.clone();
    let mut gaps = Vec::new();
    // Paths that only a managed prefix list might open (not resolved by the tool).
    let mut unresolved: Vec<String> = Vec::new();
    // Paths AWS shows only in part (a distribution elsewhere): a warning.
    let mut cautions: Vec<String> = Vec::new();
    let mut via_cloudfront = false;
    let groups_of = |ids: &[String]| -> Vec<&crate::model::SecurityGroup> {
        all.iter().filter(|g| ids.contains(&g.id)).collect()
    };
    let alb_sgs = groups_of(&lb.security_groups);
    if alb_sgs.is_empty() {
        return Err(Problem::Missing(format!(
            "ALB {} has no security group in the VPC (TROUBLESHOOTING §1)",
            lb.name
        )));
    }
    // 1. Clients → ALB on 443.
    let internet = lb.scheme == "internet-facing";
    let allowed: Vec<String> = match &ctx.settings.alb_allowed_cidrs {
        Some(c) => c.clone(),
        None if internet => vec!["0.0.0.0/0".to_string()],
        None => Vec::new(),
    };
    if allowed.is_empty() {
        let any = alb_sgs
            .iter()
            .flat_map(|g| g.ingress.iter().map(move |r| (g, r)))
            .find(|(_, r)| rule_allows_tcp_port(r, 443));
        match any {
            Some((g, r)) => evidence.push(format!(
                "internal ALB: 443 admitted by {}",
                crate::net::describe_rule(&g.id, r, &r.ipv4_cidrs.join(", "))
            )),
            None => gaps.push("no rule on the ALB's security groups admits TCP 443".to_string()),
        }
    }
    // Rules admitting 443 through CloudFront's origin-facing list: the same for every source.
    let cloudfront = cloudfront_rules(ctx, &alb_sgs);
    for cidr in &allowed {
        let src = Source {
            label: cidr.clone(),
            security_groups: Vec::new(),
            cidr: cidr.parse::<Cidr4>().ok(),
            cidr6: None,
        };
        match find_admitting_rule_with(&alb_sgs, &src, 443, &ctx.r.prefix_lists) {
            Some(rule) => evidence.push(format!("clients {cidr} → ALB:443 allowed by {rule}")),
            None => {
                // An ALB open on 443 only to prefix lists — CloudFront's
                // origin-facing list in front of it, say — has other clients
                // than the ones asked for: whether that is right is not for
                // the entries to say, even when they are known.
                let pl =
                    crate::net::prefix_list_rules(&alb_sgs, 443, &crate::net::PrefixLists::new());
                if pl.is_empty() {
                    gaps.push(format!(
                        "the ALB's security groups ({}) do not admit TCP 443 from {cidr}",
                        lb.security_groups.join(", ")
                    ))
                } else if !cloudfront.is_empty() {
                    // CloudFront's origin-facing servers are the ALB's clients:
                    // the path holds when a distribution has this ALB as origin.
                    need(&ctx.inv.distributions, "CloudFront distributions")?;
                    let lb_dns = lb.dns_name.as_deref().unwrap_or_default();
                    let fronting: Vec<String> = crate::resolve::cdn::fronting(ctx.inv, lb_dns)
                        .iter()
                        .map(|d| format!("{} ({})", d.id, d.domain_name))
                        .collect();
                    if fronting.is_empty() {
                        cautions.push(format!(
                            "ALB:443 admits only CloudFront's origin-facing servers ({}), but no enabled CloudFront distribution of this account has ALB {} as an origin: clients reach it only through a distribution this account does not show (check its origin with `aws cloudfront list-distributions` where it lives)",
                            cloudfront.join("; "),
                            lb.name
                        ));
                    } else {
                        evidence.push(format!(
                            "clients {cidr} → CloudFront distribution {} → ALB:443 allowed by {} (CloudFront's origin-facing prefix list)",
                            fronting.join(", "),
                            cloudfront.join("; ")
                        ));
                        via_cloudfront = true;
                    }
                } else {
                    unresolved.push(format!(
                        "clients {cidr} → ALB:443 only via {} (a prefix list fronts the ALB, e.g. CloudFront's origin-facing list: if so, pass its CIDRs with --alb-allowed-cidrs or waive this)",
                        pl.join("; ")
                    ))
                }
            }
        }
    }
    // 2. ALB → targets on every target port.
    let alb_sources: Vec<Source> = lb
        .zones
        .iter()
        .filter_map(|z| z.subnet_id.as_deref())
        .map(|s| Source {
            label: format!("ALB in {s}"),
            security_groups: lb.security_groups.clone(),
            cidr: net.get(s).and_then(|i| i.subnet.cidr.parse().ok()),
            cidr6: None,
        })
        .collect();
    // Each target group's registered target ports, else its own port.
    let mut ports = std::collections::BTreeSet::new();
    for tg in &a.target_groups {
        let registered: BTreeSet<i32> = tg
            .health
            .ok()
            .into_iter()
            .flatten()
            .filter_map(|t| t.port)
            .collect();
        if registered.is_empty() {
            ports.extend(tg.port);
        } else {
            ports.extend(registered);
        }
    }
    let targets: std::collections::BTreeSet<&str> = a
        .target_groups
        .iter()
        .filter_map(|tg| tg.health.ok())
        .flat_map(|h| h.iter().map(|t| t.id.as_str()))
        .collect();
    // Instance targets: their own security groups; IP targets (pods): every node's.
    let target_nodes: Vec<_> = nodes
        .nodes
        .iter()
        .filter(|n| {
            targets.contains(n.label.as_str()) || !targets.iter().any(|t| t.starts_with("i-"))
        })
        .collect();
    let mut seen = std::collections::BTreeSet::new();
    for n in &target_nodes {
        if !seen.insert(n.security_groups.clone()) {
            continue;
        }
        let node_sgs = groups_of(&n.security_groups);
        for port in &ports {
            for src in &alb_sources {
                match find_admitting_rule_with(&node_sgs, src, *port, &ctx.r.prefix_lists) {
                    Some(rule) => evidence.push(format!(
                        "{} → targets ({}):{port} allowed by {rule}",
                        src.label,
                        n.security_groups.join(", ")
                    )),
                    None => {
                        let pl =
                            crate::net::prefix_list_rules(&node_sgs, *port, &ctx.r.prefix_lists);
                        if pl.is_empty() {
                            gaps.push(format!(
                                "the targets' security groups ({}) do not admit TCP {port} from the ALB ({} or its subnet {})",
                                n.security_groups.join(", "),
                                lb.security_groups.join(", "),
                                src.cidr.map(|c| c.to_string()).unwrap_or_default()
                            ))
                        } else {
                            unresolved.push(format!(
                                "{} → targets:{port} only via {}",
                                src.label,
                                pl.join("; ")
                            ))
                        }
                    }
                }
            }
        }
    }
    gaps.dedup();
    unresolved.dedup();
    if gaps.is_empty() && !unresolved.is_empty() {
        return Err(Problem::Undetermined {
            message: format!(
                "{} — a managed prefix list decides, and this tool cannot tell whether it holds the sources asked for{}",
                unresolved.join("; "),
                prefix_list_failure(ctx)
            ),
            hint: "check the prefix list's entries (aws ec2 get-managed-prefix-list-entries), or admit the sources by security group or CIDR".into(),
        });
    }
    let mut resources = lb.security_groups.clone();
    resources.extend(
        target_nodes
            .iter()
            .flat_map(|n| n.security_groups.iter().cloned()),
    );
    let v = if gaps.is_empty() && !cautions.is_empty() {
        Verdict::new(Status::Warn, cautions.join("; "))
    } else if gaps.is_empty() {
        Verdict::new(
            Status::Pass,
            format!(
                "the ALB admits 443 from {} and the targets admit the ALB on port(s) {}",
                if via_cloudfront {
                    "CloudFront, which fronts it".to_string()
                } else if allowed.is_empty() {
                    "its clients".to_string()
                } else {
                    allowed.join(", ")
                },
                ports
                    .iter()
                    .map(|p| p.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )
    } else {
        Verdict::new(Status::Fail, gaps.join("; "))
    };
    Ok(v.evidence(evidence).resources(resources))
}

/// The rules on `groups` that admit TCP 443 through CloudFront's
/// origin-facing managed prefix list (recognised by its name).
fn cloudfront_rules(ctx: &Ctx, groups: &[&crate::model::SecurityGroup]) -> Vec<String> {
    let cloudfront: Vec<&str> = ctx
        .inv
        .prefix_lists
        .ok()
        .into_iter()
        .flatten()
        .filter(|p| p.name.as_deref() == Some(crate::names::CLOUDFRONT_ORIGIN_FACING))
        .map(|p| p.id.as_str())
        .collect();
    groups
        .iter()
        .flat_map(|g| g.ingress.iter().map(move |r| (g, r)))
        .filter(|(_, r)| crate::net::rule_allows_tcp_port(r, 443))
        .filter_map(|(g, r)| {
            let ids: Vec<&str> = r
                .prefix_lists
                .iter()
                .map(String::as_str)
                .filter(|p| cloudfront.contains(p))
                .collect();
            (!ids.is_empty()).then(|| crate::net::describe_rule(&g.id, r, &ids.join(", ")))
        })
        .collect()
}

/// `ingress.waf`: a WAFv2 web ACL is associated with the ALB.
pub fn waf(ctx: &Ctx) -> Outcome {
    let a = resolved(&ctx.r.alb)?;
    let acls = need(&ctx.inv.web_acls, "WAF associations")?;
    let acl = acls
        .iter()
        .find(|w| w.resource_arn == a.lb.arn)
        .and_then(|w| {
            w.web_acl_arn
                .as_ref()
                .map(|arn| (arn, w.web_acl_name.as_deref()))
        });
    Ok(match acl {
        Some((arn, name)) => Verdict::new(
            Status::Pass,
            format!("web ACL {} protects ALB {}", name.unwrap_or(arn), a.lb.name),
        )
        .resources(vec![arn.clone()]),
        None => {
            // A web ACL on a CloudFront distribution in front of the ALB
            // filters the same traffic before it reaches the ALB.
            let lb_dns = a.lb.dns_name.as_deref().unwrap_or_default();
            let fronted: Vec<(&str, &str)> = crate::resolve::cdn::fronting(ctx.inv, lb_dns)
                .into_iter()
                .filter_map(|d| d.web_acl_id.as_deref().map(|w| (d.id.as_str(), w)))
                .collect();
            match fronted.first() {
                Some((dist, acl)) => Verdict::new(
                    Status::Pass,
                    format!(
                        "web ACL {acl} protects CloudFront distribution {dist}, which fronts ALB {}",
                        a.lb.name
                    ),
                )
                .evidence(vec![format!(
                    "no web ACL on ALB {} itself; CloudFront distribution {dist} in front of it has {acl}",
                    a.lb.name
                )])
                .resources(vec![acl.to_string()]),
                None => Verdict::new(
                    Status::Warn,
                    format!("no WAFv2 web ACL is associated with ALB {}", a.lb.name),
                )
                .resources(vec![a.lb.arn.clone()]),
            }
        }
    })
}

/// `ingress.single-entry`: no other internet-facing load balancer of the cluster.
pub fn single_entry(ctx: &Ctx) -> Outcome {
    let a = resolved(&ctx.r.alb)?;
    let lbs = need(&ctx.inv.load_balancers, "load balancers")?;
    let cluster = &ctx.inv.target.cluster;
    let legacy = format!("kubernetes.io/cluster/{cluster}");
    let extra: Vec<String> = lbs
        .iter()
        .filter(|lb| lb.arn != a.lb.arn && lb.scheme == "internet-facing")
        .filter(|lb| {
            lb.tags.get(crate::resolve::alb::LBC_CLUSTER_TAG) == Some(cluster)
                || lb.tags.contains_key(&legacy)
        })
        .map(|lb| {
            let owner = lb
                .tags
                .get("service.k8s.aws/stack")
                .or_else(|| lb.tags.get("ingress.k8s.aws/stack"))
                .map(|s| format!(", created for {s}"))
                .unwrap_or_default();
            format!("{} ({} load balancer{owner})", lb.name, lb.lb_type)
        })
        .collect();
    Ok(if extra.is_empty() {
        Verdict::new(
            Status::Pass,
            format!(
                "ALB {} is the only internet-facing load balancer of the cluster",
                a.lb.name
            ),
        )
    } else {
        Verdict::new(
            Status::Warn,
            format!(
                "{} more internet-facing load balancer(s) of the cluster besides ALB {}: {}",
                extra.len(),
                a.lb.name,
                extra.join(", ")
            ),
        )
        .evidence(extra)
    })
}
