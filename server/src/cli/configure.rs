//! The CLI's configuration: `--config PATH` for everything, or the `cio-lsp.toml` nearest to
//! each file (a monorepo's packages keep their own). An invalid file is a usage error (exit 2)
//! naming file:line:column and key; user rules that fail to load are warnings (the other rules
//! still run).

use std::collections::BTreeSet;
use std::path::Path;
use std::process::ExitCode;

use crate::analysis::config::{self, Config, UserRulePolicy};
use crate::analysis::project::ConfigLookup;

/// The configuration for the current directory (`rules`, `explain`): the file `explicit`
/// names, else the nearest `cio-lsp.toml` at or above it. `Err` holds the exit code after
/// printing the error.
pub fn resolve(explicit: Option<&Path>) -> Result<Option<Config>, ExitCode> {
    let path = match explicit {
        Some(path) => Some(path.to_path_buf()),
        None => config::find_config(Path::new(".")),
    };
    let Some(path) = path else {
        return Ok(None);
    };
    let config = load(&path, UserRulePolicy::Load)?;
    warn_skipped_user_rules(std::iter::once(&config));
    Ok(Some(config))
}

/// How `check` finds each file's configuration: `explicit` (`--config PATH`) for every file,
/// else the nearest `cio-lsp.toml` to each.
/// `policy`: whether their user rules are loaded (`--no-user-rules`).
pub fn lookup(explicit: Option<&Path>, policy: UserRulePolicy) -> Result<ConfigLookup, ExitCode> {
    match explicit {
        Some(path) => Ok(ConfigLookup::explicit(load(path, policy)?)),
        None => Ok(ConfigLookup::new().with_policy(policy)),
    }
}

fn load(path: &Path, policy: UserRulePolicy) -> Result<Config, ExitCode> {
    config::load_with(path, policy).map_err(|error| {
        eprintln!("cio-lsp: invalid configuration: {error}");
        ExitCode::from(2)
    })
}

/// A warning on stderr for each user rule that `configs` could not load, once each (a file
/// that `extends` another shares its rules), and one line when their `rule_dirs` were not read
/// (`--no-user-rules`).
pub fn warn_skipped_user_rules<'c>(configs: impl Iterator<Item = &'c Config>) {
    let mut not_loaded = false;
    let errors: BTreeSet<String> = configs
        .inspect(|config| not_loaded |= config.user_rules_skipped)
        .flat_map(|config| config.user_rules.errors.iter().map(ToString::to_string))
        .collect();
    if not_loaded {
        eprintln!("cio-lsp: user rules not loaded (--no-user-rules)");
    }
    for error in errors {
        eprintln!("cio-lsp: warning: user rule skipped: {error}");
    }
}
