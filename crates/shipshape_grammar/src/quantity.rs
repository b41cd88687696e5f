//! Resource quantities (`250m`, `1.5`, `512Mi`, `1e3`), parsed and compared exactly.
//!
//! The grammar is apimachinery's `resource.Quantity` (`k8s.io/apimachinery/pkg/api/
//! resource/quantity.go`):
//!
//! ```text
//! <quantity>        ::= <signedNumber><suffix>
//! <signedNumber>    ::= <number> | +<number> | -<number>
//! <number>          ::= <digits> | <digits>.<digits> | <digits>. | .<digits>
//! <suffix>          ::= <binarySI> | <decimalExponent> | <decimalSI>
//! <binarySI>        ::= Ki | Mi | Gi | Ti | Pi | Ei
//! <decimalSI>       ::= n | u | m | "" | k | M | G | T | P | E
//! <decimalExponent> ::= "e" <signedDigits> | "E" <signedDigits>
//! ```
//!
//! The exponent takes whole numbers only, as Go's parser does (`strconv.ParseInt`), and
//! the number needs at least one digit, as the documented grammar and the OpenAPI
//! pattern of every Quantity field say. No floating point: `0.1` and `100m` are equal,
//! and `1G` is less than `1Gi`, exactly.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

/// A quantity's exact value: `mantissa × 10^exponent`, with the binary suffix already
/// multiplied into the mantissa. Normalized (no trailing zeros in the mantissa, zero is
/// `0 × 10^0`), so equal values are equal structs whatever their spelling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Quantity {
    mantissa: i128,
    exponent: i32,
}

/// Why a text is not a quantity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QuantityError {
    /// It does not follow the grammar (the text is kept for the message).
    Malformed(String),
    /// It follows the grammar but has more digits or a larger exponent than an exact
    /// comparison can hold. The API server accepts such text and caps or rounds the
    /// value (to 2^63-1, to nano units), so a validator reports only `Malformed`.
    OutOfRange(String),
}

impl fmt::Display for QuantityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            QuantityError::Malformed(text) => write!(
                f,
                "`{text}` is not a quantity: write a number with an optional unit, such as `250m`, `1.5`, `512Mi` or `2Gi`"
            ),
            QuantityError::OutOfRange(text) => write!(
                f,
                "`{text}` is out of the range of a quantity: Kubernetes keeps values up to 2^63-1 and down to 1n"
            ),
        }
    }
}

impl std::error::Error for QuantityError {}

/// Exponents beyond this are refused rather than compared: `1e40` already exceeds what
/// the API server keeps (2^63-1 is about 9.2e18), so no real manifest needs more.
const MAX_EXPONENT: i32 = 64;

impl Quantity {
    /// Zero, however it is written (`0`, `0m`, `0Gi`).
    pub const ZERO: Quantity = Quantity {
        mantissa: 0,
        exponent: 0,
    };

    /// Parses `text` as the API server does; the suffix, if any, is returned by
    /// [`Quantity::parse_with_unit`].
    ///
    /// # Errors
    /// [`QuantityError::Malformed`] for text outside the grammar (`512Mb`, `1 Gi`, `1e`),
    /// [`QuantityError::OutOfRange`] for values no exact comparison can hold.
    pub fn parse(text: &str) -> Result<Quantity, QuantityError> {
        Quantity::parse_with_unit(text).map(|(quantity, _)| quantity)
    }

    /// Parses `text` and returns the SI suffix as written (`""`, `m`, `Mi`), or `None`
    /// for the exponent form (`1e3`): the spec accepts fewer units than the API server.
    ///
    /// # Errors
    /// As [`Quantity::parse`].
    pub fn parse_with_unit(text: &str) -> Result<(Quantity, Option<&str>), QuantityError> {
        let malformed = || QuantityError::Malformed(text.to_owned());
        let out_of_range = || QuantityError::OutOfRange(text.to_owned());
        let (negative, rest) = match text.as_bytes().first() {
            Some(b'-') => (true, &text[1..]),
            Some(b'+') => (false, &text[1..]),
            _ => (false, text),
        };
        let number_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let (number, suffix) = rest.split_at(number_len);
        let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
        if whole.is_empty() && fraction.is_empty() || fraction.contains('.') {
            return Err(malformed());
        }
        let (binary_power, decimal_exponent, unit) = suffix_value(suffix).ok_or_else(malformed)?;
        let digits = format!("{whole}{fraction}");
        let significant = digits.trim_start_matches('0');
        let mut mantissa: i128 = if significant.is_empty() {
            0
        } else {
            significant.parse().map_err(|_| out_of_range())?
        };
        for _ in 0..binary_power {
            mantissa = mantissa.checked_mul(1024).ok_or_else(out_of_range)?;
        }
        let fraction_len = i32::try_from(fraction.len()).map_err(|_| out_of_range())?;
        let exponent = decimal_exponent
            .checked_sub(fraction_len)
            .filter(|e| e.abs() <= MAX_EXPONENT + 40)
            .ok_or_else(out_of_range)?;
        let quantity = Quantity::normalized(if negative { -mantissa } else { mantissa }, exponent);
        if quantity.exponent > MAX_EXPONENT {
            return Err(out_of_range());
        }
        Ok((quantity, unit))
    }

