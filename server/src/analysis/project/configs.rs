//! Which configuration governs a path when a tree holds several `cio-lsp.toml` files (a
//! monorepo): the nearest one at or above the path's directory. Each directory is looked up
//! once and each file loaded once, however many files a check asks about.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use crate::analysis::config::{
    load_with, parse_with, Config, ConfigError, UserRulePolicy, FILE_NAME,
};
use crate::analysis::settings::{Settings, SettingsByDir};

/// The configurations of a tree, found on demand and kept.
#[derive(Debug, Default)]
pub struct ConfigLookup {
    /// `--config PATH`: one configuration for every path; nothing is looked up.
    explicit: Option<Arc<Config>>,
    /// Directory (absolute) → the nearest configuration file at or above it, if any.
    nearest: Mutex<HashMap<PathBuf, Option<PathBuf>>>,
    /// Configuration file → what it says, loaded once.
    loaded: Mutex<HashMap<PathBuf, Result<Arc<Config>, ConfigError>>>,
    /// Configuration files (absolute) whose text is not the one on disk: an editor's buffers.
    texts: HashMap<PathBuf, String>,
    /// Whether the configurations load their user rules (not in an untrusted workspace).
    policy: UserRulePolicy,
}

impl ConfigLookup {
    /// Looks configurations up from each path.
    pub fn new() -> Self {
        ConfigLookup::default()
    }

    /// One configuration for every path (`--config PATH`).
    pub fn explicit(config: Config) -> Self {
        ConfigLookup {
            explicit: Some(Arc::new(config)),
            ..ConfigLookup::default()
        }
    }

    /// Looks configurations up from each path, reading the files of `texts` (absolute paths)
    /// from there rather than from disk (an editor's unsaved buffers).
    pub fn with_texts(texts: HashMap<PathBuf, String>) -> Self {
        ConfigLookup {
            texts,
            ..ConfigLookup::default()
        }
    }

    /// The same lookup, loading user rules as `policy` says.
    pub fn with_policy(self, policy: UserRulePolicy) -> Self {
        ConfigLookup { policy, ..self }
    }

    /// The configuration governing the files of directory `dir` (relative paths are taken
    /// from the current directory): the nearest `cio-lsp.toml` in it or above it.
    pub fn for_dir(&self, dir: &Path) -> Result<Option<Arc<Config>>, ConfigError> {
        if let Some(config) = &self.explicit {
            return Ok(Some(Arc::clone(config)));
        }
        let Some(file) = self.nearest_file(dir) else {
            return Ok(None);
        };
        if let Some(known) = lock(&self.loaded).get(&file) {
            return known.clone().map(Some);
        }
        // Loaded without the lock (user rules compile queries); two threads may both load
        // one file, never block each other.
        let result = match self.texts.get(&file) {
            Some(text) => parse_with(&file, text, self.policy),
            None => load_with(&file, self.policy),
        }
        .map(Arc::new);
        lock(&self.loaded).insert(file, result.clone());
        result.map(Some)
    }

    /// The configuration governing file `path`.
    pub fn for_file(&self, path: &Path) -> Result<Option<Arc<Config>>, ConfigError> {
        self.for_dir(parent_dir(path))
    }

    /// Whether the configuration governing `path` (a file or a directory, judged by the
    /// configuration of the directory that holds it) ignores it. An invalid configuration
    /// ignores nothing; its error is in [`Self::errors`].
    pub fn is_ignored(&self, path: &Path) -> bool {
        self.for_dir(parent_dir(path))
            .ok()
            .flatten()
            .is_some_and(|config| config.ignore.is_ignored(path))
    }

    /// The errors of every invalid configuration met so far, by file.
    pub fn errors(&self) -> Vec<ConfigError> {
        let mut errors: Vec<ConfigError> = lock(&self.loaded)
            .values()
            .filter_map(|result| result.as_ref().err().cloned())
            .collect();
        errors.sort_by(|a, b| a.path.cmp(&b.path));
        errors
    }

    /// Every valid configuration met so far, by file.
    pub fn configs(&self) -> Vec<Arc<Config>> {
        let mut configs: Vec<Arc<Config>> = self
            .explicit
            .iter()
            .cloned()
            .chain(
                lock(&self.loaded)
                    .values()
                    .filter_map(|result| result.as_ref().ok().cloned()),
            )
            .collect();
        configs.sort_by(|a, b| a.path.cmp(&b.path));
        configs
    }

