//! The control API of the contact centre: queues, hours of operation and overrides, agents, and the
//! emulator's clock; bad input is a 400 naming what is wrong and changes nothing.

use aws_sdk_connect::types::{CurrentMetric, CurrentMetricName, Filters, Unit};
use connect_emulator::{EmulatorConfig, local};
use serde_json::{Value, json};

use crate::common::participant::start_customer_chat;
use crate::common::{control, fast_config, sdk_client, start};

#[tokio::test]
async fn queues_are_listed_patched_added_and_removed() {
    let emulator = start(EmulatorConfig::local()).await;
    let listed = control(&emulator, "GET", "/_emulator/queues", Value::Null)
        .await
        .json();
    let ids: Vec<&str> = listed
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|q| q["queueId"].as_str())
        .collect();
    assert!(ids.contains(&local::DEFAULT_QUEUE_ID) && ids.contains(&local::SALES_QUEUE_ID));

    let path = format!("/_emulator/queues/{}", local::SALES_QUEUE_ID);
    let disabled = control(&emulator, "POST", &path, json!({"status": "DISABLED"})).await;
    assert_eq!(disabled.status, 200);
    assert_eq!(disabled.json()["status"], "DISABLED");
    assert_eq!(disabled.json()["name"], "Sales", "other fields stay");
    for (bad, status) in [
        (json!({"status": "CLOSED"}), 400),
        (json!({"hoursOfOperationId": "nope"}), 404),
        (json!({"queueId": "other"}), 400),
        (json!({"colour": "red"}), 400),
    ] {
        assert_eq!(
            control(&emulator, "POST", &path, bad.clone()).await.status,
            status,
            "{bad}"
        );
    }
    assert_eq!(
        control(&emulator, "GET", &path, Value::Null).await.json()["status"],
        "DISABLED",
        "refused changes change nothing"
    );

    let added = control(
        &emulator,
        "POST",
        "/_emulator/queues",
        json!([{"queueId": "billing", "name": "Billing", "status": "ENABLED",
                "hoursOfOperationId": local::DEFAULT_HOURS_ID, "description": "Invoices"}]),
    )
    .await;
    assert_eq!(added.status, 200);
    assert_eq!(added.json()[0]["instanceId"], local::INSTANCE_ID);
    let described = sdk_client(&emulator)
        .describe_queue()
        .instance_id(local::INSTANCE_ID)
        .queue_id("billing")
        .send()
        .await
        .expect("the new queue");
    assert_eq!(
        described.queue().and_then(|q| q.description()),
        Some("Invoices")
    );
    assert_eq!(
        control(
            &emulator,
            "DELETE",
            "/_emulator/queues/billing",
            Value::Null
        )
        .await
        .status,
        200
    );
    assert_eq!(
        control(&emulator, "GET", "/_emulator/queues/billing", Value::Null)
            .await
            .status,
        404
    );
}

