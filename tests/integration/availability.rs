//! Availability through the real `start-chat` binary (a local Runtime API) and the Connect emulator:
//! open then closed as the emulator's clock crosses the closing time, agents leaving, Connect failing
//! or stalled (unknown, and starts unaffected), the bound on Connect calls, and `REFUSE_START_WHEN`.

use crate::support::*;
use connect_emulator::local::{DEFAULT_HOURS_ID, DEFAULT_QUEUE_ID, DEFAULT_TIME_ZONE};
use connect_emulator::{
    AgentPresence, Channel, ConnectErrorKind, Emulator, Fault, HoursOfOperation, HoursOverride,
    HoursRange, Operation, OverrideRange, OverrideStatus, TimeOfDay, Weekday,
};
use local_runtime_api::LambdaProcess;
use serde_json::{Value, json};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The function under `make local`'s settings plus `extra`, ready.
async fn function(emulator: &Emulator, extra: &[(&str, &str)]) -> LambdaProcess {
    let env = binary_env(&emulator.endpoint_url(), extra);
    let mut function = LambdaProcess::spawn(env!("CARGO_BIN_EXE_start-chat"), &env)
        .await
        .expect("spawn");
    function
        .wait_until_ready()
        .await
        .expect("the function starts");
    function
}

async fn call(function: &mut LambdaProcess, event: &Value) -> Reply {
    let invocation = function
        .invoke(event.to_string().into_bytes())
        .await
        .expect("an answer");
    reply_from(
        &invocation
            .response_json()
            .expect("a response, not a Lambda error"),
    )
}

async fn get(function: &mut LambdaProcess) -> Reply {
    call(function, &event_json("availability.json")).await
}

/// A start through `flow` (an alias, or "" for the default).
async fn start(function: &mut LambdaProcess, flow: &str) -> Reply {
    let body = json!({"ParticipantDetails": {"DisplayName": "Ada"}, "ContactFlowId": flow});
    call(function, &with_body(event_json("http-api-v2.json"), &body)).await
}

fn entry<'a>(reply: &'a Reply, name: &str) -> &'a Value {
    &reply.body["data"]["entryPoints"][name]
}

fn calls_of(emulator: &Emulator, operation: Operation) -> usize {
    emulator
        .operation_calls()
        .iter()
        .filter(|call| call.operation == operation)
        .count()
}

fn at(text: &str) -> SystemTime {
    let seconds: jiff::Timestamp = text.parse().expect("a timestamp");
    UNIX_EPOCH + Duration::from_secs(u64::try_from(seconds.as_second()).expect("after 1970"))
}

fn time(hours: u8, minutes: u8) -> TimeOfDay {
    TimeOfDay::new(hours, minutes).expect("a time of day")
}

/// The default queue's hours become Monday to Friday, 09:00-17:00, London time.
fn office_hours(emulator: &Emulator) {
    let weekdays = [
        Weekday::Monday,
        Weekday::Tuesday,
        Weekday::Wednesday,
        Weekday::Thursday,
        Weekday::Friday,
    ];
    emulator
        .set_hours_of_operation(HoursOfOperation {
            hours_of_operation_id: DEFAULT_HOURS_ID.to_owned(),
            instance_id: String::new(),
            name: "Office hours".to_owned(),
            time_zone: DEFAULT_TIME_ZONE.to_owned(),
            config: weekdays
                .into_iter()
                .map(|day| HoursRange {
                    day,
                    start: time(9, 0),
                    end: time(17, 0),
                })
                .collect(),
            overrides: Vec::new(),
        })
        .expect("valid hours");
}

/// Longer than `AVAILABILITY_METRICS_TTL_SECONDS=1`: the next request refreshes the metrics.
async fn let_the_metrics_expire() {
    tokio::time::sleep(Duration::from_millis(1100)).await;
}

