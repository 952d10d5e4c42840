//! The call model: what each argument of a Customer.io call means, per SDK.
//!
//! Rules ask "what is the person id of this call?" or "where is its event name?" here instead of
//! knowing each SDK's argument conventions themselves (catalog table "SDK shapes to recognise").

use tree_sitter::Node;

use super::bindings::Bindings;
use super::sdk::Sdk;
pub use super::sdk_calls::Method;
use super::sdk_calls::{Api, Arg, Client, Operations, SdkCall};
use crate::analysis::syntax::{
    self, object_member, object_property, text, unwrap_expression, FieldExt, KindExt,
};

/// A call whose receiver is a Customer.io client.
#[derive(Debug, Clone)]
pub struct CioCall<'t> {
    pub sdk: Sdk,
    pub method: Method,
    pub method_name: String,
    pub call: Node<'t>,
    pub receiver: Node<'t>,
    row: Option<&'static SdkCall>,
    /// The call's arguments, read on first use: most checks need only the SDK and method.
    args: std::cell::OnceCell<Vec<Node<'t>>>,
}

impl<'t> CioCall<'t> {
    /// Interprets `call` (a `call_expression`) if its receiver is a Customer.io client.
    pub fn from_call(call: Node<'t>, bindings: &Bindings, source: &str) -> Option<CioCall<'t>> {
        if call.kind_name() != "call_expression" {
            return None;
        }
        let function = unwrap_expression(call.field("function")?);
        if function.kind_name() != "member_expression" {
            return None;
        }
        let receiver = function.field("object")?;
        let property = function.field("property")?;
        let sdk = bindings.resolve(receiver, source)?;
        let method_name = text(property, source).to_string();
        let row = SdkCall::find(sdk, &method_name);
        Some(CioCall {
            sdk,
            method: row.map_or(Method::Other, |row| row.method),
            row,
            method_name,
            call,
            receiver,
            args: std::cell::OnceCell::new(),
        })
    }

    /// The nearest enclosing Customer.io call of `node` (or `node` itself).
    pub fn enclosing(node: Node<'t>, bindings: &Bindings, source: &str) -> Option<CioCall<'t>> {
        Self::innermost(
            std::iter::once(node).chain(syntax::ancestors(node)),
            bindings,
            source,
        )
    }

    /// The first Customer.io call of `chain` (a node and its ancestors, nearest first), for
    /// callers that already climbed from a node below.
    pub fn innermost(
        chain: impl IntoIterator<Item = Node<'t>>,
        bindings: &Bindings,
        source: &str,
    ) -> Option<CioCall<'t>> {
        chain
            .into_iter()
            .filter(|n| n.kind_name() == "call_expression")
            .find_map(|call| CioCall::from_call(call, bindings, source))
    }

    /// The SDK call table's row for this method, when it is one the table lists.
    pub fn row(&self) -> Option<&'static SdkCall> {
        self.row
    }

    /// Whether this call is an HTTP request to the Track or Pipelines API that nobody needs an
    /// answer from (rate limited; blocking when awaited in a request handler).
    pub fn is_track_api_request(&self) -> bool {
        self.row
            .is_some_and(|row| matches!(row.api, Api::Track | Api::Pipelines))
    }

    /// The call's arguments (comments excluded).
    pub fn args(&self) -> &[Node<'t>] {
        self.args.get_or_init(|| syntax::arguments(self.call))
    }

