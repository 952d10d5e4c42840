//! Direct HTTP requests to Customer.io's Track API (catalog, "Direct HTTP calls"): a `fetch`,
//! `axios`, `got` or `ky` call whose URL names an endpoint of `track.customer.io` (or
//! `track-eu`) is a Customer.io call too: `PUT …/customers/{id}` identifies a person,
//! `POST …/customers/{id}/events` tracks an event. [`track_request`] reads such a call: the
//! endpoint, the id segment of its path, its JSON body and its headers.
//!
//! The URL is recognised when it is a literal or a template literal ([`url::literal_url_parts`]);
//! a resolver of string values can widen that by handing [`track_request_with`] the URL it
//! assembled from constants.

pub mod url;

use tree_sitter::Node;

use crate::analysis::resolve::sdk_calls::Method;
use crate::analysis::syntax::{self, object_property, text, unwrap_expression, FieldExt, KindExt};

pub use url::{literal_url_parts, track_url, Region, TrackEndpoint, TrackUrl, UrlPart};

/// Text whose presence makes a file worth looking at for direct requests: the hosts' domain.
pub const HOST_TOKEN: &str = "customer.io";

/// The names under which the HTTP clients are called (`fetch(…)`, `axios.put(…)`,
/// `this.$axios.put(…)`, `got.post(…)`, `ky(…)`): the mentions around which the rules look for
/// direct requests.
pub const CLIENT_NAMES: &[&str] = &["fetch", "axios", "$axios", "got", "ky"];

/// An HTTP client library.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HttpClient {
    Fetch,
    Axios,
    Got,
    Ky,
}

/// The HTTP method of a request; `Unknown` when it is not written as a literal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verb {
    Get,
    Post,
    Put,
    Patch,
    Delete,
    Unknown,
}

impl Verb {
    fn from_name(name: &str) -> Verb {
        match name.trim_start_matches('$').to_ascii_uppercase().as_str() {
            "GET" => Verb::Get,
            "POST" => Verb::Post,
            "PUT" => Verb::Put,
            "PATCH" => Verb::Patch,
            "DELETE" => Verb::Delete,
            _ => Verb::Unknown,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Verb::Get => "GET",
            Verb::Post => "POST",
            Verb::Put => "PUT",
            Verb::Patch => "PATCH",
            Verb::Delete => "DELETE",
            Verb::Unknown => "…",
        }
    }
}

/// A request to the Track API made with an HTTP client.
#[derive(Debug, Clone, Copy)]
pub struct HttpRequest<'t> {
    pub client: HttpClient,
    pub verb: Verb,
    /// The URL expression.
    pub url: Node<'t>,
    pub track: TrackUrl<'t>,
    /// The object literal sent as the JSON body: `JSON.stringify({…})`, axios `data`, got and
    /// ky `json`.
    pub body: Option<Node<'t>>,
    /// The headers object literal.
    pub headers: Option<Node<'t>>,
    /// The options object (fetch `init`, axios `config`, got and ky options).
    pub options: Option<Node<'t>>,
}

impl<'t> HttpRequest<'t> {
    /// What the request does, in the terms of the SDK's calls.
    pub fn method(&self) -> Method {
        match (self.track.endpoint, self.verb) {
            (TrackEndpoint::Customer(_), Verb::Put) => Method::Identify,
            (TrackEndpoint::Customer(_), Verb::Delete) => Method::Destroy,
            (TrackEndpoint::CustomerEvents(_), Verb::Post) => Method::Track,
            (TrackEndpoint::Suppress(_), Verb::Post) => Method::Suppress,
            (TrackEndpoint::Unsuppress(_), Verb::Post) => Method::Unsuppress,
            (TrackEndpoint::Devices(_), Verb::Put | Verb::Delete) => Method::AddDevice,
            (TrackEndpoint::AnonymousEvents, Verb::Post) => Method::TrackAnonymous,
            (TrackEndpoint::MergeCustomers, Verb::Post) => Method::MergeCustomers,
            _ => Method::Other,
        }
    }

