//! Suppression comments:
//!
//! - `// cio-lsp-disable-next-line CIO002 -- reason`: findings that start on the next line;
//! - `// cio-lsp-disable-line CIO002`: findings that start on the comment's line;
//! - `/* cio-lsp-disable-file CIO010 */`: every finding of the file.
//!
//! Several ids are separated by commas; no id suppresses every rule; text after `--` is a
//! free-form reason. Both comment styles work for every form. A suppression that suppresses
//! nothing is reported as an [`UNUSED_SUPPRESSION`] finding (severity hint, configurable like a
//! rule) with a fix that removes it.
//!
//! Scanning is a text search for `cio-lsp-disable` confirmed against the tree (the hit must be
//! inside a comment node), so a string that happens to contain the marker is not a suppression.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use tree_sitter::Tree;

use crate::analysis::rules::finding::{
    sort_findings, Applicability, Finding, Fix, Severity, TextEdit,
};
use crate::analysis::rules::options::RuleLevel;
use crate::analysis::rules::registry::RULES;
use crate::analysis::settings::Settings;
use crate::analysis::syntax::{self, KindExt, LineIndex};

pub use crate::analysis::rules::registry::UNUSED_SUPPRESSION;

const MARKER: &str = "cio-lsp-disable";

/// What a suppression comment covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    NextLine,
    Line,
    File,
}

impl Scope {
    fn directive(self) -> &'static str {
        match self {
            Scope::NextLine => "cio-lsp-disable-next-line",
            Scope::Line => "cio-lsp-disable-line",
            Scope::File => "cio-lsp-disable-file",
        }
    }
}

/// One suppression comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    pub scope: Scope,
    /// The whole comment.
    pub comment: Range<usize>,
    /// The rule ids it names, with their byte ranges; empty means every rule.
    pub ids: Vec<(String, Range<usize>)>,
    /// The 0-based line whose findings it suppresses (unused for [`Scope::File`]).
    line: usize,
}

/// The suppression comments of one file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Suppressions {
    pub directives: Vec<Directive>,
}

/// Finds the suppression comments of `text`.
pub fn scan(text: &str, tree: &Tree) -> Suppressions {
    let mut directives: Vec<Directive> = Vec::new();
    let mut index: Option<LineIndex> = None;
    let root = tree.root_node();
    // Indexed on the first marker only: most files have none, and indexing costs a walk
    // over the top-level statements.
    let mut indexed = None;
    for offset in memchr::memmem::find_iter(text.as_bytes(), MARKER) {
        indexed.get_or_insert_with(|| syntax::index_tree(tree));
        let Some(comment) = syntax::descendant_for_byte_range(root, offset, offset + MARKER.len())
            .filter(|node| node.kind_name() == "comment")
        else {
            continue;
        };
        if directives
            .last()
            .is_some_and(|d| d.comment == comment.byte_range())
        {
            continue; // the marker appears twice in one comment: the first one counts
        }
        let index = index.get_or_insert_with(|| LineIndex::new(text));
        if let Some(directive) = parse_comment(text, comment.byte_range(), index) {
            directives.push(directive);
        }
    }
    Suppressions { directives }
}

/// Parses `//  cio-lsp-disable-line A, B -- why` or the `/* … */` form.
fn parse_comment(text: &str, comment: Range<usize>, index: &LineIndex) -> Option<Directive> {
    let raw = &text[comment.clone()];
    let (body_start, body_end) = if raw.starts_with("/*") && raw.ends_with("*/") && raw.len() >= 4 {
        (comment.start + 2, comment.end - 2)
    } else if raw.starts_with("//") {
        (comment.start + 2, comment.end)
    } else {
        return None;
    };
    let body = &text[body_start..body_end];
    let leading = body.len() - body.trim_start().len();
    let word_start = body_start + leading;
    let rest = &text[word_start..body_end];
    let word_len = rest.find(char::is_whitespace).unwrap_or(rest.len());
    let scope = match &rest[..word_len] {
        "cio-lsp-disable-next-line" => Scope::NextLine,
        "cio-lsp-disable-line" => Scope::Line,
        "cio-lsp-disable-file" => Scope::File,
        _ => return None,
    };
    let ids_start = word_start + word_len;
    let ids_end = text[ids_start..body_end]
        .find("--")
        .map_or(body_end, |i| ids_start + i);
    let ids = split_ids(text, ids_start..ids_end);
    let comment_line = index.line_of(comment.start);
    let line = match scope {
        Scope::NextLine => index.line_of(comment.end) + 1,
        Scope::Line | Scope::File => comment_line,
    };
    Some(Directive {
        scope,
        comment,
        ids,
        line,
    })
}

