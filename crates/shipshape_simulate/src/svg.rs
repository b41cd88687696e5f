//! A scenario as an SVG a person opens in a browser: for each workload it touched, its
//! ready pods over time as a step line, with the fewest ready its budgets allow and the
//! majority its quorum needs as dashed lines.

use std::fmt::Write as _;

use crate::report::Scenario;

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
