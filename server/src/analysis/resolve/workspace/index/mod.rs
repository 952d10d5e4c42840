//! The facts of every file of a workspace ([`WorkspaceIndex`]) and the answers to cross-file
//! questions they give: which module exports a client or an awaiting helper (following
//! re-exports), which version of a Customer.io package a file runs against, and summaries
//! that workspace rules derive once per state of the index.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

mod resolution;

use super::cache::Cache;
use super::module_resolution::{normalize, ResolveMemo};
use super::packages::Packages;
use super::tsconfig::TsConfigs;
use crate::analysis::resolve::modules::ExportName;
use crate::analysis::resolve::packages::PackageVersion;
use crate::analysis::resolve::sdk::Sdk;
use crate::analysis::resolve::summaries::FunctionSummary;
use crate::analysis::resolve::values::value::{ExportedFunction, Values};
use crate::analysis::resolve::workspace::facts::FileFacts;
use crate::analysis::resolve::workspace::view::{ExportLookup, ImportedExport, WorkspaceView};

/// The facts of every file of a workspace.
#[derive(Debug, Default, Clone)]
pub struct WorkspaceIndex {
    root: PathBuf,
    files: BTreeMap<PathBuf, FileFacts>,
    /// The `package.json` files and lockfiles, by folder.
    packages: Packages,
    /// The `tsconfig.json`/`jsconfig.json` files, by path: how bare imports resolve.
    tsconfigs: TsConfigs,
    /// Which projects the index holds every source file of, so that "no file does X" is a
    /// fact rather than a gap in what was scanned (CIO008). Set by whoever builds the index.
    complete: Coverage,
    /// Summaries over every file that workspace rules derive once per state of the index.
    derived: Derived,
    /// Module resolutions made so far (see [`ResolveMemo`]).
    resolved: ResolveMemo,
    /// Folders (absolute) that start a unit of their own for the workspace rules: version
    /// control roots and `root = true` configurations' folders (see [`Self::unit_of`]).
    unit_roots: std::collections::HashSet<PathBuf>,
}

/// What an index holds whole.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub enum Coverage {
    /// Only some files (named on the command line, open in an editor).
    #[default]
    Partial,
    /// The whole workspace.
    Whole,
    /// These package directories (a `package.json` inside a scanned folder), each with every
    /// file of the package.
    Packages(Vec<PathBuf>),
}

/// Workspace-wide summaries, by name, computed on first use and dropped by any change to the
/// index. Without them a workspace rule that compares each file with every other file (CIO010
/// spellings, CIO016 regions) costs time quadratic in the number of files.
type Derived = Cache<HashMap<&'static str, DerivedValue>>;

type DerivedValue = std::sync::Arc<dyn std::any::Any + Send + Sync>;

/// How many re-exports (`export … from`) an import is followed through. Two hops cover a barrel
/// of barrels; the bound also ends import cycles.
const MAX_REEXPORT_HOPS: usize = 2;

