//! How a component's pods run: image, replicas and autoscaling, rollout, shutdown,
//! placement, disruption budget, security and migrations.

use super::{absolute, exactly_one, under};
use crate::component::{
    Component, IntOrPercent, Migrations, Rollout, RolloutStrategy, TaintEffect, Toleration,
    TolerationOperator,
};
use crate::defaults::ShutdownTimes;
use crate::problem::{Path, Problem};

/// Every check of this module for the component at `at`.
pub(super) fn check(c: &Component, at: &Path, out: &mut Vec<Problem>) {
    check_image(c, at, out);
    check_autoscale(c, at, out);
    check_rollout(&c.rollout, &under!(at, "rollout"), out);
    check_shutdown(c, at, out);
    if c.spread.max_skew == 0 {
        out.push(
            Problem::new(
                under!(at, "spread", "max_skew"),
                "`max_skew` must be 1 or more",
            )
            .help("1 keeps zones within one pod of each other"),
        );
    }
    for (i, t) in c.tolerations.iter().enumerate() {
        check_toleration(t, &under!(at, "tolerations", i), out);
    }
    if let Some(m) = &c.migrations {
        check_migrations(m, &under!(at, "migrations"), out);
    }
    for (i, path) in c.security.writable.iter().enumerate() {
        out.extend(absolute(
            under!(at, "security", "writable", i),
            path,
            "writable path",
        ));
    }
    if c.disruption
        .as_ref()
        .is_some_and(|d| d.max_unavailable == 0)
    {
        out.push(
            Problem::new(
                under!(at, "disruption", "max_unavailable"),
                "`max_unavailable: 0` would block every node drain",
            )
            .help("allow at least 1 pod to be down, so nodes can be drained for upgrades"),
        );
    }
}

/// A tag that can move (none, or `latest`) means pods of one deployment may run
/// different code; a digest pins the image whatever the tag says.
fn check_image(c: &Component, at: &Path, out: &mut Vec<Problem>) {
    let image = &c.image;
    if c.allow_mutable_tag || image.digest.is_some() {
        return;
    }
    let repo = match image.tag.as_deref() {
        None => image.reference.as_str(),
        Some("latest") => image.reference.trim_end_matches(":latest"),
        Some(_) => return,
    };
    let what = if image.tag.is_some() {
        "the tag `latest`"
    } else {
        "no tag, which means `latest`"
    };
    out.push(
        Problem::new(
            under!(at, "image"),
            format!(
                "image `{}` has {what}: each new pod may run different code",
                image.reference
            ),
        )
        .help(format!(
            "pin a version (`{repo}:1.2.3`) or a digest (`{repo}@sha256:…`), or set `allow_mutable_tag: true`"
        )),
    );
}

/// An HPA owns the replica count, so it needs a range to move in, and a target to
/// move by.
fn check_autoscale(c: &Component, at: &Path, out: &mut Vec<Problem>) {
    let Some(a) = &c.autoscale else { return };
    match c.replicas {
        Some(r) if r.is_range() => {}
        Some(r) => out.push(
            Problem::new(
                under!(at, "replicas"),
                format!(
                    "`replicas: {r}` is a fixed count, but `autoscale` needs a range: an HPA needs a range such as 2..10"
                ),
            )
            .help("write `replicas: MIN..MAX`, such as `2..10`, or remove `autoscale` (`autoscale: null` in an environment)"),
        ),
        None => out.push(
            Problem::new(
                under!(at, "autoscale"),
                "`autoscale` needs `replicas` as a range: an HPA needs a range such as 2..10",
            )
            .at_key()
            .help("add `replicas: MIN..MAX`, such as `replicas: 2..10`"),
        ),
    }
    if a.cpu.is_none() && a.memory.is_none() && a.pods.is_empty() {
        out.push(
            Problem::new(
                under!(at, "autoscale"),
                "`autoscale` sets no target, so the HPA has nothing to scale by",
            )
            .at_key()
            .help("add `cpu: 70%`, `memory: 80%`, or a per-pod metric under `pods:`"),
        );
    }
}

