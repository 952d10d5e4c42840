//! Which files a project check reads: discovery, by the JavaScript tools' convention (the
//! `.gitignore` and `.ignore` files, the configuration's `ignore` globs; only `node_modules` and
//! version-control folders are left out by name), and reading a source file (size limit,
//! minified content). What discovery leaves out can be accounted for, file or folder, with why.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use super::configs::ConfigLookup;
use crate::analysis::config::IgnoreGlobs;
use crate::analysis::resolve::packages::is_lockfile_name;
use crate::analysis::syntax::Lang;

pub use crate::analysis::resolve::workspace::tsconfig::is_config_file as is_tsconfig;

/// Files larger than this are skipped with a note (generated bundles, fixtures).
pub const MAX_FILE_BYTES: u64 = 2 * 1024 * 1024;

/// A file or folder that was not analysed, and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Skipped {
    pub path: PathBuf,
    pub reason: String,
    /// Left out by a rule (an ignore file, the configuration, `node_modules`) rather than
    /// because it could not be read as a source: reports list these only on request.
    #[serde(skip)]
    pub ignored: bool,
    /// Named on the command line: worth a notice, as ESLint's "File ignored".
    #[serde(skip)]
    pub explicit: bool,
}

impl Skipped {
    pub fn unreadable(path: PathBuf, reason: impl Into<String>) -> Self {
        Skipped {
            path,
            reason: reason.into(),
            ignored: false,
            explicit: false,
        }
    }

    fn ignored(path: PathBuf, reason: &str) -> Self {
        Skipped {
            ignored: true,
            ..Skipped::unreadable(path, reason)
        }
    }
}

/// Why discovery leaves something out.
pub const IGNORED_BY_IGNORE_FILE: &str = "ignored by .gitignore or .ignore";
pub const IGNORED_BY_CONFIG: &str = "ignored by the configuration's `ignore`";
pub const IGNORED_DEPENDENCIES: &str = "dependencies (node_modules)";
pub const NOT_A_SOURCE: &str = "not a JavaScript or TypeScript file";
pub const MINIFIED_NAME: &str = "minified file (by its name)";
/// A symbolic link whose target lies outside every checked path: neither checked nor fixed
/// (`--fix` must never write through it to a file elsewhere on the machine).
pub const LINK_OUTSIDE: &str = "symbolic link to a file outside the checked folders";
pub const LINK_OUTSIDE_DIR: &str = "symbolic link to a folder outside the checked folders";

/// What discovery found under the given paths.
#[derive(Debug, Default)]
pub struct Discovered {
    pub sources: Vec<PathBuf>,
    pub package_jsons: Vec<PathBuf>,
    /// Lockfiles (`package-lock.json`, `yarn.lock`, `pnpm-lock.yaml`): read only when a
    /// `package.json` leaves a Customer.io package's version open.
    pub lockfiles: Vec<PathBuf>,
    /// `tsconfig*.json` and `jsconfig*.json`: how bare imports resolve (`baseUrl`, `paths`).
    pub tsconfigs: Vec<PathBuf>,
    pub skipped: Vec<Skipped>,
    /// Paths that do not exist or cannot be walked (usage errors).
    pub errors: Vec<String>,
    /// The given directories, walked whole: a package.json found in one of them marks a
    /// project the scan covers entirely, where workspace rules may conclude from absence
    /// (CIO008).
    pub scanned_dirs: Vec<PathBuf>,
    /// When set, only these sources are reported (and fixed): the others are read as their
    /// context (see `project::context`).
    pub reported: Option<HashSet<PathBuf>>,
    /// Folders that start a unit of their own for the workspace rules: the repositories
    /// (version-control roots) found in or above the given paths, and the folders of
    /// configurations with `root = true`.
    pub unit_roots: Vec<PathBuf>,
}

/// How to discover.
#[derive(Debug, Default, Clone, Copy)]
pub struct DiscoverOptions<'a> {
    /// The configuration's `ignore` globs.
    pub ignore: Option<&'a IgnoreGlobs>,
    /// The configurations of the tree: each path is also matched against the `ignore` globs
    /// of the configuration that governs it (the nearest `cio-lsp.toml`, in a monorepo).
    pub configs: Option<&'a Arc<ConfigLookup>>,
    /// Also list what the ignore files left out (a second walk of the kept folders): for
    /// reports, not for the language server's index.
    pub account_skipped: bool,
}

