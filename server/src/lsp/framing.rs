//! The input side: frames read from the client, checked, and forwarded to tower-lsp-server.
//!
//! tower-lsp-server reads its input through `tokio_util`'s `FramedRead`, which ends the stream
//! after the first decoding error: one frame with a bad `Content-Length`, a body that is not
//! JSON, JSON that is not a JSON-RPC message, or a lone UTF-16 surrogate escape in a document's
//! text (serde_json refuses it) ended the whole session, silently. Its decoder cannot be told
//! to go on, and forking it would mean carrying its transport forever. So the bytes from the
//! client go through [`Decoder`] first, and tower-lsp-server only ever sees well-formed frames
//! holding messages it accepts:
//!
//! - a body that is not JSON is answered with `-32700` (parse error, id `null`);
//! - JSON that is not a JSON-RPC message, and a frame whose header is broken (no or a bad
//!   `Content-Length`, a header line that does not end), is answered with `-32600` (invalid
//!   request) carrying the request's id when one can be read, so the client stops waiting;
//! - after garbage, reading resumes at the next `Content-Length` header;
//! - a lone surrogate escape (`"\ud83d"`, half an emoji) becomes `"\ufffd"` (U+FFFD), one
//!   UTF-16 code unit for one, so the client's positions stay right; bytes that are not
//!   UTF-8 become U+FFFD too.
//!
//! [`Decoder`] is synchronous (it is fuzzed on raw bytes); [`forward`] drives it.

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::{json, Value};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tower_lsp_server::jsonrpc::{Request, Response};

use super::outbox::{frame, Outbox};

/// The header every frame starts with; the point where reading resumes after garbage.
const CONTENT_LENGTH: &[u8] = b"Content-Length";

/// The largest message accepted (a document of this size is far beyond what is analysed).
pub const MAX_MESSAGE_BYTES: usize = 256 * 1024 * 1024;

/// A header block longer than this is garbage, not a header.
const MAX_HEADER_BYTES: usize = 8 * 1024;

/// The largest JSON value looked for after a broken header (to answer it): a request is
/// small, and a value without a frame is parsed again as each piece of it arrives.
const MAX_UNFRAMED_BYTES: usize = 1024 * 1024;

/// JSON-RPC error codes answered here.
const PARSE_ERROR: i64 = -32700;
const INVALID_REQUEST: i64 = -32600;

/// What the decoder found in the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A message body (UTF-8 JSON) that tower-lsp-server accepts, to forward.
    Message(Vec<u8>),
    /// The body of an error response to send back to the client.
    Reply(Vec<u8>),
}

/// tower-lsp-server's own message type is private; this has the same shape, so the bodies it
/// accepts are exactly the ones tower-lsp-server's decoder accepts.
#[derive(Deserialize)]
#[serde(untagged)]
#[allow(dead_code)] // Only deserialised, to check.
enum Incoming {
    Response(Response),
    Request(Request),
}

/// Where the decoder is in the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// At the start of a frame's header.
    Header,
    /// In the body of a frame that declared `length` bytes; occurrences of `Content-Length`
    /// before `scanned` were looked at already.
    Body { length: usize, scanned: usize },
    /// After a broken header: the bytes up to the next `Content-Length` are dropped, and a
    /// request found among them is answered.
    Unframed,
    /// Dropping bytes until the next `Content-Length`.
    Garbage,
}

/// Cuts a byte stream from the client into checked messages and error replies.
#[derive(Debug)]
pub struct Decoder {
    buffer: Vec<u8>,
    /// Bytes of `buffer` already consumed.
    start: usize,
    state: State,
}

impl Default for Decoder {
    fn default() -> Self {
        Decoder {
            buffer: Vec::new(),
            start: 0,
            state: State::Header,
        }
    }
}

impl Decoder {
    /// Adds bytes read from the client.
    pub fn push(&mut self, bytes: &[u8]) {
        if self.start > 0 && self.start >= self.buffer.len() / 2 {
            self.buffer.drain(..self.start);
            self.start = 0;
        }
        self.buffer.extend_from_slice(bytes);
    }

    /// Bytes held, for tests of the memory bound.
    pub fn buffered(&self) -> usize {
        self.buffer.len() - self.start
    }

    fn pending(&self) -> &[u8] {
        &self.buffer[self.start..]
    }

    fn consume(&mut self, count: usize) -> Vec<u8> {
        let taken = self.buffer[self.start..self.start + count].to_vec();
        self.start += count;
        taken
    }

