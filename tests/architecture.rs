//! The shape of `server/src`, checked (docs/architecture.md, "Layers"):
//!
//! - no import circle between files: a file's imports are its `use` declarations and the
//!   `crate::…` / `super::…` / child-module paths in its code, each resolved to the file of the
//!   longest module prefix it names (a path through a `mod.rs` that re-exports is an import of
//!   that `mod.rs`, which imports what it re-exports);
//! - every file imports only from its own layer or the layers below it: `analysis/syntax` <
//!   `analysis/resolve` < `analysis/rules` < `analysis/fix` < the rest of `analysis/` (the
//!   facade) < `lsp/` < `cli/`; within `analysis/rules`, the query engine (`rules/engine/`)
//!   imports nothing else of the rules;
//! - no source file is longer than [`MAX_LINES`] unless [`LONG_FILES`] says why.
//!
//! Module declarations (`mod x;`) are not imports. Comments and string literals are skipped.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The length above which a file must say why it is one piece.
const MAX_LINES: usize = 600;

/// Files allowed past [`MAX_LINES`], relative to `server/src`, with the reason.
const LONG_FILES: &[(&str, &str)] = &[];

/// The layers, lowest first: a file may import from its own layer and those before it. The
/// first prefix (of a module path) that matches decides.
const LAYERS: &[(&str, &[&str])] = &[
    ("allocator", &["crate::allocator"]),
    ("syntax", &["crate::analysis::syntax"]),
    ("resolve", &["crate::analysis::resolve"]),
    ("rules", &["crate::analysis::rules"]),
    ("fix", &["crate::analysis::fix"]),
    ("facade", &["crate::analysis"]),
    ("lsp", &["crate::lsp"]),
    ("cli", &["crate::cli"]),
    ("crate root", &["crate"]),
];

/// Modules that may import only within themselves and from the layers below theirs: the
/// query engine knows nothing of the rule registry and the rules it runs.
const SEALED: &[&str] = &["crate::analysis::rules::engine"];

// ---------------------------------------------------------------------------------------------
// The checks on the real source tree

fn source_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn real_sources() -> BTreeMap<String, String> {
    let root = source_root();
    let mut files = BTreeMap::new();
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let relative = path.strip_prefix(&root).unwrap();
                let relative = relative.to_str().unwrap().replace('\\', "/");
                files.insert(relative, std::fs::read_to_string(&path).unwrap());
            }
        }
    }
    files
}

#[test]
fn no_file_imports_a_file_that_imports_it_back() {
    let graph = Graph::build(&real_sources());
    let cycles = graph.cycles();
    assert!(
        cycles.is_empty(),
        "import circles:\n{}",
        describe_cycles(&graph, &cycles)
    );
}

#[test]
fn every_file_imports_only_from_its_layer_or_below() {
    let graph = Graph::build(&real_sources());
    let violations = graph.layer_violations();
    assert!(
        violations.is_empty(),
        "imports against the layers:\n{}",
        violations.join("\n")
    );
}

