//! The `LanguageServer`: owns the session (the client, the output, the shared [`State`]) and
//! routes each method to its handler in `super::handlers`, where the concurrency rules are.

use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

use super::handlers;
use super::outbox::Outbox;
use super::state::{ConfigReport, State};

pub struct Backend {
    pub(super) client: Client,
    /// Where diagnostics are published (not through `client`: see `outbox`).
    pub(super) outbox: Outbox,
    pub(super) state: Arc<State>,
    /// The configuration report of `initialize`, sent once the client is `initialized`.
    pub(super) pending_config: std::sync::Mutex<Option<ConfigReport>>,
}

impl Backend {
    pub fn new(client: Client, outbox: Outbox, shutdown: Arc<AtomicBool>) -> Self {
        Backend {
            client,
            outbox,
            pending_config: Default::default(),
            state: Arc::new(State::new(shutdown)),
        }
    }

    /// A backend for a background task: the same client, output and state.
    pub(super) fn detached(&self) -> Backend {
        Backend {
            client: self.client.clone(),
            outbox: self.outbox.clone(),
            state: self.state.clone(),
            pending_config: Default::default(),
        }
    }

    /// A message in the client's log, and in ours.
    pub(super) async fn log(&self, kind: MessageType, message: String) {
        match kind {
            MessageType::ERROR => tracing::error!("{message}"),
            MessageType::WARNING => tracing::warn!("{message}"),
            _ => tracing::info!("{message}"),
        }
        self.client.log_message(kind, message).await;
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        Ok(handlers::lifecycle::initialize(self, params))
    }

    async fn initialized(&self, _: InitializedParams) {
        handlers::lifecycle::initialized(self).await
    }

    async fn shutdown(&self) -> Result<()> {
        handlers::lifecycle::shutdown(&self.state);
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        handlers::text_sync::did_open(self, params).await
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        handlers::text_sync::did_change(self, params).await
    }

    async fn did_save(&self, params: DidSaveTextDocumentParams) {
        handlers::text_sync::did_save(self, params).await
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        handlers::text_sync::did_close(self, params).await
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        handlers::workspace::did_change_watched_files(self, params).await
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        handlers::workspace::did_change_configuration(self, params).await
    }

    async fn diagnostic(
        &self,
        params: DocumentDiagnosticParams,
    ) -> Result<DocumentDiagnosticReportResult> {
        Ok(handlers::diagnostics::pull(&self.state, params))
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        Ok(handlers::hover::hover(&self.state, params))
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        Ok(handlers::code_actions::code_action(&self.state, params))
    }
}
