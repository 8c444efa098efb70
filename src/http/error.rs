//! The API's one error type and the one place every failed request becomes an HTTP answer: status,
//! headers (CORS included) and a stable JSON body `{"error":{"code","message","fields"?,"fieldCount"?,
//! "requestId"}}`. Internal details (AWS messages, codes, Connect's request ids) are logged by telemetry
//! and never appear here.

use super::ALLOWED_METHODS;
use super::connect_failure::failure_answer;
use super::cors::OriginCheck;
use super::event::EventError;
use super::message::HttpResponse;
use super::response::json_response;
use crate::auth::TokenError;
use crate::chat::{ConnectFailure, ContinuationRefusal, FieldError, LinkRefusal, Rejection};
use crate::telemetry::RequestMetric;
use serde::Serialize;

/// Why a request was refused before Amazon Connect was called.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    InvalidEvent(EventError),
    MethodNotAllowed,
    OriginNotAllowed,
    OriginRequired,
    PayloadTooLarge {
        limit: usize,
    },
    UnsupportedMediaType,
    /// Customers are signed and this request's token does not vouch for one.
    Unauthorized(TokenError),
    /// The domain's verdict on the body: unreadable, invalid, or outside the policy.
    Rejected(Rejection),
}

/// A failed request: refused by us, or failed at Amazon Connect.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Failure<'a> {
    Refused(&'a ApiError),
    Connect(&'a ConnectFailure),
}

/// At most this many invalid fields are listed; `fieldCount` gives the total. A hostile body can hold
/// tens of thousands, and the answer must stay small (Lambda's response limit is 6 MB).
pub const LISTED_FIELDS_MAX: usize = 20;

impl From<Rejection> for ApiError {
    fn from(rejection: Rejection) -> Self {
        Self::Rejected(rejection)
    }
}

impl ApiError {
    /// Status, stable code, and the metric it counts in: one row per refusal, no wildcard.
    pub(crate) fn classify(&self) -> (u16, &'static str, RequestMetric) {
        use RequestMetric::{RefusedAuth, RefusedOrigin, RefusedPolicy, RefusedValidation};
        match self {
            Self::InvalidEvent(_) => (400, "INVALID_EVENT", RefusedValidation),
            Self::MethodNotAllowed => (405, "METHOD_NOT_ALLOWED", RefusedValidation),
            Self::OriginNotAllowed => (403, "ORIGIN_NOT_ALLOWED", RefusedOrigin),
            Self::OriginRequired => (403, "ORIGIN_REQUIRED", RefusedOrigin),
            Self::PayloadTooLarge { .. } => (413, "PAYLOAD_TOO_LARGE", RefusedValidation),
            Self::UnsupportedMediaType => (415, "UNSUPPORTED_MEDIA_TYPE", RefusedValidation),
            Self::Rejected(rejection) => match rejection {
                Rejection::InvalidJson(_) => (400, "INVALID_JSON", RefusedValidation),
                Rejection::Invalid(_) => (400, "VALIDATION_FAILED", RefusedValidation),
                Rejection::InstanceNotAllowed => (403, "INSTANCE_NOT_ALLOWED", RefusedPolicy),
                Rejection::ContactFlowNotAllowed => {
                    (403, "CONTACT_FLOW_NOT_ALLOWED", RefusedPolicy)
                }
                Rejection::PersistentChatNotAllowed(_) => {
                    (403, "PERSISTENT_CHAT_NOT_ALLOWED", RefusedPolicy)
                }
                Rejection::RelatedContactNotAllowed(_) => {
                    (403, "RELATED_CONTACT_NOT_ALLOWED", RefusedPolicy)
                }
                Rejection::ContinuationTokenRequired => {
                    (403, "CONTINUATION_TOKEN_REQUIRED", RefusedPolicy)
                }
                Rejection::ContinuationTokenInvalid(_) => {
                    (403, "CONTINUATION_TOKEN_INVALID", RefusedPolicy)
                }
            },
            Self::Unauthorized(error) => (401, token_code(error), RefusedAuth),
        }
    }

    pub fn code(&self) -> &'static str {
        self.classify().1
    }

    /// The fields to list, for the errors that have them.
    pub(crate) fn fields(&self) -> Option<&[FieldError]> {
        match self {
            Self::Rejected(Rejection::Invalid(fields))
            | Self::Unauthorized(TokenError::ClaimsInvalid(fields)) => Some(fields),
            _ => None,
        }
    }

    fn message(&self) -> String {
        match self {
            Self::InvalidEvent(EventError::NotHttp) => {
                "The function was invoked with an event that is not an HTTP request.".into()
            }
            Self::InvalidEvent(EventError::BodyNotBase64) => {
                "The request body is marked as base64 but is not valid base64.".into()
            }
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
            Self::Unauthorized(error) => token_message(error).into(),
            Self::Rejected(rejection) => rejection_message(rejection),
        }
    }
}

