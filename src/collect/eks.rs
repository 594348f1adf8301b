//! EKS: the cluster (with its Auto Mode settings), its managed node groups,
//! Fargate profiles, add-ons (and the vpc-cni add-on's configuration), and
//! Pod Identity associations.
//! Only `describe_*`, `list_*` and `get_*` operations are called here.

use futures::StreamExt;

use super::{call_error, Clients, FAN_OUT};
use crate::model::{
    AutoMode, CallError, CallErrorKind, Cluster, Fetched, LaunchTemplateRef, Nodegroup,
};

pub(super) async fn describe_cluster(c: &Clients, name: &str) -> Fetched<Cluster> {
    let out = match c.eks.describe_cluster().name(name).send().await {
        Ok(o) => o,
        Err(e) => {
            let mut err = call_error("eks:DescribeCluster", &e);
            let missing = e
                .as_service_error()
                .is_some_and(|s| s.is_resource_not_found_exception());
            if missing {
                err.code = Some("ResourceNotFoundException".into());
            }
            return Fetched::Failed(err);
        }
    };
    let Some(cl) = out.cluster() else {
        return Fetched::Failed(CallError {
            action: "eks:DescribeCluster".into(),
            kind: CallErrorKind::Service,
            code: Some("ResourceNotFoundException".into()),
            message: "the answer held no cluster".into(),
        });
    };
    let vpc = cl.resources_vpc_config();
    Fetched::Ok(Cluster {
        name: cl.name().unwrap_or(name).to_string(),
        arn: cl.arn().map(str::to_string),
        status: cl
            .status()
            .map(|s| s.as_str().to_string())
            .unwrap_or_default(),
        version: cl.version().map(str::to_string),
        vpc_id: vpc.and_then(|v| v.vpc_id()).map(str::to_string),
        subnet_ids: vpc.map(|v| v.subnet_ids().to_vec()).unwrap_or_default(),
        security_group_ids: vpc
            .map(|v| v.security_group_ids().to_vec())
            .unwrap_or_default(),
        cluster_security_group_id: vpc
            .and_then(|v| v.cluster_security_group_id())
            .map(str::to_string),
        oidc_issuer: cl
            .identity()
            .and_then(|i| i.oidc())
            .and_then(|o| o.issuer())
            .map(str::to_string),
        ip_family: cl
            .kubernetes_network_config()
            .and_then(|k| k.ip_family())
            .map(|f| f.as_str().to_string()),
        auto_mode: cl
            .compute_config()
            .filter(|cc| cc.enabled() == Some(true))
            .map(|cc| AutoMode {
                compute: true,
                node_pools: cc.node_pools().to_vec(),
                block_storage: cl
                    .storage_config()
                    .and_then(|s| s.block_storage())
                    .and_then(|b| b.enabled())
                    .unwrap_or(false),
                load_balancing: cl
                    .kubernetes_network_config()
                    .and_then(|k| k.elastic_load_balancing())
                    .and_then(|e| e.enabled())
                    .unwrap_or(false),
            }),
    })
}

pub(super) async fn nodegroups(c: &Clients, cluster: &str) -> Fetched<Vec<Nodegroup>> {
    let names: Vec<String> = fetch!(
        "eks:ListNodegroups",
        c.eks
            .list_nodegroups()
            .cluster_name(cluster)
            .max_results(100)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
    );
    let described: Vec<_> = futures::stream::iter(names)
        .map(|n| async move {
            c.eks
                .describe_nodegroup()
                .cluster_name(cluster)
                .nodegroup_name(n)
                .send()
                .await
        })
        .buffered(FAN_OUT)
        .collect()
        .await;
    let mut out = Vec::new();
    for d in described {
        let d = fetch!("eks:DescribeNodegroup", d);
        let Some(g) = d.nodegroup() else { continue };
        let scaling = g.scaling_config();
        out.push(Nodegroup {
            name: g.nodegroup_name().unwrap_or_default().to_string(),
            status: g
                .status()
                .map(|s| s.as_str().to_string())
                .unwrap_or_default(),
            instance_types: g.instance_types().to_vec(),
            desired_size: scaling.and_then(|s| s.desired_size()).unwrap_or(0),
            min_size: scaling.and_then(|s| s.min_size()).unwrap_or(0),
            max_size: scaling.and_then(|s| s.max_size()).unwrap_or(0),
            subnet_ids: g.subnets().to_vec(),
            capacity_type: g.capacity_type().map(|c| c.as_str().to_string()),
            launch_template: g.launch_template().map(|lt| LaunchTemplateRef {
                id: lt.id().map(str::to_string),
                name: lt.name().map(str::to_string),
                version: lt.version().map(str::to_string),
            }),
        });
    }
    Fetched::Ok(out)
}

pub(super) async fn addons(c: &Clients, cluster: &str) -> Fetched<Vec<String>> {
    let mut names: Vec<String> = fetch!(
        "eks:ListAddons",
        c.eks
            .list_addons()
            .cluster_name(cluster)
            .max_results(100)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
    );
    names.sort();
    Fetched::Ok(names)
}

/// The cluster's Fargate profiles (a cluster that runs only on Fargate has
/// no node that an EBS volume can attach to).
pub(super) async fn fargate_profiles(c: &Clients, cluster: &str) -> Fetched<Vec<String>> {
    let mut names: Vec<String> = fetch!(
        "eks:ListFargateProfiles",
        c.eks
            .list_fargate_profiles()
            .cluster_name(cluster)
            .max_results(100)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
    );
    names.sort();
    Fetched::Ok(names)
}

/// The vpc-cni add-on's configuration values (`None` when it sets none).
pub(super) async fn vpc_cni_config(c: &Clients, cluster: &str) -> Fetched<Option<String>> {
    let out = fetch!(
        "eks:DescribeAddon",
        c.eks
            .describe_addon()
            .cluster_name(cluster)
            .addon_name("vpc-cni")
            .send()
            .await
    );
    Fetched::Ok(
        out.addon()
            .and_then(|a| a.configuration_values())
            .map(str::to_string),
    )
}

/// EKS Pod Identity associations for a service account, as evidence lines.
pub(super) async fn pod_identity_associations(
    c: &Clients,
    cluster: &str,
    namespace: &str,
    service_account: &str,
) -> Result<Vec<String>, CallError> {
    let items: Result<Vec<_>, _> = c
        .eks
        .list_pod_identity_associations()
        .cluster_name(cluster)
        .namespace(namespace)
        .service_account(service_account)
        .max_results(100)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await;
    let items = items.map_err(|e| call_error("eks:ListPodIdentityAssociations", &e))?;
    Ok(items
        .iter()
        .map(|a| {
            format!(
                "EKS Pod Identity association {} for {namespace}/{service_account}",
                a.association_id().unwrap_or_default()
            )
        })
        .collect())
}
