//! Diagnostics: pushed (`textDocument/publishDiagnostics`, with the version they were computed
//! for) unless the client pulls them (`textDocument/diagnostic`), and re-linting every open
//! document when what they depend on changed.

use std::sync::Arc;

use serde_json::value::RawValue;
use tower_lsp_server::ls_types::{
    DocumentDiagnosticParams, DocumentDiagnosticReport, DocumentDiagnosticReportResult,
    FullDocumentDiagnosticReport, RelatedFullDocumentDiagnosticReport, Uri,
};

use crate::lsp::convert;
use crate::lsp::session::Backend;
use crate::lsp::state::State;

/// Pushes a document's diagnostics of `version`, unless the client pulls them or the document
/// has moved on since they were computed.
pub async fn publish(backend: &Backend, uri: Uri, version: i32, diagnostics: Vec<Arc<RawValue>>) {
    backend.tell_notices().await;
    if backend.state.support().pull_diagnostics {
        return;
    }
    if !backend.state.version_is(&uri, version) {
        tracing::debug!("dropping diagnostics of {} v{version}: stale", uri.as_str());
        return;
    }
    backend
        .outbox
        .publish_diagnostics_json(&uri, &diagnostics, Some(version))
        .await;
}

/// Re-analyses every open document as a whole (settings or the index changed).
pub async fn relint_all(backend: &Backend) {
    let uris: Vec<Uri> = backend
        .state
        .documents
        .iter()
        .map(|e| e.key().clone())
        .collect();
    let mut results = Vec::new();
    for uri in uris {
        let Some(mut doc) = backend.state.documents.get_mut(&uri) else {
            continue;
        };
        let diagnostics = backend.state.analyse(&mut doc, true);
        backend.state.record_facts(&doc);
        results.push((uri, doc.version, diagnostics));
    }
    backend.tell_notices().await;
    if backend.state.support().pull_diagnostics {
        if backend.state.support().diagnostic_refresh {
            let _ = backend.client.workspace_diagnostic_refresh().await;
        }
        return;
    }
    for (uri, version, diagnostics) in results {
        publish(backend, uri, version, diagnostics).await;
    }
}

/// `textDocument/diagnostic`: a document's diagnostics, or the configuration file's.
pub fn pull(state: &State, params: DocumentDiagnosticParams) -> DocumentDiagnosticReportResult {
    let uri = &params.text_document.uri;
    let items = match state.analysed_document(uri) {
        Some(doc) => state.diagnostics(&doc),
        None if state.is_config_file(&convert::path_of(uri)) => state
            .configs
            .read()
            .unwrap()
            .diagnostics
            .get(&convert::path_of(uri))
            .cloned()
            .unwrap_or_default(),
        None => Vec::new(),
    };
    DocumentDiagnosticReportResult::Report(DocumentDiagnosticReport::Full(
        RelatedFullDocumentDiagnosticReport {
            related_documents: None,
            full_document_diagnostic_report: FullDocumentDiagnosticReport {
                result_id: None,
                items,
            },
        },
    ))
}
