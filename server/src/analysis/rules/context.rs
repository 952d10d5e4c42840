//! What a rule is ([`Rule`]) and what its check sees: [`RuleContext`] for the matches of its
//! query in one file, [`WorkspaceContext`] for the workspace facts.

use std::cell::OnceCell;
use std::path::Path;

use tree_sitter::Node;

use super::engine::Hit;
use super::finding::{Finding, Severity};
use super::options::RuleOptions;
use crate::analysis::resolve::values::ValueContext;
use crate::analysis::resolve::{Bindings, CioCall, FileFacts, WorkspaceIndex, WorkspaceView};
use crate::analysis::syntax::{self, Lang, LineIndex, Location};

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

/// What a rule's check sees and where it reports.
pub struct RuleContext<'a> {
    pub path: &'a Path,
    pub lang: Lang,
    pub source: &'a str,
    pub bindings: &'a Bindings,
    pub options: RuleOptions,
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
        syntax::text(node, self.source)
    }

    /// What the value service needs to answer about this file (following parameters to their
    /// call sites; see [`ValueContext::without_parameters`]).
    pub fn values(&self) -> ValueContext<'_> {
        ValueContext::new(self.source, self.bindings, self.workspace)
    }
}

/// What a workspace rule's check sees for one file.
pub struct WorkspaceContext<'a> {
    pub path: &'a Path,
    pub facts: &'a FileFacts,
    pub index: &'a WorkspaceIndex,
    pub options: RuleOptions,
    pub severity: Severity,
    pub rule: &'static Rule,
}

impl WorkspaceContext<'_> {
    pub fn finding_at(&self, range: std::ops::Range<usize>, message: impl Into<String>) -> Finding {
        Finding::new(self.rule.id, self.severity, range, message.into())
    }
}
