//! The one rule registry. Each rule `CIOnnn` has:
//! - its query `queries/CIOnnn-<name>.scm` (the syntactic shape, with `#cio-…?` predicates),
//! - its documentation `queries/CIOnnn-<name>.md` (hover, `cio-lsp explain`, SARIF help),
//! - its Rust check `server/src/analysis/rules/cionnn.rs` (what a query cannot say: scope,
//!   ordering, fixes),
//! - its fixtures `tests/fixtures/CIOnnn/` (hits and non-hits with inline expectations).

use std::cell::OnceCell;
use std::path::Path;

use tree_sitter::Node;

use super::finding::{Finding, Location, Severity};
use super::query::Hit;
use super::resolve::Bindings;
use super::resolve::CioCall;
use super::resolve::{FileFacts, WorkspaceIndex, WorkspaceView};
use super::syntax::position::LineIndex;
use super::{Lang, Settings};

mod cio001;
mod cio002;
mod cio003;
mod cio004;
mod cio005;
mod cio006;
mod cio007;
pub mod cio008;
mod cio009;
mod cio010;
mod cio011;
mod cio012;
mod cio013;
mod cio014;
mod cio015;
mod cio016;
pub mod constructions;
pub mod event_names;
pub mod fixes;
pub mod timestamps;

/// How far a rule's check looks from the match it is given: what the language server must
/// re-run after an edit (see `analysis::analyze_in_ranges`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The check reads only the matched statement and its enclosing function: re-running it
    /// on the edited functions is enough.
    Function,
    /// The check reads other functions of the file (CIO007 follows same-file helpers, CIO009
    /// looks at callers, CIO001/CIO015 build fixes from every use of a name): after any edit
    /// it runs over the whole file again.
    File,
}

/// A built-in rule.
pub struct Rule {
    pub id: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    /// The catalog's "autofix" column, as shown by `cio-lsp rules`.
    pub autofix: &'static str,
    /// One line for `cio-lsp rules` and SARIF `shortDescription`.
    pub summary: &'static str,
    pub query: &'static str,
    pub docs: &'static str,
    /// Called for every match of the rule's query whose `#cio-…?` predicates hold.
    pub check: fn(&mut RuleContext, &Hit),
    /// For workspace rules: findings for one file given the whole workspace's facts.
    pub workspace_check: Option<fn(&WorkspaceContext) -> Vec<Finding>>,
    /// Rules whose finding on the same range this rule's finding replaces.
    pub supersedes: &'static [&'static str],
    pub scope: Scope,
}

macro_rules! rule {
    ($module:ident, $id:literal, $name:literal, $severity:ident, $autofix:literal, $summary:literal) => {
        rule!(
            $module,
            $id,
            $name,
            $severity,
            $autofix,
            $summary,
            None,
            &[]
        )
    };
    ($module:ident, $id:literal, $name:literal, $severity:ident, $autofix:literal, $summary:literal,
     $workspace:expr, $supersedes:expr) => {
        Rule {
            id: $id,
            name: $name,
            severity: Severity::$severity,
            autofix: $autofix,
            summary: $summary,
            query: include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../queries/",
                $id,
                "-",
                $name,
                ".scm"
            )),
            docs: include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../queries/",
                $id,
                "-",
                $name,
                ".md"
            )),
            check: $module::check,
            workspace_check: $workspace,
            supersedes: $supersedes,
            scope: file_scoped($id),
        }
    };
}

/// The rules whose checks read beyond the function of their match (see [`Scope::File`]).
const FILE_SCOPED: &[&str] = &["CIO001", "CIO007", "CIO009", "CIO015"];

const fn file_scoped(id: &str) -> Scope {
    let mut i = 0;
    while i < FILE_SCOPED.len() {
        if const_str_eq(FILE_SCOPED[i], id) {
            return Scope::File;
        }
        i += 1;
    }
    Scope::Function
}

const fn const_str_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// Whether rule `id`'s findings must be recomputed over the whole file after an edit: a
/// file-scoped built-in rule. (User rules report at their own match: function scope.)
pub fn is_file_scoped(id: &str) -> bool {
    find(id).is_some_and(|rule| rule.scope == Scope::File)
}