impl WorkspaceIndex {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        WorkspaceIndex {
            root: normalize(&root.into()),
            ..Default::default()
        }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Declares that the index covers a whole project (a scan of a directory holding its
    /// `package.json`), not just the files someone happened to name or open.
    pub fn set_complete(&mut self, complete: bool) {
        self.derived = Derived::default();
        self.set_coverage(if complete {
            Coverage::Whole
        } else {
            Coverage::Partial
        });
    }

    /// Declares what the index holds whole: everything, nothing, or some packages (as a scan
    /// of a monorepo root, or of a folder holding projects, does).
    pub fn set_coverage(&mut self, coverage: Coverage) {
        self.derived = Derived::default();
        self.complete = match coverage {
            Coverage::Packages(dirs) => {
                Coverage::Packages(dirs.iter().map(|d| normalize(d)).collect())
            }
            other => other,
        };
    }

    /// Whether absence across `path`'s package means absence in it (see
    /// [`Self::set_complete`], [`Self::set_complete_packages`]).
    pub fn is_complete_for(&self, path: &Path) -> bool {
        match &self.complete {
            Coverage::Partial => false,
            Coverage::Whole => true,
            Coverage::Packages(dirs) => self
                .package_of(path)
                .is_some_and(|package| dirs.iter().any(|dir| dir == package)),
        }
    }

    /// Declares the folders that start a unit of their own: version-control roots (a
    /// repository usually talks to one Customer.io workspace) and the folders of
    /// configurations with `root = true`.
    pub fn set_unit_roots(&mut self, roots: impl IntoIterator<Item = PathBuf>) {
        self.derived = Derived::default();
        self.unit_roots = roots
            .into_iter()
            .map(|root| normalize(&absolute(&root)))
            .collect();
    }

    /// The unit `path` belongs to, which workspace rules take their scope from (CIO008's
    /// bounce handling, CIO016's regions, CIO010's spellings): the nearest unit root above it,
    /// else the index root (the opened folder, the current directory).
    pub fn unit_of(&self, path: &Path) -> &Path {
        if !self.unit_roots.is_empty() {
            let path = normalize(&absolute(path));
            if let Some(root) = path
                .ancestors()
                .skip(1)
                .find_map(|dir| self.unit_roots.get(dir))
            {
                return root;
            }
        }
        &self.root
    }

    /// [`Self::unit_of`] as an owned key, for summaries grouped by unit.
    pub fn unit_key(&self, path: &Path) -> PathBuf {
        self.unit_of(path).to_path_buf()
    }

    /// The package `path` belongs to: the nearest directory above it, up to the root, that
    /// holds a `package.json`. Workspace rules take their scope from it: in a monorepo each
    /// package is a workspace of its own.
    pub fn package_of(&self, path: &Path) -> Option<&Path> {
        let path = normalize(path);
        let mut dir = path.parent();
        while let Some(current) = dir {
            if let Some(package) = self.packages.manifest_dir(current) {
                return Some(package);
            }
            if current == self.root || current.as_os_str().is_empty() {
                break;
            }
            dir = current.parent();
        }
        None
    }

    pub fn set_file(&mut self, path: &Path, facts: FileFacts) {
        self.derived = Derived::default();
        let path = normalize(path);
        if !self.files.contains_key(&path) {
            self.resolved.forget(&path);
        }
        self.files.insert(path, facts);
    }

    pub fn remove_file(&mut self, path: &Path) {
        self.derived = Derived::default();
        let path = normalize(path);
        if self.files.remove(&path).is_some() {
            self.resolved.forget(&path);
        }
    }

    /// The summary `name` of the whole index, computed by `compute` on first use and kept
    /// until the index changes. `name` must always be used with the same type `T`.
    pub fn derived<T: Send + Sync + 'static>(
        &self,
        name: &'static str,
        compute: impl FnOnce(&WorkspaceIndex) -> T,
    ) -> std::sync::Arc<T> {
        let known = self.derived.lock().get(name).cloned();
        if let Some(value) = known.and_then(|v| v.downcast::<T>().ok()) {
            return value;
        }
        // Computed without the lock: two threads may both compute it, never block each other.
        let value = std::sync::Arc::new(compute(self));
        let shared: DerivedValue = value.clone();
        self.derived.lock().insert(name, shared);
        value
    }

    pub fn file(&self, path: &Path) -> Option<&FileFacts> {
        self.files.get(&normalize(path))
    }

    pub fn files(&self) -> impl Iterator<Item = (&Path, &FileFacts)> {
        self.files
            .iter()
            .map(|(path, facts)| (path.as_path(), facts))
    }

    pub fn file_count(&self) -> usize {
        self.files.len()
    }

    /// Records a `package.json`; `text` that does not parse counts as no dependency.
    pub fn set_package_json(&mut self, path: &Path, text: &str) {
        self.derived = Derived::default();
        self.packages.set_manifest(parent_dir(path), text);
    }

    pub fn remove_package_json(&mut self, path: &Path) {
        self.derived = Derived::default();
        self.packages.remove_manifest(&parent_dir(path));
    }

