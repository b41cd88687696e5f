use crate::{Emitter, Object, ObjectRule, declare_rule};
use shipshape_manifest::kinds;

declare_rule! {
    /// ## What it checks
    /// CronJob schedules the API server refuses: anything but five fields (minute,
    /// hour, day of month, month, day of week) of numbers, names (`JAN`, `MON`),
    /// ranges, lists, steps, `*` and `?` within each field's bounds, or a descriptor
    /// (`@hourly`, `@daily`, `@weekly`, `@monthly`, `@yearly`, `@every 90m`). A `TZ=` or
    /// `CRON_TZ=` prefix is refused too.
    ///
    /// ## Why it matters
    /// The apply fails, often halfway through a release, and cron mistakes (six
    /// fields copied from Quartz or Spring, `0-24` hours, weekday `7`) are easy to make
    /// and hard to see in review.
    ///
    /// ## How to fix
    /// Write five standard cron fields; put the time zone in `spec.timeZone`
    /// (`Europe/Berlin`).
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: batch/v1
    /// kind: CronJob
    /// metadata:
    ///   name: nightly
    /// spec:
    ///   schedule: "CRON_TZ=Europe/Berlin 0 0 3 * * ?"
    ///   jobTemplate:
    ///     spec:
    ///       template:
    ///         spec:
    ///           restartPolicy: Never
    ///           containers:
    ///             - name: nightly
    ///               image: example/nightly:1.0.0
    /// ```
    ///
    /// ## Fixed
    /// ```yaml
    /// apiVersion: batch/v1
    /// kind: CronJob
    /// metadata:
    ///   name: nightly
    /// spec:
    ///   schedule: "0 3 * * *"
    ///   timeZone: Europe/Berlin
    ///   jobTemplate:
    ///     spec:
    ///       template:
    ///         spec:
    ///           restartPolicy: Never
    ///           containers:
    ///             - name: nightly
    ///               image: example/nightly:1.0.0
    /// ```
    pub struct CronJobScheduleInvalid {
        id: "SS164",
        name: "cronjob-schedule-invalid",
        severity: Error,
        theme: Correctness,
        summary: "CronJob schedule is not a cron expression the API server accepts",
    }
}

/// One field of a cron expression.
struct Field {
    name: &'static str,
    min: u32,
    max: u32,
    /// Names accepted for values, from `min` on (`JAN` is 1, `SUN` is 0).
    names: &'static [&'static str],
}

const FIELDS: [Field; 5] = [
    Field {
        name: "minute",
        min: 0,
        max: 59,
        names: &[],
    },
    Field {
        name: "hour",
        min: 0,
        max: 23,
        names: &[],
    },
    Field {
        name: "day of month",
        min: 1,
        max: 31,
        names: &[],
    },
    Field {
        name: "month",
        min: 1,
        max: 12,
        names: &[
            "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
        ],
    },
    Field {
        name: "day of week",
        min: 0,
        max: 6,
        names: &["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"],
    },
];

/// The descriptors the controller's cron parser accepts besides `@every`.
const DESCRIPTORS: [&str; 7] = [
    "@yearly",
    "@annually",
    "@monthly",
    "@weekly",
    "@daily",
    "@midnight",
    "@hourly",
];

impl Field {
    fn value(&self, text: &str) -> Result<u32, String> {
        let upper = text.to_ascii_uppercase();
        let value = match self.names.iter().position(|n| *n == upper) {
            Some(i) => self.min + u32::try_from(i).unwrap_or(0),
            None => text
                .parse()
                .map_err(|_| format!("{} `{text}` is not a number", self.name))?,
        };
        if (self.min..=self.max).contains(&value) {
            Ok(value)
        } else {
            Err(format!(
                "{} {value} is outside {}-{}",
                self.name, self.min, self.max
            ))
        }
    }

