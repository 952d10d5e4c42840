//! The workspace index behind cross-file client resolution and the workspace rules: built in
//! the background from the workspace folders, kept current from saved and watched files.
//! An unopened file costs its `FileFacts` here; its tree is dropped as soon as it is analysed.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, RwLock};

use crate::analysis::config::{self, Config, ConfigOverrides};
use crate::analysis::project::{
    analyze_project_with_index, discover_configured, is_lockfile, is_tsconfig, read_source,
    repository_above, unparsed_file_facts, ConfigLookup,
};
use crate::analysis::resolve::packages::LOCKFILE_NAMES;
use crate::analysis::{
    analyze, mentions_customerio, parse, standalone_bindings, FileFacts, Lang, Settings,
    SourceFile, WorkspaceIndex,
};

/// Builds the index of `roots`, the workspace folders (the first one is the index root),
/// exactly as `cio-lsp check` scans a project: the same discovery (`.gitignore`, each
/// configuration's `ignore` globs), each file with the settings of its nearest configuration
/// (under the editor's `overrides`), the prefilter, two passes for clients exported by
/// workspace modules, and bounce-handler text search. Each folder outside any repository is
/// a unit of its own for the workspace rules. It is complete (workspace rules may conclude
/// from absence, CIO008) for the packages a folder holds. `on_progress(done, total)` is
/// called as files are read.
pub fn build_index(
    roots: &[PathBuf],
    configs: &Arc<ConfigLookup>,
    overrides: &ConfigOverrides,
    on_progress: &(dyn Fn(usize, usize) + Sync),
) -> WorkspaceIndex {
    let make = |config: Option<&Config>| config::merge(config, overrides).0;
    let (mut discovered, settings) = discover_configured(roots, configs, false, &make);
    for error in &discovered.errors {
        tracing::warn!("indexing: {error}");
    }
    let folders_alone = roots.iter().filter(|root| repository_above(root).is_none());
    discovered.unit_roots.extend(folders_alone.cloned());
    let total = discovered.sources.len();
    let done = AtomicUsize::new(0);
    let count = || {
        let count = done.fetch_add(1, Ordering::Relaxed) + 1;
        if count % 50 == 0 || count == total {
            on_progress(count, total);
        }
    };
    let root = roots.first().cloned().unwrap_or_default();
    // The findings are dropped: open documents are analysed on their own, against this index.
    let (_, index) = analyze_project_with_index(&root, &discovered, &settings, &count);
    index
}

/// The facts of one unopened file, or `None` when it cannot hold a Customer.io call.
pub fn file_facts(
    path: &Path,
    text: &str,
    settings: &Settings,
    index: &WorkspaceIndex,
    exporting_stems: &[String],
) -> Option<FileFacts> {
    if !mentions_customerio(text, settings, exporting_stems) {
        return None;
    }
    parsed_file_facts(path, text, settings, index)
}

/// The facts of one unopened file, parsed whatever it mentions.
fn parsed_file_facts(
    path: &Path,
    text: &str,
    settings: &Settings,
    index: &WorkspaceIndex,
) -> Option<FileFacts> {
    let lang = Lang::from_path(path)?;
    let tree = parse(lang, text, None);
    let file = SourceFile {
        path,
        lang,
        text,
        tree: &tree,
    };
    Some(analyze(&file, settings, &index.view(path)).facts)
}

