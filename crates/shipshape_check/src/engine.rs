//! Running the selected rules over a model: every finding located, given its run's
//! severity and suppression, and put in a stable order.

use shipshape_manifest::Model;

use crate::config::Options;
use crate::context::CheckContext;
use crate::finding::{Emitter, Finding};
use crate::report::Report;
use crate::rule::Rule;
use crate::suppress;

/// Runs the rules `options` selects over `model`.
#[must_use]
pub fn check(model: &Model, options: &Options) -> Report {
    let cx = CheckContext::new(model, &options.settings);
    let mut findings = Vec::new();
    for rule in &options.rules {
        let mut out = Emitter::new(rule.meta(), &mut findings);
        match rule {
            Rule::Object(r) => {
                for object in model.objects() {
                    r.check(object, &mut out);
                }
            }
            Rule::Set(r) => r.check(&cx, &mut out),
        }
    }
    for finding in &mut findings {
        finding.severity = options.severity_of(finding.rule);
        let object = &model.objects()[finding.object_index];
        finding.suppressed = suppress::reason_for(object, finding.rule);
    }
    findings.sort_by(|a, b| order_key(a).cmp(&order_key(b)));
    Report {
        findings,
        objects: model.len(),
    }
}

/// Input order of objects, then position in the text, then rule: stable across runs.
fn order_key(f: &Finding) -> (usize, usize, usize, &'static str, &str) {
    let (line, column) = f.location.as_ref().map_or((0, 0), |l| (l.line, l.column));
    (f.object_index, line, column, f.rule.id, &f.message)
}