    /// Checks one comma-separated item: `*`, `?`, `5`, `1-5`, `*/15`, `10-50/5`.
    fn item(&self, item: &str) -> Result<(), String> {
        let (range, step) = match item.split_once('/') {
            Some((range, step)) => (range, Some(step)),
            None => (item, None),
        };
        if let Some(step) = step
            && step.parse::<u32>().map_or(true, |s| s == 0)
        {
            return Err(format!(
                "{} step `{step}` is not a positive number",
                self.name
            ));
        }
        if range == "*" || range == "?" {
            return Ok(());
        }
        let (start, end) = match range.split_once('-') {
            Some((start, end)) => (self.value(start)?, self.value(end)?),
            None => {
                let value = self.value(range)?;
                (value, value)
            }
        };
        if start > end {
            return Err(format!("{} range `{range}` runs backwards", self.name));
        }
        Ok(())
    }
}

/// Why the API server refuses `schedule`, if it does.
fn problem(schedule: &str) -> Option<String> {
    let schedule = schedule.trim();
    if schedule.contains("TZ") {
        return Some("a time zone belongs in spec.timeZone, not in the schedule".to_owned());
    }
    if let Some(descriptor) = schedule.strip_prefix('@') {
        return match descriptor.strip_prefix("every ") {
            Some(duration) if is_duration(duration.trim()) => None,
            Some(duration) => Some(format!(
                "`{duration}` is not a duration such as 90m or 1h30m"
            )),
            None if DESCRIPTORS.contains(&schedule) => None,
            None => Some(format!("`{schedule}` is not a cron descriptor")),
        };
    }
    let fields: Vec<&str> = schedule.split_whitespace().collect();
    if fields.len() != FIELDS.len() {
        return Some(format!(
            "{} fields where cron has 5 (minute hour day-of-month month day-of-week)",
            fields.len()
        ));
    }
    FIELDS
        .iter()
        .zip(fields)
        .find_map(|(field, text)| text.split(',').find_map(|item| field.item(item).err()))
}

/// Whether `text` is a Go duration the `@every` descriptor takes: `90m`, `1h30m`, `1.5h`.
fn is_duration(text: &str) -> bool {
    const UNITS: [&str; 7] = ["ns", "us", "µs", "ms", "s", "m", "h"];
    let mut rest = text;
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        if digits == 0 {
            return false;
        }
        rest = &rest[digits..];
        // Longest unit first, so `ms` is not read as `m` followed by `s`.
        let Some(unit) = UNITS
            .iter()
            .filter(|u| rest.starts_with(**u))
            .max_by_key(|u| u.len())
        else {
            return false;
        };
        rest = &rest[unit.len()..];
    }
    !text.is_empty()
}

impl ObjectRule for CronJobScheduleInvalid {
    fn check(&self, object: &Object, out: &mut Emitter<'_>) {
        if !object.is(&kinds::CRON_JOB) {
            return;
        }
        let Some(schedule) = object.str_at("/spec/schedule") else {
            return;
        };
        if let Some(problem) = problem(schedule) {
            out.report(
                object,
                "/spec/schedule",
                format!("schedule `{schedule}` is refused: {problem}"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::problem;

    #[test]
    fn standard_schedules_and_descriptors_pass() {
        for ok in [
            "*/15 * * * *",
            "0 3 * * *",
            "0 9-17/2 * * MON-FRI",
            "30 1 1,15 jan,jul ?",
            "@daily",
            "@every 1h30m",
        ] {
            assert_eq!(problem(ok), None, "{ok}");
        }
    }

    #[test]
    fn what_the_api_server_refuses_is_explained() {
        for (bad, why) in [
            ("0 0 3 * * ?", "6 fields"),
            ("0 24 * * *", "hour 24 is outside 0-23"),
            ("0 3 * * 7", "day of week 7 is outside 0-6"),
            ("*/0 * * * *", "step `0`"),
            ("0 5-3 * * *", "runs backwards"),
            ("TZ=UTC 0 3 * * *", "spec.timeZone"),
            ("@fortnightly", "not a cron descriptor"),
            ("@every soon", "not a duration"),
        ] {
            let problem = problem(bad).unwrap_or_default();
            assert!(problem.contains(why), "{bad}: {problem}");
        }
    }
}
