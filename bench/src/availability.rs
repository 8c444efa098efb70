//! The availability GET's target (issue 17), shared by the full-CPU and the memory-size measurements: a
//! warm GET answered from the cache costs at most 1.5× the floor's CPU per invocation.

/// CPU per cached GET, at most this many times the floor's CPU per (typical) invocation.
pub const CACHED_GET_CPU_LIMIT: f64 = 1.5;

/// CPU per cached GET ÷ the floor's CPU per (typical) invocation, when both were measured.
pub fn cached_get_ratio(get_cpu_us: Option<f64>, floor_cpu_us: Option<f64>) -> Option<f64> {
    get_cpu_us
        .zip(floor_cpu_us)
        .filter(|(_, floor)| *floor > 0.0)
        .map(|(get, floor)| get / floor)
}
