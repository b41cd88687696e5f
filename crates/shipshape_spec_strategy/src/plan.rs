//! What a generated spec holds: raw choices from proptest, made consistent.
//!
//! Every raw choice is independent, so proptest can shrink each on its own; `resolve`
//! then drops or adjusts what the spec would refuse (a need on a worker, which has no
//! Service; a CloudNativePG backup to a volume) instead of filtering whole cases out,
//! which would waste most of them.

use proptest::collection::vec;
use proptest::prelude::*;

/// Component names, in the order components are generated.
pub(crate) const COMPONENTS: [&str; 5] = ["api", "web", "node", "feed", "report"];
/// Backing service names, in the order services are generated; none is a component's.
pub(crate) const SERVICES: [&str; 4] = ["db", "cache", "store", "coord"];
/// The s3 service added when a backup goes to object storage and no s3 service exists.
pub(crate) const ARCHIVE: &str = "archive";

/// Schedules of `cron` components, in the forms users write.
const SCHEDULES: [&str; 4] = ["0 3 * * *", "*/15 * * * *", "@daily", "30 2 * * 1-5"];

/// A component's kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Service,
    Worker,
    Stateful,
    Job,
    Cron,
}

impl Kind {
    /// Whether others call it through a Service (and so may need it or see it exposed).
    pub(crate) fn serves(self) -> bool {
        matches!(self, Kind::Service | Kind::Stateful)
    }

    /// Whether its pods run until replaced (and so have replicas, ports and probes).
    pub(crate) fn long_running(self) -> bool {
        !matches!(self, Kind::Job | Kind::Cron)
    }
}

/// A backing service's type and provider together: only the pairs that exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Backing {
    PostgresExternal,
    PostgresStatefulset,
    PostgresCloudnativePg,
    PostgresZalando,
    Etcd,
    RedisExternal,
    RedisStatefulset,
    S3,
}

impl Backing {
    /// Whether shipshape backs it up (Zalando's operator does so by itself).
    fn backs_up(self) -> bool {
        matches!(
            self,
            Backing::PostgresExternal
                | Backing::PostgresStatefulset
                | Backing::PostgresCloudnativePg
                | Backing::Etcd
        )
    }

    /// Whether it is PostgreSQL, which takes `pool` and `max_connections`.
    pub(crate) fn is_postgres(self) -> bool {
        matches!(
            self,
            Backing::PostgresExternal
                | Backing::PostgresStatefulset
                | Backing::PostgresCloudnativePg
                | Backing::PostgresZalando
        )
    }
}

/// Where a secret's values come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SecretKind {
    Generated,
    Existing,
    External,
}

/// Where a component serves metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Metrics {
    None,
    OnHttp,
    OwnPort,
}

/// How a component migrates its schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Migrations {
    None,
    Command,
    OnStart,
}

/// How an exposed component is routed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Route {
    Ingress,
    Gateway,
}

/// The host names a component is exposed on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Hosts {
    /// One host of its own.
    Own,
    /// Two hosts of its own, on one certificate.
    Several,
    /// The app's shared host, on a path of its own; by Ingress only, so that every
    /// component on the host shares one certificate.
    Shared,
}

/// What an Ingress is told about the traffic it carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Traffic {
    /// Short requests: the controller's defaults.
    Plain,
    /// WebSocket connections that stay open.
    Websocket,
    /// Long streamed responses or uploads.
    Streaming,
    /// Large request bodies.
    Uploads,
}

/// A component's exposure: gRPC (on its `grpc` port) or HTTP, by Ingress or Gateway.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Expose {
    pub(crate) grpc: bool,
    pub(crate) route: Route,
    pub(crate) hosts: Hosts,
    /// Ingress only; a Gateway route says nothing about it.
    pub(crate) traffic: Traffic,
}

/// Which ports a serving component says its callers use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Serves {
    /// No `serves`: the default (every port but peer and metrics ports).
    Default,
    /// Only its main port: `grpc` when it has one, else `http`.
    Main,
    /// Every port but metrics, peer ports included (members and callers share them).
    All,
}

/// A fixed count, or a range that an HPA moves in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Replicas {
    Fixed(u32),
    Range(u32, u32),
}

/// Where a backup goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BackupTo {
    Pvc,
    S3(&'static str),
}

