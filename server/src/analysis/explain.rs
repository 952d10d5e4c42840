//! What the editor's hover and `cio-lsp explain` say: a rule's documentation (built-in, else a
//! user rule's), and the Customer.io call at an offset with a note on what it expects. The
//! adapters only format these.

use std::ops::Range;

use tree_sitter::Tree;

use crate::analysis::resolve::sdk_calls::SdkCall;
use crate::analysis::resolve::{Bindings, CioCall};
use crate::analysis::rules::{self, docs};
use crate::analysis::syntax;
use crate::analysis::user_rules::UserRules;

/// A rule's documentation page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleDocs<'a> {
    /// The rule's id as registered (`CIO002`, or the user rule's).
    pub id: &'a str,
    /// The whole page, Markdown (`cio-lsp explain`).
    pub page: &'a str,
    /// Where the page is published (built-in rules only).
    pub url: Option<String>,
}

impl<'a> RuleDocs<'a> {
    /// The page's `## In short` section (see [`docs::summary`]): what a hover shows.
    pub fn summary(&self) -> Option<&'a str> {
        docs::summary(self.page)
    }
}

/// The documentation of rule `id_or_name`: a built-in rule's page, else the docs of a user rule
/// of `user_rules` (which may be empty).
pub fn rule_docs<'a>(id_or_name: &str, user_rules: &'a UserRules) -> Option<RuleDocs<'a>> {
    if let Some(rule) = rules::find(id_or_name) {
        return Some(RuleDocs {
            id: rule.id,
            page: rule.docs,
            url: Some(rules::docs_url(rule)),
        });
    }
    let user_rule = user_rules.find(id_or_name)?;
    Some(RuleDocs {
        id: &user_rule.id,
        page: &user_rule.docs,
        url: None,
    })
}

/// The Customer.io call at `offset` (the innermost one around it) of a file whose client
/// bindings are `bindings`.
pub fn call_at<'t>(
    tree: &'t Tree,
    source: &str,
    bindings: &Bindings,
    offset: usize,
) -> Option<CallNote<'t>> {
    let node = syntax::descendant_for_byte_range(tree.root_node(), offset, offset)?;
    let call = CioCall::enclosing(node, bindings, source)?;
    Some(CallNote { call })
}

/// A Customer.io call and what it expects.
pub struct CallNote<'t> {
    pub call: CioCall<'t>,
}

impl CallNote<'_> {
    /// Where the note applies: the call's callee (`cio.track`).
    pub fn range(&self) -> Range<usize> {
        syntax::call_head(self.call.call)
    }

    /// What the call expects, in a few lines of Markdown.
    pub fn markdown(&self) -> String {
        let call = &self.call;
        let promise = if call.sdk.returns_promise() {
            "\n\nReturns a promise: `await` it or handle its rejection."
        } else {
            ""
        };
        let what = match call.http() {
            // A request written by hand: what it is, and the SDK call that would do the same.
            Some(request) => {
                let sdk = request
                    .sdk_equivalent()
                    .map(|sdk| format!(" · the SDK call: `{sdk}`"))
                    .unwrap_or_default();
                format!(
                    "a direct request to the Track API, `{}`{sdk}",
                    call.method_name
                )
            }
            None => format!("`{}` on a {}", call.method_name, call.sdk.describe()),
        };
        format!(
            "**Customer.io** · {what}\n\n{}{promise}",
            expectations(call)
        )
    }
}

/// What `call` does and expects: its row of the SDK call table (for a request written by hand
/// or a wrapper, the row of the SDK method that does the same).
fn expectations(call: &CioCall) -> &'static str {
    call.row()
        .or_else(|| SdkCall::find(call.sdk, &call.method_name))
        .map_or("A Customer.io API call.", |row| row.summary)
}
