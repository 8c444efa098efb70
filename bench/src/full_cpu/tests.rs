use super::figures::Measured;
use super::results::results_json;
use super::tables::markdown;
use super::targets::verdicts;
use crate::samples::ColdSample;
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
    let verdicts = verdicts(&rust, &node);
    let find = |name: &str| verdicts.iter().find(|v| v.name == name).and_then(|v| v.met);
    assert_eq!(find("cold start to first response vs Node"), Some(true));
    assert_eq!(find("cold start to first response"), Some(true));
    assert_eq!(find("zipped artefact"), Some(true));
    assert_eq!(find("peak RSS"), Some(true));
    assert_eq!(find("warm overhead p50 (typical)"), None);
    let json = results_json(json!({}), &rust, &node, &verdicts, Value::Null);
    assert_eq!(json["rust"]["first_response_ms_p50"], 9.0);
    assert_eq!(json["node_over_rust"]["first_response_ms_p50"], 36.67);
    assert!(markdown(&rust, &node, &verdicts, &Value::Null).contains("| Deployment zip |"));
}
