//! Collection paths moto cannot express, covered with aws-smithy-mocks:
//! * moto answers DescribeCacheClusters without SecurityGroups or node ports;
//! * moto never reports an `unhealthy` target with a reason code;
//! * moto enforces no IAM, so a denied DescribeTargetHealth is mocked;
//! * throttling/5xx answers, which the SDK must retry.
//!
//! The collector under test is the real one; only the transport is mocked.

use std::collections::BTreeSet;
use std::time::Duration;

use aws_smithy_mocks::{mock, mock_client, Rule, RuleMode};
use aws_smithy_types::error::ErrorMetadata;
use langsmith_preflight::collect::{collect, CallRecorder, Clients};
use langsmith_preflight::model::*;
use langsmith_preflight::spec::Need;

const VPC: &str = "vpc-0123";

fn sts_rule() -> Rule {
    mock!(aws_sdk_sts::Client::get_caller_identity).then_output(|| {
        aws_sdk_sts::operation::get_caller_identity::GetCallerIdentityOutput::builder()
            .account("111122223333")
            .build()
    })
}

fn cluster_rule() -> Rule {
    mock!(aws_sdk_eks::Client::describe_cluster).then_output(|| {
        aws_sdk_eks::operation::describe_cluster::DescribeClusterOutput::builder()
            .cluster(
                aws_sdk_eks::types::Cluster::builder()
                    .name("langsmith")
                    .status(aws_sdk_eks::types::ClusterStatus::Active)
                    .resources_vpc_config(
                        aws_sdk_eks::types::VpcConfigResponse::builder()
                            .vpc_id(VPC)
                            .cluster_security_group_id("sg-cluster")
                            .build(),
                    )
                    .build(),
            )
            .build()
    })
}

/// Clients whose answers come from `rules`, recording into `rec`.
#[derive(Default)]
struct Mocked {
    sts: Vec<Rule>,
    eks: Vec<Rule>,
    ec2: Vec<Rule>,
    elasticache: Vec<Rule>,
    elbv2: Vec<Rule>,
    iam: Vec<Rule>,
    servicequotas: Vec<Rule>,
}

impl Mocked {
    fn clients(&self, rec: &CallRecorder) -> Clients {
        macro_rules! client {
            ($krate:ident, $rules:expr) => {{
                let rec = rec.clone();
                mock_client!($krate, RuleMode::MatchAny, $rules.iter(), move |c| c
                    .interceptor(rec.clone())
                    .retry_config(
                        aws_smithy_types::retry::RetryConfig::standard()
                            .with_max_attempts(4)
                            .with_initial_backoff(Duration::from_millis(1))
                    ))
            }};
        }
        let none: Vec<Rule> = Vec::new();
        Clients {
            acm: client!(aws_sdk_acm, none),
            cloudfront: client!(aws_sdk_cloudfront, none),
            ec2: client!(aws_sdk_ec2, self.ec2),
            eks: client!(aws_sdk_eks, self.eks),
            elasticache: client!(aws_sdk_elasticache, self.elasticache),
            elbv2: client!(aws_sdk_elasticloadbalancingv2, self.elbv2),
            iam: client!(aws_sdk_iam, self.iam),
            rds: client!(aws_sdk_rds, none),
            route53: client!(aws_sdk_route53, none),
            s3: client!(aws_sdk_s3, none),
            s3control: client!(aws_sdk_s3control, none),
            servicequotas: client!(aws_sdk_servicequotas, self.servicequotas),
            sts: client!(aws_sdk_sts, self.sts),
            wafv2: client!(aws_sdk_wafv2, none),
        }
    }
}

fn target() -> TargetSpec {
    TargetSpec {
        cluster: "langsmith".into(),
        domain: "langsmith.example.com".into(),
        ..Default::default()
    }
}

fn needs(n: &[Need]) -> BTreeSet<Need> {
    n.iter().copied().collect()
}