fn check_rollout(r: &Rollout, at: &Path, out: &mut Vec<Problem>) {
    if r.strategy == RolloutStrategy::Recreate {
        let rolling_only = [
            ("max_surge", r.max_surge.is_some()),
            ("max_unavailable", r.max_unavailable.is_some()),
        ];
        for (key, _) in rolling_only.iter().filter(|(_, set)| *set) {
            out.push(
                Problem::new(
                    under!(at, *key),
                    format!("`{key}` applies only to rolling updates, not `strategy: recreate`"),
                )
                .at_key()
                .help(format!("remove `{key}`, or use `strategy: rolling`")),
            );
        }
        return;
    }
    // Defaults: one extra pod, none missing.
    let zero = |v: &IntOrPercent| matches!(v, IntOrPercent::Int(0) | IntOrPercent::Percent(0));
    let surge_zero = r.max_surge.as_ref().is_some_and(zero);
    let unavailable_zero = r.max_unavailable.as_ref().is_none_or(zero);
    if surge_zero && unavailable_zero {
        out.push(
            Problem::new(
                under!(at, "max_surge"),
                "with `max_surge: 0` and `max_unavailable: 0` the rollout could never progress: it may neither add a pod nor remove one",
            )
            .help("allow one extra pod (`max_surge: 1`) or one missing pod (`max_unavailable: 1`)"),
        );
    }
}

/// The grace period must cover the pause before SIGTERM and the drain after it, or the
/// kubelet kills pods in the middle of their work.
fn check_shutdown(c: &Component, at: &Path, out: &mut Vec<Problem>) {
    let s = &c.shutdown;
    let Some(grace) = s.grace else { return };
    let ShutdownTimes {
        pre_stop, drain, ..
    } = c.shutdown_times();
    let needed = pre_stop.saturating_add(drain);
    if grace.get() < needed {
        out.push(
            Problem::new(
                under!(at, "shutdown", "grace"),
                format!(
                    "`grace` ({grace}) is shorter than pre_stop ({pre_stop}s) + drain ({drain}s): pods are killed before they finish"
                ),
            )
            .help(format!(
                "set `grace: {needed}` or more, or remove it to get pre_stop + drain + 5s"
            )),
        );
    }
}

/// What the API server rejects in a toleration.
fn check_toleration(t: &Toleration, at: &Path, out: &mut Vec<Problem>) {
    let exists = t.operator == Some(TolerationOperator::Exists);
    if exists && t.value.is_some() {
        out.push(
            Problem::new(
                under!(at, "value"),
                "a toleration with `operator: Exists` matches any value, so it cannot set `value`",
            )
            .at_key()
            .help("remove `value`, or use `operator: Equal`"),
        );
    }
    if !exists && t.key.as_deref().is_none_or(str::is_empty) {
        out.push(
            Problem::new(
                at.clone(),
                "a toleration without `key` must use `operator: Exists`",
            )
            .help("add the taint's `key`, or `operator: Exists` to tolerate every taint"),
        );
    }
    if t.seconds.is_some() && t.effect != Some(TaintEffect::NoExecute) {
        out.push(
            Problem::new(
                under!(at, "seconds"),
                "`seconds` applies only to `effect: NoExecute`",
            )
            .at_key()
            .help("set `effect: NoExecute`, or remove `seconds`"),
        );
    }
}

fn check_migrations(m: &Migrations, at: &Path, out: &mut Vec<Problem>) {
    exactly_one(
        at,
        "`migrations`",
        &[("command", m.command.is_some()), ("on_start", m.on_start)],
        out,
    );
    if m.args.is_some() && m.command.is_none() {
        out.push(
            Problem::new(under!(at, "args"), "`args` needs `command`")
                .at_key()
                .help("add the migration `command`, or remove `args`"),
        );
    }
}
