use shipshape_validate::{Catalog, Verdict};

use crate::{CheckContext, Emitter, Object, SetRule, declare_rule};

declare_rule! {
    /// ## What it checks
    /// Every object against the schema of its kind in the target Kubernetes version
    /// (`--kubernetes`, default the newest shipshape knows; `shipshape validate
    /// --versions` lists them), as the API server would: unknown fields (with the
    /// nearest valid name), wrong types, missing required fields, invalid enum values,
    /// quantities, ports and percentages, and malformed names, namespaces, label keys
    /// and values and annotation keys. Custom resources are checked against the
    /// CustomResourceDefinitions in the input, given with `--crd`, or shipped with
    /// shipshape; those without one are skipped (an error with `--strict-crds`). Kinds
    /// of Kubernetes' own API groups that the version does not serve are errors too.
    ///
    /// Where a more specific rule reports the same field of the same object (SS193 a
    /// label, SS191 a port, SS192 a selector), its finding is the one kept: one problem,
    /// one finding. When those rules do not run, as in `shipshape validate`, this rule
    /// reports the field.
    ///
    /// ## Why it matters
    /// The API server refuses an invalid object, so `kubectl apply` fails, often after
    /// half of a release has been applied. An unknown field is worse: with client-side
    /// validation off it is dropped silently, and the setting it was meant to make never
    /// takes effect.
    ///
    /// ## How to fix
    /// Correct the field the message names; `kubectl explain KIND.FIELD` describes it.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: web
    /// spec:
    ///   replicas: "2"
    ///   selector: { matchLabels: { app: web } }
    ///   template:
    ///     metadata: { labels: { app: web } }
    ///     spec:
    ///       containers:
    ///         - name: web
    ///           image: nginx:1.27
    ///           imagePullPolcy: Always
    /// ```
    ///
    /// ## Fixed
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: web
    /// spec:
    ///   replicas: 2
    ///   selector: { matchLabels: { app: web } }
    ///   template:
    ///     metadata: { labels: { app: web } }
    ///     spec:
    ///       containers:
    ///         - name: web
    ///           image: nginx:1.27
    ///           imagePullPolicy: Always
    /// ```
    pub struct InvalidObject {
        id: "SS060",
        name: "invalid-object",
        severity: Error,
        theme: Api,
        summary: "the API server would refuse the object: it does not match its schema",
    }
}

impl SetRule for InvalidObject {
    fn check(&self, cx: &CheckContext<'_>, out: &mut Emitter<'_>) {
        let objects = cx.objects();
        let catalog = Catalog::new(&cx.settings().api, objects.iter().map(Object::value));
        for object in objects {
            if let Verdict::Invalid(problems) = catalog.validate(object.value()) {
                for problem in problems {
                    out.report(object, problem.pointer.as_str(), problem.to_string());
                }
            }
        }
    }
}
