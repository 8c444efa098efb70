//! The functions at Lambda memory sizes: each runs under its memory's share of a CPU ([`CpuShare`]),
//! Rust and Node.js side by side in one run, over HTTP and HTTPS, with init unthrottled and held.
//!
//! - Cold starts: a fresh process per sample, interleaved round by round over every memory size, variant
//!   and init mode. The process polls `/next` (end of init), is given the typical event, and answers;
//!   cold start → first response is init plus that first invocation.
//! - Warm: one process per memory size and variant, under the share from its first `/next`. Paced
//!   invocations arrive after an idle gap longer than the CFS period, so each starts with a whole quota,
//!   as the requests of a function that is not saturated do; back-to-back invocations show the
//!   saturated case, where the share itself sets the pace.

use crate::cpu_share::{CpuShare, InitMode, Throttling};
use crate::procfs;
use crate::scenario::{Driver, Function, RequestKind, WarmSample, finish, spawn, until_ready};
use crate::stats::{Summary, round};
use crate::variant::{Functions, PerVariant, Runtime, Transport, Variant};
use serde_json::{Map, Value, json};
use std::fmt::Write as _;
use std::time::Duration;

/// What `--memory` asks for.
#[derive(Debug, Clone)]
pub struct MemoryPlan {
    pub memories_mb: Vec<u32>,
    pub period: Duration,
    pub cold_rounds: usize,
    pub warmup: usize,
    pub warm_count: usize,
    pub init_modes: Vec<InitMode>,
}

impl MemoryPlan {
    /// The idle time before a paced invocation: longer than a period, so a refill has happened.
    pub fn gap(&self) -> Duration {
        self.period + Duration::from_millis(2)
    }
}

/// One cold start under a share.
#[derive(Debug, Clone, Copy)]
pub struct SharedColdSample {
    /// Spawn to the first `/next`.
    pub init: Duration,
    /// Spawn to the answer of the first invocation: init plus the first invocation.
    pub first_response: Duration,
    /// The first invocation alone: event handed over to answer received.
    pub first_invocation: Duration,
    /// The function's CPU time during the first invocation (all threads).
    pub first_invocation_cpu: Option<Duration>,
    /// The group's throttling during the first invocation.
    pub first_invocation_throttling: Throttling,
}

/// One long-lived process under a share.
#[derive(Debug, Clone, Default)]
pub struct SharedWarmRun {
    pub paced_typical: Vec<WarmSample>,
    pub paced_maximal: Vec<WarmSample>,
    pub back_to_back_typical: Vec<WarmSample>,
    /// CPU time per paced typical invocation, µs.
    pub typical_cpu_us: Option<f64>,
    /// Periods throttled during the paced typical invocations.
    pub typical_throttling: Throttling,
}

/// Cold-start samples of one variant, per init mode.
#[derive(Debug, Clone, Default)]
pub struct ColdByMode {
    pub unthrottled: Vec<SharedColdSample>,
    pub held: Vec<SharedColdSample>,
}

impl ColdByMode {
    fn get_mut(&mut self, mode: InitMode) -> &mut Vec<SharedColdSample> {
        match mode {
            InitMode::Unthrottled => &mut self.unthrottled,
            InitMode::Held => &mut self.held,
        }
    }

    fn get(&self, mode: InitMode) -> &[SharedColdSample] {
        match mode {
            InitMode::Unthrottled => &self.unthrottled,
            InitMode::Held => &self.held,
        }
    }
}

/// Everything measured at one memory size.
#[derive(Debug)]
pub struct AtMemory {
    pub memory_mb: u32,
    pub quota: Duration,
    pub period: Duration,
    pub cold: PerVariant<ColdByMode>,
    pub warm: PerVariant<Option<SharedWarmRun>>,
}

/// The runtimes measured cold (the unwarmed Rust shows what the init warm-up saves at a share).
const COLD_RUNTIMES: [Runtime; 4] = [
    Runtime::Rust,
    Runtime::RustUnwarmed,
    Runtime::Candidate,
    Runtime::Node,
];
/// The runtimes measured warm (the warm-up changes nothing once a process is warm).
const WARM_RUNTIMES: [Runtime; 3] = [Runtime::Rust, Runtime::Candidate, Runtime::Node];

