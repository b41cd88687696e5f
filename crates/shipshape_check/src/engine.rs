//! Running the selected rules over a model: every finding located, given its run's
//! severity and suppression, and put in a stable order.

use std::collections::HashSet;

use shipshape_manifest::Model;

use crate::config::Options;
use crate::context::CheckContext;
use crate::finding::{Emitter, Finding};
use crate::report::Report;
use crate::rule::{ObjectRule, Rule};
use crate::suppress;

/// Runs the rules `options` selects over `model`.
#[must_use]
pub fn check(model: &Model, options: &Options) -> Report {
    let cx = CheckContext::new(model, &options.settings);
    let mut findings = Vec::new();
    // Every single-object rule reads one object before the next object is read: an
    // object then stays in the processor's cache for all of them, where a pass of each
    // rule over the whole model read every object from memory once per rule. The
    // findings are sorted below, so the order they are made in does not show.
    let object_rules: Vec<&dyn ObjectRule> = options
        .rules
        .iter()
        .filter_map(|rule| match rule {
            Rule::Object(r) => Some(*r),
            Rule::Set(_) => None,
        })
        .collect();
    for object in model.objects() {
        for &rule in &object_rules {
            rule.check(
                object,
                &mut Emitter::new(Rule::Object(rule).meta(), &mut findings),
            );
        }
    }
    for &rule in &options.rules {
        if let Rule::Set(r) = rule {
            r.check(&cx, &mut Emitter::new(rule.meta(), &mut findings));
        }
    }
    yield_schema_findings(&mut findings);
    for finding in &mut findings {
        finding.severity = options.severity_of(finding.rule);
        let object = &model.objects()[finding.object_index];
        finding.suppressed = suppress::reason_for(object, finding.rule);
    }
    findings.sort_by(|a, b| order_key(a).cmp(&order_key(b)));
    Report {
        findings,
        objects: model.len(),
        problems: Vec::new(),
    }
}

/// The rule that reports every refusal of the API server, by schema validation.
const SCHEMA_RULE: &str = "SS060";

/// Drops SS060's findings on a field of an object where another rule reported too: the
/// specific rule (SS193 for a label, SS191 for a port, SS192 for a selector) owns the
/// problem and says more about it (`quote it`), and one problem gets one finding. Where
/// no specific rule runs (`shipshape validate` runs only the `api` rules), SS060's
/// finding stands.
fn yield_schema_findings(findings: &mut Vec<Finding>) {
    let schema: HashSet<(usize, &str)> = findings
        .iter()
        .filter(|f| f.rule.id == SCHEMA_RULE)
        .map(|f| (f.object_index, f.pointer.as_str()))
        .collect();
    if schema.is_empty() {
        return;
    }
    let owned: HashSet<(usize, String)> = findings
        .iter()
        .filter(|f| f.rule.id != SCHEMA_RULE)
        .filter(|f| schema.contains(&(f.object_index, f.pointer.as_str())))
        .map(|f| (f.object_index, f.pointer.clone()))
        .collect();
    findings.retain(|f| {
        f.rule.id != SCHEMA_RULE || !owned.contains(&(f.object_index, f.pointer.clone()))
    });
}

/// Input order of objects, then position in the text, then rule: stable across runs.
fn order_key(f: &Finding) -> (usize, usize, usize, &'static str, &str) {
    let (line, column) = f.location.as_ref().map_or((0, 0), |l| (l.line, l.column));
    (f.object_index, line, column, f.rule.id, &f.message)
}
