//! `cio-lsp check`: discover, analyse as one workspace (fixing first with `--fix`), print the
//! report, and turn it into an exit code.

use std::collections::HashSet;
use std::fs::OpenOptions;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use clap::ValueEnum;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::output::{self, DisplayBase, ReportContext};
use crate::analysis::config::{Config, ConfigError, UserRulePolicy};
use crate::analysis::project::{
    absolute, analyze_project, discover_configured, discover_in_context, fix_project,
    needs_project, read_source, ConfigLookup, DiscoverOptions, Discovered, FixSummary,
    ProjectReport, LINK_OUTSIDE, LINK_OUTSIDE_DIR,
};
use crate::analysis::rules::options::RuleLevel;
use crate::analysis::rules::{self, RULES, UNUSED_SUPPRESSION};
use crate::analysis::settings::{Settings, SettingsOf};
use crate::analysis::Severity;

/// Exit code: no error-severity finding (and no more warnings than allowed).
const EXIT_CLEAN: u8 = 0;
/// Exit code: findings at error severity, or more warnings than `--max-warnings` (or any, with
/// `--deny-warnings`).
const EXIT_FINDINGS: u8 = 1;
/// Exit code: usage or I/O error (a path that does not exist, an unknown rule, a report or fix
/// not written).
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
    /// Exit with 1 on warnings as well as errors (`--max-warnings 0`).
    #[arg(long)]
    pub deny_warnings: bool,
    /// Exit with 1 when there are more than N warnings (as ESLint's option).
    #[arg(long, value_name = "N")]
    pub max_warnings: Option<usize>,
    /// Report errors only: warnings and infos are neither printed nor counted.
    #[arg(long, short)]
    pub quiet: bool,
    /// Run only these rules (ids or names, comma-separated or repeated): `--rule CIO002,CIO014`.
    #[arg(long = "rule", value_name = "ID", value_delimiter = ',')]
    pub rules: Vec<String>,
    /// Check the text on standard input, as the file named by --stdin-filename (for editors
    /// and tools that pipe the buffer).
    #[arg(long, requires = "stdin_filename", conflicts_with = "fix")]
    pub stdin: bool,
    /// The path the text on standard input is checked as: its language, configuration and
    /// package.json come from it, and the report names it.
    #[arg(long, value_name = "PATH", requires = "stdin")]
    pub stdin_filename: Option<PathBuf>,
    /// List every file and folder that was skipped, and why (ignore files, configuration,
    /// node_modules), not only the count.
    #[arg(long, short)]
    pub verbose: bool,
    /// Never show a progress bar (it only shows on a terminal, for scans of over 200 files).
    #[arg(long)]
    pub no_progress: bool,
    // issue 4 (config branch):
    /// Configuration file (default: the nearest cio-lsp.toml above the checked paths).
    #[arg(long, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Load no user rules (the configuration's rule_dirs): for CI jobs on pull requests from
    /// forks, whose rule files nobody has reviewed. The built-in rules and the rest of the
    /// configuration still apply.
    #[arg(long)]
    pub no_user_rules: bool,
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
    match check(args) {
        Ok(code) => ExitCode::from(code),
        Err(message) => {
            if !message.is_empty() {
                eprintln!("cio-lsp: {message}");
            }
            ExitCode::from(EXIT_TROUBLE)
        }
    }
}

