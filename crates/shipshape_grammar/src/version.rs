//! Kubernetes versions: the ones shipshape supports, and reading `1.35`.

use std::fmt;
use std::str::FromStr;

/// A Kubernetes minor version, `1.35`. Only 1.x exists; the major number is implied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct KubeVersion {
    minor: u32,
}

impl KubeVersion {
    /// Every version shipshape renders for and has schemas for, oldest first. The one
    /// list: the spec's `kubernetes:`, `--kubernetes` and the embedded schemas use it.
    pub const SUPPORTED: [KubeVersion; 5] = [
        KubeVersion::new(33),
        KubeVersion::new(34),
        KubeVersion::new(35),
        KubeVersion::new(36),
        KubeVersion::new(37),
    ];

    /// What a spec targets when it does not say: the oldest supported version, so the
    /// rendered output works on every supported cluster.
    pub const DEFAULT: KubeVersion = KubeVersion::SUPPORTED[0];

    /// The newest supported version: what third-party YAML is validated against when
    /// nothing names a target, since it is the strictest about removed APIs.
    pub const NEWEST: KubeVersion = KubeVersion::SUPPORTED[KubeVersion::SUPPORTED.len() - 1];

    /// `1.minor`.
    #[must_use]
    pub const fn new(minor: u32) -> Self {
        KubeVersion { minor }
    }

    /// The minor number: 35 for 1.35.
    #[must_use]
    pub fn minor(self) -> u32 {
        self.minor
    }

    /// Position in [`KubeVersion::SUPPORTED`], when supported.
    #[must_use]
    pub fn index(self) -> Option<usize> {
        KubeVersion::SUPPORTED.iter().position(|v| *v == self)
    }

    /// The supported versions as text, `1.33, 1.34, …`, for messages.
    #[must_use]
    pub fn supported_list() -> String {
        KubeVersion::SUPPORTED
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl fmt::Display for KubeVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "1.{}", self.minor)
    }
}

impl FromStr for KubeVersion {
    type Err = String;

    /// Reads `1.35`, `v1.35` or `1.35.2` (the patch is ignored: schemas change only
    /// between minor versions). Only supported versions parse.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let trimmed = text.trim().trim_start_matches('v');
        let mut parts = trimmed.split('.');
        let minor = match (parts.next(), parts.next(), parts.next(), parts.next()) {
            (Some("1"), Some(minor), patch, None)
                if patch.is_none_or(|p| p.parse::<u32>().is_ok()) =>
            {
                minor.parse::<u32>().ok()
            }
            _ => None,
        };
        let Some(minor) = minor else {
            return Err(format!(
                "`{text}` is not a Kubernetes version; write it as 1.MINOR, one of {}",
                KubeVersion::supported_list()
            ));
        };
        let version = KubeVersion::new(minor);
        if version.index().is_none() {
            return Err(format!(
                "shipshape has no schemas for Kubernetes {version}; supported: {}",
                KubeVersion::supported_list()
            ));
        }
        Ok(version)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_minor_versions_with_or_without_v_and_patch() {
        for text in ["1.35", "v1.35", "1.35.2", " 1.35 "] {
            assert_eq!(text.parse::<KubeVersion>(), Ok(KubeVersion::new(35)));
        }
        assert_eq!(KubeVersion::NEWEST.to_string(), "1.37");
        assert_eq!(KubeVersion::DEFAULT.to_string(), "1.33");
        assert_eq!(KubeVersion::new(35).minor(), 35);
        assert_eq!(KubeVersion::new(35).index(), Some(2));
        assert_eq!(
            "1.20".parse::<KubeVersion>(),
            Err("shipshape has no schemas for Kubernetes 1.20; supported: 1.33, 1.34, 1.35, 1.36, 1.37".to_owned())
        );
        assert_eq!(
            "latest".parse::<KubeVersion>(),
            Err("`latest` is not a Kubernetes version; write it as 1.MINOR, one of 1.33, 1.34, 1.35, 1.36, 1.37".to_owned())
        );
        assert!("1.35.x".parse::<KubeVersion>().is_err());
        assert!("2.1".parse::<KubeVersion>().is_err());
    }

    #[test]
    fn versions_order_by_minor() {
        assert!(KubeVersion::new(33) < KubeVersion::new(37));
        assert!(KubeVersion::SUPPORTED.is_sorted());
    }
}
