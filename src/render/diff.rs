//! Renderers for `diff`: table, JSON (the serialized [`Diff`]) and Markdown.

use std::fmt::Write as _;

use crate::diff::{Change, ChangeKind, Diff};
use crate::report::Status;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DiffFormat {
    Table,
    Json,
    Markdown,
}

pub fn render(d: &Diff, format: DiffFormat) -> String {
    match format {
        DiffFormat::Table => table(d),
        DiffFormat::Json => serde_json::to_string_pretty(d).expect("diff serializes") + "\n",
        DiffFormat::Markdown => markdown(d),
    }
}

fn st(s: Option<Status>) -> String {
    s.map(|s| s.as_str().to_uppercase())
        .unwrap_or_else(|| "—".into())
}

/// One line for a change: `security_groups sg-1: ingress removed {…}`.
pub fn describe(c: &Change) -> String {
    let at = match (c.resource.is_empty(), c.path.is_empty()) {
        (true, true) => c.area.clone(),
        (false, true) => format!("{} {}", c.area, c.resource),
        (true, false) => format!("{} {}", c.area, c.path),
        (false, false) => format!("{} {}: {}", c.area, c.resource, c.path),
    };
    let v = |x: &Option<String>| x.clone().unwrap_or_default();
    match c.kind {
        ChangeKind::Added => format!("{at} added: {}", v(&c.new)),
        ChangeKind::Removed => format!("{at} removed: {}", v(&c.old)),
        ChangeKind::Changed => format!("{at}: {} → {}", v(&c.old), v(&c.new)),
    }
}

fn header(d: &Diff) -> String {
    let line = |k: &str, x: &crate::diff::Side| {
        format!(
            "{k} {} ({} {}): {} pass, {} warn, {} fail, {} error\n",
            x.source,
            x.input,
            x.collected_at,
            x.summary.pass,
            x.summary.warn,
            x.summary.fail,
            x.summary.error
        )
    };
    line("OLD", &d.old) + &line("NEW", &d.new)
}

pub fn table(d: &Diff) -> String {
    let mut out = String::from("langsmith-preflight diff\n");
    out.push_str(&header(d));
    if d.status_changes.is_empty() {
        out.push_str("\nNo requirement changed status.\n");
    } else {
        out.push_str("\nRequirements whose status changed\n");
    }
    for s in &d.status_changes {
        let _ = writeln!(
            out,
            "\n{:<7} → {:<7} {}{}",
            st(s.old),
            st(s.new),
            s.id,
            if s.is_regression() {
                "  (regression)"
            } else {
                ""
            }
        );
        if let Some(m) = &s.new_message.as_ref().or(s.old_message.as_ref()) {
            let _ = writeln!(out, "  {m}");
        }
        for &i in &s.explained_by {
            if let Some(c) = d.changes.get(i) {
                let _ = writeln!(out, "  · {}", describe(c));
            }
        }
    }
    if !d.changes.is_empty() {
        let _ = writeln!(out, "\nEvery change ({})", d.changes.len());
        for c in &d.changes {
            let _ = writeln!(out, "  {}", describe(c));
        }
    }
    let _ = writeln!(
        out,
        "\n{} requirement(s) changed status, {} newly failing; {} inventory change(s)",
        d.status_changes.len(),
        d.regressions.len(),
        d.changes.len()
    );
    out
}

fn md(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

pub fn markdown(d: &Diff) -> String {
    let mut out = format!(
        "## LangSmith preflight diff: {} newly failing, {} changed status\n\n",
        d.regressions.len(),
        d.status_changes.len()
    );
    out.push_str(
        "| | source | collected | pass | warn | fail | error |\n|---|---|---|---|---|---|---|\n",
    );
    for (k, s) in [("old", &d.old), ("new", &d.new)] {
        let _ = writeln!(
            out,
            "| {k} | `{}` ({}) | {} | {} | {} | {} | {} |",
            md(&s.source),
            s.input,
            s.collected_at,
            s.summary.pass,
            s.summary.warn,
            s.summary.fail,
            s.summary.error
        );
    }
    if d.status_changes.is_empty() {
        out.push_str("\nNo requirement changed status.\n");
    } else {
        out.push_str("\n| requirement | old | new | now | explained by |\n|---|---|---|---|---|\n");
        for s in &d.status_changes {
            let why: Vec<String> = s
                .explained_by
                .iter()
                .filter_map(|&i| d.changes.get(i))
                .map(|c| md(&describe(c)))
                .collect();
            let _ = writeln!(
                out,
                "| `{}`{} | {} | {} | {} | {} |",
                s.id,
                if s.is_regression() {
                    " **regression**"
                } else {
                    ""
                },
                st(s.old),
                st(s.new),
                md(s.new_message.as_deref().unwrap_or("")),
                if why.is_empty() {
                    "—".into()
                } else {
                    why.join("<br>")
                }
            );
        }
    }
    if !d.changes.is_empty() {
        let _ = writeln!(
            out,
            "\n<details><summary>Every inventory change ({})</summary>\n",
            d.changes.len()
        );
        for c in &d.changes {
            let _ = writeln!(out, "- {}", md(&describe(c)));
        }
        out.push_str("\n</details>\n");
    }
    out
}
