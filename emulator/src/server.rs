//! HTTP/1.1 serving: an accept loop per listener, one task per TCP connection.
//!
//! Hand-rolled rather than `axum::serve` so a handler can drop its own TCP connection
//! (the DropConnection fault) and see the peer address, and so shutdown stops every task.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::Request;
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::Notify;
use tower_service::Service;

use crate::ids;
use crate::state::AppState;

/// Per-connection facts a handler can reach through the request extensions.
#[derive(Clone)]
pub(crate) struct ConnectionContext {
    pub(crate) peer: SocketAddr,
    drop_signal: Arc<Notify>,
}

impl ConnectionContext {
    /// Closes the TCP connection without answering the request in flight.
    pub(crate) fn drop_connection(&self) {
        self.drop_signal.notify_one();
    }
}

/// Serves `router` on `listener` until the emulator's tasks are stopped.
pub(crate) fn serve(
    state: &Arc<AppState>,
    listener: TcpListener,
    router: Router,
    plane: &'static str,
) {
    let tracker_state = Arc::clone(state);
    state.tasks.spawn(async move {
        loop {
            let (stream, peer) = match listener.accept().await {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Usually fd exhaustion: back off instead of spinning.
                    tracing::warn!(%error, plane, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            };
            let _ = stream.set_nodelay(true);
            tracker_state
                .tasks
                .spawn(serve_connection(stream, peer, router.clone()));
        }
    });
}

async fn serve_connection(stream: tokio::net::TcpStream, peer: SocketAddr, router: Router) {
    let context = ConnectionContext {
        peer,
        drop_signal: Arc::new(Notify::new()),
    };
    let drop_signal = Arc::clone(&context.drop_signal);
    let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
        request.extensions_mut().insert(context.clone());
        let mut router = router.clone();
        async move { router.call(request).await }
    });
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .keep_alive(true)
        .header_read_timeout(Duration::from_secs(30));
    let connection = builder
        .serve_connection(TokioIo::new(stream), service)
        .with_upgrades();
    tokio::select! {
        result = connection => {
            if let Err(error) = result {
                tracing::debug!(%error, %peer, "connection ended with an error");
            }
        }
        () = drop_signal.notified() => {
            tracing::info!(%peer, "connection dropped by an injected fault");
        }
    }
}

/// Adds `x-amzn-RequestId` to every response (the SDKs read it into their metadata).
pub(crate) async fn request_id_layer(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    if !response.headers().contains_key("x-amzn-requestid")
        && let Ok(value) = HeaderValue::from_str(&ids::request_id())
    {
        response.headers_mut().insert("x-amzn-requestid", value);
    }
    response
}

/// Logs method, path (never the query: it carries tokens), status and duration to stderr.
pub(crate) async fn access_log_layer(request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let started = Instant::now();
    let response = next.run(request).await;
    let status = response.status().as_u16();
    let elapsed_ms = started.elapsed().as_millis();
    match response
        .headers()
        .get("x-amzn-errortype")
        .and_then(|v| v.to_str().ok())
    {
        Some(error_type) => {
            tracing::info!("{method} {path} -> {status} {error_type} ({elapsed_ms} ms)")
        }
        None => tracing::info!("{method} {path} -> {status} ({elapsed_ms} ms)"),
    }
    response
}

/// The host part of URLs handed to clients: chatjs only accepts `ws://127.0.0.1:PORT`.
pub(crate) fn url_host(addr: SocketAddr) -> String {
    match addr {
        SocketAddr::V4(v4) if v4.ip().is_unspecified() => "127.0.0.1".to_owned(),
        SocketAddr::V4(v4) => v4.ip().to_string(),
        SocketAddr::V6(v6) if v6.ip().is_unspecified() => "127.0.0.1".to_owned(),
        SocketAddr::V6(v6) => format!("[{}]", v6.ip()),
    }
}
