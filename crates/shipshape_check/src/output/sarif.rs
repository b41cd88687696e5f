//! SARIF 2.1.0 for code scanning (GitHub, GitLab, IDEs).

use serde_json::{Value, json};

use crate::docs;
use crate::finding::Finding;
use crate::meta::Severity;
use crate::report::Report;
use crate::rule::Rule;

/// What SARIF calls each severity.
fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// The report as a SARIF 2.1.0 log with one run. `rules` are the rules that ran; each
/// result points at its rule by index, at the offending field by region, and at its
/// object by logical location. Suppressed findings carry an `inSource` suppression with
/// their reason, as the standard asks, instead of being left out.
#[must_use]
pub fn sarif(report: &Report, rules: &[Rule]) -> String {
    let descriptors: Vec<Value> = rules.iter().map(|r| descriptor(*r)).collect();
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|f| result(f, rules.iter().position(|r| r.meta().id == f.rule.id)))
        .collect();
    let mut driver = json!({
        "name": "shipshape",
        "version": env!("CARGO_PKG_VERSION"),
        "rules": descriptors,
    });
    // SARIF wants a real URI here or none at all.
    let home = env!("CARGO_PKG_REPOSITORY");
    if !home.is_empty() {
        driver["informationUri"] = json!(home);
    }
    let mut log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": driver },
            // Our columns count characters, as the spanned tree does.
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    });
    // What could not be read is the tool's trouble, not a result about the code: SARIF
    // says so with notifications of an unsuccessful invocation.
    if !report.problems.is_empty() {
        let notifications: Vec<Value> = report.problems.iter().map(notification).collect();
        log["runs"][0]["invocations"] = json!([{
            "executionSuccessful": false,
            "toolExecutionNotifications": notifications,
        }]);
    }
    let mut text = serde_json::to_string_pretty(&log).expect("JSON values serialize");
    text.push('\n');
    text
}

fn notification(d: &shipshape_yaml::Diagnostic) -> Value {
    let text = match d.help_text() {
        Some(help) => format!("{}; {help}", d.message()),
        None => d.message().to_owned(),
    };
    let mut notification = json!({
        "level": "error",
        "message": { "text": text },
    });
    if let Some(l) = d.location() {
        notification["locations"] = json!([{
            "physicalLocation": {
                "artifactLocation": artifact(&l.file),
                "region": { "startLine": l.line, "startColumn": l.column },
            }
        }]);
    }
    notification
}

fn descriptor(rule: Rule) -> Value {
    let meta = rule.meta();
    json!({
        "id": meta.id,
        "name": meta.name,
        "shortDescription": { "text": meta.summary },
        "fullDescription": { "text": docs::section(meta, "## What it checks").unwrap_or(meta.summary) },
        "help": { "text": docs::doc_text(meta), "markdown": docs::doc_text(meta) },
        "defaultConfiguration": { "level": level(meta.severity) },
        "properties": { "tags": [meta.theme.as_str()] },
    })
}

fn result(f: &Finding, rule_index: Option<usize>) -> Value {
    let mut result = json!({
        "ruleId": f.rule.id,
        "level": level(f.severity),
        "message": { "text": format!("{}: {}", f.object.display_name(), f.message) },
        "locations": [location(f)],
        "properties": { "pointer": f.pointer },
    });
    if let Some(i) = rule_index {
        result["ruleIndex"] = json!(i);
    }
    if let Some(reason) = &f.suppressed {
        result["suppressions"] = json!([{ "kind": "inSource", "justification": reason }]);
    }
    result
}

fn location(f: &Finding) -> Value {
    let object = &f.object;
    let mut location = json!({
        "logicalLocations": [{
            "name": object.name,
            "fullyQualifiedName": object.display_name(),
            "kind": "object",
        }]
    });
    if let Some(l) = &f.location {
        location["physicalLocation"] = json!({
            "artifactLocation": artifact(&l.file),
            "region": { "startLine": l.line, "startColumn": l.column },
        });
    }
    location
}

/// A file as a SARIF artifact: a relative URI, or a description for standard input,
/// which has no URI.
fn artifact(file: &str) -> Value {
    if file == "<stdin>" {
        return json!({ "description": { "text": "standard input" } });
    }
    json!({ "uri": to_uri(file) })
}

/// A path as a URI reference: forward slashes, and the few characters a URI cannot hold
/// as they are percent-encoded.
fn to_uri(path: &str) -> String {
    let mut uri = String::with_capacity(path.len());
    for c in path.replace('\\', "/").chars() {
        match c {
            ' ' => uri.push_str("%20"),
            '%' => uri.push_str("%25"),
            '#' => uri.push_str("%23"),
            '?' => uri.push_str("%3F"),
            '[' => uri.push_str("%5B"),
            ']' => uri.push_str("%5D"),
            c => uri.push(c),
        }
    }
    uri
}
