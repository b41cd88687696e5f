//! The registry: every rule, looked up by id, name or theme.

use crate::merged::canonical;
pub use crate::merged::merged_into;
use crate::meta::Theme;
use crate::rule::Rule;
use crate::rules::RULES;

/// Every rule, in id order.
#[must_use]
pub fn all() -> &'static [Rule] {
    RULES
}

/// The rule with this id (`SS010`, any case) or name (`missing-readiness-probe`), or
/// that an old id was merged into (`SS170` finds SS062).
#[must_use]
pub fn find(code: &str) -> Option<Rule> {
    let code = canonical(code);
    RULES.iter().copied().find(|r| {
        let meta = r.meta();
        meta.id.eq_ignore_ascii_case(code) || meta.name == code
    })
}

fn theme(code: &str) -> Option<Theme> {
    Theme::ALL
        .into_iter()
        .find(|t| t.as_str().eq_ignore_ascii_case(code))
}

/// Whether `code` names a rule, a theme, or `all`.
#[must_use]
pub fn is_known(code: &str) -> bool {
    code.eq_ignore_ascii_case("all") || find(code).is_some() || theme(code).is_some()
}

/// Whether `code` (a rule id or name, a theme, or `all`) covers `rule`.
fn covers(code: &str, rule: Rule) -> bool {
    let meta = rule.meta();
    let code = canonical(code);
    code.eq_ignore_ascii_case("all")
        || meta.id.eq_ignore_ascii_case(code)
        || meta.name == code
        || meta.theme.as_str().eq_ignore_ascii_case(code)
}

/// The rules `select` picks (all when `None`), less those `ignore` names.
///
/// # Errors
/// A code that names no rule or theme.
pub fn select(select: Option<&[String]>, ignore: &[String]) -> Result<Vec<Rule>, String> {
    let all = ["all".to_owned()];
    let select = select.unwrap_or(&all);
    if let Some(bad) = select.iter().chain(ignore).find(|c| !is_known(c)) {
        return Err(unknown(bad));
    }
    Ok(RULES
        .iter()
        .copied()
        .filter(|&r| select.iter().any(|c| covers(c, r)) && !ignore.iter().any(|c| covers(c, r)))
        .collect())
}

/// The message for a code that names nothing, with the closest id, name or theme.
#[must_use]
pub fn unknown(code: &str) -> String {
    let candidates = RULES
        .iter()
        .flat_map(|r| [r.meta().id, r.meta().name])
        .chain(Theme::ALL.iter().map(|t| t.as_str()));
    let hint = candidates
        .map(|c| {
            (
                strsim::jaro_winkler(&code.to_ascii_lowercase(), &c.to_ascii_lowercase()),
                c,
            )
        })
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| format!("; did you mean `{c}`?"))
        .unwrap_or_default();
    format!("`{code}` is not a rule id, rule name or theme{hint} (`shipshape rules` lists them)")
}
