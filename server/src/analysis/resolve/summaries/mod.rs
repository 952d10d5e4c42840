//! Function summaries (catalog, "Wrappers (function summaries)"): what a workspace function
//! does with Customer.io, as its callers see it, computed once per function when a file's
//! bindings are collected and exported through the workspace index:
//!
//! - it **returns a client** (a factory, a lazy singleton's getter): `const cio = getClient()`,
//!   `getClient().track(…)` and `(await getClient()).track(…)` are calls on that client;
//! - its promise **waits on** a Customer.io call (it awaits the call, or returns its promise):
//!   a request handler awaiting it waits for Customer.io (CIO007);
//! - it **wraps** a Customer.io call: a parameter flows unchanged, or as a property of an
//!   object, into the call's person id, event name, attributes, data or one of their
//!   properties. Its call sites are checked as if they were the Customer.io call.
//!
//! Summaries compose: a function that calls a summarised one the same way is summarised in
//! turn, to [`MAX_DEPTH`] levels, in this file or across files. Computing them is a text
//! search for the clients' (and summarised functions') names, each hit looked up in the tree:
//! linear in the file, never a walk of it.

pub mod collect;
mod parameters;

use std::ops::Range;

use serde::Serialize;

use crate::analysis::resolve::sdk::Sdk;
use crate::analysis::resolve::sdk_calls::Method;
use crate::analysis::syntax::Location;

/// How many levels of functions a summary follows (a wrapper of a wrapper of a wrapper).
pub const MAX_DEPTH: u8 = 3;

/// How many argument roles a summary keeps (a wrapper passes a handful of values on).
const MAX_ROLES: usize = 8;

/// What a function does with Customer.io, as its callers see it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FunctionSummary {
    /// The client it returns.
    pub returns: Option<ReturnedClient>,
    /// The Customer.io call its own promise waits on.
    pub waits_on: Option<SummarisedCall>,
    /// The Customer.io call its parameters flow into.
    pub wraps: Option<WrappedCall>,
}

impl FunctionSummary {
    pub fn is_empty(&self) -> bool {
        self.returns.is_none() && self.waits_on.is_none() && self.wraps.is_none()
    }
}

/// A client that a function returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ReturnedClient {
    pub sdk: Sdk,
    /// Whether each call makes a new client (`return new TrackClient(…)`), rather than handing
    /// out one kept elsewhere (a module-level client, a lazy singleton).
    pub fresh: bool,
}

/// Where a summarised Customer.io call is: in the file being analysed, or in another file of
/// the workspace (summaries imported through the index).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum CallSite {
    Here(Range<usize>),
    There(Location),
}

/// The Customer.io call at the end of a chain of functions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SummarisedCall {
    pub sdk: Sdk,
    pub method: Method,
    pub method_name: String,
    /// The Customer.io call itself, for related information.
    pub site: CallSite,
    /// The call as messages show it (`` `cio.track()` ``).
    pub described: String,
    /// Whether it is a Track API request (rate limited, worth sending in the background).
    pub track_api: bool,
    /// How many functions lie between the summarised one and the call (1: it makes the call).
    pub depth: u8,
}

/// A Customer.io call that a function's parameters flow into.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WrappedCall {
    pub call: SummarisedCall,
    /// Which parameter (or property of one) becomes which part of the call.
    pub roles: Vec<ArgumentRole>,
    /// Whether the function hands the call's rejection to its caller: it returns the call's
    /// promise, or awaits it outside a `try` (an `async` function then rejects in turn).
    pub passes_rejection: bool,
}

/// One value a wrapper passes on: parameter `parameter` (or its property `property`, when the
/// wrapper reads `user.email` or destructures `{ name }`) becomes `role` of the call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ArgumentRole {
    pub role: Role,
    pub parameter: u8,
    pub property: Option<String>,
    /// The name the wrapper's call reads the value by (`email` of `cio.identify(email)` or of
    /// `cio.identify(user.email)`): what a rule sees inside the wrapper.
    pub read_as: String,
}

/// A part of a Customer.io call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Role {
    PersonId,
    EventName,
    /// The identify attributes (the whole object).
    Attributes,
    /// The event data (the whole object).
    EventData,
    /// A property of the attributes, the event data or the event payload (`created_at`,
    /// `timestamp`), by key.
    Property(String),
}
