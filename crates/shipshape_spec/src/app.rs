//! The top of the spec: the application, its platform, and its named parts.

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::Deserialize;
use shipshape_grammar::KubeVersion;

use crate::component::Component;
use crate::config::ConfigSpec;
use crate::patches::Patch;
use crate::secrets::SecretSpec;
use crate::services::BackingService;

/// A whole application: everything `shipshape render` turns into manifests.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AppSpec {
    /// The application's name (DNS-1123 label). Used for the namespace by default and in
    /// the `app.kubernetes.io/part-of` label.
    pub name: String,
    /// The namespace for every object. Defaults to `name`.
    #[serde(default)]
    pub namespace: Option<String>,
    /// Target Kubernetes minor version, such as `"1.33"`.
    #[serde(default)]
    pub kubernetes: Option<String>,
    /// `production` (the default) or `development`; development relaxes nothing in the
    /// output but allows in-cluster, single-instance backing services.
    #[serde(default)]
    pub profile: Profile,
    /// Extra labels put on every object.
    #[serde(default)]
    pub labels: IndexMap<String, String>,
    /// Facts about the cluster the app runs in.
    #[serde(default)]
    pub platform: Platform,
    /// Renders a NetworkPolicy that selects every pod of the namespace and admits no
    /// traffic, so that a pod no other policy covers (one added by hand, by a tool, or
    /// by an operator) gets none. Defaults to true; switch it off when the namespace is
    /// shared with workloads that rely on open traffic.
    #[serde(default = "yes")]
    pub default_deny: bool,
    /// The workloads, by name.
    pub components: IndexMap<String, Component>,
    /// Secrets the components use, by name.
    #[serde(default)]
    pub secrets: IndexMap<String, SecretSpec>,
    /// Non-secret configuration sets, by name.
    #[serde(default)]
    pub configs: IndexMap<String, ConfigSpec>,
    /// Backing services (databases) the components need, by name.
    #[serde(default)]
    pub services: IndexMap<String, BackingService>,
    /// Changes to generated objects, applied last.
    #[serde(default)]
    pub patches: Vec<Patch>,
}

fn yes() -> bool {
    true
}

impl AppSpec {
    /// The namespace every object goes to.
    #[must_use]
    pub fn namespace(&self) -> &str {
        self.namespace.as_deref().unwrap_or(&self.name)
    }

    /// The target Kubernetes version: the spec's, else [`KubeVersion::DEFAULT`] (also
    /// for a version that does not parse, which validation has already refused).
    #[must_use]
    pub fn kubernetes_version(&self) -> KubeVersion {
        self.kubernetes
            .as_deref()
            .and_then(|v| v.parse().ok())
            .unwrap_or(KubeVersion::DEFAULT)
    }
}

/// How strict the spec is about what may run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Profile {
    /// Everything production-grade.
    #[default]
    Production,
    /// Allows development-only providers.
    Development,
}

/// Where the cluster's shared pieces live, so that network policies and monitoring can
/// name them.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Platform {
    /// The ingress controller, which is let in to exposed ports.
    pub ingress: IngressController,
    /// The monitoring stack, which is let in to metrics ports.
    pub monitoring: Monitoring,
    /// The cluster DNS, to which every pod may send queries.
    pub dns: ClusterDns,
    /// The CloudNativePG operator, which is let in to the instances of
    /// `provider: cloudnative-pg` services on their status and PostgreSQL ports.
    pub cloudnative_pg: OperatorPods,
    /// Zalando's postgres-operator, which is let in to the Spilo pods of
    /// `provider: zalando` services on their Patroni and PostgreSQL ports.
    pub zalando: OperatorPods,
    /// The UID and GID containers run as when the component does not say.
    pub run_as_user: u32,
    /// The image of the one-shot job that creates generated secrets; it needs `sh`,
    /// `head`, `base64`/`od` and `kubectl`.
    pub secret_generator_image: String,
    /// The image of the init containers that wait through the Kubernetes API: a
    /// migration's until its in-cluster database is ready, a component's until its
    /// migration has completed (see docs/migrations.md); it needs `sh` and `kubectl`.
    pub wait_image: String,
}

/// The default image of the containers that call the API with `kubectl` from a shell.
const KUBECTL_IMAGE: &str = "docker.io/alpine/k8s:1.33.4";

impl Default for Platform {
    fn default() -> Self {
        Platform {
            ingress: IngressController::default(),
            monitoring: Monitoring::default(),
            dns: ClusterDns::default(),
            cloudnative_pg: OperatorPods {
                namespace: "cnpg-system".to_owned(),
                pod_labels: [(
                    "app.kubernetes.io/name".to_owned(),
                    "cloudnative-pg".to_owned(),
                )]
                .into(),
            },
            zalando: OperatorPods {
                namespace: "postgres-operator".to_owned(),
                pod_labels: [(
                    "app.kubernetes.io/name".to_owned(),
                    "postgres-operator".to_owned(),
                )]
                .into(),
            },
            run_as_user: 10001,
            secret_generator_image: KUBECTL_IMAGE.to_owned(),
            wait_image: KUBECTL_IMAGE.to_owned(),
        }
    }
}

/// The ingress controller's class and whereabouts.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct IngressController {
    /// The IngressClass to use.
    pub class: String,
    /// The namespace the controller's pods run in.
    pub namespace: String,
    /// Labels of the controller's pods; empty means every pod of that namespace.
    pub pod_labels: IndexMap<String, String>,
}

impl Default for IngressController {
    fn default() -> Self {
        IngressController {
            class: "nginx".to_owned(),
            namespace: "ingress-nginx".to_owned(),
            pod_labels: IndexMap::new(),
        }
    }
}

/// The Prometheus stack.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Monitoring {
    /// Whether to render ServiceMonitors (needs the Prometheus Operator).
    pub service_monitors: bool,
    /// The namespace Prometheus runs in.
    pub namespace: String,
    /// Labels Prometheus selects ServiceMonitors by.
    pub labels: IndexMap<String, String>,
}

impl Default for Monitoring {
    fn default() -> Self {
        Monitoring {
            service_monitors: true,
            namespace: "monitoring".to_owned(),
            labels: IndexMap::new(),
        }
    }
}

/// The cluster DNS service's pods.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct ClusterDns {
    /// Namespace of the DNS pods.
    pub namespace: String,
    /// Labels of the DNS pods.
    pub pod_labels: IndexMap<String, String>,
}

impl Default for ClusterDns {
    fn default() -> Self {
        ClusterDns {
            namespace: "kube-system".to_owned(),
            pod_labels: [("k8s-app".to_owned(), "kube-dns".to_owned())].into(),
        }
    }
}

/// Where an operator's pods run: what a NetworkPolicy admits them by.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OperatorPods {
    /// The namespace the operator runs in.
    pub namespace: String,
    /// Labels of the operator's pods; empty means every pod of that namespace.
    #[serde(default)]
    pub pod_labels: IndexMap<String, String>,
}
