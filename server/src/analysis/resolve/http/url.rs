//! Which Track API endpoint a URL names: its host (`track.customer.io`, `track-eu`), and the
//! path after `/api/v1/` read segment by segment, where a segment may be a run-time value
//! (`${id}`). The URL comes in [`UrlPart`]s so that a resolver of string values can hand in a
//! URL it assembled from constants (`${TRACK_BASE}/customers/${id}`) as well as a literal.

use std::borrow::Cow;

use tree_sitter::Node;

use crate::analysis::syntax::{self, KindExt};

/// One piece of a URL: static text, or a value known only at run time.
#[derive(Debug, Clone)]
pub enum UrlPart<'s, 't> {
    Text(Cow<'s, str>),
    Value(Node<'t>),
}

/// Customer.io's data centres: the host's region.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Region {
    Us,
    Eu,
}

/// A Track API endpoint (catalog, "Direct HTTP calls"), with the run-time id in its path when
/// it has one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrackEndpoint<'t> {
    /// `/api/v1/customers/{id}`: `PUT` identifies, `DELETE` deletes the person.
    Customer(Option<Node<'t>>),
    /// `/api/v1/customers/{id}/events`: an event of a known person.
    CustomerEvents(Option<Node<'t>>),
    /// `/api/v1/customers/{id}/suppress`, `…/unsuppress`.
    Suppress(Option<Node<'t>>),
    Unsuppress(Option<Node<'t>>),
    /// `/api/v1/customers/{id}/devices` and `…/devices/{token}`.
    Devices(Option<Node<'t>>),
    /// `/api/v1/events`: an anonymous event.
    AnonymousEvents,
    /// `/api/v1/merge_customers`.
    MergeCustomers,
    /// Any other path under `/api/v1/` or `/api/v2/` of the Track host.
    Other,
}

impl<'t> TrackEndpoint<'t> {
    /// The expression of the person id segment, when the path has one as a run-time value.
    pub fn person_id(self) -> Option<Node<'t>> {
        match self {
            TrackEndpoint::Customer(id)
            | TrackEndpoint::CustomerEvents(id)
            | TrackEndpoint::Suppress(id)
            | TrackEndpoint::Unsuppress(id)
            | TrackEndpoint::Devices(id) => id,
            _ => None,
        }
    }
}

/// A URL on the Track API's host.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrackUrl<'t> {
    pub region: Region,
    pub endpoint: TrackEndpoint<'t>,
}

const TRACK_HOSTS: &[(&str, Region)] = &[
    ("https://track.customer.io/", Region::Us),
    ("https://track-eu.customer.io/", Region::Eu),
];

/// The pieces of a literal URL: a string, or a template literal whose substitutions are
/// run-time values. `None` for any other expression (a variable, a call, a concatenation):
/// those need a resolver of string values.
pub fn literal_url_parts<'s, 't>(url: Node<'t>, source: &'s str) -> Option<Vec<UrlPart<'s, 't>>> {
    let url = syntax::unwrap_expression(url);
    match url.kind_name() {
        "string" => Some(vec![UrlPart::Text(Cow::Borrowed(
            syntax::string_literal_value(url, source)?,
        ))]),
        "template_string" => {
            let mut parts = Vec::new();
            // Static text is what lies between the backticks outside the substitutions.
            let mut at = url.start_byte() + 1;
            let mut cursor = url.walk();
            for child in url.named_children(&mut cursor) {
                if child.kind_name() != "template_substitution" {
                    continue;
                }
                parts.push(UrlPart::Text(Cow::Borrowed(
                    source.get(at..child.start_byte())?,
                )));
                parts.push(UrlPart::Value(child.named_child(0)?));
                at = child.end_byte();
            }
            let end = url.end_byte().saturating_sub(1).max(at);
            parts.push(UrlPart::Text(Cow::Borrowed(source.get(at..end)?)));
            Some(parts)
        }
        _ => None,
    }
}

/// The Track API endpoint that a URL made of `parts` names, when its host is the Track API's
/// (`https://track.customer.io/api/v1/…`, `https://track-eu.customer.io/…`).
pub fn track_url<'t>(parts: &[UrlPart<'_, 't>]) -> Option<TrackUrl<'t>> {
    let UrlPart::Text(first) = parts.first()? else {
        return None;
    };
    let (prefix, region) = TRACK_HOSTS
        .iter()
        .find(|(host, _)| first.starts_with(host))?;
    let mut segments = Segments::default();
    segments.push_text(&first[prefix.len()..]);
    for part in &parts[1..] {
        match part {
            UrlPart::Text(text) => segments.push_text(text),
            UrlPart::Value(node) => segments.push_value(*node),
        }
    }
    Some(TrackUrl {
        region: *region,
        endpoint: endpoint(&segments.done()),
    })
}

/// One segment of a URL path: text, a single run-time value, or a mix (`id-${x}`).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment<'t> {
    Text(String),
    Value(Node<'t>),
    Mixed,
}

/// Splits the path into segments as its parts arrive; the query string and fragment end it.
#[derive(Default)]
struct Segments<'t> {
    done: Vec<Segment<'t>>,
    current: Option<Segment<'t>>,
    ended: bool,
}

impl<'t> Segments<'t> {
    fn push_text(&mut self, text: &str) {
        if self.ended {
            return;
        }
        let (path, ended) = match text.find(['?', '#']) {
            Some(end) => (&text[..end], true),
            None => (text, false),
        };
        let mut pieces = path.split('/');
        if let Some(first) = pieces.next() {
            self.extend_current(first);
        }
        for piece in pieces {
            self.finish_current();
            self.extend_current(piece);
        }
        self.ended = ended;
    }

    fn push_value(&mut self, node: Node<'t>) {
        if self.ended {
            return;
        }
        self.current = Some(match self.current.take() {
            None => Segment::Value(node),
            Some(Segment::Text(text)) if text.is_empty() => Segment::Value(node),
            Some(_) => Segment::Mixed,
        });
    }

    fn extend_current(&mut self, text: &str) {
        self.current = Some(match self.current.take() {
            None => Segment::Text(text.to_string()),
            Some(Segment::Text(mut before)) => {
                before.push_str(text);
                Segment::Text(before)
            }
            Some(value) if text.is_empty() => value,
            Some(_) => Segment::Mixed,
        });
    }

    fn finish_current(&mut self) {
        self.done
            .push(self.current.take().unwrap_or(Segment::Text(String::new())));
    }

    fn done(mut self) -> Vec<Segment<'t>> {
        if self.current.is_some() {
            self.finish_current();
        }
        // `…/customers/{id}/` names the same endpoint as without the slash.
        while self.done.last() == Some(&Segment::Text(String::new())) {
            self.done.pop();
        }
        self.done
    }
}

/// The endpoint that the path segments after the host name.
fn endpoint<'t>(segments: &[Segment<'t>]) -> TrackEndpoint<'t> {
    let text = |i: usize| match segments.get(i) {
        Some(Segment::Text(text)) => Some(text.as_str()),
        _ => None,
    };
    if text(0) != Some("api") || text(1) != Some("v1") {
        return TrackEndpoint::Other;
    }
    let id = || match segments.get(3) {
        Some(Segment::Value(node)) => Some(*node),
        _ => None,
    };
    match (text(2), segments.len()) {
        (Some("customers"), 4) => TrackEndpoint::Customer(id()),
        (Some("customers"), 5) => match text(4) {
            Some("events") => TrackEndpoint::CustomerEvents(id()),
            Some("suppress") => TrackEndpoint::Suppress(id()),
            Some("unsuppress") => TrackEndpoint::Unsuppress(id()),
            Some("devices") => TrackEndpoint::Devices(id()),
            _ => TrackEndpoint::Other,
        },
        (Some("customers"), 6) if text(4) == Some("devices") => TrackEndpoint::Devices(id()),
        (Some("events"), 3) => TrackEndpoint::AnonymousEvents,
        (Some("merge_customers"), 3) => TrackEndpoint::MergeCustomers,
        _ => TrackEndpoint::Other,
    }
}
