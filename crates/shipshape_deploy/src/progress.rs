//! What a deploy tells the person watching it while it runs: a bar per phase on a
//! terminal (indicatif), plain lines otherwise (CI logs, pipes), nothing in tests that do
//! not ask.

use std::io::Write;
use std::sync::Mutex;

use indicatif::{MultiProgress, ProgressBar, ProgressStyle};

use crate::cluster::ObjectRef;
use crate::phase::Phase;

/// Receives a deploy's progress.
pub trait Observer: Sync {
    /// A phase starts with `objects` objects to apply and wait for.
    fn phase(&self, phase: Phase, objects: usize);
    /// An object is not ready yet; `status` says what it waits for.
    fn waiting(&self, target: &ObjectRef, status: &str);
    /// An object is ready.
    fn ready(&self, target: &ObjectRef);
    /// Something worth a line of its own (a prune, a rollback).
    fn note(&self, line: &str);
}

/// Prints nothing.
#[derive(Debug, Default)]
pub struct Silent;

impl Observer for Silent {
    fn phase(&self, _: Phase, _: usize) {}
    fn waiting(&self, _: &ObjectRef, _: &str) {}
    fn ready(&self, _: &ObjectRef) {}
    fn note(&self, _: &str) {}
}

/// One line per event, for logs: a line when a phase starts, when an object's status
/// changes, and when it is ready.
#[derive(Debug)]
pub struct Lines<W: Write + Send> {
    out: Mutex<(W, Vec<(ObjectRef, String)>)>,
}

impl<W: Write + Send> Lines<W> {
    /// Lines written to `out`.
    pub fn new(out: W) -> Self {
        Self {
            out: Mutex::new((out, Vec::new())),
        }
    }

    /// The writer back.
    pub fn into_inner(self) -> W {
        self.out
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .0
    }

    fn line(&self, line: &str) {
        let mut out = self
            .out
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        // Progress is best effort: a closed pipe must not stop a deploy.
        let _ = writeln!(out.0, "{line}");
    }
}

impl<W: Write + Send> Observer for Lines<W> {
    fn phase(&self, phase: Phase, objects: usize) {
        self.line(&format!("phase {phase}: {objects} objects"));
    }

    fn waiting(&self, target: &ObjectRef, status: &str) {
        {
            let mut out = self
                .out
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let seen = &mut out.1;
            match seen.iter_mut().find(|(t, _)| t == target) {
                Some((_, last)) if last == status => return,
                Some((_, last)) => *last = status.to_owned(),
                None => seen.push((target.clone(), status.to_owned())),
            }
        }
        self.line(&format!("  {target}: {status}"));
    }

    fn ready(&self, target: &ObjectRef) {
        self.line(&format!("  {target}: ready"));
    }

    fn note(&self, line: &str) {
        self.line(line);
    }
}

/// A bar per phase on a terminal.
#[derive(Debug)]
pub struct Bars {
    multi: MultiProgress,
    bar: Mutex<Option<ProgressBar>>,
}

impl Default for Bars {
    fn default() -> Self {
        Self::new()
    }
}

impl Bars {
    /// Bars on standard error.
    #[must_use]
    pub fn new() -> Self {
        Self {
            multi: MultiProgress::new(),
            bar: Mutex::new(None),
        }
    }

    fn bar(&self) -> Option<ProgressBar> {
        self.bar
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }
}

impl Observer for Bars {
    fn phase(&self, phase: Phase, objects: usize) {
        if let Some(done) = self.bar() {
            done.finish();
        }
        let bar = self.multi.add(ProgressBar::new(objects as u64));
        bar.set_style(
            ProgressStyle::with_template("{prefix:>42} [{bar:20}] {pos}/{len} {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        bar.set_prefix(phase.to_string());
        *self
            .bar
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(bar);
    }

    fn waiting(&self, target: &ObjectRef, status: &str) {
        if let Some(bar) = self.bar() {
            bar.set_message(format!("{target}: {status}"));
        }
    }

    fn ready(&self, _: &ObjectRef) {
        if let Some(bar) = self.bar() {
            bar.inc(1);
        }
    }

    fn note(&self, line: &str) {
        let _ = self.multi.println(line);
    }
}
