//! Issue 24: cio-lsp is safe on any repository. A hostile `cio-rules/` (a query nested 100,000
//! deep or 20,000 deep, a metadata file nested 60,000 deep, a query of nested quantifiers that matches for
//! minutes) neither crashes nor hangs `check` or the server; an untrusted workspace (the
//! editor's `workspaceTrusted: false`, the CLI's `--no-user-rules`) runs none of its rules;
//! no log level writes a document's text or a credential in it.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::{json, Value};

#[path = "support/lsp_client.rs"]
mod lsp_client;
#[path = "support/user_rule.rs"]
mod user_rule;

use lsp_client::{start_in, WAIT};
use user_rule::{DESTROY_META, DESTROY_QUERY};

const CLIENT: &str = "import { TrackClient } from \"customerio-node\";\nconst cio = new TrackClient(process.env.CUSTOMERIO_SITE_ID!, process.env.CUSTOMERIO_TRACK_API_KEY!);\n";

/// A file with a CIO002 finding (milliseconds in `created_at`) and an ACME001 one (`destroy`).
fn app_source() -> String {
    format!(
        "{CLIENT}export async function signup(id: string) {{\n  await cio.identify(id, {{ email: id, created_at: Date.now() }});\n  await cio.destroy(id);\n}}\n"
    )
}

/// A rule whose four quantifiers under `program` try every way of splitting the file's
/// statements in four: polynomial in their number.
const SLOW_QUERY: &str = "((program (_)* @a (_)* @b (_)* @c (_)* @d) @report)\n";
const SLOW_META: &str =
    "id = \"SLOW001\"\nname = \"slow\"\nseverity = \"info\"\nmessage = \"statements\"\n";

fn meta(id: &str) -> String {
    format!("id = \"{id}\"\nname = \"x\"\nseverity = \"info\"\nmessage = \"m\"\n")
}

/// `(program (_ (_ (_ …` 20,000 levels deep, just under the size limit (100,000 levels are
/// over it: refused as too large, see [`a_huge_rule_file_is_refused_without_being_read`]).
fn deep_query() -> String {
    format!("(program\n{}", "(_ ".repeat(20_000))
}

/// A thousand statements that each call the client (each one a place where rules run).
fn thousand_lines() -> String {
    let mut text = CLIENT.to_string();
    for i in 0..1_000 {
        text.push_str(&format!(
            "cio.track(\"user-{i}\", \"signed_up\", {{ n: {i} }});\n"
        ));
    }
    text
}

