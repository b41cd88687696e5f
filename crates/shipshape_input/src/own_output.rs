//! A spec and its own rendered output in the same run: each object is read once.
//!
//! `shipshape render -o deploy/` next to `shipshape.yaml` is the README's own flow, and
//! `check .` then reads both the spec (rendered) and `deploy/`: every object twice, every
//! finding twice, and a duplicate-object error on each pair. The rule: an object read
//! from a file is the output of a spec read in the same run when it carries the labels
//! render puts on everything it writes, `app.kubernetes.io/managed-by: shipshape` and
//! `app.kubernetes.io/part-of` set to the spec's `name`, and is in the spec's namespace
//! (or is cluster-scoped, as the Namespace is). Such an object is passed over and the
//! spec's render stands in for it, so findings point into the spec, which is where they
//! are fixed: the files are what the next `render -o` overwrites.
//!
//! Nothing is passed over silently: [`OwnOutput`] says how many objects of which files
//! were, and how many of them differ from what the spec renders now (an output not
//! rendered again since the spec changed, or edited by hand), for the command to say.

use shipshape_manifest::{Manifest, Model, api_group};

use crate::spec::RenderedSpec;

/// The label with which render marks everything it writes.
const MANAGED_BY: &str = "app.kubernetes.io/managed-by";
/// The label that names the spec an object was rendered from.
const PART_OF: &str = "app.kubernetes.io/part-of";

/// Objects read from files that were a spec's own output, and were passed over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnOutput {
    /// The spec's file, as diagnostics call it.
    pub spec: String,
    /// The files that held them, in the order they were read.
    pub files: Vec<String>,
    /// How many objects were passed over.
    pub objects: usize,
    /// How many of those differ from what the spec renders now, or are no longer
    /// rendered at all.
    pub stale: usize,
}

/// What one path gave, in the order the paths were read.
pub(crate) enum Piece {
    /// The objects of one file (or of standard input), by the name diagnostics use.
    Objects(String, Vec<Manifest>),
    /// A rendered spec.
    Spec(Box<RenderedSpec>),
}

/// A spec's identity as its objects carry it, and what it renders now.
struct Owner {
    spec: String,
    app: String,
    namespace: String,
    /// What it renders now, each object with its group, kind, namespace and name.
    rendered: Vec<([String; 4], Manifest)>,
}

impl Owner {
    fn of(spec: &RenderedSpec) -> Self {
        Owner {
            spec: spec.source.source.name().to_owned(),
            app: spec.app.clone(),
            namespace: spec.namespace.clone(),
            rendered: spec
                .manifests
                .items()
                .iter()
                .map(|m| (identity(m), m.clone()))
                .collect(),
        }
    }

    /// Whether `object` is this spec's output, by its labels and namespace.
    fn owns(&self, object: &Manifest) -> bool {
        let label = |key: &str| object.value["metadata"]["labels"][key].as_str();
        let namespace = object.namespace();
        let here = namespace == self.namespace || namespace.is_empty();
        here && label(MANAGED_BY) == Some("shipshape") && label(PART_OF) == Some(&self.app)
    }

    /// Whether the spec renders `object` now exactly as it was read.
    fn renders(&self, object: &Manifest) -> bool {
        let id = identity(object);
        self.rendered
            .iter()
            .any(|(rendered, m)| *rendered == id && m.value == object.value)
    }
}

fn identity(m: &Manifest) -> [String; 4] {
    [
        api_group(m.api_version()),
        m.kind(),
        m.namespace(),
        m.name(),
    ]
    .map(str::to_owned)
}

/// The model of every piece, each spec's own output passed over, and what was.
pub(crate) fn assemble(pieces: Vec<Piece>) -> (Model, Vec<OwnOutput>) {
    let owners: Vec<Owner> = pieces
        .iter()
        .filter_map(|p| match p {
            Piece::Spec(spec) => Some(Owner::of(spec)),
            Piece::Objects(..) => None,
        })
        .collect();
    let mut passed: Vec<OwnOutput> = owners
        .iter()
        .map(|o| OwnOutput {
            spec: o.spec.clone(),
            files: Vec::new(),
            objects: 0,
            stale: 0,
        })
        .collect();
    let mut model = Model::new();
    for piece in pieces {
        match piece {
            Piece::Spec(spec) => {
                let RenderedSpec {
                    manifests, source, ..
                } = *spec;
                model.add_rendered(manifests, source);
            }
            Piece::Objects(file, objects) => {
                let mut kept = Vec::with_capacity(objects.len());
                for object in objects {
                    match owners.iter().position(|o| o.owns(&object)) {
                        None => kept.push(object),
                        Some(i) => {
                            let out = &mut passed[i];
                            if out.files.last() != Some(&file) {
                                out.files.push(file.clone());
                            }
                            out.objects += 1;
                            out.stale += usize::from(!owners[i].renders(&object));
                        }
                    }
                }
                model.add_objects(kept);
            }
        }
    }
    passed.retain(|p| p.objects > 0);
    (model, passed)
}
