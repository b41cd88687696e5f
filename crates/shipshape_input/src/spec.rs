//! A `shipshape.yaml` among the inputs: loaded, rendered, and kept so that findings on
//! what it generates point back into it.

use std::path::Path;

use shipshape_check::SpecSource;
use shipshape_manifest::ManifestSet;
use shipshape_spec::{LoadedSpec, SPEC_FILE_NAME};
use shipshape_validate::KubeVersion;
use shipshape_yaml::{Diagnostic, Diagnostics, PathSegment};

use crate::target::SpecTarget;

/// Whether the file at `path` is a spec rather than manifests: it is named
/// `shipshape.yaml`, the name `shipshape init` writes and `render` looks for.
pub(crate) fn is_spec(path: &Path) -> bool {
    path.file_name().is_some_and(|n| n == SPEC_FILE_NAME)
}

/// What one spec gave.
pub(crate) struct RenderedSpec {
    /// Its objects.
    pub manifests: ManifestSet,
    /// The spec itself, for locating findings.
    pub source: SpecSource,
    /// The version it was rendered for.
    pub target: SpecTarget,
}

/// Loads the spec at `path` with `environment` applied and renders it.
///
/// # Errors
/// Every problem loading, validating or rendering it, located in the spec.
pub(crate) fn render(
    path: &Path,
    environment: Option<&str>,
) -> Result<RenderedSpec, Vec<Diagnostic>> {
    let loaded = shipshape_spec::load_path(path, environment).map_err(|d| d.0)?;
    let target = target(&loaded).map_err(|d| d.0)?;
    match shipshape_render::render(&loaded.spec) {
        Ok(rendered) => Ok(RenderedSpec {
            manifests: rendered.manifests,
            source: SpecSource {
                source: loaded.source,
                tree: loaded.tree,
            },
            target,
        }),
        Err(problems) => Err(problems.iter().map(|p| loaded.diagnostic(p)).collect()),
    }
}

/// The version `loaded` targets, and where it says so.
///
/// # Errors
/// A `kubernetes:` that names no version with schemas; the spec's own validation refuses
/// those first, so this only fires if its list of versions and the schemas' drift apart.
fn target(loaded: &LoadedSpec) -> Result<SpecTarget, Diagnostics> {
    let path = [PathSegment::from("kubernetes")];
    let stated = loaded
        .spec
        .kubernetes
        .as_ref()
        .map(|_| (loaded.source.clone(), loaded.tree.span_of(&path, false)));
    let version = loaded
        .spec
        .kubernetes_version()
        .parse::<KubeVersion>()
        .map_err(|message| {
            Diagnostics::from(match &stated {
                Some((source, span)) => Diagnostic::new(message).located(source, *span),
                None => Diagnostic::new(message),
            })
        })?;
    Ok(SpecTarget {
        file: loaded.source.name().to_owned(),
        version,
        stated,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: &str =
        "name: a\nkubernetes: \"1.34\"\ncomponents: { w: { kind: worker, image: w:1 } }\n";

    fn loaded(text: &str) -> LoadedSpec {
        shipshape_spec::load_str("shipshape.yaml", text, Path::new("."), None).unwrap()
    }

    #[test]
    fn only_files_named_shipshape_yaml_are_specs() {
        assert!(is_spec(Path::new("a/b/shipshape.yaml")));
        assert!(!is_spec(Path::new("a/b/shipshape.yml")));
        assert!(!is_spec(Path::new("a/b/Shipshape.yaml")));
        assert!(!is_spec(Path::new("a/shipshape.yaml/deploy.yaml")));
    }

    #[test]
    fn a_spec_targets_its_stated_version_or_the_default() {
        let stated = target(&loaded(SPEC)).unwrap();
        assert_eq!(stated.version, KubeVersion::new(34));
        assert_eq!(stated.file, "shipshape.yaml");
        let (_, span) = stated.stated.unwrap();
        assert_eq!((span.line, span.column), (2, 13));

        let unstated = target(&loaded(&SPEC.replace("kubernetes: \"1.34\"\n", ""))).unwrap();
        assert_eq!(unstated.version, KubeVersion::new(33));
        assert!(unstated.stated.is_none());
    }

    #[test]
    fn a_version_without_schemas_is_a_located_error() {
        let mut spec = loaded(SPEC);
        spec.spec.kubernetes = Some("1.20".to_owned());
        let err = target(&spec).unwrap_err().0.remove(0);
        assert_eq!(
            err.message(),
            "shipshape has no schemas for Kubernetes 1.20; supported: 1.33, 1.34, 1.35, 1.36, 1.37"
        );
        assert_eq!(err.location().unwrap().to_string(), "shipshape.yaml:2:13");
    }
}
