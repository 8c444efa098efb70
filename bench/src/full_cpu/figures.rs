//! The full-CPU figures of one function: what [`Measured`] samples come to, and their `results.json` keys.

use crate::procfs::mib;
use crate::samples::{Breakdown, ColdSample, WarmRun, WarmSample};
use crate::stats::{Summary, round};
use serde_json::{Map, Value, json};

/// Everything measured for one function.
#[derive(Debug, Default)]
pub struct Measured {
    pub cold: Vec<ColdSample>,
    /// Rust only: cold starts with `WARM_CONNECTION=false`.
    pub cold_unwarmed: Vec<ColdSample>,
    pub warm: Option<WarmRun>,
    pub zip_bytes: Option<u64>,
    pub binary_bytes: Option<u64>,
}

/// The figures derived from [`Measured`].
#[derive(Debug, Clone, Default)]
pub struct Figures {
    pub init_ms: Option<Summary>,
    pub first_response_ms: Option<Summary>,
    pub first_response_unwarmed_ms: Option<Summary>,
    /// The first invocation alone (first response − init), with and without the init warm-up.
    pub first_invoke_ms: Option<Summary>,
    pub first_invoke_unwarmed_ms: Option<Summary>,
    pub unwarmed_init_ms: Option<Summary>,
    pub typical_overhead_us: Option<Summary>,
    pub maximal_overhead_us: Option<Summary>,
    pub typical_elapsed_us: Option<Summary>,
    pub maximal_elapsed_us: Option<Summary>,
    pub service_us: Option<Summary>,
    pub peak_rss_kib: Option<u64>,
    pub cold_peak_rss_kib: Option<u64>,
    pub rss_growth_kib: Option<i64>,
    pub rss_trace_kib: Vec<u64>,
    pub warm_init_ms: Option<f64>,
    pub zip_bytes: Option<u64>,
    pub binary_bytes: Option<u64>,
    pub typical_breakdown: Option<Breakdown>,
    pub maximal_breakdown: Option<Breakdown>,
    pub typical_cpu_us: Option<f64>,
    pub maximal_cpu_us: Option<f64>,
    /// Availability GETs answered from the cache: their time (no Connect call: all overhead) and CPU.
    pub availability_us: Option<Summary>,
    pub availability_cpu_us: Option<f64>,
    /// Measured invocations per kind in the warm run.
    pub warm_count: usize,
}

fn breakdown_json(breakdown: Option<Breakdown>) -> Value {
    breakdown.map_or(Value::Null, |b| {
        json!({
            "invocations": b.invocations,
            "runtime_and_harness_us_p50": round(b.runtime_us, 1),
            "handler_us_p50": round(b.handler_us, 1),
            "sdk_us_p50": round(b.sdk_us, 1),
        })
    })
}

fn ms(
    samples: &[ColdSample],
    pick: impl Fn(&ColdSample) -> std::time::Duration,
) -> Option<Summary> {
    let values: Vec<f64> = samples
        .iter()
        .map(|s| pick(s).as_secs_f64() * 1e3)
        .collect();
    Summary::of(&values)
}

fn us(samples: &[WarmSample], pick: impl Fn(&WarmSample) -> Option<f64>) -> Option<Summary> {
    let values: Vec<f64> = samples.iter().filter_map(pick).collect();
    Summary::of(&values)
}

impl Measured {
    pub fn figures(&self) -> Figures {
        let cold_peak = self
            .cold
            .iter()
            .chain(&self.cold_unwarmed)
            .filter_map(|s| s.hwm_kib)
            .max();
        let mut figures = Figures {
            init_ms: ms(&self.cold, |s| s.init),
            first_response_ms: ms(&self.cold, |s| s.first_response),
            first_response_unwarmed_ms: ms(&self.cold_unwarmed, |s| s.first_response),
            first_invoke_ms: ms(&self.cold, |s| s.first_response.saturating_sub(s.init)),
            first_invoke_unwarmed_ms: ms(&self.cold_unwarmed, |s| {
                s.first_response.saturating_sub(s.init)
            }),
            unwarmed_init_ms: ms(&self.cold_unwarmed, |s| s.init),
            cold_peak_rss_kib: cold_peak,
            peak_rss_kib: cold_peak,
            zip_bytes: self.zip_bytes,
            binary_bytes: self.binary_bytes,
            ..Figures::default()
        };
        if let Some(run) = &self.warm {
            let overhead = |s: &WarmSample| Some(s.overhead_us());
            let elapsed = |s: &WarmSample| Some(s.elapsed.as_secs_f64() * 1e6);
            let service = |s: &WarmSample| s.service.map(|d| d.as_secs_f64() * 1e6);
            figures.typical_overhead_us = us(&run.typical, overhead);
            figures.maximal_overhead_us = us(&run.maximal, overhead);
            figures.typical_elapsed_us = us(&run.typical, elapsed);
            figures.maximal_elapsed_us = us(&run.maximal, elapsed);
            let all: Vec<WarmSample> = run.typical.iter().chain(&run.maximal).copied().collect();
            figures.service_us = us(&all, service);
            figures.peak_rss_kib = figures.peak_rss_kib.max(Some(run.hwm_kib));
            figures.rss_growth_kib = Some(run.rss_end_kib as i64 - run.rss_after_warmup_kib as i64);
            figures.rss_trace_kib = run.rss_trace_kib.clone();
            figures.warm_init_ms = Some(run.init.as_secs_f64() * 1e3);
            figures.typical_breakdown = run.typical_breakdown;
            figures.typical_cpu_us = run.typical_cpu_us;
            figures.warm_count = run.typical.len();
            figures.maximal_cpu_us = run.maximal_cpu_us;
            figures.maximal_breakdown = run.maximal_breakdown;
            figures.availability_us = us(&run.availability, elapsed);
            figures.availability_cpu_us = run.availability_cpu_us;
        }
        figures
    }
}

