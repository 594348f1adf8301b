//! `network.*` requirements.

use std::collections::BTreeSet;

use crate::check::{need, optional, resolved, Ctx, Outcome, Problem, Verdict};
use crate::report::{Stage, Status};
use crate::resolve::{Egress, Network, SubnetInfo};

const ELB_ROLE_TAG: &str = "kubernetes.io/role/elb";

/// `network.single-vpc`: cluster, nodes, Postgres, Redis (and the ALB once
/// installed) share one VPC.
pub fn single_vpc(ctx: &Ctx) -> Outcome {
    let vpc = *resolved(&ctx.r.vpc)?;
    let mut evidence = vec![format!(
        "VPC under check: {vpc} ({})",
        ctx.inv.vpc_source.as_deref().unwrap_or("discovered")
    )];
    let mut outside = Vec::new();
    let mut resources = vec![vpc.to_string()];
    let check = |label: String,
                 got: Option<&str>,
                 evidence: &mut Vec<String>,
                 outside: &mut Vec<String>| match got {
        Some(v) if v == vpc => evidence.push(format!("{label}: {v}")),
        Some(v) => {
            evidence.push(format!("{label}: {v} — outside {vpc}"));
            outside.push(label);
        }
        None => evidence.push(format!("{label}: VPC not reported")),
    };
    let cluster = need(&ctx.inv.cluster, "the EKS cluster")?;
    check(
        format!("EKS cluster {}", cluster.name),
        cluster.vpc_id.as_deref(),
        &mut evidence,
        &mut outside,
    );
    let net = resolved(&ctx.r.network)?;
    match optional(&ctx.r.nodes)? {
        Some(nodes) => {
            for n in &nodes.nodes {
                if n.is_modelled() {
                    for s in &n.subnet_ids {
                        let v = net.get(s).map(|i| i.subnet.vpc_id.as_str());
                        if v.is_none() && n.first_of_group() {
                            evidence.push(format!("node group subnet {s}: not in {vpc}"));
                            outside.push(format!("node group subnet {s}"));
                        }
                    }
                } else {
                    check(
                        format!("node {}", n.label),
                        n.vpc_id.as_deref(),
                        &mut evidence,
                        &mut outside,
                    );
                }
            }
        }
        None => evidence.push("worker nodes: none found (see eks.capacity)".into()),
    }
    match optional(&ctx.r.postgres)? {
        Some(pg) => {
            resources.push(pg.id.to_string());
            check(
                format!("PostgreSQL {} {}", pg.kind, pg.id),
                pg.vpc_id.as_deref(),
                &mut evidence,
                &mut outside,
            )
        }
        None => evidence.push("PostgreSQL: none found (see postgres.version)".into()),
    }
    match optional(&ctx.r.redis)? {
        Some(r) => {
            resources.push(r.id.to_string());
            check(
                format!("Redis {} {}", r.kind, r.id),
                r.vpc_id.as_deref(),
                &mut evidence,
                &mut outside,
            )
        }
        None => evidence.push("Redis: none found (see redis.reachable)".into()),
    }
    if ctx.settings.stage == Stage::Installed {
        match optional(&ctx.r.alb)? {
            Some(a) => {
                resources.push(a.lb.arn.clone());
                check(
                    format!("ALB {}", a.lb.name),
                    a.lb.vpc_id.as_deref(),
                    &mut evidence,
                    &mut outside,
                )
            }
            None => evidence.push("ALB: none found (see ingress.alb)".into()),
        }
    }
    let v = if outside.is_empty() {
        Verdict::new(Status::Pass, format!("every component found is in {vpc}"))
    } else {
        Verdict::new(
            Status::Fail,
            format!("not in {vpc}: {}", outside.join(", ")),
        )
    };
    Ok(v.evidence(evidence).resources(resources))
}

fn azs(subnets: &[&SubnetInfo]) -> BTreeSet<String> {
    subnets
        .iter()
        .map(|s| s.subnet.availability_zone.clone())
        .collect()
}

/// What to say of subnets whose routing this account cannot see.
fn unknown_note(unknown: &[&str]) -> String {
    format!(
        "{} subnet(s) with routing not visible to this account ({}): in a shared VPC the owner account keeps the route tables; run aws ec2 describe-route-tables --filters Name=association.subnet-id,Values=<subnet> in the owner account",
        unknown.len(),
        unknown.join(", ")
    )
}

