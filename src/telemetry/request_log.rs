//! The one log line per request. It names what happened, never who asked or what they sent.

use super::record::{RequestRecord, RequestResult};
use std::time::Duration;
use tracing::Level;

fn milliseconds(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

impl RequestRecord<'_> {
    pub fn log(&self) {
        let (request_id, method, status, origin) =
            (self.request_id, self.method, self.status, self.origin);
        let latency_ms = milliseconds(self.latency);
        let connect_latency_ms = self.connect_latency.map(milliseconds);
        match self.result {
            RequestResult::Preflight => tracing::info!(
                request_id,
                method,
                status,
                latency_ms,
                origin,
                outcome = "preflight",
                "request handled"
            ),
            RequestResult::ChatStarted { contact_id } => tracing::info!(
                request_id,
                method,
                status,
                latency_ms,
                connect_latency_ms,
                origin,
                outcome = "chat_started",
                contact_id,
                "request handled"
            ),
            RequestResult::Refused {
                metric,
                error_code,
                invalid_fields,
            } => tracing::info!(
                request_id,
                method,
                status,
                latency_ms,
                origin,
                outcome = "refused",
                reason = metric.name(),
                error_code,
                invalid_fields,
                "request refused"
            ),
            RequestResult::ConnectFailed {
                metric,
                error_code,
                level,
                failure,
            } => {
                let reason = metric.name();
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
                            reason,
                            error_code,
                            failure = kind,
                            connect_error,
                            connect_message,
                            connect_request_id,
                            $message
                        )
                    };
                }
                if level == Level::ERROR {
                    failure_line!(error, "connect_failed", "Amazon Connect call failed");
                } else {
                    failure_line!(warn, "connect_refused", "Amazon Connect refused the chat");
                }
            }
        }
    }
}
