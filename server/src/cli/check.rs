//! `cio-lsp check`: discover, analyse as one workspace (fixing first with `--fix`), print the
//! report, and turn it into an exit code.

use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::ValueEnum;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::output::{self, DisplayBase, ReportContext};
use crate::analysis::config::Config;
use crate::analysis::project::{analyze_project, discover_ignoring, fix_project, ProjectReport};
use crate::analysis::Severity;

/// Exit code: no error-severity finding (and no warning with `--deny-warnings`).
const EXIT_CLEAN: u8 = 0;
/// Exit code: findings at error severity, or warnings with `--deny-warnings`.
const EXIT_FINDINGS: u8 = 1;
/// Exit code: usage or I/O error (a path that does not exist, a report or fix not written).
const EXIT_TROUBLE: u8 = 2;

/// Scans of fewer files finish before a progress bar would be worth looking at.
const PROGRESS_MIN_FILES: usize = 200;

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Files or directories to check, together as one workspace.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// How to print the report.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Write the report to this file instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Apply every fix that is safe to apply unreviewed (fix-all safe), in place, then report
    /// what is left.
    #[arg(long)]
    pub fix: bool,
    /// Exit with 1 on warnings as well as errors.
    #[arg(long)]
    pub deny_warnings: bool,
    /// Never show a progress bar (it only shows on a terminal, for scans of over 200 files).
    #[arg(long)]
    pub no_progress: bool,
    // issue 4 (config branch):
    /// Configuration file (default: the nearest cio-lsp.toml above the checked paths).
    #[arg(long, value_name = "PATH")]
    pub config: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Code frames with the mistake underlined, and a summary (for people).
    Human,
    /// One JSON document with a stable schema (see the README).
    Json,
    /// SARIF 2.1.0 (GitHub code scanning, other SARIF viewers).
    Sarif,
    /// GitHub Actions workflow commands: annotations on the pull request.
    Github,
}

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
        return ExitCode::from(EXIT_TROUBLE);
    }
    let root = analysis_root(&args.paths);
    let settings = config.as_ref().map(Config::settings).unwrap_or_default();

    let progress = progress_bar(discovered.sources.len(), args.no_progress);
    let tick = || {
        if let Some(bar) = &progress {
            bar.inc(1);
        }
    };
    let (fixed, report) = if args.fix {
        let (summary, report) = fix_project(&root, &discovered, &settings, &tick);
        (Some(summary), report)
    } else {
        (None, analyze_project(&root, &discovered, &settings, &tick))
    };
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }

    let mut trouble = false;
    for error in &report.internal_errors {
        eprintln!("cio-lsp: internal error: {error}");
    }
    for error in fixed.iter().flat_map(|summary| &summary.errors) {
        eprintln!("cio-lsp: {error}");
        trouble = true;
    }

    let base = DisplayBase::new(&args.paths, &root);
    let ctx = ReportContext {
        report: &report,
        base: &base,
        fixed: fixed.as_ref(),
    };
    if let Err(error) = write_report(args, &ctx) {
        // A reader that stopped reading (`| head`) needs no explanation; the exit code still
        // says the report was not written in full.
        if error.kind() == io::ErrorKind::BrokenPipe {
            return ExitCode::from(EXIT_TROUBLE);
        }
        let target = match &args.output {
            Some(path) => path.display().to_string(),
            None => "standard output".to_string(),
        };
        eprintln!("cio-lsp: cannot write the report to {target}: {error}");
        return ExitCode::from(EXIT_TROUBLE);
    }
    if trouble {
        return ExitCode::from(EXIT_TROUBLE);
    }
    ExitCode::from(exit_code(&report, args.deny_warnings))
}

fn exit_code(report: &ProjectReport, deny_warnings: bool) -> u8 {
    let worst = report
        .files
        .iter()
        .flat_map(|f| &f.findings)
        .map(|f| f.severity)
        .max();
    match worst {
        Some(Severity::Error) => EXIT_FINDINGS,
        Some(Severity::Warning) if deny_warnings => EXIT_FINDINGS,
        _ => EXIT_CLEAN,
    }
}

fn write_report(args: &CheckArgs, ctx: &ReportContext) -> io::Result<()> {
    match &args.output {
        Some(path) => {
            let mut out = BufWriter::new(File::create(path)?);
            print(&mut out, args.format, ctx, false)?;
            out.into_inner().map_err(|e| e.into_error())?.sync_all()
        }
        None => {
            let stdout = io::stdout();
            let color = args.format == Format::Human && stdout.is_terminal() && color_allowed();
            let mut out = BufWriter::new(stdout.lock());
            print(&mut out, args.format, ctx, color)?;
            out.flush()
        }
    }
}

fn print(out: &mut dyn Write, format: Format, ctx: &ReportContext, color: bool) -> io::Result<()> {
    match format {
        Format::Human => output::human::print(out, ctx, output::human::Style { color }),
        Format::Json => output::json::print(out, ctx),
        Format::Sarif => output::sarif::print(out, ctx),
        Format::Github => output::github::print(out, ctx),
    }
}

/// <https://no-color.org>: a set, non-empty `NO_COLOR` turns colour off.
fn color_allowed() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty())
}

/// A progress bar on stderr, only for long scans on a terminal.
fn progress_bar(files: usize, disabled: bool) -> Option<ProgressBar> {
    if disabled || files <= PROGRESS_MIN_FILES || !io::stderr().is_terminal() {
        return None;
    }
    let bar = ProgressBar::with_draw_target(Some(files as u64), ProgressDrawTarget::stderr());
    if let Ok(style) =
        ProgressStyle::with_template("{spinner} checking {pos}/{len} files {wide_bar}")
    {
        bar.set_style(style);
    }
    Some(bar)
}

/// The workspace root for analysis (package.json look-ups, `src/` import resolution): the
/// single directory given, or the current directory.
fn analysis_root(paths: &[PathBuf]) -> PathBuf {
    match paths {
        [single] if single.is_dir() => single.clone(),
        _ => PathBuf::from("."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::project::FileReport;
    use crate::analysis::Finding;

    fn report_with(severities: &[Severity]) -> ProjectReport {
        let findings = severities
            .iter()
            .map(|&severity| Finding::new("CIO000", severity, 0..1, "m".into()))
            .collect();
        ProjectReport {
            files: vec![FileReport {
                path: "a.ts".into(),
                text: "a".into(),
                findings,
            }],
            ..Default::default()
        }
    }

    #[test]
    fn warnings_fail_only_with_deny_warnings() {
        let warnings = report_with(&[Severity::Warning, Severity::Info]);
        assert_eq!(exit_code(&warnings, false), EXIT_CLEAN);
        assert_eq!(exit_code(&warnings, true), EXIT_FINDINGS);
        let infos = report_with(&[Severity::Info, Severity::Hint]);
        assert_eq!(exit_code(&infos, true), EXIT_CLEAN);
        let errors = report_with(&[Severity::Error]);
        assert_eq!(exit_code(&errors, false), EXIT_FINDINGS);
        assert_eq!(exit_code(&report_with(&[]), true), EXIT_CLEAN);
    }
}
