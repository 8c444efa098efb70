//! For people: the table of the memory sizes and the targets at 128 MB.

use super::figures::{WarmFigures, p50, p99};
use super::{AtMemory, COLD_RUNTIMES};
use crate::availability::{CACHED_GET_CPU_LIMIT, cached_get_ratio};
use crate::stats::Summary;
use crate::variant::{Runtime, Transport, Variant};
use serde_json::{Value, json};
use std::fmt::Write as _;

fn ms(summary: Option<Summary>) -> String {
    summary.map_or("–".into(), |s| format!("{:.2} ms", s.p50))
}

fn us_pair(summary: Option<Summary>) -> String {
    summary.map_or("–".into(), |s| format!("{} / {}", us(s.p50), us(s.p99)))
}

fn us(value: f64) -> String {
    if value >= 10_000.0 {
        format!("{:.1} ms", value / 1e3)
    } else {
        format!("{value:.0} µs")
    }
}

/// The table of `BENCHMARKS.md`: one row per memory size, runtime and transport.
pub fn markdown(results: &[AtMemory]) -> String {
    let mut out = String::from(
        "\n| Memory (CPU share) | Function | Cold start → first response: init unthrottled / held | First invocation alone: unthrottled / held | First invocation CPU | Warm typical p50 / p99 (paced) | Warm maximal p50 / p99 (paced) | Typical back-to-back p50 / p99 |\n| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n",
    );
    for result in results {
        for transport in Transport::ALL {
            for runtime in COLD_RUNTIMES {
                let variant = Variant::new(runtime, transport);
                if !result.has(variant) {
                    continue;
                }
                let figures = result.figures(variant);
                let warm = figures.warm.unwrap_or_default();
                let name = match transport {
                    Transport::Http => runtime.key().to_owned(),
                    Transport::Https => format!("{}, HTTPS", runtime.key()),
                };
                let _ = writeln!(
                    out,
                    "| {} MB ({:.1} %) | {name} | {} / {} | {} / {} | {} | {} | {} | {} |",
                    result.memory_mb,
                    result.quota.as_secs_f64() / result.period.as_secs_f64() * 100.0,
                    ms(figures.unthrottled.first_response_ms),
                    ms(figures.held.first_response_ms),
                    ms(figures.unthrottled.first_invocation_ms),
                    ms(figures.held.first_invocation_ms),
                    figures
                        .unthrottled
                        .first_invocation_cpu_us
                        .map_or("–".into(), |s| us(s.p50)),
                    us_pair(warm.typical_us),
                    us_pair(warm.maximal_us),
                    us_pair(warm.back_to_back_us),
                );
            }
        }
    }
    out
}

/// The availability GET answered from the cache next to the floor and the warm POST, per memory size
/// (issue 17): paced invocations, plain HTTP.
pub fn availability_markdown(results: &[AtMemory]) -> String {
    let mut out = String::from(
        "\n| Memory (CPU share) | Floor: CPU, p50 / p99 | Typical POST: CPU, p50 / p99 | Cached GET: CPU, p50 / p99 | GET CPU ÷ floor CPU |\n| --- | ---: | ---: | ---: | ---: |\n",
    );
    let cpu = |v: Option<f64>| v.map_or("–".into(), us);
    for result in results {
        let rust = result
            .figures(Variant::new(Runtime::Rust, Transport::Http))
            .warm
            .unwrap_or_default();
        if rust.availability_us.is_none() {
            continue;
        }
        let floor = result
            .floor
            .as_ref()
            .map(WarmFigures::of)
            .unwrap_or_default();
        let ratio = cached_get_ratio(rust.availability_cpu_us, floor.typical_cpu_us);
        let _ = writeln!(
            out,
            "| {} MB ({:.1} %) | {}, {} | {}, {} | {}, {} | {} |",
            result.memory_mb,
            result.quota.as_secs_f64() / result.period.as_secs_f64() * 100.0,
            cpu(floor.typical_cpu_us),
            us_pair(floor.typical_us),
            cpu(rust.typical_cpu_us),
            us_pair(rust.typical_us),
            cpu(rust.availability_cpu_us),
            us_pair(rust.availability_us),
            ratio.map_or("–".into(), |r| format!("{r:.2}×")),
        );
    }
    out
}

/// A target of issue 13 and whether this run met it.
#[derive(Debug, Clone)]
pub struct MemoryVerdict {
    pub name: String,
    pub target: String,
    pub value: String,
    pub met: Option<bool>,
}

impl MemoryVerdict {
    pub fn to_json(&self) -> Value {
        json!({"name": self.name, "target": self.target, "value": self.value, "met": self.met})
    }
}

/// The 128 MB targets, with init unthrottled, over each transport.
pub fn verdicts(results: &[AtMemory]) -> Vec<MemoryVerdict> {
    let Some(result) = results.iter().find(|r| r.memory_mb == 128) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for transport in Transport::ALL {
        let suffix = match transport {
            Transport::Http => "HTTP",
            Transport::Https => "HTTPS",
        };
        let rust = result.figures(Variant::new(Runtime::Rust, transport));
        let node = result.figures(Variant::new(Runtime::Node, transport));
        let first = p50(rust.unthrottled.first_invocation_ms);
        out.push(MemoryVerdict {
            name: format!("128 MB: first invocation after init, p50 ({suffix})"),
            target: "< 10 ms".into(),
            value: first.map_or("n/a".into(), |v| format!("{v:.2} ms")),
            met: first.map(|v| v < 10.0),
        });
        let ratio = p50(rust.unthrottled.first_response_ms)
            .zip(p50(node.unthrottled.first_response_ms))
            .map(|(r, n)| n / r);
        out.push(MemoryVerdict {
            name: format!("128 MB: cold start to first response vs Node ({suffix})"),
            target: "<= 1/25 of Node's".into(),
            value: ratio.map_or("n/a".into(), |r| format!("1/{r:.1} of Node's")),
            met: ratio.map(|r| r >= 25.0),
        });
        let warm = rust.warm.and_then(|w| p99(w.typical_us));
        out.push(MemoryVerdict {
            name: format!("128 MB: warm typical p99 ({suffix})"),
            target: "< 5 ms".into(),
            value: warm.map_or("n/a".into(), |v| format!("{v:.0} µs")),
            met: warm.map(|v| v < 5_000.0),
        });
    }
    let get = result
        .figures(Variant::new(Runtime::Rust, Transport::Http))
        .warm
        .and_then(|warm| warm.availability_cpu_us);
    let floor = result
        .floor
        .as_ref()
        .and_then(|floor| WarmFigures::of(floor).typical_cpu_us);
    let ratio = cached_get_ratio(get, floor);
    out.push(MemoryVerdict {
        name: "128 MB: cached availability GET CPU vs the floor (paced)".into(),
        target: format!("<= {CACHED_GET_CPU_LIMIT}x the floor's CPU per invocation"),
        value: ratio.map_or("n/a".into(), |r| format!("{r:.2}x the floor's")),
        met: ratio.map(|r| r <= CACHED_GET_CPU_LIMIT),
    });
    out
}
