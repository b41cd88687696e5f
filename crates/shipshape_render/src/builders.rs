//! Typed pieces of Kubernetes objects that many renderers share and that know nothing of
//! the spec's structure: the restricted security contexts, resource requirements, image
//! pull policy, port protocols, environment variables and volume claims. The app's pods,
//! the servers shipshape runs, backups and the secret generator build on them, so every
//! pod meets the same profile.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    Capabilities, EnvVar, EnvVarSource, ObjectFieldSelector, PersistentVolumeClaimSpec,
    PodSecurityContext, ResourceRequirements, SeccompProfile, SecretKeySelector, SecurityContext,
    VolumeResourceRequirements,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use shipshape_spec::{Protocol, Resources};

/// Requests and limits for `r`.
pub fn resource_requirements(r: &Resources) -> ResourceRequirements {
    let quantities = |cpu: &str, memory: &str| {
        BTreeMap::from([
            ("cpu".to_owned(), Quantity(cpu.to_owned())),
            ("memory".to_owned(), Quantity(memory.to_owned())),
        ])
    };
    ResourceRequirements {
        requests: Some(quantities(
            r.cpu.request.as_str(),
            r.memory.request.as_str(),
        )),
        limits: Some(quantities(r.cpu.limit.as_str(), r.memory.limit.as_str())),
        ..ResourceRequirements::default()
    }
}

/// The pull policy of an image `reference`: a tag can be moved, so pulling every time
/// keeps every pod on the same image and re-checks the pull credentials; a digest cannot.
pub fn pull_policy(reference: &str) -> &'static str {
    if reference.contains('@') {
        "IfNotPresent"
    } else {
        "Always"
    }
}

/// A port protocol as the Kubernetes API spells it.
pub fn protocol(p: Protocol) -> &'static str {
    match p {
        Protocol::Tcp => "TCP",
        Protocol::Udp => "UDP",
    }
}

fn runtime_default() -> SeccompProfile {
    SeccompProfile {
        type_: "RuntimeDefault".to_owned(),
        localhost_profile: None,
    }
}

/// The pod security context of the restricted profile, running as `uid`.
pub fn pod_security(uid: i64) -> PodSecurityContext {
    PodSecurityContext {
        run_as_non_root: Some(true),
        run_as_user: Some(uid),
        run_as_group: Some(uid),
        fs_group: Some(uid),
        fs_group_change_policy: Some("OnRootMismatch".to_owned()),
        seccomp_profile: Some(runtime_default()),
        ..PodSecurityContext::default()
    }
}

/// The container security context of the restricted profile, running as `uid`.
pub fn container_security(uid: i64) -> SecurityContext {
    SecurityContext {
        allow_privilege_escalation: Some(false),
        privileged: Some(false),
        read_only_root_filesystem: Some(true),
        run_as_non_root: Some(true),
        run_as_user: Some(uid),
        run_as_group: Some(uid),
        capabilities: Some(Capabilities {
            drop: Some(vec!["ALL".to_owned()]),
            add: None,
        }),
        seccomp_profile: Some(runtime_default()),
        ..SecurityContext::default()
    }
}

/// `None` for an empty list, which the API treats as unset anyway; keeps output short.
pub fn non_empty<T>(items: Vec<T>) -> Option<Vec<T>> {
    (!items.is_empty()).then_some(items)
}

/// A variable with a literal value.
pub fn literal(name: &str, value: impl Into<String>) -> EnvVar {
    EnvVar {
        name: name.to_owned(),
        value: Some(value.into()),
        value_from: None,
    }
}

/// A variable read from a Secret key.
pub fn from_secret(name: &str, key: SecretKeySelector) -> EnvVar {
    EnvVar {
        name: name.to_owned(),
        value: None,
        value_from: Some(EnvVarSource {
            secret_key_ref: Some(key),
            ..EnvVarSource::default()
        }),
    }
}

/// A variable read from a field of the pod (the Downward API), such as `metadata.name`.
pub fn from_field(name: &str, field_path: &str) -> EnvVar {
    EnvVar {
        name: name.to_owned(),
        value: None,
        value_from: Some(EnvVarSource {
            field_ref: Some(ObjectFieldSelector {
                api_version: None,
                field_path: field_path.to_owned(),
            }),
            ..EnvVarSource::default()
        }),
    }
}

/// The spec of a ReadWriteOnce claim of `size` in `class`.
pub fn claim_spec(size: &str, class: Option<&str>) -> PersistentVolumeClaimSpec {
    PersistentVolumeClaimSpec {
        access_modes: Some(vec!["ReadWriteOnce".to_owned()]),
        storage_class_name: class.map(str::to_owned),
        resources: Some(VolumeResourceRequirements {
            requests: Some(BTreeMap::from([(
                "storage".to_owned(),
                Quantity(size.to_owned()),
            )])),
            ..VolumeResourceRequirements::default()
        }),
        ..PersistentVolumeClaimSpec::default()
    }
}
