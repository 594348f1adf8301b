//! The cluster's compute, as AWS shows it:
//! * the worker nodes that run now — running instances with a node signal
//!   (a managed node group, an Auto Scaling group, Karpenter or EKS Auto
//!   Mode), else nodes modelled from the managed node groups' desired sizes;
//! * what the compute can reach — every managed node group up to its max
//!   size, and the provisioners that launch nodes on demand (Karpenter, EKS
//!   Auto Mode), whose limits live only inside Kubernetes;
//! * Fargate profiles, and the instances tagged for the cluster that are not
//!   nodes (left out, and said so).

use std::collections::{BTreeMap, BTreeSet};

use super::{need, Network, Problem};
use crate::alloc::{self, fmt_gib, fmt_vcpu, Allocatable};
use crate::model::{Fetched, Instance, InstanceType, Inventory, LaunchTemplateVersion, Nodegroup};
use crate::net::{Cidr4, Source};

/// The instance type EKS gives a managed node group that names none.
pub const DEFAULT_NODEGROUP_INSTANCE_TYPE: &str = "t3.medium";

/// The EBS CSI driver's controller service account.
pub const EBS_CSI_NAMESPACE: &str = "kube-system";
pub const EBS_CSI_SERVICE_ACCOUNT: &str = "ebs-csi-controller-sa";

/// Tag Karpenter's getting-started and the reference module put on the
/// subnets and security groups its EC2NodeClass selects.
pub const KARPENTER_DISCOVERY_TAG: &str = "karpenter.sh/discovery";
/// Tag Karpenter puts on the instances it launches.
pub const KARPENTER_NODEPOOL_TAG: &str = "karpenter.sh/nodepool";

/// Tags that make a tagged instance a worker node: managed node groups,
/// Auto Scaling groups (self-managed nodes), Karpenter, EKS Auto Mode.
const NODE_SIGNALS: &[&str] = &[
    "eks:nodegroup-name",
    "aws:autoscaling:groupName",
    KARPENTER_NODEPOOL_TAG,
    "eks:eks-cluster-name",
    "eks:cluster-name",
];

/// The instance types a node group's nodes get, and where that was read.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeModel {
    pub types: Vec<String>,
    pub source: String,
}

/// The launch template version a node group launches from, if described.
pub fn launch_template_of<'a>(
    g: &Nodegroup,
    lts: &'a [LaunchTemplateVersion],
) -> Option<&'a LaunchTemplateVersion> {
    let r = g.launch_template.as_ref()?;
    lts.iter()
        .filter(|v| {
            r.id.as_deref() == Some(v.id.as_str())
                || (r.id.is_none() && r.name.is_some() && r.name == v.name)
        })
        .find(|v| match r.version.as_deref() {
            None | Some("$Default") => v.default,
            Some("$Latest") => v.latest,
            Some(n) => n.parse::<i64>().ok() == Some(v.version),
        })
}