/// The check; `Err` is a usage or I/O error to report (empty: already reported).
fn check(args: &CheckArgs) -> Result<u8, String> {
    // The configurations (exit 2 on an invalid one): `--config`'s for every path, else each
    // file's nearest `cio-lsp.toml`.
    let policy = if args.no_user_rules {
        UserRulePolicy::Skip
    } else {
        UserRulePolicy::Load
    };
    let configs = Arc::new(
        super::configure::lookup(args.config.as_deref(), policy).map_err(|_| String::new())?,
    );
    let (mut report, fixed, base) = match &args.stdin_filename {
        Some(name) if args.stdin => {
            let config = configs.for_file(name).map_err(invalid_configuration)?;
            super::configure::warn_skipped_user_rules(config.iter().map(|c| c.as_ref()));
            let mut settings = config.as_ref().map(|c| c.settings()).unwrap_or_default();
            if !args.rules.is_empty() {
                let selected = selected_rules(&args.rules, config.iter().map(|c| c.as_ref()))?;
                run_only(&mut settings, &selected);
            }
            let report = super::stdin::check(name, &configs, &settings)?;
            (
                report,
                None,
                DisplayBase::new(std::slice::from_ref(name), Path::new(".")),
            )
        }
        _ => check_paths(args, &configs)?,
    };
    if args.quiet {
        keep_errors_only(&mut report);
    }

    let mut trouble = false;
    for error in &report.internal_errors {
        eprintln!("cio-lsp: internal error: {error}");
    }
    for notice in &report.notices {
        eprintln!("cio-lsp: warning: {}", output::notice_line(&base, notice));
    }
    for error in fixed.iter().flat_map(|summary| &summary.errors) {
        eprintln!("cio-lsp: {error}");
        trouble = true;
    }
    let links_outside = report
        .skipped
        .iter()
        .filter(|s| s.reason == LINK_OUTSIDE || s.reason == LINK_OUTSIDE_DIR)
        .count();
    if links_outside > 0 {
        eprintln!(
            "cio-lsp: warning: {} to files or folders outside the checked folders neither checked nor fixed{}",
            output::plural(links_outside, "symbolic link", "symbolic links"),
            if args.verbose { "" } else { " (`--verbose` lists them)" }
        );
    }
    // As ESLint's "File ignored": a file named on the command line that is not checked.
    for skipped in report.skipped.iter().filter(|s| s.explicit) {
        eprintln!(
            "cio-lsp: warning: {} skipped: {}",
            base.display(&skipped.path),
            skipped.reason
        );
    }

    let ctx = ReportContext {
        report: &report,
        base: &base,
        fixed: fixed.as_ref(),
        verbose: args.verbose,
    };
    if let Err(error) = write_report(args, &ctx) {
        // A reader that stopped reading (`| head`) needs no explanation; the exit code still
        // says the report was not written in full.
        if error.kind() == io::ErrorKind::BrokenPipe {
            return Err(String::new());
        }
        let target = match &args.output {
            Some(path) => path.display().to_string(),
            None => "standard output".to_string(),
        };
        return Err(format!("cannot write the report to {target}: {error}"));
    }
    if trouble {
        return Err(String::new());
    }
    let max_warnings = if args.deny_warnings {
        Some(0)
    } else {
        args.max_warnings
    };
    Ok(exit_code(&report, max_warnings))
}

/// Discovers and checks the given paths (fixing first with `--fix`), each file with the
/// settings of its configuration.
fn check_paths(
    args: &CheckArgs,
    configs: &Arc<ConfigLookup>,
) -> Result<(ProjectReport, Option<FixSummary>, DisplayBase), String> {
    // `--rule` may name a user rule of any configuration of the tree: they are all loaded by
    // the time the settings are made, which is after discovery.
    let selected: std::cell::OnceCell<Result<Option<HashSet<String>>, String>> =
        std::cell::OnceCell::new();
    let select = || match args.rules.is_empty() {
        true => Ok(None),
        false => {
            selected_rules(&args.rules, configs.configs().iter().map(|c| c.as_ref())).map(Some)
        }
    };
    let make = |config: Option<&Config>| {
        let mut settings = config.map(Config::settings).unwrap_or_default();
        if let Ok(Some(selected)) = selected.get_or_init(select) {
            run_only(&mut settings, selected);
        }
        settings
    };
    let (discovered, settings) = discover_configured(&args.paths, configs, true, &make);
    if !discovered.errors.is_empty() {
        for error in &discovered.errors {
            eprintln!("cio-lsp: {error}");
        }
        return Err(String::new());
    }
    if let Some(Err(error)) = selected.get() {
        return Err(error.clone());
    }
    let (discovered, settings, root) =
        match in_project_context(args, &discovered, configs, &settings) {
            // The files of the named files' projects, each with its own configuration's settings.
            Some((in_context, root)) => {
                let settings = configs.settings_of(&in_context.sources, &make);
                (in_context, settings, root)
            }
            None => (discovered, settings, analysis_root(&args.paths)),
        };
    // Every invalid configuration met, whether or not it governs a checked file.
    if let Some(error) = configs.errors().into_iter().next() {
        return Err(invalid_configuration(error));
    }
    super::configure::warn_skipped_user_rules(configs.configs().iter().map(|c| c.as_ref()));

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
    Ok((report, fixed, DisplayBase::new(&args.paths, &root)))
}

