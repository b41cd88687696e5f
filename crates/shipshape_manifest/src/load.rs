//! Reading Kubernetes objects from any YAML: files, directories and streams.
//!
//! Every object keeps the file, line and column it starts at ([`Origin::File`]) and its
//! spanned tree, so a consumer can locate any field inside it later. The source text
//! itself is not kept: memory grows with the objects, not with the text they came from.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use shipshape_yaml::{Diagnostic, Diagnostics, Location, Node, SourceFile, Value};

use crate::{Manifest, Origin, Provenance, is_namespaced};

/// Reads every object of the YAML stream `text`; `name` is what locations call the file.
///
/// Empty documents are skipped, `List` kinds (`v1 List`, `DeploymentList`, ...) are
/// unpacked into their items, and namespaced objects without a namespace get
/// `default_namespace`, as `kubectl apply` would give them.
///
/// # Errors
/// Invalid YAML (the first syntax error), and every document that is not a mapping or
/// lacks `apiVersion` or `kind`, each located.
pub fn load(name: &str, text: &str, default_namespace: &str) -> Result<Vec<Manifest>, Diagnostics> {
    // The source is only needed to show a snippet on error; build it only then.
    let source = || SourceFile::new(name, text);
    let documents = shipshape_yaml::parse_documents(text)
        .map_err(|e| Diagnostics::from(source().diagnostic(&e)))?;
    let mut objects = Vec::new();
    let mut problems = Vec::new();
    for document in documents {
        if matches!(document.root.value, Value::Null) {
            continue;
        }
        match document_objects(document.root) {
            Ok(nodes) => objects.extend(
                nodes
                    .into_iter()
                    .map(|node| manifest(name, node, default_namespace)),
            ),
            Err(problem) => problems.push(problem.diagnostic(&source())),
        }
    }
    if problems.is_empty() {
        Ok(objects)
    } else {
        Err(Diagnostics(problems))
    }
}

/// Every `*.yaml` and `*.yml` file under `root`, recursively, in a sorted and therefore
/// deterministic order. Hidden files and directories (`.git`, `.github`) are skipped, and
/// symbolic links to directories are not followed, so a link cycle cannot loop.
///
/// # Errors
/// A directory that cannot be read.
pub fn yaml_files(root: &Path) -> io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    walk(root, &mut files)?;
    files.sort();
    Ok(files)
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>) -> io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            walk(&path, files)?;
        } else if is_yaml(&path) && path.is_file() {
            files.push(path);
        }
    }
    Ok(())
}

/// Whether `path` names a YAML file by its extension.
#[must_use]
pub fn is_yaml(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"))
}

/// A problem with one document, before it is tied to its source.
struct Problem {
    message: String,
    help: &'static str,
    node: shipshape_yaml::Span,
}

impl Problem {
    fn diagnostic(&self, source: &SourceFile) -> Diagnostic {
        Diagnostic::new(self.message.clone())
            .located(source, self.node)
            .with_help(self.help)
    }
}

/// The objects in one document: the document itself, or the items of a list.
fn document_objects(root: Node) -> Result<Vec<Node>, Problem> {
    check_object(&root)?;
    if !is_list(&root) {
        return Ok(vec![root]);
    }
    let span = root.span;
    let Value::Map(mut map) = root.value else {
        unreachable!("check_object accepts mappings only")
    };
    let items = match map.remove("items").map(|e| e.value.value) {
        Some(Value::Seq(items)) => items,
        _ => {
            return Err(Problem {
                message: "this list has no `items` list".to_owned(),
                help: "a `List` holds its objects under `items:`",
                node: span,
            });
        }
    };
    items
        .into_iter()
        .filter(|item| !matches!(item.value, Value::Null))
        .map(|item| check_object(&item).map(|()| item))
        .collect()
}

/// `List`, or a typed list such as `DeploymentList`, as `kubectl get -o yaml` prints them.
fn is_list(node: &Node) -> bool {
    let kind = node
        .as_map()
        .and_then(|m| m.get("kind"))
        .and_then(Node::as_str);
    kind.is_some_and(|k| k.ends_with("List"))
}

/// A Kubernetes object is a mapping with string `apiVersion` and `kind`.
fn check_object(node: &Node) -> Result<(), Problem> {
    let Some(map) = node.as_map() else {
        return Err(Problem {
            message: format!(
                "this document is {}, not a Kubernetes object",
                node.value.kind_name()
            ),
            help: "each YAML document must be a mapping with `apiVersion`, `kind` and `metadata`",
            node: node.span,
        });
    };
    for key in ["apiVersion", "kind"] {
        let present = map
            .get(key)
            .and_then(Node::as_str)
            .is_some_and(|s| !s.is_empty());
        if !present {
            return Err(Problem {
                message: format!("this object has no `{key}`"),
                help: "every Kubernetes object names its `apiVersion` and `kind`, such as `apiVersion: apps/v1` and `kind: Deployment`",
                node: map.get_entry(key).map_or(node.span, |e| e.value.span),
            });
        }
    }
    Ok(())
}

