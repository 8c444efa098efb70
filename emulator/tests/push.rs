//! Push notifications of mobile chats through the real `aws-sdk-connect` client: a device
//! registered for a chat gets the agent's messages as recorded notifications until the registration
//! is deleted or the chat ends; every refusal; device tokens never logged.

use aws_sdk_connect::error::ProvideErrorMetadata;
use aws_sdk_connect::types::{ContactConfiguration, DeviceType, ParticipantRole};
use connect_emulator::{Emulator, EmulatorConfig, local};
use serde_json::{Value, json};

use crate::common::participant::{Chat, Socket, send_message, start_customer_chat};
use crate::common::process::{EmulatorProcess, http};
use crate::common::{
    Signer, TestRequest, chat_body, control, fast_config, sdk_client, send, start, start_chat,
};

const DEVICE_TOKEN: &str = "5f0e1d2c3b4a59687766554433221100ffeeddccbbaa99887766554433221100";

fn registration(
    emulator: &Emulator,
    contact_id: &str,
    raw: bool,
) -> aws_sdk_connect::operation::create_push_notification_registration::builders::CreatePushNotificationRegistrationFluentBuilder{
    sdk_client(emulator)
        .create_push_notification_registration()
        .instance_id(local::INSTANCE_ID)
        .pinpoint_app_arn(local::PUSH_APPLICATION_ARN)
        .device_token(DEVICE_TOKEN)
        .device_type(DeviceType::Apns)
        .contact_configuration(
            ContactConfiguration::builder()
                .contact_id(contact_id)
                .participant_role(ParticipantRole::Customer)
                .include_raw_message(raw)
                .build()
                .expect("a complete configuration"),
        )
}

async fn register(emulator: &Emulator, contact_id: &str, raw: bool) -> String {
    registration(emulator, contact_id, raw)
        .send()
        .await
        .expect("registered")
        .registration_id
}

async fn new_contact(emulator: &Emulator) -> String {
    start_chat(emulator, &chat_body()).await.json()["ContactId"]
        .as_str()
        .expect("a contact id")
        .to_owned()
}

#[tokio::test]
async fn register_then_agent_message_then_delete_then_no_more_notifications() {
    let emulator = start(EmulatorConfig::local()).await;
    let contact_id = new_contact(&emulator).await;
    let registration_id = register(&emulator, &contact_id, true).await;
    assert_eq!(emulator.push_registrations().len(), 1);
    assert!(emulator.push_notifications().is_empty());

    let message_id = emulator
        .agent_say(&contact_id, "Your parcel ships today.")
        .expect("the chat is active");
    let notifications = emulator.push_notifications();
    // The agent joined to say it: its welcome message notifies as well.
    let said = notifications
        .iter()
        .find(|n| n.message_id == message_id)
        .expect("a notification for the agent's message");
    assert_eq!(said.registration_id, registration_id);
    assert_eq!(said.contact_id, contact_id);
    assert_eq!(said.device_token, DEVICE_TOKEN);
    assert_eq!(said.message_type, "MESSAGE");
    assert_eq!(said.content.as_deref(), Some("Your parcel ships today."));
    let recorded = notifications.len();

    sdk_client(&emulator)
        .delete_push_notification_registration()
        .instance_id(local::INSTANCE_ID)
        .registration_id(&registration_id)
        .contact_id(&contact_id)
        .send()
        .await
        .expect("deleted");
    emulator
        .agent_say(&contact_id, "Anything else?")
        .expect("the chat is active");
    assert_eq!(
        emulator.push_notifications().len(),
        recorded,
        "no more notifications"
    );
    assert!(emulator.push_registrations().is_empty());

    let again = sdk_client(&emulator)
        .delete_push_notification_registration()
        .instance_id(local::INSTANCE_ID)
        .registration_id(&registration_id)
        .contact_id(&contact_id)
        .send()
        .await
        .expect_err("already deleted")
        .into_service_error();
    assert_eq!(again.code(), Some("ResourceNotFoundException"));
}