/// The instance types a node group's nodes can have: those it names, else
/// its launch template's, else EKS's default. `None` when it launches from a
/// launch template that was not described: its type is unknown, never
/// guessed. Collection describes exactly these types; resolution models them.
pub fn nodegroup_instance_types(g: &Nodegroup, lts: &[LaunchTemplateVersion]) -> Option<TypeModel> {
    if !g.instance_types.is_empty() {
        return Some(TypeModel {
            types: g.instance_types.clone(),
            source: "the node group's instance types".into(),
        });
    }
    let default = |why: String| TypeModel {
        types: vec![DEFAULT_NODEGROUP_INSTANCE_TYPE.to_string()],
        source: why,
    };
    if g.launch_template.is_none() {
        return Some(default(format!(
            "EKS's default {DEFAULT_NODEGROUP_INSTANCE_TYPE} (the node group names no type)"
        )));
    }
    let lt = launch_template_of(g, lts)?;
    Some(match &lt.instance_type {
        Some(t) => TypeModel {
            types: vec![t.clone()],
            source: format!("launch template {} version {}", lt.id, lt.version),
        },
        None => default(format!(
            "EKS's default {DEFAULT_NODEGROUP_INSTANCE_TYPE} (neither the node group nor launch template {} version {} names a type)",
            lt.id, lt.version
        )),
    })
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
    /// How AWS shows this node: which signal made it a node, or which
    /// node group and which source of its type it was modelled from.
    pub model: String,
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

/// A managed node group as its scaling configuration shows it.
#[derive(Debug, Clone)]
pub struct Group<'a> {
    pub name: String,
    pub min: i32,
    pub desired: i32,
    pub max: i32,
    pub capacity_type: Option<String>,
    pub subnet_ids: Vec<String>,
    /// The security groups its nodes get, and where that was read.
    pub security_groups: Vec<String>,
    pub security_groups_source: String,
    /// Its (smallest) instance type and that type's allocatable resources,
    /// or why they are unknown.
    pub node: Result<(&'a InstanceType, Allocatable, TypeModel), Problem>,
}

impl Group<'_> {
    /// One line for evidence and facts.
    pub fn describe(&self) -> String {
        let sizes = format!(
            "node group {}: min {}, desired {}, max {}",
            self.name, self.min, self.desired, self.max
        );
        match &self.node {
            Ok((info, a, types)) => format!(
                "{sizes}; {} from {} ({} vCPU / {} GiB allocatable each; at max size {} vCPU / {} GiB)",
                info.name,
                types.source,
                fmt_vcpu(a.millicores),
                fmt_gib(a.memory_mib),
                fmt_vcpu(a.millicores * self.max.max(0) as u64),
                fmt_gib(a.memory_mib * self.max.max(0) as u64)
            ),
            Err(_) => format!("{sizes}; instance type unknown"),
        }
    }
}

/// What launches nodes on demand, with no size AWS can show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProvisionerKind {
    Karpenter,
    AutoMode,
}

#[derive(Debug, Clone)]
pub struct Provisioner {
    pub kind: ProvisionerKind,
    /// Node pools known from AWS (Auto Mode's built-in pools, or the
    /// `karpenter.sh/nodepool` tags of running nodes).
    pub node_pools: Vec<String>,
    /// The subnets and security groups its nodes get.
    pub subnet_ids: Vec<String>,
    pub security_groups: Vec<String>,
    /// What AWS showed of it.
    pub evidence: String,
}

impl Provisioner {
    pub fn name(&self) -> &'static str {
        match self.kind {
            ProvisionerKind::Karpenter => "Karpenter",
            ProvisionerKind::AutoMode => "EKS Auto Mode",
        }
    }
    /// The command that shows its limits, which AWS does not.
    pub fn kubectl(&self) -> &'static str {
        "kubectl get nodepools -o custom-columns=NAME:.metadata.name,CPU:.spec.limits.cpu,MEMORY:.spec.limits.memory"
    }
}

/// Whether the VPC CNI hands out /28 prefixes, which raises maxPods.
#[derive(Debug, Clone, PartialEq)]
pub enum PrefixDelegation {
    On,
    Off,
    /// Not visible in AWS: modelled as off, and this says why.
    Assumed(String),
}

pub struct Nodes<'a> {
    /// What runs now: running nodes, else nodes modelled at desired size.
    pub nodes: Vec<Node<'a>>,
    /// Every managed node group.
    pub groups: Vec<Group<'a>>,
    /// Provisioners that launch nodes on demand.
    pub provisioners: Vec<Provisioner>,
    pub fargate_profiles: Vec<String>,
    /// Instances tagged for the cluster that carry no node signal.
    pub left_out: Vec<String>,
    pub prefix_delegation: PrefixDelegation,
    /// The cluster is IPv6 (`kubernetesNetworkConfig.ipFamily`): pods send
    /// from IPv6 addresses too, so rules on `Ipv6Ranges` can admit them.
    pub ipv6: bool,
    /// Said when the nodes are modelled from node groups.
    pub note: Option<String>,
}

fn is_node(i: &Instance, cluster: &str) -> bool {
    match &i.tags {
        // Snapshots from before tags were recorded: every instance, as then.
        None => true,
        Some(tags) => NODE_SIGNALS.iter().any(|k| match tags.get(*k) {
            Some(v) if k.starts_with("eks:") && k.ends_with("cluster-name") => v == cluster,
            Some(_) => true,
            None => false,
        }),
    }
}

