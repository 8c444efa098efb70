//! One refresh: the stale parts asked of Connect, every call bounded by one deadline, no retries. The
//! metrics and the queues are asked at once; the hours once the queues have answered, for dates around
//! Connect's own "now" (from the metrics, waited for up to half the budget).

use super::answer::{Operation, SourceFailure};
use super::clock::{ConnectClock, TimeSource};
use super::port::{
    AvailabilitySource, DateWindow, EffectiveHours, MetricsSnapshot, QueueDescription, QueueId,
    QueueStatus,
};
use super::schedule::Schedule;
use crate::chat::{ConnectFailure, ConnectFailureKind};
use futures_util::future::join_all;
use jiff::{Timestamp, ToSpan};
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use tokio::sync::Notify;
use tokio::time::Instant as Deadline;

/// Which parts of the cache to refresh.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plan {
    pub schedules: bool,
    pub metrics: bool,
}

impl Plan {
    pub fn any(self) -> bool {
        self.schedules || self.metrics
    }
}

/// What is known of one queue's status and hours.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueueKnowledge {
    /// `DescribeQueue` failed.
    Unknown,
    /// The status; the schedule unless the hours could not be read (or were not needed).
    Known {
        status: QueueStatus,
        schedule: Option<Arc<Schedule>>,
    },
}

impl QueueKnowledge {
    /// Everything the decision can need, usable at `now`.
    pub fn complete_at(&self, now: Timestamp) -> bool {
        match self {
            Self::Unknown => false,
            Self::Known {
                status: QueueStatus::Disabled,
                ..
            } => true,
            Self::Known { schedule, .. } => schedule.as_ref().is_some_and(|s| s.covers(now)),
        }
    }
}

/// What a refresh brought back.
#[derive(Debug)]
pub struct Fetched {
    /// `None`: not asked; `Some(None)`: failed.
    pub metrics: Option<Option<MetricsSnapshot>>,
    pub schedules: Option<HashMap<QueueId, QueueKnowledge>>,
    /// The clock, advanced to the metrics' snapshot time when they came.
    pub clock: ConnectClock,
    pub calls: u32,
    pub failures: Vec<SourceFailure>,
}

/// The days asked of `GetEffectiveHoursOfOperations` around `now`. Asked before the hours' time zone is
/// known, so in UTC with a day's margin each way: every zone's yesterday to today + 7 is inside.
pub fn date_window(now: Timestamp) -> Option<DateWindow> {
    let today = now.to_zoned_datetime(jiff::tz::TimeZone::UTC).date();
    Some(DateWindow {
        from: today.checked_sub(2.days()).ok()?,
        to: today.checked_add(8.days()).ok()?,
    })
}

pub async fn run<P: AvailabilitySource>(
    port: &P,
    queues: &[QueueId],
    plan: Plan,
    clock: ConnectClock,
    time: &dyn TimeSource,
    deadline: Deadline,
) -> Fetched {
    let mut calls = Calls {
        deadline,
        made: 0,
        failures: Vec::new(),
    };
    let clock = Mutex::new(clock);
    let metrics_settled = Notify::new();
    // How long the hours wait for the metrics' clock: half the budget, so a stalled metrics call
    // still leaves the hours time to be asked.
    let metrics_awaited_until = {
        let now = Deadline::now();
        now + deadline.saturating_duration_since(now) / 2
    };
    let (metrics, schedules) = {
        let (calls, clock, metrics_settled) = (&calls, &clock, &metrics_settled);
        // The metrics and the schedules each on their own: a stalled one does not hold up the other.
        let metrics = async move {
            if !plan.metrics {
                return None;
            }
            let attempt = calls.bounded(port.current_metrics(queues)).await;
            if let Attempt::Answered(Ok(MetricsSnapshot {
                taken_at: Some(taken_at),
                ..
            })) = &attempt
            {
                lock(clock).observe(*taken_at, time.monotonic());
            }
            metrics_settled.notify_one();
            Some(attempt)
        };
        let schedules = async move {
            if !plan.schedules {
                return None;
            }
            let each = queues
                .iter()
                .map(|queue| calls.bounded(port.describe_queue(queue)));
            let descriptions = join_all(each).await;
            // The dates around Connect's "now" when its metrics answer in time; else the clock as it was.
            if plan.metrics {
                let waited = metrics_settled.notified();
                let _ = tokio::time::timeout_at(metrics_awaited_until, waited).await;
            }
            let window = date_window(lock(clock).now(time, time.monotonic()));
            let hours_ids = hours_to_ask(&descriptions);
            let hours = join_all(hours_ids.iter().map(|hours_id| async move {
                match window {
                    Some(window) => calls.bounded(port.effective_hours(hours_id, window)).await,
                    None => {
                        Attempt::NotMade(ConnectFailure::new(ConnectFailureKind::InvalidResponse))
                    }
                }
            }))
            .await;
            Some((descriptions, window, hours_ids, hours))
        };
        tokio::join!(metrics, schedules)
    };
    let metrics = metrics.map(|attempt| calls.settle(Operation::GetCurrentMetricData, attempt));
    let schedules = schedules.map(|(descriptions, window, hours_ids, hours)| {
        let descriptions: Vec<_> = descriptions
            .into_iter()
            .map(|attempt| calls.settle(Operation::DescribeQueue, attempt))
            .collect();
        let by_hours = schedules_by_hours(&mut calls, window, hours_ids, hours);
        queues
            .iter()
            .cloned()
            .zip(descriptions)
            .map(|(queue, description)| (queue, knowledge(description, &by_hours)))
            .collect()
    });
    Fetched {
        metrics,
        schedules,
        clock: clock.into_inner().unwrap_or_else(PoisonError::into_inner),
        calls: calls.made,
        failures: calls.failures,
    }
}

