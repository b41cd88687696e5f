//! [`Cluster`] on a real API server, through kube-rs: dynamic objects whose URLs come
//! from discovery (asked again on [`Cluster::discover`], so a CRD's kind is found once it
//! is established), never from a list written here.

use std::path::Path;
use std::sync::RwLock;

use k8s_openapi::api::core::v1::Pod;
use kube::api::{
    Api, DeleteParams, DynamicObject, ListParams, LogParams, Patch, PatchParams, PostParams,
    Preconditions,
};
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::discovery::{ApiResource, Discovery, Scope};
use kube::{Client, Config};
use serde_json::Value;

use crate::cluster::{ApiError, ApiResult, Cluster, ObjectRef, Served};

/// A real cluster.
pub struct KubeCluster {
    client: Client,
    served: RwLock<Vec<(ApiResource, bool)>>,
}

impl std::fmt::Debug for KubeCluster {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KubeCluster").finish_non_exhaustive()
    }
}

/// kube-rs's error as the engine sorts them.
fn api_error(error: kube::Error) -> ApiError {
    match error {
        kube::Error::Api(status) => ApiError::from_status(status.code, status.message),
        other => ApiError::Transport(other.to_string()),
    }
}

impl KubeCluster {
    /// A cluster reached through `client`.
    #[must_use]
    pub fn new(client: Client) -> Self {
        Self {
            client,
            served: RwLock::new(Vec::new()),
        }
    }

    /// Connects as kubectl would: the kubeconfig file given, else `$KUBECONFIG`, else
    /// `~/.kube/config`, else the in-cluster service account; `context` picks a context
    /// other than the current one.
    ///
    /// # Errors
    ///
    /// [`ApiError::Transport`] when no configuration can be read or used.
    pub async fn connect(kubeconfig: Option<&Path>, context: Option<&str>) -> ApiResult<Self> {
        let options = KubeConfigOptions {
            context: context.map(str::to_owned),
            ..KubeConfigOptions::default()
        };
        let unusable = |e: &dyn std::fmt::Display| ApiError::Transport(format!("kubeconfig: {e}"));
        let config = match kubeconfig {
            Some(path) => {
                let file = Kubeconfig::read_from(path).map_err(|e| {
                    ApiError::Transport(format!("reading kubeconfig {}: {e}", path.display()))
                })?;
                Config::from_custom_kubeconfig(file, &options)
                    .await
                    .map_err(|e| unusable(&e))?
            }
            None if context.is_some() => Config::from_kubeconfig(&options)
                .await
                .map_err(|e| unusable(&e))?,
            None => Config::infer().await.map_err(|e| unusable(&e))?,
        };
        let client = Client::try_from(config).map_err(|e| ApiError::Transport(e.to_string()))?;
        Ok(Self::new(client))
    }

    fn resource(&self, api_version: &str, kind: &str) -> ApiResult<(ApiResource, bool)> {
        let served = self
            .served
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        served
            .iter()
            .find(|(r, _)| r.api_version == api_version && r.kind == kind)
            .cloned()
            .ok_or_else(|| {
                ApiError::NotFound(format!(
                    "the server could not find the requested resource ({api_version} {kind})"
                ))
            })
    }

    async fn api(
        &self,
        api_version: &str,
        kind: &str,
        namespace: &str,
    ) -> ApiResult<Api<DynamicObject>> {
        if self
            .served
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .is_empty()
        {
            self.discover().await?;
        }
        let (resource, namespaced) = self.resource(api_version, kind)?;
        Ok(if namespaced && !namespace.is_empty() {
            Api::namespaced_with(self.client.clone(), namespace, &resource)
        } else {
            Api::all_with(self.client.clone(), &resource)
        })
    }
}

fn to_value(object: &DynamicObject) -> ApiResult<Value> {
    serde_json::to_value(object).map_err(|e| ApiError::Transport(e.to_string()))
}

fn from_value(object: &Value) -> ApiResult<DynamicObject> {
    serde_json::from_value(object.clone()).map_err(|e| ApiError::Transport(e.to_string()))
}

