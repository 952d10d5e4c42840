//! The language server (`cio-lsp serve`). The only module that knows LSP.
//!
//! - [`server`]: the `LanguageServer`: routes each method to its handler.
//! - `handlers`: one module per feature (lifecycle, text sync, diagnostics, hover, code
//!   actions, workspace), building the responses.
//! - `session`: the session ([`Backend`]): the client, the output and the state.
//! - `state`: what the handlers share (documents, settings, configuration file, index).
//! - [`documents`]: open documents, incrementally edited, parsed and analysed (no LSP types).
//! - [`convert`]: core findings and fixes ↔ LSP diagnostics, edits and ranges.
//! - [`outbox`]: the output; diagnostics serialized without tower-lsp-server's `Value` detour.
//! - [`framing`]: the input; malformed frames answered, well-formed ones forwarded.
//! - [`workspace`]: the background index of the workspace folders.
//! - [`settings`]: client settings → `analysis::Settings`.
//! - `logging`: the server's log, one line per event (the session's to the client, the
//!   server's internals to stderr), at the `logLevel` setting's level.

pub mod convert;
pub mod documents;
pub mod framing;
mod handlers;
mod logging;
pub mod outbox;
pub mod server;
mod session;
pub mod settings;
mod state;
pub mod workspace;

use std::future::Future;
use std::pin::Pin;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite};
use tower_lsp_server::jsonrpc::{Request, Response};
use tower_lsp_server::{LspService, Server};

pub use session::Backend;

/// Runs the language server on stdin/stdout until the client exits.
///
/// Exit code: 0 after `shutdown` then `exit`, or when stdin closes; 1 on `exit` without a
/// `shutdown` first (as the LSP specification asks).
pub fn serve() -> anyhow::Result<ExitCode> {
    logging::init();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let outcome = runtime.block_on(serve_on(tokio::io::stdin(), tokio::io::stdout()));
    // Background indexing may still be reading files; it must not hold the process open.
    runtime.shutdown_background();
    Ok(match outcome {
        Outcome::ExitWithoutShutdown => ExitCode::from(1),
        Outcome::Exit | Outcome::InputClosed => ExitCode::SUCCESS,
    })
}

/// How a session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// `shutdown` then `exit`.
    Exit,
    /// `exit` without `shutdown`.
    ExitWithoutShutdown,
    /// The client closed the stream without `exit`.
    InputClosed,
}

/// Bytes tower-lsp-server may write ahead of the relay reading them.
const SERVER_PIPE_CAPACITY: usize = 64 * 1024;

/// Serves one LSP session over any byte streams (stdio, or an in-memory pipe in tests).
pub async fn serve_on<I, O>(input: I, output: O) -> Outcome
where
    I: AsyncRead + Unpin,
    O: AsyncWrite,
{
    let shutdown = Arc::new(AtomicBool::new(false));
    let exit = Arc::new(AtomicBool::new(false));
    let (outbox, frames) = outbox::channel();
    let (service, socket) = LspService::new({
        let shutdown = shutdown.clone();
        let outbox = outbox.clone();
        move |client| Backend::new(client, outbox, shutdown)
    });
    let service = ExitWatch {
        inner: service,
        exit: exit.clone(),
    };
    // tower-lsp-server reads checked frames from a pipe (`framing`), and writes into another
    // one; `outbox::write` alone writes to `output`.
    let (checked_input, server_input) = tokio::io::duplex(SERVER_PIPE_CAPACITY);
    let (server_output, server_frames) = tokio::io::duplex(SERVER_PIPE_CAPACITY);
    let framing = framing::forward(input, checked_input, outbox.clone());
    let session = async {
        let server = Server::new(server_input, server_output, socket).serve(service);
        tokio::pin!(server, framing);
        // After `exit` the client may keep its end open: stop reading it. At the end of input
        // `forward` drops its end of the pipe and tower-lsp-server finishes what it was doing.
        tokio::select! {
            () = &mut server => {}
            () = &mut framing => server.await,
        }
    };
    tokio::join!(
        // `serve` drops its end of the pipe when it returns, which ends the relay, then the writer.
        session,
        outbox::relay(server_frames, outbox),
        outbox::write(frames, output),
    );
    match (exit.load(Ordering::SeqCst), shutdown.load(Ordering::SeqCst)) {
        (true, true) => Outcome::Exit,
        (true, false) => Outcome::ExitWithoutShutdown,
        (false, _) => {
            tracing::info!("the client closed the connection; exiting");
            Outcome::InputClosed
        }
    }
}

/// Notes whether the `exit` notification arrived: `Server::serve` returns the same way for
/// `exit` and for the end of input, and only `exit` without `shutdown` means exit code 1.
/// Also answers every request: tower-lsp-server drops the `MethodNotFound` error of an unknown
/// `$/…` method even when it was a request, and the client would wait for it forever.
struct ExitWatch<S> {
    inner: S,
    exit: Arc<AtomicBool>,
}

impl<S> tower::Service<Request> for ExitWatch<S>
where
    S: tower::Service<Request, Response = Option<Response>>,
    S::Future: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Option<Response>, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        if request.method() == "exit" {
            self.exit.store(true, Ordering::SeqCst);
        }
        let unanswered = request
            .id()
            .map(|id| (id.clone(), request.method().to_string()));
        let response = self.inner.call(request);
        Box::pin(async move {
            let response = response.await?;
            Ok(response.or_else(|| {
                let (id, method) = unanswered?;
                let mut error = tower_lsp_server::jsonrpc::Error::method_not_found();
                error.data = Some(serde_json::Value::String(method));
                Some(Response::from_error(id, error))
            }))
        })
    }
}
