//! The functions at Lambda memory sizes: each runs under its memory's share of a CPU
//! ([`crate::cpu_share::CpuShare`]), Rust and Node.js side by side in one run, over HTTP and HTTPS,
//! with init unthrottled and held.
//!
//! - Cold starts: a fresh process per sample, interleaved round by round over every memory size, variant
//!   and init mode. The process polls `/next` (end of init), is given the typical event, and answers;
//!   cold start → first response is init plus that first invocation.
//! - Warm: one process per memory size and variant, under the share from its first `/next`. Paced
//!   invocations arrive after an idle gap longer than the CFS period, so each starts with a whole quota,
//!   as the requests of a function that is not saturated do; back-to-back invocations show the
//!   saturated case, where the share itself sets the pace.

mod figures;
mod measure;
mod tables;
#[cfg(test)]
mod tests;

pub use figures::to_json;
pub use measure::measure;
pub use tables::{MemoryVerdict, availability_markdown, markdown, verdicts};

use crate::cpu_share::{InitMode, Throttling};
use crate::samples::WarmSample;
use crate::variant::{PerVariant, Runtime};
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
    /// Availability GETs answered from the cache (functions that answer them).
    pub paced_availability: Vec<WarmSample>,
    pub back_to_back_typical: Vec<WarmSample>,
    /// CPU time per paced typical invocation, µs.
    pub typical_cpu_us: Option<f64>,
    /// CPU time per paced availability GET, µs.
    pub availability_cpu_us: Option<f64>,
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
    pub fn get_mut(&mut self, mode: InitMode) -> &mut Vec<SharedColdSample> {
        match mode {
            InitMode::Unthrottled => &mut self.unthrottled,
            InitMode::Held => &mut self.held,
        }
    }

    pub fn get(&self, mode: InitMode) -> &[SharedColdSample] {
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
    /// The calibration function's warm run (`--floor`), the same sequence.
    pub floor: Option<SharedWarmRun>,
}

/// The runtimes measured cold (the unwarmed Rust shows what the init warm-up saves at a share).
pub const COLD_RUNTIMES: [Runtime; 4] = [
    Runtime::Rust,
    Runtime::RustUnwarmed,
    Runtime::Candidate,
    Runtime::Node,
];
/// The runtimes measured warm (the warm-up changes nothing once a process is warm).
pub const WARM_RUNTIMES: [Runtime; 3] = [Runtime::Rust, Runtime::Candidate, Runtime::Node];
