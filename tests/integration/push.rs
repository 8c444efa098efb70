//! Push notifications for mobile chats, end to end: the real binary (as Lambda runs it) registers a
//! device through the real SDK client with the emulator, which records the notification it would have
//! sent for each agent message. Every refusal is checked to reach no Connect operation.

use crate::binary::binary_env;
use crate::support::*;
use aws_lc_rs::hmac;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use connect_emulator::{Emulator, Operation};
use local_runtime_api::LambdaProcess;
use serde_json::{Value, json};
use std::time::{SystemTime, UNIX_EPOCH};

const DEVICE_TOKEN: &str = "740f4707bebcf74f9b7c25d48e3358945f6aa01da5ddb387462c7eaf61bb78ad";
const FCM_TOKEN: &str = "fcm-device-token:APA91bH_k-2.xYzSecretPart";
const SIGNING_KEY: &str = "a-widget-security-key-of-44-characters-0000";
const COLLECTION: &str = "/chat/push-registrations";

async fn function(env: &[(String, String)]) -> LambdaProcess {
    let mut function = LambdaProcess::spawn(env!("CARGO_BIN_EXE_start-chat"), env)
        .await
        .expect("the function starts");
    function.wait_until_ready().await.expect("init succeeds");
    function
}

async fn call(function: &mut LambdaProcess, event: &Value) -> Reply {
    let invocation = function
        .invoke(event.to_string().into_bytes())
        .await
        .expect("an invocation");
    reply_from(&invocation.response_json().expect("a response document"))
}

/// A payload 2.0 event (HTTP API) for `method` on `path`.
fn event(method: &str, path: &str, body: &Value, authorization: Option<&str>) -> Value {
    let mut event = with_body(event_json("http-api-v2.json"), body);
    event["rawPath"] = json!(path);
    event["requestContext"]["http"]["method"] = json!(method);
    event["requestContext"]["http"]["path"] = json!(path);
    event["routeKey"] = json!(format!("{method} {path}"));
    if let Some(value) = authorization {
        event["headers"]["authorization"] = json!(value);
    }
    event
}

/// A chat started as the widget starts it: its contact id and continuation token.
async fn start_chat(function: &mut LambdaProcess, authorization: Option<&str>) -> (String, String) {
    let mut start = event_json("http-api-v2.json");
    if let Some(value) = authorization {
        start["headers"]["authorization"] = json!(value);
    }
    let reply = call(function, &start).await;
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    let text = |member: &str| reply.body[member].as_str().unwrap_or_default().to_owned();
    (text("ContactId"), text("ContinuationToken"))
}

/// How many calls of the push operations reached the emulator.
fn push_calls(emulator: &Emulator) -> usize {
    emulator
        .operation_calls()
        .iter()
        .filter(|call| {
            matches!(
                call.operation,
                Operation::CreatePushNotificationRegistration
                    | Operation::DeletePushNotificationRegistration
            )
        })
        .count()
}

fn code(reply: &Reply) -> &str {
    reply.body["error"]["code"].as_str().unwrap_or_default()
}

fn notified(emulator: &Emulator, registration_id: &str) -> Vec<connect_emulator::PushNotification> {
    emulator
        .push_notifications()
        .into_iter()
        .filter(|notification| notification.registration_id == registration_id)
        .collect()
}

