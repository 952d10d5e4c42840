//! The analysis of one file, step by step: client bindings, the statements that mention a
//! client (the only ranges queried), the rules' matches and checks (a panicking rule is
//! dropped for the file), user rules, supersedes, sorting; then, once the workspace is
//! indexed, the workspace rules' findings merged in. Suppressions are scanned here and
//! applied by the caller once the workspace findings are in (`suppress::apply`).

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::Duration;

use tree_sitter::Tree;

use crate::analysis::resolve::summaries::CallSite;
use crate::analysis::resolve::values::{exported_functions, exported_values};
use crate::analysis::resolve::webhooks;
use crate::analysis::resolve::{
    Bindings, FileFacts, NoWorkspaceView, Prefilter, Version, WorkspaceIndex, WorkspaceView,
};
use crate::analysis::rules::engine::{Hit, QueryBudget, QueryRanges};
use crate::analysis::rules::finding::{sort_findings, Finding, Related};
use crate::analysis::rules::{self, RuleContext, WorkspaceContext, RULES};
use crate::analysis::settings::Settings;
use crate::analysis::syntax::{
    self, merge_ranges, FieldExt, KindExt, Lang, LineIndex, Location, SourceFile,
};
use crate::analysis::{suppress, user_rules};

/// The result of analysing one file on its own (workspace rules come after, from the index).
#[derive(Debug, Clone, Default)]
pub struct FileAnalysis {
    pub findings: Vec<Finding>,
    pub facts: FileFacts,
    /// Rules that panicked on this file (the rest of the file's findings still stand).
    pub internal_errors: Vec<String>,
    /// The file's `cio-lsp-disable…` comments. NOT yet applied to `findings`: call
    /// [`suppress::apply`] once the workspace findings are merged in, so that unused
    /// suppressions can be told apart.
    pub suppressions: suppress::Suppressions,
    /// What the user should know about this analysis that is not a finding (a rule whose
    /// query ran out of time on the file).
    pub notices: Vec<Notice>,
}

/// Something about an analysis that is not a finding: the adapters show it (a line on the
/// CLI's standard error and a tool notification in JSON and SARIF; a message and a log line
/// in the editor).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub path: PathBuf,
    /// Where in the file, when it concerns one place.
    pub at: Option<Location>,
    /// The rule it concerns, if one.
    pub rule: Option<String>,
    pub message: String,
}

impl Notice {
    /// The queries of `rule` (`None`: the built-in rules) stopped on `path` after `budget`.
    fn out_of_time(path: &Path, rule: Option<String>, budget: Duration) -> Notice {
        let whose = match &rule {
            Some(id) => format!("rule {id}"),
            None => "the built-in rules".to_string(),
        };
        Notice {
            path: path.to_path_buf(),
            at: None,
            rule,
            message: format!(
                "{whose} ran out of time on this file ({} ms, `query_budget_ms`) and {} no findings here",
                budget.as_millis(),
                if whose.starts_with("rule") { "reports" } else { "report" }
            ),
        }
    }
}

/// Whether `text` can hold a Customer.io call at all: it names a package or global, a
/// configured client, or (when `exporting_stems` is given) a workspace module that exports a
/// client. Files that fail this are not parsed. (To test many files, build a [`Prefilter`]
/// once.)
pub fn mentions_customerio(text: &str, settings: &Settings, exporting_stems: &[String]) -> bool {
    Prefilter::new(settings.clients(), exporting_stems).matches(text)
}

/// Analyses one parsed file: every rule's matches within the ranges that mention a client.
pub fn analyze(
    file: &SourceFile,
    settings: &Settings,
    workspace: &dyn WorkspaceView,
) -> FileAnalysis {
    let bindings = file_bindings(file, settings, workspace);
    analyze_with_bindings(file, settings, workspace, &bindings)
}

/// Like [`analyze`], with `bindings` already collected for this file against `workspace`.
pub fn analyze_with_bindings(
    file: &SourceFile,
    settings: &Settings,
    workspace: &dyn WorkspaceView,
    bindings: &Bindings,
) -> FileAnalysis {
    let ranges = client_ranges_in(file.tree, file.text, bindings, None);
    let ranges = RuleRanges {
        file_scoped: ranges.as_query_ranges(),
        function_scoped: &ranges.statements,
        whole_file_facts: true,
    };
    analyze_rule_ranges(file, settings, workspace, bindings, Some(ranges))
}

