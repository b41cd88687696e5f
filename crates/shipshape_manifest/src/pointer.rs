//! JSON pointers (RFC 6901) into objects, without allocating.

use std::borrow::Cow;

use serde_json::{Map, Value};

/// Up to how many keys [`field`] scans a mapping rather than hashing the key.
const SCAN: usize = 16;

/// The value for `key` in `map`. Kubernetes mappings are small (a container has a dozen
/// fields, labels a handful), and comparing a few keys, which differ in length most of
/// the time, is cheaper than hashing one with SipHash and then comparing it anyway; a
/// large mapping (a ConfigMap's `data`) is looked up by its hash.
#[must_use]
pub fn field<'v>(map: &'v Map<String, Value>, key: &str) -> Option<&'v Value> {
    if map.len() <= SCAN {
        map.iter().find_map(|(k, v)| (k == key).then_some(v))
    } else {
        map.get(key)
    }
}

/// The value at a JSON `pointer` (RFC 6901) in `value`: what `Value::pointer` does,
/// without allocating for tokens that need no unescaping. Rules look up pointers
/// millions of times on a large input, and that allocation was a third of a check.
#[must_use]
pub fn lookup<'v>(value: &'v Value, pointer: &str) -> Option<&'v Value> {
    if pointer.is_empty() {
        return Some(value);
    }
    pointer
        .strip_prefix('/')?
        .split('/')
        .try_fold(value, |target, token| {
            let token = if token.contains('~') {
                Cow::Owned(token.replace("~1", "/").replace("~0", "~"))
            } else {
                Cow::Borrowed(token)
            };
            match target {
                Value::Object(map) => field(map, &token),
                Value::Array(items) => index(&token).and_then(|i| items.get(i)),
                _ => None,
            }
        })
}

/// A list index as JSON pointers write it: digits, without a sign or leading zeros.
fn index(token: &str) -> Option<usize> {
    if token.starts_with('+') || (token.starts_with('0') && token.len() > 1) {
        return None;
    }
    token.parse().ok()
}

/// The items of the list at `pointer` in `value`, numbered; none when there is no list.
pub fn items<'v>(value: &'v Value, pointer: &str) -> impl Iterator<Item = (usize, &'v Value)> {
    lookup(value, pointer)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn lookup_finds_what_value_pointer_finds() {
        let value = json!({
            "metadata": {"annotations": {"shipshape.dev/ignore": "x", "a~b": "y"}},
            "spec": {"ports": [{"port": 80}, {"port": 443}]},
        });
        for pointer in [
            "",
            "/metadata/annotations/shipshape.dev~1ignore",
            "/metadata/annotations/a~0b",
            "/spec/ports/1/port",
            "/spec/ports/01",
            "/spec/ports/+1",
            "/spec/ports/2",
            "/spec/missing/deeper",
            "no-leading-slash",
        ] {
            assert_eq!(lookup(&value, pointer), value.pointer(pointer), "{pointer}");
        }
    }

    #[test]
    fn items_numbers_a_list_and_is_empty_elsewhere() {
        let value = json!({"spec": {"ports": [{"port": 80}, {"port": 443}], "x": 1}});
        let ports: Vec<(usize, i64)> = items(&value, "/spec/ports")
            .map(|(i, p)| (i, p["port"].as_i64().unwrap()))
            .collect();
        assert_eq!(ports, [(0, 80), (1, 443)]);
        assert_eq!(items(&value, "/spec/x").count(), 0);
        assert_eq!(items(&value, "/spec/none").count(), 0);
    }
}
