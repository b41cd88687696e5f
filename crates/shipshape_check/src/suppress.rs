//! Suppression by annotation, with a reason that is mandatory.
//!
//! ```yaml
//! metadata:
//!   annotations:
//!     shipshape.dev/ignore: |
//!       SS011 -- the batch importer is restarted by its queue, not by a probe
//!       SS006, SS004 -- legacy image writes to /var/run; tracked in OPS-142
//! ```
//!
//! One entry per line: rule ids or themes (comma or space separated), ` -- `, and why.
//! The annotation may sit on the object or on its pod template. An entry without a
//! reason, or naming no rule, suppresses nothing and is reported by SS000.

use serde_json::Value;
use shipshape_manifest::Object;

use crate::merged::canonical;
use crate::meta::RuleMeta;

/// The annotation that suppresses findings.
pub const ANNOTATION: &str = "shipshape.dev/ignore";

/// One line of the annotation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry<'a> {
    /// Rule ids or themes it names.
    pub codes: Vec<&'a str>,
    /// Why, when given.
    pub reason: Option<&'a str>,
}

impl Entry<'_> {
    /// Whether this entry names `rule`, by id (or an id merged into it) or by theme.
    #[must_use]
    pub fn names(&self, rule: &RuleMeta) -> bool {
        self.codes.iter().any(|c| {
            canonical(c).eq_ignore_ascii_case(rule.id)
                || c.eq_ignore_ascii_case(rule.theme.as_str())
        })
    }
}

/// The entries of an annotation value.
pub fn parse(value: &str) -> impl Iterator<Item = Entry<'_>> {
    value
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|line| {
            let (codes, reason) = match line.split_once("--") {
                Some((codes, reason)) => (codes, Some(reason.trim()).filter(|r| !r.is_empty())),
                None => (line, None),
            };
            Entry {
                codes: codes
                    .split([',', ' ', '\t'])
                    .filter(|c| !c.is_empty())
                    .collect(),
                reason,
            }
        })
}

/// The annotations that can suppress findings on `object`, with the JSON pointer of each:
/// the object's own, and its pod template's.
pub fn annotations(object: &Object) -> Vec<(String, &str)> {
    let key = ANNOTATION.replace('/', "~1");
    let mut found = Vec::new();
    let own = format!("/metadata/annotations/{key}");
    if let Some(v) = object.str_at(&own) {
        found.push((own, v));
    }
    if let Some(template) = object.pod_template()
        && !template.pointer.is_empty()
        && let Some(v) = template
            .annotations()
            .and_then(|a| a.get(ANNOTATION))
            .and_then(Value::as_str)
    {
        found.push((
            format!("{}/metadata/annotations/{key}", template.pointer),
            v,
        ));
    }
    found
}

/// Why `rule` is suppressed on `object`, if a valid entry (one with a reason) names it.
#[must_use]
pub fn reason_for(object: &Object, rule: &RuleMeta) -> Option<String> {
    // Asked for every finding: find the annotations without building their pointers.
    let own = object
        .value()
        .get("metadata")
        .and_then(|m| m.get("annotations"))
        .and_then(|a| a.get(ANNOTATION));
    let template = object
        .pod_template()
        .filter(|t| !t.pointer.is_empty())
        .and_then(|t| t.annotations()?.get(ANNOTATION));
    [own, template].into_iter().flatten().find_map(|value| {
        let value = value.as_str()?;
        parse(value)
            .filter(|e| e.names(rule))
            .find_map(|e| e.reason.map(str::to_owned))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_merged_into_a_rule_names_that_rule() {
        let removed = crate::registry::find("SS062").map(crate::Rule::meta);
        let removed = removed.expect("SS062 is registered");
        let entry = |code| Entry {
            codes: vec![code],
            reason: None,
        };
        assert!(entry("SS170").names(removed));
        assert!(entry("ss170").names(removed));
        assert!(entry("api").names(removed));
        assert!(!entry("SS061").names(removed));
    }

    #[test]
    fn parses_entries_with_and_without_reasons() {
        let entries: Vec<Entry<'_>> =
            parse("SS011 -- restarted by its queue\n\n SS006, security --  \nSS001").collect();
        assert_eq!(
            entries,
            [
                Entry {
                    codes: vec!["SS011"],
                    reason: Some("restarted by its queue")
                },
                Entry {
                    codes: vec!["SS006", "security"],
                    reason: None
                },
                Entry {
                    codes: vec!["SS001"],
                    reason: None
                },
            ]
        );
    }
}
