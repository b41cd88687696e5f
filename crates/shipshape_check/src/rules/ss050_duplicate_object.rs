use crate::{CheckContext, Emitter, SetRule, declare_rule};

declare_rule! {
    /// ## What it checks
    /// Objects defined more than once: the same API group, kind, namespace and name
    /// (objects without a namespace count as being in the `--namespace` one).
    ///
    /// ## Why it matters
    /// Only one of them survives an apply, and which one depends on the order of the
    /// files: a change made to the other copy silently does nothing. It is usually a
    /// copied file, or two charts that both ship the same object.
    ///
    /// ## How to fix
    /// Keep one definition; rename the other if both are wanted.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: ConfigMap
    /// metadata:
    ///   name: settings
    /// data: { mode: fast }
    /// ---
    /// apiVersion: v1
    /// kind: ConfigMap
    /// metadata:
    ///   name: settings
    /// data: { mode: safe }
    /// ```
    ///
    /// ## Fixed
    /// ```yaml
    /// apiVersion: v1
    /// kind: ConfigMap
    /// metadata:
    ///   name: settings
    /// data: { mode: safe }
    /// ```
    pub struct DuplicateObject {
        id: "SS050",
        name: "duplicate-object",
        severity: Error,
        theme: Correctness,
        summary: "the same object is defined more than once",
    }
}

impl SetRule for DuplicateObject {
    fn check(&self, cx: &CheckContext<'_>, out: &mut Emitter<'_>) {
        for object in cx.objects() {
            let first = cx
                .get_all(&object.id())
                .next()
                .filter(|first| first.index() != object.index());
            let Some(first) = first else {
                continue;
            };
            let place = first
                .locate("")
                .map_or_else(|| "earlier in the input".to_owned(), |l| format!("at {l}"));
            out.report(
                object,
                "/metadata/name",
                format!("defined again (first {place}): only one of them survives an apply"),
            );
        }
    }
}
