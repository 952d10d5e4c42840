//! The answers of the value service: [`Values`], each possible [`Value`] a sequence of
//! [`Part`]s with the literals it was built from and whether it is a fallback; the bounds
//! that keep them small; [`ExportedValue`], the workspace fact that carries them across files.

use std::ops::Range;

use serde::Serialize;

use crate::analysis::resolve::modules::ExportName;
use crate::analysis::syntax::Location;

/// At most this many possible values; more make the expression unknown.
pub const MAX_VALUES: usize = 8;
/// At most this many parts per value; more are merged into one unknown part.
pub const MAX_PARTS: usize = 16;
/// At most this much known text per value (URLs and keys are short; generated text is not
/// worth carrying).
pub const MAX_TEXT_BYTES: usize = 2048;
/// At most this many steps from a use to a definition (a name to its initializer, a property
/// to its object, a call to the function's returns, a parameter to its call sites).
pub const MAX_HOPS: u8 = 8;

/// One piece of a possible string value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Part {
    /// Text known statically.
    Text(Box<str>),
    /// A value read from the environment or a configuration service: `process.env.X`,
    /// `import.meta.env.X`, `Deno.env.get("X")`, `env.X` of a Workers handler,
    /// `config.get("x")`. The name is `X`.
    Env(Box<str>),
    /// Anything else: unknown text.
    Unknown(Hole),
}

/// An unknown part of a value and where it comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hole {
    /// The expression of this file that the part is the value of (the innermost one that
    /// could not be followed: a parameter, `user.email`, a call), when there is exactly one.
    pub expression: Option<Range<usize>>,
    /// What happened to the expression's value on its way here.
    pub change: Change,
}

/// What happened to a value on its way through calls, weakest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Serialize)]
pub enum Change {
    /// Nothing: the value itself.
    #[default]
    None,
    /// Another spelling of the same value (`encodeURIComponent(x)`, `x.trim().toLowerCase()`,
    /// `String(x)`).
    Spelling,
    /// Computed from it alone (`btoa(x)`, a hash of it): changes when it changes.
    Derived,
    /// Something else made of it (`x.replace(/@.*/, "")`, `x.slice(0, 3)`).
    Altered,
}

impl Change {
    /// This change followed by `next`: the stronger one, except that a piece of something
    /// derived (`sha256(email).slice(0, 12)`) is still derived.
    pub fn then(self, next: Change) -> Change {
        match (self, next) {
            (Change::Derived, Change::Altered) => Change::Derived,
            (a, b) => a.max(b),
        }
    }

    /// Whether the value still stands for what it was made from (the same value, another
    /// spelling of it, or something computed from it alone).
    pub fn keeps_identity(self) -> bool {
        self != Change::Altered
    }
}

/// Where a literal that a value is built from is written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Literal {
    /// In the file being analysed: the string literal's range (quotes included).
    Here(Range<usize>),
    /// In another workspace module (an imported constant).
    There(Location),
}

/// How a value is a fallback for a value read at run time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fallback {
    /// The `a || b`, `a ?? b`, default parameter or destructuring default (`x = "…"`) of this
    /// file that supplies it.
    pub at: Range<usize>,
    /// What it falls back from: an environment read (`process.env.X || …`).
    pub from_env: bool,
    /// The environment name it falls back from (`X`), when one is read.
    pub env: Option<Box<str>>,
    /// It is a parameter or destructuring default (`{ siteId = "your-site-id" }`).
    pub default: bool,
}

/// One possible value of an expression.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Value {
    pub parts: Vec<Part>,
    /// The string literals whose text the value holds, in the order written.
    pub literals: Vec<Literal>,
    /// Set when the value only applies when something read at run time is missing.
    pub fallback: Option<Fallback>,
}

/// The possible values of an expression. Empty means "none that we know of" (only possible
/// for a function without returns and the like); an unknown value is one [`Part::Unknown`].
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Values {
    pub values: Vec<Value>,
}

impl Part {
    pub(super) fn text(text: impl Into<Box<str>>) -> Part {
        Part::Text(text.into())
    }

    pub(super) fn unknown(expression: Option<Range<usize>>) -> Part {
        Part::Unknown(Hole {
            expression,
            change: Change::None,
        })
    }
}

impl Value {
    /// A value of one part.
    pub fn of(part: Part) -> Value {
        Value {
            parts: vec![part],
            ..Value::default()
        }
    }

    /// An unknown value, coming from `expression` when given.
    pub fn unknown(expression: Option<Range<usize>>) -> Value {
        Value::of(Part::unknown(expression))
    }

    /// The whole text, when every part is known.
    pub fn text(&self) -> Option<String> {
        let mut text = String::new();
        for part in &self.parts {
            match part {
                Part::Text(t) => text.push_str(t),
                _ => return None,
            }
        }
        Some(text)
    }

    /// The known text before the first part that is not known (the whole text when all is).
    pub fn known_prefix(&self) -> String {
        let mut text = String::new();
        for part in &self.parts {
            match part {
                Part::Text(t) => text.push_str(t),
                _ => break,
            }
        }
        text
    }

    /// Whether every part is known text.
    pub fn is_known(&self) -> bool {
        self.parts.iter().all(|p| matches!(p, Part::Text(_)))
    }

    /// Whether the value is exactly one environment read (`process.env.X`, possibly
    /// transformed or wrapped).
    pub fn is_env_read(&self) -> bool {
        matches!(self.parts.as_slice(), [Part::Env(_)])
    }

    /// Whether nothing of the value is known: one unknown part.
    pub fn is_unknown(&self) -> bool {
        matches!(self.parts.as_slice(), [Part::Unknown(_)])
    }

    /// The environment names the value reads.
    pub fn env_names(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|p| match p {
            Part::Env(name) => Some(&**name),
            _ => None,
        })
    }

    /// The literals of this file the value is built from.
    pub fn literals_here(&self) -> impl Iterator<Item = Range<usize>> + '_ {
        self.literals.iter().filter_map(|l| match l {
            Literal::Here(range) => Some(range.clone()),
            Literal::There(_) => None,
        })
    }
}

impl Values {
    /// One value.
    pub fn one(value: Value) -> Values {
        Values {
            values: vec![value],
        }
    }

    /// Unknown, coming from `expression` when given.
    pub fn unknown(expression: Option<Range<usize>>) -> Values {
        Values::one(Value::unknown(expression))
    }

    /// Whether nothing is known about any value.
    pub fn is_unknown(&self) -> bool {
        self.values.iter().all(Value::is_unknown)
    }

    /// The values whose text is wholly known.
    pub fn texts(&self) -> impl Iterator<Item = String> + '_ {
        self.values.iter().filter_map(Value::text)
    }

    pub fn iter(&self) -> std::slice::Iter<'_, Value> {
        self.values.iter()
    }
}

impl<'a> IntoIterator for &'a Values {
    type Item = &'a Value;
    type IntoIter = std::slice::Iter<'a, Value>;

    fn into_iter(self) -> Self::IntoIter {
        self.values.iter()
    }
}

/// One exported string value: export `export`, property `path` of it (empty: the export
/// itself).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExportedValue {
    pub export: ExportName,
    pub path: Vec<String>,
    pub values: Values,
}

/// An exported function that returns one of its parameters, possibly changed
/// (`export const normalizeEmail = (e) => e.trim().toLowerCase()`): a call of it elsewhere is
/// that argument's value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExportedFunction {
    pub export: ExportName,
    /// The index of the parameter it returns.
    pub parameter: usize,
    pub change: Change,
}