/// Re-reads one file from disk into the index (a watched change, or a closed document whose
/// unsaved edits are gone).
pub fn refresh_file(index: &mut WorkspaceIndex, path: &Path, settings: &Settings) {
    if path.file_name().is_some_and(|n| n == "package.json") {
        match std::fs::read_to_string(path) {
            Ok(text) => index.set_package_json(path, &text),
            Err(_) => index.remove_package_json(path),
        }
        // A version now left open (`latest`) is the lockfile's, beside it or above.
        for dir in path.ancestors().skip(1) {
            for name in LOCKFILE_NAMES {
                let lockfile = dir.join(name);
                if lockfile.is_file() {
                    refresh_file(index, &lockfile, settings);
                }
            }
            if dir == index.root() {
                break;
            }
        }
        return;
    }
    if is_tsconfig(path) {
        match std::fs::read_to_string(path) {
            Ok(text) => index.set_tsconfig(path, &text),
            Err(_) => index.remove_tsconfig(path),
        }
        return;
    }
    if is_lockfile(path) {
        // Read only when a package.json leaves a Customer.io version open to it.
        match std::fs::read_to_string(path) {
            Ok(text) if index.wants_lockfile(path) => index.set_lockfile(path, &text),
            _ => index.remove_lockfile(path),
        }
        return;
    }
    // A module parsed for its values (a config module another file imports, see
    // `project::analyze_sources`) stays parsed although it names no Customer.io package.
    let holds_values = index
        .file(path)
        .is_some_and(|f| !f.exported_values.is_empty() || !f.exported_functions.is_empty());
    match source_facts(index, path, settings, holds_values) {
        Some(facts) => index.set_file(path, facts),
        None => index.remove_file(path),
    }
}

/// The facts of the source file `path` as it is on disk, against `index` (parsed whatever it
/// mentions when `parse_always`); `None` when it cannot be read or holds nothing the index
/// keeps.
fn source_facts(
    index: &WorkspaceIndex,
    path: &Path,
    settings: &Settings,
    parse_always: bool,
) -> Option<FileFacts> {
    let text = read_source(path).ok()?;
    let facts = if parse_always {
        parsed_file_facts(path, &text, settings, index)
    } else {
        file_facts(path, &text, settings, index, &index.exporting_stems())
    };
    facts.or_else(|| unparsed_file_facts(&text))
}

/// At most this many files are read ahead for a document opened before the index is built.
const MAX_READ_AHEAD: usize = 32;

/// Reads into `index` what the findings of the document `path` (with `text`) depend on, before
/// the rest of the workspace: the `package.json` files and lockfiles above it, and the
/// workspace modules it imports or re-exports, and theirs (at most [`MAX_READ_AHEAD`]), the
/// modules it reaches last read first so that a client a module imports is known when its
/// facts are taken. Modules in `open` are left alone: an open document's facts come from its
/// buffer. Returns how many modules it recorded. The index lock is held only to record each
/// file.
pub fn read_ahead(
    index: &RwLock<WorkspaceIndex>,
    (path, text): (&Path, &str),
    open: &[PathBuf],
    settings_for: &dyn Fn(&Path) -> Arc<Settings>,
) -> usize {
    let root = index.read().unwrap().root().to_path_buf();
    for dir in path.ancestors().skip(1) {
        let package_json = dir.join("package.json");
        if package_json.is_file() {
            refresh_file(
                &mut index.write().unwrap(),
                &package_json,
                &settings_for(&package_json),
            );
        }
        if dir == root || !dir.starts_with(&root) {
            break;
        }
    }
    let modules = imported_modules(&index.read().unwrap(), path, text, settings_for);
    let mut recorded = 0;
    for module in modules.iter().rev().filter(|module| !open.contains(module)) {
        // Parsed whatever it mentions: the document imports it, for a client or for values.
        let facts = source_facts(&index.read().unwrap(), module, &settings_for(module), true);
        if let Some(facts) = facts {
            index.write().unwrap().set_file(module, facts);
            recorded += 1;
        }
    }
    recorded
}

