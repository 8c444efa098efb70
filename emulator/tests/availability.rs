//! Queues, hours of operation and agent presence through the real `aws-sdk-connect` client:
//! DescribeQueue, GetEffectiveHoursOfOperations (across midnight, a DST change and overrides) and
//! GetCurrentMetricData per queue and channel, with the emulator's clock.

use std::time::{Duration, UNIX_EPOCH};

use aws_sdk_connect::error::ProvideErrorMetadata;
use aws_sdk_connect::types::{
    Channel as SdkChannel, CurrentMetric, CurrentMetricName, Filters, Grouping, Unit,
};
use connect_emulator::{
    AgentPresence, Channel, EmulatorConfig, HoursOfOperation, HoursOverride, HoursRange,
    OverrideRange, OverrideStatus, QueueStatus, TimeOfDay, Weekday, local,
};

use crate::common::{sdk_client, start};

fn time(text: &str) -> TimeOfDay {
    TimeOfDay::parse(text).expect("a time of day")
}

/// Open 09:00-17:00 on weekdays and 22:00-02:00 on Saturdays, in London.
fn london_office() -> HoursOfOperation {
    let mut config: Vec<HoursRange> = [
        Weekday::Monday,
        Weekday::Tuesday,
        Weekday::Wednesday,
        Weekday::Thursday,
        Weekday::Friday,
    ]
    .into_iter()
    .map(|day| HoursRange {
        day,
        start: time("09:00"),
        end: time("17:00"),
    })
    .collect();
    config.push(HoursRange {
        day: Weekday::Saturday,
        start: time("22:00"),
        end: time("02:00"),
    });
    HoursOfOperation {
        hours_of_operation_id: local::DEFAULT_HOURS_ID.to_owned(),
        instance_id: String::new(),
        name: "London office".to_owned(),
        time_zone: "Europe/London".to_owned(),
        config,
        overrides: Vec::new(),
    }
}

/// `["09:00-17:00", ...]` of each date the SDK answered.
async fn effective(
    emulator: &connect_emulator::Emulator,
    from: &str,
    to: &str,
) -> (Vec<(String, Vec<String>)>, Vec<(String, Vec<String>)>) {
    let output = sdk_client(emulator)
        .get_effective_hours_of_operations()
        .instance_id(local::INSTANCE_ID)
        .hours_of_operation_id(local::DEFAULT_HOURS_ID)
        .from_date(from)
        .to_date(to)
        .send()
        .await
        .expect("the effective hours");
    assert_eq!(output.time_zone(), Some("Europe/London"));
    let slice = |s: Option<&aws_sdk_connect::types::OverrideTimeSlice>| {
        let s = s.expect("a time slice");
        format!("{:02}:{:02}", s.hours(), s.minutes())
    };
    let days = output
        .effective_hours_of_operation_list()
        .iter()
        .map(|day| {
            (
                day.date().unwrap_or_default().to_owned(),
                day.operational_hours()
                    .iter()
                    .map(|h| format!("{}-{}", slice(h.start()), slice(h.end())))
                    .collect(),
            )
        })
        .collect();
    let overrides = output
        .effective_override_hours_list()
        .iter()
        .map(|day| {
            (
                day.date().unwrap_or_default().to_owned(),
                day.override_hours()
                    .iter()
                    .map(|h| {
                        format!(
                            "{} {} {}-{}",
                            h.override_name().unwrap_or_default(),
                            h.operational_status()
                                .map(|s| s.as_str())
                                .unwrap_or_default(),
                            slice(h.start()),
                            slice(h.end())
                        )
                    })
                    .collect(),
            )
        })
        .collect();
    (days, overrides)
}

fn day(date: &str, ranges: &[&str]) -> (String, Vec<String>) {
    (
        date.to_owned(),
        ranges.iter().map(|r| (*r).to_owned()).collect(),
    )
}

