//! What only some kinds of component have: the volumes, identity and staged rollouts of
//! `stateful` components, the schedule and run settings of `job` and `cron`; and, for
//! every kind, the fields it must not set. A field that cannot apply to a kind would
//! otherwise be ignored without a word, and its author would believe it in force.

use indexmap::IndexMap;

use super::files::normalized;
use super::names::{is_dns_name, label};
use super::wiring::env_name;
use super::{Declared, absolute, alternatives, under};
use crate::component::{Component, ComponentKind, Rollout, RolloutStrategy, Spread};
use crate::problem::{Path, Problem};
use crate::stateful::{HEADLESS_SUFFIX, Identity, Volume};

use ComponentKind::{Cron, Job, Service, Stateful, Worker};

/// Kinds whose pods run until they are replaced.
const LONG_RUNNING: &[ComponentKind] = &[Service, Worker, Stateful];
/// Kinds whose pods run to completion.
const BATCH: &[ComponentKind] = &[Job, Cron];

/// The CronJob controller looks for due runs every 10 seconds, so a shorter starting
/// deadline can miss every run.
const MIN_STARTING_DEADLINE: u32 = 10;

/// Names of the volumes the renderer gives every pod (`shipshape_render::pod`): the
/// writable `/tmp`, and the sources of mounted files. A volume of the spec with one of
/// these names would clash with them in the pod.
const RESERVED_VOLUME_NAMES: &[&str] = &["tmp", "files"];
/// Prefixes of the renderer's other pod volumes: secrets, configs and writable paths.
const RESERVED_VOLUME_PREFIXES: &[&str] = &["secret-", "config-", "w-"];

/// Every check of this module for the component `name` at `at`.
pub(super) fn check(
    name: &str,
    c: &Component,
    at: &Path,
    declared: &Declared,
    out: &mut Vec<Problem>,
) {
    for field in kind_fields(c) {
        out.extend(field.check(c.kind, at));
    }
    match c.kind {
        Stateful => {
            check_volumes(c, at, out);
            if let Some(identity) = &c.identity {
                check_identity(identity, c, &under!(at, "identity"), out);
            }
            check_rollout(c, &under!(at, "rollout"), out);
            check_headless_name(name, at, declared, out);
        }
        Job | Cron => check_runs(c, at, out),
        Service | Worker => {}
    }
}

/// A field that applies to some kinds of component only.
struct KindField {
    /// Its path under the component.
    path: &'static [&'static str],
    /// Whether the spec sets it.
    set: bool,
    /// The kinds it applies to.
    kinds: &'static [ComponentKind],
    /// What to do instead.
    help: &'static str,
}

impl KindField {
    /// A problem at the field's key when it is set on a kind it does not apply to.
    fn check(&self, kind: ComponentKind, at: &Path) -> Option<Problem> {
        if !self.set || self.kinds.contains(&kind) {
            return None;
        }
        let key = self.path.last().copied().unwrap_or_default();
        let kinds: Vec<String> = self.kinds.iter().map(ToString::to_string).collect();
        let kinds: Vec<&str> = kinds.iter().map(String::as_str).collect();
        let mut path = at.clone();
        path.extend(self.path.iter().map(|s| crate::__PathSegment::from(*s)));
        Some(
            Problem::new(
                path,
                format!(
                    "`{key}` applies only to {} components, not to a `{kind}`",
                    alternatives(&kinds)
                ),
            )
            .at_key()
            .help(self.help),
        )
    }
}

