//! The command line's contract: exit codes and one clear stderr line for
//! bad input; `list`, `explain`, `--output`, snapshots. No AWS needed
//! (nothing here reaches beyond 127.0.0.1).

mod support;

use support::{run_tool, stderr, stdout, tool_command};

const REF: &str = "examples/reference-deployment.json";

fn one_line(o: &std::process::Output) -> String {
    let e = stderr(o);
    assert_eq!(
        e.trim_end().lines().count(),
        1,
        "stderr is not one line: {e}"
    );
    assert!(!e.contains("panicked"), "{e}");
    e
}

#[test]
fn unknown_flag_is_a_usage_error() {
    let o = run_tool(&[
        "check",
        "--cluster",
        "x",
        "--domain",
        "a.example.com",
        "--bogus",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(one_line(&o).contains("--bogus"));
}

#[test]
fn bad_values_are_usage_errors() {
    for (args, needle) in [
        (
            vec!["check", "--cluster", "x", "--domain", "not a domain"],
            "invalid --domain",
        ),
        (
            vec![
                "check",
                "--cluster",
                "x",
                "--domain",
                "https://ls.example.com",
            ],
            "not a URL",
        ),
        (
            vec![
                "check",
                "--domain",
                "ls.example.com",
                "--region",
                "us-east-1",
            ],
            "--cluster NAME is required",
        ),
        (
            vec![
                "check",
                "--cluster",
                "x",
                "--domain",
                "ls.example.com",
                "--stage",
                "later",
            ],
            "later",
        ),
        (
            vec!["check", "--snapshot", REF, "--only", "eks.nope"],
            "unknown requirement id \"eks.nope\"",
        ),
        (
            vec!["check", "--snapshot", REF, "--skip", "nope"],
            "unknown requirement id",
        ),
        (vec!["explain", "nope"], "unknown requirement id"),
        (
            vec![
                "check",
                "--cluster",
                "x",
                "--domain",
                "ls.example.com",
                "--endpoint-url",
                "127.0.0.1:9",
            ],
            "not an http",
        ),
    ] {
        let o = run_tool(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        let e = one_line(&o);
        assert!(e.contains(needle), "{args:?}: {e}");
    }
}

#[test]
fn no_region_is_a_configuration_error() {
    let o = run_tool(&[
        "check",
        "--cluster",
        "x",
        "--domain",
        "ls.example.com",
        "--endpoint-url",
        "http://127.0.0.1:9",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(one_line(&o).contains("no AWS region"));
    // Empty or malformed, from the flag or the environment.
    for (flag, env) in [
        (Some(""), None),
        (Some("us east 1"), None),
        (None, Some("")),
        (None, Some("  ")),
    ] {
        let mut args = vec![
            "check",
            "--cluster",
            "x",
            "--domain",
            "ls.example.com",
            "--endpoint-url",
            "http://127.0.0.1:9",
        ];
        if let Some(r) = flag {
            args.extend(["--region", r]);
        }
        let mut cmd = tool_command(&args);
        if let Some(r) = env {
            cmd.env("AWS_REGION", r);
        }
        let o = cmd.output().unwrap();
        assert_eq!(o.status.code(), Some(2), "{flag:?} {env:?}: {}", stderr(&o));
        let line = one_line(&o);
        assert!(line.contains("region"), "{line}");
        assert!(!line.contains("interceptor"), "no SDK internals: {line}");
    }
}

#[test]
fn no_credentials_stops_the_run() {
    let o = tool_command(&[
        "check",
        "--cluster",
        "x",
        "--domain",
        "ls.example.com",
        "--region",
        "us-east-1",
        "--endpoint-url",
        "http://127.0.0.1:9",
    ])
    .env_remove("AWS_ACCESS_KEY_ID")
    .env_remove("AWS_SECRET_ACCESS_KEY")
    .output()
    .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(one_line(&o).contains("no usable AWS credentials"));
}

/// `check` of a throwaway target against `endpoint`, plus `extra` flags.
fn check_at(endpoint: &str, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "check",
        "--cluster",
        "x",
        "--domain",
        "ls.example.com",
        "--region",
        "us-east-1",
        "--endpoint-url",
        endpoint,
    ];
    args.extend_from_slice(extra);
    run_tool(&args)
}

#[test]
fn unreachable_endpoint_stops_the_run() {
    // Port 9 (discard) on loopback: nothing listens, the connection is refused.
    let o = check_at("http://127.0.0.1:9", &[]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(one_line(&o).contains("cannot reach AWS"));
}

#[test]
fn snapshots_that_are_not_inventories_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    let full = std::fs::read_to_string(REF).unwrap();
    let newer = full.replacen("\"schema_version\": 1", "\"schema_version\": 99", 1);
    for (name, text, needle) in [
        ("truncated.json", &full[..full.len() / 2], "not valid JSON"),
        ("garbage.json", "{]", "not valid JSON"),
        ("newer.json", newer.as_str(), "schema_version 99"),
        ("other.json", "{\"schema_version\": 1}", "not an inventory"),
    ] {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        let o = run_tool(&["check", "--snapshot", p.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(2), "{name}");
        assert!(one_line(&o).contains(needle), "{name}: {}", stderr(&o));
    }
    let o = run_tool(&["check", "--snapshot", "/nonexistent/snap.json"]);
    assert_eq!(o.status.code(), Some(2));
    one_line(&o);
}

#[test]
fn demo_snapshots_and_exit_codes() {
    let o = run_tool(&["check", "--snapshot", REF]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    let n = langsmith_preflight::registry::all().len();
    assert!(
        out.contains(&format!("{n} pass, 0 warn, 0 fail, 0 skip, 0 error")),
        "{out}"
    );
    assert!(
        out.contains("account 123456789012, region us-east-1"),
        "{out}"
    );
    assert!(!out.contains("\u{1b}["), "no colour when not a terminal");

    let o = run_tool(&["check", "--snapshot", "examples/broken-deployment.json"]);
    assert_eq!(o.status.code(), Some(3));
    assert!(stdout(&o).contains("Details"));

    let o = run_tool(&[
        "check",
        "--snapshot",
        REF,
        "--only",
        "eks.capacity,postgres.version",
        "--format",
        "json",
    ]);
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(r["results"].as_array().unwrap().len(), 2);
    assert_eq!(r["summary"]["pass"], 2);

    let o = run_tool(&[
        "check",
        "--snapshot",
        REF,
        "--skip",
        "eks.capacity",
        "--format",
        "json",
    ]);
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(r["results"].as_array().unwrap().len(), n - 1);
}

#[test]
fn json_output_to_a_file_follows_the_documented_schema() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("report.json");
    let o = run_tool(&[
        "check",
        "--snapshot",
        REF,
        "--format",
        "json",
        "--output",
        p.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0));
    assert!(o.stdout.is_empty(), "the report goes to the file only");
    let r: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
    assert_eq!(r["schema_version"], 1);
    for key in ["target", "summary", "results", "stats"] {
        assert!(r.get(key).is_some(), "{key}");
    }
    for key in ["pass", "warn", "fail", "skip", "error"] {
        assert!(r["summary"][key].is_u64(), "{key}");
    }
    for key in ["api_calls", "wall_ms"] {
        assert!(r["stats"][key].is_u64(), "{key}");
    }
    let first = &r["results"][0];
    for key in [
        "id",
        "title",
        "stage",
        "status",
        "message",
        "evidence",
        "resources",
        "remediation",
        "reference",
    ] {
        assert!(first.get(key).is_some(), "results[].{key}");
    }
}

#[test]
fn list_and_explain() {
    let o = run_tool(&["list"]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    assert_eq!(
        out.lines().count(),
        langsmith_preflight::registry::all().len()
    );
    let rows: Vec<Vec<&str>> = out
        .lines()
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert!(rows
        .iter()
        .any(|r| r[..3] == ["eks.clickhouse-node", "preflight", "critical"]));
    assert!(rows
        .iter()
        .any(|r| r[..2] == ["ingress.targets-healthy", "installed"]));

    let o = run_tool(&["explain", "eks.capacity"]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    for needle in [
        "Why",
        "How it is evaluated",
        "How to fix",
        "min_vcpu = 16",
        "11 x maxPods + 255",
        "README.md §5",
    ] {
        assert!(out.contains(needle), "{needle}: {out}");
    }
}

#[test]
fn help_and_version() {
    let o = run_tool(&["--version"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).starts_with("langsmith-preflight "));
    let o = run_tool(&["check", "--help"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("--endpoint-url"));
}

#[test]
fn several_outputs_in_one_run() {
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str| dir.path().join(n).to_str().unwrap().to_string();
    let (xml, md, js) = (p("r.xml"), p("r.md"), p("r.json"));
    let o = run_tool(&[
        "check",
        "--snapshot",
        "examples/broken-deployment.json",
        "--report",
        &format!("junit={xml}"),
        "--report",
        &format!("markdown={md}"),
        "--report",
        &format!("json={js}"),
    ]);
    assert_eq!(o.status.code(), Some(3));
    assert!(
        stdout(&o).contains("7 fail"),
        "the table still goes to stdout"
    );
    assert!(std::fs::read_to_string(&xml)
        .unwrap()
        .contains("failures=\"7\""));
    assert!(std::fs::read_to_string(&md)
        .unwrap()
        .starts_with("## LangSmith Self-Hosted preflight"));
    let r: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&js).unwrap()).unwrap();
    assert_eq!(r["summary"]["fail"], 7);
    assert!(
        stderr(&o).is_empty(),
        "no progress output when stderr is not a terminal"
    );

    let o = run_tool(&["check", "--snapshot", REF, "--report", "yaml=x"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(one_line(&o).contains("unknown format \"yaml\""));
}

#[test]
fn completions_and_man_page() {
    let o = run_tool(&["completions", "bash"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("--endpoint-url"));
    let o = run_tool(&["man"]);
    assert_eq!(o.status.code(), Some(0));
    let man = stdout(&o);
    assert!(man.starts_with(".ie") || man.contains(".TH"), "{man}");
    assert!(man.contains("langsmith\\-preflight"));
}

fn in_dir_with_config(config: &str, args: &[&str]) -> std::process::Output {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("preflight.toml"), config).unwrap();
    let mut full: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    for a in full.iter_mut() {
        if a.starts_with("examples/") {
            *a = format!("{}/{a}", env!("CARGO_MANIFEST_DIR"));
        }
    }
    let refs: Vec<&str> = full.iter().map(String::as_str).collect();
    support::tool_command(&refs)
        .current_dir(dir.path())
        .output()
        .unwrap()
}

fn json_of(o: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", stderr(o)))
}

#[test]
fn waivers_keep_the_real_status_and_expire() {
    let waiver = |expires: &str| {
        format!("[[waiver]]\nid = \"ingress.https\"\nreason = \"TLS policy change scheduled (OPS-42)\"\nexpires = \"{expires}\"\n")
    };
    let args = [
        "check",
        "--snapshot",
        "examples/broken-deployment.json",
        "--only",
        "ingress.https",
        "--format",
        "json",
    ];
    let o = in_dir_with_config(&waiver("2027-03-31"), &args);
    assert_eq!(
        o.status.code(),
        Some(0),
        "a waived failure does not fail the run"
    );
    let r = json_of(&o);
    assert_eq!(r["results"][0]["status"], "waived");
    assert_eq!(r["results"][0]["waiver"]["status"], "fail");
    assert_eq!(r["results"][0]["waiver"]["expires"], "2027-03-31");
    assert_eq!(r["summary"]["waived"], 1);

    // Expired before the snapshot was collected (2026-11-22): no longer applies, and says so.
    let o = in_dir_with_config(&waiver("2026-11-01"), &args);
    assert_eq!(o.status.code(), Some(3));
    let r = json_of(&o);
    assert_eq!(r["results"][0]["status"], "fail");
    assert!(r["results"][0]["message"]
        .as_str()
        .unwrap()
        .contains("waiver expired on 2026-11-01"));
}

#[test]
fn configuration_is_overridden_by_flags_and_can_tighten_thresholds() {
    let cfg = "stage = \"preflight\"\n[thresholds.\"eks.capacity\"]\nmin_vcpu = 96\n";
    let o = in_dir_with_config(
        cfg,
        &[
            "check",
            "--snapshot",
            "examples/reference-deployment.json",
            "--format",
            "json",
        ],
    );
    let r = json_of(&o);
    assert_eq!(r["target"]["stage"], "preflight");
    assert_eq!(support::result(&r, "ingress.alb")["status"], "skip");
    assert_eq!(
        support::result(&r, "eks.capacity")["status"],
        "fail",
        "47.67 vCPU now, 79.45 vCPU at the node group's max size < 96"
    );
    assert_eq!(o.status.code(), Some(3));

    let o = in_dir_with_config(
        cfg,
        &[
            "check",
            "--snapshot",
            "examples/reference-deployment.json",
            "--format",
            "json",
            "--stage",
            "installed",
        ],
    );
    let r = json_of(&o);
    assert_eq!(r["target"]["stage"], "installed");
    assert_eq!(support::result(&r, "ingress.alb")["status"], "pass");
}

#[test]
fn bad_configuration_names_file_line_and_column() {
    let o = in_dir_with_config(
        "cluster = \"x\"\n\n[thresholds.\"eks.capacity\"]\nmin_vcpu = 8\n",
        &["check", "--snapshot", "examples/reference-deployment.json"],
    );
    assert_eq!(o.status.code(), Some(2));
    let e = one_line(&o);
    assert!(
        e.contains("preflight.toml:4:12: eks.capacity.min_vcpu = 8 is below"),
        "{e}"
    );

    let o = in_dir_with_config("domain = \"x\"\nbaselin = \"dev\"\n", &["list"]);
    assert_eq!(o.status.code(), Some(0), "list reads no configuration");

    let o = in_dir_with_config(
        "domain = \"x\"\nbaselin = \"dev\"\n",
        &["check", "--snapshot", "examples/reference-deployment.json"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(one_line(&o).contains("preflight.toml:2:1: unknown field `baselin`"));

    let o = run_tool(&[
        "check",
        "--snapshot",
        REF,
        "--config",
        "/nonexistent/preflight.toml",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(one_line(&o).contains("cannot read /nonexistent/preflight.toml"));
}

#[test]
fn fail_on_warn_turns_warnings_into_a_failing_exit() {
    let dir = tempfile::tempdir().unwrap();
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(REF).unwrap()).unwrap();
    v["web_acls"]["ok"][0]["web_acl_arn"] = serde_json::Value::Null;
    let snap = dir.path().join("no-waf.json");
    std::fs::write(&snap, v.to_string()).unwrap();
    let snap = snap.to_str().unwrap();
    let o = run_tool(&["check", "--snapshot", snap]);
    assert_eq!(o.status.code(), Some(0), "a warning alone passes the gate");
    assert!(stdout(&o).contains("1 warn"), "{}", stdout(&o));
    let o = run_tool(&["check", "--snapshot", snap, "--fail-on", "warn"]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let o = run_tool(&["check", "--snapshot", snap, "--fail-on", "never"]);
    assert_eq!(o.status.code(), Some(2));
}

/// An endpoint that accepts connections and never answers: the run ends with
/// exit code 1 and one line naming what it waited for, within the timeout.
#[test]
fn a_hung_endpoint_ends_the_run_within_the_timeout() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    // Hold every connection open without a byte of answer.
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for c in listener.incoming() {
            held.push(c);
        }
    });
    let endpoint = format!("http://127.0.0.1:{port}");
    let started = std::time::Instant::now();
    let o = check_at(&endpoint, &["--timeout", "2s"]);
    let took = started.elapsed();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let line = one_line(&o);
    assert!(
        line.contains("no complete answer from AWS within 2s (--timeout)"),
        "{line}"
    );
    assert!(
        line.contains("sts:GetCallerIdentity"),
        "names what it waited on: {line}"
    );
    assert!(took < std::time::Duration::from_secs(6), "took {took:?}");
    assert!(took >= std::time::Duration::from_secs(2), "took {took:?}");
}

#[test]
fn bad_timeouts_are_usage_errors() {
    for t in ["0s", "soon", "-5s"] {
        let o = check_at("http://127.0.0.1:9", &["--timeout", t]);
        assert_eq!(o.status.code(), Some(2), "{t}: {}", stderr(&o));
        assert_eq!(stderr(&o).lines().count(), 1, "{t}: {}", stderr(&o));
    }
}

/// A reader that stops early (`langsmith-preflight list | head -1`) is not an
/// error: the tool stops writing and exits 0 quietly, as ripgrep does.
#[test]
fn a_closed_pipe_ends_output_quietly() {
    use std::io::Read;
    use std::process::Stdio;
    for args in [
        vec!["list"],
        vec!["explain", "eks.capacity"],
        vec!["iam-policy"],
        vec!["completions", "bash"],
        vec!["man"],
        vec!["check", "--snapshot", REF],
    ] {
        let mut child = tool_command(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Close our end before the tool writes: every write then hits EPIPE.
        drop(child.stdout.take());
        let mut err = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut err)
            .unwrap();
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(0), "{args:?}: {err}");
        assert!(err.is_empty(), "{args:?} wrote to stderr: {err}");
    }
}
