//! Field provenance: which key of the spec produced which field of a rendered object.
//!
//! The renderer records, for each field it builds from a spec key, the field's JSON
//! pointer and the key's path (`/spec/replicas` ← `components.api.replicas`). Findings on
//! rendered objects point at the key through it, and an export that turns fields into
//! chart values knows which ones an operator sets. A field without an entry of its own
//! comes from the nearest recorded field that contains it: `/spec/template/spec/
//! containers/0/resources/limits/cpu` from `/spec/template/spec/containers/0/resources`.

use std::cmp::Ordering;

use shipshape_yaml::PathSegment;

/// The spec keys that produced the fields of one rendered object: JSON pointers into the
/// object, each with the path of a key in the spec.
///
/// Entries are kept sorted by pointer, with list indexes in numeric order, so listing
/// them is stable and a field is looked up without walking the object. A recorded field
/// the object turns out not to have (an optional field left out) is kept apart as where
/// that field would be set: it is not listed, but a finding about the missing field
/// (`/readinessProbe`) still points at the key that would add it (`health.ready`, or the
/// nearest part of that path the spec writes).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Provenance {
    entries: Vec<(Box<str>, Box<[PathSegment]>)>,
    unset: Vec<(Box<str>, Box<[PathSegment]>)>,
    defaults: Vec<DefaultedField>,
}

/// A field that holds shipshape's default because the spec leaves its key out.
#[derive(Debug, Clone, PartialEq)]
pub struct DefaultedField {
    /// JSON pointer of the field in the object.
    pub pointer: Box<str>,
    /// The spec key that would set the field.
    pub path: Box<[PathSegment]>,
    /// The default, in words: `80% average CPU utilisation`.
    pub value: Box<str>,
}

impl Provenance {
    /// No entries.
    #[must_use]
    pub fn new() -> Self {
        Provenance::default()
    }

    /// Records that the field at `pointer` (`/spec/replicas`; `""` for the whole object)
    /// came from the spec key at `path`, replacing what was recorded for that pointer.
    pub fn record(&mut self, pointer: &str, path: Vec<PathSegment>) {
        let path = path.into_boxed_slice();
        match self.position(pointer) {
            Ok(i) => self.entries[i].1 = path,
            Err(i) => self.entries.insert(i, (pointer.into(), path)),
        }
    }

    /// Records that the field at `pointer` holds shipshape's default because the spec
    /// leaves out the key at `path`; `value` says what the default is, for people
    /// (`80% average CPU utilisation`). Replaces a default recorded for the same field.
    /// The field keeps whatever spec key [`Provenance::spec_path`] finds for it.
    pub fn record_default(
        &mut self,
        pointer: &str,
        path: Vec<PathSegment>,
        value: impl Into<String>,
    ) {
        let field = DefaultedField {
            pointer: pointer.into(),
            path: path.into_boxed_slice(),
            value: value.into().into_boxed_str(),
        };
        match self
            .defaults
            .binary_search_by(|d| pointer_order(&d.pointer, pointer))
        {
            Ok(i) => self.defaults[i] = field,
            Err(i) => self.defaults.insert(i, field),
        }
    }

    /// Records every entry of `inner`, whose pointers are relative to the field at
    /// `prefix`: a container's `/image` recorded under `/spec/template/spec/containers/0`.
    pub fn nest(&mut self, prefix: &str, inner: Provenance) {
        for (pointer, path) in inner.entries {
            self.record(&format!("{prefix}{pointer}"), path.into_vec());
        }
        for (pointer, path) in inner.unset {
            self.unset.push((format!("{prefix}{pointer}").into(), path));
        }
        for field in inner.defaults {
            let pointer = format!("{prefix}{}", field.pointer);
            self.record_default(&pointer, field.path.into_vec(), field.value);
        }
    }

    /// Forgets what was recorded for the field at `pointer` and every field inside it,
    /// for a field that something other than its spec key replaced or removed.
    pub fn forget(&mut self, pointer: &str) {
        for entries in [&mut self.entries, &mut self.unset] {
            entries.retain(|(recorded, _)| !contains(pointer, recorded));
        }
        self.defaults
            .retain(|field| !contains(pointer, &field.pointer));
    }

    /// Sets apart the entries of fields that `object` does not have: a renderer records
    /// the key of every field it may build, and an optional field may be left out. They
    /// are no longer listed; they still tell where such a field would be set.
    pub fn keep_fields_of(&mut self, object: &serde_json::Value) {
        let (present, absent) = std::mem::take(&mut self.entries)
            .into_iter()
            .partition(|(pointer, _)| object.pointer(pointer).is_some());
        self.entries = present;
        self.unset.extend(absent);
        self.defaults
            .retain(|field| object.pointer(&field.pointer).is_some());
    }

