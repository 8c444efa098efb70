//! CORS for the participant service: ChatJS runs on another origin than the emulator.
//! Preflights are answered for every path (the attachment URLs included); every answer,
//! errors included, carries the allow-origin and exposes the error headers.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::state::AppState;

/// Allowed when the preflight names no headers; what chatjs and the SDKs send, plus
/// headers older or future SDKs add.
const DEFAULT_ALLOWED_HEADERS: &str = "authorization, content-type, x-amz-bearer, x-amz-content-sha256, x-amz-date, x-amz-user-agent, x-amz-security-token, amz-sdk-invocation-id, amz-sdk-request, x-amzn-trace-id";
const ALLOWED_METHODS: &str = "GET, POST, PUT, OPTIONS";
/// Without these exposed, browser code sees `type: "403"` instead of the error name.
const EXPOSED_HEADERS: &str = "x-amzn-RequestId, x-amzn-ErrorType, x-amzn-ErrorMessage, Date";
/// Saves a preflight before every call (Chrome caps it at 2 hours).
const MAX_AGE_SECS: &str = "7200";

pub(crate) async fn layer(
    State(state): State<Arc<AppState>>,
    request: Request,
    next: Next,
) -> Response {
    let allow_origin = allowed_origin(&state.config.allowed_origins, request.headers());
    if request.method() == Method::OPTIONS {
        return preflight(request.headers(), allow_origin);
    }
    let mut response = next.run(request).await;
    if let Some(origin) = allow_origin {
        decorate(response.headers_mut(), origin);
    }
    response
}

/// The value for `Access-Control-Allow-Origin`, or `None` for an origin not on the list
/// (the browser then blocks the answer, as with an instance's unapproved origins).
fn allowed_origin(allowed: &[String], headers: &HeaderMap) -> Option<HeaderValue> {
    if allowed.iter().any(|o| o == "*") {
        return Some(HeaderValue::from_static("*"));
    }
    let origin = headers.get("origin")?;
    let origin_text = origin.to_str().ok()?;
    allowed
        .iter()
        .any(|o| o == origin_text)
        .then(|| origin.clone())
}

fn preflight(headers: &HeaderMap, allow_origin: Option<HeaderValue>) -> Response {
    let Some(origin) = allow_origin else {
        return (
            StatusCode::FORBIDDEN,
            axum::Json(serde_json::json!({"message": "Origin not allowed"})),
        )
            .into_response();
    };
    let mut response = StatusCode::OK.into_response();
    let out = response.headers_mut();
    decorate(out, origin);
    out.insert(
        "access-control-allow-methods",
        HeaderValue::from_static(ALLOWED_METHODS),
    );
    let requested = headers
        .get("access-control-request-headers")
        .filter(|v| !v.as_bytes().is_empty())
        .cloned()
        .unwrap_or_else(|| HeaderValue::from_static(DEFAULT_ALLOWED_HEADERS));
    out.insert("access-control-allow-headers", requested);
    out.insert(
        "access-control-max-age",
        HeaderValue::from_static(MAX_AGE_SECS),
    );
    out.insert("content-length", HeaderValue::from_static("0"));
    response
}

fn decorate(headers: &mut HeaderMap, origin: HeaderValue) {
    if origin.as_bytes() != b"*" {
        headers.append("vary", HeaderValue::from_static("Origin"));
    }
    headers.insert("access-control-allow-origin", origin);
    headers.insert(
        "access-control-expose-headers",
        HeaderValue::from_static(EXPOSED_HEADERS),
    );
}
