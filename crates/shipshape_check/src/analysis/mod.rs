//! What several rules judge the same way, kept in one place so that they cannot
//! disagree: how messages name the NetworkPolicies that decided (the model evaluates
//! them), and the numbers an application declares about itself in annotations. Probe
//! timings and where routes send traffic are the model's (`shipshape_manifest`).

pub(crate) mod annotations;
pub(crate) mod monitors;
pub(crate) mod network_policy;
pub(crate) mod shutdown;
