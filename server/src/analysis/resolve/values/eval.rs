//! The evaluator: an explicit stack of tasks over the syntax (never recursion: 40k-deep
//! `+` chains and nested templates are real), each node's answer memoised.
//!
//! A task either pushes one [`Values`] on the result stack or expands into operand tasks and
//! a [`Task::Combine`] that pops their results and combines them with an [`Op`].

use std::ops::Range;
use std::rc::Rc;

use rustc_hash::FxHashSet;
use tree_sitter::Node;

use super::combine::{combine, literal, Op};
use super::context::ValueContext;
use super::lookup::{self, ModuleDeclarations};
use super::memo;
use super::parameters;
use super::property::{env, is_env_object, lookup_property};
use super::sources::Source;
use super::value::{Part, Value, Values, MAX_HOPS};
use crate::analysis::syntax::{
    self, string_literal_value, text, unwrap_expression, FieldExt, KindExt,
};

/// How many tasks one question may run: far more than any real value needs, and a bound on
/// the cost of a pathological one.
const MAX_TASKS: usize = 200_000;

pub(super) enum Task<'t> {
    Eval(Node<'t>, u8),
    /// Property `key` (`None`: any property) of the objects `object` may be.
    Property {
        object: Node<'t>,
        key: Option<String>,
        hops: u8,
        /// The expression that reads the property: what is unknown when the object is.
        at: Option<Range<usize>>,
    },
    /// A definition's default value: evaluated, then marked as a fallback.
    Defaulted(Node<'t>, Range<usize>, u8),
    Combine {
        op: Op,
        count: usize,
        /// The node whose answer this is (memoised, and no longer being evaluated).
        node: Option<Node<'t>>,
    },
    Push(Rc<Values>),
    /// `operands`' results (one each) combined with `op`: a task of its own that expands into
    /// them (a transformed argument, the parts of a substituted return).
    Group {
        op: Op,
        operands: Vec<Task<'t>>,
    },
    /// A call of a same-file `function`: its returns with its parameters replaced by this
    /// call's arguments (see `calls.rs`).
    Substitute {
        call: Node<'t>,
        function: Node<'t>,
        hops: u8,
    },
}

/// The possible values of `expression` (see [`super::string_values`]).
pub(super) fn evaluate(expression: Node, cx: &ValueContext) -> Rc<Values> {
    let key = memo::key_of(expression, cx);
    if let Some(known) = memo::values(key, expression.id()) {
        return known;
    }
    let start = Task::Eval(expression, MAX_HOPS);
    run(expression, start, cx)
        .unwrap_or_else(|| Rc::new(Values::unknown(Some(expression.byte_range()))))
}

/// The possible values of property `key` of what `object` evaluates to (see
/// [`super::property_values`]).
pub(super) fn evaluate_property(object: Node, key: &str, cx: &ValueContext) -> Rc<Values> {
    let start = Task::Property {
        object,
        key: Some(key.to_string()),
        hops: MAX_HOPS,
        at: None,
    };
    run(object, start, cx).unwrap_or_else(|| Rc::new(Values::unknown(None)))
}

/// Runs the machine from `start` (a task about `node`'s tree) to its one result.
fn run<'t>(node: Node<'t>, start: Task<'t>, cx: &ValueContext) -> Option<Rc<Values>> {
    let key = memo::key_of(node, cx);
    let declarations = lookup::module_declarations(node, cx);
    let mut machine = Machine {
        cx,
        key,
        declarations: &declarations,
        tasks: vec![start],
        results: Vec::new(),
        active: FxHashSet::default(),
        runs: 0,
    };
    machine.run();
    machine.results.pop()
}

pub(super) struct Machine<'t, 'c> {
    pub(super) cx: &'c ValueContext<'c>,
    key: Option<memo::Key>,
    pub(super) declarations: &'c ModuleDeclarations,
    tasks: Vec<Task<'t>>,
    results: Vec<Rc<Values>>,
    /// Nodes being evaluated: meeting one again is a cycle (`const a = b, b = a`).
    active: FxHashSet<usize>,
    runs: usize,
}

/// What one node evaluates to: a known answer, or operands to combine.
pub(super) enum Expansion<'t> {
    Done(Values),
    Apply(Op, Vec<Task<'t>>),
}

