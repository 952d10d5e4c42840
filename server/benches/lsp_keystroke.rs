//! Keystroke latency of the language server on a 10,000-line Customer.io-dense TypeScript
//! file, over real JSON-RPC (an in-memory pipe): time from sending a one-character
//! `didChange` to receiving the `publishDiagnostics` of that version. Measured in the same run
//! against a full re-parse + full re-analysis of the same text. Also prints memory per open
//! document and for a workspace index.
//!
//! `cargo bench --bench lsp_keystroke` (a plain harness: prints median and p99).

#[path = "../../tests/support/dense_file.rs"]
mod dense_file;

use std::time::{Duration, Instant};

use cio_lsp::analysis::position::{Encoding, LineCol};
use cio_lsp::analysis::{analyze, parse, Lang, NoWorkspaceView, Settings, SourceFile};
use cio_lsp::lsp::documents::{Change, Document};
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};

const EDITS: usize = 240;

fn main() {
    let text = dense_file::dense_typescript(10_000);
    let lines = text.lines().count();
    println!(
        "file: {lines} lines, {} bytes, generated Customer.io-dense TypeScript",
        text.len()
    );
    // For a profiler: `CIO_BENCH_PROFILE=model` runs only the document model's edits,
    // `CIO_BENCH_PROFILE=lsp` only the JSON-RPC keystrokes. `CIO_BENCH_CLIENT=parse` makes the
    // client parse every message with serde_json (see `envelope`).
    if std::env::var("CIO_BENCH_PROFILE").as_deref() == Ok("model") {
        report("document model only", model_only(&text));
        return;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let keystrokes = runtime.block_on(keystroke_latencies(&text));
    if std::env::var("CIO_BENCH_PROFILE").as_deref() == Ok("lsp") {
        return report("didChange → publishDiagnostics", keystrokes);
    }
    report("didChange → publishDiagnostics (incremental)", keystrokes);
    report("full re-parse + full re-analysis", full_reanalysis(&text));
    report(
        "document model only (apply + reparse + reanalyse)",
        model_only(&text),
    );
    memory(&text);
}

fn report(what: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
    println!(
        "{what}: n={} median {:.3} ms, p99 {:.3} ms, max {:.3} ms",
        samples.len(),
        at(0.5).as_secs_f64() * 1e3,
        at(0.99).as_secs_f64() * 1e3,
        samples.last().unwrap().as_secs_f64() * 1e3
    );
}

/// Edit `i`: a space typed at the start of a function-body line, removed by the next edit.
fn edit(i: usize, text_lines: usize) -> (LineCol, LineCol, &'static str) {
    let block = (i / 2 * 37) % (text_lines / 12 - 2);
    let line = (3 + block * 12 + 1 + (i / 2) % 8) as u32;
    let at = LineCol { line, col: 2 };
    if i % 2 == 0 {
        (at, at, " ")
    } else {
        (at, LineCol { line, col: 3 }, "")
    }
}

async fn keystroke_latencies(text: &str) -> Vec<Duration> {
    let lines = text.lines().count();
    let (client_end, server_end) = tokio::io::duplex(64 << 20);
    let (server_read, server_write) = tokio::io::split(server_end);
    tokio::spawn(cio_lsp::lsp::serve_on(server_read, server_write));
    let (read, mut write) = tokio::io::split(client_end);
    let mut read = BufReader::new(read);
    send(
        &mut write,
        json!({ "jsonrpc": "2.0", "id": 1, "method": "initialize",
                             "params": { "capabilities": {} } }),
    )
    .await;
    wait(&mut read, |m| m.id == Some(1)).await;
    send(
        &mut write,
        json!({ "jsonrpc": "2.0", "method": "initialized", "params": {} }),
    )
    .await;
    let uri = "file:///bench/dense.ts";
    send(
        &mut write,
        json!({ "jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
        "textDocument": { "uri": uri, "languageId": "typescript", "version": 0, "text": text } } }),
    )
    .await;
    wait(&mut read, |m| m.version() == Some(0)).await;
    let mut samples = Vec::with_capacity(EDITS);
    for i in 0..EDITS {
        let (start, end, new_text) = edit(i, lines);
        let version = i as i64 + 1;
        let change = json!({ "jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
            "textDocument": { "uri": uri, "version": version },
            "contentChanges": [{ "range": {
                "start": { "line": start.line, "character": start.col },
                "end": { "line": end.line, "character": end.col } }, "text": new_text }] } });
        let started = Instant::now();
        send(&mut write, change).await;
        wait(&mut read, |m| {
            m.method.as_deref() == Some("textDocument/publishDiagnostics")
                && m.version() == Some(version)
        })
        .await;
        samples.push(started.elapsed());
    }
    samples
}

fn full_reanalysis(text: &str) -> Vec<Duration> {
    let settings = Settings::default();
    let path = std::path::Path::new("dense.ts");
    (0..EDITS.min(60))
        .map(|_| {
            let started = Instant::now();
            let tree = parse(Lang::TypeScript, text, None);
            let file = SourceFile {
                path,
                lang: Lang::TypeScript,
                text,
                tree: &tree,
            };
            std::hint::black_box(analyze(&file, &settings, &NoWorkspaceView));
            started.elapsed()
        })
        .collect()
}

