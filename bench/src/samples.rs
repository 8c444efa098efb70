//! What a measurement records: one cold start, one warm invocation, a long run of one process, and
//! where an invocation's time went.

use serde_json::Value;
use std::time::Duration;

/// One cold start.
#[derive(Debug, Clone, Copy)]
pub struct ColdSample {
    /// Spawn to the first `/next` poll.
    pub init: Duration,
    /// Spawn to the first StartChatContact response received by the Runtime API.
    pub first_response: Duration,
    /// The process's peak RSS when it had answered.
    pub hwm_kib: Option<u64>,
}

/// One warm invocation.
#[derive(Debug, Clone, Copy)]
pub struct WarmSample {
    pub elapsed: Duration,
    /// The emulator's own time for the StartChatContact request, when it reports it (none for a GET
    /// answered from the cache).
    pub service: Option<Duration>,
}

impl WarmSample {
    /// The function's overhead: the invocation minus the emulator's own time.
    pub fn overhead_us(&self) -> f64 {
        let service = self.service.unwrap_or_default();
        self.elapsed.saturating_sub(service).as_secs_f64() * 1e6
    }
}

/// A long run of one process.
#[derive(Debug, Clone, Default)]
pub struct WarmRun {
    pub typical: Vec<WarmSample>,
    pub maximal: Vec<WarmSample>,
    /// Availability GETs answered from the cache (functions that answer them).
    pub availability: Vec<WarmSample>,
    /// RSS after the warm-up, then every `rss_every` measured invocations, in KiB.
    pub rss_trace_kib: Vec<u64>,
    pub rss_after_warmup_kib: u64,
    pub rss_end_kib: u64,
    pub hwm_kib: u64,
    pub init: Duration,
    /// CPU time the function used per invocation (all its threads), µs, per kind.
    pub typical_cpu_us: Option<f64>,
    pub maximal_cpu_us: Option<f64>,
    pub availability_cpu_us: Option<f64>,
    /// Where the time of the last invocations went, from the function's own log lines (Rust only).
    pub typical_breakdown: Option<Breakdown>,
    pub maximal_breakdown: Option<Breakdown>,
}

/// How many of the last invocations of each kind the breakdown covers.
pub const BREAKDOWN_INVOCATIONS: usize = 200;

/// An invocation split with the function's request log line (`latency_ms`: the handler, from request
/// to response; `connect_latency_ms`: the StartChatContact call inside it), in µs medians.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Breakdown {
    pub invocations: usize,
    /// Runtime API round trip, event and response (de)serialisation in `lambda_runtime`/`lambda_http`,
    /// the log and metrics lines written after the handler returns.
    pub runtime_us: f64,
    /// The handler outside the SDK call: CORS, body, validation, response JSON.
    pub handler_us: f64,
    /// The SDK call minus the emulator's own time: serialisation, signing, HTTP, parsing.
    pub sdk_us: f64,
}

impl Breakdown {
    pub fn from_logs(recent: &[(String, WarmSample)], lines: &[String]) -> Option<Self> {
        let logged: std::collections::HashMap<String, (f64, f64)> = lines
            .iter()
            .filter_map(|line| serde_json::from_str::<Value>(line).ok())
            .filter_map(|line| {
                let id = line["request_id"].as_str()?.to_owned();
                let latency = line["latency_ms"].as_f64()? * 1e3;
                let connect = line["connect_latency_ms"].as_f64()? * 1e3;
                Some((id, (latency, connect)))
            })
            .collect();
        let mut runtime = Vec::new();
        let mut handler = Vec::new();
        let mut sdk = Vec::new();
        for (id, sample) in recent {
            let Some((latency, connect)) = logged.get(id) else {
                continue;
            };
            let elapsed = sample.elapsed.as_secs_f64() * 1e6;
            let service = sample.service.unwrap_or_default().as_secs_f64() * 1e6;
            runtime.push(elapsed - latency);
            handler.push(latency - connect);
            sdk.push(connect - service);
        }
        let median = |values: &[f64]| crate::stats::Summary::of(values).map(|s| s.p50);
        Some(Self {
            invocations: runtime.len(),
            runtime_us: median(&runtime)?,
            handler_us: median(&handler)?,
            sdk_us: median(&sdk)?,
        })
    }
}
