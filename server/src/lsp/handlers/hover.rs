//! `textDocument/hover`: the rule's documentation on a finding, else what the Customer.io call
//! under the cursor expects.

use tower_lsp_server::ls_types::{
    Hover, HoverContents, HoverParams, MarkupContent, MarkupKind, Range,
};

use crate::analysis::resolve::{CioCall, Method};
use crate::analysis::{self, rules, Settings};
use crate::lsp::convert::Snapshot;
use crate::lsp::documents::Document;
use crate::lsp::state::{guarded, State};

pub fn hover(state: &State, params: HoverParams) -> Option<Hover> {
    let at = params.text_document_position_params;
    let doc = state.documents.get(&at.text_document.uri)?;
    let encoding = state.encoding();
    let hover = guarded("hovering", || {
        let snapshot = Snapshot {
            text: doc.text(),
            index: doc.line_index(),
            encoding,
        };
        let offset = snapshot
            .byte_range(Range::new(at.position, at.position))
            .start;
        hover_at(state, &doc, &snapshot, offset)
    });
    hover.flatten()
}

/// Hover text: the rule's documentation on a flagged range, else a note on what the
/// Customer.io call under the cursor expects.
fn hover_at(state: &State, doc: &Document, snapshot: &Snapshot, offset: usize) -> Option<Hover> {
    let findings = doc.findings();
    let flagged = findings
        .iter()
        .filter(|f| f.range.start <= offset && offset <= f.range.end)
        .min_by_key(|f| f.range.len());
    let settings = state.settings.read().unwrap();
    if let Some(finding) = flagged {
        if let Some(docs) = rule_docs(&finding.rule, &settings.analysis) {
            return Some(markdown_hover(docs, Some(snapshot.range(&finding.range))));
        }
    }
    let index = state.index.read().unwrap();
    let bindings =
        analysis::file_bindings(&doc.source(), &settings.analysis, &index.view(&doc.path));
    let node = analysis::syntax::descendant_for_byte_range(doc.tree().root_node(), offset, offset)?;
    let call = CioCall::enclosing(node, &bindings, doc.text())?;
    Some(markdown_hover(
        call_note(&call),
        Some(snapshot.range(&call.call.byte_range())),
    ))
}

/// A rule's documentation in Markdown: a built-in rule's with a link to its page, a user rule's
/// `docs` as written.
fn rule_docs(id: &str, settings: &Settings) -> Option<String> {
    if let Some(rule) = rules::find(id) {
        return Some(format!(
            "{}\n\n[{} documentation]({})",
            rule.docs.trim_end(),
            rule.id,
            analysis::docs_url(rule)
        ));
    }
    let user_rule = settings.user_rules.find(id)?;
    (!user_rule.docs.trim().is_empty()).then(|| user_rule.docs.trim_end().to_string())
}

fn markdown_hover(value: String, range: Option<Range>) -> Hover {
    Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value,
        }),
        range,
    }
}

/// What a Customer.io call expects, in a few lines.
fn call_note(call: &CioCall) -> String {
    let expects = match call.method {
        Method::Identify => {
            "Creates or updates a person. The id is permanent: use your database id, not an \
             email address. Include `email` so that messages can reach them. Timestamps \
             (`created_at`, `*_at`) are Unix **seconds**."
        }
        Method::Track | Method::TrackAnonymous | Method::Page => {
            "Records an event. The event name is a fixed string in the configured style \
             (no ids or personal data in it); put variable data in the event's data. \
             Timestamps are Unix **seconds**; identify the person before tracking them."
        }
        Method::Destroy => "Deletes a person and their data.",
        Method::Suppress | Method::Unsuppress => {
            "Stops (or resumes) messages to a person, e.g. after a bounce or complaint."
        }
        Method::AddDevice => "Registers a push device token for a person.",
        Method::MergeCustomers => "Merges a secondary person into a primary one.",
        Method::Batch => "Sends several calls in one request; the same rules apply to each.",
        Method::Other => "A Customer.io API call.",
    };
    let promise = if call.sdk.returns_promise() {
        "\n\nReturns a promise: `await` it or handle its rejection."
    } else {
        ""
    };
    format!(
        "**Customer.io** · `{}` on a {}\n\n{expects}{promise}",
        call.method_name,
        call.sdk.describe()
    )
}
