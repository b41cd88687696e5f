//! Text for a terminal: one located finding per block, with the line it points at.

use std::collections::HashMap;
use std::fmt::Write;
use std::sync::Arc;

use anstyle::{AnsiColor, Style};

use crate::finding::Finding;
use crate::meta::Severity;
use crate::report::Report;

/// The source lines findings point at. Files are read again only when a finding needs a
/// snippet, so the checker never keeps the text of its whole input; texts that cannot be
/// read again (standard input) are handed over with [`Snippets::with_text`].
#[derive(Debug, Default)]
pub struct Snippets {
    texts: HashMap<String, Option<Text>>,
}

/// A text with the offset of every line, so that a snippet costs one slice rather than
/// a scan from the top: a large input has thousands of findings.
#[derive(Debug)]
struct Text {
    text: Arc<str>,
    line_starts: Vec<usize>,
}

impl Text {
    fn new(text: Arc<str>) -> Self {
        let breaks = text.match_indices('\n').map(|(i, _)| i + 1);
        let line_starts = std::iter::once(0).chain(breaks).collect();
        Text { text, line_starts }
    }

    /// Line `index` (0-based), without its line break.
    fn line(&self, index: usize) -> Option<&str> {
        let start = *self.line_starts.get(index)?;
        let end = self
            .line_starts
            .get(index + 1)
            .map_or(self.text.len(), |next| next - 1);
        let line = self.text.get(start..end)?;
        Some(line.strip_suffix('\r').unwrap_or(line))
    }
}

impl Snippets {
    /// No texts known yet; files are read when needed.
    #[must_use]
    pub fn new() -> Self {
        Snippets::default()
    }

    /// Knows `name` as `text` (standard input, a spec already in memory).
    #[must_use]
    pub fn with_text(mut self, name: &str, text: impl Into<Arc<str>>) -> Self {
        self.texts
            .insert(name.to_owned(), Some(Text::new(text.into())));
        self
    }

    /// Line `line` (1-based) of `file`, if it can be had.
    pub fn line(&mut self, file: &str, line: usize) -> Option<String> {
        let text = self.texts.entry(file.to_owned()).or_insert_with(|| {
            let read = std::fs::read_to_string(file).ok()?;
            Some(Text::new(Arc::from(read)))
        });
        text.as_ref()?.line(line.checked_sub(1)?).map(str::to_owned)
    }
}

/// Colours, or none.
struct Paint {
    color: bool,
}

impl Paint {
    fn paint(&self, style: Style, text: &str) -> String {
        if self.color {
            format!("{}{text}{}", style.render(), style.render_reset())
        } else {
            text.to_owned()
        }
    }

    fn severity(&self, severity: Severity) -> Style {
        let color = match severity {
            Severity::Error => AnsiColor::Red,
            Severity::Warning => AnsiColor::Yellow,
            Severity::Info => AnsiColor::Cyan,
        };
        Style::new().fg_color(Some(color.into())).bold()
    }
}

/// The report as text. Suppressed findings are listed only with `show_suppressed`, but
/// always counted in the closing summary.
#[must_use]
pub fn human(
    report: &Report,
    snippets: &mut Snippets,
    color: bool,
    show_suppressed: bool,
) -> String {
    let paint = Paint { color };
    let mut out = String::new();
    let shown = report
        .findings
        .iter()
        .filter(|f| show_suppressed || f.is_active());
    for finding in shown {
        block(&mut out, finding, snippets, &paint);
    }
    for problem in &report.problems {
        let _ = writeln!(out, "{}", problem.render(color));
    }
    let worst = Severity::ALL
        .into_iter()
        .rev()
        .find(|s| report.count(*s) > 0);
    let summary = report.summary();
    let summary = match worst {
        Some(s) => paint.paint(paint.severity(s), &summary),
        None => paint.paint(Style::new().bold(), &summary),
    };
    let _ = writeln!(out, "{summary}");
    if let Some(line) = report.problems_line() {
        let error = paint.paint(paint.severity(Severity::Error), "error");
        let _ = writeln!(out, "{error}: {line}");
    }
    out
}

fn block(out: &mut String, f: &Finding, snippets: &mut Snippets, paint: &Paint) {
    let place = f
        .location
        .as_ref()
        .map_or_else(|| "<rendered>".to_owned(), ToString::to_string);
    let bold = Style::new().bold();
    let _ = write!(
        out,
        "{}: {}{} {}: {}",
        paint.paint(bold, &place),
        paint.paint(paint.severity(f.severity), f.severity.as_str()),
        paint.paint(bold, &format!("[{}]", f.rule.id)),
        f.object.display_name(),
        f.message,
    );
    if let Some(reason) = &f.suppressed {
        let _ = write!(out, " (suppressed: {reason})");
    }
    out.push('\n');
    if let Some(loc) = &f.location
        && let Some(text) = snippets.line(&loc.file, loc.line)
    {
        snippet(out, &text, loc.line, loc.column, f.rule.name, paint);
    }
    out.push('\n');
}

/// ```text
///    |
/// 12 |       - name: web
///    |         ^^^^ missing-readiness-probe
/// ```
///
/// A long line (minified JSON holds a whole manifest on one) is cut around the column.
fn snippet(out: &mut String, text: &str, line: usize, column: usize, label: &str, paint: &Paint) {
    let gutter_style = Style::new().fg_color(Some(AnsiColor::Blue.into())).bold();
    let number = line.to_string();
    let pad = " ".repeat(number.len());
    let bar = paint.paint(gutter_style, "|");
    let cut = shipshape_yaml::cut_line(text, column);
    let skip = cut.column - 1;
    // Underline the word the location starts at: a key, a value or a list dash.
    let width = cut
        .text
        .chars()
        .skip(skip)
        .take(cut.rest)
        .take_while(|c| !c.is_whitespace() && *c != ':')
        .count()
        .max(1);
    let marker = paint.paint(gutter_style, &format!("{} {label}", "^".repeat(width)));
    let _ = writeln!(out, "{pad} {bar}");
    let _ = writeln!(
        out,
        "{} {bar} {}",
        paint.paint(gutter_style, &number),
        cut.text
    );
    let _ = writeln!(out, "{pad} {bar} {}{marker}", " ".repeat(skip));
}

#[cfg(test)]
mod tests {
    use super::Snippets;

    #[test]
    fn snippets_are_whole_lines_without_their_breaks() {
        let mut snippets =
            Snippets::new().with_text("a.yaml", "kind: Pod\r\nmetadata:\n  name: web\n");
        assert_eq!(snippets.line("a.yaml", 1).as_deref(), Some("kind: Pod"));
        assert_eq!(snippets.line("a.yaml", 3).as_deref(), Some("  name: web"));
        assert_eq!(snippets.line("a.yaml", 0), None);
        assert_eq!(snippets.line("a.yaml", 9), None);
    }
}
