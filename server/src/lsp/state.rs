//! What the handlers share: the open documents, the settings and configuration file, the
//! workspace index, what the client supports, and the analysis of a document with all of
//! them. No handler logic and no messages to the client: the handlers (`super::handlers`)
//! decide what to send.

use std::collections::{HashMap, HashSet};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use dashmap::DashMap;
use serde_json::value::RawValue;
use tower_lsp_server::ls_types::{Diagnostic, MessageType, Uri};

use super::convert::{self, DiagnosticsJson, Snapshot};
use super::documents::{AnalysisScope, Document};
use super::logging;
use super::settings::{self, ClientSettings};
use crate::analysis::config::{self, UserRulePolicy};
use crate::analysis::position::Encoding;
use crate::analysis::project::ConfigLookup;
use crate::analysis::{self, Settings, WorkspaceIndex};

/// What the client said it can do.
#[derive(Debug, Default, Clone, Copy)]
pub struct ClientSupport {
    pub pull_diagnostics: bool,
    pub diagnostic_refresh: bool,
    pub work_done_progress: bool,
    pub watch_registration: bool,
}

/// The configuration files of the workspace folders. Each document is governed by the
/// `cio-lsp.toml` nearest to it (a monorepo's packages, each folder of a multi-root
/// workspace); an open buffer of one counts over the file on disk, saved or not.
#[derive(Default)]
pub struct Configs {
    /// Which file governs a path, and what each says; replaced whenever one changes.
    pub lookup: Arc<ConfigLookup>,
    /// The text of each configuration file open in the editor.
    pub open: HashMap<PathBuf, String>,
    /// The error diagnostic on each invalid configuration file (kept for pull diagnostics).
    pub diagnostics: HashMap<PathBuf, Vec<Diagnostic>>,
    /// The files already announced in the log since the last reload.
    reported: HashSet<PathBuf>,
}

/// What reloading the configuration files has to tell the client.
#[derive(Default)]
pub struct ConfigReport {
    /// Each configuration file's diagnostics: an error, or none to clear a previous one.
    pub files: Vec<(Uri, Vec<Diagnostic>)>,
    pub messages: Vec<(MessageType, String)>,
}

/// Everything the handlers share.
pub struct State {
    pub documents: DashMap<Uri, Document>,
    /// Each open document's diagnostics as last published, serialised (by file path).
    pub published: DashMap<PathBuf, DiagnosticsJson>,
    pub encoding: RwLock<Encoding>,
    /// The settings of each configuration file (`None`: no file) merged with the editor's,
    /// made on first use; cleared when either changes.
    pub effective: RwLock<HashMap<Option<PathBuf>, Arc<Settings>>>,
    pub client_settings: RwLock<ClientSettings>,
    pub configs: RwLock<Configs>,
    pub index: RwLock<WorkspaceIndex>,
    pub roots: RwLock<Vec<PathBuf>>,
    pub support: RwLock<ClientSupport>,
    /// Whether the workspace index has been built once: until then, a document opened reads
    /// ahead what its own findings depend on.
    pub indexed: AtomicBool,
    pub shutdown: Arc<AtomicBool>,
    /// `initializationOptions.workspaceTrusted`: when false, the workspace's user rules are
    /// not loaded.
    pub workspace_trusted: AtomicBool,
    /// Whether the client was told that the untrusted workspace's user rules are not loaded.
    told_untrusted: AtomicBool,
    /// Notices of analyses not yet told to the client, and the rules (`None`: the built-in
    /// ones) and (rule, file) pairs already told: a message once per rule, a log line once
    /// per rule and file.
    notices: Mutex<Notices>,
}

