//! What the edge tells telemetry about one request: a plain record of what happened, with no HTTP types
//! and nothing personal (no tokens, display names, attribute values or customer ids). The log line
//! (`request_log.rs`) and the metric (`metrics.rs`) are both made of it.

use crate::chat::ConnectFailure;
use std::time::Duration;
use tracing::Level;

/// Everything the log line and the metric are made of; the HTTP edge fills it in.
pub struct RequestRecord<'a> {
    pub request_id: &'a str,
    pub method: &'a str,
    pub status: u16,
    pub latency: Duration,
    /// Whether the origin was `absent`, `allowed` or `denied` (never the origin itself).
    pub origin: &'static str,
    pub result: RequestResult<'a>,
    /// How long the StartChatContact call took, if one was made.
    pub connect_latency: Option<Duration>,
}

/// What became of the request, as the log line and the metric tell it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestResult<'a> {
    /// A CORS preflight: logged, counted in no metric.
    Preflight,
    /// The contact id is not a secret, and it is what support needs to find the chat.
    ChatStarted { contact_id: &'a str },
    /// Refused before Amazon Connect was called.
    Refused {
        metric: RequestMetric,
        error_code: &'static str,
        invalid_fields: usize,
    },
    /// Amazon Connect did not start the chat; logged at `level`, with what AWS said.
    ConnectFailed {
        metric: RequestMetric,
        error_code: &'static str,
        level: Level,
        failure: &'a ConnectFailure,
    },
}

impl RequestResult<'_> {
    /// The metric this request counts in; preflights count in none.
    pub fn metric(&self) -> Option<RequestMetric> {
        match self {
            Self::Preflight => None,
            Self::ChatStarted { .. } => Some(RequestMetric::ChatStarted),
            Self::Refused { metric, .. } | Self::ConnectFailed { metric, .. } => Some(*metric),
        }
    }
}

/// The metric a request counts in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestMetric {
    ChatStarted,
    /// Connect's per-second quota (ThrottlingException), after retries.
    ConnectThrottled,
    /// Connect's quota of concurrent chats (LimitExceededException).
    ConnectChatLimit,
    /// Connect failed, timed out, could not be reached, answered unreadably, or refused our credentials.
    ConnectFailed,
    /// Connect refused the request itself (400/404).
    ConnectRejected,
    RefusedOrigin,
    /// Not a request we can read: method, size, media type, JSON, fields.
    RefusedValidation,
    /// Readable, but outside the server's policy: instance, flow, persistent chat.
    RefusedPolicy,
    /// Signed-customer mode: a missing or invalid token.
    RefusedAuth,
}

impl RequestMetric {
    pub const ALL: [Self; 9] = [
        Self::ChatStarted,
        Self::ConnectThrottled,
        Self::ConnectChatLimit,
        Self::ConnectFailed,
        Self::ConnectRejected,
        Self::RefusedOrigin,
        Self::RefusedValidation,
        Self::RefusedPolicy,
        Self::RefusedAuth,
    ];

    /// The CloudWatch metric name.
    pub fn name(self) -> &'static str {
        match self {
            Self::ChatStarted => "ChatStarted",
            Self::ConnectThrottled => "ConnectThrottled",
            Self::ConnectChatLimit => "ConnectChatLimit",
            Self::ConnectFailed => "ConnectFailed",
            Self::ConnectRejected => "ConnectRejected",
            Self::RefusedOrigin => "RefusedOrigin",
            Self::RefusedValidation => "RefusedValidation",
            Self::RefusedPolicy => "RefusedPolicy",
            Self::RefusedAuth => "RefusedAuth",
        }
    }
}
