//! EC2: the VPC's subnets, route tables and security groups, the worker
//! instances and their instance types, and the EBS volumes of persistent volume claims.
//! Only `describe_*`, `list_*` and `get_*` operations are called here.

use std::collections::BTreeMap;

use super::{call_error, Clients};
use crate::model::*;

fn ec2_filter(name: &str, values: &[&str]) -> aws_sdk_ec2::types::Filter {
    let mut b = aws_sdk_ec2::types::Filter::builder().name(name);
    for v in values {
        b = b.values(*v);
    }
    b.build()
}

/// The VPC of the given subnets (fallback when DescribeCluster omits vpcId).
pub(super) async fn vpc_of_subnets(
    c: &Clients,
    subnet_ids: &[String],
) -> Result<String, CallError> {
    let action = "ec2:DescribeSubnets";
    let out = c
        .ec2
        .describe_subnets()
        .set_subnet_ids(Some(subnet_ids.to_vec()))
        .send()
        .await
        .map_err(|e| call_error(action, &e))?;
    out.subnets()
        .iter()
        .find_map(|s| s.vpc_id().map(str::to_string))
        .ok_or_else(|| CallError {
            action: action.into(),
            kind: CallErrorKind::Dependency,
            code: None,
            message: "the cluster reports neither a VPC nor subnets".into(),
        })
}

pub(super) async fn subnets(c: &Clients, vpc: &str) -> Fetched<Vec<Subnet>> {
    let pages: Vec<_> = fetch!(
        "ec2:DescribeSubnets",
        c.ec2
            .describe_subnets()
            .filters(ec2_filter("vpc-id", &[vpc]))
            .max_results(1000)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
    );
    let mut out: Vec<Subnet> = pages
        .iter()
        .map(|s| Subnet {
            id: s.subnet_id().unwrap_or_default().to_string(),
            vpc_id: s.vpc_id().unwrap_or_default().to_string(),
            cidr: s.cidr_block().unwrap_or_default().to_string(),
            availability_zone: s.availability_zone().unwrap_or_default().to_string(),
            ipv6_cidr: s
                .ipv6_cidr_block_association_set()
                .iter()
                .find_map(|a| a.ipv6_cidr_block().map(str::to_string)),
            owner: s.owner_id().map(str::to_string),
            tags: s
                .tags()
                .iter()
                .map(|t| {
                    (
                        t.key().unwrap_or_default().to_string(),
                        t.value().unwrap_or_default().to_string(),
                    )
                })
                .collect(),
        })
        .collect();
    out.sort_by(|a, b| a.id.cmp(&b.id));
    Fetched::Ok(out)
}

pub(super) async fn route_tables(c: &Clients, vpc: &str) -> Fetched<Vec<RouteTable>> {
    let items: Vec<_> = fetch!(
        "ec2:DescribeRouteTables",
        c.ec2
            .describe_route_tables()
            .filters(ec2_filter("vpc-id", &[vpc]))
            .max_results(100)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
    );
    let mut out: Vec<RouteTable> = items
        .iter()
        .map(|t| RouteTable {
            id: t.route_table_id().unwrap_or_default().to_string(),
            vpc_id: t.vpc_id().unwrap_or_default().to_string(),
            main: t.associations().iter().any(|a| a.main() == Some(true)),
            subnet_ids: t
                .associations()
                .iter()
                .filter_map(|a| a.subnet_id().map(str::to_string))
                .collect(),
            routes: t
                .routes()
                .iter()
                .map(|r| Route {
                    destination: r
                        .destination_cidr_block()
                        .or(r.destination_ipv6_cidr_block())
                        .or(r.destination_prefix_list_id())
                        .unwrap_or_default()
                        .to_string(),
                    target: r
                        .gateway_id()
                        .or(r.nat_gateway_id())
                        .or(r.transit_gateway_id())
                        .or(r.network_interface_id())
                        .or(r.instance_id())
                        .or(r.vpc_peering_connection_id())
                        .unwrap_or_default()
                        .to_string(),
                    state: r.state().map(|s| s.as_str().to_string()),
                })
                .collect(),
        })
        .collect();
    out.sort_by(|a, b| a.id.cmp(&b.id));
    Fetched::Ok(out)
}

