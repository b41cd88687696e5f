//! Which Kubernetes version a run targets: the flag's, else the one every spec targets.
//!
//! A spec is rendered for its `kubernetes:` version (1.33 when it says none), so judging
//! its output against another version would report problems the spec never had. One run
//! has one target, because the checker validates every object against one set of schemas.

use shipshape_grammar::KubeVersion;
use shipshape_yaml::{Diagnostic, Diagnostics, SourceFile, Span};

/// The version one spec was rendered for, and where it says so.
#[derive(Debug, Clone)]
pub struct SpecTarget {
    /// The spec's file name, as diagnostics call it.
    pub file: String,
    /// The version it targets.
    pub version: KubeVersion,
    /// The spec's text and the span of its `kubernetes:` value; `None` when the spec
    /// states no version and targets the default.
    pub stated: Option<(SourceFile, Span)>,
}

impl SpecTarget {
    /// How messages name this spec's choice: "`a/shipshape.yaml` targets 1.33".
    fn describe(&self) -> String {
        let how = if self.stated.is_some() {
            "targets"
        } else {
            "targets by default"
        };
        format!("`{}` {how} {}", self.file, self.version)
    }
}

/// The run's target: `flag` when given, else the version the specs agree on, else the
/// newest supported version (the schemas' default).
///
/// # Errors
/// Two specs that target different versions and no `flag` to choose between them; the
/// diagnostic names both and points at a stated `kubernetes:` of one of them.
pub fn resolve(
    specs: &[SpecTarget],
    flag: Option<KubeVersion>,
) -> Result<KubeVersion, Diagnostics> {
    if let Some(version) = flag {
        return Ok(version);
    }
    let Some(first) = specs.first() else {
        return Ok(KubeVersion::NEWEST);
    };
    match specs.iter().find(|s| s.version != first.version) {
        None => Ok(first.version),
        Some(other) => {
            let diagnostic = Diagnostic::new(format!(
                "the specs target different Kubernetes versions: {} and {}",
                first.describe(),
                other.describe()
            ))
            .with_help(
                "give --kubernetes to choose the version to check against, or give the specs the same `kubernetes:`",
            );
            Err(Diagnostics::from(
                match other.stated.as_ref().or(first.stated.as_ref()) {
                    Some((source, span)) => diagnostic.located(source, *span),
                    None => diagnostic,
                },
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shipshape_yaml::PathSegment;

    fn stated(file: &str, minor: u32) -> SpecTarget {
        let text = format!("name: a\nkubernetes: \"1.{minor}\"\n");
        let tree = shipshape_yaml::parse_single(&text).unwrap();
        let span = tree.span_of(&[PathSegment::from("kubernetes")], false);
        SpecTarget {
            file: file.to_owned(),
            version: KubeVersion::new(minor),
            stated: Some((SourceFile::new(file, text), span)),
        }
    }

    fn by_default(file: &str) -> SpecTarget {
        SpecTarget {
            file: file.to_owned(),
            version: KubeVersion::new(33),
            stated: None,
        }
    }

    #[test]
    fn without_specs_or_flag_the_newest_version_is_the_target() {
        assert_eq!(resolve(&[], None).unwrap(), KubeVersion::NEWEST);
    }

    #[test]
    fn specs_that_agree_give_their_version() {
        let specs = [stated("a.yaml", 35), stated("b.yaml", 35)];
        assert_eq!(resolve(&specs, None).unwrap(), KubeVersion::new(35));
        let specs = [by_default("a.yaml"), stated("b.yaml", 33)];
        assert_eq!(resolve(&specs, None).unwrap(), KubeVersion::new(33));
    }

    #[test]
    fn the_flag_overrides_the_specs_even_when_they_disagree() {
        let specs = [stated("a.yaml", 33), stated("b.yaml", 35)];
        let flag = Some(KubeVersion::new(34));
        assert_eq!(resolve(&specs, flag).unwrap(), KubeVersion::new(34));
    }

    #[test]
    fn specs_that_disagree_are_an_error_naming_both() {
        let specs = [
            by_default("a/shipshape.yaml"),
            stated("b/shipshape.yaml", 35),
        ];
        let err = resolve(&specs, None).unwrap_err().0.remove(0);
        assert_eq!(
            err.message(),
            "the specs target different Kubernetes versions: `a/shipshape.yaml` targets by default 1.33 and `b/shipshape.yaml` targets 1.35"
        );
        assert_eq!(
            err.help_text(),
            Some(
                "give --kubernetes to choose the version to check against, or give the specs the same `kubernetes:`"
            )
        );
        assert_eq!(err.location().unwrap().to_string(), "b/shipshape.yaml:2:13");

        // The second spec states nothing: the first one's statement is shown.
        let specs = [
            stated("a/shipshape.yaml", 35),
            by_default("b/shipshape.yaml"),
        ];
        let err = resolve(&specs, None).unwrap_err().0.remove(0);
        assert_eq!(err.location().unwrap().to_string(), "a/shipshape.yaml:2:13");
    }
}
