//! Start-up of the language server as an editor sees it, over real JSON-RPC (an in-memory
//! pipe): a client that asks for everything VS Code asks for (progress, file watchers) opens
//! `examples/express-app/src/server.ts` right after `initialized`, in a copy of `examples/`.
//! That file imports its client from `lib/customerio.ts`: alone it has no finding, so its
//! squiggles wait for what the server knows of the workspace. Measured from `initialized`:
//!
//! - the first `publishDiagnostics` of the file, and how many findings it held;
//! - the first one holding the file's findings (those of `cio-lsp check examples/`);
//! - the index installed (its `indexed N Customer.io files` log line);
//! - the end of the indexing progress (`$/progress` end), which also waits for the client's
//!   answer for the progress token.
//!
//! The client answers the server's own requests (progress token, watcher registration) after
//! `CIO_BENCH_CLIENT_DELAY_MS` (default 300: an editor busy starting up, as VS Code is while it
//! opens the file), and `cio-lsp check` of the same copy is timed in the same run for the
//! index's throughput.
//!
//! `cargo bench --bench lsp_startup` (a plain harness: prints the median of each over the runs).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};

const RUNS: usize = 15;
const FILE: &str = "express-app/src/server.ts";

fn main() {
    let delay = std::env::var("CIO_BENCH_CLIENT_DELAY_MS")
        .ok()
        .and_then(|ms| ms.parse().ok())
        .map_or(Duration::from_millis(300), Duration::from_millis);
    let copy = tempfile::tempdir().unwrap();
    let root = copy.path().canonicalize().unwrap().join("examples");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples"),
        &root,
    );
    let expected = findings_of_check(&root);
    println!(
        "workspace: a copy of examples/; {FILE} has {expected} findings in `check`; \
         the client answers the server's requests after {} ms",
        delay.as_millis()
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let runs: Vec<Startup> = (0..RUNS)
        .map(|_| runtime.block_on(startup(&root, expected, delay)))
        .collect();
    let first_counts: Vec<usize> = runs.iter().map(|r| r.first_count).collect();
    println!("findings in the first publication of {FILE}: {first_counts:?}");
    report(
        "initialized → first publishDiagnostics",
        runs.iter().map(|r| r.first).collect(),
    );
    report(
        &format!("initialized → publishDiagnostics with its {expected} findings"),
        runs.iter().map(|r| r.complete).collect(),
    );
    report(
        "initialized → index installed (its log line)",
        runs.iter().map(|r| r.installed).collect(),
    );
    report(
        "initialized → indexing progress ended ($/progress end)",
        runs.iter().map(|r| r.indexed).collect(),
    );
    report(
        "cio-lsp check of the same workspace (in process)",
        (0..RUNS).map(|_| time_check(&root)).collect(),
    );
}

struct Startup {
    first: Duration,
    first_count: usize,
    complete: Duration,
    installed: Duration,
    indexed: Duration,
}

fn report(what: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
    println!(
        "{what}: n={} median {:.1} ms, min {:.1} ms, max {:.1} ms",
        samples.len(),
        at(0.5).as_secs_f64() * 1e3,
        samples[0].as_secs_f64() * 1e3,
        samples.last().unwrap().as_secs_f64() * 1e3
    );
}

