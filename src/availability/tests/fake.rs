//! A counting stand-in for Connect behind the port, and a clock the test moves by hand.

use super::*;
use crate::chat::{ConnectFailure, ConnectFailureKind};
use jiff::ToSpan;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Monotonic and wall time that only move when the test says.
pub struct ManualTime {
    start: Instant,
    wall: Timestamp,
    elapsed: Mutex<Duration>,
}

impl ManualTime {
    pub fn new(wall: &str) -> Self {
        Self {
            start: Instant::now(),
            wall: at(wall),
            elapsed: Mutex::new(Duration::ZERO),
        }
    }

    pub fn advance(&self, by: Duration) {
        *self.elapsed.lock().expect("not poisoned") += by;
    }

    fn elapsed(&self) -> Duration {
        *self.elapsed.lock().expect("not poisoned")
    }
}

impl TimeSource for ManualTime {
    fn monotonic(&self) -> Instant {
        self.start + self.elapsed()
    }

    fn wall(&self) -> Timestamp {
        self.wall + self.elapsed()
    }
}

/// What an operation does instead of answering.
#[derive(Debug, Clone, Copy)]
pub enum Fault {
    Fail(ConnectFailureKind),
    /// Never answers.
    Stall,
}

/// One queue per entry in `queues`, each with hours `HOURS` that open on weekdays 09:00-17:00 in London.
pub struct FakeConnect {
    pub queues: HashMap<QueueId, QueueDescription>,
    pub weekday_hours: Vec<LocalRange>,
    pub metrics: Mutex<MetricsSnapshot>,
    pub faults: Mutex<HashMap<Operation, Fault>>,
    pub calls: Mutex<Vec<Operation>>,
    pub windows: Mutex<Vec<DateWindow>>,
}

pub const HOURS: &str = "b3c4d5e6-0000-4000-8000-000000000001";

impl FakeConnect {
    pub fn new(queues: &[&QueueId]) -> Self {
        Self {
            queues: queues
                .iter()
                .map(|queue| {
                    let description = QueueDescription {
                        status: QueueStatus::Enabled,
                        hours_of_operation_id: Some(HOURS.to_owned()),
                    };
                    ((*queue).clone(), description)
                })
                .collect(),
            weekday_hours: vec![range("09:00", "17:00")],
            metrics: Mutex::new(MetricsSnapshot::default()),
            faults: Mutex::new(HashMap::new()),
            calls: Mutex::new(Vec::new()),
            windows: Mutex::new(Vec::new()),
        }
    }

    /// Connect's clock and the figures of one queue.
    pub fn set_metrics(&self, taken_at: &str, queue: &QueueId, metrics: QueueMetrics) {
        let mut snapshot = self.metrics.lock().expect("not poisoned");
        snapshot.taken_at = Some(at(taken_at));
        snapshot.queues.insert(queue.clone(), metrics);
    }

    pub fn fault(&self, operation: Operation, fault: Option<Fault>) {
        let mut faults = self.faults.lock().expect("not poisoned");
        match fault {
            Some(fault) => faults.insert(operation, fault),
            None => faults.remove(&operation),
        };
    }

    pub fn count(&self, operation: Operation) -> usize {
        let calls = self.calls.lock().expect("not poisoned");
        calls.iter().filter(|call| **call == operation).count()
    }

    pub fn total(&self) -> usize {
        self.calls.lock().expect("not poisoned").len()
    }

    /// Records the call, lets other tasks run (so concurrent requests meet), then applies any fault.
    async fn enter(&self, operation: Operation) -> Result<(), ConnectFailure> {
        self.calls.lock().expect("not poisoned").push(operation);
        tokio::task::yield_now().await;
        let fault = self
            .faults
            .lock()
            .expect("not poisoned")
            .get(&operation)
            .copied();
        match fault {
            None => Ok(()),
            Some(Fault::Fail(kind)) => Err(ConnectFailure::new(kind)),
            Some(Fault::Stall) => std::future::pending().await,
        }
    }
}

impl AvailabilitySource for FakeConnect {
    async fn describe_queue(&self, queue: &QueueId) -> Result<QueueDescription, ConnectFailure> {
        self.enter(Operation::DescribeQueue).await?;
        self.queues
            .get(queue)
            .cloned()
            .ok_or_else(|| ConnectFailure::new(ConnectFailureKind::NotFound))
    }

    async fn effective_hours(
        &self,
        hours_of_operation_id: &str,
        window: DateWindow,
    ) -> Result<EffectiveHours, ConnectFailure> {
        self.enter(Operation::GetEffectiveHoursOfOperations).await?;
        self.windows.lock().expect("not poisoned").push(window);
        if hours_of_operation_id != HOURS {
            return Err(ConnectFailure::new(ConnectFailureKind::NotFound));
        }
        let mut days = Vec::new();
        let mut date = window.from;
        while date <= window.to {
            let weekday = date.weekday().to_monday_one_offset();
            let open = if weekday <= 5 {
                self.weekday_hours.clone()
            } else {
                Vec::new()
            };
            days.push(EffectiveDay { date, open });
            date = date.checked_add(1.day()).expect("a date");
        }
        Ok(EffectiveHours {
            time_zone: LONDON.to_owned(),
            days,
            overrides: Vec::new(),
        })
    }

    async fn current_metrics(&self, queues: &[QueueId]) -> Result<MetricsSnapshot, ConnectFailure> {
        self.enter(Operation::GetCurrentMetricData).await?;
        let snapshot = self.metrics.lock().expect("not poisoned").clone();
        Ok(MetricsSnapshot {
            taken_at: snapshot.taken_at,
            queues: snapshot
                .queues
                .into_iter()
                .filter(|(queue, _)| queues.contains(queue))
                .collect(),
        })
    }
}
