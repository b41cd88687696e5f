//! Load, render and serialize each reference example, in process.

use std::path::{Path, PathBuf};

fn main() {
    divan::main();
}

fn example(name: &str) -> (String, PathBuf) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples")
        .join(name);
    let text = std::fs::read_to_string(dir.join("shipshape.yaml")).expect("example exists");
    (text, dir)
}

#[divan::bench(args = ["cyoda-go", "volaticloud", "projections"])]
fn render_example(bencher: divan::Bencher, name: &str) {
    let (text, dir) = example(name);
    bencher.bench(|| {
        let loaded = shipshape_spec::load_str("shipshape.yaml", &text, &dir, None).expect("loads");
        let rendered = shipshape_render::render(&loaded.spec).expect("renders");
        rendered.manifests.to_yaml()
    });
}
