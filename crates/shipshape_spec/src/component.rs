//! Components: the workloads of an application.

use std::borrow::Cow;
use std::fmt;

use indexmap::IndexMap;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};

use crate::batch::{Concurrency, History, Schedule, TimeZone};
use crate::env::{EnvValue, FileSource};
use crate::expose::Expose;
use crate::health::Health;
use crate::rbac::Permission;
use crate::resources::Resources;
use crate::scalars::{Image, Percent, Replicas, Seconds};
use crate::stateful::{Identity, PodManagement, Volume};

/// One workload and everything it needs to run in production.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Component {
    /// What sort of workload this is.
    pub kind: ComponentKind,
    /// The container image, with a tag or digest.
    pub image: Image,
    /// Allows an image without a tag, or with `latest`. Off by default: such images
    /// change under a running deployment.
    #[serde(default)]
    pub allow_mutable_tag: bool,
    /// A fixed count (`3`) or an autoscaled range (`2..10`). Defaults to 2.
    #[serde(default)]
    pub replicas: Option<Replicas>,
    /// Autoscaling targets; needs `replicas` to be a range.
    #[serde(default)]
    pub autoscale: Option<Autoscale>,
    /// Named container ports: `http: 8080` or `gossip: {port: 7946, protocol: udp}`.
    #[serde(default)]
    pub ports: IndexMap<String, PortSpec>,
    /// Liveness, readiness and startup probes.
    #[serde(default)]
    pub health: Health,
    /// The Prometheus endpoint.
    #[serde(default)]
    pub metrics: Option<Metrics>,
    /// CPU and memory: a preset (`small`, `medium`, `large`) or `{cpu: 250m..1, memory: 256Mi..512Mi}`.
    #[serde(default)]
    pub resources: Option<Resources>,
    /// Environment variables, in order: literals, `{secret, key}`, `{config, key}`,
    /// `{field: metadata.name}`, `{resource: limits.memory}`.
    #[serde(default)]
    pub env: IndexMap<String, EnvValue>,
    /// Files to mount, by absolute path.
    #[serde(default)]
    pub files: IndexMap<String, FileSource>,
    /// Overrides the image's entrypoint.
    #[serde(default)]
    pub command: Option<Vec<String>>,
    /// Overrides the image's arguments.
    #[serde(default)]
    pub args: Option<Vec<String>>,
    /// How new versions replace old pods.
    #[serde(default)]
    pub rollout: Rollout,
    /// How pods stop.
    #[serde(default)]
    pub shutdown: Shutdown,
    /// How pods spread over hosts and zones.
    #[serde(default)]
    pub spread: Spread,
    /// Node labels the pods must run on.
    #[serde(default)]
    pub node_selector: IndexMap<String, String>,
    /// Taints the pods tolerate.
    #[serde(default)]
    pub tolerations: Vec<Toleration>,
    /// Makes the component reachable from outside the cluster.
    #[serde(default)]
    pub expose: Option<Expose>,
    /// Named ports on which the component's pods talk to each other (gossip,
    /// membership): a headless Service publishes every pod, ready or not, and the
    /// NetworkPolicy admits only the component's own pods on these ports.
    #[serde(default)]
    pub peers: Vec<String>,
    /// Named ports the component's callers use: the client Service publishes them (with
    /// the `expose` port, for the ingress controller, and the `metrics` port, for
    /// scraping), and components that `need` this one may
    /// connect on them and on no other port. A port may be both here and in `peers`
    /// (members and callers speak the same protocol). Defaults to every port not in
    /// `peers` except the `metrics` port, unless the metrics port is the only one left.
    /// `service` and `stateful` only.
    #[serde(default)]
    pub serves: Option<Vec<String>>,
    // ---- `stateful`, `job` and `cron` only; an error on the other kinds ----
    /// Persistent volumes of a `stateful` component, by name: each pod gets a claim of
    /// its own, which it keeps across restarts and which outlives the component.
    #[serde(default)]
    pub volumes: IndexMap<String, Volume>,
    /// How a `stateful` component starts and scales its pods: `parallel` (default) or
    /// `ordered`.
    #[serde(default)]
    pub pod_management: Option<PodManagement>,
    /// Environment variables, named by you, that tell each pod of a `stateful` component
    /// its name, its own DNS name and its peers' DNS names.
    #[serde(default)]
    pub identity: Option<Identity>,
    /// When a `cron` runs: `30 2 * * *` (minute hour day-of-month month day-of-week) or
    /// `@daily`. Required for `cron`.
    #[serde(default)]
    pub schedule: Option<Schedule>,
    /// The time zone of a `cron`'s `schedule`, an IANA name. Defaults to `Etc/UTC`.
    #[serde(default)]
    pub time_zone: Option<TimeZone>,
    /// What a `cron` does when a run is due and the last one still runs: `forbid`
    /// (default, skip it), `allow` or `replace`.
    #[serde(default)]
    pub concurrency: Option<Concurrency>,
    /// Finished runs of a `cron` kept for their logs: `{succeeded: 3, failed: 1}`.
    #[serde(default)]
    pub history: Option<History>,
    /// How late a `cron` run may still start after its time; later runs are skipped.
    /// Defaults to 10m.
    #[serde(default)]
    pub starting_deadline: Option<Seconds>,
    /// How long a run of a `job` or `cron` may take before it is stopped and failed.
    /// Defaults to 1h.
    #[serde(default)]
    pub deadline: Option<Seconds>,
    /// Retries of a failed `job` or `cron` run, each in a new pod. Defaults to 2.
    #[serde(default)]
    pub backoff: Option<u32>,
    /// How long a finished `job` or `cron` run is kept before it is deleted. Not set by
    /// default: a deleted Job is created (and run) again by the next apply.
    #[serde(default)]
    pub ttl: Option<Seconds>,
    /// Components and backing services this one talks to, each with the outputs it wants
    /// as environment variables: `db: {url: DATABASE_URL}`.
    #[serde(default)]
    pub needs: Needs,
    /// Database connections each pod opens at most, by the name of a postgres service in
    /// `needs`: `{db: 10}`. Overrides the service's `pool`; the `pool` output gives it
    /// to the app, and the service's connection budget counts it.
    #[serde(default)]
    pub pools: IndexMap<String, u32>,
    /// Schema migrations to run before each rollout.
    #[serde(default)]
    pub migrations: Option<Migrations>,
    /// Outbound traffic beyond the declared needs and DNS.
    #[serde(default)]
    pub egress: Vec<EgressRule>,
    /// Mounts a short-lived Kubernetes API token. Implied by `permissions`; off
    /// otherwise, since most apps never call the API.
    #[serde(default)]
    pub api_access: Option<bool>,
    /// What the component may do through the Kubernetes API, as RBAC rules: a Role and a
    /// RoleBinding to its ServiceAccount, in its namespace.
    #[serde(default)]
    pub permissions: Vec<Permission>,
    /// Container security settings beyond the restricted defaults.
    #[serde(default)]
    pub security: Security,
    /// Overrides the derived disruption budget.
    #[serde(default)]
    pub disruption: Option<Disruption>,
    /// Extra annotations on the pods.
    #[serde(default)]
    pub pod_annotations: IndexMap<String, String>,
}

