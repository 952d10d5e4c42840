//! Core values (byte ranges, findings, fixes) ↔ LSP values (ranges in the negotiated encoding,
//! diagnostics, text edits). Every position goes through `analysis::position::LineIndex`.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::ops::Range;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use rustc_hash::FxHashMap;
use serde_json::value::RawValue;

use tower_lsp_server::ls_types::{
    self as lsp, CodeDescription, DiagnosticRelatedInformation, DiagnosticSeverity,
    InitializeParams, NumberOrString, PositionEncodingKind, TextDocumentContentChangeEvent, Uri,
};

use super::documents::Change;
use crate::analysis::config::ConfigError;
use crate::analysis::position::{Encoding, LineCol, LineIndex};
use crate::analysis::{self, suppress, Finding, Location, Severity};

/// Diagnostics, hovers and log messages name the server this way.
pub const SOURCE: &str = "cio-lsp";

/// UTF-8 when the client offers it (no conversion cost, exact byte columns), else the LSP
/// default UTF-16.
pub fn negotiate_encoding(params: &InitializeParams) -> Encoding {
    let offered = params
        .capabilities
        .general
        .as_ref()
        .and_then(|general| general.position_encodings.as_ref());
    match offered {
        Some(kinds) if kinds.contains(&PositionEncodingKind::UTF8) => Encoding::Utf8,
        _ => Encoding::Utf16,
    }
}

pub fn encoding_kind(encoding: Encoding) -> PositionEncodingKind {
    match encoding {
        Encoding::Utf8 => PositionEncodingKind::UTF8,
        Encoding::Utf16 => PositionEncodingKind::UTF16,
    }
}

pub fn line_col(position: lsp::Position) -> LineCol {
    LineCol {
        line: position.line,
        col: position.character,
    }
}

pub fn position(at: LineCol) -> lsp::Position {
    lsp::Position::new(at.line, at.col)
}

/// The file path of a document URI; for a URI that names no file (`untitled:…`), its path part.
pub fn path_of(uri: &Uri) -> PathBuf {
    uri.to_file_path()
        .map(|p| p.into_owned())
        .unwrap_or_else(|| PathBuf::from(uri.path().as_str()))
}

/// One `didChange` content change, its range still in the negotiated encoding.
pub fn change(change: TextDocumentContentChangeEvent) -> Change {
    Change {
        range: change.range.map(|r| (line_col(r.start), line_col(r.end))),
        text: change.text,
    }
}

/// The text a document had when its findings were computed, for converting their byte ranges.
pub struct Snapshot<'a> {
    pub text: &'a str,
    pub index: &'a LineIndex,
    pub encoding: Encoding,
}

impl Snapshot<'_> {
    pub fn range(&self, range: &Range<usize>) -> lsp::Range {
        let at = |offset| position(self.index.position(self.text, offset, self.encoding));
        lsp::Range::new(at(range.start), at(range.end))
    }

    /// Byte range of an LSP range; positions past the end clamp to the end.
    pub fn byte_range(&self, range: lsp::Range) -> Range<usize> {
        let at = |p| {
            self.index
                .offset_clamped(self.text, line_col(p), self.encoding)
        };
        let (start, end) = (at(range.start), at(range.end));
        start.min(end)..end.max(start)
    }

    pub fn text_edits(&self, edits: &[analysis::TextEdit]) -> Vec<lsp::TextEdit> {
        edits
            .iter()
            .map(|edit| lsp::TextEdit::new(self.range(&edit.range), edit.new_text.clone()))
            .collect()
    }

    /// The finding as a diagnostic. Takes the finding by value: its rule id and message move
    /// into the diagnostic instead of being copied (this runs for every finding of the file on
    /// every keystroke).
    pub fn diagnostic(&self, finding: Finding) -> lsp::Diagnostic {
        let related: Vec<DiagnosticRelatedInformation> = finding
            .related
            .into_iter()
            .filter_map(|related| {
                Some(DiagnosticRelatedInformation {
                    location: location(&related.location, self.encoding)?,
                    message: related.message,
                })
            })
            .collect();
        // Editors fade an unused suppression comment, as they do unused code.
        let tags = (finding.rule == suppress::UNUSED_SUPPRESSION)
            .then(|| vec![lsp::DiagnosticTag::UNNECESSARY]);
        lsp::Diagnostic {
            range: self.range(&finding.range),
            severity: Some(severity(finding.severity)),
            code_description: docs_uri(&finding.rule).map(|href| CodeDescription { href }),
            code: Some(NumberOrString::String(finding.rule)),
            source: Some(SOURCE.to_string()),
            message: finding.message,
            related_information: (!related.is_empty()).then_some(related),
            tags,
            data: None,
        }
    }
}