#[tokio::test]
async fn a_registered_device_is_notified_of_agent_messages_until_it_is_removed() {
    let emulator = start_emulator().await;
    let mut function = function(&binary_env(
        &emulator.endpoint_url(),
        &[("LOG_LEVEL", "trace")],
    ))
    .await;
    let (contact, continuation) = start_chat(&mut function, None).await;
    let client_token = "3b241101-e2bb-4255-8caf-4136c566a962";
    let registration = json!({"ContactId": contact, "DeviceType": "APNS_SANDBOX",
        "DeviceToken": DEVICE_TOKEN, "ContinuationToken": continuation, "IncludeRawMessage": true,
        "ClientToken": client_token});

    let registered = call(
        &mut function,
        &event("POST", COLLECTION, &registration, None),
    )
    .await;
    assert_eq!(registered.status, 200, "{:?}", registered.body);
    assert_eq!(
        registered.header("access-control-allow-origin"),
        Some(SITE_ORIGIN)
    );
    let id = registered.body["RegistrationId"]
        .as_str()
        .expect("a RegistrationId")
        .to_owned();
    assert_eq!(registered.body.as_object().map(|body| body.len()), Some(1));
    // A retry carrying the same ClientToken gets the same registration, not a second one.
    let retried = call(
        &mut function,
        &event("POST", COLLECTION, &registration, None),
    )
    .await;
    assert_eq!(retried.body["RegistrationId"], id.as_str());
    assert_eq!(emulator.push_registrations().len(), 1);

    let message = emulator
        .agent_say(&contact, "Your order ships today")
        .expect("the agent writes");
    let notifications = notified(&emulator, &id);
    let notification = notifications
        .iter()
        .find(|n| n.message_id == message)
        .expect("the agent's message was notified");
    assert_eq!(notification.contact_id, contact);
    assert_eq!(notification.device_token, DEVICE_TOKEN);
    assert_eq!(
        notification.content.as_deref(),
        Some("Your order ships today")
    );

    // Removed (a payload 1.0 event, stage in requestContext only): no more notifications.
    let mut removal = with_body(
        event_json("rest-api-v1.json"),
        &json!({"ContactId": contact, "ContinuationToken": continuation}),
    );
    removal["httpMethod"] = json!("DELETE");
    removal["path"] = json!(format!("{COLLECTION}/{id}"));
    removal["resource"] = json!(format!("{COLLECTION}/{{registrationId}}"));
    let removed = call(&mut function, &removal).await;
    assert_eq!((removed.status, &removed.body), (204, &Value::Null));
    let before = notified(&emulator, &id).len();
    emulator
        .agent_say(&contact, "Still there?")
        .expect("the agent writes");
    assert_eq!(
        notified(&emulator, &id).len(),
        before,
        "no notification after removal"
    );
    assert!(emulator.push_registrations().is_empty());
    // Removing it again: Connect no longer knows it.
    let again = call(&mut function, &removal).await;
    assert_eq!(
        (again.status, code(&again)),
        (404, "CHAT_RESOURCE_NOT_FOUND")
    );

    let output = function.stop().await;
    for line in output.stdout.iter().chain(&output.stderr) {
        for secret in [DEVICE_TOKEN, continuation.as_str()] {
            assert!(!line.contains(secret), "a log line leaks a secret: {line}");
        }
    }
    let outcomes: Vec<String> = output
        .stdout
        .iter()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter_map(|line| line["outcome"].as_str().map(str::to_owned))
        .collect();
    assert!(
        outcomes.ends_with(
            &[
                "push_registered",
                "push_registered",
                "push_removed",
                "connect_refused"
            ]
            .map(String::from)
        ),
        "{outcomes:?}"
    );
}