#[tokio::test]
async fn the_scripted_agent_s_replies_notify_without_the_raw_message_unless_asked() {
    let emulator = start(fast_config()).await;
    let chat: Chat = start_customer_chat(&emulator, json!({})).await;
    let registration_id = register(&emulator, &chat.contact_id, false).await;
    let mut socket = Socket::open_subscribed(&chat.websocket_url).await;
    assert_eq!(
        send_message(&emulator, &chat, "Where is my order?")
            .await
            .status,
        200
    );
    let items = socket
        .items_until(|item| item["Content"] == "You said: Where is my order?")
        .await;
    let reply = items.last().expect("the reply");
    let notifications = emulator.push_notifications();
    let notified = notifications
        .iter()
        .find(|n| reply["Id"] == n.message_id.as_str())
        .expect("the reply notifies");
    assert_eq!(notified.registration_id, registration_id);
    assert_eq!(notified.content, None, "IncludeRawMessage was false");
    assert_eq!(notified.content_type.as_deref(), Some("text/plain"));
    assert!(
        notifications
            .iter()
            .all(|n| n.message_id != items[0]["Id"] || items[0]["ParticipantRole"] == "AGENT"),
        "the customer's own messages notify nobody"
    );
    let customer_ids: Vec<&str> = items
        .iter()
        .filter(|i| i["ParticipantRole"] == "CUSTOMER")
        .filter_map(|i| i["Id"].as_str())
        .collect();
    assert!(!customer_ids.is_empty());
    assert!(
        notifications
            .iter()
            .all(|n| !customer_ids.contains(&n.message_id.as_str())),
        "the customer's own messages notify nobody"
    );
    socket.close().await;
}

#[tokio::test]
async fn the_chat_s_end_removes_its_registrations() {
    let emulator = start(EmulatorConfig::local()).await;
    let contact_id = new_contact(&emulator).await;
    register(&emulator, &contact_id, true).await;
    emulator.agent_say(&contact_id, "Bye").expect("active");
    let before = emulator.push_notifications().len();
    emulator.end_chat(&contact_id).expect("active");
    assert!(emulator.push_registrations().is_empty());
    assert_eq!(emulator.push_notifications().len(), before);
    let ended = registration(&emulator, &contact_id, true)
        .send()
        .await
        .expect_err("the chat has ended")
        .into_service_error();
    assert_eq!(ended.code(), Some("ResourceNotFoundException"));
    emulator.clear_push_notifications();
    assert!(emulator.push_notifications().is_empty());
}

#[tokio::test]
async fn a_retry_with_the_same_client_token_gets_the_same_registration() {
    let emulator = start(EmulatorConfig::local()).await;
    let contact_id = new_contact(&emulator).await;
    let first = registration(&emulator, &contact_id, true)
        .client_token("device-1")
        .send()
        .await
        .expect("registered");
    let retry = registration(&emulator, &contact_id, true)
        .client_token("device-1")
        .send()
        .await
        .expect("registered");
    assert_eq!(first.registration_id, retry.registration_id);
    assert_eq!(emulator.push_registrations().len(), 1);
}

#[tokio::test]
async fn registrations_the_service_would_refuse_are_refused() {
    // More calls than the registration quota's burst.
    let emulator = start(EmulatorConfig::local().without_quota()).await;
    let contact_id = new_contact(&emulator).await;
    let client = sdk_client(&emulator);
    let unknown_app = registration(&emulator, &contact_id, true)
        .pinpoint_app_arn("arn:aws:mobiletargeting:us-east-1:000000000000:apps/other")
        .send()
        .await
        .expect_err("an application the instance does not use")
        .into_service_error();
    assert_eq!(unknown_app.code(), Some("ResourceNotFoundException"));
    let agent_role = client
        .create_push_notification_registration()
        .instance_id(local::INSTANCE_ID)
        .pinpoint_app_arn(local::PUSH_APPLICATION_ARN)
        .device_token(DEVICE_TOKEN)
        .device_type(DeviceType::Gcm)
        .contact_configuration(
            ContactConfiguration::builder()
                .contact_id(&contact_id)
                .participant_role(ParticipantRole::Agent)
                .build()
                .expect("complete"),
        )
        .send()
        .await
        .expect_err("only CUSTOMER is supported")
        .into_service_error();
    assert_eq!(agent_role.code(), Some("InvalidParameterException"));
    let unknown_contact = registration(&emulator, "0b5ad8c2-0000-4000-8000-000000000000", true)
        .send()
        .await
        .expect_err("no such contact")
        .into_service_error();
    assert_eq!(unknown_contact.code(), Some("ResourceNotFoundException"));

    // What the SDK would not send: raw requests.
    let addr = emulator.local_addr();
    let path = format!("/push-notification/{}/registrations", local::INSTANCE_ID);
    for body in [
        json!({"PinpointAppArn": local::PUSH_APPLICATION_ARN, "DeviceToken": "", "DeviceType": "APNS",
               "ContactConfiguration": {"ContactId": contact_id}}),
        json!({"PinpointAppArn": local::PUSH_APPLICATION_ARN, "DeviceToken": "ab", "DeviceType": "WEB",
               "ContactConfiguration": {"ContactId": contact_id}}),
        json!({"PinpointAppArn": local::PUSH_APPLICATION_ARN, "DeviceToken": "ab", "DeviceType": "APNS"}),
    ] {
        let answer = send(
            addr,
            TestRequest::new("PUT", &path, body.to_string()).signed(addr, &Signer::default()),
        )
        .await;
        assert_eq!(answer.status, 400, "{body}");
        assert_eq!(
            answer.error_type(),
            Some("InvalidParameterException"),
            "{body}"
        );
        assert!(
            !String::from_utf8_lossy(&answer.body).contains("\"ab\""),
            "device tokens are not echoed"
        );
    }
    assert!(emulator.push_registrations().is_empty());
    let missing_contact = send(
        addr,
        TestRequest::new(
            "DELETE",
            &format!("/push-notification/{}/registrations/r1", local::INSTANCE_ID),
            "",
        )
        .signed(addr, &Signer::default()),
    )
    .await;
    assert_eq!(
        missing_contact.error_type(),
        Some("InvalidParameterException")
    );
}