/// The fields that apply to some kinds only, with whether `c` sets them.
fn kind_fields(c: &Component) -> Vec<KindField> {
    let field = |path, set, kinds, help| KindField {
        path,
        set,
        kinds,
        help,
    };
    let health = &c.health;
    let rollout = Rollout {
        partition: None,
        ..c.rollout.clone()
    };
    vec![
        // `stateful` only.
        field(
            &["volumes"],
            !c.volumes.is_empty(),
            &[Stateful],
            "use `kind: stateful` to give each pod a persistent volume of its own, or `security.writable` for scratch space",
        ),
        field(
            &["pod_management"],
            c.pod_management.is_some(),
            &[Stateful],
            "remove `pod_management`: only the numbered pods of a `stateful` component start in an order",
        ),
        field(
            &["identity"],
            c.identity.is_some(),
            &[Stateful],
            "only the pods of a `stateful` component have stable DNS names; for the pod's name, use `env` with `{field: metadata.name}`",
        ),
        field(
            &["rollout", "partition"],
            c.rollout.partition.is_some(),
            &[Stateful],
            "remove `partition`: only the numbered pods of a `stateful` component can be updated in stages",
        ),
        // `cron` only.
        field(
            &["schedule"],
            c.schedule.is_some(),
            &[Cron],
            "use `kind: cron` to run on a schedule, or remove `schedule`",
        ),
        field(
            &["time_zone"],
            c.time_zone.is_some(),
            &[Cron],
            "remove `time_zone`: it is the zone of a `cron` schedule",
        ),
        field(
            &["concurrency"],
            c.concurrency.is_some(),
            &[Cron],
            "remove `concurrency`: it decides how the runs of a `cron` schedule overlap",
        ),
        field(
            &["history"],
            c.history.is_some(),
            &[Cron],
            "remove `history`: it keeps the finished runs of a `cron` schedule",
        ),
        field(
            &["starting_deadline"],
            c.starting_deadline.is_some(),
            &[Cron],
            "remove `starting_deadline`: it is how late a `cron` run may start",
        ),
        // `job` and `cron`.
        field(
            &["deadline"],
            c.deadline.is_some(),
            BATCH,
            "remove `deadline`: it limits a run to completion, and these pods run until replaced",
        ),
        field(
            &["backoff"],
            c.backoff.is_some(),
            BATCH,
            "remove `backoff`: it retries a run to completion, and these pods are restarted in place",
        ),
        field(
            &["ttl"],
            c.ttl.is_some(),
            BATCH,
            "remove `ttl`: it deletes finished runs, and these pods never finish",
        ),
        // Everything but `job` and `cron`.
        field(
            &["replicas"],
            c.replicas.is_some(),
            LONG_RUNNING,
            "remove `replicas`: a run is one pod, retried up to `backoff` times",
        ),
        field(
            &["autoscale"],
            c.autoscale.is_some(),
            LONG_RUNNING,
            "remove `autoscale`: a run is one pod, and nothing scales it",
        ),
        field(
            &["ports"],
            !c.ports.is_empty(),
            LONG_RUNNING,
            "remove `ports`: nothing connects to a run; it connects out through `needs` and `egress`",
        ),
        field(
            &["health"],
            health.live.is_some()
                || health.ready.is_some()
                || health.start.is_some()
                || health.no_ready.is_some(),
            LONG_RUNNING,
            "remove `health`: a run is judged by its exit code, and `deadline` stops one that hangs",
        ),
        field(
            &["metrics"],
            c.metrics.is_some(),
            LONG_RUNNING,
            "remove `metrics`: a run may end before it is scraped; push its metrics instead",
        ),
        field(
            &["peers"],
            !c.peers.is_empty(),
            LONG_RUNNING,
            "remove `peers`: a run is a single pod",
        ),
        field(
            &["rollout"],
            rollout != Rollout::default(),
            LONG_RUNNING,
            "remove `rollout`: every run starts from the current spec",
        ),
        field(
            &["spread"],
            c.spread != Spread::default(),
            LONG_RUNNING,
            "remove `spread`: a run is a single pod",
        ),
        field(
            &["disruption"],
            c.disruption.is_some(),
            LONG_RUNNING,
            "remove `disruption`: a run is retried rather than kept available",
        ),
        field(
            &["migrations"],
            c.migrations.is_some(),
            LONG_RUNNING,
            "remove `migrations`: a run has no rollout for them to precede",
        ),
    ]
}

