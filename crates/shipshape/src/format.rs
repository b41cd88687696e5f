//! The checker's report as `--format` asks for it, for `check` and `validate`.

use shipshape_check::output::{Snippets, human, json, sarif};
use shipshape_check::{Report, Rule};

use crate::cli::CheckFormat;
use crate::report::stdout_color;

/// The report as `format` prints it; `stdin` is standard input's text, for snippets.
pub fn report(
    result: &Report,
    format: CheckFormat,
    stdin: Option<String>,
    rules: &[Rule],
    show_suppressed: bool,
) -> String {
    match format {
        CheckFormat::Human => {
            let mut snippets = Snippets::new();
            if let Some(text) = stdin {
                snippets = snippets.with_text("<stdin>", text);
            }
            human(result, &mut snippets, stdout_color(), show_suppressed)
        }
        CheckFormat::Json => json(result),
        CheckFormat::Sarif => sarif(result, rules),
    }
}