/// The two curls of emulator/README.md: close the local chat for today, then reopen it.
#[tokio::test]
async fn an_override_closes_the_local_schedule_for_a_day_and_its_removal_reopens_it() {
    let emulator = start(EmulatorConfig::local()).await;
    let overrides = format!("/_emulator/hours/{}/overrides", local::DEFAULT_HOURS_ID);
    let closed = control(
        &emulator,
        "POST",
        &overrides,
        json!({"name": "Closed today", "status": "CLOSED", "effectiveFrom": "2026-12-24",
               "effectiveTill": "2026-12-24", "config": [{"start": "00:00", "end": "00:00"}]}),
    )
    .await;
    assert_eq!(
        closed.status,
        200,
        "{}",
        String::from_utf8_lossy(&closed.body)
    );
    let hours = closed.json();
    assert!(
        hours["overrides"][0]["overrideId"]
            .as_str()
            .is_some_and(|id| !id.is_empty())
    );
    let effective = || async {
        sdk_client(&emulator)
            .get_effective_hours_of_operations()
            .instance_id(local::INSTANCE_ID)
            .hours_of_operation_id(local::DEFAULT_HOURS_ID)
            .from_date("2026-12-24")
            .to_date("2026-12-25")
            .send()
            .await
            .expect("effective hours")
            .effective_hours_of_operation_list()
            .iter()
            .map(|day| day.operational_hours().len())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        effective().await,
        [0, 1],
        "closed on the 24th, open on the 25th"
    );
    let reopened = control(&emulator, "DELETE", &overrides, Value::Null).await;
    assert_eq!(reopened.status, 200);
    assert_eq!(reopened.json()["overrides"], json!([]));
    assert_eq!(effective().await, [1, 1]);

    for bad in [
        json!({"name": "Backwards", "status": "CLOSED", "effectiveFrom": "2026-12-25",
               "effectiveTill": "2026-12-24", "config": []}),
        json!({"name": "Late", "status": "OPEN", "effectiveFrom": "2026-12-24",
               "effectiveTill": "2026-12-24", "config": [{"start": "09:00", "end": "24:00"}]}),
        json!({"name": "", "status": "CLOSED", "effectiveFrom": "2026-12-24",
               "effectiveTill": "2026-12-24", "config": []}),
        json!({"name": "Maybe", "status": "PERHAPS", "effectiveFrom": "2026-12-24",
               "effectiveTill": "2026-12-24", "config": []}),
    ] {
        assert_eq!(
            control(&emulator, "POST", &overrides, bad.clone())
                .await
                .status,
            400,
            "{bad}"
        );
    }
    assert_eq!(
        control(
            &emulator,
            "POST",
            "/_emulator/hours/nope/overrides",
            json!({"name": "x", "status": "OPEN",
            "effectiveFrom": "2026-12-24", "effectiveTill": "2026-12-24", "config": []})
        )
        .await
        .status,
        404
    );
}

#[tokio::test]
async fn hours_are_replaced_and_checked() {
    let emulator = start(EmulatorConfig::local()).await;
    let office = json!({"hoursOfOperationId": local::SALES_HOURS_ID, "name": "Sales office",
        "timeZone": "America/New_York",
        "config": [{"day": "MONDAY", "start": "09:00", "end": "17:00"},
                   {"day": "FRIDAY", "start": "20:00", "end": "02:00"}]});
    let stored = control(&emulator, "POST", "/_emulator/hours", office).await;
    assert_eq!(
        stored.status,
        200,
        "{}",
        String::from_utf8_lossy(&stored.body)
    );
    let shown = control(
        &emulator,
        "GET",
        &format!("/_emulator/hours/{}", local::SALES_HOURS_ID),
        Value::Null,
    )
    .await
    .json();
    assert_eq!(
        shown["config"][1],
        json!({"day": "FRIDAY", "start": "20:00", "end": "02:00"})
    );
    assert_eq!(shown["timeZone"], "America/New_York");
    for bad in [
        json!({"hoursOfOperationId": "h", "name": "x", "timeZone": "New York", "config": []}),
        json!({"hoursOfOperationId": "h", "name": "x", "timeZone": "UTC", "config": [{"day": "FUNDAY", "start": "09:00", "end": "10:00"}]}),
        json!({"hoursOfOperationId": "h", "name": "x", "timeZone": "UTC"}),
    ] {
        assert_eq!(
            control(&emulator, "POST", "/_emulator/hours", bad.clone())
                .await
                .status,
            400,
            "{bad}"
        );
    }
    let in_use = control(
        &emulator,
        "DELETE",
        &format!("/_emulator/hours/{}", local::SALES_HOURS_ID),
        Value::Null,
    )
    .await;
    assert_eq!(in_use.status, 400, "the sales queue follows these hours");
}

