//! The map in ARCHITECTURE.md, checked against the code: the library's files import each
//! other without circles, every module sits in a layer of the map and imports only from its
//! own layer or below, and no file is over 600 lines before its tests.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const MAX_LINES: usize = 600;

/// The library's files by module path (`render::pages`; the crate root is ``), with the
/// text before their tests. The binary (`main.rs`, `cli.rs`, `cmd/`) is another crate.
fn library() -> BTreeMap<String, (PathBuf, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = BTreeMap::new();
    for entry in walkdir::WalkDir::new(&src).sort_by_file_name() {
        let entry = entry.expect("src entry");
        let rel = entry.path().strip_prefix(&src).expect("inside src").to_string_lossy().replace('\\', "/");
        let Some(stem) = rel.strip_suffix(".rs") else { continue };
        if matches!(stem, "main" | "cli") || stem.starts_with("cmd/") {
            continue;
        }
        let mut parts: Vec<&str> = stem.split('/').collect();
        if parts.last() == Some(&"mod") || parts == ["lib"] {
            parts.pop();
        }
        let text = std::fs::read_to_string(entry.path()).expect("source file");
        let code = text.split("#[cfg(test)]").next().unwrap_or_default().to_string();
        files.insert(parts.join("::"), (entry.path().to_path_buf(), code));
    }
    files
}

