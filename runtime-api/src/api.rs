//! The HTTP side: the routes a Lambda runtime client calls.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tokio::sync::{Notify, mpsc, oneshot};

/// An event waiting for the function, and where its answer goes.
pub struct PendingInvocation {
    pub request_id: String,
    pub event: Vec<u8>,
    pub deadline: Duration,
    pub reply: oneshot::Sender<Reply>,
}

pub enum Reply {
    Response(Vec<u8>),
    Error(Vec<u8>),
}

pub struct ApiState {
    pub events: tokio::sync::Mutex<mpsc::Receiver<PendingInvocation>>,
    pub in_flight: Mutex<HashMap<String, oneshot::Sender<Reply>>>,
    /// When the function first asked for work: the end of its init.
    pub first_poll: Mutex<Option<Instant>>,
    /// How many times the function has asked for work.
    pub polls: AtomicUsize,
    pub polled: Notify,
    pub init_error: Mutex<Option<Vec<u8>>>,
    pub function_arn: String,
}

pub fn router(state: Arc<ApiState>) -> Router {
    Router::new()
        .route("/2018-06-01/runtime/invocation/next", get(next))
        .route(
            "/2018-06-01/runtime/invocation/{id}/response",
            post(response),
        )
        .route("/2018-06-01/runtime/invocation/{id}/error", post(error))
        .route("/2018-06-01/runtime/init/error", post(init_error))
        .with_state(state)
}

async fn next(State(state): State<Arc<ApiState>>) -> Response {
    {
        let mut first = state.first_poll.lock().unwrap_or_else(|p| p.into_inner());
        first.get_or_insert_with(Instant::now);
    }
    state.polls.fetch_add(1, Ordering::SeqCst);
    state.polled.notify_waiters();
    let pending = state.events.lock().await.recv().await;
    let Some(pending) = pending else {
        // The harness is shutting down: the function will be killed.
        return StatusCode::GONE.into_response();
    };
    let deadline_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .saturating_add(pending.deadline)
        .as_millis();
    let mut headers = HeaderMap::new();
    let header =
        |value: String| HeaderValue::from_str(&value).unwrap_or(HeaderValue::from_static(""));
    headers.insert(
        "lambda-runtime-aws-request-id",
        header(pending.request_id.clone()),
    );
    headers.insert(
        "lambda-runtime-deadline-ms",
        header(deadline_ms.to_string()),
    );
    headers.insert(
        "lambda-runtime-invoked-function-arn",
        header(state.function_arn.clone()),
    );
    headers.insert(
        "lambda-runtime-trace-id",
        HeaderValue::from_static(
            "Root=1-00000000-000000000000000000000000;Parent=0000000000000000;Sampled=0",
        ),
    );
    headers.insert("content-type", HeaderValue::from_static("application/json"));
    state
        .in_flight
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .insert(pending.request_id, pending.reply);
    (StatusCode::OK, headers, pending.event).into_response()
}

fn complete(state: &ApiState, id: &str, reply: Reply) -> StatusCode {
    let waiting = state
        .in_flight
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .remove(id);
    match waiting {
        Some(sender) => {
            let _ = sender.send(reply);
            StatusCode::ACCEPTED
        }
        None => StatusCode::BAD_REQUEST,
    }
}

async fn response(
    State(state): State<Arc<ApiState>>,
    Path(id): Path<String>,
    body: Bytes,
) -> StatusCode {
    complete(&state, &id, Reply::Response(body.to_vec()))
}

async fn error(
    State(state): State<Arc<ApiState>>,
    Path(id): Path<String>,
    body: Bytes,
) -> StatusCode {
    complete(&state, &id, Reply::Error(body.to_vec()))
}

async fn init_error(State(state): State<Arc<ApiState>>, body: Bytes) -> StatusCode {
    *state.init_error.lock().unwrap_or_else(|p| p.into_inner()) = Some(body.to_vec());
    StatusCode::ACCEPTED
}
