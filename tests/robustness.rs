//! Hostile and unusual input (issue 16): the server's transport, the documents' text, deep
//! nesting, panics. Inputs are generated here, none is committed.

#[path = "support/lsp_client.rs"]
mod lsp_client;
#[path = "support/malformed_frames.rs"]
mod malformed_frames;

use cio_lsp::lsp::framing::{decode_all, Decoder, Event};
use lsp_client::{start_plain, TestClient, WAIT};
use malformed_frames::{cases, framed, hover, Expect};
use serde_json::{json, Value};

// ----- the transport -----

/// What the framing layer itself answers: the errors of frames and JSON; the rest is
/// forwarded to tower-lsp-server.
fn answered_by_framing(expect: &Expect) -> bool {
    matches!(expect, Expect::Error(-32700 | -32600, _))
}

fn reply_of(event: &Event) -> Option<Value> {
    match event {
        Event::Reply(body) => Some(serde_json::from_slice(body).unwrap()),
        Event::Message(_) => None,
    }
}

#[test]
fn each_malformed_frame_is_answered_or_forwarded_and_the_next_frame_is_read() {
    let follow_up = hover("follow-up");
    for case in cases() {
        let mut input = case.bytes.clone();
        input.extend(framed(follow_up.as_bytes()));
        let events = decode_all(&input);
        let last = events
            .last()
            .unwrap_or_else(|| panic!("{}: no events", case.name));
        assert_eq!(
            last,
            &Event::Message(follow_up.clone().into_bytes()),
            "{}: {events:?}",
            case.name
        );
        let before = &events[..events.len() - 1];
        match &case.expect {
            Expect::Error(code, id) if answered_by_framing(&case.expect) => {
                let [reply] = before else {
                    panic!("{}: {before:?}", case.name)
                };
                let reply = reply_of(reply).unwrap_or_else(|| panic!("{}: {reply:?}", case.name));
                assert_eq!(reply["error"]["code"], json!(code), "{}", case.name);
                assert_eq!(&reply["id"], id, "{}", case.name);
            }
            _ if case.name.starts_with("garbage") => assert!(before.is_empty(), "{}", case.name),
            _ => assert!(
                matches!(before, [Event::Message(_)]),
                "{}: {before:?}",
                case.name
            ),
        }
    }
}

/// The client's bytes arrive in pieces of any size: the events are the same.
#[test]
fn malformed_frames_decode_the_same_byte_by_byte() {
    let input: Vec<u8> = cases()
        .into_iter()
        .flat_map(|case| [case.bytes, framed(hover("next").as_bytes())].concat())
        .collect();
    let whole = decode_all(&input);
    let mut decoder = Decoder::default();
    let mut piecewise = Vec::new();
    for byte in &input {
        decoder.push(std::slice::from_ref(byte));
        piecewise.extend(std::iter::from_fn(|| decoder.next_event()));
    }
    assert_eq!(piecewise, whole);
}

#[test]
fn lone_surrogate_escapes_become_the_replacement_character_and_pairs_stay() {
    let mut json = br#"["\ud83d", "\ud83d\ude00", "\ude00x", "\\ud83d", "\uD83D\u0041"]"#.to_vec();
    let replaced = cio_lsp::lsp::framing::replace_lone_surrogates(&mut json);
    assert_eq!(replaced, 3);
    let value: Vec<String> = serde_json::from_slice(&json).unwrap();
    assert_eq!(
        value,
        ["\u{FFFD}", "😀", "\u{FFFD}x", "\\ud83d", "\u{FFFD}A"]
    );
}

/// Garbage that never names a header is not kept in memory.
#[test]
fn garbage_without_headers_is_not_buffered() {
    let mut decoder = Decoder::default();
    for _ in 0..1000 {
        decoder.push(&[b'x'; 1024]);
        assert_eq!(decoder.next_event(), None);
    }
    assert!(decoder.buffered() < 64, "{}", decoder.buffered());
}

