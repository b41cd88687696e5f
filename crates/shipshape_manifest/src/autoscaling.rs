//! HorizontalPodAutoscalers: what they scale and between which bounds.

use serde_json::Value;

use crate::identity::{GroupKind, kinds};
use crate::object::Object;

/// A HorizontalPodAutoscaler, any served version (`autoscaling/v1`, `v2`, `v2beta2`).
#[derive(Debug, Clone, Copy)]
pub struct Autoscaler<'a> {
    /// The HorizontalPodAutoscaler.
    pub object: &'a Object,
}

/// The object an autoscaler scales, as its `scaleTargetRef` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScaleTarget<'a> {
    /// The group of `apiVersion` and the `kind`: the HPA controller looks the target up
    /// by both, so a missing `apiVersion` means the core group, which has no workloads.
    pub kind: GroupKind<'a>,
    /// `name`, in the autoscaler's namespace.
    pub name: &'a str,
}

impl<'a> Autoscaler<'a> {
    /// `object` as an autoscaler, if it is a HorizontalPodAutoscaler.
    #[must_use]
    pub fn of(object: &'a Object) -> Option<Self> {
        object
            .is(&kinds::HORIZONTAL_POD_AUTOSCALER)
            .then_some(Autoscaler { object })
    }

    /// What it scales; `None` when `scaleTargetRef` lacks a kind or a name.
    #[must_use]
    pub fn target(&self) -> Option<ScaleTarget<'a>> {
        let object: &'a Object = self.object;
        let api_version = object
            .str_at("/spec/scaleTargetRef/apiVersion")
            .unwrap_or("");
        Some(ScaleTarget {
            kind: GroupKind::of(api_version, object.str_at("/spec/scaleTargetRef/kind")?),
            name: object.str_at("/spec/scaleTargetRef/name")?,
        })
    }

    /// `minReplicas`; the API server defaults it to 1.
    #[must_use]
    pub fn min_replicas(&self) -> i64 {
        self.object
            .get("/spec/minReplicas")
            .and_then(Value::as_i64)
            .unwrap_or(1)
    }

    /// `maxReplicas`, which the API server requires; `None` when it is missing.
    #[must_use]
    pub fn max_replicas(&self) -> Option<i64> {
        self.object.get("/spec/maxReplicas").and_then(Value::as_i64)
    }
}
