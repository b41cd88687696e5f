//! Scheduled backups of a backing service: when (a cron schedule Kubernetes accepts),
//! where (a volume, or an s3 service that exists), how much room, and for how long.

use shipshape_grammar::cron::{self, CronError};

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

/// Why `schedule` is not one Kubernetes accepts, in the words of a backup's problem.
fn check_schedule(schedule: &str) -> Result<(), String> {
    cron::Schedule::parse(schedule)
        .map(|_| ())
        .map_err(|e| match e {
            CronError::TimeZone => {
                "it names a time zone, which Kubernetes refuses in a schedule".to_owned()
            }
            CronError::Descriptor(_) => {
                format!("the macros are {}", super::list(&cron::DESCRIPTORS))
            }
            CronError::Duration(duration) => {
                format!("`@every` takes a duration such as `90m`, not `{duration}`")
            }
            CronError::FieldCount(n) => format!("it has {n} fields, not 5"),
            CronError::Field { field, item, .. } => format!(
                "{} `{item}` is not in {}-{}",
                field.name, field.min, field.max
            ),
        })
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
        // Backups refused `@every` and did not look for a time zone; the API server
        // accepts the first and refuses the second.
        assert_eq!(check_schedule("@every 12h"), Ok(()));
        assert_eq!(
            check_schedule("CRON_TZ=UTC 0 2 * * *"),
            Err("it names a time zone, which Kubernetes refuses in a schedule".to_owned())
        );
    }
}