/// One component of the plan.
#[derive(Debug, Clone)]
pub(crate) struct Component {
    pub(crate) name: &'static str,
    pub(crate) kind: Kind,
    /// Serves a `grpc` port besides `http`.
    pub(crate) grpc: bool,
    /// Has a `gossip` port its pods use among themselves.
    pub(crate) peers: bool,
    pub(crate) metrics: Metrics,
    pub(crate) replicas: Replicas,
    pub(crate) expose: Option<Expose>,
    pub(crate) serves: Serves,
    pub(crate) migrations: Migrations,
    /// Components and services it calls, in spec order.
    pub(crate) needs: Vec<&'static str>,
    /// Writes `needs` as a mapping of outputs to variables rather than a list of names.
    pub(crate) needs_outputs: bool,
    /// Its own pool on every PostgreSQL service it needs (`pools`), instead of the
    /// service's `pool`.
    pub(crate) pool: Option<u32>,
    /// A `cron`'s schedule.
    pub(crate) schedule: &'static str,
    /// A `job` or `cron` states its deadlines rather than taking the defaults.
    pub(crate) deadlines: bool,
    /// Takes a variable from a secret of its own.
    pub(crate) secret: Option<SecretKind>,
}

/// One backing service of the plan.
#[derive(Debug, Clone)]
pub(crate) struct Service {
    pub(crate) name: &'static str,
    pub(crate) backing: Backing,
    pub(crate) backup: Option<BackupTo>,
    /// PostgreSQL: connections per pod.
    pub(crate) pool: Option<u32>,
    /// Server pods, for the providers that take `instances`.
    pub(crate) instances: u32,
    /// Where credentials managed outside the cluster come from (existing or external);
    /// in-cluster servers generate theirs.
    pub(crate) credentials: SecretKind,
}

/// A whole consistent spec.
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    /// `profile: development`: set when a service needs it, or at random.
    pub(crate) development: bool,
    /// `default_deny`: on (the default) unless switched off.
    pub(crate) default_deny: bool,
    pub(crate) components: Vec<Component>,
    pub(crate) services: Vec<Service>,
    /// How many environment overlays (`staging`, then `prod`).
    pub(crate) environments: usize,
}

/// One component's raw choices; `needs[i]` picks `COMPONENTS[i]`, then `SERVICES[i - 5]`.
#[derive(Debug, Clone)]
struct RawComponent {
    kind: Kind,
    grpc: bool,
    peers: bool,
    metrics: Metrics,
    replicas: Replicas,
    expose: Option<Expose>,
    serves: Serves,
    migrations: Migrations,
    needs: Vec<bool>,
    needs_outputs: bool,
    pool: Option<u32>,
    schedule: usize,
    deadlines: bool,
    secret: Option<SecretKind>,
}

/// One backing service's raw choices.
#[derive(Debug, Clone)]
struct RawService {
    backing: Backing,
    /// 0: none, 1: to a volume, 2: to an s3 service.
    backup: u8,
    pool: Option<u32>,
    more_instances: bool,
    credentials: SecretKind,
}

fn kind() -> impl Strategy<Value = Kind> {
    prop_oneof![
        3 => Just(Kind::Service),
        2 => Just(Kind::Worker),
        2 => Just(Kind::Stateful),
        1 => Just(Kind::Job),
        1 => Just(Kind::Cron),
    ]
}

fn backing() -> impl Strategy<Value = Backing> {
    prop_oneof![
        Just(Backing::PostgresExternal),
        Just(Backing::PostgresStatefulset),
        Just(Backing::PostgresCloudnativePg),
        Just(Backing::PostgresZalando),
        Just(Backing::Etcd),
        Just(Backing::RedisExternal),
        Just(Backing::RedisStatefulset),
        Just(Backing::S3),
    ]
}

fn secret_kind() -> impl Strategy<Value = SecretKind> {
    prop_oneof![
        Just(SecretKind::Generated),
        Just(SecretKind::Existing),
        Just(SecretKind::External),
    ]
}

fn replicas() -> impl Strategy<Value = Replicas> {
    prop_oneof![
        (2u32..=4).prop_map(Replicas::Fixed),
        (2u32..=3, 1u32..=4).prop_map(|(min, more)| Replicas::Range(min, min + more)),
    ]
}

