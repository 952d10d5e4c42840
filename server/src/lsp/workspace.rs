//! The workspace index behind cross-file client resolution and the workspace rules: built in
//! the background from the workspace folders, kept current from saved and watched files.
//! An unopened file costs its `FileFacts` here; its tree is dropped as soon as it is analysed.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use crate::analysis::config::{self, Config, ConfigOverrides};
use crate::analysis::project::{
    analyze_project_with_index, discover_configured, is_lockfile, read_source, repository_above,
    unparsed_file_facts, ConfigLookup,
};
use crate::analysis::resolve::packages::LOCKFILE_NAMES;
use crate::analysis::{
    analyze, mentions_customerio, parse, FileFacts, Lang, Settings, SourceFile, WorkspaceIndex,
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
    if is_lockfile(path) {
        // Read only when a package.json leaves a Customer.io version open to it.
        match std::fs::read_to_string(path) {
            Ok(text) if index.wants_lockfile(path) => index.set_lockfile(path, &text),
            _ => index.remove_lockfile(path),
        }
        return;
    }
    let stems = index.exporting_stems();
    // A module parsed for its values (a config module another file imports, see
    // `project::analyze_sources`) stays parsed although it names no Customer.io package.
    let holds_values = index
        .file(path)
        .is_some_and(|f| !f.exported_values.is_empty() || !f.exported_functions.is_empty());
    let facts = read_source(path).ok().and_then(|text| {
        let facts = if holds_values {
            parsed_file_facts(path, &text, settings, index)
        } else {
            file_facts(path, &text, settings, index, &stems)
        };
        facts.or_else(|| unparsed_file_facts(&text))
    });
    match facts {
        Some(facts) => index.set_file(path, facts),
        None => index.remove_file(path),
    }
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
