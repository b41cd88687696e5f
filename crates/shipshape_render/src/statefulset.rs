//! StatefulSets: the pods of a `stateful` component, each with a stable name, a stable
//! DNS name under the governing headless Service (`service`), and a persistent volume
//! of its own. The variables that tell each pod who it is and who its peers are live in
//! `identity`, since every pod of the component (a migration's too) gets them.
//!
//! What is chosen for every `stateful` component, and why:
//!
//! - Claims are kept when the component is deleted and when it scales down
//!   (`persistentVolumeClaimRetentionPolicy` Retain/Retain): no change to the spec may
//!   delete data. A pod that comes back after a scale-down finds its data again; claims
//!   no longer wanted are deleted by hand.
//! - Pods start in parallel unless `pod_management: ordered` (see
//!   [`shipshape_spec::PodManagement`]); updates replace one pod at a time from the
//!   highest number down either way, and `rollout.partition` holds the lower ones back.
//! - Claim templates carry only their name. They cannot be changed once the StatefulSet
//!   exists, so any label that may change later (the spec's labels, a version) would
//!   make every later apply fail; the controller labels each claim with the selector.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::{
    RollingUpdateStatefulSetStrategy, StatefulSet, StatefulSetPersistentVolumeClaimRetentionPolicy,
    StatefulSetSpec, StatefulSetUpdateStrategy,
};
use k8s_openapi::api::core::v1::{
    PersistentVolumeClaim, PersistentVolumeClaimSpec, PodTemplateSpec, VolumeMount,
    VolumeResourceRequirements,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use shipshape_manifest::Provenance;
use shipshape_spec::{Component, Volume, path};

use crate::builders::non_empty;
use crate::context::{Ctx, component_key, component_path};
use crate::{service, workload};

/// What happens to the claims when the StatefulSet is deleted or scaled down: they stay.
const RETAIN: &str = "Retain";

/// Renders the StatefulSet of a `stateful` component.
pub fn render(ctx: &mut Ctx<'_>, name: &str, component: &Component) {
    let rollout = &component.rollout;
    let mut fields = workload::controller_fields(name, component);
    let key = |rest| component_key(name, rest);
    if component.pod_management.is_some() {
        fields.record("/spec/podManagementPolicy", key(path!["pod_management"]));
    }
    if rollout.partition.is_some() {
        let partition = key(path!["rollout", "partition"]);
        fields.record("/spec/updateStrategy/rollingUpdate/partition", partition);
    }
    let mut template_fields = Provenance::new();
    let template = workload::pod_template(ctx, name, component, &mut template_fields);
    let container = "/spec/containers/0/volumeMounts";
    let mounts_before = template
        .spec
        .as_ref()
        .and_then(|spec| spec.containers.first())
        .and_then(|c| c.volume_mounts.as_ref())
        .map_or(0, Vec::len);
    for (i, volume) in component.volumes.keys().enumerate() {
        let claim = format!("/spec/volumeClaimTemplates/{i}");
        fields.record(&claim, key(path!["volumes", volume]));
        let size = format!("{claim}/spec/resources/requests/storage");
        fields.record(&size, key(path!["volumes", volume, "size"]));
        let mount = format!("{container}/{}", mounts_before + i);
        template_fields.record(&mount, key(path!["volumes", volume, "mount"]));
    }
    fields.nest("/spec/template", template_fields);
    let set = StatefulSet {
        metadata: ctx.metadata(name, Some(name)),
        spec: Some(StatefulSetSpec {
            service_name: Some(service::governing_service_name(name)),
            replicas: workload::fixed_replicas(component),
            selector: ctx.selector(name),
            pod_management_policy: Some(
                component
                    .pod_management
                    .unwrap_or_default()
                    .as_str()
                    .to_owned(),
            ),
            update_strategy: Some(StatefulSetUpdateStrategy {
                type_: Some("RollingUpdate".to_owned()),
                rolling_update: Some(RollingUpdateStatefulSetStrategy {
                    partition: Some(
                        i32::try_from(rollout.partition.unwrap_or(0)).unwrap_or(i32::MAX),
                    ),
                    max_unavailable: None,
                }),
            }),
            revision_history_limit: Some(workload::revision_history(rollout)),
            min_ready_seconds: rollout.min_ready.map(|s| workload::seconds(Some(s), 0)),
            persistent_volume_claim_retention_policy: Some(
                StatefulSetPersistentVolumeClaimRetentionPolicy {
                    when_deleted: Some(RETAIN.to_owned()),
                    when_scaled: Some(RETAIN.to_owned()),
                },
            ),
            volume_claim_templates: non_empty(
                component
                    .volumes
                    .iter()
                    .map(|(volume, spec)| claim_template(volume, spec))
                    .collect(),
            ),
            template: with_volume_mounts(template, component),
            ..StatefulSetSpec::default()
        }),
        status: None,
    };
    ctx.emit(&set, component_path(name), fields);
}

/// The claim each pod gets for `volume`, named `VOLUME-COMPONENT-N` by the controller.
fn claim_template(volume: &str, spec: &Volume) -> PersistentVolumeClaim {
    PersistentVolumeClaim {
        metadata: ObjectMeta {
            name: Some(volume.to_owned()),
            ..ObjectMeta::default()
        },
        spec: Some(PersistentVolumeClaimSpec {
            access_modes: Some(vec![spec.access.as_str().to_owned()]),
            storage_class_name: spec.class.clone(),
            // The API server would fill it in; writing it keeps a GitOps diff quiet.
            volume_mode: Some("Filesystem".to_owned()),
            resources: Some(VolumeResourceRequirements {
                requests: Some(BTreeMap::from([(
                    "storage".to_owned(),
                    Quantity(spec.size.0.as_str().to_owned()),
                )])),
                limits: None,
            }),
            ..PersistentVolumeClaimSpec::default()
        }),
        status: None,
    }
}

/// `template` with each volume mounted in the app container. The mounts are added here,
/// not in `pod`, because only the StatefulSet has the claims: a migration Job runs the
/// same container without them.
fn with_volume_mounts(mut template: PodTemplateSpec, component: &Component) -> PodTemplateSpec {
    let mounts = component.volumes.iter().map(|(volume, spec)| VolumeMount {
        name: volume.clone(),
        mount_path: spec.mount.clone(),
        read_only: (!spec.access.is_writable()).then_some(true),
        ..VolumeMount::default()
    });
    if let Some(container) = template
        .spec
        .as_mut()
        .and_then(|spec| spec.containers.first_mut())
    {
        container
            .volume_mounts
            .get_or_insert_with(Vec::new)
            .extend(mounts);
    }
    template
}

#[cfg(test)]
mod tests {
    use insta::assert_snapshot;
    use serde_json::{Value, json};

    use crate::test_support::{find, object, of_kind, render};

    /// Three nodes with two volumes, a partition, identity variables, and peers on TCP
    /// and UDP with one port number.
    const GOVERSE: &str = include_str!("../tests/fixtures/goverse.yaml");

    /// A stateful component with only what it must have, plus `extra` lines.
    fn minimal(extra: &str) -> String {
        format!(
            "name: shop
components:
  cache:
    kind: stateful
    image: registry.example.com/shop/cache:3.1.0
{extra}"
        )
    }

    /// `(port, protocol)` of each item of a list of ports.
    fn ports(list: &Value, number: &str) -> Vec<(i64, String)> {
        list.as_array()
            .expect("a list of ports")
            .iter()
            .map(|p| {
                (
                    p[number].as_i64().expect("a port number"),
                    p["protocol"].as_str().expect("a protocol").to_owned(),
                )
            })
            .collect()
    }

    #[test]
    fn a_clustered_node_with_volumes_identity_and_a_partition() {
        assert_snapshot!(object(GOVERSE, "StatefulSet", "node"));
    }

    #[test]
    fn the_governing_service_publishes_every_pod_with_the_peer_ports() {
        assert_snapshot!(object(GOVERSE, "Service", "node-headless"));
        let client = find(GOVERSE, "Service", "node");
        let names: Vec<&str> = client["spec"]["ports"]
            .as_array()
            .expect("ports")
            .iter()
            .filter_map(|p| p["name"].as_str())
            .collect();
        assert_eq!(
            names,
            ["grpc", "http"],
            "peer ports stay off the client Service"
        );
        let services: Vec<String> = of_kind(GOVERSE, "Service")
            .iter()
            .map(|s| s.name().to_owned())
            .collect();
        assert!(!services.contains(&"node-peers".to_owned()), "{services:?}");
    }

    #[test]
    fn tcp_and_udp_on_one_port_number_reach_the_peers() {
        let both = vec![(7946, "TCP".to_owned()), (7946, "UDP".to_owned())];
        let set = find(GOVERSE, "StatefulSet", "node");
        let container = &set["spec"]["template"]["spec"]["containers"][0]["ports"];
        assert_eq!(ports(container, "containerPort")[2..], both);
        let headless = find(GOVERSE, "Service", "node-headless");
        assert_eq!(ports(&headless["spec"]["ports"], "port"), both);
        let policy = find(GOVERSE, "NetworkPolicy", "node");
        let own_pods = json!([{"podSelector": {"matchLabels": {
            "app.kubernetes.io/instance": "goverse",
            "app.kubernetes.io/name": "node",
        }}}]);
        let ingress = &policy["spec"]["ingress"][0];
        assert_eq!(ingress["from"], own_pods);
        assert_eq!(ports(&ingress["ports"], "port"), both);
        let egress = &policy["spec"]["egress"][1];
        assert_eq!(egress["to"], own_pods);
        assert_eq!(ports(&egress["ports"], "port"), both);
    }

    #[test]
    fn identity_without_a_pod_name_uses_a_helper_and_lists_every_possible_peer() {
        let yaml = minimal(
            "    replicas: 2..4
    autoscale: { cpu: 70% }
    identity: { pod_dns: SELF, peers: ALL }
    env: { URL: \"http://$(SELF):80\" }
",
        );
        let set = find(&yaml, "StatefulSet", "cache");
        let env = &set["spec"]["template"]["spec"]["containers"][0]["env"];
        let names: Vec<&str> = env
            .as_array()
            .expect("env")
            .iter()
            .filter_map(|v| v["name"].as_str())
            .collect();
        assert_eq!(names, ["SHIPSHAPE_POD_NAME", "SELF", "ALL", "URL"]);
        assert_eq!(
            env[0]["valueFrom"]["fieldRef"]["fieldPath"],
            "metadata.name"
        );
        assert_eq!(
            env[1]["value"],
            "$(SHIPSHAPE_POD_NAME).cache-headless.shop.svc.cluster.local"
        );
        let peers: Vec<&str> = env[2]["value"]
            .as_str()
            .expect("peers")
            .split(',')
            .collect();
        assert_eq!(peers.len(), 4, "one per pod the autoscaler may run");
        assert_eq!(peers[3], "cache-3.cache-headless.shop.svc.cluster.local");
        assert!(
            set["spec"].get("replicas").is_none(),
            "the HPA owns the count"
        );
    }

    #[test]
    fn an_autoscaled_stateful_component_scales_its_statefulset_conservatively() {
        let yaml = minimal("    replicas: 2..4\n    autoscale: { cpu: 70% }\n");
        let hpa = find(&yaml, "HorizontalPodAutoscaler", "cache");
        assert_eq!(hpa["spec"]["scaleTargetRef"]["kind"], "StatefulSet");
        assert_eq!(
            hpa["spec"]["behavior"]["scaleDown"]["stabilizationWindowSeconds"],
            900
        );
        let chosen =
            minimal("    replicas: 2..4\n    autoscale: { cpu: 70%, behavior: default }\n");
        let hpa = find(&chosen, "HorizontalPodAutoscaler", "cache");
        assert!(
            hpa["spec"].get("behavior").is_none(),
            "the spec's choice stands"
        );
        let budget = find(&yaml, "PodDisruptionBudget", "cache");
        assert_eq!(budget["spec"]["maxUnavailable"], 1);
    }

    #[test]
    fn without_peers_the_governing_service_still_names_every_pod() {
        let yaml = minimal("    ports: { redis: 6379 }\n");
        let headless = find(&yaml, "Service", "cache-headless");
        assert_eq!(headless["spec"]["clusterIP"], "None");
        assert_eq!(headless["spec"]["publishNotReadyAddresses"], true);
        assert!(headless["spec"].get("ports").is_none());
        let set = find(&yaml, "StatefulSet", "cache");
        assert_eq!(set["spec"]["serviceName"], "cache-headless");
        assert_eq!(set["spec"]["podManagementPolicy"], "Parallel");
        assert!(set["spec"].get("volumeClaimTemplates").is_none());
        assert_eq!(
            find(&yaml, "Service", "cache")["spec"]["ports"][0]["port"],
            6379
        );
    }

    #[test]
    fn a_migration_job_runs_without_the_claims() {
        let yaml = minimal(
            "    volumes: { data: { mount: /data, size: 1Gi } }
    migrations: { command: [/migrate] }
",
        );
        let jobs = of_kind(&yaml, "Job");
        let mounts = &jobs[0].value["spec"]["template"]["spec"]["containers"][0]["volumeMounts"];
        assert_eq!(mounts, &json!([{"mountPath": "/tmp", "name": "tmp"}]));
        let set = find(&yaml, "StatefulSet", "cache");
        let mounts = &set["spec"]["template"]["spec"]["containers"][0]["volumeMounts"];
        assert_eq!(mounts[1], json!({"mountPath": "/data", "name": "data"}));
        assert!(
            render(&yaml)
                .iter()
                .all(|m| m.kind() != "PersistentVolumeClaim")
        );
    }
}