fn manifest(file: &str, node: Node, default_namespace: &str) -> Manifest {
    let mut value = node.to_json();
    set_default_namespace(&mut value, default_namespace);
    let origin = Origin::File(Location {
        file: file.to_owned(),
        line: node.span.line,
        column: node.span.column,
    });
    Manifest {
        value,
        origin: Some(origin),
        tree: Some(Arc::new(node)),
        provenance: Provenance::new(),
    }
}

/// Gives a namespaced object without `metadata.namespace` the namespace `namespace`.
pub(crate) fn set_default_namespace(value: &mut serde_json::Value, namespace: &str) {
    let kind = value.get("kind").and_then(serde_json::Value::as_str);
    if !kind.is_some_and(is_namespaced) {
        return;
    }
    let Some(object) = value.as_object_mut() else {
        return;
    };
    let metadata = object
        .entry("metadata")
        .or_insert_with(|| serde_json::Value::Object(serde_json::Map::new()));
    if let Some(metadata) = metadata.as_object_mut() {
        let missing = metadata
            .get("namespace")
            .and_then(serde_json::Value::as_str)
            .is_none_or(str::is_empty);
        if missing {
            metadata.insert("namespace".to_owned(), namespace.into());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STREAM: &str = "\
# leading comment
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
---
---
apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Service
    metadata: { name: web, namespace: shop }
  - apiVersion: v1
    kind: Namespace
    metadata: { name: shop }
";

    #[test]
    fn reads_objects_with_their_places_and_unpacks_lists() {
        let objects = load("a.yaml", STREAM, "default").unwrap();
        let seen: Vec<(String, String, String, usize, usize)> = objects
            .iter()
            .map(|m| {
                let Some(Origin::File(l)) = &m.origin else {
                    panic!("file origin")
                };
                (
                    m.kind().to_owned(),
                    m.namespace().to_owned(),
                    m.name().to_owned(),
                    l.line,
                    l.column,
                )
            })
            .collect();
        assert_eq!(
            seen,
            [
                ("Deployment".into(), "default".into(), "web".into(), 3, 1),
                ("Service".into(), "shop".into(), "web".into(), 12, 5),
                ("Namespace".into(), String::new(), "shop".into(), 15, 5),
            ]
        );
    }

    #[test]
    fn locates_fields_inside_an_object() {
        let objects = load("a.yaml", STREAM, "default").unwrap();
        let service = &objects[1];
        let at = service.locate("/metadata/namespace").unwrap();
        assert_eq!((at.line, at.column), (14, 28));
        // A field that is not there points at the key of the deepest one that is.
        let at = service.locate("/metadata/labels/app").unwrap();
        assert_eq!((at.line, at.column), (14, 5));
        let at = service.locate("/spec/ports/0").unwrap();
        assert_eq!((at.line, at.column), (12, 5));
    }

    #[test]
    fn invalid_yaml_and_non_objects_are_located_errors() {
        let err = load("bad.yaml", "a: [1\nb: 2\n", "default").unwrap_err();
        assert!(err.to_string().starts_with("bad.yaml:"), "{err}");
        assert!(err.to_string().contains("invalid YAML"), "{err}");

        let err = load("x.yaml", "- 1\n---\nkind: Service\n", "default").unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("x.yaml:1:1: this document is a list, not a Kubernetes object"),
            "{text}"
        );
        assert!(
            text.contains("x.yaml:3:1: this object has no `apiVersion`"),
            "{text}"
        );
    }

    #[test]
    fn an_empty_stream_has_no_objects() {
        assert!(load("e.yaml", "", "default").unwrap().is_empty());
        assert!(
            load("e.yaml", "---\n# only a comment\n---\n", "default")
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn walks_directories_in_a_stable_order() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        std::fs::create_dir_all(root.join("b/c")).unwrap();
        std::fs::create_dir_all(root.join(".git")).unwrap();
        for f in [
            "z.yaml",
            "a.yml",
            "b/c/d.YAML",
            "b/readme.md",
            ".git/x.yaml",
            ".hidden.yaml",
        ] {
            std::fs::write(root.join(f), "").unwrap();
        }
        let found: Vec<String> = yaml_files(root)
            .unwrap()
            .iter()
            .map(|p| {
                p.strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/")
            })
            .collect();
        assert_eq!(found, ["a.yml", "b/c/d.YAML", "z.yaml"]);
    }
}
