//! The report's topology drawn two ways: as Mermaid source (GitHub renders
//! it in step summaries, issues and pull requests) and as a self-contained
//! SVG laid out here, for the HTML report. Both mark failing edges and
//! resources; both only format the [`Topology`] they are given.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::xml_escape as xml;
use crate::report::{Judgement, NodeKind, Status, TopoEdge, TopoNode, Topology};

/// A short mark for a status on a picture.
pub fn mark(s: Option<Status>) -> &'static str {
    match s {
        Some(Status::Fail) => "✗",
        Some(Status::Error) => "?",
        Some(Status::Warn) => "!",
        Some(Status::Waived) => "~",
        Some(Status::Pass) => "✓",
        Some(Status::Skip) | None => "",
    }
}

/// Whether a box or arrow is drawn as a problem: judged, and neither
/// passing nor skipped (a waived one is still shown).
fn flagged(s: Option<Status>) -> bool {
    matches!(s, Some(s) if s != Status::Pass && s != Status::Skip)
}

/// The requirements behind a node's or edge's status: those that are not
/// passing, else all of them.
fn naming(checks: &[Judgement], status: Option<Status>) -> Vec<&str> {
    checks
        .iter()
        .filter(|c| Some(c.status) == status)
        .map(|c| c.requirement.as_str())
        .collect()
}

fn mermaid_text(s: &str) -> String {
    s.replace('&', "#amp;")
        .replace('"', "#quot;")
        .replace('<', "#lt;")
        .replace('>', "#gt;")
        .replace('|', "#124;")
}

fn in_vpc(k: NodeKind) -> bool {
    matches!(
        k,
        NodeKind::LoadBalancer
            | NodeKind::Listener
            | NodeKind::TargetGroup
            | NodeKind::Workers
            | NodeKind::Postgres
            | NodeKind::Redis
    )
}

fn mermaid_node(out: &mut String, key: &str, n: &TopoNode) {
    let mut lines = vec![format!(
        "{}{}",
        match mark(n.status) {
            "" | "✓" => String::new(),
            m => format!("{m} "),
        },
        n.label
    )];
    lines.extend(n.details.iter().take(2).cloned());
    if flagged(n.status) {
        lines.push(naming(&n.checks, n.status).join(", "));
    }
    let text: Vec<String> = lines.iter().map(|l| mermaid_text(l)).collect();
    let _ = writeln!(out, "  {key}[\"{}\"]", text.join("<br/>"));
}

fn class_of(s: Option<Status>) -> &'static str {
    match s {
        Some(Status::Fail) => "fail",
        Some(Status::Error) => "error",
        Some(Status::Warn) => "warn",
        Some(Status::Waived) => "waived",
        Some(Status::Pass) => "pass",
        Some(Status::Skip) | None => "plain",
    }
}

