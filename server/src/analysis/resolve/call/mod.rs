//! The call model: what each argument of a Customer.io call means, per SDK.
//!
//! Rules ask "what is the person id of this call?" or "where is its event name?" here instead of
//! knowing each SDK's argument conventions themselves (catalog table "SDK shapes to recognise").
//! Two other routes reach Customer.io and are calls too: a direct HTTP request to the Track
//! API ([`Route::Http`]: its person id is the id segment of its URL, its attributes and event
//! its JSON body) and a call of a workspace function that wraps one ([`Route::Wrapper`]: each
//! part of the wrapped call is the call site's argument that the wrapper passes on).

mod arguments;
mod operations;

pub use operations::Operation;

use std::sync::Arc;

use tree_sitter::Node;

use crate::analysis::resolve::http::{self, HttpRequest};
use crate::analysis::resolve::sdk::Sdk;
pub use crate::analysis::resolve::sdk_calls::Method;
use crate::analysis::resolve::sdk_calls::{Api, SdkCall};
use crate::analysis::resolve::summaries::{FunctionSummary, Role, SummarisedCall, WrappedCall};
use crate::analysis::syntax::{self, text, unwrap_expression, FieldExt, KindExt};

/// What the call model needs to know about a file: which expressions are clients, which
/// functions are summarised, whether the file may make direct requests. The file's
/// `Bindings` answer it.
pub trait Resolver {
    /// The client an expression denotes (see `Bindings::resolve`).
    fn resolve(&self, node: Node, source: &str) -> Option<Sdk>;
    /// The summary of the function a file knows as `name`, if it has one.
    fn function(&self, name: &str) -> Option<&Arc<FunctionSummary>>;
    /// Whether calls of HTTP clients may be requests to the Track API.
    fn makes_direct_requests(&self) -> bool;
}

/// What a routed call carries, as rule patterns name it in `#cio-routed?`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallRole {
    /// `"person-id"`
    PersonId,
    /// `"event-name"`
    EventName,
    /// `"attributes"`
    Attributes,
    /// `"event-data"`
    EventData,
    /// `"timestamps"`: attributes, event data or an event payload, where time keys go.
    Timestamps,
    /// `"track-request"`: an HTTP request to the Track API (a wrapper's call is a helper's, which
    /// its summary describes).
    TrackRequest,
    /// `"authorization"`: an `Authorization` header.
    Authorization,
    /// `"rejects"`: a wrapper that passes the rejection of the promise it wraps on.
    Rejects,
}

impl CallRole {
    pub fn from_name(name: &str) -> Option<CallRole> {
        Some(match name {
            "person-id" => CallRole::PersonId,
            "event-name" => CallRole::EventName,
            "attributes" => CallRole::Attributes,
            "event-data" => CallRole::EventData,
            "timestamps" => CallRole::Timestamps,
            "track-request" => CallRole::TrackRequest,
            "authorization" => CallRole::Authorization,
            "rejects" => CallRole::Rejects,
            _ => return None,
        })
    }
}

/// A call whose receiver is a Customer.io client, a direct HTTP request to the Track API, or
/// a call of a function that wraps one.
#[derive(Debug, Clone)]
pub struct CioCall<'t> {
    pub sdk: Sdk,
    pub method: Method,
    pub method_name: String,
    pub call: Node<'t>,
    /// The client (`cio` of `cio.track(…)`); for a request, the callee (`fetch`, `axios.put`).
    pub receiver: Node<'t>,
    /// How the call reaches Customer.io.
    pub route: Route<'t>,
    /// The SDK call table's row of a client's method (none for the other routes).
    row: Option<&'static SdkCall>,
    /// The call's arguments, read on first use: most checks need only the SDK and method.
    args: std::cell::OnceCell<Vec<Node<'t>>>,
}

/// How a call reaches Customer.io.
#[derive(Debug, Clone)]
pub enum Route<'t> {
    /// A method of a client.
    Client,
    /// An HTTP request to the Track API (its SDK is then [`Sdk::NodeTrack`]: the same API).
    Http(Box<HttpRequest<'t>>),
    /// A call of a workspace function whose parameters flow into a Customer.io call (its SDK,
    /// method and name are the wrapped call's).
    Wrapper(Arc<FunctionSummary>),
}

impl<'t> CioCall<'t> {
    /// Interprets `call` (a `call_expression`) if its receiver is a Customer.io client, or if
    /// it is an HTTP request to the Track API.
    pub fn from_call(call: Node<'t>, bindings: &dyn Resolver, source: &str) -> Option<CioCall<'t>> {
        if call.kind_name() != "call_expression" {
            return None;
        }
        let function = unwrap_expression(call.field("function")?);
        match function.kind_name() {
            "member_expression" => Self::on_client(call, function, bindings, source),
            "identifier" => Self::of_wrapper(call, function, bindings, source),
            _ => None,
        }
        .or_else(|| {
            bindings
                .makes_direct_requests()
                .then(|| Self::http_request(call, function, source))
                .flatten()
        })
    }

    /// A call of a function that wraps a Customer.io call (or returns its promise).
    fn of_wrapper(
        call: Node<'t>,
        callee: Node<'t>,
        bindings: &dyn Resolver,
        source: &str,
    ) -> Option<CioCall<'t>> {
        let summary = bindings.function(text(callee, source))?;
        let wrapped = &summary.wraps.as_ref()?.call;
        Some(CioCall {
            sdk: wrapped.sdk,
            method: wrapped.method,
            method_name: wrapped.method_name.clone(),
            call,
            receiver: callee,
            route: Route::Wrapper(summary.clone()),
            row: None,
            args: std::cell::OnceCell::new(),
        })
    }