#[tokio::test]
async fn every_refusal_comes_before_any_connect_call() {
    let emulator = start_emulator().await;
    let mut function = function(&binary_env(&emulator.endpoint_url(), &[])).await;
    let (contact, continuation) = start_chat(&mut function, None).await;
    let (_, other_continuation) = start_chat(&mut function, None).await;
    let valid = json!({"ContactId": contact, "DeviceType": "GCM", "DeviceToken": FCM_TOKEN,
        "ContinuationToken": continuation});
    let with = |changes: Value| {
        let mut body = valid.clone();
        if let (Some(body), Value::Object(changes)) = (body.as_object_mut(), changes) {
            body.extend(changes);
        }
        body
    };
    let cases = [
        (
            event(
                "POST",
                COLLECTION,
                &with(json!({"ContinuationToken": null})),
                None,
            ),
            403,
            "CONTINUATION_TOKEN_REQUIRED",
        ),
        (
            event(
                "POST",
                COLLECTION,
                &with(json!({"ContinuationToken": other_continuation})),
                None,
            ),
            403,
            "CONTINUATION_TOKEN_INVALID",
        ),
        (
            event(
                "POST",
                COLLECTION,
                &with(json!({"ContinuationToken": format!("{continuation}x")})),
                None,
            ),
            403,
            "CONTINUATION_TOKEN_INVALID",
        ),
        (
            event(
                "POST",
                COLLECTION,
                &with(json!({"DeviceType": "APNS"})),
                None,
            ),
            400,
            "VALIDATION_FAILED",
        ),
        (
            event("POST", COLLECTION, &json!({"DeviceToken": FCM_TOKEN}), None),
            400,
            "VALIDATION_FAILED",
        ),
        (
            event(
                "POST",
                COLLECTION,
                &with(json!({"InstanceId": "00000000-0000-4000-8000-000000000000"})),
                None,
            ),
            403,
            "INSTANCE_NOT_ALLOWED",
        ),
        (
            with_body(event("POST", COLLECTION, &json!({}), None), &json!("[1,")),
            400,
            "INVALID_JSON",
        ),
        (
            event("GET", COLLECTION, &valid, None),
            405,
            "METHOD_NOT_ALLOWED",
        ),
        (
            event("POST", &format!("{COLLECTION}/r-1"), &valid, None),
            405,
            "METHOD_NOT_ALLOWED",
        ),
        (
            event(
                "DELETE",
                &format!("/prod{COLLECTION}/r-1/extra"),
                &valid,
                None,
            ),
            404,
            "NOT_FOUND",
        ),
        (
            event(
                "DELETE",
                &format!("{COLLECTION}/%2F"),
                &json!({"ContactId": contact, "ContinuationToken": continuation}),
                None,
            ),
            400,
            "VALIDATION_FAILED",
        ),
        (
            event(
                "DELETE",
                &format!("{COLLECTION}/r-1"),
                &json!({"ContactId": contact}),
                None,
            ),
            403,
            "CONTINUATION_TOKEN_REQUIRED",
        ),
    ];
    for (request, status, expected) in cases {
        let reply = call(&mut function, &request).await;
        assert_eq!(
            (reply.status, code(&reply)),
            (status, expected),
            "{request}"
        );
        assert_eq!(
            reply.header("access-control-allow-origin"),
            Some(SITE_ORIGIN),
            "{request}"
        );
        assert!(
            !reply.body.to_string().contains("SecretPart"),
            "{:?}",
            reply.body
        );
    }
    assert_eq!(push_calls(&emulator), 0, "no refusal reached Connect");

    // An ended chat takes no registration: Connect says so.
    emulator.end_chat(&contact).expect("the chat ends");
    let ended = call(&mut function, &event("POST", COLLECTION, &valid, None)).await;
    assert_eq!(
        (ended.status, code(&ended)),
        (404, "CHAT_RESOURCE_NOT_FOUND")
    );
    assert_eq!(push_calls(&emulator), 1);
    function.stop().await;

    // Without PUSH_APPLICATION_ARN the routes do not exist.
    let mut off = function_without_push(&emulator).await;
    let reply = call(&mut off, &event("POST", COLLECTION, &valid, None)).await;
    assert_eq!(
        (reply.status, code(&reply)),
        (404, "PUSH_NOTIFICATIONS_DISABLED")
    );
    assert_eq!(push_calls(&emulator), 1);
    off.stop().await;
}

async fn function_without_push(emulator: &Emulator) -> LambdaProcess {
    function(&binary_env(
        &emulator.endpoint_url(),
        &[("PUSH_APPLICATION_ARN", "")],
    ))
    .await
}

