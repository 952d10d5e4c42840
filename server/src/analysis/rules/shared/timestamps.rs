//! Time keys and values: which members of an object are timestamps
//! (`queries/shared/time-keys.scm`) and which expressions yield milliseconds, `Date` objects or
//! ISO strings (`queries/shared/time-values.scm`).

use std::sync::OnceLock;

use streaming_iterator::StreamingIterator;
use tree_sitter::{Node, Query, QueryCursor};

use crate::analysis::syntax::{FieldExt, KindExt, Lang};

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

const TIME_KEYS: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../queries/shared/time-keys.scm"
));

/// A shared query, compiled for `lang` on first use into its slot of `cache`.
fn compiled(cache: &'static [OnceLock<Query>; 3], lang: Lang, source: &str) -> &'static Query {
    cache[lang as usize].get_or_init(|| {
        Query::new(&lang.grammar(), source).expect("the shared queries compile for every grammar")
    })
}

fn query(lang: Lang) -> &'static Query {
    static QUERIES: [OnceLock<Query>; 3] = [OnceLock::new(), OnceLock::new(), OnceLock::new()];
    compiled(&QUERIES, lang, TIME_VALUES)
}

fn time_keys_query(lang: Lang) -> &'static Query {
    static QUERIES: [OnceLock<Query>; 3] = [OnceLock::new(), OnceLock::new(), OnceLock::new()];
    compiled(&QUERIES, lang, TIME_KEYS)
}

/// The time keys' pattern, as `queries/shared/time-keys.scm` writes it for a shorthand
/// property (a test keeps the two the same).
const TIME_KEY_PATTERN: &str = "^([A-Za-z0-9_$]*(_at|At|_date|Date|_time)|timestamp)$";

/// Whether a property name is a time key (`created_at`, `signedUpAt`, `timestamp`): for keys
/// known by name only, such as those a wrapper passes its arguments on as.
pub fn is_time_key(name: &str) -> bool {
    static PATTERN: OnceLock<regex::Regex> = OnceLock::new();
    PATTERN
        .get_or_init(|| regex::Regex::new(TIME_KEY_PATTERN).expect("a valid pattern"))
        .is_match(name)
}

/// A member of an object literal whose key is a time key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeKeyMember<'t> {
    /// The `pair`, or the shorthand property (which is also `key` and `value`).
    pub member: Node<'t>,
    pub key: Node<'t>,
    pub value: Node<'t>,
}

/// The direct members of `object` whose key is a time key, in source order.
pub fn time_key_members<'t>(object: Node<'t>, source: &str, lang: Lang) -> Vec<TimeKeyMember<'t>> {
    let query = time_keys_query(lang);
    let mut cursor = QueryCursor::new();
    // Both patterns start at the object's children (a pair, a shorthand property); none may
    // start deeper, where a nested object's members would match.
    cursor.set_max_start_depth(Some(1));
    let names = query.capture_names();
    let mut members = Vec::new();
    let mut matches = cursor.matches(query, object, source.as_bytes());
    while let Some(m) = matches.next() {
        let capture = |name: &str| {
            m.captures
                .iter()
                .find(|c| names[c.index as usize] == name)
                .map(|c| c.node)
        };
        if let (Some(member), Some(key), Some(value)) =
            (capture("member"), capture("key"), capture("value"))
        {
            members.push(TimeKeyMember { member, key, value });
        }
    }
    members.sort_by_key(|m| m.member.start_byte());
    members
}

/// `member` of an object as a [`TimeKeyMember`], when it is a pair or a shorthand property.
pub fn as_time_key_member<'t>(member: Node<'t>) -> Option<TimeKeyMember<'t>> {
    match member.kind_name() {
        "pair" => Some(TimeKeyMember {
            member,
            key: member.field("key")?,
            value: member.field("value")?,
        }),
        "shorthand_property_identifier" => Some(TimeKeyMember {
            member,
            key: member,
            value: member,
        }),
        _ => None,
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::syntax::{self, parse, KindExt};

    #[test]
    fn the_shared_queries_compile_for_every_grammar() {
        for lang in Lang::ALL {
            query(lang);
            time_keys_query(lang);
        }
    }

    #[test]
    fn time_key_members_are_the_objects_own_members_with_a_time_key() {
        let source = "f({ created_at: 1, \"paid_at\": 2, name: 3, updatedAt, other,\n  \
                      nested: { deep_at: 4 }, ...rest, timestamp() {} });\n";
        for lang in Lang::ALL {
            let tree = parse(lang, source, None);
            let start = source.find('{').unwrap();
            let object = syntax::descendant_for_byte_range(tree.root_node(), start, start + 1)
                .and_then(syntax::parent)
                .unwrap();
            assert_eq!(object.kind_name(), "object");
            let keys: Vec<&str> = time_key_members(object, source, lang)
                .iter()
                .map(|m| &source[m.key.byte_range()])
                .collect();
            assert_eq!(keys, ["created_at", "\"paid_at\"", "updatedAt"], "{lang:?}");
        }
    }

    #[test]
    fn time_keys_by_name_follow_the_shared_query() {
        let shorthand = format!("(#match? @key \"{TIME_KEY_PATTERN}\")");
        assert!(TIME_KEYS.contains(&shorthand), "{shorthand}");
        for key in [
            "created_at",
            "signedUpAt",
            "birth_date",
            "startDate",
            "open_time",
            "timestamp",
        ] {
            assert!(is_time_key(key), "{key}");
        }
        for key in ["created", "name", "at", "timestamps", "date_of_birth"] {
            assert!(!is_time_key(key), "{key}");
        }
    }
}
