//! Template: container image references, split the way registries read them.

/// The parts of an image reference that rules judge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImageRef<'a> {
    /// The tag, if any: `1.27` of `nginx:1.27`. A `:` before the last `/` is a registry
    /// port, not a tag.
    pub tag: Option<&'a str>,
    /// Whether it is pinned by digest (`@sha256:...`).
    pub pinned: bool,
}

impl<'a> ImageRef<'a> {
    /// Splits `image`.
    #[must_use]
    pub fn parse(image: &'a str) -> ImageRef<'a> {
        let (name, digest) = image.split_once('@').unwrap_or((image, ""));
        let last = name.rsplit('/').next().unwrap_or(name);
        ImageRef {
            tag: last.split_once(':').map(|(_, tag)| tag),
            pinned: !digest.is_empty(),
        }
    }

    /// The pull policy Kubernetes gives a container that sets none: `Always` for
    /// `latest` or no tag (and no digest), else `IfNotPresent`.
    #[must_use]
    pub fn default_pull_policy(&self) -> &'static str {
        match self.tag {
            _ if self.pinned => "IfNotPresent",
            None | Some("latest") => "Always",
            Some(_) => "IfNotPresent",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ImageRef;

    #[test]
    fn tags_digests_and_registry_ports() {
        let image = ImageRef::parse("registry:5000/team/web:1.2@sha256:abc");
        assert_eq!(image.tag, Some("1.2"));
        assert!(image.pinned);
        assert_eq!(ImageRef::parse("registry:5000/team/web").tag, None);
        assert_eq!(ImageRef::parse("nginx").default_pull_policy(), "Always");
        assert_eq!(
            ImageRef::parse("nginx:1.27").default_pull_policy(),
            "IfNotPresent"
        );
        assert_eq!(
            ImageRef::parse("nginx@sha256:abc").default_pull_policy(),
            "IfNotPresent"
        );
    }
}