fn rejection_message(rejection: &Rejection) -> String {
    match rejection {
        Rejection::InvalidJson(detail) => {
            format!("The body is not a valid JSON object: {detail}.")
        }
        Rejection::Invalid(fields) if fields.len() == 1 => "1 field is invalid.".into(),
        Rejection::Invalid(fields) if fields.len() > LISTED_FIELDS_MAX => format!(
            "{} fields are invalid; the first {LISTED_FIELDS_MAX} are listed.",
            fields.len()
        ),
        Rejection::Invalid(fields) => format!("{} fields are invalid.", fields.len()),
        Rejection::InstanceNotAllowed => {
            "This Amazon Connect instance may not be used from here.".into()
        }
        Rejection::ContactFlowNotAllowed => {
            "This contact flow may not be started from here.".into()
        }
        Rejection::PersistentChatNotAllowed(LinkRefusal::SwitchedOff) => {
            "Persistent chats are switched off.".into()
        }
        Rejection::PersistentChatNotAllowed(LinkRefusal::SignedOnly)
        | Rejection::RelatedContactNotAllowed(LinkRefusal::SignedOnly) => {
            "Only the signed customer token may name a previous contact.".into()
        }
        Rejection::RelatedContactNotAllowed(LinkRefusal::SwitchedOff) => {
            "Linking a chat to another contact is switched off.".into()
        }
        Rejection::ContinuationTokenRequired => {
            "Continuing or linking a chat needs the ContinuationToken its start answered with."
                .into()
        }
        Rejection::ContinuationTokenInvalid(ContinuationRefusal::Expired) => {
            "The ContinuationToken has expired.".into()
        }
        Rejection::ContinuationTokenInvalid(ContinuationRefusal::OtherContact) => {
            "The ContinuationToken was given for another chat.".into()
        }
        Rejection::ContinuationTokenInvalid(ContinuationRefusal::Forged) => {
            "The ContinuationToken is not one this service gave.".into()
        }
    }
}

fn token_code(error: &TokenError) -> &'static str {
    match error {
        TokenError::Missing => "TOKEN_MISSING",
        TokenError::Malformed => "TOKEN_MALFORMED",
        TokenError::AlgorithmNotAllowed => "TOKEN_ALGORITHM_NOT_ALLOWED",
        TokenError::SignatureInvalid => "TOKEN_SIGNATURE_INVALID",
        TokenError::Expired => "TOKEN_EXPIRED",
        TokenError::NotYetValid => "TOKEN_NOT_YET_VALID",
        TokenError::LifetimeTooLong => "TOKEN_LIFETIME_TOO_LONG",
        TokenError::AudienceInvalid => "TOKEN_AUDIENCE_INVALID",
        TokenError::TooLarge => "TOKEN_TOO_LARGE",
        TokenError::ClaimsInvalid(_) => "TOKEN_CLAIMS_INVALID",
    }
}

/// What the site's developer needs to fix their signer; never the token itself.
fn token_message(error: &TokenError) -> &'static str {
    match error {
        TokenError::Missing => "Send the customer token as Authorization: Bearer <token>.",
        TokenError::Malformed => "The customer token is not a well-formed JWT.",
        TokenError::AlgorithmNotAllowed => "The customer token must be signed with HS256.",
        TokenError::SignatureInvalid => "The customer token's signature does not verify.",
        TokenError::Expired => "The customer token has expired.",
        TokenError::NotYetValid => {
            "The customer token is not valid yet (iat or nbf in the future)."
        }
        TokenError::LifetimeTooLong => {
            "The customer token's exp must be at most 10 minutes after its iat."
        }
        TokenError::AudienceInvalid => "The customer token is not for this service (aud).",
        TokenError::TooLarge => "The customer token is larger than 6144 bytes.",
        TokenError::ClaimsInvalid(_) => "The customer token's claims are invalid.",
    }
}

