use super::{StartChatCommand, StartedChat};
use std::future::Future;

/// The port to Amazon Connect: the domain and the HTTP edge know this trait, never the SDK.
pub trait ChatStarter: Send + Sync {
    fn start_chat(
        &self,
        command: &StartChatCommand,
    ) -> impl Future<Output = Result<StartedChat, ConnectFailure>> + Send;
}

/// Why Amazon Connect did not do what was asked, in the terms the API answers with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnectFailureKind {
    /// InvalidRequestException / InvalidParameterException: the request passed our checks but not Connect's.
    Rejected,
    /// ResourceNotFoundException: unknown instance, flow or source contact.
    NotFound,
    /// ThrottlingException / TooManyRequestsException: the API rate quota.
    Throttled,
    /// LimitExceededException: the quota of concurrent active chats.
    ChatLimitExceeded,
    /// ServiceQuotaExceededException: another quota of the instance (push registrations, for one).
    QuotaExceeded,
    /// Access denied, bad or expired credentials, signature errors: our deployment is misconfigured.
    Misconfigured,
    /// Connect answered with a server error (InternalServiceException, other 5xx).
    ServiceError,
    /// Connect could not be reached or said it is unavailable (503).
    Unavailable,
    /// No answer within the configured timeout.
    Timeout,
    /// Connect answered something we could not read.
    InvalidResponse,
}

impl ConnectFailureKind {
    pub const ALL: [Self; 10] = [
        Self::Rejected,
        Self::NotFound,
        Self::Throttled,
        Self::ChatLimitExceeded,
        Self::QuotaExceeded,
        Self::Misconfigured,
        Self::ServiceError,
        Self::Unavailable,
        Self::Timeout,
        Self::InvalidResponse,
    ];

    /// The name in log lines.
    pub fn name(self) -> &'static str {
        match self {
            Self::Rejected => "Rejected",
            Self::NotFound => "NotFound",
            Self::Throttled => "Throttled",
            Self::ChatLimitExceeded => "ChatLimitExceeded",
            Self::QuotaExceeded => "QuotaExceeded",
            Self::Misconfigured => "Misconfigured",
            Self::ServiceError => "ServiceError",
            Self::Unavailable => "Unavailable",
            Self::Timeout => "Timeout",
            Self::InvalidResponse => "InvalidResponse",
        }
    }
}

/// A failed call to Amazon Connect (StartChatContact, or a push registration's): the kind decides the
/// HTTP answer; the rest is for the log only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectFailure {
    pub kind: ConnectFailureKind,
    /// The AWS error code (`ThrottlingException`), when there was one.
    pub code: Option<String>,
    /// The AWS message: internal, logged, never shown to the browser.
    pub message: Option<String>,
    /// `x-amzn-RequestId`, to quote to AWS support.
    pub aws_request_id: Option<String>,
}

impl ConnectFailure {
    pub fn new(kind: ConnectFailureKind) -> Self {
        Self {
            kind,
            code: None,
            message: None,
            aws_request_id: None,
        }
    }
}
