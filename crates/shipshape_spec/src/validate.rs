//! Checks for impossible values in a spec that deserialized fine.
//!
//! Deserialization catches what one value gets wrong on its own (types, unknown keys,
//! malformed ranges). The checks here need more than one value: names that must be
//! Kubernetes names, references to things declared elsewhere in the spec, settings that
//! contradict each other, and values Kubernetes would only reject at apply time, when
//! half a rollout has happened. Every check reports and goes on, so one run shows every
//! problem. One module per concept; this one holds what they share.

mod backups;
mod expose;
mod files;
mod names;
mod network;
mod patches;
mod rbac;
mod secrets;
mod services;
mod stateful;
mod wiring;
mod workload;

use std::path::Path as FsPath;

use indexmap::IndexMap;

use crate::app::AppSpec;
use crate::component::ComponentKind;
use crate::config::ConfigSpec;
use crate::problem::{Path, Problem, closest};
use crate::secrets::SecretSpec;
use crate::services::ServiceType;

/// `under!(base, "health", "live")`: `base` extended by more path segments.
macro_rules! under {
    ($base:expr, $($seg:expr),+ $(,)?) => {{
        let mut path: $crate::problem::Path = $base.to_vec();
        $(path.push($crate::__PathSegment::from($seg));)+
        path
    }};
}
pub(crate) use under;

/// Every problem in `spec`, in spec order; also reads `from:` files relative to
/// `base_dir` into their `content`, since a missing file is a problem of the spec.
pub fn validate(spec: &mut AppSpec, base_dir: &FsPath) -> Vec<Problem> {
    let mut out = Vec::new();
    names::check_app(spec, &mut out);
    let declared = Declared::of(spec);
    for (name, component) in &mut spec.components {
        let at = crate::path!["components", name];
        names::check_component(name, &at, &mut out);
        workload::check(component, &at, &mut out);
        network::check(component, &at, &mut out);
        expose::check(component, &at, &mut out);
        rbac::check(component, &at, &mut out);
        wiring::check(name, component, &at, &declared, &mut out);
        files::check(component, &at, &declared, base_dir, &mut out);
        stateful::check(name, component, &at, &declared, &mut out);
    }
    secrets::check_secrets(&spec.secrets, &mut out);
    secrets::check_configs(&spec.configs, &mut out);
    services::check(spec, &declared, &mut out);
    expose::check_shared(spec, &mut out);
    patches::check(&spec.patches, &mut out);
    out
}

/// What the spec declares by name, taken before components are checked (and their files
/// read), so references can be resolved while a component is borrowed mutably.
pub(crate) struct Declared {
    components: IndexMap<String, ComponentKind>,
    /// Whether each component serves at least one port to its callers.
    serving: IndexMap<String, bool>,
    services: IndexMap<String, ServiceType>,
    /// Each secret's keys; `None` when any key may exist (a Secret managed elsewhere) or
    /// the secret is itself malformed (reported on its own).
    secrets: IndexMap<String, Option<Vec<String>>>,
    /// Each config's keys, as for secrets.
    configs: IndexMap<String, Option<Vec<String>>>,
}

impl Declared {
    fn of(spec: &AppSpec) -> Self {
        Declared {
            components: spec
                .components
                .iter()
                .map(|(n, c)| (n.clone(), c.kind))
                .collect(),
            serving: spec
                .components
                .iter()
                .map(|(n, c)| (n.clone(), !c.served_ports().is_empty()))
                .collect(),
            services: spec
                .services
                .iter()
                .map(|(n, s)| (n.clone(), s.kind))
                .collect(),
            secrets: spec
                .secrets
                .iter()
                .map(|(n, s)| (n.clone(), secret_keys(s)))
                .collect(),
            configs: spec
                .configs
                .iter()
                .map(|(n, c)| (n.clone(), config_keys(c)))
                .collect(),
        }
    }

    /// Checks a `{secret: NAME, key: KEY}` or `{config: NAME, key: KEY}` reference in
    /// the mapping at `at`: the name is declared, the key exists, and `key` is not set
    /// without either.
    pub(crate) fn check_source_ref(
        &self,
        at: &Path,
        secret: Option<&str>,
        config: Option<&str>,
        key: Option<&str>,
        out: &mut Vec<Problem>,
    ) {
        let (field, name, sections, table): (_, _, &[&str], _) = match (secret, config) {
            (Some(name), None) => ("secret", name, &["secrets"], &self.secrets),
            (None, Some(name)) => ("config", name, &["configs"], &self.configs),
            (None, None) => {
                if key.is_some() {
                    out.push(
                        Problem::new(
                            under!(at, "key"),
                            "`key` applies only to `secret` and `config`",
                        )
                        .at_key()
                        .help("remove `key`"),
                    );
                }
                return;
            }
            // Both: reported by the caller's "exactly one of" check.
            (Some(_), Some(_)) => return,
        };
        let Some(key) = key else {
            out.push(
                Problem::new(at.clone(), format!("`{field}` needs `key`")).help(format!(
                    "add `key:` naming the key of {field} `{name}` to use"
                )),
            );
            return;
        };
        let known = Known::declared(field, sections, table.keys().map(String::as_str));
        if let Some(p) = known.check(under!(at, field), name) {
            out.push(p);
            return;
        }
        if let Some(Some(keys)) = table.get(name) {
            let what = format!("a key of {field} `{name}`");
            let known = Known::fixed(&what, keys.iter().map(String::as_str));
            out.extend(known.check(under!(at, "key"), key));
        }
    }
}

