use tree_sitter::Node;

use super::*;
use crate::analysis::syntax::{parse, Lang};

/// Reads the first call of `source` whose text starts with `marker` as a Track API request,
/// and hands it to `check`.
fn with_request(source: &str, marker: &str, check: impl FnOnce(Option<HttpRequest>, &str)) {
    let tree = parse(Lang::TypeScript, source, None);
    let at = source.find(marker).expect("marker in source");
    let mut call = None;
    syntax::for_each_descendant(tree.root_node(), &mut |node: Node| {
        if call.is_none() && node.kind_name() == "call_expression" && node.start_byte() == at {
            call = Some(node);
        }
    });
    check(
        track_request(call.expect("a call at the marker"), source),
        source,
    );
}

fn text_of(node: Option<Node>, source: &str) -> Option<String> {
    node.map(|n| text(n, source).to_string())
}

#[test]
fn fetch_put_to_a_customer_is_an_identify() {
    let source = r#"
await fetch(`https://track.customer.io/api/v1/customers/${encodeURIComponent(user.email)}`, {
  method: "PUT",
  headers: { Authorization: `Basic ${auth}`, "Content-Type": "application/json" },
  body: JSON.stringify({ email: user.email, created_at: Date.now() }),
});
"#;
    with_request(source, "fetch(", |request, source| {
        let request = request.expect("a Track API request");
        assert_eq!(request.client, HttpClient::Fetch);
        assert_eq!(request.method(), Method::Identify);
        assert_eq!(request.track.region, Region::Us);
        assert_eq!(
            text_of(request.person_id(source), source).as_deref(),
            Some("user.email")
        );
        assert_eq!(
            text_of(request.body, source).as_deref(),
            Some("{ email: user.email, created_at: Date.now() }")
        );
        assert_eq!(
            text_of(request.authorization(source), source).as_deref(),
            Some("`Basic ${auth}`")
        );
        assert_eq!(
            request.describe(source),
            "`PUT https://track.customer.io/api/v1/customers/${encodeURIComponent(user.email)}`"
        );
    });
}

#[test]
fn axios_post_to_events_is_a_track_in_the_eu() {
    let source = r#"
axios.post(`https://track-eu.customer.io/api/v1/customers/${id}/events?x=1`, { name: "Signed Up", data: {} }, {
  headers: { authorization: "Bearer k" },
});
"#;
    with_request(source, "axios.post", |request, source| {
        let request = request.expect("a Track API request");
        assert_eq!(request.method(), Method::Track);
        assert_eq!(request.method_name(), "track");
        assert_eq!(request.track.region, Region::Eu);
        assert_eq!(
            text_of(request.person_id(source), source).as_deref(),
            Some("id")
        );
        assert_eq!(
            text_of(request.body, source).as_deref(),
            Some(r#"{ name: "Signed Up", data: {} }"#)
        );
        assert_eq!(
            text_of(request.authorization(source), source).as_deref(),
            Some(r#""Bearer k""#)
        );
    });
}

#[test]
fn every_client_and_call_form_is_read() {
    let identify = |source: &str, marker: &str| {
        with_request(source, marker, |request, source| {
            let request = request.unwrap_or_else(|| panic!("{source}"));
            assert_eq!(request.method(), Method::Identify, "{source}");
            assert!(request.body.is_some(), "{source}");
            assert_eq!(
                text_of(request.person_id(source), source).as_deref(),
                Some("id")
            );
        })
    };
    identify(
        "got.put(`https://track.customer.io/api/v1/customers/${id}`, { json: { a: 1 } });",
        "got.put",
    );
    identify(
        "ky(`https://track.customer.io/api/v1/customers/${id}`, { method: 'put', json: { a: 1 } });",
        "ky(",
    );
    identify(
        "axios({ method: 'PUT', url: `https://track.customer.io/api/v1/customers/${id}`, data: { a: 1 } });",
        "axios(",
    );
    identify(
        "this.$axios.put(`https://track.customer.io/api/v1/customers/${id}/`, { a: 1 });",
        "this.$axios",
    );
    identify(
        "window.fetch(`https://track.customer.io/api/v1/customers/${id}`, { method: 'PUT', body: JSON.stringify({ a: 1 }) });",
        "window.fetch",
    );
}

#[test]
fn endpoints_follow_method_and_path() {
    let method = |source: &str| {
        let mut found = None;
        with_request(source, "fetch(", |request, _| {
            found = request.map(|r| r.method());
        });
        found
    };
    let url = "https://track.customer.io/api/v1";
    assert_eq!(
        method(&format!(
            "fetch(`{url}/customers/${{id}}`, {{ method: 'DELETE' }})"
        )),
        Some(Method::Destroy)
    );
    assert_eq!(
        method(&format!("fetch('{url}/events', {{ method: 'POST' }})")),
        Some(Method::TrackAnonymous)
    );
    assert_eq!(
        method(&format!(
            "fetch(`{url}/customers/${{id}}/suppress`, {{ method: 'POST' }})"
        )),
        Some(Method::Suppress)
    );
    assert_eq!(
        method(&format!(
            "fetch(`{url}/customers/${{id}}/devices`, {{ method: 'PUT' }})"
        )),
        Some(Method::AddDevice)
    );
    // A GET of a customer, an unknown method, a path of no known endpoint: not a known call.
    assert_eq!(
        method(&format!("fetch(`{url}/customers/${{id}}`)")),
        Some(Method::Other)
    );
    assert_eq!(
        method(&format!(
            "fetch(`{url}/customers/${{id}}`, {{ method: verb }})"
        )),
        Some(Method::Other)
    );
    assert_eq!(
        method(&format!(
            "fetch(`{url}/customers/x-${{id}}/events`, {{ method: 'POST' }})"
        )),
        Some(Method::Track)
    );
}

#[test]
fn other_hosts_and_unknown_urls_are_not_track_requests() {
    let none = |source: &str, marker: &str| {
        with_request(source, marker, |request, _| {
            assert!(request.is_none(), "{source}");
        })
    };
    none(
        "fetch('https://api.customer.io/v1/send/email', { method: 'POST' })",
        "fetch(",
    );
    none(
        "fetch('https://track.customer.io.example.com/api/v1/customers/1', {})",
        "fetch(",
    );
    none("fetch(url, { method: 'PUT' })", "fetch(");
    none(
        "fetch(`${base}/customers/${id}`, { method: 'PUT' })",
        "fetch(",
    );
    none(
        "myFetch('https://track.customer.io/api/v1/customers/1', {})",
        "myFetch(",
    );
    none(
        "client.put('https://track.customer.io/api/v1/customers/1', {})",
        "client.put",
    );
}
