//! The call model: what each argument of a Customer.io call means, per SDK.
//!
//! Rules ask "what is the person id of this call?" or "where is its event name?" here instead of
//! knowing each SDK's argument conventions themselves (catalog table "SDK shapes to recognise").

use tree_sitter::Node;

use crate::analysis::resolve::bindings::Bindings;
use crate::analysis::resolve::sdk::Sdk;
use crate::analysis::syntax::{self, object_property, text, unwrap_expression, FieldExt, KindExt};

/// What a call does, independent of the SDK's spelling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Identify,
    Track,
    TrackAnonymous,
    Page,
    Destroy,
    Suppress,
    Unsuppress,
    AddDevice,
    MergeCustomers,
    Batch,
    /// App API and everything else (`sendEmail`, `getCustomersByEmail`, …).
    Other,
}

/// A call whose receiver is a Customer.io client.
#[derive(Debug, Clone)]
pub struct CioCall<'t> {
    pub sdk: Sdk,
    pub method: Method,
    pub method_name: String,
    pub call: Node<'t>,
    pub receiver: Node<'t>,
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
        Some(CioCall {
            sdk,
            method: Method::from_name(sdk, &method_name),
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

    /// Whether this call goes to the Track API over HTTP (rate limited, awaited in handlers).
    pub fn is_track_api_request(&self) -> bool {
        self.sdk.is_track_api() && !matches!(self.method, Method::Other)
            || (self.sdk == Sdk::NodePipelines && self.method != Method::Other)
    }

    /// The call's arguments (comments excluded).
    pub fn args(&self) -> &[Node<'t>] {
        self.args.get_or_init(|| syntax::arguments(self.call))
    }

    fn arg(&self, index: usize) -> Option<Node<'t>> {
        self.args().get(index).copied().map(unwrap_expression)
    }

    /// The single object argument of the CDP / Pipelines / snippet style calls.
    fn object_arg(&self) -> Option<Node<'t>> {
        self.arg(0).filter(|n| n.kind_name() == "object")
    }

    /// The expression naming the person: `identify(id, …)`, `{ userId }`, snippet `{ id }`.
    pub fn person_id(&self, source: &str) -> Option<Node<'t>> {
        match self.sdk {
            Sdk::NodeTrack | Sdk::NodeLegacy => match self.method {
                Method::Identify
                | Method::Track
                | Method::Page
                | Method::Destroy
                | Method::Suppress
                | Method::Unsuppress
                | Method::AddDevice => self.arg(0),
                _ => None,
            },
            Sdk::NodePipelines | Sdk::CdpNode | Sdk::ReactNative
                if matches!(self.method, Method::Identify | Method::Track | Method::Page) =>
            {
                match self.sdk {
                    Sdk::ReactNative if self.method == Method::Track => None,
                    _ => object_property(self.object_arg()?, "userId", source),
                }
            }
            Sdk::Snippet if self.method == Method::Identify => {
                object_property(self.object_arg()?, "id", source)
            }
            Sdk::CdpBrowser if self.method == Method::Identify => {
                self.arg(0).filter(|n| n.kind_name() != "object")
            }
            _ => None,
        }
    }

    /// The attributes (traits) of an identify call: an object literal or any expression.
    pub fn attributes(&self, source: &str) -> Option<Node<'t>> {
        if self.method != Method::Identify {
            return None;
        }
        match self.sdk {
            Sdk::NodeTrack | Sdk::NodeLegacy => self.arg(1),
            Sdk::NodePipelines | Sdk::CdpNode | Sdk::ReactNative => {
                object_property(self.object_arg()?, "traits", source)
            }
            Sdk::Snippet => self.object_arg(),
            Sdk::CdpBrowser => self.arg(1),
            Sdk::NodeApp => None,
        }
    }

    /// The event name of a track call.
    pub fn event_name(&self, source: &str) -> Option<Node<'t>> {
        if !matches!(self.method, Method::Track | Method::TrackAnonymous) {
            return None;
        }
        match self.sdk {
            Sdk::NodeTrack | Sdk::NodeLegacy => {
                let payload = self.arg(1).filter(|n| n.kind_name() == "object")?;
                object_property(payload, "name", source)
            }
            Sdk::NodePipelines | Sdk::CdpNode => {
                object_property(self.object_arg()?, "event", source)
            }
            Sdk::Snippet | Sdk::CdpBrowser | Sdk::ReactNative => self.arg(0),
            Sdk::NodeApp => None,
        }
    }

    /// The event's data / properties.
    pub fn event_data(&self, source: &str) -> Option<Node<'t>> {
        if !matches!(
            self.method,
            Method::Track | Method::TrackAnonymous | Method::Page
        ) {
            return None;
        }
        match self.sdk {
            Sdk::NodeTrack | Sdk::NodeLegacy => {
                let payload = self.arg(1).filter(|n| n.kind_name() == "object")?;
                object_property(payload, "data", source)
            }
            Sdk::NodePipelines | Sdk::CdpNode => {
                object_property(self.object_arg()?, "properties", source)
            }
            Sdk::Snippet | Sdk::CdpBrowser | Sdk::ReactNative => self.arg(1),
            Sdk::NodeApp => None,
        }
    }

    /// The object that holds the event name and data (`{ name, data }` / `{ event, properties }`),
    /// where the SDK has one; fixes insert new data keys relative to it.
    pub fn event_payload(&self) -> Option<Node<'t>> {
        match self.sdk {
            Sdk::NodeTrack | Sdk::NodeLegacy => self.arg(1).filter(|n| n.kind_name() == "object"),
            Sdk::NodePipelines | Sdk::CdpNode => self.object_arg(),
            _ => None,
        }
    }

    /// The event's own `timestamp`, for SDKs that take one in the payload.
    pub fn event_timestamp(&self, source: &str) -> Option<Node<'t>> {
        object_property(self.event_payload()?, "timestamp", source)
    }
}

impl Method {
    fn from_name(sdk: Sdk, name: &str) -> Method {
        if sdk == Sdk::NodeApp {
            return Method::Other;
        }
        match name {
            "identify" => Method::Identify,
            "track" => Method::Track,
            "trackAnonymous" => Method::TrackAnonymous,
            "trackPageView" | "page" | "screen" => Method::Page,
            "destroy" => Method::Destroy,
            "suppress" => Method::Suppress,
            "unsuppress" => Method::Unsuppress,
            "addDevice" | "deleteDevice" => Method::AddDevice,
            "mergeCustomers" => Method::MergeCustomers,
            "batch" => Method::Batch,
            _ => Method::Other,
        }
    }
}
