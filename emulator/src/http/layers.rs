//! Layers both planes share: the request id every AWS answer carries, the request log, and the host
//! part of the URLs handed to clients.

use std::net::SocketAddr;
use std::time::Instant;

use axum::extract::Request;
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;

use crate::ids;

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
