//! The one fix engine: applies text edits to a text, for single fixes and for fix-all.

use super::rules::finding::{Applicability, Finding, Fix, TextEdit};

/// Why a set of edits could not be applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FixError {
    OutOfBounds,
    NotCharBoundary,
    Overlapping,
}

impl std::fmt::Display for FixError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            FixError::OutOfBounds => "an edit lies outside the text",
            FixError::NotCharBoundary => "an edit splits a character",
            FixError::Overlapping => "two edits overlap",
        })
    }
}

/// Applies non-overlapping edits (in any order) to `text`.
pub fn apply_edits(text: &str, edits: &[TextEdit]) -> Result<String, FixError> {
    let mut sorted: Vec<&TextEdit> = edits.iter().collect();
    sorted.sort_by_key(|edit| (edit.range.start, edit.range.end));
    let mut out = String::with_capacity(text.len() + 64);
    let mut cursor = 0;
    for edit in sorted {
        let range = &edit.range;
        if range.start > range.end || range.end > text.len() {
            return Err(FixError::OutOfBounds);
        }
        if !text.is_char_boundary(range.start) || !text.is_char_boundary(range.end) {
            return Err(FixError::NotCharBoundary);
        }
        if range.start < cursor {
            return Err(FixError::Overlapping);
        }
        out.push_str(&text[cursor..range.start]);
        out.push_str(&edit.new_text);
        cursor = range.end;
    }
    out.push_str(&text[cursor..]);
    Ok(out)
}

/// Picks the fix-all-safe fixes of `findings` whose edits do not overlap an already chosen
/// fix (first come, first served) and returns their edits. Overlapping fixes are left for the
/// next round: callers re-analyse and call again until nothing changes.
pub fn fix_all_edits(findings: &[Finding]) -> Vec<TextEdit> {
    fix_all_edits_counted(findings).0
}

fn overlaps_any(edit: &TextEdit, chosen: &[TextEdit]) -> bool {
    chosen.iter().any(|other| {
        let (a, b) = (&edit.range, &other.range);
        // Two insertions at the same point conflict (their order would be arbitrary), and so do
        // ranges that share any byte.
        (a.start < b.end && b.start < a.end)
            || (a.start == b.start && (a.is_empty() || b.is_empty()))
    })
}

/// Most rounds of fix-all before giving up: a fix that keeps re-creating its own finding must
/// not loop forever.
pub const MAX_FIX_ROUNDS: usize = 10;

/// The result of [`fix_all_rounds`].
#[derive(Debug, Clone)]
pub struct FixAllOutcome {
    /// The text with every applicable fix-all-safe fix applied.
    pub text: String,
    /// How many fixes were applied, over all rounds.
    pub fixes_applied: usize,
    /// Rounds that changed the text.
    pub rounds: usize,
    /// The findings of the final text (what is left for a human).
    pub remaining: Vec<Finding>,
    /// False when `max_rounds` ran out while fixes were still being applied.
    pub converged: bool,
}

/// Fix-all to a fixed point: analyse, apply the non-overlapping fix-all-safe fixes, re-analyse
/// the new text, and repeat until no fix applies or `max_rounds` have changed the text.
///
/// `analyze` returns the findings of a text (the caller decides how: the CLI re-parses with
/// its workspace index, the server with its open documents). Shared by `cio-lsp check --fix`
/// and the server's `source.fixAll` so that both fix exactly the same things.
pub fn fix_all_rounds(
    text: &str,
    max_rounds: usize,
    mut analyze: impl FnMut(&str) -> Vec<Finding>,
) -> Result<FixAllOutcome, FixError> {
    let mut current = text.to_string();
    let mut findings = analyze(&current);
    let mut outcome = FixAllOutcome {
        text: String::new(),
        fixes_applied: 0,
        rounds: 0,
        remaining: Vec::new(),
        converged: true,
    };
    loop {
        let (edits, fixes) = fix_all_edits_counted(&findings);
        if edits.is_empty() {
            break;
        }
        if outcome.rounds == max_rounds {
            outcome.converged = false;
            break;
        }
        let next = apply_edits(&current, &edits)?;
        if next == current {
            break;
        }
        current = next;
        outcome.rounds += 1;
        outcome.fixes_applied += fixes;
        findings = analyze(&current);
    }
    outcome.text = current;
    outcome.remaining = findings;
    Ok(outcome)
}

/// [`fix_all_edits`] plus how many fixes those edits come from.
fn fix_all_edits_counted(findings: &[Finding]) -> (Vec<TextEdit>, usize) {
    let mut chosen: Vec<TextEdit> = Vec::new();
    let mut fixes = 0;
    for fix in findings
        .iter()
        .flat_map(|finding| finding.fixes.iter())
        .filter(|fix| fix.applicability == Applicability::FixAll)
    {
        if fix.edits.iter().all(|edit| !overlaps_any(edit, &chosen)) {
            chosen.extend(fix.edits.iter().cloned());
            fixes += 1;
        }
    }
    (chosen, fixes)
}

/// Applies one fix.
pub fn apply_fix(text: &str, fix: &Fix) -> Result<String, FixError> {
    apply_edits(text, &fix.edits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_apply_in_offset_order() {
        let edits = [TextEdit::replace(4..5, "X"), TextEdit::insert(0, ">")];
        assert_eq!(apply_edits("abcdef", &edits).unwrap(), ">abcdXf");
    }

    #[test]
    fn overlapping_and_out_of_range_edits_are_refused() {
        let overlapping = [TextEdit::replace(0..3, "x"), TextEdit::replace(2..4, "y")];
        assert_eq!(
            apply_edits("abcdef", &overlapping),
            Err(FixError::Overlapping)
        );
        let outside = [TextEdit::replace(3..10, "x")];
        assert_eq!(apply_edits("abc", &outside), Err(FixError::OutOfBounds));
        let split = [TextEdit::replace(1..2, "x")];
        assert_eq!(apply_edits("é", &split), Err(FixError::NotCharBoundary));
    }

    /// A stand-in analysis: every `ms` is a finding whose fix-all fix turns it into `s`.
    fn find_ms(text: &str) -> Vec<Finding> {
        text.match_indices("ms")
            .map(|(at, _)| {
                Finding::new(
                    "T",
                    crate::analysis::Severity::Error,
                    at..at + 2,
                    "ms".into(),
                )
                .with_fix(Fix {
                    title: "seconds".into(),
                    applicability: Applicability::FixAll,
                    edits: vec![TextEdit::replace(at..at + 2, "s")],
                })
            })
            .collect()
    }

    #[test]
    fn fix_all_rounds_runs_to_a_fixed_point() {
        // "mms" → "ms" → "s": the second round only appears after the first is applied.
        let outcome = fix_all_rounds("a mms b ms", MAX_FIX_ROUNDS, find_ms).unwrap();
        assert_eq!(outcome.text, "a s b s");
        assert_eq!(outcome.rounds, 2);
        assert_eq!(outcome.fixes_applied, 3);
        assert!(outcome.converged);
        assert!(outcome.remaining.is_empty());
    }

    #[test]
    fn fix_all_rounds_stops_at_the_round_limit() {
        let outcome = fix_all_rounds("mmmms", 2, find_ms).unwrap();
        assert_eq!(outcome.text, "mms");
        assert!(!outcome.converged);
        assert_eq!(outcome.remaining.len(), 1);
    }
}
