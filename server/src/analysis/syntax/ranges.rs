//! Sets of byte ranges: merged, and asked whether they hold an offset.

use std::ops::Range;

/// Sorts byte ranges and merges those that overlap or touch.
pub fn merge_ranges(mut ranges: Vec<Range<usize>>) -> Vec<Range<usize>> {
    ranges.sort_by_key(|r| (r.start, std::cmp::Reverse(r.end)));
    let mut merged: Vec<Range<usize>> = Vec::with_capacity(ranges.len());
    for range in ranges {
        match merged.last_mut() {
            Some(last) if range.start <= last.end => last.end = last.end.max(range.end),
            _ => merged.push(range),
        }
    }
    merged
}

/// Whether `offset` lies in one of `ranges`.
pub fn in_any(offset: usize, ranges: &[Range<usize>]) -> bool {
    ranges.iter().any(|range| range.contains(&offset))
}