/// Rule ids separated by commas (whitespace is tolerated as a separator too).
fn split_ids(text: &str, range: Range<usize>) -> Vec<(String, Range<usize>)> {
    let mut ids = Vec::new();
    let mut start = None;
    let segment = &text[range.clone()];
    for (i, ch) in segment.char_indices().chain([(segment.len(), ' ')]) {
        let separator = ch == ',' || ch.is_whitespace();
        match (start, separator) {
            (None, false) => start = Some(i),
            (Some(s), true) => {
                ids.push((segment[s..i].to_string(), range.start + s..range.start + i));
                start = None;
            }
            _ => {}
        }
    }
    ids
}

/// Removes the findings that `suppressions` cover and adds an [`UNUSED_SUPPRESSION`] finding
/// for every suppression (or listed id) that covered nothing. Run once per file, after the
/// workspace findings are merged in.
pub fn apply(
    text: &str,
    suppressions: &Suppressions,
    findings: &mut Vec<Finding>,
    settings: &Settings,
) {
    if suppressions.directives.is_empty() {
        return;
    }
    let index = LineIndex::new(text);
    // used[d][k]: whether id k of directive d (k = 0 for "every rule") suppressed something.
    let mut used: Vec<Vec<bool>> = suppressions
        .directives
        .iter()
        .map(|d| vec![false; d.ids.len().max(1)])
        .collect();
    let mut covering = CoveringDirectives::new(suppressions);
    findings.retain(|finding| {
        let line = index.line_of(finding.range.start);
        let rule = finding.rule.to_ascii_lowercase();
        let mut suppressed = false;
        for covers in [Covers::Line(line), Covers::File] {
            for id in [None, Some(rule.as_str())] {
                suppressed |= covering.mark_used(covers, id, &mut used);
            }
        }
        !suppressed
    });

    let Some(severity) = settings.severity_of_id(UNUSED_SUPPRESSION, Severity::Hint) else {
        return;
    };
    for (directive, used) in suppressions.directives.iter().zip(&used) {
        if let Some(finding) = unused_finding(text, directive, used, settings, severity) {
            findings.push(finding);
        }
    }
    sort_findings(findings);
}

/// Which lines a directive covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Covers {
    Line(usize),
    File,
}

/// The directives by what they cover and the rule id they name (`None`: every rule), so that
/// each finding looks up its own instead of asking every directive of the file (100,000
/// suppression comments made that quadratic). Each group is marked used once.
struct CoveringDirectives {
    /// `(covers, lower-case id)` → the directives of that group.
    groups: HashMap<(Covers, Option<String>), Group>,
}

/// The `(directive, id position)` pairs of one group, and whether they are marked used already.
#[derive(Default)]
struct Group {
    pairs: Vec<(usize, usize)>,
    marked: bool,
}

impl CoveringDirectives {
    fn new(suppressions: &Suppressions) -> CoveringDirectives {
        let mut groups: HashMap<_, Group> = HashMap::new();
        for (d, directive) in suppressions.directives.iter().enumerate() {
            let covers = match directive.scope {
                Scope::File => Covers::File,
                Scope::Line | Scope::NextLine => Covers::Line(directive.line),
            };
            if directive.ids.is_empty() {
                groups.entry((covers, None)).or_default().pairs.push((d, 0));
            }
            // An id listed twice in one directive: the first one suppresses.
            let mut seen = HashSet::new();
            for (k, (id, _)) in directive.ids.iter().enumerate() {
                let id = id.to_ascii_lowercase();
                if seen.insert(id.clone()) {
                    groups
                        .entry((covers, Some(id)))
                        .or_default()
                        .pairs
                        .push((d, k));
                }
            }
        }
        CoveringDirectives { groups }
    }

    /// Marks the directives that cover `covers` for rule `id` (every rule for `None`) as used;
    /// whether there are any.
    fn mark_used(&mut self, covers: Covers, id: Option<&str>, used: &mut [Vec<bool>]) -> bool {
        let Some(group) = self.groups.get_mut(&(covers, id.map(str::to_string))) else {
            return false;
        };
        if !group.marked {
            for &(d, k) in &group.pairs {
                used[d][k] = true;
            }
            group.marked = true;
        }
        true
    }
}

