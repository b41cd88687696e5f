//! Environment variables and `needs`: what a component takes from secrets, configs, the
//! pod, and the things it talks to.

use indexmap::IndexMap;

use super::{Declared, Known, exactly_one, under};
use crate::component::Component;
use crate::env::{EnvSource, EnvValue, POD_FIELDS, RESOURCE_FIELDS};
use crate::problem::{Path, Problem, closest};
use crate::stateful::Identity;

/// What a component that is needed offers through its Service.
const COMPONENT_OUTPUTS: &[&str] = &["url", "host", "port"];

/// Every check of this module for the component `name` at `at`.
pub(super) fn check(
    name: &str,
    c: &Component,
    at: &Path,
    declared: &Declared,
    out: &mut Vec<Problem>,
) {
    // Variables from `identity` and `needs` come before `env` in the container, so `env`
    // may refer to them.
    let identity = c
        .identity
        .iter()
        .flat_map(Identity::vars)
        .map(|(_, var)| var);
    let needs = c.needs.0.values().flat_map(IndexMap::values);
    let wired: Vec<&str> = identity.chain(needs.map(String::as_str)).collect();
    check_env(&c.env, at, declared, &wired, out);
    check_needs(name, c, at, declared, out);
}

fn check_env(
    env: &IndexMap<String, EnvValue>,
    at: &Path,
    declared: &Declared,
    wired: &[&str],
    out: &mut Vec<Problem>,
) {
    let mut defined = wired.to_vec();
    for (var, value) in env {
        let at = under!(at, "env", var);
        out.extend(env_name(at.clone(), var).map(Problem::at_key));
        match value {
            EnvValue::Literal(text) => check_references(var, text, &defined, env, &at, out),
            EnvValue::From(source) => check_source(var, source, &at, declared, out),
        }
        defined.push(var);
    }
}

/// A problem when `var` cannot be an environment variable name.
pub(super) fn env_name(path: Path, var: &str) -> Option<Problem> {
    if var.is_empty() {
        Some(Problem::new(path, "an environment variable needs a name"))
    } else if var.contains('=') {
        Some(
            Problem::new(
                path,
                format!("environment variable name `{var}` contains `=`"),
            )
            .help("the name ends where `=` starts: remove it, and put the value after the colon"),
        )
    } else {
        None
    }
}

fn check_source(var: &str, s: &EnvSource, at: &Path, declared: &Declared, out: &mut Vec<Problem>) {
    let one = exactly_one(
        at,
        &format!("`{var}`"),
        &[
            ("secret", s.secret.is_some()),
            ("config", s.config.is_some()),
            ("field", s.field.is_some()),
            ("resource", s.resource.is_some()),
        ],
        out,
    );
    if !one {
        return;
    }
    if let Some(field) = &s.field {
        let known = Known::fixed("a pod field", POD_FIELDS.iter().copied());
        out.extend(known.check(under!(at, "field"), field));
    }
    if let Some(resource) = &s.resource {
        let known = Known::fixed("a container resource", RESOURCE_FIELDS.iter().copied());
        out.extend(known.check(under!(at, "resource"), resource));
    }
    declared.check_source_ref(
        at,
        s.secret.as_deref(),
        s.config.as_deref(),
        s.key.as_deref(),
        out,
    );
}

/// Kubernetes expands `$(NAME)` only when `NAME` is defined earlier in the container;
/// otherwise the text stays as it is, which is never what was meant.
fn check_references(
    var: &str,
    text: &str,
    defined: &[&str],
    env: &IndexMap<String, EnvValue>,
    at: &Path,
    out: &mut Vec<Problem>,
) {
    for name in references(text) {
        if defined.contains(&name) {
            continue;
        }
        let help = if name == var {
            "a variable cannot refer to itself".to_owned()
        } else if env.contains_key(name) {
            format!(
                "Kubernetes only expands variables defined earlier: move `{name}` above `{var}`"
            )
        } else if let Some(s) = closest(name, defined.iter().copied()) {
            format!("did you mean `$({s})`?")
        } else {
            format!(
                "define `{name}` before `{var}`, or write `$$({name})` for a literal `$({name})`"
            )
        };
        out.push(
            Problem::new(
                at.clone(),
                format!("`$({name})` refers to a variable that is not defined before `{var}`"),
            )
            .help(help),
        );
    }
}