fn secret_keys(secret: &SecretSpec) -> Option<Vec<String>> {
    match (&secret.generate, &secret.existing, &secret.external) {
        (Some(g), None, None) => Some(secrets::generated_keys(g)),
        (None, None, Some(e)) => Some(e.data.keys().cloned().collect()),
        _ => None,
    }
}

fn config_keys(config: &ConfigSpec) -> Option<Vec<String>> {
    (config.existing.is_none() && !config.data.is_empty())
        .then(|| config.data.keys().cloned().collect())
}

/// The valid names for one sort of reference, to check a reference against: declared
/// names (secrets, ports) or a fixed vocabulary (pod fields, outputs).
pub(crate) struct Known<'a> {
    what: &'a str,
    /// The sections that declare more; empty for a fixed vocabulary.
    sections: &'a [&'a str],
    names: Vec<&'a str>,
}

impl<'a> Known<'a> {
    /// Names declared under one of `sections` (a port under `ports:`).
    pub(crate) fn declared(
        what: &'a str,
        sections: &'a [&'a str],
        names: impl IntoIterator<Item = &'a str>,
    ) -> Self {
        Known {
            what,
            sections,
            names: names.into_iter().collect(),
        }
    }

    /// A fixed vocabulary that the user cannot extend; `what` has its article ("a pod
    /// field").
    pub(crate) fn fixed(what: &'a str, names: impl IntoIterator<Item = &'a str>) -> Self {
        Self::declared(what, &[], names)
    }

    /// `None` when `given` is known; otherwise a problem at `path` that suggests the
    /// closest known name, or says what would be valid.
    pub(crate) fn check(&self, path: Path, given: &str) -> Option<Problem> {
        if self.names.contains(&given) {
            return None;
        }
        let choices = format!("use one of {}", list(&self.names));
        let (message, otherwise) = if self.sections.is_empty() {
            (format!("`{given}` is not {}", self.what), choices)
        } else {
            let sections: Vec<String> = self.sections.iter().map(|s| format!("{s}:")).collect();
            let sections: Vec<&str> = sections.iter().map(String::as_str).collect();
            let declare = format!("declare it under {}", alternatives(&sections));
            let otherwise = if self.names.is_empty() {
                declare
            } else {
                format!("{declare}, or {choices}")
            };
            (
                format!("{} `{given}` is not declared", self.what),
                otherwise,
            )
        };
        let help = closest(given, self.names.iter().copied())
            .map_or(otherwise, |s| format!("did you mean `{s}`?"));
        Some(Problem::new(path, message).help(help))
    }
}

/// `` `a`, `b`, `c` `` for messages.
pub(crate) fn list<S: AsRef<str>>(names: &[S]) -> String {
    names
        .iter()
        .map(|n| format!("`{}`", n.as_ref()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `` `a`, `b` or `c` `` for messages.
pub(crate) fn alternatives(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => format!("`{one}`"),
        [init @ .., last] => format!("{} or `{last}`", list(init)),
    }
}

/// Checks that exactly one of `fields` (key, is it set) is set in the mapping at `at`,
/// which `what` names ("the `live` probe"). Too many is reported at the second key set,
/// so the snippet shows the conflict.
pub(crate) fn exactly_one(
    at: &Path,
    what: &str,
    fields: &[(&str, bool)],
    out: &mut Vec<Problem>,
) -> bool {
    let names: Vec<&str> = fields.iter().map(|(n, _)| *n).collect();
    let set: Vec<&str> = fields.iter().filter(|(_, s)| *s).map(|(n, _)| *n).collect();
    match set.as_slice() {
        [_] => return true,
        [] => out.push(
            Problem::new(
                at.clone(),
                format!("{what} needs one of {}", alternatives(&names)),
            )
            .help("add exactly one of them"),
        ),
        [first, second, ..] => out.push(
            Problem::new(
                under!(at, *second),
                format!("{what} sets both `{first}` and `{second}`"),
            )
            .at_key()
            .help(format!("keep only one of {}", alternatives(&names))),
        ),
    }
    false
}

/// A problem when `value`, a path inside the container, is not absolute.
pub(crate) fn absolute(path: Path, value: &str, what: &str) -> Option<Problem> {
    (!value.starts_with('/')).then(|| {
        Problem::new(path, format!("{what} `{value}` is not an absolute path"))
            .help(format!("start it with `/`, such as `/{value}`"))
    })
}