#[tokio::test]
async fn elasticache_security_groups_and_ports_are_collected() {
    use aws_sdk_elasticache::operation as op;
    use aws_sdk_elasticache::types as t;
    let m = Mocked {
        sts: vec![sts_rule()],
        eks: vec![cluster_rule()],
        elasticache: vec![
            mock!(aws_sdk_elasticache::Client::describe_cache_clusters).then_output(|| {
                op::describe_cache_clusters::DescribeCacheClustersOutput::builder()
                    .cache_clusters(
                        t::CacheCluster::builder()
                            .cache_cluster_id("ls-rg-001")
                            .engine("valkey")
                            .engine_version("8.0")
                            .cache_cluster_status("available")
                            .replication_group_id("ls-rg")
                            .cache_subnet_group_name("ls-subnets")
                            .security_groups(
                                t::SecurityGroupMembership::builder()
                                    .security_group_id("sg-redis")
                                    .status("active")
                                    .build(),
                            )
                            .cache_nodes(
                                t::CacheNode::builder()
                                    .endpoint(
                                        t::Endpoint::builder().address("x").port(6380).build(),
                                    )
                                    .build(),
                            )
                            .build(),
                    )
                    .build()
            }),
            mock!(aws_sdk_elasticache::Client::describe_replication_groups).then_output(|| {
                op::describe_replication_groups::DescribeReplicationGroupsOutput::builder()
                    .replication_groups(
                        t::ReplicationGroup::builder()
                            .replication_group_id("ls-rg")
                            .status("available")
                            .engine("valkey")
                            .member_clusters("ls-rg-001")
                            .transit_encryption_enabled(true)
                            .node_groups(
                                t::NodeGroup::builder()
                                    .primary_endpoint(t::Endpoint::builder().port(6380).build())
                                    .build(),
                            )
                            .build(),
                    )
                    .build()
            }),
            mock!(aws_sdk_elasticache::Client::describe_cache_subnet_groups).then_output(|| {
                op::describe_cache_subnet_groups::DescribeCacheSubnetGroupsOutput::builder()
                    .cache_subnet_groups(
                        t::CacheSubnetGroup::builder()
                            .cache_subnet_group_name("ls-subnets")
                            .vpc_id(VPC)
                            .subnets(t::Subnet::builder().subnet_identifier("subnet-a").build())
                            .build(),
                    )
                    .build()
            }),
            // moto has no DescribeServerlessCaches.
            mock!(aws_sdk_elasticache::Client::describe_serverless_caches).then_output(|| {
                op::describe_serverless_caches::DescribeServerlessCachesOutput::builder()
                    .serverless_caches(
                        t::ServerlessCache::builder()
                            .serverless_cache_name("ls-serverless")
                            .engine("valkey")
                            .major_engine_version("8")
                            .full_engine_version("8.0")
                            .status("available")
                            .endpoint(
                                t::Endpoint::builder()
                                    .address("ls.serverless.cache.amazonaws.com")
                                    .port(6379)
                                    .build(),
                            )
                            .security_group_ids("sg-serverless")
                            .subnet_ids("subnet-a")
                            .build(),
                    )
                    .build()
            }),
        ],
        elbv2: vec![],
        ..Default::default()
    };
    let rec = CallRecorder::new();
    let inv = collect(
        &m.clients(&rec),
        &target(),
        "us-east-1",
        &needs(&[Need::Cluster, Need::Redis]),
    )
    .await
    .unwrap();
    assert_eq!(
        inv.serverless_caches,
        Fetched::Ok(vec![ServerlessCache {
            name: "ls-serverless".into(),
            engine: "valkey".into(),
            major_engine_version: Some("8".into()),
            full_engine_version: Some("8.0".into()),
            status: "available".into(),
            port: Some(6379),
            security_group_ids: vec!["sg-serverless".into()],
            subnet_ids: vec!["subnet-a".into()],
        }])
    );
    assert_eq!(inv.account.as_deref(), Some("111122223333"));
    assert_eq!(inv.vpc_id.as_deref(), Some(VPC));
    let cc = &inv.cache_clusters.ok().unwrap()[0];
    assert_eq!(cc.security_group_ids, vec!["sg-redis"]);
    assert_eq!(cc.port, Some(6380));
    assert_eq!(cc.replication_group_id.as_deref(), Some("ls-rg"));
    let rg = &inv.replication_groups.ok().unwrap()[0];
    assert_eq!(rg.port, Some(6380));
    assert_eq!(rg.transit_encryption, Some(true));
    assert_eq!(rg.member_clusters, vec!["ls-rg-001"]);
    let sg = &inv.cache_subnet_groups.ok().unwrap()[0];
    assert_eq!(sg.vpc_id.as_deref(), Some(VPC));
    // Nothing beyond what the selected requirements need was requested.
    assert_eq!(inv.subnets, Fetched::NotCollected);
    assert_eq!(inv.load_balancers, Fetched::NotCollected);
    let ops: BTreeSet<String> = rec.calls().into_iter().map(|c| c.operation).collect();
    assert_eq!(
        ops,
        [
            "DescribeCacheClusters",
            "DescribeCacheSubnetGroups",
            "DescribeServerlessCaches",
            "DescribeCluster",
            "DescribeReplicationGroups",
            "GetCallerIdentity"
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    );
}

fn alb_rules(health_rules: Vec<Rule>) -> Vec<Rule> {
    use aws_sdk_elasticloadbalancingv2::operation as op;
    use aws_sdk_elasticloadbalancingv2::types as t;
    const LB: &str =
        "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/k8s-ls/1";
    let mut rules = vec![
        mock!(aws_sdk_elasticloadbalancingv2::Client::describe_load_balancers).then_output(|| {
            op::describe_load_balancers::DescribeLoadBalancersOutput::builder()
                .load_balancers(
                    t::LoadBalancer::builder()
                        .load_balancer_arn(LB)
                        .load_balancer_name("k8s-ls")
                        .vpc_id(VPC)
                        .r#type(t::LoadBalancerTypeEnum::Application)
                        .scheme(t::LoadBalancerSchemeEnum::InternetFacing)
                        .state(
                            t::LoadBalancerState::builder()
                                .code(t::LoadBalancerStateEnum::Active)
                                .build(),
                        )
                        .build(),
                )
                .load_balancers(
                    // Another VPC's load balancer: never kept, never described further.
                    t::LoadBalancer::builder()
                        .load_balancer_arn("arn:other")
                        .load_balancer_name("other")
                        .vpc_id("vpc-other")
                        .r#type(t::LoadBalancerTypeEnum::Application)
                        .build(),
                )
                .build()
        }),
        // Every listener's rules: only the default rule.
        mock!(aws_sdk_elasticloadbalancingv2::Client::describe_rules).then_output(|| {
            op::describe_rules::DescribeRulesOutput::builder()
                .rules(
                    t::Rule::builder()
                        .priority("default")
                        .is_default(true)
                        .build(),
                )
                .build()
        }),
        mock!(aws_sdk_elasticloadbalancingv2::Client::describe_tags).then_output(|| {
            op::describe_tags::DescribeTagsOutput::builder()
                .tag_descriptions(
                    t::TagDescription::builder()
                        .resource_arn(LB)
                        .tags(
                            t::Tag::builder()
                                .key("elbv2.k8s.aws/cluster")
                                .value("langsmith")
                                .build(),
                        )
                        .build(),
                )
                .build()
        }),
        mock!(aws_sdk_elasticloadbalancingv2::Client::describe_listeners).then_output(|| {
            op::describe_listeners::DescribeListenersOutput::builder()
                .listeners(
                    t::Listener::builder()
                        .listener_arn("arn:listener/80")
                        .load_balancer_arn(LB)
                        .port(80)
                        .protocol(t::ProtocolEnum::Http)
                        .build(),
                )
                .build()
        }),
        mock!(aws_sdk_elasticloadbalancingv2::Client::describe_target_groups).then_output(|| {
            op::describe_target_groups::DescribeTargetGroupsOutput::builder()
                .target_groups(
                    t::TargetGroup::builder()
                        .target_group_arn("arn:tg/frontend")
                        .target_group_name("frontend")
                        .load_balancer_arns(LB)
                        .build(),
                )
                .target_groups(
                    t::TargetGroup::builder()
                        .target_group_arn("arn:tg/backend")
                        .target_group_name("backend")
                        .load_balancer_arns(LB)
                        .build(),
                )
                .build()
        }),
    ];
    rules.extend(health_rules);
    rules
}

#[tokio::test]
async fn unhealthy_reasons_and_a_denied_target_health_call() {
    use aws_sdk_elasticloadbalancingv2::operation::describe_target_health as dth;
    use aws_sdk_elasticloadbalancingv2::types as t;
    let m = Mocked {
        sts: vec![sts_rule()],
        eks: vec![cluster_rule()],
        elasticache: vec![],
        elbv2: alb_rules(vec![
            mock!(aws_sdk_elasticloadbalancingv2::Client::describe_target_health)
                .match_requests(|r| r.target_group_arn() == Some("arn:tg/frontend"))
                .then_output(|| {
                    dth::DescribeTargetHealthOutput::builder()
                        .target_health_descriptions(
                            t::TargetHealthDescription::builder()
                                .target(t::TargetDescription::builder().id("10.0.64.12").port(3000).build())
                                .target_health(
                                    t::TargetHealth::builder()
                                        .state(t::TargetHealthStateEnum::Unhealthy)
                                        .reason(t::TargetHealthReasonEnum::ResponseCodeMismatch)
                                        .description("Health checks failed with these codes: [404]")
                                        .build(),
                                )
                                .build(),
                        )
                        .build()
                }),
            mock!(aws_sdk_elasticloadbalancingv2::Client::describe_target_health)
                .match_requests(|r| r.target_group_arn() == Some("arn:tg/backend"))
                .then_error(|| {
                    dth::DescribeTargetHealthError::generic(
                        ErrorMetadata::builder()
                            .code("AccessDenied")
                            .message("User is not authorized to perform: elasticloadbalancing:DescribeTargetHealth")
                            .build(),
                    )
                }),
        ]),
        ..Default::default()
    };
    let rec = CallRecorder::new();
    let inv = collect(
        &m.clients(&rec),
        &target(),
        "us-east-1",
        &needs(&[Need::Cluster, Need::LoadBalancer, Need::TargetHealth]),
    )
    .await
    .unwrap();
    let lbs = inv.load_balancers.ok().unwrap();
    assert_eq!(lbs.len(), 1, "only the VPC's load balancer is kept");
    assert_eq!(
        lbs[0].tags.get("elbv2.k8s.aws/cluster").map(String::as_str),
        Some("langsmith")
    );
    let tgs = inv.target_groups.ok().unwrap();
    let frontend = tgs.iter().find(|t| t.name == "frontend").unwrap();
    let h = &frontend.health.ok().unwrap()[0];
    assert_eq!(h.state, "unhealthy");
    assert_eq!(h.reason.as_deref(), Some("Target.ResponseCodeMismatch"));
    assert_eq!(h.port, Some(3000));
    let backend = tgs.iter().find(|t| t.name == "backend").unwrap();
    match &backend.health {
        Fetched::Failed(e) => {
            assert_eq!(e.action, "elasticloadbalancing:DescribeTargetHealth");
            assert_eq!(e.kind, CallErrorKind::Denied);
        }
        other => panic!("expected a denied call, got {other:?}"),
    }
    // No HTTPS listener: no certificate or TLS policy lookups were needed.
    let ops: Vec<String> = rec.calls().into_iter().map(|c| c.operation).collect();
    assert!(!ops
        .iter()
        .any(|o| o == "DescribeListenerCertificates" || o == "DescribeSSLPolicies"));
    assert_eq!(
        ops.iter().filter(|o| *o == "DescribeTargetHealth").count(),
        2
    );
}

#[tokio::test]
async fn throttling_and_5xx_are_retried_not_failures() {
    let flaky = mock!(aws_sdk_eks::Client::describe_cluster)
        .sequence()
        .http_status(503, None)
        .times(2)
        .output(|| {
            aws_sdk_eks::operation::describe_cluster::DescribeClusterOutput::builder()
                .cluster(
                    aws_sdk_eks::types::Cluster::builder()
                        .name("langsmith")
                        .resources_vpc_config(
                            aws_sdk_eks::types::VpcConfigResponse::builder()
                                .vpc_id(VPC)
                                .build(),
                        )
                        .build(),
                )
                .build()
        })
        .build();
    let m = Mocked {
        sts: vec![sts_rule()],
        eks: vec![flaky],
        elasticache: vec![],
        elbv2: vec![],
        ..Default::default()
    };
    let rec = CallRecorder::new();
    let inv = collect(
        &m.clients(&rec),
        &target(),
        "us-east-1",
        &needs(&[Need::Cluster]),
    )
    .await
    .unwrap();
    assert_eq!(inv.cluster.ok().unwrap().vpc_id.as_deref(), Some(VPC));
    assert_eq!(rec.retries(), 2);
    assert_eq!(
        rec.api_calls(),
        2,
        "GetCallerIdentity and DescribeCluster, once each"
    );
}

#[tokio::test]
async fn a_missing_cluster_stops_collection() {
    let m = Mocked {
        sts: vec![sts_rule()],
        eks: vec![mock!(aws_sdk_eks::Client::describe_cluster).then_error(|| {
            aws_sdk_eks::operation::describe_cluster::DescribeClusterError::ResourceNotFoundException(
                aws_sdk_eks::types::error::ResourceNotFoundException::builder()
                    .message("No cluster found for name: langsmith.")
                    .build(),
            )
        })],
        elasticache: vec![],
        elbv2: vec![],
        ..Default::default()
    };
    let rec = CallRecorder::new();
    let err = collect(
        &m.clients(&rec),
        &target(),
        "eu-west-1",
        &needs(&[Need::Cluster]),
    )
    .await
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "EKS cluster \"langsmith\" not found in eu-west-1 (check --cluster and --region)"
    );
}

