//! The configuration's `ignore` globs, matched against paths relative to its directory.

use std::path::{Path, PathBuf};

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};

/// `ignore` globs, matched against paths relative to the configuration file's directory.
#[derive(Debug, Clone, Default)]
pub struct IgnoreGlobs {
    root: PathBuf,
    canonical_root: Option<PathBuf>,
    set: GlobSet,
    pub patterns: Vec<String>,
}

impl IgnoreGlobs {
    /// Compiles `patterns` (gitignore-like: a pattern without `/` matches at any depth; `*`
    /// stays within one path segment, `**` crosses them).
    pub fn new(root: &Path, patterns: &[String]) -> Result<Self, (usize, String)> {
        let mut builder = GlobSetBuilder::new();
        for (i, pattern) in patterns.iter().enumerate() {
            let trimmed = pattern.trim_start_matches("./").trim_end_matches('/');
            let anchored = if trimmed.contains('/') {
                trimmed.trim_start_matches('/').to_string()
            } else {
                format!("**/{trimmed}")
            };
            let glob = GlobBuilder::new(&anchored)
                .literal_separator(true)
                .build()
                .map_err(|error| (i, error.kind().to_string()))?;
            builder.add(glob);
        }
        let set = builder.build().map_err(|error| (0, error.to_string()))?;
        Ok(IgnoreGlobs {
            root: absolute(root),
            canonical_root: root.canonicalize().ok(),
            set,
            patterns: patterns.to_vec(),
        })
    }

    /// Whether `path` (a file or a directory; relative paths are taken from the current
    /// directory) matches an ignore glob.
    pub fn is_ignored(&self, path: &Path) -> bool {
        if self.patterns.is_empty() {
            return false;
        }
        let path = absolute(path);
        let relative = match path.strip_prefix(&self.root) {
            Ok(relative) => relative.to_path_buf(),
            // The same directory reached through a symlink.
            Err(_) => match (&self.canonical_root, path.canonicalize()) {
                (Some(root), Ok(canonical)) => match canonical.strip_prefix(root) {
                    Ok(relative) => relative.to_path_buf(),
                    Err(_) => return false,
                },
                _ => return false,
            },
        };
        let relative = relative.to_string_lossy().replace('\\', "/");
        !relative.is_empty() && self.set.is_match(relative.trim_start_matches("./"))
    }
}

pub(super) fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}