    /// The next message or reply from the bytes pushed so far; `None` when more input is
    /// needed.
    pub fn next_event(&mut self) -> Option<Event> {
        loop {
            let step = match self.state {
                State::Header => self.header(),
                State::Body { length, scanned } => self.body(length, scanned),
                State::Unframed => self.unframed(),
                State::Garbage => self.garbage(),
            };
            match step {
                Step::Wait => return None,
                Step::Continue => continue,
                Step::Emit(event) => return Some(event),
            }
        }
    }

    fn header(&mut self) -> Step {
        let blank = self
            .pending()
            .iter()
            .take_while(|b| b.is_ascii_whitespace())
            .count();
        self.start += blank;
        let pending = self.pending();
        if pending.is_empty() {
            return Step::Wait;
        }
        if matches!(pending[0], b'{' | b'[') {
            tracing::warn!("a message without a header");
            self.state = State::Unframed;
            return Step::Continue;
        }
        match parse_header(pending) {
            Header::Incomplete if pending.len() <= MAX_HEADER_BYTES => Step::Wait,
            Header::Complete { length, consumed } if length <= MAX_MESSAGE_BYTES => {
                self.start += consumed;
                self.state = State::Body { length, scanned: 0 };
                Step::Continue
            }
            Header::Complete { length, .. } => {
                tracing::warn!("a message of {length} bytes is larger than the limit; dropped");
                self.state = State::Unframed;
                Step::Continue
            }
            Header::Incomplete | Header::Broken => {
                tracing::warn!("a frame without a valid Content-Length header");
                self.state = State::Unframed;
                Step::Continue
            }
        }
    }

    fn body(&mut self, length: usize, scanned: usize) -> Step {
        let pending = self.pending();
        let arrived = &pending[..pending.len().min(length)];
        // A Content-Length larger than the body: the next frame's header shows up inside what
        // was announced as this body, right after a complete JSON object.
        let mut from = scanned;
        while let Some(at) = find(&arrived[from..], CONTENT_LENGTH).map(|at| from + at) {
            if ends_with_a_json_object(&arrived[..at]) {
                tracing::warn!("a frame's Content-Length is larger than its body");
                let body = self.consume(at);
                self.state = State::Header;
                return match reply_to_unframed(&body) {
                    Some(reply) => Step::Emit(reply),
                    None => Step::Continue,
                };
            }
            from = at + 1;
        }
        if arrived.len() == length {
            let body = self.consume(length);
            self.state = State::Header;
            return Step::Emit(checked(body));
        }
        let scanned = arrived.len().saturating_sub(CONTENT_LENGTH.len() - 1);
        self.state = State::Body { length, scanned };
        Step::Wait
    }

    fn unframed(&mut self) -> Step {
        let pending = self.pending();
        // The broken header may itself start with `Content-Length`: look for the next one.
        let next_frame =
            find(pending.get(1..).unwrap_or_default(), CONTENT_LENGTH).map(|at| at + 1);
        let region = &pending[..next_frame.unwrap_or(pending.len())];
        // The body of a frame with a broken header is the first JSON value after it.
        let Some(at) = memchr::memchr2(b'{', b'[', region) else {
            return match next_frame.is_none() && pending.len() <= MAX_HEADER_BYTES {
                true => Step::Wait,
                false => self.drop_unframed(region.len(), None),
            };
        };
        let may_grow = next_frame.is_none() && pending.len() - at <= MAX_UNFRAMED_BYTES;
        match first_json_value(&region[at..]) {
            JsonValue::Complete(len) => {
                let body = self.consume(at + len);
                self.state = State::Header;
                match reply_to_unframed(&body[at..]) {
                    Some(reply) => Step::Emit(reply),
                    None => Step::Continue,
                }
            }
            JsonValue::Incomplete if may_grow => Step::Wait,
            JsonValue::Incomplete | JsonValue::Invalid => {
                let dropped = if next_frame.is_some() {
                    region.len()
                } else {
                    pending.len()
                };
                self.drop_unframed(dropped, Some(parse_error()))
            }
        }
    }

    /// Drops `count` bytes (at least one, so that a broken header starting with
    /// `Content-Length` is not read again) and resumes at the next `Content-Length`.
    fn drop_unframed(&mut self, count: usize, reply: Option<Event>) -> Step {
        tracing::warn!("skipped {count} bytes of input that are not a message");
        self.start += count.max(1).min(self.pending().len());
        self.state = State::Garbage;
        match reply {
            Some(reply) => Step::Emit(reply),
            None => Step::Continue,
        }
    }

    fn garbage(&mut self) -> Step {
        let pending = self.pending();
        match find(pending, CONTENT_LENGTH) {
            Some(at) => {
                if at > 0 {
                    tracing::warn!("skipped {at} bytes of input that are not a message");
                }
                self.start += at;
                self.state = State::Header;
                Step::Continue
            }
            None => {
                // Keep what may be the start of the next header.
                let keep = (CONTENT_LENGTH.len() - 1).min(pending.len());
                self.start += pending.len() - keep;
                Step::Wait
            }
        }
    }
}

