//! rustc/oxlint-style code frames.

use std::io::{self, Write};
use std::path::Path;

use crate::analysis::position::{Encoding, LineIndex};
use crate::analysis::project::ProjectReport;
use crate::cli::check::display_path;

pub fn print(out: &mut dyn Write, report: &ProjectReport, root: &Path) -> io::Result<()> {
    let mut counts = [0usize; 4];
    for file in &report.files {
        let index = LineIndex::new(&file.text);
        let path = display_path(&file.path, root);
        for finding in &file.findings {
            counts[finding.severity as usize] += 1;
            let start = index.position(&file.text, finding.range.start, Encoding::Utf8);
            let end = index.position(&file.text, finding.range.end, Encoding::Utf8);
            writeln!(
                out,
                "{}[{}]: {}",
                finding.severity.as_str(),
                finding.rule,
                finding.message
            )?;
            writeln!(
                out,
                "  --> {}:{}:{}",
                path,
                start.line + 1,
                char_col(&file.text, &index, finding.range.start) + 1
            )?;
            let line_range = index.line_range(&file.text, start.line as usize);
            let line_text = &file.text[line_range.clone()];
            let gutter = (start.line + 1).to_string();
            writeln!(out, "{} |", " ".repeat(gutter.len()))?;
            writeln!(out, "{gutter} | {line_text}")?;
            let underline_start = char_col(&file.text, &index, finding.range.start);
            let underline_end = if end.line == start.line {
                char_col(&file.text, &index, finding.range.end)
            } else {
                line_text.chars().count()
            };
            let width = underline_end.saturating_sub(underline_start).max(1);
            writeln!(
                out,
                "{} | {}{}",
                " ".repeat(gutter.len()),
                " ".repeat(underline_start),
                "^".repeat(width)
            )?;
            if let Some(fix) = finding.fixes.first() {
                writeln!(out, "{} = fix: {}", " ".repeat(gutter.len()), fix.title)?;
            }
            writeln!(out)?;
        }
    }
    for skipped in &report.skipped {
        writeln!(
            out,
            "note: skipped {}: {}",
            display_path(&skipped.path, root),
            skipped.reason
        )?;
    }
    let total: usize = counts.iter().sum();
    writeln!(
        out,
        "Found {} problem{} ({} error{}, {} warning{}, {} info) in {} file{} checked.",
        total,
        plural(total),
        counts[3],
        plural(counts[3]),
        counts[2],
        plural(counts[2]),
        counts[1],
        report.files_checked,
        plural(report.files_checked)
    )
}

/// Column in characters, for aligning the underline under the source line.
fn char_col(text: &str, index: &LineIndex, offset: usize) -> usize {
    let line = index.line_of(offset);
    let start = index.line_range(text, line).start;
    text[start..offset.min(text.len()).max(start)]
        .chars()
        .count()
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
