//! The inventory: everything `collect` learned about the account, as our own
//! serde structs. It is the only input of evaluation and doubles as the
//! offline snapshot format, so every field is plain data (no SDK types).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Service Quotas' code for EC2's "Running On-Demand Standard (A, C, D, H,
/// I, M, R, T, Z) instances" quota, in vCPUs.
pub const ON_DEMAND_STANDARD_VCPU_QUOTA: &str = "L-1216C47A";

/// Version of the inventory's JSON layout. Bump on incompatible change.
pub const INVENTORY_SCHEMA_VERSION: u32 = 1;

/// The outcome of one collection step.
///
/// `Failed` keeps the IAM action that was refused (or failed) so that the
/// requirements needing it report `error` and name it. `NotCollected` means
/// no selected requirement needed the data, so it was never requested.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Fetched<T> {
    Ok(T),
    Failed(CallError),
    #[default]
    NotCollected,
}

impl<T> Fetched<T> {
    pub fn ok(&self) -> Option<&T> {
        match self {
            Fetched::Ok(v) => Some(v),
            _ => None,
        }
    }

    /// Why the call gave no answer, when it failed.
    pub fn error(&self) -> Option<&CallError> {
        match self {
            Fetched::Failed(e) => Some(e),
            _ => None,
        }
    }

    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Fetched<U> {
        match self {
            Fetched::Ok(v) => Fetched::Ok(f(v)),
            Fetched::Failed(e) => Fetched::Failed(e),
            Fetched::NotCollected => Fetched::NotCollected,
        }
    }
}

/// Why an AWS call did not give us an answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallError {
    /// The IAM action, e.g. `elasticloadbalancing:DescribeTargetHealth`.
    pub action: String,
    pub kind: CallErrorKind,
    /// The service's error code when it sent one (`AccessDenied`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CallErrorKind {
    /// AccessDenied / UnauthorizedOperation: a permission is missing.
    Denied,
    /// The service answered with another error.
    Service,
    /// No answer: connection, timeout, credentials.
    Transport,
    /// Not sent because a call it depends on failed.
    Dependency,
}

