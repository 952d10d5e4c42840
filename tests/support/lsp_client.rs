//! A small LSP client for the tests over real JSON-RPC (`#[path]`-included): frames messages
//! (`Content-Length`), answers the server's own requests, and waits for a given notification
//! or response with a generous timeout (a failure guard, never a synchronisation device).
#![allow(dead_code)] // Each test file uses part of it.

use std::path::Path;
use std::time::Duration;

use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};

pub const WAIT: Duration = Duration::from_secs(60);

pub struct TestClient<R, W> {
    reader: BufReader<R>,
    writer: W,
    next_id: i64,
    /// Messages read while waiting for something else.
    backlog: Vec<Value>,
    /// Requests of the server left unanswered (an editor busy starting up): they stay in the
    /// backlog.
    withheld: Vec<&'static str>,
}

impl<R: tokio::io::AsyncRead + Unpin, W: AsyncWrite + Unpin> TestClient<R, W> {
    pub fn new(reader: R, writer: W) -> Self {
        TestClient {
            reader: BufReader::new(reader),
            writer,
            next_id: 1,
            backlog: Vec::new(),
            withheld: Vec::new(),
        }
    }

    /// Leaves the server's `method` requests unanswered from now on.
    pub fn withhold(&mut self, method: &'static str) {
        self.withheld.push(method);
    }

    /// Answers every request of the server again (those already read stay in the backlog).
    pub fn answer_all(&mut self) {
        self.withheld.clear();
    }

    /// The messages read so far and not waited for.
    pub fn backlog(&self) -> &[Value] {
        &self.backlog
    }

    pub async fn send(&mut self, message: Value) {
        let body = serde_json::to_string(&message).unwrap();
        let framed = format!("Content-Length: {}\r\n\r\n{body}", body.len());
        self.send_raw(framed.as_bytes()).await;
    }

    /// Writes bytes as they are (malformed frames).
    pub async fn send_raw(&mut self, bytes: &[u8]) {
        self.writer.write_all(bytes).await.unwrap();
        self.writer.flush().await.unwrap();
    }

    pub async fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({ "jsonrpc": "2.0", "method": method, "params": params }))
            .await;
    }

    /// Sends a request and returns its response's `result` (panics on an error response).
    pub async fn request(&mut self, method: &str, params: Value) -> Value {
        let response = self.request_response(method, params).await;
        assert!(response.get("error").is_none(), "{method}: {response}");
        response["result"].clone()
    }

    /// Sends a request and returns its whole response (a result or an error).
    pub async fn request_response(&mut self, method: &str, params: Value) -> Value {
        let id = self.send_request(method, params).await;
        self.response(id).await
    }

    /// Sends a request without waiting for its response; returns its id.
    pub async fn send_request(&mut self, method: &str, params: Value) -> Value {
        let id = json!(self.next_id);
        self.next_id += 1;
        self.send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }))
            .await;
        id
    }

    /// The messages read so far and not waited for.
    pub fn take_backlog(&mut self) -> Vec<Value> {
        std::mem::take(&mut self.backlog)
    }

    /// The response to request `id`.
    pub async fn response(&mut self, id: Value) -> Value {
        self.wait_for(|m| m.get("id") == Some(&id) && m.get("method").is_none())
            .await
    }

    /// Reads one message; `None` at the end of the stream.
    pub async fn read(&mut self) -> Option<Value> {
        let mut length = None;
        loop {
            let mut line = String::new();
            if self.reader.read_line(&mut line).await.unwrap() == 0 {
                return None;
            }
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(value) = line.strip_prefix("Content-Length: ") {
                length = Some(value.parse::<usize>().unwrap());
            }
        }
        let mut body = vec![0; length.expect("Content-Length header")];
        self.reader.read_exact(&mut body).await.unwrap();
        Some(serde_json::from_slice(&body).unwrap())
    }

    /// The first message (from the backlog, then the stream) that `matches`. Requests from the
    /// server (progress tokens, registrations, refreshes) are answered on the way.
    pub async fn wait_for(&mut self, matches: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.backlog.iter().position(&matches) {
            return self.backlog.remove(i);
        }
        let found = tokio::time::timeout(WAIT, async {
            loop {
                let message = self.read().await.expect("server closed the stream");
                let withheld = self
                    .withheld
                    .iter()
                    .any(|method| message["method"] == *method);
                if message.get("id").is_some() && message.get("method").is_some() && !withheld {
                    let id = message["id"].clone();
                    self.send(json!({ "jsonrpc": "2.0", "id": id, "result": null }))
                        .await;
                }
                if matches(&message) {
                    return message;
                }
                self.backlog.push(message);
            }
        })
        .await;
        found.expect("timed out waiting for a message")
    }

    pub async fn diagnostics(&mut self, uri: &str, version: i64) -> Vec<Value> {
        let message = self
            .wait_for(|m| {
                m["method"] == "textDocument/publishDiagnostics"
                    && m["params"]["uri"] == uri
                    && m["params"]["version"] == version
            })
            .await;
        message["params"]["diagnostics"].as_array().unwrap().clone()
    }

    /// The next diagnostics published for `uri` (any version) that satisfy `wanted`: after a
    /// configuration or workspace change the server re-publishes the same version, possibly
    /// more than once.
    pub async fn diagnostics_until(
        &mut self,
        uri: &str,
        wanted: impl Fn(&[Value]) -> bool,
    ) -> Vec<Value> {
        let message = self
            .wait_for(|m| {
                m["method"] == "textDocument/publishDiagnostics"
                    && m["params"]["uri"] == uri
                    && m["params"]["diagnostics"]
                        .as_array()
                        .is_some_and(|d| wanted(d))
            })
            .await;
        message["params"]["diagnostics"].as_array().unwrap().clone()
    }

    pub async fn open(&mut self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": {
                "uri": uri, "languageId": "typescript", "version": 1, "text": text } }),
        )
        .await;
    }

    pub async fn change(&mut self, uri: &str, version: i64, changes: Value) {
        self.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": version },
                    "contentChanges": changes }),
        )
        .await;
    }
}