/// Walks `paths` (files or directories) respecting `.gitignore` and `.ignore`, skipping
/// `node_modules`, version-control folders and minified files.
pub fn discover(paths: &[PathBuf]) -> Discovered {
    discover_with(paths, DiscoverOptions::default())
}

/// Like [`discover`], also skipping what the configuration's `ignore` globs match.
pub fn discover_ignoring(paths: &[PathBuf], ignore: Option<&IgnoreGlobs>) -> Discovered {
    discover_with(
        paths,
        DiscoverOptions {
            ignore,
            configs: None,
            account_skipped: false,
        },
    )
}

pub fn discover_with(paths: &[PathBuf], options: DiscoverOptions) -> Discovered {
    let mut found = Discovered::default();
    let roots: Vec<PathBuf> = paths.iter().filter_map(|p| p.canonicalize().ok()).collect();
    for path in paths {
        if !path.exists() {
            found
                .errors
                .push(format!("{}: no such file or directory", path.display()));
        } else if path.is_dir() {
            found.scanned_dirs.push(path.clone());
            found.unit_roots.extend(repository_above(path));
            walk(path, &roots, options, &mut found);
        } else {
            add_given_file(path, options, &mut found);
        }
    }
    found.sources.sort();
    found.sources.dedup();
    found.package_jsons.sort();
    found.package_jsons.dedup();
    found.lockfiles.sort();
    found.lockfiles.dedup();
    found.tsconfigs.sort();
    found.tsconfigs.dedup();
    found.skipped.sort_by(|a, b| a.path.cmp(&b.path));
    found.skipped.dedup_by(|a, b| a.path == b.path);
    if let Some(configs) = options.configs {
        let units = configs.configs().into_iter().filter(|c| c.starts_unit);
        found.unit_roots.extend(units.map(|c| c.root.clone()));
    }
    found.unit_roots.sort();
    found.unit_roots.dedup();
    found
}

/// The repository that `dir` lies in, if any: the nearest folder at or above it that holds
/// version-control metadata.
pub fn repository_above(dir: &Path) -> Option<PathBuf> {
    let dir = std::path::absolute(dir).ok()?;
    dir.ancestors()
        .find(|current| {
            REPOSITORY_MARKERS
                .iter()
                .any(|marker| current.join(marker).exists())
        })
        .map(Path::to_path_buf)
}

/// What marks a repository's root folder (`.git` is a file in a worktree or a submodule).
/// Subversion is left out: old checkouts have a `.svn` in every folder.
const REPOSITORY_MARKERS: &[&str] = &[".git", ".hg", ".jj"];

/// A file named on the command line: checked when it is a source the configuration does not
/// ignore (ignore files do not apply to it, as with git itself), else reported as skipped.
fn add_given_file(path: &Path, options: DiscoverOptions, found: &mut Discovered) {
    let ignored = |p: &Path| {
        options.ignore.is_some_and(|globs| globs.is_ignored(p))
            || options.configs.is_some_and(|configs| configs.is_ignored(p))
    };
    let reason = if path.ancestors().any(ignored) {
        Some(IGNORED_BY_CONFIG)
    } else if path.file_name().is_some_and(|n| n == "package.json") {
        found.package_jsons.push(path.to_path_buf());
        return;
    } else if is_lockfile(path) {
        found.lockfiles.push(path.to_path_buf());
        return;
    } else if is_tsconfig(path) {
        found.tsconfigs.push(path.to_path_buf());
        return;
    } else if Lang::from_path(path).is_none() {
        Some(NOT_A_SOURCE)
    } else if is_minified_name(path) {
        Some(MINIFIED_NAME)
    } else {
        None
    };
    match reason {
        Some(reason) => found.skipped.push(Skipped {
            explicit: true,
            ..Skipped::ignored(path.to_path_buf(), reason)
        }),
        None => found.sources.push(path.to_path_buf()),
    }
}

