//! Indexes over a [`Model`]: objects by group and kind, by identity, pod templates by
//! namespace and by label, autoscalers by what they scale. Built once per run; every
//! cross-object question (which pods does this select, what scales this) goes through
//! them.

use std::collections::HashMap;

use crate::autoscaling::Autoscaler;
use crate::identity::{GroupKind, ObjectId};
use crate::model::Model;
use crate::object::Object;
use crate::pod::PodTemplate;
use crate::selector::Selector;

/// A [`Model`] indexed for lookups by group-kind, identity and label.
///
/// Name indexes are keyed by the name alone and filtered by group, kind and namespace on
/// lookup: the few objects that share a name (a Deployment, its Service, its HPA) are
/// cheaper to filter than a composite key is to build for every lookup.
#[derive(Debug)]
pub struct ModelIndex<'a> {
    model: &'a Model,
    /// Objects by kind, filtered by group on lookup, like the name index.
    by_kind: HashMap<&'a str, Vec<usize>>,
    by_name: HashMap<&'a str, Vec<usize>>,
    templates: Vec<PodTemplate<'a>>,
    templates_by_namespace: HashMap<&'a str, Vec<usize>>,
    /// Pod templates by label key, then value: a selector looks only at the templates
    /// that carry one of its labels, not at every template of the namespace.
    templates_by_label: HashMap<&'a str, HashMap<&'a str, Vec<usize>>>,
    /// Autoscalers by the name of the object they scale.
    autoscalers_by_target: HashMap<&'a str, Vec<usize>>,
}

impl<'a> ModelIndex<'a> {
    /// Indexes `model`.
    #[must_use]
    pub fn new(model: &'a Model) -> Self {
        let mut index = ModelIndex {
            model,
            by_kind: HashMap::new(),
            by_name: HashMap::new(),
            templates: Vec::new(),
            templates_by_namespace: HashMap::new(),
            templates_by_label: HashMap::new(),
            autoscalers_by_target: HashMap::new(),
        };
        for object in model.objects() {
            index.add(object);
        }
        index
    }

    fn add(&mut self, object: &'a Object) {
        let i = object.index();
        self.by_kind.entry(object.kind()).or_default().push(i);
        self.by_name.entry(object.name()).or_default().push(i);
        if let Some(template) = object.pod_template() {
            let t = self.templates.len();
            self.templates_by_namespace
                .entry(object.namespace())
                .or_default()
                .push(t);
            for (key, value) in template.labels().into_iter().flatten() {
                if let Some(value) = value.as_str() {
                    self.templates_by_label
                        .entry(key)
                        .or_default()
                        .entry(value)
                        .or_default()
                        .push(t);
                }
            }
            self.templates.push(template);
        }
        if let Some(target) = Autoscaler::of(object).and_then(|hpa| hpa.target()) {
            self.autoscalers_by_target
                .entry(target.name)
                .or_default()
                .push(i);
        }
    }

    /// The model it indexes.
    #[must_use]
    pub fn model(&self) -> &'a Model {
        self.model
    }

    /// Every object, in input order.
    #[must_use]
    pub fn objects(&self) -> &'a [Object] {
        self.model.objects()
    }

    fn resolve<'s>(
        &'s self,
        indexes: Option<&'s Vec<usize>>,
    ) -> impl Iterator<Item = &'a Object> + use<'a, 's> {
        let objects: &'a [Object] = self.model.objects();
        indexes.into_iter().flatten().map(move |&i| &objects[i])
    }

    /// The objects of `kind`, in input order.
    pub fn of_kind<'s, 'k>(
        &'s self,
        kind: &'k GroupKind<'k>,
    ) -> impl Iterator<Item = &'a Object> + use<'a, 's, 'k> {
        self.resolve(self.by_kind.get(kind.kind))
            .filter(move |o| o.group() == kind.group)
    }

    /// Every object of `kind` called `name` in `namespace` (more than one is a
    /// duplicate).
    pub fn find_all<'s, 'k>(
        &'s self,
        kind: &'k GroupKind<'k>,
        namespace: &'k str,
        name: &str,
    ) -> impl Iterator<Item = &'a Object> + use<'a, 's, 'k> {
        self.resolve(self.by_name.get(name))
            .filter(move |o| o.is(kind) && o.namespace() == namespace)
    }

    /// The object of `kind` called `name` in `namespace`.
    #[must_use]
    pub fn find(&self, kind: &GroupKind<'_>, namespace: &str, name: &str) -> Option<&'a Object> {
        self.find_all(kind, namespace, name).next()
    }

    /// Every object of the model that is `id` (in any version: the version says how it
    /// is written, not which object it is); more than one is a duplicate.
    pub fn get_all<'s, 'k>(
        &'s self,
        id: &'k ObjectId<'k>,
    ) -> impl Iterator<Item = &'a Object> + use<'a, 's, 'k> {
        self.find_all(&id.kind, id.namespace, id.name)
    }

    /// Every pod template of the model: one per Pod and per workload.
    #[must_use]
    pub fn pod_templates(&self) -> &[PodTemplate<'a>] {
        &self.templates
    }

    /// The pod templates of `namespace` whose pods `selector` selects.
    pub fn selected<'s>(
        &'s self,
        namespace: &'s str,
        selector: Selector<'s>,
    ) -> impl Iterator<Item = &'s PodTemplate<'a>> + use<'a, 's> {
        let candidates = match selector.first_label() {
            Some((key, value)) => self
                .templates_by_label
                .get(key)
                .and_then(|values| values.get(value)),
            None => self.templates_by_namespace.get(namespace),
        };
        candidates
            .map_or(&[][..], Vec::as_slice)
            .iter()
            .map(|&i| &self.templates[i])
            .filter(move |t| t.object.namespace() == namespace && selector.matches(t.labels()))
    }

    /// The HorizontalPodAutoscalers that scale `object`: of its namespace, with a
    /// `scaleTargetRef` that names its group, kind and name.
    pub fn autoscalers_of<'s>(
        &'s self,
        object: &'s Object,
    ) -> impl Iterator<Item = Autoscaler<'a>> + use<'a, 's> {
        self.resolve(self.autoscalers_by_target.get(object.name()))
            .filter_map(Autoscaler::of)
            .filter(move |hpa| {
                hpa.object.namespace() == object.namespace()
                    && hpa.target().is_some_and(|t| t.kind == object.group_kind())
            })
    }

    /// The fewest pods `pod`'s object runs: the lowest `minReplicas` (default 1) of the
    /// autoscalers that scale it, else its own replica count; `None` when the count is
    /// not in the manifests (DaemonSets, Jobs).
    #[must_use]
    pub fn min_replicas(&self, pod: &PodTemplate<'_>) -> Option<i64> {
        let autoscaled = self
            .autoscalers_of(pod.object)
            .map(|hpa| hpa.min_replicas())
            .min();
        autoscaled.or_else(|| pod.replicas())
    }
}
