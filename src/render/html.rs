//! `--format html`: one self-contained page — no scripts, no external fonts,
//! styles or images — with the topology drawn as inline SVG, every finding
//! with its evidence, fix and reference, and the support facts. Readable
//! offline and attachable to a ticket.

use std::fmt::Write as _;

use super::diagram;
use super::xml_escape as xml;
use crate::report::{Finding, Report, Status};

const CSS: &str = "
:root { color-scheme: light; }
body { font-family: ui-sans-serif, system-ui, -apple-system, 'Segoe UI', 'DejaVu Sans', sans-serif; color: #1f2328; background: #ffffff; margin: 0; }
main { max-width: 1180px; margin: 0 auto; padding: 24px 28px 48px; }
h1 { font-size: 22px; margin: 0 0 6px; }
h2 { font-size: 17px; margin: 28px 0 10px; border-bottom: 1px solid #d1d9e0; padding-bottom: 4px; }
p.sub { color: #59636e; margin: 0 0 14px; }
.counts span { display: inline-block; padding: 2px 10px; margin: 0 6px 6px 0; border-radius: 12px; font-weight: 600; font-size: 13px; }
table { border-collapse: collapse; width: 100%; font-size: 13.5px; }
th, td { text-align: left; vertical-align: top; padding: 5px 8px; border-bottom: 1px solid #d1d9e0; }
th { background: #f6f8fa; }
table.target td:first-child { width: 170px; color: #59636e; }
code, .mono { font-family: ui-monospace, 'SFMono-Regular', 'DejaVu Sans Mono', monospace; font-size: 12.5px; }
.badge { display: inline-block; min-width: 52px; text-align: center; padding: 1px 6px; border-radius: 4px; font-weight: 700; font-size: 12px; }
.s-pass { background: #dafbe1; color: #116329; }
.s-fail { background: #ffebe9; color: #a40e26; }
.s-warn { background: #fff8c5; color: #7d4e00; }
.s-error { background: #fbefff; color: #6e40c9; }
.s-skip { background: #f6f8fa; color: #59636e; }
.s-waived { background: #ddf4ff; color: #0550ae; }
figure { margin: 0; text-align: center; overflow-x: auto; border: 1px solid #d1d9e0; border-radius: 6px; padding: 8px; background: #ffffff; }
figcaption { text-align: left; font-size: 12.5px; color: #59636e; padding: 6px 4px 0; }
details { border: 1px solid #d1d9e0; border-radius: 6px; margin: 8px 0; padding: 6px 10px; }
details > summary { cursor: pointer; font-weight: 600; }
details ul { margin: 6px 0; padding-left: 22px; }
details li { margin: 2px 0; font-size: 13.5px; }
.fix { background: #f6f8fa; border-left: 3px solid #0969da; padding: 6px 10px; margin: 8px 0; font-size: 13.5px; }
.ref { font-size: 12.5px; color: #59636e; }
ul.facts li { font-size: 13.5px; margin: 3px 0; }
footer { margin-top: 32px; font-size: 12px; color: #59636e; }
@media print { details { break-inside: avoid; } figure { border: none; } }
";

fn badge(s: Status) -> String {
    format!(
        "<span class=\"badge s-{}\">{}</span>",
        s.as_str(),
        s.as_str().to_uppercase()
    )
}

fn finding_block(out: &mut String, f: &Finding) {
    let open = f.status.is_problem();
    let _ = write!(
        out,
        "<details id=\"{}\"{}><summary>{} <code>{}</code> — {}</summary>\n<p>{}</p>\n",
        xml(&f.id),
        if open { " open" } else { "" },
        badge(f.status),
        xml(&f.id),
        xml(&f.title),
        xml(&f.message)
    );
    if let Some(w) = &f.waiver {
        let _ = writeln!(
            out,
            "<p>Waived until {} ({}); really {}.</p>",
            xml(&w.expires),
            xml(&w.reason),
            w.status.as_str()
        );
    }
    if !f.evidence.is_empty() {
        out.push_str("<ul class=\"evidence\">\n");
        for e in &f.evidence {
            let _ = writeln!(out, "<li>{}</li>", xml(e));
        }
        out.push_str("</ul>\n");
    }
    if !f.resources.is_empty() {
        let _ = writeln!(
            out,
            "<p class=\"mono\">{}</p>",
            f.resources
                .iter()
                .map(|r| xml(r))
                .collect::<Vec<_>>()
                .join(" · ")
        );
    }
    if let Some(fix) = &f.remediation {
        let _ = writeln!(
            out,
            "<div class=\"fix\"><strong>Fix:</strong> {}</div>",
            xml(fix)
        );
    }
    let _ = writeln!(
        out,
        "<p class=\"ref\">Reference: {}</p>\n</details>",
        xml(&f.reference)
    );
}

/// The whole report as one HTML document.
pub fn html(report: &Report) -> String {
    let t = &report.target;
    let s = &report.summary;
    let mut out = String::from("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = writeln!(
        out,
        "<title>LangSmith preflight — {} ({}): {} fail, {} error, {} warn</title>",
        xml(&t.cluster),
        xml(&t.region),
        s.fail,
        s.error,
        s.warn
    );
    let _ = writeln!(
        out,
        "<style>{CSS}{}</style>\n</head>\n<body>\n<main>",
        diagram::SVG_CSS
    );
    let _ = writeln!(
        out,
        "<h1>LangSmith Self-Hosted preflight</h1>\n<p class=\"sub\">cluster <strong>{}</strong> · domain <strong>{}</strong> · account {} · region {} · stage {} · baseline {}</p>",
        xml(&t.cluster),
        xml(&t.domain),
        xml(t.account.as_deref().unwrap_or("unknown")),
        xml(&t.region),
        xml(&t.stage),
        xml(&t.baseline)
    );
    out.push_str("<p class=\"counts\">");
    for (n, st) in [
        (s.fail, Status::Fail),
        (s.error, Status::Error),
        (s.warn, Status::Warn),
        (s.pass, Status::Pass),
        (s.skip, Status::Skip),
        (s.waived, Status::Waived),
    ] {
        if n > 0
            || matches!(
                st,
                Status::Fail | Status::Error | Status::Warn | Status::Pass
            )
        {
            let _ = write!(
                out,
                "<span class=\"s-{}\">{n} {}</span>",
                st.as_str(),
                st.as_str()
            );
        }
    }
    out.push_str("</p>\n");

    if !report.topology.is_empty() {
        out.push_str("<h2>Topology</h2>\n<figure>\n");
        out.push_str(&diagram::svg(&report.topology));
        let failing: Vec<String> = report
            .topology
            .edges
            .iter()
            .filter(|e| e.status == Some(Status::Fail))
            .map(|e| format!("{} → {} ({})", e.from, e.to, e.label))
            .collect();
        let _ = writeln!(
            out,
            "<figcaption>From the internet to the data stores, as resolved. Red: a requirement fails there; amber: a warning; violet, dashed: could not be evaluated; a dashed box: looked for and not found. Hover a box or an arrow for the requirements that judge it.{}</figcaption>\n</figure>",
            if failing.is_empty() {
                String::new()
            } else {
                format!(" Failing hops: {}.", xml(&failing.join("; ")))
            }
        );
    }

    out.push_str("<h2>Deployment</h2>\n<table class=\"target\">\n");
    for (k, v) in super::target_rows(report) {
        let _ = writeln!(out, "<tr><td>{k}</td><td>{}</td></tr>", xml(&v));
    }
    out.push_str("</table>\n");

    out.push_str("<h2>Requirements</h2>\n<table class=\"results\">\n<tr><th>status</th><th>requirement</th><th>result</th></tr>\n");
    for f in &report.results {
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td><a href=\"#{}\"><code>{}</code></a></td><td>{}</td></tr>",
            badge(f.status),
            xml(&f.id),
            xml(&f.id),
            xml(&f.message)
        );
    }
    out.push_str("</table>\n<h2>Findings</h2>\n");
    // Problems first, in the order of the report; then passes; then skipped
    // and waived ones.
    let mut ordered: Vec<&Finding> = report.results.iter().collect();
    ordered.sort_by_key(|f| match f.status {
        s if s.is_problem() => 0,
        Status::Pass => 1,
        _ => 2,
    });
    for f in ordered {
        finding_block(&mut out, f);
    }

    for (title, lines) in [
        ("Nodes (modelled allocatable)", &report.facts.nodes),
        ("Compute within reach", &report.facts.compute_reach),
        ("ALB target health", &report.facts.targets),
    ] {
        if lines.is_empty() {
            continue;
        }
        let _ = writeln!(out, "<h2>{title}</h2>\n<ul class=\"facts\">");
        for l in lines {
            let _ = writeln!(out, "<li>{}</li>", xml(l));
        }
        out.push_str("</ul>\n");
    }
    let st = &report.stats;
    let _ = writeln!(
        out,
        "<footer>langsmith-preflight {} · schema {} · {} · {} AWS calls ({} retries) in {} ms</footer>\n</main>\n</body>\n</html>",
        xml(&report.tool_version),
        report.schema_version,
        xml(&t.source),
        st.api_calls,
        st.retries,
        st.wall_ms
    );
    out
}