/// Too few subnets of a kind: a failure, unless subnets whose routing is
/// unknown might make up the difference.
fn too_few(short: String, unknown: &[&str]) -> Verdict {
    if unknown.is_empty() {
        Verdict::new(Status::Fail, short)
    } else {
        Verdict::new(
            Status::Warn,
            format!(
                "{short} among the subnets whose routing is visible; {}",
                unknown_note(unknown)
            ),
        )
    }
}

/// `network.public-subnets`: ≥2 public subnets in ≥2 AZs, usable for the ALB.
/// The `kubernetes.io/role/elb` tag matters only for discovery by AWS Load
/// Balancer Controller versions before 2.12.1: subnets an existing ALB
/// already sits in need no tag, and untagged subnets before the ALB exists
/// are a warning.
pub fn public_subnets(ctx: &Ctx) -> Outcome {
    let net = resolved(&ctx.r.network)?;
    let min_subnets = ctx.num("min_subnets") as usize;
    let min_azs = ctx.num("min_azs") as usize;
    let public: Vec<&SubnetInfo> = net.subnets.values().filter(|s| s.public()).collect();
    let unknown = net.unknown_routing(net.subnets.values().map(|s| &s.subnet.id));
    let tagged_ok = |s: &SubnetInfo| {
        s.subnet
            .tags
            .get(ELB_ROLE_TAG)
            .is_some_and(|v| v == "1" || v.is_empty())
    };
    let tagged: Vec<&SubnetInfo> = public.iter().copied().filter(|s| tagged_ok(s)).collect();
    // Public subnets the ALB (once installed) already sits in.
    let alb_subnets: BTreeSet<&str> = match optional(&ctx.r.alb)? {
        Some(a) => {
            a.lb.zones
                .iter()
                .filter_map(|z| z.subnet_id.as_deref())
                .collect()
        }
        None => BTreeSet::new(),
    };
    let in_use: Vec<&SubnetInfo> = public
        .iter()
        .copied()
        .filter(|s| alb_subnets.contains(s.subnet.id.as_str()))
        .collect();
    let mut evidence: Vec<String> = public
        .iter()
        .map(|s| {
            let tag = match s.subnet.tags.get(ELB_ROLE_TAG) {
                Some(v) if v == "1" || v.is_empty() => format!("tagged {ELB_ROLE_TAG}={v}"),
                Some(v) => format!("tagged {ELB_ROLE_TAG}={v} (must be 1 or empty)"),
                None => format!("not tagged {ELB_ROLE_TAG}"),
            };
            let used = if alb_subnets.contains(s.subnet.id.as_str()) {
                ", the ALB sits in it"
            } else {
                ""
            };
            format!("{}, {tag}{used}", s.describe())
        })
        .collect();
    evidence.extend(
        unknown
            .iter()
            .filter_map(|id| net.get(id))
            .map(|s| s.describe()),
    );
    let resources = public.iter().map(|s| s.subnet.id.clone()).collect();
    let (pa, ta, ua) = (azs(&public), azs(&tagged), azs(&in_use));
    let enough = |n: usize, a: usize| n >= min_subnets && a >= min_azs;
    let v = if !enough(public.len(), pa.len()) {
        too_few(
            format!(
                "{} public subnet(s) in {} AZ(s); the ALB needs at least {min_subnets} in {min_azs} AZs",
                public.len(),
                pa.len()
            ),
            &unknown,
        )
    } else if enough(tagged.len(), ta.len()) {
        Verdict::new(
            Status::Pass,
            format!(
                "{} public subnets tagged {ELB_ROLE_TAG} in {} AZs ({})",
                tagged.len(),
                ta.len(),
                ta.iter().cloned().collect::<Vec<_>>().join(", ")
            ),
        )
    } else if enough(in_use.len(), ua.len()) {
        Verdict::new(
            Status::Pass,
            format!(
                "the ALB sits in {} public subnets in {} AZs ({}); they need no {ELB_ROLE_TAG} tag once it exists",
                in_use.len(),
                ua.len(),
                ua.iter().cloned().collect::<Vec<_>>().join(", ")
            ),
        )
    } else {
        Verdict::new(
            Status::Warn,
            format!(
                "{} public subnets in {} AZs, but only {} are tagged {ELB_ROLE_TAG}=1: AWS Load Balancer Controller versions before 2.12.1 discover ALB subnets by this tag only (later versions, or subnets given in the Ingress annotation alb.ingress.kubernetes.io/subnets, do without it)",
                public.len(),
                pa.len(),
                tagged.len()
            ),
        )
    };
    Ok(v.evidence(evidence).resources(resources))
}