enum Step {
    Wait,
    Continue,
    Emit(Event),
}

/// A frame's header block.
#[derive(Debug, PartialEq, Eq)]
enum Header {
    /// Not all of it has arrived.
    Incomplete,
    /// A header ending in a blank line with a valid `Content-Length` (`consumed` bytes).
    Complete { length: usize, consumed: usize },
    /// Not a header: a line that is not `Name: value`, no or a bad `Content-Length`, or a line
    /// cut short by the next frame's `Content-Length`.
    Broken,
}

/// Parses a header block at the start of `bytes`. Lines end in `\r\n` or, leniently, `\n`.
fn parse_header(bytes: &[u8]) -> Header {
    let mut length = None;
    let mut at = 0;
    loop {
        let rest = &bytes[at..];
        // A line never runs over the next frame's header.
        let next_header = find(rest.get(1..).unwrap_or_default(), CONTENT_LENGTH).map(|i| i + 1);
        let Some(end) = memchr::memchr(b'\n', rest) else {
            return match next_header {
                Some(_) => Header::Broken,
                None => Header::Incomplete,
            };
        };
        if next_header.is_some_and(|h| h < end) {
            return Header::Broken;
        }
        let line = rest[..end].strip_suffix(b"\r").unwrap_or(&rest[..end]);
        at += end + 1;
        if line.is_empty() {
            return match length {
                Some(length) => Header::Complete {
                    length,
                    consumed: at,
                },
                None => Header::Broken,
            };
        }
        let Some((name, value)) = header_field(line) else {
            return Header::Broken;
        };
        if name.eq_ignore_ascii_case("content-length") {
            match parse_length(value) {
                Some(value) => length = Some(value),
                None => return Header::Broken,
            }
        }
    }
}

/// `Name: value` (a token name, any value).
fn header_field(line: &[u8]) -> Option<(&str, &[u8])> {
    let colon = memchr::memchr(b':', line)?;
    let name = std::str::from_utf8(&line[..colon]).ok()?;
    let is_token = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    is_token.then_some((name, &line[colon + 1..]))
}

/// A decimal length; anything else (a sign, hex, overflow) is not one.
fn parse_length(value: &[u8]) -> Option<usize> {
    let digits = value.trim_ascii();
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(digits).ok()?.parse().ok()
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(haystack, needle)
}

/// How much of a byte string the first JSON value takes.
#[derive(Debug, PartialEq, Eq)]
enum JsonValue {
    /// A whole value, this many bytes long.
    Complete(usize),
    /// The value has not ended yet.
    Incomplete,
    /// Not JSON.
    Invalid,
}

fn first_json_value(bytes: &[u8]) -> JsonValue {
    let mut values =
        serde_json::Deserializer::from_slice(bytes).into_iter::<serde::de::IgnoredAny>();
    match values.next() {
        Some(Ok(_)) => JsonValue::Complete(values.byte_offset()),
        Some(Err(error)) if error.is_eof() => JsonValue::Incomplete,
        None => JsonValue::Incomplete,
        Some(Err(_)) => JsonValue::Invalid,
    }
}

/// Whether `bytes` is one JSON object and white space: a JSON text cannot go on after that.
/// Only checked when an object's `}` comes right before, so that a document's text holding
/// "Content-Length" is not parsed at every occurrence.
fn ends_with_a_json_object(bytes: &[u8]) -> bool {
    bytes.trim_ascii_end().last() == Some(&b'}')
        && serde_json::from_slice::<serde::de::IgnoredAny>(bytes).is_ok()
}

/// Turns a frame's body into the event for it: the message to forward, or the error reply.
fn checked(body: Vec<u8>) -> Event {
    let text = match String::from_utf8(body) {
        Ok(text) => text,
        Err(error) => {
            tracing::warn!("a message that is not UTF-8: replaced the invalid bytes with U+FFFD");
            String::from_utf8_lossy(error.as_bytes()).into_owned()
        }
    };
    let mut body = text.into_bytes();
    if replace_lone_surrogates(&mut body) > 0 {
        tracing::warn!("replaced lone UTF-16 surrogate escapes with U+FFFD");
    }
    if serde_json::from_slice::<Incoming>(&body).is_ok() {
        return Event::Message(body);
    }
    match serde_json::from_slice::<Value>(&body) {
        Ok(value) => {
            tracing::warn!("a JSON value that is not a JSON-RPC message");
            invalid_request(request_id(&value))
        }
        Err(error) => {
            tracing::warn!("a message that is not JSON: {error}");
            parse_error()
        }
    }
}