impl Failure<'_> {
    pub(crate) fn code(self) -> &'static str {
        match self {
            Self::Refused(error) => error.code(),
            Self::Connect(failure) => failure_answer(failure.kind).code,
        }
    }

    /// The answer: the same body shape for every failure, CORS included.
    pub(crate) fn response(self, origin: &OriginCheck, request_id: &str) -> HttpResponse {
        let (status, code, message, fields, retry_after) = match self {
            Self::Refused(error) => {
                let (status, code, _) = error.classify();
                (status, code, error.message(), error.fields(), None)
            }
            Self::Connect(failure) => {
                let answer = failure_answer(failure.kind);
                (
                    answer.status,
                    answer.code,
                    answer.message.to_owned(),
                    None,
                    answer.retry_after_seconds,
                )
            }
        };
        let body = ErrorBody {
            error: ErrorDetail {
                code,
                message,
                field_count: fields.map(<[FieldError]>::len),
                fields: fields.map(|fields| &fields[..fields.len().min(LISTED_FIELDS_MAX)]),
                request_id,
            },
        };
        let mut response = json_response(status, &body, origin);
        if status == 405 {
            response.set_header("allow", ALLOWED_METHODS);
        }
        if status == 401 {
            response.set_header("www-authenticate", "Bearer");
        }
        if let Some(seconds) = retry_after {
            response.set_header("retry-after", seconds);
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
    fields: Option<&'a [FieldError]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    field_count: Option<usize>,
    request_id: &'a str,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chat::FailureKind;
    use serde_json::{Value, json};

    fn body_of(response: &HttpResponse) -> Value {
        serde_json::from_str(response.body.as_deref().expect("a body")).expect("a JSON body")
    }

    fn connect(kind: FailureKind) -> ConnectFailure {
        ConnectFailure {
            kind,
            code: Some("SomeAwsException".into()),
            message: Some("arn:aws:connect:us-east-1:123456789012:instance/x is secret".into()),
            aws_request_id: Some("aws-req".into()),
        }
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
            (
                FailureKind::InvalidResponse,
                502,
                "UPSTREAM_ERROR",
                Some("1"),
            ),
            (
                FailureKind::Unavailable,
                503,
                "SERVICE_UNAVAILABLE",
                Some("1"),
            ),
            (FailureKind::Timeout, 504, "UPSTREAM_TIMEOUT", Some("1")),
        ];
        assert_eq!(cases.len(), FailureKind::ALL.len());
        for (kind, status, code, retry_after) in cases {
            let failure = connect(kind);
            let response = Failure::Connect(&failure).response(&OriginCheck::Absent, "req-1");
            assert_eq!(response.status, status, "{kind:?}");
            assert_eq!(response.header("retry-after"), retry_after, "{kind:?}");
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
        let origin = OriginCheck::Allowed("https://shop.example".to_owned());
        let error = ApiError::Rejected(Rejection::Invalid(vec![FieldError::new(
            "ParticipantDetails.DisplayName",
            "is required",
        )]));
        let response = Failure::Refused(&error).response(&origin, "req-2");
        assert_eq!(response.status, 400);
        assert_eq!(
            response.header("access-control-allow-origin"),
            Some("https://shop.example")
        );
        assert_eq!(response.header("content-type"), Some("application/json"));
        assert_eq!(
            body_of(&response),
            json!({"error": {"code": "VALIDATION_FAILED", "message": "1 field is invalid.",
                "fields": [{"path": "ParticipantDetails.DisplayName", "message": "is required"}],
                "fieldCount": 1, "requestId": "req-2"}})
        );
    }

    #[test]
    fn a_long_field_list_is_cut_and_counted() {
        let fields = (0..5000)
            .map(|index| FieldError::new(format!("Attributes.k{index}"), "must be a string"))
            .collect();
        let error = ApiError::Rejected(Rejection::Invalid(fields));
        let response = Failure::Refused(&error).response(&OriginCheck::Absent, "r");
        let body = body_of(&response);
        assert_eq!(body["error"]["fieldCount"], 5000);
        assert_eq!(
            body["error"]["fields"].as_array().map(Vec::len),
            Some(LISTED_FIELDS_MAX)
        );
        assert!(response.body.as_deref().map_or(0, str::len) < 4096);
    }

    #[test]
    fn method_not_allowed_names_the_allowed_methods() {
        let response =
            Failure::Refused(&ApiError::MethodNotAllowed).response(&OriginCheck::Absent, "r");
        assert_eq!(response.header("allow"), Some(ALLOWED_METHODS));
        assert!(body_of(&response)["error"].get("fields").is_none());
    }
}
