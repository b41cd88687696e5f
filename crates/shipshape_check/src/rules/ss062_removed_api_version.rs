use shipshape_manifest::api_lifecycle::{self, ApiStatus};

use crate::{CheckContext, Emitter, SetRule, declare_rule};

declare_rule! {
    /// ## What it checks
    /// Objects whose API version the target Kubernetes version no longer serves, such as
    /// `policy/v1beta1` PodDisruptionBudgets (removed in 1.25), `batch/v1beta1` CronJobs,
    /// `autoscaling/v2beta2` HorizontalPodAutoscalers, `networking.k8s.io/v1beta1`
    /// Ingresses or the `flowcontrol.apiserver.k8s.io` betas. The message names the
    /// replacement and the version that removed it. The table of removals is
    /// `shipshape_manifest::api_lifecycle`, keyed by group and kind, which
    /// `shipshape validate` reads too.
    ///
    /// This rule was SS062 and SS170 (both `removed-api-version`) until they were merged:
    /// one removed object gets one finding. `SS170` still names this rule in
    /// `--select`, `--ignore`, severities and suppression annotations.
    ///
    /// ## Why it matters
    /// The API server answers "no matches for kind" and the apply fails: the object
    /// cannot be created at all.
    ///
    /// ## How to fix
    /// Move to the replacement the message names, and check the fields that changed
    /// with it (the Kubernetes deprecation guide lists them).
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: policy/v1beta1
    /// kind: PodDisruptionBudget
    /// metadata:
    ///   name: web
    /// spec:
    ///   maxUnavailable: 1
    ///   selector: { matchLabels: { app: web } }
    /// ```
    ///
    /// ## Fixed
    /// ```yaml
    /// apiVersion: policy/v1
    /// kind: PodDisruptionBudget
    /// metadata:
    ///   name: web
    /// spec:
    ///   maxUnavailable: 1
    ///   selector: { matchLabels: { app: web } }
    /// ```
    pub struct RemovedApiVersion {
        id: "SS062",
        name: "removed-api-version",
        severity: Error,
        theme: Api,
        summary: "the object's API version is no longer served by the target Kubernetes version",
    }
}

impl SetRule for RemovedApiVersion {
    fn check(&self, cx: &CheckContext<'_>, out: &mut Emitter<'_>) {
        let target = cx.settings().api.version;
        for object in cx.objects() {
            let status = api_lifecycle::status(object.api_version(), object.kind(), target);
            if let Some(ApiStatus::Removed(change)) = status {
                out.report(object, "/apiVersion", change.removed_message(object.kind()));
            }
        }
    }
}