pub(super) async fn security_groups(c: &Clients, vpc: &str) -> Fetched<Vec<SecurityGroup>> {
    let items: Vec<_> = fetch!(
        "ec2:DescribeSecurityGroups",
        c.ec2
            .describe_security_groups()
            .filters(ec2_filter("vpc-id", &[vpc]))
            .max_results(1000)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
    );
    let mut out: Vec<SecurityGroup> = items
        .iter()
        .map(|g| SecurityGroup {
            id: g.group_id().unwrap_or_default().to_string(),
            name: g.group_name().unwrap_or_default().to_string(),
            vpc_id: g.vpc_id().map(str::to_string),
            ingress: g
                .ip_permissions()
                .iter()
                .map(|p| SgRule {
                    protocol: p.ip_protocol().unwrap_or("-1").to_string(),
                    from_port: p.from_port(),
                    to_port: p.to_port(),
                    ipv4_cidrs: p
                        .ip_ranges()
                        .iter()
                        .filter_map(|r| r.cidr_ip().map(str::to_string))
                        .collect(),
                    ipv6_cidrs: p
                        .ipv6_ranges()
                        .iter()
                        .filter_map(|r| r.cidr_ipv6().map(str::to_string))
                        .collect(),
                    prefix_lists: p
                        .prefix_list_ids()
                        .iter()
                        .filter_map(|r| r.prefix_list_id().map(str::to_string))
                        .collect(),
                    security_groups: p
                        .user_id_group_pairs()
                        .iter()
                        .filter_map(|r| r.group_id().map(str::to_string))
                        .collect(),
                })
                .collect(),
            tags: tag_map(g.tags()),
        })
        .collect();
    out.sort_by(|a, b| a.id.cmp(&b.id));
    Fetched::Ok(out)
}

fn tag_map(tags: &[aws_sdk_ec2::types::Tag]) -> BTreeMap<String, String> {
    tags.iter()
        .filter_map(|t| {
            Some((
                t.key()?.to_string(),
                t.value().unwrap_or_default().to_string(),
            ))
        })
        .collect()
}

/// Running instances tagged for the cluster, by any of the three tags that
/// EKS managed node groups (`eks:cluster-name`), Karpenter and EKS Auto Mode
/// (`eks:eks-cluster-name`) and the Kubernetes cloud provider
/// (`kubernetes.io/cluster/<name>`) put on nodes. Which of them are worker
/// nodes is decided in `resolve::nodes`, from their tags.
pub(super) async fn worker_instances(c: &Clients, cluster: &str) -> Fetched<Vec<Instance>> {
    let query = |filter: aws_sdk_ec2::types::Filter| {
        c.ec2
            .describe_instances()
            .filters(filter)
            .filters(ec2_filter("instance-state-name", &["running"]))
            .max_results(1000)
            .into_paginator()
            .items()
            .send()
            .try_collect()
    };
    let legacy_key = format!("kubernetes.io/cluster/{cluster}");
    let (a, b, k) = futures::join!(
        query(ec2_filter("tag:eks:cluster-name", &[cluster])),
        query(ec2_filter("tag-key", &[legacy_key.as_str()])),
        query(ec2_filter("tag:eks:eks-cluster-name", &[cluster]))
    );
    let a: Vec<_> = fetch!("ec2:DescribeInstances", a);
    let b: Vec<_> = fetch!("ec2:DescribeInstances", b);
    let k: Vec<_> = fetch!("ec2:DescribeInstances", k);
    let mut out: BTreeMap<String, Instance> = BTreeMap::new();
    for r in a.iter().chain(b.iter()).chain(k.iter()) {
        for i in r.instances() {
            let id = i.instance_id().unwrap_or_default().to_string();
            out.entry(id.clone()).or_insert_with(|| Instance {
                id,
                instance_type: i
                    .instance_type()
                    .map(|t| t.as_str().to_string())
                    .unwrap_or_default(),
                state: i
                    .state()
                    .and_then(|s| s.name())
                    .map(|n| n.as_str().to_string())
                    .unwrap_or_default(),
                vpc_id: i.vpc_id().map(str::to_string),
                subnet_id: i.subnet_id().map(str::to_string),
                availability_zone: i
                    .placement()
                    .and_then(|p| p.availability_zone())
                    .map(str::to_string),
                private_ip: i.private_ip_address().map(str::to_string),
                ipv6: i.ipv6_address().map(str::to_string),
                security_group_ids: i
                    .security_groups()
                    .iter()
                    .filter_map(|g| g.group_id().map(str::to_string))
                    .collect(),
                nodegroup: i
                    .tags()
                    .iter()
                    .find(|t| t.key() == Some("eks:nodegroup-name"))
                    .and_then(|t| t.value())
                    .map(str::to_string),
                tags: Some(tag_map(i.tags())),
            });
        }
    }
    Fetched::Ok(out.into_values().collect())
}

