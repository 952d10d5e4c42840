//! The workspace index behind cross-file client resolution and the workspace rules: built in
//! the background from the workspace folders, kept current from saved and watched files.
//! An unopened file costs its `FileFacts` here; its tree is dropped as soon as it is analysed.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::analysis::project::{discover, read_source};
use crate::analysis::{
    analyze, mentions_customerio, parse, Bindings, FileFacts, Lang, NoWorkspaceView, Settings,
    SourceFile, WorkspaceIndex,
};

/// Builds the index of `roots` (the first one is the index root). `on_progress(done, total)`
/// is called as files are analysed.
pub fn build_index(
    roots: &[PathBuf],
    settings: &Settings,
    on_progress: &(dyn Fn(usize, usize) + Sync),
) -> WorkspaceIndex {
    let mut index = WorkspaceIndex::new(roots.first().cloned().unwrap_or_default());
    let discovered = discover(roots);
    for error in &discovered.errors {
        tracing::warn!("indexing: {error}");
    }
    for package in &discovered.package_jsons {
        if let Ok(text) = std::fs::read_to_string(package) {
            index.set_package_json(package, &text);
        }
    }
    let total = discovered.sources.len();
    let done = std::sync::atomic::AtomicUsize::new(0);
    let texts: Vec<(PathBuf, String)> = discovered
        .sources
        .par_iter()
        .filter_map(|path| {
            let count = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            if count % 50 == 0 || count == total {
                on_progress(count, total);
            }
            let text = read_source(path).ok()?;
            Some((path.clone(), text))
        })
        .collect();

    // Pass 1: which modules export a client (so that pass 2 resolves imports of them).
    for (path, text) in &texts {
        if let Some(exports) = exported_clients(path, text, settings) {
            index.set_file(
                path,
                FileFacts {
                    exports,
                    ..Default::default()
                },
            );
        }
    }
    // Pass 2: every file that may use a client, analysed against the export index.
    let stems = index.exporting_stems();
    let facts: Vec<(&PathBuf, FileFacts)> = texts
        .par_iter()
        .filter_map(|(path, text)| Some((path, file_facts(path, text, settings, &index, &stems)?)))
        .collect();
    for (path, facts) in facts {
        index.set_file(path, facts);
    }
    index
}

fn exported_clients(
    path: &Path,
    text: &str,
    settings: &Settings,
) -> Option<Vec<(crate::analysis::clients::ExportName, crate::analysis::Sdk)>> {
    let lang = Lang::from_path(path)?;
    if !mentions_customerio(text, settings, &[]) {
        return None;
    }
    let tree = parse(lang, text, None);
    let bindings = Bindings::collect(&tree, text, &NoWorkspaceView, &settings.extra_clients);
    (!bindings.exports.is_empty()).then_some(bindings.exports)
}

/// The facts of one unopened file, or `None` when it cannot hold a Customer.io call.
pub fn file_facts(
    path: &Path,
    text: &str,
    settings: &Settings,
    index: &WorkspaceIndex,
    exporting_stems: &[String],
) -> Option<FileFacts> {
    let lang = Lang::from_path(path)?;
    if !mentions_customerio(text, settings, exporting_stems) {
        return None;
    }
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
        return;
    }
    let stems = index.exporting_stems();
    let facts = read_source(path)
        .ok()
        .and_then(|text| file_facts(path, &text, settings, index, &stems));
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
