//! Figures, ratios and targets: `results.json` for machines, a Markdown table for people.

use crate::procfs::mib;
use crate::scenario::{Breakdown, ColdSample, WarmRun, WarmSample};
use crate::stats::{Summary, round};
use serde_json::{Map, Value, json};
use std::fmt::Write as _;

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
        }
        figures
    }
}

fn p50(summary: Option<Summary>) -> Option<f64> {
    summary.map(|s| s.p50)
}

fn num(value: Option<f64>, decimals: i32) -> Value {
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
                "breakdown_typical": breakdown_json(self.typical_breakdown),
                "breakdown_maximal": breakdown_json(self.maximal_breakdown),
                "rss_trace_mb": self.rss_trace_kib.iter().map(|k| round(mib(*k), 3)).collect::<Vec<f64>>(),
            }),
        );
        Value::Object(object)
    }
}

/// One target of the issue and whether this run met it.
#[derive(Debug, Clone)]
pub struct Verdict {
    pub name: &'static str,
    pub target: String,
    pub value: String,
    pub met: Option<bool>,
    pub margin: String,
}

impl Verdict {
    fn to_json(&self) -> Value {
        json!({
            "name": self.name,
            "target": self.target,
            "value": self.value,
            "met": self.met,
            "margin": self.margin,
        })
    }
}

const ZIP_LIMIT_BYTES: u64 = 3_000_000;
const RSS_LIMIT_BYTES: f64 = 16_000_000.0;
/// "Flat": less than this much RSS growth between the end of the warm-up and the end of the run.
pub const RSS_GROWTH_LIMIT_KIB: i64 = 512;

fn below(value: Option<f64>, limit: f64) -> Option<bool> {
    value.map(|v| v < limit)
}

fn margin(value: Option<f64>, limit: f64, unit: &str) -> String {
    match value {
        Some(v) if v < limit => format!("{:.1}% under", (1.0 - v / limit) * 100.0),
        Some(v) => format!(
            "missed by {:.3} {unit} ({:.1}% over)",
            v - limit,
            (v / limit - 1.0) * 100.0
        ),
        None => "not measured".into(),
    }
}

pub fn verdicts(rust: &Figures, node: &Figures) -> Vec<Verdict> {
    let mut out = Vec::new();
    let first = p50(rust.first_response_ms);
    let node_first = p50(node.first_response_ms);
    let ratio = first.zip(node_first).map(|(r, n)| n / r);
    out.push(Verdict {
        name: "cold start to first response vs Node",
        target: "<= 1/20 of Node's (ratio >= 20)".into(),
        value: ratio.map_or("n/a".into(), |r| format!("1/{r:.1} of Node's")),
        met: ratio.map(|r| r >= 20.0),
        margin: match ratio {
            Some(r) if r >= 20.0 => format!("{:.1}x the required lead", r / 20.0),
            Some(r) => format!("missed: ratio {r:.1} < 20"),
            None => "not measured".into(),
        },
    });
    out.push(Verdict {
        name: "cold start to first response",
        target: "< 20 ms".into(),
        value: first.map_or("n/a".into(), |v| format!("{v:.2} ms")),
        met: below(first, 20.0),
        margin: margin(first, 20.0, "ms"),
    });
    for (name, summary, pick, limit) in [
        (
            "warm overhead p50 (typical)",
            rust.typical_overhead_us,
            50,
            300.0,
        ),
        (
            "warm overhead p99 (typical)",
            rust.typical_overhead_us,
            99,
            1000.0,
        ),
        (
            "warm overhead p50 (maximal)",
            rust.maximal_overhead_us,
            50,
            300.0,
        ),
        (
            "warm overhead p99 (maximal)",
            rust.maximal_overhead_us,
            99,
            1000.0,
        ),
    ] {
        let value = summary.map(|s| if pick == 50 { s.p50 } else { s.p99 });
        out.push(Verdict {
            name,
            target: format!("< {limit:.0} µs"),
            value: value.map_or("n/a".into(), |v| format!("{v:.1} µs")),
            met: below(value, limit),
            margin: margin(value, limit, "µs"),
        });
    }
    let peak = rust.peak_rss_kib.map(|k| k as f64 * 1024.0);
    out.push(Verdict {
        name: "peak RSS",
        target: "< 16 MB (16,000,000 bytes)".into(),
        value: rust
            .peak_rss_kib
            .map_or("n/a".into(), |k| format!("{:.2} MiB", mib(k))),
        met: below(peak, RSS_LIMIT_BYTES),
        margin: margin(peak.map(|b| b / 1e6), RSS_LIMIT_BYTES / 1e6, "MB"),
    });
    out.push(Verdict {
        name: "RSS flat over the warm run",
        target: format!("growth < {RSS_GROWTH_LIMIT_KIB} KiB"),
        value: rust
            .rss_growth_kib
            .map_or("n/a".into(), |k| format!("{k} KiB")),
        met: rust.rss_growth_kib.map(|k| k < RSS_GROWTH_LIMIT_KIB),
        margin: rust
            .rss_growth_kib
            .map_or("not measured".into(), |k| format!("{k} KiB growth")),
    });
    let zip = rust.zip_bytes.map(|b| b as f64);
    out.push(Verdict {
        name: "zipped artefact",
        target: "< 3 MB (3,000,000 bytes)".into(),
        value: rust
            .zip_bytes
            .map_or("n/a".into(), |b| format!("{b} bytes")),
        met: below(zip, ZIP_LIMIT_BYTES as f64),
        margin: margin(zip.map(|b| b / 1e6), ZIP_LIMIT_BYTES as f64 / 1e6, "MB"),
    });
    out
}

