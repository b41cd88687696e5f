//! What cross-object rules see: the model's index and the run's settings.

use std::ops::Deref;

use shipshape_manifest::network_policy::NetworkPolicies;
use shipshape_manifest::{Model, ModelIndex};

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
    /// The NetworkPolicies and Namespaces, read for evaluation. Built with the index: a
    /// `OnceLock` would make the context invariant in `'a`, and sets hold few of them.
    network_policies: NetworkPolicies<'a>,
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
        let index = ModelIndex::new(model);
        CheckContext {
            network_policies: NetworkPolicies::of_model(&index),
            index,
            settings,
        }
    }

    /// How this run was configured.
    #[must_use]
    pub fn settings(&self) -> &'a Settings {
        self.settings
    }

    /// The NetworkPolicies of the model, with the Namespaces whose labels their
    /// namespace selectors match.
    #[must_use]
    pub fn network_policies(&self) -> &NetworkPolicies<'a> {
        &self.network_policies
    }
}
