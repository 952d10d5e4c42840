//! `textDocument/hover`: on a finding, its message, the short form of its rule's page (why, and
//! one wrong → right example) and a link to the whole page; else what the Customer.io call
//! under the cursor expects. The content comes from `analysis::explain`; this only formats it.

use tower_lsp_server::ls_types::{
    Hover, HoverContents, HoverParams, MarkupContent, MarkupKind, Range,
};

use crate::analysis::{self, Finding, RuleDocs};
use crate::lsp::convert::Snapshot;
use crate::lsp::documents::Document;
use crate::lsp::state::{guarded, State};

pub fn hover(state: &State, params: HoverParams) -> Option<Hover> {
    let at = params.text_document_position_params;
    let doc = state.analysed_document(&at.text_document.uri)?;
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

/// Hover text: the narrowest finding under the cursor with its rule's short docs, else a note
/// on the Customer.io call under it.
fn hover_at(state: &State, doc: &Document, snapshot: &Snapshot, offset: usize) -> Option<Hover> {
    let findings = doc.findings_at(offset);
    let flagged = findings.iter().min_by_key(|f| f.range.len());
    let settings = state.settings_for(&doc.path);
    if let Some(finding) = flagged {
        let docs = analysis::rule_docs(&finding.rule, &settings.user_rules)
            .filter(|docs| !docs.page.trim().is_empty());
        if let Some(docs) = docs {
            return Some(markdown_hover(
                finding_markdown(finding, &docs),
                snapshot.range(&finding.range),
            ));
        }
    }
    let index = state.index.read().unwrap();
    let (range, note) = doc.call_at(offset, &settings, &index.view(&doc.path))?;
    Some(markdown_hover(note, snapshot.range(&range)))
}

/// A finding as its hover shows it: the rule and message, the short form of the rule's page
/// (a user rule without one: its docs as written), and where the whole page is.
fn finding_markdown(finding: &Finding, docs: &RuleDocs) -> String {
    let body = docs.summary().unwrap_or(docs.page.trim());
    let full_page = match &docs.url {
        Some(url) => format!(
            "[Full documentation]({url}) · `cio-lsp explain {}`",
            docs.id
        ),
        None => format!("Full documentation: `cio-lsp explain {}`", docs.id),
    };
    format!(
        "**{}** {}\n\n{body}\n\n{full_page}",
        docs.id, finding.message
    )
}

fn markdown_hover(value: String, range: Range) -> Hover {
    Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value,
        }),
        range: Some(range),
    }
}
