//! Where a pod may run: node selectors, node affinity, pod affinity and anti-affinity,
//! topology spread, tolerations and priority, as k8s-openapi types, so that a scheduler
//! model reads them as the real scheduler does.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Affinity, Toleration, TopologySpreadConstraint};

use crate::pod::PodTemplate;
use crate::typed::TypedError;

/// The scheduling constraints of a pod template; absent fields are empty.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Scheduling {
    /// `nodeSelector`: labels a node must carry.
    pub node_selector: BTreeMap<String, String>,
    /// `affinity`: node affinity, pod affinity and pod anti-affinity.
    pub affinity: Affinity,
    /// `topologySpreadConstraints`.
    pub topology_spread: Vec<TopologySpreadConstraint>,
    /// `tolerations`: the taints it may be scheduled onto.
    pub tolerations: Vec<Toleration>,
    /// `priorityClassName`.
    pub priority_class_name: Option<String>,
}

impl PodTemplate<'_> {
    /// Its scheduling constraints.
    ///
    /// # Errors
    /// A field that does not fit its Kubernetes type (a topology spread constraint
    /// whose `maxSkew` is not a number, a toleration that is not a mapping), located.
    pub fn scheduling(&self) -> Result<Scheduling, TypedError> {
        let object = self.object;
        let field = |name: &str| self.spec_pointer(&format!("/{name}"));
        Ok(Scheduling {
            node_selector: object
                .typed_field(&field("nodeSelector"))?
                .unwrap_or_default(),
            affinity: object.typed_field(&field("affinity"))?.unwrap_or_default(),
            topology_spread: object
                .typed_field(&field("topologySpreadConstraints"))?
                .unwrap_or_default(),
            tolerations: object
                .typed_field(&field("tolerations"))?
                .unwrap_or_default(),
            priority_class_name: object.typed_field(&field("priorityClassName"))?,
        })
    }
}