/// Walks one given directory with the standard filters of the `ignore` crate. Symbolic links
/// are not followed; those that lead outside every one of the canonical `roots` are recorded.
fn walk(root: &Path, roots: &[PathBuf], options: DiscoverOptions, found: &mut Discovered) {
    // Left out here by name or by the configuration, recorded as the walk meets them.
    let left_out = Arc::new(Mutex::new(Vec::new()));
    // Repositories nested in the walked folder (their metadata is met, never entered).
    let repositories = Arc::new(Mutex::new(Vec::new()));
    let walker = ignore::WalkBuilder::new(root)
        .hidden(false)
        .git_ignore(true)
        .require_git(false)
        .filter_entry({
            let ignore = options.ignore.cloned();
            let configs = options.configs.cloned();
            let left_out = Arc::clone(&left_out);
            let repositories = Arc::clone(&repositories);
            move |entry| {
                if is_repository_marker(entry) {
                    if let Some(repository) = entry.path().parent() {
                        let mut repositories =
                            repositories.lock().unwrap_or_else(|e| e.into_inner());
                        repositories.push(repository.to_path_buf());
                    }
                }
                let reason = if is_vcs_dir(entry) {
                    return false;
                } else if is_dependency_dir(entry) {
                    IGNORED_DEPENDENCIES
                } else if ignore
                    .as_ref()
                    .is_some_and(|globs| globs.is_ignored(entry.path()))
                    || configs
                        .as_ref()
                        .is_some_and(|configs| configs.is_ignored(entry.path()))
                {
                    IGNORED_BY_CONFIG
                } else {
                    return true;
                };
                if entry.file_type().is_some_and(|t| t.is_dir()) || is_source(entry.path()) {
                    let mut left_out = left_out.lock().unwrap_or_else(|e| e.into_inner());
                    left_out.push(Skipped::ignored(entry.path().to_path_buf(), reason));
                }
                false
            }
        })
        .build();
    let mut kept_dirs = HashSet::new();
    let mut kept_files = HashSet::new();
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                found.errors.push(error.to_string());
                continue;
            }
        };
        let file_type = entry.file_type();
        let file = entry.into_path();
        if file_type.is_some_and(|t| t.is_dir()) {
            if options.account_skipped {
                kept_dirs.insert(file);
            }
            continue;
        }
        if file_type.is_some_and(|t| t.is_symlink()) {
            found.skipped.extend(link_outside(file, roots));
            continue;
        }
        if !file_type.is_some_and(|t| t.is_file()) {
            continue;
        }
        if options.account_skipped {
            kept_files.insert(file.clone());
        }
        if file.file_name().is_some_and(|n| n == "package.json") {
            found.package_jsons.push(file);
        } else if is_lockfile(&file) {
            found.lockfiles.push(file);
        } else if is_tsconfig(&file) {
            found.tsconfigs.push(file);
        } else if Lang::from_path(&file).is_some() {
            if is_minified_name(&file) {
                found.skipped.push(Skipped::ignored(file, MINIFIED_NAME));
            } else {
                found.sources.push(file);
            }
        }
    }
    let left_out = std::mem::take(&mut *left_out.lock().unwrap_or_else(|e| e.into_inner()));
    found.unit_roots.extend(std::mem::take(
        &mut *repositories.lock().unwrap_or_else(|e| e.into_inner()),
    ));
    if options.account_skipped {
        let accounted: HashSet<PathBuf> = left_out.iter().map(|s| s.path.clone()).collect();
        found.skipped.extend(ignored_by_ignore_files(
            root,
            Arc::new(kept_dirs),
            Arc::new(kept_files),
            Arc::new(accounted),
        ));
    }
    found.skipped.extend(left_out);
}

