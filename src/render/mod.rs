//! Renderers: each turns a [`Report`] into text and does nothing else.

pub mod diagram;
pub mod diff;
mod html;

pub use diff::DiffFormat;
pub use html::html;

use comfy_table::{presets, Cell, Color, ContentArrangement, Table};

use crate::registry;
use crate::report::{Report, Status};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Json,
    Junit,
    Markdown,
    /// One self-contained HTML page with the topology drawn as SVG.
    Html,
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        <Format as clap::ValueEnum>::from_str(s, true)
            .map_err(|_| format!("unknown format {s:?} (table, json, junit, markdown, html)"))
    }
}

pub fn render(report: &Report, format: Format, color: bool) -> String {
    match format {
        Format::Json => json(report),
        Format::Table => table(report, color),
        Format::Junit => junit(report),
        Format::Markdown => markdown(report),
        Format::Html => html(report),
    }
}

/// Text escaped for XML and HTML (JUnit, the HTML report, its SVG).
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

fn details(f: &crate::report::Finding) -> String {
    let mut body = f.message.clone();
    for e in &f.evidence {
        body.push_str(&format!("\n- {e}"));
    }
    if let Some(fix) = &f.remediation {
        body.push_str(&format!("\nfix: {fix}"));
    }
    body.push_str(&format!("\nsee: {}", f.reference));
    body
}

