//! Access to the Kubernetes API: a component's ServiceAccount, its Role and RoleBinding
//! from its `permissions`, and the token its pods authenticate with.
//!
//! No pod automounts a ServiceAccount token (checkov's CKV_K8S_38 fails any that does).
//! A pod that calls the API mounts the same files (token, cluster CA, namespace) from a
//! projected volume instead, at the path every client library looks in, with a token
//! that expires: a leaked token is worth little for long. Pods that do not call the API
//! get no token at all.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    ConfigMapProjection, Container, DownwardAPIProjection, DownwardAPIVolumeFile, EnvVar,
    KeyToPath, ObjectFieldSelector, ProjectedVolumeSource, ResourceRequirements, ServiceAccount,
    ServiceAccountTokenProjection, Volume, VolumeMount, VolumeProjection,
};
use k8s_openapi::api::rbac::v1::{PolicyRule, Role, RoleBinding, RoleRef, Subject};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use shipshape_manifest::Provenance;
use shipshape_spec::{Component, Permission, path};

use crate::builders::{container_security, pull_policy};
use crate::context::{Ctx, component_key, component_path};
use crate::{config, secrets};

/// Where client libraries (client-go, kubectl, the official clients) look for in-cluster
/// credentials.
const TOKEN_DIR: &str = "/var/run/secrets/kubernetes.io/serviceaccount";

/// The name of the volume holding the API token.
const TOKEN_VOLUME: &str = "kube-api-access";

/// Lifetime of the API token of a long-running pod. The kubelet renews it when 80 % of
/// that has passed, and client libraries re-read the file; an hour is what an
/// automounted token is issued for, so every client that copes with those copes with
/// this one.
pub const APP_TOKEN_SECONDS: i64 = 3600;

/// Renders the ServiceAccount of a component, and its Role and RoleBinding when it has
/// `permissions`.
pub fn render(ctx: &mut Ctx<'_>, name: &str, component: &Component) {
    let account = ServiceAccount {
        metadata: ctx.metadata(name, Some(name)),
        // Pods that call the API mount an expiring token of their own (see `token_volume`).
        automount_service_account_token: Some(false),
        ..ServiceAccount::default()
    };
    ctx.emit(&account, component_path(name), Provenance::new());
    if component.permissions.is_empty() {
        return;
    }
    let role = Role {
        metadata: ctx.metadata(name, Some(name)),
        rules: Some(
            component
                .permissions
                .iter()
                .map(|rule| policy_rule(ctx, rule))
                .collect(),
        ),
    };
    let binding = binding(ctx, ctx.metadata(name, Some(name)), name, name);
    let path = component_key(name, path!["permissions"]);
    let mut fields = Provenance::new();
    for i in 0..component.permissions.len() {
        fields.record(
            &format!("/rules/{i}"),
            component_key(name, path!["permissions", i]),
        );
    }
    ctx.emit(&role, path.clone(), fields);
    ctx.emit(&binding, path, Provenance::new());
}

/// A RoleBinding (with `metadata`) of the Role named `role` to the ServiceAccount
/// `account`: each account shipshape renders has a Role of its own named after it, and a
/// component with a migration has a second one for the waits around it.
pub fn binding(ctx: &Ctx<'_>, metadata: ObjectMeta, role: &str, account: &str) -> RoleBinding {
    RoleBinding {
        metadata,
        role_ref: RoleRef {
            api_group: "rbac.authorization.k8s.io".to_owned(),
            kind: "Role".to_owned(),
            name: role.to_owned(),
        },
        subjects: Some(vec![Subject {
            api_group: None,
            kind: "ServiceAccount".to_owned(),
            name: account.to_owned(),
            namespace: Some(ctx.namespace().to_owned()),
        }]),
    }
}

fn policy_rule(ctx: &Ctx<'_>, rule: &Permission) -> PolicyRule {
    let names = object_names(ctx, rule);
    PolicyRule {
        api_groups: Some(vec![rule.api_group.clone()]),
        resources: Some(rule.resources.clone()),
        resource_names: (!names.is_empty()).then_some(names),
        verbs: rule.verbs.clone(),
        non_resource_urls: None,
    }
}

