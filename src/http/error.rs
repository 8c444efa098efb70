//! The API's one error type and the one place it becomes an HTTP answer: status, headers (CORS included)
//! and a stable JSON body `{"error":{"code","message","fields"?,"requestId"}}`. Internal details (AWS
//! messages, codes, request ids of Connect) are logged by the handler and never appear here.

use super::cors::OriginCheck;
use super::response::json_response;
use crate::chat::{ConnectFailure, FailureKind, FieldError, Rejection};
use lambda_http::Body;
use lambda_http::http::header::{ALLOW, HeaderValue, RETRY_AFTER};
use lambda_http::http::{Response, StatusCode};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    MethodNotAllowed,
    OriginNotAllowed,
    OriginRequired,
    PayloadTooLarge { limit: usize },
    UnsupportedMediaType,
    InvalidJson(String),
    Validation(Vec<FieldError>),
    InstanceNotAllowed,
    ContactFlowNotAllowed,
    PersistentChatNotAllowed,
    Connect(ConnectFailure),
}

impl From<Rejection> for ApiError {
    fn from(rejection: Rejection) -> Self {
        match rejection {
            Rejection::InvalidJson(detail) => Self::InvalidJson(detail),
            Rejection::Invalid(fields) => Self::Validation(fields),
            Rejection::InstanceNotAllowed => Self::InstanceNotAllowed,
            Rejection::ContactFlowNotAllowed => Self::ContactFlowNotAllowed,
            Rejection::PersistentChatNotAllowed => Self::PersistentChatNotAllowed,
        }
    }
}

impl From<ConnectFailure> for ApiError {
    fn from(failure: ConnectFailure) -> Self {
        Self::Connect(failure)
    }
}

impl ApiError {
    pub fn status(&self) -> StatusCode {
        match self {
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::OriginNotAllowed
            | Self::OriginRequired
            | Self::InstanceNotAllowed
            | Self::ContactFlowNotAllowed
            | Self::PersistentChatNotAllowed => StatusCode::FORBIDDEN,
            Self::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::InvalidJson(_) | Self::Validation(_) => StatusCode::BAD_REQUEST,
            Self::Connect(failure) => match failure.kind {
                FailureKind::Rejected => StatusCode::BAD_REQUEST,
                FailureKind::NotFound => StatusCode::NOT_FOUND,
                FailureKind::Throttled | FailureKind::ChatLimitExceeded => {
                    StatusCode::TOO_MANY_REQUESTS
                }
                FailureKind::Misconfigured
                | FailureKind::ServiceError
                | FailureKind::InvalidResponse => StatusCode::BAD_GATEWAY,
                FailureKind::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
                FailureKind::Timeout => StatusCode::GATEWAY_TIMEOUT,
            },
        }
    }