/// What the ignore files left out of a walk of `root`: a second walk without filters that
/// enters only the folders the first one kept, so each ignored folder is one entry and its
/// contents are never listed.
fn ignored_by_ignore_files(
    root: &Path,
    kept_dirs: Arc<HashSet<PathBuf>>,
    kept_files: Arc<HashSet<PathBuf>>,
    accounted: Arc<HashSet<PathBuf>>,
) -> Vec<Skipped> {
    let ignored = Arc::new(Mutex::new(Vec::new()));
    let walker = ignore::WalkBuilder::new(root)
        .standard_filters(false)
        .filter_entry({
            let ignored = Arc::clone(&ignored);
            move |entry| {
                let path = entry.path();
                let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
                if entry.depth() == 0 || kept_dirs.contains(path) {
                    return true;
                }
                let left_out = if is_dir {
                    !is_vcs_dir(entry)
                } else {
                    is_source(path) && !kept_files.contains(path)
                };
                if left_out && !accounted.contains(path) {
                    let mut ignored = ignored.lock().unwrap_or_else(|e| e.into_inner());
                    ignored.push(Skipped::ignored(path.to_path_buf(), IGNORED_BY_IGNORE_FILE));
                }
                false
            }
        })
        .build();
    walker.for_each(drop);
    let mut ignored = ignored.lock().unwrap_or_else(|e| e.into_inner());
    std::mem::take(&mut *ignored)
}

/// `link` as skipped when it resolves outside every one of `roots` to a folder or a source
/// file (a link inside them reaches a file the walk meets by its own path; a broken link
/// reaches nothing).
fn link_outside(link: PathBuf, roots: &[PathBuf]) -> Option<Skipped> {
    let target = link.canonicalize().ok()?;
    if roots.iter().any(|root| target.starts_with(root)) {
        return None;
    }
    let reason = if target.is_dir() {
        LINK_OUTSIDE_DIR
    } else if is_source(&link) || is_source(&target) {
        LINK_OUTSIDE
    } else {
        return None;
    };
    Some(Skipped::ignored(link, reason))
}

fn is_source(path: &Path) -> bool {
    Lang::from_path(path).is_some()
}

fn dir_named(entry: &ignore::DirEntry, names: &[&str]) -> bool {
    entry.depth() > 0
        && entry.file_type().is_some_and(|t| t.is_dir())
        && entry
            .file_name()
            .to_str()
            .is_some_and(|name| names.contains(&name))
}

/// Version-control metadata: never sources, never reported. The type comes from the directory
/// listing: asking the file system (`Path::is_dir`) cost one `stat` per entry.
fn is_vcs_dir(entry: &ignore::DirEntry) -> bool {
    dir_named(entry, &[".git", ".hg", ".svn", ".jj"])
}

/// A repository's metadata (a folder, or a `.git` file), below the walk's root.
fn is_repository_marker(entry: &ignore::DirEntry) -> bool {
    entry.depth() > 0
        && entry
            .file_name()
            .to_str()
            .is_some_and(|name| REPOSITORY_MARKERS.contains(&name))
}

/// Installed dependencies, the one folder left out by name whatever the ignore files say.
fn is_dependency_dir(entry: &ignore::DirEntry) -> bool {
    dir_named(entry, &["node_modules"])
}

fn is_minified_name(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.contains(".min.") || n.contains("-min."))
}

/// A file's text, or why it cannot be analysed.
pub fn read_source(path: &Path) -> Result<String, String> {
    use std::io::Read;
    let too_large = |len: u64| {
        format!(
            "larger than {} MiB ({len} bytes)",
            MAX_FILE_BYTES / (1024 * 1024)
        )
    };
    // The size from the open file (one `stat`, not one for the path and one for the read),
    // and the read bounded by the limit, should the file grow meanwhile.
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let len = file.metadata().map_err(|e| e.to_string())?.len();
    if len > MAX_FILE_BYTES {
        return Err(too_large(len));
    }
    let mut bytes = Vec::with_capacity(len as usize + 1);
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large(bytes.len() as u64));
    }
    if memchr::memchr(0, &bytes).is_some() {
        return Err("binary file (contains NUL bytes)".into());
    }
    let text = String::from_utf8(bytes).map_err(|_| "not valid UTF-8".to_string())?;
    if looks_minified(&text) {
        return Err("minified file".into());
    }
    Ok(text)
}

/// Very long average lines mean generated or minified code.
fn looks_minified(text: &str) -> bool {
    let lines = memchr::memchr_iter(b'\n', text.as_bytes()).count() + 1;
    text.len() > 4096 && text.len() / lines > 500
}

/// Whether `path` is a package manager's lockfile.
pub fn is_lockfile(path: &Path) -> bool {
    path.file_name()
        .and_then(|name| name.to_str())
        .is_some_and(is_lockfile_name)
}
