//! The operations of a `batch([...])` or `entity({...})` call (Track API v2 and Pipelines),
//! each read like a call of its own.

use tree_sitter::Node;

use crate::analysis::syntax::{
    self, object_member, object_property, unwrap_expression, FieldExt, KindExt,
};

pub(super) fn is_object(node: &Node) -> bool {
    node.kind_name() == "object"
}

/// The object literals of an operations list: `[{ … }, { … }]`, `items.map((x) => ({ … }))`
/// (a callback whose body is the object, or whose block returns object literals).
pub(super) fn listed_objects<'t>(list: Node<'t>, source: &str) -> Vec<Node<'t>> {
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
pub(super) enum OperationFormat {
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
    pub(super) format: OperationFormat,
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