    /// The SDK method that the request stands for (`identify`), as the call model names it.
    pub fn method_name(&self) -> &'static str {
        match self.method() {
            Method::Identify => "identify",
            Method::Destroy => "destroy",
            Method::Track => "track",
            Method::Suppress => "suppress",
            Method::Unsuppress => "unsuppress",
            Method::AddDevice => match self.verb {
                Verb::Delete => "deleteDevice",
                _ => "addDevice",
            },
            Method::TrackAnonymous => "trackAnonymous",
            Method::MergeCustomers => "mergeCustomers",
            _ => "request",
        }
    }

    /// The expression of the person id in the URL's path, without the URL encoding around it
    /// (`${encodeURIComponent(email)}` → `email`): the encoding belongs to the transport.
    pub fn person_id(&self, source: &str) -> Option<Node<'t>> {
        let mut id = unwrap_expression(self.track.endpoint.person_id()?);
        while id.kind_name() == "call_expression"
            && id
                .field("function")
                .is_some_and(|f| matches!(text(f, source), "encodeURIComponent" | "encodeURI"))
        {
            match syntax::arguments(id).first() {
                Some(inner) => id = unwrap_expression(*inner),
                None => break,
            }
        }
        Some(id)
    }

    /// The `Authorization` header's value, when the headers are an object literal.
    pub fn authorization(&self, source: &str) -> Option<Node<'t>> {
        let headers = self.headers?;
        object_property(headers, "Authorization", source)
            .or_else(|| object_property(headers, "authorization", source))
    }

    /// The request as messages show it: `` `PUT https://track.customer.io/api/v1/customers/{id}` ``.
    pub fn describe(&self, source: &str) -> String {
        let url = text(self.url, source);
        let url = url.trim_matches(['"', '\'', '`']);
        format!("`{} {url}`", self.verb.name())
    }

    /// The `customerio-node` call that does what this request does, for hover.
    pub fn sdk_equivalent(&self) -> Option<&'static str> {
        Some(match self.method() {
            Method::Identify => "cio.identify(id, attributes)",
            Method::Destroy => "cio.destroy(id)",
            Method::Track => "cio.track(id, { name, data, timestamp })",
            Method::Suppress => "cio.suppress(id)",
            Method::Unsuppress => "cio.unsuppress(id)",
            Method::AddDevice if self.verb == Verb::Delete => "cio.deleteDevice(id, token)",
            Method::AddDevice => "cio.addDevice(id, token, platform, data)",
            Method::TrackAnonymous => "cio.trackAnonymous(anonymousId, { name, data })",
            Method::MergeCustomers => {
                "cio.mergeCustomers(primaryType, primaryId, secondaryType, secondaryId)"
            }
            _ => return None,
        })
    }
}

/// The Track API request that `call` makes, when its URL is a literal or a template literal
/// naming the Track API's host.
pub fn track_request<'t>(call: Node<'t>, source: &str) -> Option<HttpRequest<'t>> {
    track_request_with(call, source, |url| {
        track_url(&literal_url_parts(url, source)?)
    })
}

/// [`track_request`] with the URL read by `url_of` (a resolver of string values may assemble it
/// from constants).
pub fn track_request_with<'t>(
    call: Node<'t>,
    source: &str,
    url_of: impl FnOnce(Node<'t>) -> Option<TrackUrl<'t>>,
) -> Option<HttpRequest<'t>> {
    let shape = request_shape(call, source)?;
    let track = url_of(shape.url)?;
    Some(HttpRequest {
        client: shape.client,
        verb: shape.verb,
        url: shape.url,
        track,
        body: shape.body,
        headers: shape
            .options
            .and_then(|o| object_property(o, "headers", source)),
        options: shape.options,
    })
}

/// A call read as an HTTP request, before its URL is looked at.
struct RequestShape<'t> {
    client: HttpClient,
    verb: Verb,
    url: Node<'t>,
    body: Option<Node<'t>>,
    options: Option<Node<'t>>,
}