pub fn p50(summary: Option<Summary>) -> Option<f64> {
    summary.map(|s| s.p50)
}

pub fn num(value: Option<f64>, decimals: i32) -> Value {
    value.map_or(Value::Null, |v| json!(round(v, decimals)))
}

fn summary_json(summary: Option<Summary>, decimals: i32) -> Value {
    summary.map_or(Value::Null, |s| s.to_json(decimals))
}

impl Figures {
    /// The keys the issue asks for, then the detail behind them.
    pub fn to_json(&self, rust: bool) -> Value {
        let mut object = Map::new();
        let mut put = |key: &str, value: Value| {
            object.insert(key.to_owned(), value);
        };
        put("init_ms_p50", num(p50(self.init_ms), 3));
        put("first_response_ms_p50", num(p50(self.first_response_ms), 3));
        put(
            "warm_overhead_us_p50",
            num(p50(self.typical_overhead_us), 1),
        );
        put(
            "warm_overhead_us_p99",
            num(self.typical_overhead_us.map(|s| s.p99), 1),
        );
        put(
            "warm_overhead_us_max",
            num(self.typical_overhead_us.map(|s| s.max), 1),
        );
        put(
            "warm_overhead_maximal_us_p50",
            num(p50(self.maximal_overhead_us), 1),
        );
        put(
            "warm_overhead_maximal_us_p99",
            num(self.maximal_overhead_us.map(|s| s.p99), 1),
        );
        put(
            "warm_overhead_maximal_us_max",
            num(self.maximal_overhead_us.map(|s| s.max), 1),
        );
        if self.availability_us.is_some() {
            put(
                "warm_availability_us_p50",
                num(p50(self.availability_us), 1),
            );
            put(
                "warm_availability_us_p99",
                num(self.availability_us.map(|s| s.p99), 1),
            );
        }
        put("peak_rss_mb", num(self.peak_rss_kib.map(mib), 2));
        put(
            "rss_growth_mb",
            num(self.rss_growth_kib.map(|k| k as f64 / 1024.0), 3),
        );
        if rust {
            put(
                "zip_bytes",
                self.zip_bytes.map_or(Value::Null, |b| json!(b)),
            );
            put(
                "binary_bytes",
                self.binary_bytes.map_or(Value::Null, |b| json!(b)),
            );
            put(
                "first_response_unwarmed_ms_p50",
                num(p50(self.first_response_unwarmed_ms), 3),
            );
        } else {
            put(
                "zip_bytes",
                self.zip_bytes.map_or(Value::Null, |b| json!(b)),
            );
        }
        put(
            "details",
            json!({
                "init_ms": summary_json(self.init_ms, 3),
                "first_response_ms": summary_json(self.first_response_ms, 3),
                "first_response_unwarmed_ms": summary_json(self.first_response_unwarmed_ms, 3),
                "first_invoke_ms": summary_json(self.first_invoke_ms, 3),
                "first_invoke_unwarmed_ms": summary_json(self.first_invoke_unwarmed_ms, 3),
                "init_unwarmed_ms": summary_json(self.unwarmed_init_ms, 3),
                "warm_overhead_typical_us": summary_json(self.typical_overhead_us, 1),
                "warm_overhead_maximal_us": summary_json(self.maximal_overhead_us, 1),
                "warm_elapsed_typical_us": summary_json(self.typical_elapsed_us, 1),
                "warm_elapsed_maximal_us": summary_json(self.maximal_elapsed_us, 1),
                "emulator_service_us": summary_json(self.service_us, 1),
                "cold_peak_rss_mb": num(self.cold_peak_rss_kib.map(mib), 2),
                "warm_process_init_ms": num(self.warm_init_ms, 3),
                "cpu_us_per_invocation_typical": num(self.typical_cpu_us, 1),
                "cpu_us_per_invocation_maximal": num(self.maximal_cpu_us, 1),
                "warm_availability_us": summary_json(self.availability_us, 1),
                "cpu_us_per_invocation_availability": num(self.availability_cpu_us, 1),
                "breakdown_typical": breakdown_json(self.typical_breakdown),
                "breakdown_maximal": breakdown_json(self.maximal_breakdown),
                "rss_trace_mb": self.rss_trace_kib.iter().map(|k| round(mib(*k), 3)).collect::<Vec<f64>>(),
            }),
        );
        Value::Object(object)
    }
}