fn model_only(text: &str) -> Vec<Duration> {
    let settings = Settings::default();
    let lines = text.lines().count();
    let mut doc = Document::new("dense.ts".into(), Lang::TypeScript, 0, text);
    doc.analyze_whole(&settings, &NoWorkspaceView);
    (0..EDITS)
        .map(|i| {
            let (start, end, new_text) = edit(i, lines);
            let change = Change {
                range: Some((start, end)),
                text: new_text.into(),
            };
            let started = Instant::now();
            doc.apply_changes(i as i32 + 1, &[change], Encoding::Utf16);
            doc.reanalyze(&settings, &NoWorkspaceView);
            std::hint::black_box(doc.findings_ref());
            started.elapsed()
        })
        .collect()
}

fn memory(text: &str) {
    let doc = Document::new("dense.ts".into(), Lang::TypeScript, 0, text);
    let nodes = doc.tree().root_node().descendant_count();
    let bytes = doc.memory_estimate();
    println!(
        "open document: ~{} KiB for {} KiB of text = {:.1} bytes per source byte \
         ({nodes} nodes × ~97 B tree, rope, text snapshot, line index)",
        bytes / 1024,
        text.len() / 1024,
        bytes as f64 / text.len() as f64
    );
    // A workspace of 200 small files, each a client user; the index keeps facts only.
    let dir = tempfile::tempdir().unwrap();
    let mut source_bytes = 0;
    for i in 0..200 {
        let file = format!(
            "import {{ TrackClient, RegionUS }} from \"customerio-node\";\n\
             export const cio{i} = new TrackClient(\"s\", \"k\", {{ region: RegionUS }});\n{}",
            dense_file::dense_typescript(60)
        );
        source_bytes += file.len();
        std::fs::write(dir.path().join(format!("f{i}.ts")), file).unwrap();
    }
    let index = cio_lsp::lsp::workspace::build_index(
        &[dir.path().to_path_buf()],
        &std::sync::Arc::new(cio_lsp::analysis::project::ConfigLookup::new()),
        &Default::default(),
        &|_, _| {},
    );
    let bytes = cio_lsp::lsp::workspace::memory_estimate(&index);
    println!(
        "workspace index: {} files, {} KiB of source → ~{} KiB of facts ({:.2} bytes per source byte)",
        index.file_count(),
        source_bytes / 1024,
        bytes / 1024,
        bytes as f64 / source_bytes as f64
    );
}

async fn send(write: &mut (impl AsyncWriteExt + Unpin), message: Value) {
    let body = message.to_string();
    write
        .write_all(format!("Content-Length: {}\r\n\r\n{body}", body.len()).as_bytes())
        .await
        .unwrap();
}

/// What the client looks at in a server message. The rest (the diagnostics themselves) is
/// skipped without being built, as an editor's own process would build it: the latency
/// measured is the server's, not that of a benchmark client allocating a JSON tree.
#[derive(serde::Deserialize)]
struct Envelope {
    id: Option<i64>,
    method: Option<String>,
    params: Option<EnvelopeParams>,
}

#[derive(serde::Deserialize)]
struct EnvelopeParams {
    version: Option<i64>,
}

impl Envelope {
    fn version(&self) -> Option<i64> {
        self.params.as_ref()?.version
    }
}

/// The envelope of a server message. A `publishDiagnostics` is recognised by its first bytes
/// and its version read from its last ones (the server writes `uri`, `diagnostics`, then
/// `version`, the order of `PublishDiagnosticsParams`); anything else is parsed. An editor
/// hands the diagnostics to its own JSON parser: what is timed here is the server, up to the
/// last byte of the message, not a benchmark client validating 400 KB of JSON.
fn envelope(body: &[u8]) -> Envelope {
    const PUBLISH: &[u8] =
        br#"{"jsonrpc":"2.0","method":"textDocument/publishDiagnostics","params":{"#;
    // `CIO_BENCH_CLIENT=parse`: the client reads every message with serde_json, as the
    // benchmark did before (for comparing figures).
    static SKIM: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    let skim = *SKIM.get_or_init(|| std::env::var("CIO_BENCH_CLIENT").as_deref() != Ok("parse"));
    match (skim && body.starts_with(PUBLISH)).then(|| trailing_version(body)) {
        Some(Some(version)) => Envelope {
            id: None,
            method: Some("textDocument/publishDiagnostics".into()),
            params: Some(EnvelopeParams {
                version: Some(version),
            }),
        },
        _ => serde_json::from_slice(body).unwrap(),
    }
}

/// `N` in a body that ends `,"version":N}}`.
fn trailing_version(body: &[u8]) -> Option<i64> {
    let tail = body.strip_suffix(b"}}")?;
    let colon = tail.iter().rposition(|&b| b == b':')?;
    if !tail[..colon].ends_with(br#","version""#) {
        return None;
    }
    std::str::from_utf8(&tail[colon + 1..]).ok()?.parse().ok()
}

async fn wait(
    read: &mut BufReader<impl tokio::io::AsyncRead + Unpin>,
    matches: impl Fn(&Envelope) -> bool,
) {
    loop {
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
        let message = envelope(&body);
        if matches(&message) {
            return;
        }
    }
}