/// The sorts of workload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ComponentKind {
    /// Pods behind a Service that others call.
    Service,
    /// Pods that take no inbound traffic (queue consumers, projectors).
    Worker,
    /// Pods with stable names and a persistent volume each (databases, clustered
    /// systems): a StatefulSet, its headless Service, and a Service for clients.
    Stateful,
    /// A task run to completion once per change of the spec: a Job.
    Job,
    /// A task run to completion on a schedule: a CronJob.
    Cron,
}

impl Component {
    /// Whether the component's pods call the Kubernetes API and so get a token: when
    /// `api_access` says so, or when the component has `permissions` (which would be
    /// useless without one).
    #[must_use]
    pub fn uses_api(&self) -> bool {
        self.api_access.unwrap_or(!self.permissions.is_empty())
    }

    /// The names of the ports callers use, in the order of `ports`: `serves` when set,
    /// else every port not in `peers`, leaving out the `metrics` port when another one
    /// remains (a port that only serves metrics is for the monitoring stack, not for
    /// callers). Empty for kinds without a client Service.
    #[must_use]
    pub fn served_ports(&self) -> Vec<&str> {
        if !self.kind.has_client_service() {
            return Vec::new();
        }
        if let Some(serves) = &self.serves {
            return self
                .ports
                .keys()
                .filter(|name| serves.contains(name))
                .map(String::as_str)
                .collect();
        }
        let open: Vec<&str> = self
            .ports
            .keys()
            .filter(|name| !self.peers.contains(name))
            .map(String::as_str)
            .collect();
        let metrics = self.metrics.as_ref().map(|m| m.port.as_str());
        let callers: Vec<&str> = open
            .iter()
            .copied()
            .filter(|p| Some(*p) != metrics)
            .collect();
        if callers.is_empty() { open } else { callers }
    }
}

