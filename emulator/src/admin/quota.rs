//! `/_emulator/quota`: show and change the quotas.

use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::{Shared, bad_request, parse_json};
use crate::config::QuotaConfig;
use crate::operation::Operation;
use crate::state::AppState;

fn quota_status(state: &AppState) -> Response {
    let active_chats = state.chats().active_count();
    axum::Json(state.quotas.status(active_chats)).into_response()
}

pub(super) async fn quota(State(state): Shared) -> Response {
    quota_status(&state)
}

/// Changes the quotas: any of `enabled`, `ratePerSecond`, `burst` (the bucket starts full) of
/// StartChatContact, or of the operation named by `"operation"` (`"*"`: every operation), and
/// StartChatContact's `maxActiveChats` (an integer, or null for no cap). Answers the status, as
/// `GET` does.
pub(super) async fn set_quota(State(state): Shared, body: Bytes) -> Response {
    let request = match parse_json(&body) {
        Ok(value) => value,
        Err(message) => return bad_request(message),
    };
    let Value::Object(fields) = &request else {
        return bad_request("the quota must be a JSON object");
    };
    let mut change = RateChange::default();
    let mut targets = vec![Operation::StartChatContact];
    let mut max_active_chats = None;
    for (key, value) in fields {
        match key.as_str() {
            "operation" => match value.as_str() {
                Some("*") => targets = Operation::ALL.to_vec(),
                Some(name) if Operation::from_name(name).is_some() => {
                    targets = Operation::from_name(name).into_iter().collect();
                }
                _ => {
                    return bad_request(format!(
                        "\"operation\" must be \"*\" or one of {}",
                        Operation::known_names()
                    ));
                }
            },
            "enabled" => match value {
                Value::Bool(enabled) => change.enabled = Some(*enabled),
                _ => return bad_request("\"enabled\" must be a boolean"),
            },
            "ratePerSecond" => match value.as_f64() {
                Some(per_second) => change.rate_per_second = Some(per_second),
                None => return bad_request("\"ratePerSecond\" must be a number"),
            },
            "burst" => match value.as_u64().and_then(|b| u32::try_from(b).ok()) {
                Some(burst) => change.burst = Some(burst),
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
                    "unknown quota field {other:?}; known: \"operation\", \"enabled\", \"ratePerSecond\", \"burst\", \"maxActiveChats\""
                ));
            }
        }
    }
    if max_active_chats.is_some() && targets != [Operation::StartChatContact] {
        return bad_request("\"maxActiveChats\" is StartChatContact's: leave \"operation\" out");
    }
    let mut updated = Vec::new();
    if change.any() {
        for operation in targets {
            let rate = change.applied_to(state.quotas.config(operation));
            if let Err(message) = rate.check() {
                return bad_request(message);
            }
            updated.push((operation, rate));
        }
    }
    for (operation, rate) in updated {
        state.quotas.set(operation, rate);
    }
    if let Some(max) = max_active_chats {
        state.quotas.set_max_active_chats(max);
    }
    quota_status(&state)
}

/// The rate fields a request changes; the others keep their value.
#[derive(Default)]
struct RateChange {
    enabled: Option<bool>,
    rate_per_second: Option<f64>,
    burst: Option<u32>,
}

impl RateChange {
    fn any(&self) -> bool {
        self.enabled.is_some() || self.rate_per_second.is_some() || self.burst.is_some()
    }

    fn applied_to(&self, mut rate: QuotaConfig) -> QuotaConfig {
        rate.enabled = self.enabled.unwrap_or(rate.enabled);
        rate.rate_per_second = self.rate_per_second.unwrap_or(rate.rate_per_second);
        rate.burst = self.burst.unwrap_or(rate.burst);
        rate
    }
}