/// Which signal made a running instance a node, for evidence.
fn signal(i: &Instance) -> String {
    let tags = i.tags.as_ref();
    let tag = |k: &str| tags.and_then(|t| t.get(k)).cloned();
    if let Some(g) = i.nodegroup.clone().or_else(|| tag("eks:nodegroup-name")) {
        format!("running, managed node group {g}")
    } else if let Some(p) = tag(KARPENTER_NODEPOOL_TAG) {
        format!("running, Karpenter node pool {p}")
    } else if let Some(a) = tag("aws:autoscaling:groupName") {
        format!("running, Auto Scaling group {a}")
    } else if tag("eks:eks-cluster-name").is_some() {
        "running, launched by EKS (Auto Mode)".to_string()
    } else {
        "running".to_string()
    }
}

fn prefix_delegation(inv: &Inventory) -> PrefixDelegation {
    let check = "kubectl -n kube-system get daemonset aws-node -o jsonpath='{.spec.template.spec.containers[0].env[?(@.name==\"ENABLE_PREFIX_DELEGATION\")].value}'";
    match (&inv.addons, &inv.vpc_cni_config) {
        (Fetched::Ok(list), _) if !list.iter().any(|a| a == "vpc-cni") => PrefixDelegation::Assumed(format!(
            "the VPC CNI is not an EKS add-on, so its configuration is not visible in AWS: modelled without prefix delegation (with it, small nodes run 110 pods and keep more memory back); check with {check}"
        )),
        (_, Fetched::Ok(Some(values))) => {
            let on = serde_json::from_str::<serde_json::Value>(values)
                .ok()
                .and_then(|v| {
                    v.get("env")?
                        .get("ENABLE_PREFIX_DELEGATION")?
                        .as_str()
                        .map(|s| s.eq_ignore_ascii_case("true"))
                })
                .unwrap_or(false);
            if on {
                PrefixDelegation::On
            } else {
                PrefixDelegation::Off
            }
        }
        (_, Fetched::Ok(None)) => PrefixDelegation::Off,
        (_, Fetched::Failed(e)) => PrefixDelegation::Assumed(format!(
            "{} failed ({}), so the vpc-cni add-on's prefix delegation is unknown: modelled without it; check with {check}",
            e.action, e.message
        )),
        (Fetched::Failed(e), _) => PrefixDelegation::Assumed(format!(
            "{} failed ({}), so whether the VPC CNI uses prefix delegation is unknown: modelled without it; check with {check}",
            e.action, e.message
        )),
        _ => PrefixDelegation::Assumed(
            "the VPC CNI's configuration was not collected: modelled without prefix delegation"
                .into(),
        ),
    }
}

