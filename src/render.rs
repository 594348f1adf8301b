//! Renderers: each turns a [`Report`] into text and does nothing else.

use comfy_table::{presets, Cell, Color, ContentArrangement, Table};

use crate::registry;
use crate::report::{Report, Status};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Json,
}

pub fn render(report: &Report, format: Format, color: bool) -> String {
    match format {
        Format::Json => json(report),
        Format::Table => table(report, color),
    }
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
    for f in &report.results {
        table.add_row(vec![
            status_cell(f.status, color),
            Cell::new(&f.id),
            Cell::new(&f.message),
        ]);
    }
    out.push_str(&table.to_string());
    out.push('\n');

    let details: Vec<_> = report
        .results
        .iter()
        .filter(|f| matches!(f.status, Status::Warn | Status::Fail | Status::Error))
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
        "\n{} pass, {} warn, {} fail, {} skip, {} error — {} of {} requirements checked; {} AWS calls ({} retries) in {} ms\n",
        s.pass,
        s.warn,
        s.fail,
        s.skip,
        s.error,
        report.results.len() - s.skip,
        report.results.len(),
        report.stats.api_calls,
        report.stats.retries,
        report.stats.wall_ms
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
