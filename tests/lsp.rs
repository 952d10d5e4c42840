//! The language server over real JSON-RPC: an in-memory pipe into `cio_lsp::lsp::serve_on`
//! for most tests, the spawned binary for exit codes, through the small client of
//! `support/lsp_client.rs`.

#[path = "support/dense_file.rs"]
mod dense_file;
#[path = "support/lsp_client.rs"]
mod lsp_client;

use std::path::Path;

use cio_lsp::analysis::position::{Encoding, LineCol, LineIndex};
use cio_lsp::analysis::{NoWorkspaceView, Settings};
use cio_lsp::lsp::documents::{Change, Document};
use lsp_client::{
    start, start_in, start_plain, start_with, wait_for_index, MemClient, TestClient, WAIT,
};
use proptest::prelude::*;
use serde_json::{json, Value};

/// A client built the way every rule accepts (keys from the environment).
const HEADER: &str = "import { TrackClient } from \"customerio-node\";\n\
                      const cio = new TrackClient(process.env.CUSTOMERIO_SITE_ID!, \
                      process.env.CUSTOMERIO_TRACK_API_KEY!);\n";

/// An identify call that only CIO002 objects to: awaited, inside an async function, with an
/// `email`. In [`in_signup`]'s text its `Date.now()` is at line 3, columns 63..73.
const IDENTIFY_MS: &str =
    "await cio.identify(user.id, { email: user.email, created_at: Date.now() });";

/// `HEADER`, then `body` (one statement a line) inside `async function signup(user)`.
fn in_signup(body: &str) -> String {
    let body: String = body.lines().map(|line| format!("  {line}\n")).collect();
    format!("{HEADER}export async function signup(user: User) {{\n{body}}}\n")
}

/// The UTF-16 range of the first `needle` in `text`.
fn range_of(text: &str, needle: &str) -> Value {
    let start = text
        .find(needle)
        .unwrap_or_else(|| panic!("`{needle}` in {text}"));
    let index = LineIndex::new(text);
    let at = |offset| {
        let p = index.position(text, offset, Encoding::Utf16);
        json!({ "line": p.line, "character": p.col })
    };
    json!({ "start": at(start), "end": at(start + needle.len()) })
}

/// A temporary workspace holding `files` (path, text); returns it and its canonical root.
fn workspace(files: &[(&str, &str)]) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    for (path, text) in files {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    (dir, root)
}

fn file_uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

fn codes(diagnostics: &[Value]) -> Vec<String> {
    diagnostics
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect()
}

/// Applies LSP text edits (UTF-16 positions) to `text`.
fn apply_lsp_edits(text: &str, edits: &[Value]) -> String {
    let index = LineIndex::new(text);
    let offset = |p: &Value| {
        index.offset_clamped(
            text,
            LineCol {
                line: p["line"].as_u64().unwrap() as u32,
                col: p["character"].as_u64().unwrap() as u32,
            },
            Encoding::Utf16,
        )
    };
    let mut edits: Vec<(usize, usize, &str)> = edits
        .iter()
        .map(|e| {
            (
                offset(&e["range"]["start"]),
                offset(&e["range"]["end"]),
                e["newText"].as_str().unwrap(),
            )
        })
        .collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut out = text.to_string();
    for (start, end, new_text) in edits {
        out.replace_range(start..end, new_text);
    }
    out
}

fn action_edits(action: &Value, uri: &str) -> Vec<Value> {
    action["edit"]["changes"][uri].as_array().unwrap().clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn open_change_close_publish_versioned_diagnostics() {
    let mut client = start_plain().await;
    let uri = "file:///ws/a.ts";
    let text = in_signup(IDENTIFY_MS);
    client.open(uri, &text).await;
    let diagnostics = client.diagnostics(uri, 1).await;
    assert_eq!(codes(&diagnostics), ["CIO002"]);
    let d = &diagnostics[0];
    assert_eq!(d["source"], "cio-lsp");
    assert_eq!(d["severity"], 1);
    let date_now = range_of(&text, "Date.now()");
    assert_eq!(
        date_now,
        json!({ "start": { "line": 3, "character": 63 }, "end": { "line": 3, "character": 73 } })
    );
    assert_eq!(d["range"], date_now);
    let href = d["codeDescription"]["href"].as_str().unwrap();
    assert!(href.ends_with("queries/CIO002-millisecond-timestamp.md"));
    // From Cargo.toml's `repository`, as SARIF's helpUri and the extension's package.json.
    assert!(href.starts_with(env!("CARGO_PKG_REPOSITORY")), "{href}");

    // Fix it by hand: the diagnostic goes away.
    client
        .change(
            uri,
            2,
            json!([{ "range": date_now, "text": "Math.floor(Date.now() / 1000)" }]),
        )
        .await;
    assert!(client.diagnostics(uri, 2).await.is_empty());

    // A whole-text change works too.
    client.change(uri, 3, json!([{ "text": text }])).await;
    assert_eq!(codes(&client.diagnostics(uri, 3).await), ["CIO002"]);

    client
        .notify(
            "textDocument/didClose",
            json!({ "textDocument": { "uri": uri } }),
        )
        .await;
    let cleared = client
        .wait_for(|m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && m["params"]["diagnostics"] == json!([])
                && m["params"]["version"].is_null()
        })
        .await;
    assert!(cleared["params"]["diagnostics"]
        .as_array()
        .unwrap()
        .is_empty());
}

