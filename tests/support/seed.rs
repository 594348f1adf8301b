//! Builds a LangSmith reference deployment in moto with the AWS SDK,
//! modelled on the public LangChain Terraform module: 3 public + 3 private
//! subnets, NAT, m5.4xlarge managed nodes, RDS PostgreSQL 16, ElastiCache
//! Redis 7, an ALB with HTTPS + HTTP redirect, an ACM certificate and
//! healthy targets. Variants break one thing at a time.
//!
//! These are test fixtures: they call mutating APIs against the emulator.
//! The tool itself never does (tests/read_only.rs).

use aws_config::BehaviorVersion;
use aws_sdk_ec2::types as ec2t;
use aws_sdk_elasticloadbalancingv2::types as elbt;

pub const CLUSTER: &str = "langsmith";
pub const DOMAIN: &str = "langsmith.example.com";
pub const BUCKET: &str = "langsmith-blobs-test";

#[derive(Debug, Clone)]
pub struct Variant {
    pub instance_type: &'static str,
    pub node_count: usize,
    /// Run EC2 instances for the nodes (else only the node group exists).
    pub run_instances: bool,
    pub pg_version: &'static str,
    pub pg_public: bool,
    /// Port the database security group admits from the node security group.
    pub db_rule_port: Option<i32>,
    /// Port the Redis security group admits from the node security group.
    pub redis_rule_port: Option<i32>,
    pub tag_public_subnets: bool,
    pub nodes_in_public_subnets: bool,
    pub http_redirects: bool,
    pub ssl_policy: &'static str,
    pub cert_domain: &'static str,
    pub stop_targets: bool,
    /// Create the ALB at all (false: the state before `helm install`).
    pub alb: bool,
    /// Associate a WAFv2 web ACL with the ALB.
    pub waf: bool,
    /// Point the domain's Route53 alias at the ALB (else at another name).
    pub dns_to_alb: bool,
    /// ClickHouse volumes: (type, iops, throughput); none when empty.
    pub clickhouse_volume: Option<(&'static str, i32, i32)>,
    /// Block public access on the bucket.
    pub bucket_private: bool,
    /// Block public access for the whole account (S3 Control).
    pub account_block: bool,
    /// An IPv6 cluster: the VPC gets an Amazon-provided /56, each subnet a /64
    /// of it, and the cluster `kubernetesNetworkConfig.ipFamily = ipv6`.
    pub ipv6: bool,
    /// Register the cluster's OIDC issuer in IAM.
    pub oidc: bool,
    /// RDS automated backup retention, in days (0: backups off).
    pub pg_backup_days: i32,
    pub pg_encrypted: bool,
    /// ElastiCache engine and version.
    pub redis_engine: (&'static str, &'static str),
    /// The node security group admits the ALB's on the target port.
    pub nodes_admit_alb: bool,
    /// Create the managed node group "default".
    pub nodegroup: bool,
    /// Its (min, desired, max) sizes; default (node_count, node_count, node_count + 2).
    pub nodegroup_sizes: Option<(i32, i32, i32)>,
    /// Tag the private subnets and the node security group
    /// karpenter.sh/discovery=<cluster>, as Karpenter's set-up does.
    pub karpenter_discovery: bool,
    /// The running instances are Karpenter's (karpenter.sh/nodepool,
    /// eks:eks-cluster-name) instead of the node group's.
    pub karpenter_nodes: bool,
    /// A Fargate profile for the cluster.
    pub fargate_profile: bool,
    /// An instance tagged kubernetes.io/cluster/<cluster> with no node signal (a bastion).
    pub standalone_instance: bool,
    /// A launch template with this instance type and the node security group
    /// (created in EC2; see Seeded::launch_template).
    pub launch_template: Option<&'static str>,
    /// An IAM role whose trust policy names the EBS CSI controller's
    /// service account (IRSA), as the EBS CSI Helm chart's set-up creates.
    pub ebs_csi_irsa_role: bool,
    /// A read replica of the database, in the same VPC.
    pub pg_read_replica: bool,
    /// The database is a Multi-AZ DB cluster (engine postgres) instead of an instance.
    pub pg_multi_az_cluster: bool,
    /// The database also admits a managed prefix list holding the VPC's CIDR.
    pub pg_prefix_list: bool,
    /// An RDS Proxy in front of the database, which admits only the proxy.
    pub pg_behind_proxy: bool,
}

impl Default for Variant {
    fn default() -> Self {
        Variant {
            instance_type: "m5.4xlarge",
            node_count: 3,
            run_instances: true,
            pg_version: "16.4",
            pg_public: false,
            db_rule_port: Some(5432),
            redis_rule_port: Some(6379),
            tag_public_subnets: true,
            nodes_in_public_subnets: false,
            http_redirects: true,
            ssl_policy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
            cert_domain: DOMAIN,
            stop_targets: false,
            alb: true,
            waf: true,
            dns_to_alb: true,
            clickhouse_volume: Some(("gp3", 7000, 1000)),
            bucket_private: true,
            account_block: false,
            ipv6: false,
            oidc: true,
            pg_backup_days: 7,
            pg_encrypted: true,
            redis_engine: ("redis", "7.1"),
            nodes_admit_alb: true,
            nodegroup: true,
            nodegroup_sizes: None,
            karpenter_discovery: false,
            karpenter_nodes: false,
            fargate_profile: false,
            standalone_instance: false,
            launch_template: None,
            ebs_csi_irsa_role: false,
            pg_read_replica: false,
            pg_multi_az_cluster: false,
            pg_prefix_list: false,
            pg_behind_proxy: false,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Seeded {
    pub vpc: String,
    pub public_subnets: Vec<String>,
    pub private_subnets: Vec<String>,
    pub node_sg: String,
    pub db_sg: String,
    pub redis_sg: String,
    pub instances: Vec<String>,
    pub alb_arn: String,
    pub cert_arn: String,
    /// The launch template's id, when one was created.
    pub launch_template: Option<String>,
    /// Subnets the node group (or Karpenter) puts nodes in.
    pub node_subnets: Vec<String>,
    /// The VPC's IPv6 block, when the variant asked for one.
    pub vpc_ipv6: String,
    /// The ALB's security group and DNS name, and the domain's hosted zone.
    pub alb_sg: String,
    pub alb_dns: String,
    pub zone_id: String,
}

pub async fn sdk_config(endpoint: &str, region: &str) -> aws_types::SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .region(aws_config::Region::new(region.to_string()))
        .endpoint_url(endpoint)
        .credentials_provider(aws_sdk_ec2::config::Credentials::new(
            "testing", "testing", None, None, "test",
        ))
        .load()
        .await
}

fn tag(k: &str, v: &str) -> ec2t::Tag {
    ec2t::Tag::builder().key(k).value(v).build()
}

fn from_sg(port: i32, sg: &str) -> ec2t::IpPermission {
    ec2t::IpPermission::builder()
        .ip_protocol("tcp")
        .from_port(port)
        .to_port(port)
        .user_id_group_pairs(ec2t::UserIdGroupPair::builder().group_id(sg).build())
        .build()
}

pub async fn seed(conf: &aws_types::SdkConfig, v: &Variant) -> Seeded {
    // Boxed: the whole seeding is too large a future for a test thread's stack.
    Box::pin(seed_deployment(conf, v)).await
}

async fn seed_deployment(conf: &aws_types::SdkConfig, v: &Variant) -> Seeded {
    let region = conf.region().unwrap().to_string();
    let ec2 = aws_sdk_ec2::Client::new(conf);
    let eks = aws_sdk_eks::Client::new(conf);
    let rds = aws_sdk_rds::Client::new(conf);
    let cache = aws_sdk_elasticache::Client::new(conf);
    let acm = aws_sdk_acm::Client::new(conf);
    let elb = aws_sdk_elasticloadbalancingv2::Client::new(conf);
    let mut s = Seeded::default();

    // --- network
    let vpc = ec2
        .create_vpc()
        .cidr_block("10.0.0.0/16")
        .amazon_provided_ipv6_cidr_block(v.ipv6)
        .send()
        .await
        .unwrap();
    s.vpc = vpc.vpc().unwrap().vpc_id().unwrap().to_string();
    // The VPC's /56 as an address: subnet k gets the k-th /64 in it.
    let ipv6_base: Option<u128> = vpc
        .vpc()
        .unwrap()
        .ipv6_cidr_block_association_set()
        .first()
        .and_then(|a| a.ipv6_cidr_block())
        .filter(|_| v.ipv6)
        .map(|c| {
            s.vpc_ipv6 = c.to_string();
            u128::from(
                c.split('/')
                    .next()
                    .unwrap()
                    .parse::<std::net::Ipv6Addr>()
                    .unwrap(),
            )
        });
    let igw = ec2.create_internet_gateway().send().await.unwrap();
    let igw = igw
        .internet_gateway()
        .unwrap()
        .internet_gateway_id()
        .unwrap()
        .to_string();
    ec2.attach_internet_gateway()
        .internet_gateway_id(&igw)
        .vpc_id(&s.vpc)
        .send()
        .await
        .unwrap();
    for (i, az) in ["a", "b", "c"].iter().enumerate() {
        for (public, base) in [(true, 0), (false, 64)] {
            let cidr = format!("10.0.{}.0/20", base + 16 * i);
            let k = (2 * i + usize::from(!public)) as u128;
            let sub = ec2
                .create_subnet()
                .vpc_id(&s.vpc)
                .cidr_block(cidr)
                .set_ipv6_cidr_block(
                    ipv6_base.map(|b| format!("{}/64", std::net::Ipv6Addr::from(b + (k << 64)))),
                )
                .availability_zone(format!("{region}{az}"))
                .send()
                .await
                .unwrap();
            let id = sub.subnet().unwrap().subnet_id().unwrap().to_string();
            let role = if public {
                "kubernetes.io/role/elb"
            } else {
                "kubernetes.io/role/internal-elb"
            };
            if !public || v.tag_public_subnets {
                ec2.create_tags()
                    .resources(&id)
                    .tags(tag(role, "1"))
                    .send()
                    .await
                    .unwrap();
            }
            if public {
                s.public_subnets.push(id)
            } else {
                s.private_subnets.push(id)
            }
        }
    }
    let public_rt = ec2
        .create_route_table()
        .vpc_id(&s.vpc)
        .send()
        .await
        .unwrap();
    let public_rt = public_rt
        .route_table()
        .unwrap()
        .route_table_id()
        .unwrap()
        .to_string();
    ec2.create_route()
        .route_table_id(&public_rt)
        .destination_cidr_block("0.0.0.0/0")
        .gateway_id(&igw)
        .send()
        .await
        .unwrap();
    for sub in &s.public_subnets {
        ec2.associate_route_table()
            .route_table_id(&public_rt)
            .subnet_id(sub)
            .send()
            .await
            .unwrap();
    }
    let eip = ec2
        .allocate_address()
        .domain(ec2t::DomainType::Vpc)
        .send()
        .await
        .unwrap();
    let nat = ec2
        .create_nat_gateway()
        .subnet_id(&s.public_subnets[0])
        .allocation_id(eip.allocation_id().unwrap())
        .send()
        .await
        .unwrap();
    let nat = nat
        .nat_gateway()
        .unwrap()
        .nat_gateway_id()
        .unwrap()
        .to_string();
    let private_rt = ec2
        .create_route_table()
        .vpc_id(&s.vpc)
        .send()
        .await
        .unwrap();
    let private_rt = private_rt
        .route_table()
        .unwrap()
        .route_table_id()
        .unwrap()
        .to_string();
    ec2.create_route()
        .route_table_id(&private_rt)
        .destination_cidr_block("0.0.0.0/0")
        .nat_gateway_id(&nat)
        .send()
        .await
        .unwrap();
    for sub in &s.private_subnets {
        ec2.associate_route_table()
            .route_table_id(&private_rt)
            .subnet_id(sub)
            .send()
            .await
            .unwrap();
    }

    // --- security groups
    let sg = |name: &'static str| {
        let ec2 = ec2.clone();
        let vpc = s.vpc.clone();
        async move {
            ec2.create_security_group()
                .group_name(name)
                .description(name)
                .vpc_id(vpc)
                .send()
                .await
                .unwrap()
                .group_id()
                .unwrap()
                .to_string()
        }
    };
    let cluster_sg = sg("eks-cluster-sg-langsmith").await;
    s.node_sg = sg("langsmith-nodes").await;
    s.db_sg = sg("langsmith-postgres").await;
    s.redis_sg = sg("langsmith-redis").await;
    let alb_sg = sg("k8s-langsmith-alb").await;
    s.alb_sg = alb_sg.clone();
    if let Some(p) = v.db_rule_port {
        ec2.authorize_security_group_ingress()
            .group_id(&s.db_sg)
            .ip_permissions(from_sg(p, &s.node_sg))
            .send()
            .await
            .unwrap();
    }
    if let Some(p) = v.redis_rule_port {
        ec2.authorize_security_group_ingress()
            .group_id(&s.redis_sg)
            .ip_permissions(from_sg(p, &s.node_sg))
            .send()
            .await
            .unwrap();
    }
    ec2.authorize_security_group_ingress()
        .group_id(&alb_sg)
        .ip_permissions(
            ec2t::IpPermission::builder()
                .ip_protocol("tcp")
                .from_port(443)
                .to_port(443)
                .ip_ranges(ec2t::IpRange::builder().cidr_ip("0.0.0.0/0").build())
                .build(),
        )
        .send()
        .await
        .unwrap();

    // --- EKS
    let node_subnets = if v.nodes_in_public_subnets {
        s.public_subnets.clone()
    } else {
        s.private_subnets.clone()
    };
    eks.create_cluster()
        .name(CLUSTER)
        .version("1.35")
        .role_arn("arn:aws:iam::123456789012:role/langsmith-eks")
        .resources_vpc_config(
            aws_sdk_eks::types::VpcConfigRequest::builder()
                .set_subnet_ids(Some(s.private_subnets.clone()))
                .security_group_ids(&cluster_sg)
                .build(),
        )
        .set_kubernetes_network_config(v.ipv6.then(|| {
            aws_sdk_eks::types::KubernetesNetworkConfigRequest::builder()
                .ip_family(aws_sdk_eks::types::IpFamily::Ipv6)
                .build()
        }))
        .send()
        .await
        .unwrap();
    s.node_subnets = node_subnets.clone();
    if v.nodegroup {
        let n = v.node_count as i32;
        let (min, desired, max) = v.nodegroup_sizes.unwrap_or((n, n, n + 2));
        eks.create_nodegroup()
            .cluster_name(CLUSTER)
            .nodegroup_name("default")
            .node_role("arn:aws:iam::123456789012:role/langsmith-nodes")
            .set_subnets(Some(node_subnets.clone()))
            .instance_types(v.instance_type)
            .scaling_config(
                aws_sdk_eks::types::NodegroupScalingConfig::builder()
                    .min_size(min)
                    .max_size(max)
                    .desired_size(desired)
                    .build(),
            )
            .send()
            .await
            .unwrap();
    }
    if let Some(t) = v.launch_template {
        let out = ec2
            .create_launch_template()
            .launch_template_name("langsmith-nodes")
            .launch_template_data(
                ec2t::RequestLaunchTemplateData::builder()
                    .instance_type(ec2t::InstanceType::from(t))
                    .security_group_ids(&s.node_sg)
                    .build(),
            )
            .send()
            .await
            .unwrap();
        s.launch_template = out
            .launch_template()
            .and_then(|l| l.launch_template_id())
            .map(str::to_string);
    }
    if v.karpenter_discovery {
        let mut resources = node_subnets.clone();
        resources.push(s.node_sg.clone());
        ec2.create_tags()
            .set_resources(Some(resources))
            .tags(tag("karpenter.sh/discovery", CLUSTER))
            .send()
            .await
            .unwrap();
    }
    if v.fargate_profile {
        eks.create_fargate_profile()
            .cluster_name(CLUSTER)
            .fargate_profile_name("langsmith")
            .pod_execution_role_arn("arn:aws:iam::123456789012:role/langsmith-fargate")
            .set_subnets(Some(node_subnets.clone()))
            .selectors(
                aws_sdk_eks::types::FargateProfileSelector::builder()
                    .namespace("langsmith")
                    .build(),
            )
            .send()
            .await
            .unwrap();
    }
    if v.standalone_instance {
        ec2.run_instances()
            .image_id("ami-03cf127a")
            .instance_type(ec2t::InstanceType::from("t3.micro"))
            .min_count(1)
            .max_count(1)
            .subnet_id(&node_subnets[0])
            .tag_specifications(
                ec2t::TagSpecification::builder()
                    .resource_type(ec2t::ResourceType::Instance)
                    .tags(tag(&format!("kubernetes.io/cluster/{CLUSTER}"), "shared"))
                    .tags(tag("Name", "bastion"))
                    .build(),
            )
            .send()
            .await
            .unwrap();
    }
    if v.run_instances {
        for k in 0..v.node_count {
            let out = ec2
                .run_instances()
                .image_id("ami-03cf127a")
                .instance_type(ec2t::InstanceType::from(v.instance_type))
                .min_count(1)
                .max_count(1)
                .subnet_id(&node_subnets[k % node_subnets.len()])
                .security_group_ids(&s.node_sg)
                .security_group_ids(&cluster_sg)
                .tag_specifications(if v.karpenter_nodes {
                    ec2t::TagSpecification::builder()
                        .resource_type(ec2t::ResourceType::Instance)
                        .tags(tag("eks:eks-cluster-name", CLUSTER))
                        .tags(tag("karpenter.sh/nodepool", "default"))
                        .tags(tag(&format!("kubernetes.io/cluster/{CLUSTER}"), "owned"))
                        .build()
                } else {
                    ec2t::TagSpecification::builder()
                        .resource_type(ec2t::ResourceType::Instance)
                        .tags(tag("eks:cluster-name", CLUSTER))
                        .tags(tag("eks:nodegroup-name", "default"))
                        .tags(tag(&format!("kubernetes.io/cluster/{CLUSTER}"), "owned"))
                        .build()
                })
                .send()
                .await
                .unwrap();
            s.instances
                .push(out.instances()[0].instance_id().unwrap().to_string());
        }
    }

    // --- PostgreSQL
    rds.create_db_subnet_group()
        .db_subnet_group_name("langsmith")
        .db_subnet_group_description("langsmith")
        .set_subnet_ids(Some(s.private_subnets.clone()))
        .send()
        .await
        .unwrap();
    if v.pg_multi_az_cluster {
        rds.create_db_cluster()
            .db_cluster_identifier("langsmith-postgres")
            .engine("postgres")
            .engine_version(v.pg_version)
            .db_cluster_instance_class("db.m6gd.large")
            .allocated_storage(100)
            .storage_type("io1")
            .iops(1000)
            .master_username("langsmith")
            .master_user_password("not-a-secret-1")
            .db_subnet_group_name("langsmith")
            .vpc_security_group_ids(&s.db_sg)
            .backup_retention_period(v.pg_backup_days)
            .storage_encrypted(v.pg_encrypted)
            .send()
            .await
            .unwrap();
    } else {
        rds.create_db_instance()
            .db_instance_identifier("langsmith-postgres")
            .engine("postgres")
            .engine_version(v.pg_version)
            .db_instance_class("db.t3.large")
            .allocated_storage(20)
            .master_username("langsmith")
            .master_user_password("not-a-secret-1")
            .db_subnet_group_name("langsmith")
            .vpc_security_group_ids(&s.db_sg)
            .publicly_accessible(v.pg_public)
            .backup_retention_period(v.pg_backup_days)
            .storage_encrypted(v.pg_encrypted)
            .send()
            .await
            .unwrap();
    }
    if v.pg_prefix_list {
        let pl = ec2
            .create_managed_prefix_list()
            .prefix_list_name("langsmith-vpc")
            .address_family("IPv4")
            .max_entries(5)
            .entries(
                ec2t::AddPrefixListEntry::builder()
                    .cidr("10.0.0.0/16")
                    .build(),
            )
            .send()
            .await
            .unwrap()
            .prefix_list()
            .and_then(|p| p.prefix_list_id())
            .unwrap()
            .to_string();
        ec2.authorize_security_group_ingress()
            .group_id(&s.db_sg)
            .ip_permissions(
                ec2t::IpPermission::builder()
                    .ip_protocol("tcp")
                    .from_port(5432)
                    .to_port(5432)
                    .prefix_list_ids(ec2t::PrefixListId::builder().prefix_list_id(pl).build())
                    .build(),
            )
            .send()
            .await
            .unwrap();
    }
    if v.pg_behind_proxy {
        let proxy_sg = ec2
            .create_security_group()
            .group_name("langsmith-proxy")
            .description("langsmith-proxy")
            .vpc_id(&s.vpc)
            .send()
            .await
            .unwrap()
            .group_id()
            .unwrap()
            .to_string();
        ec2.authorize_security_group_ingress()
            .group_id(&proxy_sg)
            .ip_permissions(from_sg(5432, &s.node_sg))
            .send()
            .await
            .unwrap();
        ec2.revoke_security_group_ingress()
            .group_id(&s.db_sg)
            .ip_permissions(from_sg(5432, &s.node_sg))
            .send()
            .await
            .unwrap();
        ec2.authorize_security_group_ingress()
            .group_id(&s.db_sg)
            .ip_permissions(from_sg(5432, &proxy_sg))
            .send()
            .await
            .unwrap();
        rds.create_db_proxy()
            .db_proxy_name("langsmith-proxy")
            .engine_family(aws_sdk_rds::types::EngineFamily::Postgresql)
            .role_arn("arn:aws:iam::123456789012:role/langsmith-proxy")
            .auth(
                aws_sdk_rds::types::UserAuthConfig::builder()
                    .auth_scheme(aws_sdk_rds::types::AuthScheme::Secrets)
                    .secret_arn("arn:aws:secretsmanager:us-east-1:123456789012:secret:langsmith")
                    .build(),
            )
            .set_vpc_subnet_ids(Some(s.private_subnets.clone()))
            .vpc_security_group_ids(&proxy_sg)
            .send()
            .await
            .unwrap();
        rds.register_db_proxy_targets()
            .db_proxy_name("langsmith-proxy")
            .db_instance_identifiers("langsmith-postgres")
            .send()
            .await
            .unwrap();
    }
    if v.pg_read_replica {
        rds.create_db_instance_read_replica()
            .db_instance_identifier("langsmith-postgres-replica")
            .source_db_instance_identifier("langsmith-postgres")
            .db_instance_class("db.t3.large")
            .send()
            .await
            .unwrap();
    }

    // --- Redis
    cache
        .create_cache_subnet_group()
        .cache_subnet_group_name("langsmith")
        .cache_subnet_group_description("langsmith")
        .set_subnet_ids(Some(s.private_subnets.clone()))
        .send()
        .await
        .unwrap();
    cache
        .create_cache_cluster()
        .cache_cluster_id("langsmith-redis")
        .engine(v.redis_engine.0)
        .engine_version(v.redis_engine.1)
        .cache_node_type("cache.t3.medium")
        .num_cache_nodes(1)
        .cache_subnet_group_name("langsmith")
        .security_group_ids(&s.redis_sg)
        .send()
        .await
        .unwrap();

    // --- IRSA: the cluster's OIDC issuer as an IAM OIDC provider
    if v.oidc {
        let issuer = eks
            .describe_cluster()
            .name(CLUSTER)
            .send()
            .await
            .unwrap()
            .cluster()
            .and_then(|c| c.identity())
            .and_then(|i| i.oidc())
            .and_then(|o| o.issuer())
            .unwrap()
            .to_string();
        aws_sdk_iam::Client::new(conf)
            .create_open_id_connect_provider()
            .url(issuer)
            .client_id_list("sts.amazonaws.com")
            .thumbprint_list("9e99a48a9960b14926bb7f3b02e22da2b0ab7280")
            .send()
            .await
            .unwrap();
    }

    if v.ebs_csi_irsa_role {
        let trust = serde_json::json!({
            "Version": "2012-10-17",
            "Statement": [{
                "Effect": "Allow",
                "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE"},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {"StringEquals": {
                    "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE:sub": "system:serviceaccount:kube-system:ebs-csi-controller-sa"
                }}
            }]
        });
        aws_sdk_iam::Client::new(conf)
            .create_role()
            .role_name("langsmith-ebs-csi")
            .assume_role_policy_document(trust.to_string())
            .send()
            .await
            .unwrap();
    }