    /// The spec key that produced the field at `pointer`: the entry of the longest
    /// recorded pointer that is the field itself or contains it; for a field the object
    /// lacks, the key that would set it. `None` when no entry covers the field.
    #[must_use]
    pub fn spec_path(&self, pointer: &str) -> Option<&[PathSegment]> {
        self.entries
            .iter()
            .chain(&self.unset)
            .filter(|(recorded, _)| contains(recorded, pointer))
            .max_by_key(|(recorded, _)| recorded.len())
            .map(|(_, path)| &**path)
    }

    /// Every entry, by pointer: fields in document order within each object or list,
    /// list items by index.
    pub fn entries(&self) -> impl Iterator<Item = (&str, &[PathSegment])> {
        self.entries
            .iter()
            .map(|(pointer, path)| (&**pointer, &**path))
    }

    /// Every field that holds a default, by pointer in the order of
    /// [`Provenance::entries`].
    pub fn defaults(&self) -> impl Iterator<Item = &DefaultedField> {
        self.defaults.iter()
    }

    /// Every listed field, spec-set and defaulted, by pointer: its spec key, and for a
    /// default what it is in words. A field both recorded and defaulted is listed once,
    /// as the default (the spec key covers it only from outside).
    #[must_use]
    pub fn listing(&self) -> Vec<(&str, &[PathSegment], Option<&str>)> {
        let mut rows: Vec<(&str, &[PathSegment], Option<&str>)> = self
            .entries()
            .filter(|(pointer, _)| {
                self.defaults
                    .binary_search_by(|d| pointer_order(&d.pointer, pointer))
                    .is_err()
            })
            .map(|(pointer, path)| (pointer, path, None))
            .chain(
                self.defaults
                    .iter()
                    .map(|d| (&*d.pointer, &*d.path, Some(&*d.value))),
            )
            .collect();
        rows.sort_by(|a, b| pointer_order(a.0, b.0));
        rows
    }

    /// Number of entries.
    #[must_use]
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no field is listed.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn position(&self, pointer: &str) -> Result<usize, usize> {
        self.entries
            .binary_search_by(|(recorded, _)| pointer_order(recorded, pointer))
    }
}

