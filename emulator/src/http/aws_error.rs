//! The rest-json error wire format both planes answer with.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value};

use crate::stores::faults::ConnectErrorKind;

pub(crate) const ERROR_TYPE_HEADER: &str = "x-amzn-errortype";

/// An AWS error answer: status, `x-amzn-ErrorType`, and a JSON body with the message.
#[derive(Clone, Debug)]
pub(crate) struct AwsError {
    pub(crate) status: u16,
    pub(crate) code: &'static str,
    pub(crate) message: String,
    /// `Message` for errors modelled in the service, `message` for the generic front-end ones.
    message_key: &'static str,
    /// The participant service also names the code in the body (`__type`), because browsers
    /// cannot read `x-amzn-ErrorType` unless it is exposed.
    type_in_body: bool,
    extra: Map<String, Value>,
}

impl AwsError {
    /// A modelled Connect error (`{"Message": ...}`).
    pub(crate) fn connect(kind: ConnectErrorKind, message: impl Into<String>) -> Self {
        let message_key = if kind == ConnectErrorKind::ServiceUnavailable {
            "message"
        } else {
            "Message"
        };
        AwsError {
            status: kind.status(),
            code: kind.code(),
            message: message.into(),
            message_key,
            type_in_body: false,
            extra: Map::new(),
        }
    }

    /// A generic front-end error, outside the service model (`{"message": ...}`).
    pub(crate) fn generic(status: u16, code: &'static str, message: impl Into<String>) -> Self {
        AwsError {
            status,
            code,
            message: message.into(),
            message_key: "message",
            type_in_body: false,
            extra: Map::new(),
        }
    }

    /// A participant-service error (`{"__type": ..., "Message": ...}`).
    pub(crate) fn participant(status: u16, code: &'static str, message: impl Into<String>) -> Self {
        AwsError {
            status,
            code,
            message: message.into(),
            message_key: "Message",
            type_in_body: true,
            extra: Map::new(),
        }
    }

    /// Adds a body member such as `ResourceId`.
    pub(crate) fn with_field(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.extra.insert(key.to_owned(), value.into());
        self
    }
}

impl IntoResponse for AwsError {
    fn into_response(self) -> Response {
        let mut body = Map::new();
        if self.type_in_body {
            body.insert("__type".to_owned(), Value::from(self.code));
        }
        body.insert(self.message_key.to_owned(), Value::from(self.message));
        body.extend(self.extra);
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = (status, axum::Json(Value::Object(body))).into_response();
        response
            .headers_mut()
            .insert(ERROR_TYPE_HEADER, HeaderValue::from_static(self.code));
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        response
    }
}
