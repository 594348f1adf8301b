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