/// moto has no EKS ListAddons (it answers 404), so the add-on path, with
/// its pagination, is covered here; the moto runs report `error` for it.
#[tokio::test]
async fn eks_addons_are_listed_across_pages() {
    use aws_sdk_eks::operation::list_addons::ListAddonsOutput;
    let page1 = mock!(aws_sdk_eks::Client::list_addons)
        .match_requests(|r| r.next_token().is_none())
        .then_output(|| {
            ListAddonsOutput::builder()
                .addons("vpc-cni")
                .addons("metrics-server")
                .next_token("page-2")
                .build()
        });
    let page2 = mock!(aws_sdk_eks::Client::list_addons)
        .match_requests(|r| r.next_token() == Some("page-2"))
        .then_output(|| {
            ListAddonsOutput::builder()
                .addons("aws-ebs-csi-driver")
                .build()
        });
    let m = Mocked {
        sts: vec![sts_rule()],
        eks: vec![cluster_rule(), page1, page2],
        ..Default::default()
    };
    let rec = CallRecorder::new();
    let inv = collect(
        &m.clients(&rec),
        &target(),
        "us-east-1",
        &needs(&[Need::Cluster, Need::Addons]),
    )
    .await
    .unwrap();
    assert_eq!(
        inv.addons,
        Fetched::Ok(vec![
            "aws-ebs-csi-driver".to_string(),
            "metrics-server".to_string(),
            "vpc-cni".to_string()
        ])
    );
    let pages = rec
        .calls()
        .iter()
        .filter(|c| c.operation == "ListAddons")
        .count();
    assert_eq!(pages, 2, "both pages read");
    // The add-ons feed the evaluation: EBS CSI and metrics-server present.
    let reqs: Vec<_> = ["eks.addons"]
        .iter()
        .map(|id| langsmith_preflight::registry::find(id).unwrap())
        .collect();
    let findings = langsmith_preflight::evaluate::evaluate(
        &inv,
        &Default::default(),
        langsmith_preflight::evaluate::evaluation_time(&inv),
        &reqs,
    );
    assert_eq!(
        findings[0].status,
        langsmith_preflight::report::Status::Pass,
        "{}",
        findings[0].message
    );
}