    fn arg(&self, index: usize) -> Option<Node<'t>> {
        self.args().get(index).copied().map(unwrap_expression)
    }

    /// The node that `arg`, a place in the call table, names in this call.
    fn locate(&self, arg: Arg, source: &str) -> Option<Node<'t>> {
        match arg {
            Arg::None => None,
            Arg::At(index) => self.arg(index),
            Arg::ObjectAt(index) => self.arg(index).filter(is_object),
            Arg::NotObjectAt(index) => self.arg(index).filter(|n| !is_object(n)),
            Arg::Key(index, key) => {
                object_property(self.arg(index).filter(is_object)?, key, source)
            }
        }
    }

    /// The expression naming the person: `identify(id, …)`, `{ userId }`, snippet `{ id }`.
    pub fn person_id(&self, source: &str) -> Option<Node<'t>> {
        self.locate(self.row?.person, source)
    }

    /// The attributes (traits) of the person (identify, a form, a group): an object literal or
    /// any expression.
    pub fn attributes(&self, source: &str) -> Option<Node<'t>> {
        self.locate(self.row?.attributes, source)
    }

    /// The event name of a track call.
    pub fn event_name(&self, source: &str) -> Option<Node<'t>> {
        self.locate(self.row?.event, source)
    }

    /// The event's data / properties (also a page view's, a device's).
    pub fn event_data(&self, source: &str) -> Option<Node<'t>> {
        self.locate(self.row?.data, source)
    }

    /// The object that holds the event name and data (`{ name, data }` / `{ event, properties }`)
    /// or the payload's own timestamp, where the SDK has one; fixes insert new data keys
    /// relative to it.
    pub fn event_payload(&self) -> Option<Node<'t>> {
        let row = self.row?;
        [row.event, row.timestamp]
            .into_iter()
            .find_map(|arg| match arg {
                Arg::Key(index, _) => self.arg(index).filter(is_object),
                _ => None,
            })
    }

    /// The payload's own `timestamp` member (the pair or shorthand node).
    pub fn timestamp_member(&self, source: &str) -> Option<Node<'t>> {
        match self.row?.timestamp {
            Arg::Key(index, key) => object_member(self.arg(index).filter(is_object)?, key, source),
            _ => None,
        }
    }

    /// The operations that a `batch([...])` or `entity({...})` call carries, each an object
    /// literal: the elements of an array literal, or the object that a `.map` callback returns
    /// (`users.map((u) => ({ … }))`).
    pub fn operations(&self, source: &str) -> Vec<Operation<'t>> {
        let Some(row) = self.row else {
            return Vec::new();
        };
        let format = match row.client {
            Client::Pipelines => OperationFormat::Pipelines,
            _ => OperationFormat::TrackV2,
        };
        let objects = match row.operations {
            Operations::None => Vec::new(),
            Operations::One(index) => self.arg(index).filter(is_object).into_iter().collect(),
            Operations::List(index) => self
                .arg(index)
                .map(|list| listed_objects(list, source))
                .unwrap_or_default(),
        };
        objects
            .into_iter()
            .map(|object| Operation { object, format })
            .collect()
    }
}

fn is_object(node: &Node) -> bool {
    node.kind_name() == "object"
}

/// The object literals of an operations list: `[{ … }, { … }]`, `items.map((x) => ({ … }))`
/// (a callback whose body is the object, or whose block returns object literals).
fn listed_objects<'t>(list: Node<'t>, source: &str) -> Vec<Node<'t>> {
    match list.kind_name() {
        "array" => {
            let mut cursor = list.walk();
            let objects = list
                .named_children(&mut cursor)
                .map(unwrap_expression)
                .filter(is_object)
                .collect();
            objects
        }
        "call_expression"
            if matches!(syntax::called_method(list, source), Some("map" | "flatMap")) =>
        {
            syntax::arguments(list)
                .first()
                .map(|callback| returned_objects(unwrap_expression(*callback)))
                .unwrap_or_default()
        }
        _ => Vec::new(),
    }
}

/// The object literals a callback returns: its expression body, or the `return { … }`
/// statements of its block (not those of nested functions).
fn returned_objects(callback: Node) -> Vec<Node> {
    if !syntax::is_function(callback) {
        return Vec::new();
    }
    let Some(body) = callback.field("body").map(unwrap_expression) else {
        return Vec::new();
    };
    if is_object(&body) {
        return vec![body];
    }
    let mut objects = Vec::new();
    if body.kind_name() == "statement_block" {
        syntax::for_each_in_function_body(body, &mut |node| {
            if node.kind_name() == "return_statement" {
                objects.extend(node.named_child(0).map(unwrap_expression).filter(is_object));
            }
        });
    }
    objects
}