/// The position of the end of `text` (UTF-16), for typing at the end.
fn end_position(text: &str) -> Value {
    let index = LineIndex::new(text);
    let at = index.position(text, text.len(), Encoding::Utf16);
    json!({ "line": at.line, "character": at.col })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typing_char_by_char_ends_like_a_fresh_open() {
    let mut client = start_plain().await;
    let snippet = "export async function signup(user: User) {\n  \
                   await cio.identify(user.id, { email: user.email, created_at: Date.now() });\n  \
                   await cio.track(user.id, { name: \"signed_up\", data: { sent_at: new Date() } });\n}\n";
    let uri = "file:///ws/typed.ts";
    let mut text = HEADER.to_string();
    client.open(uri, &text).await;
    let mut version = 1;
    for ch in snippet.chars() {
        let at = end_position(&text);
        version += 1;
        client
            .change(
                uri,
                version,
                json!([{ "range": { "start": at, "end": at }, "text": ch.to_string() }]),
            )
            .await;
        text.push(ch);
    }
    let typed = client.diagnostics(uri, version).await;
    let fresh_uri = "file:///ws/fresh.ts";
    client.open(fresh_uri, &text).await;
    let fresh = client.diagnostics(fresh_uri, 1).await;
    assert_eq!(codes(&fresh), ["CIO002", "CIO002"]);
    assert_eq!(typed, fresh);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn utf16_ranges_count_an_emoji_as_two_units() {
    let mut client = start_plain().await;
    let uri = "file:///ws/emoji.ts";
    let line =
        "await cio.identify(\"😀\", { email: \"名前😀@example.jp\", created_at: Date.now() });";
    client.open(uri, &in_signup(line)).await;
    let diagnostics = client.diagnostics(uri, 1).await;
    assert_eq!(codes(&diagnostics), ["CIO002"]);
    // Columns count from the function body's two-space indent.
    let prefix = &line[..line.find("Date.now()").unwrap()];
    let start = 2 + prefix.encode_utf16().count();
    assert_eq!(
        diagnostics[0]["range"],
        json!({ "start": { "line": 3, "character": start },
                "end": { "line": 3, "character": start + 10 } })
    );
    // Typing right after the emoji (a UTF-16 column inside the line) lands after it.
    let after_emoji = 2 + "await cio.identify(\"😀".encode_utf16().count();
    client
        .change(
            uri,
            2,
            json!([{ "range": { "start": { "line": 3, "character": after_emoji },
                                 "end": { "line": 3, "character": after_emoji } },
                      "text": "x" }]),
        )
        .await;
    let moved = client.diagnostics(uri, 2).await;
    assert_eq!(codes(&moved), ["CIO002"]);
    assert_eq!(moved[0]["range"]["start"]["character"], start + 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn utf8_is_negotiated_when_offered() {
    let (client_end, server_end) = tokio::io::duplex(1 << 20);
    let (server_read, server_write) = tokio::io::split(server_end);
    tokio::spawn(cio_lsp::lsp::serve_on(server_read, server_write));
    let (read, write) = tokio::io::split(client_end);
    let mut client = TestClient::new(read, write);
    let result = client
        .request(
            "initialize",
            json!({ "capabilities": { "general": { "positionEncodings": ["utf-8", "utf-16"] } } }),
        )
        .await;
    assert_eq!(result["capabilities"]["positionEncoding"], "utf-8");
    client.notify("initialized", json!({})).await;
    let uri = "file:///ws/bytes.ts";
    let line = "await cio.identify(\"😀\", { email: user.email, created_at: Date.now() });";
    client.open(uri, &in_signup(line)).await;
    let diagnostics = client.diagnostics(uri, 1).await;
    assert_eq!(codes(&diagnostics), ["CIO002"]);
    assert_eq!(
        diagnostics[0]["range"]["start"]["character"],
        2 + line.find("Date.now()").unwrap()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quick_fix_and_fix_all_leave_the_file_clean() {
    let mut client = start_plain().await;
    let uri = "file:///ws/fix.ts";
    let text = format!(
        "{HEADER}async function f(user: User) {{\n  \
         await cio.identify(user.id, {{ email: user.email, created_at: Date.now(), \
         updated_at: new Date().getTime() }});\n}}\n"
    );
    client.open(uri, &text).await;
    let diagnostics = client.diagnostics(uri, 1).await;
    assert_eq!(codes(&diagnostics), ["CIO002", "CIO002"]);

    // One quick fix per finding, preferred (the only fix, fix-all safe).
    let actions = client
        .request(
            "textDocument/codeAction",
            json!({ "textDocument": { "uri": uri }, "range": diagnostics[0]["range"],
                    "context": { "diagnostics": [diagnostics[0]], "only": ["quickfix"] } }),
        )
        .await;
    let actions = actions.as_array().unwrap();
    let fix = actions
        .iter()
        .find(|a| a["title"].as_str().unwrap().starts_with("Convert"))
        .expect("a quick fix");
    assert_eq!(fix["kind"], "quickfix");
    assert_eq!(fix["isPreferred"], true);
    let fixed_one = apply_lsp_edits(&text, &action_edits(fix, uri));
    client.change(uri, 2, json!([{ "text": fixed_one }])).await;
    assert_eq!(codes(&client.diagnostics(uri, 2).await), ["CIO002"]);

    // Fix-all on the original text fixes both.
    client.change(uri, 3, json!([{ "text": text }])).await;
    assert_eq!(client.diagnostics(uri, 3).await.len(), 2);
    let actions = client
        .request(
            "textDocument/codeAction",
            json!({ "textDocument": { "uri": uri },
                    "range": { "start": { "line": 0, "character": 0 },
                               "end": { "line": 0, "character": 0 } },
                    "context": { "diagnostics": [], "only": ["source.fixAll.cio-lsp"] } }),
        )
        .await;
    let fix_all = &actions.as_array().unwrap()[0];
    assert_eq!(fix_all["kind"], "source.fixAll.cio-lsp");
    let fixed = apply_lsp_edits(&text, &action_edits(fix_all, uri));
    assert!(
        fixed.contains("created_at: Math.floor(Date.now() / 1000)"),
        "{fixed}"
    );
    client.change(uri, 4, json!([{ "text": fixed }])).await;
    assert!(client.diagnostics(uri, 4).await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn disable_for_line_inserts_an_indented_comment() {
    let mut client = start_plain().await;
    let uri = "file:///ws/disable.ts";
    let text = format!(
        "{HEADER}async function f(id: string, email: string) {{\n    \
         await cio.identify(id, {{ email, created_at: Date.now() }});\n}}\n"
    );
    client.open(uri, &text).await;
    let diagnostics = client.diagnostics(uri, 1).await;
    assert_eq!(codes(&diagnostics), ["CIO002"]);
    let actions = client
        .request(
            "textDocument/codeAction",
            json!({ "textDocument": { "uri": uri }, "range": diagnostics[0]["range"],
                    "context": { "diagnostics": diagnostics } }),
        )
        .await;
    let disable = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"] == "Disable CIO002 for this line")
        .expect("a disable action")
        .clone();
    let disabled = apply_lsp_edits(&text, &action_edits(&disable, uri));
    assert!(
        disabled
            .contains("{\n    // cio-lsp-disable-next-line CIO002\n    await cio.identify(id, {"),
        "{disabled}"
    );
    // The comment silences the finding, and is not itself reported as unused.
    client.change(uri, 2, json!([{ "text": disabled }])).await;
    assert!(client.diagnostics(uri, 2).await.is_empty());
}

/// A user rule that reports every identify call whole, over all its lines: a wide finding
/// around the narrow ones inside the call.
const WHOLE_IDENTIFY_QUERY: &str = r#"((call_expression
   function: (member_expression
     object: (_) @client
     property: (property_identifier) @method)) @report
 (#eq? @method "identify")
 (#cio-client? @client "track"))
"#;

const WHOLE_IDENTIFY_META: &str = r#"id = "ACME002"
name = "identify-review"
severity = "info"
message = "identify calls are reviewed by the data team"
fix = "{{client}}.identify(user.id, {})"
"#;

/// With the cursor on a finding inside a wider one, the menu starts with the narrow finding's
/// fix, the only preferred action; the wider finding's fix comes after it, then the
/// suppressions, whose titles say which line they silence.
/// Tight squiggles over multi-line calls (issue 18): CIO007 from `await` through the callee,
/// CIO014 at the callee, CIO002 alone under `Date.now()` inside the awaited call; no diagnostic
/// spans more than one line.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn findings_on_multi_line_calls_are_underlined_on_one_line() {
    let text = format!(
        "{HEADER}import express from \"express\";\n\
         const app = express();\n\
         app.post(\"/signup\", async (req, res) => {{\n  \
         await cio.identify(req.body.id, {{\n    \
         email: req.body.email,\n    \
         created_at: Date.now(),\n  \
         }});\n  \
         res.sendStatus(201);\n\
         }});\n\
         export function later(id: string) {{\n  \
         cio.track(id, {{\n    \
         name: \"signed_up\",\n  \
         }});\n\
         }}\n"
    );
    let (_dir, root) = workspace(&[("server.ts", &text)]);
    let uri = file_uri(&root.join("server.ts"));
    let mut client = start_in(&root, Value::Null).await;
    client.open(&uri, &text).await;
    let diagnostics = client.diagnostics(&uri, 1).await;
    let range_of_rule = |rule: &str| -> Vec<Value> {
        diagnostics
            .iter()
            .filter(|d| d["code"] == rule)
            .map(|d| d["range"].clone())
            .collect()
    };
    assert_eq!(
        range_of_rule("CIO007"),
        [range_of(&text, "await cio.identify")]
    );
    assert_eq!(range_of_rule("CIO002"), [range_of(&text, "Date.now()")]);
    assert_eq!(range_of_rule("CIO014"), [range_of(&text, "cio.track")]);
    for d in &diagnostics {
        assert_eq!(
            d["range"]["start"]["line"], d["range"]["end"]["line"],
            "{d}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quick_fixes_start_with_the_narrowest_finding_at_the_cursor() {
    let (_dir, root) = workspace(&[
        ("cio-lsp.toml", "rule_dirs = [\"cio-rules\"]\n"),
        ("cio-rules/identify-review.scm", WHOLE_IDENTIFY_QUERY),
        ("cio-rules/identify-review.toml", WHOLE_IDENTIFY_META),
    ]);
    let uri = file_uri(&root.join("signup.ts"));
    let text = format!(
        "{HEADER}export async function signup(user: User) {{\n  \
         await cio.identify(user.id, {{\n    \
         email: user.email,\n    \
         created_at: Date.now(),\n  \
         }});\n}}\n"
    );
    let mut client = start_in(&root, Value::Null).await;
    client.open(&uri, &text).await;
    let diagnostics = client.diagnostics(&uri, 1).await;
    assert_eq!(codes(&diagnostics), ["ACME002", "CIO002"]);
    let on_date_now = range_of(&text, "now()")["start"].clone();
    assert_eq!(on_date_now["line"], 5);
    let actions = client
        .request(
            "textDocument/codeAction",
            json!({ "textDocument": { "uri": uri },
                    "range": { "start": on_date_now, "end": on_date_now },
                    "context": { "diagnostics": diagnostics, "only": ["quickfix"] } }),
        )
        .await;
    let actions = actions.as_array().unwrap();
    let titles: Vec<&str> = actions
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        [
            "Convert `created_at` to Unix seconds",
            "Fix ACME002: identify-review",
            "Disable CIO002 for this line",
            "Disable ACME002 for line 4",
        ]
    );
    let preferred: Vec<&str> = actions
        .iter()
        .filter(|a| a["isPreferred"] == true)
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert_eq!(preferred, ["Convert `created_at` to Unix seconds"]);
    assert_eq!(actions[0]["diagnostics"][0]["code"], "CIO002");
    // "line 4" is where the comment goes: above the call, not above the cursor's line.
    let disabled = apply_lsp_edits(&text, &action_edits(&actions[3], &uri));
    assert!(
        disabled.contains("{\n  // cio-lsp-disable-next-line ACME002\n  await cio.identify("),
        "{disabled}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hover_shows_rule_docs_and_call_notes() {
    let mut client = start_plain().await;
    let uri = "file:///ws/hover.ts";
    let text = in_signup(&format!(
        "{IDENTIFY_MS}\nawait cio.track(user.id, {{ name: \"signed_up\" }});"
    ));
    client.open(uri, &text).await;
    assert_eq!(codes(&client.diagnostics(uri, 1).await), ["CIO002"]);
    let hover = |line: u32, character: u32| {
        json!({ "textDocument": { "uri": uri },
                "position": { "line": line, "character": character } })
    };
    let on_finding = client.request("textDocument/hover", hover(3, 65)).await;
    let docs = on_finding["contents"]["value"].as_str().unwrap();
    assert_eq!(on_finding["contents"]["kind"], "markdown");
    // Short: the message, two or three lines of why, one wrong → right example, and a link to
    // the whole page, which it does not repeat.
    let message = "`created_at` is in milliseconds; Customer.io expects Unix seconds";
    assert!(
        docs.starts_with(&format!("**CIO002** {message}\n\n")),
        "{docs}"
    );
    assert!(docs.contains("Unix **seconds**"), "{docs}");
    let wrong = docs.find("// Wrong").expect("a wrong example");
    let right = docs.find("// Right").expect("a right example");
    assert!(
        wrong < right && docs.contains("Math.floor(Date.now() / 1000)"),
        "{docs}"
    );
    assert!(
        docs.ends_with(
            "[Full documentation](https://github.com/cio-lsp/cio-lsp/blob/main/queries/\
             CIO002-millisecond-timestamp.md) · `cio-lsp explain CIO002`"
        ),
        "{docs}"
    );
    assert!(
        !docs.contains("# CIO002") && !docs.contains("## "),
        "{docs}"
    );
    assert!(
        docs.lines().count() <= 14,
        "{} lines:\n{docs}",
        docs.lines().count()
    );
    assert_eq!(on_finding["range"], range_of(&text, "Date.now()"));
    let on_call = client.request("textDocument/hover", hover(4, 12)).await;
    let note = on_call["contents"]["value"].as_str().unwrap();
    assert!(
        note.contains("`track`") && note.contains("Records an event"),
        "{note}"
    );
    let elsewhere = client.request("textDocument/hover", hover(0, 2)).await;
    assert!(elsewhere.is_null());
}

/// Hover on a request written by hand to the Track API says what it is and which SDK call
/// does the same.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hover_on_a_direct_track_request_names_the_sdk_call() {
    let mut client = start_plain().await;
    let uri = "file:///ws/direct.ts";
    let text = "export async function save(id: string) {\n  await fetch(`https://track.customer.io/api/v1/customers/${id}/events`, {\n    method: \"POST\",\n    body: JSON.stringify({ name: \"saved\" }),\n  });\n}\n";
    client.open(uri, text).await;
    client.diagnostics(uri, 1).await;
    let hover = json!({ "textDocument": { "uri": uri },
                        "position": { "line": 1, "character": 9 } });
    let on_call = client.request("textDocument/hover", hover).await;
    let note = on_call["contents"]["value"].as_str().unwrap();
    assert!(
        note.contains("direct request to the Track API")
            && note.contains("`cio.track(id, { name, data, timestamp })`")
            && note.contains("Records an event"),
        "{note}"
    );
}

/// CIO019 and the 5.x call surface in the editor: a webhook handler's signature mistakes are
/// published and explained on hover; a timestamp inside a `batch` operation is CIO002, and the
/// hover on `entity` says what the call expects (the SDK call table's summary).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhook_signatures_and_batch_operations_are_checked_in_the_editor() {
    let mut client = start_plain().await;
    let uri = "file:///ws/webhook.ts";
    let text = "import { verifyRequestSignature } from \"customerio-node\";\n\
                export function handle(req: any) {\n\
                \x20 verifyRequestSignature({ signingSecret: process.env.S!, timestamp: \"1\", signature: \"s\", body: JSON.stringify(req.body) });\n\
                }\n";
    client.open(uri, text).await;
    assert_eq!(
        codes(&client.diagnostics(uri, 1).await),
        ["CIO019", "CIO019"]
    );
    let hover = |uri: &str, line: u32, character: u32| {
        json!({ "textDocument": { "uri": uri },
                "position": { "line": line, "character": character } })
    };
    let on_body = client
        .request("textDocument/hover", hover(uri, 2, 100))
        .await;
    let docs = on_body["contents"]["value"].as_str().unwrap();
    assert!(
        docs.starts_with("**CIO019** The signature is checked against a re-serialised body"),
        "{docs}"
    );
    assert!(docs.contains("req.rawBody"), "{docs}");

    let uri = "file:///ws/batch.ts";
    let text = in_signup(
        "await cio.entity({ type: \"person\", identifiers: { id: user.id }, action: \"event\", name: \"renewed\", timestamp: Date.now() });",
    );
    client.open(uri, &text).await;
    assert_eq!(codes(&client.diagnostics(uri, 1).await), ["CIO002"]);
    let line = text.lines().position(|l| l.contains("cio.entity")).unwrap() as u32;
    let on_call = client
        .request("textDocument/hover", hover(uri, line, 14))
        .await;
    let note = on_call["contents"]["value"].as_str().unwrap();
    assert!(
        note.contains("`entity`") && note.contains("one Track API v2 operation"),
        "{note}"
    );
}

/// A client made from a configured wrapper package (`[clients] packages`) is a client on every
/// path of the server: opening, a keystroke inside a function (which re-analyses only that
/// function with the bindings it collects), and hover.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrapper_package_client_keeps_its_findings_after_a_keystroke() {
    let options = json!({ "clients": { "packages": { "@acme/customerio": "customerio-node" } } });
    let mut client = start(json!({}), None, options).await;
    let uri = "file:///ws/wrapper.ts";
    let text = in_signup(IDENTIFY_MS).replace("\"customerio-node\"", "\"@acme/customerio\"");
    client.open(uri, &text).await;
    assert_eq!(codes(&client.diagnostics(uri, 1).await), ["CIO002"]);
    // A space typed inside the function, before the call.
    let before_call = json!({ "line": 3, "character": 2 });
    client
        .change(
            uri,
            2,
            json!([{ "range": { "start": before_call, "end": before_call }, "text": " " }]),
        )
        .await;
    assert_eq!(codes(&client.diagnostics(uri, 2).await), ["CIO002"]);
    let note = client
        .request(
            "textDocument/hover",
            json!({ "textDocument": { "uri": uri },
                    "position": { "line": 3, "character": 14 } }),
        )
        .await;
    let note = note["contents"]["value"].as_str().unwrap_or_default();
    assert!(note.contains("`identify`"), "{note}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pull_diagnostics_when_the_client_supports_them() {
    let mut client = start(
        json!({
            "textDocument": { "diagnostic": { "dynamicRegistration": false } },
            "workspace": { "diagnostics": { "refreshSupport": true } }
        }),
        None,
        Value::Null,
    )
    .await;
    let uri = "file:///ws/pull.ts";
    client.open(uri, &in_signup(IDENTIFY_MS)).await;
    let report = client
        .request(
            "textDocument/diagnostic",
            json!({ "textDocument": { "uri": uri } }),
        )
        .await;
    assert_eq!(report["kind"], "full");
    assert_eq!(codes(report["items"].as_array().unwrap()), ["CIO002"]);
}

/// A client that pulls but cannot be asked to pull again (Neovim 0.11) gets pushed diagnostics,
/// so that a settings change reaches it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clients_without_refresh_support_get_pushed_diagnostics() {
    let mut client = start(
        json!({ "textDocument": { "diagnostic": { "dynamicRegistration": false } } }),
        None,
        json!({ "rules": { "CIO002": "off" } }),
    )
    .await;
    let uri = "file:///ws/no-refresh.ts";
    client.open(uri, &in_signup(IDENTIFY_MS)).await;
    assert!(client.diagnostics(uri, 1).await.is_empty());
    client
        .notify(
            "workspace/didChangeConfiguration",
            json!({ "settings": { "cioLsp": { "rules": { "CIO002": "error" } } } }),
        )
        .await;
    assert_eq!(codes(&client.diagnostics(uri, 1).await), ["CIO002"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn settings_turn_rules_off_and_on() {
    let mut client = start(json!({}), None, json!({ "rules": { "CIO002": "off" } })).await;
    let uri = "file:///ws/settings.ts";
    client.open(uri, &in_signup(IDENTIFY_MS)).await;
    assert!(client.diagnostics(uri, 1).await.is_empty());
    client
        .notify(
            "workspace/didChangeConfiguration",
            json!({ "settings": { "cioLsp": { "rules": { "CIO002": "info" } } } }),
        )
        .await;
    let diagnostics = client.diagnostics(uri, 1).await;
    assert_eq!(codes(&diagnostics), ["CIO002"]);
    assert_eq!(diagnostics[0]["severity"], 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_imported_from_another_file_is_resolved_through_the_index() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    std::fs::create_dir_all(root.join("lib")).unwrap();
    std::fs::write(
        root.join("lib/cio.ts"),
        "import { TrackClient } from \"customerio-node\";\n\
         export const cio = new TrackClient(process.env.CUSTOMERIO_SITE_ID!, \
         process.env.CUSTOMERIO_TRACK_API_KEY!);\n",
    )
    .unwrap();
    let app = "import { cio } from \"./lib/cio\";\n\
               export async function signup(id: string) {\n  \
               await cio.identify(id, { email: \"a@example.com\", created_at: Date.now() });\n}\n";
    std::fs::write(root.join("app.ts"), app).unwrap();
    let uri = format!("file://{}", root.join("app.ts").display());

    // Without a workspace, `cio` is an unknown name: nothing to report.
    let mut alone = start_plain().await;
    alone.open(&uri, app).await;
    assert!(alone.diagnostics(&uri, 1).await.is_empty());

    let mut client = start(
        json!({ "window": { "workDoneProgress": true } }),
        Some(&root),
        Value::Null,
    )
    .await;
    client
        .wait_for(|m| m["method"] == "$/progress" && m["params"]["value"]["kind"] == "end")
        .await;
    client.open(&uri, app).await;
    let diagnostics = client.diagnostics(&uri, 1).await;
    assert_eq!(codes(&diagnostics), ["CIO002"]);
    assert_eq!(diagnostics[0]["range"]["start"]["line"], 2);
}

/// Start-up as an editor busy starting up sees it: it has not answered for the indexing
/// progress token yet when it opens a file. The file's findings, which depend on the client it
/// imports (through a barrel), come without waiting for the client's answer, and so does the
/// index; the progress is shown once the token is granted. (The read-ahead itself, before the
/// index lands, is tested in `lsp::workspace`.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn startup_findings_and_the_index_do_not_wait_for_the_progress_token() {
    let (_dir, root) = workspace(&[
        (
            "lib/cio.ts",
            "import { TrackClient } from \"customerio-node\";\n\
             export const cio = new TrackClient(process.env.CUSTOMERIO_SITE_ID!, \
             process.env.CUSTOMERIO_TRACK_API_KEY!);\n",
        ),
        ("lib/index.ts", "export { cio } from \"./cio\";\n"),
        (
            "package.json",
            r#"{"dependencies":{"customerio-node":"^4.0.0"}}"#,
        ),
    ]);
    let app = "import { cio } from \"./lib\";\n\
               export async function signup(id: string) {\n  \
               await cio.identify(id, { email: \"a@example.com\", created_at: Date.now() });\n}\n";
    let uri = file_uri(&root.join("app.ts"));
    let mut client = start(
        json!({ "window": { "workDoneProgress": true } }),
        Some(&root),
        Value::Null,
    )
    .await;
    client.withhold("window/workDoneProgress/create");
    client.open(&uri, app).await;
    let diagnostics = client.diagnostics_until(&uri, |d| !d.is_empty()).await;
    assert_eq!(codes(&diagnostics), ["CIO002"]);
    client
        .wait_for(|m| {
            m["method"] == "window/logMessage"
                && m["params"]["message"]
                    .as_str()
                    .is_some_and(|text| text.starts_with("indexed "))
        })
        .await;
    assert!(
        !client.backlog().iter().any(|m| m["method"] == "$/progress"),
        "no progress is shown before the token is granted"
    );
    client.answer_all();
    let request = client
        .wait_for(|m| m["method"] == "window/workDoneProgress/create")
        .await;
    client
        .send(json!({ "jsonrpc": "2.0", "id": request["id"], "result": null }))
        .await;
    wait_for_index(&mut client).await;
    client.change(&uri, 2, json!([{ "text": app }])).await;
    assert_eq!(codes(&client.diagnostics(&uri, 2).await), ["CIO002"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_documents_and_bad_ranges_do_not_stop_the_server() {
    let mut client = start_plain().await;
    // Requests and notifications about a document that is not open.
    client
        .change("file:///ws/nope.ts", 2, json!([{ "text": "x" }]))
        .await;
    let hover = client
        .request(
            "textDocument/hover",
            json!({ "textDocument": { "uri": "file:///ws/nope.ts" },
                    "position": { "line": 0, "character": 0 } }),
        )
        .await;
    assert!(hover.is_null());
    let actions = client
        .request(
            "textDocument/codeAction",
            json!({ "textDocument": { "uri": "file:///ws/nope.ts" },
                    "range": { "start": { "line": 0, "character": 0 },
                               "end": { "line": 0, "character": 0 } },
                    "context": { "diagnostics": [] } }),
        )
        .await;
    assert!(actions.is_null());

    // A change past the end is clamped to it: the typed text is kept.
    let uri = "file:///ws/clamp.ts";
    client.open(uri, HEADER).await;
    assert!(client.diagnostics(uri, 1).await.is_empty());
    client
        .change(
            uri,
            2,
            json!([{ "range": { "start": { "line": 99, "character": 0 },
                                 "end": { "line": 120, "character": 4 } },
                      "text": "async function f(user: User) {\n  \
                               await cio.identify(user.id, { email: user.email, created_at: Date.now() });\n}\n" }]),
        )
        .await;
    let warning = client
        .wait_for(|m| {
            m["method"] == "window/logMessage"
                && m["params"]["message"]
                    .as_str()
                    .is_some_and(|s| s.contains("outside the document"))
        })
        .await;
    assert_eq!(warning["params"]["type"], 2);
    assert_eq!(codes(&client.diagnostics(uri, 2).await), ["CIO002"]);

    // Syntax errors around a finding do not hide it.
    let broken = "file:///ws/broken.ts";
    client
        .open(broken, &in_signup(&format!("let x = (1 +;\n{IDENTIFY_MS}")))
        .await;
    assert_eq!(codes(&client.diagnostics(broken, 1).await), ["CIO002"]);

    // The server still answers.
    let hover = client
        .request(
            "textDocument/hover",
            json!({ "textDocument": { "uri": uri },
                    "position": { "line": 3, "character": 65 } }),
        )
        .await;
    assert!(hover["contents"]["value"]
        .as_str()
        .unwrap()
        .contains("CIO002"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_five_megabyte_file_is_served() {
    let mut client = start_plain().await;
    let uri = "file:///ws/big.ts";
    let mut text = dense_file::dense_typescript(2_000);
    let filler = "export function pad(a: number, b: number): number { return a * b + 1; }\n";
    while text.len() < 5 << 20 {
        text.push_str(filler);
    }
    client.open(uri, &text).await;
    let diagnostics = client.diagnostics(uri, 1).await;
    assert!(diagnostics.len() > 100, "{}", diagnostics.len());
    // One keystroke in the middle of it.
    client
        .change(
            uri,
            2,
            json!([{ "range": { "start": { "line": 5, "character": 0 },
                                 "end": { "line": 5, "character": 0 } },
                      "text": " " }]),
        )
        .await;
    assert_eq!(client.diagnostics(uri, 2).await.len(), diagnostics.len());
}

/// Diagnostics are written by the server's outbox, log messages and responses by
/// tower-lsp-server: in a burst of both, every message arrives whole, and the diagnostics in
/// the order of the versions (a version overtaken by the next one may be skipped).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn diagnostics_logs_and_responses_interleave_as_whole_messages() {
    let mut client = start_plain().await;
    let uri = "file:///ws/burst.ts";
    // Many findings: each publication is a large message among the small ones.
    let text = dense_file::dense_typescript(600);
    client.open(uri, &text).await;
    let count = client.diagnostics(uri, 1).await.len();
    assert!(count > 20, "{count}");
    const EDITS: i64 = 12;
    for version in 2..2 + EDITS {
        // A range past the end: clamped to it, with a logged warning.
        let at = json!({ "line": 100_000, "character": 0 });
        let typed = if version % 2 == 0 { " " } else { "" };
        client
            .change(
                uri,
                version,
                json!([{ "range": { "start": at, "end": at }, "text": typed }]),
            )
            .await;
        client
            .send_request(
                "textDocument/hover",
                json!({ "textDocument": { "uri": uri },
                        "position": { "line": 3, "character": 4 } }),
            )
            .await;
    }
    let (mut versions, mut warnings, mut responses) = (Vec::new(), 0, 0);
    while versions.last() != Some(&(1 + EDITS)) || responses < EDITS || warnings < EDITS {
        let message = tokio::time::timeout(WAIT, client.read())
            .await
            .expect("timed out")
            .expect("server closed the stream");
        match message["method"].as_str() {
            Some("textDocument/publishDiagnostics") => {
                assert_eq!(
                    message["params"]["diagnostics"].as_array().unwrap().len(),
                    count
                );
                versions.push(message["params"]["version"].as_i64().unwrap());
            }
            Some("window/logMessage") => warnings += 1,
            _ if message.get("id").is_some() => responses += 1,
            _ => {}
        }
    }
    assert!(versions.windows(2).all(|w| w[0] < w[1]), "{versions:?}");
}

/// A burst of keystrokes sent back to back, whose analyses newer changes supersede and skip:
/// every change is applied, in order, and the newest version's diagnostics come last. (How many
/// analyses are skipped is timing; the scale bench's typing row measures the latency.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_changes_ends_with_the_newest_versions_diagnostics() {
    let mut client = start_plain().await;
    let uri = "file:///ws/typing.ts";
    // Long enough that each analysis outlasts the sending of the next change.
    let text = dense_file::dense_typescript(600);
    client.open(uri, &text).await;
    let count = client.diagnostics(uri, 1).await.len();
    const EDITS: i64 = 30;
    let start = json!({ "line": 0, "character": 0 });
    for version in 2..2 + EDITS {
        let typed = json!([{ "range": { "start": start, "end": start }, "text": " " }]);
        client.change(uri, version, typed).await;
    }
    let mut versions = Vec::new();
    while versions.last() != Some(&(1 + EDITS)) {
        let message = tokio::time::timeout(WAIT, client.read())
            .await
            .expect("timed out")
            .expect("server closed the stream");
        if message["method"] == "textDocument/publishDiagnostics" {
            versions.push(message["params"]["version"].as_i64().unwrap());
            let diagnostics = message["params"]["diagnostics"].as_array().unwrap();
            assert_eq!(diagnostics.len(), count);
        }
    }
    assert!(versions.windows(2).all(|w| w[0] < w[1]), "{versions:?}");
    assert!(
        versions.len() < EDITS as usize,
        "every change analysed: {versions:?}"
    );
}

// ----- workspace rules -----

const US_CLIENT: &str = "import { TrackClient } from \"customerio-node\";\n\
    export const cio = new TrackClient(process.env.CUSTOMERIO_SITE_ID!, \
    process.env.CUSTOMERIO_TRACK_API_KEY!);\n";
const EU_CLIENT: &str = "import { APIClient, RegionEU } from \"customerio-node\";\n\
    export const api = new APIClient(process.env.CUSTOMERIO_APP_API_KEY!, { region: RegionEU });\n";
const SIGNUP_TRACKED: &str = "import { cio } from \"./lib/us\";\n\
    export async function signup(user: User) {\n  \
    await cio.identify(user.id, { email: user.email });\n  \
    await cio.track(user.id, { name: \"signed_up\" });\n}\n";
const SIGNUP_OFF_STYLE: &str = "import { cio } from \"./lib/us\";\n\
    export async function invite(user: User) {\n  \
    await cio.identify(user.id, { email: user.email });\n  \
    await cio.track(user.id, { name: \"SignedUp\" });\n}\n";

/// A project (it has a `package.json`, so the index is complete) with a US and an EU client,
/// no bounce handling, and one event name spelled two ways.
fn two_region_project() -> (tempfile::TempDir, std::path::PathBuf) {
    workspace(&[
        (
            "package.json",
            "{ \"dependencies\": { \"customerio-node\": \"^4.1.0\" } }",
        ),
        ("lib/us.ts", US_CLIENT),
        ("lib/eu.ts", EU_CLIENT),
        ("signup.ts", SIGNUP_TRACKED),
        ("invite.ts", SIGNUP_OFF_STYLE),
    ])
}

fn related_uris(diagnostic: &Value) -> Vec<String> {
    diagnostic["relatedInformation"]
        .as_array()
        .map(|related| {
            related
                .iter()
                .map(|r| r["location"]["uri"].as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn workspace_rules_report_with_related_locations_in_other_files() {
    let (_dir, root) = two_region_project();
    let mut client = start_in(&root, Value::Null).await;

    // CIO016 on the US client, pointing at the EU one; CIO008 on the same construction.
    let us = file_uri(&root.join("lib/us.ts"));
    client.open(&us, US_CLIENT).await;
    let diagnostics = client.diagnostics(&us, 1).await;
    assert_eq!(codes(&diagnostics), ["CIO008", "CIO016"]);
    let construction = range_of(US_CLIENT, "new TrackClient(");
    assert_eq!(diagnostics[0]["range"]["start"], construction["start"]);
    assert_eq!(diagnostics[0]["severity"], 3);
    let region = &diagnostics[1];
    assert_eq!(region["range"]["start"], construction["start"]);
    assert_eq!(
        related_uris(region),
        [file_uri(&root.join("lib/eu.ts"))],
        "{region}"
    );
    let eu_range = range_of(EU_CLIENT, "RegionEU })");
    assert_eq!(
        region["relatedInformation"][0]["location"]["range"]["start"],
        eu_range["start"]
    );

    // CIO010 on the off-style name, with the other file's spelling as related information.
    let invite = file_uri(&root.join("invite.ts"));
    client.open(&invite, SIGNUP_OFF_STYLE).await;
    let diagnostics = client.diagnostics(&invite, 1).await;
    assert_eq!(codes(&diagnostics), ["CIO010"]);
    assert_eq!(
        diagnostics[0]["range"],
        range_of(SIGNUP_OFF_STYLE, "\"SignedUp\"")
    );
    assert_eq!(
        related_uris(&diagnostics[0]),
        [file_uri(&root.join("signup.ts"))]
    );
    let related = &diagnostics[0]["relatedInformation"][0];
    assert_eq!(
        related["location"]["range"],
        range_of(SIGNUP_TRACKED, "\"signed_up\"")
    );
    assert!(related["message"].as_str().unwrap().contains("signed_up"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_changed_on_disk_changes_an_open_documents_diagnostics() {
    let (_dir, root) = two_region_project();
    let mut client = start_in(&root, Value::Null).await;
    let us = file_uri(&root.join("lib/us.ts"));
    client.open(&us, US_CLIENT).await;
    assert_eq!(
        codes(&client.diagnostics(&us, 1).await),
        ["CIO008", "CIO016"]
    );

    // A bounce webhook handler appears: it never names Customer.io (not parsed), but its
    // text shows the bounces are handled, so CIO008 goes.
    let webhook = root.join("webhooks.ts");
    std::fs::write(
        &webhook,
        "export function onEvent(event: { metric: string }) {\n  \
         switch (event.metric) {\n    case \"bounced\": return markBounced(event);\n  }\n}\n",
    )
    .unwrap();
    client
        .notify(
            "workspace/didChangeWatchedFiles",
            json!({ "changes": [{ "uri": file_uri(&webhook), "type": 1 }] }),
        )
        .await;
    client
        .diagnostics_until(&us, |d| codes(d) == ["CIO016"])
        .await;

    // The EU client moves to the US region: CIO016 goes too.
    std::fs::write(
        root.join("lib/eu.ts"),
        EU_CLIENT.replace("RegionEU", "RegionUS"),
    )
    .unwrap();
    client
        .notify(
            "workspace/didChangeWatchedFiles",
            json!({ "changes": [{ "uri": file_uri(&root.join("lib/eu.ts")), "type": 2 }] }),
        )
        .await;
    client.diagnostics_until(&us, |d| d.is_empty()).await;
}

const CONFIG_MODULE: &str =
    "export const customerioConfig = {\n  siteId: \"0a1b2c3d4e5f6a7b8c9d\",\n};\n";
const CONFIG_USER: &str = "import { TrackClient } from \"customerio-node\";\n\
    import { customerioConfig } from \"./config\";\n\
    export const cio = new TrackClient(customerioConfig.siteId, process.env.CUSTOMERIO_TRACK_API_KEY!);\n";

/// A credential written in a configuration module reaches a client of another file (the value
/// service follows the import through the index); editing the module updates the open
/// importer's diagnostics.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edit_of_a_config_module_updates_its_importers_credential_finding() {
    let (_dir, root) = workspace(&[("config.ts", CONFIG_MODULE), ("app.ts", CONFIG_USER)]);
    let mut client = start_in(&root, Value::Null).await;
    let app = file_uri(&root.join("app.ts"));
    client.open(&app, CONFIG_USER).await;
    let diagnostics = client.diagnostics(&app, 1).await;
    assert_eq!(codes(&diagnostics), ["CIO013"]);
    assert_eq!(
        diagnostics[0]["range"],
        range_of(CONFIG_USER, "customerioConfig.siteId")
    );
    assert!(related_uris(&diagnostics[0]).contains(&file_uri(&root.join("config.ts"))));

    // The module reads the Site ID from the environment now: the finding goes.
    let config = file_uri(&root.join("config.ts"));
    client.open(&config, CONFIG_MODULE).await;
    let fixed = CONFIG_MODULE.replace("\"0a1b2c3d4e5f6a7b8c9d\"", "process.env.CUSTOMERIO_SITE_ID");
    client.change(&config, 2, json!([{ "text": fixed }])).await;
    client
        .notify(
            "textDocument/didSave",
            json!({ "textDocument": { "uri": config } }),
        )
        .await;
    client.diagnostics_until(&app, |d| d.is_empty()).await;
}

const FACTORY_MODULE: &str = "import { TrackClient } from \"customerio-node\";\n\
    const cio = new TrackClient(process.env.CUSTOMERIO_SITE_ID!, process.env.CUSTOMERIO_TRACK_API_KEY!);\n\
    export const getClient = () => new TrackClient(process.env.CUSTOMERIO_SITE_ID!, process.env.CUSTOMERIO_TRACK_API_KEY!);\n\
    export const identifyPerson = (personId: string) => cio.identify(personId, {});\n";
const FACTORY_USER: &str = "import { getClient, identifyPerson } from \"lib/customerio\";\n\
    export async function signup(user: { id: string; email: string }) {\n\
    \x20 await getClient().identify(user.email, {});\n\
    \x20 await identifyPerson(user.email);\n\
    }\n";

/// A factory and a wrapper of an unopened module, imported by a bare path that the
/// tsconfig's `baseUrl` resolves: the open importer's findings depend on them, and editing the
/// module updates them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edit_of_a_factory_module_updates_the_findings_of_its_importer() {
    let (_dir, root) = workspace(&[
        (
            "tsconfig.json",
            "{ \"compilerOptions\": { \"baseUrl\": \"src\" } }",
        ),
        ("src/lib/customerio.ts", FACTORY_MODULE),
        ("src/routes/signup.ts", FACTORY_USER),
    ]);
    let mut client = start_in(&root, Value::Null).await;
    let user = file_uri(&root.join("src/routes/signup.ts"));
    client.open(&user, FACTORY_USER).await;
    let diagnostics = client.diagnostics(&user, 1).await;
    assert_eq!(codes(&diagnostics), ["CIO004", "CIO004"]);
    let module = file_uri(&root.join("src/lib/customerio.ts"));
    // The wrapper's finding points at its Customer.io call.
    assert!(diagnostics
        .iter()
        .any(|d| related_uris(d).contains(&module)));

    // The module stops handing out clients and passing its parameter on: the findings go.
    client.open(&module, FACTORY_MODULE).await;
    let changed = FACTORY_MODULE
        .replace("=> new TrackClient(process.env.CUSTOMERIO_SITE_ID!, process.env.CUSTOMERIO_TRACK_API_KEY!)", "=> undefined")
        .replace("cio.identify(personId, {})", "cio.identify(\"fixed\", {})");
    client
        .change(&module, 2, json!([{ "text": changed }]))
        .await;
    client
        .notify(
            "textDocument/didSave",
            json!({ "textDocument": { "uri": module } }),
        )
        .await;
    client.diagnostics_until(&user, |d| d.is_empty()).await;
}

// ----- configuration, suppressions, user rules -----

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_workspace_config_file_applies_and_editor_settings_override_it() {
    let (_dir, root) = workspace(&[("cio-lsp.toml", "[rules]\nCIO002 = \"off\"\n")]);
    let uri = file_uri(&root.join("a.ts"));
    let mut client = start_in(&root, Value::Null).await;
    client.open(&uri, &in_signup(IDENTIFY_MS)).await;
    assert!(client.diagnostics(&uri, 1).await.is_empty());

    // The editor's level wins over the file's.
    let mut client = start_in(&root, json!({ "rules": { "CIO002": "warning" } })).await;
    client.open(&uri, &in_signup(IDENTIFY_MS)).await;
    let diagnostics = client.diagnostics(&uri, 1).await;
    assert_eq!(codes(&diagnostics), ["CIO002"]);
    assert_eq!(diagnostics[0]["severity"], 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invalid_config_is_a_diagnostic_on_it_and_editing_it_relints_at_once() {
    let bad = "# rules\n[rules]\nCIO002 = \"loud\"\n";
    let (_dir, root) = workspace(&[("cio-lsp.toml", bad)]);
    let config_uri = file_uri(&root.join("cio-lsp.toml"));
    let uri = file_uri(&root.join("a.ts"));
    let mut client = start_in(&root, Value::Null).await;
    let config_diagnostics = client
        .diagnostics_until(&config_uri, |d| !d.is_empty())
        .await;
    assert_eq!(config_diagnostics.len(), 1);
    let error = &config_diagnostics[0];
    assert_eq!(error["severity"], 1);
    assert_eq!(error["code"], "invalid-config");
    assert_eq!(
        error["range"]["start"],
        json!({ "line": 2, "character": 9 })
    );
    let message = error["message"].as_str().unwrap();
    assert!(
        message.contains("`rules.CIO002`") && message.contains("loud"),
        "{message}"
    );

    // The server runs on the defaults meanwhile.
    client.open(&uri, &in_signup(IDENTIFY_MS)).await;
    assert_eq!(codes(&client.diagnostics(&uri, 1).await), ["CIO002"]);

    // Fixing the open, unsaved buffer clears the error and re-lints the open document.
    client
        .notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": config_uri, "languageId": "toml",
                                      "version": 1, "text": bad } }),
        )
        .await;
    client
        .change(
            &config_uri,
            2,
            json!([{ "range": { "start": { "line": 2, "character": 10 },
                                 "end": { "line": 2, "character": 14 } },
                      "text": "off" }]),
        )
        .await;
    client
        .diagnostics_until(&config_uri, |d| d.is_empty())
        .await;
    client.diagnostics_until(&uri, |d| d.is_empty()).await;

    // Closing the buffer unsaved: the (still invalid) file on disk counts again.
    client
        .notify(
            "textDocument/didClose",
            json!({ "textDocument": { "uri": config_uri } }),
        )
        .await;
    client
        .diagnostics_until(&config_uri, |d| d.len() == 1)
        .await;
    client
        .diagnostics_until(&uri, |d| codes(d) == ["CIO002"])
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_config_file_changed_on_disk_relints_open_documents() {
    let (_dir, root) = workspace(&[]);
    let uri = file_uri(&root.join("a.ts"));
    let mut client = start_in(&root, Value::Null).await;
    client.open(&uri, &in_signup(IDENTIFY_MS)).await;
    assert_eq!(codes(&client.diagnostics(&uri, 1).await), ["CIO002"]);
    let config = root.join("cio-lsp.toml");
    std::fs::write(&config, "[rules]\nCIO002 = \"info\"\n").unwrap();
    client
        .notify(
            "workspace/didChangeWatchedFiles",
            json!({ "changes": [{ "uri": file_uri(&config), "type": 1 }] }),
        )
        .await;
    let diagnostics = client
        .diagnostics_until(&uri, |d| d.len() == 1 && d[0]["severity"] == 3)
        .await;
    assert_eq!(codes(&diagnostics), ["CIO002"]);
}

// ---- monorepos and multi-root workspaces ----------------------------------------------------

/// Starts a server on the workspace folders `folders` (no `rootUri`) and waits for its index.
async fn start_in_folders(folders: &[&Path]) -> MemClient {
    let folders: Vec<Value> = folders
        .iter()
        .map(|f| json!({ "uri": file_uri(f), "name": f.file_name().unwrap().to_str() }))
        .collect();
    let capabilities = json!({ "window": { "workDoneProgress": true },
        "workspace": { "workspaceFolders": true,
                       "didChangeWatchedFiles": { "dynamicRegistration": true } } });
    let params = json!({ "processId": null, "workspaceFolders": folders,
                         "capabilities": capabilities });
    let (mut client, result) = start_with(params).await;
    assert_eq!(
        result["capabilities"]["workspace"]["workspaceFolders"]["changeNotifications"],
        true
    );
    wait_for_index(&mut client).await;
    client
}

/// An app file that identifies with the client of its folder's `lib/cio.ts` (resolved only
/// through the index): CIO002 on line 3.
const IMPORTING_APP: &str = "import { cio } from \"./lib/cio\";\n\
    export async function signup(id: string) {\n  \
    await cio.identify(id, { email: \"a@example.com\", created_at: Date.now() });\n}\n";

const EXPORTED_CLIENT: &str = "import { TrackClient } from \"customerio-node\";\n\
    export const cio = new TrackClient(process.env.CUSTOMERIO_SITE_ID!, \
    process.env.CUSTOMERIO_TRACK_API_KEY!);\n";

/// Writes `text` to `path` and tells the server, as an editor's file watcher would.
async fn write_on_disk(client: &mut MemClient, path: &Path, text: &str) {
    std::fs::write(path, text).unwrap();
    client
        .notify(
            "workspace/didChangeWatchedFiles",
            json!({ "changes": [{ "uri": file_uri(path), "type": 2 }] }),
        )
        .await;
}

/// The severities of the CIO002 diagnostics of the next publication for `uri` with one.
fn cio002_severities(diagnostics: &[Value]) -> Vec<i64> {
    diagnostics
        .iter()
        .filter(|d| d["code"] == "CIO002")
        .map(|d| d["severity"].as_i64().unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_a_one_folder_monorepo_each_document_gets_its_nearest_config() {
    let (_dir, root) = workspace(&[
        ("cio-lsp.toml", "[rules]\nCIO002 = \"warning\"\n"),
        ("apps/api/cio-lsp.toml", "[rules]\nCIO002 = \"info\"\n"),
        (
            "apps/admin/cio-lsp.toml",
            "extends = \"../../cio-lsp.toml\"\n[rules]\nCIO004 = \"off\"\n",
        ),
    ]);
    let mut client = start_in(&root, Value::Null).await;
    for (path, severity) in [
        ("apps/web/a.ts", 2),
        ("apps/api/a.ts", 3),
        ("apps/admin/a.ts", 2),
    ] {
        let uri = file_uri(&root.join(path));
        client.open(&uri, &in_signup(IDENTIFY_MS)).await;
        let diagnostics = client.diagnostics(&uri, 1).await;
        assert_eq!(cio002_severities(&diagnostics), [severity], "{path}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_folder_of_a_multi_root_workspace_is_indexed_and_configured() {
    let (_web_dir, web) = workspace(&[("lib/cio.ts", EXPORTED_CLIENT), ("app.ts", IMPORTING_APP)]);
    let (_api_dir, api) = workspace(&[
        ("cio-lsp.toml", "[rules]\nCIO002 = \"info\"\n"),
        ("lib/cio.ts", EXPORTED_CLIENT),
        ("app.ts", IMPORTING_APP),
    ]);
    let mut client = start_in_folders(&[&web, &api]).await;
    for (root, severity) in [(&web, 1), (&api, 3)] {
        let uri = file_uri(&root.join("app.ts"));
        client.open(&uri, IMPORTING_APP).await;
        let diagnostics = client.diagnostics(&uri, 1).await;
        assert_eq!(
            cio002_severities(&diagnostics),
            [severity],
            "{}",
            root.display()
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_folder_added_at_run_time_is_indexed_and_configured() {
    let (_web_dir, web) = workspace(&[("a.ts", "export const x = 1;\n")]);
    let (_api_dir, api) = workspace(&[
        ("cio-lsp.toml", "[rules]\nCIO002 = \"info\"\n"),
        ("lib/cio.ts", EXPORTED_CLIENT),
        ("app.ts", IMPORTING_APP),
    ]);
    let mut client = start_in_folders(&[&web]).await;
    let uri = file_uri(&api.join("app.ts"));
    client
        .notify(
            "workspace/didChangeWorkspaceFolders",
            json!({ "event": { "added": [{ "uri": file_uri(&api), "name": "api" }],
                               "removed": [] } }),
        )
        .await;
    wait_for_index(&mut client).await;
    // Its client is found through the index, its own configuration applies.
    client.open(&uri, IMPORTING_APP).await;
    assert_eq!(cio002_severities(&client.diagnostics(&uri, 1).await), [3]);
    // Removed again: its files leave the index, and the import resolves to nothing.
    client
        .notify(
            "workspace/didChangeWorkspaceFolders",
            json!({ "event": { "added": [],
                               "removed": [{ "uri": file_uri(&api), "name": "api" }] } }),
        )
        .await;
    wait_for_index(&mut client).await;
    client.diagnostics_until(&uri, |d| d.is_empty()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_nested_config_edited_on_disk_relints_what_it_governs() {
    let (_dir, root) = workspace(&[("apps/api/package.json", r#"{"name":"api"}"#)]);
    let uri = file_uri(&root.join("apps/api/src/a.ts"));
    let mut client = start_in(&root, Value::Null).await;
    client.open(&uri, &in_signup(IDENTIFY_MS)).await;
    assert_eq!(cio002_severities(&client.diagnostics(&uri, 1).await), [1]);
    let config = root.join("apps/api/cio-lsp.toml");
    for (text, wanted) in [
        ("[rules]\nCIO002 = \"info\"\n", vec![3]),
        ("[rules]\nCIO002 = \"off\"\n", vec![]),
    ] {
        write_on_disk(&mut client, &config, text).await;
        client
            .diagnostics_until(&uri, |d| cio002_severities(d) == wanted)
            .await;
    }
    // A mistake in it is a diagnostic on it; the files it governs run on the defaults.
    write_on_disk(&mut client, &config, "[rules]\nCIO002 = \"loud\"\n").await;
    let errors = client
        .diagnostics_until(&file_uri(&config), |d| !d.is_empty())
        .await;
    assert_eq!(errors[0]["code"], "invalid-config");
    client
        .diagnostics_until(&uri, |d| cio002_severities(d) == [1])
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_packages_sdk_version_changed_on_disk_relints_its_files() {
    let legacy = "const CIO = require(\"customerio-node\");\n\
        module.exports = new CIO(process.env.CUSTOMERIO_SITE_ID, process.env.CUSTOMERIO_TRACK_API_KEY);\n";
    let (_dir, root) = workspace(&[
        (
            "package.json",
            r#"{"workspaces":["apps/*"],"dependencies":{"customerio-node":"^4.0.0"}}"#,
        ),
        (
            "apps/api/package.json",
            r#"{"name":"api","dependencies":{"customerio-node":"^2.1.0"}}"#,
        ),
    ]);
    let uri = file_uri(&root.join("apps/api/src/cio.js"));
    let mut client = start_in(&root, Value::Null).await;
    // The member's own version (2.x, where the default export is the constructor) governs it.
    client.open(&uri, legacy).await;
    assert!(!codes(&client.diagnostics(&uri, 1).await).contains(&"CIO015".to_string()));
    // Upgraded to 3+ on disk: the constructor is gone.
    let member = root.join("apps/api/package.json");
    write_on_disk(
        &mut client,
        &member,
        r#"{"name":"api","dependencies":{"customerio-node":"^3.0.0"}}"#,
    )
    .await;
    client
        .diagnostics_until(&uri, |d| codes(d).contains(&"CIO015".to_string()))
        .await;
    // The member stops declaring it: the workspace root's 4.x governs, still a hit; the root
    // going back to 2.x takes it away.
    write_on_disk(&mut client, &member, r#"{"name":"api"}"#).await;
    write_on_disk(
        &mut client,
        &root.join("package.json"),
        r#"{"workspaces":["apps/*"],"dependencies":{"customerio-node":"^2.0.0"}}"#,
    )
    .await;
    client
        .diagnostics_until(&uri, |d| !codes(d).contains(&"CIO015".to_string()))
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unused_suppression_is_a_faded_hint() {
    let mut client = start_plain().await;
    let uri = "file:///ws/unused.ts";
    let text = in_signup(
        "// cio-lsp-disable-next-line CIO002 -- not needed\n\
         await cio.identify(user.id, { email: user.email });",
    );
    client.open(uri, &text).await;
    let diagnostics = client.diagnostics(uri, 1).await;
    assert_eq!(codes(&diagnostics), ["unused-suppression"]);
    assert_eq!(diagnostics[0]["severity"], 4);
    assert_eq!(diagnostics[0]["tags"], json!([1]));
    assert_eq!(diagnostics[0]["range"]["start"]["line"], 3);
    // Its fix removes the comment; no "disable" action for the report itself.
    let actions = client
        .request(
            "textDocument/codeAction",
            json!({ "textDocument": { "uri": uri }, "range": diagnostics[0]["range"],
                    "context": { "diagnostics": diagnostics, "only": ["quickfix"] } }),
        )
        .await;
    let actions = actions.as_array().unwrap();
    assert_eq!(actions.len(), 1, "{actions:?}");
    let cleaned = apply_lsp_edits(&text, &action_edits(&actions[0], uri));
    assert!(!cleaned.contains("cio-lsp-disable"), "{cleaned}");
}

#[path = "support/user_rule.rs"]
mod user_rule;
use user_rule::{DESTROY_META, DESTROY_QUERY};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_rule_reports_fixes_and_explains_itself_in_the_editor() {
    let (_dir, root) = workspace(&[
        ("cio-lsp.toml", "rule_dirs = [\"cio-rules\"]\n"),
        ("cio-rules/no-destroy.scm", DESTROY_QUERY),
        ("cio-rules/no-destroy.toml", DESTROY_META),
    ]);
    let uri = file_uri(&root.join("forget.ts"));
    let text = format!(
        "{HEADER}export async function forget(id: string) {{\n  await cio.destroy(id);\n}}\n"
    );
    let mut client = start_in(&root, Value::Null).await;
    client.open(&uri, &text).await;
    let diagnostics = client.diagnostics(&uri, 1).await;
    assert_eq!(codes(&diagnostics), ["ACME001"]);
    assert_eq!(diagnostics[0]["range"], range_of(&text, "cio.destroy(id)"));
    assert_eq!(
        diagnostics[0]["message"],
        "`destroy` deletes id and their history; suppress them instead"
    );
    let hover = client
        .request(
            "textDocument/hover",
            json!({ "textDocument": { "uri": uri },
                    "position": diagnostics[0]["range"]["start"] }),
        )
        .await;
    let docs = hover["contents"]["value"].as_str().unwrap();
    assert!(docs.contains("suppress, never destroy"), "{docs}");
    let actions = client
        .request(
            "textDocument/codeAction",
            json!({ "textDocument": { "uri": uri }, "range": diagnostics[0]["range"],
                    "context": { "diagnostics": diagnostics, "only": ["quickfix"] } }),
        )
        .await;
    let fixed = actions
        .as_array()
        .unwrap()
        .iter()
        .map(|action| apply_lsp_edits(&text, &action_edits(action, &uri)))
        .collect::<Vec<_>>();
    assert!(
        fixed.iter().any(|t| t.contains("await cio.suppress(id);")),
        "{fixed:?}"
    );
    assert!(
        fixed
            .iter()
            .any(|t| t.contains("  // cio-lsp-disable-next-line ACME001\n  await cio.destroy(id);")),
        "{fixed:?}"
    );
}

// ----- exit codes, with the real binary -----

async fn run_binary(script: &[Value], close_stdin: bool) -> std::process::ExitStatus {
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_cio-lsp"))
        .arg("serve")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let stdin = child.stdin.take().unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut client = TestClient::new(stdout, stdin);
    client
        .request("initialize", json!({ "capabilities": {} }))
        .await;
    client.notify("initialized", json!({})).await;
    for message in script {
        if message.get("id").is_some() {
            client
                .request(message["method"].as_str().unwrap(), Value::Null)
                .await;
        } else {
            client.send(message.clone()).await;
        }
    }
    if close_stdin {
        drop(client);
    }
    tokio::time::timeout(WAIT, child.wait())
        .await
        .expect("the server did not exit")
        .unwrap()
}

/// A whole session with the binary, logging at `log_level`: a workspace with a configuration
/// file, a change past the end of a document (repaired, with a warning), then shutdown and
/// exit. Returns the `window/logMessage` notifications (type, message) and what the server
/// wrote to stderr.
async fn logged_session(log_level: &str) -> (Vec<(i64, String)>, String) {
    let (_dir, root) = workspace(&[
        ("cio-lsp.toml", "[rules]\nCIO010 = \"off\"\n"),
        ("lib/cio.ts", HEADER),
    ]);
    let (mut child, mut client, stderr) = lsp_client::spawn_server(&[]);
    client
        .request(
            "initialize",
            json!({ "processId": null, "rootUri": file_uri(&root),
                    "clientInfo": { "name": "Test Editor", "version": "1.0" },
                    "capabilities": { "window": { "workDoneProgress": true } },
                    "initializationOptions": { "logLevel": log_level } }),
        )
        .await;
    client.notify("initialized", json!({})).await;
    client
        .wait_for(|m| m["method"] == "$/progress" && m["params"]["value"]["kind"] == "end")
        .await;
    let uri = file_uri(&root.join("app.ts"));
    client.open(&uri, HEADER).await;
    client.diagnostics(&uri, 1).await;
    let past_the_end = json!({ "line": 99, "character": 0 });
    client
        .change(
            &uri,
            2,
            json!([{ "range": { "start": past_the_end, "end": past_the_end }, "text": "\n" }]),
        )
        .await;
    client.diagnostics(&uri, 2).await;
    client.request("shutdown", Value::Null).await;
    client.notify("exit", Value::Null).await;
    let messages = client
        .take_backlog()
        .iter()
        .filter(|m| m["method"] == "window/logMessage")
        .map(|m| {
            let params = &m["params"];
            (
                params["type"].as_i64().unwrap(),
                params["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    tokio::time::timeout(WAIT, child.wait())
        .await
        .unwrap()
        .unwrap();
    (messages, stderr.await.unwrap())
}

/// The server logs one line per event, each event once: what happens in the session goes to
/// the client's log (`window/logMessage`), the server's own lines to stderr, `0.012s INFO …`;
/// the client is described in words, not as a Rust struct; the `logLevel` setting filters both.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_log_has_one_readable_line_per_event_at_the_set_level() {
    let (messages, stderr) = logged_session("info").await;
    let texts: Vec<&str> = messages.iter().map(|(_, m)| m.as_str()).collect();
    assert_eq!(
        texts[0],
        "client Test Editor 1.0: utf-16, pushed diagnostics, progress; 1 workspace folder"
    );
    for expected in [
        "configuration loaded from",
        "cio-lsp 0.1.0 ready",
        "indexed 1 Customer.io files",
        "lies outside the document",
    ] {
        assert!(
            texts.iter().any(|t| t.contains(expected)),
            "{expected}: {texts:#?}"
        );
    }
    let mut unique = texts.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(
        unique.len(),
        texts.len(),
        "an event logged twice: {texts:#?}"
    );
    assert!(texts.iter().all(|t| !t.contains('\n')), "{texts:#?}");
    let line = regex::Regex::new(r"^\d+\.\d{3}s (ERROR|WARN|INFO|DEBUG|TRACE) \S").unwrap();
    assert!(!stderr.is_empty());
    for stderr_line in stderr.lines() {
        assert!(line.is_match(stderr_line), "{stderr_line}");
        assert!(!stderr_line.contains("ClientSupport"), "{stderr_line}");
        assert!(
            texts.iter().all(|t| !stderr_line.ends_with(t)),
            "also in the client's log: {stderr_line}"
        );
    }

    // `warn`: only the warning reaches the client's log, and no INFO line stderr.
    let (messages, stderr) = logged_session("warn").await;
    assert!(messages.iter().all(|(kind, _)| *kind <= 2), "{messages:#?}");
    assert!(messages
        .iter()
        .any(|(_, m)| m.contains("lies outside the document")));
    assert!(!stderr.contains(" INFO "), "{stderr}");
    // `debug`: the server's debug lines on stderr.
    let (_, stderr) = logged_session("debug").await;
    assert!(stderr.lines().any(|l| l.contains(" DEBUG ")), "{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_then_exit_exits_with_zero() {
    let status = run_binary(
        &[
            json!({ "jsonrpc": "2.0", "id": 99, "method": "shutdown" }),
            json!({ "jsonrpc": "2.0", "method": "exit" }),
        ],
        false,
    )
    .await;
    assert_eq!(status.code(), Some(0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exit_without_shutdown_exits_with_one() {
    let status = run_binary(&[json!({ "jsonrpc": "2.0", "method": "exit" })], false).await;
    assert_eq!(status.code(), Some(1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closing_stdin_exits_cleanly() {
    let status = run_binary(&[], true).await;
    assert_eq!(status.code(), Some(0));
}

// ----- the document model, without JSON-RPC -----

const EDIT_BASE: &str = "import { TrackClient } from \"customerio-node\";\n\
const cio = new TrackClient(\"site\", \"key\");\n\
export async function a(user: User) {\n  \
  await cio.identify(user.id, { created_at: Date.now(), n: 1 });\n\
}\n\
export async function b(user: User) {\n  \
  const t = Date.now();\n  \
  await cio.track(user.id, { name: \"x\", data: { sent_at: t } });\n\
}\n\
cio.identify(\"1\", { updated_at: +new Date() });\n\
async function record(id: string) {\n  \
  await cio.track(id, { name: \"signed_up\" });\n\
}\n\
app.post(\"/s\", async (req, res) => {\n  \
  await record(req.body.id);\n  \
  res.end();\n\
});\n";

/// Fragments that make or break findings, statements and functions when inserted.
const FRAGMENTS: &[&str] = &[
    "",
    "x",
    " ",
    "\n",
    "}",
    "{",
    "(",
    "Date.now()",
    "created_at: Date.now(), ",
    "await cio.identify(id, { created_at: Date.now() });\n",
    "function g() {",
    "😀",
    "//",
    "\"",
    "cio.",
    "const cio = 1;\n",
    "await ",
    "await record(id);\n",
    "// cio-lsp-disable-next-line CIO002\n",
];

fn fresh_findings(text: &str) -> (String, Vec<cio_lsp::analysis::Finding>) {
    let mut doc = Document::new("a.ts".into(), cio_lsp::analysis::Lang::TypeScript, 0, text);
    doc.analyze_whole(&Settings::default(), &NoWorkspaceView);
    (doc.tree().root_node().to_sexp(), doc.findings())
}

proptest! {
    // A fixed seed keeps CI deterministic; `PROPTEST_RNG_SEED` / `PROPTEST_CASES` explore more.
    #![proptest_config(ProptestConfig {
        cases: 64,
        rng_seed: proptest::test_runner::RngSeed::Fixed(0xC10_15F),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// Random edits applied incrementally give the tree and the findings of a fresh parse.
    #[test]
    fn incremental_edits_match_a_fresh_parse(
        edits in proptest::collection::vec((0usize..10_000, 0usize..12, 0usize..FRAGMENTS.len()), 1..12)
    ) {
        let settings = Settings::default();
        let mut doc = Document::new("a.ts".into(), cio_lsp::analysis::Lang::TypeScript, 0, EDIT_BASE);
        doc.analyze_whole(&settings, &NoWorkspaceView);
        let mut text = EDIT_BASE.to_string();
        for (version, (at, removed, fragment)) in edits.into_iter().enumerate() {
            let start = floor_boundary(&text, at % (text.len() + 1));
            let end = floor_boundary(&text, (start + removed).min(text.len()));
            let index = LineIndex::new(&text);
            let position = |o| index.position(&text, o, Encoding::Utf16);
            let change = Change {
                range: Some((position(start), position(end))),
                text: FRAGMENTS[fragment].to_string(),
            };
            doc.apply_changes(version as i32 + 1, &[change], Encoding::Utf16);
            doc.reanalyze(&settings, &NoWorkspaceView);
            text.replace_range(start..end, FRAGMENTS[fragment]);
            prop_assert_eq!(&**doc.text(), text.as_str());
            let all = doc.findings();
            prop_assert_eq!(&*doc.findings_ref(), all.as_slice());
            let (sexp, findings) = fresh_findings(&text);
            // On broken text tree-sitter's error recovery may legitimately build a different
            // (equally valid) tree incrementally than from scratch; the property is about text
            // that parses.
            if !sexp.contains("ERROR") && !sexp.contains("MISSING") {
                prop_assert_eq!(doc.tree().root_node().to_sexp(), sexp);
                prop_assert_eq!(doc.findings(), findings, "after {:?}", text);
            }
        }
    }
}

fn floor_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[test]
fn a_keystroke_inside_a_function_reanalyses_only_that_function() {
    let settings = Settings::default();
    let text = dense_file::dense_typescript(600);
    let mut doc = Document::new("a.ts".into(), cio_lsp::analysis::Lang::TypeScript, 0, &text);
    doc.analyze_whole(&settings, &NoWorkspaceView);
    let before = doc.findings().len();
    // Line 20 is inside a generated function body.
    let at = LineCol { line: 20, col: 2 };
    doc.apply_changes(
        1,
        &[Change {
            range: Some((at, at)),
            text: " ".into(),
        }],
        Encoding::Utf16,
    );
    doc.reanalyze(&settings, &NoWorkspaceView);
    assert_eq!(
        doc.last_scope,
        cio_lsp::lsp::documents::AnalysisScope::Ranges(1)
    );
    assert_eq!(doc.findings().len(), before);
    assert_eq!(doc.findings(), fresh_findings(doc.text()).1);
}

/// A route handler awaiting a same-file helper that awaits Customer.io (CIO007 reports the
/// handler's await, a statement the helper's edits never touch).
const HANDLER_AND_HELPER: &str = "import { TrackClient } from \"customerio-node\";\n\
const cio = new TrackClient(process.env.SITE_ID!, process.env.TRACK_KEY!);\n\
async function recordSignup(id: string) {\n  \
  await cio.track(id, { name: \"signed_up\" });\n\
}\n\
app.post(\"/signup\", async (req, res) => {\n  \
  await recordSignup(req.body.id);\n  \
  res.end();\n\
});\n";

fn cio007_ranges(doc: &Document) -> Vec<String> {
    doc.findings()
        .iter()
        .filter(|f| f.rule == "CIO007")
        .map(|f| doc.text()[f.range.clone()].to_string())
        .collect()
}

/// Replaces `removed` characters at `at` (on one line) with `new_text`, re-analyses, and checks
/// that the incremental path (not a whole-file fallback, which is not under test) gave the
/// findings of a fresh analysis.
fn edit_incrementally(doc: &mut Document, version: i32, at: LineCol, removed: u32, new_text: &str) {
    edit_and_compare(doc, version, at, removed, new_text);
    assert!(matches!(
        doc.last_scope,
        cio_lsp::lsp::documents::AnalysisScope::Ranges(_)
    ));
}

/// Like [`edit_incrementally`], whichever path the re-analysis takes: an edit that changes
/// what a function does with Customer.io (its summary) re-analyses the whole file.
fn edit_and_compare(doc: &mut Document, version: i32, at: LineCol, removed: u32, new_text: &str) {
    let end = LineCol {
        line: at.line,
        col: at.col + removed,
    };
    let change = Change {
        range: Some((at, end)),
        text: new_text.into(),
    };
    doc.apply_changes(version, &[change], Encoding::Utf16);
    doc.reanalyze(&Settings::default(), &NoWorkspaceView);
    assert_eq!(doc.findings(), fresh_findings(doc.text()).1);
}

#[test]
fn an_edit_in_a_helper_updates_its_callers_cio007_finding() {
    let settings = Settings::default();
    let mut doc = Document::new(
        "a.ts".into(),
        cio_lsp::analysis::Lang::TypeScript,
        0,
        HANDLER_AND_HELPER,
    );
    doc.analyze_whole(&settings, &NoWorkspaceView);
    assert_eq!(cio007_ranges(&doc), ["await recordSignup"]);
    let helper_await = LineCol { line: 3, col: 2 };
    // The helper stops waiting for Customer.io: the handler no longer waits either.
    edit_and_compare(&mut doc, 1, helper_await, 5, "void");
    assert_eq!(cio007_ranges(&doc), Vec::<String>::new());
    // And waits again.
    edit_and_compare(&mut doc, 2, helper_await, 4, "await");
    assert_eq!(cio007_ranges(&doc), ["await recordSignup"]);
}

/// The document remembers which functions the untouched statements declare: a renamed helper
/// still links the handler that calls it by its new name on a later keystroke in the handler.
#[test]
fn a_renamed_helper_stays_linked_to_its_callers_on_later_keystrokes() {
    let settings = Settings::default();
    let text = HANDLER_AND_HELPER.replace("await recordSignup(", "await recordSignUp(");
    let mut doc = Document::new("a.ts".into(), cio_lsp::analysis::Lang::TypeScript, 0, &text);
    doc.analyze_whole(&settings, &NoWorkspaceView);
    assert_eq!(cio007_ranges(&doc), Vec::<String>::new());
    // `async function recordSignup` → `recordSignUp`: the handler's call now names it.
    edit_and_compare(&mut doc, 1, LineCol { line: 2, col: 25 }, 1, "U");
    assert_eq!(cio007_ranges(&doc), ["await recordSignUp"]);
    // A keystroke in the handler keeps the finding that the helper's analysis reports there.
    edit_incrementally(&mut doc, 2, LineCol { line: 7, col: 2 }, 0, " ");
    assert_eq!(cio007_ranges(&doc), ["await recordSignUp"]);
}

/// An edit inside a function body that changes how the rest of the file parses (a closing
/// brace, an opened comment or string) reaches past its statement: the keystroke's analysis
/// must cover what changed there, as a fresh analysis does.
#[test]
fn an_edit_that_reparses_later_statements_matches_a_fresh_analysis() {
    const TEXT: &str = "import { TrackClient } from \"customerio-node\";\n\
const cio = new TrackClient(process.env.SITE_ID!, process.env.TRACK_KEY!);\n\
async function first() {\n  \
  await work();\n\
}\n\
async function second(id: string) {\n  \
  await cio.identify(id, { created_at: Date.now() });\n\
}\n";
    let settings = Settings::default();
    for fragment in ["}", "/*", "`", "\"", "{", "${", "*/"] {
        let mut doc = Document::new("a.ts".into(), cio_lsp::analysis::Lang::TypeScript, 0, TEXT);
        doc.analyze_whole(&settings, &NoWorkspaceView);
        assert!(doc.findings().iter().any(|f| f.rule == "CIO002"));
        let at = LineCol { line: 3, col: 2 };
        doc.apply_changes(
            1,
            &[Change {
                range: Some((at, at)),
                text: fragment.into(),
            }],
            Encoding::Utf16,
        );
        doc.reanalyze(&settings, &NoWorkspaceView);
        let index = LineIndex::new(TEXT);
        let mut current = TEXT.to_string();
        current.insert_str(index.offset(TEXT, at, Encoding::Utf16).unwrap(), fragment);
        assert_eq!(&**doc.text(), current.as_str());
        assert_eq!(doc.findings(), fresh_findings(&current).1, "{fragment:?}");
    }
}
