//! Byte offsets, ranges and findings carried past the edits applied to a document since its
//! last analysis: what lets a keystroke keep the findings it did not touch.

use std::ops::Range;
use std::path::Path;

use crate::analysis::Finding;

/// A byte-level edit already applied to the document, kept to shift old findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AppliedEdit {
    pub start: usize,
    pub old_end: usize,
    pub new_end: usize,
}

/// The offset before `edits` (applied in order) of current offset `offset`; offsets inside an
/// edit's new text map to its old span's edges.
pub fn unshift(mut offset: usize, edits: &[AppliedEdit]) -> usize {
    for edit in edits.iter().rev() {
        if offset >= edit.new_end {
            offset = offset + edit.old_end - edit.new_end;
        } else if offset > edit.start {
            offset = edit.old_end.min(edit.start + (offset - edit.start));
        }
    }
    offset
}

pub fn overlaps(a: &Range<usize>, b: &Range<usize>) -> bool {
    a.start < b.end && b.start < a.end || a.start == b.start
}

/// `range` after `edit`, or `None` when the edit touches it.
pub fn shift_range(range: Range<usize>, edit: &AppliedEdit) -> Option<Range<usize>> {
    if range.end <= edit.start {
        Some(range)
    } else if range.start >= edit.old_end {
        let moved = |o: usize| o + edit.new_end - edit.old_end;
        Some(moved(range.start)..moved(range.end))
    } else {
        None
    }
}

/// `range` after `edit`, grown to cover the edit's new text when they touch.
pub fn grow_range(range: Range<usize>, edit: &AppliedEdit) -> Range<usize> {
    shift_range(range.clone(), edit).unwrap_or_else(|| {
        let end = if range.end > edit.old_end {
            range.end + edit.new_end - edit.old_end
        } else {
            edit.new_end
        };
        range.start.min(edit.start)..end.max(edit.new_end)
    })
}

/// Moves findings past the edits. A finding that an edit touched (its range or one of its
/// fix edits) is dropped and its range (before the drop, in current offsets as far as known)
/// returned: the caller makes sure that it is re-analysed.
pub fn shift_findings(
    findings: &mut Vec<Finding>,
    edits: &[AppliedEdit],
    path: &Path,
) -> Vec<Range<usize>> {
    let mut dropped = Vec::new();
    findings.retain_mut(|finding| {
        for edit in edits {
            let Some(range) = shift_range(finding.range.clone(), edit) else {
                dropped.push(grow_range(finding.range.clone(), edit));
                return false;
            };
            finding.range = range;
            // A related location in this file that the edit touched may no longer hold what
            // the finding says it does.
            for related in finding
                .related
                .iter_mut()
                .filter(|r| r.location.path == path)
            {
                let Some(range) = shift_range(related.location.range.clone(), edit) else {
                    dropped.push(finding.range.clone());
                    return false;
                };
                related.location.range = range;
            }
            for text_edit in finding
                .fixes
                .iter_mut()
                .flat_map(|fix| fix.edits.iter_mut())
            {
                let Some(range) = shift_range(text_edit.range.clone(), edit) else {
                    dropped.push(finding.range.clone());
                    return false;
                };
                text_edit.range = range;
            }
        }
        true
    });
    dropped
}
