//! Mounted files: where they go and where their content comes from.

use std::io::ErrorKind;
use std::path::Path as FsPath;

use super::{Declared, absolute, exactly_one, under};
use crate::component::Component;
use crate::env::FileSource;
use crate::problem::{Path, Problem};

/// Every check of this module for the component at `at`; reads `from:` files into
/// `content`.
pub(super) fn check(
    c: &mut Component,
    at: &Path,
    declared: &Declared,
    base_dir: &FsPath,
    out: &mut Vec<Problem>,
) {
    let mut mounted: Vec<(String, &str)> = Vec::new();
    for (path, file) in &mut c.files {
        let at = under!(at, "files", path);
        check_mount_path(path, &at, &mounted, out);
        mounted.push((normalized(path), path));
        let one = exactly_one(
            &at,
            &format!("file `{path}`"),
            &[
                ("content", file.content.is_some()),
                ("from", file.from.is_some()),
                ("secret", file.secret.is_some()),
                ("config", file.config.is_some()),
            ],
            out,
        );
        if !one {
            continue;
        }
        declared.check_source_ref(
            &at,
            file.secret.as_deref(),
            file.config.as_deref(),
            file.key.as_deref(),
            out,
        );
        out.extend(read_from(file, base_dir, &at));
    }
}

/// Mount paths must name a file of its own: mounting over `/` or the writable `/tmp`
/// would hide what the container needs there.
fn check_mount_path(path: &str, at: &Path, mounted: &[(String, &str)], out: &mut Vec<Problem>) {
    if let Some(p) = absolute(at.clone(), path, "file path") {
        out.push(p.at_key());
        return;
    }
    let normal = normalized(path);
    if normal == "/" || normal == "/tmp" {
        out.push(
            Problem::new(
                at.clone(),
                format!("a file cannot be mounted at `{path}`: it would hide the whole directory"),
            )
            .at_key()
            .help("mount it at a path of its own, such as `/etc/app/config.yaml`"),
        );
    } else if let Some((_, first)) = mounted.iter().find(|(n, _)| *n == normal) {
        out.push(
            Problem::new(
                at.clone(),
                format!("`{path}` is the same path as `{first}`"),
            )
            .at_key()
            .help("mount each file at a path of its own"),
        );
    }
}

/// `path` without empty or `.` segments, so `/etc//app/` and `/etc/app` compare equal.
pub(super) fn normalized(path: &str) -> String {
    let segments: Vec<&str> = path
        .split('/')
        .filter(|s| !s.is_empty() && *s != ".")
        .collect();
    format!("/{}", segments.join("/"))
}

/// Reads a `from:` file relative to the spec into `content`; the path stays in `from`
/// so later messages can name it.
fn read_from(file: &mut FileSource, base_dir: &FsPath, at: &Path) -> Option<Problem> {
    let from = file.from.as_deref()?;
    match std::fs::read_to_string(base_dir.join(from)) {
        Ok(text) => {
            file.content = Some(text);
            None
        }
        Err(e) => {
            let reason = match e.kind() {
                ErrorKind::NotFound => "no such file".to_owned(),
                _ => e.to_string(),
            };
            Some(
                Problem::new(
                    under!(at, "from"),
                    format!("cannot read `{from}`: {reason}"),
                )
                .help("`from` is relative to the directory that holds the spec"),
            )
        }
    }
}