#[tokio::test]
async fn device_tokens_never_reach_the_log() {
    let process = EmulatorProcess::spawn(&[]);
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], process.port));
    let started = send(
        addr,
        TestRequest::new("PUT", "/contact/chat", chat_body().to_string())
            .signed(addr, &Signer::default()),
    )
    .await
    .json();
    let contact_id = started["ContactId"]
        .as_str()
        .expect("a contact id")
        .to_owned();
    let body = json!({"PinpointAppArn": local::PUSH_APPLICATION_ARN, "DeviceToken": DEVICE_TOKEN,
        "DeviceType": "APNS", "ContactConfiguration": {"ContactId": contact_id, "IncludeRawMessage": true}});
    let registered = send(
        addr,
        TestRequest::new(
            "PUT",
            &format!("/push-notification/{}/registrations", local::INSTANCE_ID),
            body.to_string(),
        )
        .signed(addr, &Signer::default()),
    )
    .await;
    assert_eq!(registered.status, 200);
    let (status, _) = http(
        process.port,
        "POST",
        "/_emulator/agent/say",
        &json!({"contactId": contact_id, "content": "Hello"}).to_string(),
    );
    assert_eq!(status, 200);
    let (status, listed) = http(process.port, "GET", "/_emulator/push-notifications", "");
    assert_eq!(status, 200);
    assert!(
        listed.contains(DEVICE_TOKEN),
        "the control API shows it to tests"
    );
    let stopped = process.terminate();
    assert!(
        stopped.stderr.contains("push registration created"),
        "{}",
        stopped.stderr
    );
    assert!(!stopped.stderr.contains(DEVICE_TOKEN), "{}", stopped.stderr);
}

#[tokio::test]
async fn the_control_api_lists_and_clears_notifications() {
    let emulator = start(EmulatorConfig::local()).await;
    let contact_id = new_contact(&emulator).await;
    register(&emulator, &contact_id, true).await;
    emulator.agent_say(&contact_id, "Hello").expect("active");
    let listed = control(
        &emulator,
        "GET",
        "/_emulator/push-notifications",
        Value::Null,
    )
    .await;
    assert_eq!(listed.status, 200);
    let listed = listed.json();
    let last = listed
        .as_array()
        .and_then(|l| l.last())
        .expect("a notification");
    assert_eq!(last["content"], "Hello");
    assert_eq!(last["deviceType"], "APNS");
    assert!(last["sentAt"].as_str().is_some_and(|t| t.ends_with('Z')));
    let registrations = control(
        &emulator,
        "GET",
        "/_emulator/push-registrations",
        Value::Null,
    )
    .await
    .json();
    assert_eq!(registrations[0]["contactId"], contact_id.as_str());
    assert!(registrations[0].get("deviceToken").is_none());
    let cleared = control(
        &emulator,
        "DELETE",
        "/_emulator/push-notifications",
        Value::Null,
    )
    .await;
    assert!(cleared.json()["cleared"].as_u64().is_some_and(|n| n >= 1));
    assert_eq!(
        control(
            &emulator,
            "GET",
            "/_emulator/push-notifications",
            Value::Null
        )
        .await
        .json(),
        json!([])
    );
}
