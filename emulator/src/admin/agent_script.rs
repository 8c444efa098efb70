//! `/_emulator/agent...`: the agent's script, and the agent acting now (say, typing, end).

use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::{Shared, action_error, bad_request, parse_json};
use crate::agent;
use crate::chat::item::TEXT_PLAIN;

pub(super) async fn agent_script(State(state): Shared) -> Response {
    axum::Json(state.agent_script()).into_response()
}

/// Merges a partial script (e.g. `{"replies":["Sure"],"replyDelayMs":50}`) into the current one.
pub(super) async fn patch_agent_script(State(state): Shared, body: Bytes) -> Response {
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
pub(super) async fn agent_say(State(state): Shared, body: Bytes) -> Response {
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

pub(super) async fn agent_typing(State(state): Shared, body: Bytes) -> Response {
    let request = match parse_json(&body) {
        Ok(value) => value,
        Err(message) => return bad_request(message),
    };
    match agent::typing(&state, contact_id(&request)) {
        Ok(()) => axum::Json(json!({})).into_response(),
        Err(error) => action_error(&error),
    }
}

pub(super) async fn agent_end(State(state): Shared, body: Bytes) -> Response {
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