/// The JSON of a document's diagnostics as last published, by a hash of everything a
/// diagnostic says. A keystroke leaves almost every finding as it was (same rule, message and
/// line/column range: the edit only moved its bytes), and serialising all ~900 diagnostics of
/// a long file again cost more instructions than re-analysing the edit.
#[derive(Default)]
pub struct DiagnosticsJson {
    by_content: FxHashMap<u64, Arc<RawValue>>,
}

impl Snapshot<'_> {
    /// The diagnostics of `findings`, serialised, reusing the JSON of those that `cache` saw
    /// last time; afterwards `cache` holds just these.
    pub fn diagnostics_json(
        &self,
        findings: &[Finding],
        cache: &mut DiagnosticsJson,
    ) -> Vec<Arc<RawValue>> {
        let mut current = FxHashMap::with_capacity_and_hasher(findings.len(), Default::default());
        let json = findings
            .iter()
            .map(|finding| {
                let key = self.content_hash(finding);
                let json = cache.by_content.get(&key).cloned().unwrap_or_else(|| {
                    let diagnostic = self.diagnostic(finding.clone());
                    let raw = serde_json::value::to_raw_value(&diagnostic)
                        .expect("an LSP diagnostic serialises");
                    Arc::from(raw)
                });
                current.insert(key, json.clone());
                json
            })
            .collect();
        cache.by_content = current;
        json
    }

    /// A hash of what [`Snapshot::diagnostic`] makes of `finding` (its fixes are not part of
    /// it). SipHash: a collision would show another finding's text, so not a fast weak hash.
    fn content_hash(&self, finding: &Finding) -> u64 {
        let mut hasher = std::hash::DefaultHasher::new();
        let mut positions = |at: LineCol| {
            hasher.write_u32(at.line);
            hasher.write_u32(at.col);
        };
        let range = &finding.range;
        positions(self.index.position(self.text, range.start, self.encoding));
        positions(self.index.position(self.text, range.end, self.encoding));
        (self.encoding == Encoding::Utf8).hash(&mut hasher);
        finding.rule.hash(&mut hasher);
        finding.severity.hash(&mut hasher);
        finding.message.hash(&mut hasher);
        for related in &finding.related {
            let location = &related.location;
            location.path.hash(&mut hasher);
            for at in [location.start(self.encoding), location.end(self.encoding)] {
                hasher.write_u32(at.line);
                hasher.write_u32(at.col);
            }
            related.message.hash(&mut hasher);
        }
        hasher.finish()
    }
}