/// Like [`analyze`] but function-scoped rules ([`rules::Scope::Function`]) and user rules only
/// check the client statements inside `within`, while file-scoped rules check the whole file
/// when `file_scoped_everywhere` (pass [`linked_by_name`](crate::analysis::resolve::linked_by_name): `within` is linked to the rest of the
/// file), else `within` too.
/// For the language server's keystrokes: it passes the functions an edit touched, keeps its
/// other function-scoped findings and replaces every file-scoped one (a helper's edit changes
/// its caller's CIO007 finding). `bindings` must be this tree's (the server compares them with
/// the previous ones to decide whether a whole-file analysis is needed). The returned facts
/// are incomplete and the suppressions empty: the server rescans the whole text for those.
pub fn analyze_in_ranges(
    file: &SourceFile,
    settings: &Settings,
    workspace: &dyn WorkspaceView,
    bindings: &Bindings,
    within: &[Range<usize>],
    file_scoped_everywhere: bool,
) -> FileAnalysis {
    let local = client_ranges_in(file.tree, file.text, bindings, Some(within));
    let everywhere =
        file_scoped_everywhere.then(|| client_ranges_in(file.tree, file.text, bindings, None));
    let ranges = RuleRanges {
        file_scoped: everywhere.as_ref().unwrap_or(&local).as_query_ranges(),
        function_scoped: &local.statements,
        whole_file_facts: false,
    };
    analyze_rule_ranges(file, settings, workspace, bindings, Some(ranges))
}

/// Where each kind of rule is checked.
#[derive(Clone, Copy)]
struct RuleRanges<'r> {
    /// Where the query runs (file-scoped rules check all of it).
    file_scoped: QueryRanges<'r>,
    /// The statements whose matches function-scoped rules check.
    function_scoped: &'r [Range<usize>],
    /// Whether to scan the whole text for the facts and suppressions that are not in the
    /// statements (the bounce handler mention, `cio-lsp-disable` comments).
    whole_file_facts: bool,
}

/// Like [`analyze`] but over the whole tree, for tests that check that range selection loses
/// nothing.
pub fn analyze_whole_tree(
    file: &SourceFile,
    settings: &Settings,
    workspace: &dyn WorkspaceView,
) -> FileAnalysis {
    let bindings = file_bindings(file, settings, workspace);
    analyze_rule_ranges(file, settings, workspace, &bindings, None)
}

/// The client bindings of `file` against `workspace`, with the configured clients and packages.
pub fn file_bindings(
    file: &SourceFile,
    settings: &Settings,
    workspace: &dyn WorkspaceView,
) -> Bindings {
    let mut clients = settings.clients();
    // customerio-reactnative 4 moved to the object form; an unknown version keeps it.
    clients.react_native_positional = workspace
        .package_version("customerio-reactnative")
        .is_below(Version::new(4, 0, 0));
    Bindings::collect_configured(file.tree, file.text, workspace, clients)
}

/// The client bindings of the source `text` at `path` on its own, without a workspace: what
/// it imports, re-exports and makes. `None` when the path is not JavaScript or TypeScript.
pub fn standalone_bindings(path: &Path, text: &str, settings: &Settings) -> Option<Bindings> {
    let lang = Lang::from_path(path)?;
    let tree = syntax::parse(lang, text, None);
    let file = SourceFile {
        path,
        lang,
        text,
        tree: &tree,
    };
    Some(file_bindings(&file, settings, &NoWorkspaceView))
}

