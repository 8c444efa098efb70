//! The per-instance cache: schedules and metrics each kept for their TTL, concurrent misses sharing one
//! refresh, every answer within the budget. A failed metrics refresh is kept for the metrics TTL; a
//! schedule refresh that left a queue unknown is kept for the metrics TTL plus a random part of it (not
//! the schedule TTL), doubling with each failure in a row up to the schedule TTL: environments that
//! started together and met Connect's burst limit spread their retries and recover within seconds, and a
//! lasting failure (a missing IAM grant) is asked about less and less. The schedules are re-evaluated
//! against the clock on every request.

use super::answer::{Availability, CacheUse, RefreshReport};
use super::clock::{ConnectClock, SystemTime, TimeSource};
use super::decision::{QueueFacts, decide};
use super::port::{AvailabilitySource, MetricsSnapshot, QueueId};
use super::refresh::{self, Fetched, Plan, QueueKnowledge};
use super::settings::AvailabilitySettings;
use jiff::Timestamp;
use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// Answers "can a customer chat now" for every entry point, asking Connect no more than the TTLs allow.
pub struct AvailabilityCache {
    settings: AvailabilitySettings,
    queues: Vec<QueueId>,
    time: Arc<dyn TimeSource>,
    state: Mutex<CacheState>,
    /// Held while refreshing: a request that finds the cache stale waits for the refresh under way.
    refreshing: tokio::sync::Mutex<()>,
}

impl std::fmt::Debug for AvailabilityCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AvailabilityCache")
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Default)]
struct CacheState {
    clock: ConnectClock,
    schedules: Option<Stamped<HashMap<QueueId, QueueKnowledge>>>,
    /// `None` inside: the last refresh failed.
    metrics: Option<Stamped<Option<Arc<MetricsSnapshot>>>>,
    /// Schedule refreshes in a row that left a queue unknown.
    schedule_failures: u32,
}

/// A value and the monotonic instant it goes stale.
#[derive(Debug)]
struct Stamped<T> {
    value: T,
    expires: Instant,
}

/// How long the `failures`-th schedule refresh in a row that left a queue unknown is kept: the metrics TTL
/// doubled per earlier failure, and a random part of that more (strictly between none and all of it);
/// never more than the schedule TTL.
pub(super) fn retry_delay(settings: &AvailabilitySettings, failures: u32) -> Duration {
    let base = settings
        .metrics_ttl
        .saturating_mul(1 << failures.clamp(1, 12).saturating_sub(1));
    // A std hasher's keys are random per process and per call: enough to spread retries.
    let random = RandomState::new().hash_one(Instant::now());
    let jitter = base.mul_f64((1 + random % 999) as f64 / 1000.0);
    (base + jitter).min(settings.schedule_ttl)
}

impl AvailabilityCache {
    pub fn new(settings: AvailabilitySettings) -> Self {
        Self::with_time_source(settings, Arc::new(SystemTime))
    }

    pub fn with_time_source(settings: AvailabilitySettings, time: Arc<dyn TimeSource>) -> Self {
        Self {
            queues: settings.queues(),
            settings,
            time,
            state: Mutex::new(CacheState::default()),
            refreshing: tokio::sync::Mutex::new(()),
        }
    }

    pub fn settings(&self) -> &AvailabilitySettings {
        &self.settings
    }

    /// Every entry point's availability now, refreshing what is stale through `source` first. Takes at
    /// most the budget: what Connect has not answered by then is unknown.
    pub async fn availability<P: AvailabilitySource>(&self, source: &P) -> Availability {
        let deadline = tokio::time::Instant::now() + self.settings.budget;
        let mut report = RefreshReport::default();
        if self.plan(self.time.monotonic()).any() {
            report.cache = CacheUse::Shared;
            if let Ok(_refreshing) = tokio::time::timeout_at(deadline, self.refreshing.lock()).await
            {
                // Another request may have refreshed while this one waited. A second round only when
                // the first moved the clock (Connect's) past what the hours cover.
                for _round in 0..2 {
                    let started = self.time.monotonic();
                    let plan = self.plan(started);
                    if !plan.any() {
                        break;
                    }
                    let clock = self.lock().clock;
                    let fetched =
                        refresh::run(source, &self.queues, plan, clock, &*self.time, deadline)
                            .await;
                    report.cache = CacheUse::Refreshed;
                    report.connect_calls += fetched.calls;
                    report.failures.extend(fetched.failures.iter().cloned());
                    self.store(fetched, started);
                }
            }
        }
        self.evaluate(report)
    }

