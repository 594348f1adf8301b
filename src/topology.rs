//! The deployment as a graph, read off the resolved components: internet →
//! DNS record → (CloudFront) → ALB → listeners → target groups → worker
//! nodes per availability zone → PostgreSQL, Redis and the S3 bucket. Each
//! node and edge carries the requirements that judge it, with their status,
//! so a renderer can show where the path breaks.
//!
//! Built by evaluation after the findings exist; pure, like evaluation. A
//! component that is required and was not found (or could not be read) still
//! gets a node, marked `missing`, so the break shows.

use std::collections::BTreeMap;

use crate::model::{Fetched, Inventory};
use crate::names::lb_dns_name;
use crate::report::{Finding, Judgement, NodeKind, Status, TopoEdge, TopoNode, Topology};
use crate::resolve::{cdn, Problem, Resolved};

/// Which requirements judge which part of the path.
mod judged_by {
    pub const DNS: &[&str] = &["dns.record"];
    /// Traffic reaching the ALB: the record names it, its security groups
    /// admit HTTPS.
    pub const INTO_ALB: &[&str] = &["dns.record", "ingress.security-groups"];
    pub const ALB: &[&str] = &["ingress.alb", "ingress.single-entry", "ingress.waf"];
    pub const LISTENER: &[&str] = &["ingress.https"];
    pub const HTTPS_LISTENER: &[&str] = &["ingress.https", "tls.certificate"];
    pub const TARGET_GROUP: &[&str] = &["ingress.targets-healthy"];
    /// The ALB reaching its targets: healthy, admitted by the nodes' groups.
    pub const TO_TARGETS: &[&str] = &["ingress.targets-healthy", "ingress.security-groups"];
    pub const WORKERS: &[&str] = &[
        "network.nodes-private",
        "eks.capacity",
        "eks.clickhouse-node",
    ];
    pub const POSTGRES: &[&str] = &[
        "postgres.version",
        "postgres.encryption",
        "postgres.backups",
        "network.data-private",
    ];
    pub const TO_POSTGRES: &[&str] = &["postgres.reachable"];
    pub const REDIS: &[&str] = &["redis.version", "network.data-private"];
    pub const TO_REDIS: &[&str] = &["redis.reachable"];
    pub const BUCKET: &[&str] = &["storage.bucket"];
    pub const TO_BUCKET: &[&str] = &["eks.irsa"];
}

struct Builder<'f> {
    findings: BTreeMap<&'f str, &'f Finding>,
    topo: Topology,
}

impl<'f> Builder<'f> {
    fn judgements(&self, ids: &[&str]) -> Vec<Judgement> {
        ids.iter()
            .filter_map(|id| self.findings.get(id))
            .map(|f| Judgement {
                requirement: f.id.clone(),
                status: f.status,
                message: (!matches!(f.status, Status::Pass | Status::Skip))
                    .then(|| f.message.clone()),
            })
            .collect()
    }

    fn node(
        &mut self,
        id: impl Into<String>,
        kind: NodeKind,
        label: impl Into<String>,
        details: Vec<String>,
        resources: Vec<String>,
        judged: &[&str],
    ) -> String {
        let id = id.into();
        let checks = self.judgements(judged);
        self.topo.nodes.push(TopoNode {
            id: id.clone(),
            kind,
            label: label.into(),
            details,
            resources,
            missing: false,
            status: Status::worst(checks.iter().map(|c| c.status)),
            checks,
        });
        id
    }

    /// A node for a component that is required and absent or unknown.
    fn gap(&mut self, id: &str, kind: NodeKind, what: &str, p: &Problem, judged: &[&str]) {
        let (label, detail) = match p {
            Problem::Missing(m) => (format!("{what} (not found)"), m.clone()),
            Problem::Call(e) => (
                format!("{what} (unknown)"),
                format!("{} failed: {}", e.action, e.message),
            ),
            Problem::Undetermined { message, .. } => {
                (format!("{what} (undetermined)"), message.clone())
            }
            Problem::Skip(_) => return,
        };
        self.node(id, kind, label, vec![detail], Vec::new(), judged);
        if let Some(n) = self.topo.nodes.last_mut() {
            n.missing = true;
        }
    }

