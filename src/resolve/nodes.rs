//! The worker nodes: running instances tagged for the cluster, else nodes
//! modelled from the managed node groups' desired sizes.

use std::collections::BTreeMap;

use super::{need, Network, Problem};
use crate::alloc::{self, fmt_gib, fmt_vcpu, Allocatable};
use crate::model::{InstanceType, Inventory, Nodegroup};
use crate::net::{Cidr4, Source};

/// The instance type EKS gives a managed node group that names none.
pub const DEFAULT_NODEGROUP_INSTANCE_TYPE: &str = "t3.medium";

/// The instance types a node group's nodes can have: those it names, else
/// EKS's default. Collection describes exactly these; resolution models them.
pub fn nodegroup_instance_types(g: &Nodegroup) -> Vec<String> {
    if g.instance_types.is_empty() {
        vec![DEFAULT_NODEGROUP_INSTANCE_TYPE.to_string()]
    } else {
        g.instance_types.clone()
    }
}

/// Where a modelled node comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Modelled {
    pub nodegroup: String,
    /// 1-based position among the group's modelled nodes.
    pub index: i32,
}

#[derive(Debug, Clone)]
pub struct Node<'a> {
    pub label: String,
    pub instance_type: String,
    pub info: &'a InstanceType,
    pub managed: bool,
    /// Set when modelled from a node group (no running instance seen).
    pub modelled: Option<Modelled>,
    pub subnet_ids: Vec<String>,
    pub security_groups: Vec<String>,
    pub ip: Option<String>,
    pub vpc_id: Option<String>,
    pub alloc: Allocatable,
}

impl Node<'_> {
    pub fn is_modelled(&self) -> bool {
        self.modelled.is_some()
    }
    /// The first modelled node of its group: it speaks for the group where
    /// one entry per group is wanted (subnets, traffic sources).
    pub fn first_of_group(&self) -> bool {
        self.modelled.as_ref().is_some_and(|m| m.index == 1)
    }
}

pub struct Nodes<'a> {
    pub nodes: Vec<Node<'a>>,
    /// Said when the nodes are modelled from node groups.
    pub note: Option<String>,
}

impl<'a> Nodes<'a> {
    pub(crate) fn build(inv: &'a Inventory) -> Result<Self, Problem> {
        let instances = need(&inv.instances, "worker instances")?;
        let cluster = &inv.target.cluster;
        if !instances.is_empty() {
            let types = need(&inv.instance_types, "instance types")?;
            let mut nodes = Vec::new();
            for i in instances {
                let info = find_type(types, &i.instance_type)?;
                let managed = i.nodegroup.is_some();
                nodes.push(Node {
                    label: i.id.clone(),
                    instance_type: i.instance_type.clone(),
                    info,
                    managed,
                    modelled: None,
                    subnet_ids: i.subnet_id.iter().cloned().collect(),
                    security_groups: i.security_group_ids.clone(),
                    ip: i.private_ip.clone(),
                    vpc_id: i.vpc_id.clone(),
                    alloc: alloc::allocatable(info, managed),
                });
            }
            return Ok(Nodes { nodes, note: None });
        }
        let groups = need(&inv.nodegroups, "node groups")?;
        let sized: Vec<&Nodegroup> = groups.iter().filter(|g| g.desired_size > 0).collect();
        if sized.is_empty() {
            return Err(Problem::Missing(format!(
                "no running worker nodes (EC2 instances tagged eks:cluster-name={cluster} or kubernetes.io/cluster/{cluster}) and no managed node group with a desired size above 0"
            )));
        }
        let types = need(&inv.instance_types, "instance types")?;
        let cluster_sgs = cluster_security_groups(inv);
        let mut nodes = Vec::new();
        let mut parts = Vec::new();
        for g in sized {
            // With several instance types, model the smallest (the worst case).
            let mut candidates = Vec::new();
            for n in &nodegroup_instance_types(g) {
                candidates.push(find_type(types, n)?);
            }
            let info = candidates
                .into_iter()
                .min_by_key(|t| {
                    let a = alloc::allocatable(t, true);
                    (a.memory_mib, a.millicores)
                })
                .expect("at least one instance type");
            parts.push(format!(
                "{} × {} from node group {}",
                g.desired_size, info.name, g.name
            ));
            for k in 1..=g.desired_size {
                nodes.push(Node {
                    label: format!("{}#{k} (modelled)", g.name),
                    instance_type: info.name.clone(),
                    info,
                    managed: true,
                    modelled: Some(Modelled {
                        nodegroup: g.name.clone(),
                        index: k,
                    }),
                    subnet_ids: g.subnet_ids.clone(),
                    security_groups: cluster_sgs.clone(),
                    ip: None,
                    vpc_id: None,
                    alloc: alloc::allocatable(info, true),
                });
            }
        }
        Ok(Nodes {
            nodes,
            note: Some(format!(
                "no running worker nodes found; modelled {} (desired size)",
                parts.join(", ")
            )),
        })
    }

