//! The command line: parses flags, wires collect → evaluate → render, and
//! maps every outcome to a documented exit code with one line on stderr.

use std::collections::BTreeSet;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::{Args, Parser, Subcommand};

use crate::collect::{self, CallRecorder, Clients, CollectError};
use crate::evaluate;
use crate::model::{Inventory, TargetSpec};
use crate::options::{
    format_duration, parse_duration, unknown_id, AwsOptions, Options, OptionsError, TargetArgs,
};
use crate::registry;
use crate::render::{self, DiffFormat, Format};
use crate::report::{exit, Stage, Stats, Status};
use crate::settings::FailOn;
use crate::snapshot;
use crate::spec::Need;

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
    /// Compare two runs: the requirements whose status changed and the
    /// inventory changes that explain them. OLD and NEW are snapshots
    /// (written by `collect`) or JSON reports (`check --format json`).
    /// Exits 3 when a requirement fails in NEW that did not fail in OLD.
    Diff(DiffArgs),
    /// Print the least-privilege, read-only IAM policy the tool needs.
    IamPolicy,
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions { shell: clap_complete::Shell },
    /// Print the man page (roff), generated from the same definitions as --help.
    Man,
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
pub struct DiffArgs {
    /// The earlier run: a snapshot or a JSON report.
    pub old: PathBuf,
    /// The later run: a snapshot or a JSON report.
    pub new: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DiffFormat::Table)]
    pub format: DiffFormat,
    /// Write the diff to FILE instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Snapshots are evaluated with this configuration file's settings
    /// (stage, baseline, thresholds, waivers); JSON reports keep their own.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// The stage snapshots are evaluated at (default: installed).
    #[arg(long, value_enum)]
    pub stage: Option<Stage>,
    /// The sizing baseline snapshots are evaluated with (default: production).
    #[arg(long, value_enum)]
    pub baseline: Option<crate::settings::Baseline>,
}

#[derive(Args, Debug)]
pub struct CollectArgs {
    #[command(flatten)]
    pub target: TargetArgs,
    /// Where to write the snapshot.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
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

impl From<OptionsError> for Exit {
    fn from(e: OptionsError) -> Self {
        usage(e.0)
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
            write_out(None, &render::list())?;
            Ok(exit::OK)
        }
        Command::Explain { id } => {
            let r = registry::find(&id).ok_or_else(|| unknown_id(&id))?;
            write_out(None, &render::explain(r))?;
            Ok(exit::OK)
        }
        Command::Completions { shell } => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut cmd, "langsmith-preflight", &mut out);
            write_out(None, &String::from_utf8_lossy(&out))?;
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
            write_out(None, &collect::iam_policy())?;
            Ok(exit::OK)
        }
        Command::Check(args) => check(args),
        Command::Collect(args) => collect_cmd(args),
        Command::Diff(args) => diff_cmd(args),
    }
}

fn runtime() -> Result<tokio::runtime::Runtime, Exit> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| run_failed(format!("cannot start the async runtime: {e}")))
}

async fn sdk_config(t: &AwsOptions) -> Result<aws_types::SdkConfig, Exit> {
    use aws_config::retry::RetryConfig;
    use aws_config::timeout::TimeoutConfig;
    let total = t.timeout;
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
    t: &AwsOptions,
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
        let total = t.timeout;
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
    let opts = Options::new(&args.target)?;
    let fail_on = args.fail_on.or(opts.fail_on).unwrap_or_default();
    let (settings, reqs) = (&opts.settings, &opts.requirements);
    let report = match &args.snapshot {
        Some(path) => {
            let inv = snapshot::read(path).map_err(|e| usage(e.to_string()))?;
            let stats = Stats {
                wall_ms: started.elapsed().as_millis() as u64,
                ..Stats::default()
            };
            evaluate::report(&inv, settings, reqs, &path.display().to_string(), stats)
        }
        None => {
            let target = opts.target.clone().map_err(usage)?;
            let needs = opts.needs();
            let deadline = args.wait.map(|w| started + w);
            let (mut calls, mut retries) = (0, 0);
            loop {
                let (inv, rec) = collect_live(&opts.aws, &target, &needs)?;
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
                let report = evaluate::report(&inv, settings, reqs, "live", stats);
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
    Ok(report.exit_code(fail_on))
}

/// One side of `diff`: the report, and the inventory when it was a snapshot.
fn diff_input(
    path: &std::path::Path,
    opts: &Options,
) -> Result<(crate::report::Report, Option<Inventory>), Exit> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| usage(format!("cannot read {}: {e}", path.display())))?;
    let shown = path.display().to_string();
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| usage(format!("{shown} is not JSON: {e}")))?;
    // A report has results and a summary; anything else must be a snapshot.
    if value.get("results").is_some() && value.get("summary").is_some() {
        let report = serde_json::from_value(value).map_err(|e| {
            usage(format!(
                "{shown} is not a langsmith-preflight JSON report: {e}"
            ))
        })?;
        return Ok((report, None));
    }
    let inv = snapshot::parse(&text, &shown).map_err(|e| usage(e.to_string()))?;
    let report = evaluate::report(
        &inv,
        &opts.settings,
        &opts.requirements,
        &shown,
        Stats::default(),
    );
    Ok((report, Some(inv)))
}

fn diff_cmd(args: DiffArgs) -> Result<u8, Exit> {
    let target = TargetArgs {
        config: args.config.clone(),
        stage: args.stage,
        baseline: args.baseline,
        ..TargetArgs::default()
    };
    let opts = Options::new(&target)?;
    let (old, old_inv) = diff_input(&args.old, &opts)?;
    let (new, new_inv) = diff_input(&args.new, &opts)?;
    let (o, n) = (
        args.old.display().to_string(),
        args.new.display().to_string(),
    );
    let d = crate::diff::compare(
        &crate::diff::Input {
            source: &o,
            report: &old,
            inventory: old_inv.as_ref(),
        },
        &crate::diff::Input {
            source: &n,
            report: &new,
            inventory: new_inv.as_ref(),
        },
    );
    write_out(args.output.as_ref(), &render::diff::render(&d, args.format))?;
    Ok(d.exit_code())
}

fn collect_cmd(args: CollectArgs) -> Result<u8, Exit> {
    let opts = Options::new(&args.target)?;
    let target = opts.target.clone().map_err(usage)?;
    let (inv, rec) = collect_live(&opts.aws, &target, &opts.needs())?;
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
            match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
                // The reader went away (`langsmith-preflight list | head -1`):
                // nothing more to say, and nothing went wrong.
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                other => other.context("cannot write to standard output"),
            }
        }
    };
    res.map_err(|e| run_failed(format!("{e:#}")))
}
