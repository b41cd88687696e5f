//! Rule ids that were merged into another rule. They keep working wherever a rule is
//! named (`--select`, `--ignore`, `severity:`, suppression annotations, `shipshape rule`),
//! so a merge never breaks a configuration; an id is never reused.

/// `(old id, the id that now reports its findings)`.
const MERGED: [(&str, &str); 1] = [
    // Both were `removed-api-version`: SS170 read the API version alone from a table of
    // its own, SS062 the shared table by group and kind for the target version, so a
    // policy/v1beta1 PodDisruptionBudget got two findings for one problem.
    ("SS170", "SS062"),
];

/// The rule id an old id was merged into, if `code` is one (any case).
#[must_use]
pub fn merged_into(code: &str) -> Option<&'static str> {
    MERGED
        .iter()
        .find(|(old, _)| old.eq_ignore_ascii_case(code))
        .map(|(_, new)| *new)
}

/// `code`, or the id it was merged into.
#[must_use]
pub fn canonical(code: &str) -> &str {
    merged_into(code).unwrap_or(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_ids_resolve_to_the_rule_they_were_merged_into() {
        assert_eq!(merged_into("SS170"), Some("SS062"));
        assert_eq!(merged_into("ss170"), Some("SS062"));
        assert_eq!(merged_into("SS062"), None);
        assert_eq!(canonical("ss170"), "SS062");
        assert_eq!(canonical("SS010"), "SS010");
    }
}
