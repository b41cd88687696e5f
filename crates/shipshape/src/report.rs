//! How output, errors and notes reach the terminal.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use shipshape_spec::{Diagnostic, Diagnostics};

use crate::status::BAD_INPUT;

/// Whether to colour output on standard error: only for a terminal, and never when
/// `NO_COLOR` is set (https://no-color.org).
pub fn stderr_color() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stderr().is_terminal()
}

/// Whether to colour standard output: a terminal, and `NO_COLOR` unset.
pub fn stdout_color() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stdout().is_terminal()
}

/// Prints `text` to standard output; a closed pipe is not an error.
pub fn print(text: &str) -> ExitCode {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        // A closed pipe (`| head`) is the reader's choice, not our failure.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            error(&format!("cannot write to standard output: {e}"));
            ExitCode::from(BAD_INPUT)
        }
    }
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

/// Prints diagnostics about input that could not be read, with a count, and gives the
/// exit status of bad input.
pub fn bad_input(diags: &Diagnostics) -> ExitCode {
    eprintln!("{}", diags.render(stderr_color()));
    let n = diags.0.len();
    eprintln!(
        "error: {n} problem{} in the input; nothing was checked",
        if n == 1 { "" } else { "s" }
    );
    ExitCode::from(BAD_INPUT)
}

/// Prints a plain error message to standard error.
pub fn error(message: &str) {
    eprintln!("error: {message}");
}

/// Prints a located warning (accepted, but probably a mistake) to standard error.
pub fn warning(diagnostic: &Diagnostic) {
    eprintln!("warning: {}", diagnostic.render(stderr_color()));
}

/// Prints a note (allowed, but worth knowing) to standard error.
pub fn note(message: &str) {
    eprintln!("note: {message}");
}