#[tokio::test]
async fn open_turns_closed_when_the_emulators_clock_passes_the_closing_time() {
    let emulator = start_emulator().await;
    office_hours(&emulator);
    // A Monday in December: London is on UTC.
    emulator.set_now(at("2026-12-07T16:59:30Z"));
    let mut function = function(&emulator, &[("AVAILABILITY_METRICS_TTL_SECONDS", "1")]).await;

    let before = get(&mut function).await;
    assert_eq!(before.status, 200, "{:?}", before.body);
    assert_eq!(before.header("cache-control"), Some("public, max-age=1"));
    let default = entry(&before, "default");
    assert_eq!(default["available"], true, "{default}");
    assert_eq!(default["reason"], "OPEN");
    assert_eq!(default["closesAt"], "2026-12-07T17:00:00Z");
    assert_eq!(default["timeZone"], DEFAULT_TIME_ZONE);
    assert!(
        before.body["data"]["checkedAt"]
            .as_str()
            .is_some_and(|checked| checked.starts_with("2026-12-07T16:59")),
        "the function follows the emulator's clock: {}",
        before.body
    );

    emulator.advance_clock(Duration::from_secs(60));
    let_the_metrics_expire().await;
    let after = get(&mut function).await;
    let default = entry(&after, "default");
    assert_eq!(default["available"], false, "{default}");
    assert_eq!(default["reason"], "OUTSIDE_HOURS");
    assert_eq!(default["opensAt"], "2026-12-08T09:00:00Z");
    assert_eq!(default["closesAt"], Value::Null);
    // The sales queue's hours are around the clock.
    assert_eq!(entry(&after, "sales")["reason"], "OPEN");
    function.stop().await;
}

#[tokio::test]
async fn agents_leaving_make_it_unavailable() {
    let emulator = start_emulator().await;
    let mut function = function(&emulator, &[("AVAILABILITY_METRICS_TTL_SECONDS", "1")]).await;
    assert_eq!(
        entry(&get(&mut function).await, "default")["reason"],
        "OPEN"
    );

    emulator
        .set_agent_presence(AgentPresence::empty(DEFAULT_QUEUE_ID, Channel::Chat))
        .expect("a known queue");
    let_the_metrics_expire().await;
    let reply = get(&mut function).await;
    let default = entry(&reply, "default");
    assert_eq!(default["available"], false, "{default}");
    assert_eq!(default["reason"], "NO_AGENTS_STAFFED");
    assert_eq!(default["estimatedWaitSeconds"], Value::Null);
    assert_eq!(entry(&reply, "sales")["reason"], "OPEN");
    function.stop().await;
}

#[tokio::test]
async fn connect_failing_or_stalled_is_unknown_and_starts_still_work() {
    let stalled = Fault::Stall;
    let throttled = Fault::Error(ConnectErrorKind::Throttling);
    let failing = Fault::Error(ConnectErrorKind::InternalService);
    for fault in [stalled, throttled, failing] {
        let emulator = start_emulator().await;
        // The metrics call, and DescribeQueue for each of the two queues.
        for operation in [
            Operation::GetCurrentMetricData,
            Operation::DescribeQueue,
            Operation::DescribeQueue,
        ] {
            emulator
                .inject_into(operation, fault.clone())
                .expect("a fault for that operation");
        }
        let mut function = function(&emulator, &[("AVAILABILITY_TIMEOUT_MS", "300")]).await;
        let reply = get(&mut function).await;
        assert_eq!(reply.status, 200, "{fault:?}: {:?}", reply.body);
        for name in ["default", "sales"] {
            let answer = entry(&reply, name);
            assert_eq!(answer["available"], Value::Null, "{fault:?}: {answer}");
            assert_eq!(answer["reason"], "UNKNOWN", "{fault:?}");
        }
        let started = start(&mut function, "").await;
        assert_eq!(started.status, 200, "{fault:?}: {:?}", started.body);
        assert!(started.body["ContactId"].is_string());

        let output = function.stop().await;
        let failures: Vec<Value> = output
            .stdout
            .iter()
            .filter_map(|line| serde_json::from_str::<Value>(line).ok())
            .filter(|line| line["message"] == "availability: an Amazon Connect call failed")
            .collect();
        assert_eq!(failures.len(), 3, "{fault:?}: {:#?}", output.stdout);
        assert!(failures.iter().all(|line| line["level"] == "WARN"));
    }
}