/// The names in `$(NAME)` references of `text`, skipping `$$` escapes.
fn references(text: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        rest = &rest[at + 1..];
        if let Some(after) = rest.strip_prefix('$') {
            rest = after;
        } else if let Some(after) = rest.strip_prefix('(')
            && let Some(end) = after.find(')')
        {
            found.push(&after[..end]);
            rest = &after[end + 1..];
        }
    }
    found
}

fn check_needs(name: &str, c: &Component, at: &Path, declared: &Declared, out: &mut Vec<Problem>) {
    let targets = Known::declared(
        "component or service",
        &["components", "services"],
        declared
            .components
            .keys()
            .chain(declared.services.keys())
            .map(String::as_str),
    );
    // Each variable set so far by wiring, and by which `needs` entry.
    let mut wired: Vec<(&str, String)> = Vec::new();
    for (target, outputs) in &c.needs.0 {
        let at = under!(at, "needs", target);
        if let Some(p) = targets.check(at.clone(), target) {
            out.push(p.at_key());
            continue;
        }
        let Some(offered) = outputs_of(name, target, declared, &at, out) else {
            continue;
        };
        let what = format!("an output of `{target}`");
        let known = Known::fixed(&what, offered.iter().copied());
        for (output, var) in outputs {
            let at = under!(at, output);
            out.extend(known.check(at.clone(), output).map(Problem::at_key));
            let source = format!("needs.{target}.{output}");
            out.extend(wired_name(var, &source, &c.env, &wired, at));
            wired.push((var, source));
        }
    }
}

/// What the needed `target` offers, or `None` (with a problem) when it cannot be needed.
fn outputs_of(
    name: &str,
    target: &str,
    declared: &Declared,
    at: &Path,
    out: &mut Vec<Problem>,
) -> Option<&'static [&'static str]> {
    let problem = if target == name {
        Problem::new(at.clone(), format!("`{name}` needs itself"))
            .help("remove it: a component does not need itself to reach its own pods")
    } else if let Some(kind) = declared.components.get(target) {
        if kind.has_client_service() {
            if declared.serving.get(target).is_some_and(|served| !*served) {
                out.push(
                    Problem::new(at.clone(), format!("`{target}` serves no port to its callers"))
                        .at_key()
                        .help(format!(
                            "list the ports callers use in `components.{target}.serves`, or remove `{target}` from `needs`"
                        )),
                );
                return None;
            }
            return Some(COMPONENT_OUTPUTS);
        }
        Problem::new(
            at.clone(),
            format!("`{target}` is a {kind}, so it has no Service to call"),
        )
        .help(format!(
            "make `{target}` `kind: service` with ports, or remove it from `needs`"
        ))
    } else {
        return declared.services.get(target).map(|t| t.outputs());
    };
    out.push(problem.at_key());
    None
}

/// A problem when a wiring variable has no valid name or already has a value.
fn wired_name(
    var: &str,
    source: &str,
    env: &IndexMap<String, EnvValue>,
    wired: &[(&str, String)],
    at: Path,
) -> Option<Problem> {
    if let Some(p) = env_name(at.clone(), var) {
        return Some(p);
    }
    let clash = if env.contains_key(var) {
        "`env`".to_owned()
    } else {
        let (_, first) = wired.iter().find(|(v, _)| *v == var)?;
        format!("`{first}`")
    };
    Some(
        Problem::new(at, format!("`{var}` is set both here and by {clash}")).help(format!(
            "a variable has one value: rename `{source}` or the other one"
        )),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_references() {
        assert_eq!(references("$(A)-$(B_C)"), vec!["A", "B_C"]);
        assert_eq!(references("$$(A) $5 $(B"), Vec::<&str>::new());
    }
}