/// How an operation object spells its parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OperationFormat {
    /// Track API v2 (`TrackClient.batch` / `entity`): `{ type: "person", identifiers: { id },
    /// action: "identify" | "event" | …, attributes, name, timestamp }`.
    TrackV2,
    /// Pipelines batch items: `{ type: "identify" | "track" | …, userId, traits, event,
    /// properties, timestamp }`.
    Pipelines,
}

/// One operation inside a `batch` or `entity` call, read like a call of its own.
#[derive(Debug, Clone, Copy)]
pub struct Operation<'t> {
    pub object: Node<'t>,
    format: OperationFormat,
}

/// Track API v2 actions that record an event (their `attributes` are the event's data).
const V2_EVENT_ACTIONS: &[&str] = &["event", "page", "screen"];

impl<'t> Operation<'t> {
    fn value(&self, key: &str, source: &str) -> Option<Node<'t>> {
        object_property(self.object, key, source).map(unwrap_expression)
    }

    /// The literal `action` (v2) or `type` (Pipelines); `None` when it is not a literal.
    fn action<'s>(&self, source: &'s str) -> Option<&'s str> {
        let key = match self.format {
            OperationFormat::TrackV2 => "action",
            OperationFormat::Pipelines => "type",
        };
        syntax::string_literal_value(self.value(key, source)?, source)
    }

    fn records_event(&self, source: &str) -> bool {
        let action = self.action(source);
        match self.format {
            OperationFormat::TrackV2 => action.is_some_and(|a| V2_EVENT_ACTIONS.contains(&a)),
            OperationFormat::Pipelines => matches!(action, Some("track" | "page" | "screen")),
        }
    }

    /// The person id: v2 `identifiers.id` of a person operation, Pipelines `userId`.
    pub fn person_id(&self, source: &str) -> Option<Node<'t>> {
        match self.format {
            OperationFormat::TrackV2 => {
                let kind = self.value("type", source);
                let of_person = kind.is_none_or(|kind| {
                    syntax::string_literal_value(kind, source).is_none_or(|k| k == "person")
                });
                let identifiers = self.value("identifiers", source).filter(is_object)?;
                of_person
                    .then(|| object_property(identifiers, "id", source))
                    .flatten()
            }
            OperationFormat::Pipelines => self.value("userId", source),
        }
    }

    /// The event name of an event operation.
    pub fn event_name(&self, source: &str) -> Option<Node<'t>> {
        let key = match (self.format, self.action(source)) {
            (OperationFormat::TrackV2, Some("event")) => "name",
            (OperationFormat::Pipelines, Some("track")) => "event",
            _ => return None,
        };
        self.value(key, source)
    }

    /// The attributes (traits) of a person or object operation.
    pub fn attributes(&self, source: &str) -> Option<Node<'t>> {
        if self.records_event(source) {
            return None;
        }
        match self.format {
            OperationFormat::TrackV2 => self.value("attributes", source),
            OperationFormat::Pipelines => self.value("traits", source),
        }
    }

    /// The data of an event operation.
    pub fn event_data(&self, source: &str) -> Option<Node<'t>> {
        if !self.records_event(source) {
            return None;
        }
        match self.format {
            OperationFormat::TrackV2 => self.value("attributes", source),
            OperationFormat::Pipelines => self.value("properties", source),
        }
    }

    /// The key under which the operation carries event data (`attributes` in v2, Pipelines
    /// `properties`).
    pub fn data_key(&self) -> &'static str {
        match self.format {
            OperationFormat::TrackV2 => "attributes",
            OperationFormat::Pipelines => "properties",
        }
    }

    /// The operation's own `timestamp` member.
    pub fn timestamp_member(&self, source: &str) -> Option<Node<'t>> {
        object_member(self.object, "timestamp", source)
    }
}
