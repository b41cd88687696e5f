//! A scenario as an SVG a person opens in a browser: for each workload it touched, its
//! ready pods over time as a step line, with the fewest ready its budgets allow and the
//! majority its quorum needs as dashed lines. And the traffic as a graph of workloads.

use std::fmt::Write as _;

use crate::report::{Passage, Scenario, Traffic};

const WIDTH: i64 = 720;
const PANEL: i64 = 120;
const LEFT: i64 = 60;
const RIGHT: i64 = 20;
const TOP: i64 = 48;

/// The scenario as a standalone SVG document.
#[must_use]
pub fn scenario(scenario: &Scenario) -> String {
    let panels = i64::try_from(scenario.outcomes.len()).unwrap_or(0).max(1);
    let height = TOP + panels * PANEL + 10;
    let end = scenario.duration.max(1);
    let plot = WIDTH - LEFT - RIGHT;
    let x = |t: i64| LEFT + t.clamp(0, end) * plot / end;
    let mut svg = String::new();
    let _ = write!(
        svg,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" font-family="sans-serif" font-size="12">
<rect width="100%" height="100%" fill="white"/>
<text x="{LEFT}" y="20" font-size="15" font-weight="bold">{} {}</text>
<text x="{LEFT}" y="36" fill="#555">ready pods over {end} s{}</text>
"##,
        escape(scenario.kind.title()),
        escape(&scenario.target),
        if scenario.finished {
            ""
        } else {
            " — never finishes"
        }
    );
    if scenario.outcomes.is_empty() {
        let _ = writeln!(
            svg,
            r#"<text x="{LEFT}" y="{}">no pod touched</text>"#,
            TOP + 20
        );
    }
    for (i, outcome) in scenario.outcomes.iter().enumerate() {
        let top = TOP + i64::try_from(i).unwrap_or(0) * PANEL;
        let bottom = top + PANEL - 30;
        let most = outcome
            .timeline
            .iter()
            .map(|(_, n)| *n)
            .chain([outcome.replicas])
            .max()
            .unwrap_or(1)
            .max(1);
        let y = |n: i64| bottom - n * (PANEL - 50) / most;
        let _ = writeln!(
            svg,
            r##"<text x="{LEFT}" y="{}" font-weight="bold">{}</text>
<line x1="{LEFT}" y1="{bottom}" x2="{}" y2="{bottom}" stroke="#999"/>
<line x1="{LEFT}" y1="{}" x2="{LEFT}" y2="{bottom}" stroke="#999"/>
<text x="{}" y="{}" text-anchor="end">0</text>
<text x="{}" y="{}" text-anchor="end">{most}</text>
<text x="{LEFT}" y="{}">0 s</text>
<text x="{}" y="{}" text-anchor="end">{end} s</text>"##,
            top + 14,
            escape(&outcome.workload),
            WIDTH - RIGHT,
            y(most),
            LEFT - 6,
            bottom + 4,
            LEFT - 6,
            y(most) + 4,
            bottom + 14,
            WIDTH - RIGHT,
            bottom + 14,
        );
        for (name, healthy) in &outcome.budgets {
            let _ = writeln!(
                svg,
                r##"<line x1="{LEFT}" y1="{0}" x2="{1}" y2="{0}" stroke="#c0392b" stroke-dasharray="6 4"/><text x="{1}" y="{2}" text-anchor="end" fill="#c0392b">{3} ≥ {healthy}</text>"##,
                y(*healthy),
                WIDTH - RIGHT,
                y(*healthy) - 3,
                escape(name)
            );
        }
        if let Some(quorum) = outcome.quorum {
            let _ = writeln!(
                svg,
                r##"<line x1="{LEFT}" y1="{0}" x2="{1}" y2="{0}" stroke="#d68910" stroke-dasharray="2 3"/><text x="{2}" y="{3}" fill="#d68910">quorum {quorum}</text>"##,
                y(quorum),
                WIDTH - RIGHT,
                LEFT + 4,
                y(quorum) - 3
            );
        }
        let mut points = Vec::new();
        let mut last = None;
        for &(t, n) in &outcome.timeline {
            if let Some(previous) = last {
                points.push(format!("{},{}", x(t), y(previous)));
            }
            points.push(format!("{},{}", x(t), y(n)));
            last = Some(n);
        }
        if let Some(n) = last {
            points.push(format!("{},{}", x(end), y(n)));
        }
        let _ = writeln!(
            svg,
            r##"<polyline fill="none" stroke="#1f618d" stroke-width="2" points="{}"/>"##,
            points.join(" ")
        );
    }
    svg.push_str("</svg>\n");
    svg
}

/// The file name of a scenario's SVG: `drain-node-a1.svg`, with `/` made `_`.
#[must_use]
pub fn file_name(scenario: &Scenario) -> String {
    let kind = scenario.kind.title().replace(' ', "-");
    let target: String = scenario
        .target
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{kind}-{target}.svg")
}

/// The file name of the traffic graph.
pub const TRAFFIC_FILE: &str = "traffic.svg";

