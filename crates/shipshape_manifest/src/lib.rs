//! The model of a manifest set: every downstream step (check, validate, simulate, export,
//! deploy) works on it, whether the objects were rendered from a spec or read from YAML.
//!
//! Objects are kept as JSON values so that any kind, built-in or custom, fits. Each one
//! remembers its [`Origin`] so findings can point back to the text that caused them.
//!
//! The layers, leaves first: a [`Manifest`] is one object as read or rendered, and a
//! [`ManifestSet`] an ordered list of them that serializes deterministically (what render
//! produces and writes). A [`Model`] is every object of one run, each an [`Object`] with
//! its identity ([`GroupKind`], namespace, name) read once; a [`ModelIndex`] relates them
//! (by group-kind, by name, pods by label, autoscalers by target), and the views
//! ([`PodTemplate`] with its [`Reference`]s, [`Wait`]s and [`Scheduling`], [`ServicePort`],
//! [`DisruptionBudget`], [`Autoscaler`], [`Selector`], [`Requests`]) answer what consumers ask of them.
//! [`routes`] says where Ingresses and Gateway routes send traffic. [`Object::typed`]
//! gives a built-in kind as its k8s-openapi type.

mod annotation;
pub mod api_lifecycle;
mod autoscaling;
pub mod connections;
mod dependencies;
mod disruption;
mod identity;
mod index;
pub mod limit_range;
mod load;
mod manifest;
mod model;
pub mod network_policy;
mod object;
mod operated;
mod order;
mod pod;
mod pointer;
pub mod probes;
mod provenance;
mod references;
mod requests;
pub mod routes;
mod scheduling;
mod scope;
mod selector;
mod service;
mod source;
mod spans;
mod typed;
mod waits;
mod write;

pub use annotation::Annotation;
pub use api_lifecycle::{ApiChange, ApiStatus};
pub use autoscaling::{Autoscaler, ScaleTarget};
pub use dependencies::Dependency;
pub use disruption::DisruptionBudget;
pub use identity::{GroupKind, ObjectId, api_group, api_version_of, display_name, kinds};
pub use index::ModelIndex;
pub use load::{Loaded, is_yaml, load, load_all, yaml_files, yaml_files_except};
pub use manifest::{Manifest, ManifestSet, Origin, to_yaml};
pub use model::Model;
pub use object::{EXTERNAL_SECRETS_ANNOTATION, Object};
pub use operated::{
    Made, OPERATORS, OperatedPods, OperatedService, Operator, ServiceShape, operated_pods,
    operated_service, operated_services, operator_of, selected_operated,
};
pub use order::kind_rank;
pub use pod::{Container, ContainerKind, PodTemplate};
pub use pointer::{field, items, lookup};
pub use provenance::{DefaultedField, Provenance, pointer_token};
pub use references::Reference;
pub use requests::{Defaulted, Refusal, Requests};
pub use scheduling::Scheduling;
pub use scope::is_namespaced;
pub use selector::Selector;
pub use service::{PortRef, ServicePort, Serving, serving};
pub use source::SpecSource;
pub use spans::Spans;
pub use typed::TypedError;
pub use waits::{WAIT_FOR_ANNOTATION, Wait};
pub use write::{Format, WriteError};
