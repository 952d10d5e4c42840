//! Searches of the source text that need no tree: substring mentions (memchr), whole-word
//! occurrences of an identifier, whitespace-insensitive comparison, line helpers.

/// Whether `text` contains any of `needles` (a memchr search, no parse).
pub fn mentions_any(text: &str, needles: &[String]) -> bool {
    needles.iter().any(|needle| mentions(text, needle))
}

/// Whether `text` contains `needle` (a memchr search, no parse).
pub fn mentions(text: &str, needle: &str) -> bool {
    memchr::memmem::find(text.as_bytes(), needle.as_bytes()).is_some()
}

/// Byte offsets where `word` occurs as a whole identifier.
pub fn word_occurrences<'a>(source: &'a str, word: &'a str) -> impl Iterator<Item = usize> + 'a {
    let bytes = source.as_bytes();
    memchr::memmem::find_iter(bytes, word.as_bytes()).filter(move |&start| {
        let end = start + word.len();
        let before = start.checked_sub(1).map(|i| bytes[i]);
        let after = bytes.get(end).copied();
        !before.is_some_and(is_identifier_byte) && !after.is_some_and(is_identifier_byte)
    })
}

fn is_identifier_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_' || byte == b'$' || byte >= 0x80
}

/// Collapses whitespace so that expressions can be compared by text.
pub fn normalized(text: &str) -> String {
    text.split_whitespace().collect()
}

/// Leading whitespace of the line containing `offset`.
pub fn line_indent(source: &str, offset: usize) -> &str {
    let line_start = source[..offset].rfind('\n').map_or(0, |i| i + 1);
    let rest = &source[line_start..];
    let width = rest.len() - rest.trim_start_matches([' ', '\t']).len();
    &rest[..width]
}

/// Start of the line containing `offset`.
pub fn line_start(source: &str, offset: usize) -> usize {
    source[..offset].rfind('\n').map_or(0, |i| i + 1)
}
