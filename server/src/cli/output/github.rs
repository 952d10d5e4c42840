//! `--format github`: GitHub Actions workflow commands, which GitHub shows as annotations on
//! the pull request's changed lines:
//!
//! ```text
//! ::error file=src/signup.ts,line=8,col=64,endLine=8,endColumn=74,title=CIO002 millisecond-timestamp::`created_at` is in milliseconds; …
//! ```
//!
//! error → `::error`, warning → `::warning`, info and hint → `::notice`. Paths are relative
//! to the current directory (run `check` from the repository root). Skipped files go to
//! stderr as plain lines so that they do not annotate the pull request.

use std::io::{self, Write};

use super::{plural, ReportContext, Span};
use crate::analysis::position::LineIndex;
use crate::analysis::rules;
use crate::analysis::Severity;

pub fn print(out: &mut dyn Write, ctx: &ReportContext) -> io::Result<()> {
    for file in &ctx.report.files {
        let index = LineIndex::new(&file.text);
        let path = ctx.base.display(&file.path);
        for finding in &file.findings {
            let span = Span::new(&file.text, &index, &finding.range);
            let title = match rules::find(&finding.rule) {
                Some(rule) => format!("{} {}", rule.id, rule.name),
                None => finding.rule.clone(),
            };
            writeln!(
                out,
                "::{} file={},line={},col={},endLine={},endColumn={},title={}::{}",
                command(finding.severity),
                escape_property(&path),
                span.start_line,
                span.start_column,
                span.end_line,
                span.end_column,
                escape_property(&title),
                escape_data(&finding.message)
            )?;
        }
    }
    for skipped in ctx.listed_skipped() {
        eprintln!(
            "cio-lsp: skipped {}: {}",
            ctx.base.display(&skipped.path),
            skipped.reason
        );
    }
    writeln!(
        out,
        "cio-lsp: {}, {}, {} in {} checked",
        plural(ctx.count(Severity::Error), "error", "errors"),
        plural(ctx.count(Severity::Warning), "warning", "warnings"),
        plural(ctx.count_infos(), "info", "infos"),
        plural(ctx.report.files_checked, "file", "files"),
    )
}

fn command(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info | Severity::Hint => "notice",
    }
}

/// The message part of a workflow command: `%`, CR and LF are percent-encoded.
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A `key=value` property: as data, plus `:` and `,`, which would end the property.
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workflow_command_escaping() {
        assert_eq!(
            escape_data("100% of\r\nit: a, b"),
            "100%25 of%0D%0Ait: a, b"
        );
        assert_eq!(escape_property("a:b,c%d\n"), "a%3Ab%2Cc%25d%0A");
    }
}
