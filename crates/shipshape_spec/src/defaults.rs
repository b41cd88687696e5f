//! The values the spec means when a field is left out. Validation and rendering both read
//! them from here, so what is checked is what is rendered.

use crate::component::Component;
use crate::health::Probe;
use crate::scalars::Replicas;

/// Pods a component runs when `replicas` is not set: two, so one can always be replaced
/// while the other serves.
pub const DEFAULT_REPLICAS: u32 = 2;

/// Old revisions a Deployment or StatefulSet keeps for rollback when `rollout.history` is
/// not set: a few steps back, without the 10 ReplicaSets of Kubernetes' default piling up.
pub const DEFAULT_REVISION_HISTORY: u32 = 5;

/// Seconds a Deployment's rollout may make no progress before it is reported failed,
/// when `rollout.progress_deadline` is not set (the Kubernetes default, written out).
pub const DEFAULT_PROGRESS_DEADLINE: u32 = 600;

/// Seconds between probes when `period` is not set (the Kubernetes default).
pub const DEFAULT_PROBE_PERIOD: u32 = 10;

/// Seconds a probe may take when `timeout` is not set. Kubernetes' own default of 1 s
/// fails probes on any GC pause or busy node; 3 s is what the reference deployments use.
pub const DEFAULT_PROBE_TIMEOUT: u32 = 3;

/// Seconds added to pre-stop + drain for the default grace period, so the kubelet's
/// SIGKILL never races the app's own exit.
pub const GRACE_MARGIN: u32 = 5;

/// Seconds an app needs after SIGTERM when `drain` is not set.
pub const DEFAULT_DRAIN: u32 = 20;

/// Retries of a failed Job (a `job`, a `cron` run, a migration) when `backoff` is not
/// set: enough for a node lost mid-run, few enough that a broken run fails soon.
pub const DEFAULT_BACKOFF: u32 = 2;

/// Seconds a run of a `job` or `cron` may take when `deadline` is not set. A run that
/// hangs is stopped and failed rather than holding its pod, and, for a `cron` that
/// forbids overlapping runs (the default), every later run, forever.
pub const DEFAULT_RUN_DEADLINE: u32 = 3600;

/// Seconds a `cron` run may start late when `starting_deadline` is not set. Without a
/// limit a missed run starts whenever the controller catches up, however late, and a
/// CronJob that missed more than 100 runs is not started again at all.
pub const DEFAULT_STARTING_DEADLINE: u32 = 600;

/// The time zone of a `cron` schedule when `time_zone` is not set. Without one, the
/// schedule is read in the controller manager's local zone, which differs between
/// clusters; UTC makes `0 3 * * *` mean the same time everywhere.
pub const DEFAULT_TIME_ZONE: &str = "Etc/UTC";

/// PostgreSQL's `max_connections` when the spec does not set it: the server's own
/// default, which shipshape writes into the servers it configures so the budget it
/// checks is the one they enforce.
pub const DEFAULT_MAX_CONNECTIONS: u32 = 100;

/// Connections PostgreSQL keeps for superusers when the spec does not say: its default
/// `superuser_reserved_connections`. Operators (CloudNativePG's instance manager,
/// Patroni) and administrators log in through them.
pub const DEFAULT_RESERVED_CONNECTIONS: u32 = 3;

/// Seconds an exposed WebSocket or stream may stay idle when `ingress.timeout` is not
/// set: an hour, where ingress-nginx cuts a proxied connection after 60 s without a byte.
pub const LONG_LIVED_TIMEOUT: u32 = 3600;

/// The shutdown timeline of a component, with defaults applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShutdownTimes {
    /// Seconds slept in preStop before SIGTERM.
    pub pre_stop: u32,
    /// Seconds the app needs after SIGTERM.
    pub drain: u32,
    /// `terminationGracePeriodSeconds`.
    pub grace: u32,
}

impl Component {
    /// The replicas, with the default applied.
    #[must_use]
    pub fn replicas_or_default(&self) -> Replicas {
        self.replicas.unwrap_or(Replicas::Fixed(DEFAULT_REPLICAS))
    }

    /// PostgreSQL's `max_connections` when the spec does not set it: the server's own
    /// default, which shipshape writes into the servers it configures so the budget it
    /// checks is the one they enforce.
    pub const DEFAULT_MAX_CONNECTIONS: u32 = 100;

    /// Connections PostgreSQL keeps for superusers when the spec does not say: its default
    /// `superuser_reserved_connections`. Operators (CloudNativePG's instance manager,
    /// Patroni) and administrators log in through them.
    pub const DEFAULT_RESERVED_CONNECTIONS: u32 = 3;

    /// Seconds an exposed WebSocket or stream may stay idle when `ingress.timeout` is not
    /// set: an hour, where ingress-nginx cuts a proxied connection after 60 s without a byte.
    pub const LONG_LIVED_TIMEOUT: u32 = 3600;

    /// The shutdown timeline. Components with a client Service pause 5 s before SIGTERM
    /// so their endpoints leave every load balancer first; the others take no traffic
    /// and need no pause.
    #[must_use]
    pub fn shutdown_times(&self) -> ShutdownTimes {
        let s = &self.shutdown;
        let pre_stop = s
            .pre_stop
            .map_or(if self.kind.has_client_service() { 5 } else { 0 }, |v| {
                v.get()
            });
        let drain = s.drain.map_or(DEFAULT_DRAIN, |v| v.get());
        let grace = s.grace.map_or(pre_stop + drain + GRACE_MARGIN, |v| v.get());
        ShutdownTimes {
            pre_stop,
            drain,
            grace,
        }
    }
}

impl Probe {
    /// Seconds between probes.
    #[must_use]
    pub fn period_or_default(&self) -> u32 {
        self.period.map_or(DEFAULT_PROBE_PERIOD, |s| s.get())
    }

    /// Seconds a probe may take.
    #[must_use]
    pub fn timeout_or_default(&self) -> u32 {
        self.timeout.map_or(DEFAULT_PROBE_TIMEOUT, |s| s.get())
    }
}