async fn startup(root: &Path, expected: usize, delay: Duration) -> Startup {
    let (client_end, server_end) = tokio::io::duplex(64 << 20);
    let (server_read, server_write) = tokio::io::split(server_end);
    tokio::spawn(cio_lsp::lsp::serve_on(server_read, server_write));
    let (read, write) = tokio::io::split(client_end);
    let (outgoing, mut queue) = tokio::sync::mpsc::unbounded_channel::<(Duration, Value)>();
    // The writer: sends each message once its delay has passed (answers to the server's
    // requests wait, the client's own messages do not).
    tokio::spawn(async move {
        let mut write = write;
        while let Some((after, message)) = queue.recv().await {
            tokio::time::sleep(after).await;
            send(&mut write, &message).await;
        }
    });
    let mut read = BufReader::new(read);
    let root_uri = format!("file://{}", root.display());
    let capabilities = json!({
        "window": { "workDoneProgress": true },
        "workspace": { "didChangeWatchedFiles": { "dynamicRegistration": true },
                       "configuration": true },
    });
    let now = Duration::ZERO;
    outgoing
        .send((
            now,
            json!({ "jsonrpc": "2.0", "id": 1, "method": "initialize",
            "params": { "processId": null, "rootUri": root_uri, "capabilities": capabilities,
                        "workspaceFolders": [{ "uri": root_uri, "name": "examples" }] } }),
        ))
        .unwrap();
    loop {
        if read_message(&mut read).await.get("id") == Some(&json!(1)) {
            break;
        }
    }
    let started = Instant::now();
    outgoing
        .send((
            now,
            json!({ "jsonrpc": "2.0", "method": "initialized", "params": {} }),
        ))
        .unwrap();
    let path = root.join(FILE);
    let uri = format!("file://{}", path.display());
    let text = std::fs::read_to_string(&path).unwrap();
    outgoing
        .send((now, json!({ "jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
            "textDocument": { "uri": uri, "languageId": "typescript", "version": 1, "text": text } } })))
        .unwrap();
    let (mut first, mut complete, mut installed, mut indexed) = (None, None, None, None);
    let mut first_count = 0;
    while complete.is_none() || installed.is_none() || indexed.is_none() {
        let message = read_message(&mut read).await;
        let method = message["method"].as_str().unwrap_or_default();
        if message.get("id").is_some() && !method.is_empty() {
            let answer = json!({ "jsonrpc": "2.0", "id": message["id"], "result": null });
            outgoing.send((delay, answer)).unwrap();
        } else if method == "textDocument/publishDiagnostics" && message["params"]["uri"] == uri {
            let count = message["params"]["diagnostics"]
                .as_array()
                .map_or(0, Vec::len);
            if first.is_none() {
                first = Some(started.elapsed());
                first_count = count;
            }
            if count >= expected && complete.is_none() {
                complete = Some(started.elapsed());
            }
        } else if method == "$/progress" && message["params"]["value"]["kind"] == "end" {
            indexed = Some(started.elapsed());
        } else if method == "window/logMessage"
            && message["params"]["message"]
                .as_str()
                .is_some_and(|m| m.starts_with("indexed "))
        {
            installed = Some(started.elapsed());
        }
    }
    Startup {
        first: first.unwrap(),
        first_count,
        complete: complete.unwrap(),
        installed: installed.unwrap(),
        indexed: indexed.unwrap(),
    }
}

async fn send(write: &mut (impl AsyncWriteExt + Unpin), message: &Value) {
    let body = serde_json::to_vec(message).unwrap();
    let header = format!("Content-Length: {}\r\n\r\n", body.len());
    write.write_all(header.as_bytes()).await.unwrap();
    write.write_all(&body).await.unwrap();
    write.flush().await.unwrap();
}

async fn read_message(read: &mut (impl AsyncBufReadExt + Unpin)) -> Value {
    let mut length = 0;
    loop {
        let mut line = String::new();
        read.read_line(&mut line).await.unwrap();
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(value) = line.strip_prefix("Content-Length: ") {
            length = value.parse().unwrap();
        }
    }
    let mut body = vec![0; length];
    read.read_exact(&mut body).await.unwrap();
    serde_json::from_slice(&body).unwrap()
}

/// How many findings `check` reports for [`FILE`] in the workspace.
fn findings_of_check(root: &Path) -> usize {
    let report = check(root);
    let path = root.join(FILE);
    report
        .files
        .iter()
        .find(|file| file.path == path)
        .map_or(0, |file| file.findings.len())
}

fn check(root: &Path) -> cio_lsp::analysis::project::ProjectReport {
    let discovered = cio_lsp::analysis::project::discover(&[root.to_path_buf()]);
    cio_lsp::analysis::project::analyze_project(
        root,
        &discovered,
        &cio_lsp::analysis::Settings::default(),
        &|| {},
    )
}

fn time_check(root: &Path) -> Duration {
    let started = Instant::now();
    std::hint::black_box(check(root));
    started.elapsed()
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target: PathBuf = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}
