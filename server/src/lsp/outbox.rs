//! The server's output, and diagnostics published without tower-lsp-server's detour.
//!
//! tower-lsp-server's `Client` turns every notification into a `serde_json::Value` tree
//! (`Request::from_notification`), writes the tree out and frees it. For the diagnostics of a
//! large file (a map per diagnostic, range and position, an allocation per key) that costs
//! more instructions than re-analysing an edit. [`Outbox::publish_diagnostics`] serializes
//! them straight from their LSP types into a frame instead.
//!
//! The output then has two writers: tower-lsp-server (responses, and what goes through its
//! `Client`) and the outbox. tower-lsp-server writes into an in-memory pipe; [`relay`] cuts
//! what it wrote into frames and queues them with the outbox's, and [`write`] alone writes to
//! the real output, one whole frame at a time. All `publishDiagnostics` go through the outbox,
//! so they reach the client in the order they were sent.

use std::io::Write as _;
use std::sync::Arc;

use serde::Serialize;
use serde_json::value::RawValue;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::sync::mpsc;
use tower_lsp_server::ls_types::notification::{Notification, PublishDiagnostics};
use tower_lsp_server::ls_types::{Diagnostic, PublishDiagnosticsParams, Uri};

/// Frames waiting to be written; senders wait when it is full, as they would on a client that
/// does not read.
const QUEUE: usize = 64;

/// What [`write`] receives.
#[derive(Debug)]
pub enum Outgoing {
    /// One whole message: its header and body, as written to the output.
    Frame(Vec<u8>),
    /// tower-lsp-server has stopped (`exit`, or the end of input): nothing more is written.
    ServerClosed,
}

/// Queues messages for [`write`].
#[derive(Clone)]
pub struct Outbox {
    queue: mpsc::Sender<Outgoing>,
}

/// An outbox and the queue it feeds, for [`write`].
pub fn channel() -> (Outbox, mpsc::Receiver<Outgoing>) {
    let (queue, frames) = mpsc::channel(QUEUE);
    (Outbox { queue }, frames)
}

/// A JSON-RPC notification as written on the wire.
#[derive(Serialize)]
struct NotificationMessage<'a, P> {
    jsonrpc: &'static str,
    method: &'static str,
    params: &'a P,
}

/// `PublishDiagnosticsParams` with diagnostics already in JSON: same fields, same order.
#[derive(Serialize)]
struct SerialisedDiagnostics<'a> {
    uri: &'a Uri,
    diagnostics: RawList<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<i32>,
}

/// Pieces of JSON written as one array.
struct RawList<'a>(&'a [Arc<RawValue>]);

impl Serialize for RawList<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(|piece| &**piece))
    }
}

impl Outbox {
    /// `textDocument/publishDiagnostics`, as `Client::publish_diagnostics` would send it.
    pub async fn publish_diagnostics(
        &self,
        uri: Uri,
        diagnostics: Vec<Diagnostic>,
        version: Option<i32>,
    ) {
        let params = PublishDiagnosticsParams::new(uri, diagnostics, version);
        self.notify::<PublishDiagnostics>(&params).await;
    }

    /// `textDocument/publishDiagnostics` from diagnostics already serialised (see
    /// `convert::DiagnosticsJson`): the same message as [`Outbox::publish_diagnostics`].
    pub async fn publish_diagnostics_json(
        &self,
        uri: &Uri,
        diagnostics: &[Arc<RawValue>],
        version: Option<i32>,
    ) {
        let params = SerialisedDiagnostics {
            uri,
            diagnostics: RawList(diagnostics),
            version,
        };
        self.notify::<PublishDiagnostics>(&params).await;
    }

    async fn notify<N: Notification>(&self, params: &impl Serialize) {
        let body = serde_json::to_vec(&NotificationMessage {
            jsonrpc: "2.0",
            method: N::METHOD,
            params,
        })
        .expect("LSP notification params serialize");
        tracing::trace!("-> {} ({} bytes)", N::METHOD, body.len());
        if self
            .queue
            .send(Outgoing::Frame(frame(&body)))
            .await
            .is_err()
        {
            tracing::debug!("{} not sent: the connection is closed", N::METHOD);
        }
    }

