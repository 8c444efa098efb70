//! `/_emulator/clock`: the emulator's clock (what the emulated service reports as now). SigV4,
//! token expiries and quotas stay on the system clock.

use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::{Shared, bad_request, parse_json};
use crate::clock;
use crate::state::AppState;

/// Longest move: beyond a century the formats stop making sense.
const MAX_ADVANCE_SECONDS: f64 = 100.0 * 366.0 * 24.0 * 3600.0;

fn shown(state: &AppState) -> Response {
    let offset_ms = state.clock.offset_ms();
    axum::Json(json!({
        "now": clock::iso8601_ms(state.clock.now_ms()),
        "offsetMs": offset_ms,
        "followsSystemClock": offset_ms == 0,
    }))
    .into_response()
}

pub(super) async fn clock(State(state): Shared) -> Response {
    shown(&state)
}

/// `{"now": "2026-12-24T17:59:50Z"}` sets it (`null`: back to the system clock);
/// `{"advanceSeconds": n}` moves it (negative: back). It keeps running from there.
pub(super) async fn set_clock(State(state): Shared, body: Bytes) -> Response {
    let request = match parse_json(&body) {
        Ok(Value::Object(fields)) => fields,
        Ok(_) => return bad_request("the clock change must be a JSON object"),
        Err(message) => return bad_request(message),
    };
    let known = "known: \"now\" (an ISO 8601 UTC time, or null), \"advanceSeconds\" (a number)";
    match (request.len(), request.iter().next()) {
        (1, Some((key, Value::Null))) if key == "now" => state.clock.follow_system_clock(),
        (1, Some((key, Value::String(text)))) if key == "now" => {
            match clock::parse_iso8601_ms(text) {
                Some(epoch_ms) => state.clock.set_ms(epoch_ms),
                None => {
                    return bad_request(format!(
                        "\"now\" {text:?} is not an ISO 8601 UTC time (yyyy-MM-ddTHH:mm:ss[.SSS]Z)"
                    ));
                }
            }
        }
        (1, Some((key, value))) if key == "advanceSeconds" => match value.as_f64() {
            Some(seconds) if seconds.abs() <= MAX_ADVANCE_SECONDS => {
                // Bounded above: the product fits an i64.
                state.clock.advance_ms((seconds * 1000.0).round() as i64);
            }
            _ => {
                return bad_request(format!(
                    "\"advanceSeconds\" must be a number of at most {MAX_ADVANCE_SECONDS} in size"
                ));
            }
        },
        _ => return bad_request(format!("give exactly one field; {known}")),
    }
    shown(&state)
}
