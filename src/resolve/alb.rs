//! The ALB that serves LangSmith, with its listeners and target groups.
//! [`candidates`] is the one rule for which load balancers can be it:
//! collection fetches listeners and target groups for exactly these.

use super::certificate;
use super::{need, pick_one, Problem};
use crate::model::{Fetched, Inventory, Listener, LoadBalancer, TargetGroup, TargetSpec};
use crate::names::lb_dns_name;

/// Tag the AWS Load Balancer Controller puts on the resources it creates.
pub const LBC_CLUSTER_TAG: &str = "elbv2.k8s.aws/cluster";

pub struct Alb<'a> {
    pub lb: &'a LoadBalancer,
    pub listeners: Vec<&'a Listener>,
    /// The target groups that serve the domain: on a shared ALB (an
    /// IngressGroup), those its listener rules send the domain's requests to.
    pub target_groups: Vec<&'a TargetGroup>,
    /// How it was chosen, for evidence.
    pub chosen_by: String,
    /// Which target groups were judged and which were left out as another
    /// application's, and by which rule.
    pub attribution: Vec<String>,
}

/// Why the load balancers in [`Candidates`] were picked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CandidateRule {
    /// `--alb` named it (by ARN or name).
    Explicit,
    /// The controller tagged them for the cluster.
    Tagged,
    /// No ALB of the VPC is tagged for the cluster: every ALB of the VPC
    /// that is not tagged for another cluster.
    InVpc,
}

pub struct Candidates<'a> {
    pub rule: CandidateRule,
    pub lbs: Vec<&'a LoadBalancer>,
}

/// The load balancers that can be LangSmith's: the one `--alb` names, else
/// the VPC's ALBs the controller tagged for the cluster, else the VPC's ALBs
/// not tagged for another cluster.
pub fn candidates<'a>(
    lbs: &'a [LoadBalancer],
    vpc: Option<&str>,
    target: &TargetSpec,
) -> Candidates<'a> {
    if let Some(want) = target.alb.as_deref() {
        return Candidates {
            rule: CandidateRule::Explicit,
            lbs: lbs
                .iter()
                .filter(|lb| lb.arn == want || lb.name == want)
                .collect(),
        };
    }
    let in_vpc: Vec<&LoadBalancer> = lbs
        .iter()
        .filter(|lb| lb.vpc_id.as_deref() == vpc && lb.lb_type == "application")
        .collect();
    let tagged: Vec<&LoadBalancer> = in_vpc
        .iter()
        .copied()
        .filter(|lb| lb.tags.get(LBC_CLUSTER_TAG) == Some(&target.cluster))
        .collect();
    if tagged.is_empty() {
        // An ALB the controller made for another cluster is never ours.
        Candidates {
            rule: CandidateRule::InVpc,
            lbs: in_vpc
                .into_iter()
                .filter(|lb| !lb.tags.contains_key(LBC_CLUSTER_TAG))
                .collect(),
        }
    } else {
        Candidates {
            rule: CandidateRule::Tagged,
            lbs: tagged,
        }
    }
}

/// True when one of the load balancer's HTTPS listeners serves a
/// certificate that covers the domain.
fn serves_domain(inv: &Inventory, listeners: &[Listener], lb: &LoadBalancer) -> bool {
    listeners
        .iter()
        .filter(|l| l.load_balancer_arn == lb.arn && l.protocol == "HTTPS")
        .flat_map(|l| l.certificates.iter())
        .filter_map(|c| certificate::lookup(inv, &c.arn))
        .any(|c| certificate::covers(c, &inv.target.domain))
}

