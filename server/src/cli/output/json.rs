//! `--format json`: one document, schema documented in the README.

use std::io::{self, Write};
use std::path::Path;

use serde_json::json;

use crate::analysis::position::{Encoding, LineIndex};
use crate::analysis::project::ProjectReport;
use crate::cli::check::display_path;

pub const SCHEMA_VERSION: u32 = 1;

pub fn print(out: &mut dyn Write, report: &ProjectReport, root: &Path) -> io::Result<()> {
    let mut findings = Vec::new();
    for file in &report.files {
        let index = LineIndex::new(&file.text);
        let path = display_path(&file.path, root);
        for finding in &file.findings {
            let start = index.position(&file.text, finding.range.start, Encoding::Utf8);
            let end = index.position(&file.text, finding.range.end, Encoding::Utf8);
            findings.push(json!({
                "rule": finding.rule,
                "severity": finding.severity,
                "message": finding.message,
                "path": path,
                "range": {
                    "start": { "line": start.line + 1, "column": start.col + 1, "offset": finding.range.start },
                    "end": { "line": end.line + 1, "column": end.col + 1, "offset": finding.range.end },
                },
                "related": finding.related.iter().map(|r| json!({
                    "path": display_path(&r.location.path, root),
                    "line": r.location.utf8.0.line + 1,
                    "column": r.location.utf8.0.col + 1,
                    "message": r.message,
                })).collect::<Vec<_>>(),
                "fixes": finding.fixes.iter().map(|fix| json!({
                    "title": fix.title,
                    "applicability": fix.applicability,
                    "edits": fix.edits.iter().map(|e| json!({
                        "start": e.range.start, "end": e.range.end, "text": e.new_text,
                    })).collect::<Vec<_>>(),
                })).collect::<Vec<_>>(),
            }));
        }
    }
    let document = json!({
        "version": SCHEMA_VERSION,
        "tool": { "name": "cio-lsp", "version": env!("CARGO_PKG_VERSION") },
        "findings": findings,
        "skipped": report.skipped.iter().map(|s| json!({
            "path": display_path(&s.path, root), "reason": s.reason,
        })).collect::<Vec<_>>(),
        "summary": {
            "files_checked": report.files_checked,
            "files_parsed": report.files_parsed,
            "errors": count(report, crate::analysis::Severity::Error),
            "warnings": count(report, crate::analysis::Severity::Warning),
            "infos": count(report, crate::analysis::Severity::Info),
        },
    });
    serde_json::to_writer_pretty(&mut *out, &document)?;
    writeln!(out)
}

fn count(report: &ProjectReport, severity: crate::analysis::Severity) -> usize {
    report
        .files
        .iter()
        .flat_map(|f| &f.findings)
        .filter(|f| f.severity == severity)
        .count()
}
