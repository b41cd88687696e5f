//! The model's views, each asked about a small manifest set with known answers.

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::Service;
use serde_json::json;
use shipshape_manifest::{
    Autoscaler, ContainerKind, DisruptionBudget, GroupKind, Model, ModelIndex, Object, PortRef,
    ServicePort, Serving, kinds, load, serving,
};

fn model(text: &str) -> Model {
    let mut model = Model::new();
    model.add_objects(load("m.yaml", text, "shop").expect("valid YAML"));
    model
}

/// `Kind name` of each object, for comparing lists of objects.
fn names<'a>(objects: impl Iterator<Item = &'a Object>) -> Vec<String> {
    objects
        .map(|o| format!("{} {}", o.kind(), o.name()))
        .collect()
}

const WORKLOADS: &str = "\
apiVersion: v1
kind: Pod
metadata: { name: pod }
spec:
  containers: [{ name: a, image: x }]
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: deploy }
spec:
  replicas: 3
  template:
    metadata: { labels: { app: web } }
    spec:
      initContainers: [{ name: init, image: x }]
      containers: [{ name: app, image: x }]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: { name: sts }
spec: { template: { spec: { containers: [{ name: a, image: x }] } } }
---
apiVersion: apps/v1
kind: DaemonSet
metadata: { name: ds }
spec: { template: { spec: { containers: [{ name: a, image: x }] } } }
---
apiVersion: apps/v1
kind: ReplicaSet
metadata: { name: rs }
spec: { replicas: 2, template: { spec: { containers: [{ name: a, image: x }] } } }
---
apiVersion: batch/v1
kind: Job
metadata: { name: job }
spec: { template: { spec: { containers: [{ name: a, image: x }] } } }
---
apiVersion: batch/v1
kind: CronJob
metadata: { name: cron }
spec:
  schedule: '@daily'
  jobTemplate: { spec: { template: { spec: { containers: [{ name: a, image: x }] } } } }
---
apiVersion: example.com/v1
kind: Deployment
metadata: { name: custom }
spec: { template: { spec: { containers: [{ name: a, image: x }] } } }
";

#[test]
fn every_workload_kind_has_its_pod_template_and_a_custom_deployment_has_none() {
    let model = model(WORKLOADS);
    let found: Vec<(String, &str, Option<i64>, bool)> = model
        .objects()
        .iter()
        .filter_map(|o| o.pod_template())
        .map(|t| {
            (
                t.object.name().to_owned(),
                t.pointer,
                t.replicas(),
                t.is_long_running(),
            )
        })
        .collect();
    let expected: Vec<(String, &str, Option<i64>, bool)> = vec![
        ("pod".into(), "", Some(1), true),
        ("deploy".into(), "/spec/template", Some(3), true),
        ("sts".into(), "/spec/template", Some(1), true),
        ("ds".into(), "/spec/template", None, true),
        ("rs".into(), "/spec/template", Some(2), true),
        ("job".into(), "/spec/template", None, false),
        (
            "cron".into(),
            "/spec/jobTemplate/spec/template",
            None,
            false,
        ),
    ];
    assert_eq!(found, expected);
}

#[test]
fn lookups_match_group_and_kind_never_kind_alone() {
    let model = model(WORKLOADS);
    let index = ModelIndex::new(&model);
    assert_eq!(
        names(index.of_kind(&kinds::DEPLOYMENT)),
        ["Deployment deploy"]
    );
    let custom = GroupKind::new("example.com", "Deployment");
    assert_eq!(names(index.of_kind(&custom)), ["Deployment custom"]);
    assert!(index.find(&kinds::DEPLOYMENT, "shop", "custom").is_none());
    assert_eq!(
        index
            .find(&custom, "shop", "custom")
            .map(Object::display_name),
        Some("Deployment shop/custom".to_owned())
    );
    assert_eq!(index.pod_templates().len(), 7);
}

#[test]
fn an_object_is_the_same_in_every_version_it_is_written_in() {
    let model = model(
        "\
apiVersion: autoscaling/v1
kind: HorizontalPodAutoscaler
metadata: { name: web }
spec: { maxReplicas: 2 }
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: { name: web }
spec: { maxReplicas: 3 }
---
apiVersion: example.com/v1
kind: HorizontalPodAutoscaler
metadata: { name: web }
",
    );
    let index = ModelIndex::new(&model);
    let v2 = model.objects()[1].id();
    assert_eq!(
        v2.to_string(),
        "HorizontalPodAutoscaler.autoscaling/v2 shop/web"
    );
    let same: Vec<&str> = index.get_all(&v2).map(Object::api_version).collect();
    assert_eq!(same, ["autoscaling/v1", "autoscaling/v2"]);
}