fn unused_finding(
    text: &str,
    directive: &Directive,
    used: &[bool],
    settings: &Settings,
    severity: Severity,
) -> Option<Finding> {
    let name = directive.scope.directive();
    if directive.ids.is_empty() {
        return (!used[0]).then(|| {
            remove_comment_finding(
                text,
                directive,
                severity,
                format!("Unused `{name}`: no finding is reported here"),
            )
        });
    }
    // A rule that is turned off reports nothing, so its suppression cannot be judged unused.
    let keep = |(k, (id, _)): &(usize, &(String, Range<usize>))| {
        used[*k] || matches!(settings.rule_levels.get(id.as_str()), Some(RuleLevel::Off))
    };
    let (kept, unused): (Vec<_>, Vec<_>) = directive.ids.iter().enumerate().partition(keep);
    if unused.is_empty() {
        return None;
    }
    let described: Vec<String> = unused
        .iter()
        .map(|(_, (id, _))| describe_id(id, settings))
        .collect();
    let message = format!(
        "Unused `{name}` for {}: no such finding is reported here",
        described.join(", ")
    );
    if kept.is_empty() {
        return Some(remove_comment_finding(text, directive, severity, message));
    }
    // Keep the ids that still suppress something; drop the others from the list.
    let list_range = directive.ids[0].1.start..directive.ids[directive.ids.len() - 1].1.end;
    let kept_list: Vec<&str> = kept.iter().map(|(_, (id, _))| id.as_str()).collect();
    let range = match unused.as_slice() {
        [(_, (_, range))] => range.clone(),
        _ => list_range.clone(),
    };
    Some(
        Finding::new(UNUSED_SUPPRESSION, severity, range, message).with_fix(Fix {
            title: "Remove the unused rule ids from the suppression".into(),
            applicability: Applicability::QuickFix,
            edits: vec![TextEdit::replace(list_range, kept_list.join(", "))],
        }),
    )
}

/// `CIO002`, or `CIO02 (no such rule)` for a typo.
fn describe_id(id: &str, settings: &Settings) -> String {
    let known = RULES.iter().any(|r| r.id.eq_ignore_ascii_case(id))
        || settings.user_rules.find(id).is_some();
    if known {
        format!("`{id}`")
    } else {
        format!("`{id}` (no such rule)")
    }
}

fn remove_comment_finding(
    text: &str,
    directive: &Directive,
    severity: Severity,
    message: String,
) -> Finding {
    Finding::new(
        UNUSED_SUPPRESSION,
        severity,
        directive.comment.clone(),
        message,
    )
    .with_fix(Fix {
        title: "Remove the unused suppression comment".into(),
        // Not fix-all: whether a suppression is used depends on the configuration in force.
        applicability: Applicability::QuickFix,
        edits: vec![comment_removal(text, directive.comment.clone())],
    })
}

