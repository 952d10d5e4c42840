//! `textDocument/codeAction`: quick fixes and suppressions for the findings in a range, and a
//! document's fix-all.

use tower_lsp_server::ls_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, CodeActionResponse,
    Diagnostic, Range, Uri,
};

use crate::analysis::position::Encoding;
use crate::analysis::{self, suppress, Applicability, Finding};
use crate::lsp::convert::{self, Snapshot};
use crate::lsp::documents::Document;
use crate::lsp::state::{guarded, State};

/// The code action kind of "fix all cio-lsp problems".
pub const FIX_ALL_KIND: CodeActionKind = CodeActionKind::new("source.fixAll.cio-lsp");

pub fn code_action(state: &State, params: CodeActionParams) -> Option<CodeActionResponse> {
    let uri = params.text_document.uri;
    let doc = state.analysed_document(&uri)?;
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

/// Whether `finding`'s fix may be applied without asking: its only fix, fit for fix-all or as
/// a quick fix (a suggestion is for a human to choose).
fn preferred_fix(finding: &Finding) -> bool {
    matches!(
        finding.fixes.as_slice(),
        [fix] if matches!(fix.applicability, Applicability::FixAll | Applicability::QuickFix)
    )
}

fn quick_fix(
    uri: &Uri,
    snapshot: &Snapshot,
    title: String,
    diagnostic: &Diagnostic,
    edits: &[analysis::TextEdit],
    preferred: bool,
) -> CodeActionOrCommand {
    CodeActionOrCommand::CodeAction(CodeAction {
        title,
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![diagnostic.clone()]),
        edit: Some(convert::document_edit(uri, snapshot.text_edits(edits))),
        is_preferred: Some(preferred),
        ..Default::default()
    })
}

fn wants(only: Option<&[CodeActionKind]>, kind: &CodeActionKind) -> bool {
    only.is_none_or(|kinds| {
        kinds.iter().any(|k| {
            kind.as_str() == k.as_str() || kind.as_str().starts_with(&format!("{}.", k.as_str()))
        })
    })
}

/// Quick fixes and suppressions for the findings in `range`, and the document's fix-all.
///
/// The findings are taken narrowest first, so that the menu starts with the fix of the finding
/// the cursor is on, not of a wider one around it: first every fix (only the narrowest
/// finding's may be preferred: the one fix an editor applies without asking), then the
/// suppressions, each titled with the line its comment silences.
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
        let mut at_cursor: Vec<&Finding> = findings
            .iter()
            .filter(|f| f.range.start <= wanted.end && wanted.start <= f.range.end)
            .collect();
        at_cursor.sort_by_key(|f| (f.range.len(), f.range.start));
        let diagnostics: Vec<Diagnostic> = at_cursor
            .iter()
            .map(|f| snapshot.diagnostic((*f).clone()))
            .collect();
        for (index, (finding, diagnostic)) in at_cursor.iter().zip(&diagnostics).enumerate() {
            let preferred = index == 0 && preferred_fix(finding);
            for fix in &finding.fixes {
                actions.push(quick_fix(
                    uri,
                    &snapshot,
                    fix.title.clone(),
                    diagnostic,
                    &fix.edits,
                    preferred,
                ));
            }
        }
        let cursor_line = range.start.line;
        let mut suppressed_lines: Vec<(&str, usize)> = Vec::new();
        for (finding, diagnostic) in at_cursor.iter().zip(&diagnostics) {
            // A suppression comment cannot suppress a report about itself.
            if finding.rule == suppress::UNUSED_SUPPRESSION {
                continue;
            }
            let edit =
                suppress::disable_next_line_edit(doc.text(), finding.range.clone(), &finding.rule);
            if suppressed_lines.contains(&(finding.rule.as_str(), edit.range.start)) {
                continue;
            }
            suppressed_lines.push((&finding.rule, edit.range.start));
            let line = diagnostic.range.start.line;
            let title = if line == cursor_line {
                format!("Disable {} for this line", finding.rule)
            } else {
                // The comment goes above the finding's first line, not the cursor's.
                format!("Disable {} for line {}", finding.rule, line + 1)
            };
            actions.push(quick_fix(uri, &snapshot, title, diagnostic, &[edit], false));
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