/// The objects a rule's `names` stand for: for each of its resources, a name declared
/// under `secrets:` or `configs:` is the Secret or ConfigMap rendered for it (a generated
/// secret's name carries a hash the user cannot know); any other name is itself.
fn object_names(ctx: &Ctx<'_>, rule: &Permission) -> Vec<String> {
    let core = rule.api_group.is_empty();
    let mut out: Vec<String> = Vec::new();
    for name in &rule.names {
        for resource in &rule.resources {
            let object = match resource.as_str() {
                "secrets" if core && ctx.spec.secrets.contains_key(name) => {
                    secrets::secret_name(ctx, name)
                }
                "configmaps" if core && ctx.spec.configs.contains_key(name) => {
                    config::config_map_name(ctx, name)
                }
                _ => name.clone(),
            };
            if !out.contains(&object) {
                out.push(object);
            }
        }
    }
    out
}

/// A container called `name` that calls the API with kubectl from a shell: `sh -c
/// script` in `image`, as `uid`, restricted like every container, with the token of
/// [`token_volume`] and the pod's `tmp` volume (both of which the pod must have). A few
/// requests need little: 10m and 32Mi, at most 100m and 64Mi.
pub fn kubectl_container(name: &str, image: &str, script: String, uid: i64) -> Container {
    let quantities = |cpu: &str, memory: &str| {
        BTreeMap::from([
            ("cpu".to_owned(), Quantity(cpu.to_owned())),
            ("memory".to_owned(), Quantity(memory.to_owned())),
        ])
    };
    Container {
        name: name.to_owned(),
        image: Some(image.to_owned()),
        image_pull_policy: Some(pull_policy(image).to_owned()),
        command: Some(vec!["/bin/sh".to_owned(), "-c".to_owned(), script]),
        // kubectl keeps its discovery cache under $HOME; the root filesystem is read-only.
        env: Some(vec![EnvVar {
            name: "HOME".to_owned(),
            value: Some("/tmp".to_owned()),
            value_from: None,
        }]),
        resources: Some(ResourceRequirements {
            requests: Some(quantities("10m", "32Mi")),
            limits: Some(quantities("100m", "64Mi")),
            ..ResourceRequirements::default()
        }),
        security_context: Some(container_security(uid)),
        volume_mounts: Some(vec![
            VolumeMount {
                name: "tmp".to_owned(),
                mount_path: "/tmp".to_owned(),
                ..VolumeMount::default()
            },
            token_mount(),
        ]),
        ..Container::default()
    }
}

/// The mount of [`token_volume`] where client libraries look for it.
pub fn token_mount() -> VolumeMount {
    VolumeMount {
        name: TOKEN_VOLUME.to_owned(),
        mount_path: TOKEN_DIR.to_owned(),
        read_only: Some(true),
        ..VolumeMount::default()
    }
}

