//! `shipshape simulate`: reads the input as `check` does, builds the cluster, and prints
//! the simulator's report.

use std::process::ExitCode;

use shipshape_grammar::Quantity;
use shipshape_manifest::ModelIndex;
use shipshape_simulate::cluster::{Cluster, NodeSize};
use shipshape_simulate::report::Severity;
use shipshape_spec::{Diagnostic, Diagnostics};

use crate::cli::{FailOn, SimulateArgs, SimulateFormat};
use crate::inputs;
use crate::report::{bad_input, print};
use crate::status::FINDINGS;

/// Runs `shipshape simulate`.
pub fn simulate(args: &SimulateArgs) -> ExitCode {
    let cluster = match cluster(args) {
        Ok(c) => c,
        Err(diags) => return bad_input(&diags),
    };
    let read = match inputs::read(
        &args.paths,
        &args.namespace,
        args.environment.as_deref(),
        false,
    ) {
        Ok(r) => r,
        Err(status) => return status,
    };
    let index = ModelIndex::new(&read.model);
    let report = shipshape_simulate::simulate(&index, &cluster);
    let text = match args.format {
        SimulateFormat::Table => report.to_table(),
        SimulateFormat::Json => report.to_json(),
    };
    if let Some(dir) = &args.svg
        && let Err(e) = write_svgs(dir, &report)
    {
        crate::report::error(&format!(
            "cannot write the SVGs to `{}`: {e}",
            dir.display()
        ));
        return ExitCode::from(crate::status::BAD_INPUT);
    }
    let printed = print(&text);
    let threshold = match args.fail_on {
        FailOn::Warning => Some(Severity::Warning),
        FailOn::Error => Some(Severity::Error),
        FailOn::Never => None,
    };
    if printed != ExitCode::SUCCESS {
        printed
    } else if threshold.is_some_and(|s| report.fails(s)) {
        ExitCode::from(FINDINGS)
    } else {
        ExitCode::SUCCESS
    }
}

/// The cluster file, or the default cluster the flags describe.
fn cluster(args: &SimulateArgs) -> Result<Cluster, Diagnostics> {
    if let Some(path) = &args.cluster {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| {
            Diagnostics::from(Diagnostic::new(format!(
                "cannot read the cluster file `{name}`: {e}"
            )))
        })?;
        return Cluster::from_yaml(&name, &text);
    }
    let quantity = |flag: &str, text: &str, exponent: i32| -> Result<i64, Diagnostics> {
        Quantity::parse(text)
            .ok()
            .filter(|q| q.is_positive())
            .and_then(|q| q.ceil_scaled(exponent))
            .ok_or_else(|| {
                Diagnostics::from(
                    Diagnostic::new(format!("{flag} `{text}` is not a quantity above zero"))
                        .with_help(
                            "write a number with an optional unit, such as `4`, `3500m` or `16Gi`",
                        ),
                )
            })
    };
    let size = NodeSize {
        cpu: quantity("--node-cpu", &args.node_cpu, -3)?,
        memory: quantity("--node-memory", &args.node_memory, 0)?,
        pods: i64::from(args.node_pods),
    };
    Ok(Cluster::uniform(
        usize::from(args.zones),
        usize::from(args.nodes_per_zone),
        size,
    ))
}

/// Writes each scenario's SVG and the traffic graph into `dir` (created if missing),
/// each file through a temporary file, so a reader never sees half a drawing.
fn write_svgs(
    dir: &std::path::Path,
    report: &shipshape_simulate::report::Report,
) -> std::io::Result<()> {
    use shipshape_simulate::svg;
    std::fs::create_dir_all(dir)?;
    for scenario in &report.scenarios {
        write_whole(dir, &svg::file_name(scenario), &svg::scenario(scenario))?;
    }
    write_whole(dir, svg::TRAFFIC_FILE, &svg::traffic(&report.traffic))
}

/// Writes `text` to `dir/name` through a temporary file in `dir`.
fn write_whole(dir: &std::path::Path, name: &str, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut file = tempfile::NamedTempFile::new_in(dir)?;
    file.write_all(text.as_bytes())?;
    file.persist(dir.join(name)).map_err(|e| e.error)?;
    Ok(())
}