/// Every built-in rule, in id order.
pub static RULES: &[Rule] = &[
    rule!(
        cio001,
        "CIO001",
        "wrong-api-key",
        Error,
        "yes",
        "A Track API key is passed to the App API client, or the reverse"
    ),
    rule!(
        cio002,
        "CIO002",
        "millisecond-timestamp",
        Error,
        "yes (fix-all safe)",
        "A timestamp in milliseconds where Customer.io expects Unix seconds"
    ),
    rule!(
        cio003,
        "CIO003",
        "track-before-identify",
        Warning,
        "yes (move)",
        "An event is tracked for a person before the person is identified"
    ),
    rule!(
        cio004,
        "CIO004",
        "email-as-id",
        Warning,
        "suggestion",
        "An email address is used as the person's permanent id"
    ),
    rule!(
        cio005,
        "CIO005",
        "identify-without-email",
        Warning,
        "suggestion",
        "A profile is created without an email attribute"
    ),
    rule!(
        cio006,
        "CIO006",
        "dynamic-event-name",
        Warning,
        "yes",
        "An event name is built at run time"
    ),
    rule!(
        cio007,
        "CIO007",
        "blocking-request-path",
        Warning,
        "yes",
        "A web request handler waits for a Customer.io call before responding"
    ),
    rule!(
        cio008,
        "CIO008",
        "no-bounce-handling",
        Info,
        "no",
        "The workspace never suppresses people or handles bounce webhooks",
        Some(cio008::workspace_check),
        &[]
    ),
    rule!(
        cio009,
        "CIO009",
        "client-per-request",
        Warning,
        "yes (hoist)",
        "A Customer.io client is constructed inside a function"
    ),
    rule!(
        cio010,
        "CIO010",
        "event-name-style",
        Warning,
        "suggestion",
        "An event name does not follow the configured naming style",
        Some(cio010::workspace_check),
        &[]
    ),
    rule!(
        cio011,
        "CIO011",
        "unthrottled-loop",
        Warning,
        "no",
        "Track API calls in a loop with no rate limiter"
    ),
    rule!(
        cio012,
        "CIO012",
        "pii-in-event-name",
        Error,
        "yes",
        "Personal data in an event name",
        None,
        &["CIO006"]
    ),
    rule!(
        cio013,
        "CIO013",
        "hardcoded-credential",
        Error,
        "yes",
        "A Customer.io credential is written in the source"
    ),
    rule!(
        cio014,
        "CIO014",
        "unhandled-rejection",
        Warning,
        "yes (fix-all safe)",
        "A Customer.io promise is neither awaited nor caught"
    ),
    rule!(
        cio015,
        "CIO015",
        "legacy-constructor",
        Error,
        "yes",
        "The v1–v2 default-export constructor used with customerio-node 3 or later"
    ),
    rule!(
        cio016,
        "CIO016",
        "region-mismatch",
        Warning,
        "no",
        "Customer.io clients of one workspace use different regions",
        Some(cio016::workspace_check),
        &[]
    ),
];

/// Looks a rule up by id (case-insensitive) or by name.
pub fn find(id_or_name: &str) -> Option<&'static Rule> {
    RULES
        .iter()
        .find(|r| r.id.eq_ignore_ascii_case(id_or_name) || r.name == id_or_name)
}

/// What a rule's check sees and where it reports.
pub struct RuleContext<'a> {
    pub path: &'a Path,
    pub lang: Lang,
    pub source: &'a str,
    pub bindings: &'a Bindings,
    pub settings: &'a Settings,
    pub workspace: &'a dyn WorkspaceView,
    /// Facts for the workspace index, collected as the rules run (event names, regions…).
    pub facts: &'a mut FileFacts,
    pub(crate) rule: &'static Rule,
    pub(crate) severity: Severity,
    pub(crate) findings: &'a mut Vec<Finding>,
    /// Built on first use: most files never need a position in the core.
    pub(crate) line_index: &'a OnceCell<LineIndex>,
}

impl RuleContext<'_> {
    /// A finding of the current rule at `node`, with the configured severity.
    pub fn finding(&self, node: Node, message: impl Into<String>) -> Finding {
        self.finding_at(node.byte_range(), message)
    }

    pub fn finding_at(&self, range: std::ops::Range<usize>, message: impl Into<String>) -> Finding {
        Finding::new(self.rule.id, self.severity, range, message.into())
    }

    /// `range` of this file as a [`Location`], for workspace facts and related information.
    pub fn location(&self, range: std::ops::Range<usize>) -> Location {
        let index = self.line_index.get_or_init(|| LineIndex::new(self.source));
        Location::new(self.path.to_path_buf(), self.source, index, range)
    }

    pub fn report(&mut self, finding: Finding) {
        self.findings.push(finding);
    }

    /// The Customer.io call that `node` is (or is inside of).
    pub fn enclosing_call<'t>(&self, node: Node<'t>) -> Option<CioCall<'t>> {
        CioCall::enclosing(node, self.bindings, self.source)
    }

    /// `node` as a Customer.io call.
    pub fn call<'t>(&self, node: Node<'t>) -> Option<CioCall<'t>> {
        CioCall::from_call(node, self.bindings, self.source)
    }

    pub fn text(&self, node: Node) -> &str {
        super::syntax::text(node, self.source)
    }
}

/// What a workspace rule's check sees for one file.
pub struct WorkspaceContext<'a> {
    pub path: &'a Path,
    pub facts: &'a FileFacts,
    pub index: &'a WorkspaceIndex,
    pub settings: &'a Settings,
    pub severity: Severity,
    pub rule: &'static Rule,
}

impl WorkspaceContext<'_> {
    pub fn finding_at(&self, range: std::ops::Range<usize>, message: impl Into<String>) -> Finding {
        Finding::new(self.rule.id, self.severity, range, message.into())
    }
}
