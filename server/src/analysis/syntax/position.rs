//! The one place where byte offsets become line/column positions and back.
//!
//! tree-sitter and the analysis core work in byte offsets into UTF-8 text. Editors speak in
//! lines and columns, where a column counts UTF-16 code units unless the client negotiated
//! UTF-8. Every conversion in the product goes through [`LineIndex`].

use std::borrow::Cow;
use std::ops::Range;
use std::path::PathBuf;

use serde::Serialize;

/// How an editor counts columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Encoding {
    /// Bytes of UTF-8 (LSP `utf-8`, SARIF/CLI columns are reported this way too).
    Utf8,
    /// UTF-16 code units (the LSP default).
    #[default]
    Utf16,
}

/// A zero-based line and a zero-based column in some [`Encoding`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct LineCol {
    pub line: u32,
    pub col: u32,
}

/// Line start offsets of one text, for fast offset ↔ position conversion.
#[derive(Debug, Clone)]
pub struct LineIndex {
    /// Byte offset where each line starts; always begins with 0.
    line_starts: Vec<usize>,
    len: usize,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        LineIndex {
            line_starts,
            len: text.len(),
        }
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// Byte range of line `line` without its line terminator (`\n` or `\r\n`).
    pub fn line_range(&self, text: &str, line: usize) -> Range<usize> {
        let start = self.line_starts[line.min(self.line_starts.len() - 1)];
        let mut end = self
            .line_starts
            .get(line + 1)
            .map_or(self.len, |next| next - 1);
        if end > start && text.as_bytes().get(end - 1) == Some(&b'\r') {
            end -= 1;
        }
        start..end
    }

    /// Zero-based line of a byte offset (offsets past the end map to the last line).
    pub fn line_of(&self, offset: usize) -> usize {
        self.line_starts.partition_point(|&start| start <= offset) - 1
    }

    /// Position of a byte offset. An offset inside a multi-byte character is rounded down to
    /// the character's start so that we never produce a column that splits a character.
    pub fn position(&self, text: &str, offset: usize, encoding: Encoding) -> LineCol {
        let offset = floor_char_boundary(text, offset.min(self.len));
        let line = self.line_of(offset);
        let line_start = self.line_starts[line];
        LineCol {
            line: line as u32,
            col: col_of(&text[line_start..offset], encoding),
        }
    }

    /// Length of the indexed text in bytes.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Row and byte column of an offset, the shape of a tree-sitter `Point`. Needs no text.
    pub fn point(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.len);
        let line = self.line_of(offset);
        (line, offset - self.line_starts[line])
    }

    /// Keeps the index in step with an edit of its text (`range` replaced by `new_text`)
    /// without rescanning the whole text: the language server calls this on every keystroke.
    pub fn edit(&mut self, range: Range<usize>, new_text: &str) {
        let first_after = self.line_starts.partition_point(|&s| s <= range.start);
        let first_kept = self.line_starts.partition_point(|&s| s <= range.end);
        let inserted = memchr::memchr_iter(b'\n', new_text.as_bytes())
            .map(|i| range.start + i + 1)
            .collect::<Vec<_>>();
        let delta = new_text.len() as isize - (range.end - range.start) as isize;
        for start in &mut self.line_starts[first_kept..] {
            *start = start.wrapping_add_signed(delta);
        }
        self.line_starts.splice(first_after..first_kept, inserted);
        self.len = self.len.wrapping_add_signed(delta);
    }

    /// Byte offset of a position, or `None` when the line lies past the end of the text.
    /// A column past the end of its line clamps to the line's end, as LSP requires; a column
    /// that falls inside a character (half a surrogate pair) rounds down to its start.
    pub fn offset(&self, text: &str, pos: LineCol, encoding: Encoding) -> Option<usize> {
        self.offset_with(pos, encoding, |range| Cow::Borrowed(&text[range]))
    }

    /// [`LineIndex::offset`] for text that is not one `&str` (the language server's rope):
    /// `line_text` returns the text of a byte range, here always one line (with any `\r`,
    /// without the `\n`).
    pub fn offset_with<'t>(
        &self,
        pos: LineCol,
        encoding: Encoding,
        line_text: impl FnOnce(Range<usize>) -> Cow<'t, str>,
    ) -> Option<usize> {
        let line = pos.line as usize;
        let start = *self.line_starts.get(line)?;
        let end = self
            .line_starts
            .get(line + 1)
            .map_or(self.len, |next| next - 1);
        let text = line_text(start..end);
        let text = text.strip_suffix('\r').unwrap_or(&text);
        Some(start + byte_of_col(text, pos.col, encoding))
    }

    /// Byte offset of a position, clamping a line past the end to the end of the text.
    pub fn offset_clamped(&self, text: &str, pos: LineCol, encoding: Encoding) -> usize {
        self.offset(text, pos, encoding).unwrap_or(self.len)
    }
}

/// Column of the end of `line_prefix` (text from the start of a line) in `encoding`.
pub fn col_of(line_prefix: &str, encoding: Encoding) -> u32 {
    let col: usize = match encoding {
        Encoding::Utf8 => line_prefix.len(),
        // ASCII (most code) is one unit per byte; the check is a fast word-wise scan, where
        // counting units decodes every character.
        Encoding::Utf16 if line_prefix.is_ascii() => line_prefix.len(),
        Encoding::Utf16 => line_prefix.chars().map(char::len_utf16).sum(),
    };
    col as u32
}