impl<'a> Nodes<'a> {
    pub(crate) fn build(inv: &'a Inventory) -> Result<Self, Problem> {
        let instances = need(&inv.instances, "worker instances")?;
        let groups = need(&inv.nodegroups, "node groups")?;
        let cluster = &inv.target.cluster;
        let pd = prefix_delegation(inv);
        let pd_on = pd == PrefixDelegation::On;
        let (running, left): (Vec<&Instance>, Vec<&Instance>) =
            instances.iter().partition(|i| is_node(i, cluster));
        let left_out = left
            .iter()
            .map(|i| {
                format!(
                    "{} ({}): tagged for the cluster but no node signal (no node group, Auto Scaling group, Karpenter or EKS tag) — not counted as a worker node",
                    i.id, i.instance_type
                )
            })
            .collect();
        let types = || need(&inv.instance_types, "instance types");
        let cluster_sg: Vec<String> = inv
            .cluster
            .ok()
            .and_then(|c| c.cluster_security_group_id.clone())
            .into_iter()
            .collect();
        let lts = inv
            .launch_templates
            .ok()
            .map(Vec::as_slice)
            .unwrap_or_default();

        // Every managed node group, with the type and security groups its nodes get.
        let mut model_groups = Vec::new();
        for g in groups {
            let lt = launch_template_of(g, lts);
            let (security_groups, security_groups_source) = match lt {
                Some(v) if !v.security_group_ids.is_empty() => (
                    v.security_group_ids.clone(),
                    format!("launch template {} version {}", v.id, v.version),
                ),
                _ => (
                    cluster_sg.clone(),
                    "the cluster security group, which EKS attaches to managed nodes".to_string(),
                ),
            };
            let node = match nodegroup_instance_types(g, lts) {
                Some(m) => {
                    let types = types()?;
                    let mut candidates = Vec::new();
                    for n in &m.types {
                        candidates.push(find_type(types, n)?);
                    }
                    // With several instance types, model the smallest (the worst case).
                    let info = candidates
                        .into_iter()
                        .min_by_key(|t| {
                            let a = alloc::allocatable_with(t, true, pd_on);
                            (a.memory_mib, a.millicores)
                        })
                        .expect("at least one instance type");
                    Ok((info, alloc::allocatable_with(info, true, pd_on), m))
                }
                None => Err(match &inv.launch_templates {
                    Fetched::Failed(e) => Problem::Call(e.clone()),
                    _ => Problem::Undetermined {
                        message: format!(
                            "node group {} launches from a launch template whose version was not found",
                            g.name
                        ),
                        hint: "check the node group's launch template and version in the EC2 console"
                            .into(),
                    },
                }),
            };
            model_groups.push(Group {
                name: g.name.clone(),
                min: g.min_size,
                desired: g.desired_size,
                max: g.max_size,
                capacity_type: g.capacity_type.clone(),
                subnet_ids: g.subnet_ids.clone(),
                security_groups,
                security_groups_source,
                node,
            });
        }

        let provisioners = provisioners(inv, &running, &cluster_sg);
        let fargate_profiles = inv.fargate_profiles.ok().cloned().unwrap_or_default();

        let mut nodes = Vec::new();
        let mut note = None;
        if !running.is_empty() {
            let types = types()?;
            for i in &running {
                let info = find_type(types, &i.instance_type)?;
                let managed = i.nodegroup.is_some();
                nodes.push(Node {
                    label: i.id.clone(),
                    instance_type: i.instance_type.clone(),
                    info,
                    managed,
                    modelled: None,
                    model: signal(i),
                    subnet_ids: i.subnet_id.iter().cloned().collect(),
                    security_groups: i.security_group_ids.clone(),
                    ip: i.private_ip.clone(),
                    vpc_id: i.vpc_id.clone(),
                    alloc: alloc::allocatable_with(info, managed, pd_on),
                });
            }
        } else {
            let mut parts = Vec::new();
            for g in model_groups.iter().filter(|g| g.desired > 0) {
                let (info, a, m) = g.node.clone()?;
                parts.push(format!(
                    "{} × {} from node group {}",
                    g.desired, info.name, g.name
                ));
                for k in 1..=g.desired {
                    nodes.push(Node {
                        label: format!("{}#{k} (modelled)", g.name),
                        instance_type: info.name.clone(),
                        info,
                        managed: true,
                        modelled: Some(Modelled {
                            nodegroup: g.name.clone(),
                            index: k,
                        }),
                        model: format!(
                            "modelled from node group {}'s desired size, type from {}",
                            g.name, m.source
                        ),
                        subnet_ids: g.subnet_ids.clone(),
                        security_groups: g.security_groups.clone(),
                        ip: None,
                        vpc_id: None,
                        alloc: a,
                    });
                }
            }
            if !parts.is_empty() {
                note = Some(format!(
                    "no running worker nodes found; modelled {} (desired size)",
                    parts.join(", ")
                ));
            }
        }
        if nodes.is_empty()
            && model_groups.is_empty()
            && provisioners.is_empty()
            && fargate_profiles.is_empty()
        {
            return Err(Problem::Missing(format!(
                "no running worker nodes (EC2 instances tagged eks:cluster-name={cluster}, eks:eks-cluster-name={cluster} or kubernetes.io/cluster/{cluster}), no managed node group, no Karpenter or EKS Auto Mode provisioning and no Fargate profile"
            )));
        }
        Ok(Nodes {
            nodes,
            groups: model_groups,
            provisioners,
            fargate_profiles,
            left_out,
            prefix_delegation: pd,
            ipv6: inv
                .cluster
                .ok()
                .and_then(|c| c.ip_family.as_deref())
                .is_some_and(|f| f.eq_ignore_ascii_case("ipv6")),
            note,
        })
    }