/// A customer token as a website's server mints it, valid for five minutes.
fn customer_token(extra: Value) -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs());
    let mut claims = json!({"sub": "customer-1001", "iat": now, "exp": now + 300});
    if let (Some(claims), Value::Object(extra)) = (claims.as_object_mut(), extra) {
        claims.extend(extra);
    }
    let encode = |value: &Value| URL_SAFE_NO_PAD.encode(value.to_string());
    let signed = format!(
        "{}.{}",
        encode(&json!({"alg": "HS256", "typ": "JWT"})),
        encode(&claims)
    );
    let key = hmac::Key::new(hmac::HMAC_SHA256, SIGNING_KEY.as_bytes());
    format!(
        "{signed}.{}",
        URL_SAFE_NO_PAD.encode(hmac::sign(&key, signed.as_bytes()))
    )
}

#[tokio::test]
async fn a_signed_customer_registers_with_a_token_naming_the_chat() {
    let emulator = start_emulator().await;
    let env = binary_env(
        &emulator.endpoint_url(),
        &[
            ("JWT_SIGNING_KEYS", SIGNING_KEY),
            ("SECRET_ARN", ""),
            ("SERVER_SECRET", connect_emulator::local::SERVER_SECRET),
            ("LOG_LEVEL", "trace"),
        ],
    );
    let mut function = function(&env).await;
    let bearer = |claims: Value| format!("Bearer {}", customer_token(claims));
    let (contact, continuation) = start_chat(&mut function, Some(&bearer(json!({})))).await;
    assert!(
        !continuation.is_empty(),
        "a continuation token, which is no proof here"
    );
    let body = json!({"ContactId": contact, "DeviceType": "APNS", "DeviceToken": DEVICE_TOKEN,
        "ContinuationToken": continuation});
    let refusals = [
        (None, 401, "TOKEN_MISSING"),
        (Some(bearer(json!({}))), 403, "CONTACT_NOT_VOUCHED"),
        (
            Some(bearer(
                json!({"contactId": "5d0c1a2b-3e4f-4a5b-8c6d-7e8f9a0b1c2d"}),
            )),
            403,
            "CONTACT_NOT_VOUCHED",
        ),
        (
            Some(bearer(json!({"contactId": 7}))),
            401,
            "TOKEN_CLAIMS_INVALID",
        ),
        (
            Some("Bearer not.a.token".to_owned()),
            401,
            "TOKEN_MALFORMED",
        ),
    ];
    for (authorization, status, expected) in &refusals {
        let reply = call(
            &mut function,
            &event("POST", COLLECTION, &body, authorization.as_deref()),
        )
        .await;
        assert_eq!(
            (reply.status, code(&reply)),
            (*status, *expected),
            "{authorization:?}"
        );
    }
    assert_eq!(push_calls(&emulator), 0);

    let vouching = bearer(json!({"contactId": contact}));
    let registered = call(
        &mut function,
        &event("POST", COLLECTION, &body, Some(&vouching)),
    )
    .await;
    assert_eq!(registered.status, 200, "{:?}", registered.body);
    let id = registered.body["RegistrationId"]
        .as_str()
        .expect("an id")
        .to_owned();
    let message = emulator
        .agent_say(&contact, "Hello from the agent")
        .expect("the agent writes");
    let notifications = notified(&emulator, &id);
    assert!(
        notifications.iter().any(|n| n.message_id == message),
        "{notifications:?}"
    );
    assert!(
        notifications.iter().all(|n| n.content.is_none()),
        "no raw message unless asked"
    );
    let removal = event(
        "DELETE",
        &format!("{COLLECTION}/{id}"),
        &json!({"ContactId": contact}),
        Some(&vouching),
    );
    assert_eq!(call(&mut function, &removal).await.status, 204);

    let output = function.stop().await;
    for line in output.stdout.iter().chain(&output.stderr) {
        assert!(
            !line.contains(DEVICE_TOKEN),
            "a log line leaks the device token: {line}"
        );
        assert!(
            !line.contains(&vouching[7..40]),
            "a log line leaks the customer token: {line}"
        );
    }
}
