//! A `shipshape.yaml` among the inputs: loaded, rendered, and kept so that findings on
//! what it generates point back into it.

use std::path::Path;

use shipshape_manifest::ManifestSet;
use shipshape_manifest::SpecSource;
use shipshape_spec::{LoadedSpec, SPEC_FILE_NAME};
use shipshape_yaml::{Diagnostic, PathSegment};

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
    /// The application's name, which its objects carry as `app.kubernetes.io/part-of`.
    pub app: String,
    /// The namespace its objects are in.
    pub namespace: String,
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
    let target = target(&loaded);
    match shipshape_render::render(&loaded.spec) {
        Ok(rendered) => Ok(RenderedSpec {
            app: loaded.spec.name.clone(),
            namespace: loaded.spec.namespace().to_owned(),
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
fn target(loaded: &LoadedSpec) -> SpecTarget {
    let path = [PathSegment::from("kubernetes")];
    let stated = loaded
        .spec
        .kubernetes
        .as_ref()
        .map(|_| (loaded.source.clone(), loaded.tree.span_of(&path, false)));
    SpecTarget {
        file: loaded.source.name().to_owned(),
        version: loaded.spec.kubernetes_version(),
        stated,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shipshape_grammar::KubeVersion;

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
        let stated = target(&loaded(SPEC));
        assert_eq!(stated.version, KubeVersion::new(34));
        assert_eq!(stated.file, "shipshape.yaml");
        let (_, span) = stated.stated.unwrap();
        assert_eq!((span.line, span.column), (2, 13));

        let unstated = target(&loaded(&SPEC.replace("kubernetes: \"1.34\"\n", "")));
        assert_eq!(unstated.version, KubeVersion::new(33));
        assert!(unstated.stated.is_none());
    }
}