#[test]
fn long_files_say_why_they_are_one_piece() {
    let files = real_sources();
    let mut problems = Vec::new();
    for (path, text) in &files {
        let lines = text.lines().count();
        let allowed = LONG_FILES.iter().find(|(p, _)| p == path);
        match (lines > MAX_LINES, allowed) {
            (true, None) => problems.push(format!(
                "{path}: {lines} lines (over {MAX_LINES}): split it, or add it to LONG_FILES with the reason"
            )),
            (false, Some(_)) => problems.push(format!(
                "{path}: {lines} lines, no longer over {MAX_LINES}: remove it from LONG_FILES"
            )),
            _ => {}
        }
    }
    for (path, _) in LONG_FILES {
        if !files.contains_key(*path) {
            problems.push(format!("{path} is in LONG_FILES but does not exist"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_real_graph_is_read_with_its_imports() {
    // The checks above pass trivially if no import is found: make sure some are.
    let graph = Graph::build(&real_sources());
    let imports = |from: &str, to: &str| {
        graph.edges[&graph.module_of_file(from)].contains(&graph.module_of_file(to))
    };
    assert!(imports(
        "analysis/rules/registry.rs",
        "analysis/rules/cio002.rs"
    ));
    assert!(imports(
        "analysis/rules/cio002.rs",
        "analysis/rules/context.rs"
    ));
    assert!(imports("lsp/state.rs", "analysis/mod.rs"));
    assert!(graph.edges.values().map(BTreeSet::len).sum::<usize>() > 200);
}

// ---------------------------------------------------------------------------------------------
// The checker itself, on small made-up trees: each check can fail.

fn sources(files: &[(&str, &str)]) -> BTreeMap<String, String> {
    files
        .iter()
        .map(|(path, text)| (path.to_string(), text.to_string()))
        .collect()
}

#[test]
fn a_circle_through_a_reexporting_mod_rs_is_found() {
    let files = sources(&[
        ("lib.rs", "pub mod analysis;"),
        ("analysis/mod.rs", "pub mod rules;"),
        (
            "analysis/rules/mod.rs",
            "mod registry;\nmod cio001;\npub use registry::RULES;",
        ),
        (
            "analysis/rules/registry.rs",
            "use super::cio001;\npub static RULES: u8 = 0;",
        ),
        (
            "analysis/rules/cio001.rs",
            "// use crate::analysis::rules::RULES; (a comment is no import)\n\
             fn check() { let _ = \"crate::analysis::rules::RULES\"; }",
        ),
    ]);
    assert!(Graph::build(&files).cycles().is_empty());
    let mut files = files;
    files.insert(
        "analysis/rules/cio001.rs".into(),
        "use crate::analysis::rules::RULES;".into(),
    );
    let graph = Graph::build(&files);
    let cycles = graph.cycles();
    assert_eq!(cycles.len(), 1);
    assert_eq!(
        describe_cycles(&graph, &cycles),
        "analysis/rules/cio001.rs, analysis/rules/mod.rs, analysis/rules/registry.rs\n    \
         analysis/rules/mod.rs → analysis/rules/registry.rs\n    \
         analysis/rules/cio001.rs → analysis/rules/mod.rs\n    \
         analysis/rules/registry.rs → analysis/rules/cio001.rs\n"
    );
}

#[test]
fn paths_in_code_and_nested_use_trees_are_imports() {
    let files = sources(&[
        ("lib.rs", "pub mod analysis;"),
        (
            "analysis/mod.rs",
            "pub mod syntax;\npub mod resolve;\nfn f() { syntax::tree::walk(); }",
        ),
        ("analysis/syntax/mod.rs", "pub mod tree;\npub mod nodes;"),
        ("analysis/syntax/tree.rs", "pub fn walk() {}"),
        ("analysis/syntax/nodes.rs", "pub fn name() {}"),
        ("analysis/resolve/mod.rs", "pub mod scopes;"),
        (
            "analysis/resolve/scopes.rs",
            "use crate::analysis::{syntax::{self, nodes::name as n}, resolve};\n\
             #[cfg(test)]\nmod tests {\n    use super::super::super::syntax::tree::walk;\n}\n\
             fn g() { crate::analysis::syntax::tree::walk(); }",
        ),
    ]);
    let graph = Graph::build(&files);
    let targets = |from: &str| -> Vec<String> {
        graph.edges[&graph.module_of_file(from)]
            .iter()
            .map(|m| graph.files[m].clone())
            .collect()
    };
    assert_eq!(
        targets("analysis/resolve/scopes.rs"),
        [
            "analysis/resolve/mod.rs",
            "analysis/syntax/mod.rs",
            "analysis/syntax/nodes.rs",
            "analysis/syntax/tree.rs"
        ]
    );
    assert_eq!(targets("analysis/mod.rs"), ["analysis/syntax/tree.rs"]);
}

#[test]
fn a_call_through_a_used_module_name_is_an_import() {
    // `server.rs` names the handlers through `use super::handlers;`, a handler imports the
    // server back: a circle, though no single path spells it out.
    let files = sources(&[
        ("lib.rs", "pub mod lsp;"),
        ("lsp/mod.rs", "pub mod server;\npub mod handlers;"),
        (
            "lsp/server.rs",
            "use super::handlers;\npub struct Backend;\n\
             fn route() { handlers::text_sync::did_open(); }",
        ),
        ("lsp/handlers/mod.rs", "pub mod text_sync;"),
        (
            "lsp/handlers/text_sync.rs",
            "use crate::lsp::server::Backend as B;\npub fn did_open() {}\nfn f(_: B) {}",
        ),
    ]);
    let graph = Graph::build(&files);
    assert!(graph.edges[&graph.module_of_file("lsp/server.rs")]
        .contains(&graph.module_of_file("lsp/handlers/text_sync.rs")));
    assert_eq!(
        graph.cycles(),
        [vec![
            "crate::lsp::handlers::text_sync".to_string(),
            "crate::lsp::server".to_string()
        ]]
    );
}

#[test]
fn an_import_from_a_higher_layer_or_out_of_the_engine_is_reported() {
    let files = sources(&[
        ("lib.rs", "pub mod analysis;\npub mod lsp;"),
        ("analysis/mod.rs", "pub mod syntax;\npub mod rules;"),
        (
            "analysis/syntax/mod.rs",
            "use crate::analysis::rules::Rule;",
        ),
        (
            "analysis/rules/mod.rs",
            "pub mod engine;\npub mod registry;\npub struct Rule;",
        ),
        ("analysis/rules/registry.rs", "use super::engine::Hit;"),
        (
            "analysis/rules/engine/mod.rs",
            "use crate::analysis::rules::registry;\npub struct Hit;",
        ),
        ("analysis/rules/engine/hit.rs", "use crate::lsp::Server;"),
        (
            "lsp/mod.rs",
            "use crate::analysis::rules::Rule;\npub struct Server;",
        ),
    ]);
    let mut files = files;
    files
        .get_mut("analysis/rules/engine/mod.rs")
        .unwrap()
        .push_str("\npub mod hit;");
    let violations = Graph::build(&files).layer_violations();
    assert_eq!(
        violations,
        [
            "analysis/rules/engine/hit.rs (rules) imports lsp/mod.rs (lsp)",
            "analysis/rules/engine/mod.rs (crate::analysis::rules::engine) imports analysis/rules/registry.rs",
            "analysis/syntax/mod.rs (syntax) imports analysis/rules/mod.rs (rules)",
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// Reading the imports

/// Files as module paths, and which modules each file's code names.
struct Graph {
    /// Module path (`crate::analysis::syntax::tree`) → file (`analysis/syntax/tree.rs`).
    files: BTreeMap<String, String>,
    /// Module path → the module paths (of files) it imports.
    edges: BTreeMap<String, BTreeSet<String>>,
}

impl Graph {
    fn build(sources: &BTreeMap<String, String>) -> Graph {
        let files: BTreeMap<String, String> = sources
            .keys()
            .filter(|path| path.as_str() != "main.rs") // a crate of its own
            .map(|path| (module_path(path), path.clone()))
            .collect();
        let mut edges = BTreeMap::new();
        for (module, path) in &files {
            let code = strip_comments_and_strings(&sources[path]);
            let references = references(&code);
            let scope_of = |reference: &Reference| {
                if reference.inline.is_empty() {
                    module.clone()
                } else {
                    format!("{module}::{}", reference.inline.join("::"))
                }
            };
            // What each `use` binds: a later `handlers::text_sync::f()` goes through it.
            let bound: BTreeMap<&str, String> = references
                .iter()
                .filter_map(|reference| {
                    let local = reference.local.as_deref()?;
                    let absolute =
                        absolute_path(&reference.path, &scope_of(reference), module, &files)?;
                    Some((local, absolute))
                })
                .collect();
            let mut targets = BTreeSet::new();
            for reference in &references {
                let absolute = absolute_path(&reference.path, &scope_of(reference), module, &files)
                    .or_else(|| through_binding(&reference.path, &bound));
                if let Some(target) = absolute.and_then(|a| file_module(&a, &files)) {
                    if target != *module {
                        targets.insert(target);
                    }
                }
            }
            edges.insert(module.clone(), targets);
        }
        Graph { files, edges }
    }

    fn module_of_file(&self, file: &str) -> String {
        module_path(file)
    }

    /// The strongly connected components of more than one file (Tarjan's algorithm, with an
    /// explicit stack).
    fn cycles(&self) -> Vec<Vec<String>> {
        let nodes: Vec<&String> = self.edges.keys().collect();
        let index_of: BTreeMap<&String, usize> =
            nodes.iter().enumerate().map(|(i, n)| (*n, i)).collect();
        let successors: Vec<Vec<usize>> = nodes
            .iter()
            .map(|n| {
                self.edges[*n]
                    .iter()
                    .filter_map(|t| index_of.get(t).copied())
                    .collect()
            })
            .collect();
        let count = nodes.len();
        let (mut index, mut low) = (vec![usize::MAX; count], vec![0; count]);
        let mut on_stack = vec![false; count];
        let (mut stack, mut components) = (Vec::new(), Vec::new());
        let mut next = 0;
        for start in 0..count {
            if index[start] != usize::MAX {
                continue;
            }
            // (node, how many of its successors have been visited)
            let mut work = vec![(start, 0)];
            while let Some(&(node, visited)) = work.last() {
                if index[node] == usize::MAX {
                    index[node] = next;
                    low[node] = next;
                    next += 1;
                    stack.push(node);
                    on_stack[node] = true;
                }
                if let Some(&successor) = successors[node].get(visited) {
                    if let Some(top) = work.last_mut() {
                        top.1 += 1;
                    }
                    if index[successor] == usize::MAX {
                        work.push((successor, 0));
                    } else if on_stack[successor] {
                        low[node] = low[node].min(index[successor]);
                    }
                    continue;
                }
                work.pop();
                if let Some(&(parent, _)) = work.last() {
                    low[parent] = low[parent].min(low[node]);
                }
                if low[node] == index[node] {
                    let mut component = Vec::new();
                    while let Some(member) = stack.pop() {
                        on_stack[member] = false;
                        component.push(nodes[member].clone());
                        if member == node {
                            break;
                        }
                    }
                    if component.len() > 1 {
                        component.sort();
                        components.push(component);
                    }
                }
            }
        }
        components
    }

    fn layer_violations(&self) -> Vec<String> {
        let mut violations = Vec::new();
        for (from, targets) in &self.edges {
            for to in targets {
                let (from_layer, to_layer) = (layer(from), layer(to));
                if to_layer.0 > from_layer.0 {
                    violations.push(format!(
                        "{} ({}) imports {} ({})",
                        self.files[from], from_layer.1, self.files[to], to_layer.1
                    ));
                }
                for sealed in SEALED {
                    if within(from, sealed)
                        && within(to, layer_prefix(sealed))
                        && !within(to, sealed)
                    {
                        violations.push(format!(
                            "{} ({sealed}) imports {}",
                            self.files[from], self.files[to]
                        ));
                    }
                }
            }
        }
        violations.sort();
        violations
    }
}

/// `(rank, name)` of the layer a module belongs to.
fn layer(module: &str) -> (usize, &'static str) {
    LAYERS
        .iter()
        .enumerate()
        .find(|(_, (_, prefixes))| prefixes.iter().any(|p| within(module, p)))
        .map(|(rank, (name, _))| (rank, *name))
        .expect("every module is in a layer (`crate` is)")
}

/// The prefix of the layer that `module` belongs to.
fn layer_prefix(module: &str) -> &'static str {
    LAYERS
        .iter()
        .flat_map(|(_, prefixes)| prefixes.iter())
        .find(|p| within(module, p))
        .expect("every module is in a layer")
}

/// Whether `module` is `prefix` or inside it.
fn within(module: &str, prefix: &str) -> bool {
    module == prefix || module.starts_with(&format!("{prefix}::"))
}

/// `analysis/syntax/tree.rs` → `crate::analysis::syntax::tree`; `lib.rs` → `crate`.
fn module_path(file: &str) -> String {
    let without = file.strip_suffix(".rs").unwrap_or(file);
    let without = without.strip_suffix("/mod").unwrap_or(without);
    if without == "lib" {
        return "crate".into();
    }
    format!("crate::{}", without.replace('/', "::"))
}

/// The module of the file that the absolute path `path` (`crate::a::b::Item`) lies in: the
/// longest prefix of it that is a file's module.
fn file_module(path: &str, files: &BTreeMap<String, String>) -> Option<String> {
    let mut candidate = path;
    loop {
        if files.contains_key(candidate) {
            return Some(candidate.to_string());
        }
        candidate = &candidate[..candidate.rfind("::")?];
    }
}

/// `reference` (as written in module `scope`, inside the file of module `file_module`) as
/// a path from `crate`, when it names something of this crate.
fn absolute_path(
    reference: &str,
    scope: &str,
    file_module: &str,
    files: &BTreeMap<String, String>,
) -> Option<String> {
    let mut segments = reference.split("::");
    let first = segments.next()?;
    let mut base: Vec<&str> = match first {
        "crate" => vec!["crate"],
        "self" => scope.split("::").collect(),
        "super" => {
            let mut base: Vec<&str> = scope.split("::").collect();
            base.pop();
            base
        }
        // A child module of the file's module, named without a prefix (2018 paths).
        child if files.contains_key(&format!("{file_module}::{child}")) => {
            let mut base: Vec<&str> = scope.split("::").collect();
            base.push(child);
            base
        }
        _ => return None,
    };
    for segment in segments {
        match segment {
            "super" => {
                base.pop();
            }
            "self" | "*" | "" => {}
            segment => base.push(segment),
        }
    }
    Some(base.join("::"))
}

/// `path` (`handlers::text_sync::f`) as a path from `crate`, when its first segment is a
/// name a `use` of the file binds.
fn through_binding(path: &str, bound: &BTreeMap<&str, String>) -> Option<String> {
    let (first, rest) = path.split_once("::")?;
    bound.get(first).map(|base| format!("{base}::{rest}"))
}

/// A path the code refers to.
struct Reference {
    /// The inline modules (`mod tests { … }`) it is written in.
    inline: Vec<String>,
    path: String,
    /// For a `use` item, the name it binds (`handlers` in `use super::handlers;`, `n` in
    /// `use a::name as n;`): later paths that start with that name go through it.
    local: Option<String>,
}

/// Every path the code refers to: the paths of `use` trees (flattened) and the `crate::`,
/// `super::`, `self::` and `name::` paths elsewhere.
fn references(code: &str) -> Vec<Reference> {
    let mut found = Vec::new();
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut depth = 0usize;
    let bytes = code.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if !code.is_char_boundary(i) {
            i += 1;
            continue;
        }
        let rest = &code[i..];
        let at_word_start = i == 0 || !is_ident_byte(bytes[i - 1]) && bytes[i - 1] != b':';
        match bytes[i] {
            b'{' => {
                depth += 1;
                i += 1;
                continue;
            }
            b'}' => {
                depth = depth.saturating_sub(1);
                if inline.last().is_some_and(|(_, d)| *d == depth) {
                    inline.pop();
                }
                i += 1;
                continue;
            }
            _ => {}
        }
        // `pub(in crate::a::b)` names a module, imports nothing.
        if rest.starts_with("pub(in ") {
            i += rest.find(')').unwrap_or(rest.len());
            continue;
        }
        let modules = || {
            inline
                .iter()
                .map(|(name, _)| name.clone())
                .collect::<Vec<_>>()
        };
        if at_word_start && rest.starts_with("use ") {
            let end = rest.find(';').map_or(rest.len(), |e| e + 1);
            for (path, local) in flatten_use_tree(&rest[4..end - 1]) {
                found.push(Reference {
                    inline: modules(),
                    path,
                    local: Some(local),
                });
            }
            i += end;
            continue;
        }
        if at_word_start && rest.starts_with("mod ") {
            let name: String = rest[4..]
                .trim_start()
                .chars()
                .take_while(|c| is_ident_char(*c))
                .collect();
            let after = rest[4..].trim_start()[name.len()..].trim_start();
            if after.starts_with('{') {
                inline.push((name, depth));
            }
            i += 4;
            continue;
        }
        if at_word_start && is_ident_byte(bytes[i]) {
            let len = rest
                .find(|c: char| !(is_ident_char(c) || c == ':'))
                .unwrap_or(rest.len());
            let path = rest[..len].trim_end_matches(':');
            if path.contains("::") {
                found.push(Reference {
                    inline: modules(),
                    path: path.to_string(),
                    local: None,
                });
            }
            i += len.max(1);
            continue;
        }
        i += 1;
    }
    found
}

/// `a::{b, c::{self, d as e}, f::*}` → `a::b` (bound as `b`), `a::c` (`c`), `a::c::d` (`e`),
/// `a::f::*` (`*`).
fn flatten_use_tree(tree: &str) -> Vec<(String, String)> {
    let tree: String = tree.split_whitespace().collect::<Vec<_>>().join(" ");
    let tree = tree.trim();
    let Some(open) = tree.find('{') else {
        let mut parts = tree.split(" as ");
        let path = parts.next().unwrap_or(tree).trim().replace(' ', "");
        let local = match parts.next() {
            Some(alias) => alias.trim().to_string(),
            None => path.rsplit("::").next().unwrap_or(&path).to_string(),
        };
        return vec![(path, local)];
    };
    let prefix = tree[..open].trim().trim_end_matches("::");
    let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
    let mut parts = Vec::new();
    let (mut level, mut start) = (0, 0);
    for (i, c) in inner.char_indices() {
        match c {
            '{' => level += 1,
            '}' => level -= 1,
            ',' if level == 0 => {
                parts.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&inner[start..]);
    parts
        .into_iter()
        .filter(|part| !part.trim().is_empty())
        .flat_map(flatten_use_tree)
        .map(|(path, local)| match path.as_str() {
            "self" => {
                let local = if local == "self" {
                    prefix.rsplit("::").next().unwrap_or(prefix).to_string()
                } else {
                    local
                };
                (prefix.to_string(), local)
            }
            _ if prefix.is_empty() => (path, local),
            _ => (format!("{prefix}::{path}"), local),
        })
        .collect()
}

fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// `code` with comments dropped and string and character literals emptied, so that a path in
/// a doc comment or a message is no import.
fn strip_comments_and_strings(code: &str) -> String {
    let chars: Vec<char> = code.chars().collect();
    let mut out = String::with_capacity(code.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
            continue;
        }
        if c == '/' && next == Some('*') {
            let mut nesting = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    nesting += 1;
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    nesting -= 1;
                    i += 2;
                    if nesting == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            out.push(' ');
            continue;
        }
        // Raw strings: r"…", r#"…"#, br"…".
        let raw_start = if c == 'r' && !chars[..i].last().is_some_and(|p| is_ident_char(*p)) {
            Some(i + 1)
        } else if c == 'b'
            && next == Some('r')
            && !chars[..i].last().is_some_and(|p| is_ident_char(*p))
        {
            Some(i + 2)
        } else {
            None
        };
        if let Some(mut j) = raw_start {
            let mut hashes = 0;
            while chars.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if chars.get(j) == Some(&'"') {
                j += 1;
                let closing: Vec<char> = std::iter::once('"')
                    .chain(std::iter::repeat_n('#', hashes))
                    .collect();
                while j < chars.len() && !chars[j..].starts_with(&closing) {
                    j += 1;
                }
                i = j + closing.len();
                out.push_str("\"\"");
                continue;
            }
        }
        if c == '"' {
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    i += 1;
                }
                i += 1;
            }
            i += 1;
            out.push_str("\"\"");
            continue;
        }
        // A character literal ('a', '\n', '"', '{'), not a lifetime ('a).
        if c == '\'' {
            let literal_end = if next == Some('\\') {
                chars[i + 2..]
                    .iter()
                    .position(|&c| c == '\'')
                    .map(|p| i + 2 + p)
            } else {
                (chars.get(i + 2) == Some(&'\'')).then_some(i + 2)
            };
            if let Some(end) = literal_end {
                out.push_str("' '");
                i = end + 1;
                continue;
            }
        }
        out.push(c);
        i += 1;
    }
    out
}

/// Each circle's files, then the imports between them.
fn describe_cycles(graph: &Graph, cycles: &[Vec<String>]) -> String {
    let mut text = String::new();
    for cycle in cycles {
        let mut files: Vec<&str> = cycle.iter().map(|m| graph.files[m].as_str()).collect();
        files.sort_unstable();
        text.push_str(&format!("{}\n", files.join(", ")));
        for from in cycle {
            for to in graph.edges[from].iter().filter(|to| cycle.contains(to)) {
                text.push_str(&format!(
                    "    {} → {}\n",
                    graph.files[from], graph.files[to]
                ));
            }
        }
    }
    text
}
