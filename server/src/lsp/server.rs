//! The `LanguageServer` handlers.
//!
//! Concurrency rules (tower-lsp-server runs up to four handlers at once, interleaved at every
//! `.await`):
//! - a handler applies its document change, and analyses, before its first `.await`, so that
//!   the order of `didChange` notifications is the order in which they are applied;
//! - no `DashMap` guard or settings/index lock is ever held across an `.await`;
//! - diagnostics carry the version they were computed for, and are not sent when the document
//!   has moved on in the meantime.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

use super::convert;
use super::handlers;
use super::outbox::Outbox;
use super::settings;
use super::state::{ClientSupport, ConfigReport, State};
use crate::analysis::config;
use crate::analysis::WorkspaceIndex;

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
}

impl Backend {
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
        let encoding = convert::negotiate_encoding(&params);
        *self.state.encoding.write().unwrap() = encoding;
        let caps = &params.capabilities;
        let workspace_caps = caps.workspace.as_ref();
        let diagnostic_refresh = workspace_caps
            .and_then(|w| w.diagnostics.as_ref())
            .and_then(|d| d.refresh_support)
            .unwrap_or(false);
        *self.state.support.write().unwrap() = ClientSupport {
            // Pull only when the server can also ask the client to pull again: otherwise a
            // settings or configuration change could never reach it (Neovim 0.11 pulls but has
            // no refresh support). Such clients get pushed diagnostics.
            pull_diagnostics: diagnostic_refresh
                && caps
                    .text_document
                    .as_ref()
                    .is_some_and(|t| t.diagnostic.is_some()),
            diagnostic_refresh,
            work_done_progress: caps
                .window
                .as_ref()
                .and_then(|w| w.work_done_progress)
                .unwrap_or(false),
            watch_registration: workspace_caps
                .and_then(|w| w.did_change_watched_files.as_ref())
                .and_then(|d| d.dynamic_registration)
                .unwrap_or(false),
        };
        #[allow(deprecated)]
        let roots: Vec<PathBuf> = match (&params.workspace_folders, &params.root_uri) {
            (Some(folders), _) if !folders.is_empty() => {
                folders.iter().map(|f| convert::path_of(&f.uri)).collect()
            }
            (_, Some(root)) => vec![convert::path_of(root)],
            _ => Vec::new(),
        };
        if let Some(root) = roots.first() {
            *self.state.index.write().unwrap() = WorkspaceIndex::new(root);
            self.state.config.write().unwrap().path = Some(root.join(config::FILE_NAME));
        }
        *self.state.roots.write().unwrap() = roots;
        if let Some(options) = &params.initialization_options {
            let (parsed, warnings) = settings::parse(options);
            *self.state.client_settings.write().unwrap() = parsed;
            for warning in warnings {
                tracing::warn!("{warning}");
            }
        }
        // Loaded before any document is opened; its diagnostics wait for `initialized`.
        let report = self.state.reload_config();
        *self.pending_config.lock().unwrap() = Some(report);
        let support = self.state.support();
        tracing::info!("initialize: encoding {encoding:?}, client support {support:?}");
        Ok(InitializeResult {
            capabilities: ServerCapabilities {
                position_encoding: Some(convert::encoding_kind(encoding)),
                text_document_sync: Some(TextDocumentSyncCapability::Options(
                    TextDocumentSyncOptions {
                        open_close: Some(true),
                        change: Some(TextDocumentSyncKind::INCREMENTAL),
                        save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                        ..Default::default()
                    },
                )),
                hover_provider: Some(HoverProviderCapability::Simple(true)),
                code_action_provider: Some(CodeActionProviderCapability::Options(
                    CodeActionOptions {
                        code_action_kinds: Some(vec![
                            CodeActionKind::QUICKFIX,
                            CodeActionKind::SOURCE_FIX_ALL,
                            handlers::code_actions::FIX_ALL_KIND,
                        ]),
                        ..Default::default()
                    },
                )),
                diagnostic_provider: support.pull_diagnostics.then(|| {
                    DiagnosticServerCapabilities::Options(DiagnosticOptions {
                        identifier: Some(convert::SOURCE.into()),
                        inter_file_dependencies: true,
                        workspace_diagnostics: false,
                        ..Default::default()
                    })
                }),
                ..Default::default()
            },
            server_info: Some(ServerInfo {
                name: "cio-lsp".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            }),
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        self.log(MessageType::INFO, "cio-lsp ready".into()).await;
        let report = self.pending_config.lock().unwrap().take();
        if let Some(report) = report {
            handlers::workspace::report_config(self, report).await;
        }
        if self.state.support().watch_registration {
            let watchers = [
                "**/*.{js,jsx,mjs,cjs,ts,tsx,mts,cts}",
                "**/package.json",
                "**/cio-lsp.toml",
            ]
            .into_iter()
            .map(|glob| FileSystemWatcher {
                glob_pattern: GlobPattern::String(glob.into()),
                kind: None,
            })
            .collect();
            let registration = Registration {
                id: "cio-lsp/watch".into(),
                method: "workspace/didChangeWatchedFiles".into(),
                register_options: serde_json::to_value(DidChangeWatchedFilesRegistrationOptions {
                    watchers,
                })
                .ok(),
            };
            if let Err(error) = self.client.register_capability(vec![registration]).await {
                tracing::warn!("could not register file watchers: {error}");
            }
        }
        // Index in the background: `initialized` must not hold up the requests behind it.
        let background = self.detached();
        tokio::spawn(async move { handlers::workspace::index_workspace(&background).await });
    }

    async fn shutdown(&self) -> Result<()> {
        self.state.shutdown.store(true, Ordering::SeqCst);
        tracing::info!("shutdown requested");
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
