//! The command line: `cio-lsp check`, `rules`, `explain`, `serve`. An adapter over the core.

mod check;
mod configure; // issue 4: config discovery for `check`, `rules`, `explain`
pub mod output;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::analysis::config::Config;
use crate::analysis::rules::RULES;

/// Catches Customer.io integration mistakes in JavaScript and TypeScript.
#[derive(Debug, Parser)]
#[command(name = "cio-lsp", version, about, long_about = None)]
pub struct Cli {
    /// Run the language server on stdio (what VS Code's client passes; same as `serve`).
    #[arg(long, global = false)]
    pub stdio: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check files or directories (default: the current directory) and report findings.
    ///
    /// The given paths form one workspace. Exit code: 0 when there is no error-severity finding,
    /// 1 when there is one (or a warning, with --deny-warnings), 2 on usage or I/O errors.
    Check(CheckArgs),
    /// Run the language server on stdin/stdout.
    Serve,
    /// List every rule with its id, default severity and autofix (user rules too).
    Rules {
        // issue 4: user rules come from the configuration.
        /// Configuration file (default: the nearest cio-lsp.toml above the current directory).
        #[arg(long, value_name = "PATH")]
        config: Option<PathBuf>,
    },
    /// Print a rule's documentation, e.g. `cio-lsp explain CIO002`.
    Explain {
        /// Rule id (CIO002) or name (millisecond-timestamp).
        rule: String,
        // issue 4: user rules come from the configuration.
        /// Configuration file (default: the nearest cio-lsp.toml above the current directory).
        #[arg(long, value_name = "PATH")]
        config: Option<PathBuf>,
    },
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Files or directories to check.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Apply every fix-all-safe fix in place.
    #[arg(long)]
    pub fix: bool,
    /// Exit with 1 on warnings as well as errors.
    #[arg(long)]
    pub deny_warnings: bool,
    /// Never show a progress bar.
    #[arg(long)]
    pub no_progress: bool,
    // issue 4 (config branch):
    /// Configuration file (default: the nearest cio-lsp.toml above the checked paths).
    #[arg(long, value_name = "PATH")]
    pub config: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Code frames with the range underlined, and a summary.
    Human,
    /// One JSON document (schema in the README).
    Json,
    /// SARIF 2.1.0.
    Sarif,
    /// GitHub Actions workflow commands (`::error file=…`).
    Github,
}

/// Runs the command line; returns the process exit code.
pub fn run() -> ExitCode {
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
        (false, Some(Command::Check(args))) => check::run(&args),
        (false, Some(Command::Rules { config })) => {
            match configure::resolve(&[PathBuf::from(".")], config.as_deref()) {
                Ok(config) => {
                    print_rules(config.as_ref());
                    ExitCode::SUCCESS
                }
                Err(code) => code,
            }
        }
        (false, Some(Command::Explain { rule, config })) => {
            match configure::resolve(&[PathBuf::from(".")], config.as_deref()) {
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
    println!(
        "{:<7} {:<24} {:<8} {:<19} summary",
        "id", "name", "severity", "autofix"
    );
    for rule in RULES {
        println!(
            "{:<7} {:<24} {:<8} {:<19} {}",
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
            "{:<7} {:<24} {:<8} {:<19} {} (user rule, {})",
            rule.id,
            rule.name,
            rule.severity.as_str(),
            if rule.has_fix { "yes" } else { "no" },
            rule.message,
            rule.meta_path.display()
        );
    }
}

fn explain(id: &str, config: Option<&Config>) -> ExitCode {
    // issue 4: a user rule's docs when no built-in rule has this id.
    let user_docs = config
        .and_then(|c| c.user_rules.find(id))
        .map(|r| r.docs.as_str());
    match crate::analysis::rules::find(id)
        .map(|r| r.docs)
        .or(user_docs)
    {
        Some(docs) => {
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