/// `network.private-subnets`: ≥2 private subnets in ≥2 AZs; warn without egress.
pub fn private_subnets(ctx: &Ctx) -> Outcome {
    let net = resolved(&ctx.r.network)?;
    let min_subnets = ctx.num("min_subnets") as usize;
    let min_azs = ctx.num("min_azs") as usize;
    let private: Vec<&SubnetInfo> = net.subnets.values().filter(|s| s.private()).collect();
    let unknown = net.unknown_routing(net.subnets.values().map(|s| &s.subnet.id));
    let no_egress: Vec<&str> = private
        .iter()
        .filter(|s| s.egress == Egress::None)
        .map(|s| s.subnet.id.as_str())
        .collect();
    let mut evidence: Vec<String> = private.iter().map(|s| s.describe()).collect();
    evidence.extend(
        unknown
            .iter()
            .filter_map(|id| net.get(id))
            .map(|s| s.describe()),
    );
    let resources = private.iter().map(|s| s.subnet.id.clone()).collect();
    let a = azs(&private);
    let v = if private.len() < min_subnets || a.len() < min_azs {
        too_few(
            format!(
                "{} private subnet(s) in {} AZ(s); nodes and data stores need at least {min_subnets} in {min_azs} AZs",
                private.len(),
                a.len()
            ),
            &unknown,
        )
    } else if !no_egress.is_empty() {
        Verdict::new(
            Status::Warn,
            format!(
                "{} private subnets in {} AZs, but {} have no NAT egress (no 0.0.0.0/0 route): {}",
                private.len(),
                a.len(),
                no_egress.len(),
                no_egress.join(", ")
            ),
        )
    } else {
        Verdict::new(
            Status::Pass,
            format!(
                "{} private subnets in {} AZs, all with NAT egress",
                private.len(),
                a.len()
            ),
        )
    };
    Ok(v.evidence(evidence).resources(resources))
}

/// Classifies subnets for the `*-private` requirements: evidence lines and
/// the offenders (public or unknown).
fn classify(
    net: &Network,
    vpc: &str,
    who: &str,
    subnets: &[String],
    evidence: &mut Vec<String>,
    bad: &mut Vec<String>,
) {
    for s in subnets {
        match net.get(s) {
            Some(info) if info.public() => {
                evidence.push(format!("{who}: {}", info.describe()));
                bad.push(format!("{who} in public subnet {s}"));
            }
            Some(info) => evidence.push(format!("{who}: {}", info.describe())),
            None => {
                evidence.push(format!("{who}: {s} is not a subnet of {vpc}"));
                bad.push(format!("{who} in {s} outside {vpc}"));
            }
        }
    }
}

/// `network.nodes-private`: every worker node, node group subnet and
/// on-demand provisioner subnet is private.
pub fn nodes_private(ctx: &Ctx) -> Outcome {
    let net = resolved(&ctx.r.network)?;
    let nodes = resolved(&ctx.r.nodes)?;
    let vpc = ctx.inv.vpc_id.as_deref().unwrap_or_default();
    let mut evidence = Vec::new();
    let mut bad = Vec::new();
    let mut resources = Vec::new();
    for n in nodes.nodes.iter().filter(|n| !n.is_modelled()) {
        resources.push(n.label.clone());
        classify(
            net,
            vpc,
            &format!("node {}", n.label),
            &n.subnet_ids,
            &mut evidence,
            &mut bad,
        );
    }
    for g in &nodes.groups {
        resources.push(g.name.clone());
        classify(
            net,
            vpc,
            &format!("node group {}", g.name),
            &g.subnet_ids,
            &mut evidence,
            &mut bad,
        );
    }
    for p in &nodes.provisioners {
        resources.extend(p.subnet_ids.iter().cloned());
        classify(
            net,
            vpc,
            &format!("{} nodes", p.name()),
            &p.subnet_ids,
            &mut evidence,
            &mut bad,
        );
    }
    if resources.is_empty() {
        return Err(Problem::Missing(
            "no worker nodes, managed node groups or node subnets of an on-demand provisioner found to check".into(),
        ));
    }
    let judged: Vec<String> = nodes
        .nodes
        .iter()
        .filter(|n| !n.is_modelled())
        .flat_map(|n| n.subnet_ids.iter().cloned())
        .chain(
            nodes
                .groups
                .iter()
                .flat_map(|g| g.subnet_ids.iter().cloned()),
        )
        .chain(
            nodes
                .provisioners
                .iter()
                .flat_map(|p| p.subnet_ids.iter().cloned()),
        )
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let unknown = net.unknown_routing(&judged);
    let v = if !bad.is_empty() {
        Verdict::new(Status::Fail, format!("not private: {}", bad.join("; ")))
    } else if !unknown.is_empty() {
        Verdict::new(Status::Warn, unknown_note(&unknown))
    } else {
        Verdict::new(
            Status::Pass,
            "every worker node and node group subnet is private".to_string(),
        )
    };
    Ok(v.evidence(evidence).resources(resources))
}