/// The answer to a JSON value that came without a valid frame: `-32600` with its id when it
/// is a request, nothing for a notification or anything else (such as an object cut out of a
/// broken message's params).
fn reply_to_unframed(body: &[u8]) -> Option<Event> {
    let value: Value = serde_json::from_slice(body).ok()?;
    let is_message = value.get("jsonrpc").is_some() || value.get("method").is_some();
    let id = request_id(&value).filter(|_| is_message);
    id.is_some().then(|| invalid_request(id))
}

/// The id of a request-shaped value (a number or a string, as JSON-RPC allows).
fn request_id(value: &Value) -> Option<Value> {
    value
        .get("id")
        .filter(|id| id.is_number() || id.is_string())
        .cloned()
}

fn parse_error() -> Event {
    error_reply(None, PARSE_ERROR, "Parse error")
}

fn invalid_request(id: Option<Value>) -> Event {
    error_reply(id, INVALID_REQUEST, "Invalid Request")
}

fn error_reply(id: Option<Value>, code: i64, message: &str) -> Event {
    let reply = json!({
        "jsonrpc": "2.0",
        "id": id.unwrap_or(Value::Null),
        "error": { "code": code, "message": message },
    });
    Event::Reply(serde_json::to_vec(&reply).expect("a JSON value serialises"))
}

/// Replaces every `\uXXXX` escape of a lone UTF-16 surrogate in a JSON text by `\ufffd`, in
/// place (the same six bytes long); returns how many. A backslash in valid JSON always starts
/// an escape inside a string, so escapes are found without tracking strings.
pub fn replace_lone_surrogates(json: &mut [u8]) -> usize {
    let mut replaced = 0;
    let mut at = 0;
    while let Some(found) = json.get(at..).and_then(|rest| memchr::memchr(b'\\', rest)) {
        let escape = at + found;
        let Some(unit) = unicode_escape(&json[escape..]) else {
            at = escape + 2;
            continue;
        };
        let is_high = (0xD800..0xDC00).contains(&unit);
        let is_low = (0xDC00..0xE000).contains(&unit);
        let paired = is_high
            && json
                .get(escape + 6..)
                .and_then(unicode_escape)
                .is_some_and(|next| (0xDC00..0xE000).contains(&next));
        if paired {
            at = escape + 12;
        } else {
            if is_high || is_low {
                json[escape..escape + 6].copy_from_slice(b"\\ufffd");
                replaced += 1;
            }
            at = escape + 6;
        }
    }
    replaced
}

/// The code unit of a `\uXXXX` escape at the start of `bytes`.
fn unicode_escape(bytes: &[u8]) -> Option<u32> {
    let hex = bytes.strip_prefix(b"\\u")?.get(..4)?;
    u32::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()
}

/// Bytes read from the client at a time.
const READ_CHUNK: usize = 64 * 1024;

/// Reads the client's input, forwards the well-formed messages to tower-lsp-server (framed
/// again) and answers the rest through `outbox`, until the input or tower-lsp-server ends.
/// Returning drops `to_server`: tower-lsp-server then sees the end of its input.
pub async fn forward(
    mut input: impl AsyncRead + Unpin,
    mut to_server: impl AsyncWrite + Unpin,
    outbox: Outbox,
) {
    let mut decoder = Decoder::default();
    let mut chunk = vec![0; READ_CHUNK];
    loop {
        while let Some(event) = decoder.next_event() {
            match event {
                Event::Message(body) => {
                    let framed = frame(&body);
                    let written = async {
                        to_server.write_all(&framed).await?;
                        to_server.flush().await
                    };
                    if written.await.is_err() {
                        // tower-lsp-server has stopped (`exit`).
                        return;
                    }
                }
                Event::Reply(body) => outbox.send_frame(frame(&body)).await,
            }
        }
        match input.read(&mut chunk).await {
            Ok(0) => break,
            Ok(read) => decoder.push(&chunk[..read]),
            Err(error) => {
                tracing::error!("cannot read from the client: {error}");
                break;
            }
        }
    }
    if decoder.buffered() > 0 {
        tracing::warn!(
            "the input ended inside a message ({} bytes dropped)",
            decoder.buffered()
        );
    }
}

/// Decodes a whole input at once (tests, fuzzing).
pub fn decode_all(input: &[u8]) -> Vec<Event> {
    let mut decoder = Decoder::default();
    decoder.push(input);
    std::iter::from_fn(|| decoder.next_event()).collect()
}

/// The text of a message body, for logs and tests.
pub fn body_text(body: &[u8]) -> Cow<'_, str> {
    String::from_utf8_lossy(body)
}