#[test]
fn containers_come_with_their_list_pointer_ports_and_types() {
    let model = model(
        "\
apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  template:
    spec:
      initContainers:
        - name: migrate
          image: x
      containers:
        - name: app
          image: x
          ports:
            - { name: http, containerPort: 8080 }
            - { containerPort: 9090 }
          readinessProbe: { httpGet: { path: /ready, port: http } }
          resources: { requests: { cpu: 100m } }
      volumes:
        - { name: data, emptyDir: {} }
",
    );
    let pod = model.objects()[0].pod_template().expect("a template");
    let containers: Vec<(&str, ContainerKind, String)> = pod
        .containers()
        .map(|c| (c.name, c.kind, c.pointer.clone()))
        .collect();
    assert_eq!(
        containers,
        [
            (
                "migrate",
                ContainerKind::Init,
                "/spec/template/spec/initContainers/0".to_owned()
            ),
            (
                "app",
                ContainerKind::App,
                "/spec/template/spec/containers/0".to_owned()
            ),
        ]
    );
    let app = pod.app_containers().next().expect("an app container");
    assert_eq!(
        app.ports().collect::<Vec<_>>(),
        [(Some("http"), Some(8080)), (None, Some(9090))]
    );
    let typed = app.typed().expect("a valid container");
    let probe = typed
        .readiness_probe
        .and_then(|p| p.http_get)
        .expect("a probe");
    assert_eq!(probe.path.as_deref(), Some("/ready"));
    let requests = typed.resources.and_then(|r| r.requests).unwrap_or_default();
    assert_eq!(requests.get("cpu").map(|q| q.0.as_str()), Some("100m"));
    let spec = pod.typed_spec().expect("a valid pod spec");
    let volumes: Vec<String> = spec
        .volumes
        .unwrap_or_default()
        .into_iter()
        .map(|v| v.name)
        .collect();
    assert_eq!(volumes, ["data"]);
}

const SERVICE_SET: &str = "\
apiVersion: v1
kind: Service
metadata: { name: web }
spec:
  selector: { app: web }
  ports:
    - { name: http, port: 80, targetPort: http }
    - { name: metrics, port: 9090, protocol: UDP }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  template:
    metadata: { labels: { app: web, tier: front } }
    spec:
      containers:
        - name: app
          image: x
          ports: [{ name: http, containerPort: 8080 }]
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: bare }
spec:
  template:
    metadata: { labels: { app: web } }
    spec:
      containers: [{ name: app, image: x }]
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: other-namespace, namespace: elsewhere }
spec:
  template:
    metadata: { labels: { app: web } }
    spec:
      containers: [{ name: app, image: x }]
";

#[test]
fn a_service_port_resolves_by_name_or_number_to_pods_and_container_ports() {
    let model = model(SERVICE_SET);
    let index = ModelIndex::new(&model);
    let service = index
        .find(&kinds::SERVICE, "shop", "web")
        .expect("the Service");
    let by_name = ServicePort::find(service, PortRef::Name("http")).expect("port `http`");
    let by_number = ServicePort::find(service, PortRef::Number(80)).expect("port 80");
    assert_eq!(by_name.value, by_number.value);
    assert_eq!(by_name.target(), &json!("http"));
    assert_eq!(by_name.protocol(), "TCP");
    let metrics = ServicePort::find(service, PortRef::Number(9090)).expect("port 9090");
    assert_eq!(metrics.target(), &json!(9090));
    assert_eq!(metrics.protocol(), "UDP");
    assert!(ServicePort::find(service, PortRef::Name("grpc")).is_none());
    assert_eq!(ServicePort::all(service).count(), 2);

    let pods: Vec<&str> = by_name.pods(&index).map(|p| p.object.name()).collect();
    assert_eq!(pods, ["web", "bare"]);
    let served: Vec<String> = by_name
        .pods(&index)
        .map(|pod| match serving(pod, by_name.target()) {
            Serving::Declared {
                container,
                number,
                name,
            } => format!("{} {number:?} {name:?}", container.name),
            Serving::Undeclared(n) => format!("undeclared {n}"),
            Serving::Missing => "missing".to_owned(),
        })
        .collect();
    assert_eq!(served, ["app Some(8080) Some(\"http\")", "missing"]);
    let bare = index.find(&kinds::DEPLOYMENT, "shop", "bare").unwrap();
    let bare = bare.pod_template().unwrap();
    assert!(matches!(
        serving(&bare, metrics.target()),
        Serving::Undeclared(9090)
    ));
}