    /// The traffic sources for security-group checks: every running node;
    /// without any, every subnet a node group or provisioner may launch a
    /// node in, with the security groups that node will get.
    pub fn sources(&self, net: &Network) -> Vec<Source> {
        let running: Vec<&Node> = self.nodes.iter().filter(|n| !n.is_modelled()).collect();
        if !running.is_empty() {
            return running
                .iter()
                .map(|n| Source {
                    label: n.label.clone(),
                    security_groups: n.security_groups.clone(),
                    cidr: n
                        .ip
                        .as_deref()
                        .and_then(|ip| format!("{ip}/32").parse::<Cidr4>().ok())
                        .or_else(|| n.subnet_ids.first().and_then(|s| net.cidr(s))),
                    // An IPv6 pod's address comes from its node's subnet.
                    cidr6: if self.ipv6 {
                        n.subnet_ids.first().and_then(|s| net.cidr6(s))
                    } else {
                        None
                    },
                })
                .collect();
        }
        let mut out = Vec::new();
        for g in &self.groups {
            for s in &g.subnet_ids {
                out.push(Source {
                    label: format!("node group {} in {s}", g.name),
                    security_groups: g.security_groups.clone(),
                    cidr: net.cidr(s),
                    cidr6: self.ipv6.then(|| net.cidr6(s)).flatten(),
                });
            }
        }
        for p in &self.provisioners {
            for s in &p.subnet_ids {
                out.push(Source {
                    label: format!("{} nodes in {s}", p.name()),
                    security_groups: p.security_groups.clone(),
                    cidr: net.cidr(s),
                    cidr6: self.ipv6.then(|| net.cidr6(s)).flatten(),
                });
            }
        }
        out
    }

    /// Evidence lines: the modelling note, identical nodes grouped as
    /// `3 × m5.4xlarge (i-1, i-2, i-3): allocatable … [how AWS shows them]`,
    /// and the assumptions and exclusions behind them.
    pub fn evidence(&self) -> Vec<String> {
        let mut e: Vec<String> = self.note.iter().cloned().collect();
        e.extend(node_lines(
            &self.nodes,
            self.prefix_delegation == PrefixDelegation::On,
        ));
        if let PrefixDelegation::Assumed(why) = &self.prefix_delegation {
            e.push(why.clone());
        }
        if self.prefix_delegation == PrefixDelegation::On {
            e.push("VPC CNI prefix delegation is on (vpc-cni add-on configuration): maxPods 110, or 250 from 30 vCPUs".into());
        }
        e.extend(self.left_out.iter().cloned());
        e
    }

    /// What the compute can reach beyond what runs now: node groups at max
    /// size, on-demand provisioners, Fargate.
    pub fn reach_lines(&self) -> Vec<String> {
        let mut e: Vec<String> = self.groups.iter().map(Group::describe).collect();
        for p in &self.provisioners {
            e.push(format!(
                "{}: {}{}; its NodePool limits are not visible in AWS ({})",
                p.name(),
                p.evidence,
                if p.node_pools.is_empty() {
                    String::new()
                } else {
                    format!(", node pools {}", p.node_pools.join(", "))
                },
                p.kubectl()
            ));
        }
        if !self.fargate_profiles.is_empty() {
            e.push(format!(
                "Fargate profiles: {}",
                self.fargate_profiles.join(", ")
            ));
        }
        e
    }

    /// Running nodes that belong to no managed node group (self-managed,
    /// Karpenter, Auto Mode): counted on top of the node groups' max sizes.
    pub fn outside_groups(&self) -> impl Iterator<Item = &Node<'a>> {
        self.nodes.iter().filter(|n| !n.is_modelled() && !n.managed)
    }
}