impl ComponentKind {
    /// Whether the pods run to completion (`job`, `cron`) rather than until replaced.
    #[must_use]
    pub fn is_batch(self) -> bool {
        matches!(self, ComponentKind::Job | ComponentKind::Cron)
    }

    /// Whether other components call the pods through a Service of the component's name.
    #[must_use]
    pub fn has_client_service(self) -> bool {
        matches!(self, ComponentKind::Service | ComponentKind::Stateful)
    }
}

impl fmt::Display for ComponentKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ComponentKind::Service => "service",
            ComponentKind::Worker => "worker",
            ComponentKind::Stateful => "stateful",
            ComponentKind::Job => "job",
            ComponentKind::Cron => "cron",
        })
    }
}

/// The transport of a port.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Protocol {
    /// TCP (the default).
    #[default]
    Tcp,
    /// UDP.
    Udp,
}

/// A named container port.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PortDetail {
    /// The container port number.
    pub port: u16,
    /// `tcp` (default) or `udp`.
    #[serde(default)]
    pub protocol: Protocol,
    /// The port number on the Service; defaults to `port`.
    #[serde(default)]
    pub service_port: Option<u16>,
    /// The application protocol, such as `grpc` or `http`, for the Service's `appProtocol`.
    #[serde(default)]
    pub app_protocol: Option<String>,
}

/// A port written as a number or as `{port, protocol, ...}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortSpec(pub PortDetail);

impl<'de> Deserialize<'de> for PortSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = PortSpec;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a port number or `{port: 7946, protocol: udp}`")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<PortSpec, E> {
                match u16::try_from(v) {
                    Ok(port) if port > 0 => Ok(PortSpec(PortDetail {
                        port,
                        protocol: Protocol::Tcp,
                        service_port: None,
                        app_protocol: None,
                    })),
                    _ => Err(E::custom(format!("{v} is not a port: use 1 to 65535"))),
                }
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<PortSpec, E> {
                self.visit_i64(i64::try_from(v).unwrap_or(-1))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<PortSpec, A::Error> {
                let detail = PortDetail::deserialize(de::value::MapAccessDeserializer::new(map))?;
                if detail.port == 0 {
                    return Err(de::Error::custom("0 is not a port: use 1 to 65535"));
                }
                Ok(PortSpec(detail))
            }
        }
        d.deserialize_any(V)
    }
}

impl JsonSchema for PortSpec {
    fn schema_name() -> Cow<'static, str> {
        "Port".into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let detail = generator.subschema_for::<PortDetail>();
        json_schema!({
            "oneOf": [{"type": "integer", "minimum": 1, "maximum": 65535}, detail]
        })
    }
}

/// Autoscaling targets for an HPA.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Autoscale {
    /// Target average CPU utilisation of requests.
    #[serde(default)]
    pub cpu: Option<Percent>,
    /// Target average memory utilisation of requests.
    #[serde(default)]
    pub memory: Option<Percent>,
    /// Per-pod custom metrics and their target average values: `projection_lag_events: 10000`.
    #[serde(default)]
    pub pods: IndexMap<String, MetricTarget>,
    /// How fast to scale: a preset (`default`, `conservative`) or raw HPA behavior.
    #[serde(default)]
    pub behavior: Option<ScalingBehavior>,
}

