//! CronJob schedules, accepted exactly when the API server accepts them.
//!
//! The API server validates `spec.schedule` with `cron.ParseStandard` of
//! `github.com/robfig/cron/v3` (`pkg/apis/batch/validation.validateScheduleFormat`), then
//! refuses any schedule that contains `TZ` on create ("cannot use TZ or CRON_TZ in
//! schedule, use timeZone field instead"). `ParseStandard` takes:
//!
//! - a descriptor: `@yearly`, `@annually`, `@monthly`, `@weekly`, `@daily`, `@midnight`,
//!   `@hourly`, or `@every <Go duration>` (`@every 1h30m`);
//! - or exactly five whitespace-separated fields, minute (0-59), hour (0-23), day of month
//!   (1-31), month (1-12 or `jan`-`dec`) and day of week (0-6 or `sun`-`sat`), names in any
//!   case. Each field is a comma-separated list of items; an item is `*` or `?` (every
//!   value), a value, or a range `a-b`, optionally followed by `/step`. `a/step` means
//!   `a-max/step`, and after `*` or `?` anything up to a `/` is ignored, as robfig reads it.

use std::fmt;

/// One of the five fields: its name, bounds, and the names of its values (the first
/// name stands for `min`).
#[derive(Debug, PartialEq, Eq)]
pub struct Field {
    /// `minute`, `hour`, `day of month`, `month`, `day of week`.
    pub name: &'static str,
    /// The smallest value.
    pub min: u32,
    /// The largest value.
    pub max: u32,
    /// Lower-case names accepted for values, from `min` on.
    pub names: &'static [&'static str],
}

/// The five fields, in order.
pub const FIELDS: [Field; 5] = [
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
            "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
        ],
    },
    Field {
        name: "day of week",
        min: 0,
        max: 6,
        names: &["sun", "mon", "tue", "wed", "thu", "fri", "sat"],
    },
];

/// The descriptors besides `@every`.
pub const DESCRIPTORS: [&str; 7] = [
    "@yearly",
    "@annually",
    "@monthly",
    "@weekly",
    "@daily",
    "@midnight",
    "@hourly",
];

/// A schedule the API server accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Schedule<'a> {
    /// One of [`DESCRIPTORS`].
    Descriptor(&'a str),
    /// `@every` and its Go duration.
    Every(&'a str),
    /// Five fields.
    Fields([&'a str; 5]),
}

/// Why the API server refuses a schedule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CronError {
    /// The schedule names a time zone (`TZ=` or `CRON_TZ=`): the zone belongs in
    /// `spec.timeZone`.
    TimeZone,
    /// An `@` word that is no descriptor (the whole schedule).
    Descriptor(String),
    /// `@every` with something that is not a Go duration (the text after `@every `).
    Duration(String),
    /// Not five fields (how many there are).
    FieldCount(usize),
    /// A field item that is not valid.
    Field {
        /// Which of [`FIELDS`].
        field: &'static Field,
        /// The comma-separated item at fault, as written.
        item: String,
        /// What is wrong with it.
        fault: FieldFault,
    },
}

/// What is wrong with one item of a field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldFault {
    /// A value that is neither a number nor a name of the field (as written).
    NotAValue(String),
    /// A value outside the field's bounds (as written, and as read).
    OutOfRange(String, u32),
    /// A range whose start is after its end (the range, without its step).
    Backwards(String),
    /// A step that is not a whole number of 1 or more (as written).
    Step(String),
    /// More than one `-` in a range or more than one `/`.
    Shape,
}

impl fmt::Display for CronError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CronError::TimeZone => {
                f.write_str("a time zone belongs in spec.timeZone, not in the schedule")
            }
            CronError::Descriptor(text) => write!(f, "`{text}` is not a cron descriptor"),
            CronError::Duration(text) => {
                write!(f, "`{text}` is not a duration such as 90m or 1h30m")
            }
            CronError::FieldCount(n) => write!(
                f,
                "{n} fields where cron has 5 (minute hour day-of-month month day-of-week)"
            ),
            CronError::Field { field, item, fault } => {
                let name = field.name;
                match fault {
                    FieldFault::NotAValue(text) => write!(f, "{name} `{text}` is not a number"),
                    FieldFault::OutOfRange(_, value) => {
                        write!(f, "{name} {value} is outside {}-{}", field.min, field.max)
                    }
                    FieldFault::Backwards(range) => {
                        write!(f, "{name} range `{range}` runs backwards")
                    }
                    FieldFault::Step(step) => {
                        write!(f, "{name} step `{step}` is not a positive number")
                    }
                    FieldFault::Shape => {
                        write!(f, "{name} `{item}` has more than one `-` or `/`")
                    }
                }
            }
        }
    }
}

