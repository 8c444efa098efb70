//! `/_emulator/secrets`: the secrets GetSecretValue serves.

use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::{Shared, bad_request, parse_json};

/// The ARNs of the secrets GetSecretValue serves (their values are never shown).
pub(super) async fn secrets(State(state): Shared) -> Response {
    axum::Json(json!({ "arns": state.secrets.arns() })).into_response()
}

/// `{"arn": "...", "secretString": "..."}` stores a secret (a new version when it exists);
/// `"secretString": null` removes it.
pub(super) async fn set_secret(State(state): Shared, body: Bytes) -> Response {
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