/// A target average value for a custom metric (a quantity, written as a number or string).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetricTarget(pub String);

impl<'de> Deserialize<'de> for MetricTarget {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = MetricTarget;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a target value such as `10000` or `500m`")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<MetricTarget, E> {
                if v <= 0 {
                    return Err(E::custom("a metric target must be above zero"));
                }
                Ok(MetricTarget(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<MetricTarget, E> {
                Ok(MetricTarget(v.to_string()))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<MetricTarget, E> {
                let valid = !v.is_empty()
                    && v.trim_end_matches(['m', 'k', 'M', 'G'])
                        .chars()
                        .all(|c| c.is_ascii_digit() || c == '.');
                if valid {
                    Ok(MetricTarget(v.to_owned()))
                } else {
                    Err(E::custom(format!(
                        "`{v}` is not a quantity such as `10000` or `500m`"
                    )))
                }
            }
        }
        d.deserialize_any(V)
    }
}

impl JsonSchema for MetricTarget {
    fn schema_name() -> Cow<'static, str> {
        "MetricTarget".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({"type": ["integer", "string"], "description": "An average value per pod."})
    }
}

/// How quickly the autoscaler reacts.
#[derive(Debug, Clone, PartialEq)]
pub enum ScalingBehavior {
    /// A named preset.
    Preset(BehaviorPreset),
    /// The `behavior` block of an `autoscaling/v2` HPA, as is.
    Raw(serde_json::Value),
}

/// Named scaling behaviors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum BehaviorPreset {
    /// Kubernetes' own defaults.
    Default,
    /// Slow and steady: for workloads that pause while membership changes.
    Conservative,
}

impl<'de> Deserialize<'de> for ScalingBehavior {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = ScalingBehavior;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("`default`, `conservative`, or an HPA behavior mapping")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<ScalingBehavior, E> {
                BehaviorPreset::deserialize(de::value::StrDeserializer::<E>::new(v))
                    .map(ScalingBehavior::Preset)
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<ScalingBehavior, A::Error> {
                let raw =
                    serde_json::Value::deserialize(de::value::MapAccessDeserializer::new(map))?;
                if let Some(extra) = raw
                    .as_object()
                    .and_then(|o| o.keys().find(|k| *k != "scaleUp" && *k != "scaleDown"))
                {
                    return Err(de::Error::custom(format!(
                        "unknown field `{extra}`, expected `scaleUp` or `scaleDown`"
                    )));
                }
                Ok(ScalingBehavior::Raw(raw))
            }
        }
        d.deserialize_any(V)
    }
}

impl JsonSchema for ScalingBehavior {
    fn schema_name() -> Cow<'static, str> {
        "ScalingBehavior".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "oneOf": [
                {"enum": ["default", "conservative"]},
                {"type": "object", "properties": {"scaleUp": {"type": "object"}, "scaleDown": {"type": "object"}}, "additionalProperties": false}
            ]
        })
    }
}

/// The metrics endpoint Prometheus scrapes.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Metrics {
    /// The named port serving metrics.
    pub port: String,
    /// The HTTP path. Defaults to `/metrics`.
    #[serde(default = "default_metrics_path")]
    pub path: String,
    /// Scrape interval. Defaults to 30 s.
    #[serde(default)]
    pub interval: Option<Seconds>,
    /// Render a ServiceMonitor for it (if the platform has them on). Defaults to true.
    #[serde(default = "yes")]
    pub service_monitor: bool,
}

fn default_metrics_path() -> String {
    "/metrics".to_owned()
}

fn yes() -> bool {
    true
}

/// How a new version replaces the running pods.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Rollout {
    /// `rolling` (default) or `recreate`.
    pub strategy: RolloutStrategy,
    /// Extra pods during a rolling update: a count or `25%`. Defaults to 1.
    pub max_surge: Option<IntOrPercent>,
    /// Pods that may be missing during a rolling update. Defaults to 0, so capacity never drops.
    pub max_unavailable: Option<IntOrPercent>,
    /// Seconds a new pod must stay ready before it counts as available.
    pub min_ready: Option<Seconds>,
    /// Old ReplicaSets kept for rollback. Defaults to 5.
    pub history: Option<u32>,
    /// Seconds before a stuck rollout is reported as failed. Defaults to 600.
    pub progress_deadline: Option<Seconds>,
    /// For a `stateful` component: only pods numbered at or above the partition get a
    /// new version; lower ones keep the old one until it is lowered (a staged rollout).
    /// Defaults to 0, every pod.
    pub partition: Option<u32>,
}