/// `network.data-private`: data stores only in private subnets; RDS not public.
pub fn data_private(ctx: &Ctx) -> Outcome {
    let net = resolved(&ctx.r.network)?;
    let vpc = ctx.inv.vpc_id.as_deref().unwrap_or_default();
    let mut evidence = Vec::new();
    let mut bad = Vec::new();
    let mut resources = Vec::new();
    let pg = optional(&ctx.r.postgres)?;
    let redis = optional(&ctx.r.redis)?;
    if pg.is_none() && redis.is_none() {
        return Err(Problem::Missing(
            "no PostgreSQL or Redis found to check (see postgres.version and redis.reachable)"
                .into(),
        ));
    }
    let mut store = |label: String, id: &str, subnets: &[String], bad: &mut Vec<String>| {
        resources.push(id.to_string());
        if subnets.is_empty() {
            evidence.push(format!("{label}: its subnet group reported no subnets"));
            bad.push(format!("{label} has no known subnets"));
        }
        classify(net, vpc, &label, subnets, &mut evidence, bad);
    };
    if let Some(pg) = pg {
        store(
            format!("PostgreSQL {}", pg.id),
            pg.id,
            &pg.subnet_ids,
            &mut bad,
        );
        for i in &pg.public_instances {
            bad.push(format!("RDS instance {i} is publicly accessible"));
        }
    }
    if let Some(r) = redis {
        store(format!("Redis {}", r.id), r.id, &r.subnet_ids, &mut bad);
    }
    // A security group that admits the whole internet on the store's port
    // undoes the private subnets (README.md §10 network isolation).
    let sgs = need(&ctx.inv.security_groups, "security groups")?;
    let open = |what: &str, id: &str, store_sgs: &[String], port: i32, bad: &mut Vec<String>| {
        let groups: Vec<_> = sgs.iter().filter(|g| store_sgs.contains(&g.id)).collect();
        for rule in crate::net::open_to_internet(&groups, port) {
            bad.push(format!(
                "{what} {id} is open to the internet on {port}: {rule}"
            ));
        }
    };
    if let Some(pg) = pg {
        open("PostgreSQL", pg.id, &pg.security_groups, pg.port, &mut bad);
    }
    if let Some(r) = redis {
        open("Redis", r.id, &r.security_groups, r.port, &mut bad);
    }
    if let Some(pg) = pg {
        evidence.push(format!(
            "PostgreSQL {}: publicly accessible: {}",
            pg.id,
            if pg.public_instances.is_empty() {
                "no".to_string()
            } else {
                format!("yes ({})", pg.public_instances.join(", "))
            }
        ));
    }
    let judged: Vec<String> = pg
        .iter()
        .flat_map(|p| p.subnet_ids.iter().cloned())
        .chain(redis.iter().flat_map(|r| r.subnet_ids.iter().cloned()))
        .collect();
    let unknown = net.unknown_routing(&judged);
    let v = if !bad.is_empty() {
        Verdict::new(Status::Fail, bad.join("; "))
    } else if !unknown.is_empty() {
        Verdict::new(Status::Warn, unknown_note(&unknown))
    } else {
        Verdict::new(
            Status::Pass,
            "the data stores' subnet groups hold only private subnets, RDS is not publicly accessible and no security group opens them to the internet",
        )
    };
    Ok(v.evidence(evidence).resources(resources))
}
