//! The cache through a counting fake Connect: TTLs, no retry before a TTL passes (the metrics TTL, with
//! a random part of it more, for a schedule that failed), one refresh for concurrent misses, unknown within
//! the budget, the clock that follows Connect's.

use super::fake::{FakeConnect, Fault, ManualTime};
use super::*;
use crate::availability::cache::retry_delay;
use crate::chat::ConnectFailureKind;
use futures_util::future::join_all;
use std::sync::Arc;
use std::time::Duration;

const INSTANCE: &str = "3f0a7c1e-8b5d-4e2a-9c6f-1d2e3f4a5b6c";
const FLOW: &str = "6a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
const SALES_FLOW: &str = "7b2c3d4e-5f6a-4b7c-9d8e-0f1a2b3c4d5e";
const QUEUE: &str = "a1b2c3d4-0000-4000-8000-000000000001";
const SALES_QUEUE: &str = "a1b2c3d4-0000-4000-8000-000000000002";
/// A Monday in London, during office hours.
const MONDAY_MORNING: &str = "2026-12-07T10:00:00Z";

fn queue(id: &str) -> QueueId {
    QueueId::parse(id).expect("a queue id")
}

fn staffed(agents: f64) -> QueueMetrics {
    QueueMetrics {
        agents_staffed: agents,
        agents_online: agents,
        estimated_wait_seconds: Some(30.0),
        ..QueueMetrics::default()
    }
}

fn settings() -> AvailabilitySettings {
    AvailabilitySettings::new(
        INSTANCE,
        vec![EntryPoint {
            name: DEFAULT_ENTRY_POINT.to_owned(),
            contact_flow_id: FLOW.to_owned(),
            queue: queue(QUEUE),
        }],
    )
}

/// A cache on a hand-moved clock whose wall time is years away from Connect's, and a fake Connect
/// whose clock says Monday morning with two agents staffed.
fn setup(settings: AvailabilitySettings) -> (AvailabilityCache, Arc<ManualTime>, FakeConnect) {
    let time = Arc::new(ManualTime::new("2020-01-01T00:00:00Z"));
    let cache = AvailabilityCache::with_time_source(settings, time.clone());
    let connect = FakeConnect::new(&[&queue(QUEUE), &queue(SALES_QUEUE)]);
    connect.set_metrics(MONDAY_MORNING, &queue(QUEUE), staffed(2.0));
    (cache, time, connect)
}

fn reason(answer: &Availability) -> Reason {
    answer
        .entry_point(DEFAULT_ENTRY_POINT)
        .expect("the default")
        .reason
}

#[tokio::test]
async fn a_cold_cache_asks_each_api_once_then_answers_from_memory() {
    let (cache, _time, connect) = setup(settings());
    let first = cache.availability(&connect).await;
    assert_eq!(reason(&first), Reason::Open);
    assert_eq!(first.checked_at, at(MONDAY_MORNING));
    assert_eq!(first.report.cache, CacheUse::Refreshed);
    assert_eq!(first.report.connect_calls, 3);
    assert_eq!(first.max_age, Duration::from_secs(15));
    let default = first.entry_point(DEFAULT_ENTRY_POINT).expect("the default");
    assert_eq!(default.closes_at, Some(at("2026-12-07T17:00:00Z")));
    assert_eq!(default.estimated_wait_seconds, Some(30));
    assert_eq!(default.time_zone.as_deref(), Some(LONDON));
    // The hours were asked around Connect's date, not the function's wall clock.
    assert_eq!(
        *connect.windows.lock().expect("not poisoned"),
        [window("2026-12-05", "2026-12-15")]
    );
    for _ in 0..50 {
        let again = cache.availability(&connect).await;
        assert_eq!(again.report.cache, CacheUse::Hit);
        assert_eq!(again.report.connect_calls, 0);
        assert_eq!(reason(&again), Reason::Open);
    }
    assert_eq!(connect.total(), 3);
}

