//! The handlers of the `LanguageServer` methods, one module per feature; `super::server`
//! routes each method here.
//!
//! - [`code_actions`]: quick fixes, suppressions, fix-all.
//! - [`diagnostics`]: publishing, pull diagnostics, re-linting.
//! - [`hover`]: rule documentation and call notes.
//! - [`text_sync`]: didOpen, didChange, didSave, didClose.
//! - [`workspace`]: watched files, editor settings, the configuration file, the index.

pub mod code_actions;
pub mod diagnostics;
pub mod hover;
pub mod text_sync;
pub mod workspace;