const BOX_WIDTH: i64 = 270;
const BOX_HEIGHT: i64 = 28;
const COLUMN: i64 = 390;
const ROW: i64 = 56;
const GRAPH_TOP: i64 = 110;

/// How an edge of the traffic graph is drawn: colour, dash pattern, width, legend.
const EDGE_STYLES: [(&str, &str, &str, &str); 3] = [
    ("#1e8449", "", "2", "declared call, admitted"),
    ("#c0392b", "7 4", "2.5", "declared call, DENIED"),
    ("#d68910", "2 3", "1.5", "admitted, declared by no env"),
];

/// The traffic as a standalone SVG document: each workload a call touches as a box,
/// callers left of the workloads they call; an arrow per caller, receiver and kind of
/// call, labelled with its ports: declared and admitted (green), declared and denied
/// (red, dashed), admitted but declared by no one (orange, dotted). A workload whose
/// ingress no policy restricts has a dashed box.
#[must_use]
pub fn traffic(traffic: &Traffic) -> String {
    let mut names: Vec<&str> = Vec::new();
    for call in &traffic.calls {
        for name in [call.from.as_str(), call.to.as_str()] {
            if !names.contains(&name) {
                names.push(name);
            }
        }
    }
    let at = |name: &str| names.iter().position(|n| *n == name).unwrap_or(0);
    // Edges by (from, to, style), ports in order.
    let mut edges: Vec<(usize, usize, usize, Vec<String>)> = Vec::new();
    for call in &traffic.calls {
        let style = match (call.declared.is_some(), call.passage) {
            (true, Passage::Denied) => 1,
            (true, _) => 0,
            (false, _) => 2,
        };
        let (from, to) = (at(&call.from), at(&call.to));
        let port = format!("{}", call.port);
        match edges
            .iter_mut()
            .find(|e| e.0 == from && e.1 == to && e.2 == style)
        {
            Some(edge) => {
                if !edge.3.contains(&port) {
                    edge.3.push(port);
                }
            }
            None => edges.push((from, to, style, vec![port])),
        }
    }
    // Callers left of what they call: each box one column right of its furthest caller,
    // at most as many columns as boxes (a cycle stops there).
    let mut column = vec![0_i64; names.len()];
    let cap = i64::try_from(names.len()).unwrap_or(0).saturating_sub(1);
    for _ in 0..names.len() {
        let mut moved = false;
        for &(from, to, _, _) in &edges {
            if from != to && column[to] <= column[from] && column[from] < cap {
                column[to] = column[from] + 1;
                moved = true;
            }
        }
        if !moved {
            break;
        }
    }
    // Then each caller right next to the nearest workload it calls, so that no arrow
    // crosses a column of boxes it does not stop at (when the callees allow it).
    for _ in 0..names.len() {
        let mut moved = false;
        for n in 0..names.len() {
            let nearest = edges
                .iter()
                .filter(|e| e.0 == n && e.1 != n)
                .map(|e| column[e.1])
                .min();
            if let Some(nearest) = nearest
                && nearest - 1 > column[n]
            {
                column[n] = nearest - 1;
                moved = true;
            }
        }
        if !moved {
            break;
        }
    }
    let mut row = vec![0_i64; names.len()];
    let mut filled: Vec<i64> = Vec::new();
    for (n, &c) in column.iter().enumerate() {
        let c = usize::try_from(c).unwrap_or(0);
        if filled.len() <= c {
            filled.resize(c + 1, 0);
        }
        row[n] = filled[c];
        filled[c] += 1;
    }
    let columns = i64::try_from(filled.len()).unwrap_or(0).max(1);
    let rows = filled.iter().copied().max().unwrap_or(0).max(1);
    let width = (LEFT + columns * COLUMN - (COLUMN - BOX_WIDTH) + RIGHT).max(860);
    let height = GRAPH_TOP + rows * ROW + 10;
    let x = |n: usize| LEFT + column[n] * COLUMN;
    let y = |n: usize| GRAPH_TOP + row[n] * ROW;
    let mut svg = String::new();
    let declared = traffic
        .calls
        .iter()
        .filter(|c| c.declared.is_some())
        .count();
    let denied = traffic
        .calls
        .iter()
        .filter(|c| c.declared.is_some() && c.passage == Passage::Denied)
        .count();
    let _ = write!(
        svg,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">
<rect width="100%" height="100%" fill="white"/>
<text x="{LEFT}" y="20" font-size="15" font-weight="bold">traffic</text>
<text x="{LEFT}" y="36" fill="#555">{declared} declared calls, {denied} denied; {} over-wide ingress rules</text>
<defs>
"##,
        traffic.over_wide.len()
    );
    for (i, (colour, _, _, _)) in EDGE_STYLES.iter().enumerate() {
        let _ = writeln!(
            svg,
            r#"<marker id="arrow{i}" viewBox="0 0 10 10" refX="10" refY="5" markerUnits="userSpaceOnUse" markerWidth="10" markerHeight="10" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="{colour}"/></marker>"#
        );
    }
    svg.push_str("</defs>\n");
    for (i, (colour, dash, stroke, legend)) in EDGE_STYLES.iter().enumerate() {
        let lx = LEFT + i64::try_from(i).unwrap_or(0) * 250;
        let _ = writeln!(
            svg,
            r#"<line x1="{lx}" y1="58" x2="{}" y2="58" stroke="{colour}" stroke-width="{stroke}" stroke-dasharray="{dash}" marker-end="url(#arrow{i})"/><text x="{}" y="62">{legend}</text>"#,
            lx + 36,
            lx + 44
        );
    }
    let _ = writeln!(
        svg,
        r##"<rect x="{LEFT}" y="72" width="30" height="14" fill="none" stroke="#555" stroke-dasharray="4 3"/><text x="{}" y="83">ingress restricted by no NetworkPolicy</text>"##,
        LEFT + 38
    );
    if names.is_empty() {
        let _ = writeln!(
            svg,
            r#"<text x="{LEFT}" y="{}">no call declared or admitted between workloads of the set</text>"#,
            GRAPH_TOP + 20
        );
    }
    for (from, to, style, ports) in &edges {
        let (colour, dash, stroke, _) = EDGE_STYLES[*style];
        // Each kind of call between two boxes a little apart, so none hides another.
        let offset = (i64::try_from(*style).unwrap_or(0) - 1) * 6;
        let (x1, y1) = (x(*from) + BOX_WIDTH, y(*from) + BOX_HEIGHT / 2 + offset);
        let (path, lx, ly) = if from == to {
            // A workload calling its own pods: a loop under its box.
            let (bx, by) = (x(*from) + BOX_WIDTH / 2, y(*from) + BOX_HEIGHT);
            (
                format!(
                    "M {} {by} C {} {} {} {} {} {by}",
                    bx - 30,
                    bx - 30,
                    by + 22,
                    bx + 30,
                    by + 22,
                    bx + 30
                ),
                bx + 44,
                by + 20,
            )
        } else {
            let (x2, y2) = (x(*to), y(*to) + BOX_HEIGHT / 2 + offset);
            let bend = if x2 > x1 { 60 } else { 140 };
            (
                format!(
                    "M {x1} {y1} C {} {y1} {} {y2} {x2} {y2}",
                    x1 + bend,
                    x2 - bend
                ),
                // Three quarters along, in the gap before the receiver's column,
                // where arrows from different callers are apart.
                (x1 * 10 + x2 * 54 - bend * 18) / 64,
                (y1 * 10 + y2 * 54) / 64 - 4,
            )
        };
        let _ = writeln!(
            svg,
            r#"<path d="{path}" fill="none" stroke="{colour}" stroke-width="{stroke}" stroke-dasharray="{dash}" marker-end="url(#arrow{style})"/><text x="{lx}" y="{ly}" text-anchor="middle" fill="{colour}" stroke="white" stroke-width="3" paint-order="stroke">{}</text>"#,
            escape(&ports.join(", "))
        );
    }
    // Boxes last: an arrow that passes a column it does not stop at goes behind it.
    for (n, name) in names.iter().enumerate() {
        let open = traffic.unrestricted.iter().any(|u| u == name);
        let _ = writeln!(
            svg,
            r##"<rect x="{}" y="{}" width="{BOX_WIDTH}" height="{BOX_HEIGHT}" rx="4" fill="#eaf2f8" stroke="#1f618d"{}/><text x="{}" y="{}">{}</text>"##,
            x(n),
            y(n),
            if open {
                r#" stroke-dasharray="4 3""#
            } else {
                ""
            },
            x(n) + 8,
            y(n) + 18,
            escape(&shortened(name, 38))
        );
    }
    svg.push_str("</svg>\n");
    svg
}

