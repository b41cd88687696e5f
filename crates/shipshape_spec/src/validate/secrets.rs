//! Secrets and configs: where their values come from, and their keys.

use indexmap::IndexMap;

use super::{exactly_one, under};
use crate::config::ConfigSpec;
use crate::path;
use crate::problem::{Path, Problem};
use crate::secrets::{External, Generate, SecretSpec};

/// Generated values shorter than this are guessable; longer ones than the upper bound
/// only bloat the Secret.
const GENERATED_LENGTH: std::ops::RangeInclusive<u32> = 16..=4096;

/// The keys a generated secret has: its `keys`, or `value` when none are listed.
pub(super) fn generated_keys(g: &Generate) -> Vec<String> {
    if g.keys.is_empty() {
        vec!["value".to_owned()]
    } else {
        g.keys.clone()
    }
}

/// Every secret under `secrets:`.
pub(super) fn check_secrets(secrets: &IndexMap<String, SecretSpec>, out: &mut Vec<Problem>) {
    for (name, s) in secrets {
        let at = path!["secrets", name];
        let one = exactly_one(
            &at,
            &format!("secret `{name}`"),
            &[
                ("generate", s.generate.is_some()),
                ("existing", s.existing.is_some()),
                ("external", s.external.is_some()),
            ],
            out,
        );
        if !one {
            continue;
        }
        if let Some(g) = &s.generate {
            check_generate(g, &under!(at, "generate"), out);
        }
        if let Some(e) = &s.external {
            check_external(e, &under!(at, "external"), out);
        }
    }
}

fn check_generate(g: &Generate, at: &Path, out: &mut Vec<Problem>) {
    for (i, key) in g.keys.iter().enumerate() {
        let at = under!(at, "keys", i);
        if let Some(p) = data_key(at.clone(), key, "secret") {
            out.push(p);
        } else if g.keys[..i].contains(key) {
            out.push(
                Problem::new(at, format!("key `{key}` is listed twice")).help("remove one of them"),
            );
        }
    }
    if let Some(length) = g.length
        && !GENERATED_LENGTH.contains(&length)
    {
        let help = if length < *GENERATED_LENGTH.start() {
            "short values can be guessed: use 32 (the default) or more"
        } else {
            "use 4096 or less"
        };
        out.push(
            Problem::new(
                under!(at, "length"),
                format!("a generated value of length {length} is outside 16 to 4096"),
            )
            .help(help),
        );
    }
}

fn check_external(e: &External, at: &Path, out: &mut Vec<Problem>) {
    if e.data.is_empty() {
        out.push(
            Problem::new(
                under!(at, "data"),
                "`data` is empty, so the secret would hold nothing",
            )
            .help("map each key to its place in the store, such as `password: prod/db#password`"),
        );
    }
    for key in e.data.keys() {
        out.extend(data_key(under!(at, "data", key), key, "secret").map(Problem::at_key));
    }
}

/// Every config under `configs:`.
pub(super) fn check_configs(configs: &IndexMap<String, ConfigSpec>, out: &mut Vec<Problem>) {
    for (name, c) in configs {
        let at = path!["configs", name];
        exactly_one(
            &at,
            &format!("config `{name}`"),
            &[
                ("data", !c.data.is_empty()),
                ("existing", c.existing.is_some()),
            ],
            out,
        );
        for key in c.data.keys() {
            out.extend(data_key(under!(at, "data", key), key, "config").map(Problem::at_key));
        }
    }
}

/// A problem when `key` cannot be a key of a Secret or ConfigMap.
fn data_key(path: Path, key: &str, what: &str) -> Option<Problem> {
    let valid = !key.is_empty()
        && key.len() <= 253
        && key != "."
        && key != ".."
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    (!valid).then(|| {
        Problem::new(path, format!("`{key}` is not a valid {what} key"))
            .help("use letters, digits, `-`, `_` and `.`, such as `api-token`")
    })
}
