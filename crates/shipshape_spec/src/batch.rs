//! What only `kind: job` and `kind: cron` components have: the schedule and how runs
//! overlap, are retried and are kept.

use std::borrow::Cow;
use std::fmt;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::Deserialize;
use serde::de::{self, Deserializer};

/// When a `cron` runs: five cron fields (minute, hour, day of month, month, day of week)
/// or a shorthand such as `@daily`, checked as the CronJob controller parses them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule(String);

/// The shorthands the CronJob controller accepts besides five fields.
const SHORTHANDS: &[&str] = &[
    "@yearly",
    "@annually",
    "@monthly",
    "@weekly",
    "@daily",
    "@midnight",
    "@hourly",
];

/// One of the five fields: its name, what one of its values is, its bounds, and the
/// names it accepts for its values (the first name stands for `min`).
struct Field {
    name: &'static str,
    value: &'static str,
    min: u32,
    max: u32,
    names: &'static [&'static str],
}

const FIELDS: [Field; 5] = [
    Field {
        name: "minute",
        value: "a minute",
        min: 0,
        max: 59,
        names: &[],
    },
    Field {
        name: "hour",
        value: "an hour",
        min: 0,
        max: 23,
        names: &[],
    },
    Field {
        name: "day-of-month",
        value: "a day of the month",
        min: 1,
        max: 31,
        names: &[],
    },
    Field {
        name: "month",
        value: "a month",
        min: 1,
        max: 12,
        names: &[
            "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
        ],
    },
    Field {
        name: "day-of-week",
        value: "a day of the week",
        min: 0,
        max: 6,
        names: &["sun", "mon", "tue", "wed", "thu", "fri", "sat"],
    },
];

impl Schedule {
    /// Parses a schedule.
    ///
    /// # Errors
    /// A message that names the field at fault and its valid values.
    pub fn parse(text: &str) -> Result<Schedule, String> {
        let text = text.trim();
        if text.contains("TZ") {
            return Err(format!(
                "`{text}` sets a time zone in the schedule, which Kubernetes rejects: write the schedule alone and the zone in `time_zone`"
            ));
        }
        if text.starts_with('@') {
            return if SHORTHANDS.contains(&text) {
                Ok(Schedule(text.to_owned()))
            } else {
                Err(format!(
                    "`{text}` is not a schedule shorthand: use one of {}, or five fields",
                    SHORTHANDS.join(", ")
                ))
            };
        }
        let parts: Vec<&str> = text.split_whitespace().collect();
        if parts.len() != FIELDS.len() {
            return Err(format!(
                "`{text}` has {} fields, but a schedule has 5: minute hour day-of-month month day-of-week, such as `30 2 * * *`",
                parts.len()
            ));
        }
        for (part, field) in parts.iter().zip(&FIELDS) {
            field.check(part)?;
        }
        Ok(Schedule(parts.join(" ")))
    }

    /// The schedule as the CronJob's `schedule`.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Field {
    /// Checks one field: a comma-separated list of `*`, `?`, `N` or `N-M`, each
    /// optionally followed by `/STEP`.
    fn check(&self, text: &str) -> Result<(), String> {
        for item in text.split(',') {
            let (range, step) = match item.split_once('/') {
                Some((range, step)) => (range, Some(step)),
                None => (item, None),
            };
            if let Some(step) = step
                && !step.parse::<u32>().is_ok_and(|s| s > 0)
            {
                return Err(format!(
                    "`{item}` in the {} field has the step `{step}`: a step is a whole number of 1 or more",
                    self.name
                ));
            }
            if range == "*" || range == "?" {
                continue;
            }
            let (low, high) = range.split_once('-').unwrap_or((range, range));
            let (low, high) = (self.value(low)?, self.value(high)?);
            if low > high {
                return Err(format!(
                    "`{range}` in the {} field starts after it ends: write the smaller value first",
                    self.name
                ));
            }
        }
        Ok(())
    }

    /// A value of this field, as a number or a name.
    fn value(&self, text: &str) -> Result<u32, String> {
        let lower = text.to_ascii_lowercase();
        let number = match self.names.iter().position(|n| *n == lower) {
            Some(i) => Some(self.min + u32::try_from(i).unwrap_or(0)),
            None => text.parse::<u32>().ok(),
        };
        number
            .filter(|n| (self.min..=self.max).contains(n))
            .ok_or_else(|| {
                let names = match self.names {
                    [] => String::new(),
                    [first, .., last] => format!(" or `{first}` to `{last}`"),
                    [one] => format!(" or `{one}`"),
                };
                format!(
                    "`{text}` is not {}: use {} to {}{names}",
                    self.value, self.min, self.max
                )
            })
    }
}