/// Volume names, mount paths and storage classes.
fn check_volumes(c: &Component, at: &Path, out: &mut Vec<Problem>) {
    // Paths mounted so far, and by what: files and writable paths are in the pod too.
    let mut mounted: Vec<(String, String)> = c
        .files
        .keys()
        .map(|path| (normalized(path), format!("file `{path}`")))
        .chain(
            c.security
                .writable
                .iter()
                .map(|path| (normalized(path), format!("writable path `{path}`"))),
        )
        .collect();
    for (name, volume) in &c.volumes {
        let at = under!(at, "volumes", name);
        check_volume_name(name, &at, out);
        check_mount(name, volume, &at, &mounted, out);
        mounted.push((normalized(&volume.mount), format!("volume `{name}`")));
        if let Some(class) = &volume.class
            && (class.contains('*') || !is_dns_name(class))
        {
            out.push(
                Problem::new(
                    under!(at, "class"),
                    format!("`{class}` is not a StorageClass name"),
                )
                .help("StorageClass names are lowercase DNS names, such as `fast-ssd`; remove `class` for the cluster's default"),
            );
        }
    }
}

/// A volume's name names its claims (`NAME-COMPONENT-0`) and its volume in the pod.
fn check_volume_name(name: &str, at: &Path, out: &mut Vec<Problem>) {
    if let Some(p) = label(at.clone(), name, "volume name") {
        out.push(p.at_key());
        return;
    }
    let reserved = RESERVED_VOLUME_NAMES.contains(&name)
        || RESERVED_VOLUME_PREFIXES.iter().any(|p| name.starts_with(p));
    if reserved {
        out.push(
            Problem::new(
                at.clone(),
                format!("volume name `{name}` may clash with a volume shipshape adds to every pod"),
            )
            .at_key()
            .help(format!(
                "choose another name, such as `data`; names {} and those starting with {} are taken",
                alternatives(RESERVED_VOLUME_NAMES),
                alternatives(RESERVED_VOLUME_PREFIXES)
            )),
        );
    }
}

fn check_mount(
    name: &str,
    volume: &Volume,
    at: &Path,
    mounted: &[(String, String)],
    out: &mut Vec<Problem>,
) {
    let path = &volume.mount;
    let at = under!(at, "mount");
    if let Some(p) = absolute(at.clone(), path, "mount path") {
        out.push(p);
        return;
    }
    let normal = normalized(path);
    let problem = if normal == "/" || normal == "/tmp" {
        Problem::new(
            at,
            format!("a volume cannot be mounted at `{path}`: it would hide what the container needs there"),
        )
        .help(format!("mount it at a directory of its own, such as `/var/lib/{name}`"))
    } else if let Some((_, first)) = mounted.iter().find(|(n, _)| *n == normal) {
        Problem::new(at, format!("`{path}` is already mounted by {first}"))
            .help("mount each volume at a path of its own")
    } else {
        return;
    };
    out.push(problem);
}

/// Identity variables need valid names that nothing else sets, and at least one of them.
fn check_identity(identity: &Identity, c: &Component, at: &Path, out: &mut Vec<Problem>) {
    let vars = identity.vars();
    if vars.is_empty() {
        out.push(
            Problem::new(at.clone(), "`identity` sets no variable")
                .at_key()
                .help("name the variables you want: `pod_name`, `pod_dns` or `peers`, such as `{pod_name: POD_NAME}`"),
        );
    }
    let needs: IndexMap<&str, String> = c
        .needs
        .0
        .iter()
        .flat_map(|(target, outputs)| {
            outputs
                .iter()
                .map(move |(output, var)| (var.as_str(), format!("`needs.{target}.{output}`")))
        })
        .collect();
    for (i, (key, var)) in vars.iter().enumerate() {
        let at = under!(at, *key);
        if let Some(p) = env_name(at.clone(), var) {
            out.push(p);
            continue;
        }
        let clash = if let Some((first, _)) = vars[..i].iter().find(|(_, v)| v == var) {
            Some(format!("`identity.{first}`"))
        } else if c.env.contains_key(*var) {
            Some("`env`".to_owned())
        } else {
            needs.get(var).cloned()
        };
        if let Some(clash) = clash {
            out.push(
                Problem::new(at, format!("`{var}` is set both here and by {clash}")).help(format!(
                    "a variable has one value: rename `identity.{key}` or the other one"
                )),
            );
        }
    }
}

