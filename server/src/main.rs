fn main() -> std::process::ExitCode {
    cio_lsp::cli::run(|| {
        // SAFETY: called before `check` creates any tree-sitter object, and nothing before
        // it in this process creates one.
        unsafe { cio_lsp::allocator::install_for_tree_sitter() }
    })
}