#[test]
fn endpoint_ports_resolve_as_the_endpoints_controller_finds_them() {
    let model = model(
        "\
apiVersion: v1
kind: Service
metadata: { name: web }
spec:
  selector: { app: web }
  ports:
    - { name: http, port: 80, targetPort: http }
    - { name: dns, port: 53, targetPort: dns, protocol: UDP }
    - { name: proxy, port: 15001, targetPort: proxy }
    - { name: setup, port: 9000, targetPort: setup }
    - { name: direct, port: 81, targetPort: 8081 }
---
apiVersion: v1
kind: Pod
metadata: { name: web, labels: { app: web } }
spec:
  initContainers:
    - name: mesh
      image: x
      restartPolicy: Always
      ports: [{ name: proxy, containerPort: 15001 }]
    - name: migrate
      image: x
      ports: [{ name: setup, containerPort: 9000 }]
  containers:
    - name: app
      image: x
      ports:
        - { name: http, containerPort: 8080 }
        - { name: dns, containerPort: 5353 }
",
    );
    let index = ModelIndex::new(&model);
    let service = index.find(&kinds::SERVICE, "shop", "web").unwrap();
    let pod = index.find(&kinds::POD, "shop", "web").unwrap();
    let pod = pod.pod_template().unwrap();
    let resolved: Vec<(&str, Option<i64>)> = ServicePort::all(service)
        .map(|p| (p.value["name"].as_str().unwrap(), p.endpoint_port(&pod)))
        .collect();
    // `dns` is declared for TCP only and `setup` by an init container that is not a
    // sidecar: neither gets an endpoint.
    assert_eq!(
        resolved,
        [
            ("http", Some(8080)),
            ("dns", None),
            ("proxy", Some(15001)),
            ("setup", None),
            ("direct", Some(8081)),
        ]
    );
}

#[test]
fn budgets_protect_the_pods_they_select_and_autoscalers_scale_their_group_kind() {
    let model = model(
        "\
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: { name: web }
spec:
  minAvailable: 50%
  selector: { matchLabels: { app: web } }
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: { name: none }
spec: { maxUnavailable: 1 }
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: { name: web }
spec:
  scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: web }
  maxReplicas: 6
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: { name: custom }
spec:
  scaleTargetRef: { apiVersion: example.com/v1, kind: Deployment, name: web }
  minReplicas: 4
  maxReplicas: 8
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  replicas: 3
  template:
    metadata: { labels: { app: web } }
    spec: { containers: [{ name: app, image: x }] }
",
    );
    let index = ModelIndex::new(&model);
    let budgets: Vec<DisruptionBudget<'_>> = index
        .of_kind(&kinds::POD_DISRUPTION_BUDGET)
        .filter_map(DisruptionBudget::of)
        .collect();
    assert_eq!(budgets.len(), 2);
    assert_eq!(budgets[0].min_available(), Some(&json!("50%")));
    assert_eq!(budgets[0].max_unavailable(), None);
    let protected: Vec<&str> = budgets[0].pods(&index).map(|p| p.object.name()).collect();
    assert_eq!(protected, ["web"]);
    assert_eq!(budgets[1].pods(&index).count(), 0);
    assert_eq!(budgets[1].max_unavailable(), Some(&json!(1)));

    let hpas: Vec<Autoscaler<'_>> = index
        .of_kind(&kinds::HORIZONTAL_POD_AUTOSCALER)
        .filter_map(Autoscaler::of)
        .collect();
    let bounds: Vec<(i64, Option<i64>)> = hpas
        .iter()
        .map(|h| (h.min_replicas(), h.max_replicas()))
        .collect();
    assert_eq!(bounds, [(1, Some(6)), (4, Some(8))]);
    let target = hpas[1].target().expect("a target");
    assert_eq!(target.kind, GroupKind::new("example.com", "Deployment"));
    assert_eq!(target.name, "web");

    let deployment = index.find(&kinds::DEPLOYMENT, "shop", "web").unwrap();
    let scaling: Vec<&str> = index
        .autoscalers_of(deployment)
        .map(|h| h.object.name())
        .collect();
    assert_eq!(scaling, ["web"]);
    let pod = deployment.pod_template().unwrap();
    assert_eq!(index.min_replicas(&pod), Some(1));
    let set = model.objects().iter().find(|o| o.is(&kinds::DEPLOYMENT));
    assert!(set.is_some_and(|d| d.typed::<Deployment>().is_ok()));
}

