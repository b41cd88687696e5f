//! No module imports another in a circle, inside any crate of the workspace.
//!
//! A circle means neither module can be understood, tested or moved without the other;
//! shared pieces must be leaves that specific ones build on. This test reads every
//! crate's `src/` as text: each `crate::` path (and `super::` path) in a module's code is
//! an edge to the module that defines the name, following the crate's `pub use`
//! re-exports; the crate root (`lib.rs`, `main.rs`) is the facade that declares and calls
//! every module, so only edges between the other modules count. Unit-test modules (`#[cfg(test)] mod tests`) are left out: a test may reach
//! anywhere.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// One crate's modules: module path (`rules::ss001_privileged_container`; empty for the
/// root) to the code that belongs to it.
type Modules = BTreeMap<String, String>;

#[test]
fn no_crate_has_an_import_circle() {
    let crates = workspace_root().join("crates");
    let mut report = Vec::new();
    for entry in fs::read_dir(&crates).expect("crates/ is readable") {
        let src = entry.expect("crates/ entry").path().join("src");
        if !src.is_dir() {
            continue;
        }
        let modules = modules_of(&src);
        let graph = graph_of(&modules);
        for (size, circle) in circles(&graph) {
            report.push(format!(
                "{}: {size} modules, among them {}",
                src.parent().unwrap().file_name().unwrap().to_string_lossy(),
                circle.join(" -> ")
            ));
        }
    }
    assert!(
        report.is_empty(),
        "modules that import each other in a circle:\n{}",
        report.join("\n")
    );
}

#[test]
fn the_reader_sees_a_circle_where_there_is_one() {
    let modules: Modules = [
        ("", "mod a;\nmod b;\nmod c;\npub use a::Alpha;\n"),
        ("a", "use crate::b::beta; pub struct Alpha;"),
        ("b", "pub fn beta() { crate::c::gamma() }"),
        ("c", "pub fn gamma() { let _ = crate::Alpha; }"),
    ]
    .into_iter()
    .map(|(m, code)| (m.to_owned(), code.to_owned()))
    .collect();
    let graph = graph_of(&modules);
    assert_eq!(
        circles(&graph),
        vec![(
            3,
            vec!["a", "b", "c", "a"]
                .into_iter()
                .map(String::from)
                .collect()
        )]
    );
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("the CLI crate sits two levels below the workspace root")
        .to_owned()
}

/// Every module of the crate rooted at `src` (`lib.rs` or `main.rs`), with unit-test
/// modules cut off.
fn modules_of(src: &Path) -> Modules {
    let mut modules = Modules::new();
    let mut stack = vec![src.to_owned()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).expect("source directory is readable") {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let code = fs::read_to_string(&path).expect("source is UTF-8");
                modules.insert(module_path(src, &path), without_tests(&code));
            }
        }
    }
    modules
}

fn module_path(src: &Path, file: &Path) -> String {
    let relative = file.strip_prefix(src).expect("file under src");
    let mut parts: Vec<String> = relative
        .iter()
        .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_owned())
        .collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts.join("::")
}