fn expose() -> impl Strategy<Value = Option<Expose>> {
    let route = prop_oneof![3 => Just(Route::Ingress), 1 => Just(Route::Gateway)];
    let hosts = prop_oneof![
        2 => Just(Hosts::Own),
        1 => Just(Hosts::Several),
        1 => Just(Hosts::Shared),
    ];
    let traffic = prop_oneof![
        3 => Just(Traffic::Plain),
        1 => Just(Traffic::Websocket),
        1 => Just(Traffic::Streaming),
        1 => Just(Traffic::Uploads),
    ];
    let expose = (any::<bool>(), route, hosts, traffic).prop_map(
        |(grpc, route, hosts, traffic)| match route {
            Route::Ingress => Expose {
                grpc,
                route,
                hosts,
                traffic,
            },
            Route::Gateway => Expose {
                grpc,
                route,
                hosts: if hosts == Hosts::Shared {
                    Hosts::Own
                } else {
                    hosts
                },
                traffic: Traffic::Plain,
            },
        },
    );
    proptest::option::weighted(0.6, expose)
}

fn raw_component() -> impl Strategy<Value = RawComponent> {
    let metrics = prop_oneof![
        Just(Metrics::None),
        Just(Metrics::OnHttp),
        Just(Metrics::OwnPort)
    ];
    let migrations = prop_oneof![
        2 => Just(Migrations::None),
        2 => Just(Migrations::Command),
        1 => Just(Migrations::OnStart),
    ];
    let targets = COMPONENTS.len() + SERVICES.len();
    let shape = (kind(), any::<bool>(), any::<bool>(), metrics, replicas());
    let wiring = (
        expose(),
        migrations,
        vec(proptest::bool::weighted(0.35), targets),
        any::<bool>(),
        proptest::option::weighted(0.3, 1u32..=8),
    );
    let serves = prop_oneof![
        2 => Just(Serves::Default),
        1 => Just(Serves::Main),
        1 => Just(Serves::All),
    ];
    let batch = (
        0..SCHEDULES.len(),
        any::<bool>(),
        proptest::option::of(secret_kind()),
        serves,
    );
    (shape, wiring, batch).prop_map(
        |(
            (kind, grpc, peers, metrics, replicas),
            (expose, migrations, needs, needs_outputs, pool),
            (schedule, deadlines, secret, serves),
        )| RawComponent {
            kind,
            grpc,
            peers,
            metrics,
            replicas,
            expose,
            serves,
            migrations,
            needs,
            needs_outputs,
            pool,
            schedule,
            deadlines,
            secret,
        },
    )
}

fn raw_service() -> impl Strategy<Value = RawService> {
    let managed = prop_oneof![Just(SecretKind::Existing), Just(SecretKind::External)];
    (
        backing(),
        0u8..3,
        proptest::option::of(2u32..=10),
        any::<bool>(),
        managed,
    )
        .prop_map(
            |(backing, backup, pool, more_instances, credentials)| RawService {
                backing,
                backup,
                pool,
                more_instances,
                credentials,
            },
        )
}

/// The app's own raw choices.
#[derive(Debug, Clone, Copy)]
struct RawApp {
    development: bool,
    default_deny: bool,
    environments: usize,
    /// Every component exposed on its own host by Ingress takes the app's shared host
    /// instead, so that several components share one host (and its certificate).
    one_host: bool,
}

/// Consistent plans of one to five components and up to four backing services.
pub(crate) fn plan() -> impl Strategy<Value = Plan> {
    let app = (
        any::<bool>(),
        proptest::bool::weighted(0.8),
        0usize..=2,
        any::<bool>(),
    )
        .prop_map(
            |(development, default_deny, environments, one_host)| RawApp {
                development,
                default_deny,
                environments,
                one_host,
            },
        );
    (
        vec(raw_component(), 1..=COMPONENTS.len()),
        vec(raw_service(), 0..=SERVICES.len()),
        app,
    )
        .prop_map(|(components, services, app)| resolve(&components, &services, app))
}

