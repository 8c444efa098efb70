//! `/_emulator/quota`: show and change the quotas.

use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::{Shared, bad_request, parse_json};
use crate::state::AppState;

fn quota_status(state: &AppState) -> Response {
    let active_chats = state.chats().active_count();
    axum::Json(state.quotas.status(active_chats)).into_response()
}

pub(super) async fn quota(State(state): Shared) -> Response {
    quota_status(&state)
}

/// Changes the quotas: any of `enabled`, `ratePerSecond`, `burst` (the bucket starts full), and
/// `maxActiveChats` (an integer, or null for no cap). Answers the status, as `GET` does.
pub(super) async fn set_quota(State(state): Shared, body: Bytes) -> Response {
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
