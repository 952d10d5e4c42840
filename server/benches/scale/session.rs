//! A language-server session over the real binary's stdio (JSON-RPC with `Content-Length`
//! framing), timed from the client's side: the server runs as its own process, so that its
//! peak memory is its own.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{ChildStdin, Command};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::process::{Finished, Io, Limits, Watched};

pub struct Session {
    server: Watched,
    stdin: ChildStdin,
    messages: mpsc::Receiver<(Instant, Value)>,
    next_id: i64,
}

/// Why a wait ended without the message: the server was killed (time or memory limit) or
/// closed its output (a crash).
#[derive(Debug)]
pub struct Gone;

impl Session {
    /// Starts `binary serve` without a workspace folder and initialises it.
    pub fn start(binary: &Path, limits: Limits) -> Result<Session, Gone> {
        let mut command = Command::new(binary);
        command.arg("serve");
        let mut server =
            Watched::spawn(command, Io::Piped, limits).expect("cannot start the server");
        let stdin = server.child.stdin.take().unwrap();
        let stdout = server.child.stdout.take().unwrap();
        let (send, messages) = mpsc::channel();
        std::thread::spawn(move || read_messages(stdout, send));
        let mut session = Session {
            server,
            stdin,
            messages,
            next_id: 1,
        };
        session.request(
            "initialize",
            json!({ "processId": null, "rootUri": null, "capabilities": {} }),
        )?;
        session.notify("initialized", json!({}));
        Ok(session)
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// Sends a request and waits for its response; returns the response and the latency.
    pub fn request(&mut self, method: &str, params: Value) -> Result<(Value, Duration), Gone> {
        let id = self.next_id;
        self.next_id += 1;
        let sent = Instant::now();
        self.send(&json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        let (at, response) = self.wait_for(|m| m["id"] == id && m.get("method").is_none())?;
        Ok((response, at - sent))
    }

    /// Waits for the diagnostics of `uri` at `version`; returns them and when they arrived.
    pub fn diagnostics(&mut self, uri: &str, version: i64) -> Result<(Instant, Vec<Value>), Gone> {
        let (at, message) = self.wait_for(|m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && m["params"]["version"] == version
        })?;
        let diagnostics = message["params"]["diagnostics"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        Ok((at, diagnostics))
    }

    fn wait_for(&mut self, wanted: impl Fn(&Value) -> bool) -> Result<(Instant, Value), Gone> {
        loop {
            match self.messages.recv_timeout(Duration::from_millis(20)) {
                Ok((at, message)) => {
                    if wanted(&message) {
                        return Ok((at, message));
                    }
                    if message.get("id").is_some() && message.get("method").is_some() {
                        // A request from the server: answered with nothing, as a minimal client.
                        let id = message["id"].clone();
                        self.send(&json!({ "jsonrpc": "2.0", "id": id, "result": null }));
                    }
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    if !self.server.watch(Duration::ZERO) {
                        return Err(Gone);
                    }
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => return Err(Gone),
            }
        }
    }

    fn send(&mut self, message: &Value) {
        let body = serde_json::to_vec(message).unwrap();
        let frame = [
            format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes(),
            body,
        ]
        .concat();
        // A dead server is noticed by the next wait.
        let _ = self
            .stdin
            .write_all(&frame)
            .and_then(|()| self.stdin.flush());
    }

    /// Shuts the server down (killed when it does not answer) and reports its peak memory.
    pub fn finish(mut self) -> Finished {
        if self.request("shutdown", Value::Null).is_ok() {
            self.notify("exit", Value::Null);
        } else {
            self.server.kill();
        }
        drop(self.stdin);
        self.server.finish()
    }
}

fn read_messages(stdout: impl Read, send: mpsc::Sender<(Instant, Value)>) {
    let mut reader = BufReader::with_capacity(1 << 20, stdout);
    loop {
        let mut length = None;
        loop {
            let mut header = String::new();
            if reader.read_line(&mut header).unwrap_or(0) == 0 {
                return;
            }
            let header = header.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some(value) = header.strip_prefix("Content-Length:") {
                length = value.trim().parse::<usize>().ok();
            }
        }
        let Some(length) = length else { return };
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let at = Instant::now();
        let Ok(message) = serde_json::from_slice::<Value>(&body) else {
            return;
        };
        if send.send((at, message)).is_err() {
            return;
        }
    }
}
