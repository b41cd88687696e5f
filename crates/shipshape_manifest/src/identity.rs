//! Object identity: which API group and kind an object is, and which object it is.
//!
//! A kind means something only with its group: a custom resource called `Deployment` in
//! `example.com` is not a Deployment, so every lookup of the model is by [`GroupKind`].

use std::fmt;

/// An API group and a kind: what Kubernetes means by "a kind".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GroupKind<'a> {
    /// The API group: `apps`, `networking.k8s.io`; empty for the core group.
    pub group: &'a str,
    /// The kind: `Deployment`.
    pub kind: &'a str,
}

impl<'a> GroupKind<'a> {
    /// The kind `kind` of API group `group` (empty for the core group).
    #[must_use]
    pub const fn new(group: &'a str, kind: &'a str) -> Self {
        GroupKind { group, kind }
    }

    /// The group and kind an `apiVersion` and a `kind` name, as written in an object or
    /// in a reference to one (`scaleTargetRef`).
    #[must_use]
    pub fn of(api_version: &'a str, kind: &'a str) -> Self {
        GroupKind::new(api_group(api_version), kind)
    }
}

impl fmt::Display for GroupKind<'_> {
    /// `Deployment.apps`, or `Service` for the core group: how kubectl writes it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.group {
            "" => f.write_str(self.kind),
            group => write!(f, "{}.{group}", self.kind),
        }
    }
}

/// The API group of an `apiVersion`: `apps` for `apps/v1`, empty for the core group
/// (`v1`).
#[must_use]
pub fn api_group(api_version: &str) -> &str {
    api_version.rsplit_once('/').map_or("", |(group, _)| group)
}

/// The version of an `apiVersion`: `v1` for `apps/v1` and for `v1`.
#[must_use]
pub fn api_version_of(api_version: &str) -> &str {
    api_version
        .rsplit_once('/')
        .map_or(api_version, |(_, version)| version)
}

/// Which object an object is: its group, version, kind, namespace and name. Two
/// manifests are the same object when all but the version agree; the version says only
/// how it was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ObjectId<'a> {
    /// The group and kind.
    pub kind: GroupKind<'a>,
    /// The version it was written in (`v1`, `v2beta2`).
    pub version: &'a str,
    /// `metadata.namespace`; empty for cluster-scoped kinds.
    pub namespace: &'a str,
    /// `metadata.name`.
    pub name: &'a str,
}

impl ObjectId<'_> {
    /// Whether `other` is the same object, in whatever version it is written.
    #[must_use]
    pub fn same_object(&self, other: &ObjectId<'_>) -> bool {
        self.kind == other.kind && self.namespace == other.namespace && self.name == other.name
    }
}

impl fmt::Display for ObjectId<'_> {
    /// `Deployment.apps/v1 shop/web`, or `Namespace/v1 shop` when cluster-scoped.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{} ", self.kind, self.version)?;
        match self.namespace {
            "" => f.write_str(self.name),
            namespace => write!(f, "{namespace}/{}", self.name),
        }
    }
}

/// How messages name an object: `Kind namespace/name`, or `Kind name` when
/// cluster-scoped.
#[must_use]
pub fn display_name(kind: &str, namespace: &str, name: &str) -> String {
    match namespace {
        "" => format!("{kind} {name}"),
        ns => format!("{kind} {ns}/{name}"),
    }
}

/// The built-in (and common third-party) kinds the model and its consumers look up.
pub mod kinds {
    use super::GroupKind;

