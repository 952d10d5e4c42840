//! Calls: string transforms (`encodeURIComponent(x)`, `x.trim().toLowerCase()`), derivations
//! that keep where a value comes from (`btoa(x)`, hashes, `slice`), environment reads
//! (`Deno.env.get("X")`), `join`/`concat`, `new URL(path, base)`, and calls of same-file
//! functions: their returns with the parameters replaced by the call's arguments, so that
//! `normalize(user.email)` is `user.email` transformed, and `url("/customers/1")` the whole URL.

use std::cell::Cell;
use std::rc::Rc;

use tree_sitter::Node;

use super::combine::{union, Op};
use super::eval::{evaluate, Expansion, Machine, Task};
use super::lookup;
use super::property::{env, env_call};
use super::value::{Change, Part, Value, Values};
use crate::analysis::syntax::{
    self, arguments, parameter_names, string_literal_value, text, unwrap_expression, FieldExt,
    KindExt,
};

/// String methods whose result is the receiver in another spelling: the same text for the
/// same value (an email stays that address).
pub const SPELLING_METHODS: &[&str] = &[
    "toLowerCase",
    "toUpperCase",
    "toLocaleLowerCase",
    "toLocaleUpperCase",
    "trim",
    "trimStart",
    "trimEnd",
    "normalize",
];
/// Other methods whose result the service keeps as the receiver's text.
const KEEPING_METHODS: &[&str] = &[
    "toString",
    "valueOf",
    // A URL's trailing slash removed (`base.replace(/\/$/, "")`): the text is kept as it is,
    // which is right for the host and close enough for the rest.
    "replace",
    "replaceAll",
];
/// Functions whose result is their argument in another spelling.
const TRANSFORM_FUNCTIONS: &[&str] = &[
    "String",
    "encodeURIComponent",
    "encodeURI",
    "decodeURIComponent",
    "decodeURI",
];
/// Functions and methods whose result is computed from their argument alone (a hash, an
/// encoding, a slice): unknown text, but still "from that value" (an id hashed from an email
/// changes when the email does).
const DERIVING_FUNCTIONS: &[&str] = &["sha256", "sha1", "md5", "hash", "hashEmail", "atob"];
const DERIVING_METHODS: &[&str] = &[
    "slice",
    "substring",
    "substr",
    "digest",
    "padStart",
    "padEnd",
];

/// How many same-file calls may be substituted inside one another (each substitution
/// evaluates the called function's returns on their own).
const MAX_NESTED_CALLS: u32 = 3;

thread_local! {
    static NESTED_CALLS: Cell<u32> = const { Cell::new(0) };
}

