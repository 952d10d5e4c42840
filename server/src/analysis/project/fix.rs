//! `check --fix`: every fix-all-safe fix of a workspace applied in place, file by file, round
//! after round, each file written atomically. It lives in the core (not the CLI) so that every
//! caller fixes the same way: the multi-round loop itself is `fix::fix_all_rounds`, shared with
//! the server's fix-all.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::analyze_sources::{FileReport, ProjectReport};
use super::discover::Discovered;
use super::read::{analyze_project, analyze_project_with_index};
use crate::analysis::fix::{fix_all_rounds, MAX_FIX_ROUNDS};
use crate::analysis::pipeline::analyze;
use crate::analysis::resolve::WorkspaceIndex;
use crate::analysis::rules::finding::Applicability;
use crate::analysis::settings::SettingsOf;
use crate::analysis::syntax::{parse, Lang, SourceFile};

/// A file that `fix_project` rewrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixedFile {
    pub path: PathBuf,
    pub fixes_applied: usize,
}

/// A file whose fixes `fix_project` did not apply, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixSkipped {
    pub path: PathBuf,
    pub reason: String,
}

/// What `fix_project` did.
#[derive(Debug, Default)]
pub struct FixSummary {
    pub fixed: Vec<FixedFile>,
    /// Files whose fixes were refused: they would have broken the syntax, or the file
    /// changed since it was read. The file is left as it was.
    pub skipped: Vec<FixSkipped>,
    /// Fixed files that could not be written (I/O errors).
    pub errors: Vec<String>,
}

impl FixSummary {
    pub fn fixes_applied(&self) -> usize {
        self.fixed.iter().map(|f| f.fixes_applied).sum()
    }
}

/// Applies every fix-all-safe fix of the workspace in place, re-analysing each fixed file until
/// nothing changes (at most [`MAX_FIX_ROUNDS`] rounds), writes each changed file atomically,
/// then analyses the workspace again: the returned report holds what is left.
pub fn fix_project(
    root: &Path,
    discovered: &Discovered,
    settings: &dyn SettingsOf,
    on_progress: &(dyn Fn() + Sync),
) -> (FixSummary, ProjectReport) {
    let (report, index) = analyze_project_with_index(root, discovered, settings, on_progress);
    let fixable = report.files.iter().filter(|file| {
        file.findings
            .iter()
            .flat_map(|f| &f.fixes)
            .any(|fix| fix.applicability == Applicability::FixAll)
    });
    let results: Vec<Result<Option<FixedFile>, FixFailure>> = fixable
        .collect::<Vec<_>>()
        .par_iter()
        .map(|file| fix_file(file, &index, settings))
        .collect();
    let mut summary = FixSummary::default();
    for result in results {
        match result {
            Ok(Some(fixed)) => summary.fixed.push(fixed),
            Ok(None) => {}
            Err(FixFailure::Refused(skipped)) => summary.skipped.push(skipped),
            Err(FixFailure::Write(error)) => summary.errors.push(error),
        }
    }
    if summary.fixed.is_empty() {
        return (summary, report);
    }
    // Fixed files changed on disk: the remaining findings come from a fresh analysis.
    let report = analyze_project(root, discovered, settings, &|| {});
    (summary, report)
}

/// Why a file's fixes were not applied.
enum FixFailure {
    Refused(FixSkipped),
    Write(String),
}

fn fix_file(
    file: &FileReport,
    index: &WorkspaceIndex,
    settings: &dyn SettingsOf,
) -> Result<Option<FixedFile>, FixFailure> {
    let refuse = |reason: String| {
        FixFailure::Refused(FixSkipped {
            path: file.path.clone(),
            reason,
        })
    };
    let lang = Lang::from_path(&file.path).unwrap_or(Lang::TypeScript);
    let view = index.view(&file.path);
    let settings = settings.of(&file.path);
    let analyze_text = |text: &str| {
        let tree = parse(lang, text, None);
        let source = SourceFile {
            path: &file.path,
            lang,
            text,
            tree: &tree,
        };
        analyze(&source, settings, &view).findings
    };
    let outcome = fix_all_rounds(&file.text, MAX_FIX_ROUNDS, analyze_text)
        .map_err(|error| refuse(error.to_string()))?;
    if outcome.fixes_applied == 0 || outcome.text == file.text {
        return Ok(None);
    }
    // Safety net: a fix must never break the parse. Rules are tested for this; if one slips,
    // keep the user's file as it was.
    let broke_parse = |text: &str| parse(lang, text, None).root_node().has_error();
    if broke_parse(&outcome.text) && !broke_parse(&file.text) {
        return Err(refuse("they would break the syntax".into()));
    }
    // Users' files are sacred: one edited since it was read keeps the edit.
    if std::fs::read_to_string(&file.path).is_ok_and(|now| now != file.text) {
        return Err(refuse("the file changed since it was read".into()));
    }
    write_atomically(&file.path, &outcome.text).map_err(|error| {
        FixFailure::Write(format!(
            "{}: cannot write the fixed file: {error}",
            file.path.display()
        ))
    })?;
    Ok(Some(FixedFile {
        path: file.path.clone(),
        fixes_applied: outcome.fixes_applied,
    }))
}

/// Replaces `path`'s contents with `text` without ever leaving a half-written file: writes a
/// temporary file in the same directory (so the rename stays on one file system), gives it the
/// original's permissions, then renames it over the original.
pub fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let permissions = std::fs::metadata(path)?.permissions();
    let mut temp = tempfile::Builder::new()
        .prefix(".cio-lsp-fix")
        .tempfile_in(dir)?;
    temp.write_all(text.as_bytes())?;
    temp.as_file().sync_all()?;
    std::fs::set_permissions(temp.path(), permissions)?;
    temp.persist(path).map_err(|error| error.error)?;
    Ok(())
}