impl std::error::Error for CronError {}

impl<'a> Schedule<'a> {
    /// Parses `text` as the API server validates a new CronJob's `schedule`.
    ///
    /// # Errors
    /// The first reason the API server would give.
    pub fn parse(text: &'a str) -> Result<Schedule<'a>, CronError> {
        if text.contains("TZ") {
            return Err(CronError::TimeZone);
        }
        if text.starts_with('@') {
            if let Some(duration) = text.strip_prefix("@every ") {
                return if is_go_duration(duration) {
                    Ok(Schedule::Every(duration))
                } else {
                    Err(CronError::Duration(duration.to_owned()))
                };
            }
            return match DESCRIPTORS.iter().find(|d| **d == text) {
                Some(_) => Ok(Schedule::Descriptor(text)),
                None => Err(CronError::Descriptor(text.to_owned())),
            };
        }
        let parts: Vec<&str> = text.split_whitespace().collect();
        let fields: [&str; 5] = parts
            .as_slice()
            .try_into()
            .map_err(|_| CronError::FieldCount(parts.len()))?;
        for (text, field) in fields.iter().zip(&FIELDS) {
            for item in text.split(',') {
                field.check(item).map_err(|fault| CronError::Field {
                    field,
                    item: item.to_owned(),
                    fault,
                })?;
            }
        }
        Ok(Schedule::Fields(fields))
    }
}

impl Field {
    /// Checks one item as robfig's `getRange` does.
    fn check(&self, item: &str) -> Result<(), FieldFault> {
        let mut slashes = item.split('/');
        let range = slashes.next().unwrap_or_default();
        let step = slashes.next();
        if slashes.next().is_some() {
            return Err(FieldFault::Shape);
        }
        let mut hyphens = range.split('-');
        let first = hyphens.next().unwrap_or_default();
        let (start, end) = if first == "*" || first == "?" {
            (self.min, self.max)
        } else {
            let start = self.value(first)?;
            let end = match (hyphens.next(), hyphens.next()) {
                (None, _) if step.is_some() => self.max,
                (None, _) => start,
                (Some(end), None) => self.value(end)?,
                (Some(_), Some(_)) => return Err(FieldFault::Shape),
            };
            (start, end)
        };
        let step = step.map(|s| atoi(s).ok_or_else(|| FieldFault::Step(s.to_owned())));
        if start < self.min || start > self.max {
            return Err(FieldFault::OutOfRange(first.to_owned(), start));
        }
        if end > self.max {
            let text = range.rsplit('-').next().unwrap_or(range);
            return Err(FieldFault::OutOfRange(text.to_owned(), end));
        }
        if start > end {
            return Err(FieldFault::Backwards(range.to_owned()));
        }
        match step {
            Some(Ok(0)) => Err(FieldFault::Step("0".to_owned())),
            Some(Err(fault)) => Err(fault),
            _ => Ok(()),
        }
    }

