//! PodDisruptionBudgets: which pods they protect and how much they let go.

use serde_json::Value;

use crate::identity::kinds;
use crate::index::ModelIndex;
use crate::object::Object;
use crate::pod::PodTemplate;
use crate::selector::Selector;

/// A PodDisruptionBudget, any served version (`policy/v1`, `policy/v1beta1`).
#[derive(Debug, Clone, Copy)]
pub struct DisruptionBudget<'a> {
    /// The PodDisruptionBudget.
    pub object: &'a Object,
}

impl<'a> DisruptionBudget<'a> {
    /// `object` as a budget, if it is a PodDisruptionBudget.
    #[must_use]
    pub fn of(object: &'a Object) -> Option<Self> {
        object
            .is(&kinds::POD_DISRUPTION_BUDGET)
            .then_some(DisruptionBudget { object })
    }

    /// `spec.selector`; `None` when it has none (and so protects nothing).
    #[must_use]
    pub fn selector(&self) -> Option<Selector<'a>> {
        let object: &'a Object = self.object;
        object.get("/spec/selector").map(Selector::LabelSelector)
    }

    /// `spec.minAvailable`, a count or a percentage, as written.
    #[must_use]
    pub fn min_available(&self) -> Option<&'a Value> {
        let object: &'a Object = self.object;
        object.get("/spec/minAvailable")
    }

    /// `spec.maxUnavailable`, a count or a percentage, as written.
    #[must_use]
    pub fn max_unavailable(&self) -> Option<&'a Value> {
        let object: &'a Object = self.object;
        object.get("/spec/maxUnavailable")
    }

    /// The pod templates of its namespace whose pods it protects.
    pub fn pods<'s>(
        &self,
        index: &'s ModelIndex<'a>,
    ) -> impl Iterator<Item = &'s PodTemplate<'a>> + use<'a, 's> {
        let namespace = self.object.namespace();
        self.selector()
            .into_iter()
            .flat_map(move |selector| index.selected(namespace, selector))
    }
}