impl Cluster for KubeCluster {
    async fn discover(&self) -> ApiResult<Vec<Served>> {
        let discovery = Discovery::new(self.client.clone())
            .run()
            .await
            .map_err(api_error)?;
        let mut resources = Vec::new();
        for group in discovery.groups() {
            for version in group.versions() {
                for (resource, capabilities) in group.versioned_resources(version) {
                    resources.push((resource, capabilities.scope == Scope::Namespaced));
                }
            }
        }
        let served = resources
            .iter()
            .map(|(r, namespaced)| Served {
                group: r.group.clone(),
                version: r.version.clone(),
                kind: r.kind.clone(),
                plural: r.plural.clone(),
                namespaced: *namespaced,
            })
            .collect();
        *self
            .served
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = resources;
        Ok(served)
    }

    async fn apply(&self, object: &Value, manager: &str, dry_run: bool) -> ApiResult<Value> {
        let target = ObjectRef::of(object);
        let api = self
            .api(&target.api_version, &target.kind, &target.namespace)
            .await?;
        let mut params = PatchParams::apply(manager).force();
        if dry_run {
            params = params.dry_run();
        }
        let answer = api
            .patch(&target.name, &params, &Patch::Apply(object))
            .await
            .map_err(api_error)?;
        to_value(&answer)
    }

    async fn create(&self, object: &Value) -> ApiResult<Value> {
        let target = ObjectRef::of(object);
        let api = self
            .api(&target.api_version, &target.kind, &target.namespace)
            .await?;
        let answer = api
            .create(&PostParams::default(), &from_value(object)?)
            .await
            .map_err(api_error)?;
        to_value(&answer)
    }

    async fn replace(&self, object: &Value) -> ApiResult<Value> {
        let target = ObjectRef::of(object);
        let api = self
            .api(&target.api_version, &target.kind, &target.namespace)
            .await?;
        let answer = api
            .replace(&target.name, &PostParams::default(), &from_value(object)?)
            .await
            .map_err(api_error)?;
        to_value(&answer)
    }

    async fn get(&self, target: &ObjectRef) -> ApiResult<Option<Value>> {
        let api = self
            .api(&target.api_version, &target.kind, &target.namespace)
            .await?;
        match api.get_opt(&target.name).await.map_err(api_error)? {
            Some(object) => to_value(&object).map(Some),
            None => Ok(None),
        }
    }

    async fn list(
        &self,
        api_version: &str,
        kind: &str,
        namespace: &str,
        selector: &str,
    ) -> ApiResult<Vec<Value>> {
        let api = self.api(api_version, kind, namespace).await?;
        let list = api
            .list(&ListParams::default().labels(selector))
            .await
            .map_err(api_error)?;
        list.items
            .iter()
            .map(|item| {
                // A list's items carry no apiVersion and kind of their own.
                let mut value = to_value(item)?;
                value["apiVersion"] = Value::String(api_version.to_owned());
                value["kind"] = Value::String(kind.to_owned());
                Ok(value)
            })
            .collect()
    }

    async fn delete(&self, target: &ObjectRef, uid: &str) -> ApiResult<()> {
        let api = self
            .api(&target.api_version, &target.kind, &target.namespace)
            .await?;
        let params = DeleteParams {
            preconditions: Some(Preconditions {
                uid: Some(uid.to_owned()),
                resource_version: None,
            }),
            ..DeleteParams::background()
        };
        match api.delete(&target.name, &params).await.map_err(api_error) {
            Ok(_) | Err(ApiError::NotFound(_)) => Ok(()),
            Err(error) => Err(error),
        }
    }

    async fn logs(
        &self,
        namespace: &str,
        pod: &str,
        container: &str,
        lines: u32,
    ) -> ApiResult<String> {
        let pods: Api<Pod> = Api::namespaced(self.client.clone(), namespace);
        let params = LogParams {
            container: Some(container.to_owned()),
            tail_lines: Some(i64::from(lines)),
            ..LogParams::default()
        };
        pods.logs(pod, &params).await.map_err(api_error)
    }
}
