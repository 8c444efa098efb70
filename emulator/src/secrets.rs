//! Secrets Manager's GetSecretValue (awsJson1.1: `POST /` with `X-Amz-Target:
//! secretsmanager.GetSecretValue`), on the control-plane port beside Connect, so a function pointed
//! at the emulator with `AWS_ENDPOINT_URL_SECRETS_MANAGER` reads its secret at init as it would in AWS.

use std::collections::BTreeMap;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};

use axum::Extension;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use crate::clock;
use crate::control::SignatureVerdict;
use crate::ids;
use crate::records::RecordedSecretCall;
use crate::server::ConnectionContext;
use crate::state::AppState;
use crate::sync::lock;
use crate::validation::Violations;

/// The `X-Amz-Target` prefix of Secrets Manager operations; also what selects the signing service.
pub(crate) const TARGET_PREFIX: &str = "secretsmanager.";
const GET_SECRET_VALUE: &str = "secretsmanager.GetSecretValue";
const AWS_JSON_1_1: &str = "application/x-amz-json-1.1";
/// The only staging label the emulator's secrets have: each holds one version.
const AWSCURRENT: &str = "AWSCURRENT";

struct StoredSecret {
    secret_string: String,
    version_id: String,
    /// Seconds since the epoch, fractional, as the service answers `CreatedDate`.
    created: f64,
}

/// The secrets GetSecretValue serves, by ARN.
pub(crate) struct SecretStore {
    secrets: Mutex<BTreeMap<String, StoredSecret>>,
}

/// The secret's name: what follows `:secret:` in its ARN (the whole id when it is not an ARN).
fn name_of(arn: &str) -> &str {
    arn.split_once(":secret:").map_or(arn, |(_, name)| name)
}

impl SecretStore {
    pub(crate) fn new(secrets: &BTreeMap<String, String>) -> Self {
        let store = SecretStore {
            secrets: Mutex::default(),
        };
        for (arn, secret_string) in secrets {
            store.set(arn, Some(secret_string));
        }
        store
    }

    /// Stores a new version of the secret (a new `VersionId`), or removes it with `None`.
    pub(crate) fn set(&self, arn: &str, secret_string: Option<&str>) {
        let mut secrets = lock(&self.secrets);
        match secret_string {
            Some(secret_string) => {
                secrets.insert(
                    arn.to_owned(),
                    StoredSecret {
                        secret_string: secret_string.to_owned(),
                        version_id: ids::random_uuid(),
                        created: clock::now_ms() as f64 / 1000.0,
                    },
                );
            }
            None => {
                secrets.remove(arn);
            }
        }
    }

    /// The ARNs of the stored secrets (never their values).
    pub(crate) fn arns(&self) -> Vec<String> {
        lock(&self.secrets).keys().cloned().collect()
    }

    /// The GetSecretValue answer for a secret named by ARN or by name.
    fn answer(
        &self,
        secret_id: &str,
        version_id: Option<&str>,
        version_stage: Option<&str>,
    ) -> Result<Value, JsonError> {
        let secrets = lock(&self.secrets);
        let (arn, secret) = secrets
            .get_key_value(secret_id)
            .or_else(|| secrets.iter().find(|(arn, _)| name_of(arn) == secret_id))
            .ok_or_else(|| not_found("Secrets Manager can't find the specified secret."))?;
        if let Some(version_id) = version_id.filter(|v| *v != secret.version_id) {
            return Err(not_found(format!(
                "Secrets Manager can't find the specified secret value for VersionId: {version_id}"
            )));
        }
        if let Some(stage) = version_stage.filter(|s| *s != AWSCURRENT) {
            return Err(not_found(format!(
                "Secrets Manager can't find the specified secret value for staging label: {stage}"
            )));
        }
        Ok(json!({
            "ARN": arn,
            "Name": name_of(arn),
            "SecretString": secret.secret_string,
            "VersionId": secret.version_id,
            "VersionStages": [AWSCURRENT],
            "CreatedDate": secret.created,
        }))
    }
}

/// An awsJson1.1 error: the code in the body's `__type`, as that protocol carries it.
#[derive(Debug)]
struct JsonError {
    status: u16,
    code: &'static str,
    message: String,
    /// `Message` for errors the service models, `message` for the front end's own.
    message_key: &'static str,
}

fn not_found(message: impl Into<String>) -> JsonError {
    JsonError {
        status: 400,
        code: "ResourceNotFoundException",
        message: message.into(),
        message_key: "Message",
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
    state
        .secrets
        .answer(secret_id.unwrap_or_default(), version_id, version_stage)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ARN: &str = "arn:aws:secretsmanager:us-east-1:000000000000:secret:app";

    #[test]
    fn answers_by_arn_or_name_with_the_current_version() {
        let store = SecretStore::new(&BTreeMap::from([(ARN.to_owned(), "s3cr3t".to_owned())]));
        let by_arn = store.answer(ARN, None, None).expect("found by ARN");
        assert_eq!(by_arn["Name"], "app");
        assert_eq!(by_arn["SecretString"], "s3cr3t");
        assert_eq!(by_arn["VersionStages"], json!(["AWSCURRENT"]));
        assert!(by_arn["CreatedDate"].as_f64().is_some_and(|t| t > 1e9));
        let version = by_arn["VersionId"].as_str().expect("a version id");
        let by_name = store
            .answer("app", Some(version), Some("AWSCURRENT"))
            .expect("found by name");
        assert_eq!(by_name["ARN"], ARN);
        for (id, version, stage) in [
            ("other", None, None),
            (ARN, Some("0".repeat(32).as_str()), None),
            (ARN, None, Some("AWSPREVIOUS")),
        ] {
            let error = store.answer(id, version, stage).expect_err("not found");
            assert_eq!(
                (error.status, error.code),
                (400, "ResourceNotFoundException")
            );
        }
    }

    #[test]
    fn setting_a_secret_makes_a_new_version_and_none_removes_it() {
        let store = SecretStore::new(&BTreeMap::from([(ARN.to_owned(), "one".to_owned())]));
        let first = store.answer(ARN, None, None).expect("found");
        store.set(ARN, Some("two"));
        let second = store.answer(ARN, None, None).expect("found");
        assert_eq!(second["SecretString"], "two");
        assert_ne!(first["VersionId"], second["VersionId"]);
        store.set(ARN, None);
        assert!(store.answer(ARN, None, None).is_err());
        assert!(store.arns().is_empty());
    }
}
