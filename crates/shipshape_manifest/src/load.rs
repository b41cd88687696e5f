//! Reading Kubernetes objects from any YAML: files, directories and streams.
//!
//! Every object keeps the file, line and column it starts at ([`Origin::File`]) and the
//! [`Spans`](crate::Spans) of its fields, so a consumer can locate any field inside it
//! later. Neither the source text nor the spanned tree is kept: memory grows with the
//! objects' JSON values alone.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use shipshape_yaml::{Diagnostic, Diagnostics, Entry, Location, Node, SourceFile, Span, Value};

use crate::manifest::{Manifest, Origin};
use crate::provenance::Provenance;
use crate::scope::set_default_namespace;
use crate::spans::split;

/// Reads every object of the YAML stream `text`; `name` is what locations call the file.
///
/// Empty documents are skipped, `List` kinds (`v1 List`, `ConfigMapList`, ...) are
/// unpacked into their items, each located at its own line, and namespaced objects
/// without a namespace get `default_namespace`, as `kubectl apply` would give them. The
/// items of a typed list that name no `apiVersion` or `kind` (as the API server returns
/// them) take the list's `apiVersion` and the kind it lists.
///
/// # Errors
/// Every document that is not valid YAML, and every document or list item that is not a
/// mapping or lacks `apiVersion` or `kind`, each located (see [`load_all`]).
pub fn load(name: &str, text: &str, default_namespace: &str) -> Result<Vec<Manifest>, Diagnostics> {
    let loaded = load_all(name, text, default_namespace);
    if loaded.problems.is_empty() {
        Ok(loaded.objects)
    } else {
        Err(Diagnostics(loaded.problems))
    }
}

/// What a YAML stream held: the objects that could be read, and a located problem for
/// each document or list item that could not.
#[derive(Debug, Default)]
pub struct Loaded {
    /// The objects, in the order of the stream.
    pub objects: Vec<Manifest>,
    /// The problems, in the order of the stream.
    pub problems: Vec<Diagnostic>,
}

/// Reads what can be read of the YAML stream `text`, as [`load`] does, and goes on past
/// a broken document: a checker that reads a thousand objects reports the one it cannot
/// read beside what it finds in the others, rather than nothing at all.
#[must_use]
pub fn load_all(name: &str, text: &str, default_namespace: &str) -> Loaded {
    // The source is only needed to show a snippet on error; build it only then, once.
    let source = std::cell::OnceCell::new();
    let source = || source.get_or_init(|| SourceFile::new(name, text));
    let mut loaded = Loaded::default();
    let mut problems: Vec<(usize, Diagnostic)> = Vec::new();
    // Each document becomes objects as soon as it is read, so the spanned trees of the
    // whole stream are never held at once.
    let errors = shipshape_yaml::parse_stream_each(text, &mut |document| {
        if matches!(document.root.value, Value::Null) {
            return;
        }
        for found in document_objects(document.root) {
            match found {
                Ok(object) => loaded
                    .objects
                    .push(manifest(name, object, default_namespace)),
                Err(problem) => problems.push((problem.node.start, problem.diagnostic(source()))),
            }
        }
    });
    problems.extend(
        errors
            .iter()
            .map(|e| (e.span().map_or(0, |s| s.start), source().diagnostic(e))),
    );
    problems.sort_by_key(|(at, _)| *at);
    loaded.problems = problems.into_iter().map(|(_, d)| d).collect();
    loaded
}

/// Every `*.yaml` and `*.yml` file under `root`, recursively, in a sorted and therefore
/// deterministic order. Hidden files and directories (`.git`, `.github`) are skipped, and
/// symbolic links to directories are not followed, so a link cycle cannot loop.
///
/// # Errors
/// A directory that cannot be read.
pub fn yaml_files(root: &Path) -> io::Result<Vec<PathBuf>> {
    yaml_files_except(root, &mut |_| false)
}

/// [`yaml_files`], without the directories (`root` included) for which `except` says
/// yes: a reader that knows a Helm chart or a kustomization is not manifests passes it
/// over, and says so once, rather than reading its templates.
///
/// # Errors
/// A directory that cannot be read.
pub fn yaml_files_except(
    root: &Path,
    except: &mut dyn FnMut(&Path) -> bool,
) -> io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    walk(root, &mut files, except)?;
    files.sort();
    Ok(files)
}

