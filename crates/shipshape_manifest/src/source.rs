//! Specs that objects were rendered from, and where in a spec the key that produced a
//! rendered field is written.

use shipshape_yaml::{Location, Node, PathSegment, SourceFile};

/// A `shipshape.yaml` that objects were rendered from, kept so that findings on those
/// objects point back at the spec line that caused them.
#[derive(Debug)]
pub struct SpecSource {
    /// The spec's text and name.
    pub source: SourceFile,
    /// Its spanned tree, with the selected environment applied.
    pub tree: Node,
}

/// Where in the spec the key at `path` (a field's key, see [`Manifest::spec_path`]) is
/// written: the key itself, or the deepest part of its path that the spec writes. A map
/// of names written as a list (`needs: [db]`) finds the item.
///
/// [`Manifest::spec_path`]: crate::Manifest::spec_path
pub(crate) fn spec_location(spec: &SpecSource, path: &[PathSegment]) -> Location {
    let span = spec.tree.span_of(&spec.tree.written_path(path), true);
    Location {
        file: spec.source.name().to_owned(),
        line: span.line.max(1),
        column: span.column.max(1),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use shipshape_yaml::{PathSegment, SourceFile, parse_single};

    use super::SpecSource;
    use crate::{ManifestSet, Model, Provenance};

    const SPEC: &str = "name: shop
components:
  api:
    kind: service
    image: example/api:1.0.0
    replicas: 3
    needs: [db]
";

    fn path(keys: &[&str]) -> Vec<PathSegment> {
        keys.iter().map(|k| PathSegment::from(*k)).collect()
    }

    /// Where findings at each pointer of a rendered Deployment point: `line:column`.
    fn located(pointers: &[&str]) -> Vec<String> {
        let mut fields = Provenance::new();
        fields.record("/spec/replicas", path(&["components", "api", "replicas"]));
        fields.record(
            "/spec/template/spec/containers/0/image",
            path(&["components", "api", "image"]),
        );
        fields.record(
            "/spec/template/spec/containers/0/env/0",
            path(&["components", "api", "needs", "db"]),
        );
        let deployment = json!({
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": "api"},
            "spec": {
                "replicas": 3,
                "template": {"spec": {"containers": [{
                    "name": "api",
                    "image": "example/api:1.0.0",
                    "env": [{"name": "DB_URL", "value": "x"}],
                }]}},
            },
        });
        let mut set = ManifestSet::new();
        set.push_rendered(&deployment, path(&["components", "api"]), fields);
        let spec = SpecSource {
            source: SourceFile::new("shipshape.yaml", SPEC),
            tree: parse_single(SPEC).expect("the spec parses"),
        };
        let mut model = Model::new();
        model.add_rendered(set, spec);
        let object = &model.objects()[0];
        pointers
            .iter()
            .map(|pointer| {
                let at = object
                    .locate(pointer)
                    .expect("a rendered object is located");
                assert_eq!(at.file, "shipshape.yaml");
                format!("{}:{}", at.line, at.column)
            })
            .collect()
    }

    #[test]
    fn a_rendered_field_points_at_the_key_that_produced_it() {
        assert_eq!(
            located(&[
                "/spec/replicas",
                "/spec/template/spec/containers/0/image",
                "/spec/template/spec/containers/0/env/0/value",
                "/spec/template/spec/containers/0/resources/limits",
                "/spec/selector",
            ]),
            // replicas, image, the list item `db`, then the component for fields no key
            // produced.
            ["6:5", "5:5", "7:13", "3:3", "3:3"]
        );
    }
}