pub(super) async fn instance_types(c: &Clients, names: Vec<String>) -> Fetched<Vec<InstanceType>> {
    let mut out = Vec::new();
    for chunk in names.chunks(100) {
        let mut req = c.ec2.describe_instance_types();
        for n in chunk {
            req = req.instance_types(aws_sdk_ec2::types::InstanceType::from(n.as_str()));
        }
        let items: Vec<_> = fetch!(
            "ec2:DescribeInstanceTypes",
            req.into_paginator().items().send().try_collect().await
        );
        for t in &items {
            let net = t.network_info();
            out.push(InstanceType {
                name: t
                    .instance_type()
                    .map(|x| x.as_str().to_string())
                    .unwrap_or_default(),
                vcpus: t.v_cpu_info().and_then(|v| v.default_v_cpus()).unwrap_or(0) as u32,
                memory_mib: t.memory_info().and_then(|m| m.size_in_mib()).unwrap_or(0) as u64,
                max_network_interfaces: net
                    .and_then(|n| n.maximum_network_interfaces())
                    .unwrap_or(0) as u32,
                ipv4_addresses_per_interface: net
                    .and_then(|n| n.ipv4_addresses_per_interface())
                    .unwrap_or(0) as u32,
            });
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Fetched::Ok(out)
}

/// EBS volumes the EBS CSI driver created for persistent volume claims.
pub(super) async fn volumes(c: &Clients) -> Fetched<Vec<Volume>> {
    let items: Vec<_> = fetch!(
        "ec2:DescribeVolumes",
        c.ec2
            .describe_volumes()
            .max_results(500)
            .filters(ec2_filter(
                "tag-key",
                &["kubernetes.io/created-for/pvc/name"]
            ))
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
    );
    let mut out: Vec<Volume> = items
        .iter()
        .map(|v| {
            let tag = |k: &str| {
                v.tags()
                    .iter()
                    .find(|t| t.key() == Some(k))
                    .and_then(|t| t.value())
                    .map(str::to_string)
            };
            Volume {
                id: v.volume_id().unwrap_or_default().to_string(),
                volume_type: v
                    .volume_type()
                    .map(|t| t.as_str().to_string())
                    .unwrap_or_default(),
                iops: v.iops(),
                throughput: v.throughput(),
                size_gib: v.size(),
                state: v
                    .state()
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_default(),
                availability_zone: v.availability_zone().map(str::to_string),
                pvc_name: tag("kubernetes.io/created-for/pvc/name"),
                pvc_namespace: tag("kubernetes.io/created-for/pvc/namespace"),
                attached_to: v
                    .attachments()
                    .iter()
                    .filter_map(|a| a.instance_id().map(str::to_string))
                    .collect(),
                clusters: v
                    .tags()
                    .iter()
                    .filter_map(|t| {
                        t.key()?
                            .strip_prefix("kubernetes.io/cluster/")
                            .map(str::to_string)
                    })
                    .collect(),
            }
        })
        .collect();
    out.sort_by(|a, b| a.id.cmp(&b.id));
    Fetched::Ok(out)
}

/// The launch template versions the node groups name: the version each
/// asks for (a number, `$Default` or `$Latest`), with its instance type and
/// security groups.
pub(super) async fn launch_template_versions(
    c: &Clients,
    refs: Vec<LaunchTemplateRef>,
) -> Fetched<Vec<LaunchTemplateVersion>> {
    let mut out: Vec<LaunchTemplateVersion> = Vec::new();
    for r in refs {
        let mut req = c.ec2.describe_launch_template_versions();
        req = match (&r.id, &r.name) {
            (Some(id), _) => req.launch_template_id(id),
            (None, Some(name)) => req.launch_template_name(name),
            (None, None) => continue,
        };
        let version = r.version.clone().unwrap_or_else(|| "$Default".into());
        let items: Vec<_> = fetch!(
            "ec2:DescribeLaunchTemplateVersions",
            req.versions(version)
                .into_paginator()
                .items()
                .send()
                .try_collect()
                .await
        );
        for v in &items {
            let data = v.launch_template_data();
            let mut sgs: Vec<String> = data
                .map(|d| d.security_group_ids().to_vec())
                .unwrap_or_default();
            for ni in data.map(|d| d.network_interfaces()).unwrap_or_default() {
                sgs.extend(ni.groups().iter().cloned());
            }
            let id = v.launch_template_id().unwrap_or_default().to_string();
            let number = v.version_number().unwrap_or_default();
            let latest = r.version.as_deref() == Some("$Latest");
            if let Some(seen) = out.iter_mut().find(|o| o.id == id && o.version == number) {
                seen.latest |= latest;
                continue;
            }
            out.push(LaunchTemplateVersion {
                id,
                name: v.launch_template_name().map(str::to_string),
                version: number,
                default: v.default_version().unwrap_or(false),
                latest,
                instance_type: data
                    .and_then(|d| d.instance_type())
                    .map(|t| t.as_str().to_string()),
                security_group_ids: sgs,
            });
        }
    }
    Fetched::Ok(out)
}

/// The managed prefix lists that security-group rules name: their names
/// (DescribeManagedPrefixLists, one call) beside their entries.
pub(super) async fn prefix_lists(c: &Clients, ids: Vec<String>) -> Fetched<Vec<PrefixList>> {
    use futures::StreamExt;
    let entries = futures::stream::iter(ids.clone())
        .map(|id| async move {
            let entries: Result<Vec<_>, _> = c
                .ec2
                .get_managed_prefix_list_entries()
                .prefix_list_id(&id)
                .max_results(1000)
                .into_paginator()
                .items()
                .send()
                .try_collect()
                .await;
            (id, entries)
        })
        .buffered(super::FAN_OUT)
        .collect::<Vec<_>>();
    let names = async {
        let r: Result<Vec<_>, _> = c
            .ec2
            .describe_managed_prefix_lists()
            .set_prefix_list_ids(Some(ids))
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await;
        r
    };
    let (answers, names) = futures::join!(entries, names);
    let names = fetch!("ec2:DescribeManagedPrefixLists", names);
    let mut out = Vec::new();
    for (id, entries) in answers {
        let entries = fetch!("ec2:GetManagedPrefixListEntries", entries);
        out.push(PrefixList {
            name: names
                .iter()
                .find(|p| p.prefix_list_id() == Some(id.as_str()))
                .and_then(|p| p.prefix_list_name())
                .map(str::to_string),
            id,
            cidrs: entries
                .iter()
                .filter_map(|e| e.cidr().map(str::to_string))
                .collect(),
        });
    }
    Fetched::Ok(out)
}