#[test]
fn scheduling_constraints_are_read_as_kubernetes_types() {
    let model = model(
        "\
apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  template:
    spec:
      containers: [{ name: app, image: x }]
      nodeSelector: { disktype: ssd }
      priorityClassName: high
      tolerations:
        - { key: dedicated, operator: Equal, value: web, effect: NoSchedule }
      topologySpreadConstraints:
        - maxSkew: 1
          topologyKey: topology.kubernetes.io/zone
          whenUnsatisfiable: DoNotSchedule
          labelSelector: { matchLabels: { app: web } }
      affinity:
        nodeAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            nodeSelectorTerms:
              - matchExpressions:
                  - { key: arch, operator: In, values: [amd64] }
        podAntiAffinity:
          preferredDuringSchedulingIgnoredDuringExecution:
            - weight: 100
              podAffinityTerm:
                topologyKey: kubernetes.io/hostname
                labelSelector: { matchLabels: { app: web } }
        podAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            - topologyKey: topology.kubernetes.io/zone
              labelSelector: { matchLabels: { app: cache } }
---
apiVersion: v1
kind: Pod
metadata: { name: bad }
spec:
  containers: [{ name: app, image: x }]
  topologySpreadConstraints:
    - maxSkew: lots
      topologyKey: zone
      whenUnsatisfiable: DoNotSchedule
",
    );
    let pod = model.objects()[0].pod_template().unwrap();
    let s = pod.scheduling().expect("valid constraints");
    assert_eq!(
        s.node_selector.into_iter().collect::<Vec<_>>(),
        [("disktype".to_owned(), "ssd".to_owned())]
    );
    assert_eq!(s.priority_class_name.as_deref(), Some("high"));
    assert_eq!(s.tolerations.len(), 1);
    assert_eq!(s.tolerations[0].key.as_deref(), Some("dedicated"));
    assert_eq!(s.tolerations[0].effect.as_deref(), Some("NoSchedule"));
    assert_eq!(s.topology_spread.len(), 1);
    assert_eq!(
        s.topology_spread[0].topology_key,
        "topology.kubernetes.io/zone"
    );
    assert_eq!(s.topology_spread[0].max_skew, 1);
    let node = s.affinity.node_affinity.expect("node affinity");
    let terms = node
        .required_during_scheduling_ignored_during_execution
        .expect("required terms")
        .node_selector_terms;
    let expression = &terms[0].match_expressions.as_ref().unwrap()[0];
    assert_eq!(
        (expression.key.as_str(), expression.operator.as_str()),
        ("arch", "In")
    );
    let anti = s.affinity.pod_anti_affinity.expect("anti-affinity");
    let preferred = anti
        .preferred_during_scheduling_ignored_during_execution
        .unwrap();
    assert_eq!(preferred[0].weight, 100);
    assert_eq!(
        preferred[0].pod_affinity_term.topology_key,
        "kubernetes.io/hostname"
    );
    let affinity = s.affinity.pod_affinity.expect("pod affinity");
    let required = affinity
        .required_during_scheduling_ignored_during_execution
        .unwrap();
    assert_eq!(required[0].topology_key, "topology.kubernetes.io/zone");

    let bad = model.objects()[1].pod_template().unwrap();
    let err = bad.scheduling().expect_err("maxSkew is a number");
    assert_eq!(err.object, "Pod shop/bad");
    assert_eq!(err.pointer, "/spec/topologySpreadConstraints");
    assert_eq!(err.message, "invalid type: string \"lots\", expected i32");
    let at = err.location.expect("located");
    assert_eq!((at.file.as_str(), at.line, at.column), ("m.yaml", 40, 16));
    let empty = model.objects()[1].pod_template().unwrap().spec;
    assert!(empty.get("nodeSelector").is_none());
}

