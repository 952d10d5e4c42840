//! The server's log, one line per event, each event in one place:
//!
//! - what happens in the session (ready, with what the client supports; the configuration
//!   loaded or invalid; the index built; a change that had to be repaired) goes to the client
//!   as `window/logMessage` ([`Backend::log`](super::session::Backend::log)), which editors show
//!   in the server's log (VS Code's output channel) with their own time and level;
//! - the server's own internals (a rule that panicked, debug and trace detail) go to stderr,
//!   which editors show as the server's output too: `0.312s WARN message`, the time since the
//!   server started, the level and the message.
//!
//! Before, every message went to both, and VS Code showed each twice. A message with line
//! breaks is folded onto one line. The level comes from the `logLevel` setting (`error`,
//! `warn`, `info`, `debug`, `trace`; default `info`) for both; the `CIO_LSP_LOG` (or `RUST_LOG`)
//! environment variable, when set, decides for stderr (debugging a session as an editor starts
//! it).

use std::fmt;
use std::sync::OnceLock;
use std::time::Instant;

use tower_lsp_server::ls_types::MessageType;
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::filter::{filter_fn, LevelFilter};
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{reload, EnvFilter, Layer, Registry};

/// The level a session starts with.
pub const DEFAULT_LEVEL: LevelFilter = LevelFilter::INFO;

type LevelHandle = reload::Handle<LevelFilter, Registry>;

/// Where `logLevel` goes; unset when the environment chose the filter (or in tests, which run
/// the server without installing this log).
static LEVEL: OnceLock<LevelHandle> = OnceLock::new();

/// Installs the log on stderr (once per process).
pub fn init() {
    let started = Instant::now();
    let from_env = EnvFilter::try_from_env("CIO_LSP_LOG")
        .or_else(|_| EnvFilter::try_from_default_env())
        .ok();
    match from_env {
        Some(filter) => {
            let _ = tracing_subscriber::registry()
                .with(lines(started).with_filter(filter))
                .try_init();
        }
        None => {
            let (level, handle) = reload::Layer::new(DEFAULT_LEVEL);
            if tracing_subscriber::registry()
                .with(level)
                .with(lines(started))
                .try_init()
                .is_ok()
            {
                let _ = LEVEL.set(handle);
            }
        }
    }
}

/// The stderr log's lines: never tower-lsp-server's trace of each message, whose bodies hold
/// the documents' text (and whatever credentials are written in it) at every keystroke. An
/// editor's own trace (VS Code's `cioLsp.trace.server`) shows the messages to whoever asks.
fn lines<S>(started: Instant) -> impl Layer<S>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .event_format(OneLine { started })
        .with_filter(filter_fn(|event| !holds_message_bodies(event.target())))
}

/// Whether a tracing target logs whole JSON-RPC messages.
fn holds_message_bodies(target: &str) -> bool {
    target.starts_with("tower_lsp_server::codec")
}

/// A `logLevel` setting's value.
pub fn parse_level(value: &str) -> Option<LevelFilter> {
    match value.to_ascii_lowercase().as_str() {
        "off" => Some(LevelFilter::OFF),
        "error" => Some(LevelFilter::ERROR),
        "warn" | "warning" => Some(LevelFilter::WARN),
        "info" => Some(LevelFilter::INFO),
        "debug" => Some(LevelFilter::DEBUG),
        "trace" => Some(LevelFilter::TRACE),
        _ => None,
    }
}

/// Applies the `logLevel` setting (a no-op when the environment set the filter).
pub fn set_level(level: LevelFilter) {
    let Some(handle) = LEVEL.get() else {
        return;
    };
    if handle.clone_current() != Some(level) && handle.reload(level).is_ok() {
        tracing::debug!("log level: {level}");
    }
}

/// `0.312s INFO message`, newlines in the message folded so that an event stays one line.
struct OneLine {
    started: Instant,
}

impl<S, N> FormatEvent<S, N> for OneLine
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        let mut message = String::new();
        ctx.format_fields(Writer::new(&mut message), event)?;
        let elapsed = self.started.elapsed().as_secs_f64();
        let level = level_name(*event.metadata().level());
        let message = one_line(&message);
        writeln!(writer, "{elapsed:.3}s {level} {message}")
    }
}

fn level_name(level: Level) -> &'static str {
    match level {
        Level::ERROR => "ERROR",
        Level::WARN => "WARN",
        Level::INFO => "INFO",
        Level::DEBUG => "DEBUG",
        Level::TRACE => "TRACE",
    }
}

/// Whether a message of `kind` is logged at `level`.
pub fn enabled(kind: MessageType, level: LevelFilter) -> bool {
    let of_kind = match kind {
        MessageType::ERROR => Level::ERROR,
        MessageType::WARNING => Level::WARN,
        MessageType::INFO => Level::INFO,
        _ => Level::DEBUG,
    };
    level >= of_kind
}

/// `text` on one line: line breaks (and the indentation after them) become ` · `.
pub fn one_line(text: &str) -> String {
    let mut lines = text.lines().map(str::trim).filter(|line| !line.is_empty());
    let first = lines.next().unwrap_or_default().to_string();
    lines.fold(first, |joined, line| format!("{joined} · {line}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_folded_onto_one_line() {
        assert_eq!(
            one_line("invalid configuration:\n  expected a table\n\n  at line 3"),
            "invalid configuration: · expected a table · at line 3"
        );
        assert_eq!(one_line("ready"), "ready");
    }

    #[test]
    fn levels_are_read_as_the_setting_names_them() {
        assert_eq!(parse_level("warn"), Some(LevelFilter::WARN));
        assert_eq!(parse_level("Warning"), Some(LevelFilter::WARN));
        assert_eq!(parse_level("debug"), Some(LevelFilter::DEBUG));
        assert_eq!(parse_level("loud"), None);
        assert!(enabled(MessageType::WARNING, LevelFilter::WARN));
        assert!(!enabled(MessageType::INFO, LevelFilter::WARN));
        assert!(enabled(MessageType::INFO, LevelFilter::DEBUG));
        assert!(!enabled(MessageType::ERROR, LevelFilter::OFF));
    }
}
