//! What the handlers share: the open documents, the settings and configuration file, the
//! workspace index, what the client supports, and the analysis of a document with all of
//! them. No handler logic and no messages to the client: the handlers (`super::handlers`)
//! decide what to send.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, RwLock};

use dashmap::DashMap;
use serde_json::value::RawValue;
use tower_lsp_server::ls_types::{Diagnostic, MessageType, Uri};

use super::convert::{self, DiagnosticsJson, Snapshot};
use super::documents::{AnalysisScope, Document};
use super::logging;
use super::settings::{self, ClientSettings};
use crate::analysis::config::{self, Config};
use crate::analysis::position::Encoding;
use crate::analysis::{self, Settings, WorkspaceIndex};

/// What the client said it can do.
#[derive(Debug, Default, Clone, Copy)]
pub struct ClientSupport {
    pub pull_diagnostics: bool,
    pub diagnostic_refresh: bool,
    pub work_done_progress: bool,
    pub watch_registration: bool,
}

/// The settings the analysis runs with: defaults ← `cio-lsp.toml` ← editor settings.
#[derive(Debug, Clone)]
pub struct Effective {
    pub enable: bool,
    pub analysis: Settings,
}

/// The workspace's `cio-lsp.toml`: where it would be, what it says when it is valid, and its
/// text while the editor has it open (the buffer, saved or not, is what counts then).
#[derive(Default)]
pub struct ProjectConfig {
    pub path: Option<PathBuf>,
    pub loaded: Option<Config>,
    pub open_text: Option<String>,
    /// The error diagnostic on the file, if it is invalid (kept for pull diagnostics).
    pub diagnostics: Vec<Diagnostic>,
}

/// What reloading the configuration has to tell the client.
#[derive(Default)]
pub struct ConfigReport {
    pub uri: Option<Uri>,
    pub diagnostics: Vec<Diagnostic>,
    pub messages: Vec<(MessageType, String)>,
}

/// Everything the handlers share.
pub struct State {
    pub documents: DashMap<Uri, Document>,
    /// Each open document's diagnostics as last published, serialised (by file path).
    pub published: DashMap<PathBuf, DiagnosticsJson>,
    pub encoding: RwLock<Encoding>,
    pub settings: RwLock<Effective>,
    pub client_settings: RwLock<ClientSettings>,
    pub config: RwLock<ProjectConfig>,
    pub index: RwLock<WorkspaceIndex>,
    pub roots: RwLock<Vec<PathBuf>>,
    pub support: RwLock<ClientSupport>,
    pub shutdown: Arc<AtomicBool>,
}

/// Runs `work`, turning a panic into a logged error: one bad request must not take the server
/// (or the documents' text) down.
pub fn guarded<T>(what: &str, work: impl FnOnce() -> T) -> Option<T> {
    match catch_unwind(AssertUnwindSafe(work)) {
        Ok(value) => Some(value),
        Err(panic) => {
            let detail = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            tracing::error!("internal error while {what}: {detail}");
            None
        }
    }
}

impl State {
    pub fn new(shutdown: Arc<AtomicBool>) -> Self {
        State {
            documents: DashMap::new(),
            published: DashMap::new(),
            encoding: RwLock::new(Encoding::Utf16),
            settings: RwLock::new(Effective {
                enable: true,
                analysis: Settings::default(),
            }),
            client_settings: RwLock::new(ClientSettings::default()),
            config: RwLock::new(ProjectConfig::default()),
            index: RwLock::new(WorkspaceIndex::default()),
            roots: RwLock::new(Vec::new()),
            support: RwLock::new(ClientSupport::default()),
            shutdown,
        }
    }

    pub fn encoding(&self) -> Encoding {
        *self.encoding.read().unwrap()
    }

    pub fn support(&self) -> ClientSupport {
        *self.support.read().unwrap()
    }

    pub fn is_config_file(&self, path: &Path) -> bool {
        self.config.read().unwrap().path.as_deref() == Some(path)
    }

    /// Whether the configuration's `ignore` globs exclude `path`.
    pub fn is_ignored(&self, path: &Path) -> bool {
        let config = self.config.read().unwrap();
        config
            .loaded
            .as_ref()
            .is_some_and(|c| c.ignore.is_ignored(path))
    }

