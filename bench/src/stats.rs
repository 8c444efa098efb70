//! Order statistics of a sample: median and spread, nearest-rank percentiles.

use serde_json::{Value, json};

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    pub count: usize,
    pub min: f64,
    pub p10: f64,
    pub p25: f64,
    pub p50: f64,
    pub p75: f64,
    pub p90: f64,
    pub p99: f64,
    pub max: f64,
    pub mean: f64,
    pub stdev: f64,
}

impl Summary {
    /// `None` for an empty sample (or one with NaNs).
    pub fn of(values: &[f64]) -> Option<Self> {
        if values.is_empty() || values.iter().any(|v| v.is_nan()) {
            return None;
        }
        let mut sorted = values.to_vec();
        sorted.sort_by(f64::total_cmp);
        let count = sorted.len();
        let mean = sorted.iter().sum::<f64>() / count as f64;
        let variance = sorted.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / count as f64;
        let at = |p: f64| percentile(&sorted, p);
        Some(Self {
            count,
            min: sorted[0],
            p10: at(10.0),
            p25: at(25.0),
            p50: at(50.0),
            p75: at(75.0),
            p90: at(90.0),
            p99: at(99.0),
            max: sorted[count - 1],
            mean,
            stdev: variance.sqrt(),
        })
    }

    /// Interquartile range: the spread reported next to medians.
    pub fn iqr(&self) -> f64 {
        self.p75 - self.p25
    }

    pub fn to_json(self, decimals: i32) -> Value {
        let r = |v: f64| round(v, decimals);
        json!({
            "count": self.count,
            "min": r(self.min),
            "p10": r(self.p10),
            "p25": r(self.p25),
            "p50": r(self.p50),
            "p75": r(self.p75),
            "p90": r(self.p90),
            "p99": r(self.p99),
            "max": r(self.max),
            "mean": r(self.mean),
            "stdev": r(self.stdev),
        })
    }
}

/// Nearest-rank percentile of a sorted, non-empty slice: the smallest value with at least `p`% of the
/// sample at or below it.
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

pub fn round(value: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    (value * scale).round() / scale
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let values: Vec<f64> = (1..=100).map(f64::from).collect();
        let summary = Summary::of(&values).unwrap_or_else(|| panic!("empty"));
        assert_eq!(summary.p50, 50.0);
        assert_eq!(summary.p99, 99.0);
        assert_eq!(summary.max, 100.0);
        assert_eq!(summary.min, 1.0);
        assert_eq!(summary.iqr(), 50.0);
        assert_eq!(percentile(&[7.0], 99.0), 7.0);
        assert_eq!(percentile(&[1.0, 2.0], 50.0), 1.0);
    }

    #[test]
    fn the_order_of_the_sample_does_not_matter() {
        let summary = Summary::of(&[3.0, 1.0, 2.0]).unwrap_or_else(|| panic!("empty"));
        assert_eq!(summary.p50, 2.0);
        assert!((summary.mean - 2.0).abs() < 1e-12);
        assert!(Summary::of(&[]).is_none());
        assert!(Summary::of(&[f64::NAN]).is_none());
    }
}
