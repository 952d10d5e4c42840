//! Runs one generated input the way its row says ([`Drive`]) and measures it.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::generators::{Drive, Input};
use super::process::{self, Finished, Limits, Outcome};
use super::session::{Gone, Session};

/// What one run of a row's input gave.
#[derive(Debug, Clone)]
pub struct Measured {
    /// The row's time: the process's wall time for `check`, the latency for a server row.
    pub time: Duration,
    /// The process's CPU time (user and system), for `check`.
    pub cpu: Option<Duration>,
    pub peak_rss_bytes: u64,
    pub outcome: Outcome,
    /// Extra figures (a server row's median, the findings published).
    pub detail: String,
}

impl Measured {
    pub fn ok(&self) -> bool {
        self.outcome.is_clean_check_exit()
    }
}

/// Runs `input` (already written under `root`) with `binary` as `drive` says.
pub fn measure(
    binary: &Path,
    root: &Path,
    input: &Input,
    drive: Drive,
    limits: Limits,
) -> Measured {
    match drive {
        Drive::Check(format) => {
            let mut command = Command::new(binary);
            command
                .current_dir(root)
                .args(["check", ".", "--no-progress", "--format", format]);
            let finished = process::run(command, limits);
            Measured {
                cpu: Some(finished.cpu),
                ..from_process(finished, String::new())
            }
        }
        Drive::ServerOpen | Drive::ServerTyping { .. } | Drive::ServerHover { .. } => {
            server(binary, root, input, drive, limits)
        }
    }
}

fn from_process(finished: Finished, detail: String) -> Measured {
    Measured {
        time: finished.wall,
        cpu: None,
        peak_rss_bytes: finished.peak_rss_bytes,
        outcome: finished.outcome,
        detail,
    }
}

fn server(binary: &Path, root: &Path, input: &Input, drive: Drive, limits: Limits) -> Measured {
    let (path, text) = input.main_file();
    let uri = format!("file://{}", root.join(path).display());
    let started = Instant::now();
    let Ok(mut session) = Session::start(binary, limits) else {
        return killed(started, limits);
    };
    let result = match drive {
        Drive::ServerOpen => open(&mut session, &uri, text)
            .map(|(time, diagnostics)| (time, format!("{} diagnostics", diagnostics.len()))),
        Drive::ServerTyping { edits } => typing(&mut session, &uri, text, edits),
        Drive::ServerHover { requests } => hover(&mut session, &uri, text, requests),
        Drive::Check(_) => unreachable!(),
    };
    let finished = session.finish();
    match result {
        Ok((time, detail)) => Measured {
            time,
            cpu: None,
            peak_rss_bytes: finished.peak_rss_bytes,
            outcome: Outcome::Exited(0),
            detail,
        },
        Err(Gone) => from_process(finished, String::new()),
    }
}

fn killed(started: Instant, limits: Limits) -> Measured {
    Measured {
        time: started.elapsed().min(limits.time),
        cpu: None,
        peak_rss_bytes: 0,
        outcome: Outcome::Signalled(0),
        detail: "the server did not start".to_string(),
    }
}

/// Opens the document; the time until its diagnostics arrive, and them.
fn open(session: &mut Session, uri: &str, text: &str) -> Result<(Duration, Vec<Value>), Gone> {
    let sent = Instant::now();
    session.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": uri, "languageId": language_id(uri), "version": 1, "text": text } }),
    );
    let (at, diagnostics) = session.diagnostics(uri, 1)?;
    Ok((at - sent, diagnostics))
}

fn language_id(uri: &str) -> &'static str {
    if uri.ends_with(".ts") || uri.ends_with(".tsx") {
        "typescript"
    } else {
        "javascript"
    }
}

/// Types `edits` characters into the string literal nearest the middle of the document, one
/// `didChange` each, back to back; the time from the last one to the diagnostics of its version.
fn typing(
    session: &mut Session,
    uri: &str,
    text: &str,
    edits: usize,
) -> Result<(Duration, String), Gone> {
    let (opened, _) = open(session, uri, text)?;
    let (line, column) = middle_string_literal(text);
    let mut last_sent = Instant::now();
    for i in 0..edits {
        let at = json!({ "line": line, "character": column + i });
        let version = 2 + i as i64;
        last_sent = Instant::now();
        session.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": version },
                    "contentChanges": [{ "range": { "start": at, "end": at }, "text": "x" }] }),
        );
    }
    let (at, diagnostics) = session.diagnostics(uri, 1 + edits as i64)?;
    Ok((
        at - last_sent,
        format!(
            "open {:.0} ms; {} diagnostics",
            opened.as_secs_f64() * 1e3,
            diagnostics.len()
        ),
    ))
}

/// The position just inside the opening quote of the first `name: "` at or after the middle
/// line.
fn middle_string_literal(text: &str) -> (usize, usize) {
    let lines: Vec<&str> = text.lines().collect();
    (lines.len() / 2..lines.len())
        .chain(0..lines.len() / 2)
        .find_map(|line| Some((line, lines[line].find("name: \"")? + "name: \"".len())))
        .expect("the document has an event name")
}

/// Hovers over `requests` identify calls spread over the document, and asks for the code
/// actions of the diagnostic on each; the 99th percentile of all their latencies.
fn hover(
    session: &mut Session,
    uri: &str,
    text: &str,
    requests: usize,
) -> Result<(Duration, String), Gone> {
    let (opened, diagnostics) = open(session, uri, text)?;
    let call_lines: Vec<(usize, usize)> = text
        .lines()
        .enumerate()
        .filter_map(|(line, content)| Some((line, content.find(".identify(")? + 1)))
        .collect();
    let mut latencies = Vec::with_capacity(2 * requests);
    for k in 0..requests {
        let (line, column) = call_lines[k * call_lines.len() / requests];
        let document = json!({ "uri": uri });
        let position = json!({ "line": line, "character": column });
        let (_, latency) = session.request(
            "textDocument/hover",
            json!({ "textDocument": document, "position": position }),
        )?;
        latencies.push(latency);
        let on_line: Vec<&Value> = diagnostics
            .iter()
            .filter(|d| d["range"]["start"]["line"] == line)
            .collect();
        let range = on_line
            .first()
            .map_or(json!({ "start": position, "end": position }), |d| {
                d["range"].clone()
            });
        let (_, latency) = session.request(
            "textDocument/codeAction",
            json!({ "textDocument": document, "range": range,
                    "context": { "diagnostics": on_line } }),
        )?;
        latencies.push(latency);
    }
    latencies.sort();
    let at = |q: f64| latencies[((latencies.len() - 1) as f64 * q).round() as usize];
    Ok((
        at(0.99),
        format!(
            "median {:.2} ms, max {:.2} ms; open {:.0} ms",
            at(0.5).as_secs_f64() * 1e3,
            latencies.last().unwrap().as_secs_f64() * 1e3,
            opened.as_secs_f64() * 1e3
        ),
    ))
}
