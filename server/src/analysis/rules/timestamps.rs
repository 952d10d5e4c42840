//! Time values: which expressions yield milliseconds, `Date` objects or ISO strings, from the
//! shapes in `queries/shared/time-values.scm`.

use std::sync::OnceLock;

use streaming_iterator::StreamingIterator;
use tree_sitter::{Node, Query, QueryCursor};

use crate::analysis::language::Lang;

/// What a time value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeValue {
    Millis,
    DateObject,
    IsoString,
}

const TIME_VALUES: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../queries/shared/time-values.scm"
));

fn query(lang: Lang) -> &'static Query {
    static QUERIES: [OnceLock<Query>; 3] = [OnceLock::new(), OnceLock::new(), OnceLock::new()];
    QUERIES[lang as usize]
        .get_or_init(|| Query::new(&lang.grammar(), TIME_VALUES).expect("time-values.scm compiles"))
}

/// Classifies `node` by the shape of its root (not of any sub-expression).
pub fn classify(node: Node, source: &str, lang: Lang) -> Option<TimeValue> {
    let query = query(lang);
    let mut cursor = QueryCursor::new();
    // Only patterns rooted at `node` can capture it: the cursor need not start any below it
    // (it still descends as far as those patterns' own steps require).
    cursor.set_max_start_depth(Some(0));
    let mut matches = cursor.matches(query, node, source.as_bytes());
    let names = query.capture_names();
    while let Some(m) = matches.next() {
        for capture in m.captures.iter().filter(|c| c.node == node) {
            match names[capture.index as usize] {
                "millis" => return Some(TimeValue::Millis),
                "date_object" => return Some(TimeValue::DateObject),
                "iso_string" => return Some(TimeValue::IsoString),
                _ => {}
            }
        }
    }
    None
}

/// Whether `key` is a time key: `created_at`, `timestamp`, `…_at`, `…At`, `…_date`, `…Date`,
/// `…_time`.
pub fn is_time_key(key: &str) -> bool {
    key == "timestamp"
        || ["_at", "At", "_date", "Date", "_time"]
            .iter()
            .any(|suffix| key.ends_with(suffix) && key.len() > suffix.len())
}
