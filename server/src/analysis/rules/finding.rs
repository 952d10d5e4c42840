//! What the rules produce: findings with byte ranges, related locations and fixes. (Where a
//! finding points in another file is a `syntax::Location`: workspace facts hold those too.)

use std::ops::Range;

use serde::{Deserialize, Serialize};

use crate::analysis::syntax::Location;

/// How serious a finding is. Ordered so that `Error > Warning > Info > Hint`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Hint,
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Hint => "hint",
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// One replacement of a byte range of the analysed text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TextEdit {
    pub range: Range<usize>,
    pub new_text: String,
}

impl TextEdit {
    pub fn replace(range: Range<usize>, new_text: impl Into<String>) -> Self {
        TextEdit {
            range,
            new_text: new_text.into(),
        }
    }

    pub fn insert(at: usize, new_text: impl Into<String>) -> Self {
        Self::replace(at..at, new_text)
    }
}

/// Whether a fix may be applied without a human looking at it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Applicability {
    /// Keeps behaviour apart from the bug it fixes: applied by fix-all and `check --fix`.
    FixAll,
    /// A correct fix, offered one at a time (it moves or renames code the user should see).
    QuickFix,
    /// Changes behaviour (renaming an event breaks existing triggers): offered, never preferred.
    Suggestion,
}

/// A set of edits that together fix one finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fix {
    pub title: String,
    pub applicability: Applicability,
    pub edits: Vec<TextEdit>,
}

/// Extra context for a finding: "the helper's call is here", "the other spelling is there".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Related {
    pub location: Location,
    pub message: String,
}

/// One mistake found in one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Rule id, `CIO002` for built-in rules or the id a user rule declares.
    pub rule: String,
    pub severity: Severity,
    /// Byte range in the analysed file.
    pub range: Range<usize>,
    pub message: String,
    pub related: Vec<Related>,
    pub fixes: Vec<Fix>,
}

impl Finding {
    pub fn new(rule: &str, severity: Severity, range: Range<usize>, message: String) -> Self {
        Finding {
            rule: rule.to_string(),
            severity,
            range,
            message,
            related: Vec::new(),
            fixes: Vec::new(),
        }
    }

    pub fn with_fix(mut self, fix: Fix) -> Self {
        self.fixes.push(fix);
        self
    }

    pub fn with_related(mut self, related: Related) -> Self {
        self.related.push(related);
        self
    }
}

/// Sorts findings by range and rule, dropping duplicates (same rule, same range).
pub fn sort_findings(findings: &mut Vec<Finding>) {
    findings.sort_by(|a, b| {
        (a.range.start, a.range.end, &a.rule).cmp(&(b.range.start, b.range.end, &b.rule))
    });
    findings.dedup_by(|a, b| a.rule == b.rule && a.range == b.range);
}