/// Collects the cluster and its add-ons, with ListAddons answering the error `code`.
async fn collect_with_list_addons_error(
    code: &'static str,
    message: &'static str,
) -> Result<Inventory, langsmith_preflight::collect::CollectError> {
    let failing = mock!(aws_sdk_eks::Client::list_addons).then_error(move || {
        aws_sdk_eks::operation::list_addons::ListAddonsError::generic(
            ErrorMetadata::builder().code(code).message(message).build(),
        )
    });
    let m = Mocked {
        sts: vec![sts_rule()],
        eks: vec![cluster_rule(), failing],
        ..Default::default()
    };
    let rec = CallRecorder::new();
    collect(
        &m.clients(&rec),
        &target(),
        "us-east-1",
        &needs(&[Need::Cluster, Need::Addons]),
    )
    .await
}

/// A denied ListAddons makes the add-on requirements `error`, naming the action.
#[tokio::test]
async fn a_denied_list_addons_is_an_error_naming_the_action() {
    let inv = collect_with_list_addons_error(
        "AccessDeniedException",
        "User is not authorized to perform: eks:ListAddons",
    )
    .await
    .unwrap();
    match &inv.addons {
        Fetched::Failed(e) => {
            assert_eq!(e.action, "eks:ListAddons");
            assert_eq!(e.kind, CallErrorKind::Denied);
        }
        other => panic!("expected a denied call, got {other:?}"),
    }
}

