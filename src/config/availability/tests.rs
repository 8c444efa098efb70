use crate::availability::{DEFAULT_ENTRY_POINT, RefuseStartWhen};
use crate::config::{Config, ConfigError};
use std::collections::HashMap;
use std::time::Duration;

const INSTANCE: &str = "3f0a7c1e-8b5d-4e2a-9c6f-1d2e3f4a5b6c";
const FLOW: &str = "6a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
const SALES_FLOW: &str = "7b2c3d4e-5f6a-4b7c-9d8e-0f1a2b3c4d5e";
const QUEUE: &str = "a1b2c3d4-0000-4000-8000-000000000001";
const SALES_QUEUE: &str = "a1b2c3d4-0000-4000-8000-000000000002";

/// The two required ids and a `sales` alias, plus `pairs`.
fn load(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
    let aliases = format!("sales={SALES_FLOW}");
    let map: HashMap<String, String> = [
        ("INSTANCE_ID", INSTANCE),
        ("CONTACT_FLOW_ID", FLOW),
        ("ALLOWED_CONTACT_FLOW_IDS", SALES_FLOW),
        ("CONTACT_FLOW_ALIASES", aliases.as_str()),
    ]
    .iter()
    .chain(pairs)
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    Config::from_lookup(|name| map.get(name).cloned())
}

fn refused(pairs: &[(&str, &str)]) -> ConfigError {
    match load(pairs) {
        Err(error) => error,
        Ok(_) => panic!("expected {pairs:?} to be refused"),
    }
}

fn both_queues() -> String {
    format!("default={QUEUE},sales={SALES_QUEUE}")
}

#[test]
fn availability_is_off_without_queues_and_ignores_its_other_settings() {
    let config = load(&[
        ("AVAILABILITY_DETAILS", "true"),
        ("AVAILABILITY_METRICS_TTL_SECONDS", "30"),
        ("REFUSE_START_WHEN", "never"),
    ])
    .expect("valid");
    assert_eq!(config.availability, None);
}

#[test]
fn queues_name_default_and_every_alias_in_their_configured_order() {
    let queues = format!("sales={SALES_QUEUE}, default={QUEUE}");
    let config = load(&[("AVAILABILITY_QUEUES", &queues)]).expect("valid");
    let availability = config.availability.expect("on");
    let entry_points: Vec<(&str, &str, &str)> = availability
        .entry_points
        .iter()
        .map(|e| {
            (
                e.name.as_str(),
                e.contact_flow_id.as_str(),
                e.queue.as_str(),
            )
        })
        .collect();
    assert_eq!(
        entry_points,
        [
            (DEFAULT_ENTRY_POINT, FLOW, QUEUE),
            ("sales", SALES_FLOW, SALES_QUEUE)
        ]
    );
    assert_eq!(availability.instance_id, INSTANCE);
    assert!(!availability.details);
    assert_eq!(availability.metrics_ttl, Duration::from_secs(15));
    assert_eq!(availability.schedule_ttl, Duration::from_secs(300));
    assert_eq!(availability.budget, Duration::from_millis(1000));
    assert_eq!(availability.refuse_start_when, RefuseStartWhen::Never);
}

#[test]
fn the_other_settings_are_read_within_their_ranges() {
    let queues = both_queues();
    let config = load(&[
        ("AVAILABILITY_QUEUES", &queues),
        ("AVAILABILITY_DETAILS", "true"),
        ("AVAILABILITY_METRICS_TTL_SECONDS", "1"),
        ("AVAILABILITY_SCHEDULE_TTL_SECONDS", "3600"),
        ("AVAILABILITY_TIMEOUT_MS", "100"),
        ("REFUSE_START_WHEN", "unavailable"),
    ])
    .expect("valid");
    let availability = config.availability.expect("on");
    assert!(availability.details);
    assert_eq!(availability.metrics_ttl, Duration::from_secs(1));
    assert_eq!(availability.schedule_ttl, Duration::from_secs(3600));
    assert_eq!(availability.budget, Duration::from_millis(100));
    assert_eq!(availability.refuse_start_when, RefuseStartWhen::Unavailable);
    for (variable, value) in [
        ("AVAILABILITY_METRICS_TTL_SECONDS", "0"),
        ("AVAILABILITY_METRICS_TTL_SECONDS", "301"),
        ("AVAILABILITY_SCHEDULE_TTL_SECONDS", "9"),
        ("AVAILABILITY_SCHEDULE_TTL_SECONDS", "3601"),
        ("AVAILABILITY_TIMEOUT_MS", "99"),
        ("AVAILABILITY_TIMEOUT_MS", "5001"),
        ("AVAILABILITY_DETAILS", "yes"),
        ("REFUSE_START_WHEN", "always"),
    ] {
        assert_eq!(
            refused(&[("AVAILABILITY_QUEUES", &queues), (variable, value)]).variable,
            variable,
            "{variable}={value}"
        );
    }
}

#[test]
fn queues_must_name_exactly_the_entry_points() {
    let only_default = format!("default={QUEUE}");
    let unknown = format!("{},support={QUEUE}", both_queues());
    let twice = format!("{},default={QUEUE}", both_queues());
    let not_a_uuid = format!("default={},sales={SALES_QUEUE}", QUEUE.to_uppercase());
    let no_equals = format!("default={QUEUE},sales");
    for queues in [only_default, unknown, twice, not_a_uuid, no_equals] {
        let error = refused(&[("AVAILABILITY_QUEUES", &queues)]);
        assert_eq!(error.variable, "AVAILABILITY_QUEUES", "{queues}");
    }
}

#[test]
fn an_alias_named_default_is_refused_while_availability_is_on() {
    let aliases = format!("default={SALES_FLOW},sales={SALES_FLOW}");
    let queues = both_queues();
    let error = refused(&[
        ("CONTACT_FLOW_ALIASES", &aliases),
        ("AVAILABILITY_QUEUES", &queues),
    ]);
    assert_eq!(error.variable, "AVAILABILITY_QUEUES");
    assert!(error.problem.contains("'default'"), "{}", error.problem);
}

#[test]
fn refusing_closed_starts_needs_availability() {
    for value in ["closed", "unavailable"] {
        assert_eq!(
            refused(&[("REFUSE_START_WHEN", value)]).variable,
            "REFUSE_START_WHEN"
        );
    }
}
