//! What the edge tells telemetry about one request: a plain record of what happened, with no HTTP types
//! and nothing personal (no tokens, display names, attribute values or customer ids). The log line
//! (`request_log.rs`) and the metric (`metrics.rs`) are both made of it.

use crate::availability::{Availability, Reason};
use crate::chat::ConnectFailure;
use std::time::Duration;
use tracing::Level;

/// Everything the log line and the metric are made of; the HTTP edge fills it in.
pub struct RequestRecord<'a> {
    pub request_id: &'a str,
    pub method: &'a str,
    /// Which resource the path named (`chat`, `push-registrations`, …): never the path itself.
    pub route: &'static str,
    pub status: u16,
    pub latency: Duration,
    /// Whether the origin was `absent`, `allowed` or `denied` (never the origin itself).
    pub origin: &'static str,
    pub result: RequestResult<'a>,
    /// How long the call to Amazon Connect took, if one was made.
    pub connect_latency: Option<Duration>,
    /// The availability answer, for a `GET` or a start `REFUSE_START_WHEN` looked at.
    pub availability: Option<&'a Availability>,
}

impl RequestRecord<'_> {
    /// `default=OPEN,sales=OUTSIDE_HOURS`: entry point names are configuration, not personal data.
    pub(super) fn availability_reasons(&self) -> Option<String> {
        let availability = self.availability?;
        let pairs: Vec<String> = availability
            .entry_points
            .iter()
            .map(|(name, answer)| format!("{name}={}", answer.reason.as_str()))
            .collect();
        Some(pairs.join(","))
    }

    /// Whether any entry point's availability is unknown (Connect failing, throttled or slow).
    pub(super) fn availability_unknown(&self) -> Option<bool> {
        let availability = self.availability?;
        Some(
            availability
                .entry_points
                .iter()
                .any(|(_, answer)| answer.reason == Reason::Unknown),
        )
    }
}

/// What became of the request, as the log line and the metric tell it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestResult<'a> {
    /// A CORS preflight: logged, counted in no metric.
    Preflight,
    /// The contact id is not a secret, and it is what support needs to find the chat.
    ChatStarted { contact_id: &'a str },
    /// A device was registered for the chat's notifications (the device token is never recorded).
    PushRegistered { contact_id: &'a str },
    /// A registration was removed.
    PushRemoved { contact_id: &'a str },
    /// Refused before Amazon Connect was called.
    Refused {
        metric: RequestMetric,
        error_code: &'static str,
        invalid_fields: usize,
    },
    /// An availability question answered (the answer itself is in the record's `availability`).
    AvailabilityAnswered,
    /// Amazon Connect did not do what was asked; logged at `level`, with the operation and what AWS
    /// said.
    ConnectFailed {
        metric: RequestMetric,
        error_code: &'static str,
        level: Level,
        operation: &'static str,
        failure: &'a ConnectFailure,
    },
}

impl RequestResult<'_> {
    /// The metric this request counts in; preflights count in none.
    pub fn metric(&self) -> Option<RequestMetric> {
        match self {
            Self::Preflight => None,
            Self::ChatStarted { .. } => Some(RequestMetric::ChatStarted),
            Self::PushRegistered { .. } => Some(RequestMetric::PushRegistered),
            Self::PushRemoved { .. } => Some(RequestMetric::PushRemoved),
            Self::AvailabilityAnswered => Some(RequestMetric::AvailabilityAnswered),
            Self::Refused { metric, .. } | Self::ConnectFailed { metric, .. } => Some(*metric),
        }
    }
}

/// The metric a request counts in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestMetric {
    ChatStarted,
    PushRegistered,
    PushRemoved,
    /// Connect's per-second quota (ThrottlingException), after retries.
    ConnectThrottled,
    /// Connect's quota of concurrent chats (LimitExceededException).
    ConnectChatLimit,
    /// Another of Connect's quotas (ServiceQuotaExceededException: push registrations, for one).
    ConnectQuotaExceeded,
    /// Connect failed, timed out, could not be reached, answered unreadably, or refused our credentials.
    ConnectFailed,
    /// Connect refused the request itself (400/404).
    ConnectRejected,
    RefusedOrigin,
    /// Not a request we can read: method, size, media type, JSON, fields.
    RefusedValidation,
    /// Readable, but outside the server's policy: instance, flow, persistent chat, a push route while push
    /// is off, a device registration not proven by the chat's customer.
    RefusedPolicy,
    /// Signed-customer mode: a missing or invalid token.
    RefusedAuth,
    /// `REFUSE_START_WHEN`: a start refused while its entry point is known closed (no Connect call).
    RefusedClosed,
    /// An availability question answered (`GET`), whatever the answer.
    AvailabilityAnswered,
}

impl RequestMetric {
    pub const ALL: [Self; 14] = [
        Self::ChatStarted,
        Self::PushRegistered,
        Self::PushRemoved,
        Self::ConnectThrottled,
        Self::ConnectChatLimit,
        Self::ConnectQuotaExceeded,
        Self::ConnectFailed,
        Self::ConnectRejected,
        Self::RefusedOrigin,
        Self::RefusedValidation,
        Self::RefusedPolicy,
        Self::RefusedAuth,
        Self::RefusedClosed,
        Self::AvailabilityAnswered,
    ];

    /// The CloudWatch metric name.
    pub fn name(self) -> &'static str {
        match self {
            Self::ChatStarted => "ChatStarted",
            Self::PushRegistered => "PushRegistered",
            Self::PushRemoved => "PushRemoved",
            Self::ConnectThrottled => "ConnectThrottled",
            Self::ConnectChatLimit => "ConnectChatLimit",
            Self::ConnectQuotaExceeded => "ConnectQuotaExceeded",
            Self::ConnectFailed => "ConnectFailed",
            Self::ConnectRejected => "ConnectRejected",
            Self::RefusedOrigin => "RefusedOrigin",
            Self::RefusedValidation => "RefusedValidation",
            Self::RefusedPolicy => "RefusedPolicy",
            Self::RefusedAuth => "RefusedAuth",
            Self::RefusedClosed => "RefusedClosed",
            Self::AvailabilityAnswered => "AvailabilityAnswered",
        }
    }
}
