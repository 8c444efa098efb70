//! `results.json` and `results.md` for the full-CPU measurements.

use super::FullCpu;
use super::figures::{Figures, Measured, num, p50};
use super::tables;
use super::targets::{self, Verdict};
use crate::cli::BenchArgs;
use crate::procfs::mib;
use crate::variant::PerVariant;
use serde_json::{Value, json};
use std::path::PathBuf;

/// What the full-CPU measurements come to: `results.json`'s keys (with `meta`), the Markdown table and
/// the targets.
pub struct FullCpuReport {
    pub results: Value,
    pub table: String,
    pub verdicts: Vec<Verdict>,
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

fn file_size(path: Option<&PathBuf>) -> Result<Option<u64>, String> {
    path.map(|p| {
        std::fs::metadata(p)
            .map(|m| m.len())
            .map_err(|e| format!("{}: {e}", p.display()))
    })
    .transpose()
}

/// `results.json` and the table for the full-CPU measurements.
pub fn report(
    args: &BenchArgs,
    mut meta: Value,
    full: FullCpu,
    build: Value,
) -> Result<FullCpuReport, String> {
    let FullCpu { cold, warm, floor } = full;
    let PerVariant { http, https } = cold;
    meta["settings"]["emulator_service_time_subtracted"] = json!(
        warm.rust
            .as_ref()
            .is_some_and(|run| run.typical.iter().all(|s| s.service.is_some()))
    );
    let rust = Measured {
        cold: http.rust,
        cold_unwarmed: http.rust_unwarmed,
        warm: warm.rust,
        zip_bytes: file_size(args.zip.as_ref())?,
        binary_bytes: file_size(Some(&args.rust))?,
    }
    .figures();
    let node = Measured {
        cold: http.node,
        warm: warm.node,
        zip_bytes: file_size(args.node_zip.as_ref())?,
        ..Measured::default()
    }
    .figures();
    let floor = floor.map(|run| {
        Measured {
            warm: Some(run),
            ..Measured::default()
        }
        .figures()
    });
    let verdicts = targets::verdicts(&rust, &node, floor.as_ref());
    let mut results = results_json(meta, &rust, &node, &verdicts, build.clone());
    let mut table = tables::markdown(&rust, &node, &verdicts, &build);
    if let Some(floor) = &floor {
        results["floor"] = floor.to_json(false);
        table.push_str(&tables::floor_rows(floor, &rust));
    }
    table.push_str(&tables::availability_rows(&rust, floor.as_ref(), &verdicts));
    let rust_tls = Measured {
        cold: https.rust,
        cold_unwarmed: https.rust_unwarmed,
        ..Measured::default()
    }
    .figures();
    let node_tls = Measured {
        cold: https.node,
        ..Measured::default()
    }
    .figures();
    results["tls_cold_start"] = json!({
        "rust": rust_tls.to_json(true)["details"].clone(),
        "node": node_tls.to_json(false)["details"].clone(),
    });
    table.push_str(&tables::tls_rows(&rust_tls, &node_tls));
    if args.compare.is_some() {
        let candidate = Measured {
            cold: http.candidate,
            warm: warm.candidate,
            ..Measured::default()
        }
        .figures();
        results["candidate"] = candidate.to_json(false);
        table.push_str(&tables::comparison(&rust, &candidate));
    }
    Ok(FullCpuReport {
        results,
        table,
        verdicts,
    })
}