/// Runs the plan. The groups are removed before this returns, whether it succeeds or not.
pub async fn measure(
    driver: &mut Driver,
    functions: &Functions,
    plan: &MemoryPlan,
) -> Result<Vec<AtMemory>, String> {
    let shares = plan
        .memories_mb
        .iter()
        .map(|&memory_mb| CpuShare::create(memory_mb, plan.period))
        .collect::<Result<Vec<CpuShare>, String>>()?;
    let mut results: Vec<AtMemory> = shares
        .iter()
        .map(|share| AtMemory {
            memory_mb: share.memory_mb,
            quota: share.quota,
            period: share.period,
            cold: PerVariant::default(),
            warm: PerVariant::default(),
        })
        .collect();
    for share in &shares {
        progress(&format!(
            "  {} MB: cfs quota {} µs per {} µs period ({:.1} % of a CPU)",
            share.memory_mb,
            share.quota.as_micros(),
            share.period.as_micros(),
            share.fraction() * 100.0
        ));
    }
    measure_cold(driver, functions, plan, &shares, &mut results).await?;
    measure_warm(driver, functions, plan, &shares, &mut results).await?;
    Ok(results)
}

fn progress(message: &str) {
    eprintln!("[bench] {message}");
}

async fn measure_cold(
    driver: &mut Driver,
    functions: &Functions,
    plan: &MemoryPlan,
    shares: &[CpuShare],
    results: &mut [AtMemory],
) -> Result<(), String> {
    let variants = functions.variants(&COLD_RUNTIMES);
    progress(&format!(
        "cold starts at {} memory sizes: {} rounds of {} variants × {} init modes (after 1 discarded round)",
        shares.len(),
        plan.cold_rounds,
        variants.len(),
        plan.init_modes.len()
    ));
    for round in 0..=plan.cold_rounds {
        for (share, result) in shares.iter().zip(results.iter_mut()) {
            for &variant in &variants {
                for &mode in &plan.init_modes {
                    let function = functions.function(variant)?;
                    let sample = cold_start(driver, function, share, mode).await?;
                    if round > 0 {
                        result.cold.get_mut(variant).get_mut(mode).push(sample);
                    }
                }
            }
        }
        if round % 5 == 0 {
            progress(&format!("  {round} rounds"));
        }
    }
    Ok(())
}

async fn measure_warm(
    driver: &mut Driver,
    functions: &Functions,
    plan: &MemoryPlan,
    shares: &[CpuShare],
    results: &mut [AtMemory],
) -> Result<(), String> {
    let variants = functions.variants(&WARM_RUNTIMES);
    for (share, result) in shares.iter().zip(results.iter_mut()) {
        for &variant in &variants {
            progress(&format!(
                "warm at {} MB: {variant:?}, {} + {} warm-up, {} paced typical + {} paced maximal + {} back-to-back",
                share.memory_mb,
                plan.warmup,
                plan.warmup,
                plan.warm_count,
                plan.warm_count,
                plan.warm_count
            ));
            let function = functions.function(variant)?;
            let run = warm_run(driver, function, share, plan).await?;
            *result.warm.get_mut(variant) = Some(run);
        }
    }
    Ok(())
}

/// A fresh process: init (at full speed or held to the share), then the typical event.
async fn cold_start(
    driver: &mut Driver,
    function: &Function,
    share: &CpuShare,
    mode: InitMode,
) -> Result<SharedColdSample, String> {
    match mode {
        InitMode::Unthrottled => share.unthrottle()?,
        InitMode::Held => share.throttle()?,
    }
    let mut process = share.fork_inside(spawn(function)).await??;
    if mode == InitMode::Held {
        share.throttle()?;
    }
    let outcome = async {
        let (init, pid) = until_ready(&mut process).await?;
        if mode == InitMode::Unthrottled {
            share.throttle()?;
        }
        let throttling = share.throttling();
        let cpu_before = procfs::cpu_time_ns(pid);
        let (sample, _) = driver
            .invoke_kind(&mut process, RequestKind::Typical)
            .await?;
        let cpu = cpu_before
            .zip(procfs::cpu_time_ns(pid))
            .map(|(before, after)| Duration::from_nanos(after.saturating_sub(before)));
        Ok(SharedColdSample {
            init,
            // Without the harness's reaction between the first `/next` and the event: in Lambda the
            // event that caused the cold start is already waiting.
            first_response: init + sample.elapsed,
            first_invocation: sample.elapsed,
            first_invocation_cpu: cpu,
            first_invocation_throttling: share.throttling().since(throttling),
        })
    }
    .await;
    finish(process, outcome, function).await
}

