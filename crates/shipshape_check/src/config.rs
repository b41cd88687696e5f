//! How a run is configured: a config file, overridden by command-line flags.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;
use shipshape_yaml::{Diagnostics, SourceFile};

use crate::meta::{RuleMeta, Severity};
use crate::registry;
use crate::rule::Rule;
use crate::settings::{RefKind, Settings};

/// The config file looked for in the working directory when `--config` is not given.
pub const CONFIG_FILE: &str = "shipshape-check.yaml";

/// The contents of a config file (every key optional):
///
/// ```yaml
/// select: [all]                 # rule ids, rule names or themes; default: all
/// ignore: [SS042, scaling]      # taken out of the selection
/// fail-on: warning              # info | warning | error
/// namespace: default            # for objects that name none
/// external-refs: [secret]       # configmap | secret | serviceaccount | persistentvolumeclaim | all
/// severity: { SS011: info }     # change a rule's severity
/// ```
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    /// The rules to run (ids, names or themes); all when absent.
    pub select: Option<Vec<String>>,
    /// Rules taken out of the selection.
    #[serde(default)]
    pub ignore: Vec<String>,
    /// The lowest severity that fails the run.
    pub fail_on: Option<Severity>,
    /// The namespace of objects that name none.
    pub namespace: Option<String>,
    /// Kinds that references may find outside the input.
    #[serde(default)]
    pub external_refs: BTreeSet<RefKind>,
    /// Severities that differ from the rules' own, by rule id.
    #[serde(default)]
    pub severity: BTreeMap<String, Severity>,
}

impl Config {
    /// Reads a config file's text; `name` is what errors call it.
    ///
    /// # Errors
    /// Invalid YAML, unknown keys and wrong values, located.
    pub fn from_yaml(name: &str, text: &str) -> Result<Config, Diagnostics> {
        let source = SourceFile::new(name, text);
        let located = |e| Diagnostics::from(source.diagnostic(&e));
        let tree = shipshape_yaml::parse_single(text).map_err(located)?;
        if matches!(tree.value, shipshape_yaml::Value::Null) {
            return Ok(Config::default());
        }
        shipshape_yaml::from_node(&tree).map_err(located)
    }
}

/// A resolved configuration: which rules run, at which severity, with which settings.
#[derive(Debug, Clone)]
pub struct Options {
    /// The rules to run, in registry order.
    pub rules: Vec<Rule>,
    /// Severities that differ from the rules' own.
    pub severities: BTreeMap<&'static str, Severity>,
    /// What rules may read.
    pub settings: Settings,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            rules: registry::all().to_vec(),
            severities: BTreeMap::new(),
            settings: Settings::default(),
        }
    }
}

impl Options {
    /// Resolves `config`.
    ///
    /// # Errors
    /// A selector or severity key that names no rule or theme, with a suggestion.
    pub fn from_config(config: &Config) -> Result<Options, String> {
        let rules = registry::select(config.select.as_deref(), &config.ignore)?;
        let mut severities = BTreeMap::new();
        for (code, severity) in &config.severity {
            let rule = registry::find(code).ok_or_else(|| registry::unknown(code))?;
            severities.insert(rule.meta().id, *severity);
        }
        Ok(Options {
            rules,
            severities,
            settings: Settings {
                external_refs: config.external_refs.clone(),
                ..Settings::default()
            },
        })
    }

    /// The severity of `rule`'s findings in this run.
    #[must_use]
    pub fn severity_of(&self, rule: &RuleMeta) -> Severity {
        self.severities
            .get(rule.id)
            .copied()
            .unwrap_or(rule.severity)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_key_and_rejects_unknown_ones() {
        let config = Config::from_yaml(
            "c.yaml",
            "select: [all]\nignore: [SS042, scaling]\nfail-on: error\nnamespace: shop\nexternal-refs: [secret]\nseverity: { SS011: info }\n",
        )
        .unwrap();
        assert_eq!(config.fail_on, Some(Severity::Error));
        assert!(config.external_refs.contains(&RefKind::Secret));
        let options = Options::from_config(&config).unwrap();
        assert!(options.rules.iter().all(|r| r.meta().id != "SS042"));
        assert!(
            options
                .rules
                .iter()
                .all(|r| r.meta().theme != crate::Theme::Scaling)
        );
        assert_eq!(options.severities.get("SS011"), Some(&Severity::Info));

        let err = Config::from_yaml("c.yaml", "fail_on: error\n").unwrap_err();
        assert_eq!(
            err.0[0].location().map(|l| (l.line, l.column)),
            Some((1, 1))
        );
        let err = Options::from_config(&Config {
            ignore: vec!["SS9".into()],
            ..Config::default()
        })
        .unwrap_err();
        assert!(err.contains("`SS9`"), "{err}");
    }
}
