//! The handlers of the `LanguageServer` methods, one module per feature; `super::server`
//! routes each method here.
//!
//! - [`hover`]: rule documentation and call notes.

pub mod hover;
