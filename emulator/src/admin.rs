//! The `/_emulator` control API: faults, quotas, secrets, records, reset, and scripting the agent.
//! Served on the control-plane port, unsigned and unrecorded. Bad input is a 400 JSON error naming
//! what is wrong.

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
        .route("/secret-calls", get(secret_calls))
        .route("/quota", get(quota).post(set_quota))
        .route("/secrets", get(secrets).post(set_secret))
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

async fn secret_calls(State(state): Shared) -> Response {
    axum::Json(state.records.secret_calls()).into_response()
}

async fn reset(State(state): Shared) -> Response {
    state.reset();
    axum::Json(json!({})).into_response()
}

fn quota_status(state: &AppState) -> Response {
    let active_chats = state.chats().active_count();
    axum::Json(state.quotas.status(active_chats)).into_response()
}

async fn quota(State(state): Shared) -> Response {
    quota_status(&state)
}

/// Changes the quotas: any of `enabled`, `ratePerSecond`, `burst` (the bucket starts full), and
/// `maxActiveChats` (an integer, or null for no cap). Answers the status, as `GET` does.
async fn set_quota(State(state): Shared, body: Bytes) -> Response {
    let request = match parse_json(&body) {
        Ok(value) => value,
        Err(message) => return bad_request(message),
    };
    let Value::Object(fields) = &request else {
        return bad_request("the quota must be a JSON object");
    };
    let mut rate = state.quotas.config();
    let mut rate_changed = false;
    let mut max_active_chats = None;
    for (key, value) in fields {
        match key.as_str() {
            "enabled" => match value {
                Value::Bool(enabled) => rate.enabled = *enabled,
                _ => return bad_request("\"enabled\" must be a boolean"),
            },
            "ratePerSecond" => match value.as_f64() {
                Some(per_second) => rate.rate_per_second = per_second,
                None => return bad_request("\"ratePerSecond\" must be a number"),
            },
            "burst" => match value.as_u64().and_then(|b| u32::try_from(b).ok()) {
                Some(burst) => rate.burst = burst,
                None => return bad_request("\"burst\" must be a non-negative integer"),
            },
            "maxActiveChats" => match value {
                Value::Null => max_active_chats = Some(None),
                _ => match value.as_u64().and_then(|n| usize::try_from(n).ok()) {
                    Some(max) => max_active_chats = Some(Some(max)),
                    None => {
                        return bad_request(
                            "\"maxActiveChats\" must be a non-negative integer or null",
                        );
                    }
                },
            },
            other => {
                return bad_request(format!(
                    "unknown quota field {other:?}; known: \"enabled\", \"ratePerSecond\", \"burst\", \"maxActiveChats\""
                ));
            }
        }
        rate_changed |= key != "maxActiveChats";
    }
    if let Err(message) = rate.check() {
        return bad_request(message);
    }
    if rate_changed {
        state.quotas.set(rate);
    }
    if let Some(max) = max_active_chats {
        state.quotas.set_max_active_chats(max);
    }
    quota_status(&state)
}

/// The ARNs of the secrets GetSecretValue serves (their values are never shown).
async fn secrets(State(state): Shared) -> Response {
    axum::Json(json!({ "arns": state.secrets.arns() })).into_response()
}

/// `{"arn": "...", "secretString": "..."}` stores a secret (a new version when it exists);
/// `"secretString": null` removes it.
async fn set_secret(State(state): Shared, body: Bytes) -> Response {
    let request = match parse_json(&body) {
        Ok(value) => value,
        Err(message) => return bad_request(message),
    };
    let Value::Object(fields) = &request else {
        return bad_request("the secret must be a JSON object");
    };
    if let Some(other) = fields
        .keys()
        .find(|key| !["arn", "secretString"].contains(&key.as_str()))
    {
        return bad_request(format!(
            "unknown secret field {other:?}; known: \"arn\", \"secretString\""
        ));
    }
    let Some(arn) = fields
        .get("arn")
        .and_then(Value::as_str)
        .filter(|arn| !arn.is_empty())
    else {
        return bad_request("\"arn\" (a non-empty string) is required");
    };
    match fields.get("secretString") {
        Some(Value::String(secret_string)) => state.secrets.set(arn, Some(secret_string)),
        Some(Value::Null) => state.secrets.set(arn, None),
        _ => return bad_request("\"secretString\" (a string, or null to remove) is required"),
    }
    axum::Json(json!({ "arns": state.secrets.arns() })).into_response()
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
