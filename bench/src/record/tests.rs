use super::*;
use serde_json::json;

fn results(started_at: &str) -> Value {
    json!({
        "meta": {
            "started_at": started_at,
            "duration_s": 612.4,
            "source": {"commit": "0123456789abcdef0123456789abcdef01234567", "dirty": false},
            "machine": {"cpu": "AMD EPYC 7B13", "cores": 2, "memory_gib": 23.5, "kernel": "6.18.0",
                        "cpus_allowed": "1", "rustc": "rustc 1.95.0", "node": "v20.20.2"},
            "load_checks": [
                {"stage": "start", "compilers_running": 0, "load_1m": 0.42},
                {"stage": "after cold starts", "compilers_running": 2, "load_1m": 1.5},
            ],
            "settings": {"cold_runs": 50, "warm_invocations_per_request": 10000,
                         "warmup_invocations_per_request": 1000, "full_cpu_measured": true,
                         "rust_bootstrap": "target/lambda/start-chat/bootstrap"},
        },
        "by_memory": {
            "method": {"cfs_period_us": 20000, "cold_rounds": 20, "init_modes": ["init_unthrottled", "init_held"],
                       "warm_warmup_invocations_per_request": 100, "warm_paced_invocations_per_request": 300,
                       "warm_back_to_back_invocations": 300},
            "512": {}, "128": {}, "1769": {},
        },
    })
}

fn soak(started_at: &str) -> Value {
    json!({"meta": {"started_at": started_at}, "duration_s": 463.0, "requests": 10000, "seed": 7})
}

#[test]
fn the_record_states_the_facts_then_the_tables() {
    let results = results("2026-12-05T09:30:12Z");
    let soak = soak("2026-12-05T09:40:00Z");
    let record = render(
        &results,
        "## At full CPU\n\n| a |\n",
        Some((&soak, "## Soak\n\n- **Passed**\n")),
    );
    assert!(
        record.starts_with("# `make bench`, 2026-12-05 09:30 UTC\n"),
        "{record}"
    );
    for expected in [
        "| Started | `2026-12-05T09:30:12Z`; the bench took 612.4 s, the soak 463.0 s |",
        "| Source | commit `0123456789abcdef0123456789abcdef01234567`; tracked files modified: no |",
        "| CPU | AMD EPYC 7B13, 2 cores; harness and functions on CPU 1 |",
        "| Load | 0.42 at the start; compilers running at: after cold starts (2) |",
        "| Toolchains | rustc 1.95.0; Node.js v20.20.2 |",
        "128, 512, 1769 MB: 20 cold-start rounds, 100 + 300 paced and 300 back-to-back invocations, CFS period 20000 µs, init unthrottled and held",
        "soak: 10000 requests, seed 7",
        "## At full CPU\n\n| a |\n\n## Soak\n\n- **Passed**\n",
    ] {
        assert!(
            record.contains(expected),
            "missing {expected:?} in\n{record}"
        );
    }
}

#[test]
fn a_soak_older_than_the_bench_is_left_out() {
    let results = results("2026-12-05T09:30:12Z");
    let stale = soak("2026-12-04T23:00:00Z");
    let record = render(&results, "", Some((&stale, "## Soak\n\n- **Passed**\n")));
    assert!(record.contains("Not run after this bench"), "{record}");
    assert!(!record.contains("Passed"));
    assert!(!record.contains("seed 7"));
}

#[test]
fn records_of_one_day_get_a_time_and_a_rerun_replaces_its_own() {
    let runs = std::env::temp_dir().join(format!("lambda-bench-records-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&runs);
    let first = "2026-12-05T09:30:12Z";
    let second = "2026-12-05T14:05:59Z";
    let name = |path: PathBuf| path.file_name().map(|n| n.to_string_lossy().into_owned());
    let placed = place(&runs, first, &format!("a `{first}`")).expect("written");
    assert_eq!(name(placed).as_deref(), Some("2026-12-05.md"));
    let placed = place(&runs, second, &format!("b `{second}`")).expect("written");
    assert_eq!(name(placed).as_deref(), Some("2026-12-05-1405.md"));
    let placed = place(&runs, first, &format!("c `{first}`")).expect("written");
    assert_eq!(name(placed).as_deref(), Some("2026-12-05.md"));
    assert_eq!(
        std::fs::read_to_string(runs.join("2026-12-05.md")).expect("readable"),
        format!("c `{first}`")
    );
    let third = "2026-12-05T14:05:30Z";
    let placed = place(&runs, third, "d").expect("written");
    assert_eq!(name(placed).as_deref(), Some("2026-12-05-140530.md"));
    // A fourth run in the same second as a record that is not its own: no name left.
    assert!(place(&runs, third, "e").is_err());
    std::fs::remove_dir_all(&runs).expect("removed");
}

#[test]
fn only_utc_timestamps_name_records() {
    assert_eq!(
        started_at(&json!({"started_at": "2026-12-05T09:30:12Z"})),
        Some("2026-12-05T09:30:12Z")
    );
    assert_eq!(started_at(&json!({"started_at": "2026-12-05"})), None);
    assert_eq!(
        started_at(&json!({"started_at": "2026-12-05T09:30:1éZ"})),
        None
    );
    assert_eq!(started_at(&json!({})), None);
}
