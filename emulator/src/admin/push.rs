//! `/_emulator/push-notifications` and `/_emulator/push-registrations`: the notifications the
//! emulator recorded instead of sending them, and the devices registered.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::Shared;

pub(super) async fn notifications(State(state): Shared) -> Response {
    axum::Json(state.chats().push_notifications()).into_response()
}

pub(super) async fn clear_notifications(State(state): Shared) -> Response {
    let cleared = state.chats().clear_push_notifications();
    axum::Json(json!({ "cleared": cleared })).into_response()
}

pub(super) async fn registrations(State(state): Shared) -> Response {
    axum::Json(state.chats().push_registrations()).into_response()
}