    fn on_client(
        call: Node<'t>,
        function: Node<'t>,
        bindings: &dyn Resolver,
        source: &str,
    ) -> Option<CioCall<'t>> {
        let receiver = function.field("object")?;
        let property = function.field("property")?;
        let sdk = bindings.resolve(receiver, source)?;
        let method_name = text(property, source).to_string();
        let row = SdkCall::find(sdk, &method_name);
        Some(CioCall {
            sdk,
            method: row.map_or(Method::Other, |row| row.method),
            method_name,
            call,
            receiver,
            route: Route::Client,
            row,
            args: std::cell::OnceCell::new(),
        })
    }

    fn http_request(call: Node<'t>, function: Node<'t>, source: &str) -> Option<CioCall<'t>> {
        let request = http::track_request(call, source)?;
        Some(CioCall {
            sdk: Sdk::NodeTrack,
            method: request.method(),
            method_name: request.method_name().to_string(),
            call,
            receiver: function,
            route: Route::Http(Box::new(request)),
            row: None,
            args: std::cell::OnceCell::new(),
        })
    }

    /// The call as messages show it: `` `cio.track()` ``, the request's method and URL, or the
    /// wrapper's name (`` `trackEvent()` ``).
    pub fn describe(&self, source: &str) -> String {
        match &self.route {
            Route::Client => format!("`{}.{}()`", text(self.receiver, source), self.method_name),
            Route::Http(request) => request.describe(source),
            Route::Wrapper(_) => format!("`{}()`", text(self.receiver, source)),
        }
    }

    /// The wrapped call, when this is a call of a wrapper.
    pub fn wrapped(&self) -> Option<&WrappedCall> {
        match &self.route {
            Route::Wrapper(summary) => summary.wraps.as_ref(),
            _ => None,
        }
    }

    /// The Customer.io call that a wrapper's call ends in, for related information.
    pub fn summarised_call(&self) -> Option<&SummarisedCall> {
        self.wrapped().map(|wrapped| &wrapped.call)
    }

    /// Whether the call reaches Customer.io another way than a client's method.
    pub fn is_routed(&self) -> bool {
        !matches!(self.route, Route::Client)
    }

    /// Whether the call carries one of `roles` (any call does when `roles` is empty).
    pub fn has_any_role(&self, roles: &[CallRole], source: &str) -> bool {
        roles.is_empty() || roles.iter().any(|role| self.has_role(*role, source))
    }

    fn has_role(&self, role: CallRole, source: &str) -> bool {
        match role {
            CallRole::PersonId => self.person_id(source).is_some(),
            CallRole::EventName => self.event_name(source).is_some(),
            CallRole::Attributes => self.attributes(source).is_some(),
            CallRole::EventData => self.event_data(source).is_some(),
            CallRole::Timestamps => {
                self.attributes(source).is_some()
                    || self.event_data(source).is_some()
                    || self.event_payload().is_some()
                    || self.wrapped().is_some_and(|wrapped| {
                        wrapped
                            .roles
                            .iter()
                            .any(|r| matches!(r.role, Role::Property(_)))
                    })
            }
            CallRole::TrackRequest => self.http().is_some() && self.is_track_api_request(),
            CallRole::Authorization => self
                .http()
                .and_then(|request| request.authorization(source))
                .is_some(),
            CallRole::Rejects => self.wrapped().is_some() && self.may_reject(),
        }
    }

    /// The HTTP request, when the call is one.
    pub fn http(&self) -> Option<&HttpRequest<'t>> {
        match &self.route {
            Route::Http(request) => Some(request),
            _ => None,
        }
    }

    /// The nearest enclosing Customer.io call of `node` (or `node` itself).
    pub fn enclosing(node: Node<'t>, bindings: &dyn Resolver, source: &str) -> Option<CioCall<'t>> {
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
        bindings: &dyn Resolver,
        source: &str,
    ) -> Option<CioCall<'t>> {
        chain
            .into_iter()
            .filter(|n| n.kind_name() == "call_expression")
            .find_map(|call| CioCall::from_call(call, bindings, source))
    }

    /// The SDK call table's row for this method, when it is a client's method the table lists.
    pub fn row(&self) -> Option<&'static SdkCall> {
        self.row
    }

    /// Whether this call is an HTTP request to the Track or Pipelines API that nobody needs an
    /// answer from (rate limited; blocking when awaited in a request handler): a client method
    /// the table says so of, a request written by hand, or a wrapper of one.
    pub fn is_track_api_request(&self) -> bool {
        match &self.route {
            Route::Client => self
                .row
                .is_some_and(|row| matches!(row.api, Api::Track | Api::Pipelines)),
            Route::Http(_) => true,
            Route::Wrapper(_) => self.summarised_call().is_some_and(|call| call.track_api),
        }
    }

    /// Whether the call's promise may reject: the SDK returns promises (`customerio-node`), or
    /// the wrapper passes the wrapped call's rejection on.
    pub fn may_reject(&self) -> bool {
        match &self.route {
            Route::Wrapper(summary) => summary
                .wraps
                .as_ref()
                .is_some_and(|w| w.passes_rejection && w.call.sdk.returns_promise()),
            _ => self.sdk.returns_promise(),
        }
    }
}
