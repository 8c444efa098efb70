//! Which failed StartChatContact attempts the SDK retries, and when.
//!
//! Connect allows 5 StartChatContact calls a second per account and Region (burst 8). A throttled call is
//! retried with jittered backoff spread over most of the budget, so that during a burst the retries of
//! many customers meet the bucket's refills instead of all hitting it in the first few hundred ms. The
//! schedule ends before the call's budget: a burst ends in a 429 with `Retry-After`, never a timeout.
//!
//! The chat cap (`LimitExceededException`) is never retried: the SDK counts it as throttling, but it means
//! "too many chats are active", which no retry within seconds can change; retrying would only spend the
//! per-second quota that other customers need.

use aws_sdk_connect::operation::start_chat_contact::StartChatContactError;
use aws_smithy_runtime_api::client::interceptors::context::InterceptorContext;
use aws_smithy_runtime_api::client::retries::classifiers::{
    ClassifyRetry, RetryAction, RetryClassifierPriority,
};
use std::time::Duration;

/// Attempts in all, the first included.
pub const MAX_ATTEMPTS: u32 = 6;
/// The first retry waits up to this long (full jitter), doubling per retry up to [`MAX_BACKOFF`].
pub(crate) const INITIAL_BACKOFF: Duration = Duration::from_millis(200);
pub(crate) const MAX_BACKOFF: Duration = Duration::from_millis(700);

/// The longest the retries of a throttled call can sleep in all: less than the call's budget, so the
/// answer is Connect's 429, not a timeout.
pub fn worst_case_backoff() -> Duration {
    (1..MAX_ATTEMPTS)
        .map(|retry| (INITIAL_BACKOFF * 2u32.pow(retry - 1)).min(MAX_BACKOFF))
        .sum()
}

/// Forbids retrying the chat cap; runs after the SDK's own classifiers so that it has the last word.
#[derive(Debug, Default)]
pub(crate) struct ChatCapIsFinal;

impl ClassifyRetry for ChatCapIsFinal {
    fn classify_retry(&self, context: &InterceptorContext) -> RetryAction {
        let Some(Err(error)) = context.output_or_error() else {
            return RetryAction::NoActionIndicated;
        };
        let chat_cap = error
            .as_operation_error()
            .and_then(|error| error.downcast_ref::<StartChatContactError>())
            .is_some_and(StartChatContactError::is_limit_exceeded_exception);
        if chat_cap {
            RetryAction::RetryForbidden
        } else {
            RetryAction::NoActionIndicated
        }
    }

    fn name(&self) -> &'static str {
        "the chat cap is final"
    }

    fn priority(&self) -> RetryClassifierPriority {
        RetryClassifierPriority::run_after(RetryClassifierPriority::transient_error_classifier())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_retries_of_a_throttled_call_end_inside_the_default_budget() {
        assert!(worst_case_backoff() < crate::connect::DEFAULT_API_TIMEOUT);
    }
}
