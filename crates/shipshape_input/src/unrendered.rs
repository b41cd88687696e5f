//! Inputs that are not manifests yet: a Helm chart or a kustomization must be rendered
//! by its own tool first. Read as YAML, a chart's templates give a screen of syntax
//! errors that say nothing of the cause; one message that names the tool says what to do.

use std::path::Path;

use shipshape_yaml::{Diagnostic, SourceFile, Span};

/// The files that make a directory a kustomization, as kustomize looks for them.
const KUSTOMIZATION_FILES: [&str; 3] = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

/// What a directory holds instead of manifests.
enum Source {
    /// A Helm chart (a `Chart.yaml`), or a chart's `templates/` directory.
    Chart,
    /// A kustomization (`kustomization.yaml`).
    Kustomization,
}

/// The problem to report for `dir` when it is a Helm chart or a kustomization given to
/// `shipshape COMMAND`; `None` for a directory of manifests.
pub(crate) fn directory(dir: &Path, command: &str) -> Option<Diagnostic> {
    let shown = dir.display();
    let (message, help) = match source(dir)? {
        Source::Chart => (
            format!(
                "`{shown}` is a Helm chart, whose templates are not manifests yet: render it and pipe the result in: `helm template NAME {shown} | shipshape {command} -`"
            ),
            "NAME is the release name; give the values you deploy with (`-f values-prod.yaml`), since they decide what is rendered",
        ),
        Source::Kustomization => (
            format!(
                "`{shown}` is a kustomization, which is not manifests yet: build it and pipe the result in: `kustomize build {shown} | shipshape {command} -` (or `kubectl kustomize {shown} | shipshape {command} -`)"
            ),
            "pass the overlay you deploy (`overlays/prod`), since it decides what is built",
        ),
    };
    Some(Diagnostic::new(message).with_help(help))
}

fn source(dir: &Path) -> Option<Source> {
    if dir.join("Chart.yaml").is_file() {
        return Some(Source::Chart);
    }
    if KUSTOMIZATION_FILES.iter().any(|f| dir.join(f).is_file()) {
        return Some(Source::Kustomization);
    }
    // A chart's `templates/` given alone: its parent is the chart.
    let templates = dir.file_name().is_some_and(|n| n == "templates")
        && dir.parent().is_some_and(|p| p.join("Chart.yaml").is_file());
    templates.then_some(Source::Chart)
}

/// The problem to report for a file (`name`, holding `text`) that did not load because
/// it is a Helm template: it holds template actions (`{{ ... }}`). `None` when it holds
/// none, so its own YAML errors are the news.
pub(crate) fn template(name: &str, text: &str, command: &str) -> Option<Diagnostic> {
    let start = text.find("{{")?;
    let line = text[..start].matches('\n').count() + 1;
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let span = Span {
        start,
        end: start + 2,
        line,
        column: text[line_start..start].chars().count() + 1,
    };
    let message = format!(
        "`{name}` is a Helm template (`{{{{` on line {line}), not a manifest: render its chart and pipe the result in: `helm template NAME CHART_DIR | shipshape {command} -`"
    );
    Some(
        Diagnostic::new(message)
            .located(&SourceFile::new(name, text), span)
            .with_help(
                "CHART_DIR is the directory that holds `Chart.yaml`; NAME is the release name",
            ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_template_is_named_at_its_first_action() {
        let text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ include \"x\" . }}\n";
        let d = template("cm.yaml", text, "check").unwrap();
        assert_eq!(d.location().unwrap().to_string(), "cm.yaml:4:9");
        assert_eq!(
            d.message(),
            "`cm.yaml` is a Helm template (`{{` on line 4), not a manifest: render its chart and pipe the result in: `helm template NAME CHART_DIR | shipshape check -`"
        );
        assert!(template("plain.yaml", "a: b\n", "check").is_none());
    }
}
