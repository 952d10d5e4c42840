//! What each argument of a Customer.io call means: per SDK from the call table
//! (`sdk_calls`), as a request's URL and JSON body hold it, or as a wrapper's call site passes
//! it on; and the operations of `batch`/`entity` calls.

use tree_sitter::Node;

use super::operations::{is_object, listed_objects, Operation, OperationFormat};
use super::{CioCall, Method, Route};
use crate::analysis::resolve::sdk_calls::{Arg, Client, Operations};
use crate::analysis::resolve::summaries::Role;
use crate::analysis::syntax::{
    self, object_member, object_property, unwrap_expression, FieldExt, KindExt,
};

impl<'t> CioCall<'t> {
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

    /// The expression naming the person: `identify(id, …)`, `{ userId }`, snippet `{ id }`, the
    /// id segment of a request's URL.
    pub fn person_id(&self, source: &str) -> Option<Node<'t>> {
        match &self.route {
            Route::Http(request) => request.person_id(source),
            Route::Wrapper(_) => self.passed_as(&Role::PersonId, source),
            Route::Client => self.locate(self.row?.person, source),
        }
    }

    /// The attributes (traits) of the person (identify, a form, a group): an object literal or
    /// any expression.
    pub fn attributes(&self, source: &str) -> Option<Node<'t>> {
        match &self.route {
            Route::Http(request) => request.body.filter(|_| self.method == Method::Identify),
            Route::Wrapper(_) => self.passed_as(&Role::Attributes, source),
            Route::Client => self.locate(self.row?.attributes, source),
        }
    }

    /// The event name of a track call.
    pub fn event_name(&self, source: &str) -> Option<Node<'t>> {
        match &self.route {
            Route::Http(_) => object_property(self.http_event()?, "name", source),
            Route::Wrapper(_) => self.passed_as(&Role::EventName, source),
            Route::Client => self.locate(self.row?.event, source),
        }
    }

    /// The event's data / properties (also a page view's, a device's).
    pub fn event_data(&self, source: &str) -> Option<Node<'t>> {
        match &self.route {
            Route::Http(_) => object_property(self.http_event()?, "data", source),
            Route::Wrapper(_) => self.passed_as(&Role::EventData, source),
            Route::Client => self.locate(self.row?.data, source),
        }
    }

    /// The JSON body of a request that records an event.
    fn http_event(&self) -> Option<Node<'t>> {
        let request = self.http()?;
        request
            .body
            .filter(|_| matches!(self.method, Method::Track | Method::TrackAnonymous))
    }

    /// The object that holds the event name and data (`{ name, data }` / `{ event, properties }`)
    /// or the payload's own timestamp, where the SDK has one; fixes insert new data keys
    /// relative to it.
    pub fn event_payload(&self) -> Option<Node<'t>> {
        match &self.route {
            Route::Http(_) => return self.http_event(),
            // A wrapper passes parts on, never the payload object itself.
            Route::Wrapper(_) => return None,
            Route::Client => {}
        }
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
        if self.http().is_some() {
            return object_member(self.http_event()?, "timestamp", source);
        }
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

    /// The properties of the attributes, the event data and the event payload, with their
    /// values, that the call sets: the members of those objects when they are literals, and
    /// for a wrapper the call site's arguments that it passes on as such properties.
    pub fn properties(&self, source: &str) -> Vec<(String, Node<'t>)> {
        if let Route::Wrapper(summary) = &self.route {
            let Some(wrapped) = &summary.wraps else {
                return Vec::new();
            };
            return wrapped
                .roles
                .iter()
                .filter_map(|role| match &role.role {
                    Role::Property(key) => Some((key.clone(), self.passed_as(&role.role, source)?)),
                    _ => None,
                })
                .collect();
        }
        let objects = [
            self.attributes(source),
            self.event_data(source),
            self.event_payload(),
        ];
        let mut properties = Vec::new();
        for object in objects.into_iter().flatten() {
            if object.kind_name() != "object" {
                continue;
            }
            let mut cursor = object.walk();
            for member in object.named_children(&mut cursor) {
                match member.kind_name() {
                    "pair" => {
                        let key = member
                            .field("key")
                            .and_then(|k| syntax::property_key(k, source));
                        if let (Some(key), Some(value)) = (key, member.field("value")) {
                            properties.push((key.to_string(), value));
                        }
                    }
                    "shorthand_property_identifier" => {
                        properties.push((syntax::text(member, source).to_string(), member));
                    }
                    _ => {}
                }
            }
        }
        properties
    }

    /// The call site's argument that a wrapper passes on as `role` (a property of an object
    /// literal argument, when the wrapper reads one).
    fn passed_as(&self, role: &Role, source: &str) -> Option<Node<'t>> {
        let Route::Wrapper(summary) = &self.route else {
            return None;
        };
        let passed = summary
            .wraps
            .as_ref()?
            .roles
            .iter()
            .find(|r| r.role == *role)?;
        let argument = self.arg(usize::from(passed.parameter))?;
        match &passed.property {
            None => Some(argument),
            Some(key) if argument.kind_name() == "object" => object_property(argument, key, source),
            Some(_) => None,
        }
    }
}
