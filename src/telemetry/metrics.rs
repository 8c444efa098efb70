//! CloudWatch metrics in the Embedded Metric Format: one JSON line per request (preflights aside), which
//! CloudWatch turns into metrics without any API call from the function. Each request counts 1 in exactly
//! one metric, so a dashboard tells refusals by reason (an attack, a broken page) apart from Connect
//! failures by class (an outage, the quota). The template's alarms watch them.

use super::record::{RequestMetric, RequestRecord};
use serde_json::{Value, json};
use std::fmt::Write;
use std::time::{SystemTime, UNIX_EPOCH};

#[derive(Debug, Clone)]
pub struct Metrics {
    sink: Option<EmfSink>,
}

/// The constant parts of every line, rendered once at cold start.
#[derive(Debug, Clone)]
struct EmfSink {
    /// `{"_aws":{"CloudWatchMetrics":…,"Timestamp":` for each set of optional values a line can carry:
    /// indexed by [`EmfSink::head_index`].
    heads: [String; 4],
    /// `},"FunctionName":"…"`.
    function_name: String,
    /// `,"ChatStarted":0,"PushRegistered":1,…` for each metric a request counts in, in
    /// [`RequestMetric::ALL`]'s order.
    counts: [String; RequestMetric::ALL.len()],
}

/// Values only some lines carry: the StartChatContact call's latency, and what availability cost (the
/// Connect calls its refresh made, and 1 when an entry point's answer was unknown).
const CONNECT_LATENCY: &str = "ConnectLatency";
const AVAILABILITY_CONNECT_CALLS: &str = "AvailabilityConnectCalls";
const AVAILABILITY_UNKNOWN: &str = "AvailabilityUnknown";

impl EmfSink {
    fn new(namespace: String, function_name: String) -> Self {
        let head = |index: usize| {
            let mut metrics: Vec<Value> = RequestMetric::ALL
                .iter()
                .map(|metric| json!({"Name": metric.name(), "Unit": "Count"}))
                .collect();
            if index & 1 != 0 {
                metrics.push(json!({"Name": CONNECT_LATENCY, "Unit": "Milliseconds"}));
            }
            if index & 2 != 0 {
                metrics.push(json!({"Name": AVAILABILITY_CONNECT_CALLS, "Unit": "Count"}));
                metrics.push(json!({"Name": AVAILABILITY_UNKNOWN, "Unit": "Count"}));
            }
            let directive = json!([{
                "Namespace": namespace,
                "Dimensions": [["FunctionName"]],
                "Metrics": metrics,
            }]);
            format!("{{\"_aws\":{{\"CloudWatchMetrics\":{directive},\"Timestamp\":")
        };
        let counts = RequestMetric::ALL.map(|counted| {
            RequestMetric::ALL
                .iter()
                .map(|metric| format!(",\"{}\":{}", metric.name(), u8::from(*metric == counted)))
                .collect()
        });
        Self {
            heads: [head(0), head(1), head(2), head(3)],
            function_name: format!("}},\"FunctionName\":{}", Value::String(function_name)),
            counts,
        }
    }

    fn head_index(record: &RequestRecord<'_>) -> usize {
        usize::from(record.connect_latency.is_some())
            + 2 * usize::from(record.availability.is_some())
    }

    /// One EMF document: every count metric present (0 or 1), the optional values the request has.
    fn line(
        &self,
        record: &RequestRecord<'_>,
        metric: RequestMetric,
        timestamp_ms: u128,
    ) -> String {
        let head = &self.heads[Self::head_index(record)];
        let counts = RequestMetric::ALL
            .iter()
            .position(|counted| *counted == metric)
            .map_or("", |index| self.counts[index].as_str());
        let mut line = String::with_capacity(head.len() + self.function_name.len() + 512);
        // Writing to a `String` cannot fail.
        let _ = write!(line, "{head}{timestamp_ms}{}{counts}", self.function_name);
        if let Some(latency) = record.connect_latency {
            let _ = write!(
                line,
                ",\"{CONNECT_LATENCY}\":{}",
                latency.as_secs_f64() * 1000.0
            );
        }
        if let (Some(availability), Some(unknown)) =
            (record.availability, record.availability_unknown())
        {
            let _ = write!(
                line,
                ",\"{AVAILABILITY_CONNECT_CALLS}\":{},\"{AVAILABILITY_UNKNOWN}\":{}",
                availability.report.connect_calls,
                u8::from(unknown)
            );
        }
        line.push_str("}\n");
        line
    }
}

impl Metrics {
    pub fn disabled() -> Self {
        Self { sink: None }
    }

    pub fn embedded(namespace: impl Into<String>, function_name: impl Into<String>) -> Self {
        Self {
            sink: Some(EmfSink::new(namespace.into(), function_name.into())),
        }
    }