/// `key` as one token of a JSON pointer (RFC 6901): `~` and `/` escaped, so an
/// annotation such as `checksum/config` is the field `/metadata/annotations/checksum~1config`.
#[must_use]
pub fn pointer_token(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// Whether the field at JSON pointer `outer` is the field at `inner` or contains it.
fn contains(outer: &str, inner: &str) -> bool {
    inner
        .strip_prefix(outer)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// Pointers ordered token by token, list indexes by number, so `/ports/2` comes before
/// `/ports/10` and a field before the fields inside it.
fn pointer_order(a: &str, b: &str) -> Ordering {
    let mut a = a.split('/');
    let mut b = b.split('/');
    loop {
        match (a.next(), b.next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) => {
                let order = match (x.parse::<usize>(), y.parse::<usize>()) {
                    (Ok(i), Ok(j)) => i.cmp(&j),
                    _ => x.cmp(y),
                };
                if order != Ordering::Equal {
                    return order;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(keys: &[&str]) -> Vec<PathSegment> {
        keys.iter().map(|k| PathSegment::from(*k)).collect()
    }

    fn dotted(p: Option<&[PathSegment]>) -> Option<String> {
        p.map(|p| {
            p.iter()
                .map(|s| match s {
                    PathSegment::Key(k) => k.clone(),
                    PathSegment::Index(i) => i.to_string(),
                })
                .collect::<Vec<_>>()
                .join(".")
        })
    }

    #[test]
    fn the_longest_recorded_prefix_wins() {
        let mut p = Provenance::new();
        p.record("/spec/template/spec/containers/0", path(&["c", "api"]));
        p.record(
            "/spec/template/spec/containers/0/env/1",
            path(&["c", "api", "env", "B"]),
        );
        let at = |pointer: &str| dotted(p.spec_path(pointer));
        assert_eq!(
            at("/spec/template/spec/containers/0/env/1"),
            Some("c.api.env.B".into())
        );
        assert_eq!(
            at("/spec/template/spec/containers/0/env/1/valueFrom"),
            Some("c.api.env.B".into())
        );
        assert_eq!(
            at("/spec/template/spec/containers/0/env/10"),
            Some("c.api".into())
        );
        assert_eq!(
            at("/spec/template/spec/containers/0/env"),
            Some("c.api".into())
        );
        assert_eq!(at("/spec/template/spec/containers/01"), None);
        assert_eq!(at("/spec/template"), None);
        assert_eq!(at(""), None);
    }

    #[test]
    fn keys_are_escaped_as_pointer_tokens() {
        assert_eq!(pointer_token("checksum/config"), "checksum~1config");
        assert_eq!(pointer_token("a~b/c"), "a~0b~1c");
        assert_eq!(pointer_token("plain"), "plain");
    }

    #[test]
    fn the_whole_object_is_the_empty_pointer() {
        let mut p = Provenance::new();
        p.record("", path(&["secrets", "x"]));
        assert_eq!(
            dotted(p.spec_path("/spec/data/0")),
            Some("secrets.x".into())
        );
        assert_eq!(dotted(p.spec_path("")), Some("secrets.x".into()));
    }

    #[test]
    fn entries_are_listed_by_pointer_with_indexes_in_numeric_order() {
        let mut p = Provenance::new();
        for pointer in [
            "/spec/ports/10",
            "/spec/replicas",
            "/spec/ports/2",
            "/metadata",
            "/spec",
        ] {
            p.record(pointer, path(&[pointer]));
        }
        p.record("/spec/ports/2", path(&["again"]));
        let listed: Vec<(&str, Option<String>)> = p
            .entries()
            .map(|(pointer, path)| (pointer, dotted(Some(path))))
            .collect();
        assert_eq!(
            listed,
            [
                ("/metadata", Some("/metadata".to_owned())),
                ("/spec", Some("/spec".to_owned())),
                ("/spec/ports/2", Some("again".to_owned())),
                ("/spec/ports/10", Some("/spec/ports/10".to_owned())),
                ("/spec/replicas", Some("/spec/replicas".to_owned())),
            ]
        );
        assert_eq!(p.len(), 5);
    }

    #[test]
    fn nesting_prefixes_and_forgetting_drops_what_is_inside() {
        let mut container = Provenance::new();
        container.record("/image", path(&["image"]));
        container.record("/env/0", path(&["env", "A"]));
        let mut object = Provenance::new();
        object.record("/spec/replicas", path(&["replicas"]));
        object.nest("/spec/template/spec/containers/0", container);
        assert_eq!(
            dotted(object.spec_path("/spec/template/spec/containers/0/image")),
            Some("image".into())
        );
        object.forget("/spec/template/spec/containers/0/env");
        object.forget("/spec/replica");
        let pointers: Vec<&str> = object.entries().map(|(p, _)| p).collect();
        assert_eq!(
            pointers,
            ["/spec/replicas", "/spec/template/spec/containers/0/image"]
        );
        assert!(!object.is_empty());
        assert!(Provenance::new().is_empty());
    }

    #[test]
    fn fields_the_object_lacks_are_not_listed_but_still_located() {
        let mut p = Provenance::new();
        p.record("/spec/replicas", path(&["replicas"]));
        p.record("/spec/ports/1", path(&["ports", "b"]));
        p.record("/metadata/annotations/a~1b", path(&["annotations", "a/b"]));
        let object = serde_json::json!({
            "metadata": {"annotations": {"a/b": "x"}},
            "spec": {"ports": [{"port": 1}]},
        });
        p.keep_fields_of(&object);
        let pointers: Vec<&str> = p.entries().map(|(p, _)| p).collect();
        assert_eq!(pointers, ["/metadata/annotations/a~1b"]);
        assert_eq!(p.len(), 1);
        // A missing field still says which key would set it.
        assert_eq!(
            dotted(p.spec_path("/spec/replicas")),
            Some("replicas".into())
        );
        assert_eq!(
            dotted(p.spec_path("/spec/ports/1/port")),
            Some("ports.b".into())
        );
        p.forget("/spec/ports");
        assert_eq!(p.spec_path("/spec/ports/1"), None);
    }

    #[test]
    fn defaults_are_listed_apart_nested_and_dropped_with_their_field() {
        let mut hpa = Provenance::new();
        hpa.record("/spec/minReplicas", path(&["replicas"]));
        hpa.record_default("/spec/metrics/0", path(&["autoscale", "cpu"]), "80%");
        hpa.record_default("/spec/metrics/0", path(&["autoscale", "cpu"]), "75%");
        let mut object = Provenance::new();
        object.nest("/x", hpa);
        object.record_default("/spec/behavior", path(&["autoscale", "behavior"]), "slow");
        let listed: Vec<(&str, Option<String>, &str)> = object
            .defaults()
            .map(|d| (&*d.pointer, dotted(Some(&d.path)), &*d.value))
            .collect();
        assert_eq!(
            listed,
            [
                ("/spec/behavior", Some("autoscale.behavior".into()), "slow"),
                ("/x/spec/metrics/0", Some("autoscale.cpu".into()), "75%"),
            ]
        );
        // Defaults are not entries: the key a finding points at is unchanged.
        assert_eq!(object.len(), 1);
        assert_eq!(object.spec_path("/x/spec/metrics/0"), None);
        let listing: Vec<(&str, Option<&str>)> = object
            .listing()
            .into_iter()
            .map(|(pointer, _, default)| (pointer, default))
            .collect();
        assert_eq!(
            listing,
            [
                ("/spec/behavior", Some("slow")),
                ("/x/spec/metrics/0", Some("75%")),
                ("/x/spec/minReplicas", None)
            ]
        );
        object.keep_fields_of(&serde_json::json!({"x": {"spec": {"metrics": [{}]}}}));
        let kept: Vec<&str> = object.defaults().map(|d| &*d.pointer).collect();
        assert_eq!(kept, ["/x/spec/metrics/0"]);
        object.forget("/x/spec");
        assert_eq!(object.defaults().count(), 0);
    }
}
