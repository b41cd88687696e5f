//! Printing a [`Report`](crate::Report): for people, for scripts, for code scanning.

mod human;
mod json;
mod sarif;

pub use human::{Snippets, human};
pub use json::json;
pub use sarif::sarif;