pub fn results_json(
    meta: Value,
    rust: &Figures,
    node: &Figures,
    verdicts: &[Verdict],
    build: Value,
) -> Value {
    let ratio = |r: Option<f64>, n: Option<f64>| num(r.zip(n).map(|(r, n)| n / r), 2);
    let mut rust_json = rust.to_json(true);
    if let Value::Object(fields) = &mut rust_json {
        fields.insert("clean_release_build".into(), build);
    }
    json!({
        "meta": meta,
        "rust": rust_json,
        "node": node.to_json(false),
        "node_over_rust": {
            "init_ms_p50": ratio(p50(rust.init_ms), p50(node.init_ms)),
            "first_response_ms_p50": ratio(p50(rust.first_response_ms), p50(node.first_response_ms)),
            "warm_overhead_us_p50": ratio(p50(rust.typical_overhead_us), p50(node.typical_overhead_us)),
            "warm_overhead_us_p99": ratio(rust.typical_overhead_us.map(|s| s.p99), node.typical_overhead_us.map(|s| s.p99)),
            "warm_overhead_maximal_us_p50": ratio(p50(rust.maximal_overhead_us), p50(node.maximal_overhead_us)),
            "warm_overhead_maximal_us_p99": ratio(rust.maximal_overhead_us.map(|s| s.p99), node.maximal_overhead_us.map(|s| s.p99)),
            "peak_rss_mb": ratio(rust.peak_rss_kib.map(mib), node.peak_rss_kib.map(mib)),
        },
        "targets": verdicts.iter().map(Verdict::to_json).collect::<Vec<Value>>(),
    })
}

fn cell_ms(summary: Option<Summary>) -> String {
    summary.map_or("n/a".into(), |s| {
        format!(
            "{:.2} ms (IQR {:.2}, p10–p90 {:.2}–{:.2})",
            s.p50,
            s.iqr(),
            s.p10,
            s.p90
        )
    })
}

fn cell_us(value: Option<f64>) -> String {
    value.map_or("n/a".into(), |v| format!("{v:.0} µs"))
}

fn ratio_cell(rust: Option<f64>, node: Option<f64>) -> String {
    match (rust, node) {
        (Some(r), Some(n)) if r > 0.0 => format!("{:.1}×", n / r),
        _ => "n/a".into(),
    }
}

