//! Multi-zone defaults: every kind of long-running workload spreads over zones with
//! `maxSkew: 1` and over hosts by anti-affinity, unless it runs a single pod.

use serde_json::{Value, json};

const APP: &str = "name: shop
components:
  api:
    kind: service
    image: shop/api:1.0
    ports: { http: 8080 }
  jobs:
    kind: worker
    image: shop/jobs:1.0
    replicas: 2..6
    autoscale: { cpu: 70% }
  single:
    kind: worker
    image: shop/single:1.0
    replicas: 1
";

fn pod_spec(yaml: &str, name: &str) -> Value {
    let spec = shipshape_spec::load_str("shipshape.yaml", yaml, std::path::Path::new("."), None)
        .unwrap_or_else(|d| panic!("{d}"))
        .spec;
    let rendered = shipshape_render::render(&spec).expect("renders");
    rendered
        .manifests
        .items()
        .iter()
        .find(|m| m.kind() == "Deployment" && m.name() == name)
        .expect("a Deployment")
        .value["spec"]["template"]["spec"]
        .clone()
}

#[test]
fn services_and_workers_spread_over_zones_and_hosts_by_default() {
    for name in ["api", "jobs"] {
        let pod = pod_spec(APP, name);
        let selector = json!({"matchLabels": {
            "app.kubernetes.io/instance": "shop",
            "app.kubernetes.io/name": name,
        }});
        assert_eq!(
            pod["topologySpreadConstraints"],
            json!([{
                "labelSelector": selector,
                "matchLabelKeys": ["pod-template-hash"],
                "maxSkew": 1,
                "topologyKey": "topology.kubernetes.io/zone",
                "whenUnsatisfiable": "ScheduleAnyway",
            }]),
            "{name}"
        );
        let preferred =
            &pod["affinity"]["podAntiAffinity"]["preferredDuringSchedulingIgnoredDuringExecution"];
        assert_eq!(preferred[0]["weight"], 100, "{name}");
        assert_eq!(
            preferred[0]["podAffinityTerm"]["topologyKey"],
            "kubernetes.io/hostname"
        );
    }
}

#[test]
fn a_single_pod_has_nothing_to_spread() {
    let pod = pod_spec(APP, "single");
    assert!(pod.get("topologySpreadConstraints").is_none(), "{pod}");
    assert!(pod.get("affinity").is_none(), "{pod}");
}

#[test]
fn required_spreading_never_stacks_pods_and_keeps_the_skew() {
    let yaml = APP.replace(
        "    ports: { http: 8080 }\n",
        "    ports: { http: 8080 }\n    spread: { hosts: required, zones: required, max_skew: 2 }\n",
    );
    let pod = pod_spec(&yaml, "api");
    let constraint = &pod["topologySpreadConstraints"][0];
    assert_eq!(constraint["whenUnsatisfiable"], "DoNotSchedule");
    assert_eq!(constraint["maxSkew"], 2);
    let required =
        &pod["affinity"]["podAntiAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"];
    assert_eq!(required[0]["topologyKey"], "kubernetes.io/hostname");
}