    /// `v1 Pod`.
    pub const POD: GroupKind<'static> = GroupKind::new("", "Pod");
    /// `v1 Service`.
    pub const SERVICE: GroupKind<'static> = GroupKind::new("", "Service");
    /// `v1 ConfigMap`.
    pub const CONFIG_MAP: GroupKind<'static> = GroupKind::new("", "ConfigMap");
    /// `v1 Secret`.
    pub const SECRET: GroupKind<'static> = GroupKind::new("", "Secret");
    /// `v1 ServiceAccount`.
    pub const SERVICE_ACCOUNT: GroupKind<'static> = GroupKind::new("", "ServiceAccount");
    /// `v1 PersistentVolumeClaim`.
    pub const PERSISTENT_VOLUME_CLAIM: GroupKind<'static> =
        GroupKind::new("", "PersistentVolumeClaim");
    /// `v1 ReplicationController`.
    pub const REPLICATION_CONTROLLER: GroupKind<'static> =
        GroupKind::new("", "ReplicationController");
    /// `v1 Namespace`.
    pub const NAMESPACE: GroupKind<'static> = GroupKind::new("", "Namespace");
    /// `apps/v1 Deployment`.
    pub const DEPLOYMENT: GroupKind<'static> = GroupKind::new("apps", "Deployment");
    /// `apps/v1 StatefulSet`.
    pub const STATEFUL_SET: GroupKind<'static> = GroupKind::new("apps", "StatefulSet");
    /// `apps/v1 DaemonSet`.
    pub const DAEMON_SET: GroupKind<'static> = GroupKind::new("apps", "DaemonSet");
    /// `apps/v1 ReplicaSet`.
    pub const REPLICA_SET: GroupKind<'static> = GroupKind::new("apps", "ReplicaSet");
    /// `batch/v1 Job`.
    pub const JOB: GroupKind<'static> = GroupKind::new("batch", "Job");
    /// `batch/v1 CronJob`.
    pub const CRON_JOB: GroupKind<'static> = GroupKind::new("batch", "CronJob");
    /// `autoscaling/v2 HorizontalPodAutoscaler`.
    pub const HORIZONTAL_POD_AUTOSCALER: GroupKind<'static> =
        GroupKind::new("autoscaling", "HorizontalPodAutoscaler");
    /// `policy/v1 PodDisruptionBudget`.
    pub const POD_DISRUPTION_BUDGET: GroupKind<'static> =
        GroupKind::new("policy", "PodDisruptionBudget");
    /// `networking.k8s.io/v1 NetworkPolicy`.
    pub const NETWORK_POLICY: GroupKind<'static> =
        GroupKind::new("networking.k8s.io", "NetworkPolicy");
    /// `networking.k8s.io/v1 Ingress`.
    pub const INGRESS: GroupKind<'static> = GroupKind::new("networking.k8s.io", "Ingress");
    /// `extensions/v1beta1 Ingress`: removed in Kubernetes 1.22, still found in old
    /// charts, and routing the same traffic as an [`INGRESS`].
    pub const EXTENSIONS_INGRESS: GroupKind<'static> = GroupKind::new("extensions", "Ingress");
    /// `rbac.authorization.k8s.io/v1 Role`.
    pub const ROLE: GroupKind<'static> = GroupKind::new("rbac.authorization.k8s.io", "Role");
    /// `rbac.authorization.k8s.io/v1 ClusterRole`.
    pub const CLUSTER_ROLE: GroupKind<'static> =
        GroupKind::new("rbac.authorization.k8s.io", "ClusterRole");
    /// `rbac.authorization.k8s.io/v1 RoleBinding`.
    pub const ROLE_BINDING: GroupKind<'static> =
        GroupKind::new("rbac.authorization.k8s.io", "RoleBinding");
    /// `rbac.authorization.k8s.io/v1 ClusterRoleBinding`.
    pub const CLUSTER_ROLE_BINDING: GroupKind<'static> =
        GroupKind::new("rbac.authorization.k8s.io", "ClusterRoleBinding");
    /// `v1 ResourceQuota`.
    pub const RESOURCE_QUOTA: GroupKind<'static> = GroupKind::new("", "ResourceQuota");
    /// `v1 LimitRange`.
    pub const LIMIT_RANGE: GroupKind<'static> = GroupKind::new("", "LimitRange");
    /// `scheduling.k8s.io/v1 PriorityClass`.
    pub const PRIORITY_CLASS: GroupKind<'static> =
        GroupKind::new("scheduling.k8s.io", "PriorityClass");
    /// Gateway API `HTTPRoute`.
    pub const HTTP_ROUTE: GroupKind<'static> =
        GroupKind::new("gateway.networking.k8s.io", "HTTPRoute");
    /// Gateway API `GRPCRoute`.
    pub const GRPC_ROUTE: GroupKind<'static> =
        GroupKind::new("gateway.networking.k8s.io", "GRPCRoute");
    /// External Secrets Operator `ExternalSecret`, which makes Secrets.
    pub const EXTERNAL_SECRET: GroupKind<'static> =
        GroupKind::new("external-secrets.io", "ExternalSecret");
    /// Bitnami `SealedSecret`, which makes a Secret of its own name.
    pub const SEALED_SECRET: GroupKind<'static> = GroupKind::new("bitnami.com", "SealedSecret");
    /// CloudNativePG `Cluster`, whose operator makes the `<name>-app` Secret.
    pub const CNPG_CLUSTER: GroupKind<'static> = GroupKind::new("postgresql.cnpg.io", "Cluster");
    /// Zalando postgres-operator `postgresql`, whose operator makes a Secret per user.
    pub const ZALANDO_POSTGRESQL: GroupKind<'static> =
        GroupKind::new("acid.zalan.do", "postgresql");
    /// prometheus-operator `ServiceMonitor`.
    pub const SERVICE_MONITOR: GroupKind<'static> =
        GroupKind::new("monitoring.coreos.com", "ServiceMonitor");
    /// prometheus-operator `PodMonitor`.
    pub const POD_MONITOR: GroupKind<'static> =
        GroupKind::new("monitoring.coreos.com", "PodMonitor");
    /// prometheus-operator `Prometheus`, whose pods scrape the monitors.
    pub const PROMETHEUS: GroupKind<'static> =
        GroupKind::new("monitoring.coreos.com", "Prometheus");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_kind_reads_the_group_of_an_api_version() {
        assert_eq!(GroupKind::of("apps/v1", "Deployment"), kinds::DEPLOYMENT);
        assert_eq!(GroupKind::of("v1", "Service"), kinds::SERVICE);
        assert_ne!(
            GroupKind::of("example.com/v1", "Deployment"),
            kinds::DEPLOYMENT
        );
        assert_eq!(GroupKind::of("", "Pod"), kinds::POD);
        assert_eq!(kinds::DEPLOYMENT.to_string(), "Deployment.apps");
        assert_eq!(kinds::SERVICE.to_string(), "Service");
        assert_eq!(display_name("Namespace", "", "shop"), "Namespace shop");
        assert_eq!(api_version_of("apps/v1"), "v1");
        assert_eq!(api_version_of("v1"), "v1");
        let v2 = ObjectId {
            kind: GroupKind::of("autoscaling/v2", "HorizontalPodAutoscaler"),
            version: "v2",
            namespace: "shop",
            name: "web",
        };
        let v1 = ObjectId {
            version: "v1",
            ..v2
        };
        assert!(v2.same_object(&v1));
        assert_ne!(v2, v1);
        assert_eq!(
            v2.to_string(),
            "HorizontalPodAutoscaler.autoscaling/v2 shop/web"
        );
        let namespace = ObjectId {
            kind: kinds::NAMESPACE,
            version: "v1",
            namespace: "",
            name: "shop",
        };
        assert_eq!(namespace.to_string(), "Namespace/v1 shop");
        assert_eq!(display_name("Service", "shop", "web"), "Service shop/web");
    }
}
