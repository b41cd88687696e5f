//! What only `kind: job` and `kind: cron` components have: the schedule and how runs
//! overlap, are retried and are kept.

use std::borrow::Cow;
use std::fmt;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::Deserialize;
use serde::de::{self, Deserializer};
use shipshape_grammar::cron::{self, CronError, FieldFault};

/// When a `cron` runs: five cron fields (minute, hour, day of month, month, day of week)
/// or a shorthand such as `@daily`, checked as the CronJob controller parses them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule(String);

impl Schedule {
    /// Parses a schedule with the API server's grammar (surrounding blanks removed,
    /// fields joined by one space).
    ///
    /// # Errors
    /// A message that names the field at fault and its valid values.
    pub fn parse(text: &str) -> Result<Schedule, String> {
        let text = text.trim();
        match cron::Schedule::parse(text) {
            Ok(cron::Schedule::Fields(fields)) => Ok(Schedule(fields.join(" "))),
            Ok(_) => Ok(Schedule(text.to_owned())),
            Err(e) => Err(message(text, &e)),
        }
    }

    /// The schedule as the CronJob's `schedule`.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Why `text` is refused, in the spec's words (which name the spec's `time_zone`).
fn message(text: &str, error: &CronError) -> String {
    match error {
        CronError::TimeZone => format!(
            "`{text}` sets a time zone in the schedule, which Kubernetes rejects: write the schedule alone and the zone in `time_zone`"
        ),
        CronError::Descriptor(_) => format!(
            "`{text}` is not a schedule shorthand: use one of {}, or five fields",
            cron::DESCRIPTORS.join(", ")
        ),
        CronError::Duration(duration) => {
            format!("`{duration}` is not a duration: `@every` takes one such as `90m` or `1h30m`")
        }
        CronError::FieldCount(n) => format!(
            "`{text}` has {n} fields, but a schedule has 5: minute hour day-of-month month day-of-week, such as `30 2 * * *`"
        ),
        CronError::Field { field, item, fault } => {
            let name = field.name.replace(' ', "-");
            match fault {
                FieldFault::NotAValue(value) | FieldFault::OutOfRange(value, _) => {
                    let what = match field.name {
                        "minute" => "a minute",
                        "hour" => "an hour",
                        "day of month" => "a day of the month",
                        "month" => "a month",
                        _ => "a day of the week",
                    };
                    let names = match field.names {
                        [first, .., last] => format!(" or `{first}` to `{last}`"),
                        _ => String::new(),
                    };
                    format!(
                        "`{value}` is not {what}: use {} to {}{names}",
                        field.min, field.max
                    )
                }
                FieldFault::Step(step) => format!(
                    "`{item}` in the {name} field has the step `{step}`: a step is a whole number of 1 or more"
                ),
                FieldFault::Backwards(range) => format!(
                    "`{range}` in the {name} field starts after it ends: write the smaller value first"
                ),
                FieldFault::Shape => format!(
                    "`{item}` in the {name} field is not a value, a range `a-b` or a step `/n`"
                ),
            }
        }
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
            // The spec refused `@every`; the API server accepts it.
            "@every 90m",
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
            ("@fortnightly", "not a schedule shorthand"),
            ("@every soon", "`soon` is not a duration"),
            ("1-2-3 * * * *", "is not a value, a range"),
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