#[test]
fn a_pod_lists_every_object_it_refers_to_and_the_model_says_which_exist() {
    let model = model(
        "\
apiVersion: apps/v1
kind: StatefulSet
metadata: { name: db }
spec:
  volumeClaimTemplates: [{ metadata: { name: data } }]
  template:
    spec:
      serviceAccountName: db
      priorityClassName: system-cluster-critical
      imagePullSecrets: [{ name: registry }]
      volumes:
        - { name: a, configMap: { name: settings } }
        - { name: b, secret: { secretName: tls, optional: true } }
        - { name: c, persistentVolumeClaim: { claimName: data-db-0 } }
        - name: d
          projected:
            sources:
              - configMap: { name: extra }
              - secret: { name: token }
      containers:
        - name: app
          image: x
          env:
            - name: PASSWORD
              valueFrom: { secretKeyRef: { name: creds, key: password } }
          envFrom:
            - configMapRef: { name: env }
---
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: { name: creds-source }
spec: { target: { name: creds } }
---
apiVersion: v1
kind: ConfigMap
metadata: { name: settings }
",
    );
    let index = ModelIndex::new(&model);
    let pod = model.objects()[0].pod_template().unwrap();
    let refs: Vec<(String, &str, String, bool, bool)> = pod
        .references()
        .into_iter()
        .map(|r| {
            let provided = index.provides("shop", &r);
            (r.kind.to_string(), r.name, r.pointer, r.optional, provided)
        })
        .collect();
    let at = |p: &str| format!("/spec/template/spec{p}");
    let expected: Vec<(String, &str, String, bool, bool)> = vec![
        (
            "ServiceAccount".into(),
            "db",
            at("/serviceAccountName"),
            false,
            false,
        ),
        (
            "Secret".into(),
            "registry",
            at("/imagePullSecrets/0/name"),
            false,
            false,
        ),
        (
            "ConfigMap".into(),
            "settings",
            at("/volumes/0/configMap/name"),
            false,
            true,
        ),
        (
            "Secret".into(),
            "tls",
            at("/volumes/1/secret/secretName"),
            true,
            false,
        ),
        (
            "PersistentVolumeClaim".into(),
            "data-db-0",
            at("/volumes/2/persistentVolumeClaim/claimName"),
            false,
            true,
        ),
        (
            "ConfigMap".into(),
            "extra",
            at("/volumes/3/projected/sources/0/configMap/name"),
            false,
            false,
        ),
        (
            "Secret".into(),
            "token",
            at("/volumes/3/projected/sources/1/secret/name"),
            false,
            false,
        ),
        (
            "Secret".into(),
            "creds",
            at("/containers/0/env/0/valueFrom/secretKeyRef/name"),
            false,
            true,
        ),
        (
            "ConfigMap".into(),
            "env",
            at("/containers/0/envFrom/0/configMapRef/name"),
            false,
            false,
        ),
        (
            "PriorityClass.scheduling.k8s.io".into(),
            "system-cluster-critical",
            at("/priorityClassName"),
            false,
            true,
        ),
    ];
    assert_eq!(refs, expected);
}

#[test]
fn database_operators_make_their_users_secrets_and_objects_name_the_ones_made_elsewhere() {
    let model = model(
        "\
apiVersion: postgresql.cnpg.io/v1
kind: Cluster
metadata: { name: pg }
spec: { instances: 3, enableSuperuserAccess: true }
---
apiVersion: postgresql.cnpg.io/v1
kind: Cluster
metadata: { name: own }
spec: { bootstrap: { initdb: { secret: { name: own-creds } } } }
---
apiVersion: acid.zalan.do/v1
kind: postgresql
metadata: { name: audit }
spec: { users: { audit_writer: [] } }
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
  annotations: { shipshape.dev/external-secrets: \"db-login, api-key\" }
spec:
  template:
    spec:
      containers:
        - name: app
          envFrom:
            - secretRef: { name: pg-app }
            - secretRef: { name: pg-superuser }
            - secretRef: { name: own-app }
            - secretRef: { name: audit-writer.audit.credentials.postgresql.acid.zalan.do }
            - secretRef: { name: postgres.audit.credentials.postgresql.acid.zalan.do }
            - secretRef: { name: someone.audit.credentials.postgresql.acid.zalan.do }
            - secretRef: { name: pg-app.other.credentials.postgresql.acid.zalan.do }
            - secretRef: { name: db-login }
",
    );
    let index = ModelIndex::new(&model);
    let pod = &index.pod_templates()[0];
    let provided: Vec<(&str, bool)> = pod
        .references()
        .iter()
        .map(|r| (r.name, index.provides("shop", r)))
        .collect();
    assert_eq!(
        provided,
        [
            ("pg-app", true),
            ("pg-superuser", true),
            ("own-app", false),
            (
                "audit-writer.audit.credentials.postgresql.acid.zalan.do",
                true
            ),
            ("postgres.audit.credentials.postgresql.acid.zalan.do", true),
            ("someone.audit.credentials.postgresql.acid.zalan.do", false),
            ("pg-app.other.credentials.postgresql.acid.zalan.do", false),
            ("db-login", false),
        ]
    );
    assert_eq!(
        pod.object.external_secrets().collect::<Vec<_>>(),
        ["db-login", "api-key"]
    );
    let cluster = &model.objects()[0];
    assert_eq!(cluster.external_secrets().count(), 0);
}

#[test]
fn typed_access_checks_group_and_kind_and_locates_bad_fields() {
    let model = model(
        "\
apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  replicas: 2
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec: { containers: [{ name: app, image: x }] }
---
apiVersion: example.com/v1
kind: Deployment
metadata: { name: custom }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: broken }
spec:
  replicas: many
",
    );
    let objects = model.objects();
    let deployment = objects[0].typed::<Deployment>().expect("a Deployment");
    assert_eq!(deployment.spec.and_then(|s| s.replicas), Some(2));

    let err = objects[1].typed::<Deployment>().expect_err("not apps");
    assert_eq!(err.pointer, "/kind");
    assert_eq!(
        err.message,
        "is a Deployment.example.com, not a Deployment.apps"
    );
    let at = err.location.as_ref().expect("located");
    assert_eq!((at.line, at.column), (12, 1));
    assert_eq!(
        err.to_string(),
        "m.yaml:12:1: Deployment shop/custom `/kind`: is a Deployment.example.com, not a Deployment.apps"
    );

    let err = objects[0].typed::<Service>().expect_err("not a Service");
    assert_eq!(err.message, "is a Deployment.apps, not a Service");

    let err = objects[2]
        .typed::<Deployment>()
        .expect_err("replicas is a number");
    assert_eq!(err.object, "Deployment shop/broken");
    assert_eq!(err.message, "invalid type: string \"many\", expected i32");
    let at = err.location.expect("located at the value");
    assert_eq!((at.line, at.column), (19, 13));
}

