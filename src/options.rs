//! Options: the flags of `check` and `collect`, merged once with
//! `--terraform-outputs` and `preflight.toml` (flags win, then terraform
//! outputs, then the file) into one validated [`Options`] value that the
//! command line runs on — the only place those sources meet.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

use crate::model::TargetSpec;
use crate::names::parse_domain;
use crate::registry::{self, Requirement};
use crate::settings::{Baseline, ClickhouseMode, FailOn, Settings, Stage};
use crate::spec::Need;
use crate::{config, tfoutputs};

#[derive(Args, Debug, Clone, Default)]
pub struct TargetArgs {
    /// The EKS cluster's name.
    #[arg(long, value_name = "NAME")]
    pub cluster: Option<String>,
    /// The host name LangSmith is served on, e.g. langsmith.example.com.
    #[arg(long, value_name = "FQDN")]
    pub domain: Option<String>,
    /// AWS region (default: the SDK chain, e.g. AWS_REGION or the profile's).
    #[arg(long, value_name = "R")]
    pub region: Option<String>,
    /// Named profile from the shared AWS config files.
    #[arg(long, value_name = "P")]
    pub profile: Option<String>,
    /// Send every AWS call to this endpoint (e.g. an emulator); AWS_ENDPOINT_URL also works.
    #[arg(long, value_name = "URL")]
    pub endpoint_url: Option<String>,
    /// The VPC (default: the cluster's).
    #[arg(long, value_name = "ID")]
    pub vpc: Option<String>,
    /// The ALB, by ARN or name (default: discovered).
    #[arg(long, value_name = "ARN|NAME")]
    pub alb: Option<String>,
    /// The RDS instance or Aurora cluster identifier (default: discovered).
    #[arg(long, value_name = "ID")]
    pub postgres: Option<String>,
    /// The ElastiCache replication group or cache cluster id (default: discovered).
    #[arg(long, value_name = "ID")]
    pub redis: Option<String>,
    /// The blob-storage S3 bucket.
    #[arg(long, value_name = "NAME")]
    pub bucket: Option<String>,
    /// Where ClickHouse runs: in-cluster (default) or external (node sizing and storage skipped).
    #[arg(long, value_enum)]
    pub clickhouse: Option<ClickhouseMode>,
    /// Sources the ALB must admit on 443, for a deliberately restricted ALB (default: 0.0.0.0/0 when internet-facing).
    #[arg(long, value_delimiter = ',', value_name = "CIDR,…")]
    pub alb_allowed_cidrs: Vec<String>,
    /// Evaluate only what exists before `helm install` (preflight), or everything (installed, the default).
    #[arg(long, value_enum)]
    pub stage: Option<Stage>,
    /// Sizing baseline: production (3 ClickHouse replicas, the default) or dev.
    #[arg(long, value_enum)]
    pub baseline: Option<Baseline>,
    /// Configuration file (default: ./preflight.toml when present). Flags override it.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Target options from `terraform output -json` of the LangChain module (FILE, or - for stdin).
    #[arg(long, value_name = "FILE|-")]
    pub terraform_outputs: Option<PathBuf>,
    /// Give up on AWS after DURATION (e.g. 90s, 5m): the whole collection, and each
    /// call within it, must finish in that time, else the run stops with exit code 1.
    #[arg(long, value_name = "DURATION", value_parser = parse_timeout)]
    pub timeout: Option<Duration>,
    /// Check only these requirement ids (comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "ID,…")]
    pub only: Vec<String>,
    /// Leave out these requirement ids (comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "ID,…")]
    pub skip: Vec<String>,
}

/// `90s`, `10m`, `1h30m`, `500ms`.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let bad = || format!("{s:?} is not a duration such as 90s, 10m or 1h30m");
    let mut total = Duration::ZERO;
    let mut rest = s.trim();
    if rest.is_empty() {
        return Err(bad());
    }
    while !rest.is_empty() {
        let digits = rest.chars().take_while(|c| c.is_ascii_digit()).count();
        if digits == 0 {
            return Err(bad());
        }
        let n: u64 = rest[..digits].parse().map_err(|_| bad())?;
        rest = &rest[digits..];
        let unit: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphabetic())
            .collect();
        rest = &rest[unit.len()..];
        total += match unit.as_str() {
            "ms" => Duration::from_millis(n),
            "s" => Duration::from_secs(n),
            "m" => Duration::from_secs(n * 60),
            "h" => Duration::from_secs(n * 3600),
            _ => return Err(bad()),
        };
    }
    Ok(total)
}

/// `2m30s`, `90s`, `500ms`: the inverse of [`parse_duration`] for messages.
pub fn format_duration(d: Duration) -> String {
    let ms = d.as_millis();
    if !ms.is_multiple_of(1000) {
        return format!("{ms}ms");
    }
    let (m, s) = (ms / 60_000, (ms / 1000) % 60);
    match (m, s) {
        (0, s) => format!("{s}s"),
        (m, 0) => format!("{m}m"),
        (m, s) => format!("{m}m{s}s"),
    }
}

/// A `--timeout`: a duration longer than zero.
pub fn parse_timeout(s: &str) -> Result<Duration, String> {
    match parse_duration(s)? {
        d if d.is_zero() => Err("--timeout must be longer than 0s".into()),
        d => Ok(d),
    }
}

/// The default for `--timeout`: generous for a large account behind
/// throttling, short enough that a hung endpoint does not stall a CI job.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(120);

/// How to reach AWS.
#[derive(Debug, Clone, Default)]
pub struct AwsOptions {
    pub region: Option<String>,
    pub profile: Option<String>,
    pub endpoint_url: Option<String>,
    /// `--timeout`, or its default.
    pub timeout: Duration,
}

