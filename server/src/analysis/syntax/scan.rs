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

/// The whole-identifier occurrences of any of `words` (identifiers), as `(offset, index into
/// words)`, in order: one pass over the text, whatever the number of words (a search per word
/// is quadratic when the words are a file's own function names).
pub fn words_occurrences(source: &str, words: &[&str]) -> Vec<(usize, usize)> {
    let bytes = source.as_bytes();
    let whole = |start: usize, end: usize| {
        let before = start.checked_sub(1).map(|i| bytes[i]);
        let after = bytes.get(end).copied();
        !before.is_some_and(is_identifier_byte) && !after.is_some_and(is_identifier_byte)
    };
    let words: Vec<&str> = words.iter().copied().filter(|w| !w.is_empty()).collect();
    if words.len() <= 2 {
        let mut found: Vec<(usize, usize)> = words
            .iter()
            .enumerate()
            .flat_map(|(index, word)| word_occurrences(source, word).map(move |at| (at, index)))
            .collect();
        found.sort_unstable();
        return found;
    }
    // Leftmost-longest: an occurrence that starts inside an earlier match is preceded by an
    // identifier byte, so it is not whole; at one start, the longest word is the only whole one.
    // A packed (Teddy) search for a few dozen words, an automaton beyond (see `Prefilter`).
    let packed = aho_corasick::packed::Config::new()
        .match_kind(aho_corasick::packed::MatchKind::LeftmostLongest)
        .builder()
        .extend(&words)
        .build();
    if let Some(searcher) = packed {
        return searcher
            .find_iter(bytes)
            .filter(|m| whole(m.start(), m.end()))
            .map(|m| (m.start(), m.pattern().as_usize()))
            .collect();
    }
    let Ok(automaton) = aho_corasick::AhoCorasick::builder()
        .match_kind(aho_corasick::MatchKind::LeftmostLongest)
        .build(&words)
    else {
        return Vec::new();
    };
    automaton
        .find_iter(bytes)
        .filter(|m| whole(m.start(), m.end()))
        .map(|m| (m.start(), m.pattern().as_usize()))
        .collect()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_found_whole_in_one_pass() {
        let source = "trackEvent(x); track(y); a_track; $track; cio.track(z); _cio";
        for words in [
            vec!["track"],
            vec!["track", "trackEvent", "_cio", "cio", "x"],
        ] {
            let found = words_occurrences(source, &words);
            let expected: Vec<(usize, usize)> = {
                let mut all: Vec<(usize, usize)> = words
                    .iter()
                    .enumerate()
                    .flat_map(|(i, w)| word_occurrences(source, w).map(move |at| (at, i)))
                    .collect();
                all.sort_unstable();
                all
            };
            assert_eq!(found, expected, "{words:?}");
        }
    }
}
