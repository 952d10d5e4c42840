//! The analysis core: text and a path in, findings out. Knows nothing of LSP or JSON-RPC;
//! the CLI (`crate::cli`) and the language server (`crate::lsp`) are adapters over it.

pub mod clients;
pub mod config;
pub mod finding;
pub mod fix;
pub mod project;
pub mod query;
pub mod rules;
pub mod scopes;
pub mod sdk;
pub mod suppress;
pub mod syntax;
pub mod user_rules;
pub mod workspace;

use crate::analysis::syntax::KindExt;
use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::sync::Arc;

use tree_sitter::Tree;

pub use clients::{Bindings, Sdk};
pub use finding::{Applicability, Finding, Fix, Location, Related, Severity, TextEdit};
pub use syntax::position;
pub use syntax::{in_any, mentions, mentions_any, merge_ranges, parse, Lang, SourceFile};
pub use workspace::{AwaitingHelper, FileFacts, NoWorkspaceView, WorkspaceIndex, WorkspaceView};

use query::QueryRanges;
use rules::{Rule, RuleContext, WorkspaceContext, RULES};
use syntax::FieldExt;

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
    /// Wrapper packages (`@acme/customerio`) → the Customer.io package they re-export.
    pub extra_packages: HashMap<String, &'static str>,
    /// User rules from the configuration's `rule_dirs` (empty by default).
    pub user_rules: Arc<user_rules::UserRules>,
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

    /// The severity rule `id` reports at given its default, or `None` when it is off. For
    /// rules that are not built-in (user rules, `unused-suppression`).
    pub fn severity_of_id(&self, id: &str, default: Severity) -> Option<Severity> {
        match self.rule_levels.get(id) {
            Some(RuleLevel::Off) => None,
            Some(RuleLevel::On(severity)) => Some(*severity),
            None => Some(default),
        }
    }
}

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
}

/// Where the project lives. A placeholder until the project has a public home; everything
/// that links to documentation builds its URL from this one constant.
pub const HOMEPAGE: &str = "https://github.com/cio-lsp/cio-lsp";

/// The stable documentation URL of a rule: its `queries/CIOnnn-<name>.md` on the homepage.
pub fn docs_url(rule: &Rule) -> String {
    format!("{HOMEPAGE}/blob/main/queries/{}-{}.md", rule.id, rule.name)
}

/// Whether `text` can hold a Customer.io call at all: it names a package or global, a
/// configured client, or (when `exporting_stems` is given) a workspace module that exports a
/// client. Files that fail this are not parsed. (To test many files, build a [`Prefilter`]
/// once.)
pub fn mentions_customerio(text: &str, settings: &Settings, exporting_stems: &[String]) -> bool {
    Prefilter::new(settings, exporting_stems).matches(text)
}

/// The text prefilter of [`mentions_customerio`], compiled once for many files. Each text is
/// searched in one SIMD pass, by the fastest searcher for the number of needles. Measured on
/// a realistic corpus, texts that name none of the needles:
///
/// | needles | one `memmem` per needle | Teddy (packed) | Aho-Corasick |
/// |---|---|---|---|
/// | 1 module stem | 15 GB/s | 7.3 GB/s | 16 GB/s |
/// | 2 module stems | 8.0 GB/s | 7.1 GB/s | 1.7 GB/s |
/// | the 4 package and global names | 6.5 GB/s | 9.2 GB/s | 1.9 GB/s |
/// | 40 module stems | 0.7 GB/s | 5.7 GB/s | 3.8 GB/s |
///
/// Aho-Corasick's automaton falls back to a rare-byte prefilter, which needles starting with
/// `c`, `_` or `C` (everywhere in code) defeat; it is kept for what Teddy cannot take (more
/// needles than it packs, or a CPU without its instructions).
pub enum Prefilter {
    /// One substring search per needle: fastest for one or two needles.
    Separate(Vec<memchr::memmem::Finder<'static>>),
    /// One packed (Teddy) pass for up to a few dozen needles.
    Packed(aho_corasick::packed::Searcher),
    /// One Aho-Corasick pass, for the rest.
    Automaton(aho_corasick::AhoCorasick),
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
            .chain(settings.extra_packages.keys().map(String::as_str))
            .chain(exporting_stems.iter().map(String::as_str));
        Prefilter::from_needles(needles)
    }

    /// Up to this many needles, one substring search per needle.
    pub const MAX_SEPARATE_SEARCHES: usize = 2;

