//! Report printers for `cio-lsp check --format`. Each printer takes the same [`ReportContext`].
//!
//! Positions in every format are 1-based lines and 1-based columns counted in UTF-16 code units
//! (SARIF's default `columnKind`, the unit of JavaScript string indices and of LSP), computed by
//! the one position converter, [`crate::analysis::position`]. For text without characters
//! beyond U+FFFF, that is simply characters. End columns are exclusive: they name the column
//! just after the range.

pub mod github;
pub mod human;
pub mod json;
pub mod sarif;

use std::cell::RefCell;
use std::ops::Range;
use std::path::{Component, Path, PathBuf};

use serde::{Serialize, Serializer};
use serde_json::Value;

use crate::analysis::position::{Encoding, LineCol, LineIndex};
use crate::analysis::project::{FileReport, FixSummary, ProjectReport, Skipped};
use crate::analysis::{Finding, Location, Notice, Severity};

/// A JSON array serialised as its items are made, one at a time: a report's findings are
/// written without first building the whole document (which took 2.7 times the memory of the
/// human output on 50,000 files).
pub struct Streamed<I>(RefCell<Option<I>>);

impl<I: Iterator<Item = Value>> Streamed<I> {
    pub fn new(items: I) -> Streamed<I> {
        Streamed(RefCell::new(Some(items)))
    }
}

impl<I: Iterator<Item = Value>> Serialize for Streamed<I> {
    /// Serialised once: the items are consumed.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let items = self.0.borrow_mut().take();
        serializer.collect_seq(items.into_iter().flatten())
    }
}

/// The findings of every file in order, each made by `make` with its file's line index (built
/// once per file, while the file's findings are made).
pub fn per_finding<'a, T: 'a>(
    ctx: &'a ReportContext,
    mut make: impl FnMut(&'a FileReport, &LineIndex, &'a Finding) -> T + 'a,
) -> impl Iterator<Item = T> + 'a {
    ctx.report.files.iter().flat_map(move |file| {
        let index = LineIndex::new(&file.text);
        let made: Vec<T> = file
            .findings
            .iter()
            .map(|finding| make(file, &index, finding))
            .collect();
        made
    })
}

/// Everything a printer needs.
pub struct ReportContext<'a> {
    pub report: &'a ProjectReport,
    /// Paths are shown relative to this directory.
    pub base: &'a DisplayBase,
    /// What `--fix` changed, when it ran.
    pub fixed: Option<&'a FixSummary>,
    /// `--verbose`: list every skipped file and folder, not only those that could not be read.
    pub verbose: bool,
}

impl ReportContext<'_> {
    pub fn count(&self, severity: Severity) -> usize {
        self.findings().filter(|f| f.severity == severity).count()
    }

    /// Infos and hints are reported together.
    pub fn count_infos(&self) -> usize {
        self.findings()
            .filter(|f| f.severity <= Severity::Info)
            .count()
    }

    pub fn findings(&self) -> impl Iterator<Item = &Finding> {
        self.report.files.iter().flat_map(|f| &f.findings)
    }

    pub fn fixes_applied(&self) -> usize {
        self.fixed.map_or(0, |f| f.fixes_applied())
    }

    /// The skipped files and folders a report lists: those that could not be read always,
    /// those left out by an ignore rule only with `--verbose` (the summary counts them all).
    pub fn listed_skipped(&self) -> impl Iterator<Item = &Skipped> {
        self.report
            .skipped
            .iter()
            .filter(|skipped| self.verbose || !skipped.ignored)
    }
}

/// The directory that reported paths are relative to (absolute, normalised).
#[derive(Debug, Clone)]
pub struct DisplayBase {
    cwd: PathBuf,
    base: PathBuf,
}

impl DisplayBase {
    /// The current directory when every scanned path lies inside it (the usual `check .` or
    /// `check src/` from a repository root, where GitHub and editors resolve paths from);
    /// otherwise `fallback` (the analysis root).
    pub fn new(scanned: &[PathBuf], fallback: &Path) -> Self {
        let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("/"));
        let absolute = |p: &Path| normalize(&cwd.join(p));
        let all_inside = scanned.iter().all(|p| absolute(p).starts_with(&cwd));
        let base = if all_inside {
            cwd.clone()
        } else {
            absolute(fallback)
        };
        DisplayBase { cwd, base }
    }

    pub fn path(&self) -> &Path {
        &self.base
    }

    /// `path` relative to the base with `/` separators, or `None` when it lies outside.
    pub fn relative(&self, path: &Path) -> Option<String> {
        let absolute = normalize(&self.cwd.join(path));
        let relative = absolute.strip_prefix(&self.base).ok()?;
        Some(to_slashes(relative))
    }

    /// `path` for people: relative to the base when inside it, else absolute.
    pub fn display(&self, path: &Path) -> String {
        self.relative(path)
            .unwrap_or_else(|| to_slashes(&normalize(&self.cwd.join(path))))
    }
}

fn to_slashes(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// Removes `.` and resolves `..` lexically (no file system access: the path may be gone).
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// A 1-based range: lines, and columns in UTF-16 code units with an exclusive end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub start_line: u32,
    pub start_column: u32,
    pub end_line: u32,
    pub end_column: u32,
}

impl Span {
    pub fn new(text: &str, index: &LineIndex, range: &Range<usize>) -> Self {
        let start = index.position(text, range.start, Encoding::Utf16);
        let end = index.position(text, range.end, Encoding::Utf16);
        Self::from_line_cols(start, end)
    }

    pub fn of_location(location: &Location) -> Self {
        Self::from_line_cols(
            location.start(Encoding::Utf16),
            location.end(Encoding::Utf16),
        )
    }

    fn from_line_cols(start: LineCol, end: LineCol) -> Self {
        Span {
            start_line: start.line + 1,
            start_column: start.col + 1,
            end_line: end.line + 1,
            end_column: end.col + 1,
        }
    }
}

/// A notice as one line: `src/a.ts:3:5: [CIO010] message` (the place and rule when it has them).
pub fn notice_line(base: &DisplayBase, notice: &Notice) -> String {
    let mut line = base.display(&notice.path);
    if let Some(at) = &notice.at {
        let span = Span::of_location(at);
        line.push_str(&format!(":{}:{}", span.start_line, span.start_column));
    }
    line.push_str(": ");
    if let Some(rule) = &notice.rule {
        line.push_str(&format!("[{rule}] "));
    }
    line.push_str(&notice.message);
    line
}

pub fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("{n} {one}")
    } else {
        format!("{n} {many}")
    }
}