/// What automounting a ServiceAccount token mounts (token, cluster CA, namespace), as an
/// explicit projected volume whose token expires after `seconds`.
pub fn token_volume(seconds: i64) -> Volume {
    let token = VolumeProjection {
        service_account_token: Some(ServiceAccountTokenProjection {
            audience: None,
            expiration_seconds: Some(seconds),
            path: "token".to_owned(),
        }),
        ..VolumeProjection::default()
    };
    let ca = VolumeProjection {
        config_map: Some(ConfigMapProjection {
            name: "kube-root-ca.crt".to_owned(),
            items: Some(vec![KeyToPath {
                key: "ca.crt".to_owned(),
                path: "ca.crt".to_owned(),
                mode: None,
            }]),
            optional: None,
        }),
        ..VolumeProjection::default()
    };
    let namespace = VolumeProjection {
        downward_api: Some(DownwardAPIProjection {
            items: Some(vec![DownwardAPIVolumeFile {
                path: "namespace".to_owned(),
                field_ref: Some(ObjectFieldSelector {
                    api_version: Some("v1".to_owned()),
                    field_path: "metadata.namespace".to_owned(),
                }),
                ..DownwardAPIVolumeFile::default()
            }]),
        }),
        ..VolumeProjection::default()
    };
    Volume {
        name: TOKEN_VOLUME.to_owned(),
        projected: Some(ProjectedVolumeSource {
            default_mode: None,
            sources: Some(vec![token, ca, namespace]),
        }),
        ..Volume::default()
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::{find, object, of_kind};

    /// The Goverse node: it watches its config and takes a lease, reads one generated
    /// secret, and migrates before each rollout.
    const NODE: &str = "name: goverse
components:
  node:
    kind: service
    image: goverse/node:1.2.0
    ports: { grpc: 50051 }
    permissions:
      - { resources: [pods, configmaps], verbs: [get, list, watch] }
      - { api_group: coordination.k8s.io, resources: [leases], verbs: [get, update], names: [node-leader] }
      - { api_group: coordination.k8s.io, resources: [leases], verbs: [create] }
      - { resources: [secrets], verbs: [get], names: [cluster-key, other] }
    migrations: { command: [/node, migrate] }
  gate:
    kind: service
    image: goverse/gate:1.2.0
    ports: { grpc: 60051 }
secrets:
  cluster-key: { generate: {} }
";

    fn pod_spec(yaml: &str, kind: &str, name: &str) -> serde_json::Value {
        find(yaml, kind, name)["spec"]["template"]["spec"].clone()
    }

    #[test]
    fn permissions_become_a_role_bound_to_the_component_account() {
        let role = object(NODE, "Role", "node");
        let binding = object(NODE, "RoleBinding", "node");
        insta::assert_snapshot!(format!("{role}---\n{binding}"));
    }

    #[test]
    fn a_pod_that_calls_the_api_mounts_an_expiring_token_never_the_automounted_one() {
        let pod = pod_spec(NODE, "Deployment", "node");
        assert_eq!(pod["automountServiceAccountToken"], false);
        let volume = pod["volumes"]
            .as_array()
            .expect("volumes")
            .iter()
            .find(|v| v["name"] == "kube-api-access")
            .expect("a token volume");
        assert_eq!(
            volume["projected"]["sources"][0]["serviceAccountToken"]["expirationSeconds"],
            super::APP_TOKEN_SECONDS
        );
        let mount = pod["containers"][0]["volumeMounts"]
            .as_array()
            .expect("mounts")
            .iter()
            .find(|m| m["name"] == "kube-api-access")
            .expect("a token mount");
        assert_eq!(mount["mountPath"], super::TOKEN_DIR);
        assert_eq!(mount["readOnly"], true);
        assert_eq!(
            find(NODE, "ServiceAccount", "node")["automountServiceAccountToken"],
            false
        );
        // The migration runs in the app's pod, with the app's rights.
        let jobs = of_kind(NODE, "Job");
        let migration = jobs
            .iter()
            .find(|m| m.name().starts_with("node-migrate-"))
            .expect("a migration Job");
        assert_eq!(
            migration.value["spec"]["template"]["spec"]["volumes"],
            pod["volumes"]
        );
    }

    #[test]
    fn permissions_imply_api_access_and_its_egress() {
        let egress = find(NODE, "NetworkPolicy", "node")["spec"]["egress"].clone();
        let to_api = |egress: &serde_json::Value| {
            egress
                .as_array()
                .expect("egress rules")
                .iter()
                .any(|r| r.get("to").is_none() && r["ports"][0]["port"] == 443)
        };
        assert!(to_api(&egress), "{egress}");
        let gate = find(NODE, "NetworkPolicy", "gate")["spec"]["egress"].clone();
        assert!(!to_api(&gate), "{gate}");
    }

    #[test]
    fn a_component_without_permissions_gets_no_token_and_no_role() {
        let pod = pod_spec(NODE, "Deployment", "gate");
        assert_eq!(pod["automountServiceAccountToken"], false);
        assert!(!pod.to_string().contains("kube-api-access"), "{pod}");
        assert!(of_kind(NODE, "Role").iter().all(|m| m.name() != "gate"));
        assert!(
            of_kind(NODE, "RoleBinding")
                .iter()
                .all(|m| m.name() != "gate")
        );
    }

    #[test]
    fn api_access_alone_mounts_a_token_without_a_role() {
        let yaml = NODE.replace(
            "    ports: { grpc: 60051 }\n",
            "    ports: { grpc: 60051 }\n    api_access: true\n",
        );
        let pod = pod_spec(&yaml, "Deployment", "gate");
        assert!(pod.to_string().contains("kube-api-access"), "{pod}");
        assert!(of_kind(&yaml, "Role").iter().all(|m| m.name() != "gate"));
    }
}