    pub fn record(&self, record: &RequestRecord<'_>) {
        let (Some(sink), Some(metric)) = (&self.sink, record.result.metric()) else {
            return;
        };
        let timestamp_ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|elapsed| elapsed.as_millis())
            .unwrap_or_default();
        // One write of the whole line, so it never interleaves with a log line; nowhere to report a
        // failure to write to stdout.
        let _ = super::output::write_lines(sink.line(record, metric, timestamp_ms).as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chat::{ConnectFailure, ConnectFailureKind};
    use crate::telemetry::RequestResult;
    use std::time::Duration;
    use tracing::Level;

    fn document(
        sink: &EmfSink,
        result: RequestResult<'_>,
        connect_latency: Option<Duration>,
    ) -> Value {
        let record = RequestRecord {
            request_id: "r",
            method: "POST",
            route: "chat",
            status: 429,
            latency: Duration::from_millis(20),
            origin: "absent",
            result,
            connect_latency,
            availability: None,
        };
        let metric = result.metric().expect("a request that counts");
        serde_json::from_str(&sink.line(&record, metric, 1_700_000_000_000)).expect("valid JSON")
    }

    #[test]
    fn the_line_is_a_valid_emf_document_counting_one_metric() {
        let sink = EmfSink::new("StartChat".into(), "start-chat-\"fn\"".into());
        let failure = ConnectFailure::new(ConnectFailureKind::Throttled);
        let throttled = RequestResult::ConnectFailed {
            metric: RequestMetric::ConnectThrottled,
            error_code: "TOO_MANY_REQUESTS",
            level: Level::WARN,
            operation: "StartChatContact",
            failure: &failure,
        };
        let document = document(&sink, throttled, Some(Duration::from_millis(12)));
        let directive = &document["_aws"]["CloudWatchMetrics"][0];
        assert_eq!(directive["Namespace"], "StartChat");
        assert_eq!(directive["Dimensions"][0][0], "FunctionName");
        assert_eq!(document["_aws"]["Timestamp"], 1_700_000_000_000_u64);
        assert_eq!(document["FunctionName"], "start-chat-\"fn\"");
        assert_eq!(document["ConnectThrottled"], 1);
        assert_eq!(document["ChatStarted"], 0);
        assert_eq!(document["ConnectLatency"], 12.0);
        // Every metric the directive names has a value in the document.
        let named = directive["Metrics"].as_array().expect("a metric list");
        assert_eq!(named.len(), RequestMetric::ALL.len() + 1);
        for metric in named {
            let name = metric["Name"].as_str().expect("a name");
            assert!(document[name].is_number(), "{name}");
        }
    }

    #[test]
    fn each_metric_counts_one_in_itself_and_zero_in_every_other() {
        let sink = EmfSink::new("StartChat".into(), "f".into());
        let record = RequestRecord {
            request_id: "r",
            method: "GET",
            route: "chat",
            status: 200,
            latency: Duration::from_millis(1),
            origin: "absent",
            result: RequestResult::Preflight,
            connect_latency: None,
            availability: None,
        };
        for counted in RequestMetric::ALL {
            let line = sink.line(&record, counted, 1);
            let document: Value = serde_json::from_str(&line).expect("valid JSON");
            for metric in RequestMetric::ALL {
                let expected = u8::from(metric == counted);
                assert_eq!(document[metric.name()], expected, "{counted:?}: {metric:?}");
            }
        }
    }

    #[test]
    fn a_refusal_has_no_connect_latency() {
        let sink = EmfSink::new("StartChat".into(), "f".into());
        let refused = RequestResult::Refused {
            metric: RequestMetric::RefusedOrigin,
            error_code: "ORIGIN_NOT_ALLOWED",
            invalid_fields: 0,
        };
        let document = document(&sink, refused, None);
        assert_eq!(document["RefusedOrigin"], 1);
        assert!(document.get("ConnectLatency").is_none());
        let named = document["_aws"]["CloudWatchMetrics"][0]["Metrics"].to_string();
        assert!(!named.contains("ConnectLatency"));
    }

    #[test]
    fn a_preflight_counts_in_no_metric() {
        assert_eq!(RequestResult::Preflight.metric(), None);
        assert_eq!(
            RequestResult::ChatStarted { contact_id: "c" }.metric(),
            Some(RequestMetric::ChatStarted)
        );
        assert_eq!(
            RequestResult::PushRegistered { contact_id: "c" }.metric(),
            Some(RequestMetric::PushRegistered)
        );
        assert_eq!(
            RequestResult::PushRemoved { contact_id: "c" }.metric(),
            Some(RequestMetric::PushRemoved)
        );
    }
}
