//! Secrets Manager's GetSecretValue (awsJson1.1: `POST /` with `X-Amz-Target:
//! secretsmanager.GetSecretValue`), on the control-plane port beside Connect, so a function pointed
//! at the emulator with `AWS_ENDPOINT_URL_SECRETS_MANAGER` reads its secret at init as it would in AWS.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

use axum::Extension;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value};

use super::SignatureVerdict;
use crate::http::server::ConnectionContext;
use crate::http::validation::Violations;
use crate::state::AppState;
use crate::stores::records::RecordedSecretCall;
use crate::stores::secrets::SecretNotFound;

/// The `X-Amz-Target` prefix of Secrets Manager operations; also what selects the signing service.
pub(crate) const TARGET_PREFIX: &str = "secretsmanager.";
const GET_SECRET_VALUE: &str = "secretsmanager.GetSecretValue";
const AWS_JSON_1_1: &str = "application/x-amz-json-1.1";

/// An awsJson1.1 error: the code in the body's `__type`, as that protocol carries it.
#[derive(Debug)]
struct JsonError {
    status: u16,
    code: &'static str,
    message: String,
    /// `Message` for errors the service models, `message` for the front end's own.
    message_key: &'static str,
}

impl From<SecretNotFound> for JsonError {
    fn from(SecretNotFound(message): SecretNotFound) -> Self {
        JsonError {
            status: 400,
            code: "ResourceNotFoundException",
            message,
            message_key: "Message",
        }
    }
}

fn front_end_error(status: u16, code: &'static str, message: impl Into<String>) -> JsonError {
    JsonError {
        status,
        code,
        message: message.into(),
        message_key: "message",
    }
}

impl IntoResponse for JsonError {
    fn into_response(self) -> Response {
        let mut body = Map::new();
        body.insert("__type".to_owned(), Value::from(self.code));
        body.insert(self.message_key.to_owned(), Value::from(self.message));
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::BAD_REQUEST);
        aws_json(status, &Value::Object(body))
    }
}

fn aws_json(status: StatusCode, body: &Value) -> Response {
    let mut response = (status, body.to_string()).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(AWS_JSON_1_1));
    response
}

/// `POST /`: the awsJson1.1 entry point. Only GetSecretValue is served.
pub(crate) async fn handle(
    State(state): State<Arc<AppState>>,
    connection: Option<Extension<ConnectionContext>>,
    verdict: Option<Extension<SignatureVerdict>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let peer = connection.map_or(SocketAddr::from((Ipv4Addr::UNSPECIFIED, 0)), |c| c.peer);
    let request: Option<Map<String, Value>> = match serde_json::from_slice(&body) {
        Ok(Value::Object(members)) => Some(members),
        _ => None,
    };
    let secret_id = request
        .as_ref()
        .and_then(|members| members.get("SecretId"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    let outcome = get_secret_value(&state, verdict, &headers, request.as_ref());
    let (status, error_code) = match &outcome {
        Ok(_) => (200, None),
        Err(error) => (error.status, Some(error.code.to_owned())),
    };
    state.records.push_secret_call(RecordedSecretCall {
        secret_id,
        status,
        error_code,
        peer,
    });
    match outcome {
        Ok(answer) => {
            tracing::info!("secret read");
            aws_json(StatusCode::OK, &answer)
        }
        Err(error) => error.into_response(),
    }
}

fn get_secret_value(
    state: &AppState,
    verdict: Option<Extension<SignatureVerdict>>,
    headers: &HeaderMap,
    request: Option<&Map<String, Value>>,
) -> Result<Value, JsonError> {
    let target = headers
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if target != GET_SECRET_VALUE {
        return Err(front_end_error(
            400,
            "UnknownOperationException",
            format!("Unknown operation {target:?}: the emulator serves {GET_SECRET_VALUE} only."),
        ));
    }
    match verdict {
        Some(Extension(SignatureVerdict(Ok(())))) => {}
        Some(Extension(SignatureVerdict(Err(error)))) => {
            let error = error.to_aws_error();
            return Err(front_end_error(error.status, error.code, error.message));
        }
        None => {
            return Err(front_end_error(
                403,
                "MissingAuthenticationTokenException",
                "Missing Authentication Token",
            ));
        }
    }
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !content_type.starts_with(AWS_JSON_1_1) {
        return Err(front_end_error(
            400,
            "SerializationException",
            format!("Expected Content-Type {AWS_JSON_1_1}."),
        ));
    }
    let request = request.ok_or_else(|| {
        front_end_error(
            400,
            "SerializationException",
            "The request body must be a JSON object.",
        )
    })?;
    let member = |key: &str| -> Result<Option<&str>, JsonError> {
        match request.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(text)) => Ok(Some(text)),
            Some(_) => Err(front_end_error(
                400,
                "SerializationException",
                format!("Expected a string for member '{key}'."),
            )),
        }
    };
    let secret_id = member("SecretId")?;
    let version_id = member("VersionId")?;
    let version_stage = member("VersionStage")?;
    let mut violations = Violations::default();
    violations.required("secretId", secret_id, 1, 2048);
    violations.optional("versionId", version_id, 32, 64);
    violations.optional("versionStage", version_stage, 1, 256);
    if let Some(message) = violations.into_message() {
        return Err(front_end_error(400, "ValidationException", message));
    }
    Ok(state
        .secrets
        .answer(secret_id.unwrap_or_default(), version_id, version_stage)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_secret_is_an_aws_json_resource_not_found() {
        let error = JsonError::from(SecretNotFound("gone".to_owned()));
        assert_eq!(
            (error.status, error.code, error.message_key),
            (400, "ResourceNotFoundException", "Message")
        );
    }
}
