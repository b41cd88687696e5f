//! Durations as applications write them in their settings: Go's `time.ParseDuration`
//! (`30s`, `1m30s`, `1.5h`, `500ms`), whose form Spring Boot reads too, and the
//! ISO-8601 form Java and Spring Boot read (`PT30S`, `PT1M30S`, `P1DT2H`). A bare number
//! (`30`) has no unit of its own: Go refuses it, Spring Boot reads milliseconds, and a
//! `*_TIMEOUT` variable usually means seconds, so the caller says which ([`BareUnit`]).

use std::fmt;
use std::time::Duration;

/// What a number without a unit means to the reader of the setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BareUnit {
    /// Refused, as Go's `time.ParseDuration` refuses it (`0` alone is zero).
    Refused,
    /// Seconds.
    Seconds,
    /// Milliseconds, as Spring Boot's `Duration` properties read it.
    Milliseconds,
}

/// Why a text is not a duration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DurationError {
    /// The text as given.
    pub text: String,
    /// What is wrong with it.
    pub reason: &'static str,
}

impl fmt::Display for DurationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` is not a duration: {}", self.text, self.reason)
    }
}

impl std::error::Error for DurationError {}

/// Nanoseconds per unit of Go's duration grammar.
fn go_unit(unit: &str) -> Option<u128> {
    Some(match unit {
        "ns" => 1,
        "us" | "µs" | "μs" => 1_000,
        "ms" => 1_000_000,
        "s" => 1_000_000_000,
        "m" => 60_000_000_000,
        "h" => 3_600_000_000_000,
        _ => return None,
    })
}

/// Nanoseconds per unit of ISO-8601's designators (`D` before the `T`, `H`, `M`, `S`
/// after it).
fn iso_unit(unit: char, in_time: bool) -> Option<u128> {
    Some(match (unit, in_time) {
        ('D', false) => 86_400_000_000_000,
        ('H', true) => 3_600_000_000_000,
        ('M', true) => 60_000_000_000,
        ('S', true) => 1_000_000_000,
        _ => return None,
    })
}

/// `number × per` nanoseconds, for a decimal `number` such as `1.5`.
fn scaled(number: &str, per: u128) -> Option<u128> {
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    if whole.is_empty() && fraction.is_empty() {
        return None;
    }
    let whole: u128 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let mut total = whole.checked_mul(per)?;
    // Digits past the nanosecond add nothing; 18 keeps the arithmetic in range.
    let fraction = &fraction[..fraction.len().min(18)];
    if !fraction.is_empty() {
        let digits: u128 = fraction.parse().ok()?;
        total =
            total.checked_add(digits * per / 10u128.pow(u32::try_from(fraction.len()).ok()?))?;
    }
    Some(total)
}

/// Splits `text` into its leading number (digits and one `.`) and the rest.
fn leading_number(text: &str) -> (&str, &str) {
    let mut dot = false;
    let end = text
        .char_indices()
        .find(|&(_, c)| {
            if c == '.' && !dot {
                dot = true;
                false
            } else {
                !c.is_ascii_digit()
            }
        })
        .map_or(text.len(), |(i, _)| i);
    text.split_at(end)
}

fn go(text: &str) -> Option<u128> {
    let mut rest = text;
    let mut total: u128 = 0;
    while !rest.is_empty() {
        let (number, after) = leading_number(rest);
        let unit_end = after
            .char_indices()
            .find(|&(_, c)| c.is_ascii_digit() || c == '.')
            .map_or(after.len(), |(i, _)| i);
        let (unit, next) = after.split_at(unit_end);
        total = total.checked_add(scaled(number, go_unit(unit)?)?)?;
        rest = next;
    }
    Some(total)
}

fn iso(text: &str) -> Option<u128> {
    let upper = text.to_ascii_uppercase();
    let mut rest = upper.strip_prefix('P')?;
    let mut in_time = false;
    let mut total: u128 = 0;
    let mut any = false;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('T') {
            if in_time {
                return None;
            }
            in_time = true;
            rest = after;
            continue;
        }
        let (number, after) = leading_number(rest);
        let unit = after.chars().next()?;
        total = total.checked_add(scaled(number, iso_unit(unit, in_time)?)?)?;
        any = true;
        rest = &after[unit.len_utf8()..];
    }
    any.then_some(total)
}

/// Parses `text` (surrounding blanks and quotes ignored), reading a bare number as
/// `bare` says.
///
/// # Errors
/// When `text` is none of the forms above, is negative, or overflows.
pub fn parse(text: &str, bare: BareUnit) -> Result<Duration, DurationError> {
    let trimmed = text.trim().trim_matches(['"', '\'']);
    let error = |reason| DurationError {
        text: text.to_owned(),
        reason,
    };
    if trimmed.starts_with('-') {
        return Err(error("it is negative"));
    }
    let trimmed = trimmed.strip_prefix('+').unwrap_or(trimmed);
    if trimmed.is_empty() {
        return Err(error("it is empty"));
    }
    let nanos = if trimmed.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        let per = match bare {
            BareUnit::Seconds => 1_000_000_000,
            BareUnit::Milliseconds => 1_000_000,
            BareUnit::Refused if trimmed == "0" => 0,
            BareUnit::Refused => {
                return Err(error("a number needs a unit (`30s`, `500ms`, `1m`)"));
            }
        };
        scaled(trimmed, per)
    } else if trimmed.starts_with(['P', 'p']) {
        iso(trimmed)
    } else {
        go(trimmed)
    };
    let nanos = nanos.ok_or_else(|| error("expected a number and a unit (ns, us, ms, s, m, h), as in `1m30s`, or ISO-8601 `PT1M30S`"))?;
    let secs = u64::try_from(nanos / 1_000_000_000).map_err(|_| error("it is too long"))?;
    let sub = u32::try_from(nanos % 1_000_000_000).map_err(|_| error("it is too long"))?;
    Ok(Duration::new(secs, sub))
}

#[cfg(test)]
mod tests {
    use super::{BareUnit, parse};
    use std::time::Duration;

    fn ms(text: &str, bare: BareUnit) -> Option<u128> {
        parse(text, bare).ok().map(|d| d.as_millis())
    }

    #[test]
    fn go_durations_read_as_go_reads_them() {
        assert_eq!(ms("30s", BareUnit::Refused), Some(30_000));
        assert_eq!(ms("1m30s", BareUnit::Refused), Some(90_000));
        assert_eq!(ms("1.5h", BareUnit::Refused), Some(5_400_000));
        assert_eq!(ms("500ms", BareUnit::Refused), Some(500));
        assert_eq!(ms(".5s", BareUnit::Refused), Some(500));
        assert_eq!(ms("0", BareUnit::Refused), Some(0));
        assert_eq!(
            parse("250us", BareUnit::Refused),
            Ok(Duration::from_micros(250))
        );
        assert_eq!(ms("30", BareUnit::Refused), None);
        assert_eq!(ms("30x", BareUnit::Refused), None);
        assert_eq!(ms("s", BareUnit::Refused), None);
        assert_eq!(ms("-5s", BareUnit::Refused), None);
        assert_eq!(ms("", BareUnit::Seconds), None);
    }

    #[test]
    fn bare_numbers_take_the_readers_unit() {
        assert_eq!(ms("30", BareUnit::Seconds), Some(30_000));
        assert_eq!(ms("\"45\"", BareUnit::Seconds), Some(45_000));
        assert_eq!(ms("30000", BareUnit::Milliseconds), Some(30_000));
    }

    #[test]
    fn iso_durations_read_as_java_reads_them() {
        assert_eq!(ms("PT30S", BareUnit::Refused), Some(30_000));
        assert_eq!(ms("pt1m30s", BareUnit::Refused), Some(90_000));
        assert_eq!(ms("PT0.5S", BareUnit::Refused), Some(500));
        assert_eq!(ms("P1DT2H", BareUnit::Refused), Some(93_600_000));
        assert_eq!(ms("P", BareUnit::Refused), None);
        assert_eq!(ms("PT5D", BareUnit::Refused), None);
        assert_eq!(ms("PT1TS", BareUnit::Refused), None);
    }

    #[test]
    fn errors_say_what_is_wrong() {
        let error = parse("30", BareUnit::Refused).unwrap_err();
        assert_eq!(
            error.to_string(),
            "`30` is not a duration: a number needs a unit (`30s`, `500ms`, `1m`)"
        );
        assert_eq!(
            parse("-1s", BareUnit::Seconds).unwrap_err().reason,
            "it is negative"
        );
    }
}