    fn edge(
        &mut self,
        from: &str,
        to: &str,
        label: impl Into<String>,
        resources: Vec<String>,
        judged: &[&str],
    ) {
        let checks = self.judgements(judged);
        self.topo.edges.push(TopoEdge {
            from: from.to_string(),
            to: to.to_string(),
            label: label.into(),
            resources,
            status: Status::worst(checks.iter().map(|c| c.status)),
            checks,
        });
    }
}

fn short_arn(arn: &str) -> &str {
    arn.rsplit('/').next().unwrap_or(arn)
}

/// The worker boxes: one per availability zone of the running (or
/// modelled) nodes, else one per on-demand provisioner.
struct Workers {
    /// (node id, its availability zone when it stands for one).
    boxes: Vec<(String, Option<String>)>,
}

/// The availability zone of a subnet, from the collected subnets.
fn az_of_subnet<'a>(inv: &'a Inventory, subnet: &str) -> Option<&'a str> {
    inv.subnets
        .ok()?
        .iter()
        .find(|s| s.id == subnet)
        .map(|s| s.availability_zone.as_str())
}

/// Where a target (instance id or IP address) runs: its availability zone.
fn az_of_target<'a>(inv: &'a Inventory, id: &str) -> Option<&'a str> {
    if id.starts_with("i-") {
        let i = inv.instances.ok()?.iter().find(|i| i.id == id)?;
        return i
            .availability_zone
            .as_deref()
            .or_else(|| i.subnet_id.as_deref().and_then(|s| az_of_subnet(inv, s)));
    }
    let ip: std::net::Ipv4Addr = id.parse().ok()?;
    inv.subnets.ok()?.iter().find_map(|s| {
        let c: crate::net::Cidr4 = s.cidr.parse().ok()?;
        c.contains_addr(ip).then_some(s.availability_zone.as_str())
    })
}

fn workers(b: &mut Builder, inv: &Inventory, r: &Resolved) -> Workers {
    let mut boxes = Vec::new();
    let nodes = match &r.nodes {
        Ok(n) => n,
        Err(p) => {
            b.gap(
                "workers",
                NodeKind::Workers,
                "worker nodes",
                p,
                judged_by::WORKERS,
            );
            if b.topo.node("workers").is_some() {
                boxes.push(("workers".to_string(), None));
            }
            return Workers { boxes };
        }
    };
    // AZ → (type → count, subnets, instance ids, modelled?)
    #[derive(Default)]
    struct Az {
        types: BTreeMap<String, usize>,
        subnets: Vec<String>,
        ids: Vec<String>,
        modelled: usize,
    }
    let mut by_az: BTreeMap<String, Az> = BTreeMap::new();
    for n in &nodes.nodes {
        let az = n
            .subnet_ids
            .first()
            .and_then(|s| az_of_subnet(inv, s))
            .unwrap_or("AZ unknown")
            .to_string();
        let e = by_az.entry(az).or_default();
        *e.types.entry(n.instance_type.clone()).or_default() += 1;
        for s in &n.subnet_ids {
            if !e.subnets.contains(s) {
                e.subnets.push(s.clone());
            }
        }
        if n.is_modelled() {
            e.modelled += 1;
        } else {
            e.ids.push(n.label.clone());
        }
    }
    for (az, a) in by_az {
        let mut details: Vec<String> = vec![a
            .types
            .iter()
            .map(|(t, c)| format!("{c} × {t}"))
            .collect::<Vec<_>>()
            .join(", ")];
        if a.modelled > 0 {
            details.push(format!(
                "{} modelled from node group sizes (no running instance seen)",
                a.modelled
            ));
        }
        details.push(a.subnets.join(", "));
        let mut resources = a.ids;
        resources.extend(a.subnets);
        let id = b.node(
            format!("workers:{az}"),
            NodeKind::Workers,
            format!("worker nodes {az}"),
            details,
            resources,
            judged_by::WORKERS,
        );
        boxes.push((id, Some(az)));
    }
    for p in &nodes.provisioners {
        let id = b.node(
            format!("workers:{}", p.name()),
            NodeKind::Workers,
            format!("{} nodes (on demand)", p.name()),
            vec![
                p.evidence.clone(),
                format!("settle in Kubernetes: {}", p.kubectl()),
            ],
            p.subnet_ids.clone(),
            judged_by::WORKERS,
        );
        boxes.push((id, None));
    }
    if boxes.is_empty() {
        b.gap(
            "workers",
            NodeKind::Workers,
            "worker nodes",
            &Problem::Missing("no worker node, node group or provisioner was found".into()),
            judged_by::WORKERS,
        );
        boxes.push(("workers".to_string(), None));
    }
    Workers { boxes }
}

