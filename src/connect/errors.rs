//! SDK errors become [`ConnectFailure`]s: the kind decides what the browser is told, the rest is logged.

use crate::chat::{ConnectFailure, FailureKind};
use aws_sdk_connect::config::http::HttpResponse;
use aws_sdk_connect::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_connect::operation::RequestId;
use aws_sdk_connect::operation::start_chat_contact::StartChatContactError;

pub(crate) fn classify(error: SdkError<StartChatContactError, HttpResponse>) -> ConnectFailure {
    let kind = match &error {
        SdkError::ServiceError(service) => {
            service_failure_kind(service.err(), service.raw().status().as_u16())
        }
        SdkError::TimeoutError(_) => FailureKind::Timeout,
        SdkError::DispatchFailure(dispatch) if dispatch.is_timeout() => FailureKind::Timeout,
        SdkError::DispatchFailure(_) => FailureKind::Unavailable,
        SdkError::ResponseError(_) => FailureKind::InvalidResponse,
        // Nothing was sent: the request could not be built or signed (no credentials, for instance).
        SdkError::ConstructionFailure(_) => FailureKind::Misconfigured,
        _ => FailureKind::ServiceError,
    };
    let (code, message) = match &error {
        SdkError::ServiceError(service) => (
            service.err().code().map(str::to_owned),
            service.err().message().map(str::to_owned),
        ),
        other => (None, Some(DisplayErrorContext(other).to_string())),
    };
    ConnectFailure {
        kind,
        code,
        message,
        aws_request_id: error.request_id().map(str::to_owned),
    }
}

fn service_failure_kind(error: &StartChatContactError, status: u16) -> FailureKind {
    match error {
        StartChatContactError::InvalidRequestException(_)
        | StartChatContactError::InvalidParameterException(_) => return FailureKind::Rejected,
        StartChatContactError::ResourceNotFoundException(_) => return FailureKind::NotFound,
        StartChatContactError::LimitExceededException(_) => return FailureKind::ChatLimitExceeded,
        StartChatContactError::InternalServiceException(_) => return FailureKind::ServiceError,
        _ => {}
    }
    // Errors any AWS API can answer, which the operation's model does not list.
    match error.code() {
        Some(
            "ThrottlingException"
            | "TooManyRequestsException"
            | "Throttling"
            | "RequestLimitExceeded",
        ) => FailureKind::Throttled,
        Some(
            "AccessDeniedException"
            | "UnrecognizedClientException"
            | "InvalidSignatureException"
            | "SignatureDoesNotMatch"
            | "IncompleteSignature"
            | "MissingAuthenticationTokenException"
            | "InvalidClientTokenId"
            | "ExpiredTokenException"
            | "RequestExpired",
        ) => FailureKind::Misconfigured,
        Some("ServiceUnavailable" | "ServiceUnavailableException") => FailureKind::Unavailable,
        _ => match status {
            429 => FailureKind::Throttled,
            // An unknown 4xx means the endpoint or the account is not what we think it is.
            400..=499 => FailureKind::Misconfigured,
            503 => FailureKind::Unavailable,
            500..=599 => FailureKind::ServiceError,
            _ => FailureKind::InvalidResponse,
        },
    }
}