    /// The stable, documented code a client may branch on.
    pub fn code(&self) -> &'static str {
        match self {
            Self::MethodNotAllowed => "METHOD_NOT_ALLOWED",
            Self::OriginNotAllowed => "ORIGIN_NOT_ALLOWED",
            Self::OriginRequired => "ORIGIN_REQUIRED",
            Self::PayloadTooLarge { .. } => "PAYLOAD_TOO_LARGE",
            Self::UnsupportedMediaType => "UNSUPPORTED_MEDIA_TYPE",
            Self::InvalidJson(_) => "INVALID_JSON",
            Self::Validation(_) => "VALIDATION_FAILED",
            Self::InstanceNotAllowed => "INSTANCE_NOT_ALLOWED",
            Self::ContactFlowNotAllowed => "CONTACT_FLOW_NOT_ALLOWED",
            Self::PersistentChatNotAllowed => "PERSISTENT_CHAT_NOT_ALLOWED",
            Self::Connect(failure) => match failure.kind {
                FailureKind::Rejected => "CHAT_REQUEST_REJECTED",
                FailureKind::NotFound => "CHAT_RESOURCE_NOT_FOUND",
                FailureKind::Throttled => "TOO_MANY_REQUESTS",
                FailureKind::ChatLimitExceeded => "CHAT_LIMIT_EXCEEDED",
                FailureKind::Misconfigured => "SERVICE_MISCONFIGURED",
                FailureKind::ServiceError | FailureKind::InvalidResponse => "UPSTREAM_ERROR",
                FailureKind::Unavailable => "SERVICE_UNAVAILABLE",
                FailureKind::Timeout => "UPSTREAM_TIMEOUT",
            },
        }
    }

    fn message(&self) -> String {
        match self {
            Self::MethodNotAllowed => {
                "Use POST to start a chat (OPTIONS answers CORS preflights).".into()
            }
            Self::OriginNotAllowed => "This origin may not start chats.".into(),
            Self::OriginRequired => {
                "Requests must come from a browser page with an allowed Origin.".into()
            }
            Self::PayloadTooLarge { limit } => {
                format!("The request body is larger than {limit} bytes.")
            }
            Self::UnsupportedMediaType => {
                "Send the body as JSON, with Content-Type application/json or text/plain (UTF-8)."
                    .into()
            }
            Self::InvalidJson(detail) => format!("The body is not a valid JSON object: {detail}."),
            Self::Validation(fields) if fields.len() == 1 => "1 field is invalid.".into(),
            Self::Validation(fields) => format!("{} fields are invalid.", fields.len()),
            Self::InstanceNotAllowed => {
                "This Amazon Connect instance may not be used from here.".into()
            }
            Self::ContactFlowNotAllowed => "This contact flow may not be started from here.".into(),
            Self::PersistentChatNotAllowed => "Persistent chats are switched off.".into(),
            Self::Connect(failure) => match failure.kind {
                FailureKind::Rejected => "Amazon Connect did not accept the chat request.".into(),
                FailureKind::NotFound => {
                    "The contact flow, instance or previous contact was not found.".into()
                }
                FailureKind::Throttled => "Too many chats are being started; retry shortly.".into(),
                FailureKind::ChatLimitExceeded => {
                    "The contact centre has too many active chats; retry later.".into()
                }
                FailureKind::Misconfigured => {
                    "The chat service is not configured correctly.".into()
                }
                FailureKind::ServiceError | FailureKind::InvalidResponse => {
                    "Amazon Connect failed to start the chat; retry shortly.".into()
                }
                FailureKind::Unavailable => "Amazon Connect is unavailable; retry shortly.".into(),
                FailureKind::Timeout => {
                    "Amazon Connect did not answer in time; retry shortly.".into()
                }
            },
        }
    }

    /// Seconds a client should wait before retrying, for the answers a retry can fix.
    fn retry_after_seconds(&self) -> Option<&'static str> {
        match self {
            Self::Connect(failure) => match failure.kind {
                FailureKind::Throttled
                | FailureKind::Unavailable
                | FailureKind::ServiceError
                | FailureKind::Timeout => Some("1"),
                // Active chats end at human pace.
                FailureKind::ChatLimitExceeded => Some("30"),
                _ => None,
            },
            _ => None,
        }
    }

    pub fn into_response(self, origin: &OriginCheck, request_id: &str) -> Response<Body> {
        let status = self.status();
        let retry_after = self.retry_after_seconds();
        let message = self.message();
        let code = self.code();
        let fields = match self {
            Self::Validation(fields) => Some(fields),
            _ => None,
        };
        let body = ErrorBody {
            error: ErrorDetail {
                code,
                message,
                fields,
                request_id,
            },
        };
        let mut response = json_response(status, &body, origin);
        let headers = response.headers_mut();
        if status == StatusCode::METHOD_NOT_ALLOWED {
            headers.insert(ALLOW, HeaderValue::from_static("POST, OPTIONS"));
        }
        if let Some(seconds) = retry_after {
            headers.insert(RETRY_AFTER, HeaderValue::from_static(seconds));
        }
        response
    }
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: ErrorDetail<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ErrorDetail<'a> {
    code: &'static str,
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    fields: Option<Vec<FieldError>>,
    request_id: &'a str,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn body_of(response: &Response<Body>) -> Value {
        match response.body() {
            Body::Text(text) => serde_json::from_str(text).unwrap_or(Value::Null),
            other => panic!("expected a text body, got {other:?}"),
        }
    }

    fn connect(kind: FailureKind) -> ApiError {
        ApiError::Connect(ConnectFailure {
            kind,
            code: Some("SomeAwsException".into()),
            message: Some("arn:aws:connect:us-east-1:123456789012:instance/x is secret".into()),
            aws_request_id: Some("aws-req".into()),
        })
    }

    #[test]
    fn connect_failures_map_to_documented_statuses() {
        let cases = [
            (FailureKind::Rejected, 400, "CHAT_REQUEST_REJECTED", None),
            (FailureKind::NotFound, 404, "CHAT_RESOURCE_NOT_FOUND", None),
            (FailureKind::Throttled, 429, "TOO_MANY_REQUESTS", Some("1")),
            (
                FailureKind::ChatLimitExceeded,
                429,
                "CHAT_LIMIT_EXCEEDED",
                Some("30"),
            ),
            (
                FailureKind::Misconfigured,
                502,
                "SERVICE_MISCONFIGURED",
                None,
            ),
            (FailureKind::ServiceError, 502, "UPSTREAM_ERROR", Some("1")),
            (FailureKind::InvalidResponse, 502, "UPSTREAM_ERROR", None),
            (
                FailureKind::Unavailable,
                503,
                "SERVICE_UNAVAILABLE",
                Some("1"),
            ),
            (FailureKind::Timeout, 504, "UPSTREAM_TIMEOUT", Some("1")),
        ];
        for (kind, status, code, retry_after) in cases {
            let response = connect(kind).into_response(&OriginCheck::Absent, "req-1");
            assert_eq!(response.status().as_u16(), status, "{kind:?}");
            assert_eq!(
                response
                    .headers()
                    .get(RETRY_AFTER)
                    .map(|v| v.to_str().unwrap_or_default()),
                retry_after,
                "{kind:?}"
            );
            let body = body_of(&response);
            assert_eq!(body["error"]["code"], code);
            assert_eq!(body["error"]["requestId"], "req-1");
            let text = body.to_string();
            assert!(
                !text.contains("arn:aws")
                    && !text.contains("SomeAwsException")
                    && !text.contains("aws-req"),
                "{text}"
            );
        }
    }

    #[test]
    fn validation_errors_list_their_fields_and_carry_cors() {
        let origin = OriginCheck::Allowed(HeaderValue::from_static("https://shop.example"));
        let error = ApiError::Validation(vec![FieldError::new(
            "ParticipantDetails.DisplayName",
            "is required",
        )]);
        let response = error.into_response(&origin, "req-2");
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        assert_eq!(
            response.headers()["access-control-allow-origin"],
            "https://shop.example"
        );
        assert_eq!(response.headers()["content-type"], "application/json");
        assert_eq!(
            body_of(&response),
            json!({"error": {"code": "VALIDATION_FAILED", "message": "1 field is invalid.",
                "fields": [{"path": "ParticipantDetails.DisplayName", "message": "is required"}],
                "requestId": "req-2"}})
        );
    }

    #[test]
    fn method_not_allowed_names_the_allowed_methods() {
        let response = ApiError::MethodNotAllowed.into_response(&OriginCheck::Absent, "r");
        assert_eq!(response.headers()[ALLOW], "POST, OPTIONS");
        assert!(body_of(&response)["error"].get("fields").is_none());
    }
}
