//! For people: the full-CPU table (`results.md`, the run record, BENCHMARKS.md), the floor, HTTPS and
//! `--compare` rows.

use super::figures::{Figures, p50};
use super::targets::Verdict;
use crate::procfs::mib;
use crate::stats::Summary;
use serde_json::Value;
use std::fmt::Write as _;

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

/// The availability GET answered from the cache, next to the floor and the warm POST (issue 17).
pub fn availability_rows(rust: &Figures, floor: Option<&Figures>, verdicts: &[Verdict]) -> String {
    let Some(get) = rust.availability_us else {
        return String::new();
    };
    let cpu = |v: Option<f64>| v.map_or("n/a".into(), |v| format!("{v:.0} µs"));
    let mut out = String::new();
    let _ = writeln!(
        out,
        "| Warm availability GET answered from the cache: p50 / p99 | {} / {} | – | | |",
        cell_us(Some(get.p50)),
        cell_us(Some(get.p99))
    );
    let _ = writeln!(
        out,
        "| CPU per warm invocation: floor / typical POST / cached GET | {} / {} / {} | – | | {} |",
        cpu(floor.and_then(|f| f.typical_cpu_us)),
        cpu(rust.typical_cpu_us),
        cpu(rust.availability_cpu_us),
        met(verdicts, "cached availability GET CPU")
    );
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
