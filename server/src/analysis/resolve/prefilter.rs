//! Which files are worth parsing: a text search for the names a Customer.io client can come
//! from, one SIMD pass per file.

use crate::analysis::resolve::sdk::{ClientConfig, PREFILTER_TOKENS};

/// The text prefilter: whether a text can hold a Customer.io call at all (it names a package
/// or global, a configured client, or a workspace module that exports a client). Files that
/// fail it are not parsed. Built once for many files. Each text is
/// searched in one SIMD pass, by the fastest searcher for the number of needles. Measured on
/// a realistic corpus, texts that name none of the needles:
///
/// | needles | one `memmem` per needle | Teddy (packed) | Aho-Corasick |
/// |---|---|---|---|
/// | 1 module stem | 15 GB/s | 7.3 GB/s | 16 GB/s |
/// | 2 module stems | 8.0 GB/s | 7.1 GB/s | 1.7 GB/s |
/// | the 4 package and global names | 6.5 GB/s | 9.2 GB/s | 1.9 GB/s |
/// | 40 module stems | 0.7 GB/s | 5.7 GB/s | 3.8 GB/s |
///
/// Aho-Corasick's automaton falls back to a rare-byte prefilter, which needles starting with
/// `c`, `_` or `C` (everywhere in code) defeat; it is kept for what Teddy cannot take (more
/// needles than it packs, or a CPU without its instructions).
pub enum Prefilter {
    /// One substring search per needle: fastest for one or two needles.
    Separate(Vec<memchr::memmem::Finder<'static>>),
    /// One packed (Teddy) pass for up to a few dozen needles.
    Packed(aho_corasick::packed::Searcher),
    /// One Aho-Corasick pass, for the rest.
    Automaton(aho_corasick::AhoCorasick),
}

impl Prefilter {
    /// The prefilter for the package names and globals, the configured `clients` and the
    /// stems of the workspace modules that export a client (`exporting_stems`).
    pub fn new(clients: ClientConfig, exporting_stems: &[String]) -> Prefilter {
        let needles = PREFILTER_TOKENS
            .iter()
            .copied()
            .chain(
                clients
                    .extra_clients
                    .keys()
                    .map(|name| name.rsplit('.').next().unwrap_or(name)),
            )
            .chain(clients.extra_packages.keys().map(String::as_str))
            .chain(exporting_stems.iter().map(String::as_str));
        Prefilter::from_needles(needles)
    }

    /// Up to this many needles, one substring search per needle.
    pub const MAX_SEPARATE_SEARCHES: usize = 2;

    /// A prefilter that looks for exactly `needles`.
    pub fn from_needles<I>(needles: I) -> Prefilter
    where
        I: IntoIterator,
        I::Item: AsRef<[u8]>,
    {
        let needles: Vec<I::Item> = needles.into_iter().collect();
        if needles.len() > Self::MAX_SEPARATE_SEARCHES {
            if let Some(packed) = aho_corasick::packed::Searcher::new(needles.iter()) {
                return Prefilter::Packed(packed);
            }
            if let Ok(automaton) = aho_corasick::AhoCorasick::new(&needles) {
                return Prefilter::Automaton(automaton);
            }
        }
        Prefilter::Separate(
            needles
                .iter()
                .map(|needle| memchr::memmem::Finder::new(needle.as_ref()).into_owned())
                .collect(),
        )
    }

    pub fn matches(&self, text: &str) -> bool {
        let bytes = text.as_bytes();
        match self {
            Prefilter::Separate(finders) => {
                finders.iter().any(|finder| finder.find(bytes).is_some())
            }
            Prefilter::Packed(searcher) => searcher.find(bytes).is_some(),
            Prefilter::Automaton(automaton) => automaton.is_match(bytes),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefilters_with_few_or_many_needles_find_the_texts_that_name_one() {
        let stems: Vec<String> = (0..200).map(|i| format!("module{i}_client")).collect();
        // Separate searches, a packed search (where the CPU has Teddy's instructions), an
        // automaton (more needles than Teddy packs).
        for count in [0, 1, Prefilter::MAX_SEPARATE_SEARCHES, 4, 20, 200] {
            let prefilter = Prefilter::from_needles(&stems[..count]);
            for stem in &stems[..count] {
                assert!(prefilter.matches(&format!("import {{ cio }} from \"./{stem}\";")));
                assert!(prefilter.matches(&format!("x{stem}x")));
            }
            for stem in &stems[count..] {
                assert!(!prefilter.matches(&format!("import {{ cio }} from \"./{stem}\";")));
            }
            assert!(!prefilter.matches("import { cio } from \"./module_client\";"));
            assert!(!prefilter.matches(""));
            let separate = matches!(prefilter, Prefilter::Separate(_));
            assert_eq!(
                separate,
                count <= Prefilter::MAX_SEPARATE_SEARCHES,
                "{count}"
            );
        }
        let many = Prefilter::from_needles(&stems);
        assert!(matches!(many, Prefilter::Automaton(_)));
    }
}
