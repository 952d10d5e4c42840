//! `--format human`: rustc/oxlint-style code frames, notes for related locations, a summary.
//!
//! ```text
//! error[CIO002]: `created_at` is in milliseconds; Customer.io expects Unix seconds
//!   --> src/signup.ts:8:64
//!   |
//! 8 |   await cio.identify(user.id, { email: user.email, created_at: Date.now() });
//!   |                                                                ^^^^^^^^^^
//!   = fix (applied by --fix): Convert `created_at` to Unix seconds
//! ```

use std::io::{self, Write};

use super::{plural, ReportContext, Span};
use crate::analysis::position::LineIndex;
use crate::analysis::project::{FileReport, FixSummary};
use crate::analysis::{Applicability, Finding, Severity};

/// Tabs are shown as this many spaces so that the underline lines up.
const TAB_WIDTH: usize = 4;

/// ANSI styling, or none.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub color: bool,
}

impl Style {
    fn paint(self, ansi: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{ansi}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    fn severity(self, severity: Severity, text: &str) -> String {
        let ansi = match severity {
            Severity::Error => "1;31",
            Severity::Warning => "1;33",
            Severity::Info | Severity::Hint => "1;36",
        };
        self.paint(ansi, text)
    }

    fn frame(self, text: &str) -> String {
        self.paint("1;34", text)
    }

    fn bold(self, text: &str) -> String {
        self.paint("1", text)
    }
}

pub fn print(out: &mut dyn Write, ctx: &ReportContext, style: Style) -> io::Result<()> {
    for file in &ctx.report.files {
        let index = LineIndex::new(&file.text);
        for finding in &file.findings {
            print_finding(out, ctx, style, file, &index, finding)?;
        }
    }
    for skipped in ctx.listed_skipped() {
        writeln!(
            out,
            "{}: skipped {}: {}",
            style.bold("note"),
            ctx.base.display(&skipped.path),
            skipped.reason
        )?;
    }
    print_summary(out, ctx, style)
}

fn print_finding(
    out: &mut dyn Write,
    ctx: &ReportContext,
    style: Style,
    file: &FileReport,
    index: &LineIndex,
    finding: &Finding,
) -> io::Result<()> {
    let span = Span::new(&file.text, index, &finding.range);
    let gutter = " ".repeat(span.start_line.to_string().len());
    writeln!(
        out,
        "{}: {}",
        style.severity(
            finding.severity,
            &format!("{}[{}]", finding.severity.as_str(), finding.rule)
        ),
        style.bold(&finding.message)
    )?;
    writeln!(
        out,
        "{gutter}{} {}:{}:{}",
        style.frame("-->"),
        ctx.base.display(&file.path),
        span.start_line,
        span.start_column
    )?;

    // The first line of the range, underlined from its start to its end (or the line's end).
    let line = index.line_of(finding.range.start);
    let line_range = index.line_range(&file.text, line);
    let line_text = &file.text[line_range.clone()];
    let underline_end = finding
        .range
        .end
        .min(line_range.end)
        .max(finding.range.start);
    let before = display_width(&file.text[line_range.start..finding.range.start]);
    let width = display_width(&file.text[finding.range.start..underline_end]).max(1);
    writeln!(out, "{gutter} {}", style.frame("|"))?;
    writeln!(
        out,
        "{} {} {}",
        style.frame(&span.start_line.to_string()),
        style.frame("|"),
        line_text.replace('\t', &" ".repeat(TAB_WIDTH))
    )?;
    writeln!(
        out,
        "{gutter} {} {}{}",
        style.frame("|"),
        " ".repeat(before),
        style.severity(finding.severity, &"^".repeat(width))
    )?;

    for related in &finding.related {
        let at = Span::of_location(&related.location);
        writeln!(
            out,
            "{gutter} {} {}: {}",
            style.frame("="),
            style.bold("note"),
            related.message
        )?;
        writeln!(
            out,
            "{gutter}   {} {}:{}:{}",
            style.frame("-->"),
            ctx.base.display(&related.location.path),
            at.start_line,
            at.start_column
        )?;
    }
    for fix in &finding.fixes {
        let label = match fix.applicability {
            Applicability::FixAll => "fix (applied by --fix)",
            Applicability::QuickFix => "fix (in the editor)",
            Applicability::Suggestion => "suggestion",
        };
        writeln!(
            out,
            "{gutter} {} {}: {}",
            style.frame("="),
            style.bold(label),
            fix.title
        )?;
    }
    if crate::analysis::rules::find(&finding.rule).is_some() {
        writeln!(
            out,
            "{gutter} {} {}: `cio-lsp explain {}`",
            style.frame("="),
            style.bold("help"),
            finding.rule
        )?;
    }
    writeln!(out)
}

/// Columns a text takes on a terminal: tabs expanded, wide glyphs (CJK, emoji) as two.
fn display_width(text: &str) -> usize {
    text.chars()
        .map(|c| match c {
            '\t' => TAB_WIDTH,
            _ => unicode_width::UnicodeWidthChar::width(c).unwrap_or(0),
        })
        .sum()
}

fn print_summary(out: &mut dyn Write, ctx: &ReportContext, style: Style) -> io::Result<()> {
    let report = ctx.report;
    if let Some(fixed) = ctx.fixed {
        print_fixes(out, ctx, fixed)?;
    }
    let total = ctx.findings().count();
    let checked = plural(report.files_checked, "file", "files");
    let skipped = match report.skipped.len() {
        0 => String::new(),
        n if ctx.listed_skipped().count() < n => {
            format!(", {n} skipped (`--verbose` lists them)")
        }
        n => format!(", {n} skipped"),
    };
    if total == 0 {
        return writeln!(
            out,
            "{}",
            style.bold(&format!("No problems found ({checked} checked{skipped})."))
        );
    }
    let summary = format!(
        "Found {} ({}, {}, {}) in {}; {checked} checked{skipped}.",
        plural(total, "problem", "problems"),
        plural(ctx.count(Severity::Error), "error", "errors"),
        plural(ctx.count(Severity::Warning), "warning", "warnings"),
        plural(ctx.count_infos(), "info", "infos"),
        plural(report.files.len(), "file", "files"),
    );
    let color = if ctx.count(Severity::Error) > 0 {
        Severity::Error
    } else if ctx.count(Severity::Warning) > 0 {
        Severity::Warning
    } else {
        Severity::Info
    };
    writeln!(out, "{}", style.severity(color, &summary))?;
    let fixable = ctx
        .findings()
        .filter(|f| {
            f.fixes
                .iter()
                .any(|fix| fix.applicability == Applicability::FixAll)
        })
        .count();
    if fixable > 0 {
        writeln!(
            out,
            "{} fixable with `cio-lsp check --fix`.",
            plural(fixable, "problem is", "problems are")
        )?;
    }
    Ok(())
}

/// `--fix`: each fixed file with its count, then the files whose fixes were not applied, and why.
fn print_fixes(out: &mut dyn Write, ctx: &ReportContext, fixed: &FixSummary) -> io::Result<()> {
    if !fixed.fixed.is_empty() {
        writeln!(
            out,
            "Fixed {} in {}:",
            plural(fixed.fixes_applied(), "problem", "problems"),
            plural(fixed.fixed.len(), "file", "files")
        )?;
        for file in &fixed.fixed {
            writeln!(
                out,
                "  {}: {}",
                ctx.base.display(&file.path),
                plural(file.fixes_applied, "fix", "fixes")
            )?;
        }
    }
    if !fixed.skipped.is_empty() {
        writeln!(
            out,
            "Not fixed ({}):",
            plural(fixed.skipped.len(), "file", "files")
        )?;
        for skipped in &fixed.skipped {
            writeln!(
                out,
                "  {}: {}",
                ctx.base.display(&skipped.path),
                skipped.reason
            )?;
        }
    }
    Ok(())
}
