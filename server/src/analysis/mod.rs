//! The analysis core: text and a path in, findings out. Knows nothing of LSP or JSON-RPC;
//! the CLI (`crate::cli`) and the language server (`crate::lsp`) are adapters over it.

pub mod clients;
pub mod finding;
pub mod fix;
pub mod language;
pub mod position;
pub mod project;
pub mod query;
pub mod rules;
pub mod sdk;
pub mod syntax;
pub mod workspace;

use std::collections::HashMap;
use std::ops::Range;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

use tree_sitter::Tree;

pub use clients::{Bindings, Sdk};
pub use finding::{Applicability, Finding, Fix, Location, Related, Severity, TextEdit};
pub use language::{parse, Lang};
pub use workspace::{FileFacts, NoWorkspaceView, WorkspaceIndex, WorkspaceView};

use rules::{Rule, RuleContext, WorkspaceContext, RULES};

/// How event names should be spelled (CIO010).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum EventNameStyle {
    #[default]
    #[serde(rename = "snake_case")]
    SnakeCase,
    #[serde(rename = "Title Case")]
    TitleCase,
    #[serde(rename = "camelCase")]
    CamelCase,
}

/// A rule's configured level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleLevel {
    Off,
    On(Severity),
}

/// Everything the analysis can be configured with.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// Per-rule level overrides by rule id; rules not listed use their default severity.
    pub rule_levels: HashMap<String, RuleLevel>,
    pub event_name_style: EventNameStyle,
    /// Extra names (`analytics`, `this.customerio`) to treat as clients of an SDK.
    pub extra_clients: HashMap<String, Sdk>,
}

impl Settings {
    /// The severity a rule reports at, or `None` when it is off.
    pub fn severity_of(&self, rule: &Rule) -> Option<Severity> {
        match self.rule_levels.get(rule.id) {
            Some(RuleLevel::Off) => None,
            Some(RuleLevel::On(severity)) => Some(*severity),
            None => Some(rule.severity),
        }
    }
}

/// One file, parsed.
pub struct SourceFile<'a> {
    pub path: &'a Path,
    pub lang: Lang,
    pub text: &'a str,
    pub tree: &'a Tree,
}

/// The result of analysing one file on its own (workspace rules come after, from the index).
#[derive(Debug, Clone, Default)]
pub struct FileAnalysis {
    pub findings: Vec<Finding>,
    pub facts: FileFacts,
    /// Rules that panicked on this file (the rest of the file's findings still stand).
    pub internal_errors: Vec<String>,
}

/// Whether `text` can hold a Customer.io call at all: it names a package or global, a
/// configured client, or (when `exporting_stems` is given) a workspace module that exports a
/// client. Files that fail this are not parsed. (To test many files, build a [`Prefilter`]
/// once.)
pub fn mentions_customerio(text: &str, settings: &Settings, exporting_stems: &[String]) -> bool {
    Prefilter::new(settings, exporting_stems).matches(text)
}

/// The text prefilter of [`mentions_customerio`], compiled once for many files.
///
/// One SIMD substring search per needle beats a single Aho-Corasick pass here: the needles'
/// first bytes (`c`, `_`, `C`) are everywhere in code, which defeats Aho-Corasick's
/// start-byte prefilter (measured: 45 M vs 41 M instructions on an 8 MB corpus).
pub struct Prefilter {
    needles: Vec<memchr::memmem::Finder<'static>>,
}

impl Prefilter {
    pub fn new(settings: &Settings, exporting_stems: &[String]) -> Prefilter {
        let needles = clients::PREFILTER_TOKENS
            .iter()
            .copied()
            .chain(
                settings
                    .extra_clients
                    .keys()
                    .map(|name| name.rsplit('.').next().unwrap_or(name)),
            )
            .chain(exporting_stems.iter().map(String::as_str));
        Prefilter::from_needles(needles)
    }

    /// A prefilter that looks for exactly `needles`.
    pub fn from_needles<I>(needles: I) -> Prefilter
    where
        I: IntoIterator,
        I::Item: AsRef<[u8]>,
    {
        Prefilter {
            needles: needles
                .into_iter()
                .map(|needle| memchr::memmem::Finder::new(needle.as_ref()).into_owned())
                .collect(),
        }
    }

    pub fn matches(&self, text: &str) -> bool {
        let bytes = text.as_bytes();
        self.needles
            .iter()
            .any(|finder| finder.find(bytes).is_some())
    }
}

/// Analyses one parsed file: every rule's matches within the ranges that mention a client.
pub fn analyze(
    file: &SourceFile,
    settings: &Settings,
    workspace: &dyn WorkspaceView,
) -> FileAnalysis {
    let bindings = Bindings::collect(file.tree, file.text, workspace, &settings.extra_clients);
    analyze_with_bindings(file, settings, workspace, &bindings)
}

/// Like [`analyze`], with `bindings` already collected for this file against `workspace`.
pub fn analyze_with_bindings(
    file: &SourceFile,
    settings: &Settings,
    workspace: &dyn WorkspaceView,
    bindings: &Bindings,
) -> FileAnalysis {
    let ranges = client_ranges(file.tree, file.text, bindings);
    analyze_ranges(file, settings, workspace, bindings, Some(&ranges))
}

/// Like [`analyze`] but over the whole tree, for tests that check that range selection loses
/// nothing.
pub fn analyze_whole_tree(
    file: &SourceFile,
    settings: &Settings,
    workspace: &dyn WorkspaceView,
) -> FileAnalysis {
    let bindings = Bindings::collect(file.tree, file.text, workspace, &settings.extra_clients);
    analyze_ranges(file, settings, workspace, &bindings, None)
}

