// The process's one allocator, for Rust and (below) tree-sitter's C code: see `allocator`.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    // SAFETY: first thing in the process, before any tree-sitter object exists.
    unsafe { cio_lsp::allocator::install_for_tree_sitter() };
    cio_lsp::cli::run()
}
