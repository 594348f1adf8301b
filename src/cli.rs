//! The command line: parses flags, wires collect → evaluate → render, and
//! maps every outcome to a documented exit code with one line on stderr.

use std::collections::BTreeSet;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::{Args, Parser, Subcommand};

use crate::collect::{self, CallRecorder, Clients, CollectError};
use crate::evaluate::{self, ClickhouseMode, Settings};
use crate::model::{Inventory, TargetSpec};
use crate::names::parse_domain;
use crate::registry::{self, Need, Requirement};
use crate::render::{self, Format};
use crate::report::{exit, Baseline, Stage, Stats, Status};
use crate::{config, snapshot, tfoutputs};

#[derive(Parser, Debug)]
#[command(
    name = "langsmith-preflight",
    version,
    about = "Checks an AWS account against the LangSmith Self-Hosted P0 reference architecture (read-only).",
    after_help = "Exit codes: 0 all requirements pass or warn · 1 the run could not proceed · 2 usage or configuration error · 3 a requirement failed · 4 no failure but a requirement could not be evaluated"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Check a deployment requirement by requirement.
    Check(CheckArgs),
    /// Collect the inventory of a deployment into a snapshot file (for offline checks).
    Collect(CollectArgs),
    /// List every requirement: id, stage, severity, title.
    List,
    /// Explain one requirement: what, why, how it is evaluated, how to fix it.
    Explain {
        /// A requirement id, as printed by `list`.
        id: String,
    },
    /// Print the least-privilege, read-only IAM policy the tool needs.
    IamPolicy,
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions { shell: clap_complete::Shell },
    /// Print the man page (roff), generated from the same definitions as --help.
    Man,
}

#[derive(Args, Debug, Clone)]
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

#[derive(Args, Debug)]
pub struct CheckArgs {
    #[command(flatten)]
    pub target: TargetArgs,
    /// Evaluate a snapshot written by `collect` instead of calling AWS.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["region", "profile", "endpoint_url"])]
    pub snapshot: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Write the report to FILE instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Exit 3 on warnings too (`warn`), not only on failures (`fail`, the default).
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    /// After `helm install`: poll until the installed-stage requirements pass
    /// (ALB, listeners, targets) or DURATION runs out, e.g. 10m; then report.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, conflicts_with = "snapshot")]
    pub wait: Option<Duration>,
    /// Time between polls with --wait.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, default_value = "15s")]
    pub wait_interval: Duration,
    /// Also write the report in another format to a file; repeatable,
    /// e.g. --report json=preflight.json --report junit=preflight.xml.
    #[arg(long, value_name = "FORMAT=FILE", value_parser = parse_report)]
    pub report: Vec<(Format, PathBuf)>,
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
fn parse_timeout(s: &str) -> Result<Duration, String> {
    match parse_duration(s)? {
        d if d.is_zero() => Err("--timeout must be longer than 0s".into()),
        d => Ok(d),
    }
}

fn parse_report(s: &str) -> Result<(Format, PathBuf), String> {
    let (format, path) = s
        .split_once('=')
        .ok_or_else(|| format!("{s:?} is not FORMAT=FILE"))?;
    if path.is_empty() {
        return Err(format!("{s:?} names no file"));
    }
    Ok((format.parse()?, PathBuf::from(path)))
}

#[derive(Args, Debug)]
pub struct CollectArgs {
    #[command(flatten)]
    pub target: TargetArgs,
    /// Where to write the snapshot.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FailOn {
    Fail,
    Warn,
}

/// A failure with its exit code; printed as one line.
#[derive(Debug)]
pub struct Exit {
    pub code: u8,
    pub message: String,
}

fn usage(message: impl Into<String>) -> Exit {
    Exit {
        code: exit::USAGE,
        message: message.into(),
    }
}

fn run_failed(message: impl Into<String>) -> Exit {
    Exit {
        code: exit::RUN_FAILED,
        message: message.into(),
    }
}

/// Entry point: parses `std::env::args` and returns the exit code.
pub fn main() -> u8 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            use clap::error::ErrorKind::*;
            if matches!(
                e.kind(),
                DisplayHelp | DisplayVersion | DisplayHelpOnMissingArgumentOrSubcommand
            ) {
                let _ = e.print();
                return if e.kind() == DisplayHelpOnMissingArgumentOrSubcommand {
                    exit::USAGE
                } else {
                    exit::OK
                };
            }
            let text = e.to_string();
            let first = text.lines().next().unwrap_or("invalid arguments");
            eprintln!(
                "langsmith-preflight: {} (see --help)",
                first.trim_start_matches("error: ")
            );
            return exit::USAGE;
        }
    };
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            // One line, whatever the underlying error chain looked like.
            let line = e.message.split_whitespace().collect::<Vec<_>>().join(" ");
            eprintln!("langsmith-preflight: {line}");
            e.code
        }
    }
}