/// Mermaid `flowchart TB` source for the topology; empty for none.
pub fn mermaid(t: &Topology, vpc: Option<&str>) -> String {
    if t.is_empty() {
        return String::new();
    }
    let key: BTreeMap<&str, String> = t
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.id.as_str(), format!("n{i}")))
        .collect();
    let mut out = String::from("flowchart TB\n");
    for n in t.nodes.iter().filter(|n| !in_vpc(n.kind)) {
        mermaid_node(&mut out, &key[n.id.as_str()], n);
    }
    let _ = writeln!(
        out,
        "  subgraph vpc[\"{}\"]",
        mermaid_text(&format!("VPC {}", vpc.unwrap_or("(unknown)")))
    );
    for n in t.nodes.iter().filter(|n| in_vpc(n.kind)) {
        out.push_str("  ");
        mermaid_node(&mut out, &key[n.id.as_str()], n);
    }
    out.push_str("  end\n");
    let mut styles = Vec::new();
    // `linkStyle` counts the links as written.
    let mut i = 0;
    for e in &t.edges {
        let (Some(a), Some(b)) = (key.get(e.from.as_str()), key.get(e.to.as_str())) else {
            continue;
        };
        let mut label = e.label.clone();
        if flagged(e.status) {
            label = format!(
                "{} {} {}",
                label,
                mark(e.status),
                naming(&e.checks, e.status).join(", ")
            );
        }
        let arrow = if e.status == Some(Status::Error) {
            "-.->"
        } else {
            "-->"
        };
        let _ = writeln!(out, "  {a} {arrow}|\"{}\"| {b}", mermaid_text(&label));
        match e.status {
            Some(Status::Fail) => {
                styles.push(format!("  linkStyle {i} stroke:#cf222e,stroke-width:3px"))
            }
            Some(Status::Error) => {
                styles.push(format!("  linkStyle {i} stroke:#8250df,stroke-width:2px"))
            }
            Some(Status::Warn) => {
                styles.push(format!("  linkStyle {i} stroke:#bf8700,stroke-width:2px"))
            }
            _ => {}
        }
        i += 1;
    }
    for s in styles {
        out.push_str(&s);
        out.push('\n');
    }
    out.push_str(concat!(
        "  classDef fail fill:#ffebe9,stroke:#cf222e,stroke-width:3px,color:#1f2328\n",
        "  classDef error fill:#fbefff,stroke:#8250df,stroke-width:2px,stroke-dasharray:5 3,color:#1f2328\n",
        "  classDef warn fill:#fff8c5,stroke:#bf8700,stroke-width:2px,color:#1f2328\n",
        "  classDef waived fill:#ddf4ff,stroke:#0969da,color:#1f2328\n",
        "  classDef pass fill:#dafbe1,stroke:#1a7f37,color:#1f2328\n",
        "  classDef plain fill:#f6f8fa,stroke:#57606a,color:#1f2328\n",
    ));
    let mut by_class: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for n in &t.nodes {
        by_class
            .entry(class_of(n.status))
            .or_default()
            .push(&key[n.id.as_str()]);
    }
    for (c, ks) in by_class {
        let _ = writeln!(out, "  class {} {c}", ks.join(","));
    }
    out
}

// ---- SVG ----------------------------------------------------------------

const BOX_W: f64 = 236.0;
const GAP_X: f64 = 28.0;
const ROW_GAP: f64 = 78.0;
const LINE: f64 = 15.0;
const PAD: f64 = 10.0;
const MAX_DETAILS: usize = 3;
/// Characters that fit a box line at the drawing's font size.
const FIT: usize = 34;

fn fit(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n - 1).collect();
        t.push('…');
        t
    }
}

struct Placed<'a> {
    node: &'a TopoNode,
    x: f64,
    y: f64,
    h: f64,
}

fn height(n: &TopoNode) -> f64 {
    let extra = usize::from(flagged(n.status));
    2.0 * PAD + LINE * (1 + n.details.len().min(MAX_DETAILS) + extra) as f64
}

