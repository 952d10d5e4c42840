//! The language server (`cio-lsp serve`). The only module that knows LSP.

/// Runs the language server on stdin/stdout until the client exits.
pub fn serve() -> anyhow::Result<std::process::ExitCode> {
    anyhow::bail!("the language server is not implemented yet")
}
