//! The command line: `cio-lsp check`, `rules`, `explain`, `serve`. An adapter over the core.

mod check;
mod configure; // issue 4: config discovery for `check`, `rules`, `explain`
pub mod output;
mod stdin;

pub use check::{CheckArgs, Format};

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::analysis::config::Config;
use crate::analysis::rules::RULES;
use crate::analysis::user_rules::UserRules;

/// Finds Customer.io integration mistakes in JavaScript and TypeScript code.
///
/// cio-lsp knows the Customer.io SDKs (customerio-node, the `_cio` browser snippet, the CDP
/// libraries, React Native) and flags the mistakes teams make with them: timestamps in
/// milliseconds, the wrong API key, unhandled promise rejections, and more (`cio-lsp rules`).
#[derive(Debug, Parser)]
#[command(
    name = "cio-lsp",
    version,
    about,
    long_about,
    after_help = "Examples:\n  \
      cio-lsp check                      check the current directory\n  \
      cio-lsp check src/ --fix           fix what is safe to fix, report the rest\n  \
      cio-lsp check --format sarif -o cio.sarif   a report for GitHub code scanning\n  \
      cio-lsp explain CIO002             why a rule exists and how to fix its findings\n\n\
      Editors start the language server with `cio-lsp serve` (or `cio-lsp --stdio`)."
)]
pub struct Cli {
    /// Run the language server on stdio (what editor clients pass; same as `serve`).
    #[arg(long)]
    pub stdio: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check files or directories and report the mistakes found.
    ///
    /// The given paths (default: the current directory) are checked as one workspace, so a
    /// client exported by `lib/customerio.ts` is recognised where other files import it.
    /// Files given without a directory (a pre-commit hook's, `--stdin`) are checked in the
    /// context of their project, the nearest folder above them with a package.json,
    /// tsconfig.json or jsconfig.json, and only they are reported: that costs a check of the
    /// project, unless a file neither names Customer.io nor imports a module of it.
    /// `.gitignore` is respected; `node_modules`, build output (`dist`, `build`, `.next`, …),
    /// minified files and files over 2 MiB are skipped.
    ///
    /// Exit code: 0 when there is no error-severity finding, 1 when there is one (or a warning,
    /// with --deny-warnings), 2 on usage or I/O errors (a path that does not exist, a report
    /// or a fixed file that cannot be written).
    #[command(after_help = "Examples:\n  \
      cio-lsp check\n  \
      cio-lsp check src/ lib/ --deny-warnings\n  \
      cio-lsp check --fix\n  \
      cio-lsp check --format github      annotations in a GitHub Actions job\n  \
      cio-lsp check --format sarif --output cio-lsp.sarif")]
    Check(CheckArgs),
    /// Run the language server on stdin/stdout (editors start this).
    Serve,
    /// List every rule: id, name, default severity, autofix, summary (user rules too).
    Rules {
        // issue 4: user rules come from the configuration.
        /// Configuration file (default: the nearest cio-lsp.toml above the current directory).
        #[arg(long, value_name = "PATH")]
        config: Option<PathBuf>,
    },
    /// Print a rule's documentation: why it matters, wrong and right code, the fix.
    Explain {
        /// Rule id (`CIO002`, case-insensitive) or name (`millisecond-timestamp`).
        rule: String,
        // issue 4: user rules come from the configuration.
        /// Configuration file (default: the nearest cio-lsp.toml above the current directory).
        #[arg(long, value_name = "PATH")]
        config: Option<PathBuf>,
    },
}

/// Runs the command line; returns the process exit code. `before_check` runs once the
/// arguments are read, before `check` does anything else (the binary routes tree-sitter's
/// allocations to mimalloc there, see [`crate::allocator`]).
pub fn run(before_check: impl FnOnce()) -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return if error.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    match (cli.stdio, cli.command) {
        (true, _) | (false, Some(Command::Serve)) => match crate::lsp::serve() {
            Ok(code) => code,
            Err(error) => {
                eprintln!("cio-lsp: {error:#}");
                ExitCode::from(2)
            }
        },
        (false, Some(Command::Check(args))) => {
            before_check();
            check::run(&args)
        }
        (false, Some(Command::Rules { config })) => match configure::resolve(config.as_deref()) {
            Ok(config) => {
                print_rules(config.as_ref());
                ExitCode::SUCCESS
            }
            Err(code) => code,
        },
        (false, Some(Command::Explain { rule, config })) => {
            match configure::resolve(config.as_deref()) {
                Ok(config) => explain(&rule, config.as_ref()),
                Err(code) => code,
            }
        }
        (false, None) => {
            use clap::CommandFactory;
            let _ = Cli::command().print_help();
            ExitCode::from(2)
        }
    }
}

fn print_rules(config: Option<&Config>) {
    let name_width = RULES.iter().map(|r| r.name.len()).max().unwrap_or(4);
    let autofix_width = RULES.iter().map(|r| r.autofix.len()).max().unwrap_or(7);
    println!(
        "{:<7} {:<name_width$} {:<8} {:<autofix_width$} summary",
        "id", "name", "severity", "autofix"
    );
    for rule in RULES {
        println!(
            "{:<7} {:<name_width$} {:<8} {:<autofix_width$} {}",
            rule.id,
            rule.name,
            rule.severity.as_str(),
            rule.autofix,
            rule.summary
        );
    }
    // issue 4: user rules, after the built-in ones.
    for rule in config.iter().flat_map(|c| c.user_rules.rules.iter()) {
        println!(
            "{:<7} {:<name_width$} {:<8} {:<autofix_width$} {} (user rule, {})",
            rule.id,
            rule.name,
            rule.severity.as_str(),
            if rule.has_fix { "yes" } else { "no" },
            rule.message,
            rule.meta_path.display()
        );
    }
    println!();
    println!("`cio-lsp explain <id>` prints a rule's documentation.");
}

fn explain(id: &str, config: Option<&Config>) -> ExitCode {
    // A built-in rule's page, else a user rule's docs: the lookup the editor's hover makes.
    let no_user_rules = UserRules::default();
    let user_rules = config.map_or(&no_user_rules, |c| &c.user_rules);
    match crate::analysis::rule_docs(id, user_rules) {
        Some(docs) => {
            let docs = docs.page;
            print!("{docs}");
            if !docs.ends_with('\n') {
                println!();
            }
            ExitCode::SUCCESS
        }
        None => {
            eprintln!("cio-lsp: no rule `{id}`; `cio-lsp rules` lists them");
            ExitCode::from(2)
        }
    }
}
