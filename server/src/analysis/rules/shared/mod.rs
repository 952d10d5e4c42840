//! What several rules share: event names, time keys and values, client constructions,
//! credentials, fix text.

pub mod batch;
pub mod constructions;
pub mod credentials;
pub mod event_names;
pub mod fixes;
pub mod handlers;
pub mod timestamps;