/// Byte offset of column `col` within `line` (one line's text without its terminator):
/// clamped to the line's end, rounded down to a character start.
pub fn byte_of_col(line: &str, col: u32, encoding: Encoding) -> usize {
    let wanted = col as usize;
    match encoding {
        Encoding::Utf8 => floor_char_boundary(line, wanted.min(line.len())),
        Encoding::Utf16 => {
            let mut units = 0;
            for (i, ch) in line.char_indices() {
                if units + ch.len_utf16() > wanted {
                    return i;
                }
                units += ch.len_utf16();
            }
            line.len()
        }
    }
}

/// Largest char boundary ≤ `offset` (stable replacement for `str::floor_char_boundary`).
pub fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// A location in any workspace file, with positions precomputed in both encodings so that an
/// adapter can report it without loading that file's text again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Location {
    pub path: PathBuf,
    pub range: Range<usize>,
    #[serde(skip)]
    pub utf8: (LineCol, LineCol),
    #[serde(skip)]
    pub utf16: (LineCol, LineCol),
}

impl Location {
    pub fn new(path: PathBuf, text: &str, index: &LineIndex, range: Range<usize>) -> Self {
        let at = |offset, encoding| index.position(text, offset, encoding);
        Location {
            utf8: (
                at(range.start, Encoding::Utf8),
                at(range.end, Encoding::Utf8),
            ),
            utf16: (
                at(range.start, Encoding::Utf16),
                at(range.end, Encoding::Utf16),
            ),
            path,
            range,
        }
    }

    pub fn start(&self, encoding: Encoding) -> LineCol {
        match encoding {
            Encoding::Utf8 => self.utf8.0,
            Encoding::Utf16 => self.utf16.0,
        }
    }

    pub fn end(&self, encoding: Encoding) -> LineCol {
        match encoding {
            Encoding::Utf8 => self.utf8.1,
            Encoding::Utf16 => self.utf16.1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(text: &str, encoding: Encoding) {
        let index = LineIndex::new(text);
        for (offset, ch) in text.char_indices().chain([(text.len(), ' ')]) {
            if ch == '\n' && text[..offset].ends_with('\r') {
                continue; // inside a CRLF terminator: no column addresses it
            }
            let pos = index.position(text, offset, encoding);
            assert_eq!(index.offset(text, pos, encoding), Some(offset), "{pos:?}");
        }
    }

    #[test]
    fn emoji_take_two_utf16_units_and_four_bytes() {
        let text = "a😀b";
        let index = LineIndex::new(text);
        assert_eq!(index.position(text, 5, Encoding::Utf16).col, 3);
        assert_eq!(index.position(text, 5, Encoding::Utf8).col, 5);
        assert_eq!(
            index.offset(text, LineCol { line: 0, col: 3 }, Encoding::Utf16),
            Some(5)
        );
        // Half a surrogate pair rounds down to the emoji's start.
        assert_eq!(
            index.offset(text, LineCol { line: 0, col: 2 }, Encoding::Utf16),
            Some(1)
        );
    }

    #[test]
    fn cjk_is_one_utf16_unit_and_three_bytes() {
        let text = "名前 = track(\"事件\")";
        let index = LineIndex::new(text);
        let offset = text.find('=').unwrap();
        assert_eq!(index.position(text, offset, Encoding::Utf16).col, 3);
        assert_eq!(index.position(text, offset, Encoding::Utf8).col, 7);
        round_trip(text, Encoding::Utf16);
        round_trip(text, Encoding::Utf8);
    }

    #[test]
    fn crlf_lines_do_not_count_the_carriage_return() {
        let text = "ab\r\ncd😀\r\n";
        let index = LineIndex::new(text);
        assert_eq!(index.line_count(), 3);
        assert_eq!(
            index.position(text, 4, Encoding::Utf16),
            LineCol { line: 1, col: 0 }
        );
        // A column past the end of line 0 clamps before the `\r`.
        assert_eq!(
            index.offset(text, LineCol { line: 0, col: 99 }, Encoding::Utf16),
            Some(2)
        );
        assert_eq!(
            index.offset(text, LineCol { line: 3, col: 0 }, Encoding::Utf16),
            None
        );
        round_trip(text, Encoding::Utf16);
    }

    #[test]
    fn edits_keep_the_index_equal_to_a_fresh_one() {
        let cases: &[(&str, std::ops::Range<usize>, &str)] = &[
            ("ab\ncd\nef", 1..4, "X\nY\nZ"),
            ("ab\ncd\nef", 0..8, ""),
            ("ab\ncd\nef", 2..3, ""),
            ("", 0..0, "\n\n"),
            ("a\r\nb", 3..3, "\n"),
        ];
        for (text, range, new_text) in cases {
            let mut index = LineIndex::new(text);
            index.edit(range.clone(), new_text);
            let mut edited = text.to_string();
            edited.replace_range(range.clone(), new_text);
            let fresh = LineIndex::new(&edited);
            assert_eq!(index.line_starts, fresh.line_starts, "{text:?} {range:?}");
            assert_eq!(index.len, fresh.len);
        }
    }

    #[test]
    fn offsets_inside_a_character_round_down() {
        let text = "é";
        let index = LineIndex::new(text);
        assert_eq!(index.position(text, 1, Encoding::Utf8).col, 0);
    }
}