#[tokio::test]
async fn metrics_expire_after_their_ttl_and_schedules_after_theirs() {
    let (cache, time, connect) = setup(settings());
    cache.availability(&connect).await;
    time.advance(Duration::from_secs(14));
    assert_eq!(cache.availability(&connect).await.report.connect_calls, 0);
    time.advance(Duration::from_secs(1));
    let metrics_only = cache.availability(&connect).await;
    assert_eq!(metrics_only.report.connect_calls, 1);
    assert_eq!(connect.count(Operation::GetCurrentMetricData), 2);
    time.advance(Duration::from_secs(285));
    let both = cache.availability(&connect).await;
    assert_eq!(both.report.connect_calls, 3);
    assert_eq!(connect.count(Operation::DescribeQueue), 2);
    assert_eq!(connect.count(Operation::GetEffectiveHoursOfOperations), 2);
    assert_eq!(connect.count(Operation::GetCurrentMetricData), 3);
}

#[tokio::test]
async fn the_schedule_is_evaluated_against_the_clock_on_every_request() {
    let mut settings = settings();
    settings.metrics_ttl = Duration::from_secs(300);
    let (cache, time, connect) = setup(settings);
    connect.set_metrics("2026-12-07T16:59:30Z", &queue(QUEUE), staffed(2.0));
    let before = cache.availability(&connect).await;
    assert_eq!(reason(&before), Reason::Open);
    // Browsers may keep it only until the closing.
    assert_eq!(before.max_age, Duration::from_secs(30));
    time.advance(Duration::from_secs(30));
    let after = cache.availability(&connect).await;
    assert_eq!(after.report.cache, CacheUse::Hit);
    assert_eq!(after.checked_at, at("2026-12-07T17:00:00Z"));
    let default = after.entry_point(DEFAULT_ENTRY_POINT).expect("the default");
    assert_eq!(default.reason, Reason::OutsideHours);
    assert_eq!(default.opens_at, Some(at("2026-12-08T09:00:00Z")));
    assert_eq!(connect.total(), 3);
}

#[tokio::test]
async fn a_failed_refresh_is_not_retried_before_its_ttl() {
    let (cache, time, connect) = setup(settings());
    for operation in [Operation::DescribeQueue, Operation::GetCurrentMetricData] {
        connect.fault(operation, Some(Fault::Fail(ConnectFailureKind::Throttled)));
    }
    let first = cache.availability(&connect).await;
    assert_eq!(reason(&first), Reason::Unknown);
    assert_eq!(first.report.connect_calls, 2, "no hours without the queue");
    let failed: Vec<_> = first
        .report
        .failures
        .iter()
        .map(|failure| (failure.operation, failure.failure.kind))
        .collect();
    assert!(failed.contains(&(
        Operation::GetCurrentMetricData,
        ConnectFailureKind::Throttled
    )));
    assert!(failed.contains(&(Operation::DescribeQueue, ConnectFailureKind::Throttled)));
    // Nothing is asked again within the metrics TTL (15 s)…
    for _ in 0..140 {
        time.advance(Duration::from_millis(100));
        let answer = cache.availability(&connect).await;
        assert_eq!(answer.report.connect_calls, 0);
        assert_eq!(reason(&answer), Reason::Unknown);
    }
    time.advance(Duration::from_secs(1));
    assert_eq!(cache.availability(&connect).await.report.connect_calls, 1);
    assert_eq!(connect.count(Operation::DescribeQueue), 1);
    assert_eq!(connect.count(Operation::GetCurrentMetricData), 2);
    // …and the failed schedule is asked again before twice the metrics TTL, not after the schedule TTL
    // (300 s): environments that met the burst limit together recover within seconds.
    for operation in [Operation::DescribeQueue, Operation::GetCurrentMetricData] {
        connect.fault(operation, None);
    }
    time.advance(Duration::from_secs(15));
    let recovered = cache.availability(&connect).await;
    assert_eq!(connect.count(Operation::DescribeQueue), 2);
    assert_eq!(reason(&recovered), Reason::Open);
}