    fn lock(&self) -> MutexGuard<'_, CacheState> {
        // Nothing panics while holding it; were it poisoned, the state is still a consistent value.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// What is stale at the monotonic instant `at`. A schedule that no longer covers "now" (the clock
    /// moved by days) is stale too.
    fn plan(&self, at: Instant) -> Plan {
        let state = self.lock();
        let now = state.clock.now(&*self.time, at);
        let metrics = state
            .metrics
            .as_ref()
            .is_none_or(|metrics| at >= metrics.expires);
        let schedules = state.schedules.as_ref().is_none_or(|schedules| {
            at >= schedules.expires
                || schedules.value.values().any(|knowledge| {
                    matches!(knowledge, QueueKnowledge::Known { schedule: Some(schedule), .. }
                        if !schedule.covers(now))
                })
        });
        Plan { schedules, metrics }
    }

    fn store(&self, fetched: Fetched, started: Instant) {
        let mut state = self.lock();
        state.clock = fetched.clock;
        if let Some(metrics) = fetched.metrics {
            state.metrics = Some(Stamped {
                value: metrics.map(Arc::new),
                expires: started + self.settings.metrics_ttl,
            });
        }
        if let Some(mut schedules) = fetched.schedules {
            // A queue whose refresh failed keeps the hours it had while they still cover now: hours
            // change seldom, and the clock still decides open or closed.
            let now = state.clock.now(&*self.time, self.time.monotonic());
            if let Some(previous) = &state.schedules {
                for (queue, knowledge) in &mut schedules {
                    if let Some(kept) = previous.value.get(queue)
                        && !knowledge.complete_at(now)
                        && kept.complete_at(now)
                    {
                        *knowledge = kept.clone();
                    }
                }
            }
            let complete = schedules
                .values()
                .all(|knowledge| knowledge.complete_at(now));
            let kept_for = if complete {
                state.schedule_failures = 0;
                self.settings.schedule_ttl
            } else {
                state.schedule_failures = state.schedule_failures.saturating_add(1);
                retry_delay(&self.settings, state.schedule_failures)
            };
            state.schedules = Some(Stamped {
                value: schedules,
                expires: started + kept_for,
            });
        }
    }

    fn evaluate(&self, report: RefreshReport) -> Availability {
        let at = self.time.monotonic();
        let state = self.lock();
        let now = state.clock.now(&*self.time, at);
        let metrics = state
            .metrics
            .as_ref()
            .and_then(|metrics| metrics.value.as_deref());
        let entry_points: Vec<_> = self
            .settings
            .entry_points
            .iter()
            .map(|entry_point| {
                let knowledge = state
                    .schedules
                    .as_ref()
                    .and_then(|schedules| schedules.value.get(&entry_point.queue));
                let facts = match knowledge {
                    Some(QueueKnowledge::Known { status, schedule }) => QueueFacts {
                        status: Some(*status),
                        schedule: schedule.as_deref(),
                        metrics: None,
                    },
                    Some(QueueKnowledge::Unknown) | None => QueueFacts::default(),
                };
                let facts = QueueFacts {
                    metrics: metrics.map(|metrics| metrics.queue(&entry_point.queue)),
                    ..facts
                };
                (
                    entry_point.name.clone(),
                    decide(facts, now, self.settings.details),
                )
            })
            .collect();
        let expiries = [
            state.metrics.as_ref().map(|metrics| metrics.expires),
            state.schedules.as_ref().map(|schedules| schedules.expires),
        ];
        let until_expiry = expiries.into_iter().map(|expiry| {
            expiry.map_or(Duration::ZERO, |expiry| {
                expiry.saturating_duration_since(at)
            })
        });
        let until_change = entry_points.iter().flat_map(|(_, availability)| {
            [availability.opens_at, availability.closes_at]
                .into_iter()
                .flatten()
                .map(|change| Duration::try_from(now.duration_until(change)).unwrap_or_default())
        });
        let max_age = until_expiry
            .chain(until_change)
            .min()
            .unwrap_or_default()
            .as_secs()
            .max(1);
        Availability {
            checked_at: Timestamp::from_second(now.as_second()).unwrap_or(now),
            entry_points,
            max_age: Duration::from_secs(max_age),
            report,
        }
    }
}