    /// The settings of each of `files`, made by `make` from the configuration that governs
    /// it (`None`: no configuration, or an invalid one, whose error is in [`Self::errors`]).
    /// `make` runs once per configuration.
    pub fn settings_of(
        &self,
        files: &[PathBuf],
        make: &dyn Fn(Option<&Config>) -> Settings,
    ) -> SettingsByDir {
        let mut by_dir = SettingsByDir::new(make(None));
        // Configuration file → its settings' number in `by_dir`.
        let mut numbers: HashMap<PathBuf, usize> = HashMap::new();
        for dir in distinct_dirs(files) {
            let Ok(Some(config)) = self.for_dir(dir) else {
                continue;
            };
            let number = *numbers
                .entry(config.path.clone())
                .or_insert_with(|| by_dir.add(make(Some(&config))));
            by_dir.assign(dir.to_path_buf(), number);
        }
        by_dir
    }

    /// The nearest configuration file at or above `dir`. Every directory walked through is
    /// remembered, so that the next file of the tree costs one map look-up.
    fn nearest_file(&self, dir: &Path) -> Option<PathBuf> {
        let dir = absolute(dir);
        let mut walked = Vec::new();
        let mut found = None;
        {
            let nearest = lock(&self.nearest);
            for current in dir.ancestors() {
                if let Some(known) = nearest.get(current) {
                    found = known.clone();
                    break;
                }
                walked.push(current.to_path_buf());
            }
        }
        // The directories not known yet, nearest first: stat their candidate file until one
        // exists (outside the lock: file system calls).
        let mut answers = Vec::with_capacity(walked.len());
        let mut hit = None;
        for (i, current) in walked.iter().enumerate() {
            let candidate = current.join(FILE_NAME);
            if candidate.is_file() {
                hit = Some((i, candidate));
                break;
            }
        }
        let (resolved_upto, answer) = match hit {
            Some((i, file)) => (i + 1, Some(file)),
            None => (walked.len(), found),
        };
        for current in walked.into_iter().take(resolved_upto) {
            answers.push((current, answer.clone()));
        }
        lock(&self.nearest).extend(answers);
        answer
    }
}

/// Each distinct parent directory of `files`, in order of first appearance.
fn distinct_dirs(files: &[PathBuf]) -> Vec<&Path> {
    let mut seen = std::collections::HashSet::new();
    files
        .iter()
        .map(|file| parent_dir(file))
        .filter(|dir| seen.insert(*dir))
        .collect()
}

/// The directory holding `path`; `.` for a bare file name.
fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    }
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::config::load;

    fn write(root: &Path, name: &str, text: &str) {
        let path = root.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    #[test]
    fn the_nearest_file_governs_each_directory() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, FILE_NAME, "[rules]\nCIO002 = \"warning\"\n");
        write(root, "apps/api/cio-lsp.toml", "[rules]\nCIO002 = \"off\"\n");
        let lookup = ConfigLookup::new();
        let governing = |dir: &str| {
            lookup
                .for_dir(&root.join(dir))
                .unwrap()
                .unwrap()
                .path
                .clone()
        };
        assert_eq!(
            governing("apps/api/src/deep"),
            root.join("apps/api/cio-lsp.toml")
        );
        assert_eq!(governing("apps/web/src"), root.join(FILE_NAME));
        // Known now without another walk: the directories in between were remembered.
        let nearest = lock(&lookup.nearest);
        assert_eq!(
            nearest.get(&root.join("apps/api/src")),
            Some(&Some(root.join("apps/api/cio-lsp.toml")))
        );
        assert_eq!(
            nearest.get(&root.join("apps")),
            Some(&Some(root.join(FILE_NAME)))
        );
    }

    #[test]
    fn an_explicit_configuration_governs_everything() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "apps/api/cio-lsp.toml",
            "[rules]\nCIO002 = \"off\"\n",
        );
        write(dir.path(), "other.toml", "[rules]\nCIO002 = \"info\"\n");
        let lookup = ConfigLookup::explicit(load(&dir.path().join("other.toml")).unwrap());
        let config = lookup
            .for_dir(&dir.path().join("apps/api"))
            .unwrap()
            .unwrap();
        assert!(config.path.ends_with("other.toml"));
    }
}