/// The rule's documentation URL, parsed once per rule (diagnostics are rebuilt on every
/// keystroke, for every finding of the file).
fn docs_uri(rule_id: &str) -> Option<Uri> {
    static URIS: OnceLock<Vec<(&'static str, Option<Uri>)>> = OnceLock::new();
    let uris = URIS.get_or_init(|| {
        analysis::rules::RULES
            .iter()
            .map(|rule| (rule.id, analysis::docs_url(rule).parse().ok()))
            .collect()
    });
    uris.iter()
        .find(|(id, _)| *id == rule_id)
        .and_then(|(_, uri)| uri.clone())
}

/// The diagnostic code of a mistake in `cio-lsp.toml`.
pub const CONFIG_ERROR_CODE: &str = "invalid-config";

/// A mistake in `cio-lsp.toml` (`text`) as an error on the file, at the mistake's span, naming
/// the key.
pub fn config_diagnostic(error: &ConfigError, text: &str, encoding: Encoding) -> lsp::Diagnostic {
    let index = LineIndex::new(text);
    let snapshot = Snapshot {
        text,
        index: &index,
        encoding,
    };
    let span = error.span.clone().unwrap_or(0..0);
    let message = match &error.key {
        Some(key) => format!("key `{key}`: {}", error.message),
        None => error.message.clone(),
    };
    lsp::Diagnostic {
        range: snapshot.range(&(span.start.min(text.len())..span.end.min(text.len()))),
        severity: Some(DiagnosticSeverity::ERROR),
        code: Some(NumberOrString::String(CONFIG_ERROR_CODE.into())),
        source: Some(SOURCE.to_string()),
        message,
        ..Default::default()
    }
}

pub fn severity(severity: Severity) -> DiagnosticSeverity {
    match severity {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info => DiagnosticSeverity::INFORMATION,
        Severity::Hint => DiagnosticSeverity::HINT,
    }
}

/// A core location (positions precomputed in both encodings) as an LSP location.
pub fn location(location: &Location, encoding: Encoding) -> Option<lsp::Location> {
    let uri = Uri::from_file_path(&location.path)?;
    Some(lsp::Location::new(
        uri,
        lsp::Range::new(
            position(location.start(encoding)),
            position(location.end(encoding)),
        ),
    ))
}

/// A workspace edit that changes one document.
pub fn document_edit(uri: &Uri, edits: Vec<lsp::TextEdit>) -> lsp::WorkspaceEdit {
    lsp::WorkspaceEdit {
        changes: Some(HashMap::from([(uri.clone(), edits)])),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::Related;
    use std::path::PathBuf;

    fn json_of(snapshot: &Snapshot, finding: &Finding) -> String {
        serde_json::to_string(&snapshot.diagnostic(finding.clone())).unwrap()
    }

    #[test]
    fn serialised_diagnostics_are_reused_only_for_the_same_content() {
        let text = "a();\ncio.track(id, { at: Date.now() });\n";
        let moved = format!(" {text}");
        let index = LineIndex::new(text);
        let moved_index = LineIndex::new(&moved);
        let snapshot = Snapshot {
            text,
            index: &index,
            encoding: Encoding::Utf16,
        };
        let at = text.find("Date").unwrap();
        let finding = Finding::new("CIO002", Severity::Error, at..at + 10, "ms".into());
        let mut cache = DiagnosticsJson::default();
        let first = snapshot.diagnostics_json(std::slice::from_ref(&finding), &mut cache);
        assert_eq!(first[0].get(), json_of(&snapshot, &finding));

        // Same line and column, other bytes (an edit on an earlier line): reused.
        let later = Snapshot {
            text: &moved,
            index: &moved_index,
            encoding: Encoding::Utf16,
        };
        let shifted = Finding {
            range: at + 1..at + 11,
            ..finding.clone()
        };
        assert_eq!(later.range(&shifted.range), snapshot.range(&finding.range));
        let again = later.diagnostics_json(std::slice::from_ref(&shifted), &mut cache);
        assert!(Arc::ptr_eq(&first[0], &again[0]));

        // Each part of what the diagnostic says makes a new one.
        let related = Related {
            location: Location::new(PathBuf::from("/p/a.ts"), text, &index, 0..3),
            message: "here".into(),
        };
        let variants = [
            Finding {
                message: "other".into(),
                ..finding.clone()
            },
            Finding {
                severity: Severity::Warning,
                ..finding.clone()
            },
            Finding {
                rule: "CIO012".into(),
                ..finding.clone()
            },
            Finding {
                range: at..at + 4,
                ..finding.clone()
            },
            finding.clone().with_related(related.clone()),
            finding.clone().with_related(Related {
                message: "there".into(),
                ..related
            }),
        ];
        for variant in &variants {
            snapshot.diagnostics_json(std::slice::from_ref(&finding), &mut cache);
            let json = snapshot.diagnostics_json(std::slice::from_ref(variant), &mut cache);
            assert_eq!(json[0].get(), json_of(&snapshot, variant));
        }
        // The cache keeps only the last publication's diagnostics.
        assert_eq!(cache.by_content.len(), 1);
    }
}