/// The ingress half: DNS record → (CloudFront) → ALB → listeners → target
/// groups → workers.
fn ingress(b: &mut Builder, inv: &Inventory, r: &Resolved, w: &Workers) {
    let domain = inv.target.domain.clone();
    b.node(
        "internet",
        NodeKind::Internet,
        "Internet",
        vec![format!("https://{domain}")],
        Vec::new(),
        &[],
    );
    let mut dns_details: Vec<String> = inv
        .dns_records
        .ok()
        .into_iter()
        .flatten()
        .map(|x| {
            format!(
                "{} → {}",
                x.record_type,
                x.target().map(lb_dns_name).unwrap_or_default()
            )
        })
        .collect();
    if let Fetched::Failed(e) = &inv.dns_records {
        dns_details.push(format!("records unknown: {} failed", e.action));
    } else if dns_details.is_empty() {
        dns_details.push("no record found".into());
    }
    b.node(
        "dns",
        NodeKind::Dns,
        domain.clone(),
        dns_details,
        Vec::new(),
        judged_by::DNS,
    );
    b.edge("internet", "dns", "DNS lookup", Vec::new(), judged_by::DNS);

    let alb = match &r.alb {
        Ok(a) => a,
        Err(p) => {
            b.gap("alb", NodeKind::LoadBalancer, "ALB", p, judged_by::ALB);
            if b.topo.node("alb").is_some() {
                b.edge("dns", "alb", "HTTPS :443", Vec::new(), judged_by::INTO_ALB);
            }
            return;
        }
    };
    let lb = alb.lb;
    let zones: Vec<&str> = lb.zones.iter().map(|z| z.zone.as_str()).collect();
    let mut resources = vec![lb.arn.clone()];
    resources.extend(lb.security_groups.iter().cloned());
    b.node(
        "alb",
        NodeKind::LoadBalancer,
        format!("ALB {}", lb.name),
        vec![
            format!("{}, {}", lb.scheme, lb.state),
            format!("AZs {}", zones.join(", ")),
            format!("security groups {}", lb.security_groups.join(", ")),
        ],
        resources,
        judged_by::ALB,
    );
    // The record reaches the ALB directly or through a CloudFront
    // distribution of this account that has it as origin.
    let lb_dns = lb.dns_name.as_deref().unwrap_or_default();
    let via: Vec<_> = inv
        .dns_records
        .ok()
        .into_iter()
        .flatten()
        .filter_map(|x| x.target().and_then(|t| cdn::distribution_named(inv, t)))
        .filter(|d| cdn::fronts(d, lb_dns))
        .collect();
    let alb_sgs = lb.security_groups.clone();
    if via.is_empty() {
        b.edge("dns", "alb", "HTTPS :443", alb_sgs, judged_by::INTO_ALB);
    } else {
        for d in via {
            let id = b.node(
                format!("cdn:{}", d.id),
                NodeKind::Cdn,
                format!("CloudFront {}", d.id),
                vec![
                    d.domain_name.clone(),
                    format!(
                        "{}{}",
                        if d.enabled { "enabled" } else { "disabled" },
                        d.web_acl_id
                            .as_deref()
                            .map(|a| format!(", web ACL {}", short_arn(a)))
                            .unwrap_or_default()
                    ),
                ],
                vec![d.id.clone()],
                &[],
            );
            b.edge("dns", &id, "alias", Vec::new(), judged_by::DNS);
            b.edge(
                &id,
                "alb",
                "origin HTTPS",
                alb_sgs.clone(),
                judged_by::INTO_ALB,
            );
        }
    }

    let mut listeners = alb.listeners.clone();
    listeners.sort_by_key(|l| l.port);
    for l in listeners {
        let https = l.protocol.eq_ignore_ascii_case("HTTPS");
        let mut details = Vec::new();
        if let Some(p) = &l.ssl_policy {
            details.push(format!("policy {p}"));
        }
        if let Some(c) = l
            .certificates
            .iter()
            .find(|c| c.is_default)
            .or(l.certificates.first())
        {
            details.push(format!("certificate {}", short_arn(&c.arn)));
        }
        for a in &l.default_actions {
            details.push(match (&a.redirect_protocol, &a.redirect_port) {
                (Some(p), port) => format!(
                    "default: redirect to {p}{}",
                    port.as_deref().map(|x| format!(":{x}")).unwrap_or_default()
                ),
                _ => format!("default: {}", a.action_type),
            });
        }
        let id = b.node(
            format!("listener:{}", l.port),
            NodeKind::Listener,
            format!("{} :{}", l.protocol, l.port),
            details,
            vec![l.arn.clone()],
            if https {
                judged_by::HTTPS_LISTENER
            } else {
                judged_by::LISTENER
            },
        );
        b.edge(
            "alb",
            &id,
            format!("{} :{}", l.protocol, l.port),
            Vec::new(),
            &[],
        );
    }

    // The targets run on the worker nodes: each target group's targets,
    // counted per availability zone.
    let worker_sgs: Vec<String> = match &r.nodes {
        Ok(n) => {
            let mut v: Vec<String> = n
                .nodes
                .iter()
                .flat_map(|x| x.security_groups.iter().cloned())
                .collect();
            v.sort();
            v.dedup();
            v
        }
        Err(_) => Vec::new(),
    };
    for tg in &alb.target_groups {
        let health_line = match &tg.health {
            Fetched::Ok(hs) => format!(
                "{} of {} target(s) healthy",
                hs.iter().filter(|h| h.state == "healthy").count(),
                hs.len()
            ),
            Fetched::Failed(e) => format!("health unknown: {} failed", e.action),
            Fetched::NotCollected => "health not collected".into(),
        };
        let id = b.node(
            format!("tg:{}", tg.name),
            NodeKind::TargetGroup,
            format!("target group {}", tg.name),
            vec![
                format!(
                    "{}{} ({} targets)",
                    tg.protocol.as_deref().unwrap_or("?"),
                    tg.port.map(|p| format!(":{p}")).unwrap_or_default(),
                    tg.target_type.as_deref().unwrap_or("instance")
                ),
                health_line,
            ],
            vec![tg.arn.clone()],
            judged_by::TARGET_GROUP,
        );
        // Which listeners send to it (default actions or rules).
        let mut from: Vec<String> = alb
            .listeners
            .iter()
            .filter(|l| {
                l.default_actions
                    .iter()
                    .chain(
                        l.rules
                            .ok()
                            .into_iter()
                            .flatten()
                            .flat_map(|r| r.actions.iter()),
                    )
                    .any(|a| a.target_group_arns.contains(&tg.arn))
            })
            .map(|l| format!("listener:{}", l.port))
            .collect();
        from.dedup();
        if from.is_empty() {
            from.push("alb".into());
        }
        for f in from {
            b.edge(&f, &id, "forward", Vec::new(), &[]);
        }
        // Targets per worker box.
        let mut counts: BTreeMap<String, (usize, usize, Option<i32>)> = BTreeMap::new();
        match &tg.health {
            Fetched::Ok(hs) if !hs.is_empty() => {
                for h in hs {
                    let az = az_of_target(inv, &h.id);
                    let target = w
                        .boxes
                        .iter()
                        .find(|(_, z)| z.is_some() && z.as_deref() == az)
                        .or(w.boxes.first())
                        .map(|(id, _)| id.clone());
                    if let Some(t) = target {
                        let e = counts.entry(t).or_insert((0, 0, h.port));
                        e.1 += 1;
                        if h.state == "healthy" {
                            e.0 += 1;
                        }
                    }
                }
                for (to, (healthy, total, port)) in counts {
                    b.edge(
                        &id,
                        &to,
                        format!(
                            "{healthy}/{total} healthy{}",
                            port.map(|p| format!(" :{p}")).unwrap_or_default()
                        ),
                        worker_sgs.clone(),
                        judged_by::TO_TARGETS,
                    );
                }
            }
            other => {
                let label = match other {
                    Fetched::Ok(_) => "no targets registered",
                    _ => "targets unknown",
                };
                for (to, _) in &w.boxes {
                    b.edge(&id, to, label, worker_sgs.clone(), judged_by::TO_TARGETS);
                }
            }
        }
    }
}

