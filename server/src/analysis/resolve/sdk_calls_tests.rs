//! Tests of the SDK call table (`sdk_calls.rs`).

use super::*;

#[test]
fn supported_calls_page_matches_the_table() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/sdk-calls.md");
    let expected = supported_calls_markdown();
    if std::env::var_os("CIO_LSP_UPDATE_DOCS").is_some() {
        std::fs::write(path, &expected).expect("write docs/sdk-calls.md");
    }
    let written = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        written == expected,
        "docs/sdk-calls.md differs from the SDK call table; regenerate it with \
         `CIO_LSP_UPDATE_DOCS=1 cargo test --lib supported_calls`"
    );
}

#[test]
fn every_client_method_is_listed_once() {
    for (i, row) in SDK_CALLS.iter().enumerate() {
        assert!(
            !SDK_CALLS[..i]
                .iter()
                .any(|other| other.client == row.client && other.name == row.name),
            "{} listed twice",
            row.name
        );
        assert!(!row.summary.is_empty(), "{} has no summary", row.name);
    }
}

#[test]
fn the_5x_track_client_surface_is_complete() {
    let track_client = [
        "identify",
        "destroy",
        "suppress",
        "unsuppress",
        "track",
        "trackAnonymous",
        "trackPageView",
        "trackPush",
        "addDevice",
        "deleteDevice",
        "batch",
        "mergeCustomers",
        "getAccountRegion",
        "entity",
        "addCustomersToSegment",
        "removeCustomersFromSegment",
        "submitForm",
        "reportMetric",
        "unsubscribe",
    ];
    for name in track_client {
        let row = SdkCall::find(Sdk::NodeTrack, name).expect(name);
        assert!(matches!(row.api, Api::Track | Api::TrackRead), "{name}");
    }
    for name in [
        "identify", "track", "page", "screen", "group", "alias", "batch",
    ] {
        assert_eq!(
            SdkCall::find(Sdk::NodePipelines, name).map(|r| r.api),
            Some(Api::Pipelines),
            "{name}"
        );
    }
    for name in [
        "sendEmail",
        "sendSMS",
        "getCustomersByEmail",
        "listSegments",
    ] {
        assert_eq!(
            SdkCall::find(Sdk::NodeApp, name).map(|r| r.api),
            Some(Api::App)
        );
    }
    assert!(SdkCall::find(Sdk::NodeTrack, "sendEmail").is_none());
}
