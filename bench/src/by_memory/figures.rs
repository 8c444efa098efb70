//! The figures of a memory size: medians and p99s per variant and init mode, and `results.json`'s
//! `by_memory`.

use super::{AtMemory, COLD_RUNTIMES, MemoryPlan, SharedColdSample, SharedWarmRun};
use crate::cpu_share::InitMode;
use crate::samples::WarmSample;
use crate::stats::{Summary, round};
use crate::variant::{Transport, Variant};
use serde_json::{Map, Value, json};
use std::time::Duration;

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

pub fn p50(summary: Option<Summary>) -> Option<f64> {
    summary.map(|s| s.p50)
}

pub fn p99(summary: Option<Summary>) -> Option<f64> {
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
    /// Availability GETs answered from the cache (no Connect call: all overhead).
    pub availability_us: Option<Summary>,
    pub back_to_back_us: Option<Summary>,
    pub typical_cpu_us: Option<f64>,
    pub availability_cpu_us: Option<f64>,
    pub throttled_periods: u64,
}

impl WarmFigures {
    pub fn of(run: &SharedWarmRun) -> Self {
        Self {
            typical_us: overhead_summary(&run.paced_typical),
            maximal_us: overhead_summary(&run.paced_maximal),
            availability_us: overhead_summary(&run.paced_availability),
            back_to_back_us: overhead_summary(&run.back_to_back_typical),
            typical_cpu_us: run.typical_cpu_us,
            availability_cpu_us: run.availability_cpu_us,
            throttled_periods: run.typical_throttling.throttled_periods,
        }
    }

    /// The calibration floor's keys: its paced typical invocations.
    fn floor_json(self) -> Value {
        json!({
            "warm_overhead_us_p50": num(p50(self.typical_us), 1),
            "warm_overhead_us_p99": num(p99(self.typical_us), 1),
            "warm_cpu_us_per_typical_invocation": num(self.typical_cpu_us, 1),
            "paced_typical_us": self.typical_us.map_or(Value::Null, |s| s.to_json(1)),
        })
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
            if warm.availability_us.is_some() {
                object.insert(
                    "warm_availability_us_p50".into(),
                    num(p50(warm.availability_us), 1),
                );
                object.insert(
                    "warm_availability_us_p99".into(),
                    num(p99(warm.availability_us), 1),
                );
                object.insert(
                    "warm_cpu_us_per_availability_invocation".into(),
                    num(warm.availability_cpu_us, 1),
                );
            }
            object.insert(
                "warm_paced_throttled_periods".into(),
                json!(warm.throttled_periods),
            );
            object.insert(
                "warm_details".into(),
                json!({
                    "paced_typical_us": warm.typical_us.map_or(Value::Null, |s| s.to_json(1)),
                    "paced_maximal_us": warm.maximal_us.map_or(Value::Null, |s| s.to_json(1)),
                    "paced_availability_us": warm.availability_us.map_or(Value::Null, |s| s.to_json(1)),
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

    pub fn has(&self, variant: Variant) -> bool {
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
        if let Some(floor) = &self.floor {
            object.insert("floor".into(), WarmFigures::of(floor).floor_json());
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
            "warm_warmup_invocations_per_request": plan.warmup,
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