/// Credentials that expire after the first calls: the run stops with one
/// clear message instead of turning every later call into an error.
#[tokio::test]
async fn credentials_expiring_mid_run_stop_the_run() {
    let err = collect_with_list_addons_error(
        "ExpiredTokenException",
        "The security token included in the request is expired",
    )
    .await
    .unwrap_err();
    let text = err.to_string();
    assert!(
        text.starts_with(
            "the AWS credentials were rejected during the run (ExpiredTokenException on eks:ListAddons)"
        ),
        "{text}"
    );
    assert!(text.contains("aws sso login"), "{text}");
}

/// EKS Auto Mode: moto's DescribeCluster has no computeConfig, storageConfig
/// or elasticLoadBalancing; the collector reads them into the inventory, and
/// evaluation treats the cluster as provisioning nodes on demand with the
/// EBS CSI driver and Pod Identity built in.
#[tokio::test]
async fn auto_mode_is_read_from_describe_cluster() {
    use aws_sdk_eks::types::*;
    let auto = mock!(aws_sdk_eks::Client::describe_cluster).then_output(|| {
        aws_sdk_eks::operation::describe_cluster::DescribeClusterOutput::builder()
            .cluster(
                Cluster::builder()
                    .name("langsmith")
                    .status(ClusterStatus::Active)
                    .resources_vpc_config(
                        VpcConfigResponse::builder()
                            .vpc_id(VPC)
                            .subnet_ids("subnet-a")
                            .cluster_security_group_id("sg-cluster")
                            .build(),
                    )
                    .compute_config(
                        ComputeConfigResponse::builder()
                            .enabled(true)
                            .node_pools("general-purpose")
                            .node_pools("system")
                            .build(),
                    )
                    .storage_config(
                        StorageConfigResponse::builder()
                            .block_storage(BlockStorage::builder().enabled(true).build())
                            .build(),
                    )
                    .kubernetes_network_config(
                        KubernetesNetworkConfigResponse::builder()
                            .elastic_load_balancing(
                                ElasticLoadBalancing::builder().enabled(true).build(),
                            )
                            .build(),
                    )
                    .build(),
            )
            .build()
    });
    let m = Mocked {
        sts: vec![sts_rule()],
        eks: vec![auto],
        ..Default::default()
    };
    let rec = CallRecorder::new();
    let inv = collect(
        &m.clients(&rec),
        &target(),
        "us-east-1",
        &needs(&[Need::Cluster]),
    )
    .await
    .unwrap();
    let am = inv
        .cluster
        .ok()
        .unwrap()
        .auto_mode
        .clone()
        .expect("Auto Mode read");
    assert_eq!(
        am,
        AutoMode {
            compute: true,
            node_pools: vec!["general-purpose".into(), "system".into()],
            block_storage: true,
            load_balancing: true,
        }
    );
    // Without computeConfig.enabled there is no Auto Mode.
    let m = Mocked {
        sts: vec![sts_rule()],
        eks: vec![cluster_rule()],
        ..Default::default()
    };
    let inv = collect(
        &m.clients(&CallRecorder::new()),
        &target(),
        "us-east-1",
        &needs(&[Need::Cluster]),
    )
    .await
    .unwrap();
    assert_eq!(inv.cluster.ok().unwrap().auto_mode, None);
}

