//! Every Connect operation has its own quota bucket and fault queue, set through the control API
//! and the Rust API, and its calls are recorded.

use aws_sdk_connect::error::ProvideErrorMetadata;
use aws_sdk_connect::types::{CurrentMetric, CurrentMetricName, Filters, Unit};
use connect_emulator::{
    ConnectErrorKind, Emulator, EmulatorConfig, Fault, Operation, QuotaConfig, local,
};
use serde_json::{Value, json};

use crate::common::{chat_body, control, sdk_client, start, start_chat};

async fn describe(emulator: &Emulator) -> Result<(), String> {
    sdk_client(emulator)
        .describe_queue()
        .instance_id(local::INSTANCE_ID)
        .queue_id(local::DEFAULT_QUEUE_ID)
        .send()
        .await
        .map(|_| ())
        .map_err(|e| {
            e.into_service_error()
                .code()
                .unwrap_or("no code")
                .to_owned()
        })
}

async fn metrics(emulator: &Emulator) -> Result<(), String> {
    sdk_client(emulator)
        .get_current_metric_data()
        .instance_id(local::INSTANCE_ID)
        .filters(Filters::builder().queues(local::DEFAULT_QUEUE_ID).build())
        .current_metrics(
            CurrentMetric::builder()
                .name(CurrentMetricName::AgentsOnline)
                .unit(Unit::Count)
                .build(),
        )
        .send()
        .await
        .map(|_| ())
        .map_err(|e| {
            e.into_service_error()
                .code()
                .unwrap_or("no code")
                .to_owned()
        })
}

#[tokio::test]
async fn each_operation_has_its_own_bucket_with_connect_s_defaults() {
    let emulator = start(EmulatorConfig::local()).await;
    let shown = control(&emulator, "GET", "/_emulator/quota", Value::Null)
        .await
        .json();
    for (operation, rate, burst) in [
        ("StartChatContact", 5.0, 8),
        ("GetCurrentMetricData", 5.0, 8),
        ("DescribeQueue", 2.0, 5),
        ("GetEffectiveHoursOfOperations", 2.0, 5),
        ("CreatePushNotificationRegistration", 2.0, 5),
        ("DeletePushNotificationRegistration", 2.0, 5),
    ] {
        let bucket = &shown["operations"][operation];
        assert_eq!(
            (
                &bucket["enabled"],
                &bucket["ratePerSecond"],
                &bucket["burst"]
            ),
            (&json!(true), &json!(rate), &json!(burst)),
            "{operation}"
        );
    }

    // No refill, so the count is exact.
    let set = control(
        &emulator,
        "POST",
        "/_emulator/quota",
        json!({"operation": "DescribeQueue", "ratePerSecond": 0, "burst": 2}),
    )
    .await;
    assert_eq!(set.status, 200);
    assert_eq!(set.json()["operations"]["DescribeQueue"]["burst"], 2);
    assert_eq!(describe(&emulator).await, Ok(()));
    assert_eq!(describe(&emulator).await, Ok(()));
    assert_eq!(
        describe(&emulator).await,
        Err("ThrottlingException".to_owned())
    );
    // The other buckets are untouched.
    assert_eq!(metrics(&emulator).await, Ok(()));
    assert_eq!(start_chat(&emulator, &chat_body()).await.status, 200);

    let all_off = control(
        &emulator,
        "POST",
        "/_emulator/quota",
        json!({"operation": "*", "enabled": false}),
    )
    .await
    .json();
    assert!(
        all_off["operations"]
            .as_object()
            .expect("buckets")
            .values()
            .all(|b| b["enabled"] == false)
    );
    assert_eq!(
        all_off["operations"]["DescribeQueue"]["burst"], 2,
        "switching off keeps the rate"
    );
    assert_eq!(describe(&emulator).await, Ok(()));

    for bad in [
        json!({"operation": "DescribeQueues", "enabled": false}),
        json!({"operation": "DescribeQueue", "maxActiveChats": 3}),
        json!({"operation": 1}),
    ] {
        let refused = control(&emulator, "POST", "/_emulator/quota", bad.clone()).await;
        assert_eq!(refused.status, 400, "{bad}");
    }
}

#[tokio::test]
async fn the_rust_api_sets_an_operation_s_quota() {
    let emulator = start(EmulatorConfig::local()).await;
    emulator
        .set_operation_quota(
            Operation::GetCurrentMetricData,
            QuotaConfig {
                enabled: true,
                rate_per_second: 0.0,
                burst: 1,
            },
        )
        .expect("a valid quota");
    assert_eq!(metrics(&emulator).await, Ok(()));
    assert_eq!(
        metrics(&emulator).await,
        Err("ThrottlingException".to_owned())
    );
    assert!(
        emulator
            .set_operation_quota(
                Operation::DescribeQueue,
                QuotaConfig {
                    enabled: true,
                    rate_per_second: -1.0,
                    burst: 1
                }
            )
            .is_err()
    );
    emulator.reset();
    assert_eq!(
        metrics(&emulator).await,
        Ok(()),
        "reset refills every bucket"
    );
    let quota = emulator.quota();
    assert_eq!(quota.operations["GetCurrentMetricData"].burst, 1);
}

