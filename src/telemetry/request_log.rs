//! The one log line per request. It names what happened, never who asked or what they sent: no tokens,
//! display names, attribute values or customer ids are in scope here.

use crate::http::{OriginCheck, Outcome, failure_answer};
use std::time::Duration;
use tracing::Level;

/// Everything the log line and the metric are made of.
pub struct RequestRecord<'a> {
    pub request_id: &'a str,
    pub method: &'a str,
    pub status: u16,
    pub latency: Duration,
    pub origin: &'a OriginCheck,
    pub outcome: &'a Outcome,
    /// How long the StartChatContact call took, if one was made.
    pub connect_latency: Option<Duration>,
}

fn milliseconds(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

impl RequestRecord<'_> {
    pub fn log(&self) {
        let (request_id, method, status) = (self.request_id, self.method, self.status);
        let latency_ms = milliseconds(self.latency);
        let connect_latency_ms = self.connect_latency.map(milliseconds);
        let origin = match self.origin {
            OriginCheck::Absent => "absent",
            OriginCheck::Allowed(_) => "allowed",
            OriginCheck::Denied => "denied",
        };
        let error_code = self.outcome.error_code();
        let metric = self.outcome.metric().map(|metric| metric.name());
        match self.outcome {
            Outcome::Preflight => tracing::info!(
                request_id,
                method,
                status,
                latency_ms,
                origin,
                outcome = "preflight",
                "request handled"
            ),
            // The contact id is not a secret, and it is what support needs to find the chat.
            Outcome::Started { chat, .. } => tracing::info!(
                request_id,
                method,
                status,
                latency_ms,
                connect_latency_ms,
                origin,
                outcome = "chat_started",
                contact_id = chat.contact_id.as_str(),
                "request handled"
            ),
            Outcome::Refused(error) => {
                let invalid_fields = error.fields().map_or(0, <[_]>::len);
                tracing::info!(
                    request_id,
                    method,
                    status,
                    latency_ms,
                    origin,
                    outcome = "refused",
                    reason = metric,
                    error_code,
                    invalid_fields,
                    "request refused"
                )
            }
            Outcome::ConnectFailed(failure) => {
                let connect_error = failure.code.as_deref();
                let connect_message = failure.message.as_deref();
                let connect_request_id = failure.aws_request_id.as_deref();
                let kind = failure.kind.name();
                // `tracing`'s macros take a level known at compile time: one arm per level the failure
                // table uses, with the same fields.
                macro_rules! failure_line {
                    ($level:ident, $outcome:literal, $message:literal) => {
                        tracing::$level!(
                            request_id,
                            method,
                            status,
                            latency_ms,
                            connect_latency_ms,
                            origin,
                            outcome = $outcome,
                            reason = metric,
                            error_code,
                            failure = kind,
                            connect_error,
                            connect_message,
                            connect_request_id,
                            $message
                        )
                    };
                }
                if failure_answer(failure.kind).level == Level::ERROR {
                    failure_line!(error, "connect_failed", "Amazon Connect call failed");
                } else {
                    failure_line!(warn, "connect_refused", "Amazon Connect refused the chat");
                }
            }
        }
    }
}
