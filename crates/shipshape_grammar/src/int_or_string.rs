//! `IntOrString` fields that hold a count or a percentage (`maxSurge`, `maxUnavailable`,
//! `minAvailable`), and how Kubernetes turns a percentage into a count.
//!
//! The grammar and the arithmetic are apimachinery's `intstr.GetScaledValueFromIntOrPercent`
//! (`k8s.io/apimachinery/pkg/util/intstr/intstr.go`): an integer is a count; a string must
//! end in `%` and the rest must be a decimal integer (`strconv.Atoi`); the percentage of
//! a total is rounded up or down depending on the caller. Which caller rounds which way
//! is in [`Rounding`].

use std::fmt;

/// A count or a percentage of some total.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IntOrPercent {
    /// An absolute count.
    Int(i64),
    /// A percentage (`25%`), resolved against a total by [`IntOrPercent::scaled`].
    Percent(i64),
}

/// How a percentage becomes a whole count; each field's controller picks one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rounding {
    /// Round up. Deployment `maxSurge` (`deployment/util.ResolveFenceposts`), DaemonSet
    /// `maxSurge` and `maxUnavailable` (`daemon/util.SurgeCount`, `UnavailableCount`),
    /// and both PodDisruptionBudget fields, `minAvailable` and `maxUnavailable`
    /// (`disruption.getExpectedPodCount`).
    Up,
    /// Round down. Deployment `maxUnavailable` (`deployment/util.ResolveFenceposts`), so
    /// that a percentage never takes more pods away than it says, and StatefulSet
    /// `maxUnavailable` (`statefulset.getStatefulSetMaxUnavailable`, which then raises
    /// a result of 0 to 1).
    Down,
}

impl IntOrPercent {
    /// Reads a string value: `25%` is a percentage; anything else is refused, as
    /// `GetScaledValueFromIntOrPercent` refuses a string that is not a percentage.
    ///
    /// # Errors
    /// A message saying what a percentage looks like.
    pub fn parse_percent(text: &str) -> Result<IntOrPercent, String> {
        text.strip_suffix('%')
            .filter(|digits| is_atoi(digits))
            .and_then(|digits| digits.parse().ok())
            .map(IntOrPercent::Percent)
            .ok_or_else(|| format!("`{text}` must be an integer or a percentage (such as `25%`)"))
    }

    /// The count this value stands for out of `total`: the count itself, or the
    /// percentage of `total` rounded as `rounding` says.
    #[must_use]
    pub fn scaled(self, total: i64, rounding: Rounding) -> i64 {
        match self {
            IntOrPercent::Int(n) => n,
            IntOrPercent::Percent(p) => {
                let product = i128::from(p) * i128::from(total);
                let scaled = match rounding {
                    Rounding::Up => {
                        product.div_euclid(100) + i128::from(product.rem_euclid(100) != 0)
                    }
                    Rounding::Down => product.div_euclid(100),
                };
                i64::try_from(scaled).unwrap_or(if scaled < 0 { i64::MIN } else { i64::MAX })
            }
        }
    }
}

/// What Go's `strconv.Atoi` reads: an optional sign, then one or more ASCII digits.
fn is_atoi(text: &str) -> bool {
    let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

impl fmt::Display for IntOrPercent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IntOrPercent::Int(n) => write!(f, "{n}"),
            IntOrPercent::Percent(p) => write!(f, "{p}%"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_parse_as_atoi_reads_them() {
        assert_eq!(
            IntOrPercent::parse_percent("25%"),
            Ok(IntOrPercent::Percent(25))
        );
        assert_eq!(
            IntOrPercent::parse_percent("0%"),
            Ok(IntOrPercent::Percent(0))
        );
        assert_eq!(
            IntOrPercent::parse_percent("+5%"),
            Ok(IntOrPercent::Percent(5))
        );
        assert_eq!(
            IntOrPercent::parse_percent("150%"),
            Ok(IntOrPercent::Percent(150))
        );
        for bad in ["25", "%", "2.5%", " 25%", "25 %", "x%", ""] {
            assert_eq!(
                IntOrPercent::parse_percent(bad),
                Err(format!(
                    "`{bad}` must be an integer or a percentage (such as `25%`)"
                )),
                "{bad}"
            );
        }
    }

    #[test]
    fn percentages_round_as_each_controller_does() {
        let p = IntOrPercent::Percent;
        // 25% of 10 is 2.5: a Deployment surges by 3 and takes down at most 2.
        assert_eq!(p(25).scaled(10, Rounding::Up), 3);
        assert_eq!(p(25).scaled(10, Rounding::Down), 2);
        // Exact percentages do not round.
        assert_eq!(p(50).scaled(4, Rounding::Up), 2);
        assert_eq!(p(50).scaled(4, Rounding::Down), 2);
        // A PDB's minAvailable 1% of 3 pods is 1, not 0.
        assert_eq!(p(1).scaled(3, Rounding::Up), 1);
        assert_eq!(p(1).scaled(3, Rounding::Down), 0);
        assert_eq!(p(100).scaled(7, Rounding::Up), 7);
        assert_eq!(p(0).scaled(7, Rounding::Up), 0);
        // Counts are what they say, whatever the total.
        assert_eq!(IntOrPercent::Int(4).scaled(2, Rounding::Down), 4);
        assert_eq!(p(i64::MAX).scaled(i64::MAX, Rounding::Up), i64::MAX);
    }

    /// SS014 rounded a percentage of an unknown total as if the total were 1 (so any
    /// non-zero percentage was 1 pod), and SS152 compared the percentage alone; both now
    /// resolve through `scaled`, and `maxUnavailable: 0%` is zero under either rounding.
    #[test]
    fn zero_percent_is_zero_of_any_total() {
        for total in [0, 1, 5, 1000] {
            assert_eq!(IntOrPercent::Percent(0).scaled(total, Rounding::Up), 0);
            assert_eq!(IntOrPercent::Percent(0).scaled(total, Rounding::Down), 0);
        }
        assert_eq!(IntOrPercent::Percent(100).to_string(), "100%");
        assert_eq!(IntOrPercent::Int(3).to_string(), "3");
    }
}
