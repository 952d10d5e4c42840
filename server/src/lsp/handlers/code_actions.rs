//! `textDocument/codeAction`: quick fixes and suppressions for the findings in a range, and a
//! document's fix-all.

use tower_lsp_server::ls_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, CodeActionResponse, Range,
    Uri,
};

use crate::analysis::position::Encoding;
use crate::analysis::{self, suppress};
use crate::lsp::convert::{self, Snapshot};
use crate::lsp::documents::Document;
use crate::lsp::state::{guarded, State};

/// The code action kind of "fix all cio-lsp problems".
pub const FIX_ALL_KIND: CodeActionKind = CodeActionKind::new("source.fixAll.cio-lsp");

pub fn code_action(state: &State, params: CodeActionParams) -> Option<CodeActionResponse> {
    let uri = params.text_document.uri;
    let doc = state.documents.get(&uri)?;
    let encoding = state.encoding();
    let actions = guarded("computing code actions", || {
        code_actions(
            &uri,
            &doc,
            encoding,
            params.range,
            params.context.only.as_deref(),
        )
    });
    actions.filter(|a| !a.is_empty())
}

fn wants(only: Option<&[CodeActionKind]>, kind: &CodeActionKind) -> bool {
    only.is_none_or(|kinds| {
        kinds.iter().any(|k| {
            kind.as_str() == k.as_str() || kind.as_str().starts_with(&format!("{}.", k.as_str()))
        })
    })
}

/// Quick fixes and suppressions for the findings in `range`, and the document's fix-all.
fn code_actions(
    uri: &Uri,
    doc: &Document,
    encoding: Encoding,
    range: Range,
    only: Option<&[CodeActionKind]>,
) -> CodeActionResponse {
    let snapshot = Snapshot {
        text: doc.text(),
        index: doc.line_index(),
        encoding,
    };
    let wanted = snapshot.byte_range(range);
    let findings = doc.findings();
    let mut actions = Vec::new();
    if wants(only, &CodeActionKind::QUICKFIX) {
        let mut suppressed_lines: Vec<(String, usize)> = Vec::new();
        for finding in findings
            .iter()
            .filter(|f| f.range.start <= wanted.end && wanted.start <= f.range.end)
        {
            let diagnostic = snapshot.diagnostic(finding.clone());
            let only_fix = finding.fixes.len() == 1;
            for fix in &finding.fixes {
                let preferred = only_fix
                    && matches!(
                        fix.applicability,
                        analysis::Applicability::FixAll | analysis::Applicability::QuickFix
                    );
                actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                    title: fix.title.clone(),
                    kind: Some(CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![diagnostic.clone()]),
                    edit: Some(convert::document_edit(uri, snapshot.text_edits(&fix.edits))),
                    is_preferred: Some(preferred),
                    ..Default::default()
                }));
            }
            // A suppression comment cannot suppress a report about itself.
            if finding.rule == suppress::UNUSED_SUPPRESSION {
                continue;
            }
            let edit =
                suppress::disable_next_line_edit(doc.text(), finding.range.clone(), &finding.rule);
            if suppressed_lines.contains(&(finding.rule.clone(), edit.range.start)) {
                continue;
            }
            suppressed_lines.push((finding.rule.clone(), edit.range.start));
            actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: format!("Disable {} for this line", finding.rule),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![diagnostic]),
                edit: Some(convert::document_edit(uri, snapshot.text_edits(&[edit]))),
                is_preferred: Some(false),
                ..Default::default()
            }));
        }
    }
    if wants(only, &FIX_ALL_KIND) {
        let edits = analysis::fix::fix_all_edits(&findings);
        if !edits.is_empty() {
            actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: "Fix all auto-fixable Customer.io problems".into(),
                kind: Some(FIX_ALL_KIND),
                edit: Some(convert::document_edit(uri, snapshot.text_edits(&edits))),
                ..Default::default()
            }));
        }
    }
    actions
}