#[test]
fn a_failed_schedule_is_retried_at_a_random_point_after_the_metrics_ttl_doubling_per_failure() {
    let settings = settings();
    let ttl = settings.metrics_ttl;
    let first: Vec<Duration> = (0..20).map(|_| retry_delay(&settings, 1)).collect();
    assert!(
        first.iter().all(|delay| *delay > ttl && *delay < ttl * 2),
        "{first:?}"
    );
    assert!(
        first.iter().any(|delay| *delay != first[0]),
        "the retries of environments that failed together spread: {first:?}"
    );
    assert!((0..20).all(|_| {
        let third = retry_delay(&settings, 3);
        third > ttl * 4 && third < ttl * 8
    }));
    // Never longer than the schedule TTL, however many failures.
    assert_eq!(retry_delay(&settings, 40), settings.schedule_ttl);
    let mut short = settings.clone();
    short.schedule_ttl = Duration::from_secs(20);
    assert!((0..20).all(|_| retry_delay(&short, 1) <= Duration::from_secs(20)));
}

#[tokio::test]
async fn concurrent_misses_share_one_refresh() {
    let (cache, _time, connect) = setup(settings());
    let answers = join_all((0..8).map(|_| cache.availability(&connect))).await;
    assert_eq!(connect.total(), 3);
    let refreshed = answers
        .iter()
        .filter(|answer| answer.report.cache == CacheUse::Refreshed)
        .count();
    let shared = answers
        .iter()
        .filter(|answer| answer.report.cache == CacheUse::Shared)
        .count();
    assert_eq!((refreshed, shared), (1, 7));
    assert!(answers.iter().all(|answer| reason(answer) == Reason::Open));
}

#[tokio::test]
async fn a_stalled_connect_is_unknown_within_the_budget() {
    let mut settings = settings();
    settings.budget = Duration::from_millis(50);
    let (cache, _time, connect) = setup(settings);
    for operation in [Operation::DescribeQueue, Operation::GetCurrentMetricData] {
        connect.fault(operation, Some(Fault::Stall));
    }
    let answer = cache.availability(&connect).await;
    assert_eq!(reason(&answer), Reason::Unknown);
    assert_eq!(answer.report.connect_calls, 2);
    assert!(
        answer
            .report
            .failures
            .iter()
            .all(|failure| failure.failure.kind == ConnectFailureKind::Timeout)
    );
    // The timeouts count as failures: not asked again before the TTL.
    let again = cache.availability(&connect).await;
    assert_eq!(again.report.cache, CacheUse::Hit);
    assert_eq!(connect.total(), 2);
}

#[tokio::test]
async fn closed_hours_are_known_while_the_metrics_stall() {
    let mut settings = settings();
    settings.budget = Duration::from_millis(50);
    let time = Arc::new(ManualTime::new("2026-12-07T20:00:00Z"));
    let cache = AvailabilityCache::with_time_source(settings, time);
    let connect = FakeConnect::new(&[&queue(QUEUE)]);
    connect.fault(Operation::GetCurrentMetricData, Some(Fault::Stall));
    let answer = cache.availability(&connect).await;
    let default = answer
        .entry_point(DEFAULT_ENTRY_POINT)
        .expect("the default");
    assert_eq!(default.reason, Reason::OutsideHours);
    assert_eq!(default.opens_at, Some(at("2026-12-08T09:00:00Z")));
    assert_eq!(answer.report.failures.len(), 1);
    assert_eq!(
        answer.report.failures[0].operation,
        Operation::GetCurrentMetricData
    );
}

