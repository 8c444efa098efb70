//! [`AvailabilitySource`] implemented with `aws-sdk-connect`: DescribeQueue, GetEffectiveHoursOfOperations
//! and GetCurrentMetricData, on a client of their own (no retries, timeouts inside the availability
//! budget, its own retry partition) so that they never spend the start's retry quota or time.

use super::errors::classify;
use crate::availability::{
    AvailabilitySource, DateWindow, EffectiveDay, EffectiveHours, LocalRange, MetricsSnapshot,
    OverrideRange, OverrideStatus, QueueDescription, QueueId, QueueMetrics, QueueStatus,
};
use crate::chat::{ConnectFailure, ConnectFailureKind};
use aws_config::SdkConfig;
use aws_sdk_connect::Client;
use aws_sdk_connect::config::retry::RetryConfig;
use aws_sdk_connect::config::timeout::TimeoutConfig;
use aws_sdk_connect::types::{
    self, Channel, CurrentMetric, CurrentMetricName, Filters, Grouping, OperationalStatus,
    OverrideTimeSlice, Unit,
};
use aws_smithy_runtime::client::retries::RetryPartition;
use jiff::Timestamp;
use jiff::civil::{Date, Time};
use std::collections::HashMap;
use std::time::Duration;

/// The availability client: one attempt per call, no longer than the budget. The cache bounds the whole
/// refresh; these bounds only make sure a call never outlives it.
pub fn availability_client(sdk_config: &SdkConfig, budget: Duration) -> Client {
    let config = aws_sdk_connect::config::Builder::from(sdk_config)
        .retry_config(RetryConfig::disabled())
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(budget)
                .operation_attempt_timeout(budget)
                .operation_timeout(budget)
                .build(),
        )
        // Its own quota, apart from the start's: availability calls never use up the start's retries.
        .retry_partition(RetryPartition::custom("start-chat-availability").build())
        .build();
    Client::from_conf(config)
}

/// The production [`AvailabilitySource`] for the configured instance.
#[derive(Debug, Clone)]
pub struct SdkAvailabilitySource {
    client: Client,
    instance_id: String,
}

impl SdkAvailabilitySource {
    pub fn new(client: Client, instance_id: impl Into<String>) -> Self {
        Self {
            client,
            instance_id: instance_id.into(),
        }
    }
}

/// The metrics asked for, each with the unit Connect requires.
const METRICS: [(CurrentMetricName, Unit); 6] = [
    (CurrentMetricName::AgentsOnline, Unit::Count),
    (CurrentMetricName::AgentsAvailable, Unit::Count),
    (CurrentMetricName::AgentsStaffed, Unit::Count),
    (CurrentMetricName::ContactsInQueue, Unit::Count),
    (CurrentMetricName::OldestContactAge, Unit::Seconds),
    (CurrentMetricName::EstimatedWaitTime, Unit::Seconds),
];

impl AvailabilitySource for SdkAvailabilitySource {
    async fn describe_queue(&self, queue: &QueueId) -> Result<QueueDescription, ConnectFailure> {
        let output = self
            .client
            .describe_queue()
            .instance_id(&self.instance_id)
            .queue_id(queue.as_str())
            .send()
            .await
            .map_err(classify)?;
        let queue = output
            .queue
            .ok_or_else(|| unreadable("DescribeQueue answered without Queue"))?;
        let status = match queue.status {
            Some(types::QueueStatus::Enabled) => QueueStatus::Enabled,
            Some(types::QueueStatus::Disabled) => QueueStatus::Disabled,
            _ => return Err(unreadable("DescribeQueue answered without a known Status")),
        };
        Ok(QueueDescription {
            status,
            hours_of_operation_id: queue.hours_of_operation_id,
        })
    }

    async fn effective_hours(
        &self,
        hours_of_operation_id: &str,
        window: DateWindow,
    ) -> Result<EffectiveHours, ConnectFailure> {
        let output = self
            .client
            .get_effective_hours_of_operations()
            .instance_id(&self.instance_id)
            .hours_of_operation_id(hours_of_operation_id)
            .from_date(window.from.to_string())
            .to_date(window.to.to_string())
            .send()
            .await
            .map_err(classify)?;
        let time_zone = output
            .time_zone
            .ok_or_else(|| unreadable("GetEffectiveHoursOfOperations answered without TimeZone"))?;
        let days = output
            .effective_hours_of_operation_list
            .unwrap_or_default()
            .into_iter()
            .map(|day| {
                Ok(EffectiveDay {
                    date: date(day.date.as_deref())?,
                    open: day
                        .operational_hours
                        .unwrap_or_default()
                        .iter()
                        .map(|hour| local_range(hour.start.as_ref(), hour.end.as_ref()))
                        .collect::<Result<_, _>>()?,
                })
            })
            .collect::<Result<_, ConnectFailure>>()?;
        let mut overrides = Vec::new();
        for day in output.effective_override_hours_list.unwrap_or_default() {
            let date = date(day.date.as_deref())?;
            for hour in day.override_hours.unwrap_or_default() {
                let status = match hour.operational_status {
                    Some(OperationalStatus::Closed) => OverrideStatus::Closed,
                    Some(OperationalStatus::Open) => OverrideStatus::Open,
                    // An override the model grew since: it cannot explain a closure.
                    _ => continue,
                };
                overrides.push(OverrideRange {
                    date,
                    range: local_range(hour.start.as_ref(), hour.end.as_ref())?,
                    status,
                });
            }
        }
        Ok(EffectiveHours {
            time_zone,
            days,
            overrides,
        })
    }