fn workspace(files: &[(&str, &str)]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    for (name, text) in files {
        let path = root.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    (dir, root)
}

/// The hostile rule directory beside the ACME001 rule (which must keep working).
fn hostile_workspace(extra: &[(&str, &str)]) -> (tempfile::TempDir, PathBuf) {
    let deep = deep_query();
    let deep_meta = format!("{}x = {}", meta("DEEP002"), "[".repeat(60_000));
    let mut files: Vec<(&str, &str)> = vec![
        ("cio-lsp.toml", "rule_dirs = [\"cio-rules\"]\n"),
        ("cio-rules/no-destroy.scm", DESTROY_QUERY),
        ("cio-rules/no-destroy.toml", DESTROY_META),
        ("cio-rules/deep.scm", &deep),
        (
            "cio-rules/deep.toml",
            "id = \"DEEP001\"\nname = \"deep\"\nseverity = \"info\"\nmessage = \"m\"\n",
        ),
        ("cio-rules/deep-meta.scm", "(identifier) @x\n"),
        ("cio-rules/deep-meta.toml", &deep_meta),
    ];
    files.extend_from_slice(extra);
    let (dir, root) = workspace(&files);
    (dir, root)
}

/// Runs the binary in `dir`; a run that outlasts [`WAIT`] (a hang: never when it works) is
/// killed and fails the test.
fn cli(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let child = Command::new(env!("CARGO_BIN_EXE_cio-lsp"))
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id() as i32;
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || sender.send(child.wait_with_output()));
    let Ok(output) = receiver.recv_timeout(WAIT) else {
        // SAFETY: signals the child this test spawned, by its id.
        unsafe { libc::kill(pid, libc::SIGKILL) };
        panic!("cio-lsp {args:?} did not finish");
    };
    let output = output.unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn rules_of(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect()
}

// ---------------------------------------------------------------------------------------------
// User rules are validated before they compile

#[test]
fn a_deep_query_or_metadata_file_is_refused_with_its_place_and_check_goes_on() {
    let source = app_source();
    let (_dir, root) = hostile_workspace(&[("src/app.ts", &source)]);
    let (code, stdout, stderr) = cli(&root, &["check", "--format", "json", "src"]);
    assert_eq!(code, 1, "CIO002 is an error: {stderr}");
    let report: Value = serde_json::from_str(&stdout).unwrap();
    let rules = rules_of(&report);
    assert!(rules.contains(&"CIO002".to_string()), "{rules:?}");
    assert!(rules.contains(&"ACME001".to_string()), "{rules:?}");
    // Refused where the nesting passes the limit: line 2, the 64th `(_ `.
    assert!(
        stderr.contains("deep.scm:2:190: the query nests deeper than 64 levels"),
        "{stderr}"
    );
    assert!(
        stderr.contains("deep-meta.toml:5:21: arrays and tables nest deeper than 16 levels"),
        "{stderr}"
    );
}

#[test]
fn a_huge_rule_file_is_refused_without_being_read() {
    let big = format!("(program\n{}", "(_ ".repeat(100_000));
    let (_dir, root) = workspace(&[
        ("cio-lsp.toml", "rule_dirs = [\"cio-rules\"]\n"),
        ("cio-rules/big.scm", &big),
        ("cio-rules/big.toml", &meta("BIG001")),
    ]);
    let (code, _, stderr) = cli(&root, &["rules"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("big.scm: the file is larger than 64 KiB"),
        "{stderr}"
    );
}

// ---------------------------------------------------------------------------------------------
// Every query runs on a budget

#[test]
fn a_slow_user_rule_stops_on_its_budget_and_the_other_rules_findings_stand() {
    let lines = thousand_lines();
    let source = app_source();
    let (_dir, root) = workspace(&[
        (
            "cio-lsp.toml",
            "rule_dirs = [\"cio-rules\"]\nquery_budget_ms = 200\n",
        ),
        ("cio-rules/no-destroy.scm", DESTROY_QUERY),
        ("cio-rules/no-destroy.toml", DESTROY_META),
        ("cio-rules/slow.scm", SLOW_QUERY),
        ("cio-rules/slow.toml", SLOW_META),
        ("src/app.ts", &source),
        ("src/lines.ts", &lines),
    ]);
    let (code, stdout, stderr) = cli(&root, &["check", "--format", "json", "src"]);
    assert_eq!(code, 1, "{stderr}");
    let report: Value = serde_json::from_str(&stdout).unwrap();
    let rules = rules_of(&report);
    assert!(rules.contains(&"CIO002".to_string()), "{rules:?}");
    assert!(rules.contains(&"ACME001".to_string()), "{rules:?}");
    let notices = report["notices"].as_array().unwrap();
    let slow: Vec<&Value> = notices.iter().filter(|n| n["rule"] == "SLOW001").collect();
    assert!(
        slow.iter().any(|n| n["path"] == "src/lines.ts"),
        "{notices:#?}"
    );
    assert!(slow[0]["message"]
        .as_str()
        .unwrap()
        .contains("ran out of time on this file (200 ms"));
    assert!(
        stderr.contains("cio-lsp: warning: src/lines.ts: [SLOW001] rule SLOW001 ran out of time"),
        "{stderr}"
    );

    let (_, stdout, _) = cli(&root, &["check", "--format", "sarif", "src"]);
    let sarif: Value = serde_json::from_str(&stdout).unwrap();
    let notifications = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    assert!(
        notifications
            .iter()
            .any(|n| n["associatedRule"]["id"] == "SLOW001" && n["level"] == "warning"),
        "{notifications:#?}"
    );
}

// ---------------------------------------------------------------------------------------------
// Untrusted workspaces

#[test]
fn no_user_rules_runs_the_built_in_rules_only_and_says_so() {
    let source = app_source();
    let (_dir, root) = workspace(&[
        (
            "cio-lsp.toml",
            "rule_dirs = [\"cio-rules\"]\n[rules]\nACME001 = \"error\"\n",
        ),
        ("cio-rules/no-destroy.scm", DESTROY_QUERY),
        ("cio-rules/no-destroy.toml", DESTROY_META),
        ("src/app.ts", &source),
    ]);
    let (_, stdout, _) = cli(&root, &["check", "--format", "json", "src"]);
    assert!(rules_of(&serde_json::from_str(&stdout).unwrap()).contains(&"ACME001".to_string()));
    let (code, stdout, stderr) = cli(
        &root,
        &["check", "--no-user-rules", "--format", "json", "src"],
    );
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(
        rules_of(&serde_json::from_str(&stdout).unwrap()),
        ["CIO002"],
        "{stderr}"
    );
    assert!(
        stderr.contains("user rules not loaded (--no-user-rules)"),
        "{stderr}"
    );
}

// ---------------------------------------------------------------------------------------------
// The walk and --fix say what they skip

#[test]
fn links_out_of_the_checked_folders_are_neither_checked_nor_fixed_and_are_counted() {
    let source = app_source();
    let (_outside_dir, outside) = workspace(&[("secret.ts", &source), ("lib/more.ts", &source)]);
    let (_dir, root) = workspace(&[("src/app.ts", &source)]);
    let link = |target: &Path, name: &str| {
        std::os::unix::fs::symlink(target, root.join(name)).unwrap();
    };
    link(&outside.join("secret.ts"), "src/linked.ts");
    link(&outside.join("lib"), "src/linked-lib");
    link(&root.join("src/app.ts"), "src/alias.ts");

    let (code, stdout, stderr) = cli(&root, &["check", "--fix", "src"]);
    assert!(code == 0 || code == 1, "{stdout}{stderr}");
    assert!(
        stderr.contains("cio-lsp: warning: 2 symbolic links to files or folders outside the checked folders neither checked nor fixed (`--verbose` lists them)"),
        "{stderr}"
    );
    assert!(!stdout.contains("linked"), "{stdout}");
    assert_eq!(
        std::fs::read_to_string(outside.join("secret.ts")).unwrap(),
        source
    );
    assert_eq!(
        std::fs::read_to_string(outside.join("lib/more.ts")).unwrap(),
        source
    );
    assert_ne!(
        std::fs::read_to_string(root.join("src/app.ts")).unwrap(),
        source
    );

    let (_, stdout, _) = cli(&root, &["check", "--verbose", "src"]);
    assert!(
        stdout.contains("src/linked.ts: symbolic link to a file outside the checked folders"),
        "{stdout}"
    );
    assert!(
        stdout.contains("src/linked-lib: symbolic link to a folder outside the checked folders"),
        "{stdout}"
    );
    assert!(!stdout.contains("alias.ts: symbolic"), "{stdout}");
}

// ---------------------------------------------------------------------------------------------
// The server on a hostile workspace

fn file_uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

fn messages_of(client: &mut lsp_client::MemClient, method: &str) -> Vec<String> {
    client
        .take_backlog()
        .into_iter()
        .filter(|m| m["method"] == method)
        .map(|m| m["params"]["message"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_on_a_hostile_workspace_stays_up_publishes_and_answers_hover() {
    let lines = thousand_lines();
    let source = app_source();
    let (_dir, root) = hostile_workspace(&[
        ("cio-rules/slow.scm", SLOW_QUERY),
        ("cio-rules/slow.toml", SLOW_META),
        ("src/app.ts", &source),
        ("src/lines.ts", &lines),
    ]);
    let mut client = start_in(&root, Value::Null).await;
    let uri = file_uri(&root.join("src/lines.ts"));
    client.open(&uri, &lines).await;
    let notice = client
        .wait_for(|m| m["method"] == "window/showMessage")
        .await;
    let text = notice["params"]["message"].as_str().unwrap();
    assert!(
        text.contains("rule SLOW001 ran out of time") && text.contains("lines.ts"),
        "{text}"
    );
    client.diagnostics(&uri, 1).await;
    // Hover still answers on that document.
    let hover = client
        .request(
            "textDocument/hover",
            json!({ "textDocument": { "uri": uri }, "position": { "line": 2, "character": 5 } }),
        )
        .await;
    assert!(hover.is_null() || hover["contents"].is_object(), "{hover}");

    let app = file_uri(&root.join("src/app.ts"));
    client.open(&app, &source).await;
    let diagnostics = client.diagnostics(&app, 1).await;
    let codes: Vec<&str> = diagnostics
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert!(
        codes.contains(&"CIO002") && codes.contains(&"ACME001"),
        "{codes:?}"
    );
    let logged = messages_of(&mut client, "window/logMessage");
    assert!(
        logged.iter().any(|m| m.contains("deep.scm:2:190")),
        "{logged:#?}"
    );
    assert!(
        logged
            .iter()
            .any(|m| m.contains("rule SLOW001 ran out of time")),
        "{logged:#?}"
    );
    let shown = messages_of(&mut client, "window/showMessage");
    assert!(
        shown.iter().all(|m| !m.contains("SLOW001")),
        "once per rule: {shown:#?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_untrusted_workspace_loads_no_user_rules_and_says_so_once() {
    let source = app_source();
    let (_dir, root) = workspace(&[
        (
            "cio-lsp.toml",
            "rule_dirs = [\"cio-rules\"]\n[rules]\nACME001 = \"error\"\nCIO010 = \"off\"\n",
        ),
        ("cio-rules/no-destroy.scm", DESTROY_QUERY),
        ("cio-rules/no-destroy.toml", DESTROY_META),
        ("src/app.ts", &source),
    ]);
    let mut client = start_in(&root, json!({ "workspaceTrusted": false })).await;
    let uri = file_uri(&root.join("src/app.ts"));
    client.open(&uri, &source).await;
    let diagnostics = client.diagnostics(&uri, 1).await;
    let codes: Vec<&str> = diagnostics
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["CIO002"]);
    let logged = messages_of(&mut client, "window/logMessage");
    let untrusted: Vec<&String> = logged
        .iter()
        .filter(|m| m.contains("not trusted"))
        .collect();
    assert_eq!(untrusted.len(), 1, "{logged:#?}");

    // A trusted session (the default) runs them.
    let mut client = start_in(&root, Value::Null).await;
    client.open(&uri, &source).await;
    let diagnostics = client.diagnostics(&uri, 1).await;
    assert!(diagnostics.iter().any(|d| d["code"] == "ACME001"));
}

// ---------------------------------------------------------------------------------------------
// Secrets stay put

/// A whole session with the binary at the most verbose log level, on a file holding a key
/// literal: neither the client's log nor stderr holds the key or the document's text.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_log_level_writes_document_text_or_a_credential() {
    const KEY: &str = "sk_live_4f9c2e7a1b8d3f6e0a5c9b2d7e1f4a8c";
    let source = format!(
        "import {{ TrackClient }} from \"customerio-node\";\nconst cio = new TrackClient(\"site-0f3a9c\", \"{KEY}\");\nexport async function signup(id: string) {{\n  await cio.identify(id, {{ created_at: Date.now(), marker: \"DOCUMENT_TEXT_MARKER\" }});\n}}\n"
    );
    let (_dir, root) = workspace(&[("src/app.ts", &source), ("cio-lsp.toml", "")]);
    let (mut child, mut client, stderr) = lsp_client::spawn_server(&[("CIO_LSP_LOG", "trace")]);
    client
        .request(
            "initialize",
            json!({ "processId": null, "rootUri": file_uri(&root),
                    "capabilities": { "window": { "workDoneProgress": true } },
                    "initializationOptions": { "logLevel": "trace" } }),
        )
        .await;
    client.notify("initialized", json!({})).await;
    client
        .wait_for(|m| m["method"] == "$/progress" && m["params"]["value"]["kind"] == "end")
        .await;
    let uri = file_uri(&root.join("src/app.ts"));
    client.open(&uri, &source).await;
    let diagnostics = client.diagnostics(&uri, 1).await;
    assert!(!diagnostics.is_empty());
    let edit = json!([{ "range": { "start": { "line": 3, "character": 0 },
                                     "end": { "line": 3, "character": 0 } },
                         "text": "  // another DOCUMENT_TEXT_MARKER\n" }]);
    client.change(&uri, 2, edit).await;
    client.diagnostics(&uri, 2).await;
    client
        .request(
            "textDocument/hover",
            json!({ "textDocument": { "uri": uri }, "position": { "line": 1, "character": 14 } }),
        )
        .await;
    client.request("shutdown", Value::Null).await;
    client.notify("exit", Value::Null).await;
    let logged: Vec<String> = client
        .take_backlog()
        .into_iter()
        .filter(|m| m["method"] == "window/logMessage" || m["method"] == "window/showMessage")
        .map(|m| m["params"]["message"].as_str().unwrap().to_string())
        .collect();
    tokio::time::timeout(WAIT, child.wait())
        .await
        .unwrap()
        .unwrap();
    let stderr = stderr.await.unwrap();
    assert!(stderr
        .lines()
        .any(|l| l.contains(" TRACE ") || l.contains(" DEBUG ")));
    for text in logged.iter().map(String::as_str).chain([stderr.as_str()]) {
        assert!(!text.contains(KEY), "the key is logged: {text}");
        assert!(
            !text.contains("4f9c2e7a"),
            "part of the key is logged: {text}"
        );
        assert!(
            !text.contains("DOCUMENT_TEXT_MARKER"),
            "document text is logged: {text}"
        );
    }
}