/// The vpc-cni add-on's configuration values (moto has no DescribeAddon),
/// and a denied DescribeAddon recorded as such, not as "no prefix delegation".
#[tokio::test]
async fn vpc_cni_configuration_is_read_from_describe_addon() {
    let list = || {
        mock!(aws_sdk_eks::Client::list_addons).then_output(|| {
            aws_sdk_eks::operation::list_addons::ListAddonsOutput::builder()
                .addons("vpc-cni")
                .build()
        })
    };
    let nodegroups = || {
        mock!(aws_sdk_eks::Client::list_nodegroups).then_output(|| {
            aws_sdk_eks::operation::list_nodegroups::ListNodegroupsOutput::builder().build()
        })
    };
    let fargate = || {
        mock!(aws_sdk_eks::Client::list_fargate_profiles).then_output(|| {
            aws_sdk_eks::operation::list_fargate_profiles::ListFargateProfilesOutput::builder()
                .build()
        })
    };
    let instances = || {
        mock!(aws_sdk_ec2::Client::describe_instances).then_output(|| {
            aws_sdk_ec2::operation::describe_instances::DescribeInstancesOutput::builder().build()
        })
    };
    let types = || {
        mock!(aws_sdk_ec2::Client::describe_instance_types).then_output(|| {
            aws_sdk_ec2::operation::describe_instance_types::DescribeInstanceTypesOutput::builder()
                .build()
        })
    };
    let described = mock!(aws_sdk_eks::Client::describe_addon).then_output(|| {
        aws_sdk_eks::operation::describe_addon::DescribeAddonOutput::builder()
            .addon(
                aws_sdk_eks::types::Addon::builder()
                    .addon_name("vpc-cni")
                    .configuration_values(r#"{"env":{"ENABLE_PREFIX_DELEGATION":"true"}}"#)
                    .build(),
            )
            .build()
    });
    let m = Mocked {
        sts: vec![sts_rule()],
        eks: vec![cluster_rule(), list(), nodegroups(), fargate(), described],
        ec2: vec![instances(), types()],
        ..Default::default()
    };
    let inv = collect(
        &m.clients(&CallRecorder::new()),
        &target(),
        "us-east-1",
        &needs(&[Need::Cluster, Need::Nodes]),
    )
    .await
    .unwrap();
    assert_eq!(
        inv.vpc_cni_config,
        Fetched::Ok(Some(
            r#"{"env":{"ENABLE_PREFIX_DELEGATION":"true"}}"#.into()
        ))
    );
    let denied = mock!(aws_sdk_eks::Client::describe_addon).then_error(|| {
        aws_sdk_eks::operation::describe_addon::DescribeAddonError::generic(
            ErrorMetadata::builder()
                .code("AccessDeniedException")
                .message("not authorized")
                .build(),
        )
    });
    let m = Mocked {
        sts: vec![sts_rule()],
        eks: vec![cluster_rule(), list(), nodegroups(), fargate(), denied],
        ec2: vec![instances(), types()],
        ..Default::default()
    };
    let inv = collect(
        &m.clients(&CallRecorder::new()),
        &target(),
        "us-east-1",
        &needs(&[Need::Cluster, Need::Nodes]),
    )
    .await
    .unwrap();
    let e = inv.vpc_cni_config.error().expect("denied is recorded");
    assert_eq!(e.action, "eks:DescribeAddon");
    assert_eq!(e.kind, CallErrorKind::Denied);
}
