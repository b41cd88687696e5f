//! JSON for scripts: every finding, suppressed ones marked, and a summary.
//!
//! Written straight from the report through serde, never as a `serde_json::Value` tree:
//! a tree of tens of thousands of findings cost more memory than the findings themselves.

use serde::Serialize;
use serde::ser::Serializer;
use shipshape_yaml::Diagnostic;

use crate::finding::{Finding, ObjectRef};
use crate::meta::{Severity, Theme};
use crate::report::Report;

#[derive(Serialize)]
struct JsonReport<'a> {
    version: u32,
    summary: Summary,
    #[serde(serialize_with = "findings")]
    findings: &'a [Finding],
    /// Only when there are any, so that the output of a clean read is what it always was.
    #[serde(skip_serializing_if = "<[_]>::is_empty", serialize_with = "problems")]
    errors: &'a [Diagnostic],
}

#[derive(Serialize)]
struct Summary {
    objects: usize,
    error: usize,
    warning: usize,
    info: usize,
    suppressed: usize,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule: &'static str,
    name: &'static str,
    severity: Severity,
    theme: Theme,
    message: &'a str,
    object: &'a ObjectRef,
    location: Option<Place<'a>>,
    pointer: &'a str,
    suppressed: Option<Suppressed<'a>>,
}

#[derive(Serialize)]
struct Place<'a> {
    file: &'a str,
    line: usize,
    column: usize,
}

#[derive(Serialize)]
struct Suppressed<'a> {
    reason: &'a str,
}

/// A problem in the input: its message, the hint, and where it is when known.
#[derive(Serialize)]
struct Problem<'a> {
    message: &'a str,
    help: Option<&'a str>,
    location: Option<Place<'a>>,
}

impl<'a> From<&'a Finding> for JsonFinding<'a> {
    fn from(f: &'a Finding) -> Self {
        JsonFinding {
            rule: f.rule.id,
            name: f.rule.name,
            severity: f.severity,
            theme: f.rule.theme,
            message: &f.message,
            object: &f.object,
            location: f.location.as_ref().map(|l| Place {
                file: &l.file,
                line: l.line,
                column: l.column,
            }),
            pointer: &f.pointer,
            suppressed: f.suppressed.as_deref().map(|reason| Suppressed { reason }),
        }
    }
}

fn findings<S: Serializer>(findings: &&[Finding], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(findings.iter().map(JsonFinding::from))
}

fn problems<S: Serializer>(problems: &&[Diagnostic], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(problems.iter().map(|d| Problem {
        message: d.message(),
        help: d.help_text(),
        location: d.location().map(|l| Place {
            file: &l.file,
            line: l.line,
            column: l.column,
        }),
    }))
}

/// The report as pretty JSON: `{"version": 1, "summary": {...}, "findings": [...]}`,
/// and `"errors": [...]` when some of the input could not be read.
#[must_use]
pub fn json(report: &Report) -> String {
    let whole = JsonReport {
        version: 1,
        summary: Summary {
            objects: report.objects,
            error: report.count(Severity::Error),
            warning: report.count(Severity::Warning),
            info: report.count(Severity::Info),
            suppressed: report.suppressed().count(),
        },
        findings: &report.findings,
        errors: &report.problems,
    };
    let mut text = serde_json::to_string_pretty(&whole).expect("the report serializes");
    text.push('\n');
    text
}
