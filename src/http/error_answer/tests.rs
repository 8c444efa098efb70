use super::*;
use crate::chat::Rejection;
use crate::http::Route;
use crate::push::PushRejection;
use serde_json::{Value, json};

fn body_of(response: &HttpResponse) -> Value {
    serde_json::from_str(response.body.as_deref().expect("a body")).expect("a JSON body")
}

fn connect_failure(kind: ConnectFailureKind) -> ConnectFailure {
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
        (
            ConnectFailureKind::Rejected,
            400,
            "CHAT_REQUEST_REJECTED",
            None,
        ),
        (
            ConnectFailureKind::NotFound,
            404,
            "CHAT_RESOURCE_NOT_FOUND",
            None,
        ),
        (
            ConnectFailureKind::Throttled,
            429,
            "TOO_MANY_REQUESTS",
            Some("1"),
        ),
        (
            ConnectFailureKind::ChatLimitExceeded,
            429,
            "CHAT_LIMIT_EXCEEDED",
            Some("30"),
        ),
        (
            ConnectFailureKind::QuotaExceeded,
            429,
            "SERVICE_QUOTA_EXCEEDED",
            Some("30"),
        ),
        (
            ConnectFailureKind::Misconfigured,
            502,
            "SERVICE_MISCONFIGURED",
            None,
        ),
        (
            ConnectFailureKind::ServiceError,
            502,
            "UPSTREAM_ERROR",
            Some("1"),
        ),
        (
            ConnectFailureKind::InvalidResponse,
            502,
            "UPSTREAM_ERROR",
            Some("1"),
        ),
        (
            ConnectFailureKind::Unavailable,
            503,
            "SERVICE_UNAVAILABLE",
            Some("1"),
        ),
        (
            ConnectFailureKind::Timeout,
            504,
            "UPSTREAM_TIMEOUT",
            Some("1"),
        ),
    ];
    assert_eq!(cases.len(), ConnectFailureKind::ALL.len());
    let calls = [
        ConnectCall::StartChatContact,
        ConnectCall::CreatePushNotificationRegistration,
        ConnectCall::DeletePushNotificationRegistration,
    ];
    for ((kind, status, code, retry_after), call) in cases
        .into_iter()
        .flat_map(|case| calls.map(|call| (case, call)))
    {
        let failure = connect_failure(kind);
        let response = ErrorAnswer::connect(&failure, call).response(&OriginCheck::Absent, "req-1");
        assert_eq!(response.status, status, "{kind:?} {call:?}");
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
        // A push call's answer never speaks of starting a chat.
        let message = body["error"]["message"].as_str().unwrap_or_default();
        if call != ConnectCall::StartChatContact {
            assert!(
                !message.contains("chat request") && !message.contains("start"),
                "{message}"
            );
        }
    }
}

#[test]
fn server_side_failures_are_errors_and_client_side_ones_warnings() {
    for kind in ConnectFailureKind::ALL {
        let answer =
            ErrorAnswer::connect(&ConnectFailure::new(kind), ConnectCall::StartChatContact);
        assert_eq!(
            answer.level == Level::ERROR,
            answer.status >= 500,
            "{kind:?}"
        );
        if answer.status == 429 {
            assert!(answer.retry_after_seconds.is_some(), "{kind:?}");
        }
    }
}

#[test]
fn validation_errors_list_their_fields_and_carry_cors() {
    let origin = OriginCheck::Allowed("https://shop.example".to_owned());
    let error = ApiError::Rejected(Rejection::Invalid(vec![FieldError::new(
        "ParticipantDetails.DisplayName",
        "is required",
    )]));
    let response = ErrorAnswer::refusal(&error).response(&origin, "req-2");
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
    let response = ErrorAnswer::refusal(&error).response(&OriginCheck::Absent, "r");
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
    let error = ApiError::MethodNotAllowed(Route::Chat);
    let response = ErrorAnswer::refusal(&error).response(&OriginCheck::Absent, "r");
    assert_eq!(
        response.header("allow"),
        Some(Route::Chat.allowed_methods())
    );
    assert!(body_of(&response)["error"].get("fields").is_none());
}

#[test]
fn push_refusals_have_their_codes_and_never_quote_a_device_token() {
    use crate::chat::ContinuationRefusal;
    let cases = [
        (
            ApiError::PushNotificationsDisabled,
            404,
            "PUSH_NOTIFICATIONS_DISABLED",
        ),
        (ApiError::NotFound, 404, "NOT_FOUND"),
        (
            ApiError::PushRejected(PushRejection::ContinuationTokenRequired),
            403,
            "CONTINUATION_TOKEN_REQUIRED",
        ),
        (
            ApiError::PushRejected(PushRejection::ContinuationTokenInvalid(
                ContinuationRefusal::OtherContact,
            )),
            403,
            "CONTINUATION_TOKEN_INVALID",
        ),
        (
            ApiError::PushRejected(PushRejection::ContactNotVouched),
            403,
            "CONTACT_NOT_VOUCHED",
        ),
        (
            ApiError::PushRejected(PushRejection::InstanceNotAllowed),
            403,
            "INSTANCE_NOT_ALLOWED",
        ),
        (
            ApiError::PushRejected(PushRejection::InvalidJson("at line 1".into())),
            400,
            "INVALID_JSON",
        ),
        (
            ApiError::PushRejected(PushRejection::Invalid(vec![FieldError::new(
                "DeviceToken",
                "is not a valid APNS token (hexadecimal digits)",
            )])),
            400,
            "VALIDATION_FAILED",
        ),
    ];
    for (error, status, code) in cases {
        let response = ErrorAnswer::refusal(&error).response(&OriginCheck::Absent, "r");
        assert_eq!(
            (
                response.status,
                body_of(&response)["error"]["code"].as_str()
            ),
            (status, Some(code))
        );
    }
}
