//! EKS: the cluster, its managed node groups and its add-ons.
//! Only `describe_*`, `list_*` and `get_*` operations are called here.

use futures::StreamExt;

use super::{call_error, Clients, FAN_OUT};
use crate::model::{CallError, CallErrorKind, Cluster, Fetched, Nodegroup};

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
