//! Open documents: text in a rope, its syntax tree, a line index and the findings of the
//! current version, all kept up to date incrementally.
//!
//! An edit is converted to byte offsets by the one position converter
//! (`analysis::position::LineIndex`), applied to the rope and the line index, turned into a
//! tree-sitter `InputEdit` and the document is re-parsed with the old tree. Re-analysis then
//! runs the rules only over the functions that the edit touched (see [`Document::reanalyze`]).
//!
//! This module uses no LSP types, so that tests can drive it directly.

mod shift;

use std::ops::Range;
use std::path::PathBuf;
use std::sync::Arc;

use ropey::Rope;
use tree_sitter::{InputEdit, Point, Tree};

use self::shift::{grow_range, overlaps, shift_findings, shift_range, unshift, AppliedEdit};
use crate::analysis::position::{Encoding, LineCol, LineIndex};
use crate::analysis::suppress::{self, Suppressions};
use crate::analysis::syntax::{FieldExt, KindExt};
use crate::analysis::{
    self, syntax, Bindings, FileAnalysis, FileFacts, Finding, Lang, Settings, SourceFile,
    WorkspaceView,
};

/// One content change: a range in the negotiated encoding, or `None` for the whole text.
#[derive(Debug, Clone)]
pub struct Change {
    pub range: Option<(LineCol, LineCol)>,
    pub text: String,
}

/// Applies changes to a plain text buffer (the workspace's open `cio-lsp.toml`: small, not
/// parsed, so no rope or tree). Positions past the end clamp to it.
pub fn apply_to_text(text: &mut String, changes: &[Change], encoding: Encoding) {
    for change in changes {
        match change.range {
            None => text.clone_from(&change.text),
            Some((start, end)) => {
                let index = LineIndex::new(text);
                let start = index.offset_clamped(text, start, encoding);
                let end = index.offset_clamped(text, end, encoding);
                text.replace_range(start.min(end)..end.max(start), &change.text);
            }
        }
    }
}

/// Whether the last analysis looked at the whole file or only at the edited functions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnalysisScope {
    WholeFile,
    /// The byte ranges (top-level statements) that were re-analysed.
    Ranges(usize),
}

pub struct Document {
    pub path: PathBuf,
    pub lang: Lang,
    pub version: i32,
    rope: Rope,
    /// The rope's text as one string, rebuilt once per batch of changes: the parser and the
    /// rules need contiguous text, and an `Arc` lets a request read it without copying.
    text: Arc<str>,
    tree: Tree,
    index: LineIndex,
    /// Edits since the last analysis, and the tree as it was before them (edited to match).
    pending: Vec<AppliedEdit>,
    old_tree: Option<Tree>,
    /// The tree and text of the last analysis, unedited: what the edited functions said
    /// before the edits (a renamed helper, a removed call).
    analysed: Option<(Tree, Arc<str>)>,
    /// The findings of the file's own analysis for the current text.
    local: Vec<Finding>,
    /// Facts and workspace findings from the last whole-file analysis (shifted since).
    pub facts: FileFacts,
    workspace: Vec<Finding>,
    bindings: Option<Bindings>,
    /// The functions the top-level statements declare, as of the last analysis (its offsets).
    declared_functions: Vec<analysis::DeclaredFunction>,
    /// Suppression comments of the current text, and the settings they were judged with
    /// (the unused-suppression level, rules turned off): applied when findings are read.
    suppressions: Suppressions,
    settings: Settings,
    pub last_scope: AnalysisScope,
    pub internal_errors: Vec<String>,
    /// What the last analysis had to say besides findings (a rule out of time).
    pub notices: Vec<analysis::Notice>,
}

impl Document {
    pub fn new(path: PathBuf, lang: Lang, version: i32, text: &str) -> Self {
        Document {
            path,
            lang,
            version,
            rope: Rope::from_str(text),
            text: Arc::from(text),
            tree: analysis::parse(lang, text, None),
            index: LineIndex::new(text),
            pending: Vec::new(),
            old_tree: None,
            analysed: None,
            local: Vec::new(),
            facts: FileFacts::default(),
            workspace: Vec::new(),
            bindings: None,
            declared_functions: Vec::new(),
            suppressions: Suppressions::default(),
            settings: Settings::default(),
            last_scope: AnalysisScope::WholeFile,
            internal_errors: Vec::new(),
            notices: Vec::new(),
        }
    }