impl<'t> Machine<'t, '_> {
    pub(super) fn call(&self, node: Node<'t>, hops: u8) -> Expansion<'t> {
        let source = self.cx.source;
        let unknown = || Expansion::Done(Values::unknown(Some(node.byte_range())));
        let Some(function) = node.field("function").map(unwrap_expression) else {
            return unknown();
        };
        let args = arguments(node);
        let first = args.first().copied();
        match function.kind_name() {
            "identifier" => {
                let name = text(function, source);
                if TRANSFORM_FUNCTIONS.contains(&name) {
                    return match first {
                        Some(argument) => Expansion::Apply(
                            Op::Transform("encode"),
                            vec![Task::Eval(argument, hops)],
                        ),
                        None => unknown(),
                    };
                }
                if name == "btoa" {
                    return match first {
                        Some(argument) => {
                            Expansion::Apply(Op::Base64, vec![Task::Eval(argument, hops)])
                        }
                        None => unknown(),
                    };
                }
                if DERIVING_FUNCTIONS.contains(&name) {
                    return match first {
                        Some(argument) => Expansion::Apply(
                            Op::Transform("derived"),
                            vec![Task::Eval(argument, hops)],
                        ),
                        None => unknown(),
                    };
                }
                let Some(hops) = hops.checked_sub(1) else {
                    return unknown();
                };
                match lookup::called_function(function, self.cx, self.declarations) {
                    Some(called) => Expansion::Apply(
                        Op::Union,
                        vec![Task::Substitute {
                            call: node,
                            function: called,
                            hops,
                        }],
                    ),
                    None => match self.imported_function(name) {
                        Some((parameter, change)) => match args.get(parameter) {
                            Some(argument) => {
                                let argument = Task::Eval(*argument, hops);
                                Expansion::Apply(Op::Union, vec![changed(change, argument)])
                            }
                            None => unknown(),
                        },
                        None => unknown(),
                    },
                }
            }
            "member_expression" => {
                let (Some(receiver), Some(method)) =
                    (function.field("object"), function.field("property"))
                else {
                    return unknown();
                };
                let method = text(method, source);
                if let Some(name) = env_call(receiver, method, first, source) {
                    return Expansion::Done(env(name));
                }
                let literal_argument = first.and_then(|a| string_literal_value(a, source));
                // `createHash("sha256").update(email)`: what is hashed is the argument.
                if method == "update" && args.len() == 1 {
                    return Expansion::Apply(
                        Op::Transform("derived"),
                        vec![Task::Eval(args[0], hops)],
                    );
                }
                if let Some(known) = DERIVING_METHODS.iter().find(|m| **m == method) {
                    let change = if *known == "digest" { "derived" } else { known };
                    return Expansion::Apply(
                        Op::Transform(change),
                        vec![Task::Eval(receiver, hops)],
                    );
                }
                match method {
                    "toString" if literal_argument == Some("base64") => {
                        Expansion::Apply(Op::Base64, vec![Task::Eval(receiver, hops)])
                    }
                    // `Buffer.from(x)`: the bytes of `x`, spelled by a later `toString`.
                    "from" if text(receiver, source) == "Buffer" => match first {
                        Some(argument) => Expansion::Apply(
                            Op::Transform("bytes"),
                            vec![Task::Eval(argument, hops)],
                        ),
                        None => unknown(),
                    },
                    "join" if unwrap_expression(receiver).kind_name() == "array" => {
                        let separator = match first {
                            None => ",",
                            Some(_) => match literal_argument {
                                Some(separator) => separator,
                                None => return unknown(),
                            },
                        };
                        let mut cursor = receiver.walk();
                        let elements: Vec<Task> = unwrap_expression(receiver)
                            .named_children(&mut cursor)
                            .filter(|e| e.kind_name() != "comment")
                            .map(|e| Task::Eval(e, hops))
                            .collect();
                        Expansion::Apply(Op::Join(separator.into()), elements)
                    }
                    "concat" => {
                        let mut operands = vec![Task::Eval(receiver, hops)];
                        operands.extend(args.iter().map(|a| Task::Eval(*a, hops)));
                        Expansion::Apply(Op::Concat, operands)
                    }
                    _ => match SPELLING_METHODS
                        .iter()
                        .chain(KEEPING_METHODS)
                        .find(|m| **m == method)
                    {
                        Some(method) => Expansion::Apply(
                            Op::Transform(method),
                            vec![Task::Eval(receiver, hops)],
                        ),
                        None => unknown(),
                    },
                }
            }
            _ => unknown(),
        }
    }

    /// `new URL(path, base)`, `new URL(url)`, `new String(x)`.
    pub(super) fn construction(&self, node: Node<'t>, hops: u8) -> Expansion<'t> {
        let unknown = || Expansion::Done(Values::unknown(Some(node.byte_range())));
        let constructor = node
            .field("constructor")
            .map_or("", |c| text(c, self.cx.source));
        let args = arguments(node);
        match (constructor, args.as_slice()) {
            ("URL" | "String", [only]) => {
                Expansion::Apply(Op::Union, vec![Task::Eval(*only, hops)])
            }
            ("URL", [path, base, ..]) => Expansion::Apply(
                Op::UrlJoin,
                vec![Task::Eval(*path, hops), Task::Eval(*base, hops)],
            ),
            _ => unknown(),
        }
    }

    /// The parameter an imported function returns, and how changed, when the workspace knows
    /// it (`import { normalizeEmail } from "../lib/email"`).
    fn imported_function(&self, name: &str) -> Option<(usize, Change)> {
        let import = self
            .cx
            .bindings
            .module_imports
            .iter()
            .find(|i| i.local == name)?;
        let function = self
            .cx
            .workspace
            .exported_function(&import.specifier, &import.imported)?;
        Some((function.parameter, function.change))
    }

    /// Schedules the returns of `function` with its parameters replaced by `call`'s arguments:
    /// the returns are evaluated on their own with parameters kept as unknown parts, and each
    /// part that is a parameter of `function` becomes the evaluation of the matching argument
    /// (transformed when the parameter was).
    pub(super) fn substitute(&mut self, call: Node<'t>, function: Node<'t>, hops: u8) {
        let unknown = || Rc::new(Values::unknown(Some(call.byte_range())));
        let nested = NESTED_CALLS.with(Cell::get);
        let returns = lookup::returns(function);
        if nested >= MAX_NESTED_CALLS || returns.is_empty() {
            self.schedule(Expansion::Done((*unknown()).clone()), None);
            return;
        }
        let bare = self.cx.without_parameters();
        NESTED_CALLS.with(|n| n.set(nested + 1));
        let evaluated: Vec<Rc<Values>> = returns.iter().map(|r| evaluate(*r, &bare)).collect();
        NESTED_CALLS.with(|n| n.set(nested));
        let Some(raw) = union(evaluated.iter().map(|v| &**v)) else {
            self.schedule(Expansion::Done((*unknown()).clone()), None);
            return;
        };
        let parameters = parameter_names(function, self.cx.source);
        let args = arguments(call);
        let root = syntax::tree_root(call);
        let operands: Vec<Task<'t>> = raw
            .values
            .iter()
            .map(|value| self.substituted(value, function, &parameters, &args, root, hops))
            .collect();
        self.schedule(Expansion::Apply(Op::Union, operands), None);
    }

    /// One returned value as a task: itself, or the concatenation of its parts with each
    /// parameter part replaced by its argument.
    fn substituted(
        &self,
        value: &Value,
        function: Node<'t>,
        parameters: &[Option<&str>],
        args: &[Node<'t>],
        root: Node<'t>,
        hops: u8,
    ) -> Task<'t> {
        let parameter_of = |part: &Part| -> Option<(usize, Change)> {
            let Part::Unknown(hole) = part else {
                return None;
            };
            let range = hole.expression.clone()?;
            if !(function.start_byte() <= range.start && range.end <= function.end_byte()) {
                return None;
            }
            let node = syntax::descendant_for_byte_range(root, range.start, range.end)?;
            if node.kind_name() != "identifier" || node.byte_range() != range {
                return None;
            }
            let name = text(node, self.cx.source);
            let index = parameters.iter().position(|p| *p == Some(name))?;
            Some((index, hole.change))
        };
        if !value.parts.iter().any(|p| parameter_of(p).is_some()) {
            return Task::Push(Rc::new(Values::one(value.clone())));
        }
        let mut segments: Vec<Task<'t>> = Vec::new();
        let mut pending = Value {
            parts: Vec::new(),
            literals: value.literals.clone(),
            fallback: value.fallback.clone(),
        };
        for part in &value.parts {
            match parameter_of(part) {
                Some((index, change)) => {
                    if !pending.parts.is_empty() || !pending.literals.is_empty() {
                        segments.push(Task::Push(Rc::new(Values::one(std::mem::take(
                            &mut pending,
                        )))));
                    }
                    let argument = match args.get(index) {
                        Some(argument) => Task::Eval(*argument, hops),
                        None => Task::Push(Rc::new(Values::unknown(None))),
                    };
                    // The parameter's change, applied to the argument's value.
                    segments.push(changed(change, argument));
                }
                None => pending.parts.push(part.clone()),
            }
        }
        if !pending.parts.is_empty() {
            segments.push(Task::Push(Rc::new(Values::one(pending))));
        }
        Task::Group {
            op: Op::Concat,
            operands: segments,
        }
    }
}

/// `task`'s one result with `change` applied (see `combine::change_of`).
fn changed(change: Change, task: Task<'_>) -> Task<'_> {
    let method = match change {
        Change::None => return task,
        Change::Spelling => "spelled",
        Change::Derived => "derived",
        Change::Altered => "altered",
    };
    Task::Group {
        op: Op::Transform(method),
        operands: vec![task],
    }
}
