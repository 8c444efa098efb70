//! The one log line per request. It names what happened, never who asked or what they sent.

use super::record::{RequestRecord, RequestResult};
use crate::availability::SourceFailure;
use std::time::Duration;
use tracing::Level;

fn milliseconds(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

impl RequestRecord<'_> {
    pub fn log(&self) {
        let (request_id, method, route, status, origin) = (
            self.request_id,
            self.method,
            self.route,
            self.status,
            self.origin,
        );
        let latency_ms = milliseconds(self.latency);
        let connect_latency_ms = self.connect_latency.map(milliseconds);
        self.log_availability_failures();
        // Present only when availability was consulted: what it said, and what it cost.
        let availability = self.availability_reasons();
        let availability_cache = self.availability.map(|a| a.report.cache.as_str());
        let availability_connect_calls = self.availability.map(|a| a.report.connect_calls);
        match self.result {
            RequestResult::Preflight => tracing::info!(
                request_id,
                method,
                route,
                status,
                latency_ms,
                origin,
                outcome = "preflight",
                "request handled"
            ),
            RequestResult::ChatStarted { contact_id } => tracing::info!(
                request_id,
                method,
                route,
                status,
                latency_ms,
                connect_latency_ms,
                origin,
                outcome = "chat_started",
                contact_id,
                availability,
                availability_cache,
                availability_connect_calls,
                "request handled"
            ),
            RequestResult::AvailabilityAnswered => tracing::info!(
                request_id,
                method,
                route,
                status,
                latency_ms,
                origin,
                outcome = "availability",
                availability,
                availability_cache,
                availability_connect_calls,
                "request handled"
            ),
            RequestResult::PushRegistered { contact_id } => tracing::info!(
                request_id,
                method,
                route,
                status,
                latency_ms,
                connect_latency_ms,
                origin,
                outcome = "push_registered",
                contact_id,
                "request handled"
            ),
            RequestResult::PushRemoved { contact_id } => tracing::info!(
                request_id,
                method,
                route,
                status,
                latency_ms,
                connect_latency_ms,
                origin,
                outcome = "push_removed",
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
                route,
                status,
                latency_ms,
                origin,
                outcome = "refused",
                reason = metric.name(),
                error_code,
                invalid_fields,
                availability,
                availability_cache,
                availability_connect_calls,
                "request refused"
            ),
            RequestResult::ConnectFailed {
                metric,
                error_code,
                level,
                operation,
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
                            route,
                            status,
                            latency_ms,
                            connect_latency_ms,
                            origin,
                            outcome = $outcome,
                            reason,
                            error_code,
                            failure = kind,
                            connect_operation = operation,
                            connect_error,
                            connect_message,
                            connect_request_id,
                            availability,
                            availability_cache,
                            availability_connect_calls,
                            $message
                        )
                    };
                }
                if level == Level::ERROR {
                    failure_line!(error, "connect_failed", "Amazon Connect call failed");
                } else {
                    failure_line!(
                        warn,
                        "connect_refused",
                        "Amazon Connect refused the request"
                    );
                }
            }
        }
    }

    /// Each Connect call availability's refresh made that failed, on its own WARN line with what AWS
    /// said (never shown to the browser). A refresh happens at most once per TTL.
    fn log_availability_failures(&self) {
        let Some(availability) = self.availability else {
            return;
        };
        let request_id = self.request_id;
        for SourceFailure { operation, failure } in &availability.report.failures {
            tracing::warn!(
                request_id,
                operation = operation.as_str(),
                failure = failure.kind.name(),
                connect_error = failure.code.as_deref(),
                connect_message = failure.message.as_deref(),
                connect_request_id = failure.aws_request_id.as_deref(),
                "availability: an Amazon Connect call failed"
            );
        }
    }
}
