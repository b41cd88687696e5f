use crate::suppress::{self, ANNOTATION};
use crate::{Emitter, Object, ObjectRule, declare_rule};

declare_rule! {
    /// ## What it checks
    /// Entries of the `shipshape.dev/ignore` annotation (on an object or its pod template)
    /// that give no reason after ` -- `, or that name something that is not a rule id,
    /// rule name or theme.
    ///
    /// ## Why it matters
    /// A suppression is a decision someone will revisit. Without its reason the next
    /// reader cannot tell whether it still holds, and a misspelt id suppresses nothing
    /// while looking as if it did. Such entries do not suppress anything.
    ///
    /// ## How to fix
    /// Write one entry per line: rule ids or themes, ` -- `, and why the finding is
    /// accepted here.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: ConfigMap
    /// metadata:
    ///   name: settings
    ///   annotations:
    ///     shipshape.dev/ignore: SS011
    /// ```
    ///
    /// ## Fixed
    /// ```yaml
    /// apiVersion: v1
    /// kind: ConfigMap
    /// metadata:
    ///   name: settings
    ///   annotations:
    ///     shipshape.dev/ignore: SS011 -- restarted by its queue, a probe would only add restarts
    /// ```
    // The registry gives it a function that says why a code names nothing (`None` when
    // it names a rule, a theme or `all`): the rule that checks codes cannot import the
    // list of rules it is itself listed in.
    pub struct InvalidSuppression(pub fn(&str) -> Option<String>) {
        id: "SS000",
        name: "invalid-suppression",
        severity: Warning,
        theme: Correctness,
        summary: "suppression annotation without a reason, or naming no rule",
    }
}

impl ObjectRule for InvalidSuppression {
    fn check(&self, object: &Object, out: &mut Emitter<'_>) {
        for (pointer, value) in suppress::annotations(object) {
            for entry in suppress::parse(value) {
                let codes = entry.codes.join(", ");
                if let Some(why) = entry.codes.iter().find_map(|c| (self.0)(c)) {
                    out.report(object, &pointer, format!("{ANNOTATION}: {why}"));
                } else if entry.codes.is_empty() {
                    out.report(
                        object,
                        &pointer,
                        format!("{ANNOTATION}: an entry names no rule"),
                    );
                } else if entry.reason.is_none() {
                    out.report(
                        object,
                        &pointer,
                        format!("{ANNOTATION}: `{codes}` is suppressed without a reason; write `{codes} -- why`"),
                    );
                }
            }
        }
    }
}