/// What the user asked to check (flags), before discovery.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct TargetSpec {
    pub cluster: String,
    pub domain: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alb: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postgres: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redis: Option<String>,
    /// The blob-storage bucket (`--bucket`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bucket: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Inventory {
    pub schema_version: u32,
    pub tool_version: String,
    /// RFC 3339 time the collection finished.
    pub collected_at: String,
    #[serde(default)]
    pub account: Option<String>,
    pub region: String,
    pub target: TargetSpec,
    /// The VPC every VPC-scoped call was filtered by, and where it came from.
    #[serde(default)]
    pub vpc_id: Option<String>,
    #[serde(default)]
    pub vpc_source: Option<String>,

    #[serde(default)]
    pub cluster: Fetched<Cluster>,
    #[serde(default)]
    pub nodegroups: Fetched<Vec<Nodegroup>>,
    #[serde(default)]
    pub instances: Fetched<Vec<Instance>>,
    #[serde(default)]
    pub instance_types: Fetched<Vec<InstanceType>>,
    #[serde(default)]
    pub subnets: Fetched<Vec<Subnet>>,
    #[serde(default)]
    pub route_tables: Fetched<Vec<RouteTable>>,
    #[serde(default)]
    pub security_groups: Fetched<Vec<SecurityGroup>>,
    /// The managed prefix lists the security groups' rules name.
    #[serde(default)]
    pub prefix_lists: Fetched<Vec<PrefixList>>,
    #[serde(default)]
    pub db_instances: Fetched<Vec<DbInstance>>,
    #[serde(default)]
    pub db_clusters: Fetched<Vec<DbCluster>>,
    #[serde(default)]
    pub db_subnet_groups: Fetched<Vec<SubnetGroup>>,
    /// RDS Proxies (PostgreSQL engine family) and their targets.
    #[serde(default)]
    pub db_proxies: Fetched<Vec<DbProxy>>,
    #[serde(default)]
    pub cache_clusters: Fetched<Vec<CacheCluster>>,
    #[serde(default)]
    pub replication_groups: Fetched<Vec<ReplicationGroup>>,
    #[serde(default)]
    pub cache_subnet_groups: Fetched<Vec<SubnetGroup>>,
    /// ElastiCache Serverless caches.
    #[serde(default)]
    pub serverless_caches: Fetched<Vec<ServerlessCache>>,
    #[serde(default)]
    pub load_balancers: Fetched<Vec<LoadBalancer>>,
    #[serde(default)]
    pub listeners: Fetched<Vec<Listener>>,
    #[serde(default)]
    pub ssl_policies: Fetched<Vec<SslPolicy>>,
    #[serde(default)]
    pub target_groups: Fetched<Vec<TargetGroup>>,
    #[serde(default)]
    pub certificates: Fetched<Vec<Certificate>>,
    /// EKS add-on names (ListAddons).
    #[serde(default)]
    pub addons: Fetched<Vec<String>>,
    /// The vpc-cni add-on's configuration values (DescribeAddon), when the
    /// CNI is an EKS add-on; `Ok(None)` when it is not.
    #[serde(default)]
    pub vpc_cni_config: Fetched<Option<String>>,
    /// The launch template versions the node groups launch from.
    #[serde(default)]
    pub launch_templates: Fetched<Vec<LaunchTemplateVersion>>,
    /// The cluster's Fargate profile names.
    #[serde(default)]
    pub fargate_profiles: Fetched<Vec<String>>,
    /// Signs that the EBS CSI driver runs outside EKS add-ons: IAM roles
    /// trusted by, and Pod Identity associations for, its controller's
    /// service account. Collected only when the add-on is absent.
    #[serde(default)]
    pub ebs_csi_identities: Fetched<Vec<String>>,
    /// The region's "Running On-Demand Standard (A, C, D, H, I, M, R, T, Z)
    /// instances" quota, in vCPUs (Service Quotas L-1216C47A).
    #[serde(default)]
    pub instance_quota: Fetched<f64>,
    /// IAM OIDC identity provider ARNs.
    #[serde(default)]
    pub oidc_providers: Fetched<Vec<String>>,
    /// The WAFv2 web ACL of each ALB candidate.
    #[serde(default)]
    pub web_acls: Fetched<Vec<WebAclAssociation>>,
    /// The Route53 hosted zones whose name is the longest suffix of the domain.
    #[serde(default)]
    pub hosted_zones: Fetched<Vec<HostedZone>>,
    /// The domain's records in those zones.
    #[serde(default)]
    pub dns_records: Fetched<Vec<DnsRecord>>,
    /// CloudFront distributions that can front the deployment: an alias
    /// covering the domain, or a load balancer as an origin.
    #[serde(default)]
    pub distributions: Fetched<Vec<Distribution>>,
    #[serde(default)]
    pub bucket: Fetched<Bucket>,
    /// EBS volumes created for persistent volume claims.
    #[serde(default)]
    pub volumes: Fetched<Vec<Volume>>,
}

impl Inventory {
    /// An inventory with nothing collected yet.
    pub fn empty(target: TargetSpec, region: &str) -> Self {
        Inventory {
            schema_version: INVENTORY_SCHEMA_VERSION,
            tool_version: env!("CARGO_PKG_VERSION").to_string(),
            collected_at: String::new(),
            account: None,
            region: region.to_string(),
            target,
            vpc_id: None,
            vpc_source: None,
            cluster: Fetched::NotCollected,
            nodegroups: Fetched::NotCollected,
            instances: Fetched::NotCollected,
            instance_types: Fetched::NotCollected,
            subnets: Fetched::NotCollected,
            route_tables: Fetched::NotCollected,
            security_groups: Fetched::NotCollected,
            prefix_lists: Fetched::NotCollected,
            db_instances: Fetched::NotCollected,
            db_clusters: Fetched::NotCollected,
            db_subnet_groups: Fetched::NotCollected,
            db_proxies: Fetched::NotCollected,
            cache_clusters: Fetched::NotCollected,
            replication_groups: Fetched::NotCollected,
            cache_subnet_groups: Fetched::NotCollected,
            serverless_caches: Fetched::NotCollected,
            load_balancers: Fetched::NotCollected,
            listeners: Fetched::NotCollected,
            ssl_policies: Fetched::NotCollected,
            target_groups: Fetched::NotCollected,
            certificates: Fetched::NotCollected,
            addons: Fetched::NotCollected,
            vpc_cni_config: Fetched::NotCollected,
            launch_templates: Fetched::NotCollected,
            fargate_profiles: Fetched::NotCollected,
            ebs_csi_identities: Fetched::NotCollected,
            instance_quota: Fetched::NotCollected,
            oidc_providers: Fetched::NotCollected,
            web_acls: Fetched::NotCollected,
            hosted_zones: Fetched::NotCollected,
            dns_records: Fetched::NotCollected,
            distributions: Fetched::NotCollected,
            bucket: Fetched::NotCollected,
            volumes: Fetched::NotCollected,
        }
    }

