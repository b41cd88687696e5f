//! Scheduled backups of a backing service: when (a cron schedule Kubernetes accepts),
//! where (a volume, or an s3 service that exists), how much room, and for how long.

use super::{Known, under};
use crate::app::AppSpec;
use crate::problem::{Path, Problem};
use crate::services::{BackingService, Backup, Provider, ServiceType};

/// CronJob names must leave room for the 11 characters the controller appends to name
/// each Job.
const MAX_CRONJOB_NAME: usize = 52;

/// The suffix of a backup CronJob's name.
const BACKUP_SUFFIX: &str = "-backup";

/// Every check of a service's `backup`, which is at `at`.
pub(super) fn check(
    name: &str,
    s: &BackingService,
    b: &Backup,
    spec: &AppSpec,
    at: &Path,
    out: &mut Vec<Problem>,
) {
    if let Err(why) = check_schedule(&b.schedule) {
        out.push(
            Problem::new(under!(at, "schedule"), format!("`{}` is not a cron schedule: {why}", b.schedule))
                .help("write five fields in UTC, minute hour day-of-month month day-of-week, such as `0 2 * * *` for 02:00 daily, or `@daily`"),
        );
    }
    if b.retention == Some(0) {
        out.push(
            Problem::new(under!(at, "retention"), "`retention` must be 1 or more")
                .help("it is the number of days a backup is kept, such as 7"),
        );
    }
    check_target(s, b, spec, at, out);
    if s.provider() == Provider::CloudnativePg {
        check_operator_backup(b, at, out);
    } else {
        check_job(name, s, b, at, out);
    }
}

/// `to` is `pvc` or the name of an s3 service; CloudNativePG writes to object stores only.
fn check_target(s: &BackingService, b: &Backup, spec: &AppSpec, at: &Path, out: &mut Vec<Problem>) {
    let at = under!(at, "to");
    if b.to_pvc() {
        if s.provider() == Provider::CloudnativePg {
            out.push(
                Problem::new(at, "CloudNativePG backs up to an object store, not to a volume")
                    .help("point `to` at an s3 service: the operator archives WAL there continuously and takes base backups on the schedule"),
            );
        }
        return;
    }
    match spec.services.get(&b.to) {
        Some(target) if target.kind == ServiceType::S3 => {}
        Some(target) => out.push(
            Problem::new(
                at,
                format!("`{}` is a {} service, not an s3 one", b.to, target.kind),
            )
            .help("point `to` at an s3 service, or write `pvc` for a volume"),
        ),
        None => {
            let s3 = spec
                .services
                .iter()
                .filter(|(_, t)| t.kind == ServiceType::S3)
                .map(|(n, _)| n.as_str())
                .chain([Backup::PVC]);
            let known = Known::declared("s3 service", &["services"], s3);
            out.extend(known.check(at, &b.to));
        }
    }
}

/// The operator sizes nothing for backups: it streams them to the object store.
fn check_operator_backup(b: &Backup, at: &Path, out: &mut Vec<Problem>) {
    for (field, set) in [("size", b.size.is_some()), ("class", b.class.is_some())] {
        if set {
            out.push(
                Problem::new(
                    under!(at, field),
                    format!("`{field}` does not apply to cloudnative-pg backups"),
                )
                .at_key()
                .help("CloudNativePG streams base backups and WAL straight to the object store: remove it"),
            );
        }
    }
}