impl Default for Rollout {
    fn default() -> Self {
        Rollout {
            strategy: RolloutStrategy::Rolling,
            max_surge: None,
            max_unavailable: None,
            min_ready: None,
            history: None,
            progress_deadline: None,
            partition: None,
        }
    }
}

/// Replacement strategies.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum RolloutStrategy {
    /// Replace pods a few at a time.
    #[default]
    Rolling,
    /// Stop every old pod, then start the new ones.
    Recreate,
}

/// A count or a percentage such as `25%`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IntOrPercent {
    /// A count.
    Int(u32),
    /// A percentage of the replicas.
    Percent(u32),
}

impl<'de> Deserialize<'de> for IntOrPercent {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = IntOrPercent;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a count such as `1` or a percentage such as `25%`")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<IntOrPercent, E> {
                u32::try_from(v)
                    .map(IntOrPercent::Int)
                    .map_err(|_| E::custom("must be 0 or more"))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<IntOrPercent, E> {
                self.visit_i64(i64::try_from(v).unwrap_or(-1))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<IntOrPercent, E> {
                // The API server's grammar (`25%`), then the spec's bounds: a rollout
                // or budget share above 100% means nothing.
                match shipshape_grammar::IntOrPercent::parse_percent(v) {
                    Ok(shipshape_grammar::IntOrPercent::Percent(p)) => u32::try_from(p).ok(),
                    _ => None,
                }
                .filter(|p| *p <= 100)
                .map(IntOrPercent::Percent)
                .ok_or_else(|| {
                    E::custom(format!("`{v}` is not a count or a percentage (0% to 100%)"))
                })
            }
        }
        d.deserialize_any(V)
    }
}

impl JsonSchema for IntOrPercent {
    fn schema_name() -> Cow<'static, str> {
        "IntOrPercent".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({"oneOf": [{"type": "integer", "minimum": 0}, {"type": "string", "pattern": "^[0-9]+%$"}]})
    }
}

/// How pods stop: a pause so load balancers stop sending traffic, then time for the app
/// to finish in-flight work after SIGTERM.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Shutdown {
    /// Pause before SIGTERM so endpoints are removed everywhere. Defaults to 5 s for
    /// services and 0 for workers.
    pub pre_stop: Option<Seconds>,
    /// Time the app needs after SIGTERM to finish its work. Defaults to 20 s.
    pub drain: Option<Seconds>,
    /// The whole grace period. Computed as pre-stop + drain + 5 s when not set; must
    /// cover pre-stop + drain when set.
    pub grace: Option<Seconds>,
}

/// How pods spread.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Spread {
    /// Across nodes (pod anti-affinity on the hostname). Defaults to `preferred`.
    pub hosts: SpreadMode,
    /// Across zones (topology spread constraint). Defaults to `preferred`.
    pub zones: SpreadMode,
    /// The largest allowed difference in pod count between zones. Defaults to 1.
    pub max_skew: u32,
}

impl Default for Spread {
    fn default() -> Self {
        Spread {
            hosts: SpreadMode::Preferred,
            zones: SpreadMode::Preferred,
            max_skew: 1,
        }
    }
}

/// How hard to insist on spreading.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SpreadMode {
    /// Spread when the scheduler can.
    #[default]
    Preferred,
    /// Never put two pods together; pods stay pending instead.
    Required,
    /// No constraint.
    None,
}

