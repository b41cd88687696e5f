use crate::templates::describe;
use crate::{Emitter, Object, ObjectRule, declare_rule};

declare_rule! {
    /// ## What it checks
    /// Container images without a tag, or tagged `latest`. Images pinned by digest
    /// (`@sha256:...`) never fire.
    ///
    /// ## Why it matters
    /// An image without a tag means `latest`, and `latest` moves: two pods of one
    /// Deployment can run different code, a rollback does not go back, and nobody can
    /// tell from the manifest what runs.
    ///
    /// ## How to fix
    /// Use an immutable tag (a version or a commit) or a digest.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: web
    /// spec:
    ///   containers:
    ///     - name: web
    ///       image: nginx:latest
    /// ```
    ///
    /// ## Fixed
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: web
    /// spec:
    ///   containers:
    ///     - name: web
    ///       image: nginx:1.27.3
    /// ```
    pub struct MutableImageTag {
        id: "SS012",
        name: "mutable-image-tag",
        severity: Warning,
        theme: Reliability,
        summary: "image has no tag or uses latest",
    }
}

/// The tag of an image reference; `None` when it has none. A `:` before the last `/` is
/// a registry port, not a tag.
fn tag(image: &str) -> Option<&str> {
    let name = image.rsplit('/').next().unwrap_or(image);
    name.split_once(':').map(|(_, tag)| tag)
}

impl ObjectRule for MutableImageTag {
    fn check(&self, object: &Object, out: &mut Emitter<'_>) {
        let Some(pod) = object.pod_template() else {
            return;
        };
        for container in pod.containers() {
            let Some(image) = container.get("/image").and_then(serde_json::Value::as_str) else {
                continue;
            };
            if image.contains('@') {
                continue;
            }
            let problem = match tag(image) {
                None => "has no tag, which means `latest`".to_owned(),
                Some("latest") => "uses the moving tag `latest`".to_owned(),
                Some(_) => continue,
            };
            out.report(
                object,
                container.pointer_to("/image"),
                format!("{} image `{image}` {problem}", describe(&container)),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::tag;

    #[test]
    fn finds_the_tag_past_a_registry_port() {
        assert_eq!(tag("registry:5000/team/web"), None);
        assert_eq!(tag("registry:5000/team/web:1.2"), Some("1.2"));
        assert_eq!(tag("nginx"), None);
        assert_eq!(tag("nginx:latest"), Some("latest"));
    }
}
