//! `--format sarif`: SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
//!
//! - `runs[0].tool.driver`: `informationUri` (the project's home, from Cargo.toml), and in
//!   `rules` every built-in rule (id, name, short and full description, `helpUri` to its docs,
//!   help as text and Markdown from the rule's docs, default level); `ruleIndex` points here.
//! - `results`: one per finding; `artifactLocation.uri` is relative to `%SRCROOT%` (the
//!   directory paths are reported from, also given as an absolute `file:` URI in
//!   `originalUriBaseIds`); regions are 1-based with UTF-16 columns (`columnKind`
//!   `utf16CodeUnits`, SARIF's default) and an exclusive end column.
//! - `relatedLocations` for related information, `fixes` with `artifactChanges` for every fix.
//! - Files that could not be read are `toolExecutionNotifications` of the run's invocation
//!   (what an ignore rule left out is not a problem of the run, and is not listed).

use std::io::{self, Write};
use std::path::Path;

use serde::Serialize;
use serde_json::{json, Value};

use super::{per_finding, DisplayBase, ReportContext, Span, Streamed};
use crate::analysis::position::LineIndex;
use crate::analysis::project::FileReport;
use crate::analysis::rules::{docs, Rule, RULES};
use crate::analysis::{docs_url, HOMEPAGE};
use crate::analysis::{Finding, Severity};

pub const SARIF_SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const SRCROOT: &str = "%SRCROOT%";

/// Writes the log with its results serialised one at a time, as they are made.
pub fn print(out: &mut dyn Write, ctx: &ReportContext) -> io::Result<()> {
    let results = per_finding(ctx, |file, index, finding| {
        result(ctx.base, file, index, finding)
    });
    let skipped = ctx
        .report
        .skipped
        .iter()
        .filter(|skipped| !skipped.ignored)
        .map(|skipped| {
            json!({
                "level": "note",
                "message": { "text": format!("skipped: {}", skipped.reason) },
                "locations": [{ "physicalLocation": {
                    "artifactLocation": artifact_location(ctx.base, &skipped.path),
                } }],
            })
        });
    let notices = ctx.report.notices.iter().map(|notice| {
        let mut location = json!({ "artifactLocation": artifact_location(ctx.base, &notice.path) });
        if let Some(at) = &notice.at {
            location["region"] = region(Span::of_location(at));
        }
        let mut notification = json!({
            "level": "warning",
            "message": { "text": notice.message },
            "locations": [{ "physicalLocation": location }],
        });
        if let Some(rule) = &notice.rule {
            notification["associatedRule"] = json!({ "id": rule });
        }
        notification
    });
    let notifications: Vec<Value> = skipped.chain(notices).collect();
    let driver = json!({
        "name": "cio-lsp",
        "version": env!("CARGO_PKG_VERSION"),
        "semanticVersion": env!("CARGO_PKG_VERSION"),
        "informationUri": HOMEPAGE,
        "rules": RULES.iter().map(rule_descriptor).collect::<Vec<_>>(),
    });
    let log = Log {
        schema: SARIF_SCHEMA,
        version: "2.1.0",
        runs: [Run {
            tool: json!({ "driver": driver }),
            original_uri_base_ids: json!({
                SRCROOT: { "uri": directory_uri(ctx.base.path()) },
            }),
            column_kind: "utf16CodeUnits",
            invocations: json!([{
                "executionSuccessful": true,
                "toolExecutionNotifications": notifications,
            }]),
            results: Streamed::new(results),
        }],
    };
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

/// The SARIF log, its properties in the order they were always written.
#[derive(Serialize)]
#[serde(bound = "")]
struct Log<I: Iterator<Item = Value>> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<I>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase", bound = "")]
struct Run<I: Iterator<Item = Value>> {
    tool: Value,
    original_uri_base_ids: Value,
    column_kind: &'static str,
    invocations: Value,
    results: Streamed<I>,
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info | Severity::Hint => "note",
    }
}

fn rule_descriptor(rule: &Rule) -> Value {
    json!({
        "id": rule.id,
        "name": rule.name,
        "shortDescription": { "text": rule.summary },
        "fullDescription": {
            "text": full_description(rule).replace("**", ""),
            "markdown": full_description(rule),
        },
        "helpUri": docs_url(rule),
        "help": { "text": rule.docs, "markdown": rule.docs },
        "defaultConfiguration": { "level": level(rule.severity) },
        "properties": { "tags": ["customer.io"] },
    })
}

