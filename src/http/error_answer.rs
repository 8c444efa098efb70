//! The one place a failed request becomes an HTTP answer. For each refusal ([`ApiError`]; the domains'
//! verdicts in `refusals.rs`, the token's in `token.rs`, a closed entry point's in `closed.rs`) and each
//! way Amazon Connect can fail
//! ([`ConnectFailureKind`]) one row decides the status, the stable code, the message, `Retry-After`, the
//! metric it counts in and the level it is logged at. The matches have no wildcard, so a new refusal or
//! failure kind does not compile until it has a row here.
//!
//! Every answer has the body `{"error":{"code","message","fields"?,"fieldCount"?,"requestId"}}`, with
//! CORS. Internal details (AWS messages, codes, Connect's request ids) are logged by telemetry and never
//! appear here.

mod closed;
mod refusals;
mod token;

pub use closed::Closed;

use super::connect_call::ConnectCall;
use super::cors::OriginCheck;
use super::error::ApiError;
use super::event::EventError;
use super::message::HttpResponse;
use super::response::json_response;
use crate::chat::{ConnectFailure, ConnectFailureKind, FieldError};
use crate::telemetry::RequestMetric;
use refusals::{push_rejection_refusal, rejection_refusal};
use serde::Serialize;
use std::borrow::Cow;
use tracing::Level;

/// At most this many invalid fields are listed; `fieldCount` gives the total. A hostile body can hold
/// tens of thousands, and the answer must stay small (Lambda's response limit is 6 MB).
pub const LISTED_FIELDS_MAX: usize = 20;

/// What a failed request is answered, counted and logged as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorAnswer<'a> {
    pub status: u16,
    pub code: &'static str,
    pub message: Cow<'static, str>,
    /// The invalid fields, for the answers that list them.
    pub fields: Option<&'a [FieldError]>,
    /// Seconds a client should wait before retrying, for the answers a retry can fix.
    pub retry_after_seconds: Option<Cow<'static, str>>,
    /// Why a start was refused as closed, and when it opens (`CHAT_CLOSED` only).
    pub closed: Option<Closed>,
    /// The methods a 405's route answers.
    pub allow: Option<&'static str>,
    pub metric: RequestMetric,
    pub level: Level,
}

/// A refusal: logged at INFO, never retried.
pub(super) fn refused(
    status: u16,
    code: &'static str,
    metric: RequestMetric,
    message: impl Into<Cow<'static, str>>,
) -> ErrorAnswer<'static> {
    ErrorAnswer {
        status,
        code,
        message: message.into(),
        fields: None,
        retry_after_seconds: None,
        closed: None,
        allow: None,
        metric,
        level: Level::INFO,
    }
}

/// A failure at Amazon Connect.
const fn connect(
    status: u16,
    code: &'static str,
    message: &'static str,
    retry_after_seconds: Option<&'static str>,
    metric: RequestMetric,
    level: Level,
) -> ErrorAnswer<'static> {
    ErrorAnswer {
        status,
        code,
        message: Cow::Borrowed(message),
        fields: None,
        retry_after_seconds: match retry_after_seconds {
            Some(seconds) => Some(Cow::Borrowed(seconds)),
            None => None,
        },
        closed: None,
        allow: None,
        metric,
        level,
    }
}

impl<'a> ErrorAnswer<'a> {
    /// A request refused before Amazon Connect was called.
    pub fn refusal(error: &'a ApiError) -> Self {
        use RequestMetric::{RefusedOrigin, RefusedValidation};
        let answer = match error {
            ApiError::InvalidEvent(EventError::NotHttp) => refused(
                400,
                "INVALID_EVENT",
                RefusedValidation,
                "The function was invoked with an event that is not an HTTP request.",
            ),
            ApiError::InvalidEvent(EventError::BodyNotBase64) => refused(
                400,
                "INVALID_EVENT",
                RefusedValidation,
                "The request body is marked as base64 but is not valid base64.",
            ),
            ApiError::MethodNotAllowed(route) => ErrorAnswer {
                allow: Some(route.allowed_methods()),
                ..refused(
                    405,
                    "METHOD_NOT_ALLOWED",
                    RefusedValidation,
                    route.method_hint(),
                )
            },
            ApiError::OriginNotAllowed => refused(
                403,
                "ORIGIN_NOT_ALLOWED",
                RefusedOrigin,
                "This origin may not start chats.",
            ),
            ApiError::OriginRequired => refused(
                403,
                "ORIGIN_REQUIRED",
                RefusedOrigin,
                "Requests must come from a browser page with an allowed Origin.",
            ),
            ApiError::PayloadTooLarge { limit } => refused(
                413,
                "PAYLOAD_TOO_LARGE",
                RefusedValidation,
                format!("The request body is larger than {limit} bytes."),
            ),
            ApiError::UnsupportedMediaType => refused(
                415,
                "UNSUPPORTED_MEDIA_TYPE",
                RefusedValidation,
                "Send the body as JSON, with Content-Type application/json or text/plain (UTF-8).",
            ),
            ApiError::Unauthorized(error) => {
                let (code, message) = token::token_refusal(error);
                refused(401, code, RequestMetric::RefusedAuth, message)
            }
            ApiError::Rejected(rejection) => rejection_refusal(rejection),
            ApiError::AvailabilityNotConfigured => refused(
                404,
                "AVAILABILITY_NOT_CONFIGURED",
                RefusedValidation,
                "This service does not answer availability: POST to start a chat.",
            ),
            ApiError::ChatClosed {
                reason,
                opens_at,
                retry_after_seconds,
            } => closed::chat_closed(*reason, *opens_at, *retry_after_seconds),
            ApiError::PushNotificationsDisabled => refused(
                404,
                "PUSH_NOTIFICATIONS_DISABLED",
                RequestMetric::RefusedPolicy,
                "Push notifications are not configured on this service.",
            ),
            ApiError::NotFound => refused(
                404,
                "NOT_FOUND",
                RefusedValidation,
                "No resource has this path.",
            ),
            ApiError::PushRejected(rejection) => push_rejection_refusal(rejection),
        };
        ErrorAnswer {
            fields: error.fields(),
            ..answer
        }
    }

