//! What `check` and `validate` read, assembled by shipshape_input; a failure is reported
//! here and becomes the exit status.

use std::path::PathBuf;
use std::process::ExitCode;

use shipshape_check::CONFIG_FILE;
use shipshape_input::{Error, Inputs, Reader};
use shipshape_validate::KubeVersion;

use crate::report;
use crate::status::BAD_INPUT;

/// Reads files, directories, standard input and specs into one input; on any problem,
/// reports every one and returns the exit status.
pub fn read(
    paths: &[PathBuf],
    namespace: &str,
    environment: Option<&str>,
    keep_stdin: bool,
) -> Result<Inputs, ExitCode> {
    Reader::new(namespace)
        .environment(environment)
        .keep_stdin(keep_stdin)
        // The checker's own settings sit next to the manifests; they are not one.
        .skip_file_name(CONFIG_FILE)
        .read(paths)
        .map_err(|error| match error {
            Error::Invalid(diags) => report::bad_input(&diags),
            Error::NoFiles => {
                report::error(&error.to_string());
                ExitCode::from(BAD_INPUT)
            }
        })
}

/// The version to validate against: `--kubernetes`, else the specs' own.
pub fn kubernetes(read: &Inputs, flag: Option<KubeVersion>) -> Result<KubeVersion, ExitCode> {
    read.kubernetes(flag)
        .map_err(|diags| report::bad_input(&diags))
}
