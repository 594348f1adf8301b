//! Rendered output, snapshot-tested with insta: the same report in every
//! format, from the shipped example snapshots.

use langsmith_preflight::evaluate::report;
use langsmith_preflight::model::Inventory;
use langsmith_preflight::registry;
use langsmith_preflight::render::{render, Format};
use langsmith_preflight::report::{Baseline, Report, Stage, Stats};
use langsmith_preflight::settings::Settings;

fn example(name: &str) -> Report {
    let text = std::fs::read_to_string(format!("examples/{name}")).unwrap();
    let inv: Inventory = serde_json::from_str(&text).unwrap();
    let reqs: Vec<_> = registry::all().iter().collect();
    let settings = Settings {
        stage: Stage::Installed,
        baseline: Baseline::Production,
        ..Default::default()
    };
    report(&inv, &settings, &reqs, name, Stats::default())
}

#[test]
fn table_of_the_broken_example() {
    insta::assert_snapshot!(
        "broken_table",
        render(&example("broken-deployment.json"), Format::Table, false)
    );
}

#[test]
fn colour_only_when_asked() {
    let r = example("broken-deployment.json");
    assert!(!render(&r, Format::Table, false).contains("\u{1b}["));
    assert!(render(&r, Format::Table, true).contains("\u{1b}["));
}

#[test]
fn markdown_of_the_broken_example() {
    let md = render(&example("broken-deployment.json"), Format::Markdown, false);
    // What TROUBLESHOOTING §11 asks a ticket to include.
    for needle in [
        "PostgreSQL | RDS instance langsmith-postgres: postgres 13.11",
        "Redis | cache cluster",
        "### Nodes (modelled allocatable)",
        "### ALB target health",
        "ClickHouse",
    ] {
        assert!(md.contains(needle), "{needle}");
    }
    insta::assert_snapshot!("broken_markdown", md);
}

#[test]
fn junit_maps_statuses() {
    let xml = render(&example("broken-deployment.json"), Format::Junit, false);
    let n = langsmith_preflight::registry::all().len();
    assert!(xml.contains(&format!(r#"<testsuites name="langsmith-preflight" tests="{n}" failures="7" errors="0" skipped="0""#)), "{xml}");
    assert_eq!(xml.matches("<testcase ").count(), n);
    assert_eq!(xml.matches("<failure ").count(), 7);
    insta::assert_snapshot!("broken_junit", xml);

    let mut r = example("reference-deployment.json");
    r.results[0].status = langsmith_preflight::report::Status::Error;
    r.results[1].status = langsmith_preflight::report::Status::Skip;
    r.results[2].message = "a <tag> & \"quotes\"".into();
    let xml = render(&r, Format::Junit, false);
    assert_eq!(xml.matches("<error ").count(), 1);
    assert_eq!(xml.matches("<skipped ").count(), 1);
    assert!(xml.contains("a &lt;tag&gt; &amp; &quot;quotes&quot;"));
}

#[test]
fn json_is_the_serialized_report() {
    let r = example("reference-deployment.json");
    let text = render(&r, Format::Json, false);
    let back: Report = serde_json::from_str(&text).unwrap();
    assert_eq!(back, r);
}

/// The Markdown report's Mermaid block: one node per topology node, one
/// link per edge, and a red `linkStyle` for exactly the failing edges.
#[test]
fn mermaid_marks_the_failing_edges() {
    let r = example("broken-deployment.json");
    let md = render(&r, Format::Markdown, false);
    let block = md
        .split("```mermaid\n")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .expect("a mermaid block");
    assert!(block.starts_with("flowchart TB\n"), "{block}");
    assert_eq!(
        block.matches(" -->|").count() + block.matches(" -.->|").count(),
        r.topology.edges.len()
    );
    let failing: Vec<usize> = r
        .topology
        .edges
        .iter()
        .enumerate()
        .filter(|(_, e)| e.status == Some(langsmith_preflight::report::Status::Fail))
        .map(|(i, _)| i)
        .collect();
    assert!(!failing.is_empty());
    let styled: Vec<usize> = block
        .lines()
        .filter(|l| l.contains("stroke:#cf222e"))
        .filter_map(|l| l.trim().strip_prefix("linkStyle "))
        .map(|l| l.split(' ').next().unwrap().parse().unwrap())
        .collect();
    assert_eq!(styled, failing);
    // Labels never carry a raw quote or angle bracket that would end them.
    for line in block.lines().filter(|l| l.contains("[\"")) {
        let inner = &line[line.find("[\"").unwrap() + 2..line.rfind("\"]").unwrap()];
        assert!(!inner.contains('"'), "{line}");
    }
    // A reference deployment shows no failing edge.
    let ok = render(
        &example("reference-deployment.json"),
        Format::Markdown,
        false,
    );
    assert!(ok.contains("```mermaid"));
    assert!(
        !ok.lines()
            .any(|l| l.contains("linkStyle") || l.trim_end().ends_with(" fail")),
        "{ok}"
    );
}

#[test]
fn html_of_the_broken_example() {
    let r = example("broken-deployment.json");
    let html = render(&r, Format::Html, false);
    // Self-contained: nothing is fetched, nothing runs.
    for banned in [
        "<script",
        "<link",
        "src=",
        "@import",
        "url(http",
        "href=\"http",
    ] {
        assert!(!html.contains(banned), "{banned}");
    }
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert_eq!(
        html.matches("<g class=\"node ").count(),
        r.topology.nodes.len()
    );
    assert_eq!(
        html.matches("<g class=\"edge ").count(),
        r.topology.edges.len()
    );
    let failing = r
        .topology
        .edges
        .iter()
        .filter(|e| e.status == Some(langsmith_preflight::report::Status::Fail))
        .count();
    assert_eq!(html.matches("<g class=\"edge fail\"").count(), failing);
    // Every finding, with its fix and reference.
    for f in &r.results {
        assert!(
            html.contains(&format!("<details id=\"{}\"", f.id)),
            "{}",
            f.id
        );
    }
    assert!(html.contains("Fix:</strong>"));
    insta::assert_snapshot!("broken_html", html);
}

#[test]
fn html_escapes_what_aws_returns() {
    let mut r = example("reference-deployment.json");
    r.results[0].message = "<script>alert(1)</script> & \"x\"".into();
    r.topology.nodes[0].label = "<img src=x onerror=alert(1)>".into();
    let html = render(&r, Format::Html, false);
    assert!(!html.contains("<script>"));
    assert!(!html.contains("<img"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;"));
}

/// A report written before the topology existed still reads, and renders
/// without a picture.
#[test]
fn reports_without_a_topology_still_read() {
    let r = example("reference-deployment.json");
    let mut v: serde_json::Value = serde_json::from_str(&render(&r, Format::Json, false)).unwrap();
    v.as_object_mut().unwrap().remove("topology");
    let back: Report = serde_json::from_value(v).unwrap();
    assert!(back.topology.is_empty());
    assert!(!render(&back, Format::Markdown, false).contains("```mermaid"));
    assert!(!render(&back, Format::Html, false).contains("<svg"));
}

/// The README shows the broken example's Mermaid diagram as the tool draws it.
#[test]
fn readme_shows_the_current_diagram() {
    let md = render(&example("broken-deployment.json"), Format::Markdown, false);
    let block = md
        .split("```mermaid\n")
        .nth(1)
        .unwrap()
        .split("```")
        .next()
        .unwrap();
    let readme = std::fs::read_to_string("README.md").unwrap();
    assert!(
        readme.contains(&format!("```mermaid\n{block}```")),
        "README's Mermaid block is stale; it should be:\n{block}"
    );
}
