//! The ALB that serves LangSmith, with its listeners and target groups.
//! [`candidates`] is the one rule for which load balancers can be it:
//! collection fetches listeners and target groups for exactly these.

use super::certificate;
use super::{need, pick_one, Problem};
use crate::model::{Fetched, Inventory, Listener, LoadBalancer, TargetGroup, TargetSpec};

/// Tag the AWS Load Balancer Controller puts on the resources it creates.
pub const LBC_CLUSTER_TAG: &str = "elbv2.k8s.aws/cluster";

pub struct Alb<'a> {
    pub lb: &'a LoadBalancer,
    pub listeners: Vec<&'a Listener>,
    pub target_groups: Vec<&'a TargetGroup>,
    /// How it was chosen, for evidence.
    pub chosen_by: String,
}

/// Why the load balancers in [`Candidates`] were picked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CandidateRule {
    /// `--alb` named it (by ARN or name).
    Explicit,
    /// The controller tagged them for the cluster.
    Tagged,
    /// No ALB of the VPC is tagged for the cluster: every ALB of the VPC.
    InVpc,
}

pub struct Candidates<'a> {
    pub rule: CandidateRule,
    pub lbs: Vec<&'a LoadBalancer>,
}

/// The load balancers that can be LangSmith's: the one `--alb` names, else
/// the VPC's ALBs the controller tagged for the cluster, else all the VPC's ALBs.
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
        Candidates {
            rule: CandidateRule::InVpc,
            lbs: in_vpc,
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
        let (pool, how) = match found.rule {
            CandidateRule::InVpc => (
                serving(&found.lbs),
                format!(
                    "the only ALB in {vpc} whose HTTPS listener serves a certificate for {domain}"
                ),
            ),
            // Several controller-made ALBs: prefer the one serving the domain.
            _ if found.lbs.len() > 1 => match serving(&found.lbs) {
                s if s.len() == 1 => (
                    s,
                    format!("tagged {LBC_CLUSTER_TAG}={cluster} and serving {domain}"),
                ),
                _ => (found.lbs, String::new()),
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
        let lb = pick_one(
            pool,
            |lb| lb.name.clone(),
            || {
                let looked = format!(
                    "no ALB for the deployment in {vpc}: looked for application load balancers tagged {LBC_CLUSTER_TAG}={cluster}, then for any whose HTTPS listener serves a certificate for {domain}"
                );
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
    let tgs = match &inv.target_groups {
        Fetched::Ok(t) => t
            .iter()
            .filter(|t| t.load_balancer_arns.contains(&lb.arn))
            .collect(),
        _ => Vec::new(),
    };
    Ok(Alb {
        lb,
        listeners: listeners
            .iter()
            .filter(|l| l.load_balancer_arn == lb.arn)
            .collect(),
        target_groups: tgs,
        chosen_by,
    })
}