/// JUnit XML: one testcase per requirement; fail → failure, error → error,
/// skip → skipped. Warnings pass, with the warning in system-out.
pub fn junit(report: &Report) -> String {
    let s = &report.summary;
    let t = &report.target;
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let attrs = format!(
        "tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"{:.3}\"",
        report.results.len(),
        s.fail,
        s.error,
        s.skip,
        report.stats.wall_ms as f64 / 1000.0
    );
    out.push_str(&format!(
        "<testsuites name=\"langsmith-preflight\" {attrs}>\n"
    ));
    out.push_str(&format!(
        "  <testsuite name=\"{}\" {attrs} timestamp=\"{}\">\n",
        xml_escape(&format!(
            "langsmith-preflight {} {} ({})",
            t.cluster, t.region, t.stage
        )),
        xml_escape(&t.collected_at)
    ));
    for f in &report.results {
        let class = f.id.split('.').next().unwrap_or("preflight");
        out.push_str(&format!(
            "    <testcase classname=\"{}\" name=\"{}\" time=\"0\">\n",
            xml_escape(class),
            xml_escape(&format!("{} — {}", f.id, f.title))
        ));
        let msg = xml_escape(&f.message);
        let body = xml_escape(&details(f));
        match f.status {
            Status::Fail => out.push_str(&format!(
                "      <failure message=\"{msg}\" type=\"fail\">{body}</failure>\n"
            )),
            Status::Error => out.push_str(&format!(
                "      <error message=\"{msg}\" type=\"error\">{body}</error>\n"
            )),
            Status::Skip => out.push_str(&format!("      <skipped message=\"{msg}\"/>\n")),
            Status::Waived => out.push_str(&format!(
                "      <skipped message=\"{}\"/>\n",
                xml_escape(&waived_text(f))
            )),
            Status::Warn => out.push_str(&format!("      <system-out>WARN: {body}</system-out>\n")),
            Status::Pass => out.push_str(&format!("      <system-out>{body}</system-out>\n")),
        }
        out.push_str("    </testcase>\n");
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

fn waived_text(f: &crate::report::Finding) -> String {
    match &f.waiver {
        Some(w) => format!(
            "waived until {} ({}); really {}: {}",
            w.expires,
            w.reason,
            w.status.as_str(),
            f.message
        ),
        None => f.message.clone(),
    }
}

fn md_cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// The deployment's rows in the Markdown and HTML reports: what was checked
/// and what discovery found (TROUBLESHOOTING.md §11).
pub(crate) fn target_rows(report: &Report) -> Vec<(&'static str, String)> {
    let t = &report.target;
    let found = |x: &Option<String>| x.clone().unwrap_or_else(|| "—".into());
    vec![
        (
            "Account / region",
            format!("{} / {}", found(&t.account), t.region),
        ),
        (
            "EKS cluster",
            format!(
                "{} (Kubernetes {})",
                t.cluster,
                found(&report.facts.kubernetes_version)
            ),
        ),
        ("Domain", t.domain.clone()),
        ("Stage / baseline", format!("{} / {}", t.stage, t.baseline)),
        ("VPC", found(&t.vpc)),
        ("PostgreSQL", found(&report.facts.postgres)),
        ("Redis", found(&report.facts.redis)),
        ("ClickHouse", report.facts.clickhouse.clone()),
        ("ALB", found(&report.facts.alb)),
        ("Certificate", found(&t.certificate)),
        (
            "Collected",
            format!(
                "{} ({}, langsmith-preflight {})",
                t.collected_at, t.source, report.tool_version
            ),
        ),
    ]
}

/// A support-ticket-ready report (TROUBLESHOOTING.md §11); fits
/// `$GITHUB_STEP_SUMMARY`.
pub fn markdown(report: &Report) -> String {
    let t = &report.target;
    let s = &report.summary;
    let mut out = format!(
        "## LangSmith Self-Hosted preflight: {} pass, {} warn, {} fail, {} skip, {} error\n\n",
        s.pass, s.warn, s.fail, s.skip, s.error
    );
    out.push_str("| | |\n|---|---|\n");
    for (k, v) in target_rows(report) {
        out.push_str(&format!("| {k} | {} |\n", md_cell(&v)));
    }
    if !report.topology.is_empty() {
        out.push_str(
            "\n### Topology\n\nFrom the internet to the data stores; ✗ marks a failing hop or resource, ! a warning, ? one that could not be evaluated.\n\n```mermaid\n",
        );
        out.push_str(&diagram::mermaid(&report.topology, t.vpc.as_deref()));
        out.push_str("```\n");
    }
    out.push_str("\n| status | requirement | result |\n|---|---|---|\n");
    for f in &report.results {
        out.push_str(&format!(
            "| {} | `{}` | {} |\n",
            f.status.as_str().to_uppercase(),
            f.id,
            md_cell(&waived_text(f))
        ));
    }
    if !report.facts.nodes.is_empty() {
        out.push_str("\n### Nodes (modelled allocatable)\n\n");
        for n in &report.facts.nodes {
            out.push_str(&format!("- {n}\n"));
        }
    }
    if !report.facts.compute_reach.is_empty() {
        out.push_str("\n### Compute within reach (max sizes, on-demand provisioners, quota)\n\n");
        for n in &report.facts.compute_reach {
            out.push_str(&format!("- {n}\n"));
        }
    }
    if !report.facts.targets.is_empty() {
        out.push_str("\n### ALB target health\n\n");
        for n in &report.facts.targets {
            out.push_str(&format!("- {n}\n"));
        }
    }
    let problems: Vec<_> = report
        .results
        .iter()
        .filter(|f| f.status.is_problem())
        .collect();
    if !problems.is_empty() {
        out.push_str("\n### Details\n");
    }
    for f in problems {
        out.push_str(&format!(
            "\n**{} `{}`** — {}\n\n{}\n\n",
            f.status.as_str().to_uppercase(),
            f.id,
            f.title,
            f.message
        ));
        for e in &f.evidence {
            out.push_str(&format!("- {e}\n"));
        }
        if let Some(fix) = &f.remediation {
            out.push_str(&format!("\nFix: {fix}\n"));
        }
        out.push_str(&format!("\nReference: {}\n", f.reference));
    }
    out
}

/// The stable machine-readable form: the serialized report.
pub fn json(report: &Report) -> String {
    serde_json::to_string_pretty(report).expect("report serializes") + "\n"
}

fn status_cell(s: Status, color: bool) -> Cell {
    let label = s.as_str().to_uppercase();
    let cell = Cell::new(label);
    if !color {
        return cell;
    }
    cell.fg(match s {
        Status::Pass => Color::Green,
        Status::Warn => Color::Yellow,
        Status::Fail => Color::Red,
        Status::Skip => Color::DarkGrey,
        Status::Error => Color::Magenta,
        Status::Waived => Color::Cyan,
    })
}

/// A human report: header, one row per requirement, details for everything
/// that is not a pass, and a summary line.
pub fn table(report: &Report, color: bool) -> String {
    let t = &report.target;
    let mut out = String::new();
    out.push_str(&format!(
        "LangSmith Self-Hosted preflight — account {}, region {}\n",
        t.account.as_deref().unwrap_or("unknown"),
        t.region
    ));
    out.push_str(&format!(
        "cluster {} · domain {} · stage {} · baseline {} · source {} (collected {})\n",
        t.cluster, t.domain, t.stage, t.baseline, t.source, t.collected_at
    ));
    let found = |x: &Option<String>| x.clone().unwrap_or_else(|| "—".into());
    out.push_str(&format!(
        "VPC {} · ALB {} · PostgreSQL {} · Redis {} · certificate {}\n\n",
        found(&t.vpc),
        found(&t.alb),
        found(&t.postgres),
        found(&t.redis),
        found(&t.certificate)
    ));

    let mut table = Table::new();
    table
        .load_preset(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(120)
        .set_header(vec!["status", "requirement", "result"]);
    if color {
        // The caller decided (terminal, NO_COLOR); comfy-table must not second-guess it.
        table.enforce_styling();
    }
    for f in &report.results {
        table.add_row(vec![
            status_cell(f.status, color),
            Cell::new(&f.id),
            Cell::new(waived_text(f)),
        ]);
    }
    out.push_str(&table.to_string());
    out.push('\n');

    let details: Vec<_> = report
        .results
        .iter()
        .filter(|f| f.status.is_problem())
        .collect();
    if !details.is_empty() {
        out.push_str("\nDetails\n");
    }
    for f in details {
        out.push_str(&format!(
            "\n{} {} — {}\n  {}\n",
            f.status.as_str().to_uppercase(),
            f.id,
            f.title,
            f.message
        ));
        for e in &f.evidence {
            out.push_str(&format!("  · {e}\n"));
        }
        if let Some(fix) = &f.remediation {
            out.push_str(&format!("  fix: {}\n", fix.replace('\n', " ")));
        }
        out.push_str(&format!("  see: {}\n", f.reference));
    }
    let s = &report.summary;
    out.push_str(&format!(
        "\n{} pass, {} warn, {} fail, {} skip, {} error{} — {} of {} requirements checked; {} AWS calls ({} retries) in {} ms{}\n",
        s.pass,
        s.warn,
        s.fail,
        s.skip,
        s.error,
        if s.waived > 0 { format!(", {} waived", s.waived) } else { String::new() },
        report.results.len() - s.skip,
        report.results.len(),
        report.stats.api_calls,
        report.stats.retries,
        report.stats.wall_ms,
        report
            .stats
            .peak_rss_kib
            .map(|k| format!(", peak memory {} MiB", k.div_ceil(1024)))
            .unwrap_or_default()
    ));
    out
}

/// `list`: every requirement with its stage and title.
pub fn list() -> String {
    let reqs = registry::all();
    let w = reqs.iter().map(|r| r.spec.id.len()).max().unwrap_or(0);
    let mut out = String::new();
    for r in reqs {
        out.push_str(&format!(
            "{:<w$}  {:<9}  {:<8}  {}\n",
            r.spec.id,
            r.spec.stage.as_str(),
            r.spec.severity,
            r.spec.title
        ));
    }
    out
}

/// `explain ID`: what a requirement checks, why, how, and how to fix it.
pub fn explain(r: &registry::Requirement) -> String {
    let s = &r.spec;
    let para = |t: &str| t.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out = format!(
        "{} — {}\nstage: {} · severity: {}\nreference: {}\n\nWhy\n  {}\n\nHow it is evaluated\n  {}\n\nHow to fix\n  {}\n",
        s.id,
        s.title,
        s.stage.as_str(),
        s.severity,
        s.reference,
        para(&s.rationale),
        para(&s.method),
        para(&s.remediation)
    );
    if !s.thresholds.is_empty() {
        out.push_str("\nThresholds\n");
        for (k, v) in &s.thresholds {
            out.push_str(&format!("  {k} = {v}\n"));
        }
    }
    out
}

/// The README's requirements table (a test keeps the README current).
pub fn readme_table() -> String {
    let mut out = String::from(
        "| id | stage | severity | passes when | reference |\n|---|---|---|---|---|\n",
    );
    for r in registry::all() {
        let s = &r.spec;
        out.push_str(&format!(
            "| `{}` | {} | {} | {} | {} |\n",
            s.id,
            s.stage.as_str(),
            s.severity,
            s.title,
            s.reference
        ));
    }
    out
}
