//! The project's targets at full CPU, and whether a run met them.

use super::figures::{Figures, p50};
use crate::availability::{CACHED_GET_CPU_LIMIT, cached_get_ratio};
use crate::procfs::mib;
use serde_json::{Value, json};

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
    pub fn to_json(&self) -> Value {
        json!({
            "name": self.name,
            "target": self.target,
            "value": self.value,
            "met": self.met,
            "margin": self.margin,
        })
    }
}

/// The zipped artefact's budget: "3 MB" (mk/bench.mk checks the same number).
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

/// The cached GET's CPU against the floor's (`--floor`), both per warm invocation.
fn cached_get(rust: &Figures, floor: Option<&Figures>) -> Verdict {
    let get = rust.availability_cpu_us;
    let floor_cpu = floor.and_then(|floor| floor.typical_cpu_us);
    let ratio = cached_get_ratio(get, floor_cpu);
    Verdict {
        name: "cached availability GET CPU vs the floor",
        target: format!("<= {CACHED_GET_CPU_LIMIT}x the floor's CPU per invocation"),
        value: match (get, floor_cpu, ratio) {
            (Some(get), Some(floor), Some(ratio)) => {
                format!("{get:.1} µs = {ratio:.2}x the floor's {floor:.1} µs")
            }
            _ => "n/a".into(),
        },
        met: ratio.map(|r| r <= CACHED_GET_CPU_LIMIT),
        margin: match ratio {
            Some(r) if r <= CACHED_GET_CPU_LIMIT => {
                format!("{:.1}% under", (1.0 - r / CACHED_GET_CPU_LIMIT) * 100.0)
            }
            Some(r) => format!("missed: {r:.2}x > {CACHED_GET_CPU_LIMIT}x"),
            None => "not measured (needs --floor and the GET)".into(),
        },
    }
}

pub fn verdicts(rust: &Figures, node: &Figures, floor: Option<&Figures>) -> Vec<Verdict> {
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
    out.push(cached_get(rust, floor));
    out
}
