//! `cio-lsp check`: discover, analyse as one workspace, print, fix, exit code.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::output;
use super::CheckArgs;
use crate::analysis::config::Config;
use crate::analysis::project::{analyze_project, discover_ignoring};
use crate::analysis::Severity;

pub fn run(args: &CheckArgs) -> ExitCode {
    // issue 4: the configuration (exit 2 on an invalid one) and its ignore globs.
    let config = match super::configure::resolve(&args.paths, args.config.as_deref()) {
        Ok(config) => config,
        Err(code) => return code,
    };
    let discovered = discover_ignoring(&args.paths, config.as_ref().map(|c| &c.ignore));
    if !discovered.errors.is_empty() {
        for error in &discovered.errors {
            eprintln!("cio-lsp: {error}");
        }
        return ExitCode::from(2);
    }
    let root = common_root(&args.paths);
    let settings = config.as_ref().map(Config::settings).unwrap_or_default();
    let report = analyze_project(&root, &discovered, &settings, &|| {});
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let printed = match args.format {
        super::Format::Human => output::human::print(&mut out, &report, &root),
        super::Format::Json => output::json::print(&mut out, &report, &root),
        _ => {
            eprintln!("cio-lsp: this output format is not implemented yet");
            return ExitCode::from(2);
        }
    };
    if let Err(error) = printed.and_then(|_| out.flush()) {
        eprintln!("cio-lsp: cannot write the report: {error}");
        return ExitCode::from(2);
    }
    let worst = report
        .files
        .iter()
        .flat_map(|f| f.findings.iter())
        .map(|f| f.severity)
        .max();
    match worst {
        Some(Severity::Error) => ExitCode::from(1),
        Some(Severity::Warning) if args.deny_warnings => ExitCode::from(1),
        _ => ExitCode::SUCCESS,
    }
}

/// The directory that reported paths are relative to: the single directory given, or the
/// current directory.
fn common_root(paths: &[PathBuf]) -> PathBuf {
    match paths {
        [single] if single.is_dir() => single.clone(),
        _ => PathBuf::from("."),
    }
}

/// `path` relative to `root` with `/` separators, for reports.
pub fn display_path(path: &Path, root: &Path) -> String {
    let relative = path.strip_prefix(root).unwrap_or(path);
    let relative = relative.strip_prefix("./").unwrap_or(relative);
    relative.to_string_lossy().replace('\\', "/")
}