/// One process under the share from its first `/next`: warm-up, paced typical and maximal
/// invocations, then back-to-back typical ones.
async fn warm_run(
    driver: &mut Driver,
    function: &Function,
    share: &CpuShare,
    plan: &MemoryPlan,
) -> Result<SharedWarmRun, String> {
    share.unthrottle()?;
    let mut process = share.fork_inside(spawn(function)).await??;
    process.keep_output_lines(16);
    let outcome = async {
        let (_, pid) = until_ready(&mut process).await?;
        share.throttle()?;
        for round in 0..plan.warmup * 2 {
            let kind = if round % 2 == 0 {
                RequestKind::Typical
            } else {
                RequestKind::Maximal
            };
            driver.invoke_kind(&mut process, kind).await?;
        }
        let mut run = SharedWarmRun::default();
        for kind in [RequestKind::Typical, RequestKind::Maximal] {
            let cpu_before = procfs::cpu_time_ns(pid);
            let throttling = share.throttling();
            let mut samples = Vec::with_capacity(plan.warm_count);
            for _ in 0..plan.warm_count {
                tokio::time::sleep(plan.gap()).await;
                samples.push(driver.invoke_kind(&mut process, kind).await?.0);
            }
            match kind {
                RequestKind::Typical => {
                    run.typical_cpu_us =
                        cpu_before
                            .zip(procfs::cpu_time_ns(pid))
                            .map(|(before, after)| {
                                after.saturating_sub(before) as f64
                                    / 1e3
                                    / plan.warm_count.max(1) as f64
                            });
                    run.typical_throttling = share.throttling().since(throttling);
                    run.paced_typical = samples;
                }
                RequestKind::Maximal => run.paced_maximal = samples,
            }
        }
        tokio::time::sleep(plan.gap()).await;
        for _ in 0..plan.warm_count {
            let (sample, _) = driver
                .invoke_kind(&mut process, RequestKind::Typical)
                .await?;
            run.back_to_back_typical.push(sample);
        }
        Ok(run)
    }
    .await;
    finish(process, outcome, function).await
}

// ---- Figures ----

fn ms_summary(
    samples: &[SharedColdSample],
    pick: impl Fn(&SharedColdSample) -> Duration,
) -> Option<Summary> {
    let values: Vec<f64> = samples
        .iter()
        .map(|s| pick(s).as_secs_f64() * 1e3)
        .collect();
    Summary::of(&values)
}

fn overhead_summary(samples: &[WarmSample]) -> Option<Summary> {
    let values: Vec<f64> = samples.iter().map(WarmSample::overhead_us).collect();
    Summary::of(&values)
}

fn num(value: Option<f64>, decimals: i32) -> Value {
    value.map_or(Value::Null, |v| json!(round(v, decimals)))
}

fn p50(summary: Option<Summary>) -> Option<f64> {
    summary.map(|s| s.p50)
}

fn p99(summary: Option<Summary>) -> Option<f64> {
    summary.map(|s| s.p99)
}

/// The cold figures of one variant in one init mode.
#[derive(Debug, Clone, Copy, Default)]
pub struct ColdFigures {
    pub init_ms: Option<Summary>,
    pub first_response_ms: Option<Summary>,
    pub first_invocation_ms: Option<Summary>,
    pub first_invocation_cpu_us: Option<Summary>,
    pub throttled_periods: Option<Summary>,
}

impl ColdFigures {
    fn of(samples: &[SharedColdSample]) -> Self {
        let cpu: Vec<f64> = samples
            .iter()
            .filter_map(|s| s.first_invocation_cpu)
            .map(|d| d.as_secs_f64() * 1e6)
            .collect();
        let throttled: Vec<f64> = samples
            .iter()
            .map(|s| s.first_invocation_throttling.throttled_periods as f64)
            .collect();
        Self {
            init_ms: ms_summary(samples, |s| s.init),
            first_response_ms: ms_summary(samples, |s| s.first_response),
            first_invocation_ms: ms_summary(samples, |s| s.first_invocation),
            first_invocation_cpu_us: Summary::of(&cpu),
            throttled_periods: Summary::of(&throttled),
        }
    }

    fn to_json(self) -> Value {
        json!({
            "init_ms_p50": num(p50(self.init_ms), 3),
            "first_response_ms_p50": num(p50(self.first_response_ms), 3),
            "first_invocation_ms_p50": num(p50(self.first_invocation_ms), 3),
            "first_invocation_cpu_us_p50": num(p50(self.first_invocation_cpu_us), 1),
            "first_invocation_throttled_periods_p50": num(p50(self.throttled_periods), 1),
            "details": {
                "init_ms": self.init_ms.map_or(Value::Null, |s| s.to_json(3)),
                "first_response_ms": self.first_response_ms.map_or(Value::Null, |s| s.to_json(3)),
                "first_invocation_ms": self.first_invocation_ms.map_or(Value::Null, |s| s.to_json(3)),
                "first_invocation_cpu_us": self.first_invocation_cpu_us.map_or(Value::Null, |s| s.to_json(1)),
            },
        })
    }
}