    fn normalized(mut mantissa: i128, mut exponent: i32) -> Quantity {
        if mantissa == 0 {
            return Quantity::ZERO;
        }
        while mantissa % 10 == 0 {
            mantissa /= 10;
            exponent += 1;
        }
        Quantity { mantissa, exponent }
    }

    /// Whether the quantity is above zero.
    #[must_use]
    pub fn is_positive(self) -> bool {
        self.mantissa > 0
    }

    /// The value in units of `10^exponent`, rounded up, as apimachinery's
    /// `ScaledValue` rounds (`MilliValue` is `exponent` -3): a CPU request of `1.0001`
    /// takes 1001 millicores of a node. `None` when the result exceeds an `i64`.
    #[must_use]
    pub fn ceil_scaled(self, exponent: i32) -> Option<i64> {
        let shift = self.exponent - exponent;
        let value = if shift >= 0 {
            self.mantissa
                .checked_mul(10_i128.checked_pow(shift.unsigned_abs())?)?
        } else {
            let divisor = 10_i128
                .checked_pow(shift.unsigned_abs())
                .unwrap_or(i128::MAX);
            let quotient = self.mantissa.div_euclid(divisor);
            quotient + i128::from(self.mantissa.rem_euclid(divisor) != 0)
        };
        i64::try_from(value).ok()
    }
}

/// `(power of 1024, power of 10, SI suffix as written)` of a suffix.
fn suffix_value(suffix: &str) -> Option<(u32, i32, Option<&str>)> {
    const BINARY: [&str; 6] = ["Ki", "Mi", "Gi", "Ti", "Pi", "Ei"];
    const DECIMAL: [(&str, i32); 10] = [
        ("n", -9),
        ("u", -6),
        ("m", -3),
        ("", 0),
        ("k", 3),
        ("M", 6),
        ("G", 9),
        ("T", 12),
        ("P", 15),
        ("E", 18),
    ];
    if let Some(power) = BINARY.iter().position(|s| *s == suffix) {
        let power = u32::try_from(power).ok()? + 1;
        return Some((power, 0, Some(suffix)));
    }
    if let Some((_, exponent)) = DECIMAL.iter().find(|(s, _)| *s == suffix) {
        return Some((0, *exponent, Some(suffix)));
    }
    let exponent = suffix.strip_prefix(['e', 'E'])?;
    let digits = exponent.strip_prefix(['+', '-']).unwrap_or(exponent);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // A huge exponent is a value out of range, not a malformed one: clamp it so the
    // caller's bound check reports it.
    let exponent = exponent
        .parse::<i32>()
        .unwrap_or(if exponent.starts_with('-') {
            i32::MIN / 2
        } else {
            i32::MAX / 2
        });
    Some((0, exponent, None))
}

impl Ord for Quantity {
    fn cmp(&self, other: &Self) -> Ordering {
        let sign = self.mantissa.signum().cmp(&other.mantissa.signum());
        if sign != Ordering::Equal || self.mantissa == 0 {
            return sign;
        }
        // Same sign, both non-zero: scale the one with the larger exponent down to the
        // other's; an overflow means its magnitude is the larger.
        let magnitude = |high: &Quantity, low: &Quantity| -> Ordering {
            let shift = high.exponent - low.exponent;
            let scaled = 10_i128
                .checked_pow(shift.unsigned_abs())
                .and_then(|p| high.mantissa.unsigned_abs().checked_mul(p.unsigned_abs()));
            match scaled {
                Some(scaled) => scaled.cmp(&low.mantissa.unsigned_abs()),
                None => Ordering::Greater,
            }
        };
        let by_magnitude = if self.exponent >= other.exponent {
            magnitude(self, other)
        } else {
            magnitude(other, self).reverse()
        };
        if self.mantissa < 0 {
            by_magnitude.reverse()
        } else {
            by_magnitude
        }
    }
}