fn met(verdicts: &[Verdict], name: &str) -> String {
    verdicts
        .iter()
        .filter(|v| v.name.starts_with(name))
        .map(|v| match v.met {
            Some(true) => format!("✅ {}", v.target),
            Some(false) => format!("❌ {} ({})", v.target, v.margin),
            None => format!("– {}", v.target),
        })
        .collect::<Vec<String>>()
        .join("; ")
}

/// The table of `BENCHMARKS.md` and the README summary.
pub fn markdown(rust: &Figures, node: &Figures, verdicts: &[Verdict], build: &Value) -> String {
    let mut out = String::new();
    let mut row = |metric: &str, r: String, n: String, ratio: String, target: String| {
        let _ = writeln!(out, "| {metric} | {r} | {n} | {ratio} | {target} |");
    };
    row(
        "Metric",
        "Rust (`bootstrap`)".into(),
        "Node.js 20 baseline".into(),
        "Node ÷ Rust".into(),
        "Target (Rust)".into(),
    );
    row(
        "---",
        "---:".into(),
        "---:".into(),
        "---:".into(),
        "---".into(),
    );
    row(
        "Init: spawn → first `/next`, median",
        cell_ms(rust.init_ms),
        cell_ms(node.init_ms),
        ratio_cell(p50(rust.init_ms), p50(node.init_ms)),
        String::new(),
    );
    row(
        "Cold start: spawn → first StartChatContact response, median",
        cell_ms(rust.first_response_ms),
        cell_ms(node.first_response_ms),
        ratio_cell(p50(rust.first_response_ms), p50(node.first_response_ms)),
        format!(
            "{}; {}",
            met(verdicts, "cold start to first response vs Node"),
            met(verdicts, "cold start to first response")
                .split("; ")
                .last()
                .unwrap_or_default()
        ),
    );
    row(
        "… same, `WARM_CONNECTION=false`",
        cell_ms(rust.first_response_unwarmed_ms),
        "–".into(),
        String::new(),
        "(effect of the init warm-up)".into(),
    );
    row(
        "… first invocation alone (response − init): warm-up on / off",
        format!(
            "{} / {}",
            cell_ms(rust.first_invoke_ms),
            cell_ms(rust.first_invoke_unwarmed_ms)
        ),
        cell_ms(node.first_invoke_ms),
        String::new(),
        String::new(),
    );
    for (label, pick_r, pick_n, verdict) in [
        (
            "Warm overhead, typical request: p50",
            rust.typical_overhead_us.map(|s| s.p50),
            node.typical_overhead_us.map(|s| s.p50),
            met(verdicts, "warm overhead p50 (typical)"),
        ),
        (
            "Warm overhead, typical request: p99",
            rust.typical_overhead_us.map(|s| s.p99),
            node.typical_overhead_us.map(|s| s.p99),
            met(verdicts, "warm overhead p99 (typical)"),
        ),
        (
            "Warm overhead, typical request: max",
            rust.typical_overhead_us.map(|s| s.max),
            node.typical_overhead_us.map(|s| s.max),
            String::new(),
        ),
        (
            "Warm overhead, maximal request (32 KiB attributes): p50",
            rust.maximal_overhead_us.map(|s| s.p50),
            node.maximal_overhead_us.map(|s| s.p50),
            met(verdicts, "warm overhead p50 (maximal)"),
        ),
        (
            "Warm overhead, maximal request: p99",
            rust.maximal_overhead_us.map(|s| s.p99),
            node.maximal_overhead_us.map(|s| s.p99),
            met(verdicts, "warm overhead p99 (maximal)"),
        ),
        (
            "Warm overhead, maximal request: max",
            rust.maximal_overhead_us.map(|s| s.max),
            node.maximal_overhead_us.map(|s| s.max),
            String::new(),
        ),
    ] {
        row(
            label,
            cell_us(pick_r),
            cell_us(pick_n),
            ratio_cell(pick_r, pick_n),
            verdict,
        );
    }
    let cpu = |v: Option<f64>| v.map_or("n/a".into(), |v| format!("{v:.0} µs"));
    row(
        "CPU time per warm invocation (all threads): typical / maximal",
        format!(
            "{} / {}",
            cpu(rust.typical_cpu_us),
            cpu(rust.maximal_cpu_us)
        ),
        format!(
            "{} / {}",
            cpu(node.typical_cpu_us),
            cpu(node.maximal_cpu_us)
        ),
        ratio_cell(rust.typical_cpu_us, node.typical_cpu_us),
        "(what a fractional Lambda vCPU stretches)".into(),
    );
    let mib_cell = |kib: Option<u64>| kib.map_or("n/a".into(), |k| format!("{:.2} MiB", mib(k)));
    row(
        "Peak RSS (VmHWM), whole run",
        mib_cell(rust.peak_rss_kib),
        mib_cell(node.peak_rss_kib),
        ratio_cell(rust.peak_rss_kib.map(mib), node.peak_rss_kib.map(mib)),
        met(verdicts, "peak RSS"),
    );
    let growth =
        |kib: Option<i64>| kib.map_or("n/a".into(), |k| format!("{:+.2} MiB", k as f64 / 1024.0));
    let count = rust.warm_count.max(node.warm_count);
    row(
        &format!("RSS growth: after warm-up → after {count} typical + {count} maximal"),
        growth(rust.rss_growth_kib),
        growth(node.rss_growth_kib),
        String::new(),
        met(verdicts, "RSS flat"),
    );
    let bytes = |b: Option<u64>| {
        b.map_or("n/a".into(), |b| {
            format!("{b} B ({:.2} MiB)", b as f64 / 1048576.0)
        })
    };
    row(
        "Deployment zip",
        bytes(rust.zip_bytes),
        bytes(node.zip_bytes),
        ratio_cell(
            rust.zip_bytes.map(|b| b as f64),
            node.zip_bytes.map(|b| b as f64),
        ),
        met(verdicts, "zipped artefact"),
    );
    let build_cell = match build.get("seconds").and_then(Value::as_f64) {
        Some(seconds) => format!(
            "{:.0} s ({}, {})",
            seconds,
            build
                .get("method")
                .and_then(Value::as_str)
                .unwrap_or("clean build"),
            build
                .get("date")
                .and_then(Value::as_str)
                .unwrap_or("undated")
        ),
        None => "not measured in this run (`make bench-build-time`)".into(),
    };
    row(
        "Clean release build",
        build_cell,
        "– (no build step)".into(),
        String::new(),
        String::new(),
    );
    out
}

