//! Located, renderable diagnostics for bad input.

use std::fmt;
use std::sync::Arc;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, SourceCode};

use crate::de::Error;
use crate::excerpt::Excerpt;
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
    location: Option<(Location, Excerpt)>,
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

    /// Points the diagnostic at `span` in `file`. Only the lines around it are kept for
    /// the snippet, each cut to [`SNIPPET_WIDTH`](crate::SNIPPET_WIDTH) characters.
    #[must_use]
    pub fn located(mut self, file: &SourceFile, span: Span) -> Self {
        let location = Location {
            file: file.name().to_owned(),
            line: span.line.max(1),
            column: span.column.max(1),
        };
        let excerpt = Excerpt::new(file.name.clone(), file.text(), span);
        self.location = Some((location, excerpt));
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
        self.location.as_ref().map(|(l, _)| l)
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
        self.location.as_ref().map(|(_, e)| e as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let (_, excerpt) = self.location.as_ref()?;
        let (start, len) = excerpt.label;
        Some(Box::new(std::iter::once(LabeledSpan::new(
            Some("here".to_owned()),
            start,
            len.max(1),
        ))))
    }
}

impl SourceCode for Excerpt {
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let contents =
            self.text
                .as_bytes()
                .read_span(span, context_lines_before, context_lines_after)?;
        // The header names the place in the uncut line; context starts a line.
        let column = if context_lines_before == 0 && span.offset() == self.label.0 {
            self.column
        } else {
            contents.column()
        };
        Ok(Box::new(miette::MietteSpanContents::new_named(
            self.name.to_string(),
            contents.data(),
            *contents.span(),
            contents.line() + self.first_line,
            column,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_snippet_cuts_long_lines_and_shows_a_long_span_on_its_first_line() {
        let long = format!("data: {{blob: \"{}\", é: 1, key: x}}", "ä".repeat(500));
        let text = format!("kind: ConfigMap\n{long}\nmetadata:\n  name: a\n  namespace: b\n");
        let file = SourceFile::new("cm.yaml", text.as_str());
        let key = text.find("key").unwrap();
        let span = Span {
            start: key,
            end: key + 3,
            line: 2,
            column: 524,
        };
        let shown = Diagnostic::new("unknown key")
            .located(&file, span)
            .render(false);
        // The last 120 characters of the line, since the key is near its end.
        let tail: String = long.chars().skip(long.chars().count() - 120).collect();
        let under = " ".repeat(114);
        assert_eq!(
            shown,
            format!(
                "cm.yaml:2:524:   × unknown key\n   ╭─[cm.yaml:2:524]\n 1 │ kind: ConfigMap\n \
                 2 │ …{tail}\n   · {under}─┬─\n   · {under} ╰── here\n 3 │ metadata:\n   ╰────\n"
            )
        );
        let metadata = text.find("metadata").unwrap();
        let object = Span {
            start: metadata,
            end: text.len(),
            line: 3,
            column: 1,
        };
        let shown = Diagnostic::new("missing field")
            .located(&file, object)
            .render(false);
        // The line before is cut at the same column; the object's span ends at its line.
        let head: String = long.chars().take(120).collect();
        assert_eq!(
            shown,
            format!(
                "cm.yaml:3:1:   × missing field\n   ╭─[cm.yaml:3:1]\n 2 │ {head}…\n 3 │ metadata:\n   \
                 · ────┬────\n   ·     ╰── here\n 4 │   name: a\n   ╰────\n"
            )
        );
    }
}