/// A taint the pods tolerate.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Toleration {
    /// The taint key; empty with `operator: Exists` tolerates everything.
    #[serde(default)]
    pub key: Option<String>,
    /// `Equal` (default) or `Exists`.
    #[serde(default)]
    pub operator: Option<TolerationOperator>,
    /// The taint value, for `Equal`.
    #[serde(default)]
    pub value: Option<String>,
    /// `NoSchedule`, `PreferNoSchedule` or `NoExecute`; empty means all.
    #[serde(default)]
    pub effect: Option<TaintEffect>,
    /// For `NoExecute`: how long the pod stays after the taint appears.
    #[serde(default)]
    pub seconds: Option<u32>,
}

/// Toleration operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
pub enum TolerationOperator {
    /// Key and value must match.
    Equal,
    /// Key must exist.
    Exists,
}

/// Taint effects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
pub enum TaintEffect {
    /// Not scheduled there.
    NoSchedule,
    /// Avoided when possible.
    PreferNoSchedule,
    /// Evicted from there.
    NoExecute,
}

/// What a component needs, by name, and the outputs it takes as environment variables.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Needs(pub IndexMap<String, IndexMap<String, String>>);

impl<'de> Deserialize<'de> for Needs {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Needs;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list of names, or a mapping of name to `{output: ENV_NAME}`")
            }
            fn visit_unit<E: de::Error>(self) -> Result<Needs, E> {
                Ok(Needs::default())
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Needs, A::Error> {
                let mut needs = IndexMap::new();
                while let Some(name) = seq.next_element::<String>()? {
                    if needs.insert(name.clone(), IndexMap::new()).is_some() {
                        return Err(de::Error::custom(format!("`{name}` is listed twice")));
                    }
                }
                Ok(Needs(needs))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Needs, A::Error> {
                let mut needs = IndexMap::new();
                while let Some(name) = map.next_key::<String>()? {
                    let outputs = map
                        .next_value::<Option<IndexMap<String, String>>>()?
                        .unwrap_or_default();
                    needs.insert(name, outputs);
                }
                Ok(Needs(needs))
            }
        }
        d.deserialize_any(V)
    }
}

impl JsonSchema for Needs {
    fn schema_name() -> Cow<'static, str> {
        "Needs".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "Names of components and services this one calls; as a mapping, each name maps outputs to env var names. Components offer url, host, port; postgres url, host, port, database, user, password, sslmode, read_urls, read_hosts, pool; etcd endpoints, url, host, port; redis url, host, port, password; s3 endpoint, bucket, region, access_key, secret_key, path_style.",
            "oneOf": [
                {"type": "array", "items": {"type": "string"}},
                {"type": "object", "additionalProperties": {"type": ["object", "null"], "additionalProperties": {"type": "string"}}}
            ]
        })
    }
}

/// Schema migrations.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Migrations {
    /// The command that migrates, run as a Job whenever what it runs changes. The Job
    /// waits until the in-cluster database it needs is ready, and the component's pods
    /// wait until the Job of their own revision has completed, however the output is
    /// applied (see docs/migrations.md).
    #[serde(default)]
    pub command: Option<Vec<String>>,
    /// Arguments for the command.
    #[serde(default)]
    pub args: Option<Vec<String>>,
    /// The app migrates by itself when it starts: no Job, and a startup probe budget
    /// long enough for it.
    #[serde(default)]
    pub on_start: bool,
    /// Retries before the Job fails. Defaults to 2.
    #[serde(default)]
    pub backoff: Option<u32>,
    /// Seconds before the Job is stopped, the wait for its database included. Defaults
    /// to 600.
    #[serde(default)]
    pub deadline: Option<Seconds>,
}

/// Outbound traffic to a network outside the cluster.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EgressRule {
    /// Destination network in CIDR form; defaults to everywhere.
    #[serde(default)]
    pub cidr: Option<String>,
    /// Destination ports (TCP).
    pub ports: Vec<u16>,
}

/// Settings for the container's security context beyond the restricted defaults.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Security {
    /// UID (and GID) to run as; defaults to the platform's `run_as_user`.
    pub run_as_user: Option<u32>,
    /// Paths that need to be writable (each gets an emptyDir); `/tmp` always is.
    pub writable: Vec<String>,
}

/// An explicit disruption budget.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Disruption {
    /// Pods that may be down at once for voluntary disruptions.
    pub max_unavailable: u32,
}
