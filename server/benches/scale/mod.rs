//! The scale bench's parts (issue 17), shared with the CI smoke test through `#[path]`.

#![allow(dead_code)]

pub mod drive;
pub mod generators;
pub mod process;
pub mod session;