pub fn run(cli: Cli) -> Result<u8, Exit> {
    match cli.command {
        Command::List => {
            print!("{}", render::list());
            Ok(exit::OK)
        }
        Command::Explain { id } => {
            let r = registry::find(&id).ok_or_else(|| unknown_id(&id))?;
            print!("{}", render::explain(r));
            Ok(exit::OK)
        }
        Command::Completions { shell } => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(
                shell,
                &mut cmd,
                "langsmith-preflight",
                &mut std::io::stdout(),
            );
            Ok(exit::OK)
        }
        Command::Man => {
            let cmd = <Cli as clap::CommandFactory>::command();
            let mut out = Vec::new();
            clap_mangen::Man::new(cmd)
                .render(&mut out)
                .map_err(|e| run_failed(format!("cannot render the man page: {e}")))?;
            write_out(None, &String::from_utf8_lossy(&out))?;
            Ok(exit::OK)
        }
        Command::IamPolicy => {
            print!("{}", collect::iam_policy());
            Ok(exit::OK)
        }
        Command::Check(args) => check(args),
        Command::Collect(args) => collect_cmd(args),
    }
}

fn unknown_id(id: &str) -> Exit {
    usage(format!(
        "unknown requirement id {id:?} (known: {})",
        registry::ids().join(", ")
    ))
}

/// The requirements `--only` and `--skip` select, in registry order.
pub fn select(only: &[String], skip: &[String]) -> Result<Vec<&'static Requirement>, Exit> {
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

/// What to collect for the selected requirements at this stage.
pub fn needs_of(reqs: &[&Requirement], settings: &Settings) -> BTreeSet<Need> {
    let stage = settings.stage;
    let mut needs: BTreeSet<Need> = reqs
        .iter()
        .filter(|r| stage == Stage::Installed || r.spec.stage == Stage::Preflight)
        .flat_map(|r| r.needs.iter().copied())
        .collect();
    if stage == Stage::Preflight {
        needs.remove(&Need::LoadBalancer);
        needs.remove(&Need::TargetHealth);
    }
    if settings.clickhouse == ClickhouseMode::External {
        // Only clickhouse.storage reads volumes, and it is skipped then.
        needs.remove(&Need::Volumes);
    }
    needs.insert(Need::Cluster);
    needs
}

/// Flags over the configuration file: the effective target options and settings.
fn effective(t: &TargetArgs) -> Result<(TargetArgs, Settings, Option<FailOn>), Exit> {
    let cfg = config::load(t.config.as_deref()).map_err(|e| usage(e.to_string()))?;
    let tf = match &t.terraform_outputs {
        Some(p) => tfoutputs::read(p).map_err(|e| usage(e.to_string()))?,
        None => Default::default(),
    };
    let or = |flag: &Option<String>, file: &Option<String>| flag.clone().or_else(|| file.clone());
    // Precedence: flags, then terraform outputs, then the configuration file.
    let or3 = |flag: &Option<String>, tf: &Option<String>, file: &Option<String>| {
        flag.clone().or_else(|| tf.clone()).or_else(|| file.clone())
    };
    let merged = TargetArgs {
        cluster: or3(&t.cluster, &tf.cluster, &cfg.cluster),
        domain: or3(&t.domain, &tf.domain, &cfg.domain),
        region: or3(&t.region, &tf.region, &cfg.region),
        profile: or(&t.profile, &cfg.profile),
        endpoint_url: or(&t.endpoint_url, &cfg.endpoint_url),
        vpc: or3(&t.vpc, &tf.vpc, &cfg.vpc),
        alb: or3(&t.alb, &tf.alb, &cfg.alb),
        postgres: or(&t.postgres, &cfg.postgres),
        redis: or(&t.redis, &cfg.redis),
        bucket: or3(&t.bucket, &tf.bucket, &cfg.bucket),
        clickhouse: t.clickhouse.or(cfg.clickhouse),
        alb_allowed_cidrs: if t.alb_allowed_cidrs.is_empty() {
            cfg.alb_allowed_cidrs.clone().unwrap_or_default()
        } else {
            t.alb_allowed_cidrs.clone()
        },
        stage: t.stage.or(cfg.stage),
        baseline: t.baseline.or(cfg.baseline),
        timeout: t.timeout,
        config: t.config.clone(),
        terraform_outputs: t.terraform_outputs.clone(),
        only: if t.only.is_empty() {
            cfg.only.clone()
        } else {
            t.only.clone()
        },
        skip: if t.skip.is_empty() {
            cfg.skip.clone()
        } else {
            t.skip.clone()
        },
    };
    let settings = Settings {
        stage: merged.stage.unwrap_or_default(),
        baseline: merged.baseline.unwrap_or_default(),
        thresholds: cfg.thresholds,
        waivers: cfg.waivers,
        clickhouse: merged.clickhouse.unwrap_or_default(),
        alb_allowed_cidrs: (!merged.alb_allowed_cidrs.is_empty())
            .then(|| merged.alb_allowed_cidrs.clone()),
    };
    for c in settings.alb_allowed_cidrs.iter().flatten() {
        c.parse::<crate::net::Cidr4>().map_err(|_| {
            usage(format!(
                "--alb-allowed-cidrs: {c:?} is not an IPv4 CIDR such as 203.0.113.0/24"
            ))
        })?;
    }
    if let Some(b) = &merged.bucket {
        let ok = (3..=63).contains(&b.len())
            && b.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.');
        if !ok {
            return Err(usage(format!(
                "--bucket {b:?} is not a valid S3 bucket name"
            )));
        }
    }
    Ok((merged, settings, cfg.fail_on))
}

