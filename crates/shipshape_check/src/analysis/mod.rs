//! What several rules judge the same way, kept in one place so that they cannot
//! disagree: how messages name the NetworkPolicies that decided (the model evaluates
//! them), probe timings with the kubelet's defaults, and the numbers an application
//! declares about itself in annotations.

pub(crate) mod annotations;
pub(crate) mod network_policy;
pub(crate) mod probes;
