//! `diff OLD NEW`: status changes between two runs and the inventory changes
//! that explain them, on the shipped examples (the broken deployment is the
//! reference deployment with its mistakes made) and on edits of them.

use std::process::Command;

use langsmith_preflight::diff::{compare, ChangeKind, Diff, Input};
use langsmith_preflight::evaluate::report;
use langsmith_preflight::model::Inventory;
use langsmith_preflight::registry;
use langsmith_preflight::render::diff::{render, DiffFormat};
use langsmith_preflight::report::{Report, Stats, Status};
use langsmith_preflight::settings::Settings;

fn inventory(name: &str) -> serde_json::Value {
    let text = std::fs::read_to_string(format!("examples/{name}")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn evaluated(v: &serde_json::Value) -> (Inventory, Report) {
    let inv: Inventory = serde_json::from_value(v.clone()).unwrap();
    let reqs: Vec<_> = registry::all().iter().collect();
    let r = report(&inv, &Settings::default(), &reqs, "x", Stats::default());
    (inv, r)
}

fn diff_of(old: &serde_json::Value, new: &serde_json::Value) -> Diff {
    let (oi, or) = evaluated(old);
    let (ni, nr) = evaluated(new);
    compare(
        &Input {
            source: "old.json",
            report: &or,
            inventory: Some(&oi),
        },
        &Input {
            source: "new.json",
            report: &nr,
            inventory: Some(&ni),
        },
    )
}

/// The explanations of one requirement's change, as rendered lines.
fn explained(d: &Diff, id: &str) -> Vec<String> {
    let s = d
        .status_changes
        .iter()
        .find(|s| s.id == id)
        .unwrap_or_else(|| panic!("{id} did not change"));
    s.explained_by
        .iter()
        .map(|&i| langsmith_preflight::render::diff::describe(&d.changes[i]))
        .collect()
}

fn has(lines: &[String], needle: &str) -> bool {
    lines.iter().any(|l| l.contains(needle))
}

#[test]
fn reference_to_broken() {
    let d = diff_of(
        &inventory("reference-deployment.json"),
        &inventory("broken-deployment.json"),
    );
    assert_eq!(
        d.regressions,
        [
            "ingress.https",
            "postgres.version",
            "postgres.reachable",
            "eks.addons",
            "eks.capacity",
            "eks.clickhouse-node",
            "storage.bucket"
        ]
    );
    assert_eq!(d.exit_code(), 3);
    // A rule removed from a security group explains the unreachable database.
    let pg = explained(&d, "postgres.reachable");
    assert!(
        has(
            &pg,
            r#"ingress removed: {"protocol":"tcp","from_port":5432,"to_port":5432"#
        ),
        "{pg:#?}"
    );
    assert!(
        has(&pg, r#"ingress added: {"protocol":"tcp","from_port":3306"#),
        "{pg:#?}"
    );
    // A node group resized with smaller instances explains the capacity.
    let cap = explained(&d, "eks.capacity");
    assert!(has(&cap, "nodegroups default: max_size: 5 → 4"), "{cap:#?}");
    assert!(has(&cap, "instance_types added: m5.xlarge"), "{cap:#?}");
    assert!(has(
        &explained(&d, "postgres.version"),
        "engine_version: 16.4 → 13.11"
    ));
    assert!(has(
        &explained(&d, "storage.bucket"),
        "public_access_block removed"
    ));
    assert!(has(&explained(&d, "ingress.waf"), "web_acl_arn removed"));
    assert!(has(
        &explained(&d, "ingress.https"),
        "ssl_policy: ELBSecurityPolicy-TLS13-1-2-2021-06 → ELBSecurityPolicy-2016-08"
    ));
    assert!(has(
        &explained(&d, "eks.addons"),
        "addons removed: aws-ebs-csi-driver"
    ));
    // An unchanged requirement is not listed.
    assert!(d.status_changes.iter().all(|s| s.id != "redis.reachable"));
    insta::assert_snapshot!("examples_table", render(&d, DiffFormat::Table));
    insta::assert_snapshot!("examples_markdown", render(&d, DiffFormat::Markdown));
    insta::assert_snapshot!("examples_json", render(&d, DiffFormat::Json));
}

#[test]
fn broken_to_reference_is_no_regression() {
    let d = diff_of(
        &inventory("broken-deployment.json"),
        &inventory("reference-deployment.json"),
    );
    assert!(d.regressions.is_empty());
    assert_eq!(d.exit_code(), 0);
    assert_eq!(d.status_changes.len(), 9);
    assert!(d.status_changes.iter().all(|s| s.new == Some(Status::Pass)));
}

#[test]
fn the_same_run_twice_changes_nothing() {
    let v = inventory("reference-deployment.json");
    let mut again = v.clone();
    again["tool_version"] = "9.9.9".into();
    again["vpc_source"] = "--vpc".into();
    let d = diff_of(&v, &again);
    assert!(
        d.status_changes.is_empty() && d.changes.is_empty(),
        "{d:#?}"
    );
}

/// Nothing changed in AWS, but time passed: the certificate expired and the
/// Kubernetes version left standard support. The diff says so.
#[test]
fn time_explains_what_nothing_else_does() {
    let v = inventory("reference-deployment.json");
    let mut later = v.clone();
    later["collected_at"] = "2030-01-01T00:00:00Z".into();
    let d = diff_of(&v, &later);
    assert!(
        d.regressions.contains(&"tls.certificate".to_string()),
        "{:#?}",
        d.status_changes
    );
    assert_eq!(d.changes.len(), 1);
    let lines = explained(&d, "tls.certificate");
    assert_eq!(lines.len(), 1);
    assert!(
        lines[0].starts_with("collected_at: ") && lines[0].ends_with("→ 2030-01-01T00:00:00Z"),
        "{lines:?}"
    );
}

#[test]
fn a_target_turned_unhealthy() {
    let old = inventory("reference-deployment.json");
    let mut new = old.clone();
    let h = &mut new["target_groups"]["ok"][0]["health"]["ok"][0];
    let id = h["id"].as_str().unwrap().to_string();
    h["state"] = "unhealthy".into();
    h["reason"] = "Target.FailedHealthChecks".into();
    let d = diff_of(&old, &new);
    assert_eq!(d.regressions, ["ingress.targets-healthy"]);
    let lines = explained(&d, "ingress.targets-healthy");
    assert!(
        has(
            &lines,
            &format!("health[{id}:30080].state: healthy → unhealthy")
        ),
        "{lines:#?}"
    );
    assert!(
        has(
            &lines,
            &format!("health[{id}:30080].reason added: Target.FailedHealthChecks")
        ),
        "{lines:#?}"
    );
}

#[test]
fn a_certificate_replaced_by_an_expired_one() {
    let old = inventory("reference-deployment.json");
    let cert = old["certificates"]["ok"][0]["arn"]
        .as_str()
        .unwrap()
        .to_string();
    let replacement =
        "arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-4000-8000-000000000001";
    let mut new: serde_json::Value =
        serde_json::from_str(&old.to_string().replace(&cert, replacement)).unwrap();
    new["certificates"]["ok"][0]["not_after"] = "2020-01-01T00:00:00Z".into();
    let d = diff_of(&old, &new);
    assert!(
        d.regressions.contains(&"tls.certificate".to_string()),
        "{:#?}",
        d.status_changes
    );
    let lines = explained(&d, "tls.certificate");
    assert!(
        has(&lines, &format!("certificates {cert} removed")),
        "{lines:#?}"
    );
    assert!(
        has(&lines, &format!("certificates {replacement} added")),
        "{lines:#?}"
    );
    let removed = d
        .changes
        .iter()
        .filter(|c| c.kind == ChangeKind::Removed && c.area == "certificates")
        .count();
    assert_eq!(removed, 1);
}

#[test]
fn a_call_denied_in_the_new_run() {
    let old = inventory("reference-deployment.json");
    let mut new = old.clone();
    new["db_instances"] = serde_json::json!({ "failed": {
        "action": "rds:DescribeDBInstances", "kind": "denied", "message": "no"
    }});
    let d = diff_of(&old, &new);
    // Unknown is not a regression to fail the gate on, but it shows.
    assert!(!d.regressions.contains(&"postgres.version".to_string()));
    let s = d
        .status_changes
        .iter()
        .find(|s| s.id == "postgres.version")
        .unwrap();
    assert_eq!((s.old, s.new), (Some(Status::Pass), Some(Status::Error)));
    assert!(has(
        &explained(&d, "postgres.version"),
        "db_instances: read → unreadable: rds:DescribeDBInstances (denied)"
    ));
}

fn tool(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_langsmith-preflight"))
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn cli_exit_codes_and_inputs() {
    let ok = "examples/reference-deployment.json";
    let bad = "examples/broken-deployment.json";
    let out = tool(&["diff", ok, bad]);
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(tool(&["diff", bad, ok]).status.code(), Some(0));

    // JSON reports in, the same status changes out.
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.json"), dir.path().join("b.json"));
    for (src, dst) in [(ok, &a), (bad, &b)] {
        let out = tool(&[
            "check",
            "--snapshot",
            src,
            "--format",
            "json",
            "--output",
            dst.to_str().unwrap(),
        ]);
        assert!(out.status.code().is_some());
    }
    let out = tool(&[
        "diff",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(3));
    let from_reports: Diff = serde_json::from_slice(&out.stdout).unwrap();
    let from_snapshots: Diff =
        serde_json::from_slice(&tool(&["diff", ok, bad, "--format", "json"]).stdout).unwrap();
    let ids = |d: &Diff| {
        d.status_changes
            .iter()
            .map(|s| (s.id.clone(), s.old, s.new))
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&from_reports), ids(&from_snapshots));
    assert_eq!(from_reports.old.input, "report");
    // What a report holds explains what it can: the PostgreSQL version.
    let pg = from_reports
        .status_changes
        .iter()
        .find(|s| s.id == "postgres.version")
        .unwrap();
    assert!(pg.explained_by.iter().any(|&i| from_reports.changes[i]
        .new
        .as_deref()
        .is_some_and(|n| n.contains("13.11"))));

    // Bad input: one line on stderr, exit 2.
    let junk = dir.path().join("junk.json");
    std::fs::write(&junk, "not json").unwrap();
    for args in [
        vec!["diff", ok, junk.to_str().unwrap()],
        vec!["diff", ok, "/nonexistent/x.json"],
        vec!["diff", ok],
        vec!["diff", ok, bad, "--format", "html"],
    ] {
        let out = tool(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(err.starts_with("langsmith-preflight: "), "{err}");
    }
}

/// The README's excerpt of `diff` on the examples is what the tool prints.
#[test]
fn readme_excerpt_is_current() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    let start = readme
        .find("$ cargo run -- diff examples/reference-deployment.json examples/broken-deployment.json\n")
        .expect("the README shows diff on the examples");
    let excerpt = readme[start..].lines().skip(1).take_while(|l| *l != "```");
    let out = tool(&[
        "diff",
        "examples/reference-deployment.json",
        "examples/broken-deployment.json",
    ]);
    let text = String::from_utf8(out.stdout).unwrap();
    let mut n = 0;
    for line in excerpt.filter(|l| !l.is_empty() && *l != "…") {
        assert!(
            text.lines().any(|l| l == line),
            "README line not printed by diff: {line}"
        );
        n += 1;
    }
    assert!(n > 10);
}
