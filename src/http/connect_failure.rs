//! What each way Amazon Connect can fail means, decided in one table: the answer the browser gets
//! (status, code, message, `Retry-After`), the metric it counts in, and the level it is logged at. The
//! match has no wildcard, so a new [`FailureKind`] does not compile until it has a row here.

use crate::chat::FailureKind;
use crate::telemetry::RequestMetric;
use tracing::Level;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FailureAnswer {
    pub status: u16,
    pub code: &'static str,
    pub message: &'static str,
    /// Seconds a client should wait before retrying, for the answers a retry can fix.
    pub retry_after_seconds: Option<&'static str>,
    pub metric: RequestMetric,
    pub level: Level,
}

const fn answer(
    status: u16,
    code: &'static str,
    message: &'static str,
    retry_after_seconds: Option<&'static str>,
    metric: RequestMetric,
    level: Level,
) -> FailureAnswer {
    FailureAnswer {
        status,
        code,
        message,
        retry_after_seconds,
        metric,
        level,
    }
}

pub(crate) fn failure_answer(kind: FailureKind) -> FailureAnswer {
    use RequestMetric::{ConnectChatLimit, ConnectFailed, ConnectRejected, ConnectThrottled};
    match kind {
        // Connect judged the request itself: the caller's problem, not an outage.
        FailureKind::Rejected => answer(
            400,
            "CHAT_REQUEST_REJECTED",
            "Amazon Connect did not accept the chat request.",
            None,
            ConnectRejected,
            Level::WARN,
        ),
        FailureKind::NotFound => answer(
            404,
            "CHAT_RESOURCE_NOT_FOUND",
            "The contact flow, instance or previous contact was not found.",
            None,
            ConnectRejected,
            Level::WARN,
        ),
        // The per-second quota refills within a second.
        FailureKind::Throttled => answer(
            429,
            "TOO_MANY_REQUESTS",
            "Too many chats are being started; retry shortly.",
            Some("1"),
            ConnectThrottled,
            Level::WARN,
        ),
        // Active chats end at human pace.
        FailureKind::ChatLimitExceeded => answer(
            429,
            "CHAT_LIMIT_EXCEEDED",
            "The contact centre has too many active chats; retry later.",
            Some("30"),
            ConnectChatLimit,
            Level::WARN,
        ),
        // Retrying cannot fix our own deployment.
        FailureKind::Misconfigured => answer(
            502,
            "SERVICE_MISCONFIGURED",
            "The chat service is not configured correctly.",
            None,
            ConnectFailed,
            Level::ERROR,
        ),
        FailureKind::ServiceError => answer(
            502,
            "UPSTREAM_ERROR",
            "Amazon Connect failed to start the chat; retry shortly.",
            Some("1"),
            ConnectFailed,
            Level::ERROR,
        ),
        // A chat may have started even though its answer was unreadable: a retry carrying the same
        // ClientToken gets that chat back.
        FailureKind::InvalidResponse => answer(
            502,
            "UPSTREAM_ERROR",
            "Amazon Connect failed to start the chat; retry shortly.",
            Some("1"),
            ConnectFailed,
            Level::ERROR,
        ),
        FailureKind::Unavailable => answer(
            503,
            "SERVICE_UNAVAILABLE",
            "Amazon Connect is unavailable; retry shortly.",
            Some("1"),
            ConnectFailed,
            Level::ERROR,
        ),
        FailureKind::Timeout => answer(
            504,
            "UPSTREAM_TIMEOUT",
            "Amazon Connect did not answer in time; retry shortly.",
            Some("1"),
            ConnectFailed,
            Level::ERROR,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_side_failures_are_errors_and_client_side_ones_warnings() {
        for kind in FailureKind::ALL {
            let answer = failure_answer(kind);
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
}
