//! Applying edits to a text: the only code that does.

use crate::analysis::rules::finding::{Fix, TextEdit};

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
}
