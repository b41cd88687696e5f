//! Failures a test asks for: the annotation `standin.shipshape.dev/fail` on a pod (or on
//! the pod template that makes it) names what the stand-in reports instead of success.

use std::fmt;

/// The annotation that asks the stand-in to fail a pod. Read on every pass, so a test
/// can also annotate a running pod and see it fail from then on.
pub const FAIL_ANNOTATION: &str = "standin.shipshape.dev/fail";

/// What a failed pod looks like, each as a real kubelet reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// `crash-loop`: the containers exit with code 1 and wait in `CrashLoopBackOff`,
    /// their `restartCount` rising; the pod stays `Running` and never Ready.
    CrashLoop,
    /// `image-pull`: the image cannot be pulled: `ErrImagePull`, then
    /// `ImagePullBackOff`; the pod stays `Pending`.
    ImagePull,
    /// `never-ready`: the containers run but the readiness probe never passes.
    NeverReady,
    /// `fail`: the containers exit with code 1 and the pod is `Failed` (a Job's pod
    /// whose run failed; with `restartPolicy: Always` it is still reported `Failed`).
    Fail,
}

/// The values the annotation accepts, in the order the docs list them.
pub const FAILURES: [(&str, Failure); 4] = [
    ("crash-loop", Failure::CrashLoop),
    ("image-pull", Failure::ImagePull),
    ("never-ready", Failure::NeverReady),
    ("fail", Failure::Fail),
];

/// The annotation's value is none of [`FAILURES`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownFailure(pub String);

impl fmt::Display for UnknownFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let known: Vec<&str> = FAILURES.iter().map(|(name, _)| *name).collect();
        write!(
            f,
            "{FAIL_ANNOTATION}: unknown failure {:?}; use one of {}",
            self.0,
            known.join(", ")
        )
    }
}

impl std::error::Error for UnknownFailure {}

impl Failure {
    /// Reads the annotation's value.
    pub fn parse(value: &str) -> Result<Failure, UnknownFailure> {
        FAILURES
            .iter()
            .find(|(name, _)| *name == value.trim())
            .map(|(_, failure)| *failure)
            .ok_or_else(|| UnknownFailure(value.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_value_parses_to_its_failure() {
        assert_eq!(Failure::parse("crash-loop"), Ok(Failure::CrashLoop));
        assert_eq!(Failure::parse("image-pull"), Ok(Failure::ImagePull));
        assert_eq!(Failure::parse(" never-ready\n"), Ok(Failure::NeverReady));
        assert_eq!(Failure::parse("fail"), Ok(Failure::Fail));
    }

    #[test]
    fn an_unknown_value_names_the_annotation_and_the_accepted_values() {
        let error = Failure::parse("crashloop").unwrap_err();
        assert_eq!(
            error.to_string(),
            "standin.shipshape.dev/fail: unknown failure \"crashloop\"; \
             use one of crash-loop, image-pull, never-ready, fail"
        );
    }
}