    // --- blob storage
    let s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(conf)
            .force_path_style(true)
            .build(),
    );
    s3.create_bucket().bucket(BUCKET).send().await.unwrap();
    s3.put_bucket_encryption()
        .bucket(BUCKET)
        .server_side_encryption_configuration(
            aws_sdk_s3::types::ServerSideEncryptionConfiguration::builder()
                .rules(
                    aws_sdk_s3::types::ServerSideEncryptionRule::builder()
                        .apply_server_side_encryption_by_default(
                            aws_sdk_s3::types::ServerSideEncryptionByDefault::builder()
                                .sse_algorithm(aws_sdk_s3::types::ServerSideEncryption::Aes256)
                                .build()
                                .unwrap(),
                        )
                        .build(),
                )
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    if v.bucket_private {
        s3.put_public_access_block()
            .bucket(BUCKET)
            .public_access_block_configuration(
                aws_sdk_s3::types::PublicAccessBlockConfiguration::builder()
                    .block_public_acls(true)
                    .ignore_public_acls(true)
                    .block_public_policy(true)
                    .restrict_public_buckets(true)
                    .build(),
            )
            .send()
            .await
            .unwrap();
    }

    if v.account_block {
        // S3 Control puts the account id in front of the host, which does not
        // resolve for 127.0.0.1: send it to the configured endpoint as given,
        // as the tool does for an emulator (collect/s3control.rs).
        #[derive(Debug)]
        struct Given(String);
        impl aws_sdk_s3control::config::endpoint::ResolveEndpoint for Given {
            fn resolve_endpoint<'a>(
                &'a self,
                _: &'a aws_sdk_s3control::config::endpoint::Params,
            ) -> aws_sdk_s3control::config::endpoint::EndpointFuture<'a> {
                aws_sdk_s3control::config::endpoint::EndpointFuture::ready(Ok(
                    aws_sdk_s3control::config::endpoint::Endpoint::builder()
                        .url(self.0.clone())
                        .build(),
                ))
            }
        }
        let s3control = aws_sdk_s3control::Client::from_conf(
            aws_sdk_s3control::config::Builder::from(conf)
                .endpoint_resolver(Given(conf.endpoint_url().unwrap().to_string()))
                .build(),
        );
        s3control
            .put_public_access_block()
            .account_id("123456789012")
            .public_access_block_configuration(
                aws_sdk_s3control::types::PublicAccessBlockConfiguration::builder()
                    .block_public_acls(true)
                    .ignore_public_acls(true)
                    .block_public_policy(true)
                    .restrict_public_buckets(true)
                    .build(),
            )
            .send()
            .await
            .unwrap();
    }

    // --- ClickHouse's persistent volumes, as the EBS CSI driver tags them
    if let Some((kind, iops, throughput)) = v.clickhouse_volume {
        for k in 0..3 {
            let mut req = ec2
                .create_volume()
                .availability_zone(format!("{region}a"))
                .size(500)
                .volume_type(ec2t::VolumeType::from(kind))
                .tag_specifications(
                    ec2t::TagSpecification::builder()
                        .resource_type(ec2t::ResourceType::Volume)
                        .tags(tag(
                            "kubernetes.io/created-for/pvc/name",
                            &format!("data-langsmith-clickhouse-{k}"),
                        ))
                        .tags(tag("kubernetes.io/created-for/pvc/namespace", "langsmith"))
                        .build(),
                );
            if kind != "gp2" {
                req = req.iops(iops);
            }
            if kind == "gp3" {
                req = req.throughput(throughput);
            }
            req.send().await.unwrap();
        }
    }

    // --- certificate
    let cert = acm
        .request_certificate()
        .domain_name(v.cert_domain)
        .validation_method(aws_sdk_acm::types::ValidationMethod::Dns)
        .send()
        .await
        .unwrap();
    s.cert_arn = cert.certificate_arn().unwrap().to_string();

    // --- ALB (created by the AWS Load Balancer Controller after helm install)
    if !v.alb {
        return s;
    }
    let lb = elb
        .create_load_balancer()
        .name("k8s-langsmith-ingress")
        .set_subnets(Some(s.public_subnets.clone()))
        .security_groups(&alb_sg)
        .scheme(elbt::LoadBalancerSchemeEnum::InternetFacing)
        .r#type(elbt::LoadBalancerTypeEnum::Application)
        .tags(
            elbt::Tag::builder()
                .key("elbv2.k8s.aws/cluster")
                .value(CLUSTER)
                .build(),
        )
        .send()
        .await
        .unwrap();
    s.alb_arn = lb.load_balancers()[0]
        .load_balancer_arn()
        .unwrap()
        .to_string();
    let tg = elb
        .create_target_group()
        .name("k8s-langsmith-frontend")
        .protocol(elbt::ProtocolEnum::Http)
        .port(30080)
        .vpc_id(&s.vpc)
        .target_type(elbt::TargetTypeEnum::Instance)
        .send()
        .await
        .unwrap();
    let tg = tg.target_groups()[0]
        .target_group_arn()
        .unwrap()
        .to_string();
    let mut reg = elb.register_targets().target_group_arn(&tg);
    for i in &s.instances {
        reg = reg.targets(elbt::TargetDescription::builder().id(i).port(30080).build());
    }
    if !s.instances.is_empty() {
        reg.send().await.unwrap();
    }
    if v.stop_targets && !s.instances.is_empty() {
        ec2.stop_instances()
            .set_instance_ids(Some(s.instances.clone()))
            .send()
            .await
            .unwrap();
    }
    elb.create_listener()
        .load_balancer_arn(&s.alb_arn)
        .protocol(elbt::ProtocolEnum::Https)
        .port(443)
        .ssl_policy(v.ssl_policy)
        .certificates(
            elbt::Certificate::builder()
                .certificate_arn(&s.cert_arn)
                .build(),
        )
        .default_actions(
            elbt::Action::builder()
                .r#type(elbt::ActionTypeEnum::Forward)
                .target_group_arn(&tg)
                .build(),
        )
        .send()
        .await
        .unwrap();
    // The controller lets the ALB reach the nodes on the target port.
    if v.nodes_admit_alb {
        ec2.authorize_security_group_ingress()
            .group_id(&s.node_sg)
            .ip_permissions(from_sg(30080, &alb_sg))
            .send()
            .await
            .unwrap();
    }
    let alb_dns = lb.load_balancers()[0].dns_name().unwrap().to_string();
    s.alb_dns = alb_dns.clone();
    if v.waf {
        let wafv2 = aws_sdk_wafv2::Client::new(conf);
        let acl = wafv2
            .create_web_acl()
            .name("langsmith")
            .scope(aws_sdk_wafv2::types::Scope::Regional)
            .default_action(
                aws_sdk_wafv2::types::DefaultAction::builder()
                    .allow(aws_sdk_wafv2::types::AllowAction::builder().build())
                    .build(),
            )
            .visibility_config(
                aws_sdk_wafv2::types::VisibilityConfig::builder()
                    .sampled_requests_enabled(false)
                    .cloud_watch_metrics_enabled(false)
                    .metric_name("langsmith")
                    .build()
                    .unwrap(),
            )
            .send()
            .await
            .unwrap();
        wafv2
            .associate_web_acl()
            .web_acl_arn(acl.summary().unwrap().arn().unwrap())
            .resource_arn(&s.alb_arn)
            .send()
            .await
            .unwrap();
    }
    let route53 = aws_sdk_route53::Client::new(conf);
    let zone = route53
        .create_hosted_zone()
        .name("example.com")
        .caller_reference("langsmith-preflight-test")
        .send()
        .await
        .unwrap();
    let zone_id = zone.hosted_zone().unwrap().id().to_string();
    s.zone_id = zone_id.clone();
    let target = if v.dns_to_alb {
        alb_dns.clone()
    } else {
        "old-alb-123.us-east-1.elb.amazonaws.com".to_string()
    };
    alias_domain(
        conf,
        &zone_id,
        "Z35SXDOTRQ7X7K",
        &format!("dualstack.{target}"),
    )
    .await;
    let http_action = if v.http_redirects {
        elbt::Action::builder()
            .r#type(elbt::ActionTypeEnum::Redirect)
            .redirect_config(
                elbt::RedirectActionConfig::builder()
                    .protocol("HTTPS")
                    .port("443")
                    .status_code(elbt::RedirectActionStatusCodeEnum::Http301)
                    .build(),
            )
            .build()
    } else {
        elbt::Action::builder()
            .r#type(elbt::ActionTypeEnum::Forward)
            .target_group_arn(&tg)
            .build()
    };
    elb.create_listener()
        .load_balancer_arn(&s.alb_arn)
        .protocol(elbt::ProtocolEnum::Http)
        .port(80)
        .default_actions(http_action)
        .send()
        .await
        .unwrap();
    s
}

