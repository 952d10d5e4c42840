//! The session: the client, the output and the shared state, as every handler sees them.
//! `super::server` routes the client's messages to the handlers with it.

use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use tower_lsp_server::ls_types::MessageType;
use tower_lsp_server::Client;

use super::logging;
use super::outbox::Outbox;
use super::state::{ConfigReport, State};

/// One client's session with the server; each handler is given it.
pub struct Backend {
    pub(super) client: Client,
    /// Where diagnostics are published (not through `client`: see `outbox`).
    pub(super) outbox: Outbox,
    pub(super) state: Arc<State>,
    /// The configuration report of `initialize`, sent once the client is `initialized`.
    pub(super) pending_config: std::sync::Mutex<Option<ConfigReport>>,
}

impl Backend {
    pub fn new(client: Client, outbox: Outbox, shutdown: Arc<AtomicBool>) -> Self {
        Backend {
            client,
            outbox,
            pending_config: Default::default(),
            state: Arc::new(State::new(shutdown)),
        }
    }

    /// A backend for a background task: the same client, output and state.
    pub(super) fn detached(&self) -> Backend {
        Backend {
            client: self.client.clone(),
            outbox: self.outbox.clone(),
            state: self.state.clone(),
            pending_config: Default::default(),
        }
    }

    /// What the analyses queued for the client (`State::take_notices`): a rule out of time is
    /// shown once (`window/showMessage`) and logged once per file.
    pub(super) async fn tell_notices(&self) {
        for (kind, message) in self.state.take_notices() {
            if kind == MessageType::LOG {
                self.log(MessageType::WARNING, message).await;
            } else {
                self.client
                    .show_message(kind, format!("cio-lsp: {message}"))
                    .await;
            }
        }
    }

    /// An event of the session in the client's log (`window/logMessage`), on one line, when
    /// the `logLevel` setting lets it through. Only there: see `logging`.
    pub(super) async fn log(&self, kind: MessageType, message: String) {
        let level = self.state.client_settings.read().unwrap().log_level;
        if logging::enabled(kind, level) {
            self.client
                .log_message(kind, logging::one_line(&message))
                .await;
        }
    }
}
