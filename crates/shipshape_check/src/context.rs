//! What cross-object rules see: the model's index and the run's settings.

use std::collections::HashMap;
use std::ops::Deref;
use std::sync::OnceLock;

use shipshape_manifest::{Model, ModelIndex, Object, PodTemplate, Selector, kinds};

use crate::settings::Settings;

/// The model of one run, indexed, with the settings of the run.
///
/// It dereferences to the [`ModelIndex`]: every lookup (`of_kind`, `find`, `selected`,
/// `autoscalers_of`) is the model's, so the checker and the other consumers of the model
/// cannot answer the same question differently.
#[derive(Debug)]
pub struct CheckContext<'a> {
    index: ModelIndex<'a>,
    settings: &'a Settings,
    /// NetworkPolicies by the object index of each pod template they select; built on
    /// first use, since only the policy rules need it.
    policies_by_pod: OnceLock<HashMap<usize, Vec<usize>>>,
}

impl<'a> Deref for CheckContext<'a> {
    type Target = ModelIndex<'a>;

    fn deref(&self) -> &ModelIndex<'a> {
        &self.index
    }
}

impl<'a> CheckContext<'a> {
    /// Indexes `model`.
    #[must_use]
    pub fn new(model: &'a Model, settings: &'a Settings) -> Self {
        CheckContext {
            index: ModelIndex::new(model),
            settings,
            policies_by_pod: OnceLock::new(),
        }
    }

    /// How this run was configured.
    #[must_use]
    pub fn settings(&self) -> &'a Settings {
        self.settings
    }

    /// The NetworkPolicies of its namespace whose `podSelector` selects `pod`'s pods.
    pub fn network_policies_of(&self, pod: &PodTemplate<'_>) -> impl Iterator<Item = &'a Object> {
        let index = self.policies_by_pod.get_or_init(|| self.index_policies());
        let objects = self.objects();
        index
            .get(&pod.object.index())
            .into_iter()
            .flatten()
            .map(move |&i| &objects[i])
    }

    fn index_policies(&self) -> HashMap<usize, Vec<usize>> {
        let mut index: HashMap<usize, Vec<usize>> = HashMap::new();
        for policy in self.of_kind(&kinds::NETWORK_POLICY) {
            let Some(selector) = policy.get("/spec/podSelector") else {
                continue;
            };
            for pod in self.selected(policy.namespace(), Selector::LabelSelector(selector)) {
                index
                    .entry(pod.object.index())
                    .or_default()
                    .push(policy.index());
            }
        }
        index
    }
}
