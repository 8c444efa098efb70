//! The `/_emulator` control API: faults, quotas, secrets, records, reset, scripting the agent, the
//! queues, hours and agents behind the chats, the clock, and the recorded push notifications.
//! Served on the control-plane port, unsigned and unrecorded. Bad input is a 400 JSON error naming
//! what is wrong.

mod agent_script;
mod chats;
mod clock;
mod faults;
mod push;
mod quota;
mod routing;
mod secrets;

use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use serde_json::{Value, json};

use crate::agent::ChatActionError;
use crate::http::aws_error::AwsError;
use crate::state::AppState;

pub(super) type Shared = State<Arc<AppState>>;

pub(crate) fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/health", get(health))
        .route("/faults", post(faults::add_faults).get(faults::list_faults))
        .route("/requests", get(requests))
        .route("/start-chat-calls", get(start_chat_calls))
        .route("/secret-calls", get(secret_calls))
        .route("/quota", get(quota::quota).post(quota::set_quota))
        .route("/secrets", get(secrets::secrets).post(secrets::set_secret))
        .route("/reset", post(reset))
        .route(
            "/agent",
            get(agent_script::agent_script).post(agent_script::patch_agent_script),
        )
        .route("/agent/say", post(agent_script::agent_say))
        .route("/agent/typing", post(agent_script::agent_typing))
        .route("/agent/end", post(agent_script::agent_end))
        .route("/chats", get(chats::chats))
        .route("/chats/{contact_id}/transcript", get(chats::transcript))
        .route("/calls", get(calls))
        .route("/clock", get(clock::clock).post(clock::set_clock))
        .route("/queues", get(routing::queues).post(routing::set_queues))
        .route(
            "/queues/{queue_id}",
            get(routing::queue)
                .post(routing::patch_queue)
                .delete(routing::remove_queue),
        )
        .route("/hours", get(routing::all_hours).post(routing::set_hours))
        .route(
            "/hours/{hours_id}",
            get(routing::hours).delete(routing::remove_hours),
        )
        .route(
            "/hours/{hours_id}/overrides",
            post(routing::add_overrides).delete(routing::remove_overrides),
        )
        .route(
            "/hours/{hours_id}/overrides/{override_id}",
            delete(routing::remove_override),
        )
        .route("/agents", get(routing::agents).post(routing::set_agents))
        .route(
            "/push-notifications",
            get(push::notifications).delete(push::clear_notifications),
        )
        .route("/push-registrations", get(push::registrations))
}

pub(super) fn bad_request(message: impl Into<String>) -> Response {
    AwsError::generic(400, "BadRequestException", message).into_response()
}

/// The body as JSON (`{}` when empty); the error is the message for a 400.
pub(super) fn parse_json(body: &[u8]) -> Result<Value, String> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(json!({}));
    }
    serde_json::from_slice(body).map_err(|e| format!("body is not valid JSON: {e}"))
}

pub(super) fn action_error(error: &ChatActionError) -> Response {
    match error {
        ChatActionError::UnknownContact(_) => {
            AwsError::generic(404, "ResourceNotFoundException", error.to_string())
        }
        ChatActionError::ChatEnded(_) => {
            AwsError::generic(409, "ConflictException", error.to_string())
        }
    }
    .into_response()
}

async fn health() -> Response {
    axum::Json(json!({ "status": "ok" })).into_response()
}

async fn requests(State(state): Shared) -> Response {
    axum::Json(state.records.requests()).into_response()
}

async fn start_chat_calls(State(state): Shared) -> Response {
    axum::Json(state.records.start_chat_calls()).into_response()
}

async fn secret_calls(State(state): Shared) -> Response {
    axum::Json(state.records.secret_calls()).into_response()
}

async fn calls(State(state): Shared) -> Response {
    axum::Json(state.records.operation_calls()).into_response()
}

async fn reset(State(state): Shared) -> Response {
    state.reset();
    axum::Json(json!({})).into_response()
}