/// A data store as resolved.
struct Store<'a> {
    id: &'a str,
    label: String,
    details: Vec<String>,
    security_groups: &'a [String],
    port: i32,
}

/// Where a data store sits on the path and who judges it.
struct Place {
    id: &'static str,
    kind: NodeKind,
    what: &'static str,
    default_port: i32,
    judged: &'static [&'static str],
    reached: &'static [&'static str],
}

/// A data store's node (or the gap where it is missing) and the edges from
/// every worker box to it on its port, with its security groups.
fn data_store(b: &mut Builder, w: &Workers, at: &Place, found: Result<Store, &Problem>) {
    let (port, sgs) = match found {
        Ok(st) => {
            let mut details = st.details;
            details.push(format!("security groups {}", st.security_groups.join(", ")));
            let mut res = vec![st.id.to_string()];
            res.extend(st.security_groups.iter().cloned());
            b.node(at.id, at.kind, st.label, details, res, at.judged);
            (st.port, st.security_groups.to_vec())
        }
        Err(p) => {
            b.gap(at.id, at.kind, at.what, p, at.judged);
            if b.topo.node(at.id).is_none() {
                return;
            }
            (at.default_port, Vec::new())
        }
    };
    for (from, _) in &w.boxes {
        b.edge(from, at.id, format!("TCP {port}"), sgs.clone(), at.reached);
    }
}