#[tokio::test]
async fn describe_queue_answers_the_queue_and_its_hours() {
    let emulator = start(EmulatorConfig::local()).await;
    let client = sdk_client(&emulator);
    let queue = client
        .describe_queue()
        .instance_id(local::INSTANCE_ID)
        .queue_id(local::SALES_QUEUE_ID)
        .send()
        .await
        .expect("the sales queue")
        .queue
        .expect("a queue");
    assert_eq!(queue.name(), Some("Sales"));
    assert_eq!(queue.hours_of_operation_id(), Some(local::SALES_HOURS_ID));
    assert_eq!(queue.status().map(|s| s.as_str()), Some("ENABLED"));
    assert_eq!(
        queue.queue_arn(),
        Some(
            format!(
                "arn:aws:connect:us-east-1:000000000000:instance/{}/queue/{}",
                local::INSTANCE_ID,
                local::SALES_QUEUE_ID
            )
            .as_str()
        )
    );

    emulator
        .set_queue_status(local::SALES_QUEUE_ID, QueueStatus::Disabled)
        .expect("a known queue");
    let disabled = client
        .describe_queue()
        .instance_id(local::INSTANCE_ID)
        .queue_id(local::SALES_QUEUE_ID)
        .send()
        .await
        .expect("the sales queue");
    assert_eq!(
        disabled
            .queue()
            .and_then(|q| q.status())
            .map(|s| s.as_str()),
        Some("DISABLED")
    );

    for (instance, queue) in [
        (local::INSTANCE_ID, "0b5ad8c2-0000-4000-8000-000000000000"),
        (
            "0b5ad8c2-0000-4000-8000-000000000001",
            local::SALES_QUEUE_ID,
        ),
    ] {
        let error = client
            .describe_queue()
            .instance_id(instance)
            .queue_id(queue)
            .send()
            .await
            .expect_err("unknown")
            .into_service_error();
        assert_eq!(
            error.code(),
            Some("ResourceNotFoundException"),
            "{instance} {queue}"
        );
    }
}

#[tokio::test]
async fn the_local_schedule_is_open_around_the_clock() {
    let emulator = start(EmulatorConfig::local()).await;
    let (days, overrides) = effective(&emulator, "2026-12-24", "2026-12-26").await;
    assert_eq!(
        days,
        [
            day("2026-12-24", &["00:00-00:00"]),
            day("2026-12-25", &["00:00-00:00"]),
            day("2026-12-26", &["00:00-00:00"]),
        ]
    );
    assert!(overrides.is_empty());
}

#[tokio::test]
async fn effective_hours_keep_local_times_across_a_dst_change_and_midnight() {
    let emulator = start(EmulatorConfig::local()).await;
    emulator
        .set_hours_of_operation(london_office())
        .expect("valid hours");
    // Europe/London springs forward on Sunday 2026-03-29: the local ranges stay as configured, and
    // Saturday's overnight range is reported on the Saturday, ending the next day.
    let (days, _) = effective(&emulator, "2026-03-27", "2026-03-30").await;
    assert_eq!(
        days,
        [
            day("2026-03-27", &["09:00-17:00"]),
            day("2026-03-28", &["22:00-02:00"]),
            day("2026-03-29", &[]),
            day("2026-03-30", &["09:00-17:00"]),
        ]
    );
    // And back on Sunday 2026-10-25.
    let (days, _) = effective(&emulator, "2026-10-24", "2026-10-26").await;
    assert_eq!(
        days,
        [
            day("2026-10-24", &["22:00-02:00"]),
            day("2026-10-25", &[]),
            day("2026-10-26", &["09:00-17:00"]),
        ]
    );
}

#[tokio::test]
async fn overrides_close_and_open_and_are_named() {
    let emulator = start(EmulatorConfig::local()).await;
    emulator
        .set_hours_of_operation(london_office())
        .expect("valid hours");
    let closed = emulator
        .add_hours_override(
            local::DEFAULT_HOURS_ID,
            HoursOverride {
                override_id: String::new(),
                name: "Christmas".to_owned(),
                status: OverrideStatus::Closed,
                effective_from: "2026-12-25".to_owned(),
                effective_till: "2026-12-27".to_owned(),
                config: vec![OverrideRange {
                    day: None,
                    start: TimeOfDay::MIDNIGHT,
                    end: TimeOfDay::MIDNIGHT,
                }],
            },
        )
        .expect("a valid override");
    emulator
        .add_hours_override(
            local::DEFAULT_HOURS_ID,
            HoursOverride {
                override_id: String::new(),
                name: "Christmas Eve".to_owned(),
                status: OverrideStatus::Open,
                effective_from: "2026-12-24".to_owned(),
                effective_till: "2026-12-24".to_owned(),
                config: vec![OverrideRange {
                    day: Some(Weekday::Thursday),
                    start: time("09:00"),
                    end: time("13:00"),
                }],
            },
        )
        .expect("a valid override");
    let (days, overrides) = effective(&emulator, "2026-12-24", "2026-12-27").await;
    assert_eq!(
        days,
        [
            day("2026-12-24", &["09:00-13:00"]),
            day("2026-12-25", &[]),
            day("2026-12-26", &[]),
            day("2026-12-27", &[]),
        ]
    );
    assert_eq!(
        overrides[..2],
        [
            day("2026-12-24", &["Christmas Eve OPEN 09:00-13:00"]),
            day("2026-12-25", &["Christmas CLOSED 00:00-00:00"]),
        ]
    );
    emulator
        .remove_hours_override(local::DEFAULT_HOURS_ID, &closed.override_id)
        .expect("removed");
    let (days, overrides) = effective(&emulator, "2026-12-25", "2026-12-25").await;
    assert_eq!(days, [day("2026-12-25", &["09:00-17:00"])]);
    assert!(overrides.is_empty());
}

