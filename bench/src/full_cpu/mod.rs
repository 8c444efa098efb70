//! At full CPU: the functions as fast as this machine runs them, Rust and Node.js side by side, with the
//! calibration floor and, with `--compare`, a second build interleaved.

mod figures;
mod measure;
mod results;
mod tables;
mod targets;
#[cfg(test)]
mod tests;

pub use measure::measure;
pub use results::{FullCpuReport, report};
pub use targets::Verdict;

use crate::samples::{ColdSample, WarmRun};
use crate::variant::PerVariant;

/// The full-CPU measurements.
pub struct FullCpu {
    pub cold: PerVariant<Vec<ColdSample>>,
    pub warm: PerRuntimeWarm,
    pub floor: Option<WarmRun>,
}

/// Warm runs at full CPU: one long-lived process per function.
#[derive(Default)]
pub struct PerRuntimeWarm {
    pub rust: Option<WarmRun>,
    pub candidate: Option<WarmRun>,
    pub node: Option<WarmRun>,
}