/// The warm figures of one variant.
#[derive(Debug, Clone, Copy, Default)]
pub struct WarmFigures {
    pub typical_us: Option<Summary>,
    pub maximal_us: Option<Summary>,
    pub back_to_back_us: Option<Summary>,
    pub typical_cpu_us: Option<f64>,
    pub throttled_periods: u64,
}

impl WarmFigures {
    fn of(run: &SharedWarmRun) -> Self {
        Self {
            typical_us: overhead_summary(&run.paced_typical),
            maximal_us: overhead_summary(&run.paced_maximal),
            back_to_back_us: overhead_summary(&run.back_to_back_typical),
            typical_cpu_us: run.typical_cpu_us,
            throttled_periods: run.typical_throttling.throttled_periods,
        }
    }
}

/// Figures of one variant at one memory size.
#[derive(Debug, Clone, Copy, Default)]
pub struct VariantFigures {
    pub unthrottled: ColdFigures,
    pub held: ColdFigures,
    pub warm: Option<WarmFigures>,
}

impl VariantFigures {
    pub fn cold(&self, mode: InitMode) -> &ColdFigures {
        match mode {
            InitMode::Unthrottled => &self.unthrottled,
            InitMode::Held => &self.held,
        }
    }

    /// The keys the issue asks for come from the unthrottled init (what the evidence supports) and the
    /// paced typical request; the rest is named for what it is.
    fn to_json(self) -> Value {
        let mut object = Map::new();
        let cold = self.unthrottled;
        object.insert(
            "first_response_ms_p50".into(),
            num(p50(cold.first_response_ms), 3),
        );
        object.insert(
            "first_invocation_ms_p50".into(),
            num(p50(cold.first_invocation_ms), 3),
        );
        if let Some(warm) = self.warm {
            object.insert("warm_overhead_us_p50".into(), num(p50(warm.typical_us), 1));
            object.insert("warm_overhead_us_p99".into(), num(p99(warm.typical_us), 1));
            object.insert(
                "warm_overhead_maximal_us_p50".into(),
                num(p50(warm.maximal_us), 1),
            );
            object.insert(
                "warm_overhead_maximal_us_p99".into(),
                num(p99(warm.maximal_us), 1),
            );
            object.insert(
                "warm_back_to_back_us_p50".into(),
                num(p50(warm.back_to_back_us), 1),
            );
            object.insert(
                "warm_back_to_back_us_p99".into(),
                num(p99(warm.back_to_back_us), 1),
            );
            object.insert(
                "warm_cpu_us_per_typical_invocation".into(),
                num(warm.typical_cpu_us, 1),
            );
            object.insert(
                "warm_paced_throttled_periods".into(),
                json!(warm.throttled_periods),
            );
            object.insert(
                "warm_details".into(),
                json!({
                    "paced_typical_us": warm.typical_us.map_or(Value::Null, |s| s.to_json(1)),
                    "paced_maximal_us": warm.maximal_us.map_or(Value::Null, |s| s.to_json(1)),
                    "back_to_back_typical_us": warm.back_to_back_us.map_or(Value::Null, |s| s.to_json(1)),
                }),
            );
        }
        for mode in InitMode::ALL {
            let figures = self.cold(mode);
            if figures.first_response_ms.is_some() {
                object.insert(mode.key().into(), figures.to_json());
            }
        }
        Value::Object(object)
    }
}

impl AtMemory {
    pub fn figures(&self, variant: Variant) -> VariantFigures {
        let cold = self.cold.get(variant);
        VariantFigures {
            unthrottled: ColdFigures::of(cold.get(InitMode::Unthrottled)),
            held: ColdFigures::of(cold.get(InitMode::Held)),
            warm: self.warm.get(variant).as_ref().map(WarmFigures::of),
        }
    }

    fn has(&self, variant: Variant) -> bool {
        !self.cold.get(variant).unthrottled.is_empty()
            || !self.cold.get(variant).held.is_empty()
            || self.warm.get(variant).is_some()
    }

