//! The `/_emulator` control API: faults, records, reset, and scripting the agent.
//! Served on the control-plane port, unsigned and unrecorded.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};

use crate::agent::{self, ChatActionError};
use crate::aws_error::AwsError;
use crate::chat::item::TEXT_PLAIN;
use crate::faults::{self, fault_json};
use crate::state::AppState;

type Shared = State<Arc<AppState>>;

pub(crate) fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/health", get(health))
        .route("/faults", post(add_faults).get(list_faults))
        .route("/requests", get(requests))
        .route("/start-chat-calls", get(start_chat_calls))
        .route("/reset", post(reset))
        .route("/agent", get(agent_script).post(patch_agent_script))
        .route("/agent/say", post(agent_say))
        .route("/agent/typing", post(agent_typing))
        .route("/agent/end", post(agent_end))
        .route("/chats", get(chats))
        .route("/chats/{contact_id}/transcript", get(transcript))
}

fn bad_request(message: impl Into<String>) -> Response {
    AwsError::generic(400, "BadRequestException", message).into_response()
}

/// The body as JSON (`{}` when empty); the error is the message for a 400.
fn parse_json(body: &[u8]) -> Result<Value, String> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(json!({}));
    }
    serde_json::from_slice(body).map_err(|e| format!("body is not valid JSON: {e}"))
}

fn action_error(error: &ChatActionError) -> Response {
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

async fn add_faults(State(state): Shared, body: Bytes) -> Response {
    let value = match parse_json(&body) {
        Ok(value) => value,
        Err(message) => return bad_request(message),
    };
    match faults::parse_faults(&value) {
        Ok(parsed) => {
            let count = parsed.len();
            for fault in parsed {
                state.faults.push(fault);
            }
            axum::Json(json!({ "queued": count, "pending": state.faults.pending().len() }))
                .into_response()
        }
        Err(message) => bad_request(message),
    }
}

async fn list_faults(State(state): Shared) -> Response {
    let pending: Vec<Value> = state.faults.pending().iter().map(fault_json).collect();
    axum::Json(json!(pending)).into_response()
}

async fn requests(State(state): Shared) -> Response {
    axum::Json(state.records.requests()).into_response()
}

async fn start_chat_calls(State(state): Shared) -> Response {
    axum::Json(state.records.start_chat_calls()).into_response()
}

async fn reset(State(state): Shared) -> Response {
    state.records.clear();
    state.faults.clear();
    state.set_agent_script(state.config.agent.clone());
    axum::Json(json!({})).into_response()
}

async fn agent_script(State(state): Shared) -> Response {
    axum::Json(state.agent_script()).into_response()
}

/// Merges a partial script (e.g. `{"replies":["Sure"],"replyDelayMs":50}`) into the current one.
async fn patch_agent_script(State(state): Shared, body: Bytes) -> Response {
    let patch = match parse_json(&body) {
        Ok(value) => value,
        Err(message) => return bad_request(message),
    };
    match state.agent_script().patched(&patch) {
        Ok(script) => {
            state.set_agent_script(script.clone());
            axum::Json(script).into_response()
        }
        Err(message) => bad_request(message),
    }
}

/// `{"contactId"?: ..., "content": ..., "contentType"?: ...}`; without contactId, the newest active chat.
async fn agent_say(State(state): Shared, body: Bytes) -> Response {
    let request = match parse_json(&body) {
        Ok(value) => value,
        Err(message) => return bad_request(message),
    };
    let Some(content) = request
        .get("content")
        .and_then(Value::as_str)
        .filter(|c| !c.is_empty())
    else {
        return bad_request("\"content\" (a non-empty string) is required");
    };
    let content_type = request
        .get("contentType")
        .and_then(Value::as_str)
        .unwrap_or(TEXT_PLAIN);
    match agent::say(&state, contact_id(&request), content_type, content) {
        Ok(id) => axum::Json(json!({ "id": id })).into_response(),
        Err(error) => action_error(&error),
    }
}

async fn agent_typing(State(state): Shared, body: Bytes) -> Response {
    let request = match parse_json(&body) {
        Ok(value) => value,
        Err(message) => return bad_request(message),
    };
    match agent::typing(&state, contact_id(&request)) {
        Ok(()) => axum::Json(json!({})).into_response(),
        Err(error) => action_error(&error),
    }
}

async fn agent_end(State(state): Shared, body: Bytes) -> Response {
    let request = match parse_json(&body) {
        Ok(value) => value,
        Err(message) => return bad_request(message),
    };
    match agent::end_chat(&state, contact_id(&request)) {
        Ok(contact_id) => axum::Json(json!({ "contactId": contact_id })).into_response(),
        Err(error) => action_error(&error),
    }
}

fn contact_id(request: &Value) -> Option<&str> {
    request.get("contactId").and_then(Value::as_str)
}

async fn chats(State(state): Shared) -> Response {
    let summaries: Vec<_> = state
        .chats()
        .contacts_in_creation_order()
        .map(|c| c.summary())
        .collect();
    axum::Json(summaries).into_response()
}

async fn transcript(State(state): Shared, Path(contact_id): Path<String>) -> Response {
    let chats = state.chats();
    match chats.contact(&contact_id) {
        Some(contact) => {
            let items: Vec<Value> = contact
                .transcript
                .iter()
                .map(|item| item.to_json())
                .collect();
            axum::Json(items).into_response()
        }
        None => action_error(&ChatActionError::UnknownContact(contact_id)),
    }
}
