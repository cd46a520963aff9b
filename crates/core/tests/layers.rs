//! The core's modules form layers: no module reaches, through its `crate::` paths, a module
//! that reaches back to it. A capability added later (appeals, votes) must keep it so: a
//! circle is how `state.rs` and `petition_rules.rs` once tied every domain to every other.
//!
//! Read from the source text: each module's `crate::…` paths, names re-exported by `lib.rs`
//! mapped to the module that defines them; comments and test modules left out. A folder's
//! `mod.rs` and each file under it are modules of their own. What `for_each_capability!`
//! makes counts too: `event.rs` depends on each capability's `events.rs`, whose declarations
//! it gathers, and `state.rs` and `public_state.rs` on each capability's module.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src is readable") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `registry/mod.rs` → `registry`, `registry/rules.rs` → `registry/rules`.
fn module_name(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).expect("under src").with_extension("");
    let rel = rel.to_string_lossy().replace('\\', "/");
    rel.strip_suffix("/mod").unwrap_or(&rel).to_owned()
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// The code of a module without comments and without its `mod tests { … }`.
fn code_of(text: &str) -> String {
    let text = text.split("#[cfg(test)]\nmod tests {").next().unwrap_or_default();
    text.lines().filter(|l| !l.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n")
}

/// Names `lib.rs` re-exports, by the top-level module that defines them.
fn reexports(lib: &str) -> BTreeMap<String, String> {
    let mut names = BTreeMap::new();
    for item in lib.split(';') {
        let Some(rest) = item.trim().strip_prefix("pub use ") else { continue };
        let Some((module, list)) = rest.split_once("::") else { continue };
        for name in list.trim_matches(|c| c == '{' || c == '}').split(',') {
            let name = name.trim();
            if !name.is_empty() {
                names.insert(name.to_owned(), module.to_owned());
            }
        }
    }
    names
}

/// The modules a module's code names through `crate::`.
fn dependencies(code: &str, modules: &BTreeSet<String>, names: &BTreeMap<String, String>) -> BTreeSet<String> {
    let mut deps = BTreeSet::new();
    let mut add = |name: &str| {
        if let Some(m) = names.get(name) {
            deps.insert(m.clone());
        } else if modules.contains(name) {
            deps.insert(name.to_owned());
        }
    };
    for (i, _) in code.match_indices("crate::") {
        let rest = &code[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let group = &group[..group.find('}').unwrap_or(group.len())];
            for name in group.split(',') {
                add(name.trim().split("::").next().unwrap_or_default());
            }
        } else {
            add(&rest.chars().take_while(|c| is_ident(*c)).collect::<String>());
        }
    }
    deps
}

/// A circle through `from`, if there is one: the modules along it.
fn circle(graph: &BTreeMap<String, BTreeSet<String>>, from: &str) -> Option<Vec<String>> {
    let mut stack = vec![(from.to_owned(), vec![from.to_owned()])];
    let mut seen = BTreeSet::new();
    while let Some((module, path)) = stack.pop() {
        for next in graph.get(&module).into_iter().flatten() {
            if next == from {
                return Some([path.clone(), vec![from.to_owned()]].concat());
            }
            if seen.insert(next.clone()) {
                stack.push((next.clone(), [path.clone(), vec![next.clone()]].concat()));
            }
        }
    }
    None
}

/// The capability modules `for_each_capability!` in `lib.rs` lists (`petitions: Petitions =>
/// PetitionsSummary,`).
fn capabilities(lib: &str) -> Vec<String> {
    let list = lib.split("macro_rules! for_each_capability").nth(1).expect("lib.rs lists the capabilities");
    let list = &list[..list.find("};").expect("the end of the list")];
    list.lines()
        .filter(|l| l.contains("=>") && l.trim_end().ends_with(','))
        .filter_map(|l| l.trim().split(':').next().map(str::to_owned))
        .collect()
}

fn core_graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    let lib = std::fs::read_to_string(src.join("lib.rs")).expect("lib.rs");
    let names = reexports(&lib);
    let is_test = |f: &Path| f.to_string_lossy().contains("test");
    let files: Vec<PathBuf> = files.into_iter().filter(|f| !is_test(f) && !f.ends_with("lib.rs")).collect();
    // A name resolves to the top-level module; submodules are named by their own paths.
    let modules: BTreeSet<String> = files.iter().map(|f| module_name(&src, f)).collect();
    let mut graph: BTreeMap<String, BTreeSet<String>> = files
        .iter()
        .map(|f| {
            let module = module_name(&src, f);
            let code = code_of(&std::fs::read_to_string(f).expect("a source file"));
            let mut deps = dependencies(&code, &modules, &names);
            deps.remove(&module);
            (module, deps)
        })
        .collect();
    // Made from the list by macros, these name each capability through its module path.
    for capability in capabilities(&lib) {
        graph.get_mut("event").expect("an event module").insert(format!("{capability}/events"));
        for router in ["state", "public_state"] {
            graph.get_mut(router).expect("the router and its summary").insert(capability.clone());
        }
    }
    graph
}

#[test]
fn the_core_has_no_import_circles() {
    let graph = core_graph();
    assert!(graph.len() > 15, "the source walk found the modules: {:?}", graph.keys());
    assert!(graph["state"].contains("capability"), "the walk reads `crate::` paths: {graph:?}");
    assert!(graph["event"].contains("petitions/events"), "event gathers the capabilities' events: {graph:?}");
    assert!(graph.contains_key("petitions/events"), "each capability declares its events: {graph:?}");
    for module in graph.keys() {
        if let Some(path) = circle(&graph, module) {
            panic!("an import circle: {}", path.join(" → "));
        }
    }
}

#[test]
fn a_circle_would_be_found() {
    let mut graph = core_graph();
    graph.get_mut("error").expect("an error module").insert("state".into());
    assert!(circle(&graph, "error").is_some(), "error → state → … → error must be reported");
}
