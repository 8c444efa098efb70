//! CloudWatch metrics in the Embedded Metric Format: one JSON line per request that reached Amazon
//! Connect, which CloudWatch turns into metrics without any API call from the function. The template's
//! alarms watch `ConnectThrottled` and `ConnectFailed`.

use serde_json::{Value, json};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// How a StartChatContact call ended, as the metrics count it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnectCallOutcome {
    Started,
    /// Connect answered 429 (rate quota or concurrent-chat quota).
    Throttled,
    /// Connect failed, timed out, could not be reached, or refused our credentials.
    Failed,
    /// Connect refused the request itself (400/404): counted in none of the alarms.
    Refused,
}

#[derive(Debug, Clone)]
pub struct Metrics {
    sink: Option<EmfSink>,
}

#[derive(Debug, Clone)]
struct EmfSink {
    /// The constant part of every line, rendered once: `{"_aws":{"CloudWatchMetrics":…,"Timestamp":`.
    head: String,
    /// `},"FunctionName":"…","ChatStarted":`.
    middle: String,
}

impl EmfSink {
    fn new(namespace: String, function_name: String) -> Self {
        let directive = json!([{
            "Namespace": namespace,
            "Dimensions": [["FunctionName"]],
            "Metrics": [
                {"Name": "ChatStarted", "Unit": "Count"},
                {"Name": "ConnectThrottled", "Unit": "Count"},
                {"Name": "ConnectFailed", "Unit": "Count"},
                {"Name": "ConnectLatency", "Unit": "Milliseconds"},
            ],
        }]);
        let head = format!("{{\"_aws\":{{\"CloudWatchMetrics\":{directive},\"Timestamp\":");
        let middle = format!(
            "}},\"FunctionName\":{},\"ChatStarted\":",
            Value::String(function_name)
        );
        Self { head, middle }
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

    pub fn record_connect_call(&self, outcome: ConnectCallOutcome, latency: Duration) {
        let Some(sink) = &self.sink else {
            return;
        };
        let timestamp_ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|elapsed| elapsed.as_millis())
            .unwrap_or_default();
        let mut line = emf_line(sink, outcome, latency, timestamp_ms);
        line.push('\n');
        // One write of the whole line, so it never interleaves with a log line; nowhere to report a
        // failure to write to stdout.
        let _ = super::output::write_lines(line.as_bytes());
    }
}

/// One EMF document: the pre-rendered constant parts around this call's numbers.
fn emf_line(
    sink: &EmfSink,
    outcome: ConnectCallOutcome,
    latency: Duration,
    timestamp_ms: u128,
) -> String {
    let count = |wanted: ConnectCallOutcome| u8::from(outcome == wanted);
    format!(
        "{}{timestamp_ms}{}{},\"ConnectThrottled\":{},\"ConnectFailed\":{},\"ConnectLatency\":{}}}",
        sink.head,
        sink.middle,
        count(ConnectCallOutcome::Started),
        count(ConnectCallOutcome::Throttled),
        count(ConnectCallOutcome::Failed),
        latency.as_secs_f64() * 1000.0,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    #[test]
    fn the_line_is_a_valid_emf_document() {
        let sink = EmfSink::new("StartChat".into(), "start-chat-\"fn\"".into());
        let line = emf_line(
            &sink,
            ConnectCallOutcome::Throttled,
            Duration::from_millis(12),
            1_700_000_000_000,
        );
        let document: Value = serde_json::from_str(&line).unwrap_or(Value::Null);
        let directive = &document["_aws"]["CloudWatchMetrics"][0];
        assert_eq!(directive["Namespace"], "StartChat");
        assert_eq!(directive["Dimensions"][0][0], "FunctionName");
        assert_eq!(document["_aws"]["Timestamp"], 1_700_000_000_000_u64);
        assert_eq!(document["FunctionName"], "start-chat-\"fn\"");
        assert_eq!(document["ConnectThrottled"], 1);
        assert_eq!(document["ChatStarted"], 0);
        assert_eq!(document["ConnectFailed"], 0);
        assert_eq!(document["ConnectLatency"], 12.0);
        // Every metric the directive names has a value in the document.
        for metric in directive["Metrics"].as_array().into_iter().flatten() {
            let name = metric["Name"].as_str().unwrap_or_default();
            assert!(document[name].is_number(), "{name}");
        }
    }
}