    /// A prefilter that looks for exactly `needles`.
    pub fn from_needles<I>(needles: I) -> Prefilter
    where
        I: IntoIterator,
        I::Item: AsRef<[u8]>,
    {
        let needles: Vec<I::Item> = needles.into_iter().collect();
        if needles.len() > Self::MAX_SEPARATE_SEARCHES {
            if let Some(packed) = aho_corasick::packed::Searcher::new(needles.iter()) {
                return Prefilter::Packed(packed);
            }
            if let Ok(automaton) = aho_corasick::AhoCorasick::new(&needles) {
                return Prefilter::Automaton(automaton);
            }
        }
        Prefilter::Separate(
            needles
                .iter()
                .map(|needle| memchr::memmem::Finder::new(needle.as_ref()).into_owned())
                .collect(),
        )
    }

    pub fn matches(&self, text: &str) -> bool {
        let bytes = text.as_bytes();
        match self {
            Prefilter::Separate(finders) => {
                finders.iter().any(|finder| finder.find(bytes).is_some())
            }
            Prefilter::Packed(searcher) => searcher.find(bytes).is_some(),
            Prefilter::Automaton(automaton) => automaton.is_match(bytes),
        }
    }
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
/// when `file_scoped_everywhere` (pass [`linked_by_name`]: `within` is linked to the rest of the
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

/// Whether the top-level statements in `within` are linked by name to other top-level
/// statements of the file: a function declared in `within` is named outside it, or `within`
/// names a function declared outside it (`declared_outside`, from
/// [`declared_functions`] of this text or of any version of it whose statements
/// outside `within` are the same). File-scoped rules follow exactly such links (CIO007 from a
/// handler to the helpers it awaits, CIO009 from a function to its callers), so an edit
/// without them leaves their findings elsewhere unchanged.
pub fn linked_by_name(
    tree: &Tree,
    source: &str,
    within: &[Range<usize>],
    declared_outside: &HashSet<&str>,
) -> bool {
    let inside = |offset: usize| in_any(offset, within);
    let edited: Vec<tree_sitter::Node> = within
        .iter()
        .flat_map(|range| syntax::top_level_statements_in(tree.root_node(), range.clone()))
        .collect();
    let names_outside = |name: &str| syntax::word_occurrences(source, name).any(|o| !inside(o));
    let declares_named = edited
        .iter()
        .filter_map(|statement| declared_function(*statement, source))
        .any(names_outside);
    declares_named
        || edited.iter().any(|statement| {
            let mut names_declared = false;
            syntax::for_each_descendant(*statement, &mut |node| {
                names_declared = names_declared
                    || (node.kind_name() == "identifier"
                        && declared_outside.contains(syntax::text(node, source)));
            });
            names_declared
        })
}

/// The names of the `declared` functions whose statements start outside `within` (the
/// `declared_outside` of [`linked_by_name`]).
pub fn declared_outside<'d>(
    declared: &'d [DeclaredFunction],
    within: &[Range<usize>],
) -> HashSet<&'d str> {
    declared
        .iter()
        .filter(|(range, _)| !in_any(range.start, within))
        .map(|(_, name)| name.as_str())
        .collect()
}

/// A function declared by a top-level statement: the statement's range and the name.
pub type DeclaredFunction = (Range<usize>, String);

/// The functions that the top-level statements declare (only those starting inside `within`,
/// when given), in order. An editor keeps them between keystrokes: the statements an edit
/// did not touch declare the same functions (see [`linked_by_name`]).
pub fn declared_functions(
    tree: &Tree,
    source: &str,
    within: Option<&[Range<usize>]>,
) -> Vec<DeclaredFunction> {
    let root = tree.root_node();
    let statements = match within {
        None => syntax::top_level_statements(root),
        Some(within) => within
            .iter()
            .flat_map(|range| syntax::top_level_statements_in(root, range.clone()))
            .collect(),
    };
    statements
        .into_iter()
        .filter_map(|statement| {
            declared_function(statement, source).map(|name| (statement.byte_range(), name.into()))
        })
        .collect()
}