impl<'t> Machine<'t, '_> {
    fn run(&mut self) {
        while let Some(task) = self.tasks.pop() {
            self.runs += 1;
            match task {
                Task::Push(values) => self.results.push(values),
                Task::Eval(node, hops) => self.eval(node, hops),
                Task::Property {
                    object,
                    key,
                    hops,
                    at,
                } => {
                    let expansion = self.property(object, key.as_deref(), hops, at);
                    self.schedule(expansion, None);
                }
                Task::Group { op, operands } => {
                    self.schedule(Expansion::Apply(op, operands), None);
                }
                Task::Substitute {
                    call,
                    function,
                    hops,
                } => self.substitute(call, function, hops),
                Task::Defaulted(value, at, hops) => {
                    self.tasks.push(Task::Combine {
                        op: Op::Default(at),
                        count: 1,
                        node: None,
                    });
                    self.tasks.push(Task::Eval(value, hops));
                }
                Task::Combine { op, count, node } => {
                    let start = self.results.len().saturating_sub(count);
                    let operands: Vec<Rc<Values>> = self.results.drain(start..).collect();
                    let at = node.map(|n| n.byte_range());
                    let combined = Rc::new(combine(&op, &operands, at));
                    if let Some(node) = node {
                        self.active.remove(&node.id());
                        memo::remember(self.key, node.id(), &combined);
                    }
                    self.results.push(combined);
                }
            }
        }
    }

    fn eval(&mut self, node: Node<'t>, hops: u8) {
        let node = unwrap_expression(node);
        if let Some(known) = memo::values(self.key, node.id()) {
            self.results.push(known);
            return;
        }
        if self.active.contains(&node.id()) || self.runs > MAX_TASKS {
            self.results
                .push(Rc::new(Values::unknown(Some(node.byte_range()))));
            return;
        }
        let expansion = self.expand(node, hops);
        self.schedule(expansion, Some(node));
    }

    /// Pushes an expansion's work: its answer, or its combination and operands (the first
    /// operand runs first and its result lands first).
    pub(super) fn schedule(&mut self, expansion: Expansion<'t>, node: Option<Node<'t>>) {
        match expansion {
            Expansion::Done(values) => {
                let values = Rc::new(values);
                if let Some(node) = node {
                    memo::remember(self.key, node.id(), &values);
                }
                self.results.push(values);
            }
            Expansion::Apply(op, operands) => {
                if let Some(node) = node {
                    self.active.insert(node.id());
                }
                self.tasks.push(Task::Combine {
                    op,
                    count: operands.len(),
                    node,
                });
                self.tasks.extend(operands.into_iter().rev());
            }
        }
    }

    fn expand(&self, node: Node<'t>, hops: u8) -> Expansion<'t> {
        let source = self.cx.source;
        let unknown = || Expansion::Done(Values::unknown(Some(node.byte_range())));
        match node.kind_name() {
            "string" => {
                let Some(value) = string_literal_value(node, source) else {
                    return unknown();
                };
                Expansion::Done(Values::one(literal(value, node.byte_range())))
            }
            "template_string" => self.template(node, hops),
            "number" => Expansion::Done(Values::one(Value::of(Part::text(text(node, source))))),
            "binary_expression" => {
                let (Some(left), Some(right)) = (node.field("left"), node.field("right")) else {
                    return unknown();
                };
                let operator = node.field("operator").map_or("", |o| text(o, source));
                let op = match operator {
                    "+" => Op::Concat,
                    "||" | "??" => Op::Or(node.byte_range()),
                    _ => return unknown(),
                };
                Expansion::Apply(op, vec![Task::Eval(left, hops), Task::Eval(right, hops)])
            }
            "ternary_expression" => {
                let (Some(yes), Some(no)) = (node.field("consequence"), node.field("alternative"))
                else {
                    return unknown();
                };
                Expansion::Apply(Op::Union, vec![Task::Eval(yes, hops), Task::Eval(no, hops)])
            }
            "await_expression" | "jsx_expression" => match node.named_child(0) {
                Some(inner) => Expansion::Apply(Op::Union, vec![Task::Eval(inner, hops)]),
                None => unknown(),
            },
            "assignment_expression" => match node.field("right") {
                Some(right) => Expansion::Apply(Op::Union, vec![Task::Eval(right, hops)]),
                None => unknown(),
            },
            "identifier" | "shorthand_property_identifier" => {
                let Some(hops) = hops.checked_sub(1) else {
                    return unknown();
                };
                let name = text(node, source);
                let sources = lookup::identifier(node, name, self.cx, self.declarations);
                self.apply_sources(sources, hops, node)
            }
            "member_expression" => self.member(node, hops),
            "subscript_expression" => {
                let (Some(object), Some(index)) = (node.field("object"), node.field("index"))
                else {
                    return unknown();
                };
                let index = unwrap_expression(index);
                let key = string_literal_value(index, source).map(str::to_string);
                if let Some(name) = key.as_deref().filter(|_| is_env_object(object, source)) {
                    return Expansion::Done(env(name));
                }
                let Some(hops) = hops.checked_sub(1) else {
                    return unknown();
                };
                let at = Some(node.byte_range());
                Expansion::Apply(
                    Op::Union,
                    vec![Task::Property {
                        object,
                        key,
                        hops,
                        at,
                    }],
                )
            }
            "call_expression" => self.call(node, hops),
            "new_expression" => self.construction(node, hops),
            _ => unknown(),
        }
    }

    /// The definitions of `node` (a name, a `this` field) as operands; a destructured
    /// property that cannot be followed is unknown from `node` itself (`email` of
    /// `const { email } = await req.json()`).
    fn apply_sources(&self, sources: Vec<Source<'t>>, hops: u8, node: Node<'t>) -> Expansion<'t> {
        let tasks = sources
            .into_iter()
            .map(|source| match source {
                Source::Expression(node) => Task::Eval(node, hops),
                Source::Default(node, at) => Task::Defaulted(node, at, hops),
                Source::Property(object, key) => Task::Property {
                    object,
                    key: Some(key),
                    hops,
                    at: Some(node.byte_range()),
                },
                Source::Known(values) => Task::Push(Rc::new(values)),
            })
            .collect();
        Expansion::Apply(Op::Union, tasks)
    }

    /// A template: its fragments and substitutions one after the other.
    fn template(&self, node: Node<'t>, hops: u8) -> Expansion<'t> {
        let source = self.cx.source;
        if !syntax::has_substitution(node) {
            let value = string_literal_value(node, source).unwrap_or("");
            return Expansion::Done(Values::one(literal(value, node.byte_range())));
        }
        let mut operands = Vec::new();
        let mut cursor = node.walk();
        for child in node.named_children(&mut cursor) {
            match child.kind_name() {
                // A fragment is not a literal of its own: `Basic ${key}` holds no secret.
                "string_fragment" | "escape_sequence" => {
                    let value = Value::of(Part::text(text(child, source)));
                    operands.push(Task::Push(Rc::new(Values::one(value))));
                }
                "template_substitution" => match child.named_child(0) {
                    Some(inner) => operands.push(Task::Eval(inner, hops)),
                    None => operands.push(Task::Push(Rc::new(Values::unknown(None)))),
                },
                _ => {}
            }
        }
        Expansion::Apply(Op::Concat, operands)
    }

    /// `process.env.X` and friends, `this.field`, `object.key`.
    fn member(&self, node: Node<'t>, hops: u8) -> Expansion<'t> {
        let source = self.cx.source;
        let unknown = || Expansion::Done(Values::unknown(Some(node.byte_range())));
        let (Some(object), Some(property)) = (node.field("object"), node.field("property")) else {
            return unknown();
        };
        let name = text(property, source);
        if is_env_object(object, source) {
            return Expansion::Done(env(name));
        }
        let Some(hops) = hops.checked_sub(1) else {
            return unknown();
        };
        if unwrap_expression(object).kind_name() == "this" {
            let sources = parameters::this_field(object, name, self.cx);
            return self.apply_sources(sources, hops, node);
        }
        Expansion::Apply(
            Op::Union,
            vec![Task::Property {
                object,
                key: Some(name.to_string()),
                hops,
                at: Some(node.byte_range()),
            }],
        )
    }

    /// Property `key` of what `object` may be: the value nodes found, evaluated next.
    fn property(
        &self,
        object: Node<'t>,
        key: Option<&str>,
        hops: u8,
        at: Option<Range<usize>>,
    ) -> Expansion<'t> {
        let found = lookup_property(object, key, hops, self.cx, self.declarations);
        let mut tasks: Vec<Task> = found
            .values
            .into_iter()
            .map(|(node, hops)| Task::Eval(node, hops))
            .collect();
        tasks.extend(found.known.into_iter().map(|v| Task::Push(Rc::new(v))));
        if found.unknown || tasks.is_empty() {
            tasks.push(Task::Push(Rc::new(Values::unknown(at))));
        }
        Expansion::Apply(Op::Union, tasks)
    }
}
