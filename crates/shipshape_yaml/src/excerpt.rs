//! What a snippet shows of the lines around a place: at most [`SNIPPET_WIDTH`]
//! characters of each, cut around the place's column.
//!
//! Minified JSON puts a whole manifest set on one line; a snippet that printed the line
//! would print megabytes for one finding. A cut line says where it was cut with `…`.

use std::sync::Arc;

use crate::tree::Span;

/// The most characters of one source line a snippet shows.
pub const SNIPPET_WIDTH: usize = 120;

/// How many characters before the place a cut line keeps, so the reader sees what leads
/// up to it.
const LEAD: usize = 40;

/// Marks where a line was cut.
const CUT: char = '…';

/// A source line as a snippet shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CutLine {
    /// The text shown: the line, or the part of it around the column, marked with `…`
    /// where it was cut.
    pub text: String,
    /// The 1-based column (in characters) of the place in `text`.
    pub column: usize,
    /// Characters of `text` after the place that belong to the line (not the end mark).
    pub rest: usize,
}

/// Line `line` cut to at most [`SNIPPET_WIDTH`] characters (plus the cut marks) around
/// the 1-based character `column`; a line that fits is returned whole.
#[must_use]
pub fn cut_line(line: &str, column: usize) -> CutLine {
    let length = line.chars().count();
    let at = column.saturating_sub(1).min(length);
    if length <= SNIPPET_WIDTH {
        return CutLine {
            text: line.to_owned(),
            column: at + 1,
            rest: length - at,
        };
    }
    let first = at.saturating_sub(LEAD).min(length - SNIPPET_WIDTH);
    let end = first + SNIPPET_WIDTH;
    let mut text = String::new();
    if first > 0 {
        text.push(CUT);
    }
    text.extend(line.chars().skip(first).take(SNIPPET_WIDTH));
    if end < length {
        text.push(CUT);
    }
    CutLine {
        text,
        column: at - first + 1 + usize::from(first > 0),
        rest: end - at,
    }
}

/// The lines around a span (one before, its own, one after), cut, with the span moved
/// into them: what a diagnostic's snippet is drawn from. A span that runs over several
/// lines is shown on its first: the rest may be thousands of lines.
#[derive(Debug, Clone)]
pub(crate) struct Excerpt {
    /// The file's display name.
    pub name: Arc<str>,
    /// The lines shown, each cut.
    pub text: String,
    /// The 0-based line number of the first line shown.
    pub first_line: usize,
    /// Byte offset and length of the span in `text`.
    pub label: (usize, usize),
    /// The 0-based character column of the span's start in its (uncut) line.
    pub column: usize,
}

impl Excerpt {
    /// The excerpt of `text` around `span`.
    pub(crate) fn new(name: Arc<str>, text: &str, span: Span) -> Excerpt {
        let mut start = span.start.min(text.len());
        while !text.is_char_boundary(start) {
            start -= 1;
        }
        let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let before = text[..line_start.saturating_sub(1)]
            .rfind('\n')
            .map_or(0, |i| i + 1);
        let after_end = if line_end < text.len() {
            text[line_end + 1..]
                .find('\n')
                .map_or(text.len(), |i| line_end + 1 + i)
        } else {
            line_end
        };
        let column = text[line_start..start].chars().count();
        let first_line = text[..line_start].matches('\n').count();
        let own_line = |t: &str| t.strip_suffix('\r').unwrap_or(t).to_owned();
        let mut shown = String::new();
        let mut shown_first = first_line;
        if line_start > 0 {
            shown.push_str(&cut_line(&own_line(&text[before..line_start - 1]), column + 1).text);
            shown.push('\n');
            shown_first -= 1;
        }
        let cut = cut_line(&own_line(&text[line_start..line_end]), column + 1);
        let label_start = shown.len()
            + cut
                .text
                .char_indices()
                .nth(cut.column - 1)
                .map_or(cut.text.len(), |(i, _)| i);
        let wanted = span.end.saturating_sub(start).min(line_end - start);
        let kept: usize = cut.text[label_start - shown.len()..]
            .chars()
            .take(cut.rest)
            .map(char::len_utf8)
            .sum();
        let label = (label_start, wanted.min(kept));
        shown.push_str(&cut.text);
        if line_end < text.len() {
            shown.push('\n');
            shown.push_str(&cut_line(&own_line(&text[line_end + 1..after_end]), column + 1).text);
        }
        Excerpt {
            name,
            text: shown,
            first_line: shown_first,
            label,
            column,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_lines_are_whole() {
        let cut = cut_line("kind: Pod", 7);
        assert_eq!(cut.text, "kind: Pod");
        assert_eq!((cut.column, cut.rest), (7, 3));
    }

    #[test]
    fn long_lines_are_cut_around_the_column() {
        let line: String = (0..1000)
            .map(|i| char::from(b'a' + (i % 26) as u8))
            .collect();
        let cut = cut_line(&line, 501);
        assert_eq!(cut.text.chars().count(), SNIPPET_WIDTH + 2);
        assert!(cut.text.starts_with('…') && cut.text.ends_with('…'));
        assert_eq!(cut.column, 42);
        assert_eq!(cut.text.chars().nth(41), line.chars().nth(500));
        assert_eq!(cut.rest, 80);
        let head = cut_line(&line, 3);
        assert_eq!((head.column, head.text.chars().next()), (3, Some('a')));
        let tail = cut_line(&line, 1000);
        assert_eq!(tail.text.chars().count(), SNIPPET_WIDTH + 1);
        assert_eq!((tail.column, tail.rest), (SNIPPET_WIDTH + 1, 1));
    }
}
