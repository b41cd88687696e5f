//! Validating a JSON value against a compiled [`Schema`], collecting every problem with
//! the path of the field at fault. The path is kept as borrowed steps and only turned
//! into text when a problem is found, so a valid object costs no allocation per field.

use serde_json::{Map, Value};

use crate::format::{self, Format};
use crate::problem::{Problem, Step};
use crate::schema::{Checks, Extra, Node, NodeId, Schema};

/// One validation pass over one value.
pub(crate) struct Walk<'s, 'v> {
    schema: &'s Schema,
    path: Vec<Step<'v>>,
    problems: Vec<Problem>,
}

impl<'s, 'v> Walk<'s, 'v> {
    /// A pass over `schema`, with `path` the steps to the value it starts at.
    pub fn new(schema: &'s Schema, path: Vec<Step<'v>>) -> Self {
        Walk {
            schema,
            path,
            problems: Vec::new(),
        }
    }

    /// The problems found.
    pub fn finish(self) -> Vec<Problem> {
        self.problems
    }

    fn report(&mut self, message: String) {
        self.problems.push(Problem::at(&self.path, None, message));
    }

    fn report_key(&mut self, key: &str, message: String) {
        self.problems
            .push(Problem::at(&self.path, Some(key), message));
    }

    fn child(&mut self, step: Step<'v>, id: NodeId, value: &'v Value) {
        self.path.push(step);
        self.value(id, value);
        self.path.pop();
    }

    /// Validates `value` against node `id`.
    pub fn value(&mut self, id: NodeId, value: &'v Value) {
        let node = self.schema.node(id);
        if value.is_null() {
            if !node.nullable && !node.types.is_any() {
                self.report(format!("must be {}, not null", node.types.describe()));
            }
            return;
        }
        if !node.types.admit(value) {
            let expected = node.types.describe();
            self.report(format!("must be {expected}, not {}", describe(value)));
            return;
        }
        if let Some(allowed) = &node.enumeration {
            self.enumeration(node, allowed, value);
        }
        match value {
            Value::Object(map) => self.object(node, map),
            Value::Array(items) => {
                if let Some(item) = node.items {
                    for (i, v) in items.iter().enumerate() {
                        self.child(Step::Index(i), item, v);
                    }
                }
            }
            _ => {}
        }
        if node.format != Format::None {
            for v in format::check(node.format, value) {
                match v.key {
                    Some(key) => self.report_key(&key, v.message),
                    None => self.report(v.message),
                }
            }
        }
        if let Some(checks) = &node.checks {
            self.checks(checks, value);
        }
    }

    fn object(&mut self, node: &Node, map: &'v Map<String, Value>) {
        for (key, value) in map {
            match (node.property(key), node.extra) {
                (Some(id), _) | (None, Extra::Schema(id)) => self.child(Step::Key(key), id, value),
                (None, Extra::Any) => {}
                (None, Extra::Forbid) => {
                    let hint = nearest(key, node.properties.iter().map(|(k, _)| &**k))
                        .map(|k| format!("; did you mean `{k}`?"))
                        .unwrap_or_default();
                    self.report_key(key, format!("unknown field{hint}"));
                }
            }
        }
        for field in &node.required {
            if !map.contains_key(&**field) {
                self.report_key(field, "required field is missing".to_owned());
            }
        }
    }

    fn enumeration(&mut self, node: &Node, allowed: &[Value], value: &Value) {
        let empty = value.as_str() == Some("");
        if allowed.contains(value) || empty && !node.strict_enum {
            return;
        }
        let names: Vec<String> = allowed.iter().map(display_scalar).collect();
        let hint = value
            .as_str()
            .and_then(|s| nearest(s, names.iter().map(String::as_str)))
            .map(|k| format!("; did you mean `{k}`?"))
            .unwrap_or_default();
        self.report(format!(
            "`{}` is not one of {}{hint}",
            display_scalar(value),
            names.join(", ")
        ));
    }