fn target_spec(t: &TargetArgs) -> Result<TargetSpec, Exit> {
    let cluster = t
        .cluster
        .clone()
        .filter(|c| !c.trim().is_empty())
        .ok_or_else(|| usage("--cluster NAME is required"))?;
    let domain = t
        .domain
        .as_deref()
        .ok_or_else(|| usage("--domain FQDN is required"))?;
    let domain = parse_domain(domain).map_err(usage)?;
    Ok(TargetSpec {
        cluster,
        domain,
        vpc: t.vpc.clone(),
        alb: t.alb.clone(),
        postgres: t.postgres.clone(),
        redis: t.redis.clone(),
        bucket: t.bucket.clone(),
    })
}

fn runtime() -> Result<tokio::runtime::Runtime, Exit> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| run_failed(format!("cannot start the async runtime: {e}")))
}

impl TargetArgs {
    /// `--timeout`, or its default.
    fn timeout(&self) -> Duration {
        self.timeout.unwrap_or(DEFAULT_TIMEOUT)
    }
}

/// The default for `--timeout`: generous for a large account behind
/// throttling, short enough that a hung endpoint does not stall a CI job.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(120);

async fn sdk_config(t: &TargetArgs) -> Result<aws_types::SdkConfig, Exit> {
    use aws_config::retry::RetryConfig;
    use aws_config::timeout::TimeoutConfig;
    let total = t.timeout();
    let mut loader = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .retry_config(
            // Bounded: throttling and 5xx are retried, an unreachable endpoint fails in seconds.
            RetryConfig::standard()
                .with_max_attempts(4)
                .with_initial_backoff(Duration::from_millis(500)),
        )
        .timeout_config(
            // A stalled attempt is cut and retried; the whole collection is
            // bounded by `--timeout` in `collect_live`, which names what hung.
            TimeoutConfig::builder()
                .connect_timeout(total.min(Duration::from_secs(5)))
                .operation_attempt_timeout(total.min(Duration::from_secs(30)))
                .build(),
        );
    if let Some(r) = &t.region {
        if r.trim().is_empty() {
            return Err(usage("--region is empty"));
        }
        loader = loader.region(aws_config::Region::new(r.clone()));
    }
    if let Some(p) = &t.profile {
        loader = loader.profile_name(p);
    }
    if let Some(u) = &t.endpoint_url {
        if !(u.starts_with("http://") || u.starts_with("https://")) {
            return Err(usage(format!(
                "--endpoint-url {u:?} is not an http:// or https:// URL"
            )));
        }
        loader = loader.endpoint_url(u);
    }
    let conf = loader.load().await;
    let Some(region) = conf.region() else {
        return Err(usage(
            "no AWS region: pass --region or set AWS_REGION (or a region in the profile)",
        ));
    };
    // An empty or malformed AWS_REGION (or profile region) would otherwise
    // surface as an endpoint error on the first call.
    let r = region.as_ref();
    let valid = !r.is_empty()
        && r.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !r.starts_with('-')
        && !r.ends_with('-');
    if !valid {
        return Err(usage(format!(
            "the AWS region {r:?} (from --region, AWS_REGION or the profile) is not a region name such as us-east-1"
        )));
    }
    Ok(conf)
}

