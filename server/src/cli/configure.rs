//! The CLI's configuration (issue 4): `--config PATH`, or the `cio-lsp.toml` found by walking up
//! from the checked paths. An invalid file is a usage error (exit 2) naming file:line:column and
//! key; user rules that fail to load are warnings (the other rules still run).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::analysis::config::{self, Config};

/// The configuration for `paths`: the file `explicit` names, else the nearest `cio-lsp.toml`
/// above the first path that has one. `Err` holds the exit code after printing the error.
pub fn resolve(paths: &[PathBuf], explicit: Option<&Path>) -> Result<Option<Config>, ExitCode> {
    let path = match explicit {
        Some(path) => Some(path.to_path_buf()),
        None => discover(paths),
    };
    let Some(path) = path else {
        return Ok(None);
    };
    match config::load(&path) {
        Ok(config) => {
            for error in &config.user_rules.errors {
                eprintln!("cio-lsp: warning: user rule skipped: {error}");
            }
            Ok(Some(config))
        }
        Err(error) => {
            eprintln!("cio-lsp: invalid configuration: {error}");
            Err(ExitCode::from(2))
        }
    }
}

/// One workspace gets one configuration: the first checked path's. Other paths under a
/// different `cio-lsp.toml` are checked with it too, with a warning.
fn discover(paths: &[PathBuf]) -> Option<PathBuf> {
    let found: Vec<PathBuf> = paths
        .iter()
        .filter_map(|p| config::find_config(p))
        .collect();
    let first = found.first()?.clone();
    if let Some(other) = found.iter().find(|p| **p != first) {
        eprintln!(
            "cio-lsp: warning: the checked paths have different configuration files; using {} (not {})",
            first.display(),
            other.display()
        );
    }
    Some(first)
}