#[derive(Default)]
struct Notices {
    pending: Vec<(MessageType, String)>,
    shown: HashSet<Option<String>>,
    logged: HashSet<(Option<String>, PathBuf)>,
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
            effective: RwLock::new(HashMap::new()),
            client_settings: RwLock::new(ClientSettings::default()),
            configs: RwLock::new(Configs::default()),
            index: RwLock::new(WorkspaceIndex::default()),
            roots: RwLock::new(Vec::new()),
            support: RwLock::new(ClientSupport::default()),
            indexed: AtomicBool::new(false),
            shutdown,
            workspace_trusted: AtomicBool::new(true),
            told_untrusted: AtomicBool::new(false),
            notices: Mutex::default(),
        }
    }

    pub fn encoding(&self) -> Encoding {
        *self.encoding.read().unwrap()
    }

    pub fn support(&self) -> ClientSupport {
        *self.support.read().unwrap()
    }

    /// Whether `path` is a configuration file (of any folder, at any depth).
    pub fn is_config_file(&self, path: &Path) -> bool {
        path.file_name()
            .is_some_and(|name| name == config::FILE_NAME)
    }

    /// Whether the editor settings leave cio-lsp on.
    pub fn enabled(&self) -> bool {
        self.client_settings.read().unwrap().enable
    }

    /// The configurations as they stand now.
    pub fn lookup(&self) -> Arc<ConfigLookup> {
        Arc::clone(&self.configs.read().unwrap().lookup)
    }

    /// Whether the `ignore` globs of the configuration governing `path` exclude it.
    pub fn is_ignored(&self, path: &Path) -> bool {
        self.lookup().is_ignored(path)
    }

    /// The settings `path` is analysed with: defaults ← its nearest `cio-lsp.toml` (the
    /// defaults when that one is invalid) ← editor settings.
    pub fn settings_for(&self, path: &Path) -> Arc<Settings> {
        let config = self.lookup().for_file(path).ok().flatten();
        let key = config.as_ref().map(|c| c.path.clone());
        if let Some(settings) = self.effective.read().unwrap().get(&key) {
            return Arc::clone(settings);
        }
        let overrides = self.client_settings.read().unwrap().overrides.clone();
        let settings = Arc::new(config::merge(config.as_deref(), &overrides).0);
        self.effective
            .write()
            .unwrap()
            .insert(key, Arc::clone(&settings));
        settings
    }

    /// Re-reads every configuration file (open buffers, else the files on disk) that governs
    /// a workspace folder, an open document or an open configuration buffer. An invalid file
    /// leaves the defaults (+ editor settings) in force for what it governs and becomes a
    /// diagnostic on the file.
    pub fn reload_config(&self) -> ConfigReport {
        let open = self.configs.read().unwrap().open.clone();
        let policy = if self.workspace_trusted.load(Ordering::SeqCst) {
            UserRulePolicy::Load
        } else {
            UserRulePolicy::Skip
        };
        let lookup = Arc::new(ConfigLookup::with_texts(open.clone()).with_policy(policy));
        let roots = self.roots.read().unwrap().clone();
        let documents: Vec<PathBuf> = self.documents.iter().map(|d| d.path.clone()).collect();
        guarded("loading the configuration", || {
            let folders = roots.iter().map(PathBuf::as_path);
            let config_dirs = open.keys().filter_map(|path| path.parent());
            for dir in folders.chain(config_dirs) {
                let _ = lookup.for_dir(dir);
            }
            for path in &documents {
                let _ = lookup.for_file(path);
            }
        });
        {
            let mut configs = self.configs.write().unwrap();
            configs.lookup = lookup;
            configs.reported.clear();
        }
        self.effective.write().unwrap().clear();
        let mut report = self.report_configs();
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

    /// What the configurations met so far (by [`Self::reload_config`], by indexing) have to
    /// tell that was not told yet: each file loaded, each user rule skipped, each invalid file
    /// (a diagnostic on it), and the files no longer invalid (their diagnostic cleared).
    pub fn report_configs(&self) -> ConfigReport {
        let mut report = ConfigReport::default();
        let mut configs = self.configs.write().unwrap();
        let lookup = Arc::clone(&configs.lookup);
        for config in lookup.configs() {
            if !configs.reported.insert(config.path.clone()) {
                continue;
            }
            for error in &config.user_rules.errors {
                report
                    .messages
                    .push((MessageType::WARNING, format!("user rule skipped: {error}")));
            }
            if config.user_rules_skipped && !self.told_untrusted.swap(true, Ordering::SeqCst) {
                report.messages.push((
                    MessageType::WARNING,
                    "the workspace is not trusted: its user rules (rule_dirs) are not loaded; built-in rules and the rest of cio-lsp.toml apply".to_string(),
                ));
            }
            report.messages.push((
                MessageType::INFO,
                format!("configuration loaded from {}", config.path.display()),
            ));
        }
        let mut diagnostics: HashMap<PathBuf, Vec<Diagnostic>> = HashMap::new();
        for error in lookup.errors() {
            let text = configs
                .open
                .get(&error.path)
                .cloned()
                .or_else(|| std::fs::read_to_string(&error.path).ok())
                .unwrap_or_default();
            let diagnostic = convert::config_diagnostic(&error, &text, self.encoding());
            diagnostics.insert(error.path.clone(), vec![diagnostic]);
            if configs.reported.insert(error.path.clone()) {
                report.messages.push((
                    MessageType::ERROR,
                    format!("invalid configuration: {error}; running on the defaults"),
                ));
            }
        }
        let cleared: Vec<PathBuf> = configs
            .diagnostics
            .keys()
            .filter(|path| !diagnostics.contains_key(*path))
            .cloned()
            .collect();
        for path in cleared {
            report
                .files
                .extend(Uri::from_file_path(&path).map(|uri| (uri, Vec::new())));
        }
        for (path, file_diagnostics) in &diagnostics {
            if configs.diagnostics.get(path) != Some(file_diagnostics) {
                report
                    .files
                    .extend(Uri::from_file_path(path).map(|uri| (uri, file_diagnostics.clone())));
            }
        }
        configs.diagnostics = diagnostics;
        report
    }

    /// Takes changed editor settings into account: the settings made from them are dropped.
    /// Returns warnings for the settings that name unknown rules, SDK families or packages
    /// (judged against the first folder's configuration, whose user rules they may name).
    pub fn merge_settings(&self) -> Vec<String> {
        self.effective.write().unwrap().clear();
        let client = self.client_settings.read().unwrap().clone();
        let first_root = self.roots.read().unwrap().first().cloned();
        let config = first_root.and_then(|root| self.lookup().for_dir(&root).ok().flatten());
        config::merge(config.as_deref(), &client.overrides).1
    }

    /// Analyses `doc` as its scope asks (after edits: only the edited functions when
    /// possible), refreshes its workspace findings after a whole-file analysis, and returns
    /// its diagnostics. Runs synchronously: callers hold the document's map guard.
    pub fn analyse(&self, doc: &mut Document, whole: bool) -> Vec<Arc<RawValue>> {
        if !self.enabled() || self.is_ignored(&doc.path) {
            return Vec::new();
        }
        let settings = self.settings_for(&doc.path);
        let outcome = guarded(&format!("analysing {}", doc.path.display()), || {
            let index = self.index.read().unwrap();
            let view = index.view(&doc.path);
            if whole {
                doc.analyze_whole(&settings, &view);
            } else {
                doc.reanalyze(&settings, &view);
            }
            if doc.last_scope == AnalysisScope::WholeFile {
                let extra = analysis::workspace_findings(&doc.path, &doc.facts, &index, &settings);
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
        self.queue_notices(&doc.notices);
        self.diagnostics_json(doc)
    }

    /// Queues what the client has not yet been told of `notices`: a message the first time a
    /// rule runs out of time, a log line the first time it does on each file.
    fn queue_notices(&self, notices: &[analysis::Notice]) {
        if notices.is_empty() {
            return;
        }
        let mut told = self.notices.lock().unwrap_or_else(|e| e.into_inner());
        for notice in notices {
            let text = format!("{}: {}", notice.path.display(), notice.message);
            if told.shown.insert(notice.rule.clone()) {
                told.pending.push((MessageType::WARNING, text.clone()));
            }
            if told
                .logged
                .insert((notice.rule.clone(), notice.path.clone()))
            {
                told.pending.push((MessageType::LOG, text));
            }
        }
    }

    /// The notices queued for the client: `WARNING` ones are shown, `LOG` ones logged.
    pub fn take_notices(&self) -> Vec<(MessageType, String)> {
        std::mem::take(
            &mut self
                .notices
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .pending,
        )
    }

    /// The snapshot to convert `doc`'s findings with, or `None` when they are not reported
    /// (cio-lsp disabled, or the file ignored).
    pub fn reported_snapshot<'d>(&self, doc: &'d Document) -> Option<Snapshot<'d>> {
        if !self.enabled() || self.is_ignored(&doc.path) {
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

    /// The open document at `uri`, analysed up to its newest edit first when a change's
    /// analysis was skipped (superseded by a newer one whose analysis has not run yet), so that
    /// hover, code actions and pulled diagnostics never answer from findings of an older text.
    pub fn analysed_document(
        &self,
        uri: &Uri,
    ) -> Option<dashmap::mapref::one::Ref<'_, Uri, Document>> {
        let needs_analysis = self.documents.get(uri)?.has_unanalysed_edits();
        if needs_analysis {
            if let Some(mut doc) = self.documents.get_mut(uri) {
                self.analyse(&mut doc, false);
            }
        }
        self.documents.get(uri)
    }

    pub fn version_is(&self, uri: &Uri, version: i32) -> bool {
        self.documents
            .get(uri)
            .is_some_and(|doc| doc.version == version)
    }
}
