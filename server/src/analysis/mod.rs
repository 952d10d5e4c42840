//! The analysis core: text and a path in, findings out. Knows nothing of LSP or JSON-RPC;
//! the CLI (`crate::cli`) and the language server (`crate::lsp`) are adapters over it.
//!
//! Layers, each a folder that imports only from the layers before it (docs/architecture.md;
//! `tests/architecture.rs` checks it):
//!
//! 1. [`syntax`]: languages and parsing, positions, tree, node, text and range helpers;
//! 2. [`resolve`]: what a value is and where it comes from (bindings, SDKs, modules, the
//!    workspace index);
//! 3. [`rules`]: the query engine, the registry, the rules;
//! 4. [`fix`]: the fix engine;
//! 5. this facade: [`settings`] (parsed by [`config`]), the analysis of one file
//!    ([`pipeline`]) with [`user_rules`] and [`suppress`] as its steps, of a workspace
//!    ([`project`]), and what hover and `explain` say about a rule or a call ([`explain`]).
//!
//! The names below are what the adapters use; each is defined in one of those modules.

pub mod config;
pub mod explain;
pub mod fix;
pub mod pipeline;
pub mod project;
pub mod resolve;
pub mod rules;
pub mod settings;
pub mod suppress;
pub mod syntax;
pub mod user_rules;

pub use explain::{call_at, rule_docs, CallNote, RuleDocs};
pub use pipeline::{
    analyze, analyze_in_ranges, analyze_whole_tree, analyze_with_bindings, client_ranges,
    file_bindings, mentions_customerio, merge_workspace_findings, standalone_bindings,
    workspace_findings, FileAnalysis, Notice,
};
pub use resolve::{
    declared_functions, declared_outside, linked_by_name, Bindings, DeclaredFunction, FileFacts,
    NoWorkspaceView, Prefilter, Sdk, WorkspaceIndex, WorkspaceView,
};
pub use rules::finding::{sort_findings, Applicability, Finding, Fix, Related, Severity, TextEdit};
pub use rules::options::{EventNameStyle, RuleLevel, RuleOptions};
pub use rules::registry::{docs_url, HOMEPAGE};
pub use settings::{Settings, SettingsByDir, SettingsOf};
pub use syntax::position;
pub use syntax::{in_any, mentions, mentions_any, merge_ranges, parse, Lang, Location, SourceFile};