    /// Every call that gave no answer, in field order: what a snapshot
    /// records as denied or failed.
    pub fn failed_calls(&self) -> Vec<&CallError> {
        let mut out: Vec<&CallError> = [
            self.cluster.error(),
            self.nodegroups.error(),
            self.instances.error(),
            self.instance_types.error(),
            self.subnets.error(),
            self.route_tables.error(),
            self.security_groups.error(),
            self.prefix_lists.error(),
            self.db_instances.error(),
            self.db_clusters.error(),
            self.db_subnet_groups.error(),
            self.db_proxies.error(),
            self.cache_clusters.error(),
            self.replication_groups.error(),
            self.cache_subnet_groups.error(),
            self.serverless_caches.error(),
            self.load_balancers.error(),
            self.listeners.error(),
            self.ssl_policies.error(),
            self.target_groups.error(),
            self.certificates.error(),
            self.addons.error(),
            self.vpc_cni_config.error(),
            self.launch_templates.error(),
            self.fargate_profiles.error(),
            self.ebs_csi_identities.error(),
            self.instance_quota.error(),
            self.oidc_providers.error(),
            self.web_acls.error(),
            self.hosted_zones.error(),
            self.dns_records.error(),
            self.bucket.error(),
            self.volumes.error(),
        ]
        .into_iter()
        .flatten()
        .collect();
        if let Fetched::Ok(tgs) = &self.target_groups {
            out.extend(tgs.iter().filter_map(|t| t.health.error()));
        }
        if let Fetched::Ok(ls) = &self.listeners {
            out.extend(ls.iter().filter_map(|l| l.rules.error()));
        }
        out
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Cluster {
    pub name: String,
    #[serde(default)]
    pub arn: Option<String>,
    pub status: String,
    #[serde(default)]
    pub version: Option<String>,
    #[serde(default)]
    pub vpc_id: Option<String>,
    #[serde(default)]
    pub subnet_ids: Vec<String>,
    /// Additional security groups given at creation.
    #[serde(default)]
    pub security_group_ids: Vec<String>,
    /// The EKS-created cluster security group (attached to managed nodes).
    #[serde(default)]
    pub cluster_security_group_id: Option<String>,
    /// The cluster's OIDC issuer URL (for IRSA).
    #[serde(default)]
    pub oidc_issuer: Option<String>,
    /// `kubernetesNetworkConfig.ipFamily`: `ipv4` or `ipv6`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip_family: Option<String>,
    /// EKS Auto Mode, when DescribeCluster reports `computeConfig.enabled`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_mode: Option<AutoMode>,
}

/// What EKS Auto Mode manages for the cluster (DescribeCluster).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct AutoMode {
    /// `computeConfig.enabled`: EKS launches nodes on demand.
    pub compute: bool,
    /// `computeConfig.nodePools`: the built-in node pools enabled.
    #[serde(default)]
    pub node_pools: Vec<String>,
    /// `storageConfig.blockStorage.enabled`: the EBS CSI driver is built in.
    #[serde(default)]
    pub block_storage: bool,
    /// `kubernetesNetworkConfig.elasticLoadBalancing.enabled`.
    #[serde(default)]
    pub load_balancing: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Nodegroup {
    pub name: String,
    pub status: String,
    #[serde(default)]
    pub instance_types: Vec<String>,
    #[serde(default)]
    pub desired_size: i32,
    #[serde(default)]
    pub min_size: i32,
    #[serde(default)]
    pub max_size: i32,
    #[serde(default)]
    pub subnet_ids: Vec<String>,
    #[serde(default)]
    pub capacity_type: Option<String>,
    /// The launch template the node group launches from, when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub launch_template: Option<LaunchTemplateRef>,
}

/// A node group's launch template (DescribeNodegroup `launchTemplate`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct LaunchTemplateRef {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    /// A version number, `$Default` or `$Latest`.
    #[serde(default)]
    pub version: Option<String>,
}

/// What a launch template version says about the nodes it launches
/// (DescribeLaunchTemplateVersions).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct LaunchTemplateVersion {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    pub version: i64,
    /// True for the template's default version (`$Default`).
    #[serde(default)]
    pub default: bool,
    /// True for the template's latest version (`$Latest`).
    #[serde(default)]
    pub latest: bool,
    #[serde(default)]
    pub instance_type: Option<String>,
    /// `SecurityGroupIds` and the network interfaces' `Groups`.
    #[serde(default)]
    pub security_group_ids: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Instance {
    pub id: String,
    pub instance_type: String,
    pub state: String,
    #[serde(default)]
    pub vpc_id: Option<String>,
    #[serde(default)]
    pub subnet_id: Option<String>,
    #[serde(default)]
    pub availability_zone: Option<String>,
    #[serde(default)]
    pub private_ip: Option<String>,
    /// Its primary IPv6 address, when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ipv6: Option<String>,
    #[serde(default)]
    pub security_group_ids: Vec<String>,
    /// `eks:nodegroup-name` tag: set for managed node group members.
    #[serde(default)]
    pub nodegroup: Option<String>,
    /// The instance's tags. `None` in snapshots written before tags were
    /// recorded: such instances are all taken as nodes, as then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<BTreeMap<String, String>>,
}

/// Facts from DescribeInstanceTypes that the allocatable model needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct InstanceType {
    pub name: String,
    pub vcpus: u32,
    pub memory_mib: u64,
    pub max_network_interfaces: u32,
    pub ipv4_addresses_per_interface: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Subnet {
    pub id: String,
    pub vpc_id: String,
    pub cidr: String,
    pub availability_zone: String,
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    /// Its IPv6 CIDR block, when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ipv6_cidr: Option<String>,
    /// The account that owns the subnet (another account's for a subnet
    /// shared with AWS RAM).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct RouteTable {
    pub id: String,
    pub vpc_id: String,
    /// The VPC's main route table applies to subnets with no explicit association.
    #[serde(default)]
    pub main: bool,
    #[serde(default)]
    pub subnet_ids: Vec<String>,
    #[serde(default)]
    pub routes: Vec<Route>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Route {
    /// IPv4 or IPv6 CIDR, or a prefix-list id.
    pub destination: String,
    /// `igw-…`, `nat-…`, `local`, `tgw-…`, `eni-…`, …
    pub target: String,
    #[serde(default)]
    pub state: Option<String>,
}

/// A managed prefix list that a security-group rule names, with its entries
/// (GetManagedPrefixListEntries).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct PrefixList {
    pub id: String,
    /// Its name (DescribeManagedPrefixLists), e.g.
    /// `com.amazonaws.global.cloudfront.origin-facing` for an AWS-managed list.
    #[serde(default)]
    pub name: Option<String>,
    /// CIDR blocks (IPv4 and IPv6).
    #[serde(default)]
    pub cidrs: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct SecurityGroup {
    pub id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub vpc_id: Option<String>,
    #[serde(default)]
    pub ingress: Vec<SgRule>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
}

/// One ingress permission. `protocol` is `-1` (all), `tcp`, `udp`, `icmp` or a number.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct SgRule {
    pub protocol: String,
    #[serde(default)]
    pub from_port: Option<i32>,
    #[serde(default)]
    pub to_port: Option<i32>,
    #[serde(default)]
    pub ipv4_cidrs: Vec<String>,
    #[serde(default)]
    pub ipv6_cidrs: Vec<String>,
    #[serde(default)]
    pub prefix_lists: Vec<String>,
    #[serde(default)]
    pub security_groups: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct DbInstance {
    pub id: String,
    pub engine: String,
    pub engine_version: String,
    pub status: String,
    #[serde(default)]
    pub cluster_id: Option<String>,
    #[serde(default)]
    pub endpoint: Option<String>,
    #[serde(default)]
    pub port: Option<i32>,
    #[serde(default)]
    pub publicly_accessible: bool,
    #[serde(default)]
    pub vpc_id: Option<String>,
    #[serde(default)]
    pub subnet_group: Option<String>,
    #[serde(default)]
    pub subnet_ids: Vec<String>,
    #[serde(default)]
    pub security_group_ids: Vec<String>,
    #[serde(default)]
    pub instance_class: Option<String>,
    #[serde(default)]
    pub storage_encrypted: Option<bool>,
    #[serde(default)]
    pub backup_retention_days: Option<i32>,
    /// The instance this one is a read replica of.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read_replica_source: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct DbCluster {
    pub id: String,
    pub engine: String,
    pub engine_version: String,
    pub status: String,
    #[serde(default)]
    pub endpoint: Option<String>,
    #[serde(default)]
    pub port: Option<i32>,
    #[serde(default)]
    pub subnet_group: Option<String>,
    #[serde(default)]
    pub security_group_ids: Vec<String>,
    #[serde(default)]
    pub members: Vec<String>,
    #[serde(default)]
    pub storage_encrypted: Option<bool>,
    #[serde(default)]
    pub backup_retention_days: Option<i32>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
}

/// An RDS Proxy and the databases it fronts (DescribeDBProxies,
/// DescribeDBProxyTargets).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct DbProxy {
    pub name: String,
    #[serde(default)]
    pub engine_family: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub vpc_id: Option<String>,
    #[serde(default)]
    pub security_group_ids: Vec<String>,
    #[serde(default)]
    pub subnet_ids: Vec<String>,
    /// The instance and cluster identifiers behind it (`RdsResourceId`,
    /// `TrackedClusterId`).
    #[serde(default)]
    pub targets: Vec<String>,
}

/// An RDS DB subnet group or an ElastiCache cache subnet group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct SubnetGroup {
    pub name: String,
    #[serde(default)]
    pub vpc_id: Option<String>,
    #[serde(default)]
    pub subnet_ids: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct CacheCluster {
    pub id: String,
    pub engine: String,
    #[serde(default)]
    pub engine_version: Option<String>,
    pub status: String,
    #[serde(default)]
    pub node_type: Option<String>,
    #[serde(default)]
    pub replication_group_id: Option<String>,
    #[serde(default)]
    pub subnet_group: Option<String>,
    #[serde(default)]
    pub security_group_ids: Vec<String>,
    /// Port of the node or configuration endpoint, when reported.
    #[serde(default)]
    pub port: Option<i32>,
    #[serde(default)]
    pub transit_encryption: Option<bool>,
}

/// An ElastiCache Serverless cache (DescribeServerlessCaches).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ServerlessCache {
    pub name: String,
    pub engine: String,
    #[serde(default)]
    pub major_engine_version: Option<String>,
    #[serde(default)]
    pub full_engine_version: Option<String>,
    pub status: String,
    #[serde(default)]
    pub port: Option<i32>,
    #[serde(default)]
    pub security_group_ids: Vec<String>,
    #[serde(default)]
    pub subnet_ids: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ReplicationGroup {
    pub id: String,
    pub status: String,
    #[serde(default)]
    pub engine: Option<String>,
    #[serde(default)]
    pub member_clusters: Vec<String>,
    #[serde(default)]
    pub port: Option<i32>,
    #[serde(default)]
    pub node_type: Option<String>,
    #[serde(default)]
    pub transit_encryption: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct LoadBalancer {
    pub arn: String,
    pub name: String,
    /// `application`, `network`, `gateway`.
    pub lb_type: String,
    /// `internet-facing` or `internal`.
    pub scheme: String,
    pub state: String,
    #[serde(default)]
    pub vpc_id: Option<String>,
    #[serde(default)]
    pub dns_name: Option<String>,
    #[serde(default)]
    pub zones: Vec<LbZone>,
    #[serde(default)]
    pub security_groups: Vec<String>,
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct LbZone {
    pub zone: String,
    #[serde(default)]
    pub subnet_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Listener {
    pub arn: String,
    pub load_balancer_arn: String,
    pub port: i32,
    pub protocol: String,
    #[serde(default)]
    pub ssl_policy: Option<String>,
    /// Default and SNI certificates (DescribeListenerCertificates).
    #[serde(default)]
    pub certificates: Vec<ListenerCertificate>,
    #[serde(default)]
    pub default_actions: Vec<ListenerAction>,
    /// The listener's rules (DescribeRules), the default rule included.
    #[serde(default)]
    pub rules: Fetched<Vec<ListenerRule>>,
}

/// One listener rule: its conditions and actions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ListenerRule {
    /// `1`…`50000`, or `default`.
    pub priority: String,
    #[serde(default)]
    pub is_default: bool,
    /// Host-header condition values (may hold `*` and `?` wildcards).
    #[serde(default)]
    pub host_headers: Vec<String>,
    #[serde(default)]
    pub path_patterns: Vec<String>,
    #[serde(default)]
    pub actions: Vec<ListenerAction>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ListenerCertificate {
    pub arn: String,
    #[serde(default)]
    pub is_default: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ListenerAction {
    /// `forward`, `redirect`, `fixed-response`, `authenticate-oidc`, …
    pub action_type: String,
    #[serde(default)]
    pub redirect_protocol: Option<String>,
    #[serde(default)]
    pub redirect_port: Option<String>,
    #[serde(default)]
    pub target_group_arns: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct SslPolicy {
    pub name: String,
    #[serde(default)]
    pub protocols: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct TargetGroup {
    pub arn: String,
    pub name: String,
    #[serde(default)]
    pub load_balancer_arns: Vec<String>,
    #[serde(default)]
    pub protocol: Option<String>,
    #[serde(default)]
    pub port: Option<i32>,
    #[serde(default)]
    pub target_type: Option<String>,
    #[serde(default)]
    pub health: Fetched<Vec<TargetHealth>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct TargetHealth {
    pub id: String,
    #[serde(default)]
    pub port: Option<i32>,
    pub state: String,
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Certificate {
    pub arn: String,
    pub domain: String,
    #[serde(default)]
    pub sans: Vec<String>,
    pub status: String,
    /// RFC 3339.
    #[serde(default)]
    pub not_after: Option<String>,
    #[serde(default)]
    pub key_algorithm: Option<String>,
    #[serde(default)]
    pub cert_type: Option<String>,
}

impl Certificate {
    /// `cert_type` of an IAM server certificate (ACM's own types are
    /// `AMAZON_ISSUED`, `IMPORTED` and `PRIVATE`).
    pub const IAM_SERVER_CERTIFICATE: &'static str = "IAM";

    pub fn is_iam_server_certificate(&self) -> bool {
        self.cert_type.as_deref() == Some(Self::IAM_SERVER_CERTIFICATE)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct WebAclAssociation {
    pub resource_arn: String,
    #[serde(default)]
    pub web_acl_arn: Option<String>,
    #[serde(default)]
    pub web_acl_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct HostedZone {
    pub id: String,
    /// With the trailing dot, as Route53 reports it.
    pub name: String,
    #[serde(default)]
    pub private: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct DnsRecord {
    pub zone_id: String,
    pub name: String,
    pub record_type: String,
    /// Alias target DNS name, when an alias.
    #[serde(default)]
    pub alias_target: Option<String>,
    #[serde(default)]
    pub values: Vec<String>,
}

impl DnsRecord {
    /// What the record points at: its alias target, else its first value.
    pub fn target(&self) -> Option<&str> {
        self.alias_target
            .as_deref()
            .or_else(|| self.values.first().map(String::as_str))
    }
}

/// A CloudFront distribution (ListDistributions), names canonical.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Distribution {
    pub id: String,
    /// Its own name, `d111111abcdef8.cloudfront.net`.
    pub domain_name: String,
    /// Alternate domain names (CNAMEs) it serves.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Its origins' domain names.
    #[serde(default)]
    pub origins: Vec<String>,
    #[serde(default)]
    pub enabled: bool,
    /// `Deployed` or `InProgress`.
    #[serde(default)]
    pub status: String,
    /// The WAF web ACL (WAFv2 ARN) attached to it, if any.
    #[serde(default)]
    pub web_acl_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Bucket {
    pub name: String,
    pub exists: bool,
    /// The bucket's region (GetBucketLocation; empty means us-east-1).
    #[serde(default)]
    pub region: Option<String>,
    /// BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy, RestrictPublicBuckets;
    /// `None` when no public access block is configured on the bucket.
    #[serde(default)]
    pub public_access_block: Option<[bool; 4]>,
    /// The account's public access block (S3 Control GetPublicAccessBlock),
    /// in the same order. S3 applies a setting when the bucket or the account
    /// has it on. `Ok(None)` when the account has none; collected only for a
    /// bucket that exists.
    #[serde(default)]
    pub account_public_access_block: Fetched<Option<[bool; 4]>>,
    /// Default encryption algorithm (`AES256`, `aws:kms`, …); `None` when not configured.
    #[serde(default)]
    pub encryption: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Volume {
    pub id: String,
    pub volume_type: String,
    #[serde(default)]
    pub iops: Option<i32>,
    /// MiB/s (gp3 only).
    #[serde(default)]
    pub throughput: Option<i32>,
    #[serde(default)]
    pub size_gib: Option<i32>,
    #[serde(default)]
    pub state: String,
    #[serde(default)]
    pub availability_zone: Option<String>,
    #[serde(default)]
    pub pvc_name: Option<String>,
    #[serde(default)]
    pub pvc_namespace: Option<String>,
    #[serde(default)]
    pub attached_to: Vec<String>,
    /// Clusters named by `kubernetes.io/cluster/<name>` tags.
    #[serde(default)]
    pub clusters: Vec<String>,
}