/// Files named on their own (no directory among the paths) are checked in the context of their
/// projects, only they being reported (`project::context`); `None` when none of them may use
/// Customer.io, and they are checked alone.
fn in_project_context(
    args: &CheckArgs,
    discovered: &Discovered,
    configs: &Arc<ConfigLookup>,
    settings: &dyn SettingsOf,
) -> Option<(Discovered, PathBuf)> {
    if !args.paths.iter().all(|path| path.is_file()) {
        return None;
    }
    let needing: Vec<PathBuf> = discovered
        .sources
        .iter()
        .filter(|path| {
            read_source(path).is_ok_and(|text| needs_project(path, &text, settings.of(path)))
        })
        .map(|path| absolute(path))
        .collect();
    if needing.is_empty() {
        return None;
    }
    let options = DiscoverOptions {
        ignore: None,
        configs: Some(configs),
        account_skipped: false,
    };
    let (mut in_context, root) = discover_in_context(&needing, options)?;
    // The other named files (they cannot use Customer.io) and named files that are skipped
    // are reported as they would be alone.
    let reported = in_context.reported.get_or_insert_with(Default::default);
    for path in discovered.sources.iter().map(|path| absolute(path)) {
        reported.insert(path.clone());
        in_context.sources.push(path);
    }
    in_context.sources.sort();
    in_context.sources.dedup();
    in_context
        .skipped
        .extend(discovered.skipped.iter().cloned());
    in_context
        .package_jsons
        .extend(discovered.package_jsons.iter().cloned());
    Some((in_context, root))
}

fn invalid_configuration(error: ConfigError) -> String {
    format!("invalid configuration: {error}")
}

/// `--rule`: the ids of the rules named (ids or names, built-in or a user rule of one of
/// `configs`). An unknown id or name is an error.
fn selected_rules<'c>(
    wanted: &[String],
    configs: impl Iterator<Item = &'c Config> + Clone,
) -> Result<HashSet<String>, String> {
    let mut selected = HashSet::new();
    for name in wanted.iter().map(|w| w.trim()).filter(|w| !w.is_empty()) {
        let id = rules::find(name)
            .map(|rule| rule.id.to_string())
            .or_else(|| {
                configs
                    .clone()
                    .find_map(|config| config.user_rules.find(name).map(|rule| rule.id.clone()))
            })
            .ok_or_else(|| format!("no rule `{name}` (--rule); `cio-lsp rules` lists them"))?;
        selected.insert(id);
    }
    Ok(selected)
}

/// Every rule not `selected` is turned off, and so are unused-suppression reports (a
/// suppression of a rule that did not run is not unused).
fn run_only(settings: &mut Settings, selected: &HashSet<String>) {
    let user_rules = Arc::clone(&settings.user_rules);
    let all_ids = RULES
        .iter()
        .map(|rule| rule.id)
        .chain(user_rules.rules.iter().map(|rule| rule.id.as_str()))
        .chain([UNUSED_SUPPRESSION]);
    for id in all_ids.filter(|id| !selected.contains(*id)) {
        settings.rule_levels.insert(id.to_string(), RuleLevel::Off);
    }
}