/// `code` without its unit-test module and its comment lines (a doc link to another
/// module is not an import).
fn without_tests(code: &str) -> String {
    let code = code
        .find("#[cfg(test)]\nmod tests")
        .map_or(code, |at| &code[..at]);
    code.lines()
        .filter(|line| !line.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// `code` without its `pub use` statements: a module that re-exports a name offers it,
/// it does not depend on it (a facade such as `lib.rs` is the usual case).
fn without_reexports(code: &str) -> String {
    let mut kept = String::with_capacity(code.len());
    let mut rest = code;
    while let Some(at) = ["pub use ", "pub(crate) use "]
        .iter()
        .filter_map(|p| rest.find(p))
        .min()
    {
        kept.push_str(&rest[..at]);
        rest = rest[at..].split_once(';').map_or("", |(_, after)| after);
    }
    kept.push_str(rest);
    kept
}

/// Which module each module takes names from.
fn graph_of(modules: &Modules) -> BTreeMap<String, BTreeSet<String>> {
    let reexports = reexports_of(modules);
    let mut graph = BTreeMap::new();
    for (module, code) in modules {
        let mut targets = BTreeSet::new();
        let children: Vec<&str> = modules
            .keys()
            .filter_map(|m| {
                let rest = if module.is_empty() {
                    m.as_str()
                } else {
                    m.strip_prefix(module.as_str())?.strip_prefix("::")?
                };
                (!rest.is_empty() && !rest.contains("::")).then_some(rest)
            })
            .collect();
        // The crate root is the facade every module hangs from: it declares and calls
        // them all, so only what the other modules take from each other can close a
        // circle.
        let code = if module.is_empty() { "" } else { code.as_str() };
        for path in paths_in(module, &without_reexports(code), &children) {
            let target = resolve(modules, &reexports, &path, 0);
            if &target != module && !module.starts_with(&format!("{target}::")) {
                targets.insert(target);
            }
        }
        // A parent that declares a child module does not import it, but one that
        // re-exports or calls into a child does; both kinds of edge are in `targets`.
        graph.insert(module.clone(), targets);
    }
    graph
}

/// `crate::...`, `super::...`, `self::...` and `child::...` paths in `code` (`children`
/// are the modules `module` declares), made absolute; `use` groups (`crate::a::{B, c::D}`)
/// are expanded.
fn paths_in(module: &str, code: &str, children: &[&str]) -> Vec<Vec<String>> {
    let mut paths = Vec::new();
    let bytes = code.as_bytes();
    let roots = ["crate", "super", "self"].iter().chain(children);
    for root in roots {
        for (at, _) in code.match_indices(&format!("{root}::")) {
            let before = at.checked_sub(1).map(|i| bytes[i]);
            if before.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b':') {
                continue;
            }
            let mut base = split(module);
            let mut rest = &code[at..];
            match *root {
                "crate" => base.clear(),
                "super" => {
                    base.pop();
                }
                "self" => {}
                // A child module's name: the path starts at the child itself.
                _ => {
                    expand(&base, rest, &mut paths);
                    continue;
                }
            }
            rest = &rest[root.len() + 2..];
            // `super::super::x`
            while let Some(r) = rest.strip_prefix("super::") {
                base.pop();
                rest = r;
            }
            expand(&base, rest, &mut paths);
        }
    }
    paths
}

fn split(module: &str) -> Vec<String> {
    if module.is_empty() {
        Vec::new()
    } else {
        module.split("::").map(str::to_owned).collect()
    }
}

/// Reads `a::b::{C, d::E}` (or `a::b::C`) at the start of `text`, after `base`.
fn expand(base: &[String], text: &str, out: &mut Vec<Vec<String>>) {
    let mut path = base.to_vec();
    let mut rest = text;
    loop {
        let ident: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if ident.is_empty() {
            if let Some(group) = rest.strip_prefix('{') {
                for item in top_level_items(group) {
                    expand(&path, item.trim(), out);
                }
                return;
            }
            if !path.is_empty() {
                out.push(path);
            }
            return;
        }
        rest = &rest[ident.len()..];
        if ident != "self" {
            path.push(ident);
        }
        match rest.strip_prefix("::") {
            Some(r) => rest = r,
            None => {
                out.push(path);
                return;
            }
        }
    }
}

/// The comma-separated items of a `{...}` group, up to its closing brace.
fn top_level_items(group: &str) -> Vec<&str> {
    let mut items = Vec::new();
    let (mut depth, mut start) = (0usize, 0usize);
    for (i, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => {
                items.push(&group[start..i]);
                return items;
            }
            '}' => depth -= 1,
            ',' if depth == 0 => {
                items.push(&group[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    items
}

/// For each module, the names it re-exports with `pub use` (or `pub(crate) use`) and
/// the path each comes from.
fn reexports_of(modules: &Modules) -> BTreeMap<String, BTreeMap<String, Vec<String>>> {
    let mut all = BTreeMap::new();
    for (module, code) in modules {
        let mut names = BTreeMap::new();
        for line in code.lines().map(str::trim_start) {
            let Some(rest) = line
                .strip_prefix("pub use ")
                .or_else(|| line.strip_prefix("pub(crate) use "))
            else {
                continue;
            };
            let (base, rest) = if let Some(r) = rest.strip_prefix("crate::") {
                (Vec::new(), r)
            } else if let Some(r) = rest.strip_prefix("self::") {
                (split(module), r)
            } else if rest.starts_with(|c: char| c.is_ascii_lowercase()) {
                // `pub use child::Name;` in a module that declares `mod child;`.
                (split(module), rest)
            } else {
                continue;
            };
            let mut paths = Vec::new();
            expand(&base, rest, &mut paths);
            for path in paths {
                if let Some(name) = path.last() {
                    names.insert(name.clone(), path);
                }
            }
        }
        all.insert(module.clone(), names);
    }
    all
}

/// The module that defines the item `path` names: the longest prefix that is a module,
/// followed through re-exports of the next name.
fn resolve(
    modules: &Modules,
    reexports: &BTreeMap<String, BTreeMap<String, Vec<String>>>,
    path: &[String],
    depth: usize,
) -> String {
    let mut module = String::new();
    for (i, part) in path.iter().enumerate() {
        let candidate = if module.is_empty() {
            part.clone()
        } else {
            format!("{module}::{part}")
        };
        if modules.contains_key(&candidate) {
            module = candidate;
            continue;
        }
        if depth < 8
            && let Some(target) = reexports.get(&module).and_then(|r| r.get(part))
            && target.as_slice() != &path[..=i]
        {
            let mut followed = target.clone();
            followed.extend_from_slice(&path[i + 1..]);
            return resolve(modules, reexports, &followed, depth + 1);
        }
        break;
    }
    module
}

/// The circles of `graph`: one per strongly connected component of two or more modules,
/// with its size and a closed walk from its smallest module.
fn circles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<(usize, Vec<String>)> {
    let mut found = Vec::new();
    let mut seen = BTreeSet::new();
    for start in graph.keys() {
        if seen.contains(start) {
            continue;
        }
        let component: BTreeSet<String> = graph
            .keys()
            .filter(|other| reaches(graph, start, other) && reaches(graph, other, start))
            .cloned()
            .collect();
        seen.extend(component.iter().cloned());
        if component.len() > 1 {
            found.push((component.len(), walk(graph, &component)));
        }
    }
    found
}

fn reaches(graph: &BTreeMap<String, BTreeSet<String>>, from: &str, to: &str) -> bool {
    let mut stack = vec![from.to_owned()];
    let mut visited = BTreeSet::new();
    while let Some(node) = stack.pop() {
        if node == to {
            return true;
        }
        if visited.insert(node.clone()) {
            stack.extend(graph.get(&node).into_iter().flatten().cloned());
        }
    }
    false
}

/// A shortest way round the circle through its smallest module, to name in the message.
fn walk(graph: &BTreeMap<String, BTreeSet<String>>, component: &BTreeSet<String>) -> Vec<String> {
    let start = component.first().expect("non-empty").clone();
    let mut previous: BTreeMap<String, String> = BTreeMap::new();
    let mut queue = std::collections::VecDeque::from([start.clone()]);
    while let Some(node) = queue.pop_front() {
        for next in graph.get(&node).into_iter().flatten() {
            if *next == start {
                let mut way = vec![start.clone()];
                let mut at = node.clone();
                while at != start {
                    way.push(at.clone());
                    at = previous[&at].clone();
                }
                way.push(start.clone());
                way.reverse();
                return way;
            }
            if component.contains(next) && !previous.contains_key(next) {
                previous.insert(next.clone(), node.clone());
                queue.push_back(next.clone());
            }
        }
    }
    unreachable!("every module of a strongly connected component lies on a circle")
}