/// Rows for the calibration function: the floor of the warm overhead on this machine, and how far above
/// it the function is.
pub fn floor_rows(floor: &Figures, rust: &Figures) -> String {
    let mut out = String::new();
    for (label, floor_summary, rust_summary) in [
        (
            "typical",
            floor.typical_overhead_us,
            rust.typical_overhead_us,
        ),
        (
            "maximal",
            floor.maximal_overhead_us,
            rust.maximal_overhead_us,
        ),
    ] {
        let (Some(f), Some(r)) = (floor_summary, rust_summary) else {
            continue;
        };
        let _ = writeln!(
            out,
            "| Floor (`floor-lambda`: runtime loop + one loopback HTTP exchange), {label}: p50 / p99 | {:.0} µs / {:.0} µs | | | the function adds {:.0} µs at p50 |",
            f.p50,
            f.p99,
            r.p50 - f.p50
        );
    }
    out
}

/// Cold starts against the HTTPS front: the effect of the init warm-up when there is a handshake to save.
pub fn tls_rows(rust: &Figures, node: &Figures) -> String {
    let mut out = String::new();
    let mut row = |metric: &str, r: String, n: String, ratio: String, note: &str| {
        let _ = writeln!(out, "| {metric} | {r} | {n} | {ratio} | {note} |");
    };
    row(
        "Over HTTPS (TLS front, `localhost`): cold start to first response, median",
        cell_ms(rust.first_response_ms),
        cell_ms(node.first_response_ms),
        ratio_cell(p50(rust.first_response_ms), p50(node.first_response_ms)),
        "",
    );
    row(
        "… over HTTPS, `WARM_CONNECTION=false`",
        cell_ms(rust.first_response_unwarmed_ms),
        "–".into(),
        String::new(),
        "(effect of the init warm-up)",
    );
    row(
        "… over HTTPS: init (spawn → first `/next`), median",
        cell_ms(rust.init_ms),
        cell_ms(node.init_ms),
        ratio_cell(p50(rust.init_ms), p50(node.init_ms)),
        "",
    );
    row(
        "… over HTTPS: first invocation alone (response − init), median: warm-up on / off",
        format!(
            "{} / {}",
            cell_ms(rust.first_invoke_ms),
            cell_ms(rust.first_invoke_unwarmed_ms)
        ),
        cell_ms(node.first_invoke_ms),
        String::new(),
        "what the warm-up takes off the first request",
    );
    out
}