fn resolve(raw_components: &[RawComponent], raw_services: &[RawService], app: RawApp) -> Plan {
    let development = app.development
        || raw_services
            .iter()
            .any(|s| s.backing == Backing::PostgresStatefulset);
    let mut services: Vec<Service> = raw_services
        .iter()
        .zip(SERVICES)
        .map(|(raw, name)| service(name, raw, development))
        .collect();
    place_backups(&mut services, raw_services);
    let kinds: Vec<Kind> = raw_components.iter().map(|c| c.kind).collect();
    let components = raw_components
        .iter()
        .zip(COMPONENTS)
        .enumerate()
        .map(|(index, (raw, name))| {
            let mut c = component(index, name, raw, &kinds, &services);
            if let Some(e) = c
                .expose
                .as_mut()
                .filter(|e| app.one_host && e.route == Route::Ingress && e.hosts == Hosts::Own)
            {
                e.hosts = Hosts::Shared;
            }
            c
        })
        .collect();
    Plan {
        development,
        default_deny: app.default_deny,
        components,
        services,
        environments: app.environments,
    }
}

fn service(name: &'static str, raw: &RawService, development: bool) -> Service {
    let instances = match (raw.backing, development, raw.more_instances) {
        // A single etcd member only where the profile allows it; else a quorum.
        (Backing::Etcd, true, false) => 1,
        (Backing::Etcd, _, true) => 5,
        (_, _, true) => 2,
        _ => 3,
    };
    Service {
        name,
        backing: raw.backing,
        backup: None,
        pool: raw.pool.filter(|_| raw.backing.is_postgres()),
        instances,
        credentials: raw.credentials,
    }
}

/// Backups where the provider takes them: CloudNativePG writes to object storage only,
/// and an s3 target is added when the spec has none.
fn place_backups(services: &mut Vec<Service>, raw: &[RawService]) {
    let wanted: Vec<Option<bool>> = services
        .iter()
        .zip(raw)
        .map(|(s, r)| {
            let to_s3 = r.backup == 2 || s.backing == Backing::PostgresCloudnativePg;
            (s.backing.backs_up() && r.backup > 0).then_some(to_s3)
        })
        .collect();
    if wanted.contains(&Some(true)) && !services.iter().any(|s| s.backing == Backing::S3) {
        services.push(Service {
            name: ARCHIVE,
            backing: Backing::S3,
            backup: None,
            pool: None,
            instances: 1,
            credentials: SecretKind::Existing,
        });
    }
    let target = services
        .iter()
        .find(|s| s.backing == Backing::S3)
        .map(|s| s.name);
    for (service, wanted) in services.iter_mut().zip(wanted) {
        service.backup = match (wanted, target) {
            (Some(true), Some(s3)) => Some(BackupTo::S3(s3)),
            (Some(_), _) => Some(BackupTo::Pvc),
            (None, _) => None,
        };
    }
}

fn component(
    index: usize,
    name: &'static str,
    raw: &RawComponent,
    kinds: &[Kind],
    services: &[Service],
) -> Component {
    let kind = raw.kind;
    let long_running = kind.long_running();
    let expose = raw.expose.filter(|_| kind.serves());
    let called = COMPONENTS
        .iter()
        .zip(kinds)
        .enumerate()
        .filter(|(i, (_, k))| *i != index && k.serves())
        .map(|(i, (n, _))| (i, *n));
    let used = services
        .iter()
        .enumerate()
        .map(|(i, s)| (COMPONENTS.len() + i, s.name));
    let needs = called
        .chain(used)
        .filter(|(i, _)| raw.needs.get(*i).copied().unwrap_or(false))
        .map(|(_, n)| n)
        .collect();
    Component {
        name,
        kind,
        grpc: long_running && (raw.grpc || expose.is_some_and(|e| e.grpc)),
        peers: long_running && raw.peers,
        metrics: if long_running {
            raw.metrics
        } else {
            Metrics::None
        },
        replicas: match raw.replicas {
            // The stateful pods keep a fixed count, as clustered systems do.
            Replicas::Range(min, _) if kind == Kind::Stateful => Replicas::Fixed(min),
            r => r,
        },
        expose,
        serves: if kind.serves() {
            raw.serves
        } else {
            Serves::Default
        },
        migrations: if long_running {
            raw.migrations
        } else {
            Migrations::None
        },
        needs,
        needs_outputs: raw.needs_outputs,
        pool: raw.pool,
        schedule: SCHEDULES[raw.schedule % SCHEDULES.len()],
        deadlines: raw.deadlines,
        secret: raw.secret,
    }
}