    /// The CRD-only keywords.
    fn checks(&mut self, checks: &Checks, value: &'v Value) {
        self.bounds(checks, value);
        if let (Value::String(s), Some(re)) = (value, &checks.pattern)
            && !re.is_match(s)
        {
            self.report(format!(
                "`{s}` does not match the pattern `{}`",
                re.as_str()
            ));
        }
        for &branch in &checks.all_of {
            self.value(branch, value);
        }
        if !checks.any_of.is_empty() && !checks.any_of.iter().any(|&b| self.passes(b, value)) {
            self.report("matches none of the schemas under `anyOf`".to_owned());
        }
        if !checks.one_of.is_empty() {
            let matched = checks
                .one_of
                .iter()
                .filter(|&&b| self.passes(b, value))
                .count();
            if matched != 1 {
                self.report(format!(
                    "must match exactly one of the schemas under `oneOf`, matches {matched}"
                ));
            }
        }
        if let Some(not) = checks.not
            && self.passes(not, value)
        {
            self.report("matches the schema under `not`".to_owned());
        }
    }

    fn bounds(&mut self, checks: &Checks, value: &Value) {
        let too = |n: usize, min: Option<usize>, max: Option<usize>| {
            if min.is_some_and(|m| n < m) {
                Some(("fewer", min.unwrap_or(0)))
            } else if max.is_some_and(|m| n > m) {
                Some(("more", max.unwrap_or(0)))
            } else {
                None
            }
        };
        let fault = match value {
            Value::Number(n) => n.as_f64().and_then(|x| number_bounds(checks, x)),
            Value::String(s) => too(s.chars().count(), checks.min_length, checks.max_length)
                .map(|(w, m)| format!("has {w} than {m} characters")),
            Value::Array(a) => too(a.len(), checks.min_items, checks.max_items)
                .map(|(w, m)| format!("has {w} than {m} items")),
            Value::Object(o) => too(o.len(), checks.min_properties, checks.max_properties)
                .map(|(w, m)| format!("has {w} than {m} fields")),
            _ => None,
        };
        if let Some(message) = fault {
            self.report(message);
        }
    }

    /// Whether `value` passes node `id`, without reporting anything.
    fn passes(&self, id: NodeId, value: &'v Value) -> bool {
        let mut trial = Walk::new(self.schema, Vec::new());
        trial.value(id, value);
        trial.problems.is_empty()
    }
}

fn number_bounds(checks: &Checks, x: f64) -> Option<String> {
    if let Some((min, exclusive)) = checks.minimum
        && (x < min || exclusive && x == min)
    {
        let word = if exclusive {
            "greater than"
        } else {
            "at least"
        };
        return Some(format!("{x} must be {word} {min}"));
    }
    if let Some((max, exclusive)) = checks.maximum
        && (x > max || exclusive && x == max)
    {
        let word = if exclusive { "less than" } else { "at most" };
        return Some(format!("{x} must be {word} {max}"));
    }
    None
}

/// How messages name a value that has the wrong type: `the string `3``, `a list`.
fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => format!("the boolean `{b}`"),
        Value::Number(n) => format!("the number `{n}`"),
        Value::String(s) => format!("the string `{}`", truncate(s)),
        Value::Array(_) => "a list".to_owned(),
        Value::Object(_) => "a mapping".to_owned(),
    }
}

fn display_scalar(value: &Value) -> String {
    match value {
        Value::String(s) => truncate(s),
        other => other.to_string(),
    }
}

fn truncate(s: &str) -> String {
    const MAX: usize = 60;
    if s.chars().count() <= MAX {
        s.to_owned()
    } else {
        format!("{}...", s.chars().take(MAX).collect::<String>())
    }
}

/// The candidate closest to `word`: the same but for case, or a close spelling.
pub(crate) fn nearest<'a>(
    word: &str,
    candidates: impl Iterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .map(|c| {
            let score = if c.eq_ignore_ascii_case(word) {
                2.0
            } else {
                strsim::normalized_damerau_levenshtein(
                    &word.to_ascii_lowercase(),
                    &c.to_ascii_lowercase(),
                )
            };
            (score, c)
        })
        // Edit distance rather than a prefix-weighted score: `imagePullPolicy` is not a
        // misspelling of `image`.
        .filter(|(score, _)| *score >= 0.7)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}