fn walk(
    dir: &Path,
    files: &mut Vec<PathBuf>,
    except: &mut dyn FnMut(&Path) -> bool,
) -> io::Result<()> {
    if except(dir) {
        return Ok(());
    }
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            walk(&path, files, except)?;
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

/// How messages name a whole document, as opposed to an item of a list.
const DOCUMENT: &str = "this document";

/// One object found in a document, with what it inherits from a typed list.
struct Found {
    node: Node,
    /// `apiVersion` and `kind` for an item of a typed list that names neither.
    inherited: Option<(String, String)>,
}

/// The objects in one document (the document itself, or the items of a list), and a
/// problem for each one that is not an object.
fn document_objects(root: Node) -> Vec<Result<Found, Problem>> {
    if let Err(problem) = check_object(&root, None, DOCUMENT) {
        return vec![Err(problem)];
    }
    let Some(list_kind) = list_kind(&root) else {
        return vec![Ok(Found {
            node: root,
            inherited: None,
        })];
    };
    let span = root.span;
    let Value::Map(mut map) = root.value else {
        unreachable!("check_object accepts mappings only")
    };
    let api_version = map
        .get("apiVersion")
        .and_then(Node::as_str)
        .unwrap_or_default()
        .to_owned();
    let items = match map.remove("items").map(|e| e.value) {
        Some(Node {
            value: Value::Seq(items),
            ..
        }) => items,
        Some(other) => {
            return vec![Err(Problem {
                message: format!(
                    "this {list_kind}'s `items` is {}, not a list",
                    other.value.kind_name()
                ),
                help: "a list holds its objects under `items:`, one `- ` entry each",
                node: other.span,
            })];
        }
        None => {
            return vec![Err(Problem {
                message: "this list has no `items` list".to_owned(),
                help: "a `List` holds its objects under `items:`",
                node: span,
            })];
        }
    };
    // `ConfigMapList` lists ConfigMaps; a plain `List` lists anything, so its items
    // must say what they are.
    let inherited = list_kind
        .strip_suffix("List")
        .filter(|kind| !kind.is_empty())
        .map(|kind| (api_version, kind.to_owned()));
    items
        .into_iter()
        .enumerate()
        .filter(|(_, item)| !matches!(item.value, Value::Null))
        .map(|(i, item)| {
            let what = format!("`items[{i}]` of this {list_kind}");
            check_object(&item, inherited.as_ref(), &what).map(|()| Found {
                node: item,
                inherited: inherited.clone(),
            })
        })
        .collect()
}

/// The kind of a list: `List`, or a typed list such as `ConfigMapList` as the API server
/// returns it; `None` for any other object. A custom kind that merely ends in `List`
/// (`AllowList`) is an object unless it holds `items`.
fn list_kind(node: &Node) -> Option<String> {
    let map = node.as_map()?;
    let kind = map.get("kind").and_then(Node::as_str)?;
    let is_list = kind == "List" || (kind.ends_with("List") && map.get("items").is_some());
    is_list.then(|| kind.to_owned())
}

/// A Kubernetes object is a mapping with string `apiVersion` and `kind` (or an item of
/// a typed list, which `inherited` gives both). `what` names the node in messages.
fn check_object(
    node: &Node,
    inherited: Option<&(String, String)>,
    what: &str,
) -> Result<(), Problem> {
    let Some(map) = node.as_map() else {
        return Err(Problem {
            message: format!(
                "{what} is {}, not a Kubernetes object",
                node.value.kind_name()
            ),
            help: if what == DOCUMENT {
                "each YAML document must be a mapping with `apiVersion`, `kind` and `metadata`"
            } else {
                "each item of a list must be a mapping with `apiVersion`, `kind` and `metadata`"
            },
            node: node.span,
        });
    };
    for key in ["apiVersion", "kind"] {
        let entry = map.get_entry(key);
        let named = entry
            .and_then(|e| e.value.as_str())
            .is_some_and(|s| !s.is_empty());
        // An item of a typed list may leave both out, not get them wrong.
        let left_to_list = entry.is_none() && inherited.is_some();
        if !named && !left_to_list {
            return Err(Problem {
                message: format!("this object has no `{key}`"),
                help: "every Kubernetes object names its `apiVersion` and `kind`, such as `apiVersion: apps/v1` and `kind: Deployment`",
                node: entry.map_or(node.span, |e| e.value.span),
            });
        }
    }
    Ok(())
}

fn manifest(file: &str, found: Found, default_namespace: &str) -> Manifest {
    let Found {
        mut node,
        inherited,
    } = found;
    let origin = Origin::File(Location {
        file: file.to_owned(),
        line: node.span.line,
        column: node.span.column,
    });
    if let (Some((api_version, kind)), Value::Map(map)) = (inherited, &mut node.value) {
        // Keep `apiVersion` and `kind` first, where every object has them; what the item
        // leaves to its list was not written, and has no span.
        for (key, default) in [("kind", kind), ("apiVersion", api_version)] {
            let entry = map.remove(key).unwrap_or_else(|| Entry {
                key: key.to_owned(),
                key_span: Span::default(),
                value: Node::synthetic(Value::Str(default)),
            });
            map.entries.insert(0, entry);
        }
    }
    let (mut value, spans) = split(node);
    set_default_namespace(&mut value, default_namespace);
    Manifest {
        value,
        origin: Some(origin),
        spans: Some(spans),
        provenance: Provenance::new(),
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

    /// `Kind name @ line:column` of each object.
    fn placed(objects: &[Manifest]) -> Vec<String> {
        objects
            .iter()
            .map(|m| {
                let Some(Origin::File(l)) = &m.origin else {
                    panic!("file origin")
                };
                format!(
                    "{} {} {} @ {}:{}",
                    m.api_version(),
                    m.kind(),
                    m.name(),
                    l.line,
                    l.column
                )
            })
            .collect()
    }

    #[test]
    fn typed_list_items_take_the_lists_kind_when_they_name_none() {
        let text = "\
apiVersion: v1
kind: ConfigMapList
metadata: { resourceVersion: \"12\" }
items:
  - metadata: { name: a }
    data: { k: v }
  - apiVersion: v1
    kind: ConfigMap
    metadata: { name: b }
";
        let objects = load("cm.yaml", text, "shop").unwrap();
        assert_eq!(
            placed(&objects),
            ["v1 ConfigMap a @ 5:5", "v1 ConfigMap b @ 7:5"]
        );
        assert_eq!(
            objects[0].value.to_string(),
            r#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a","namespace":"shop"},"data":{"k":"v"}}"#
        );
    }

    #[test]
    fn a_custom_kind_ending_in_list_is_an_object_unless_it_holds_items() {
        let text = "apiVersion: example.com/v1\nkind: AllowList\nmetadata: { name: a }\nspec: {}\n";
        let objects = load("c.yaml", text, "default").unwrap();
        assert_eq!(placed(&objects), ["example.com/v1 AllowList a @ 1:1"]);
    }

    #[test]
    fn every_bad_list_item_is_a_located_error() {
        let text = "\
apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: ConfigMap
    metadata: { name: a }
  - 3
  - kind: ConfigMap
  -
  - [x]
";
        let err = load("l.yaml", text, "default").unwrap_err();
        assert_eq!(
            err.to_string(),
            "l.yaml:7:5: `items[1]` of this List is an integer, not a Kubernetes object\n\
             l.yaml:8:5: this object has no `apiVersion`\n\
             l.yaml:10:5: `items[4]` of this List is a list, not a Kubernetes object"
        );
        assert_eq!(
            err.0[0].help_text(),
            Some("each item of a list must be a mapping with `apiVersion`, `kind` and `metadata`")
        );

        // A typed list's items may leave out `kind`, not get it wrong.
        let text = "apiVersion: v1\nkind: ConfigMapList\nitems:\n  - kind: 3\n";
        let err = load("t.yaml", text, "default").unwrap_err();
        assert_eq!(err.to_string(), "t.yaml:4:11: this object has no `kind`");
    }

    #[test]
    fn a_list_without_an_items_list_is_a_located_error() {
        let err = load("l.yaml", "apiVersion: v1\nkind: List\n", "default").unwrap_err();
        assert_eq!(err.to_string(), "l.yaml:1:1: this list has no `items` list");
        let text = "apiVersion: v1\nkind: PodList\nitems: { a: 1 }\n";
        let err = load("l.yaml", text, "default").unwrap_err();
        assert_eq!(
            err.to_string(),
            "l.yaml:3:8: this PodList's `items` is a mapping, not a list"
        );
    }

    #[test]
    fn a_broken_document_leaves_the_others_read() {
        let text = "\
apiVersion: v1
kind: ConfigMap
metadata: { name: a }
---
apiVersion: v1
kind: Secret
metadata: { name: b
---
- not an object
---
apiVersion: v1
kind: ConfigMap
metadata: { name: c }
apiVersion: v1
kind: ConfigMap
metadata: { name: d }
---
apiVersion: v1
kind: Service
metadata: { name: e }
";
        let loaded = load_all("s.yaml", text, "default");
        assert_eq!(
            placed(&loaded.objects),
            ["v1 ConfigMap a @ 1:1", "v1 Service e @ 18:1"]
        );
        let problems: Vec<String> = loaded
            .problems
            .iter()
            .map(|d| format!("{}: {}", d.location().unwrap(), d.message()))
            .collect();
        assert_eq!(
            problems,
            [
                "s.yaml:8:1: invalid YAML: while parsing a flow mapping, did not find expected ',' or '}'",
                "s.yaml:9:1: this document is a list, not a Kubernetes object",
                "s.yaml:14:1: two objects without `---` between them: add `---` before line 14",
            ]
        );
        assert_eq!(
            load("s.yaml", text, "default").unwrap_err().to_string(),
            problems.join("\n")
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