/// Upserts the domain's A record as an alias to `dns_name`, whose own hosted
/// zone is `alias_zone` (an ALB's region zone, or CloudFront's Z2FDTNDATAQYW2).
pub async fn alias_domain(
    conf: &aws_types::SdkConfig,
    zone_id: &str,
    alias_zone: &str,
    dns_name: &str,
) {
    use aws_sdk_route53::types as r53;
    aws_sdk_route53::Client::new(conf)
        .change_resource_record_sets()
        .hosted_zone_id(zone_id)
        .change_batch(
            r53::ChangeBatch::builder()
                .changes(
                    r53::Change::builder()
                        .action(r53::ChangeAction::Upsert)
                        .resource_record_set(
                            r53::ResourceRecordSet::builder()
                                .name(DOMAIN)
                                .r#type(r53::RrType::A)
                                .alias_target(
                                    r53::AliasTarget::builder()
                                        .hosted_zone_id(alias_zone)
                                        .dns_name(dns_name)
                                        .evaluate_target_health(true)
                                        .build()
                                        .unwrap(),
                                )
                                .build()
                                .unwrap(),
                        )
                        .build()
                        .unwrap(),
                )
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
}

/// Uploads tests/fixtures/iam-server-cert-rsa1024.pem as the IAM server
/// certificate `name`; returns its ARN.
pub async fn upload_iam_certificate(conf: &aws_types::SdkConfig, name: &str) -> String {
    let pem = include_str!("../fixtures/iam-server-cert-rsa1024.pem");
    let key_at = pem.find("-----BEGIN RSA PRIVATE KEY").unwrap();
    let up = aws_sdk_iam::Client::new(conf)
        .upload_server_certificate()
        .server_certificate_name(name)
        .certificate_body(&pem[pem.find("-----BEGIN CERTIFICATE").unwrap()..key_at])
        .private_key(&pem[key_at..])
        .send()
        .await
        .unwrap();
    up.server_certificate_metadata().unwrap().arn().to_string()
}

/// The ARN of the ALB's listener on 443.
pub async fn https_listener(conf: &aws_types::SdkConfig, alb_arn: &str) -> String {
    let listeners = aws_sdk_elasticloadbalancingv2::Client::new(conf)
        .describe_listeners()
        .load_balancer_arn(alb_arn)
        .send()
        .await
        .unwrap();
    listeners
        .listeners()
        .iter()
        .find(|l| l.port() == Some(443))
        .and_then(|l| l.listener_arn())
        .unwrap()
        .to_string()
}

/// Answers, in AWS's own wire format, for the operations moto does not
/// implement (or answers unlike AWS), for the proxy to give instead of
/// forwarding them — so that the tool's real SDK parsing of them is tested:
/// * EKS ListAddons, DescribeAddon and ListPodIdentityAssociations: moto
///   has none of them (404);
/// * Service Quotas GetServiceQuota: moto knows only the `vpc` service;
/// * EKS DescribeNodegroup with a launch template: moto reports a default
///   instance type even when the template sets it (AWS reports none);
/// * CloudFront ListDistributions: moto's summaries omit Aliases, Origins,
///   Enabled and WebACLId, which AWS always sends.
pub mod answers {
    use serde_json::json;

    /// One enabled distribution `id` named `domain_name`, serving
    /// [`super::DOMAIN`] from the origin `origin` (REST-XML, as AWS sends it).
    pub fn list_distributions(id: &str, domain_name: &str, origin: &str) -> (String, String) {
        let body = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<DistributionList xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/">
  <Marker></Marker><MaxItems>100</MaxItems><IsTruncated>false</IsTruncated><Quantity>1</Quantity>
  <Items><DistributionSummary>
    <Id>{id}</Id><ARN>arn:aws:cloudfront::123456789012:distribution/{id}</ARN>
    <Status>Deployed</Status><LastModifiedTime>2026-11-30T10:00:00.000Z</LastModifiedTime>
    <DomainName>{domain_name}</DomainName>
    <Aliases><Quantity>1</Quantity><Items><CNAME>{domain}</CNAME></Items></Aliases>
    <Origins><Quantity>1</Quantity><Items><Origin>
      <Id>alb</Id><DomainName>{origin}</DomainName><OriginPath></OriginPath>
      <CustomHeaders><Quantity>0</Quantity></CustomHeaders>
      <CustomOriginConfig><HTTPPort>80</HTTPPort><HTTPSPort>443</HTTPSPort>
        <OriginProtocolPolicy>https-only</OriginProtocolPolicy></CustomOriginConfig>
    </Origin></Items></Origins>
    <OriginGroups><Quantity>0</Quantity></OriginGroups>
    <DefaultCacheBehavior><TargetOriginId>alb</TargetOriginId>
      <ViewerProtocolPolicy>redirect-to-https</ViewerProtocolPolicy></DefaultCacheBehavior>
    <CacheBehaviors><Quantity>0</Quantity></CacheBehaviors>
    <CustomErrorResponses><Quantity>0</Quantity></CustomErrorResponses>
    <Comment>LangSmith</Comment><PriceClass>PriceClass_All</PriceClass><Enabled>true</Enabled>
    <ViewerCertificate><CloudFrontDefaultCertificate>false</CloudFrontDefaultCertificate>
      <SSLSupportMethod>sni-only</SSLSupportMethod><MinimumProtocolVersion>TLSv1.2_2021</MinimumProtocolVersion></ViewerCertificate>
    <Restrictions><GeoRestriction><RestrictionType>none</RestrictionType><Quantity>0</Quantity></GeoRestriction></Restrictions>
    <WebACLId></WebACLId><HttpVersion>http2</HttpVersion><IsIPV6Enabled>true</IsIPV6Enabled><Staging>false</Staging>
  </DistributionSummary></Items>
</DistributionList>"#,
            domain = super::DOMAIN
        );
        ("cloudfront:ListDistributions".into(), body)
    }

    pub fn list_addons(addons: &[&str]) -> (String, String) {
        (
            "eks:ListAddons".into(),
            json!({ "addons": addons }).to_string(),
        )
    }

    /// The vpc-cni add-on, with configuration values when given.
    pub fn describe_addon(configuration: Option<&str>) -> (String, String) {
        let mut addon = json!({
            "addonName": "vpc-cni",
            "clusterName": super::CLUSTER,
            "status": "ACTIVE",
            "addonVersion": "v1.19.2-eksbuild.1"
        });
        if let Some(c) = configuration {
            addon["configurationValues"] = json!(c);
        }
        (
            "eks:DescribeAddon".into(),
            json!({ "addon": addon }).to_string(),
        )
    }

    pub fn pod_identity_associations(ids: &[&str]) -> (String, String) {
        let list: Vec<_> = ids
            .iter()
            .map(|id| json!({
                "clusterName": super::CLUSTER,
                "namespace": "kube-system",
                "serviceAccount": "ebs-csi-controller-sa",
                "associationId": id,
                "associationArn": format!("arn:aws:eks:us-east-1:123456789012:podidentityassociation/{}/{id}", super::CLUSTER)
            }))
            .collect();
        (
            "eks:ListPodIdentityAssociations".into(),
            json!({ "associations": list }).to_string(),
        )
    }

    pub fn quota(vcpus: f64) -> (String, String) {
        (
            "servicequotas:GetServiceQuota".into(),
            json!({ "Quota": {
                "ServiceCode": "ec2",
                "ServiceName": "Amazon Elastic Compute Cloud (Amazon EC2)",
                "QuotaArn": "arn:aws:servicequotas:us-east-1:123456789012:ec2/L-1216C47A",
                "QuotaCode": "L-1216C47A",
                "QuotaName": "Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances",
                "Value": vcpus,
                "Unit": "None",
                "Adjustable": true,
                "GlobalQuota": false
            }})
            .to_string(),
        )
    }

    /// The "default" node group as AWS reports one that launches from a
    /// launch template which sets the instance type: no `instanceTypes`.
    pub fn nodegroup_with_launch_template(
        template_id: &str,
        version: &str,
        subnets: &[String],
        (min, desired, max): (i32, i32, i32),
    ) -> (String, String) {
        (
            "eks:DescribeNodegroup".into(),
            json!({ "nodegroup": {
                "nodegroupName": "default",
                "clusterName": super::CLUSTER,
                "status": "ACTIVE",
                "capacityType": "ON_DEMAND",
                "scalingConfig": { "minSize": min, "desiredSize": desired, "maxSize": max },
                "subnets": subnets,
                "launchTemplate": { "id": template_id, "version": version }
            }})
            .to_string(),
        )
    }
}