#[tokio::test]
async fn a_failed_schedule_refresh_keeps_the_hours_it_had() {
    let (cache, time, connect) = setup(settings());
    cache.availability(&connect).await;
    time.advance(Duration::from_secs(300));
    connect.fault(
        Operation::DescribeQueue,
        Some(Fault::Fail(ConnectFailureKind::ServiceError)),
    );
    let answer = cache.availability(&connect).await;
    assert_eq!(answer.report.failures.len(), 1);
    assert_eq!(reason(&answer), Reason::Open);
}

#[tokio::test]
async fn a_disabled_queue_needs_no_hours() {
    let (cache, _time, mut connect) = setup(settings());
    connect.queues.insert(
        queue(QUEUE),
        QueueDescription {
            status: QueueStatus::Disabled,
            hours_of_operation_id: Some(super::fake::HOURS.to_owned()),
        },
    );
    let answer = cache.availability(&connect).await;
    assert_eq!(reason(&answer), Reason::QueueDisabled);
    assert_eq!(connect.count(Operation::GetEffectiveHoursOfOperations), 0);
}

#[tokio::test]
async fn the_clock_follows_connect_across_days() {
    let (cache, time, connect) = setup(settings());
    cache.availability(&connect).await;
    // Connect's clock moves three weeks on, to a Saturday: the hours fetched no longer cover it.
    connect.set_metrics("2026-12-26T10:00:00Z", &queue(QUEUE), staffed(2.0));
    time.advance(Duration::from_secs(15));
    let answer = cache.availability(&connect).await;
    assert_eq!(
        answer.report.connect_calls, 3,
        "metrics, then the hours again"
    );
    assert_eq!(answer.checked_at, at("2026-12-26T10:00:00Z"));
    let default = answer
        .entry_point(DEFAULT_ENTRY_POINT)
        .expect("the default");
    assert_eq!(default.reason, Reason::OutsideHours);
    assert_eq!(default.opens_at, Some(at("2026-12-28T09:00:00Z")));
}

#[tokio::test]
async fn every_queue_is_asked_once_and_a_queue_without_figures_has_nobody_staffed() {
    let mut settings = settings();
    settings.entry_points.push(EntryPoint {
        name: "sales".to_owned(),
        contact_flow_id: SALES_FLOW.to_owned(),
        queue: queue(SALES_QUEUE),
    });
    settings.entry_points.push(EntryPoint {
        name: "support".to_owned(),
        contact_flow_id: SALES_FLOW.to_owned(),
        queue: queue(QUEUE),
    });
    let (cache, _time, connect) = setup(settings);
    let answer = cache.availability(&connect).await;
    // One metrics call for both queues, one DescribeQueue each, their shared hours once.
    assert_eq!(answer.report.connect_calls, 4);
    let names: Vec<&str> = answer
        .entry_points
        .iter()
        .map(|(name, _)| name.as_str())
        .collect();
    assert_eq!(names, ["default", "sales", "support"]);
    let reasons: Vec<Reason> = answer
        .entry_points
        .iter()
        .map(|(_, availability)| availability.reason)
        .collect();
    assert_eq!(
        reasons,
        [Reason::Open, Reason::NoAgentsStaffed, Reason::Open]
    );
}

#[test]
fn a_start_belongs_to_the_first_entry_point_of_its_flow_on_the_instance() {
    let mut settings = settings();
    for name in ["sales", "support"] {
        settings.entry_points.push(EntryPoint {
            name: name.to_owned(),
            contact_flow_id: SALES_FLOW.to_owned(),
            queue: queue(SALES_QUEUE),
        });
    }
    let name = |instance: &str, flow: &str| {
        settings
            .entry_point_of(instance, flow)
            .map(|entry_point| entry_point.name.as_str())
    };
    assert_eq!(name(INSTANCE, FLOW), Some("default"));
    assert_eq!(name(INSTANCE, SALES_FLOW), Some("sales"));
    assert_eq!(name(INSTANCE, QUEUE), None, "a flow no entry point names");
    assert_eq!(name(SALES_FLOW, FLOW), None, "another instance");
}