fn analyze_rule_ranges(
    file: &SourceFile,
    settings: &Settings,
    workspace: &dyn WorkspaceView,
    bindings: &Bindings,
    rule_ranges: Option<RuleRanges>,
) -> FileAnalysis {
    // The query runs over the wider ranges; matches of function-scoped rules outside theirs
    // are skipped.
    let _indexed = syntax::index_tree(file.tree);
    let ranges = rule_ranges.map(|r| r.file_scoped);
    let function_scoped = rule_ranges.map(|r| r.function_scoped);
    let whole_file_facts = rule_ranges.is_none_or(|r| r.whole_file_facts);
    let mut analysis = FileAnalysis {
        facts: FileFacts {
            exports: bindings.exports.clone(),
            reexports: bindings.reexports.clone(),
            functions: bindings.exported_summaries(file.path, file.text),
            // A text search, not a query: a bounce webhook handler need not name a client.
            handles_bounce: whole_file_facts && rules::cio008::mentions_bounce_handling(file.text),
            verifies_metric_webhooks: whole_file_facts
                && rules::cio008::verifies_metric_webhooks(file.text),
            exported_values: if whole_file_facts {
                exported_values(file.tree, file.path, file.text, bindings, workspace)
            } else {
                Vec::new()
            },
            exported_functions: if whole_file_facts {
                exported_functions(file.tree, file.text, bindings, workspace)
            } else {
                Vec::new()
            },
            ..FileFacts::default()
        },
        // Scanned before the early return: an unused suppression is reported even in a file
        // without findings.
        suppressions: if whole_file_facts {
            suppress::scan(file.text, file.tree)
        } else {
            suppress::Suppressions::default()
        },
        ..FileAnalysis::default()
    };
    if ranges.is_some_and(|r| r.statements.is_empty()) {
        return analysis;
    }
    let query = rules::builtin(file.lang);
    let mut findings = Vec::new();
    let mut panicked: Vec<&'static str> = Vec::new();
    let line_index = std::cell::OnceCell::new();
    let budget = QueryBudget::new(settings.query_budget());
    query.for_each_match(
        file.tree,
        file.text,
        bindings,
        ranges,
        &budget,
        |rule_index, hit| {
            let rule = &RULES[rule_index];
            if panicked.contains(&rule.id) {
                return;
            }
            if rule.scope == rules::Scope::Function
                && function_scoped.is_some_and(|ranges| !hit_within(&hit, ranges))
            {
                return;
            }
            // A disabled rule still records facts (event names, regions) for the workspace.
            let severity = settings.severity_of(rule).unwrap_or(rule.severity);
            let reported_before = findings.len();
            let mut ctx = RuleContext {
                path: file.path,
                lang: file.lang,
                source: file.text,
                bindings,
                options: settings.rule_options(),
                workspace,
                facts: &mut analysis.facts,
                rule,
                severity,
                findings: &mut findings,
                line_index: &line_index,
            };
            let outcome = catch_unwind(AssertUnwindSafe(|| (rule.check)(&mut ctx, &hit)));
            if outcome.is_err() {
                panicked.push(rule.id);
            }
            if findings.len() > reported_before {
                if let Some(related) = wrapped_call_of(&hit, file, bindings, &line_index) {
                    for finding in &mut findings[reported_before..] {
                        finding.related.push(related.clone());
                    }
                }
            }
        },
    );
    for id in panicked {
        findings.retain(|f| f.rule != id);
        let message = format!(
            "rule {id} failed on {} and was skipped",
            file.path.display()
        );
        tracing::error!("{message}");
        analysis.internal_errors.push(message);
    }
    if budget.exhausted() {
        // The matches found before the time ran out may be half of a rule's evidence (CIO003
        // sees a track before the identify that follows it): none of them are reported.
        findings.clear();
        let notice = Notice::out_of_time(file.path, None, settings.query_budget());
        tracing::warn!("{}: {}", file.path.display(), notice.message);
        analysis.notices.push(notice);
    }
    // User rules (config `rule_dirs`) see the same statements as the built-in ones.
    let out_of_time = user_rules::run(
        file,
        &settings.user_rules,
        &settings.rule_levels,
        bindings,
        function_scoped,
        settings.query_budget(),
        &mut findings,
    );
    for id in out_of_time {
        let notice = Notice::out_of_time(file.path, Some(id), settings.query_budget());
        tracing::warn!("{}: {}", file.path.display(), notice.message);
        analysis.notices.push(notice);
    }
    findings
        .retain(|f| rules::find(&f.rule).is_none_or(|rule| settings.severity_of(rule).is_some()));
    apply_supersedes(&mut findings);
    sort_findings(&mut findings);
    analysis.findings = findings;
    analysis
}

/// For a match at a call of a wrapper (a workspace function that passes its arguments on to a
/// Customer.io call): the wrapped call, as related information of the findings reported there.
fn wrapped_call_of(
    hit: &Hit,
    file: &SourceFile,
    bindings: &Bindings,
    line_index: &std::cell::OnceCell<LineIndex>,
) -> Option<Related> {
    let callee = hit.get("call")?.field("function")?;
    if callee.kind_name() != "identifier" {
        return None;
    }
    let name = syntax::text(callee, file.text);
    let wrapped = &bindings.function_summary(name)?.wraps.as_ref()?.call;
    let location = match &wrapped.site {
        CallSite::Here(range) => {
            let index = line_index.get_or_init(|| LineIndex::new(file.text));
            Location::new(file.path.to_path_buf(), file.text, index, range.clone())
        }
        CallSite::There(location) => location.clone(),
    };
    Some(Related {
        location,
        message: format!("`{name}` passes it on to {} here", wrapped.described),
    })
}