    pub fn text(&self) -> &Arc<str> {
        &self.text
    }

    pub fn tree(&self) -> &Tree {
        &self.tree
    }

    pub fn line_index(&self) -> &LineIndex {
        &self.index
    }

    /// Whether edits were applied since the last analysis (its findings then describe an
    /// older text): the analysis of a superseded change is skipped.
    pub fn has_unanalysed_edits(&self) -> bool {
        !self.pending.is_empty()
    }

    /// Local and workspace findings of the current text, sorted, with suppression comments
    /// applied (as `check` does).
    pub fn findings(&self) -> Vec<Finding> {
        let mut all = self.local.clone();
        analysis::merge_workspace_findings(&mut all, self.workspace.clone());
        suppress::apply(&self.text, &self.suppressions, &mut all, &self.settings);
        all
    }

    /// The findings of [`Document::findings`] whose range holds `offset`, without copying the
    /// others when no comment suppresses anything (a hover in a long file copied them all).
    pub fn findings_at(&self, offset: usize) -> Vec<Finding> {
        let holds = |f: &&Finding| f.range.start <= offset && offset <= f.range.end;
        if !self.suppressions.directives.is_empty() {
            return self.findings().iter().filter(holds).cloned().collect();
        }
        // A workspace finding replaces the local one of the same rule and range, which holds
        // `offset` exactly when it does: merging the few here is merging all, here.
        let mut here: Vec<Finding> = self.local.iter().filter(holds).cloned().collect();
        let workspace = self.workspace.iter().filter(holds).cloned().collect();
        analysis::merge_workspace_findings(&mut here, workspace);
        here
    }

