//! The `CHAT_CLOSED` row: `REFUSE_START_WHEN` refused a start while its entry point is known closed.
//! Its answer adds the availability reason and, when known, the opening and `Retry-After` until it.

use super::{ErrorAnswer, refused};
use crate::availability::Reason;
use crate::telemetry::RequestMetric;
use jiff::Timestamp;

/// The members a `CHAT_CLOSED` answer adds to the error body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Closed {
    pub reason: &'static str,
    pub opens_at: Option<String>,
}

pub(super) fn chat_closed(
    reason: Reason,
    opens_at: Option<Timestamp>,
    retry_after_seconds: Option<u64>,
) -> ErrorAnswer<'static> {
    let message = if opens_at.is_some() {
        "Chat is closed now; it opens again at opensAt."
    } else {
        "Chat is closed now."
    };
    ErrorAnswer {
        retry_after_seconds: retry_after_seconds.map(|seconds| seconds.to_string().into()),
        closed: Some(Closed {
            reason: reason.as_str(),
            opens_at: opens_at.map(|at| at.to_string()),
        }),
        ..refused(409, "CHAT_CLOSED", RequestMetric::RefusedClosed, message)
    }
}
