fn main() -> std::process::ExitCode {
    cio_lsp::cli::run()
}