impl fmt::Display for Schedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Schedule {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Schedule::parse(&text).map_err(de::Error::custom)
    }
}

impl JsonSchema for Schedule {
    fn schema_name() -> Cow<'static, str> {
        "Schedule".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "description": "Five cron fields (minute hour day-of-month month day-of-week), such as `30 2 * * *`, or @yearly, @monthly, @weekly, @daily, @hourly."
        })
    }
}

/// An IANA time zone name, such as `Etc/UTC` or `Europe/Berlin`.
///
/// Only its form is checked here: whether the zone exists is decided by the API server's
/// time zone database when the CronJob is applied, and shipshape has no copy of it that
/// would match every cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeZone(String);

impl TimeZone {
    /// Checks the form of an IANA name: `Area/Location` parts of letters, digits, `_`,
    /// `+` and `-`.
    ///
    /// # Errors
    /// A message saying what an IANA name looks like.
    pub fn parse(text: &str) -> Result<TimeZone, String> {
        let part_ok = |p: &str| {
            p.starts_with(|c: char| c.is_ascii_alphabetic())
                && p.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "_+-".contains(c))
        };
        if text.eq_ignore_ascii_case("local") {
            return Err(
                "`Local` is whatever zone the controller manager runs in: name the zone, such as `Etc/UTC`"
                    .to_owned(),
            );
        }
        if text.is_empty() || !text.split('/').all(part_ok) {
            return Err(format!(
                "`{text}` is not an IANA time zone name: write one such as `Etc/UTC` or `Europe/Berlin`"
            ));
        }
        Ok(TimeZone(text.to_owned()))
    }

    /// The name, as the CronJob's `timeZone`.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for TimeZone {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        TimeZone::parse(&text).map_err(de::Error::custom)
    }
}

impl JsonSchema for TimeZone {
    fn schema_name() -> Cow<'static, str> {
        "TimeZone".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "description": "An IANA time zone name, such as `Etc/UTC` or `Europe/Berlin`."
        })
    }
}

/// What a `cron` does when a run is due while the previous one is still going.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Concurrency {
    /// Skip the new run. The default: two runs of a batch task at once (two backups,
    /// two reports) usually step on each other.
    #[default]
    Forbid,
    /// Start the new run alongside.
    Allow,
    /// Stop the running one and start the new one.
    Replace,
}

impl Concurrency {
    /// The CronJob's `concurrencyPolicy`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Concurrency::Forbid => "Forbid",
            Concurrency::Allow => "Allow",
            Concurrency::Replace => "Replace",
        }
    }
}

/// Finished runs of a `cron` kept, with their pods and logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct History {
    /// Successful runs kept. Defaults to 3.
    pub succeeded: u32,
    /// Failed runs kept. Defaults to 1.
    pub failed: u32,
}

impl Default for History {
    fn default() -> Self {
        History {
            succeeded: 3,
            failed: 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedules() {
        for ok in [
            "30 2 * * *",
            "*/15 * * * *",
            "0 0-23/2 1,15 jan-jun MON-FRI",
            "0 3 ? * sun",
            "@daily",
            " 5  4 * * 0 ",
        ] {
            assert!(Schedule::parse(ok).is_ok(), "{ok}");
        }
        assert_eq!(
            Schedule::parse(" 5  4 * * 0 ").unwrap().as_str(),
            "5 4 * * 0"
        );
        for (bad, why) in [
            ("* * * *", "has 4 fields"),
            ("60 * * * *", "`60` is not a minute: use 0 to 59"),
            ("0 0 0 * *", "`0` is not a day of the month: use 1 to 31"),
            (
                "0 0 * 13 *",
                "`13` is not a month: use 1 to 12 or `jan` to `dec`",
            ),
            (
                "0 0 * * 7",
                "`7` is not a day of the week: use 0 to 6 or `sun` to `sat`",
            ),
            ("*/0 * * * *", "the step `0`"),
            ("5-1 * * * *", "starts after it ends"),
            ("@every 1h", "not a schedule shorthand"),
            ("CRON_TZ=UTC 0 * * * *", "sets a time zone"),
        ] {
            let err = Schedule::parse(bad).unwrap_err();
            assert!(err.contains(why), "{bad}: {err}");
        }
    }

    #[test]
    fn time_zones() {
        for ok in [
            "Etc/UTC",
            "UTC",
            "America/Argentina/Buenos_Aires",
            "Etc/GMT+5",
        ] {
            assert!(TimeZone::parse(ok).is_ok(), "{ok}");
        }
        for bad in ["", "Local", "Europe/", "UTC+1:00", "Europe Berlin", "/UTC"] {
            assert!(TimeZone::parse(bad).is_err(), "{bad}");
        }
    }
}