#[tokio::test]
async fn agents_leaving_takes_the_queue_out_of_the_metrics() {
    let emulator = start(EmulatorConfig::local()).await;
    let gone = control(
        &emulator,
        "POST",
        "/_emulator/agents",
        json!({"queueId": local::DEFAULT_QUEUE_ID, "agentsOnline": 0, "agentsAvailable": 0, "agentsStaffed": 0}),
    )
    .await;
    assert_eq!(gone.status, 200, "{}", String::from_utf8_lossy(&gone.body));
    assert_eq!(gone.json()[0]["channel"], "CHAT");
    let results = sdk_client(&emulator)
        .get_current_metric_data()
        .instance_id(local::INSTANCE_ID)
        .filters(
            Filters::builder()
                .queues(local::DEFAULT_QUEUE_ID)
                .queues(local::SALES_QUEUE_ID)
                .build(),
        )
        .groupings(aws_sdk_connect::types::Grouping::Queue)
        .current_metrics(
            CurrentMetric::builder()
                .name(CurrentMetricName::AgentsStaffed)
                .unit(Unit::Count)
                .build(),
        )
        .send()
        .await
        .expect("metrics");
    let queues: Vec<&str> = results
        .metric_results()
        .iter()
        .filter_map(|r| r.dimensions().and_then(|d| d.queue()).and_then(|q| q.id()))
        .collect();
    assert_eq!(queues, [local::SALES_QUEUE_ID]);

    for (bad, status) in [
        (
            json!({"queueId": local::DEFAULT_QUEUE_ID, "agentsAvailable": 3}),
            400,
        ),
        (json!({"queueId": "nope", "agentsOnline": 1}), 404),
        (
            json!({"queueId": local::DEFAULT_QUEUE_ID, "channel": "FAX"}),
            400,
        ),
        (json!({"agentsOnline": 1}), 400),
    ] {
        assert_eq!(
            control(&emulator, "POST", "/_emulator/agents", bad.clone())
                .await
                .status,
            status,
            "{bad}"
        );
    }
    let listed = control(&emulator, "GET", "/_emulator/agents", Value::Null)
        .await
        .json();
    assert!(listed.as_array().is_some_and(|l| l.len() == 2));
}

#[tokio::test]
async fn the_clock_is_set_moved_and_dates_the_chats() {
    let emulator = start(fast_config()).await;
    let set = control(
        &emulator,
        "POST",
        "/_emulator/clock",
        json!({"now": "2026-12-24T17:59:50Z"}),
    )
    .await;
    assert_eq!(set.status, 200);
    assert!(
        set.json()["now"]
            .as_str()
            .is_some_and(|now| now.starts_with("2026-12-24T17:5"))
    );
    let moved = control(
        &emulator,
        "POST",
        "/_emulator/clock",
        json!({"advanceSeconds": 3600}),
    )
    .await
    .json();
    assert!(
        moved["now"].as_str().is_some_and(
            |now| now.starts_with("2026-12-24T18:5") || now.starts_with("2026-12-24T19:0")
        ),
        "{moved}"
    );
    assert_eq!(moved["followsSystemClock"], false);

    // SigV4 still checks the system clock (the start is signed with real time), while the chat is
    // dated by the emulator's.
    let chat = start_customer_chat(&emulator, json!({})).await;
    let transcript = emulator.transcript(&chat.contact_id).expect("a transcript");
    assert!(
        transcript[0]["AbsoluteTime"]
            .as_str()
            .is_some_and(|t| t.starts_with("2026-12-24T1")),
        "{}",
        transcript[0]
    );
    let summary = emulator.chats().into_iter().last().expect("a chat");
    assert!(summary.started_at.starts_with("2026-12-24T1"));

    let back = control(&emulator, "POST", "/_emulator/clock", json!({"now": null}))
        .await
        .json();
    assert_eq!(back["followsSystemClock"], true);
    for bad in [
        json!({"now": "tomorrow"}),
        json!({"now": "2026-12-24T17:59:50+01:00"}),
        json!({"advanceSeconds": "60"}),
        json!({"advanceSeconds": 1e12}),
        json!({"now": "2026-12-24T17:59:50Z", "advanceSeconds": 1}),
        json!({}),
    ] {
        assert_eq!(
            control(&emulator, "POST", "/_emulator/clock", bad.clone())
                .await
                .status,
            400,
            "{bad}"
        );
    }
    assert_eq!(
        control(&emulator, "GET", "/_emulator/clock", Value::Null)
            .await
            .json()["followsSystemClock"],
        true
    );
}
