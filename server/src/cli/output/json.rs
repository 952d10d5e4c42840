//! `--format json`: one JSON document. The schema is stable: fields are only ever added, and
//! a change that removes or re-types a field bumps `version`.
//!
//! ```text
//! {
//!   "version": 1,
//!   "tool": { "name": "cio-lsp", "version": "0.1.0" },
//!   "findings": [{
//!     "rule": "CIO002",                    // rule id
//!     "name": "millisecond-timestamp",     // rule name (null for a rule cio-lsp does not know)
//!     "severity": "error",                 // "error" | "warning" | "info" | "hint"
//!     "message": "…",
//!     "path": "src/signup.ts",             // relative to the current directory, `/`-separated
//!     "range": Range,
//!     "related": [{ "path": "…", "range": Range, "message": "…" }],
//!     "fixes": [{
//!       "title": "…",
//!       "applicability": "fix-all",        // "fix-all" (applied by --fix) | "quick-fix" | "suggestion"
//!       "edits": [{ "range": Range, "text": "…" }]   // edits of the finding's file
//!     }]
//!   }],
//!   "skipped": [{ "path": "…", "reason": "…" }],
//!   "notices": [{ "path": "…", "range": Range | null, "rule": "ACME001" | null, "message": "…" }],
//!                                          // parts of the analysis left undone, and why
//!   "fixed": [{ "path": "…", "fixes": 2 }],  // files that --fix rewrote (empty without --fix)
//!   "fixes_skipped": [{ "path": "…", "reason": "…" }],  // files whose fixes --fix refused
//!   "summary": { "files_checked": 12, "files_parsed": 3, "errors": 1, "warnings": 0,
//!                "infos": 0, "fixes_applied": 0 }
//! }
//! Range = { "start": Position, "end": Position }   (end is exclusive)
//! Position = { "line": 1-based, "column": 1-based in UTF-16 code units, "offset": 0-based byte offset }
//! ```

use std::io::{self, Write};
use std::ops::Range;

use serde::Serialize;
use serde_json::{json, Value};

use super::{per_finding, ReportContext, Span, Streamed};
use crate::analysis::position::LineIndex;
use crate::analysis::rules;
use crate::analysis::{Finding, Severity};

pub const SCHEMA_VERSION: u32 = 1;

/// Writes the document with its findings serialised one at a time, as they are made.
pub fn print(out: &mut dyn Write, ctx: &ReportContext) -> io::Result<()> {
    let findings = per_finding(ctx, |file, index, finding| {
        let path = ctx.base.display(&file.path);
        finding_json(ctx, finding, &path, &file.text, index)
    });
    let fixed: Vec<Value> = ctx
        .fixed
        .map(|summary| {
            summary
                .fixed
                .iter()
                .map(|f| json!({ "path": ctx.base.display(&f.path), "fixes": f.fixes_applied }))
                .collect()
        })
        .unwrap_or_default();
    let fixes_skipped: Vec<Value> = ctx
        .fixed
        .map(|summary| {
            summary
                .skipped
                .iter()
                .map(|f| json!({ "path": ctx.base.display(&f.path), "reason": f.reason }))
                .collect()
        })
        .unwrap_or_default();
    let document = Document {
        version: SCHEMA_VERSION,
        tool: json!({ "name": "cio-lsp", "version": env!("CARGO_PKG_VERSION") }),
        findings: Streamed::new(findings),
        skipped: ctx
            .report
            .skipped
            .iter()
            .map(|s| json!({ "path": ctx.base.display(&s.path), "reason": s.reason }))
            .collect(),
        notices: ctx
            .report
            .notices
            .iter()
            .map(|notice| {
                json!({
                    "path": ctx.base.display(&notice.path),
                    "range": notice.at.as_ref().map(|at| range_json(Span::of_location(at), &at.range)),
                    "rule": notice.rule,
                    "message": notice.message,
                })
            })
            .collect(),
        fixed,
        fixes_skipped,
        summary: json!({
            "files_checked": ctx.report.files_checked,
            "files_parsed": ctx.report.files_parsed,
            "errors": ctx.count(Severity::Error),
            "warnings": ctx.count(Severity::Warning),
            "infos": ctx.count_infos(),
            "fixes_applied": ctx.fixes_applied(),
        }),
    };
    serde_json::to_writer_pretty(&mut *out, &document)?;
    writeln!(out)
}

/// The document, its fields in the schema's order.
#[derive(Serialize)]
#[serde(bound = "")]
struct Document<I: Iterator<Item = Value>> {
    version: u32,
    tool: Value,
    findings: Streamed<I>,
    skipped: Vec<Value>,
    notices: Vec<Value>,
    fixed: Vec<Value>,
    fixes_skipped: Vec<Value>,
    summary: Value,
}

fn finding_json(
    ctx: &ReportContext,
    finding: &Finding,
    path: &str,
    text: &str,
    index: &LineIndex,
) -> Value {
    json!({
        "rule": finding.rule,
        "name": rules::find(&finding.rule).map(|rule| rule.name),
        "severity": finding.severity,
        "message": finding.message,
        "path": path,
        "range": range_json(Span::new(text, index, &finding.range), &finding.range),
        "related": finding.related.iter().map(|r| json!({
            "path": ctx.base.display(&r.location.path),
            "range": range_json(Span::of_location(&r.location), &r.location.range),
            "message": r.message,
        })).collect::<Vec<_>>(),
        "fixes": finding.fixes.iter().map(|fix| json!({
            "title": fix.title,
            "applicability": fix.applicability,
            "edits": fix.edits.iter().map(|edit| json!({
                "range": range_json(Span::new(text, index, &edit.range), &edit.range),
                "text": edit.new_text,
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}

fn range_json(span: Span, bytes: &Range<usize>) -> Value {
    json!({
        "start": { "line": span.start_line, "column": span.start_column, "offset": bytes.start },
        "end": { "line": span.end_line, "column": span.end_column, "offset": bytes.end },
    })
}
