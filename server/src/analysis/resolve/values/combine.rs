//! How operand values combine: concatenation, unions, fallbacks, transforms, base64, URL
//! resolution, all within the bounds of [`super::value`].

use std::ops::Range;
use std::rc::Rc;

use super::value::{
    Change, Fallback, Hole, Literal, Part, Value, Values, MAX_PARTS, MAX_TEXT_BYTES, MAX_VALUES,
};

/// How many literals a value remembers.
const MAX_LITERALS: usize = 16;

#[derive(Debug, Clone)]
pub(super) enum Op {
    /// The operands one after the other (`+`, templates, `concat`).
    Concat,
    /// Any of the operands.
    Union,
    /// `left || right`, `left ?? right` at the range: the right side is a fallback.
    Or(Range<usize>),
    /// A default value at the range.
    Default(Range<usize>),
    /// The operand in another spelling (`method` applied to known text).
    Transform(&'static str),
    /// Base64 of the operand (`btoa`, `Buffer.from(x).toString("base64")`).
    Base64,
    /// `new URL(path, base)`: operands `[path, base]`.
    UrlJoin,
    /// Elements joined with a separator (`[a, b].join("/")`).
    Join(Box<str>),
}

/// A literal's value, remembering where it is written.
pub(super) fn literal(value: &str, at: Range<usize>) -> Value {
    Value {
        parts: vec![Part::text(value)],
        literals: vec![Literal::Here(at)],
        fallback: None,
    }
}

/// Combines operand results with `op`; `at` is the expression they make up, for what
/// becomes unknown past a bound.
pub(super) fn combine(op: &Op, operands: &[Rc<Values>], at: Option<Range<usize>>) -> Values {
    let too_many = || Values::unknown(at.clone());
    match op {
        Op::Union => union(operands.iter().map(|v| &**v)).unwrap_or_else(too_many),
        Op::Concat => concat_all(operands, "").unwrap_or_else(too_many),
        Op::Join(separator) => concat_all(operands, separator).unwrap_or_else(too_many),
        Op::Or(range) => {
            let [left, right] = operands else {
                return too_many();
            };
            // A known left side never falls back (`"a" || "b"` is "a").
            if left.values.iter().all(Value::is_known) {
                return (**left).clone();
            }
            let fallback = Fallback {
                at: range.clone(),
                from_env: left
                    .values
                    .iter()
                    .all(|v| v.is_env_read() || v.fallback.is_some()),
                env: left
                    .values
                    .iter()
                    .flat_map(Value::env_names)
                    .next()
                    .map(Into::into),
                default: false,
            };
            let right = mark_fallback(right, fallback);
            union([&**left, &right]).unwrap_or_else(too_many)
        }
        Op::Default(range) => {
            let fallback = Fallback {
                at: range.clone(),
                from_env: false,
                env: None,
                default: true,
            };
            let Some(value) = operands.first() else {
                return too_many();
            };
            mark_fallback(value, fallback)
        }
        Op::Transform(method) => match operands.first() {
            Some(values) => transform(values, method),
            None => too_many(),
        },
        Op::Base64 => match operands.first() {
            Some(values) => Values {
                values: values.values.iter().map(base64_value).collect(),
            },
            None => too_many(),
        },
        Op::UrlJoin => {
            let [path, base] = operands else {
                return too_many();
            };
            url_join(path, base).unwrap_or_else(too_many)
        }
    }
}

fn mark_fallback(values: &Values, fallback: Fallback) -> Values {
    Values {
        values: values
            .values
            .iter()
            .map(|v| Value {
                fallback: v.fallback.clone().or_else(|| Some(fallback.clone())),
                ..v.clone()
            })
            .collect(),
    }
}

/// The values of any of `sets`, without repeats; `None` past [`MAX_VALUES`].
pub(super) fn union<'a>(sets: impl IntoIterator<Item = &'a Values>) -> Option<Values> {
    let mut values: Vec<Value> = Vec::new();
    for set in sets {
        for value in &set.values {
            if !values.contains(value) {
                values.push(value.clone());
            }
        }
        if values.len() > MAX_VALUES {
            return None;
        }
    }
    Some(Values { values })
}

/// Every combination of one value per operand, in order, with `separator` between; `None`
/// past [`MAX_VALUES`].
fn concat_all(operands: &[Rc<Values>], separator: &str) -> Option<Values> {
    let mut results = vec![Value::default()];
    for (index, operand) in operands.iter().enumerate() {
        if operand.values.is_empty() {
            return Some(Values::unknown(None));
        }
        if results.len() * operand.values.len() > MAX_VALUES {
            return None;
        }
        let mut next = Vec::with_capacity(results.len() * operand.values.len());
        for prefix in &results {
            for value in &operand.values {
                let mut joined = prefix.clone();
                if index > 0 && !separator.is_empty() {
                    push_part(&mut joined.parts, Part::text(separator));
                }
                append(&mut joined, value);
                next.push(bounded(joined));
            }
        }
        results = next;
    }
    union([&Values { values: results }])
}

fn append(value: &mut Value, tail: &Value) {
    for part in &tail.parts {
        push_part(&mut value.parts, part.clone());
    }
    for literal in &tail.literals {
        if value.literals.len() < MAX_LITERALS {
            value.literals.push(literal.clone());
        }
    }
    if value.fallback.is_none() {
        value.fallback = tail.fallback.clone();
    }
}