/// Karpenter and EKS Auto Mode, from what AWS shows of them.
fn provisioners(inv: &Inventory, running: &[&Instance], cluster_sg: &[String]) -> Vec<Provisioner> {
    let cluster = &inv.target.cluster;
    let mut out = Vec::new();
    let pools_of = |pred: &dyn Fn(&BTreeMap<String, String>) -> Option<String>| -> Vec<String> {
        running
            .iter()
            .filter_map(|i| i.tags.as_ref().and_then(pred))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect()
    };
    if let Some(am) = inv.cluster.ok().and_then(|c| c.auto_mode.as_ref()) {
        if am.compute {
            let c = inv.cluster.ok().expect("auto mode comes from the cluster");
            out.push(Provisioner {
                kind: ProvisionerKind::AutoMode,
                node_pools: am.node_pools.clone(),
                subnet_ids: c.subnet_ids.clone(),
                security_groups: cluster_sg.to_vec(),
                evidence: "DescribeCluster reports computeConfig.enabled (nodes in the cluster's subnets, with the cluster security group)".into(),
            });
        }
    }
    let tagged = |tags: &BTreeMap<String, String>| {
        tags.get(KARPENTER_DISCOVERY_TAG).map(String::as_str) == Some(cluster.as_str())
    };
    let subnets: Vec<String> = inv
        .subnets
        .ok()
        .into_iter()
        .flatten()
        .filter(|s| tagged(&s.tags))
        .map(|s| s.id.clone())
        .collect();
    let sgs: Vec<String> = inv
        .security_groups
        .ok()
        .into_iter()
        .flatten()
        .filter(|g| tagged(&g.tags))
        .map(|g| g.id.clone())
        .collect();
    let pools = pools_of(&|t| t.get(KARPENTER_NODEPOOL_TAG).cloned());
    let auto_mode = !out.is_empty();
    if !subnets.is_empty() || !sgs.is_empty() || (!pools.is_empty() && !auto_mode) {
        let mut seen = Vec::new();
        if !subnets.is_empty() {
            seen.push(format!(
                "{} subnet(s) tagged {KARPENTER_DISCOVERY_TAG}={cluster}",
                subnets.len()
            ));
        }
        if !sgs.is_empty() {
            seen.push(format!(
                "security group(s) {} tagged {KARPENTER_DISCOVERY_TAG}={cluster}",
                sgs.join(", ")
            ));
        }
        if !pools.is_empty() {
            seen.push(format!("running nodes tagged {KARPENTER_NODEPOOL_TAG}"));
        }
        out.push(Provisioner {
            kind: ProvisionerKind::Karpenter,
            node_pools: pools,
            subnet_ids: subnets,
            security_groups: if sgs.is_empty() {
                cluster_sg.to_vec()
            } else {
                sgs
            },
            evidence: seen.join(", "),
        });
    }
    out
}

/// Identical nodes grouped, with their allocatable resources, how they
/// were computed and how AWS shows them.
fn node_lines(nodes: &[Node], prefix_delegation: bool) -> Vec<String> {
    let mut groups: BTreeMap<(String, bool, bool, String), Vec<&Node>> = BTreeMap::new();
    for n in nodes {
        groups
            .entry((
                n.instance_type.clone(),
                n.managed,
                n.is_modelled(),
                n.model.clone(),
            ))
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
                "{} × {} ({}): allocatable {} vCPU / {} GiB each, of {} vCPU / {} GiB nominal — maxPods {}{}, kube-reserved {}m CPU and {} MiB memory, eviction threshold {} MiB [{}]",
                ns.len(),
                n.instance_type,
                labels.join(", "),
                fmt_vcpu(a.millicores),
                fmt_gib(a.memory_mib),
                n.info.vcpus,
                fmt_gib(a.capacity_memory_mib),
                a.max_pods,
                if prefix_delegation {
                    " (prefix delegation)"
                } else if alloc::max_pods(n.info, false) > a.max_pods {
                    " (managed node group cap)"
                } else {
                    ""
                },
                a.reserved_millicores,
                a.reserved_memory_mib,
                a.eviction_memory_mib,
                n.model,
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
