//! Mounted files: where they go and where their content comes from.

use std::fs::File;
use std::io::{ErrorKind, Read};
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

/// The most a `from:` file may hold: 1 MiB, all a ConfigMap or Secret may hold.
const MAX_FROM_BYTES: u64 = 1 << 20;

/// Reads a `from:` file relative to the spec into `content`; the path stays in `from`
/// so later messages can name it. Only a regular file of at most [`MAX_FROM_BYTES`] is
/// read, and no more than that is ever read: a spec naming `/dev/zero` or a pipe must
/// get an error, not a render that never ends.
fn read_from(file: &mut FileSource, base_dir: &FsPath, at: &Path) -> Option<Problem> {
    let from = file.from.as_deref()?;
    let problem = |message: String| {
        Some(
            Problem::new(under!(at, "from"), message)
                .help("`from` is relative to the directory that holds the spec"),
        )
    };
    let opened = File::open(base_dir.join(from)).and_then(|f| Ok((f.metadata()?, f)));
    let (metadata, handle) = match opened {
        Ok(opened) => opened,
        Err(e) => {
            let reason = match e.kind() {
                ErrorKind::NotFound => "no such file".to_owned(),
                _ => e.to_string(),
            };
            return problem(format!("cannot read `{from}`: {reason}"));
        }
    };
    if !metadata.is_file() {
        return problem(format!(
            "cannot read `{from}`: not a regular file (a directory, device or pipe)"
        ));
    }
    let mut text = String::new();
    match handle.take(MAX_FROM_BYTES + 1).read_to_string(&mut text) {
        Ok(read) if read as u64 > MAX_FROM_BYTES => problem(format!(
            "cannot read `{from}`: larger than 1 MiB, all a ConfigMap or Secret may hold"
        )),
        Ok(_) => {
            file.content = Some(text);
            None
        }
        Err(e) => problem(format!("cannot read `{from}`: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_from_file_over_a_mebibyte_is_refused_without_reading_it_all() {
        let dir = std::env::temp_dir().join(format!("shipshape-from-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let size = usize::try_from(MAX_FROM_BYTES).unwrap();
        std::fs::write(dir.join("big.conf"), "x".repeat(size + 1)).unwrap();
        std::fs::write(dir.join("full.conf"), "x".repeat(size)).unwrap();
        let read = |name: &str| {
            let mut file = FileSource {
                from: Some(name.to_owned()),
                ..FileSource::default()
            };
            let problem = read_from(&mut file, &dir, &Path::default());
            (problem.map(|p| p.message), file.content.map(|c| c.len()))
        };
        let big = read("big.conf");
        let full = read("full.conf");
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(
            big,
            (
                Some(
                    "cannot read `big.conf`: larger than 1 MiB, all a ConfigMap or Secret may hold"
                        .to_owned()
                ),
                None
            )
        );
        assert_eq!(full, (None, Some(size)));
    }
}