impl PartialOrd for Quantity {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl FromStr for Quantity {
    type Err = QuantityError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Quantity::parse(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(text: &str) -> Quantity {
        Quantity::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    #[test]
    fn scaled_values_round_up_as_apimachinery_does() {
        assert_eq!(q("250m").ceil_scaled(-3), Some(250));
        assert_eq!(q("1.0001").ceil_scaled(-3), Some(1001));
        assert_eq!(q("2").ceil_scaled(-3), Some(2000));
        assert_eq!(q("512Mi").ceil_scaled(0), Some(536_870_912));
        assert_eq!(q("100n").ceil_scaled(-3), Some(1));
        assert_eq!(q("-1500m").ceil_scaled(0), Some(-1));
        assert_eq!(q("0").ceil_scaled(-3), Some(0));
        assert_eq!(q("9E").ceil_scaled(-3), None);
    }

    #[test]
    fn equal_quantities_compare_equal_whatever_their_spelling() {
        assert_eq!(q("1"), q("1000m"));
        assert_eq!(q("0.5"), q("500m"));
        assert_eq!(q("1Ki"), q("1024"));
        assert_eq!(q("1e3"), q("1k"));
        assert_eq!(q("1E3"), q("1k"));
        assert_eq!(q("1.5Gi"), q("1536Mi"));
        assert_eq!(q("128974848"), q("123Mi"));
        assert_eq!(q("0"), Quantity::ZERO);
        assert_eq!(q("0Gi"), q("-0"));
        assert_eq!(q("+1k"), q("1000"));
        assert_eq!(q(".5"), q("500m"));
        assert_eq!(q("5."), q("5"));
        assert_eq!(q("1E-2"), q("10m"));
        assert_eq!(q("100n"), q("0.1u"));
    }

    #[test]
    fn quantities_order_by_size_exactly() {
        assert!(q("250m") < q("1"));
        assert!(q("1G") < q("1Gi"));
        assert!(q("2Ei") > q("1E"));
        assert!(q("-1") < q("0"));
        assert!(q("-2") < q("-1500m"));
        assert!(q("1n") > Quantity::ZERO);
        // A float would call these equal: 0.1 + 0.2 style rounding must not happen.
        assert!(q("100000000000000001n") > q("100000000"));
        assert!(q("1e60") > q("999999999Ei"));
        assert!(q("1e-60") < q("1n"));
    }

    #[test]
    fn the_unit_is_returned_as_written() {
        let unit = |text| Quantity::parse_with_unit(text).map(|(_, unit)| unit);
        assert_eq!(unit("250m"), Ok(Some("m")));
        assert_eq!(unit("2"), Ok(Some("")));
        assert_eq!(unit("1.5Gi"), Ok(Some("Gi")));
        assert_eq!(unit("1e3"), Ok(None));
    }

    #[test]
    fn what_the_api_server_rejects_does_not_parse() {
        for bad in [
            "", "m", "Mi", ".", "+", "1.2.3", "12x", "1Kb", "512Mb", "1gb", "1ki", "1K", "1 Gi",
            " 1", "1 ", "1e", "1e+", "1e1.5", "one", "--1", "1.5.Gi",
        ] {
            assert_eq!(
                Quantity::parse(bad),
                Err(QuantityError::Malformed(bad.to_owned())),
                "{bad}"
            );
        }
        assert_eq!(
            Quantity::parse("1e999999999999"),
            Err(QuantityError::OutOfRange("1e999999999999".to_owned()))
        );
        assert_eq!(
            Quantity::parse("1e-999").unwrap_err().to_string(),
            "`1e-999` is out of the range of a quantity: Kubernetes keeps values up to 2^63-1 and down to 1n"
        );
        assert_eq!(
            Quantity::parse("1gb").unwrap_err().to_string(),
            "`1gb` is not a quantity: write a number with an optional unit, such as `250m`, `1.5`, `512Mi` or `2Gi`"
        );
    }

    /// The old copies disagreed: spec's parser used floats and refused `P`, `E`, `Pi`,
    /// `Ei`, signs and exponents; the checker's refused a leading `-`; the validator's
    /// accepted a fractional exponent's digits only. Kubernetes accepts all of these.
    #[test]
    fn cases_where_the_old_parsers_disagreed_follow_kubernetes() {
        for ok in ["1P", "1E", "2Pi", "1Ei", "-1", "+5", "1e3", "1E-2", "1e+3"] {
            assert!(Quantity::parse(ok).is_ok(), "{ok}");
        }
        assert_eq!(q("-1"), Quantity::normalized(-1, 0));
        assert!(!q("-1").is_positive());
        assert!(!q("0").is_positive());
        assert!(q("1n").is_positive());
    }
}
