//! The API's one error type: why a request was refused before Amazon Connect was called. It becomes an
//! HTTP answer in one place, `error_answer.rs`, as Connect's failures do.

use super::event::EventError;
use super::route::Route;
use crate::auth::TokenError;
use crate::availability::Reason;
use crate::chat::{FieldError, Rejection};
use crate::push::PushRejection;
use jiff::Timestamp;

/// Why a request was refused before Amazon Connect was called.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    InvalidEvent(EventError),
    /// The route does not answer this method.
    MethodNotAllowed(Route),
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
    /// A push route while `PUSH_APPLICATION_ARN` is unset.
    PushNotificationsDisabled,
    /// A path under the push registrations that names no resource.
    NotFound,
    /// The push domain's verdict: unreadable, invalid, or not the chat's own customer.
    PushRejected(PushRejection),
    /// A `GET` while availability is not configured.
    AvailabilityNotConfigured,
    /// `REFUSE_START_WHEN`: the start's entry point is known to be closed (or unstaffed).
    ChatClosed {
        reason: Reason,
        opens_at: Option<Timestamp>,
        retry_after_seconds: Option<u64>,
    },
}

impl From<Rejection> for ApiError {
    fn from(rejection: Rejection) -> Self {
        Self::Rejected(rejection)
    }
}

impl From<PushRejection> for ApiError {
    fn from(rejection: PushRejection) -> Self {
        Self::PushRejected(rejection)
    }
}

impl ApiError {
    /// The fields to list, for the errors that have them.
    pub(crate) fn fields(&self) -> Option<&[FieldError]> {
        match self {
            Self::Rejected(Rejection::Invalid(fields))
            | Self::PushRejected(PushRejection::Invalid(fields))
            | Self::Unauthorized(TokenError::ClaimsInvalid(fields)) => Some(fields),
            _ => None,
        }
    }
}