    /// Re-reads `cio-lsp.toml` (the open buffer, else the file on disk) and merges the editor
    /// settings over it. An invalid file leaves the defaults (+ editor settings) in force and
    /// becomes a diagnostic on the file.
    pub fn reload_config(&self) -> ConfigReport {
        let mut report = ConfigReport::default();
        let (path, open_text) = {
            let config = self.config.read().unwrap();
            (config.path.clone(), config.open_text.clone())
        };
        let mut loaded = None;
        if let Some(path) = &path {
            report.uri = Uri::from_file_path(path);
            let result = guarded("loading the configuration", || match &open_text {
                Some(text) => Some(config::parse(path, text)),
                None if path.is_file() => Some(config::load(path)),
                None => None,
            })
            .flatten();
            match result {
                Some(Ok(config)) => {
                    for error in &config.user_rules.errors {
                        report
                            .messages
                            .push((MessageType::WARNING, format!("user rule skipped: {error}")));
                    }
                    report.messages.push((
                        MessageType::INFO,
                        format!("configuration loaded from {}", path.display()),
                    ));
                    loaded = Some(config);
                }
                Some(Err(error)) => {
                    let text = open_text
                        .or_else(|| std::fs::read_to_string(path).ok())
                        .unwrap_or_default();
                    report.diagnostics.push(convert::config_diagnostic(
                        &error,
                        &text,
                        self.encoding(),
                    ));
                    report.messages.push((
                        MessageType::ERROR,
                        format!("invalid configuration: {error}; running on the defaults"),
                    ));
                }
                None => {}
            }
        }
        {
            let mut config = self.config.write().unwrap();
            config.loaded = loaded;
            config.diagnostics.clone_from(&report.diagnostics);
        }
        let warnings = self.merge_settings();
        report
            .messages
            .extend(warnings.into_iter().map(|w| (MessageType::WARNING, w)));
        report
    }

    /// Takes the editor's settings (`initializationOptions`, `workspace/didChangeConfiguration`):
    /// the state keeps them, and the log follows their level. Returns a message for each value
    /// that was ignored.
    pub fn apply_client_settings(&self, value: &serde_json::Value) -> Vec<String> {
        let (parsed, warnings) = settings::parse(value);
        logging::set_level(parsed.log_level);
        *self.client_settings.write().unwrap() = parsed;
        warnings
    }

    /// Recomputes the effective settings from the loaded file and the editor settings.
    pub fn merge_settings(&self) -> Vec<String> {
        let client = self.client_settings.read().unwrap().clone();
        let (analysis, warnings) = {
            let config = self.config.read().unwrap();
            config::merge(config.loaded.as_ref(), &client.overrides)
        };
        *self.settings.write().unwrap() = Effective {
            enable: client.enable,
            analysis,
        };
        warnings
    }

    /// Analyses `doc` as its scope asks (after edits: only the edited functions when
    /// possible), refreshes its workspace findings after a whole-file analysis, and returns
    /// its diagnostics. Runs synchronously: callers hold the document's map guard.
    pub fn analyse(&self, doc: &mut Document, whole: bool) -> Vec<Arc<RawValue>> {
        let settings = self.settings.read().unwrap().clone();
        if !settings.enable || self.is_ignored(&doc.path) {
            return Vec::new();
        }
        let outcome = guarded(&format!("analysing {}", doc.path.display()), || {
            let index = self.index.read().unwrap();
            let view = index.view(&doc.path);
            if whole {
                doc.analyze_whole(&settings.analysis, &view);
            } else {
                doc.reanalyze(&settings.analysis, &view);
            }
            if doc.last_scope == AnalysisScope::WholeFile {
                let extra =
                    analysis::workspace_findings(&doc.path, &doc.facts, &index, &settings.analysis);
                doc.set_workspace_findings(extra);
            }
        });
        if outcome.is_none() {
            // Keep the text; drop findings that may no longer match it.
            doc.set_workspace_findings(Vec::new());
        }
        for error in &doc.internal_errors {
            tracing::error!("{error}");
        }
        self.diagnostics_json(doc)
    }

    /// The snapshot to convert `doc`'s findings with, or `None` when they are not reported
    /// (cio-lsp disabled, or the file ignored).
    pub fn reported_snapshot<'d>(&self, doc: &'d Document) -> Option<Snapshot<'d>> {
        if !self.settings.read().unwrap().enable || self.is_ignored(&doc.path) {
            return None;
        }
        Some(Snapshot {
            text: doc.text(),
            index: doc.line_index(),
            encoding: self.encoding(),
        })
    }

    /// [`State::diagnostics`], serialised for publishing; unchanged ones are not serialised
    /// again (see `convert::DiagnosticsJson`).
    pub fn diagnostics_json(&self, doc: &Document) -> Vec<Arc<RawValue>> {
        let Some(snapshot) = self.reported_snapshot(doc) else {
            return Vec::new();
        };
        let mut cache = self.published.entry(doc.path.clone()).or_default();
        snapshot.diagnostics_json(&doc.findings_ref(), &mut cache)
    }

    pub fn diagnostics(&self, doc: &Document) -> Vec<Diagnostic> {
        let Some(snapshot) = self.reported_snapshot(doc) else {
            return Vec::new();
        };
        doc.findings()
            .into_iter()
            .map(|finding| snapshot.diagnostic(finding))
            .collect()
    }

    /// Records an open document's facts (after a whole-file analysis) in the index so that
    /// other files see its exports, event names and regions.
    pub fn record_facts(&self, doc: &Document) {
        if doc.last_scope == AnalysisScope::WholeFile {
            let mut index = self.index.write().unwrap();
            index.set_file(&doc.path, doc.facts.clone());
        }
    }

    pub fn version_is(&self, uri: &Uri, version: i32) -> bool {
        self.documents
            .get(uri)
            .is_some_and(|doc| doc.version == version)
    }
}