    /// Queues a whole frame (see [`frame`]): the input side's answers to malformed messages.
    pub async fn send_frame(&self, frame: Vec<u8>) {
        self.send(Outgoing::Frame(frame)).await;
    }

    async fn send(&self, outgoing: Outgoing) {
        // The writer only goes away once the connection has: nothing is left to send to.
        let _ = self.queue.send(outgoing).await;
    }
}

/// A message body with its `Content-Length` header.
pub(crate) fn frame(body: &[u8]) -> Vec<u8> {
    let mut frame = Vec::with_capacity(body.len() + 32);
    write!(frame, "Content-Length: {}\r\n\r\n", body.len()).expect("writing to a Vec");
    frame.extend_from_slice(body);
    frame
}

/// Queues tower-lsp-server's output (read from its end of the pipe) frame by frame, then
/// [`Outgoing::ServerClosed`] when it closes the pipe.
pub async fn relay(from_server: impl AsyncRead + Unpin, outbox: Outbox) {
    let mut reader = BufReader::new(from_server);
    loop {
        match read_frame(&mut reader).await {
            Ok(Some(frame)) => outbox.send(Outgoing::Frame(frame)).await,
            Ok(None) => break,
            Err(error) => {
                tracing::error!("unreadable output from tower-lsp-server: {error}");
                // Keep draining it, or the server would block on a full pipe and never stop.
                let _ = tokio::io::copy(&mut reader, &mut tokio::io::sink()).await;
                break;
            }
        }
    }
    outbox.send(Outgoing::ServerClosed).await;
}

/// The next frame (`Content-Length: n`, a blank line, n bytes) verbatim, or `None` at the end.
async fn read_frame(
    reader: &mut (impl AsyncBufReadExt + Unpin),
) -> std::io::Result<Option<Vec<u8>>> {
    let mut frame = Vec::new();
    let mut length = None;
    loop {
        let line_start = frame.len();
        if reader.read_until(b'\n', &mut frame).await? == 0 {
            return match line_start {
                0 => Ok(None),
                _ => Err(std::io::ErrorKind::UnexpectedEof.into()),
            };
        }
        let line = &frame[line_start..];
        if line == b"\r\n" {
            break;
        }
        if let Some(value) = line.strip_prefix(b"Content-Length: ") {
            length = std::str::from_utf8(value)
                .ok()
                .and_then(|v| v.trim().parse::<usize>().ok());
        }
    }
    let length = length.ok_or_else(|| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "a frame without Content-Length",
        )
    })?;
    let body_start = frame.len();
    frame.resize(body_start + length, 0);
    reader.read_exact(&mut frame[body_start..]).await?;
    Ok(Some(frame))
}