fn analyze_ranges(
    file: &SourceFile,
    settings: &Settings,
    workspace: &dyn WorkspaceView,
    bindings: &Bindings,
    ranges: Option<&[Range<usize>]>,
) -> FileAnalysis {
    let mut analysis = FileAnalysis {
        facts: FileFacts {
            exports: bindings.exports.clone(),
            ..FileFacts::default()
        },
        ..FileAnalysis::default()
    };
    if ranges.is_some_and(|r| r.is_empty()) {
        return analysis;
    }
    let query = query::builtin(file.lang);
    let mut findings = Vec::new();
    let mut panicked: Vec<&'static str> = Vec::new();
    query.for_each_match(file.tree, file.text, bindings, ranges, |rule_index, hit| {
        let rule = &RULES[rule_index];
        if panicked.contains(&rule.id) {
            return;
        }
        // A disabled rule still records facts (event names, regions) for the workspace.
        let severity = settings.severity_of(rule).unwrap_or(rule.severity);
        let mut ctx = RuleContext {
            path: file.path,
            lang: file.lang,
            source: file.text,
            bindings,
            settings,
            workspace,
            facts: &mut analysis.facts,
            rule,
            severity,
            findings: &mut findings,
        };
        let outcome = catch_unwind(AssertUnwindSafe(|| (rule.check)(&mut ctx, &hit)));
        if outcome.is_err() {
            panicked.push(rule.id);
        }
    });
    for id in panicked {
        findings.retain(|f| f.rule != id);
        let message = format!(
            "rule {id} failed on {} and was skipped",
            file.path.display()
        );
        tracing::error!("{message}");
        analysis.internal_errors.push(message);
    }
    findings
        .retain(|f| rules::find(&f.rule).is_none_or(|rule| settings.severity_of(rule).is_some()));
    apply_supersedes(&mut findings);
    sort_findings(&mut findings);
    analysis.findings = findings;
    analysis
}

/// Findings that workspace rules (CIO008, CIO016) add to a file, and the related locations
/// that workspace-aware rules (CIO010) add to its findings.
pub fn workspace_findings(
    path: &Path,
    facts: &FileFacts,
    index: &WorkspaceIndex,
    settings: &Settings,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    for rule in RULES {
        let (Some(check), Some(severity)) = (rule.workspace_check, settings.severity_of(rule))
        else {
            continue;
        };
        let ctx = WorkspaceContext {
            path,
            facts,
            index,
            settings,
            severity,
            rule,
        };
        match catch_unwind(AssertUnwindSafe(|| check(&ctx))) {
            Ok(found) => findings.extend(found),
            Err(_) => tracing::error!("workspace rule {} failed on {}", rule.id, path.display()),
        }
    }
    findings
}

/// Merges a file's own findings with its workspace findings: a workspace finding with the same
/// rule and range replaces the local one (it carries related locations), the rest are added.
pub fn merge_workspace_findings(local: &mut Vec<Finding>, workspace: Vec<Finding>) {
    for finding in workspace {
        local.retain(|f| !(f.rule == finding.rule && f.range == finding.range));
        local.push(finding);
    }
    sort_findings(local);
}

fn apply_supersedes(findings: &mut Vec<Finding>) {
    let superseded: Vec<(String, Range<usize>)> = findings
        .iter()
        .filter_map(|f| rules::find(&f.rule).map(|rule| (rule, f)))
        .flat_map(|(rule, f)| {
            rule.supersedes
                .iter()
                .map(move |id| (id.to_string(), f.range.clone()))
        })
        .collect();
    findings.retain(|f| {
        !superseded
            .iter()
            .any(|(id, range)| *id == f.rule && *range == f.range)
    });
}

pub fn sort_findings(findings: &mut Vec<Finding>) {
    findings.sort_by(|a, b| {
        (a.range.start, a.range.end, &a.rule).cmp(&(b.range.start, b.range.end, &b.rule))
    });
    findings.dedup_by(|a, b| a.rule == b.rule && a.range == b.range);
}

/// The statements that mention a client, a constructor or a global: the only places where a
/// rule can match. Querying these instead of the whole tree is what keeps the cost of a
/// Customer.io-dense file near the cost of parsing it.
pub fn client_ranges(tree: &Tree, source: &str, bindings: &Bindings) -> Vec<Range<usize>> {
    let root = tree.root_node();
    let mut ranges: Vec<Range<usize>> = Vec::new();
    let mut tokens: Vec<&str> = bindings
        .client_names()
        .chain(bindings.constructor_names())
        .collect();
    tokens.extend(["_cio", "cioanalytics"]);
    tokens.sort_unstable();
    tokens.dedup();
    for token in tokens {
        for offset in clients::word_occurrences(source, token) {
            if let Some(node) = root.descendant_for_byte_range(offset, offset + token.len()) {
                ranges.push(syntax::enclosing_statement(node).byte_range());
            }
        }
    }
    ranges.sort_by_key(|r| (r.start, std::cmp::Reverse(r.end)));
    let mut merged: Vec<Range<usize>> = Vec::with_capacity(ranges.len());
    for range in ranges {
        match merged.last_mut() {
            Some(last) if range.start <= last.end => last.end = last.end.max(range.end),
            _ => merged.push(range),
        }
    }
    merged
}
