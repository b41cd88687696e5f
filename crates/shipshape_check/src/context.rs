//! The whole input as cross-object rules see it, with indexes built once.

use std::collections::HashMap;

use crate::config::Settings;
use crate::input::{Input, Object};
use crate::pod::PodTemplate;
use shipshape_manifest::Selector;
use shipshape_manifest::network_policy::NetworkPolicies;

/// All objects of one run, indexed by kind, by name and by the pod templates they hold.
///
/// Name indexes are keyed by the name alone and filtered by kind and namespace on lookup:
/// the few objects that share a name (a Deployment, its Service, its HPA) are cheaper to
/// filter than a composite key is to build for every lookup.
#[derive(Debug)]
pub struct CheckContext<'a> {
    input: &'a Input,
    settings: &'a Settings,
    by_kind: HashMap<&'a str, Vec<usize>>,
    by_name: HashMap<&'a str, Vec<usize>>,
    templates: Vec<PodTemplate<'a>>,
    templates_by_namespace: HashMap<&'a str, Vec<usize>>,
    /// Pod templates by label key, then value: a selector looks only at the templates
    /// that carry one of its labels, not at every template of the namespace.
    templates_by_label: HashMap<&'a str, HashMap<&'a str, Vec<usize>>>,
    /// Autoscalers by the name of the object they scale.
    autoscalers_by_target: HashMap<&'a str, Vec<usize>>,
    /// The NetworkPolicies and Namespaces, indexed for evaluation. Built with the rest:
    /// a `OnceLock` would make the context invariant in `'a`, and sets hold few of them.
    network_policies: NetworkPolicies<'a>,
}

impl<'a> CheckContext<'a> {
    /// Indexes `input`.
    #[must_use]
    pub fn new(input: &'a Input, settings: &'a Settings) -> Self {
        let mut cx = CheckContext {
            input,
            settings,
            by_kind: HashMap::new(),
            by_name: HashMap::new(),
            templates: Vec::new(),
            templates_by_namespace: HashMap::new(),
            templates_by_label: HashMap::new(),
            autoscalers_by_target: HashMap::new(),
            network_policies: NetworkPolicies::default(),
        };
        for object in input.objects() {
            cx.index(object);
        }
        let objects = cx.of_kind("NetworkPolicy").chain(cx.of_kind("Namespace"));
        cx.network_policies = NetworkPolicies::new(objects.map(Object::value));
        cx
    }

    fn index(&mut self, object: &'a Object) {
        let i = object.index();
        let kind = object.kind();
        self.by_kind.entry(kind).or_default().push(i);
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
        if kind == "HorizontalPodAutoscaler"
            && let Some(target) = object.str_at("/spec/scaleTargetRef/name")
        {
            self.autoscalers_by_target
                .entry(target)
                .or_default()
                .push(i);
        }
    }

    /// Every object, in input order.
    #[must_use]
    pub fn objects(&self) -> &'a [Object] {
        self.input.objects()
    }

    /// How this run was configured.
    #[must_use]
    pub fn settings(&self) -> &'a Settings {
        self.settings
    }

    fn resolve<'s>(
        &'s self,
        indexes: Option<&'s Vec<usize>>,
    ) -> impl Iterator<Item = &'a Object> + use<'a, 's> {
        let objects: &'a [Object] = self.input.objects();
        indexes.into_iter().flatten().map(move |&i| &objects[i])
    }

    /// The objects of `kind`.
    pub fn of_kind<'s>(&'s self, kind: &str) -> impl Iterator<Item = &'a Object> + use<'a, 's> {
        self.resolve(self.by_kind.get(kind))
    }

    /// Every object of `kind` called `name` in `namespace` (more than one is a
    /// duplicate).
    pub fn find_all(
        &self,
        kind: &str,
        namespace: &str,
        name: &str,
    ) -> impl Iterator<Item = &'a Object> {
        self.resolve(self.by_name.get(name))
            .filter(move |o| o.kind() == kind && o.namespace() == namespace)
    }

    /// The object of `kind` called `name` in `namespace`.
    #[must_use]
    pub fn find(&self, kind: &str, namespace: &str, name: &str) -> Option<&'a Object> {
        self.find_all(kind, namespace, name).next()
    }

    /// Every pod template of the input: one per Pod and per workload.
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

    /// The NetworkPolicies of the input, with the Namespaces whose labels their
    /// namespace selectors match.
    #[must_use]
    pub fn network_policies(&self) -> &NetworkPolicies<'a> {
        &self.network_policies
    }

    /// The HorizontalPodAutoscalers that scale `object`.
    pub fn autoscalers_of(&self, object: &Object) -> impl Iterator<Item = &'a Object> {
        let (kind, namespace) = (object.kind(), object.namespace());
        self.resolve(self.autoscalers_by_target.get(object.name()))
            .filter(move |hpa| {
                hpa.namespace() == namespace
                    && hpa.str_at("/spec/scaleTargetRef/kind") == Some(kind)
            })
    }
}

impl<'a> CheckContext<'a> {
    /// The fewest pods `pod`'s object runs: the lowest `minReplicas` (default 1) of the
    /// autoscalers that scale it, else its own replica count; `None` when the count is
    /// not in the manifests (DaemonSets, Jobs).
    #[must_use]
    pub fn min_replicas(&self, pod: &PodTemplate<'_>) -> Option<i64> {
        let autoscaled = self
            .autoscalers_of(pod.object)
            .map(|hpa| {
                hpa.get("/spec/minReplicas")
                    .and_then(serde_json::Value::as_i64)
                    .unwrap_or(1)
            })
            .min();
        autoscaled.or_else(|| pod.replicas())
    }
}