#[tokio::test]
async fn bad_dates_and_unknown_hours_are_refused() {
    let emulator = start(EmulatorConfig::local()).await;
    let client = sdk_client(&emulator);
    for (hours, from, to, code) in [
        (
            local::DEFAULT_HOURS_ID,
            "2026-02-30",
            "2026-03-01",
            "InvalidParameterException",
        ),
        (
            local::DEFAULT_HOURS_ID,
            "2026-12-05",
            "2026-12-04",
            "InvalidParameterException",
        ),
        (
            local::DEFAULT_HOURS_ID,
            "2026-01-01",
            "2027-12-31",
            "InvalidParameterException",
        ),
        (
            local::DEFAULT_HOURS_ID,
            "05/12/2026",
            "2026-12-06",
            "InvalidParameterException",
        ),
        (
            "no-such-hours",
            "2026-12-05",
            "2026-12-06",
            "ResourceNotFoundException",
        ),
    ] {
        let error = client
            .get_effective_hours_of_operations()
            .instance_id(local::INSTANCE_ID)
            .hours_of_operation_id(hours)
            .from_date(from)
            .to_date(to)
            .send()
            .await
            .expect_err("refused")
            .into_service_error();
        assert_eq!(error.code(), Some(code), "{hours} {from} {to}");
    }
}

fn chat_metrics_request(
    client: &aws_sdk_connect::Client,
) -> aws_sdk_connect::operation::get_current_metric_data::builders::GetCurrentMetricDataFluentBuilder
{
    let metric = |name: CurrentMetricName, unit: Unit| {
        CurrentMetric::builder().name(name).unit(unit).build()
    };
    client
        .get_current_metric_data()
        .instance_id(local::INSTANCE_ID)
        .filters(
            Filters::builder()
                .queues(local::DEFAULT_QUEUE_ID)
                .queues(local::SALES_QUEUE_ID)
                .channels(SdkChannel::Chat)
                .build(),
        )
        .groupings(Grouping::Queue)
        .groupings(Grouping::Channel)
        .current_metrics(metric(CurrentMetricName::AgentsOnline, Unit::Count))
        .current_metrics(metric(CurrentMetricName::AgentsAvailable, Unit::Count))
        .current_metrics(metric(CurrentMetricName::AgentsStaffed, Unit::Count))
        .current_metrics(metric(CurrentMetricName::ContactsInQueue, Unit::Count))
        .current_metrics(metric(CurrentMetricName::OldestContactAge, Unit::Seconds))
        .current_metrics(metric(CurrentMetricName::EstimatedWaitTime, Unit::Seconds))
}

/// Queue id -> the six values, in the order asked.
fn by_queue(
    output: &aws_sdk_connect::operation::get_current_metric_data::GetCurrentMetricDataOutput,
) -> Vec<(String, Vec<Option<f64>>)> {
    output
        .metric_results()
        .iter()
        .map(|result| {
            let dimensions = result.dimensions().expect("dimensions");
            assert_eq!(dimensions.channel().map(|c| c.as_str()), Some("CHAT"));
            (
                dimensions
                    .queue()
                    .and_then(|q| q.id())
                    .unwrap_or_default()
                    .to_owned(),
                result.collections().iter().map(|c| c.value()).collect(),
            )
        })
        .collect()
}

