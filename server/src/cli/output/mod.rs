//! Report printers for `cio-lsp check --format`.

pub mod human;
pub mod json;