    /// A value: a name of this field (any case) or a non-negative number.
    fn value(&self, text: &str) -> Result<u32, FieldFault> {
        let lower = text.to_ascii_lowercase();
        if let Some(i) = self.names.iter().position(|n| *n == lower) {
            return Ok(self.min + u32::try_from(i).unwrap_or(0));
        }
        atoi(text).ok_or_else(|| FieldFault::NotAValue(text.to_owned()))
    }
}

/// A non-negative number as Go's `strconv.Atoi` reads it (an optional `+`).
fn atoi(text: &str) -> Option<u32> {
    let digits = text.strip_prefix('+').unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // More digits than a u32 holds is still a number, just out of every field's range.
    Some(digits.parse().unwrap_or(u32::MAX))
}

/// Whether `text` is a Go `time.ParseDuration` duration: `[-+]?([0-9]*(\.[0-9]*)?unit)+`
/// with units `ns`, `us`, `µs`, `μs`, `ms`, `s`, `m`, `h`, or the bare `0`.
fn is_go_duration(text: &str) -> bool {
    const UNITS: [&str; 8] = ["ns", "us", "µs", "μs", "ms", "s", "m", "h"];
    let rest = text.strip_prefix(['+', '-']).unwrap_or(text);
    if rest == "0" {
        return true;
    }
    let mut rest = rest;
    if rest.is_empty() {
        return false;
    }
    while !rest.is_empty() {
        let number_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let number = &rest[..number_len];
        let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
        if whole.is_empty() && fraction.is_empty() || fraction.contains('.') {
            return false;
        }
        rest = &rest[number_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        if !UNITS.contains(&&rest[..unit_len]) {
            return false;
        }
        rest = &rest[unit_len..];
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fault(text: &str) -> (String, FieldFault) {
        match Schedule::parse(text) {
            Err(CronError::Field { field, fault, .. }) => (field.name.to_owned(), fault),
            other => panic!("{text}: {other:?}"),
        }
    }

    #[test]
    fn what_the_api_server_accepts() {
        for ok in [
            "30 2 * * *",
            "*/15 * * * *",
            "0 0-23/2 1,15 jan-jun MON-FRI",
            "0 3 ? * sun",
            "30 1 1,15 jan,jul ?",
            "0 9-17/2 * * MON-FRI",
            "5/10 * * * *",
            " 5  4 * * 0 ",
            "+5 * * * *",
            "@daily",
            "@annually",
            "@every 1h30m",
            "@every 1.5h",
            "@every 0",
            "@every 500ms",
            "@every 3µs",
        ] {
            assert!(
                Schedule::parse(ok).is_ok(),
                "{ok}: {:?}",
                Schedule::parse(ok)
            );
        }
        assert_eq!(
            Schedule::parse(" 5  4 * * 0 "),
            Ok(Schedule::Fields(["5", "4", "*", "*", "0"]))
        );
        assert_eq!(Schedule::parse("@every 2m"), Ok(Schedule::Every("2m")));
        assert_eq!(
            Schedule::parse("@hourly"),
            Ok(Schedule::Descriptor("@hourly"))
        );
    }

    #[test]
    fn what_the_api_server_refuses_and_why() {
        assert_eq!(Schedule::parse("* * * *"), Err(CronError::FieldCount(4)));
        assert_eq!(
            Schedule::parse("0 0 3 * * ?"),
            Err(CronError::FieldCount(6))
        );
        assert_eq!(Schedule::parse(""), Err(CronError::FieldCount(0)));
        assert_eq!(
            Schedule::parse("CRON_TZ=UTC 0 * * * *"),
            Err(CronError::TimeZone)
        );
        assert_eq!(
            Schedule::parse("TZ=UTC 0 * * * *"),
            Err(CronError::TimeZone)
        );
        assert_eq!(
            Schedule::parse("@fortnightly"),
            Err(CronError::Descriptor("@fortnightly".to_owned()))
        );
        for bad in ["soon", "1", "1hm", "", ".h", "1..5h", " 1h"] {
            assert_eq!(
                Schedule::parse(&format!("@every {bad}")),
                Err(CronError::Duration(bad.to_owned())),
                "{bad}"
            );
        }
        let out = |text: &str, value| FieldFault::OutOfRange(text.to_owned(), value);
        assert_eq!(fault("60 * * * *"), ("minute".to_owned(), out("60", 60)));
        assert_eq!(fault("0 24 * * *"), ("hour".to_owned(), out("24", 24)));
        assert_eq!(fault("0 9-24 * * *"), ("hour".to_owned(), out("24", 24)));
        assert_eq!(fault("0 0 0 * *"), ("day of month".to_owned(), out("0", 0)));
        assert_eq!(fault("0 0 * 13 *"), ("month".to_owned(), out("13", 13)));
        assert_eq!(fault("0 0 * * 7"), ("day of week".to_owned(), out("7", 7)));
        assert_eq!(
            fault("0 0 * * 99999999999"),
            ("day of week".to_owned(), out("99999999999", u32::MAX))
        );
        assert_eq!(
            fault("*/0 * * * *"),
            ("minute".to_owned(), FieldFault::Step("0".to_owned()))
        );
        assert_eq!(
            fault("*/x * * * *"),
            ("minute".to_owned(), FieldFault::Step("x".to_owned()))
        );
        assert_eq!(
            fault("5-1 * * * *"),
            ("minute".to_owned(), FieldFault::Backwards("5-1".to_owned()))
        );
        assert_eq!(
            fault("0 0 * jan-dex *"),
            ("month".to_owned(), FieldFault::NotAValue("dex".to_owned()))
        );
        assert_eq!(
            fault("0 0 * * mon-"),
            (
                "day of week".to_owned(),
                FieldFault::NotAValue(String::new())
            )
        );
        assert_eq!(fault("60/5 * * * *"), ("minute".to_owned(), out("60", 60)));
        assert_eq!(
            fault("1-2-3 * * * *"),
            ("minute".to_owned(), FieldFault::Shape)
        );
        assert_eq!(
            fault("*/2/3 * * * *"),
            ("minute".to_owned(), FieldFault::Shape)
        );
        // Names belong to their field only.
        assert_eq!(
            fault("jan * * * *"),
            ("minute".to_owned(), FieldFault::NotAValue("jan".to_owned()))
        );
    }

    #[test]
    fn messages_name_the_field_and_the_fault() {
        let message = |text: &str| Schedule::parse(text).unwrap_err().to_string();
        assert_eq!(message("0 24 * * *"), "hour 24 is outside 0-23");
        assert_eq!(message("0 x * * *"), "hour `x` is not a number");
        assert_eq!(
            message("*/0 * * * *"),
            "minute step `0` is not a positive number"
        );
        assert_eq!(message("0 5-3 * * *"), "hour range `5-3` runs backwards");
        assert_eq!(
            message("1-2-3 * * * *"),
            "minute `1-2-3` has more than one `-` or `/`"
        );
        assert_eq!(
            message("0 0 3 * * ?"),
            "6 fields where cron has 5 (minute hour day-of-month month day-of-week)"
        );
        assert_eq!(
            message("TZ=UTC 0 3 * * *"),
            "a time zone belongs in spec.timeZone, not in the schedule"
        );
        assert_eq!(
            message("@fortnightly"),
            "`@fortnightly` is not a cron descriptor"
        );
        assert_eq!(
            message("@every soon"),
            "`soon` is not a duration such as 90m or 1h30m"
        );
    }

    /// The three old parsers disagreed here; robfig/cron, which the API server runs,
    /// decides: `@every` is a descriptor (the spec refused it), `*-5` is `*` (everyone
    /// refused it), a leading `+` is a number, and a descriptor is matched exactly (the
    /// checker trimmed it first, so ` @daily` passed).
    #[test]
    fn cases_where_the_old_parsers_disagreed_follow_robfig() {
        assert_eq!(Schedule::parse("@every 90m"), Ok(Schedule::Every("90m")));
        assert!(Schedule::parse("*-5 * * * *").is_ok());
        assert!(Schedule::parse("+0 +3 * * *").is_ok());
        assert_eq!(Schedule::parse(" @daily"), Err(CronError::FieldCount(1)));
        assert_eq!(
            Schedule::parse("@daily "),
            Err(CronError::Descriptor("@daily ".to_owned()))
        );
    }
}