/// `text` without line comments (`//` that is not part of `://`).
fn without_comments(text: &str) -> String {
    text.lines()
        .map(|line| {
            let cut = line.match_indices("//").map(|(i, _)| i).find(|&i| i == 0 || !line[..i].ends_with(':'));
            &line[..cut.unwrap_or(line.len())]
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// `a::{b, c::{d, e}}` → `a::b`, `a::c::d`, `a::c::e`.
fn expand(path: &str) -> Vec<String> {
    let path: String = path.chars().filter(|c| !c.is_whitespace()).collect();
    let Some(open) = path.find('{') else { return vec![path] };
    let mut depth = 0;
    let mut close = None;
    for (i, c) in path.char_indices().skip(open) {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    close = Some(i);
                    break;
                }
            }
            _ => {}
        }
    }
    let Some(close) = close else { return Vec::new() };
    let (prefix, inner, suffix) = (&path[..open], &path[open + 1..close], &path[close + 1..]);
    let mut items = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (i, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                items.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    items.push(&inner[start..]);
    items.into_iter().filter(|i| !i.is_empty()).flat_map(|item| expand(&format!("{prefix}{item}{suffix}"))).collect()
}

/// The module a path names from module `from`: the longest prefix that is a module.
fn resolve(from: &str, path: &str, modules: &BTreeMap<String, (PathBuf, String)>) -> Option<String> {
    let path = path.split(" as ").next().unwrap_or(path);
    let mut segments: Vec<&str> = path.split("::").filter(|s| !s.is_empty()).collect();
    let mut base: Vec<&str> = from.split("::").filter(|s| !s.is_empty()).collect();
    match segments.first() {
        Some(&"crate") => {
            base.clear();
            segments.remove(0);
        }
        Some(&"super") => {
            while segments.first() == Some(&"super") {
                base.pop();
                segments.remove(0);
            }
        }
        Some(&"self") => {
            segments.remove(0);
        }
        _ => {}
    }
    let full: Vec<&str> = base.into_iter().chain(segments.into_iter().filter(|s| *s != "self" && *s != "*")).collect();
    (0..=full.len()).rev().map(|n| full[..n].join("::")).find(|candidate| modules.contains_key(candidate))
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The modules each module imports (by `use`, by a path in its code, or through a child
/// module it declares).
fn imports(modules: &BTreeMap<String, (PathBuf, String)>) -> BTreeMap<String, BTreeSet<String>> {
    let mut graph = BTreeMap::new();
    for (module, (_, text)) in modules {
        let code = without_comments(text);
        let children: Vec<&str> = code
            .lines()
            .filter_map(|line| {
                let line = line.trim().trim_start_matches("pub(crate) ").trim_start_matches("pub ");
                line.strip_prefix("mod ")?.strip_suffix(';')
            })
            .collect();
        let mut paths = Vec::new();
        for statement in code.split(';') {
            // The `use` that ends at this `;` starts a line of its own.
            let Some(start) = statement.lines().rev().position(|line| {
                let line = line.trim_start().trim_start_matches("pub(crate) ").trim_start_matches("pub ");
                line.starts_with("use ")
            }) else {
                continue;
            };
            let lines: Vec<&str> = statement.lines().collect();
            let statement = lines[lines.len() - 1 - start..].join(" ");
            let statement = statement.trim().trim_start_matches("pub(crate) ").trim_start_matches("pub ");
            if let Some(used) = statement.strip_prefix("use ") {
                let first = used.split("::").next().unwrap_or_default().trim();
                if matches!(first, "crate" | "super" | "self") || children.contains(&first) {
                    paths.extend(expand(used));
                }
            }
        }
        let starts: Vec<String> = ["crate::", "super::"]
            .into_iter()
            .map(str::to_string)
            .chain(children.iter().map(|c| format!("{c}::")))
            .collect();
        for start in &starts {
            for (i, _) in code.match_indices(start.as_str()) {
                if code[..i].chars().next_back().is_some_and(|c| is_ident(c) || c == ':') {
                    continue;
                }
                let end = code[i..].find(|c: char| !(is_ident(c) || c == ':')).map_or(code.len(), |e| i + e);
                // `super::{a, b}` is a `use` list, expanded above.
                if !code[end..].starts_with('{') {
                    paths.push(code[i..end].trim_end_matches(':').to_string());
                }
            }
        }
        let targets: BTreeSet<String> =
            paths.iter().filter_map(|p| resolve(module, p, modules)).filter(|target| target != module).collect();
        graph.insert(module.clone(), targets);
    }
    graph
}

/// A circle in the graph, if there is one.
fn find_circle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|n| n == node) {
            let mut circle = path[at..].to_vec();
            circle.push(node.to_string());
            return Some(circle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(circle) = visit(next, graph, path, done) {
                return Some(circle);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    graph.keys().find_map(|node| visit(node, graph, &mut Vec::new(), &mut done))
}

/// The layers of ARCHITECTURE.md's "Layers" section: module → layer number.
fn layers() -> BTreeMap<String, usize> {
    let map = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("ARCHITECTURE.md")).expect("map");
    let section = map.split("\n## Layers").nth(1).expect("ARCHITECTURE.md has a section `## Layers`");
    let section = section.split("\n## ").next().unwrap_or_default();
    let mut layers = BTreeMap::new();
    for line in section.lines() {
        let Some((number, rest)) = line.split_once(". ") else { continue };
        let Ok(number) = number.trim().parse::<usize>() else { continue };
        for module in rest.split('`').skip(1).step_by(2) {
            assert!(layers.insert(module.to_string(), number).is_none(), "`{module}` is in two layers");
        }
    }
    layers
}

#[test]
fn the_library_s_files_import_each_other_without_circles() {
    let graph = imports(&library());
    // The graph is read from the code: a sample of edges that must be found.
    assert!(graph["render::pages"].contains("render::plan"), "{:?}", graph["render::pages"]);
    assert!(graph["site::build"].contains("content::publishing"), "{:?}", graph["site::build"]);
    assert!(graph["render"].contains("render::engine"), "{:?}", graph["render"]);
    if let Some(circle) = find_circle(&graph) {
        panic!("these files import each other in a circle: {}", circle.join(" → "));
    }
}

#[test]
fn every_module_imports_only_from_its_layer_or_below() {
    let modules = library();
    let graph = imports(&modules);
    let layers = layers();
    let top = |module: &str| module.split("::").next().unwrap_or_default().to_string();
    let mut wrong = Vec::new();
    for module in modules.keys().filter(|m| !m.is_empty()) {
        let Some(&layer) = layers.get(&top(module)) else {
            wrong.push(format!("`{}` is in no layer of ARCHITECTURE.md", top(module)));
            continue;
        };
        for target in &graph[module] {
            let target_layer = layers.get(&top(target)).copied().unwrap_or(usize::MAX);
            if target.is_empty() || target_layer > layer {
                wrong.push(format!("{module} (layer {layer}) imports {target} (layer {target_layer})"));
            }
        }
    }
    wrong.sort();
    wrong.dedup();
    assert!(wrong.is_empty(), "against the layers of ARCHITECTURE.md:\n{}", wrong.join("\n"));
}

#[test]
fn no_file_is_over_six_hundred_lines_before_its_tests() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut long = Vec::new();
    for entry in walkdir::WalkDir::new(&src) {
        let entry = entry.expect("src entry");
        if entry.path().extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(entry.path()).expect("source file");
            let lines = text.split("#[cfg(test)]").next().unwrap_or_default().lines().count();
            if lines > MAX_LINES {
                long.push(format!("{} has {lines} lines before its tests", entry.path().display()));
            }
        }
    }
    assert!(long.is_empty(), "{}", long.join("\n"));
}

#[test]
fn use_lists_expand_to_every_path() {
    assert_eq!(expand("super::{a, b::{c, d}}"), ["super::a", "super::b::c", "super::b::d"]);
    assert_eq!(expand("crate::diag::Diagnostic"), ["crate::diag::Diagnostic"]);
}