pub type Duplex = tokio::io::DuplexStream;
pub type MemClient = TestClient<tokio::io::ReadHalf<Duplex>, tokio::io::WriteHalf<Duplex>>;

/// Starts a server on an in-memory pipe and initialises it.
pub async fn start(capabilities: Value, root: Option<&Path>, options: Value) -> MemClient {
    let root_uri = root.map(|r| format!("file://{}", r.display()));
    let params = json!({ "processId": null, "rootUri": root_uri, "capabilities": capabilities,
                         "initializationOptions": options });
    start_with(params).await.0
}

/// Starts a server on an in-memory pipe and initialises it with `params`; returns the client
/// and the `initialize` result.
pub async fn start_with(params: Value) -> (MemClient, Value) {
    let (client_end, server_end) = tokio::io::duplex(64 << 20);
    let (server_read, server_write) = tokio::io::split(server_end);
    tokio::spawn(cio_lsp::lsp::serve_on(server_read, server_write));
    let (read, write) = tokio::io::split(client_end);
    let mut client = TestClient::new(read, write);
    let result = client.request("initialize", params).await;
    assert_eq!(result["serverInfo"]["name"], "cio-lsp");
    client.notify("initialized", json!({})).await;
    (client, result)
}

pub async fn start_plain() -> MemClient {
    start(json!({}), None, Value::Null).await
}

/// Starts a server on workspace `root` and waits until its background index is built.
pub async fn start_in(root: &Path, options: Value) -> MemClient {
    let mut client = start(
        json!({ "window": { "workDoneProgress": true },
                "workspace": { "didChangeWatchedFiles": { "dynamicRegistration": true } } }),
        Some(root),
        options,
    )
    .await;
    wait_for_index(&mut client).await;
    client
}

pub async fn wait_for_index(client: &mut MemClient) {
    client
        .wait_for(|m| m["method"] == "$/progress" && m["params"]["value"]["kind"] == "end")
        .await;
}

pub type ChildClient = TestClient<tokio::process::ChildStdout, tokio::process::ChildStdin>;

/// The binary serving over stdio with `env` (and neither `CIO_LSP_LOG` nor `RUST_LOG` but for
/// what `env` sets), a client on its stdio, and its stderr, read to the end in a task.
pub fn spawn_server(
    env: &[(&str, &str)],
) -> (
    tokio::process::Child,
    ChildClient,
    tokio::task::JoinHandle<String>,
) {
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_cio-lsp"))
        .arg("serve")
        .env_remove("CIO_LSP_LOG")
        .env_remove("RUST_LOG")
        .envs(env.iter().copied())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let stderr = tokio::spawn(async move {
        let mut text = String::new();
        BufReader::new(stderr)
            .read_to_string(&mut text)
            .await
            .unwrap();
        text
    });
    let client = TestClient::new(child.stdout.take().unwrap(), child.stdin.take().unwrap());
    (child, client, stderr)
}
