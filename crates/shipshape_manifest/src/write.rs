//! Writing a set to a directory, all or nothing.

use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::manifest::{ManifestSet, to_yaml};
use crate::order::kind_rank;

/// Output encodings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// YAML (the default).
    #[default]
    Yaml,
    /// JSON.
    Json,
}

/// The marker that says a directory was written by shipshape and may be replaced whole.
const MARKER: &str = ".shipshape-render";

/// Why a set could not be written.
#[derive(Debug)]
pub enum WriteError {
    /// The directory holds files shipshape did not write.
    Occupied(PathBuf),
    /// The file system refused.
    Io(PathBuf, io::Error),
}

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WriteError::Occupied(p) => write!(
                f,
                "`{}` exists and holds files shipshape did not write; choose an empty or new directory",
                p.display()
            ),
            WriteError::Io(p, e) => write!(f, "cannot write `{}`: {e}", p.display()),
        }
    }
}

impl std::error::Error for WriteError {}

impl ManifestSet {
    /// File name of each object: `<rank>-<kind>-<name>.<ext>`, so that a plain
    /// `kubectl apply -f DIR` applies them in order.
    #[must_use]
    pub fn file_names(&self, format: Format) -> Vec<String> {
        let ext = match format {
            Format::Yaml => "yaml",
            Format::Json => "json",
        };
        self.items()
            .iter()
            .map(|m| {
                format!(
                    "{:02}-{}-{}.{ext}",
                    kind_rank(m.kind()),
                    m.kind().to_ascii_lowercase(),
                    m.name()
                )
            })
            .collect()
    }

    /// Writes one file per object into `dir`. Everything is written to a temporary
    /// directory beside it first and moved into place at the end, so on any error nothing
    /// is left behind. A directory that shipshape wrote before is replaced; any other
    /// non-empty directory is refused.
    ///
    /// # Errors
    /// When `dir` holds other files, or the file system fails.
    pub fn write_dir(&self, dir: &Path, format: Format) -> Result<(), WriteError> {
        let io_err = |p: &Path| {
            let p = p.to_path_buf();
            move |e| WriteError::Io(p, e)
        };
        let replace = match fs::read_dir(dir) {
            Ok(mut entries) => {
                let empty = entries.next().is_none();
                if !empty && !dir.join(MARKER).is_file() {
                    return Err(WriteError::Occupied(dir.to_path_buf()));
                }
                true
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => false,
            Err(e) => return Err(WriteError::Io(dir.to_path_buf(), e)),
        };
        let parent = match dir.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        fs::create_dir_all(&parent).map_err(io_err(&parent))?;
        let staging = tempfile::Builder::new()
            .prefix(".shipshape-staging-")
            .tempdir_in(&parent)
            .map_err(io_err(&parent))?;
        for (m, name) in self.items().iter().zip(self.file_names(format)) {
            let text = match format {
                Format::Yaml => to_yaml(&m.value),
                Format::Json => {
                    let mut t = serde_json::to_string_pretty(&m.value).expect("JSON serializes");
                    t.push('\n');
                    t
                }
            };
            let path = staging.path().join(&name);
            fs::write(&path, text).map_err(io_err(&path))?;
        }
        let marker = staging.path().join(MARKER);
        fs::write(
            &marker,
            "written by shipshape render; the directory is replaced whole on the next render\n",
        )
        .map_err(io_err(&marker))?;
        let staged = staging.keep();
        if replace {
            let old = tempfile::Builder::new()
                .prefix(".shipshape-old-")
                .tempdir_in(&parent)
                .map_err(io_err(&parent))?
                .keep();
            fs::remove_dir(&old).map_err(io_err(&old))?;
            fs::rename(dir, &old).map_err(io_err(dir))?;
            if let Err(e) = fs::rename(&staged, dir) {
                let _ = fs::rename(&old, dir);
                let _ = fs::remove_dir_all(&staged);
                return Err(WriteError::Io(dir.to_path_buf(), e));
            }
            fs::remove_dir_all(&old).map_err(io_err(&old))?;
        } else if let Err(e) = fs::rename(&staged, dir) {
            let _ = fs::remove_dir_all(&staged);
            return Err(WriteError::Io(dir.to_path_buf(), e));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn set() -> ManifestSet {
        let mut s = ManifestSet::new();
        s.push_value(
            json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "n"}}),
            None,
        );
        s
    }

    #[test]
    fn writes_replaces_own_output_and_refuses_foreign_directories() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        set().write_dir(&out, Format::Yaml).unwrap();
        assert!(out.join("00-namespace-n.yaml").is_file());
        set().write_dir(&out, Format::Json).unwrap();
        assert!(out.join("00-namespace-n.json").is_file());
        assert!(
            !out.join("00-namespace-n.yaml").exists(),
            "old output is replaced whole"
        );

        let foreign = tmp.path().join("foreign");
        fs::create_dir(&foreign).unwrap();
        fs::write(foreign.join("notes.txt"), "mine").unwrap();
        let err = set().write_dir(&foreign, Format::Yaml).unwrap_err();
        assert!(matches!(err, WriteError::Occupied(_)));
        assert_eq!(
            fs::read_dir(&foreign).unwrap().count(),
            1,
            "nothing was written"
        );
        let leftovers = fs::read_dir(tmp.path())
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .starts_with(".shipshape")
            })
            .count();
        assert_eq!(leftovers, 0, "no staging directories are left behind");
    }
}
