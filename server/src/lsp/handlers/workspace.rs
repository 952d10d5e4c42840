//! The workspace: files changed on disk (`workspace/didChangeWatchedFiles`), editor settings
//! (`workspace/didChangeConfiguration`), the configuration file, and the background index of
//! the workspace folders.

use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::time::Duration;

use tower_lsp_server::ls_types::{
    DidChangeConfigurationParams, DidChangeWatchedFilesParams, DidChangeWorkspaceFoldersParams,
    FileChangeType, MessageType, NumberOrString,
};
use tower_lsp_server::{Bounded, NotCancellable, OngoingProgress};

use super::diagnostics::relint_all;
use crate::analysis::project::{is_lockfile, is_tsconfig};
use crate::analysis::WorkspaceIndex;
use crate::lsp::session::Backend;
use crate::lsp::state::{guarded, ConfigReport};
use crate::lsp::{convert, workspace};

pub async fn did_change_watched_files(backend: &Backend, params: DidChangeWatchedFilesParams) {
    let open: Vec<PathBuf> = backend
        .state
        .documents
        .iter()
        .map(|d| d.path.clone())
        .collect();
    let mut config_touched = false;
    let paths: Vec<(PathBuf, bool)> = params
        .changes
        .iter()
        .map(|event| {
            (
                convert::path_of(&event.uri),
                event.typ == FileChangeType::DELETED,
            )
        })
        .filter(|(path, _)| !open.contains(path) && !backend.state.is_ignored(path))
        .filter(|(path, _)| {
            let is_config = backend.state.is_config_file(path) || is_user_rule_file(path);
            // An open configuration buffer counts over the file on disk.
            let is_open = backend
                .state
                .configs
                .read()
                .unwrap()
                .open
                .contains_key(path);
            config_touched |= is_config && !is_open;
            !is_config
        })
        .collect();
    if config_touched {
        // Re-indexes and re-lints everything, the watched sources included.
        return config_changed(backend).await;
    }
    if paths.is_empty() {
        return;
    }
    let state = backend.state.clone();
    let refreshed = tokio::task::spawn_blocking(move || {
        // Read outside the lock; analyse against a snapshot-free index under the lock.
        for (path, deleted) in paths {
            let mut index = state.index.write().unwrap();
            if deleted {
                index.remove_file(&path);
                if path.file_name().is_some_and(|n| n == "package.json") {
                    index.remove_package_json(&path);
                }
                if is_lockfile(&path) {
                    index.remove_lockfile(&path);
                }
                if is_tsconfig(&path) {
                    index.remove_tsconfig(&path);
                }
            } else {
                let settings = state.settings_for(&path);
                guarded("re-indexing a watched file", || {
                    workspace::refresh_file(&mut index, &path, &settings)
                });
            }
        }
    })
    .await;
    if refreshed.is_ok() {
        relint_all(backend).await;
    }
}

pub async fn did_change_configuration(backend: &Backend, params: DidChangeConfigurationParams) {
    let warnings = apply_settings(backend, &params.settings);
    for warning in warnings {
        backend.log(MessageType::WARNING, warning).await;
    }
    backend
        .log(
            MessageType::INFO,
            "settings changed; re-checking open files".into(),
        )
        .await;
    relint_all(backend).await;
}

/// Takes new editor settings and merges them over the configuration file.
fn apply_settings(backend: &Backend, value: &serde_json::Value) -> Vec<String> {
    let mut warnings = backend.state.apply_client_settings(value);
    warnings.extend(backend.state.merge_settings());
    warnings
}

/// The configuration file changed (on disk or in its buffer): reload it, re-lint the open
/// documents at once, then rebuild the index in the background (client names, wrapper
/// packages and ignore globs change which files hold clients).
pub async fn config_changed(backend: &Backend) {
    let report = backend.state.reload_config();
    report_config(backend, report).await;
    relint_all(backend).await;
    let background = backend.detached();
    tokio::spawn(async move { index_workspace(&background).await });
}

/// Whether `path` may be half of a user rule (`NAME.scm`, or the `NAME.toml` beside one):
/// a change to it changes the rules of the configuration that lists its directory.
fn is_user_rule_file(path: &Path) -> bool {
    match path.extension().and_then(|e| e.to_str()) {
        Some("scm") => true,
        Some("toml") => path.with_extension("scm").is_file(),
        _ => false,
    }
}

/// Reports a configuration reload: log messages, and each file's diagnostics (an error, or
/// none to clear a previous one).
pub async fn report_config(backend: &Backend, report: ConfigReport) {
    for (kind, message) in report.messages {
        backend.log(kind, message).await;
    }
    if report.files.is_empty() {
        return;
    }
    if backend.state.support().pull_diagnostics {
        if backend.state.support().diagnostic_refresh {
            let _ = backend.client.workspace_diagnostic_refresh().await;
        }
        return;
    }
    for (uri, diagnostics) in report.files {
        backend
            .outbox
            .publish_diagnostics(uri, diagnostics, None)
            .await;
    }
}