    /// A call to Amazon Connect that failed: the kind decides the answer; the call only its message.
    pub fn connect(failure: &ConnectFailure, call: ConnectCall) -> Self {
        use RequestMetric::{
            ConnectChatLimit, ConnectFailed, ConnectQuotaExceeded, ConnectRejected,
            ConnectThrottled,
        };
        let start = call == ConnectCall::StartChatContact;
        let message = |for_start: &'static str, for_push: &'static str| {
            if start { for_start } else { for_push }
        };
        match failure.kind {
            // Connect judged the request itself: the caller's problem, not an outage.
            ConnectFailureKind::Rejected => connect(
                400,
                "CHAT_REQUEST_REJECTED",
                message(
                    "Amazon Connect did not accept the chat request.",
                    "Amazon Connect did not accept the request.",
                ),
                None,
                ConnectRejected,
                Level::WARN,
            ),
            ConnectFailureKind::NotFound => connect(
                404,
                "CHAT_RESOURCE_NOT_FOUND",
                message(
                    "The contact flow, instance or previous contact was not found.",
                    "The chat, its registration or the push application was not found (an ended chat takes no registrations).",
                ),
                None,
                ConnectRejected,
                Level::WARN,
            ),
            // The per-second quota refills within a second.
            ConnectFailureKind::Throttled => connect(
                429,
                "TOO_MANY_REQUESTS",
                message(
                    "Too many chats are being started; retry shortly.",
                    "Too many requests reach Amazon Connect; retry shortly.",
                ),
                Some("1"),
                ConnectThrottled,
                Level::WARN,
            ),
            // Active chats end at human pace.
            ConnectFailureKind::ChatLimitExceeded => connect(
                429,
                "CHAT_LIMIT_EXCEEDED",
                "The contact centre has too many active chats; retry later.",
                Some("30"),
                ConnectChatLimit,
                Level::WARN,
            ),
            // A count Connect caps (push registrations, for one) frees up as chats end.
            ConnectFailureKind::QuotaExceeded => connect(
                429,
                "SERVICE_QUOTA_EXCEEDED",
                "An Amazon Connect quota is used up; retry later.",
                Some("30"),
                ConnectQuotaExceeded,
                Level::WARN,
            ),
            // Retrying cannot fix our own deployment.
            ConnectFailureKind::Misconfigured => connect(
                502,
                "SERVICE_MISCONFIGURED",
                "The chat service is not configured correctly.",
                None,
                ConnectFailed,
                Level::ERROR,
            ),
            // An unreadable answer may hide a started chat: a retry carrying the same ClientToken gets
            // that chat back.
            ConnectFailureKind::ServiceError | ConnectFailureKind::InvalidResponse => connect(
                502,
                "UPSTREAM_ERROR",
                message(
                    "Amazon Connect failed to start the chat; retry shortly.",
                    "Amazon Connect failed; retry shortly.",
                ),
                Some("1"),
                ConnectFailed,
                Level::ERROR,
            ),
            ConnectFailureKind::Unavailable => connect(
                503,
                "SERVICE_UNAVAILABLE",
                "Amazon Connect is unavailable; retry shortly.",
                Some("1"),
                ConnectFailed,
                Level::ERROR,
            ),
            ConnectFailureKind::Timeout => connect(
                504,
                "UPSTREAM_TIMEOUT",
                "Amazon Connect did not answer in time; retry shortly.",
                Some("1"),
                ConnectFailed,
                Level::ERROR,
            ),
        }
    }

    /// The answer: the same body shape for every failure, CORS included.
    pub fn response(&self, origin: &OriginCheck, request_id: &str) -> HttpResponse {
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code,
                message: &self.message,
                field_count: self.fields.map(<[FieldError]>::len),
                reason: self.closed.as_ref().map(|closed| closed.reason),
                opens_at: self
                    .closed
                    .as_ref()
                    .and_then(|closed| closed.opens_at.as_deref()),
                fields: self
                    .fields
                    .map(|fields| &fields[..fields.len().min(LISTED_FIELDS_MAX)]),
                request_id,
            },
        };
        let mut response = json_response(self.status, &body, origin);
        if let Some(allow) = self.allow {
            response.set_header("allow", allow);
        }
        if self.status == 401 {
            response.set_header("www-authenticate", "Bearer");
        }
        if let Some(seconds) = &self.retry_after_seconds {
            response.set_header("retry-after", seconds.clone());
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
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    fields: Option<&'a [FieldError]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    field_count: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    opens_at: Option<&'a str>,
    request_id: &'a str,
}

#[cfg(test)]
mod tests;