#[tokio::test]
async fn faults_apply_to_the_operation_they_name() {
    let emulator = start(EmulatorConfig::local()).await;
    let queued = control(
        &emulator,
        "POST",
        "/_emulator/faults",
        json!([{"operation": "GetCurrentMetricData", "error": "ThrottlingException"},
               {"operation": "DescribeQueue", "malformedBody": true}]),
    )
    .await;
    assert_eq!(
        queued.status,
        200,
        "{}",
        String::from_utf8_lossy(&queued.body)
    );
    let pending = control(&emulator, "GET", "/_emulator/faults", Value::Null)
        .await
        .json();
    assert_eq!(
        pending,
        json!([{"operation": "GetCurrentMetricData", "error": "ThrottlingException"},
               {"operation": "DescribeQueue", "malformedBody": true}])
    );
    // StartChatContact has no fault pending.
    assert_eq!(start_chat(&emulator, &chat_body()).await.status, 200);
    assert_eq!(
        metrics(&emulator).await,
        Err("ThrottlingException".to_owned())
    );
    assert_eq!(metrics(&emulator).await, Ok(()), "the fault is used up");
    assert!(describe(&emulator).await.is_err(), "a body cut in half");
    assert_eq!(describe(&emulator).await, Ok(()));

    let calls = emulator.operation_calls();
    let operations: Vec<(Operation, u16)> = calls.iter().map(|c| (c.operation, c.status)).collect();
    assert_eq!(
        operations,
        [
            (Operation::GetCurrentMetricData, 429),
            (Operation::GetCurrentMetricData, 200),
            (Operation::DescribeQueue, 200),
            (Operation::DescribeQueue, 200),
        ]
    );
    assert_eq!(
        calls[0].fault,
        Some(Fault::Error(ConnectErrorKind::Throttling))
    );
    assert_eq!(calls[2].fault, Some(Fault::MalformedBody));
    let listed = control(&emulator, "GET", "/_emulator/calls", Value::Null)
        .await
        .json();
    assert_eq!(listed[0]["operation"], "GetCurrentMetricData");
    assert_eq!(listed[0]["errorCode"], "ThrottlingException");
    assert_eq!(listed[0]["fault"], json!({"error": "ThrottlingException"}));

    let refused = control(
        &emulator,
        "POST",
        "/_emulator/faults",
        json!({"operation": "DescribeQueue", "missingParticipantToken": true}),
    )
    .await;
    assert_eq!(refused.status, 400);
    assert!(
        emulator
            .inject_into(Operation::DescribeQueue, Fault::MissingParticipantToken)
            .is_err()
    );
}

#[tokio::test]
async fn connection_faults_and_lost_answers_on_other_operations() {
    let emulator = start(EmulatorConfig::local()).await;
    emulator
        .inject_into(Operation::GetCurrentMetricData, Fault::DropConnection)
        .expect("a fault for any operation");
    assert!(metrics(&emulator).await.is_err());

    // The registration is made, the answer lost: a retry with the same ClientToken finds it.
    let contact_id = start_chat(&emulator, &chat_body()).await.json()["ContactId"]
        .as_str()
        .expect("a contact")
        .to_owned();
    emulator
        .inject_into(
            Operation::CreatePushNotificationRegistration,
            Fault::ResetAfterProcessing,
        )
        .expect("a fault for any operation");
    let register = || {
        sdk_client(&emulator)
            .create_push_notification_registration()
            .instance_id(local::INSTANCE_ID)
            .pinpoint_app_arn(local::PUSH_APPLICATION_ARN)
            .device_token("a1b2c3")
            .device_type(aws_sdk_connect::types::DeviceType::Gcm)
            .client_token("retry-me")
            .contact_configuration(
                aws_sdk_connect::types::ContactConfiguration::builder()
                    .contact_id(&contact_id)
                    .build()
                    .expect("complete"),
            )
            .send()
    };
    assert!(register().await.is_err(), "the answer was lost");
    assert_eq!(emulator.push_registrations().len(), 1);
    let retried = register().await.expect("the retry answers");
    assert_eq!(
        Some(retried.registration_id.as_str()),
        emulator
            .push_registrations()
            .first()
            .map(|r| r.registration_id.as_str())
    );
    let calls = emulator.operation_calls();
    assert_eq!(calls[0].status, 0, "dropped: no answer");
    assert_eq!(calls[0].fault, Some(Fault::DropConnection));
    assert_eq!(calls[1].status, 0, "reset after processing");
    assert_eq!(calls[2].status, 200);
}
