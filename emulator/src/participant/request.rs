//! What every participant operation does first: read the JSON body, check the bearer token,
//! and speak the service's errors.

use std::marker::PhantomData;
use std::sync::Arc;

use axum::body::{Body, to_bytes};
use axum::extract::{FromRequest, Request};
use axum::http::HeaderMap;
use serde_json::{Map, Value};

use crate::chat::store::{ChatStore, ParticipantKey};
use crate::http::aws_error::AwsError;
use crate::http::validation::Violations;
use crate::state::AppState;

/// Largest JSON body accepted (SendMessage content is at most 16 KiB).
const MAX_JSON_BODY_BYTES: usize = 1024 * 1024;

pub(crate) fn validation_error(message: impl Into<String>) -> AwsError {
    AwsError::participant(400, "ValidationException", message)
}

pub(crate) fn access_denied(message: impl Into<String>) -> AwsError {
    AwsError::participant(403, "AccessDeniedException", message)
}

/// The answer for a participant who has left or whose chat has ended (what makes a reconnecting
/// ChatJS synthesize `chat.ended`).
pub(crate) fn not_connected() -> AwsError {
    access_denied("The participant is no longer connected to this chat.")
}

pub(crate) fn conflict(message: impl Into<String>) -> AwsError {
    AwsError::participant(409, "ConflictException", message)
}

/// Fails with ValidationException when anything was violated.
pub(crate) fn check(violations: Violations) -> Result<(), AwsError> {
    match violations.into_message() {
        None => Ok(()),
        Some(message) => Err(validation_error(message)),
    }
}

/// Reads the body as a JSON object; an empty body is `{}` (clients send none on some calls).
pub(crate) async fn json_body(body: Body) -> Result<Map<String, Value>, AwsError> {
    let bytes = to_bytes(body, MAX_JSON_BODY_BYTES).await.map_err(|_| {
        AwsError::participant(
            413,
            "RequestEntityTooLargeException",
            format!("Request body exceeds the maximum size of {MAX_JSON_BODY_BYTES} bytes"),
        )
    })?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match serde_json::from_slice(&bytes) {
        Ok(Value::Object(object)) => Ok(object),
        Ok(_) => Err(validation_error("The request body must be a JSON object.")),
        Err(error) => Err(validation_error(format!(
            "The request body is not valid JSON: {error}"
        ))),
    }
}

/// Which secret an operation takes in `X-Amz-Bearer`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Bearer {
    /// CreateParticipantConnection only.
    ParticipantToken,
    /// Every other operation.
    ConnectionToken,
}

/// Resolves `X-Amz-Bearer` to a participant. Anything but the right kind of live token is
/// AccessDeniedException, as the service answers (a ParticipantToken on SendMessage included).
pub(crate) fn caller(
    chats: &ChatStore,
    headers: &HeaderMap,
    bearer: Bearer,
) -> Result<ParticipantKey, AwsError> {
    let token = headers
        .get("x-amz-bearer")
        .and_then(|v| v.to_str().ok())
        .filter(|t| !t.is_empty())
        .ok_or_else(|| access_denied("Missing X-Amz-Bearer token."))?;
    let key = match bearer {
        Bearer::ParticipantToken => chats.by_participant_token(token),
        Bearer::ConnectionToken => chats.by_connection_token(token),
    };
    key.ok_or_else(|| access_denied("You do not have sufficient access to perform this action."))
}

/// The kind of token an operation takes, as a type, so an operation names it in its signature.
pub(crate) trait TokenKind {
    const BEARER: Bearer;
}

/// CreateParticipantConnection's token.
pub(crate) struct ParticipantToken;

impl TokenKind for ParticipantToken {
    const BEARER: Bearer = Bearer::ParticipantToken;
}

/// Every other operation's token.
pub(crate) struct ConnectionToken;

impl TokenKind for ConnectionToken {
    const BEARER: Bearer = Bearer::ConnectionToken;
}

/// A participant operation's request, as every operation starts: the caller, resolved from the right
/// kind of `X-Amz-Bearer` token before anything else is read (a bad token is 403 whatever the body),
/// then the JSON body.
pub(crate) struct Call<T> {
    pub(crate) key: ParticipantKey,
    pub(crate) body: Map<String, Value>,
    token: PhantomData<T>,
}

impl<T: TokenKind> FromRequest<Arc<AppState>> for Call<T> {
    type Rejection = AwsError;

    async fn from_request(request: Request, state: &Arc<AppState>) -> Result<Self, AwsError> {
        let (parts, body) = request.into_parts();
        let key = authenticate(state, &parts.headers, T::BEARER)?;
        let body = json_body(body).await?;
        Ok(Self {
            key,
            body,
            token: PhantomData,
        })
    }
}

/// Authenticates before anything else is looked at, as the service does.
pub(crate) fn authenticate(
    state: &AppState,
    headers: &HeaderMap,
    bearer: Bearer,
) -> Result<ParticipantKey, AwsError> {
    caller(&state.chats(), headers, bearer)
}

/// Typed access to body members; a member of the wrong JSON type is a ValidationException.
pub(crate) struct Members<'b>(pub(crate) &'b Map<String, Value>);

impl<'b> Members<'b> {
    fn present(&self, key: &str) -> Option<&'b Value> {
        self.0.get(key).filter(|v| !v.is_null())
    }

    pub(crate) fn string(&self, key: &str) -> Result<Option<&'b str>, AwsError> {
        match self.present(key) {
            None => Ok(None),
            Some(Value::String(text)) => Ok(Some(text)),
            Some(_) => Err(validation_error(format!(
                "Expected a string for member '{key}'."
            ))),
        }
    }

    pub(crate) fn integer(&self, key: &str) -> Result<Option<i64>, AwsError> {
        match self.present(key) {
            None => Ok(None),
            Some(value) => value.as_i64().map(Some).ok_or_else(|| {
                validation_error(format!("Expected an integer for member '{key}'."))
            }),
        }
    }

    pub(crate) fn boolean(&self, key: &str) -> Result<Option<bool>, AwsError> {
        match self.present(key) {
            None => Ok(None),
            Some(Value::Bool(flag)) => Ok(Some(*flag)),
            Some(_) => Err(validation_error(format!(
                "Expected a boolean for member '{key}'."
            ))),
        }
    }

    pub(crate) fn strings(&self, key: &str) -> Result<Option<Vec<&'b str>>, AwsError> {
        match self.present(key) {
            None => Ok(None),
            Some(Value::Array(items)) => items
                .iter()
                .map(|item| {
                    item.as_str().ok_or_else(|| {
                        validation_error(format!("Expected a list of strings for member '{key}'."))
                    })
                })
                .collect::<Result<Vec<_>, _>>()
                .map(Some),
            Some(_) => Err(validation_error(format!(
                "Expected a list of strings for member '{key}'."
            ))),
        }
    }

    pub(crate) fn object(&self, key: &str) -> Result<Option<Members<'b>>, AwsError> {
        match self.present(key) {
            None => Ok(None),
            Some(Value::Object(inner)) => Ok(Some(Members(inner))),
            Some(_) => Err(validation_error(format!(
                "Expected an object for member '{key}'."
            ))),
        }
    }
}