/// Deletes a comment: its whole line when it stands alone, otherwise the comment and the
/// blanks before it.
fn comment_removal(text: &str, comment: Range<usize>) -> TextEdit {
    let line_start = text[..comment.start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[comment.end..]
        .find('\n')
        .map_or(text.len(), |i| comment.end + i);
    let before = &text[line_start..comment.start];
    let after = &text[comment.end..line_end];
    if before.trim().is_empty() && after.trim().is_empty() {
        let end = (line_end + 1).min(text.len());
        return TextEdit::replace(line_start..end, "");
    }
    let blanks = before.len() - before.trim_end().len();
    TextEdit::replace(comment.start - blanks..comment.end, "")
}

/// The edit behind "disable RULE for this line": a `// cio-lsp-disable-next-line RULE` line
/// above the line where `finding_range` starts, indented like it. When the line above already
/// holds a next-line suppression with a list of ids, `RULE` is added to that list instead.
pub fn disable_next_line_edit(source: &str, finding_range: Range<usize>, rule: &str) -> TextEdit {
    let index = LineIndex::new(source);
    let line = index.line_of(finding_range.start.min(source.len()));
    let line_range = index.line_range(source, line);
    if line > 0 {
        let above = index.line_range(source, line - 1);
        if let Some(edit) = extend_directive(source, above, rule) {
            return edit;
        }
    }
    let line_text = &source[line_range.clone()];
    let indent = &line_text[..line_text.len() - line_text.trim_start().len()];
    let newline = if source.contains("\r\n") {
        "\r\n"
    } else {
        "\n"
    };
    TextEdit::insert(
        line_range.start,
        format!("{indent}// {} {rule}{newline}", Scope::NextLine.directive()),
    )
}

/// `// cio-lsp-disable-next-line A -- why` on `line` → insert `, RULE` after `A`.
fn extend_directive(source: &str, line: Range<usize>, rule: &str) -> Option<TextEdit> {
    let text = &source[line.clone()];
    let trimmed = text.trim_start();
    let after_marker = trimmed
        .strip_prefix("//")?
        .trim_start()
        .strip_prefix(Scope::NextLine.directive())?;
    if !after_marker.is_empty() && !after_marker.starts_with(char::is_whitespace) {
        return None;
    }
    let marker_end = line.end - after_marker.len();
    let ids_end = after_marker.find("--").map_or(line.end, |i| marker_end + i);
    let ids = split_ids(source, marker_end..ids_end);
    let last = ids.last()?; // no ids: it already suppresses every rule
    if ids.iter().any(|(id, _)| id.eq_ignore_ascii_case(rule)) {
        return None;
    }
    Some(TextEdit::insert(last.1.end, format!(", {rule}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::syntax::{parse, Lang};

    fn directives(text: &str) -> Vec<Directive> {
        scan(text, &parse(Lang::TypeScript, text, None)).directives
    }

    #[test]
    fn parses_each_form_with_ids_and_reason() {
        let text = "// cio-lsp-disable-next-line CIO002, CIO004 -- legacy\nx();\ny(); /* cio-lsp-disable-line */\n/* cio-lsp-disable-file CIO010 */\n";
        let found = directives(text);
        assert_eq!(found.len(), 3);
        assert_eq!(found[0].scope, Scope::NextLine);
        assert_eq!(found[0].line, 1);
        let ids: Vec<&str> = found[0].ids.iter().map(|(id, _)| id.as_str()).collect();
        assert_eq!(ids, ["CIO002", "CIO004"]);
        assert_eq!(&text[found[0].ids[1].1.clone()], "CIO004");
        assert_eq!((found[1].scope, found[1].line), (Scope::Line, 2));
        assert!(found[1].ids.is_empty());
        assert_eq!(found[2].scope, Scope::File);
        assert_eq!(found[2].ids[0].0, "CIO010");
    }

    #[test]
    fn jsx_comments_are_suppressions() {
        let text = "const a = (\n  <div>\n    {/* cio-lsp-disable-next-line CIO006 */}\n    <b/>\n  </div>\n);\n";
        let found = scan(text, &parse(Lang::Tsx, text, None)).directives;
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].scope, found[0].line), (Scope::NextLine, 3));
    }

    #[test]
    fn the_marker_in_a_string_is_not_a_suppression() {
        assert!(directives("const s = '// cio-lsp-disable-line';\n").is_empty());
        assert!(directives("// cio-lsp-disabled\n").is_empty());
    }

    #[test]
    fn disable_edit_keeps_indentation_and_extends_an_existing_list() {
        let source = "function f() {\n    cio.identify(1, { created_at: Date.now() });\n}\n";
        let at = source.find("Date").unwrap();
        let edit = disable_next_line_edit(source, at..at + 10, "CIO002");
        assert_eq!(edit.range, 15..15);
        assert_eq!(edit.new_text, "    // cio-lsp-disable-next-line CIO002\n");

        let source = "  // cio-lsp-disable-next-line CIO004 -- why\n  x(Date.now());\n";
        let at = source.find("Date").unwrap();
        let edit = disable_next_line_edit(source, at..at + 10, "CIO002");
        let end = source.find("CIO004").unwrap() + 6;
        assert_eq!((edit.range, edit.new_text.as_str()), (end..end, ", CIO002"));
    }

    #[test]
    fn removal_takes_the_whole_line_or_only_a_trailing_comment() {
        let text = "a();\n  // cio-lsp-disable-next-line\nb(); // cio-lsp-disable-line\n";
        let found = directives(text);
        let whole = comment_removal(text, found[0].comment.clone());
        assert_eq!(
            &text[whole.range.clone()],
            "  // cio-lsp-disable-next-line\n"
        );
        let trailing = comment_removal(text, found[1].comment.clone());
        assert_eq!(&text[trailing.range.clone()], " // cio-lsp-disable-line");
    }
}