pub(crate) fn resolve<'a>(inv: &'a Inventory, vpc: Option<&str>) -> Result<Alb<'a>, Problem> {
    let lbs = need(&inv.load_balancers, "load balancers")?;
    let listeners = need(&inv.listeners, "listeners")?;
    let cluster = &inv.target.cluster;
    let domain = &inv.target.domain;
    let (lb, chosen_by) = if let Some(want) = inv.target.alb.as_deref() {
        let lb = candidates(lbs, vpc, &inv.target)
            .lbs
            .into_iter()
            .next()
            .ok_or_else(|| {
                Problem::Missing(format!(
                    "--alb {want}: no load balancer with that ARN or name in {}",
                    inv.region
                ))
            })?;
        (lb, format!("given by --alb {want}"))
    } else {
        let vpc = vpc.ok_or_else(|| Problem::Undetermined {
            message: "the VPC is unknown, so the ALB cannot be discovered".into(),
            hint: "pass --vpc or --alb".into(),
        })?;
        let found = candidates(lbs, Some(vpc), &inv.target);
        let serving = |pool: &[&'a LoadBalancer]| -> Vec<&'a LoadBalancer> {
            pool.iter()
                .copied()
                .filter(|lb| serves_domain(inv, listeners, lb))
                .collect()
        };
        // The domain's DNS record, when it points at one candidate (directly
        // or through a CloudFront distribution's origin), is the strongest
        // sign of which ALB serves it.
        let dns_target = |pool: &[&'a LoadBalancer]| -> Option<&'a LoadBalancer> {
            let targets = super::cdn::record_destinations(inv)?;
            let hits: Vec<&'a LoadBalancer> = pool
                .iter()
                .copied()
                .filter(|lb| {
                    lb.dns_name
                        .as_deref()
                        .is_some_and(|d| targets.contains(&lb_dns_name(d)))
                })
                .collect();
            (hits.len() == 1).then(|| hits[0])
        };
        let (pool, how) = match found.rule {
            CandidateRule::InVpc => {
                let s = serving(&found.lbs);
                match (s.len(), dns_target(&s)) {
                    (2.., Some(lb)) => (
                        vec![lb],
                        format!(
                            "serving a certificate for {domain}, and the one its DNS record points at"
                        ),
                    ),
                    _ => (
                        s,
                        format!(
                            "the only ALB in {vpc} whose HTTPS listener serves a certificate for {domain}"
                        ),
                    ),
                }
            }
            // Several controller-made ALBs: prefer the one serving the domain,
            // then the one its DNS record points at.
            _ if found.lbs.len() > 1 => match serving(&found.lbs) {
                s if s.len() == 1 => (
                    s,
                    format!("tagged {LBC_CLUSTER_TAG}={cluster} and serving {domain}"),
                ),
                s => match dns_target(if s.is_empty() { &found.lbs } else { &s }) {
                    Some(lb) => (
                        vec![lb],
                        format!(
                            "tagged {LBC_CLUSTER_TAG}={cluster}, and the one {domain}'s DNS record points at"
                        ),
                    ),
                    None => (found.lbs, String::new()),
                },
            },
            _ => (
                found.lbs,
                format!("tagged {LBC_CLUSTER_TAG}={cluster} by the AWS Load Balancer Controller"),
            ),
        };
        // A network load balancer of the cluster's where P0 wants an ALB.
        let legacy = format!("kubernetes.io/cluster/{cluster}");
        let nlbs: Vec<&str> = lbs
            .iter()
            .filter(|lb| lb.vpc_id.as_deref() == Some(vpc) && lb.lb_type == "network")
            .filter(|lb| {
                lb.tags.get(LBC_CLUSTER_TAG) == Some(cluster) || lb.tags.contains_key(&legacy)
            })
            .map(|lb| lb.name.as_str())
            .collect();
        // ALBs the controller made for other clusters: never ours, but named.
        let others: Vec<String> = lbs
            .iter()
            .filter(|lb| lb.vpc_id.as_deref() == Some(vpc) && lb.lb_type == "application")
            .filter_map(|lb| {
                let c = lb.tags.get(LBC_CLUSTER_TAG)?;
                (c != cluster).then(|| format!("{} (tagged {LBC_CLUSTER_TAG}={c})", lb.name))
            })
            .collect();
        let lb = pick_one(
            pool,
            |lb| lb.name.clone(),
            || {
                let looked = format!(
                    "no ALB for the deployment in {vpc}: looked for application load balancers tagged {LBC_CLUSTER_TAG}={cluster}, then for any whose HTTPS listener serves a certificate for {domain}"
                );
                let looked = if others.is_empty() {
                    looked
                } else {
                    format!(
                        "{looked}; left out as other clusters' ALBs: {}",
                        others.join(", ")
                    )
                };
                if nlbs.is_empty() {
                    looked
                } else {
                    format!(
                        "{looked}; found network load balancer(s) of the cluster instead: {} — the P0 ingress is an ALB (HTTPS termination with an ACM certificate, WAF, host routing; INGRESS.md Supported Ingress), so expose LangSmith through an Ingress of class alb rather than a Service of type LoadBalancer",
                        nlbs.join(", ")
                    )
                }
            },
            "ALBs",
            "--alb",
        )?;
        (lb, how)
    };
    let tgs: Vec<&TargetGroup> = match &inv.target_groups {
        Fetched::Ok(t) => t
            .iter()
            .filter(|t| t.load_balancer_arns.contains(&lb.arn))
            .collect(),
        _ => Vec::new(),
    };
    let listeners: Vec<&Listener> = listeners
        .iter()
        .filter(|l| l.load_balancer_arn == lb.arn)
        .collect();
    let (target_groups, attribution) = attribute(&listeners, tgs, domain);
    Ok(Alb {
        lb,
        listeners,
        target_groups,
        chosen_by,
        attribution,
    })
}

/// Which of the ALB's target groups serve `domain`. With every listener's
/// rules known: the target groups of rules whose host header matches the
/// domain, or that match any host; a listener's default action counts only
/// when none of its host rules matches. Target groups only other hosts'
/// rules reach are another application's on a shared ALB. Without the rules
/// (or when nothing would be left), every target group is judged.
fn attribute<'a>(
    listeners: &[&Listener],
    tgs: Vec<&'a TargetGroup>,
    domain: &str,
) -> (Vec<&'a TargetGroup>, Vec<String>) {
    let mut ours: Vec<(String, String)> = Vec::new();
    let mut theirs: Vec<(String, String)> = Vec::new();
    for l in listeners {
        let Fetched::Ok(rules) = &l.rules else {
            return (tgs, Vec::new());
        };
        let mut matched = false;
        for r in rules.iter().filter(|r| !r.is_default) {
            let arns = r.actions.iter().flat_map(|a| a.target_group_arns.iter());
            let why = format!("{} {} rule {}", l.protocol, l.port, r.priority);
            let for_us =
                r.host_headers.is_empty() || r.host_headers.iter().any(|h| host_matches(h, domain));
            if for_us {
                matched |= !r.host_headers.is_empty();
                ours.extend(arns.map(|a| (a.clone(), why.clone())));
            } else {
                theirs.extend(arns.map(|a| {
                    (
                        a.clone(),
                        format!("{why} (host {})", r.host_headers.join(" or ")),
                    )
                }));
            }
        }
        let default = l
            .default_actions
            .iter()
            .flat_map(|a| a.target_group_arns.iter())
            .map(|a| {
                (
                    a.clone(),
                    format!("{} {} default action", l.protocol, l.port),
                )
            });
        if matched {
            theirs.extend(default);
        } else {
            ours.extend(default);
        }
    }
    let is_ours = |arn: &str| ours.iter().any(|(a, _)| a == arn);
    let judged: Vec<&TargetGroup> = tgs.iter().copied().filter(|t| is_ours(&t.arn)).collect();
    if judged.is_empty() {
        return (tgs, Vec::new());
    }
    let mut notes = Vec::new();
    for t in &judged {
        let via: Vec<&str> = ours
            .iter()
            .filter(|(a, _)| *a == t.arn)
            .map(|(_, w)| w.as_str())
            .collect();
        notes.push(format!(
            "judged target group {} (serves {domain}: {})",
            t.name,
            via.join(", ")
        ));
    }
    for t in tgs.iter().filter(|t| !is_ours(&t.arn)) {
        let via: Vec<&str> = theirs
            .iter()
            .filter(|(a, _)| *a == t.arn)
            .map(|(_, w)| w.as_str())
            .collect();
        notes.push(format!(
            "left out target group {} as another application's{}",
            t.name,
            if via.is_empty() {
                String::new()
            } else {
                format!(" ({})", via.join(", "))
            }
        ));
    }
    (judged, notes)
}

/// An ALB host-header condition value (`*` and `?` wildcards, any case)
/// against the domain.
fn host_matches(pattern: &str, domain: &str) -> bool {
    fn matches(p: &[u8], s: &[u8]) -> bool {
        match (p.first(), s.first()) {
            (None, None) => true,
            (Some(b'*'), _) => matches(&p[1..], s) || (!s.is_empty() && matches(p, &s[1..])),
            (Some(b'?'), Some(_)) => matches(&p[1..], &s[1..]),
            (Some(a), Some(b)) if a.eq_ignore_ascii_case(b) => matches(&p[1..], &s[1..]),
            _ => false,
        }
    }
    matches(
        pattern.trim_end_matches('.').as_bytes(),
        domain.trim_end_matches('.').as_bytes(),
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn host_header_wildcards() {
        use super::host_matches as m;
        assert!(m("langsmith.example.com", "langsmith.example.com"));
        assert!(m("LangSmith.Example.com", "langsmith.example.com"));
        assert!(m("*.example.com", "langsmith.example.com"));
        assert!(m("langsmith.example.???", "langsmith.example.com"));
        assert!(!m("*.example.org", "langsmith.example.com"));
        assert!(!m("other.example.com", "langsmith.example.com"));
    }
}