/// The workspace modules on disk that `path` imports or re-exports, then theirs, breadth
/// first, without `path` itself and at most [`MAX_READ_AHEAD`].
fn imported_modules(
    index: &WorkspaceIndex,
    path: &Path,
    text: &str,
    settings_for: &dyn Fn(&Path) -> Arc<Settings>,
) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = Vec::new();
    let mut next = 0;
    let mut specifiers = module_specifiers(path, text, &settings_for(path));
    let mut from = path.to_path_buf();
    loop {
        for specifier in specifiers {
            let Some(module) = index.module_on_disk(&from, &specifier) else {
                continue;
            };
            if module != path && !found.contains(&module) && found.len() < MAX_READ_AHEAD {
                found.push(module);
            }
        }
        let Some(module) = found.get(next).cloned() else {
            return found;
        };
        next += 1;
        specifiers = read_source(&module)
            .map(|text| module_specifiers(&module, &text, &settings_for(&module)))
            .unwrap_or_default();
        from = module;
    }
}

/// The workspace modules a source imports or re-exports, as written.
fn module_specifiers(path: &Path, text: &str, settings: &Settings) -> Vec<String> {
    let Some(bindings) = standalone_bindings(path, text, settings) else {
        return Vec::new();
    };
    let imports = bindings.module_imports.iter().map(|i| i.specifier.clone());
    let reexports = bindings.reexports.iter().map(|r| r.specifier().to_string());
    imports.chain(reexports).collect()
}

/// Approximate heap bytes of the index: the facts of each file, serialised size as a proxy.
pub fn memory_estimate(index: &WorkspaceIndex) -> usize {
    index
        .files()
        .map(|(path, facts)| {
            path.as_os_str().len()
                + std::mem::size_of::<FileFacts>()
                + serde_json::to_vec(facts).map_or(0, |v| v.len())
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a document opened before the index is built reads ahead: the modules it imports,
    /// through a barrel, so that its client is known; not the rest of the workspace.
    #[test]
    fn read_ahead_records_the_modules_a_document_imports() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        let write = |path: &str, text: &str| {
            std::fs::create_dir_all(root.join(path).parent().unwrap()).unwrap();
            std::fs::write(root.join(path), text).unwrap();
        };
        write(
            "lib/cio.ts",
            "import { TrackClient } from \"customerio-node\";\n\
             export const cio = new TrackClient(process.env.SITE_ID!, process.env.KEY!);\n",
        );
        write("lib/index.ts", "export { cio } from \"./cio\";\n");
        write(
            "other.ts",
            "import { cio } from \"./lib\";\ncio.track(\"a\", {});\n",
        );
        let app = "import { cio } from \"./lib\";\n\
                   export function signup(id: string) {\n  \
                   return cio.identify(id, { email: \"a@example.com\", created_at: Date.now() });\n}\n";
        let settings = Settings::default();
        let index = RwLock::new(WorkspaceIndex::new(&root));
        let app_path = root.join("app.ts");
        let settings_for = |_: &Path| Arc::new(Settings::default());
        let recorded = read_ahead(&index, (&app_path, app), &[], &settings_for);
        let index = index.into_inner().unwrap();
        assert_eq!(recorded, 2);
        assert!(index.file(&root.join("lib/cio.ts")).is_some());
        assert!(index.file(&root.join("other.ts")).is_none());
        let lang = Lang::TypeScript;
        let tree = parse(lang, app, None);
        let file = SourceFile {
            path: &app_path,
            lang,
            text: app,
            tree: &tree,
        };
        let analysis = analyze(&file, &settings, &index.view(&app_path));
        let rules: Vec<&str> = analysis.findings.iter().map(|f| f.rule.as_str()).collect();
        assert_eq!(rules, ["CIO002"]);
    }

    #[test]
    fn a_module_already_open_is_not_read_from_disk() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::write(
            root.join("cio.ts"),
            "import { TrackClient } from \"customerio-node\";\nexport const cio = new TrackClient(a, b);\n",
        )
        .unwrap();
        let index = RwLock::new(WorkspaceIndex::new(&root));
        let app = "import { cio } from \"./cio\";\n";
        let open = [root.join("cio.ts")];
        let settings_for = |_: &Path| Arc::new(Settings::default());
        let recorded = read_ahead(&index, (&root.join("app.ts"), app), &open, &settings_for);
        assert_eq!(recorded, 0);
    }
}