/// `workspace/didChangeWorkspaceFolders`: folders added are configured and indexed, folders
/// removed are dropped from the index (progress shown as for the first index).
pub async fn did_change_workspace_folders(
    backend: &Backend,
    params: DidChangeWorkspaceFoldersParams,
) {
    {
        let mut roots = backend.state.roots.write().unwrap();
        let removed: Vec<PathBuf> = params
            .event
            .removed
            .iter()
            .map(|folder| convert::path_of(&folder.uri))
            .collect();
        roots.retain(|root| !removed.contains(root));
        for folder in &params.event.added {
            let path = convert::path_of(&folder.uri);
            if !roots.contains(&path) {
                roots.push(path);
            }
        }
    }
    backend
        .log(
            MessageType::INFO,
            "workspace folders changed; re-indexing".into(),
        )
        .await;
    config_changed(backend).await;
}

/// Builds the workspace index in the background, then re-lints the open documents against
/// it. `$/progress` shows it as far as the client allows: an editor busy starting up answers
/// late for the progress token, and the index does not wait for it.
pub async fn index_workspace(backend: &Backend) {
    let roots = backend.state.roots.read().unwrap().clone();
    if roots.is_empty() {
        // The last folder was removed: nothing is indexed any more.
        *backend.state.index.write().unwrap() = Default::default();
        backend.state.indexed.store(true, Ordering::Release);
        return;
    }
    let configs = backend.state.lookup();
    let overrides = backend
        .state
        .client_settings
        .read()
        .unwrap()
        .overrides
        .clone();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<(usize, usize)>();
    let started = std::time::Instant::now();
    let build = tokio::task::spawn_blocking(move || {
        let on_progress = move |done, total| {
            let _ = tx.send((done, total));
        };
        guarded("indexing the workspace", || {
            workspace::build_index(&roots, &configs, &overrides, &on_progress)
        })
    });
    let shown = backend.detached();
    let progress = tokio::spawn(async move {
        let progress = begin_progress(&shown).await;
        while let Some((done, total)) = rx.recv().await {
            if let Some(progress) = &progress {
                let percentage = (done * 100 / total.max(1)) as u32;
                progress
                    .report_with_message(format!("{done}/{total} files"), percentage)
                    .await;
            }
        }
        progress
    });
    let message = match build.await.ok().flatten() {
        Some(index) => {
            let message = install_index(backend, index, started.elapsed());
            backend.log(MessageType::INFO, message.clone()).await;
            // Indexing met the configurations of every folder of the tree: report the new ones.
            let report = backend.state.report_configs();
            report_config(backend, report).await;
            relint_all(backend).await;
            message
        }
        None => "failed".to_string(),
    };
    if let Ok(Some(progress)) = progress.await {
        progress.finish_with_message(message).await;
    }
}

/// Makes `index` the server's, with the open documents' own facts, and describes it.
fn install_index(backend: &Backend, mut index: WorkspaceIndex, took: Duration) -> String {
    // Open documents are the source of truth for their own facts.
    for doc in backend.state.documents.iter() {
        index.set_file(&doc.path, doc.facts.clone());
    }
    let files = index.file_count();
    let bytes = workspace::memory_estimate(&index);
    *backend.state.index.write().unwrap() = index;
    backend.state.indexed.store(true, Ordering::Release);
    format!(
        "indexed {files} Customer.io files in {} ms (~{} KiB of facts)",
        took.as_millis(),
        bytes / 1024
    )
}

/// The indexing progress shown by the client, when it supports progress and grants a token.
async fn begin_progress(backend: &Backend) -> Option<OngoingProgress<Bounded, NotCancellable>> {
    if !backend.state.support().work_done_progress {
        return None;
    }
    let token = NumberOrString::String("cio-lsp/indexing".into());
    match backend
        .client
        .create_work_done_progress(token.clone())
        .await
    {
        Ok(()) => Some(
            backend
                .client
                .progress(token, "cio-lsp: indexing")
                .with_percentage(0)
                .begin()
                .await,
        ),
        Err(error) => {
            tracing::warn!("the client refused a progress token: {error}");
            None
        }
    }
}

/// A document opened before the index is built: reads what its findings depend on (its
/// workspace imports, the `package.json` above it) into the index, and re-lints the open
/// documents when that changed something, so that its squiggles do not wait for the whole
/// workspace.
pub async fn read_ahead(backend: &Backend, path: PathBuf, text: String) {
    let state = backend.state.clone();
    let open: Vec<PathBuf> = state.documents.iter().map(|d| d.path.clone()).collect();
    let read = tokio::task::spawn_blocking(move || {
        guarded("reading an opened file's imports", || {
            let settings_for = |file: &Path| state.settings_for(file);
            workspace::read_ahead(&state.index, (&path, &text), &open, &settings_for)
        })
    })
    .await;
    let recorded = read.ok().flatten().unwrap_or(0);
    if recorded > 0 && !backend.state.indexed.load(Ordering::Acquire) {
        relint_all(backend).await;
    }
}