/// `--quiet`: only error-severity findings stay in the report.
fn keep_errors_only(report: &mut ProjectReport) {
    for file in &mut report.files {
        file.findings.retain(|f| f.severity == Severity::Error);
    }
    report.files.retain(|file| !file.findings.is_empty());
}

/// 1 on an error-severity finding or more warnings than `max_warnings`, else 0.
fn exit_code(report: &ProjectReport, max_warnings: Option<usize>) -> u8 {
    let findings = || report.files.iter().flat_map(|f| &f.findings);
    let errors = findings().any(|f| f.severity == Severity::Error);
    let warnings = findings()
        .filter(|f| f.severity == Severity::Warning)
        .count();
    if errors || max_warnings.is_some_and(|max| warnings > max) {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }
}

fn write_report(args: &CheckArgs, ctx: &ReportContext) -> io::Result<()> {
    match &args.output {
        Some(path) => write_report_file(path, &mut |out| print(out, args.format, ctx, false)),
        None => {
            let stdout = io::stdout();
            let color = args.format == Format::Human && stdout.is_terminal() && color_allowed();
            let mut out = BufWriter::new(stdout.lock());
            print(&mut out, args.format, ctx, color)?;
            out.flush()
        }
    }
}

/// Writes the report that `report` prints to `--output`. A regular file (or a new one) is replaced atomically: the
/// report goes to a temporary file beside it, synced, then renamed over it, so that a reader
/// never sees half a report. Anything else (`/dev/null`, `/dev/stdout`, a named pipe) is written
/// straight to: a device cannot be renamed over, and syncing one fails (EINVAL).
fn write_report_file(
    path: &Path,
    report: &mut dyn FnMut(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    match std::fs::metadata(path) {
        Ok(metadata) if !metadata.is_file() => {
            let mut out = BufWriter::new(OpenOptions::new().write(true).open(path)?);
            report(&mut out)?;
            out.flush()
        }
        existing => {
            let dir = match path.parent() {
                Some(dir) if !dir.as_os_str().is_empty() => dir,
                _ => Path::new("."),
            };
            let mut temp = tempfile::Builder::new();
            temp.prefix(".cio-lsp-report");
            #[cfg(unix)]
            {
                // As File::create would: readable by all, less the umask.
                use std::os::unix::fs::PermissionsExt;
                temp.permissions(std::fs::Permissions::from_mode(0o666));
            }
            let mut temp = temp.tempfile_in(dir)?;
            // Written as it is made (a report of 50,000 files is large), through a buffer.
            let mut out = BufWriter::new(temp.as_file_mut());
            report(&mut out)?;
            out.flush()?;
            drop(out);
            temp.as_file().sync_all()?;
            if let Ok(metadata) = existing {
                std::fs::set_permissions(temp.path(), metadata.permissions())?;
            }
            temp.persist(path).map_err(|error| error.error)?;
            Ok(())
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
    fn warnings_fail_only_past_the_maximum() {
        let warnings = report_with(&[Severity::Warning, Severity::Warning, Severity::Info]);
        assert_eq!(exit_code(&warnings, None), EXIT_CLEAN);
        assert_eq!(exit_code(&warnings, Some(0)), EXIT_FINDINGS);
        assert_eq!(exit_code(&warnings, Some(1)), EXIT_FINDINGS);
        assert_eq!(exit_code(&warnings, Some(2)), EXIT_CLEAN);
        let infos = report_with(&[Severity::Info, Severity::Hint]);
        assert_eq!(exit_code(&infos, Some(0)), EXIT_CLEAN);
        let errors = report_with(&[Severity::Error]);
        assert_eq!(exit_code(&errors, None), EXIT_FINDINGS);
        assert_eq!(exit_code(&errors, Some(10)), EXIT_FINDINGS);
        assert_eq!(exit_code(&report_with(&[]), Some(0)), EXIT_CLEAN);
    }
}
