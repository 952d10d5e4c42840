//! The session's start and end: `initialize` (what the client supports, the workspace folders,
//! the settings and configuration file, the server's capabilities), `initialized` (file
//! watchers, the first index) and `shutdown`.

use std::path::PathBuf;
use std::sync::atomic::Ordering;

use tower_lsp_server::ls_types::*;

use super::code_actions::FIX_ALL_KIND;
use super::workspace::{index_workspace, report_config};
use crate::analysis::position::Encoding;
use crate::analysis::WorkspaceIndex;
use crate::lsp::session::Backend;
use crate::lsp::state::{ClientSupport, State};
use crate::lsp::{convert, settings};

pub fn initialize(backend: &Backend, params: InitializeParams) -> InitializeResult {
    let encoding = convert::negotiate_encoding(&params);
    *backend.state.encoding.write().unwrap() = encoding;
    *backend.state.support.write().unwrap() = client_support(&params.capabilities);
    let roots = workspace_roots(&params);
    if let Some(root) = roots.first() {
        *backend.state.index.write().unwrap() = WorkspaceIndex::new(root);
    }
    let folders = roots.len();
    *backend.state.roots.write().unwrap() = roots;
    let mut warnings = Vec::new();
    if let Some(options) = &params.initialization_options {
        warnings = backend.state.apply_client_settings(options);
        // Only here, never from `workspace/didChangeConfiguration`: the workspace's own
        // settings reach the server that way and must not be able to vouch for it.
        let trusted = settings::workspace_trusted(options, &mut warnings);
        backend
            .state
            .workspace_trusted
            .store(trusted, Ordering::SeqCst);
    }
    let support = backend.state.support();
    // Loaded before any document is opened; its diagnostics and messages (after the client's
    // description and the settings' warnings) wait for `initialized`.
    let mut report = backend.state.reload_config();
    let client = describe_client(params.client_info.as_ref(), encoding, support, folders);
    let first = std::iter::once((MessageType::INFO, client))
        .chain(warnings.into_iter().map(|w| (MessageType::WARNING, w)));
    report.messages.splice(0..0, first);
    *backend.pending_config.lock().unwrap() = Some(report);
    InitializeResult {
        capabilities: capabilities(encoding, support),
        server_info: Some(ServerInfo {
            name: "cio-lsp".into(),
            version: Some(env!("CARGO_PKG_VERSION").into()),
        }),
        offset_encoding: None,
    }
}

pub async fn initialized(backend: &Backend) {
    let report = backend.pending_config.lock().unwrap().take();
    if let Some(report) = report {
        report_config(backend, report).await;
    }
    let version = env!("CARGO_PKG_VERSION");
    backend
        .log(MessageType::INFO, format!("cio-lsp {version} ready"))
        .await;
    // Index in the background: `initialized` must not hold up the requests behind it, and
    // the index must not wait for the client to answer the watchers' registration.
    let background = backend.detached();
    tokio::spawn(async move { index_workspace(&background).await });
    if backend.state.support().watch_registration {
        register_file_watchers(backend).await;
    }
}

/// The client in one line: `client: Visual Studio Code 1.96.0: utf-16, pull diagnostics,
/// progress, file watching; 1 workspace folder`.
fn describe_client(
    info: Option<&ClientInfo>,
    encoding: Encoding,
    support: ClientSupport,
    folders: usize,
) -> String {
    let name = match info {
        Some(ClientInfo {
            name,
            version: Some(version),
        }) => format!(" {name} {version}"),
        Some(ClientInfo { name, .. }) => format!(" {name}"),
        None => String::new(),
    };
    let encoding = match encoding {
        Encoding::Utf8 => "utf-8",
        Encoding::Utf16 => "utf-16",
    };
    let features = [
        (support.pull_diagnostics, "pull diagnostics"),
        (!support.pull_diagnostics, "pushed diagnostics"),
        (support.work_done_progress, "progress"),
        (support.watch_registration, "file watching"),
    ]
    .into_iter()
    .filter_map(|(on, feature)| on.then_some(feature))
    .collect::<Vec<_>>()
    .join(", ");
    let folders = match folders {
        0 => "no workspace folder".to_string(),
        1 => "1 workspace folder".to_string(),
        n => format!("{n} workspace folders"),
    };
    format!("client{name}: {encoding}, {features}; {folders}")
}

/// What the client said it can do.
fn client_support(caps: &ClientCapabilities) -> ClientSupport {
    let workspace_caps = caps.workspace.as_ref();
    let diagnostic_refresh = workspace_caps
        .and_then(|w| w.diagnostics.as_ref())
        .and_then(|d| d.refresh_support)
        .unwrap_or(false);
    ClientSupport {
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
    }
}

/// The workspace folders, else the root of a client that predates them.
#[allow(deprecated)] // `root_uri`, for those clients
fn workspace_roots(params: &InitializeParams) -> Vec<PathBuf> {
    match (&params.workspace_folders, &params.root_uri) {
        (Some(folders), _) if !folders.is_empty() => {
            folders.iter().map(|f| convert::path_of(&f.uri)).collect()
        }
        (_, Some(root)) => vec![convert::path_of(root)],
        _ => Vec::new(),
    }
}

/// What the server offers, in `encoding`, to a client with `support`.
fn capabilities(encoding: Encoding, support: ClientSupport) -> ServerCapabilities {
    ServerCapabilities {
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
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![
                CodeActionKind::QUICKFIX,
                CodeActionKind::SOURCE_FIX_ALL,
                FIX_ALL_KIND,
            ]),
            ..Default::default()
        })),
        // Folders added to or removed from the workspace are indexed or dropped.
        workspace: Some(WorkspaceServerCapabilities {
            workspace_folders: Some(WorkspaceFoldersServerCapabilities {
                supported: Some(true),
                change_notifications: Some(OneOf::Left(true)),
            }),
            file_operations: None,
        }),
        diagnostic_provider: support.pull_diagnostics.then(|| {
            DiagnosticServerCapabilities::Options(DiagnosticOptions {
                identifier: Some(convert::SOURCE.into()),
                inter_file_dependencies: true,
                workspace_diagnostics: false,
                ..Default::default()
            })
        }),
        ..Default::default()
    }
}

/// Asks the client to tell the server about source, `package.json`, lockfile, tsconfig,
/// configuration and user rule files (`NAME.scm` and its `NAME.toml`) changed outside the
/// editor, in every folder at any depth.
async fn register_file_watchers(backend: &Backend) {
    let watchers = [
        "**/*.{js,jsx,mjs,cjs,ts,tsx,mts,cts}",
        "**/package.json",
        "**/{package-lock.json,npm-shrinkwrap.json,yarn.lock,pnpm-lock.yaml}",
        "**/{tsconfig,jsconfig}*.json",
        "**/cio-lsp.toml",
        "**/*.scm",
        "**/*.toml",
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
    if let Err(error) = backend.client.register_capability(vec![registration]).await {
        tracing::warn!("could not register file watchers: {error}");
    }
}

pub fn shutdown(state: &State) {
    state.shutdown.store(true, Ordering::SeqCst);
    tracing::info!("shutdown requested");
}
