//! The string-value service: the small set of string values that can reach an expression
//! (catalog, "Direct HTTP calls": "the string values that can reach it").
//!
//! Real code rarely writes a URL or a key as one literal at the place it is used. It goes
//! through module and function `const`s, templates and `+`, `process.env.X || "literal"`, `??`,
//! ternaries (the US and EU hosts), object properties and config objects (also imported from
//! another workspace module), fields set in the constructor (`this.baseUrl = eu ? … : …`),
//! default parameters and the literals the call sites of a function pass. [`string_values`]
//! follows all of those and answers with [`Values`]: each possible value as a sequence of
//! [`Part`]s, known text, an environment read or an unknown hole (with the expression it
//! comes from, which the email-as-id rule reads), plus the string literals it was built from
//! (credentials are reported at them) and whether it is the fallback of a read
//! (`process.env.X || "demo-key"`).
//!
//! Bounded: at most [`MAX_VALUES`] values of at most [`MAX_PARTS`] parts and
//! [`MAX_TEXT_BYTES`] of text each, and at most [`MAX_HOPS`] steps from a use to a definition;
//! past a bound the value is unknown, never a guess. The walk over the syntax is an explicit
//! stack (never recursion), and answers are memoised per node while the tree is indexed, so
//! asking about many positions of one file costs each node once.
//!
//! Rules ask this service; they never follow values themselves.

mod calls;
mod combine;
mod context;
mod eval;
mod exported;
mod lookup;
mod memo;
mod parameters;
mod property;
mod sources;
pub mod value;

use tree_sitter::Node;

pub use calls::SPELLING_METHODS;
pub use context::ValueContext;
pub use exported::{exported_functions, exported_values};
pub use value::{
    Change, ExportedFunction, ExportedValue, Fallback, Hole, Literal, Part, Value, Values,
    MAX_HOPS, MAX_PARTS, MAX_TEXT_BYTES, MAX_VALUES,
};

/// The possible string values of `expression`.
pub fn string_values(expression: Node, cx: &ValueContext) -> std::rc::Rc<Values> {
    eval::evaluate(expression, cx)
}

/// The expressions `identifier` may hold by its declaration (and later assignments), with
/// names followed to their own initializers (`const app = base; const base = new Hono()` →
/// `new Hono()`): what rules read to know what a name is made from.
pub fn initializers<'t>(identifier: Node<'t>, cx: &ValueContext) -> Vec<Node<'t>> {
    lookup::initializers(identifier, cx)
}

/// The possible string values of property `key` of what `object` evaluates to (the
/// `writeKey` of an options object that may be a literal, a variable or an imported config).
pub fn property_values(object: Node, key: &str, cx: &ValueContext) -> std::rc::Rc<Values> {
    eval::evaluate_property(object, key, cx)
}

#[cfg(test)]
mod tests;