    /// Every (node, subnet) pair as a traffic source for security-group checks.
    pub fn sources(&self, net: &Network) -> Vec<Source> {
        let mut out = Vec::new();
        for n in &self.nodes {
            match &n.modelled {
                // One source per node group subnet: any of them may host a node.
                Some(m) if n.first_of_group() => {
                    for s in &n.subnet_ids {
                        out.push(Source {
                            label: format!("node group {} in {s}", m.nodegroup),
                            security_groups: n.security_groups.clone(),
                            cidr: net.cidr(s),
                        });
                    }
                }
                Some(_) => {}
                None => {
                    let cidr =
                        n.ip.as_deref()
                            .and_then(|ip| format!("{ip}/32").parse::<Cidr4>().ok())
                            .or_else(|| n.subnet_ids.first().and_then(|s| net.cidr(s)));
                    out.push(Source {
                        label: n.label.clone(),
                        security_groups: n.security_groups.clone(),
                        cidr,
                    });
                }
            }
        }
        out
    }

    /// Evidence lines: the modelling note, then identical nodes grouped as
    /// `3 × m5.4xlarge (i-1, i-2, i-3): allocatable …`.
    pub fn evidence(&self) -> Vec<String> {
        let mut e: Vec<String> = self.note.iter().cloned().collect();
        e.extend(node_lines(&self.nodes));
        e
    }
}

/// Identical nodes grouped, with their allocatable resources and how they
/// were computed.
fn node_lines(nodes: &[Node]) -> Vec<String> {
    let mut groups: BTreeMap<(String, bool, bool), Vec<&Node>> = BTreeMap::new();
    for n in nodes {
        groups
            .entry((n.instance_type.clone(), n.managed, n.is_modelled()))
            .or_default()
            .push(n);
    }
    groups
        .values()
        .map(|ns| {
            let n = ns[0];
            let a = &n.alloc;
            let labels: Vec<&str> = ns.iter().map(|n| n.label.as_str()).collect();
            format!(
                "{} × {} ({}): allocatable {} vCPU / {} GiB each, of {} vCPU / {} GiB nominal — maxPods {}{}, kube-reserved {}m CPU and {} MiB memory, eviction threshold {} MiB",
                ns.len(),
                n.instance_type,
                labels.join(", "),
                fmt_vcpu(a.millicores),
                fmt_gib(a.memory_mib),
                n.info.vcpus,
                fmt_gib(a.capacity_memory_mib),
                a.max_pods,
                if alloc::max_pods(n.info, false) > a.max_pods {
                    " (managed node group cap)"
                } else {
                    ""
                },
                a.reserved_millicores,
                a.reserved_memory_mib,
                a.eviction_memory_mib,
            )
        })
        .collect()
}

fn find_type<'a>(types: &'a [InstanceType], name: &str) -> Result<&'a InstanceType, Problem> {
    types
        .iter()
        .find(|t| t.name == name)
        .ok_or_else(|| Problem::Undetermined {
            message: format!("DescribeInstanceTypes returned nothing for {name}"),
            hint: "check that the instance type exists in this region".into(),
        })
}

/// The security groups EKS attaches to managed nodes: the cluster security
/// group and the cluster's additional security groups.
pub fn cluster_security_groups(inv: &Inventory) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(c) = inv.cluster.ok() {
        out.extend(c.cluster_security_group_id.iter().cloned());
        out.extend(c.security_group_ids.iter().cloned());
    }
    out
}
