//! Malformed and unusual input for the language server's transport, each with the answer it
//! must get (`#[path]`-included by the robustness tests; also the seeds of the framing fuzz
//! target). Every case is followed, in the tests, by a valid request that must be answered.
#![allow(dead_code)] // Each includer uses part of it.

use serde_json::{json, Value};

/// What the server must answer to a case.
#[derive(Debug, Clone, PartialEq)]
pub enum Expect {
    /// An error response with this code and id.
    Error(i64, Value),
    /// A response without error to request `id`.
    Answer(Value),
    /// No response at all.
    Nothing,
}

pub struct Case {
    pub name: &'static str,
    pub bytes: Vec<u8>,
    pub expect: Expect,
}

/// A hover request with id `id` on a document that is not open: answered with `null`.
pub fn hover(id: &str) -> String {
    json!({ "jsonrpc": "2.0", "id": id, "method": "textDocument/hover",
            "params": { "textDocument": { "uri": "file:///nowhere/x.ts" },
                        "position": { "line": 0, "character": 0 } } })
    .to_string()
}

/// A `didOpen` of a document whose text (inside the JSON string) is `text`, as it is.
fn open_with(text: &[u8]) -> Vec<u8> {
    let head = br#"{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///odd/text.ts","languageId":"typescript","version":1,"text":""#;
    [&head[..], text, br#""}}}"#].concat()
}

pub fn framed(body: &[u8]) -> Vec<u8> {
    let mut bytes = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

fn with_header(header: &str, body: &str) -> Vec<u8> {
    format!("{header}{body}").into_bytes()
}

pub fn cases() -> Vec<Case> {
    let error = |code, id: &str| Expect::Error(code, json!(id));
    let null_error = |code| Expect::Error(code, Value::Null);
    let answer = |id: &str| Expect::Answer(json!(id));
    let mut cases = vec![
        Case {
            name: "Content-Length that is not a number",
            bytes: with_header("Content-Length: abc\r\n\r\n", &hover("not-a-number")),
            expect: error(-32600, "not-a-number"),
        },
        Case {
            name: "negative Content-Length",
            bytes: with_header("Content-Length: -5\r\n\r\n", &hover("negative")),
            expect: error(-32600, "negative"),
        },
        Case {
            name: "Content-Length beyond 64 bits",
            bytes: with_header(
                "Content-Length: 99999999999999999999999\r\n\r\n",
                &hover("overflow"),
            ),
            expect: error(-32600, "overflow"),
        },
        Case {
            name: "Content-Length over the message size limit",
            bytes: with_header("Content-Length: 300000000\r\n\r\n", &hover("over-limit")),
            expect: error(-32600, "over-limit"),
        },
        Case {
            name: "no Content-Length header",
            bytes: with_header(
                "Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n",
                &hover("no-length"),
            ),
            expect: error(-32600, "no-length"),
        },
        Case {
            name: "no header at all",
            bytes: hover("no-header").into_bytes(),
            expect: error(-32600, "no-header"),
        },
        Case {
            name: "a header line without a colon",
            bytes: with_header("Content-Length\r\n\r\n", &hover("no-colon")),
            expect: error(-32600, "no-colon"),
        },
        Case {
            name: "a header line that never ends",
            bytes: {
                let body = hover("unended-header");
                with_header(&format!("Content-Length: {}", body.len()), &body)
            },
            expect: error(-32600, "unended-header"),
        },
        Case {
            name: "header lines ending in LF alone (accepted)",
            bytes: {
                let body = hover("lf-only");
                with_header(&format!("Content-Length: {}\n\n", body.len()), &body)
            },
            expect: answer("lf-only"),
        },
        Case {
            name: "Content-Length larger than the body",
            bytes: {
                let body = hover("too-long");
                with_header(&format!("Content-Length: {}\r\n\r\n", body.len() + 40), &body)
            },
            expect: error(-32600, "too-long"),
        },
        Case {
            name: "Content-Length smaller than the body",
            bytes: with_header("Content-Length: 10\r\n\r\n", &hover("too-short")),
            expect: null_error(-32700),
        },
        Case {
            name: "a body that is not JSON",
            bytes: framed(b"{not json"),
            expect: null_error(-32700),
        },
        Case {
            name: "an empty body",
            bytes: framed(b""),
            expect: null_error(-32700),
        },
        Case {
            name: "JSON that is not a JSON-RPC message",
            bytes: framed(br#"{"hello":"world"}"#),
            expect: null_error(-32600),
        },
        Case {
            name: "a request without a jsonrpc version",
            bytes: framed(br#"{"id":"versionless","method":"textDocument/hover"}"#),
            expect: error(-32600, "versionless"),
        },
        Case {
            name: "a request of JSON-RPC 1.0",
            bytes: framed(br#"{"jsonrpc":"1.0","id":"v1","method":"textDocument/hover"}"#),
            expect: error(-32600, "v1"),
        },
        Case {
            name: "a batch (LSP has none)",
            bytes: framed(br#"[{"jsonrpc":"2.0","id":"batched","method":"shutdown"}]"#),
            expect: null_error(-32600),
        },
        Case {
            name: "a bare JSON string",
            bytes: framed(br#""hello""#),
            expect: null_error(-32600),
        },
        Case {
            name: "garbage bytes between frames",
            bytes: b"\x00\xff\xfe garbage \r\n\r\n".to_vec(),
            expect: Expect::Nothing,
        },
        Case {
            name: "bytes that are not UTF-8 in a document (replaced)",
            bytes: framed(&open_with(b"const caf\xe9 = 1;")),
            expect: Expect::Nothing,
        },
        Case {
            name: "a lone surrogate escape in a document (replaced)",
            bytes: framed(&open_with(br"const s = '\ud83d';")),
            expect: Expect::Nothing,
        },
        Case {
            name: "params of the wrong shape",
            bytes: framed(
                br#"{"jsonrpc":"2.0","id":"bad-params","method":"textDocument/hover","params":[1]}"#,
            ),
            expect: error(-32602, "bad-params"),
        },
        Case {
            name: "an unknown request",
            bytes: framed(br#"{"jsonrpc":"2.0","id":"unknown","method":"custom/thing"}"#),
            expect: error(-32601, "unknown"),
        },
        Case {
            name: "an unknown $/ request",
            bytes: framed(br#"{"jsonrpc":"2.0","id":"dollar","method":"$/someExtension"}"#),
            expect: error(-32601, "dollar"),
        },
        Case {
            name: "an unknown $/ notification",
            bytes: framed(br#"{"jsonrpc":"2.0","method":"$/someExtension","params":{}}"#),
            expect: Expect::Nothing,
        },
        Case {
            name: "a response to no request",
            bytes: framed(br#"{"jsonrpc":"2.0","id":424242,"result":null}"#),
            expect: Expect::Nothing,
        },
    ];
    // Numeric ids are echoed as numbers.
    cases.push(Case {
        name: "a numeric id",
        bytes: with_header(
            "Content-Length: x\r\n\r\n",
            r#"{"jsonrpc":"2.0","id":77,"method":"textDocument/hover"}"#,
        ),
        expect: Expect::Error(-32600, json!(77)),
    });
    cases
}
