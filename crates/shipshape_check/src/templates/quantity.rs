//! Resource quantities (`250m`, `1.5`, `512Mi`, `1e3`), parsed exactly enough to compare
//! a request with a limit.

use serde_json::Value;

/// Billionths of a unit per unit: every suffix the API accepts, down to `n`, is a whole
/// number of these, so comparisons are exact integer comparisons.
const NANO: i128 = 1_000_000_000;

/// A quantity in billionths of its unit (nanocores, nanobytes): ordered and exact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Quantity(i128);

impl Quantity {
    /// Parses a quantity as the API server writes it: a string (`"500m"`, `"1Gi"`) or a
    /// plain number. `None` for anything the API server would reject.
    #[must_use]
    pub fn of(value: &Value) -> Option<Quantity> {
        match value {
            Value::String(text) => Quantity::parse(text),
            Value::Number(number) => Quantity::parse(&number.to_string()),
            _ => None,
        }
    }

    /// Parses `text` (`250m`, `1.5`, `512Mi`, `1e3`).
    #[must_use]
    pub fn parse(text: &str) -> Option<Quantity> {
        let split = text
            .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '+'))
            .unwrap_or(text.len());
        let (number, suffix) = text.split_at(split);
        let number = number.strip_prefix('+').unwrap_or(number);
        let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
        if whole.is_empty() && fraction.is_empty() {
            return None;
        }
        let digits: i128 = format!("{whole}{fraction}").parse().ok()?;
        let (binary, exponent) = multiplier(suffix)?;
        let exponent = exponent - i32::try_from(fraction.len()).ok()?;
        let scaled = digits.checked_mul(binary)?.checked_mul(NANO)?;
        let value = if exponent >= 0 {
            scaled.checked_mul(10_i128.checked_pow(exponent.unsigned_abs())?)?
        } else {
            scaled / 10_i128.checked_pow(exponent.unsigned_abs())?
        };
        Some(Quantity(value))
    }
}

/// `(binary factor, decimal exponent)` of a suffix.
fn multiplier(suffix: &str) -> Option<(i128, i32)> {
    const BINARY: [&str; 6] = ["Ki", "Mi", "Gi", "Ti", "Pi", "Ei"];
    const DECIMAL: [(&str, i32); 8] = [
        ("n", -9),
        ("u", -6),
        ("m", -3),
        ("", 0),
        ("k", 3),
        ("M", 6),
        ("G", 9),
        ("T", 12),
    ];
    if let Some(power) = BINARY.iter().position(|s| *s == suffix) {
        return Some((1 << (10 * (power + 1)), 0));
    }
    if let Some((_, exponent)) = DECIMAL.iter().find(|(s, _)| *s == suffix) {
        return Some((1, *exponent));
    }
    match suffix {
        "P" => Some((1, 15)),
        "E" => Some((1, 18)),
        _ => {
            let exponent = suffix.strip_prefix(['e', 'E'])?;
            Some((1, exponent.parse().ok()?))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Quantity;

    fn q(text: &str) -> Quantity {
        Quantity::parse(text).unwrap_or_else(|| panic!("{text} parses"))
    }

    #[test]
    fn equal_quantities_compare_equal_whatever_their_spelling() {
        assert_eq!(q("1"), q("1000m"));
        assert_eq!(q("0.5"), q("500m"));
        assert_eq!(q("1Ki"), q("1024"));
        assert_eq!(q("1e3"), q("1k"));
        assert_eq!(q("1.5Gi"), q("1536Mi"));
        assert_eq!(q("128974848"), q("123Mi"));
    }

    #[test]
    fn quantities_order_by_size() {
        assert!(q("250m") < q("1"));
        assert!(q("1G") < q("1Gi"));
        assert!(q("2Ei") > q("1E"));
    }

    #[test]
    fn what_the_api_server_rejects_does_not_parse() {
        for bad in ["", "m", "1.2.3", "12x", "1Kb", "-1", "one"] {
            assert!(Quantity::parse(bad).is_none(), "{bad}");
        }
    }
}
