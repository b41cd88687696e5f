//! How errors and notes reach the terminal.

use std::io::IsTerminal;

use shipshape_spec::Diagnostics;

/// Whether to colour output on standard error: only for a terminal, and never when
/// `NO_COLOR` is set (https://no-color.org).
pub fn stderr_color() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stderr().is_terminal()
}

/// Prints diagnostics to standard error.
pub fn diagnostics(diags: &Diagnostics) {
    let color = stderr_color();
    eprintln!("{}", diags.render(color));
    let n = diags.0.len();
    eprintln!(
        "error: {n} problem{} found; nothing was written",
        if n == 1 { "" } else { "s" }
    );
}

/// Prints diagnostics about input that could not be read, with a count.
pub fn diagnostics_only(diags: &Diagnostics) {
    eprintln!("{}", diags.render(stderr_color()));
    let n = diags.0.len();
    eprintln!(
        "error: {n} problem{} in the input; nothing was checked",
        if n == 1 { "" } else { "s" }
    );
}

/// Prints a plain error message to standard error.
pub fn error(message: &str) {
    eprintln!("error: {message}");
}

/// Prints a note (allowed, but worth knowing) to standard error.
pub fn note(message: &str) {
    eprintln!("note: {message}");
}