/// Why a rule's mistake matters, on one line: the prose of its page's `## In short` section
/// (Markdown), else its one-line summary.
fn full_description(rule: &Rule) -> String {
    docs::why(rule.docs).map_or_else(
        || rule.summary.to_string(),
        |why| why.split_whitespace().collect::<Vec<_>>().join(" "),
    )
}

fn result(base: &DisplayBase, file: &FileReport, index: &LineIndex, finding: &Finding) -> Value {
    let mut result = json!({
        "ruleId": finding.rule,
        "level": level(finding.severity),
        "message": { "text": finding.message },
        "locations": [{ "physicalLocation": {
            "artifactLocation": artifact_location(base, &file.path),
            "region": region(Span::new(&file.text, index, &finding.range)),
        } }],
    });
    if let Some(position) = RULES.iter().position(|rule| rule.id == finding.rule) {
        result["ruleIndex"] = json!(position);
    }
    if !finding.related.is_empty() {
        result["relatedLocations"] = finding
            .related
            .iter()
            .enumerate()
            .map(|(id, related)| {
                json!({
                    "id": id,
                    "message": { "text": related.message },
                    "physicalLocation": {
                        "artifactLocation": artifact_location(base, &related.location.path),
                        "region": region(Span::of_location(&related.location)),
                    },
                })
            })
            .collect();
    }
    if !finding.fixes.is_empty() {
        result["fixes"] = finding
            .fixes
            .iter()
            .map(|fix| {
                json!({
                    "description": { "text": fix.title },
                    "artifactChanges": [{
                        "artifactLocation": artifact_location(base, &file.path),
                        "replacements": fix.edits.iter().map(|edit| json!({
                            "deletedRegion": region(Span::new(&file.text, index, &edit.range)),
                            "insertedContent": { "text": edit.new_text },
                        })).collect::<Vec<_>>(),
                    }],
                })
            })
            .collect();
    }
    result
}

fn region(span: Span) -> Value {
    json!({
        "startLine": span.start_line,
        "startColumn": span.start_column,
        "endLine": span.end_line,
        "endColumn": span.end_column,
    })
}

/// A path relative to `%SRCROOT%`, or an absolute `file:` URI for a file outside it.
fn artifact_location(base: &DisplayBase, path: &Path) -> Value {
    match base.relative(path) {
        Some(relative) => json!({ "uri": percent_encode(&relative), "uriBaseId": SRCROOT }),
        None => json!({ "uri": file_uri(&base.display(path)) }),
    }
}

fn directory_uri(dir: &Path) -> String {
    let mut uri = file_uri(&dir.to_string_lossy().replace('\\', "/"));
    if !uri.ends_with('/') {
        uri.push('/');
    }
    uri
}

fn file_uri(absolute: &str) -> String {
    let bytes = absolute.as_bytes();
    let has_drive = bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':';
    if has_drive {
        // A Windows drive path, `C:/…`: the drive's `:` stays as it is.
        format!(
            "file:///{}{}",
            &absolute[..2],
            percent_encode(&absolute[2..])
        )
    } else {
        format!("file://{}", percent_encode(absolute))
    }
}

/// Percent-encodes everything but RFC 3986 unreserved characters and `/` (a `:` would read as
/// a URI scheme in a relative reference).
fn percent_encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_become_uris() {
        assert_eq!(percent_encode("src/a b/ü.ts"), "src/a%20b/%C3%BC.ts");
        assert_eq!(file_uri("/home/x y/a.ts"), "file:///home/x%20y/a.ts");
        assert_eq!(file_uri("C:/src/a.ts"), "file:///C:/src/a.ts");
        assert_eq!(percent_encode("a:b.ts"), "a%3Ab.ts");
    }

    #[test]
    fn every_rule_has_a_full_description() {
        for rule in RULES {
            let description = full_description(rule);
            assert_ne!(description, rule.summary, "{}", rule.id);
            assert!(
                !description.contains('\n') && !description.starts_with("**"),
                "{}",
                rule.id
            );
        }
    }
}