/// The topology as one inline `<svg>` element, laid out top to bottom: one
/// row per kind of resource (data stores share the last), boxes centred in
/// their row, edges as curves from a box's bottom to the next box's top.
/// Class names (`node`, `edge`, and the status) let tests find what was drawn.
pub fn svg(t: &Topology) -> String {
    if t.is_empty() {
        return String::new();
    }
    let mut rows: BTreeMap<usize, Vec<&TopoNode>> = BTreeMap::new();
    for n in &t.nodes {
        rows.entry(n.kind.column()).or_default().push(n);
    }
    let widest = rows.values().map(Vec::len).max().unwrap_or(1) as f64;
    let width = (widest * (BOX_W + GAP_X) + GAP_X).max(600.0);
    let mut placed: BTreeMap<&str, Placed> = BTreeMap::new();
    let mut y = 20.0;
    for row in rows.values() {
        let h = row.iter().map(|n| height(n)).fold(0.0, f64::max);
        let used = row.len() as f64 * (BOX_W + GAP_X) - GAP_X;
        let mut x = (width - used) / 2.0;
        for n in row {
            placed.insert(
                &n.id,
                Placed {
                    node: n,
                    x,
                    y,
                    h: height(n),
                },
            );
            x += BOX_W + GAP_X;
        }
        y += h + ROW_GAP;
    }
    let total_h = y - ROW_GAP + 20.0;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<svg class=\"topology\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width:.0} {total_h:.0}\" width=\"{width:.0}\" height=\"{total_h:.0}\" role=\"img\" aria-label=\"Deployment topology\">"
    );
    out.push_str("<defs>");
    for (c, color) in [
        ("fail", "#cf222e"),
        ("error", "#8250df"),
        ("warn", "#bf8700"),
        ("waived", "#0969da"),
        ("pass", "#1a7f37"),
        ("plain", "#57606a"),
    ] {
        let _ = write!(
            out,
            "<marker id=\"arrow-{c}\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"{color}\"/></marker>"
        );
    }
    out.push_str("</defs>\n");
    // Edges under the boxes; labels after the boxes so they stay readable.
    // Edges that fan into one box with the same label and status (every
    // worker box → PostgreSQL on 5432) are labelled once, on the straightest.
    let mut labelled: BTreeMap<(&str, &str, &str), (usize, f64)> = BTreeMap::new();
    for (i, e) in t.edges.iter().enumerate() {
        if let (Some(a), Some(b)) = (placed.get(e.from.as_str()), placed.get(e.to.as_str())) {
            let off = (a.x - b.x).abs();
            let k = (e.to.as_str(), e.label.as_str(), class_of(e.status));
            if labelled.get(&k).is_none_or(|(_, o)| off < *o) {
                labelled.insert(k, (i, off));
            }
        }
    }
    let mut labels = String::new();
    for (i, e) in t.edges.iter().enumerate() {
        let (Some(a), Some(b)) = (placed.get(e.from.as_str()), placed.get(e.to.as_str())) else {
            continue;
        };
        let k = (e.to.as_str(), e.label.as_str(), class_of(e.status));
        let label = labelled.get(&k).is_some_and(|(j, _)| *j == i);
        edge_svg(&mut out, label.then_some(&mut labels), e, a, b);
    }
    for p in placed.values() {
        node_svg(&mut out, p);
    }
    out.push_str(&labels);
    out.push_str("</svg>\n");
    out
}

/// A tooltip's lines for the requirements that judge a box or an arrow.
fn judgement_lines(title: &mut String, checks: &[Judgement]) {
    for j in checks {
        let _ = write!(
            title,
            "\n{} {}{}",
            j.status.as_str().to_uppercase(),
            j.requirement,
            j.message
                .as_deref()
                .map(|m| format!(": {m}"))
                .unwrap_or_default()
        );
    }
}

fn edge_svg(out: &mut String, labels: Option<&mut String>, e: &TopoEdge, a: &Placed, b: &Placed) {
    let c = class_of(e.status);
    let (x1, y1) = (a.x + BOX_W / 2.0, a.y + a.h);
    let (x2, y2) = (b.x + BOX_W / 2.0, b.y - 2.0);
    let dy = ((y2 - y1) / 2.0).max(20.0);
    let mut title = format!("{} → {}: {}", e.from, e.to, e.label);
    judgement_lines(&mut title, &e.checks);
    if !e.resources.is_empty() {
        let _ = write!(title, "\n{}", e.resources.join(", "));
    }
    let _ = writeln!(
        out,
        "<g class=\"edge {c}\" data-from=\"{}\" data-to=\"{}\"><title>{}</title><path d=\"M{x1:.1},{y1:.1} C{x1:.1},{:.1} {x2:.1},{:.1} {x2:.1},{y2:.1}\" marker-end=\"url(#arrow-{c})\"/></g>",
        xml(&e.from),
        xml(&e.to),
        xml(&title),
        y1 + dy,
        y2 - dy,
    );
    let Some(labels) = labels else { return };
    // The label at the curve's midpoint, shifted toward the target so the
    // labels of edges fanning out of one box do not sit on each other.
    let (mx, my) = (x1 + (x2 - x1) * 0.62, y1 + (y2 - y1) * 0.56);
    let mut text = e.label.clone();
    if flagged(e.status) {
        text = format!("{} {}", mark(e.status), text);
    }
    let text = fit(&text, 26);
    let w = text.chars().count() as f64 * 6.1 + 8.0;
    let _ = writeln!(
        labels,
        "<g class=\"edge-label {c}\"><rect x=\"{:.1}\" y=\"{:.1}\" width=\"{w:.1}\" height=\"15\" rx=\"3\"/><text x=\"{mx:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text></g>",
        mx - w / 2.0,
        my - 11.0,
        my,
        xml(&text)
    );
}