    /// Records a `tsconfig.json`/`jsconfig.json` (or a config they extend): its `baseUrl` and
    /// `paths`.
    pub fn set_tsconfig(&mut self, path: &Path, text: &str) {
        self.derived = Derived::default();
        self.tsconfigs.set(normalize(path), text);
    }

    pub fn remove_tsconfig(&mut self, path: &Path) {
        self.derived = Derived::default();
        self.tsconfigs.remove(&normalize(path));
    }

    /// Records a lockfile (`package-lock.json`, `yarn.lock`, `pnpm-lock.yaml`): the versions
    /// it installed of the Customer.io packages.
    pub fn set_lockfile(&mut self, path: &Path, text: &str) {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        self.packages.set_lockfile(parent_dir(path), name, text);
    }

    pub fn remove_lockfile(&mut self, path: &Path) {
        self.packages.remove_lockfile(&parent_dir(path));
    }

    /// Whether the lockfile at `path` can tell a version that a `package.json` leaves open
    /// (`latest`, `*`); only those are worth reading.
    pub fn wants_lockfile(&self, path: &Path) -> bool {
        self.packages.wants_lockfile(&parent_dir(path))
    }

    /// The version of `package` that the code of file `path` runs against.
    pub fn package_version(&self, path: &Path, package: &str) -> PackageVersion {
        let path = normalize(path);
        let dir = path.parent().unwrap_or(Path::new(""));
        self.packages.version(dir, &self.root, package)
    }

    /// The view that the analysis of `path` uses.
    pub fn view<'a>(&'a self, path: &Path) -> FileView<'a> {
        FileView {
            index: self,
            path: normalize(path),
            unresolved: std::cell::RefCell::new(Vec::new()),
        }
    }

    /// Files that export a client or a summarised function, directly or through re-exports, for
    /// the text prefilter: a file that names one of their stems may import one and must be
    /// parsed.
    pub fn exporting_stems(&self) -> Vec<String> {
        let mut stems: Vec<String> = self
            .files
            .keys()
            .filter(|path| self.exports_something(path, MAX_REEXPORT_HOPS))
            .filter_map(|path| {
                let stem = path.file_stem()?.to_str()?;
                if stem == "index" {
                    path.parent()?.file_name()?.to_str().map(str::to_string)
                } else {
                    Some(stem.to_string())
                }
            })
            .collect();
        stems.sort();
        stems.dedup();
        stems
    }

    /// Whether `module` exports something cross-file analysis cares about, itself or through
    /// its re-exports.
    fn exports_something(&self, module: &Path, hops_left: usize) -> bool {
        let Some(facts) = self.files.get(module) else {
            return false;
        };
        !facts.exports.is_empty()
            || !facts.functions.is_empty()
            || hops_left > 0
                && facts.reexports.iter().any(|reexport| {
                    self.resolve_module(module, reexport.specifier())
                        .is_some_and(|target| self.exports_something(&target, hops_left - 1))
                })
    }

    /// What `pick` finds for export `name` of `module`, in the module itself or, through its
    /// re-exports, in the module that defines it.
    fn find_export<T>(
        &self,
        module: &Path,
        name: &ExportName,
        pick: &dyn Fn(&FileFacts, &ExportName) -> Option<T>,
        hops_left: usize,
    ) -> Option<T> {
        let facts = self.files.get(module)?;
        if let Some(found) = pick(facts, name) {
            return Some(found);
        }
        if hops_left == 0 {
            return None;
        }
        facts.reexports.iter().find_map(|reexport| {
            let (specifier, imported) = reexport.source_of(name)?;
            let target = self.resolve_module(module, specifier)?;
            self.find_export(&target, &imported, pick, hops_left - 1)
        })
    }
}

/// [`WorkspaceView`] for one file of a [`WorkspaceIndex`].
pub struct FileView<'a> {
    index: &'a WorkspaceIndex,
    path: PathBuf,
    /// The specifiers whose values the analysis asked about but whose module the index does
    /// not hold (it mentions no Customer.io name, so it was not parsed): the project pipeline
    /// parses them and analyses the file again ([`FileView::unresolved_value_modules`]).
    unresolved: std::cell::RefCell<Vec<String>>,
}

