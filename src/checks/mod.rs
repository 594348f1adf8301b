//! The logic of each requirement, one named function per id, one file per
//! area (the id's prefix): `eks.capacity` is `eks::capacity`. The data
//! (title, thresholds, remediation, reference) is in `checks/<id>.toml`; the
//! resolved components the function reads are in `crate::resolve`.

pub mod clickhouse;
pub mod dns;
pub mod eks;
pub mod ingress;
pub mod network;
pub mod postgres;
pub mod redis;
pub mod storage;
pub mod tls;

use crate::check::{need, resolved, Ctx, Outcome, Problem, Verdict};
use crate::model::SecurityGroup;
use crate::net::find_admitting_rule_with;
use crate::report::Status;

/// Why prefix-list entries are missing, for messages: the failed call, if any.
pub(crate) fn prefix_list_failure(ctx: &Ctx) -> String {
    match ctx.inv.prefix_lists.error() {
        Some(e) => format!(" ({} failed: {})", e.action, e.message),
        None => String::new(),
    }
}

/// Shared by `postgres.reachable` and `redis.reachable`: do the data store's
/// security groups admit TCP `port` from every worker node?
pub(crate) fn nodes_reach(
    ctx: &Ctx,
    what: &str,
    id: &str,
    store_sgs: &[String],
    port: i32,
    port_note: &str,
) -> Outcome {
    let net = resolved(&ctx.r.network)?;
    let nodes = resolved(&ctx.r.nodes)?;
    let all_sgs = need(&ctx.inv.security_groups, "security groups")?;
    if store_sgs.is_empty() {
        return Err(Problem::Undetermined {
            message: format!("{what} {id} reported no security groups"),
            hint: format!(
                "check the security groups of {id} in the console; every VPC resource has at least one"
            ),
        });
    }
    let mut evidence = Vec::new();
    let mut groups: Vec<&SecurityGroup> = Vec::new();
    for sg in store_sgs {
        match all_sgs.iter().find(|g| &g.id == sg) {
            Some(g) => groups.push(g),
            None => evidence.push(format!(
                "{sg}: not found among the security groups of {} (it cannot admit the nodes)",
                ctx.inv.vpc_id.as_deref().unwrap_or("the VPC")
            )),
        }
    }
    if let Some(note) = &nodes.note {
        evidence.push(note.clone());
    }
    let sources = nodes.sources(net);
    let mut blocked = Vec::new();
    for src in &sources {
        match find_admitting_rule_with(&groups, src, port, &ctx.r.prefix_lists) {
            Some(rule) => evidence.push(format!("{} → {id}:{port}: allowed by {rule}", src.label)),
            None => {
                blocked.push(src.label.clone());
                evidence.push(format!(
                    "{} (security groups {}) → {id}:{port}: no rule admits it",
                    src.label,
                    if src.security_groups.is_empty() {
                        "none".to_string()
                    } else {
                        src.security_groups.join(", ")
                    }
                ));
            }
        }
    }
    for g in &groups {
        for rule in &g.ingress {
            let mut from: Vec<String> = rule.security_groups.clone();
            from.extend(rule.ipv4_cidrs.iter().cloned());
            from.extend(rule.ipv6_cidrs.iter().cloned());
            from.extend(
                rule.prefix_lists
                    .iter()
                    .map(|p| match ctx.r.prefix_lists.get(p) {
                        Some(entries) => format!(
                            "{p} (prefix list: {})",
                            entries
                                .iter()
                                .map(|e| e.to_string())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                        None => format!("{p} (prefix list, entries not known)"),
                    }),
            );
            evidence.push(format!(
                "rule on {}",
                crate::net::describe_rule(&g.id, rule, &from.join(", "))
            ));
        }
    }
    let mut resources = vec![id.to_string()];
    resources.extend(store_sgs.iter().cloned());
    if sources.is_empty() {
        return Err(Problem::Missing(
            "no worker nodes to check reachability from".into(),
        ));
    }
    let unresolved = crate::net::prefix_list_rules(&groups, port, &ctx.r.prefix_lists);
    if !blocked.is_empty() && !unresolved.is_empty() {
        return Err(Problem::Undetermined {
            message: format!(
                "no rule admits TCP {port} to {what} {id} from {} by security group, CIDR or known prefix list, but {} open it to a managed prefix list whose entries are not known{}",
                blocked.join(", "),
                unresolved.join("; "),
                prefix_list_failure(ctx)
            ),
            hint: "check that the prefix list holds the worker nodes' subnets (aws ec2 get-managed-prefix-list-entries), or admit the node security group directly".into(),
        });
    }
    let verdict = if blocked.is_empty() {
        Verdict::new(
            Status::Pass,
            format!(
                "the security groups of {what} {id} admit TCP {port}{port_note} from all {} worker node source(s)",
                sources.len()
            ),
        )
    } else {
        Verdict::new(
            Status::Fail,
            format!(
                "the security groups of {what} {id} ({}) do not admit TCP {port}{port_note} from {} of {} worker node source(s): {}",
                store_sgs.join(", "),
                blocked.len(),
                sources.len(),
                blocked.join(", ")
            ),
        )
    };
    Ok(verdict.evidence(evidence).resources(resources))
}