fn lock(clock: &Mutex<ConnectClock>) -> MutexGuard<'_, ConnectClock> {
    clock.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The hours of operation of the enabled queues, each once (a disabled queue needs none).
fn hours_to_ask(descriptions: &[Attempt<QueueDescription>]) -> Vec<String> {
    let mut hours_ids: Vec<String> = descriptions
        .iter()
        .filter_map(|attempt| match attempt {
            Attempt::Answered(Ok(description)) if description.status == QueueStatus::Enabled => {
                description.hours_of_operation_id.clone()
            }
            _ => None,
        })
        .collect();
    hours_ids.sort_unstable();
    hours_ids.dedup();
    hours_ids
}

fn schedules_by_hours(
    calls: &mut Calls,
    window: Option<DateWindow>,
    hours_ids: Vec<String>,
    answers: Vec<Attempt<EffectiveHours>>,
) -> HashMap<String, Arc<Schedule>> {
    let mut by_hours = HashMap::new();
    for (hours_id, answer) in hours_ids.into_iter().zip(answers) {
        let Some(hours) = calls.settle(Operation::GetEffectiveHoursOfOperations, answer) else {
            continue;
        };
        let Some(window) = window else { continue };
        match Schedule::new(&hours, window) {
            Ok(schedule) => {
                by_hours.insert(hours_id, Arc::new(schedule));
            }
            Err(problem) => calls.failures.push(SourceFailure {
                operation: Operation::GetEffectiveHoursOfOperations,
                failure: ConnectFailure {
                    message: Some(problem.to_string()),
                    ..ConnectFailure::new(ConnectFailureKind::InvalidResponse)
                },
            }),
        }
    }
    by_hours
}

fn knowledge(
    description: Option<QueueDescription>,
    by_hours: &HashMap<String, Arc<Schedule>>,
) -> QueueKnowledge {
    match description {
        None => QueueKnowledge::Unknown,
        Some(description) => QueueKnowledge::Known {
            status: description.status,
            schedule: description
                .hours_of_operation_id
                .as_deref()
                .and_then(|hours_id| by_hours.get(hours_id).cloned()),
        },
    }
}

/// A call's outcome, made or not.
enum Attempt<T> {
    Answered(Result<T, ConnectFailure>),
    /// The deadline passed while waiting.
    TimedOut,
    /// The deadline had passed before, or the call could not be formed: Connect was not asked.
    NotMade(ConnectFailure),
}

/// The calls of one refresh: their common deadline, their count, their failures.
struct Calls {
    deadline: Deadline,
    made: u32,
    failures: Vec<SourceFailure>,
}

impl Calls {
    async fn bounded<T>(
        &self,
        call: impl Future<Output = Result<T, ConnectFailure>>,
    ) -> Attempt<T> {
        if Deadline::now() >= self.deadline {
            return Attempt::NotMade(ConnectFailure {
                message: Some("the availability budget was spent before this call".to_owned()),
                ..ConnectFailure::new(ConnectFailureKind::Timeout)
            });
        }
        match tokio::time::timeout_at(self.deadline, call).await {
            Ok(result) => Attempt::Answered(result),
            Err(_) => Attempt::TimedOut,
        }
    }

    /// Counts the call and records its failure.
    fn settle<T>(&mut self, operation: Operation, attempt: Attempt<T>) -> Option<T> {
        let failure = match attempt {
            Attempt::Answered(Ok(value)) => {
                self.made += 1;
                return Some(value);
            }
            Attempt::Answered(Err(failure)) => {
                self.made += 1;
                failure
            }
            Attempt::TimedOut => {
                self.made += 1;
                ConnectFailure {
                    message: Some("no answer within AVAILABILITY_TIMEOUT_MS".to_owned()),
                    ..ConnectFailure::new(ConnectFailureKind::Timeout)
                }
            }
            Attempt::NotMade(failure) => failure,
        };
        self.failures.push(SourceFailure { operation, failure });
        None
    }
}