#[tokio::test]
async fn many_requests_cost_connect_at_most_the_documented_calls() {
    let emulator = start_emulator().await;
    let mut function = function(&emulator, &[]).await;
    const REQUESTS: usize = 300;
    for _ in 0..REQUESTS {
        let reply = get(&mut function).await;
        assert_eq!(entry(&reply, "default")["reason"], "OPEN");
    }
    // One warm environment within one metrics TTL (15 s) and one schedule TTL (300 s): one metrics
    // call for both queues, DescribeQueue for each of the two queues, their two hours once each.
    assert_eq!(calls_of(&emulator, Operation::GetCurrentMetricData), 1);
    assert_eq!(calls_of(&emulator, Operation::DescribeQueue), 2);
    assert_eq!(
        calls_of(&emulator, Operation::GetEffectiveHoursOfOperations),
        2
    );
    // Each request's line says what it cost; together, the calls the emulator saw.
    let output = function.stop().await;
    let lines: Vec<Value> = output
        .stdout
        .iter()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|line| line["outcome"] == "availability")
        .collect();
    assert_eq!(lines.len(), REQUESTS);
    let reported: u64 = lines
        .iter()
        .filter_map(|line| line["availability_connect_calls"].as_u64())
        .sum();
    assert_eq!(reported, 5);
    assert_eq!(lines[0]["availability_cache"], "refreshed");
    assert!(
        lines[1..]
            .iter()
            .all(|line| line["availability_cache"] == "hit")
    );
}

#[tokio::test]
async fn refusing_closed_starts_never_reaches_start_chat_contact() {
    let emulator = start_emulator().await;
    emulator.set_now(at("2026-12-25T12:00:00Z"));
    emulator
        .add_hours_override(
            DEFAULT_HOURS_ID,
            HoursOverride {
                override_id: String::new(),
                name: "Christmas Day".to_owned(),
                status: OverrideStatus::Closed,
                effective_from: "2026-12-25".to_owned(),
                effective_till: "2026-12-25".to_owned(),
                config: vec![OverrideRange {
                    day: None,
                    start: TimeOfDay::MIDNIGHT,
                    end: TimeOfDay::MIDNIGHT,
                }],
            },
        )
        .expect("a valid override");
    let mut function = function(&emulator, &[("REFUSE_START_WHEN", "closed")]).await;

    let refused = start(&mut function, "").await;
    assert_eq!(refused.status, 409, "{:?}", refused.body);
    assert_eq!(refused.body["error"]["code"], "CHAT_CLOSED");
    assert_eq!(refused.body["error"]["reason"], "CLOSED_BY_OVERRIDE");
    // Open around the clock again from midnight, London time (UTC in December).
    assert_eq!(refused.body["error"]["opensAt"], "2026-12-26T00:00:00Z");
    let retry_after: u64 = refused
        .header("retry-after")
        .and_then(|seconds| seconds.parse().ok())
        .expect("a Retry-After");
    assert!((1..=12 * 3600).contains(&retry_after), "{retry_after}");
    assert_eq!(
        refused.header("access-control-allow-origin"),
        Some(SITE_ORIGIN)
    );
    assert!(emulator.start_chat_calls().is_empty());

    // The sales entry point is open: its start goes through.
    let started = start(&mut function, "sales").await;
    assert_eq!(started.status, 200, "{:?}", started.body);
    assert_eq!(emulator.start_chat_calls().len(), 1);
    assert_eq!(
        entry(&get(&mut function).await, "default")["reason"],
        "CLOSED_BY_OVERRIDE"
    );
    function.stop().await;
}
