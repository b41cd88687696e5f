//! The grammars of Kubernetes values, each implemented once and answering as the API
//! server and its controllers do.
//!
//! Every other shipshape crate (spec, render, check, validate) calls these rather than
//! parsing quantities, schedules, names or versions itself: before this crate there were
//! two or three copies of each, and they disagreed. A leaf: it depends on no shipshape
//! crate and on nothing outside the standard library, so any crate may use it.

pub mod base64;
pub mod cron;
pub mod int_or_string;
pub mod names;
pub mod quantity;
pub mod version;

pub use cron::{CronError, FieldFault, Schedule};
pub use int_or_string::{IntOrPercent, Rounding};
pub use quantity::{Quantity, QuantityError};
pub use version::KubeVersion;
