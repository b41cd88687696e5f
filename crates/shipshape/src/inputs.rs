//! What `check` and `validate` read, assembled by shipshape_input; a failure is reported
//! here and becomes the exit status.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use shipshape_check::CONFIG_FILE;
use shipshape_input::{Error, Inputs, OwnOutput, Reader};
use shipshape_spec::Diagnostics;
use shipshape_validate::KubeVersion;

use crate::report;
use crate::status::BAD_INPUT;

/// Reads files, directories, standard input and specs into one input, for a command
/// that needs every object (`simulate`): on any problem, reports every one and returns
/// the exit status. Says which objects were passed over as a spec's own output.
pub fn read(
    paths: &[PathBuf],
    namespace: &str,
    environment: Option<&str>,
    keep_stdin: bool,
) -> Result<Inputs, ExitCode> {
    let read = read_partial("simulate", paths, namespace, environment, keep_stdin)?;
    if read.problems.is_empty() {
        Ok(read)
    } else {
        Err(report::bad_input(&Diagnostics(read.problems)))
    }
}

/// Reads as [`read`] does for `shipshape COMMAND`, going on past what cannot be read (it
/// is in [`Inputs::problems`], for the report beside the findings); with nothing to read
/// at all, says so and returns the exit status.
pub fn read_partial(
    command: &str,
    paths: &[PathBuf],
    namespace: &str,
    environment: Option<&str>,
    keep_stdin: bool,
) -> Result<Inputs, ExitCode> {
    Reader::new(namespace)
        .command(command)
        .environment(environment)
        .keep_stdin(keep_stdin)
        // The checker's own settings sit next to the manifests; they are not one.
        .skip_file_name(CONFIG_FILE)
        .read_partial(paths)
        .inspect(|read| {
            for passed in &read.own_output {
                report::note(&own_output(passed));
            }
        })
        .map_err(|error| match error {
            Error::Invalid(diags) => report::bad_input(&diags),
            Error::NoFiles => {
                report::error(&error.to_string());
                ExitCode::from(BAD_INPUT)
            }
        })
}

/// What was passed over as a spec's own output, and what to do when it is out of date.
fn own_output(passed: &OwnOutput) -> String {
    let parent = |f: &String| Path::new(f).parent().map(Path::to_path_buf);
    let first = passed.files.first().and_then(parent);
    let one_dir = first.filter(|d| passed.files.iter().all(|f| parent(f).as_ref() == Some(d)));
    let files = match (passed.files.as_slice(), &one_dir) {
        ([one], _) => format!("`{one}`"),
        (all, Some(dir)) => format!("the {} files of `{}`", all.len(), dir.display()),
        (all, None) => format!("`{}` and {} other files", all[0], all.len() - 1),
    };
    let objects = match passed.objects {
        1 => format!("1 object in {files} is"),
        n => format!("{n} objects in {files} are"),
    };
    let mut note = format!(
        "{objects} the rendered output of `{}`, which is read in their place",
        passed.spec
    );
    if passed.stale > 0 {
        let differ = match passed.stale {
            1 => "1 of them differs".to_owned(),
            n => format!("{n} of them differ"),
        };
        let dir = one_dir.map_or("DIR".to_owned(), |d| d.display().to_string());
        note.push_str(&format!(
            "; {differ} from what it renders now: render it again with `shipshape render {} -o {dir}`, and make changes by hand in the spec's `patches`",
            passed.spec
        ));
    }
    note
}

/// The version to validate against: `--kubernetes`, else the specs' own.
pub fn kubernetes(read: &Inputs, flag: Option<KubeVersion>) -> Result<KubeVersion, ExitCode> {
    read.kubernetes(flag)
        .map_err(|diags| report::bad_input(&diags))
}