/// The name of the function a top-level statement declares (`function f`, `export function f`,
/// `const f = () => …`).
fn declared_function<'s>(statement: tree_sitter::Node, source: &'s str) -> Option<&'s str> {
    let declaration = match statement.kind_name() {
        "export_statement" => statement.field("declaration")?,
        _ => statement,
    };
    let function = if syntax::is_function(declaration) {
        declaration
    } else if declaration.kind_name() == "lexical_declaration" {
        let declarator = declaration.named_child(0)?;
        declarator
            .field("value")
            .filter(|v| syntax::is_function(*v))?
    } else {
        return None;
    };
    syntax::function_name(function, source)
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
    Bindings::collect_configured(
        file.tree,
        file.text,
        workspace,
        &settings.extra_clients,
        &settings.extra_packages,
    )
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
            // A text search, not a query: a bounce webhook handler need not name a client.
            handles_bounce: whole_file_facts && rules::cio008::mentions_bounce_handling(file.text),
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
    let query = query::builtin(file.lang);
    let mut findings = Vec::new();
    let mut panicked: Vec<&'static str> = Vec::new();
    let line_index = std::cell::OnceCell::new();
    query.for_each_match(file.tree, file.text, bindings, ranges, |rule_index, hit| {
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
            line_index: &line_index,
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
    // User rules (config `rule_dirs`) see the same statements as the built-in ones.
    user_rules::run(file, settings, bindings, function_scoped, &mut findings);
    findings
        .retain(|f| rules::find(&f.rule).is_none_or(|rule| settings.severity_of(rule).is_some()));
    apply_supersedes(&mut findings);
    sort_findings(&mut findings);
    analysis.findings = findings;
    analysis
}

/// Whether a match lies inside one of `ranges` (by its first capture: every capture of a match
/// is inside the statement the query was run over).
fn hit_within(hit: &query::Hit, ranges: &[Range<usize>]) -> bool {
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
}

impl ClientRanges {
    fn as_query_ranges(&self) -> QueryRanges<'_> {
        QueryRanges {
            statements: &self.statements,
            mentions: &self.mentions,
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
    let mut ranges: Vec<Range<usize>> = Vec::new();
    let mut mentions: Vec<Range<usize>> = Vec::new();
    // Imported helpers that await a Customer.io call: CIO007 reports a handler's await of one.
    let mut tokens: Vec<&str> = bindings
        .client_names()
        .chain(bindings.constructor_names())
        .chain(bindings.awaiting_helper_names())
        .collect();
    tokens.extend(["_cio", "cioanalytics"]);
    tokens.sort_unstable();
    tokens.dedup();
    for token in tokens {
        for range in searched {
            let Some(text) = source.get(range.clone()) else {
                continue;
            };
            for offset in syntax::word_occurrences(text, token).map(|o| range.start + o) {
                let end = offset + token.len();
                if let Some(node) = syntax::descendant_for_byte_range(root, offset, end) {
                    ranges.push(syntax::enclosing_statement(node).byte_range());
                    mentions.push(offset..end);
                }
            }
        }
    }
    ClientRanges {
        statements: merge_ranges(ranges),
        mentions: merge_ranges(mentions),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefilters_with_few_or_many_needles_find_the_texts_that_name_one() {
        let stems: Vec<String> = (0..200).map(|i| format!("module{i}_client")).collect();
        // Separate searches, a packed search (where the CPU has Teddy's instructions), an
        // automaton (more needles than Teddy packs).
        for count in [0, 1, Prefilter::MAX_SEPARATE_SEARCHES, 4, 20, 200] {
            let prefilter = Prefilter::from_needles(&stems[..count]);
            for stem in &stems[..count] {
                assert!(prefilter.matches(&format!("import {{ cio }} from \"./{stem}\";")));
                assert!(prefilter.matches(&format!("x{stem}x")));
            }
            for stem in &stems[count..] {
                assert!(!prefilter.matches(&format!("import {{ cio }} from \"./{stem}\";")));
            }
            assert!(!prefilter.matches("import { cio } from \"./module_client\";"));
            assert!(!prefilter.matches(""));
            let separate = matches!(prefilter, Prefilter::Separate(_));
            assert_eq!(
                separate,
                count <= Prefilter::MAX_SEPARATE_SEARCHES,
                "{count}"
            );
        }
        let many = Prefilter::from_needles(&stems);
        assert!(matches!(many, Prefilter::Automaton(_)));
    }

    /// Whether the top-level statement holding `marker` is linked by name to the others.
    fn linked(source: &str, marker: &str) -> bool {
        let tree = parse(Lang::TypeScript, source, None);
        let at = source.find(marker).unwrap();
        let statement = tree
            .root_node()
            .named_children(&mut tree.walk())
            .find(|s| s.start_byte() <= at && at < s.end_byte())
            .unwrap();
        let within = [statement.byte_range()];
        let declared_functions = declared_functions(&tree, source, None);
        let declared = declared_outside(&declared_functions, &within);
        let unindexed = linked_by_name(&tree, source, &within, &declared);
        let _index = syntax::index_tree(&tree);
        assert_eq!(linked_by_name(&tree, source, &within, &declared), unindexed);
        unindexed
    }

    #[test]
    fn statements_are_linked_by_the_functions_they_declare_and_name() {
        let source = "export async function helper() { await cio.track('a', {}); }\n\
                      export async function handler() { await helper(); /*h*/ }\n\
                      export const arrow = async () => { await cio.identify('b', {}); /*a*/ };\n\
                      function lonely() { const helperish = 1; return helperish; /*l*/ }\n";
        // `helper` is awaited by `handler`; `handler` names `helper`.
        assert!(linked(source, "cio.track"));
        assert!(linked(source, "/*h*/"));
        // Neither declares a name used elsewhere nor uses one declared elsewhere.
        assert!(!linked(source, "/*a*/"));
        assert!(!linked(source, "/*l*/"));
    }
}