/// A backup CronJob needs a name Kubernetes accepts and a volume size to start from.
fn check_job(name: &str, s: &BackingService, b: &Backup, at: &Path, out: &mut Vec<Problem>) {
    let job = format!("{name}{BACKUP_SUFFIX}");
    if job.len() > MAX_CRONJOB_NAME {
        // Renaming the service is the fix, so point at its name.
        let service_at = at[..at.len() - 1].to_vec();
        out.push(
            Problem::new(
                service_at,
                format!(
                    "service name `{name}` is {} characters long, too long for its backup CronJob `{job}`",
                    name.len()
                ),
            )
            .at_key()
            .help(format!(
                "shorten it to {} characters or fewer",
                MAX_CRONJOB_NAME - BACKUP_SUFFIX.len()
            )),
        );
    }
    if b.size.is_none() && s.storage.is_none() {
        let room = if b.to_pvc() {
            "the dumps of `retention` days"
        } else {
            "one dump, which is written there before it is uploaded"
        };
        out.push(
            Problem::new(
                at.clone(),
                "`backup` needs `size`, since the service has no `storage` to size it by",
            )
            .help(format!(
                "add `size:` with room for {room}, such as `size: 50Gi`"
            )),
        );
    }
}

/// Why `schedule` is not one Kubernetes accepts: five fields, or a macro.
fn check_schedule(schedule: &str) -> Result<(), String> {
    const MACROS: &[&str] = &[
        "@yearly",
        "@annually",
        "@monthly",
        "@weekly",
        "@daily",
        "@midnight",
        "@hourly",
    ];
    if schedule.starts_with('@') {
        return if MACROS.contains(&schedule) {
            Ok(())
        } else {
            Err(format!("the macros are {}", super::list(MACROS)))
        };
    }
    let fields: Vec<&str> = schedule.split_whitespace().collect();
    if fields.len() != 5 {
        return Err(format!("it has {} fields, not 5", fields.len()));
    }
    const NAMES: [(&str, u32, u32, &[&str]); 5] = [
        ("minute", 0, 59, &[]),
        ("hour", 0, 23, &[]),
        ("day of month", 1, 31, &[]),
        (
            "month",
            1,
            12,
            &[
                "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
            ],
        ),
        (
            "day of week",
            0,
            6,
            &["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"],
        ),
    ];
    for (field, (what, low, high, names)) in fields.iter().zip(NAMES) {
        check_field(field, low, high, names)
            .map_err(|value| format!("{what} `{value}` is not in {low}-{high}"))?;
    }
    Ok(())
}

/// A cron field: `*` or `?`, or a list of values and ranges, each with an optional
/// `/step`. The error is the part that is out of range or unreadable.
fn check_field(field: &str, low: u32, high: u32, names: &[&str]) -> Result<(), String> {
    let value = |v: &str| -> Option<u32> {
        v.parse::<u32>()
            .ok()
            .or_else(|| {
                let upper = v.to_ascii_uppercase();
                let i = names.iter().position(|n| *n == upper)?;
                u32::try_from(i).ok().map(|i| i + low)
            })
            .filter(|n| (low..=high).contains(n))
    };
    for part in field.split(',') {
        let (range, step) = part
            .split_once('/')
            .map_or((part, None), |(r, s)| (r, Some(s)));
        if step.is_some_and(|s| s.parse::<u32>().map_or(true, |n| n == 0)) {
            return Err(part.to_owned());
        }
        let valid = match range.split_once('-') {
            _ if range == "*" || range == "?" => true,
            Some((a, b)) => value(a).zip(value(b)).is_some_and(|(a, b)| a <= b),
            None => value(range).is_some(),
        };
        if !valid {
            return Err(part.to_owned());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedules() {
        for good in [
            "0 2 * * *",
            "*/15 * * * *",
            "0 0 1,15 * MON-FRI",
            "@daily",
            "0 */6 * * *",
        ] {
            assert_eq!(check_schedule(good), Ok(()), "{good}");
        }
        assert_eq!(
            check_schedule("0 2 * *"),
            Err("it has 4 fields, not 5".to_owned())
        );
        assert_eq!(
            check_schedule("0 25 * * *"),
            Err("hour `25` is not in 0-23".to_owned())
        );
        assert!(check_schedule("*/0 * * * *").is_err());
        assert!(check_schedule("@nightly").is_err());
        assert!(check_schedule("0 0 * * 5-1").is_err());
    }
}
