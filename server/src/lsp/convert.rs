//! Core values (byte ranges, findings, fixes) ↔ LSP values (ranges in the negotiated encoding,
//! diagnostics, text edits). Every position goes through `analysis::position::LineIndex`.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::OnceLock;

use tower_lsp_server::ls_types::{
    self as lsp, CodeDescription, DiagnosticRelatedInformation, DiagnosticSeverity,
    InitializeParams, NumberOrString, PositionEncodingKind, Uri,
};

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