/// The real binary: each malformed frame, then a valid request, which must be answered; the
/// malformed one gets the error it deserves (or nothing).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_spawned_server_answers_every_malformed_frame_and_goes_on() {
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_cio-lsp"))
        .arg("serve")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut client = TestClient::new(child.stdout.take().unwrap(), child.stdin.take().unwrap());
    client
        .request("initialize", json!({ "capabilities": {} }))
        .await;
    client.notify("initialized", json!({})).await;
    for (n, case) in cases().into_iter().enumerate() {
        client.send_raw(&case.bytes).await;
        let follow_up = format!("follow-up-{n}");
        client.send_raw(&framed(hover(&follow_up).as_bytes())).await;
        let answer = client.response(json!(follow_up)).await;
        assert!(answer.get("error").is_none(), "{}: {answer}", case.name);
        match &case.expect {
            Expect::Error(code, id) => {
                let reply = client.response(id.clone()).await;
                assert_eq!(
                    reply["error"]["code"],
                    json!(code),
                    "{}: {reply}",
                    case.name
                );
            }
            Expect::Answer(id) => {
                let reply = client.response(id.clone()).await;
                assert!(reply.get("error").is_none(), "{}: {reply}", case.name);
            }
            Expect::Nothing => {}
        }
        // Nothing else answered this case (replies to it come before the follow-up's answer).
        let stray = client.take_backlog();
        assert!(
            stray.iter().all(|m| m.get("method").is_some()),
            "{}: {stray:?}",
            case.name
        );
    }
    let shutdown = client.request_response("shutdown", Value::Null).await;
    assert!(shutdown.get("error").is_none(), "{shutdown}");
    client.notify("exit", Value::Null).await;
    let status = tokio::time::timeout(WAIT, child.wait())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(status.code(), Some(0));
}

// ----- documents' text -----

/// `text` as a JSON string literal with `LONE` replaced by a lone surrogate escape (a Rust
/// string cannot hold one).
fn with_lone_surrogates(message: Value) -> Vec<u8> {
    message.to_string().replace("LONE", "\\ud83d").into_bytes()
}

const SURROGATE_FILE: &str = "import { TrackClient } from \"customerio-node\";\n\
const cio = new TrackClient(process.env.CUSTOMERIO_SITE_ID!, process.env.CUSTOMERIO_TRACK_API_KEY!);\n\
export async function signup(user: User) {\n  \
const label = \"LONE\"; await cio.identify(user.id, { email: user.email, created_at: Date.now() });\n\
}\n";

fn diagnostic_ranges(diagnostics: &[Value]) -> Vec<Value> {
    diagnostics.iter().map(|d| d["range"].clone()).collect()
}

/// A half-typed emoji (`"\ud83d"`) in `didOpen` and `didChange` is accepted as U+FFFD, one
/// UTF-16 code unit like the surrogate it replaces: positions after it stay right.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lone_surrogate_in_a_document_is_replaced_and_positions_after_it_stay_right() {
    let mut client = start_plain().await;
    let uri = "file:///ws/surrogate.ts";
    let open = json!({ "jsonrpc": "2.0", "method": "textDocument/didOpen",
        "params": { "textDocument": { "uri": uri, "languageId": "typescript", "version": 1,
                                      "text": SURROGATE_FILE } } });
    client.send_raw(&framed(&with_lone_surrogates(open))).await;
    let opened = client.diagnostics(uri, 1).await;
    // The same text with U+FFFD where the surrogate was, opened fresh elsewhere.
    let repaired = SURROGATE_FILE.replace("LONE", "\u{FFFD}");
    let reference = "file:///ws/reference.ts";
    client.open(reference, &repaired).await;
    let expected = client.diagnostics(reference, 1).await;
    assert!(!expected.is_empty());
    assert_eq!(diagnostic_ranges(&opened), diagnostic_ranges(&expected));
    let line = repaired.lines().nth(3).unwrap();

    // Type another half emoji right after the first one: `"LONE"` → `"LONELONE"`.
    let after_first = line.find('\u{FFFD}').unwrap();
    let character = line[..after_first].encode_utf16().count() + 1;
    let at = json!({ "line": 3, "character": character });
    let change = json!({ "jsonrpc": "2.0", "method": "textDocument/didChange",
        "params": { "textDocument": { "uri": uri, "version": 2 },
                    "contentChanges": [{ "range": { "start": at, "end": at }, "text": "LONE" }] } });
    client
        .send_raw(&framed(&with_lone_surrogates(change)))
        .await;
    let changed = client.diagnostics(uri, 2).await;
    let twice = SURROGATE_FILE.replace("LONE", "\u{FFFD}\u{FFFD}");
    let reference_twice = "file:///ws/reference-twice.ts";
    client.open(reference_twice, &twice).await;
    let expected_twice = client.diagnostics(reference_twice, 1).await;
    assert_eq!(
        diagnostic_ranges(&changed),
        diagnostic_ranges(&expected_twice)
    );
    assert_ne!(diagnostic_ranges(&changed), diagnostic_ranges(&opened));
}
