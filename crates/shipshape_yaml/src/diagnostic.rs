//! Located, renderable diagnostics for bad input.

use std::fmt;
use std::sync::Arc;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceCode};

use crate::de::Error;
use crate::tree::Span;

/// A source text and the name to show for it (a path as the user typed it, or `<stdin>`).
#[derive(Debug, Clone)]
pub struct SourceFile {
    name: Arc<str>,
    text: Arc<str>,
}

impl SourceFile {
    /// Wraps a text read from `name`.
    #[must_use]
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        SourceFile {
            name: Arc::from(name.into()),
            text: Arc::from(text.into()),
        }
    }

    /// The display name.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The text.
    #[must_use]
    pub fn text(&self) -> &str {
        &self.text
    }

    /// A diagnostic for `error`, located in this file.
    #[must_use]
    pub fn diagnostic(&self, error: &Error) -> Diagnostic {
        let mut d = Diagnostic::new(error.message());
        if let Some(span) = error.span() {
            d = d.located(self, span);
        }
        if let Some(help) = error.help() {
            d = d.with_help(help);
        }
        d
    }
}

/// Where a diagnostic points: file, 1-based line and 1-based column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The file's display name.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// An error about the user's input: what is wrong, where, and what to do.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    message: String,
    context: Option<String>,
    help: Option<String>,
    location: Option<(Location, Span, SourceFile)>,
}

impl Diagnostic {
    /// A diagnostic with a message and no position yet.
    #[must_use]
    pub fn new(message: impl Into<String>) -> Self {
        Diagnostic {
            message: message.into(),
            context: None,
            help: None,
            location: None,
        }
    }

    /// Points the diagnostic at `span` in `file`.
    #[must_use]
    pub fn located(mut self, file: &SourceFile, span: Span) -> Self {
        let location = Location {
            file: file.name().to_owned(),
            line: span.line.max(1),
            column: span.column.max(1),
        };
        self.location = Some((location, span, file.clone()));
        self
    }

    /// Adds a hint on how to fix the input.
    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Says under which circumstances the problem appears, such as "with environment
    /// `prod`"; shown after the message.
    #[must_use]
    pub fn with_context(mut self, context: impl Into<String>) -> Self {
        self.context = Some(context.into());
        self
    }

    /// The circumstances, if any.
    #[must_use]
    pub fn context(&self) -> Option<&str> {
        self.context.as_deref()
    }

    /// The message.
    #[must_use]
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The hint, if any.
    #[must_use]
    pub fn help_text(&self) -> Option<&str> {
        self.help.as_deref()
    }

    /// Where it points, if anywhere.
    #[must_use]
    pub fn location(&self) -> Option<&Location> {
        self.location.as_ref().map(|(l, _, _)| l)
    }

    /// Renders the diagnostic with its snippet, as the CLI prints it.
    #[must_use]
    pub fn render(&self, color: bool) -> String {
        let theme = if color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        let handler = GraphicalReportHandler::new_themed(theme)
            .with_width(100)
            .with_links(false);
        let mut out = String::new();
        if handler.render_report(&mut out, self).is_err() {
            out = self.to_string();
        }
        if let Some(loc) = self.location() {
            // The snippet header already names the place, but a plain first line keeps
            // the output greppable and clickable in editors.
            out = format!("{loc}: {out}");
        }
        out
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if let Some(context) = &self.context {
            write!(f, " ({context})")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostic {}

impl miette::Diagnostic for Diagnostic {
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.location.as_ref().map(|(_, _, f)| f as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let (_, span, _) = self.location.as_ref()?;
        let len = span.end.saturating_sub(span.start).max(1);
        Some(Box::new(std::iter::once(LabeledSpan::new(
            Some("here".to_owned()),
            span.start,
            len,
        ))))
    }
}

impl SourceCode for SourceFile {
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let inner = NamedSource::new(&self.name, self.text.to_string());
        let contents = inner.read_span(span, context_lines_before, context_lines_after)?;
        Ok(Box::new(miette::MietteSpanContents::new_named(
            self.name.to_string(),
            &self.text.as_bytes()
                [contents.span().offset()..contents.span().offset() + contents.span().len()],
            *contents.span(),
            contents.line(),
            contents.column(),
            contents.line_count(),
        )))
    }
}

/// One or more diagnostics, reported together.
#[derive(Debug, Clone, Default)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// Renders every diagnostic, separated by blank lines.
    #[must_use]
    pub fn render(&self, color: bool) -> String {
        self.0
            .iter()
            .map(|d| d.render(color))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Diagnostics(vec![d])
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let messages: Vec<String> = self
            .0
            .iter()
            .map(|d| match d.location() {
                Some(l) => format!("{l}: {d}"),
                None => d.to_string(),
            })
            .collect();
        f.write_str(&messages.join("\n"))
    }
}

impl std::error::Error for Diagnostics {}
