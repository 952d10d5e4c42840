//! Text document synchronisation: `textDocument/didOpen`, `didChange`, `didSave` and
//! `didClose`, for source files and for the workspace's configuration file.
//!
//! `didChange` applies its changes before its first `.await`: the order in which the client
//! sent them is the order in which they are applied. It analyses after yielding once, and only
//! when no newer change of the document has arrived meanwhile (a burst of keystrokes is
//! analysed once, at its newest version).

use std::sync::atomic::Ordering;

use tower_lsp_server::ls_types::{
    DidChangeTextDocumentParams, DidCloseTextDocumentParams, DidOpenTextDocumentParams,
    DidSaveTextDocumentParams, MessageType,
};

use super::diagnostics::{publish, relint_all};
use super::workspace::{config_changed, read_ahead};
use crate::analysis::Lang;
use crate::lsp::documents::{self, Change, Document};
use crate::lsp::session::Backend;
use crate::lsp::state::guarded;
use crate::lsp::{convert, workspace};

pub async fn did_open(backend: &Backend, params: DidOpenTextDocumentParams) {
    let document = params.text_document;
    let path = convert::path_of(&document.uri);
    if backend.state.is_config_file(&path) {
        {
            let mut configs = backend.state.configs.write().unwrap();
            configs.open.insert(path, document.text);
        }
        return config_changed(backend).await;
    }
    let Some(lang) =
        Lang::from_language_id(&document.language_id).or_else(|| Lang::from_path(&path))
    else {
        tracing::debug!(
            "ignoring {}: not JavaScript or TypeScript",
            document.uri.as_str()
        );
        return;
    };
    let mut doc = Document::new(path, lang, document.version, &document.text);
    let diagnostics = backend.state.analyse(&mut doc, true);
    backend.state.record_facts(&doc);
    let version = doc.version;
    let path = doc.path.clone();
    backend.state.documents.insert(document.uri.clone(), doc);
    publish(backend, document.uri, version, diagnostics).await;
    if !backend.state.indexed.load(Ordering::Acquire) {
        // Published from what is known; what its findings depend on is read ahead of the
        // rest of the workspace, and they are published again.
        let background = backend.detached();
        tokio::spawn(async move { read_ahead(&background, path, document.text).await });
    }
}

pub async fn did_change(backend: &Backend, params: DidChangeTextDocumentParams) {
    let uri = params.text_document.uri;
    let encoding = backend.state.encoding();
    let changes: Vec<Change> = params
        .content_changes
        .into_iter()
        .map(convert::change)
        .collect();
    // Everything up to the first `.await` runs without yielding: the change is applied
    // (and analysed) before any later notification can run.
    let path = convert::path_of(&uri);
    if backend.state.is_config_file(&path) {
        let applied = {
            let mut configs = backend.state.configs.write().unwrap();
            configs
                .open
                .get_mut(&path)
                .map(|text| documents::apply_to_text(text, &changes, encoding))
                .is_some()
        };
        if applied {
            config_changed(backend).await;
        }
        return;
    }
    let Some(mut doc) = backend.state.documents.get_mut(&uri) else {
        drop(changes);
        backend
            .log(
                MessageType::WARNING,
                format!("didChange for {}, which is not open; ignored", uri.as_str()),
            )
            .await;
        return;
    };
    let version = params.text_document.version;
    let repairs = doc.apply_changes(version, &changes, encoding);
    drop(doc);
    for repair in repairs {
        backend.log(MessageType::WARNING, repair).await;
    }
    // Coalescing: the changes already received run first (each applies its edit and yields
    // here too); only the handler of the newest version analyses, once, every edit since the
    // last analysis. Analysing each keystroke of a quick burst in turn made the final version's
    // diagnostics wait for all the stale analyses before it.
    tokio::task::yield_now().await;
    if let Some(diagnostics) = analyse_if_newest(backend, &uri, version) {
        publish(backend, uri, version, diagnostics).await;
    }
}

/// Analyses the document at `uri` when `version` is still its newest; `None` when a newer
/// change superseded it (that change's handler analyses) or the document was closed.
fn analyse_if_newest(
    backend: &Backend,
    uri: &tower_lsp_server::ls_types::Uri,
    version: i32,
) -> Option<Vec<std::sync::Arc<serde_json::value::RawValue>>> {
    let mut doc = backend.state.documents.get_mut(uri)?;
    if doc.version != version {
        tracing::debug!(
            "analysis of {} v{version} skipped: superseded",
            uri.as_str()
        );
        return None;
    }
    Some(backend.state.analyse(&mut doc, false))
}

pub async fn did_save(backend: &Backend, params: DidSaveTextDocumentParams) {
    let uri = params.text_document.uri;
    if backend.state.is_config_file(&convert::path_of(&uri)) {
        return config_changed(backend).await;
    }
    let Some(mut doc) = backend.state.documents.get_mut(&uri) else {
        return;
    };
    backend.state.analyse(&mut doc, true);
    backend.state.record_facts(&doc);
    drop(doc);
    // Other open files may import this one's client or share its event names.
    relint_all(backend).await;
}

pub async fn did_close(backend: &Backend, params: DidCloseTextDocumentParams) {
    let uri = params.text_document.uri;
    let path = convert::path_of(&uri);
    if backend.state.is_config_file(&path) {
        // Unsaved edits are gone: the file on disk counts again.
        backend.state.configs.write().unwrap().open.remove(&path);
        return config_changed(backend).await;
    }
    let Some((_, doc)) = backend.state.documents.remove(&uri) else {
        tracing::warn!("didClose for {}, which is not open", uri.as_str());
        return;
    };
    backend.state.published.remove(&doc.path);
    // Unsaved edits are gone: the index goes back to what is on disk.
    let settings = backend.state.settings_for(&doc.path);
    {
        let mut index = backend.state.index.write().unwrap();
        guarded("re-indexing a closed file", || {
            workspace::refresh_file(&mut index, &doc.path, &settings)
        });
    }
    if !backend.state.support().pull_diagnostics {
        backend
            .outbox
            .publish_diagnostics(uri, Vec::new(), None)
            .await;
    }
}
