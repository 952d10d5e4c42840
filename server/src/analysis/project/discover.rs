//! Which files a project check reads: discovery (`.gitignore`, the configuration's `ignore`
//! globs, no `node_modules`, build output or minified files) and reading a source file
//! (size limit, minified content).

use std::path::{Path, PathBuf};

use crate::analysis::config::IgnoreGlobs;
use crate::analysis::syntax::Lang;

/// Files larger than this are skipped with a note (generated bundles, fixtures).
pub const MAX_FILE_BYTES: u64 = 2 * 1024 * 1024;

/// A file that was not analysed, and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Skipped {
    pub path: PathBuf,
    pub reason: String,
}

/// What discovery found under the given paths.
#[derive(Debug, Default)]
pub struct Discovered {
    pub sources: Vec<PathBuf>,
    pub package_jsons: Vec<PathBuf>,
    pub skipped: Vec<Skipped>,
    /// Paths that do not exist or cannot be walked (usage errors).
    pub errors: Vec<String>,
    /// Whether a given path is a directory holding a `package.json`: the scan covers a whole
    /// project, so workspace rules may conclude from absence (CIO008).
    pub covers_project: bool,
}

/// Walks `paths` (files or directories) respecting `.gitignore`, skipping `node_modules`,
/// build output and minified files.
pub fn discover(paths: &[PathBuf]) -> Discovered {
    discover_ignoring(paths, None)
}

/// Like [`discover`], also skipping what the configuration's `ignore` globs match.
pub fn discover_ignoring(paths: &[PathBuf], ignore: Option<&IgnoreGlobs>) -> Discovered {
    let mut found = Discovered::default();
    for path in paths {
        if !path.exists() {
            found
                .errors
                .push(format!("{}: no such file or directory", path.display()));
            continue;
        }
        found.covers_project |= path.is_dir() && path.join("package.json").is_file();
        let walker = ignore::WalkBuilder::new(path)
            .hidden(true)
            .git_ignore(true)
            .require_git(false)
            .filter_entry({
                let ignore = ignore.cloned();
                move |entry| {
                    !is_excluded_dir(entry)
                        && !ignore
                            .as_ref()
                            .is_some_and(|globs| globs.is_ignored(entry.path()))
                }
            })
            .build();
        for entry in walker {
            let entry = match entry {
                Ok(entry) => entry,
                Err(error) => {
                    found.errors.push(error.to_string());
                    continue;
                }
            };
            if !entry.file_type().is_some_and(|t| t.is_file()) {
                continue;
            }
            let file = entry.into_path();
            if file.file_name().is_some_and(|n| n == "package.json") {
                found.package_jsons.push(file);
            } else if Lang::from_path(&file).is_some() {
                if is_minified_name(&file) {
                    continue;
                }
                found.sources.push(file);
            }
        }
    }
    found.sources.sort();
    found.sources.dedup();
    found.package_jsons.sort();
    found.package_jsons.dedup();
    found
}

/// Whether `entry` is a dependency or build-output directory. The type comes from the
/// directory listing: asking the file system (`Path::is_dir`) cost one `stat` per entry.
fn is_excluded_dir(entry: &ignore::DirEntry) -> bool {
    entry.depth() > 0
        && entry.file_type().is_some_and(|t| t.is_dir())
        && entry.file_name().to_str().is_some_and(|name| {
            matches!(
                name,
                "node_modules"
                    | "dist"
                    | "build"
                    | "out"
                    | ".next"
                    | "coverage"
                    | ".turbo"
                    | ".vercel"
                    | ".output"
                    | ".svelte-kit"
                    | "target"
            )
        })
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