/// Writes the queued frames to `output` until the server has closed. After a write error
/// (the client went away) frames are still taken from the queue, and dropped, so that no
/// sender waits forever.
pub async fn write(mut frames: mpsc::Receiver<Outgoing>, output: impl AsyncWrite) {
    let mut output = std::pin::pin!(output);
    let mut failed = false;
    while let Some(outgoing) = frames.recv().await {
        let frame = match outgoing {
            Outgoing::Frame(frame) => frame,
            Outgoing::ServerClosed => break,
        };
        if failed {
            continue;
        }
        let written = async {
            output.write_all(&frame).await?;
            output.flush().await
        };
        if let Err(error) = written.await {
            tracing::error!("cannot write to the client: {error}");
            failed = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn frames_are_read_back_whole_and_verbatim() {
        let stream = [
            frame(b"{\"a\":1}"),
            frame(b""),
            frame("{\"b\":\"é\\r\\n\"}".as_bytes()),
        ];
        let bytes = stream.concat();
        let mut reader = BufReader::new(&bytes[..]);
        for expected in &stream {
            assert_eq!(
                read_frame(&mut reader).await.unwrap().as_ref(),
                Some(expected)
            );
        }
        assert_eq!(read_frame(&mut reader).await.unwrap(), None);
    }

    #[tokio::test]
    async fn a_cut_frame_or_a_missing_length_is_an_error() {
        let cut = frame(b"{\"a\":1}");
        let mut reader = BufReader::new(&cut[..cut.len() - 1]);
        assert!(read_frame(&mut reader).await.is_err());
        let mut reader = BufReader::new(&b"X-Other: 1\r\n\r\n{}"[..]);
        assert!(read_frame(&mut reader).await.is_err());
    }

    #[tokio::test]
    async fn published_diagnostics_are_a_framed_notification() {
        let (outbox, mut frames) = channel();
        let uri: Uri = "file:///a.ts".parse().unwrap();
        outbox.publish_diagnostics(uri, Vec::new(), Some(3)).await;
        let Some(Outgoing::Frame(frame)) = frames.recv().await else {
            panic!("no frame");
        };
        let body = br#"{"jsonrpc":"2.0","method":"textDocument/publishDiagnostics","params":{"uri":"file:///a.ts","diagnostics":[],"version":3}}"#;
        assert_eq!(
            String::from_utf8(frame).unwrap(),
            format!(
                "Content-Length: {}\r\n\r\n{}",
                body.len(),
                std::str::from_utf8(body).unwrap()
            )
        );
    }

    /// Diagnostics serialised ahead of time make the very frame that serialising them in the
    /// message makes.
    #[tokio::test]
    async fn serialised_diagnostics_are_published_byte_for_byte_the_same() {
        use tower_lsp_server::ls_types::{Position, Range};
        let uri: Uri = "file:///src/a.ts".parse().unwrap();
        let diagnostics: Vec<Diagnostic> = ["one", "two \"quoted\""]
            .iter()
            .map(|message| {
                Diagnostic::new_simple(
                    Range::new(Position::new(1, 2), Position::new(1, 9)),
                    message.to_string(),
                )
            })
            .collect();
        let pieces: Vec<Arc<RawValue>> = diagnostics
            .iter()
            .map(|d| Arc::from(serde_json::value::to_raw_value(d).unwrap()))
            .collect();
        let (outbox, mut frames) = channel();
        for version in [Some(4), None] {
            outbox
                .publish_diagnostics(uri.clone(), diagnostics.clone(), version)
                .await;
            outbox
                .publish_diagnostics_json(&uri, &pieces, version)
                .await;
            let (Some(Outgoing::Frame(expected)), Some(Outgoing::Frame(sent))) =
                (frames.recv().await, frames.recv().await)
            else {
                panic!("no frames");
            };
            assert_eq!(String::from_utf8(sent), String::from_utf8(expected));
        }
    }

    /// The same JSON as tower-lsp-server's `Client::publish_diagnostics` would write.
    #[tokio::test]
    async fn a_full_diagnostic_is_sent_as_the_client_would_send_it() {
        use tower_lsp_server::ls_types::{
            CodeDescription, DiagnosticRelatedInformation, DiagnosticSeverity, DiagnosticTag,
            Location, NumberOrString, Position, Range,
        };
        let uri: Uri = "file:///src/a%20b.ts".parse().unwrap();
        let range = Range::new(Position::new(1, 2), Position::new(1, 9));
        let diagnostic = Diagnostic {
            range,
            severity: Some(DiagnosticSeverity::WARNING),
            code: Some(NumberOrString::String("CIO010".into())),
            code_description: Some(CodeDescription {
                href: "https://example.com/CIO010.md".parse().unwrap(),
            }),
            source: Some("cio-lsp".into()),
            message: "“quoted” \\ and\nnewline".into(),
            related_information: Some(vec![DiagnosticRelatedInformation {
                location: Location::new(uri.clone(), range),
                message: "also here".into(),
            }]),
            tags: Some(vec![DiagnosticTag::UNNECESSARY]),
            data: None,
        };
        let (outbox, mut frames) = channel();
        outbox
            .publish_diagnostics(uri.clone(), vec![diagnostic.clone()], Some(7))
            .await;
        let Some(Outgoing::Frame(frame)) = frames.recv().await else {
            panic!("no frame");
        };
        let body_start = frame.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
        let sent: serde_json::Value = serde_json::from_slice(&frame[body_start..]).unwrap();
        let params = PublishDiagnosticsParams::new(uri, vec![diagnostic], Some(7));
        assert_eq!(
            sent,
            serde_json::json!({
                "jsonrpc": "2.0",
                "method": "textDocument/publishDiagnostics",
                "params": serde_json::to_value(params).unwrap(),
            })
        );
    }
}