#[test]
fn routes_name_their_backends_and_resolve_them_to_service_ports() {
    use shipshape_manifest::routes::{self, Resolution};
    let model = model(
        "\
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: web }
spec:
  defaultBackend: { service: { name: web, port: { name: http } } }
  rules:
    - http:
        paths:
          - { path: /, backend: { service: { name: web, port: { name: http } } } }
          - { path: /api, backend: { service: { name: api, port: { number: 8080 } } } }
---
apiVersion: extensions/v1beta1
kind: Ingress
metadata: { name: old }
spec:
  defaultBackend: { service: { name: web, port: { number: 81 } } }
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: route }
spec:
  rules:
    - backendRefs:
        - { name: web, namespace: other, port: 80 }
        - { name: bucket, kind: Bucket, group: storage.example.com }
---
apiVersion: example.com/v1
kind: HTTPRoute
metadata: { name: lookalike }
spec:
  rules:
    - backendRefs: [{ name: web, port: 80 }]
---
apiVersion: v1
kind: Service
metadata: { name: web }
spec:
  ports: [{ name: http, port: 80 }]
",
    );
    let index = ModelIndex::new(&model);
    let backends = routes::backends(&index);
    let found: Vec<(&str, String, String, String)> = backends
        .iter()
        .map(|b| {
            let port = b.port.map_or("none".to_owned(), |p| p.to_string());
            (
                b.route.name(),
                b.service_name(),
                port,
                b.port_pointer.clone(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            (
                "web",
                "Service shop/web".to_owned(),
                "`http`".to_owned(),
                "/spec/defaultBackend/service/port/name".to_owned()
            ),
            (
                "web",
                "Service shop/api".to_owned(),
                "8080".to_owned(),
                "/spec/rules/0/http/paths/1/backend/service/port/number".to_owned()
            ),
            (
                "old",
                "Service shop/web".to_owned(),
                "81".to_owned(),
                "/spec/defaultBackend/service/port/number".to_owned()
            ),
            (
                "route",
                "Service other/web".to_owned(),
                "80".to_owned(),
                "/spec/rules/0/backendRefs/0/port".to_owned()
            ),
        ]
    );
    let resolved: Vec<String> = backends
        .iter()
        .map(|b| match routes::resolve(&index, b) {
            Resolution::NoService => "no service".to_owned(),
            Resolution::NoPort(s) => format!("no port on {}", s.name()),
            Resolution::Port(p) => format!("port {}", p.value["port"]),
            Resolution::Operated(s) => format!("made by {}", s.operator.name),
        })
        .collect();
    assert_eq!(
        resolved,
        ["port 80", "no service", "no port on web", "no service"]
    );
}
