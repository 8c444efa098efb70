//! `/_emulator/queues`, `/_emulator/hours`, `/_emulator/agents`: the queues, hours of operation
//! (with their overrides) and agent presence the Connect operations answer from. A POST takes one
//! object or an array; a POST to one queue merges the fields given.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::{Shared, bad_request, parse_json};
use crate::http::aws_error::AwsError;
use crate::routing::RoutingError;
use crate::routing::hours::{HoursOfOperation, HoursOverride};
use crate::routing::presence::AgentPresence;
use crate::routing::queue::Queue;

fn routing_error(error: &RoutingError) -> Response {
    match error {
        RoutingError::Invalid(_) => bad_request(error.to_string()),
        _ => AwsError::generic(404, "ResourceNotFoundException", error.to_string()).into_response(),
    }
}

/// The body as a list of `T`: one object or an array of them.
fn items<T: DeserializeOwned>(body: &[u8]) -> Result<Vec<T>, String> {
    let value = parse_json(body)?;
    let list = match value {
        Value::Array(list) => list,
        one => vec![one],
    };
    list.into_iter()
        .map(|item| serde_json::from_value(item).map_err(|e| format!("invalid body: {e}")))
        .collect()
}

/// `current` with the patch's fields replaced.
fn merged<T: Serialize + DeserializeOwned>(current: &T, patch: &Value) -> Result<T, String> {
    let Value::Object(changes) = patch else {
        return Err("the body must be a JSON object".to_owned());
    };
    let mut merged = serde_json::to_value(current).map_err(|e| e.to_string())?;
    if let Value::Object(fields) = &mut merged {
        fields.extend(changes.clone());
    }
    serde_json::from_value(merged).map_err(|e| format!("invalid body: {e}"))
}

pub(super) async fn queues(State(state): Shared) -> Response {
    axum::Json(state.routing.queues()).into_response()
}

pub(super) async fn set_queues(State(state): Shared, body: Bytes) -> Response {
    let queues: Vec<Queue> = match items(&body) {
        Ok(queues) => queues,
        Err(message) => return bad_request(message),
    };
    let mut stored = Vec::new();
    for queue in queues {
        match state.routing.set_queue(queue, state.clock.now_ms()) {
            Ok(queue) => stored.push(queue),
            Err(error) => return routing_error(&error),
        }
    }
    axum::Json(stored).into_response()
}

pub(super) async fn queue(State(state): Shared, Path(queue_id): Path<String>) -> Response {
    match state.routing.queue(&queue_id) {
        Some(queue) => axum::Json(queue).into_response(),
        None => routing_error(&RoutingError::UnknownQueue(queue_id)),
    }
}

/// Merges the fields given (`{"status": "DISABLED"}`) into the queue.
pub(super) async fn patch_queue(
    State(state): Shared,
    Path(queue_id): Path<String>,
    body: Bytes,
) -> Response {
    let Some(current) = state.routing.queue(&queue_id) else {
        return routing_error(&RoutingError::UnknownQueue(queue_id));
    };
    let patched = match parse_json(&body).and_then(|patch| merged(&current, &patch)) {
        Ok(queue) if queue.queue_id == queue_id => queue,
        Ok(_) => return bad_request("a queue's id cannot change"),
        Err(message) => return bad_request(message),
    };
    match state.routing.set_queue(patched, state.clock.now_ms()) {
        Ok(queue) => axum::Json(queue).into_response(),
        Err(error) => routing_error(&error),
    }
}

pub(super) async fn remove_queue(State(state): Shared, Path(queue_id): Path<String>) -> Response {
    match state.routing.remove_queue(&queue_id) {
        Ok(()) => axum::Json(json!({ "removed": queue_id })).into_response(),
        Err(error) => routing_error(&error),
    }
}

pub(super) async fn all_hours(State(state): Shared) -> Response {
    axum::Json(state.routing.all_hours()).into_response()
}

pub(super) async fn set_hours(State(state): Shared, body: Bytes) -> Response {
    let all: Vec<HoursOfOperation> = match items(&body) {
        Ok(all) => all,
        Err(message) => return bad_request(message),
    };
    let mut stored = Vec::new();
    for hours in all {
        match state.routing.set_hours(hours) {
            Ok(hours) => stored.push(hours),
            Err(error) => return routing_error(&error),
        }
    }
    axum::Json(stored).into_response()
}

pub(super) async fn hours(State(state): Shared, Path(hours_id): Path<String>) -> Response {
    match state.routing.hours(&hours_id) {
        Some(hours) => axum::Json(hours).into_response(),
        None => routing_error(&RoutingError::UnknownHours(hours_id)),
    }
}

pub(super) async fn remove_hours(State(state): Shared, Path(hours_id): Path<String>) -> Response {
    match state.routing.remove_hours(&hours_id) {
        Ok(()) => axum::Json(json!({ "removed": hours_id })).into_response(),
        Err(error) => routing_error(&error),
    }
}

/// Adds overrides (one or an array); answers the hours with every override.
pub(super) async fn add_overrides(
    State(state): Shared,
    Path(hours_id): Path<String>,
    body: Bytes,
) -> Response {
    let overrides: Vec<HoursOverride> = match items(&body) {
        Ok(overrides) => overrides,
        Err(message) => return bad_request(message),
    };
    for added in overrides {
        if let Err(error) = state.routing.add_override(&hours_id, added) {
            return routing_error(&error);
        }
    }
    hours(State(state), Path(hours_id)).await
}

pub(super) async fn remove_overrides(
    State(state): Shared,
    Path(hours_id): Path<String>,
) -> Response {
    match state.routing.remove_overrides(&hours_id, None) {
        Ok(()) => hours(State(state), Path(hours_id)).await,
        Err(error) => routing_error(&error),
    }
}

pub(super) async fn remove_override(
    State(state): Shared,
    Path((hours_id, override_id)): Path<(String, String)>,
) -> Response {
    match state
        .routing
        .remove_overrides(&hours_id, Some(&override_id))
    {
        Ok(()) => hours(State(state), Path(hours_id)).await,
        Err(error) => routing_error(&error),
    }
}

pub(super) async fn agents(State(state): Shared) -> Response {
    axum::Json(state.routing.presence()).into_response()
}

/// Sets presence (one or an array): each object names `queueId` (and `channel`, `CHAT` by default);
/// the numbers it leaves out keep their current value.
pub(super) async fn set_agents(State(state): Shared, body: Bytes) -> Response {
    let patches = match parse_json(&body) {
        Ok(Value::Array(list)) => list,
        Ok(one) => vec![one],
        Err(message) => return bad_request(message),
    };
    let mut stored = Vec::new();
    for patch in patches {
        let key: AgentPresence = match serde_json::from_value(patch.clone()) {
            Ok(presence) => presence,
            Err(error) => return bad_request(format!("invalid body: {error}")),
        };
        let current = state.routing.presence_of(&key.queue_id, key.channel);
        let presence = match merged(&current, &patch) {
            Ok(presence) => presence,
            Err(message) => return bad_request(message),
        };
        if let Err(error) = state.routing.set_presence(presence.clone()) {
            return routing_error(&error);
        }
        stored.push(presence);
    }
    axum::Json(stored).into_response()
}
