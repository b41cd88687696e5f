use crate::templates::{and_list, annotations, is_ingress};
use crate::{Emitter, Object, ObjectRule, declare_rule};
use shipshape_manifest::items;

declare_rule! {
    /// ## What it checks
    /// Ingresses whose `nginx.ingress.kubernetes.io/rewrite-target` cannot carry the
    /// rest of the request's path: the target refers to no capture group (`/`,
    /// `/app`), or to a group (`/$2`) that a path of the Ingress does not have
    /// (`/api` has none). Paths of `pathType: Exact` are left alone: they match one URL,
    /// and rewriting it to one URL loses nothing.
    ///
    /// ## Why it matters
    /// Since ingress-nginx 0.22 the path is a regular expression and the whole request
    /// URI is replaced by the target, so `rewrite-target: /` on the path `/api` sends
    /// `/api/orders/42` to the backend as `/`, and a missing `$1` turns into nothing.
    /// The first page works in a quick test; every sub-path, asset and API call then
    /// gets the root page or a 404. README snippets from before 0.22 still spread it.
    ///
    /// ## How to fix
    /// Capture what must be kept and refer to it: `path: /api(/|$)(.*)` with
    /// `pathType: ImplementationSpecific` and `rewrite-target: /$2`. If the backend
    /// serves under the same prefix, remove the annotation.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: Ingress
    /// metadata:
    ///   name: api
    ///   annotations:
    ///     nginx.ingress.kubernetes.io/rewrite-target: /
    /// spec:
    ///   ingressClassName: nginx
    ///   rules:
    ///     - http:
    ///         paths:
    ///           - path: /api
    ///             pathType: Prefix
    ///             backend:
    ///               service: { name: api, port: { number: 80 } }
    /// ```
    ///
    /// ## Fixed
    /// ```yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: Ingress
    /// metadata:
    ///   name: api
    ///   annotations:
    ///     nginx.ingress.kubernetes.io/rewrite-target: /$2
    /// spec:
    ///   ingressClassName: nginx
    ///   rules:
    ///     - http:
    ///         paths:
    ///           - path: /api(/|$)(.*)
    ///             pathType: ImplementationSpecific
    ///             backend:
    ///               service: { name: api, port: { number: 80 } }
    /// ```
    pub struct IngressRewriteDropsPath {
        id: "SS145",
        name: "ingress-rewrite-drops-path",
        severity: Warning,
        theme: Networking,
        summary: "an ingress-nginx rewrite-target sends every request under a path to one URL",
    }
}

const REWRITE_TARGET: &str = "nginx.ingress.kubernetes.io/rewrite-target";

/// The highest capture group `target` refers to (`$2`, `${2}`), 0 for none.
fn highest_reference(target: &str) -> usize {
    let bytes = target.as_bytes();
    let mut highest = 0;
    for (i, _) in target.match_indices('$') {
        let rest = &bytes[i + 1..];
        let digits = rest.strip_prefix(b"{").unwrap_or(rest);
        let len = digits.iter().take_while(|b| b.is_ascii_digit()).count();
        if let Ok(n) = std::str::from_utf8(&digits[..len])
            .unwrap_or("")
            .parse::<usize>()
        {
            highest = highest.max(n);
        }
    }
    highest
}

/// How many capture groups the regular expression `path` has: opening parentheses
/// that are neither escaped nor `(?...)`.
fn capture_groups(path: &str) -> usize {
    let bytes = path.as_bytes();
    (0..bytes.len())
        .filter(|&i| {
            bytes[i] == b'(' && (i == 0 || bytes[i - 1] != b'\\') && bytes.get(i + 1) != Some(&b'?')
        })
        .count()
}

/// The paths of `ingress` that match more than one URL.
fn prefix_paths(ingress: &Object) -> Vec<&str> {
    let mut paths = Vec::new();
    for (_, rule) in items(ingress.value(), "/spec/rules") {
        for (_, path) in items(rule, "/http/paths") {
            if path["pathType"].as_str() != Some("Exact") {
                paths.push(path["path"].as_str().unwrap_or("/"));
            }
        }
    }
    paths
}

impl ObjectRule for IngressRewriteDropsPath {
    fn check(&self, object: &Object, out: &mut Emitter<'_>) {
        if !is_ingress(object) {
            return;
        }
        let Some(annotation) = annotations(object)
            .into_iter()
            .find(|a| a.key == REWRITE_TARGET)
        else {
            return;
        };
        let target = annotation.value.trim();
        let wanted = highest_reference(target);
        let lost: Vec<String> = prefix_paths(object)
            .into_iter()
            .filter(|path| capture_groups(path) < wanted || wanted == 0)
            .map(|path| format!("`{path}`"))
            .collect();
        let Some(first) = lost.first() else {
            return;
        };
        let message = if wanted == 0 {
            let example = first.trim_matches('`').trim_end_matches('/');
            format!(
                "every request under {} reaches the backend as `{target}` (`{example}/orders/42` too): the target refers to no capture group",
                and_list(&lost)
            )
        } else {
            format!(
                "every request under {} loses the rest of its path: `${wanted}` in `{target}` refers to a capture group the path does not have",
                and_list(&lost)
            )
        };
        out.report(object, annotation.pointer, message);
    }
}

#[cfg(test)]
mod tests {
    use super::{capture_groups, highest_reference};

    #[test]
    fn references_in_targets_and_groups_in_paths() {
        assert_eq!(highest_reference("/"), 0);
        assert_eq!(highest_reference("/$1"), 1);
        assert_eq!(highest_reference("/app/$2?q=$1"), 2);
        assert_eq!(highest_reference("/${3}"), 3);
        assert_eq!(highest_reference("/$x"), 0);
        assert_eq!(capture_groups("/api"), 0);
        assert_eq!(capture_groups("/api(/|$)(.*)"), 2);
        assert_eq!(capture_groups("/api(?:/|$)(.*)"), 1);
        assert_eq!(capture_groups("/a\\(b"), 0);
    }
}