/// The data half: workers → PostgreSQL, Redis, S3.
fn data(b: &mut Builder, inv: &Inventory, r: &Resolved, w: &Workers) {
    let pg = r.postgres.as_ref().map(|pg| {
        let mut details = vec![format!("{} {}, {}", pg.engine, pg.version, pg.status)];
        details.extend(pg.instance_class.map(str::to_string));
        if !pg.proxies.is_empty() {
            let names: Vec<&str> = pg.proxies.iter().map(|p| p.name.as_str()).collect();
            details.push(format!("RDS Proxy {}", names.join(", ")));
        }
        Store {
            label: format!("{} {}", pg.kind, pg.id),
            id: pg.id,
            details,
            security_groups: &pg.security_groups,
            port: pg.port,
        }
    });
    let postgres = Place {
        id: "postgres",
        kind: NodeKind::Postgres,
        what: "PostgreSQL",
        default_port: 5432,
        judged: judged_by::POSTGRES,
        reached: judged_by::TO_POSTGRES,
    };
    data_store(b, w, &postgres, pg);
    let redis = r.redis.as_ref().map(|x| Store {
        label: format!("{} {}", x.kind, x.id),
        id: x.id,
        details: [
            Some(format!(
                "{} {}, {}",
                x.engine,
                x.version.as_deref().unwrap_or("(version unknown)"),
                x.status
            )),
            x.node_type.clone(),
        ]
        .into_iter()
        .flatten()
        .collect(),
        security_groups: &x.security_groups,
        port: x.port,
    });
    let place = Place {
        id: "redis",
        kind: NodeKind::Redis,
        what: "Redis",
        default_port: 6379,
        judged: judged_by::REDIS,
        reached: judged_by::TO_REDIS,
    };
    data_store(b, w, &place, redis);
    if let Some(name) = inv.target.bucket.as_deref() {
        let details = match &inv.bucket {
            Fetched::Ok(x) if !x.exists => vec!["no such bucket".to_string()],
            Fetched::Ok(x) => vec![format!(
                "region {}",
                x.region
                    .as_deref()
                    .filter(|r| !r.is_empty())
                    .unwrap_or("us-east-1")
            )],
            Fetched::Failed(e) => vec![format!("unknown: {} failed", e.action)],
            Fetched::NotCollected => Vec::new(),
        };
        b.node(
            "bucket",
            NodeKind::Bucket,
            format!("S3 {name}"),
            details,
            vec![name.to_string()],
            judged_by::BUCKET,
        );
        if let Some(n) = b.topo.nodes.last_mut() {
            n.missing = matches!(&inv.bucket, Fetched::Ok(x) if !x.exists);
        }
        for (from, _) in &w.boxes {
            b.edge(
                from,
                "bucket",
                "HTTPS (IAM role)",
                Vec::new(),
                judged_by::TO_BUCKET,
            );
        }
    }
}