    /// [`Document::findings`], borrowed when there is nothing to merge in or suppress (the
    /// usual case): the local findings are kept sorted, and copying all ~900 findings of a
    /// long file, fixes included, on every keystroke cost as much as serialising them.
    pub fn findings_ref(&self) -> std::borrow::Cow<'_, [Finding]> {
        if self.workspace.is_empty() && self.suppressions.directives.is_empty() {
            std::borrow::Cow::Borrowed(&self.local)
        } else {
            std::borrow::Cow::Owned(self.findings())
        }
    }

    /// Applies a batch of changes (one `didChange`) and re-parses. Returns a message for each
    /// change that had to be repaired (a range outside the text is clamped to it: the text the
    /// user typed is never dropped).
    pub fn apply_changes(
        &mut self,
        version: i32,
        changes: &[Change],
        encoding: Encoding,
    ) -> Vec<String> {
        let mut repairs = Vec::new();
        for change in changes {
            match change.range {
                None => self.replace_all(&change.text),
                Some((start, end)) => {
                    let (range, repaired) = self.byte_range(start, end, encoding);
                    if repaired {
                        repairs.push(format!(
                            "{}: change range {}:{}-{}:{} lies outside the document \
                             ({} lines); clamped to it",
                            self.path.display(),
                            start.line,
                            start.col,
                            end.line,
                            end.col,
                            self.index.line_count()
                        ));
                    }
                    self.edit(range, &change.text);
                }
            }
        }
        self.version = version;
        self.text = Arc::from(String::from(&self.rope));
        let old = self.tree.clone();
        self.tree = analysis::parse(self.lang, &self.text, Some(&old));
        // Keep the oldest edited tree of the batch since the last analysis: changed ranges
        // are computed against it.
        if self.old_tree.is_none() {
            self.old_tree = Some(old);
        }
        repairs
    }

    fn byte_range(&self, start: LineCol, end: LineCol, encoding: Encoding) -> (Range<usize>, bool) {
        let rope = &self.rope;
        let offset = |pos| {
            self.index
                .offset_with(pos, encoding, |range| rope.byte_slice(range).into())
        };
        let len = self.index.len();
        let (start, start_ok) = offset(start).map_or((len, false), |o| (o, true));
        let (end, end_ok) = offset(end).map_or((len, false), |o| (o, true));
        (start.min(end)..end.max(start), !(start_ok && end_ok))
    }

    fn replace_all(&mut self, text: &str) {
        let old_len = self.index.len();
        self.edit(0..old_len, text);
    }

    /// One byte-range replacement: rope, line index and tree (`Tree::edit`) move together.
    fn edit(&mut self, range: Range<usize>, new_text: &str) {
        let point = |index: &LineIndex, offset| {
            let (row, column) = index.point(offset);
            Point { row, column }
        };
        let start_position = point(&self.index, range.start);
        let old_end_position = point(&self.index, range.end);
        let start_char = self.rope.byte_to_char(range.start);
        let end_char = self.rope.byte_to_char(range.end);
        self.rope.remove(start_char..end_char);
        self.rope.insert(start_char, new_text);
        self.index.edit(range.clone(), new_text);
        let new_end = range.start + new_text.len();
        let input = InputEdit {
            start_byte: range.start,
            old_end_byte: range.end,
            new_end_byte: new_end,
            start_position,
            old_end_position,
            new_end_position: point(&self.index, new_end),
        };
        self.tree.edit(&input);
        if let Some(old) = self.old_tree.as_mut() {
            old.edit(&input);
        }
        self.pending.push(AppliedEdit {
            start: range.start,
            old_end: range.end,
            new_end,
        });
    }

    pub fn source(&self) -> SourceFile<'_> {
        SourceFile {
            path: &self.path,
            lang: self.lang,
            text: &self.text,
            tree: &self.tree,
        }
    }

    /// Whole-file analysis: local findings and facts. Workspace findings are set separately
    /// ([`Document::set_workspace_findings`]) because they need the updated index.
    pub fn analyze_whole(&mut self, settings: &Settings, workspace: &dyn WorkspaceView) {
        let bindings = analysis::file_bindings(&self.source(), settings, workspace);
        let FileAnalysis {
            findings,
            facts,
            internal_errors,
            suppressions,
            notices,
        } = analysis::analyze_with_bindings(&self.source(), settings, workspace, &bindings);
        self.notices = notices;
        self.suppressions = suppressions;
        self.settings = settings.clone();
        self.bindings = Some(bindings);
        self.declared_functions = analysis::declared_functions(&self.tree, &self.text, None);
        self.local = findings;
        self.facts = facts;
        self.internal_errors = internal_errors;
        self.pending.clear();
        self.old_tree = None;
        self.analysed = Some((self.tree.clone(), self.text.clone()));
        self.last_scope = AnalysisScope::WholeFile;
    }

    /// The Customer.io call at `offset` and what it expects (hover), resolved with the bindings
    /// of the last analysis when it saw the current text, else collected now.
    pub fn call_at(
        &self,
        offset: usize,
        settings: &Settings,
        workspace: &dyn WorkspaceView,
    ) -> Option<(Range<usize>, String)> {
        let collected;
        let bindings = match &self.bindings {
            Some(bindings) if self.pending.is_empty() => bindings,
            _ => {
                collected = analysis::file_bindings(&self.source(), settings, workspace);
                &collected
            }
        };
        let note = analysis::call_at(&self.tree, &self.text, bindings, offset)?;
        Some((note.range(), note.markdown()))
    }

    pub fn set_workspace_findings(&mut self, findings: Vec<Finding>) {
        self.workspace = findings;
    }

    /// Re-analysis after edits: when the file's client bindings are unchanged and every edit
    /// lies inside a function, function-scoped rules run only over the top-level statements
    /// holding the edited functions (their other findings are kept, shifted), and so do
    /// file-scoped rules unless the edited functions are linked by name to others of the file
    /// (a helper and its callers): then they run over the whole file (see
    /// `analysis::linked_by_name`). Anything else (an edit at module
    /// level, where rules see ordering across statements, or a change of which names are
    /// clients) re-analyses the whole file.
    pub fn reanalyze(&mut self, settings: &Settings, workspace: &dyn WorkspaceView) {
        let Some(old_bindings) = self.bindings.as_ref() else {
            return self.analyze_whole(settings, workspace);
        };
        if self.pending.is_empty() {
            return;
        }
        let Some(RangesAnalysis {
            bindings,
            within,
            before,
            linked,
            fresh,
        }) = self.analyze_edited_functions(old_bindings, settings, workspace)
        else {
            return self.analyze_whole(settings, workspace);
        };
        let edits = std::mem::take(&mut self.pending);
        let touched = |range: &Range<usize>| within.iter().any(|w| overlaps(range, w));
        let mut local = std::mem::take(&mut self.local);
        if linked {
            // File-scoped rules were re-run over the whole file: all their findings are fresh.
            local.retain(|f| !analysis::rules::is_file_scoped(&f.rule));
        }
        let mut dropped = shift_findings(&mut local, &edits, &self.path);
        dropped.extend(shift_findings(&mut self.workspace, &edits, &self.path));
        if !dropped.iter().all(touched) {
            // A finding outside the re-analysed statements lost its range or a fix edit (a fix
            // that edits far from its finding): only a whole-file analysis brings it back.
            self.pending = edits;
            return self.analyze_whole(settings, workspace);
        }
        local.retain(|f| !touched(&f.range));
        // Related locations in this file moved with their ranges: recompute their positions.
        for finding in local.iter_mut().chain(self.workspace.iter_mut()) {
            for related in finding
                .related
                .iter_mut()
                .filter(|r| r.location.path == self.path)
            {
                related.location = analysis::Location::new(
                    self.path.clone(),
                    &self.text,
                    &self.index,
                    related.location.range.clone(),
                );
            }
        }
        local.extend(fresh.findings);
        analysis::sort_findings(&mut local);
        self.local = local;
        self.update_declared_functions(&before, &within, &edits);
        self.bindings = Some(bindings);
        self.old_tree = None;
        self.analysed = Some((self.tree.clone(), self.text.clone()));
        self.internal_errors = fresh.internal_errors;
        self.notices = fresh.notices;
        // A keystroke may add or remove a suppression comment anywhere: rescanning is a text
        // search, cheap next to the analysis.
        self.suppressions = suppress::scan(&self.text, &self.tree);
        self.settings = settings.clone();
        self.last_scope = AnalysisScope::Ranges(within.len());
    }

    /// The analysis of the top-level statements holding the edited functions, or `None` when
    /// the edits call for a whole-file analysis (see [`Document::reanalyze`]).
    fn analyze_edited_functions(
        &self,
        old_bindings: &Bindings,
        settings: &Settings,
        workspace: &dyn WorkspaceView,
    ) -> Option<RangesAnalysis> {
        // Every step below looks nodes up in this tree: index it once for all of them.
        let _indexed = syntax::index_tree(&self.tree);
        // The same bindings as a whole-file analysis: configured clients and wrapper packages.
        let bindings = analysis::file_bindings(&self.source(), settings, workspace);
        if !bindings.same_resolution(old_bindings) {
            return None;
        }
        let within = self
            .dirty_ranges()
            .into_iter()
            .map(|range| self.function_statement(range))
            .collect::<Option<Vec<_>>>()?;
        let within = analysis::merge_ranges(within);
        // The same statements in the text of the last analysis.
        let before: Vec<Range<usize>> = within
            .iter()
            .map(|r| unshift(r.start, &self.pending)..unshift(r.end, &self.pending))
            .collect();
        // Rules that follow calls between functions re-check the whole file when the edited
        // functions call, or are called by, other functions of the file.
        // The statements outside `within` are the same before and after the edits: what
        // they declare was read at the last analysis.
        let declared = analysis::declared_outside(&self.declared_functions, &before);
        let linked = analysis::linked_by_name(&self.tree, &self.text, &within, &declared)
            || self.analysed.as_ref().is_none_or(|(tree, text)| {
                analysis::linked_by_name(tree, text, &before, &declared)
            });
        let fresh = analysis::analyze_in_ranges(
            &self.source(),
            settings,
            workspace,
            &bindings,
            &within,
            linked,
        );
        Some(RangesAnalysis {
            bindings,
            within,
            before,
            linked,
            fresh,
        })
    }

    /// Moves the declared functions of the statements outside the re-analysed ones past
    /// `edits` (which all lie inside those statements), and reads the re-analysed ones anew.
    fn update_declared_functions(
        &mut self,
        before: &[Range<usize>],
        within: &[Range<usize>],
        edits: &[AppliedEdit],
    ) {
        let mut declared: Vec<analysis::DeclaredFunction> =
            std::mem::take(&mut self.declared_functions)
                .into_iter()
                .filter(|(range, _)| !analysis::in_any(range.start, before))
                .filter_map(|(range, name)| {
                    let range = edits.iter().try_fold(range, shift_range)?;
                    Some((range, name))
                })
                .collect();
        declared.extend(analysis::declared_functions(
            &self.tree,
            &self.text,
            Some(within),
        ));
        declared.sort_by_key(|(range, _)| range.start);
        self.declared_functions = declared;
    }

    /// Where the text changed since the last analysis, in current byte offsets: the edited
    /// spans plus the ranges whose syntax changed.
    fn dirty_ranges(&self) -> Vec<Range<usize>> {
        if let Some(span) = self.edit_confined_to_a_function_body() {
            return vec![span];
        }
        let mut dirty: Vec<Range<usize>> = Vec::new();
        for edit in &self.pending {
            // Earlier edits' spans move with later edits.
            for range in &mut dirty {
                *range = grow_range(range.clone(), edit);
            }
            dirty.push(edit.start..edit.new_end);
        }
        if let Some(old) = &self.old_tree {
            dirty.extend(
                old.changed_ranges(&self.tree)
                    .map(|r| r.start_byte..r.end_byte),
            );
        }
        dirty
    }

    /// The span of the one edit since the last analysis, when its syntax cannot have changed
    /// beyond the top-level statement that holds it: the edit lies inside the braces of a
    /// function body (so the statement's first token is untouched), and that statement starts
    /// and ends where it did (shifted), has the same kind and parses without errors. The text
    /// after it is unchanged and is parsed from the same state, so the rest of the tree is the
    /// old one; `changed_ranges`, a walk over every top-level statement of both trees and the
    /// costliest step of a keystroke on a long file, is then not needed.
    fn edit_confined_to_a_function_body(&self) -> Option<Range<usize>> {
        let [edit] = self.pending.as_slice() else {
            return None;
        };
        let (old_tree, _) = self.analysed.as_ref()?;
        let old_node =
            syntax::descendant_for_byte_range(old_tree.root_node(), edit.start, edit.old_end)?;
        let old_statement = syntax::top_level_ancestor(old_node);
        let function = std::iter::once(old_node)
            .chain(syntax::ancestors(old_node))
            .find(|node| syntax::is_function(*node))?;
        let body = function
            .field("body")
            .filter(|body| body.kind_name() == "statement_block")?;
        if !(body.start_byte() < edit.start && edit.old_end < body.end_byte()) {
            return None;
        }
        let new_root = self.tree.root_node();
        let new_node = syntax::descendant_for_byte_range(new_root, edit.start, edit.new_end)?;
        let new_statement = syntax::top_level_ancestor(new_node);
        let same_extent = new_statement.start_byte() == old_statement.start_byte()
            && new_statement.end_byte() + edit.old_end == old_statement.end_byte() + edit.new_end;
        let same_statement = same_extent
            && new_statement.id() != new_root.id()
            && new_statement.kind_id() == old_statement.kind_id()
            && !new_statement.has_error();
        same_statement.then_some(edit.start..edit.new_end)
    }

    /// The top-level statement around `range` when `range` lies inside one function, which is
    /// as far as the rules look (function-scoped facts); `None` when it does not.
    fn function_statement(&self, range: Range<usize>) -> Option<Range<usize>> {
        let root = self.tree.root_node();
        let end = range.end.max(range.start + 1).min(self.text.len());
        let node = syntax::descendant_for_byte_range(root, range.start.min(end), end)?;
        let function = std::iter::once(node)
            .chain(syntax::ancestors(node))
            .filter(|n| syntax::is_function(*n))
            .last()?;
        if range.start < function.start_byte() || range.end > function.end_byte() {
            return None;
        }
        Some(syntax::top_level_ancestor(function).byte_range())
    }

    /// Approximate heap bytes: rope, text snapshot, line index, and tree (tree-sitter does not
    /// report its size; ~97 bytes per node is its measured average for these grammars).
    pub fn memory_estimate(&self) -> usize {
        const BYTES_PER_NODE: usize = 97;
        let rope = self.rope.capacity();
        let text = self.text.len();
        let index = self.index.line_count() * std::mem::size_of::<usize>();
        let tree = self.tree.root_node().descendant_count() * BYTES_PER_NODE;
        rope + text + index + tree
    }
}

/// What [`Document::analyze_edited_functions`] found.
struct RangesAnalysis {
    bindings: Bindings,
    /// The re-analysed top-level statements.
    within: Vec<Range<usize>>,
    /// The same statements in the text of the last analysis.
    before: Vec<Range<usize>>,
    /// Whether file-scoped rules were re-run over the whole file.
    linked: bool,
    fresh: FileAnalysis,
}