    async fn current_metrics(&self, queues: &[QueueId]) -> Result<MetricsSnapshot, ConnectFailure> {
        let mut call = self
            .client
            .get_current_metric_data()
            .instance_id(&self.instance_id)
            .filters(
                Filters::builder()
                    .set_queues(Some(queues.iter().map(|q| q.as_str().to_owned()).collect()))
                    .channels(Channel::Chat)
                    .build(),
            )
            // ESTIMATED_WAIT_TIME needs both groupings; with the one channel, one result per queue
            // (the configuration allows at most 100 queues: one page).
            .groupings(Grouping::Queue)
            .groupings(Grouping::Channel)
            .max_results(100);
        for (name, unit) in METRICS {
            call = call.current_metrics(CurrentMetric::builder().name(name).unit(unit).build());
        }
        let output = call.send().await.map_err(classify)?;
        let taken_at = output
            .data_snapshot_time
            .and_then(|time| Timestamp::new(time.secs(), time.subsec_nanos() as i32).ok());
        let mut by_queue = HashMap::new();
        for result in output.metric_results.unwrap_or_default() {
            let Some(queue) = result
                .dimensions
                .and_then(|dimensions| dimensions.queue)
                .and_then(|queue| queue.id)
                .and_then(|id| QueueId::parse(&id))
            else {
                continue;
            };
            let mut metrics = QueueMetrics::default();
            for data in result.collections.unwrap_or_default() {
                let (Some(name), Some(value)) = (data.metric.and_then(|m| m.name), data.value)
                else {
                    continue;
                };
                if !value.is_finite() {
                    continue;
                }
                match name {
                    CurrentMetricName::AgentsOnline => metrics.agents_online = value,
                    CurrentMetricName::AgentsAvailable => metrics.agents_available = value,
                    CurrentMetricName::AgentsStaffed => metrics.agents_staffed = value,
                    CurrentMetricName::ContactsInQueue => metrics.contacts_in_queue = value,
                    CurrentMetricName::OldestContactAge => {
                        metrics.oldest_contact_age_seconds = value;
                    }
                    CurrentMetricName::EstimatedWaitTime => {
                        metrics.estimated_wait_seconds = Some(value);
                    }
                    _ => {}
                }
            }
            by_queue.insert(queue, metrics);
        }
        Ok(MetricsSnapshot {
            taken_at,
            queues: by_queue,
        })
    }
}

fn unreadable(message: &str) -> ConnectFailure {
    ConnectFailure {
        message: Some(message.to_owned()),
        ..ConnectFailure::new(ConnectFailureKind::InvalidResponse)
    }
}

fn date(text: Option<&str>) -> Result<Date, ConnectFailure> {
    text.and_then(|text| text.parse().ok()).ok_or_else(|| {
        unreadable("GetEffectiveHoursOfOperations answered a Date that is not YYYY-MM-DD")
    })
}

fn local_range(
    start: Option<&OverrideTimeSlice>,
    end: Option<&OverrideTimeSlice>,
) -> Result<LocalRange, ConnectFailure> {
    Ok(LocalRange {
        start: time(start)?,
        end: time(end)?,
    })
}

/// Hours 0-23 and minutes 0-59; 24:00, which some schedules write for midnight, reads as 00:00 (an end
/// at or before its start is on the next day).
fn time(slice: Option<&OverrideTimeSlice>) -> Result<Time, ConnectFailure> {
    let slice = slice.ok_or_else(|| unreadable("a range without Start or End"))?;
    let hours = if (slice.hours, slice.minutes) == (24, 0) {
        0
    } else {
        slice.hours
    };
    let (Ok(hours), Ok(minutes)) = (i8::try_from(hours), i8::try_from(slice.minutes)) else {
        return Err(unreadable("a time out of range"));
    };
    Time::new(hours, minutes, 0, 0).map_err(|_| unreadable("a time out of range"))
}
