//! SDK errors become [`ConnectFailure`]s: the kind decides what the caller is told, the rest is logged.
//! One classification for every operation the function calls: the error codes Connect's models list
//! for them, then the ones any AWS API can answer, then the HTTP status.

use crate::chat::{ConnectFailure, ConnectFailureKind};
use aws_sdk_connect::config::http::HttpResponse;
use aws_sdk_connect::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_connect::operation::RequestId;

/// Any Connect operation's error (StartChatContact's, and availability's calls).
pub(crate) fn classify<E>(error: SdkError<E, HttpResponse>) -> ConnectFailure
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    let kind = match &error {
        SdkError::ServiceError(service) => {
            service_failure_kind(service.err().code(), service.raw().status().as_u16())
        }
        SdkError::TimeoutError(_) => ConnectFailureKind::Timeout,
        SdkError::DispatchFailure(dispatch) if dispatch.is_timeout() => ConnectFailureKind::Timeout,
        SdkError::DispatchFailure(_) => ConnectFailureKind::Unavailable,
        SdkError::ResponseError(_) => ConnectFailureKind::InvalidResponse,
        // Nothing was sent: the request could not be built or signed (no credentials, for instance).
        SdkError::ConstructionFailure(_) => ConnectFailureKind::Misconfigured,
        _ => ConnectFailureKind::ServiceError,
    };
    let (code, message) = match &error {
        SdkError::ServiceError(service) => (
            service.err().code().map(str::to_owned),
            service.err().message().map(without_values),
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

/// By the error's code: the errors the operations' models list (the same names for every Connect
/// operation this function calls), then the ones any AWS API can answer, then the HTTP status.
fn service_failure_kind(code: Option<&str>, status: u16) -> ConnectFailureKind {
    match code {
        Some("InvalidRequestException" | "InvalidParameterException") => {
            ConnectFailureKind::Rejected
        }
        Some("ResourceNotFoundException") => ConnectFailureKind::NotFound,
        Some("LimitExceededException") => ConnectFailureKind::ChatLimitExceeded,
        Some("ServiceQuotaExceededException") => ConnectFailureKind::QuotaExceeded,
        Some("InternalServiceException") => ConnectFailureKind::ServiceError,
        Some(
            "ThrottlingException"
            | "TooManyRequestsException"
            | "Throttling"
            | "RequestLimitExceeded",
        ) => ConnectFailureKind::Throttled,
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
        ) => ConnectFailureKind::Misconfigured,
        Some("ServiceUnavailable" | "ServiceUnavailableException") => {
            ConnectFailureKind::Unavailable
        }
        _ => match status {
            429 => ConnectFailureKind::Throttled,
            // An unknown 4xx means the endpoint or the account is not what we think it is.
            400..=499 => ConnectFailureKind::Misconfigured,
            503 => ConnectFailureKind::Unavailable,
            500..=599 => ConnectFailureKind::ServiceError,
            _ => ConnectFailureKind::InvalidResponse,
        },
    }
}

/// AWS validation messages quote the value they refused (`Value 'Ada Lovelace' at
/// 'participantDetails.displayName' failed to satisfy constraint: …`): a customer's name, attribute or
/// message, which must not reach the log. The value goes; the member path and the constraint stay.
fn without_values(message: &str) -> String {
    let mut kept = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(at) = ["Value ", "value "]
        .iter()
        .filter_map(|mark| rest.find(mark).map(|at| at + mark.len()))
        .min()
    {
        let (before, after) = rest.split_at(at);
        kept.push_str(before);
        let Some(quote) = after.chars().next().filter(|c| matches!(c, '\'' | '"')) else {
            rest = after;
            continue;
        };
        kept.push(quote);
        kept.push_str("[redacted]");
        // The value ends at its closing quote before " at "; a value that itself holds that sequence
        // only makes more of the message go.
        let quoted = &after[quote.len_utf8()..];
        rest = quoted
            .find(&format!("{quote} at "))
            .map_or("", |end| &quoted[end..]);
    }
    kept.push_str(rest);
    kept
}

#[cfg(test)]
mod tests {
    use super::without_values;

    #[test]
    fn refused_values_never_reach_the_log() {
        assert_eq!(
            without_values(
                "2 validation errors detected: Value 'Ada O'Brien' at 'participantDetails.displayName' failed to satisfy constraint: Member must have length less than or equal to 256; Value \"secret\" at 'clientToken' failed"
            ),
            "2 validation errors detected: Value '[redacted]' at 'participantDetails.displayName' failed to satisfy constraint: Member must have length less than or equal to 256; Value \"[redacted]\" at 'clientToken' failed"
        );
        assert_eq!(
            without_values("Invalid value 'Ada' without a path"),
            "Invalid value '[redacted]"
        );
        assert_eq!(
            without_values("Rate exceeded for the value of X"),
            "Rate exceeded for the value of X"
        );
    }
}
