//! What is wrong with an object, and where.

use std::fmt;

/// One step of the path to a field.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Step<'v> {
    Key(&'v str),
    Index(usize),
}

/// A reason the API server would refuse an object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// JSON pointer of the field at fault (`/spec/template/spec/containers/0/image`); the
    /// field may be absent (a missing required field).
    pub pointer: String,
    /// The field as Kubernetes writes it in its own errors:
    /// `spec.template.spec.containers[0].image`; empty for the object itself.
    pub path: String,
    /// What is wrong with it: `must be an integer, not the string `3``.
    pub message: String,
}

impl Problem {
    /// A problem at `steps`, then `key` when given.
    pub(crate) fn at(steps: &[Step<'_>], key: Option<&str>, message: String) -> Self {
        let mut pointer = String::new();
        let mut path = String::new();
        let keys = steps.iter().copied().chain(key.map(Step::Key));
        for step in keys {
            match step {
                Step::Key(k) => {
                    pointer.push('/');
                    pointer.push_str(&k.replace('~', "~0").replace('/', "~1"));
                    // Keys that are not plain names (label keys) are bracketed, so the
                    // dots inside them do not read as nesting.
                    if k.contains(['.', '/', ' ']) {
                        path.push_str(&format!("[{k}]"));
                    } else {
                        if !path.is_empty() {
                            path.push('.');
                        }
                        path.push_str(k);
                    }
                }
                Step::Index(i) => {
                    pointer.push_str(&format!("/{i}"));
                    path.push_str(&format!("[{i}]"));
                }
            }
        }
        Problem {
            pointer,
            path,
            message,
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}