/// `text` cut to `most` characters, with an ellipsis when cut.
fn shortened(text: &str, most: usize) -> String {
    if text.chars().count() <= most {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(most - 1).collect();
    out.push('…');
    out
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Kind, Outcome};

    #[test]
    fn a_drain_draws_each_workload_with_its_budget_line() {
        let scenario = Scenario {
            kind: Kind::Drain,
            target: "node-a1".to_owned(),
            duration: 10,
            finished: true,
            outcomes: vec![Outcome {
                workload: "Deployment/api".to_owned(),
                replicas: 3,
                min_ready: 2,
                end_ready: 3,
                timeline: vec![(0, 2), (10, 3)],
                budgets: vec![("PodDisruptionBudget/api".to_owned(), 2)],
                blocked: true,
                violated: false,
                quorum: None,
                pending: Vec::new(),
            }],
            notes: Vec::new(),
        };
        let svg = super::scenario(&scenario);
        assert!(svg.contains(
            r#"<text x="60" y="20" font-size="15" font-weight="bold">drain node-a1</text>"#
        ));
        // The panel's axis is at y 138 and 3 pods are 70 high: 3 ready at y 68, 2 at
        // 138 − 46 = 92, from x 60 (0 s) to 700 (10 s).
        assert!(
            svg.contains(r#"points="60,92 700,92 700,68 700,68""#),
            "{svg}"
        );
        assert!(svg.contains("PodDisruptionBudget/api ≥ 2"));
        assert_eq!(file_name(&scenario), "drain-node-a1.svg");
    }
}