/// The HTTP client a call's callee names, and the method when the callee says it
/// (`axios.put`, `got.post`).
fn client_of(callee: Node, source: &str) -> Option<(HttpClient, Option<Verb>)> {
    let callee = unwrap_expression(callee);
    match callee.kind_name() {
        "identifier" => Some((client_named(text(callee, source))?, None)),
        "member_expression" => {
            let object = unwrap_expression(callee.field("object")?);
            let property = text(callee.field("property")?, source);
            let object_name = match object.kind_name() {
                "identifier" => text(object, source),
                // `this.$axios.put`, `ctx.$axios.$post`
                "member_expression" => text(object.field("property")?, source),
                _ => return None,
            };
            if property == "fetch" && matches!(object_name, "window" | "globalThis" | "self") {
                return Some((HttpClient::Fetch, None));
            }
            let client = client_named(object_name).filter(|c| *c != HttpClient::Fetch)?;
            match property {
                "request" if client == HttpClient::Axios => Some((client, None)),
                _ => Some((client, Some(Verb::from_name(property)))),
            }
        }
        _ => None,
    }
}

fn client_named(name: &str) -> Option<HttpClient> {
    match name {
        "fetch" => Some(HttpClient::Fetch),
        "axios" | "$axios" => Some(HttpClient::Axios),
        "got" => Some(HttpClient::Got),
        "ky" => Some(HttpClient::Ky),
        _ => None,
    }
}

/// Reads `call` as a request of one of the HTTP clients: where its URL, method, body and
/// options are.
fn request_shape<'t>(call: Node<'t>, source: &str) -> Option<RequestShape<'t>> {
    if call.kind_name() != "call_expression" {
        return None;
    }
    let (client, verb_from_callee) = client_of(call.field("function")?, source)?;
    let args: Vec<Node> = syntax::arguments(call)
        .into_iter()
        .map(unwrap_expression)
        .collect();
    let object_at = |i: usize| args.get(i).copied().filter(|a| a.kind_name() == "object");
    let (url, data, options) = match (client, verb_from_callee) {
        // `axios({ method, url, data })`, `axios.request(config)`
        (HttpClient::Axios, None) if object_at(0).is_some() => {
            let config = object_at(0)?;
            (object_property(config, "url", source)?, None, Some(config))
        }
        // `axios.post(url, data, config)`
        (HttpClient::Axios, Some(Verb::Post | Verb::Put | Verb::Patch)) => {
            (*args.first()?, object_at(1), object_at(2))
        }
        _ => (*args.first()?, None, object_at(1)),
    };
    let verb = match verb_from_callee {
        Some(verb) => verb,
        None => options
            .and_then(|o| object_property(o, "method", source))
            .map_or(Verb::Get, |m| {
                syntax::string_literal_value(unwrap_expression(m), source)
                    .map_or(Verb::Unknown, Verb::from_name)
            }),
    };
    let body = data.or_else(|| options.and_then(|o| body_of(client, o, source)));
    Some(RequestShape {
        client,
        verb,
        url,
        body,
        options,
    })
}

/// The JSON body object literal in a request's options: `body: JSON.stringify({…})`, axios
/// `data: {…}`, got and ky `json: {…}`.
fn body_of<'t>(client: HttpClient, options: Node<'t>, source: &str) -> Option<Node<'t>> {
    let object =
        |node: Node<'t>| Some(unwrap_expression(node)).filter(|n| n.kind_name() == "object");
    let direct = match client {
        HttpClient::Axios => object_property(options, "data", source),
        HttpClient::Got | HttpClient::Ky => object_property(options, "json", source),
        HttpClient::Fetch => None,
    };
    if let Some(body) = direct.and_then(object) {
        return Some(body);
    }
    let body = unwrap_expression(object_property(options, "body", source)?);
    let stringified = body.kind_name() == "call_expression"
        && body
            .field("function")
            .is_some_and(|f| text(f, source) == "JSON.stringify");
    stringified
        .then(|| syntax::arguments(body).first().copied())
        .flatten()
        .and_then(object)
}

#[cfg(test)]
mod tests;