/// Whether a match lies inside one of `ranges` (by its first capture: every capture of a match
/// is inside the statement the query was run over).
fn hit_within(hit: &Hit, ranges: &[Range<usize>]) -> bool {
    hit.captures.first().is_some_and(|(_, node)| {
        let start = node.start_byte();
        ranges.iter().any(|r| r.start <= start && start < r.end)
    })
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
            options: settings.rule_options(),
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
    // One pass over the local findings (a pass per workspace finding was quadratic). Of
    // workspace findings with the same rule and range, the last one stands.
    let mut replaced: HashMap<String, HashSet<Range<usize>>> = HashMap::new();
    let mut kept: Vec<Finding> = workspace
        .into_iter()
        .rev()
        .filter(|f| {
            let ranges = replaced.entry(f.rule.clone()).or_default();
            ranges.insert(f.range.clone())
        })
        .collect();
    kept.reverse();
    local.retain(|f| {
        let ranges = replaced.get(f.rule.as_str());
        !ranges.is_some_and(|ranges| ranges.contains(&f.range))
    });
    local.extend(kept);
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

/// The statements that mention a client, a constructor, a global or an imported helper that
/// awaits a Customer.io call: the only places where a rule can match. Querying these instead of
/// the whole tree is what keeps the cost of a Customer.io-dense file near the cost of parsing it.
pub fn client_ranges(tree: &Tree, source: &str, bindings: &Bindings) -> Vec<Range<usize>> {
    client_ranges_in(tree, source, bindings, None).statements
}

/// The client mentions of a file and the statements around them.
struct ClientRanges {
    /// The statements that hold a mention, merged.
    statements: Vec<Range<usize>>,
    /// Each mention (client, constructor, global or helper name), merged.
    mentions: Vec<Range<usize>>,
    /// Each mention of what may route a call to Customer.io another way (an HTTP client).
    routed_mentions: Vec<Range<usize>>,
}

impl ClientRanges {
    fn as_query_ranges(&self) -> QueryRanges<'_> {
        QueryRanges {
            statements: &self.statements,
            mentions: &self.mentions,
            routed_mentions: &self.routed_mentions,
        }
    }
}

/// [`client_ranges`] limited to mentions inside `within` (sorted, non-overlapping), with the
/// mentions themselves.
fn client_ranges_in(
    tree: &Tree,
    source: &str,
    bindings: &Bindings,
    within: Option<&[Range<usize>]>,
) -> ClientRanges {
    let _indexed = syntax::index_tree(tree);
    let whole = 0..source.len();
    // Searching only `within` keeps a keystroke's cost independent of the file's length.
    let searched = within.unwrap_or(std::slice::from_ref(&whole));
    let root = tree.root_node();
    let mut statements: Vec<Range<usize>> = Vec::new();
    // Imported helpers that await a Customer.io call: CIO007 reports a handler's await of one.
    let mut tokens: Vec<&str> = bindings
        .client_names()
        .chain(bindings.constructor_names())
        .chain(bindings.awaiting_helper_names())
        .collect();
    tokens.extend(["_cio", "cioanalytics"]);
    // Signature checks of Customer.io webhooks involve no client (CIO019).
    if webhooks::handles_signed_webhooks(source) {
        tokens.extend(webhooks::SIGNATURE_FUNCTIONS);
    }
    let mentions = mentions_of(tokens, root, source, searched, &mut statements);
    let routed_tokens: Vec<&str> = bindings
        .http_client_names()
        .iter()
        .copied()
        .chain(bindings.wrapper_names())
        .collect();
    let routed_mentions = mentions_of(routed_tokens, root, source, searched, &mut statements);
    ClientRanges {
        statements: merge_ranges(statements),
        mentions,
        routed_mentions,
    }
}

/// The whole-word occurrences of `tokens` in the `searched` ranges of the text, merged; the
/// statements that hold them are added to `statements`.
fn mentions_of(
    mut tokens: Vec<&str>,
    root: tree_sitter::Node,
    source: &str,
    searched: &[Range<usize>],
    statements: &mut Vec<Range<usize>>,
) -> Vec<Range<usize>> {
    tokens.sort_unstable();
    tokens.dedup();
    let mut mentions: Vec<Range<usize>> = Vec::new();
    for range in searched {
        let Some(text) = source.get(range.clone()) else {
            continue;
        };
        for (offset, token) in syntax::words_occurrences(text, &tokens) {
            let offset = range.start + offset;
            let end = offset + tokens[token].len();
            if let Some(node) = syntax::descendant_for_byte_range(root, offset, end) {
                statements.push(syntax::enclosing_statement(node).byte_range());
                mentions.push(offset..end);
            }
        }
    }
    merge_ranges(mentions)
}