#[tokio::test]
async fn metrics_report_each_queue_s_chat_channel_and_leave_out_queues_without_data() {
    let emulator = start(EmulatorConfig::local()).await;
    let client = sdk_client(&emulator);
    let output = chat_metrics_request(&client).send().await.expect("metrics");
    let staffed = Some(f64::from(local::AGENTS_STAFFED));
    let available = Some(f64::from(local::AGENTS_AVAILABLE));
    let local_values = vec![staffed, available, staffed, Some(0.0), Some(0.0), Some(0.0)];
    let mut results = by_queue(&output);
    results.sort_by(|a, b| a.0.cmp(&b.0));
    let mut expected = vec![
        (local::DEFAULT_QUEUE_ID.to_owned(), local_values.clone()),
        (local::SALES_QUEUE_ID.to_owned(), local_values),
    ];
    expected.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(results, expected);

    emulator
        .set_agent_presence(AgentPresence {
            queue_id: local::DEFAULT_QUEUE_ID.to_owned(),
            channel: Channel::Chat,
            agents_online: 5,
            agents_available: 0,
            agents_staffed: 4,
            contacts_in_queue: 3,
            oldest_contact_age_seconds: 95,
            estimated_wait_seconds: None,
        })
        .expect("valid presence");
    emulator
        .set_agent_presence(AgentPresence::empty(local::SALES_QUEUE_ID, Channel::Chat))
        .expect("valid presence");
    // Voice agents on the sales queue are not chat agents.
    emulator
        .set_agent_presence(AgentPresence::staffed(
            local::SALES_QUEUE_ID,
            Channel::Voice,
            7,
            7,
        ))
        .expect("valid presence");
    let output = chat_metrics_request(&client).send().await.expect("metrics");
    assert_eq!(
        by_queue(&output),
        [(
            local::DEFAULT_QUEUE_ID.to_owned(),
            vec![Some(5.0), Some(0.0), Some(4.0), Some(3.0), Some(95.0), None]
        )],
        "the sales queue has no chat data and is left out; an unknown wait has no value"
    );
    assert_eq!(output.approximate_total_count(), Some(1));
}

#[tokio::test]
async fn the_snapshot_time_follows_the_emulator_s_clock() {
    let emulator = start(EmulatorConfig::local()).await;
    let christmas_eve = UNIX_EPOCH + Duration::from_secs(1_798_135_190); // 2026-12-24T17:59:50Z
    emulator.set_now(christmas_eve);
    emulator.advance_clock(Duration::from_secs(20));
    let output = chat_metrics_request(&sdk_client(&emulator))
        .send()
        .await
        .expect("metrics");
    let snapshot = output.data_snapshot_time().expect("a snapshot time").secs();
    // The clock runs on after it is set: the snapshot is 18:00:10 plus the test's own time.
    assert!(
        (1_798_135_210..1_798_135_270).contains(&snapshot),
        "{snapshot}"
    );
    emulator.follow_system_clock();
    assert!(emulator.now() > UNIX_EPOCH + Duration::from_secs(1_700_000_000));
}

#[tokio::test]
async fn metric_requests_outside_the_documented_combinations_are_refused() {
    let emulator = start(EmulatorConfig::local()).await;
    let client = sdk_client(&emulator);
    let wait = CurrentMetric::builder()
        .name(CurrentMetricName::EstimatedWaitTime)
        .unit(Unit::Seconds)
        .build();
    let by_queue_only = client
        .get_current_metric_data()
        .instance_id(local::INSTANCE_ID)
        .filters(
            Filters::builder()
                .queues(local::DEFAULT_QUEUE_ID)
                .channels(SdkChannel::Chat)
                .build(),
        )
        .groupings(Grouping::Queue)
        .current_metrics(wait)
        .send()
        .await
        .expect_err("ESTIMATED_WAIT_TIME needs QUEUE and CHANNEL")
        .into_service_error();
    assert_eq!(by_queue_only.code(), Some("InvalidParameterException"));
    let unknown_queue = client
        .get_current_metric_data()
        .instance_id(local::INSTANCE_ID)
        .filters(
            Filters::builder()
                .queues("0b5ad8c2-0000-4000-8000-000000000000")
                .build(),
        )
        .current_metrics(
            CurrentMetric::builder()
                .name(CurrentMetricName::AgentsOnline)
                .unit(Unit::Count)
                .build(),
        )
        .send()
        .await
        .expect_err("an unknown queue")
        .into_service_error();
    assert_eq!(unknown_queue.code(), Some("ResourceNotFoundException"));
}