/// Collects live; returns the inventory and the call statistics.
fn collect_live(
    t: &TargetArgs,
    target: &TargetSpec,
    needs: &BTreeSet<Need>,
) -> Result<(Inventory, CallRecorder), Exit> {
    let rt = runtime()?;
    rt.block_on(async {
        let conf = sdk_config(t).await?;
        let region = conf.region().map(|r| r.to_string()).unwrap_or_default();
        let recorder = CallRecorder::new();
        let clients = Clients::new(&conf, &recorder);
        let progress = progress(&recorder, &region);
        let total = t.timeout();
        let inv = tokio::time::timeout(total, collect::collect(&clients, target, &region, needs))
            .await
            .unwrap_or_else(|_| {
                Err(CollectError::TimedOut {
                    after: format_duration(total),
                    waiting_on: recorder.in_flight(),
                    finished: recorder.finished(),
                })
            });
        if let Some(p) = progress {
            p.abort();
            eprint!("\r\x1b[2K");
        }
        let inv = inv.map_err(|e| match e {
            CollectError::Credentials(_)
            | CollectError::CredentialsRejected { .. }
            | CollectError::Unreachable(_)
            | CollectError::TimedOut { .. }
            | CollectError::ClusterNotFound { .. } => run_failed(e.to_string()),
        })?;
        Ok((inv, recorder))
    })
}

/// A one-line progress indicator on stderr, only when stderr is a terminal.
fn progress(rec: &CallRecorder, region: &str) -> Option<tokio::task::JoinHandle<()>> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let rec = rec.clone();
    let region = region.to_string();
    Some(tokio::spawn(async move {
        let frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
        for i in 0usize.. {
            eprint!(
                "\r\x1b[2K{} collecting from {region}: {} AWS calls",
                frames[i % frames.len()],
                rec.api_calls()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }))
}

fn check(args: CheckArgs) -> Result<u8, Exit> {
    let started = Instant::now();
    let (t, settings, cfg_fail_on) = effective(&args.target)?;
    let fail_on = args.fail_on.or(cfg_fail_on).unwrap_or(FailOn::Fail);
    let reqs = select(&t.only, &t.skip)?;
    let report = match &args.snapshot {
        Some(path) => {
            let inv = snapshot::read(path).map_err(|e| usage(e.to_string()))?;
            let stats = Stats {
                wall_ms: started.elapsed().as_millis() as u64,
                ..Stats::default()
            };
            evaluate::report(&inv, &settings, &reqs, &path.display().to_string(), stats)
        }
        None => {
            let target = target_spec(&t)?;
            let needs = needs_of(&reqs, &settings);
            let deadline = args.wait.map(|w| started + w);
            let (mut calls, mut retries) = (0, 0);
            loop {
                let (inv, rec) = collect_live(&t, &target, &needs)?;
                calls += rec.api_calls();
                retries += rec.retries();
                // Evaluated as of the collection time, so that a snapshot re-evaluated
                // later gives exactly the results of the live run it came from.
                let stats = Stats {
                    api_calls: calls,
                    retries,
                    wall_ms: started.elapsed().as_millis() as u64,
                    peak_rss_kib: crate::report::peak_rss_kib(),
                };
                let report = evaluate::report(&inv, &settings, &reqs, "live", stats);
                let pending: Vec<&str> = report
                    .results
                    .iter()
                    .filter(|f| f.stage == Stage::Installed)
                    .filter(|f| !matches!(f.status, Status::Pass | Status::Skip | Status::Waived))
                    .map(|f| f.id.as_str())
                    .collect();
                let Some(deadline) = deadline else {
                    break report;
                };
                if pending.is_empty() || Instant::now() + args.wait_interval > deadline {
                    break report;
                }
                if std::io::stderr().is_terminal() {
                    eprintln!(
                        "waiting for {} — next check in {}s",
                        pending.join(", "),
                        args.wait_interval.as_secs()
                    );
                }
                std::thread::sleep(args.wait_interval);
            }
        }
    };
    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    let color = to_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let text = render::render(&report, args.format, color);
    write_out(args.output.as_ref(), &text)?;
    for (format, path) in &args.report {
        write_out(Some(path), &render::render(&report, *format, false))?;
    }
    let code = report.exit_code();
    if code == exit::OK && fail_on == FailOn::Warn && report.summary.warn > 0 {
        return Ok(exit::FAIL);
    }
    Ok(code)
}

fn collect_cmd(args: CollectArgs) -> Result<u8, Exit> {
    let (t, settings, _) = effective(&args.target)?;
    let reqs = select(&t.only, &t.skip)?;
    let target = target_spec(&t)?;
    let needs = needs_of(&reqs, &settings);
    let (inv, rec) = collect_live(&t, &target, &needs)?;
    write_out(Some(&args.out), &snapshot::to_json(&inv))?;
    eprintln!(
        "langsmith-preflight: wrote {} ({} AWS calls)",
        args.out.display(),
        rec.api_calls()
    );
    Ok(exit::OK)
}

fn write_out(path: Option<&PathBuf>, text: &str) -> Result<(), Exit> {
    let res: anyhow::Result<()> = match path {
        Some(p) => std::fs::write(p, text).with_context(|| format!("cannot write {}", p.display())),
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes())
                .and_then(|_| out.flush())
                .context("cannot write to standard output")
        }
    };
    res.map_err(|e| run_failed(format!("{e:#}")))
}
