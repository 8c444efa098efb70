//! `/_emulator/faults`: queue faults, list the pending ones.

use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::{Shared, bad_request, parse_json};
use crate::stores::faults::{self, pending_json};

pub(super) async fn add_faults(State(state): Shared, body: Bytes) -> Response {
    let value = match parse_json(&body) {
        Ok(value) => value,
        Err(message) => return bad_request(message),
    };
    match faults::parse_faults(&value) {
        Ok(parsed) => {
            let count = parsed.len();
            for (operation, fault) in parsed {
                state.faults.push(operation, fault);
            }
            axum::Json(json!({ "queued": count, "pending": state.faults.pending().len() }))
                .into_response()
        }
        Err(message) => bad_request(message),
    }
}

pub(super) async fn list_faults(State(state): Shared) -> Response {
    axum::Json(pending_json(&state.faults.pending())).into_response()
}