/// Everything a run needs, validated.
pub struct Options {
    /// What to check, or why the options do not name it (only a live run
    /// needs it: a snapshot carries its own).
    pub target: Result<TargetSpec, String>,
    pub aws: AwsOptions,
    pub settings: Settings,
    /// `fail_on` from the file; `check --fail-on` overrides it.
    pub fail_on: Option<FailOn>,
    /// The requirements `--only` and `--skip` select, in registry order.
    pub requirements: Vec<&'static Requirement>,
}

/// Why options are unusable: one line for stderr, exit code 2.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct OptionsError(pub String);

impl Options {
    /// Flags over terraform outputs over the configuration file.
    pub fn new(t: &TargetArgs) -> Result<Options, OptionsError> {
        let cfg = config::load(t.config.as_deref()).map_err(|e| OptionsError(e.to_string()))?;
        let tf = match &t.terraform_outputs {
            Some(p) => tfoutputs::read(p).map_err(|e| OptionsError(e.to_string()))?,
            None => Default::default(),
        };
        let pick = |flag: &Option<String>, tf: &Option<String>, file: &Option<String>| {
            flag.clone().or_else(|| tf.clone()).or_else(|| file.clone())
        };
        let list = |flag: &Vec<String>, file: &Vec<String>| {
            if flag.is_empty() {
                file.clone()
            } else {
                flag.clone()
            }
        };
        let none = None;
        let alb_allowed_cidrs = list(
            &t.alb_allowed_cidrs,
            cfg.alb_allowed_cidrs.as_ref().unwrap_or(&Vec::new()),
        );
        let settings = Settings {
            stage: t.stage.or(cfg.stage).unwrap_or_default(),
            baseline: t.baseline.or(cfg.baseline).unwrap_or_default(),
            thresholds: cfg.thresholds,
            waivers: cfg.waivers,
            clickhouse: t.clickhouse.or(cfg.clickhouse).unwrap_or_default(),
            alb_allowed_cidrs: (!alb_allowed_cidrs.is_empty()).then_some(alb_allowed_cidrs),
        };
        for c in settings.alb_allowed_cidrs.iter().flatten() {
            c.parse::<crate::net::Cidr4>().map_err(|_| {
                OptionsError(format!(
                    "--alb-allowed-cidrs: {c:?} is not an IPv4 CIDR such as 203.0.113.0/24"
                ))
            })?;
        }
        let bucket = pick(&t.bucket, &tf.bucket, &cfg.bucket);
        if let Some(b) = &bucket {
            let ok = (3..=63).contains(&b.len())
                && b.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.');
            if !ok {
                return Err(OptionsError(format!(
                    "--bucket {b:?} is not a valid S3 bucket name"
                )));
            }
        }
        let cluster = pick(&t.cluster, &tf.cluster, &cfg.cluster);
        let domain = pick(&t.domain, &tf.domain, &cfg.domain);
        let target = (|| {
            let cluster = cluster
                .filter(|c| !c.trim().is_empty())
                .ok_or("--cluster NAME is required")?;
            let domain = parse_domain(domain.as_deref().ok_or("--domain FQDN is required")?)?;
            Ok(TargetSpec {
                cluster,
                domain,
                vpc: pick(&t.vpc, &tf.vpc, &cfg.vpc),
                alb: pick(&t.alb, &tf.alb, &cfg.alb),
                postgres: pick(&t.postgres, &none, &cfg.postgres),
                redis: pick(&t.redis, &none, &cfg.redis),
                bucket,
            })
        })()
        .map_err(|e: String| e);
        Ok(Options {
            target,
            aws: AwsOptions {
                region: pick(&t.region, &tf.region, &cfg.region),
                profile: pick(&t.profile, &none, &cfg.profile),
                endpoint_url: pick(&t.endpoint_url, &none, &cfg.endpoint_url),
                timeout: t.timeout.unwrap_or(DEFAULT_TIMEOUT),
            },
            requirements: select(&list(&t.only, &cfg.only), &list(&t.skip, &cfg.skip))?,
            settings,
            fail_on: cfg.fail_on,
        })
    }

    /// What to collect for the selected requirements in this run.
    pub fn needs(&self) -> BTreeSet<Need> {
        needs_of(&self.requirements, &self.settings)
    }
}

/// The message for an id that is not in the registry.
pub fn unknown_id(id: &str) -> OptionsError {
    OptionsError(format!(
        "unknown requirement id {id:?} (known: {})",
        registry::ids().join(", ")
    ))
}

/// The requirements `--only` and `--skip` select, in registry order.
pub fn select(only: &[String], skip: &[String]) -> Result<Vec<&'static Requirement>, OptionsError> {
    for id in only.iter().chain(skip) {
        if registry::find(id).is_none() {
            return Err(unknown_id(id));
        }
    }
    Ok(registry::all()
        .iter()
        .filter(|r| only.is_empty() || only.contains(&r.spec.id))
        .filter(|r| !skip.contains(&r.spec.id))
        .collect())
}

/// What to collect: the needs of the requirements this run judges (a
/// requirement it skips needs nothing), less the data that cannot exist
/// yet at this stage.
pub fn needs_of(reqs: &[&Requirement], settings: &Settings) -> BTreeSet<Need> {
    let mut needs: BTreeSet<Need> = reqs
        .iter()
        .filter(|r| r.spec.skip_reason(settings).is_none())
        .flat_map(|r| r.needs.iter().copied())
        .filter(|n| n.exists_at(settings.stage))
        .collect();
    needs.insert(Need::Cluster);
    needs
}
