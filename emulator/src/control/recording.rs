//! The first layer of every control-plane request: read the body (bounded), verify SigV4, record
//! the request, then hand the verdict to the operation. The `/_emulator` routes pass untouched.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Instant;

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::sigv4::{self, SigV4Error};
use super::{ReceivedAt, SignatureVerdict, secrets_manager};
use crate::clock;
use crate::http::aws_error::AwsError;
use crate::http::server::ConnectionContext;
use crate::state::AppState;
use crate::stores::records::{RecordedRequest, RecordedStartChat};

/// Largest body the control plane reads. StartChatContact's own members stay far below it.
const MAX_BODY_BYTES: usize = 1024 * 1024;

fn is_control_api(path: &str) -> bool {
    path == "/_emulator" || path.starts_with("/_emulator/")
}

/// Reads the body (bounded), verifies SigV4, records the request, then lets routing proceed.
pub(super) async fn record_and_verify(
    State(state): State<Arc<AppState>>,
    request: Request,
    next: Next,
) -> Response {
    if is_control_api(request.uri().path()) {
        return next.run(request).await;
    }
    let received = Instant::now();
    let peer = request
        .extensions()
        .get::<ConnectionContext>()
        .map_or(SocketAddr::from((Ipv4Addr::UNSPECIFIED, 0)), |c| c.peer);
    let (mut parts, body) = request.into_parts();

    let declared_too_large = parts
        .headers
        .get("content-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        .is_some_and(|len| len > MAX_BODY_BYTES as u64);
    let body = if declared_too_large {
        None
    } else {
        to_bytes(body, MAX_BODY_BYTES).await.ok()
    };

    // The target names the service an awsJson request was signed for; everything else is Connect.
    let service = match parts.headers.get("x-amz-target").map(|v| v.as_bytes()) {
        Some(target) if target.starts_with(secrets_manager::TARGET_PREFIX.as_bytes()) => {
            "secretsmanager"
        }
        _ => "connect",
    };
    let verdict = match &body {
        Some(bytes) => {
            let verifier = sigv4::Verifier {
                credentials: &state.config.credentials,
                region: &state.config.region,
                service,
                now_secs: clock::system_now_ms() / 1000,
            };
            verifier.verify(&parts.method, &parts.uri, &parts.headers, bytes)
        }
        None => Err(SigV4Error::Incomplete(
            "The request body could not be read.".to_owned(),
        )),
    };
    state.records.push_request(RecordedRequest {
        method: parts.method.to_string(),
        path: parts.uri.path().to_owned(),
        peer,
        signature_valid: verdict.is_ok(),
        signature_error: verdict.as_ref().err().map(|e| e.code().to_owned()),
        access_key_id: sigv4::access_key_id(&parts.headers),
        headers: redacted_headers(&parts.headers),
        received_at_ms: clock::system_now_ms(),
    });

    let Some(body) = body else {
        let error = AwsError::generic(
            413,
            "RequestEntityTooLargeException",
            format!("Request body exceeds the maximum size of {MAX_BODY_BYTES} bytes"),
        );
        if parts.method == Method::PUT && parts.uri.path() == "/contact/chat" {
            state.records.push_start_chat(RecordedStartChat {
                body: serde_json::Value::Null,
                status: error.status,
                error_code: Some(error.code.to_owned()),
                contact_id: None,
                idempotent_replay: false,
                client_token: None,
                fault: None,
                peer,
                service_time: received.elapsed(),
            });
        }
        return error.into_response();
    };
    parts.extensions.insert(SignatureVerdict(verdict));
    parts.extensions.insert(ReceivedAt(received));
    next.run(Request::from_parts(parts, Body::from(body))).await
}

/// Headers as received, with credentials blanked out: records are shown in test output.
fn redacted_headers(headers: &HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(name, value)| {
            let shown = match name.as_str() {
                "authorization" | "x-amz-security-token" => "<redacted>".to_owned(),
                _ => String::from_utf8_lossy(value.as_bytes()).into_owned(),
            };
            (name.as_str().to_owned(), shown)
        })
        .collect()
}