    /// `"rust": {...HTTP keys..., "https": {...}}`, and the same for each other runtime measured.
    fn to_json(&self) -> Value {
        let mut object = Map::new();
        object.insert("quota_us".into(), json!(self.quota.as_micros() as u64));
        object.insert("period_us".into(), json!(self.period.as_micros() as u64));
        object.insert(
            "cpu_fraction".into(),
            json!(round(
                self.quota.as_secs_f64() / self.period.as_secs_f64(),
                4
            )),
        );
        for runtime in COLD_RUNTIMES {
            let http = Variant::new(runtime, Transport::Http);
            if !self.has(http) {
                continue;
            }
            let mut figures = self.figures(http).to_json();
            let https = Variant::new(runtime, Transport::Https);
            if self.has(https)
                && let Value::Object(fields) = &mut figures
            {
                fields.insert("https".into(), self.figures(https).to_json());
            }
            object.insert(runtime.key().into(), figures);
        }
        Value::Object(object)
    }
}

/// `results.json`'s `by_memory`: one entry per memory size, and how it was measured.
pub fn to_json(results: &[AtMemory], plan: &MemoryPlan) -> Value {
    let mut object = Map::new();
    object.insert(
        "method".into(),
        json!({
            "cfs_period_us": plan.period.as_micros() as u64,
            "quota": "period × memory / 1769 (cgroup v1 cpu controller, a child group of the harness's)",
            "headline_keys": "init unthrottled (the process joins the group at its first /next), plain HTTP, typical request",
            "init_modes": plan.init_modes.iter().map(|m| m.key()).collect::<Vec<_>>(),
            "cold_rounds": plan.cold_rounds,
            "warm_paced_invocations_per_request": plan.warm_count,
            "warm_paced_gap_ms": round(plan.gap().as_secs_f64() * 1e3, 1),
            "warm_back_to_back_invocations": plan.warm_count,
        }),
    );
    for result in results {
        object.insert(result.memory_mb.to_string(), result.to_json());
    }
    Value::Object(object)
}

// ---- Markdown ----

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

// ---- Targets at 128 MB ----

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
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cold(first_response_ms: u64, first_invocation_ms: u64) -> SharedColdSample {
        SharedColdSample {
            init: Duration::from_millis(first_response_ms - first_invocation_ms),
            first_response: Duration::from_millis(first_response_ms),
            first_invocation: Duration::from_millis(first_invocation_ms),
            first_invocation_cpu: Some(Duration::from_micros(400)),
            first_invocation_throttling: Throttling::default(),
        }
    }

    fn warm(us: u64) -> WarmSample {
        WarmSample {
            elapsed: Duration::from_micros(us),
            service: Some(Duration::from_micros(10)),
        }
    }

    #[test]
    fn the_issue_keys_and_the_128_mb_verdicts() {
        let mut at = AtMemory {
            memory_mb: 128,
            quota: Duration::from_micros(1447),
            period: Duration::from_millis(20),
            cold: PerVariant::default(),
            warm: PerVariant::default(),
        };
        for transport in Transport::ALL {
            let rust = at.cold.get_mut(Variant::new(Runtime::Rust, transport));
            rust.unthrottled = vec![cold(4, 1), cold(5, 1), cold(6, 2)];
            rust.held = vec![cold(40, 20)];
            at.cold
                .get_mut(Variant::new(Runtime::Node, transport))
                .unthrottled = vec![cold(400, 250), cold(500, 300)];
            *at.warm.get_mut(Variant::new(Runtime::Rust, transport)) = Some(SharedWarmRun {
                paced_typical: vec![warm(300), warm(310), warm(4000)],
                ..SharedWarmRun::default()
            });
        }
        let plan = MemoryPlan {
            memories_mb: vec![128],
            period: Duration::from_millis(20),
            cold_rounds: 3,
            warmup: 1,
            warm_count: 3,
            init_modes: InitMode::ALL.to_vec(),
        };
        let json = to_json(std::slice::from_ref(&at), &plan);
        let rust = &json["128"]["rust"];
        assert_eq!(rust["first_response_ms_p50"], 5.0);
        assert_eq!(rust["first_invocation_ms_p50"], 1.0);
        assert_eq!(rust["warm_overhead_us_p50"], 300.0);
        assert_eq!(rust["warm_overhead_us_p99"], 3990.0);
        assert_eq!(rust["init_held"]["first_response_ms_p50"], 40.0);
        assert_eq!(rust["https"]["first_response_ms_p50"], 5.0);
        assert_eq!(json["128"]["node"]["first_response_ms_p50"], 400.0);
        let verdicts = verdicts(std::slice::from_ref(&at));
        assert_eq!(verdicts.len(), 6);
        assert!(verdicts.iter().all(|v| v.met == Some(true)), "{verdicts:?}");
        assert!(markdown(std::slice::from_ref(&at)).contains("| 128 MB (7.2 %) | rust |"));
    }
}
