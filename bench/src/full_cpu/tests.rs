use super::figures::Measured;
use super::results::results_json;
use super::tables::availability_rows;
use super::tables::markdown;
use super::targets::verdicts;
use crate::samples::{ColdSample, WarmRun, WarmSample};
use serde_json::{Value, json};
use std::time::Duration;

fn cold(ms: u64) -> ColdSample {
    ColdSample {
        init: Duration::from_millis(ms / 2),
        first_response: Duration::from_millis(ms),
        hwm_kib: Some(10_000),
    }
}

#[test]
fn verdicts_follow_the_targets() {
    let rust = Measured {
        cold: vec![cold(8), cold(9), cold(10)],
        zip_bytes: Some(2_500_000),
        ..Measured::default()
    }
    .figures();
    let node = Measured {
        cold: vec![cold(300), cold(330), cold(360)],
        ..Measured::default()
    }
    .figures();
    let verdicts = verdicts(&rust, &node, None);
    let find = |name: &str| verdicts.iter().find(|v| v.name == name).and_then(|v| v.met);
    assert_eq!(find("cold start to first response vs Node"), Some(true));
    assert_eq!(find("cold start to first response"), Some(true));
    assert_eq!(find("zipped artefact"), Some(true));
    assert_eq!(find("peak RSS"), Some(true));
    assert_eq!(find("warm overhead p50 (typical)"), None);
    assert_eq!(find("cached availability GET CPU vs the floor"), None);
    let json = results_json(json!({}), &rust, &node, &verdicts, Value::Null);
    assert_eq!(json["rust"]["first_response_ms_p50"], 9.0);
    assert_eq!(json["node_over_rust"]["first_response_ms_p50"], 36.67);
    assert!(markdown(&rust, &node, &verdicts, &Value::Null).contains("| Deployment zip |"));
}

fn warm(us: u64) -> WarmSample {
    WarmSample {
        elapsed: Duration::from_micros(us),
        service: None,
    }
}

/// A warm run whose typical invocations took `typical_cpu_us` of CPU each, and cached GETs `get_cpu_us`.
fn warm_run(typical_cpu_us: f64, get_cpu_us: Option<f64>) -> WarmRun {
    WarmRun {
        typical: vec![warm(300), warm(320)],
        availability: get_cpu_us.map_or_else(Vec::new, |_| vec![warm(90), warm(100), warm(400)]),
        typical_cpu_us: Some(typical_cpu_us),
        availability_cpu_us: get_cpu_us,
        ..WarmRun::default()
    }
}

#[test]
fn the_cached_get_costs_at_most_one_and_a_half_floors() {
    let node = Measured::default().figures();
    let floor = Measured {
        warm: Some(warm_run(60.0, None)),
        ..Measured::default()
    }
    .figures();
    let verdict = |get_cpu_us: f64| {
        let rust = Measured {
            warm: Some(warm_run(280.0, Some(get_cpu_us))),
            ..Measured::default()
        }
        .figures();
        verdicts(&rust, &node, Some(&floor))
            .into_iter()
            .find(|v| v.name == "cached availability GET CPU vs the floor")
            .unwrap_or_else(|| panic!("no verdict for the cached GET"))
    };
    let met = verdict(90.0);
    assert_eq!(met.met, Some(true), "{met:?}");
    assert_eq!(met.value, "90.0 µs = 1.50x the floor's 60.0 µs");
    let missed = verdict(91.0);
    assert_eq!(missed.met, Some(false), "{missed:?}");

    let rust = Measured {
        warm: Some(warm_run(280.0, Some(75.0))),
        ..Measured::default()
    }
    .figures();
    let json = rust.to_json(true);
    assert_eq!(json["warm_availability_us_p50"], 100.0);
    assert_eq!(json["details"]["cpu_us_per_invocation_availability"], 75.0);
    let verdicts = verdicts(&rust, &node, Some(&floor));
    let rows = availability_rows(&rust, Some(&floor), &verdicts);
    assert!(
        rows.contains("| CPU per warm invocation: floor / typical POST / cached GET | 60 µs / 280 µs / 75 µs |"),
        "{rows}"
    );
    assert!(rows.contains("✅"), "{rows}");
    // A run without the GET (an older build, --typical-only) has no such rows.
    let without = Measured::default().figures();
    assert_eq!(availability_rows(&without, Some(&floor), &verdicts), "");
}
