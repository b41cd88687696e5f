use serde_json::{Map, Value};
use shipshape_grammar::names;

use crate::templates::escape;
use crate::{Emitter, Object, ObjectRule, declare_rule};

declare_rule! {
    /// ## What it checks
    /// Labels, on an object or its pod template, that the API server refuses: a value
    /// that is not a string (YAML reads `version: 1.10` as the number 1.1 and
    /// `canary: true` as a boolean), a value longer than 63 characters or with
    /// characters other than letters, digits, `-`, `_` and `.` (starting and ending
    /// with a letter or digit), or a key whose name or DNS prefix breaks the same
    /// rules.
    ///
    /// The grammar is the API server's (`IsQualifiedName`, `IsValidLabelValue`), the
    /// same one the validator behind SS060 uses. This rule owns a bad label in
    /// `shipshape check`, since it says more (a number or boolean to quote), so SS060
    /// yields that field to it; `shipshape validate`, which runs only the `api` rules,
    /// reports the label as SS060. Either way one bad label is one finding.
    ///
    /// ## Why it matters
    /// The apply fails, and YAML's number and boolean conversion makes the mistake
    /// invisible in review: the manifest says `1.10`, the API server receives `1.1`.
    ///
    /// ## How to fix
    /// Quote values that look like numbers or booleans, keep values to 63 characters
    /// (put longer text in an annotation), and use only the allowed characters.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: ConfigMap
    /// metadata:
    ///   name: settings
    ///   labels:
    ///     app.kubernetes.io/version: 1.10
    /// ```
    ///
    /// ## Fixed
    /// ```yaml
    /// apiVersion: v1
    /// kind: ConfigMap
    /// metadata:
    ///   name: settings
    ///   labels:
    ///     app.kubernetes.io/version: "1.10"
    /// ```
    pub struct InvalidLabel {
        id: "SS193",
        name: "invalid-label",
        severity: Error,
        theme: Correctness,
        summary: "label key or value the API server refuses",
    }
}

/// Why the label `key: value` is refused, if it is.
fn problem(key: &str, value: &Value) -> Option<String> {
    if names::qualified_name(key).is_err() {
        return Some(format!("key `{key}` is not a valid label key"));
    }
    let Some(text) = value.as_str() else {
        let kind = match value {
            Value::Bool(_) => "the boolean",
            Value::Number(_) => "the number",
            _ => "",
        };
        return Some(format!("`{key}` is {kind} {value}, not a string: quote it"));
    };
    names::label_value(text).is_err().then(|| {
        format!("value `{text}` of `{key}` is not a valid label value (63 characters of letters, digits, -, _ and .)")
    })
}

fn check_labels(
    object: &Object,
    labels: Option<&Map<String, Value>>,
    base: &str,
    out: &mut Emitter<'_>,
) {
    for (key, value) in labels.into_iter().flatten() {
        if let Some(problem) = problem(key, value) {
            out.report(
                object,
                format!("{base}/metadata/labels/{}", escape(key)),
                problem,
            );
        }
    }
}

impl ObjectRule for InvalidLabel {
    fn check(&self, object: &Object, out: &mut Emitter<'_>) {
        let own = object.get("/metadata/labels").and_then(Value::as_object);
        check_labels(object, own, "", out);
        if let Some(pod) = object.pod_template()
            && !pod.pointer.is_empty()
        {
            check_labels(object, pod.labels(), pod.pointer, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::problem;

    #[test]
    fn valid_labels_pass() {
        for (key, value) in [
            ("app", json!("web")),
            ("app.kubernetes.io/version", json!("1.10")),
            ("example.com/team", json!("")),
            ("tier", json!("front_end.v2")),
        ] {
            assert_eq!(problem(key, &value), None, "{key}");
        }
    }

    #[test]
    fn refused_labels_say_why() {
        for (key, value, why) in [
            ("version", json!(1.1), "number"),
            ("enabled", json!(true), "boolean"),
            ("app", json!("web app"), "not a valid label value"),
            ("app", json!("-web"), "not a valid label value"),
            ("Example.com/team", json!("a"), "not a valid label key"),
            ("/team", json!("a"), "not a valid label key"),
        ] {
            let problem = problem(key, &value).unwrap_or_default();
            assert!(problem.contains(why), "{key}: {problem}");
        }
    }
}
