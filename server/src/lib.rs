//! cio-lsp: catches Customer.io integration mistakes in JavaScript and TypeScript.
//!
//! - [`analysis`]: the core. Text and paths in, findings and fixes out; no LSP types.
//! - [`cli`]: `cio-lsp check`, `rules`, `explain` over the core.
//! - [`lsp`]: `cio-lsp serve`, the language server over the core.
//! - [`allocator`]: mimalloc for tree-sitter's C code in `check`.

pub mod allocator;
pub mod analysis;
pub mod cli;
pub mod lsp;
