//! Fix-all: the fix-all-safe fixes of a set of findings whose edits do not overlap, applied
//! round after round until the text stops changing (`check --fix`, the server's
//! `source.fixAll`).

use super::apply::{apply_edits, FixError};
use crate::analysis::rules::finding::{Applicability, Finding, TextEdit};

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::rules::finding::{Fix, Severity};

    /// A stand-in analysis: every `ms` is a finding whose fix-all fix turns it into `s`.
    fn find_ms(text: &str) -> Vec<Finding> {
        text.match_indices("ms")
            .map(|(at, _)| {
                Finding::new("T", Severity::Error, at..at + 2, "ms".into()).with_fix(Fix {
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