/// `--compare`: the same figures for `--rust` (A) and the candidate (B), measured interleaved.
pub fn comparison(a: &Figures, b: &Figures) -> String {
    let mut out = String::from(
        "\n| Comparison (interleaved) | A: --rust | B: --compare | B − A |\n| --- | ---: | ---: | ---: |\n",
    );
    let pick = |f: &Figures| {
        [
            ("first response p50 (ms)", p50(f.first_response_ms)),
            ("warm typical p50 (µs)", p50(f.typical_overhead_us)),
            (
                "warm typical p99 (µs)",
                f.typical_overhead_us.map(|s| s.p99),
            ),
            ("warm maximal p50 (µs)", p50(f.maximal_overhead_us)),
            (
                "warm maximal p99 (µs)",
                f.maximal_overhead_us.map(|s| s.p99),
            ),
            ("CPU per typical invocation (µs)", f.typical_cpu_us),
            ("CPU per maximal invocation (µs)", f.maximal_cpu_us),
            ("peak RSS (MiB)", f.peak_rss_kib.map(mib)),
        ]
    };
    for ((label, x), (_, y)) in pick(a).into_iter().zip(pick(b)) {
        let cell = |v: Option<f64>| v.map_or("n/a".into(), |v| format!("{v:.2}"));
        let delta = x
            .zip(y)
            .map_or("n/a".into(), |(x, y)| format!("{:+.2}", y - x));
        let _ = writeln!(out, "| {label} | {} | {} | {delta} |", cell(x), cell(y));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn cold(ms: u64) -> ColdSample {
        ColdSample {
            init: Duration::from_millis(ms / 2),
            first_response: Duration::from_millis(ms),
            hwm_kib: Some(10_000),
        }
    }

    #[test]
    fn verdicts_follow_the_targets() {
        let rust = Measured {
            cold: vec![cold(8), cold(9), cold(10)],
            zip_bytes: Some(2_500_000),
            ..Measured::default()
        }
        .figures();
        let node = Measured {
            cold: vec![cold(300), cold(330), cold(360)],
            ..Measured::default()
        }
        .figures();
        let verdicts = verdicts(&rust, &node);
        let find = |name: &str| verdicts.iter().find(|v| v.name == name).and_then(|v| v.met);
        assert_eq!(find("cold start to first response vs Node"), Some(true));
        assert_eq!(find("cold start to first response"), Some(true));
        assert_eq!(find("zipped artefact"), Some(true));
        assert_eq!(find("peak RSS"), Some(true));
        assert_eq!(find("warm overhead p50 (typical)"), None);
        let json = results_json(json!({}), &rust, &node, &verdicts, Value::Null);
        assert_eq!(json["rust"]["first_response_ms_p50"], 9.0);
        assert_eq!(json["node_over_rust"]["first_response_ms_p50"], 36.67);
        assert!(markdown(&rust, &node, &verdicts, &Value::Null).contains("| Deployment zip |"));
    }
}