/// Appends `part`, merging it into the last part when both are text (or both unknown).
fn push_part(parts: &mut Vec<Part>, part: Part) {
    match (parts.last_mut(), part) {
        (Some(Part::Text(last)), Part::Text(more)) => {
            let mut joined = String::with_capacity(last.len() + more.len());
            joined.push_str(last);
            joined.push_str(&more);
            *last = joined.into();
        }
        (Some(Part::Unknown(last)), Part::Unknown(more)) => {
            // Two unknowns side by side: one unknown from no single expression.
            last.expression = None;
            last.change = last.change.max(more.change);
        }
        (_, part) => parts.push(part),
    }
}

/// `value` within the bounds: too many parts or too much text make it unknown.
fn bounded(value: Value) -> Value {
    let text_len: usize = value
        .parts
        .iter()
        .map(|p| match p {
            Part::Text(t) => t.len(),
            _ => 0,
        })
        .sum();
    if value.parts.len() > MAX_PARTS || text_len > MAX_TEXT_BYTES {
        return Value {
            parts: vec![Part::unknown(None)],
            ..value
        };
    }
    value
}

/// `values` in another spelling: known text transformed where the method is known, unknown
/// parts marked as transformed.
fn transform(values: &Values, method: &str) -> Values {
    let change = change_of(method);
    Values {
        values: values
            .values
            .iter()
            .map(|value| Value {
                parts: value
                    .parts
                    .iter()
                    .map(|part| match part {
                        Part::Text(text) => match transform_text(text, method) {
                            Some(text) => Part::text(text),
                            // Text that is not computed (a hash, a slice): unknown, from nowhere.
                            None => Part::Unknown(Hole {
                                expression: None,
                                change,
                            }),
                        },
                        Part::Unknown(hole) => Part::Unknown(Hole {
                            change: hole.change.then(change),
                            ..hole.clone()
                        }),
                        Part::Env(name) => Part::Env(name.clone()),
                    })
                    .collect(),
                ..value.clone()
            })
            .collect(),
    }
}

/// What a transform (a method name, or one of `derived`, `spelled`, `altered`) does to a value.
pub(super) fn change_of(method: &str) -> Change {
    match method {
        "derived" => Change::Derived,
        "altered" | "replace" | "replaceAll" | "slice" | "substring" | "substr" | "padStart"
        | "padEnd" => Change::Altered,
        _ => Change::Spelling,
    }
}

/// `text` after `method`, when it is computed (`None`: unknown text).
fn transform_text(text: &str, method: &str) -> Option<String> {
    Some(match method {
        "toLowerCase" | "toLocaleLowerCase" => text.to_lowercase(),
        "toUpperCase" | "toLocaleUpperCase" => text.to_uppercase(),
        "trim" => text.trim().to_string(),
        "trimStart" => text.trim_start().to_string(),
        "trimEnd" => text.trim_end().to_string(),
        // A URL's trailing slash removed (`base.replace(/\/$/, "")`): the text is kept as it
        // is, which is right for the host and close enough for the rest.
        "replace" | "replaceAll" => text.to_string(),
        _ => match change_of(method) {
            Change::Derived | Change::Altered => return None,
            Change::None | Change::Spelling => text.to_string(),
        },
    })
}

/// Base64 of a value: its text encoded when all of it is known, else an unknown
/// (transformed) part; the literals it was built from stay.
fn base64_value(value: &Value) -> Value {
    let parts = match value.text() {
        Some(text) => vec![Part::text(base64(text.as_bytes()))],
        // One unknown part still says where it comes from (`btoa(email)`).
        None => {
            let expression = match value.parts.as_slice() {
                [Part::Unknown(hole)] => hole.expression.clone(),
                _ => None,
            };
            let change = match value.parts.as_slice() {
                [Part::Unknown(hole)] => hole.change.then(Change::Derived),
                _ => Change::Derived,
            };
            vec![Part::Unknown(Hole { expression, change })]
        }
    };
    Value {
        parts,
        ..value.clone()
    }
}

/// Standard base64 with padding.
pub(super) fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i)) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// `new URL(path, base)`: an absolute `path` as it is; one starting with `/` replaces the
/// base's path (the base's origin stays); anything else is appended to the base.
fn url_join(paths: &Values, bases: &Values) -> Option<Values> {
    let mut joined = Vec::new();
    for path in &paths.values {
        let prefix = path.known_prefix();
        if prefix.contains("://") {
            joined.push(path.clone());
            continue;
        }
        for base in &bases.values {
            let mut value = base.clone();
            if prefix.starts_with('/') {
                match origin_of(&base.known_prefix()) {
                    Some(origin) => {
                        value.parts = vec![Part::text(origin)];
                    }
                    None => value.parts = vec![Part::unknown(None)],
                }
            }
            append(&mut value, path);
            joined.push(bounded(value));
        }
    }
    union([&Values { values: joined }])
}

/// `https://host` of a URL's text, when the text reaches past the host.
fn origin_of(url: &str) -> Option<String> {
    let scheme_end = url.find("://")? + 3;
    let host_end = url[scheme_end..].find('/').map(|i| scheme_end + i)?;
    Some(url[..host_end].to_string())
}
