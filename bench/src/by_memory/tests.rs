use super::*;
use crate::variant::{Transport, Variant};

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

/// An availability GET answered from the cache: no Connect call, no service time.
fn get(us: u64) -> WarmSample {
    WarmSample {
        elapsed: Duration::from_micros(us),
        service: None,
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
        floor: Some(SharedWarmRun {
            paced_typical: vec![warm(200), warm(210)],
            typical_cpu_us: Some(100.0),
            ..SharedWarmRun::default()
        }),
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
            paced_availability: vec![get(150), get(160)],
            typical_cpu_us: Some(600.0),
            availability_cpu_us: Some(140.0),
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
    // The cached GET (overhead = elapsed: no Connect call), next to the floor.
    assert_eq!(rust["warm_availability_us_p50"], 150.0);
    assert_eq!(rust["warm_cpu_us_per_availability_invocation"], 140.0);
    assert_eq!(
        json["128"]["floor"]["warm_cpu_us_per_typical_invocation"],
        100.0
    );
    let verdicts = verdicts(std::slice::from_ref(&at));
    assert_eq!(verdicts.len(), 7);
    assert!(verdicts.iter().all(|v| v.met == Some(true)), "{verdicts:?}");
    assert_eq!(verdicts[6].value, "1.40x the floor's");
    assert!(markdown(std::slice::from_ref(&at)).contains("| 128 MB (7.2 %) | rust |"));
    let table = availability_markdown(std::slice::from_ref(&at));
    assert!(
        table.contains("| 128 MB (7.2 %) | 100 µs, 190 µs / 200 µs | 600 µs, 300 µs / 3990 µs | 140 µs, 150 µs / 160 µs | 1.40× |"),
        "{table}"
    );
    // Over the limit: missed.
    if let Some(run) = at
        .warm
        .get_mut(Variant::new(Runtime::Rust, Transport::Http))
        .as_mut()
    {
        run.availability_cpu_us = Some(151.0);
    }
    assert_eq!(verdicts_of(&at), Some(false));
}

fn verdicts_of(at: &AtMemory) -> Option<bool> {
    verdicts(std::slice::from_ref(at))
        .into_iter()
        .find(|v| v.name.contains("cached availability GET"))
        .and_then(|v| v.met)
}