impl FileView<'_> {
    /// See the `unresolved` field.
    pub fn unresolved_value_modules(&self) -> Vec<String> {
        self.unresolved.borrow().clone()
    }

    /// The module of `specifier` for a value question, remembering a miss.
    fn value_module(&self, specifier: &str) -> Option<PathBuf> {
        let module = self.index.resolve_module(&self.path, specifier);
        if module.is_none() && self.index.names_workspace_module(&self.path, specifier) {
            let mut unresolved = self.unresolved.borrow_mut();
            if !unresolved.iter().any(|s| s == specifier) {
                unresolved.push(specifier.to_string());
            }
        }
        module
    }
}

impl ExportLookup for FileView<'_> {
    fn names_workspace_module(&self, specifier: &str) -> bool {
        self.index.names_workspace_module(&self.path, specifier)
    }

    fn exported_client(&self, specifier: &str, name: &ExportName) -> Option<Sdk> {
        let module = self.index.resolve_module(&self.path, specifier)?;
        self.index
            .find_export(&module, name, &exported_client, MAX_REEXPORT_HOPS)
    }

    fn exported_summary(&self, specifier: &str, name: &ExportName) -> Option<FunctionSummary> {
        let module = self.index.resolve_module(&self.path, specifier)?;
        self.index
            .find_export(&module, name, &exported_summary, MAX_REEXPORT_HOPS)
    }

    fn exported_values(&self, specifier: &str, name: &ExportName, path: &[&str]) -> Option<Values> {
        let module = self.value_module(specifier)?;
        let pick = |facts: &FileFacts, name: &ExportName| {
            facts
                .exported_values
                .iter()
                .find(|e| {
                    e.export == *name && e.path.iter().map(String::as_str).eq(path.iter().copied())
                })
                .map(|e| e.values.clone())
        };
        self.index
            .find_export(&module, name, &pick, MAX_REEXPORT_HOPS)
    }

    fn exported_function(&self, specifier: &str, name: &ExportName) -> Option<ExportedFunction> {
        let module = self.value_module(specifier)?;
        let pick = |facts: &FileFacts, name: &ExportName| {
            facts
                .exported_functions
                .iter()
                .find(|f| f.export == *name)
                .cloned()
        };
        self.index
            .find_export(&module, name, &pick, MAX_REEXPORT_HOPS)
    }

    /// Resolves the module once for both answers (resolution tries every extension).
    fn imported_export(&self, specifier: &str, name: &ExportName) -> ImportedExport {
        let Some(module) = self.index.resolve_module(&self.path, specifier) else {
            return ImportedExport::default();
        };
        ImportedExport {
            client: self
                .index
                .find_export(&module, name, &exported_client, MAX_REEXPORT_HOPS),
            function: self
                .index
                .find_export(&module, name, &exported_summary, MAX_REEXPORT_HOPS),
        }
    }
}

/// The client a file's facts say it exports as `name`.
fn exported_client(facts: &FileFacts, name: &ExportName) -> Option<Sdk> {
    let (_, sdk) = facts.exports.iter().find(|(export, _)| export == name)?;
    Some(*sdk)
}

/// The function summary a file's facts say it exports as `name`.
fn exported_summary(facts: &FileFacts, name: &ExportName) -> Option<FunctionSummary> {
    facts
        .functions
        .iter()
        .find(|(export, _)| export == name)
        .map(|(_, summary)| summary.clone())
}

impl WorkspaceView for FileView<'_> {
    fn package_version(&self, package: &str) -> PackageVersion {
        self.index.package_version(&self.path, package)
    }

    fn root(&self) -> Option<&Path> {
        Some(self.index.root())
    }
}

/// The folder of a `package.json` or lockfile, as the index keys it.
fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

fn parent_dir(path: &Path) -> PathBuf {
    normalize(path.parent().unwrap_or(Path::new("")))
}

#[cfg(test)]
mod tests;