fn node_svg(out: &mut String, p: &Placed) {
    let n = p.node;
    let c = class_of(n.status);
    let mut title = n.label.clone();
    for d in &n.details {
        let _ = write!(title, "\n{d}");
    }
    judgement_lines(&mut title, &n.checks);
    let _ = write!(
        out,
        "<g class=\"node {c}{}\" data-id=\"{}\" data-kind=\"{}\"><title>{}</title><rect x=\"{:.1}\" y=\"{:.1}\" width=\"{BOX_W}\" height=\"{:.1}\" rx=\"6\"/>",
        if n.missing { " missing" } else { "" },
        xml(&n.id),
        serde_json::to_value(n.kind).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default(),
        xml(&title),
        p.x,
        p.y,
        p.h
    );
    let mut ty = p.y + PAD + 11.0;
    let head = match mark(n.status) {
        "" => n.label.clone(),
        m => format!("{m} {}", n.label),
    };
    let _ = write!(
        out,
        "<text class=\"label\" x=\"{:.1}\" y=\"{ty:.1}\">{}</text>",
        p.x + PAD,
        xml(&fit(&head, FIT - 2))
    );
    for d in n.details.iter().take(MAX_DETAILS) {
        ty += LINE;
        let _ = write!(
            out,
            "<text class=\"detail\" x=\"{:.1}\" y=\"{ty:.1}\">{}</text>",
            p.x + PAD,
            xml(&fit(d, FIT))
        );
    }
    if flagged(n.status) {
        ty += LINE;
        let _ = write!(
            out,
            "<text class=\"judged\" x=\"{:.1}\" y=\"{ty:.1}\">{}</text>",
            p.x + PAD,
            xml(&fit(&naming(&n.checks, n.status).join(", "), FIT))
        );
    }
    out.push_str("</g>\n");
}

/// The SVG's styles, for the HTML page.
pub const SVG_CSS: &str = "
svg.topology { max-width: 100%; height: auto; font-family: ui-sans-serif, system-ui, -apple-system, 'Segoe UI', 'DejaVu Sans', sans-serif; }
svg.topology .node rect { stroke-width: 1.5; }
svg.topology .node.missing rect { stroke-dasharray: 6 4; }
svg.topology .node text.label { font-size: 12.5px; font-weight: 600; fill: #1f2328; }
svg.topology .node text.detail { font-size: 11px; fill: #424a53; }
svg.topology .node text.judged { font-size: 11px; font-weight: 600; }
svg.topology .edge path { fill: none; stroke-width: 1.6; }
svg.topology .edge-label rect { fill: #ffffff; fill-opacity: 0.9; stroke: none; }
svg.topology .edge-label text { font-size: 10.5px; fill: #424a53; }
svg.topology .node.pass rect { fill: #dafbe1; stroke: #1a7f37; }
svg.topology .node.fail rect { fill: #ffebe9; stroke: #cf222e; stroke-width: 2.5; }
svg.topology .node.warn rect { fill: #fff8c5; stroke: #bf8700; }
svg.topology .node.error rect { fill: #fbefff; stroke: #8250df; }
svg.topology .node.waived rect { fill: #ddf4ff; stroke: #0969da; }
svg.topology .node.plain rect { fill: #f6f8fa; stroke: #57606a; }
svg.topology .edge.pass path { stroke: #1a7f37; }
svg.topology .edge.fail path { stroke: #cf222e; stroke-width: 3; }
svg.topology .edge.warn path { stroke: #bf8700; stroke-width: 2; }
svg.topology .edge.error path { stroke: #8250df; stroke-width: 2; stroke-dasharray: 6 4; }
svg.topology .edge.waived path { stroke: #0969da; }
svg.topology .edge.plain path { stroke: #8c959f; }
svg.topology .edge-label.fail text, svg.topology .fail text.judged { fill: #cf222e; font-weight: 600; }
svg.topology .edge-label.warn text, svg.topology .warn text.judged { fill: #9a6700; }
svg.topology .edge-label.error text, svg.topology .error text.judged { fill: #8250df; }
";