/// A StatefulSet replaces its pods one at a time, in place: it cannot surge, does not
/// recreate, and has no progress deadline. Its partition must leave a pod to update.
fn check_rollout(c: &Component, at: &Path, out: &mut Vec<Problem>) {
    let r = &c.rollout;
    if r.strategy == RolloutStrategy::Recreate {
        out.push(
            Problem::new(
                under!(at, "strategy"),
                "a `stateful` component replaces its pods one at a time, from the highest number down; it cannot stop them all first",
            )
            .help("remove `strategy`; to stop every pod for an upgrade, scale to 0 first"),
        );
    }
    let unsupported = [
        (
            "max_surge",
            r.max_surge.is_some(),
            "a pod's name and volume exist once, so there is never an extra pod",
        ),
        (
            "max_unavailable",
            r.max_unavailable.is_some(),
            "pods are replaced one at a time",
        ),
        (
            "progress_deadline",
            r.progress_deadline.is_some(),
            "a StatefulSet has no progress deadline",
        ),
    ];
    for (key, _, why) in unsupported.iter().filter(|(_, set, _)| *set) {
        out.push(
            Problem::new(
                under!(at, *key),
                format!("`{key}` does not apply to a `stateful` component: {why}"),
            )
            .at_key()
            .help(format!("remove `{key}`")),
        );
    }
    let Some(partition) = r.partition else { return };
    let replicas = c.replicas_or_default();
    if partition >= replicas.min().max(1) {
        let highest = replicas.min().saturating_sub(1);
        let count = if replicas.is_range() {
            format!("at least {} pods", replicas.min())
        } else {
            format!("{} pods", replicas.min())
        };
        out.push(
            Problem::new(
                under!(at, "partition"),
                format!(
                    "`partition: {partition}` leaves no pod to update: with {count} the highest number that is sure to exist is {highest}"
                ),
            )
            .help(format!(
                "use {highest} or less: pods numbered at or above the partition get the new version"
            )),
        );
    }
}

/// The governing Service is named after the component; it must not take the name of
/// another component's or service's Service.
fn check_headless_name(name: &str, at: &Path, declared: &Declared, out: &mut Vec<Problem>) {
    let headless = format!("{name}{HEADLESS_SUFFIX}");
    let taken_by = if declared.components.contains_key(&headless) {
        "component"
    } else if declared.services.contains_key(&headless) {
        "service"
    } else {
        return;
    };
    out.push(
        Problem::new(
            at.clone(),
            format!("the headless Service of `{name}` would be named `{headless}`, like the {taken_by} `{headless}`"),
        )
        .at_key()
        .help(format!("rename `{name}` or the {taken_by} `{headless}`")),
    );
}

/// The settings of runs to completion; a `cron` needs its schedule.
fn check_runs(c: &Component, at: &Path, out: &mut Vec<Problem>) {
    if c.kind == Cron && c.schedule.is_none() {
        out.push(
            Problem::new(under!(at, "kind"), "a `cron` needs a `schedule`")
                .help("add `schedule:` with five fields (minute hour day-of-month month day-of-week), such as `schedule: \"30 2 * * *\"`"),
        );
    }
    if c.deadline.is_some_and(|d| d.get() == 0) {
        out.push(
            Problem::new(
                under!(at, "deadline"),
                "`deadline: 0` would stop every run as it starts",
            )
            .help("give the longest a run may take, or remove `deadline` for no limit"),
        );
    }
    if let Some(late) = c
        .starting_deadline
        .filter(|d| d.get() < MIN_STARTING_DEADLINE)
    {
        out.push(
            Problem::new(
                under!(at, "starting_deadline"),
                format!("the CronJob controller looks for due runs every {MIN_STARTING_DEADLINE} seconds, so a `starting_deadline` of {late} may skip every run"),
            )
            .help(format!("use {MIN_STARTING_DEADLINE}s or more, or remove it")),
        );
    }
}
