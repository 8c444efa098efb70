//! What the soak found: statuses and answer times per request and fault, the resident set, the
//! failures; as `soak.json` and as Markdown.

use super::plan::{Injection, Request};
use super::{ANSWER_MARGIN, RSS_BASELINE_FRACTION, RSS_EVERY, RSS_GROWTH_LIMIT_KIB};
use crate::cli::SoakArgs;
use crate::stats::{Summary, round};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::Duration;

/// Per request kind and injection: the statuses seen and the answer times.
#[derive(Default)]
pub struct Tally {
    pub statuses: BTreeMap<u16, usize>,
    pub elapsed_ms: Vec<f64>,
}

#[derive(Default)]
pub struct SoakReport {
    pub tallies: BTreeMap<(Request, Injection), Tally>,
    pub rss_trace_kib: Vec<u64>,
    pub rss_after_warmup_kib: u64,
    /// After the first tenth of the requests.
    pub rss_baseline_kib: Option<u64>,
    pub rss_end_kib: u64,
    pub hwm_kib: u64,
    pub failures: Vec<String>,
    pub failure_count: usize,
    pub slowest: Duration,
    pub alive_at_end: bool,
}

impl SoakReport {
    /// From the baseline (after the first tenth of the requests) to the end.
    pub fn rss_growth_kib(&self) -> i64 {
        self.rss_end_kib as i64 - self.rss_baseline_kib.unwrap_or(self.rss_after_warmup_kib) as i64
    }

    pub fn passed(&self) -> bool {
        self.failure_count == 0
            && self.failures.is_empty()
            && self.alive_at_end
            && self.rss_growth_kib() < RSS_GROWTH_LIMIT_KIB
    }

    pub fn requests(&self) -> usize {
        self.tallies.values().map(|t| t.elapsed_ms.len()).sum()
    }

    pub fn to_json(&self, args: &SoakArgs, duration: Duration, meta: Value) -> Value {
        let mut by_case = Map::new();
        for ((request, injection), tally) in &self.tallies {
            let summary = Summary::of(&tally.elapsed_ms);
            by_case.insert(
                format!("{request:?}, {}", injection.name()),
                json!({
                    "count": tally.elapsed_ms.len(),
                    "statuses": tally.statuses.iter().map(|(k, v)| (k.to_string(), json!(v))).collect::<Map<String, Value>>(),
                    "answer_ms": summary.map_or(Value::Null, |s| s.to_json(2)),
                }),
            );
        }
        let all: Vec<f64> = self
            .tallies
            .values()
            .flat_map(|t| t.elapsed_ms.iter().copied())
            .collect();
        json!({
            "meta": meta,
            "passed": self.passed(),
            "seed": args.seed,
            "requests": self.requests(),
            "duration_s": round(duration.as_secs_f64(), 1),
            "connect_timeout_ms": args.connect_timeout.as_millis() as u64,
            "answer_limit_ms": (args.connect_timeout + ANSWER_MARGIN).as_millis() as u64,
            "answer_ms": Summary::of(&all).map_or(Value::Null, |s| s.to_json(2)),
            "slowest_answer_ms": round(self.slowest.as_secs_f64() * 1e3, 1),
            "alive_at_end": self.alive_at_end,
            "failures": self.failure_count,
            "first_failures": self.failures,
            "rss": {
                "after_warmup_kib": self.rss_after_warmup_kib,
                "baseline_kib": self.rss_baseline_kib,
                "baseline_after_requests": args.requests / RSS_BASELINE_FRACTION,
                "end_kib": self.rss_end_kib,
                "peak_kib": self.hwm_kib,
                "growth_kib": self.rss_growth_kib(),
                "growth_limit_kib": RSS_GROWTH_LIMIT_KIB,
                "trace_kib": self.rss_trace_kib,
                "sampled_every": RSS_EVERY,
            },
            "by_case": by_case,
        })
    }

    /// The soak's section of the run record: the verdict, answer times, resident set, then per request
    /// kind and fault.
    pub fn markdown(&self, args: &SoakArgs, duration: Duration) -> String {
        let mut out = String::from("## Soak\n\n");
        let _ = writeln!(
            out,
            "- **{}**: {} requests in {:.0} s (seed {}), Connect timeout {} ms, {} failure(s); the process {}.",
            if self.passed() { "Passed" } else { "Failed" },
            self.requests(),
            duration.as_secs_f64(),
            args.seed,
            args.connect_timeout.as_millis(),
            self.failure_count,
            if self.alive_at_end {
                "stayed up"
            } else {
                "did not stay up"
            }
        );
        let all: Vec<f64> = self
            .tallies
            .values()
            .flat_map(|t| t.elapsed_ms.iter().copied())
            .collect();
        if let Some(answers) = Summary::of(&all) {
            let _ = writeln!(
                out,
                "- Answers: p50 {:.1} ms, p90 {:.1} ms, p99 {:.1} ms, slowest {:.0} ms (limit {} ms).",
                answers.p50,
                answers.p90,
                answers.p99,
                self.slowest.as_secs_f64() * 1e3,
                (args.connect_timeout + ANSWER_MARGIN).as_millis()
            );
        }
        let _ = writeln!(
            out,
            "- Resident set: {} KiB after the warm-up, {} KiB after {} requests, {} KiB at the end ({:+} KiB, limit {RSS_GROWTH_LIMIT_KIB}), peak (VmHWM) {} KiB.",
            self.rss_after_warmup_kib,
            self.rss_baseline_kib.unwrap_or_default(),
            args.requests / RSS_BASELINE_FRACTION,
            self.rss_end_kib,
            self.rss_growth_kib(),
            self.hwm_kib,
        );
        for failure in &self.failures {
            let _ = writeln!(out, "- Failure: {failure}");
        }
        out.push('\n');
        out.push_str("| Request | Fault | Count | Statuses | Answer p50 / p99 / max |\n| --- | --- | ---: | --- | ---: |\n");
        for ((request, injection), tally) in &self.tallies {
            let statuses: Vec<String> = tally
                .statuses
                .iter()
                .map(|(status, count)| format!("{status}×{count}"))
                .collect();
            let times = Summary::of(&tally.elapsed_ms).map_or("–".into(), |s| {
                format!("{:.1} / {:.1} / {:.1} ms", s.p50, s.p99, s.max)
            });
            let _ = writeln!(
                out,
                "| {request:?} | {} | {} | {} | {times} |",
                injection.name(),
                tally.elapsed_ms.len(),
                statuses.join(", ")
            );
        }
        out
    }
}
