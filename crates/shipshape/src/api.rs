//! What the `api` rules validate against: the flags, and the CRDs of every `--crd` path.

use std::path::Path;

use shipshape_manifest::{Manifest, Origin};
use shipshape_spec::{Diagnostic, Diagnostics};
use shipshape_validate::{KubeVersion, Target};

use crate::cli::ApiArgs;

/// The validation target the flags ask for, with the CRDs of every `--crd` path. The
/// version is `--kubernetes` or the default; the inputs' specs may change the default.
pub fn target(args: &ApiArgs) -> Result<Target, Diagnostics> {
    let mut crds = Vec::new();
    let mut problems = Vec::new();
    for path in &args.crds {
        for object in read_crd_path(path, &mut problems) {
            if shipshape_validate::is_crd(&object.value) {
                crds.push(object.value);
            } else {
                problems.push(not_a_crd(&object));
            }
        }
    }
    if !problems.is_empty() {
        return Err(Diagnostics(problems));
    }
    Ok(Target {
        version: args.kubernetes.unwrap_or(KubeVersion::NEWEST),
        crds: crds.into(),
        strict_crds: args.strict_crds,
    })
}

/// The objects of a `--crd` file, or of every YAML file under a `--crd` directory.
fn read_crd_path(path: &Path, problems: &mut Vec<Diagnostic>) -> Vec<Manifest> {
    let files = if path.is_dir() {
        shipshape_manifest::yaml_files(path)
    } else {
        Ok(vec![path.to_path_buf()])
    };
    let files = files.unwrap_or_else(|e| {
        problems.push(Diagnostic::new(format!(
            "--crd: cannot read `{}`: {e}",
            path.display()
        )));
        Vec::new()
    });
    let mut objects = Vec::new();
    for file in files {
        let name = file.display().to_string();
        match std::fs::read_to_string(&file) {
            Ok(text) => match shipshape_manifest::load(&name, &text, "default") {
                Ok(loaded) => objects.extend(loaded),
                Err(diags) => problems.extend(diags.0),
            },
            Err(e) => problems.push(Diagnostic::new(format!("--crd: cannot read `{name}`: {e}"))),
        }
    }
    objects
}

fn not_a_crd(object: &Manifest) -> Diagnostic {
    let place = match &object.origin {
        Some(Origin::File(at)) => format!("{at}: "),
        _ => String::new(),
    };
    Diagnostic::new(format!(
        "{place}--crd takes CustomResourceDefinitions (apiextensions.k8s.io/v1), not {} {}",
        object.api_version(),
        object.kind()
    ))
}