/// A reachability requirement judges all worker nodes at once: when it fails
/// because some nodes are not admitted, the edges from the zones whose every
/// node is admitted are not where the path breaks. Those edges get `pass`
/// for it, saying so; the edges from zones with a blocked node keep `fail`.
/// Nothing changes when the requirement passes, is unknown, or a node of
/// the zone cannot be placed (and not with an RDS Proxy in between, which
/// the caller leaves out).
fn per_zone(
    topo: &mut Topology,
    inv: &Inventory,
    r: &Resolved,
    store: &str,
    sgs: &[String],
    port: i32,
) {
    let failing = |e: &TopoEdge| e.to == store && e.status == Some(Status::Fail);
    if !topo.edges.iter().any(failing) {
        return;
    }
    let (Ok(net), Ok(nodes), Some(all)) = (&r.network, &r.nodes, inv.security_groups.ok()) else {
        return;
    };
    let groups: Vec<&crate::model::SecurityGroup> =
        all.iter().filter(|g| sgs.contains(&g.id)).collect();
    let sources = nodes.sources(net);
    let boxes: Vec<(String, Vec<String>)> = topo
        .nodes
        .iter()
        .filter(|n| n.kind == NodeKind::Workers && !n.missing)
        .map(|n| (n.id.clone(), n.resources.clone()))
        .collect();
    for (id, resources) in boxes {
        // The traffic sources of this box: its instances, or for modelled
        // nodes the node group's subnets in it.
        let mine: Vec<&crate::net::Source> = sources
            .iter()
            .filter(|s| {
                resources.iter().any(|res| {
                    s.label == *res
                        || (res.starts_with("subnet-") && s.label.ends_with(&format!(" in {res}")))
                })
            })
            .collect();
        if mine.is_empty() {
            continue;
        }
        let admitted = mine.iter().all(|s| {
            crate::net::find_admitting_rule_with(&groups, s, port, &r.prefix_lists).is_some()
        });
        if !admitted {
            continue;
        }
        for e in topo
            .edges
            .iter_mut()
            .filter(|e| e.from == id && e.to == store)
        {
            for j in e.checks.iter_mut().filter(|j| j.status == Status::Fail) {
                j.status = Status::Pass;
                j.message = Some(format!(
                    "the nodes of this zone are admitted on {port}; {} fails for nodes elsewhere",
                    j.requirement
                ));
            }
            e.status = Status::worst(e.checks.iter().map(|c| c.status));
        }
    }
}

/// The topology of the deployment, judged by `findings`. Requirements not
/// among the findings (not selected) judge nothing.
pub fn build(inv: &Inventory, r: &Resolved, findings: &[Finding]) -> Topology {
    let mut b = Builder {
        findings: findings.iter().map(|f| (f.id.as_str(), f)).collect(),
        topo: Topology::default(),
    };
    // The worker boxes first (ingress edges end there), then the path in
    // order; nodes are sorted by column afterwards.
    let w = workers(&mut b, inv, r);
    ingress(&mut b, inv, r, &w);
    data(&mut b, inv, r, &w);
    let mut topo = b.topo;
    if let Ok(pg) = &r.postgres {
        if pg.proxies.is_empty() {
            per_zone(&mut topo, inv, r, "postgres", &pg.security_groups, pg.port);
        }
    }
    if let Ok(x) = &r.redis {
        per_zone(&mut topo, inv, r, "redis", &x.security_groups, x.port);
    }
    topo.nodes.sort_by_key(|n| n.kind.column());
    topo
}

/// Every requirement id the topology can name, for tests and docs.
pub fn requirements_judged() -> Vec<&'static str> {
    use judged_by::*;
    let mut all: Vec<&str> = [
        DNS,
        INTO_ALB,
        ALB,
        LISTENER,
        HTTPS_LISTENER,
        TARGET_GROUP,
        TO_TARGETS,
        WORKERS,
        POSTGRES,
        TO_POSTGRES,
        REDIS,
        TO_REDIS,
        BUCKET,
        TO_BUCKET,
    ]
    .concat();
    all.sort();
    all.dedup();
    all
}
