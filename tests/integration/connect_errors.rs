//! Amazon Connect's answers, produced for real by the emulator and read by the real SDK client: every
//! error class maps to its documented status, retries and timeouts stay within budget, and idempotency
//! holds across retries.

use crate::support::*;
use connect_emulator::{ConnectErrorKind, Emulator, Fault};
use serde_json::{Value, json};
use start_chat::connect::{MAX_ATTEMPTS, warm_connection};
use std::time::{Duration, Instant};

const BROWSER_TOKEN: &str = "9b2f3c4d-1e5a-4f6b-8c7d-0e1f2a3b4c5d";

/// A fault on every attempt the SDK makes is what the browser finally sees.
fn inject_on_every_attempt(emulator: &Emulator, fault: Fault) {
    for _ in 0..MAX_ATTEMPTS {
        emulator.inject(fault.clone());
    }
}

async fn start_chat(handler: &Handler, body: Option<Value>) -> (u16, Value, Option<String>) {
    let mut event = event_json("http-api-v2.json");
    if let Some(body) = body {
        event = with_body(event, &body);
    }
    let reply = invoke(handler, &event, "req-connect").await;
    let retry_after = reply.header("retry-after").map(str::to_owned);
    (reply.status, reply.body, retry_after)
}

#[tokio::test]
async fn every_connect_error_class_maps_to_its_status() {
    let emulator = start_emulator().await;
    let handler = handler_for(&emulator, &[]).await;
    let cases = [
        (
            ConnectErrorKind::InvalidRequest,
            400,
            "CHAT_REQUEST_REJECTED",
            None,
        ),
        (
            ConnectErrorKind::InvalidParameter,
            400,
            "CHAT_REQUEST_REJECTED",
            None,
        ),
        (
            ConnectErrorKind::ResourceNotFound,
            404,
            "CHAT_RESOURCE_NOT_FOUND",
            None,
        ),
        (
            ConnectErrorKind::Throttling,
            429,
            "TOO_MANY_REQUESTS",
            Some("1"),
        ),
        (
            ConnectErrorKind::LimitExceeded,
            429,
            "CHAT_LIMIT_EXCEEDED",
            Some("30"),
        ),
        (
            ConnectErrorKind::AccessDenied,
            502,
            "SERVICE_MISCONFIGURED",
            None,
        ),
        (
            ConnectErrorKind::InternalService,
            502,
            "UPSTREAM_ERROR",
            Some("1"),
        ),
        (
            ConnectErrorKind::ServiceUnavailable,
            503,
            "SERVICE_UNAVAILABLE",
            Some("1"),
        ),
    ];
    for (kind, status, code, retry_after) in cases {
        emulator.reset();
        inject_on_every_attempt(&emulator, Fault::Error(kind));
        let (actual_status, body, actual_retry_after) = start_chat(&handler, None).await;
        assert_eq!(actual_status, status, "{kind:?}: {body}");
        assert_eq!(body["error"]["code"], code, "{kind:?}");
        assert_eq!(actual_retry_after.as_deref(), retry_after, "{kind:?}");
        let text = body.to_string();
        assert!(
            !text.contains("Exception") && !text.contains("arn:"),
            "{kind:?} leaks: {text}"
        );
    }
}

#[tokio::test]
async fn a_single_throttle_or_server_error_is_absorbed_by_a_retry() {
    let emulator = start_emulator().await;
    let handler = handler_for(&emulator, &[]).await;
    for kind in [
        ConnectErrorKind::Throttling,
        ConnectErrorKind::InternalService,
    ] {
        emulator.reset();
        emulator.inject(Fault::Error(kind));
        let (status, _, _) = start_chat(&handler, None).await;
        assert_eq!(status, 200, "{kind:?}");
        assert_eq!(
            emulator.start_chat_calls().len(),
            2,
            "{kind:?}: one failed attempt, one retry"
        );
    }
}

/// The chat cap says "wait for chats to end": retrying at once only spends the per-second quota.
#[tokio::test]
async fn the_chat_cap_is_answered_after_one_call() {
    let emulator = start_emulator().await;
    let handler = handler_for(&emulator, &[]).await;
    inject_on_every_attempt(&emulator, Fault::Error(ConnectErrorKind::LimitExceeded));
    let (status, body, retry_after) = start_chat(&handler, None).await;
    assert_eq!(status, 429, "{body}");
    assert_eq!(body["error"]["code"], "CHAT_LIMIT_EXCEEDED");
    assert_eq!(retry_after.as_deref(), Some("30"));
    assert_eq!(emulator.start_chat_calls().len(), 1, "never retried");
}

#[tokio::test]
async fn an_unknown_flow_is_connects_resource_not_found() {
    let emulator = start_emulator().await;
    // Allowed by our policy, unknown to the instance: the classic wrong-id symptom.
    let unknown_flow = "0a0b0c0d-0e0f-4a1b-8c2d-3e4f5a6b7c8d";
    let handler = handler_for(
        &emulator,
        &[
            ("ALLOWED_CONTACT_FLOW_IDS", unknown_flow),
            ("CONTACT_FLOW_ALIASES", ""),
            // Availability names the aliases' queues: off with them.
            ("AVAILABILITY_QUEUES", ""),
        ],
    )
    .await;
    let (status, body, _) = start_chat(
        &handler,
        Some(json!({"ContactFlowId": unknown_flow, "ParticipantDetails": {"DisplayName": "Ada"}})),
    )
    .await;
    assert_eq!(status, 404);
    assert_eq!(body["error"]["code"], "CHAT_RESOURCE_NOT_FOUND");
    assert_eq!(
        emulator.start_chat_calls()[0].error_code.as_deref(),
        Some("ResourceNotFoundException")
    );
}

#[tokio::test]
async fn credentials_connect_rejects_are_a_misconfiguration_not_a_client_error() {
    let emulator = start_emulator().await;
    let config = config_with(&[]);
    let client = sdk_client(&emulator, &config, "not-the-emulators-secret").await;
    let handler = handler_with(config, client);
    let (status, body, _) = start_chat(&handler, None).await;
    assert_eq!(status, 502);
    assert_eq!(body["error"]["code"], "SERVICE_MISCONFIGURED");
    let calls = emulator.start_chat_calls();
    assert_eq!(calls.len(), 1, "a signature error is not retried");
    assert_eq!(
        calls[0].error_code.as_deref(),
        Some("InvalidSignatureException")
    );
}

#[tokio::test]
async fn a_hung_connect_is_a_504_within_the_configured_budget() {
    let emulator = start_emulator().await;
    let handler = handler_for(&emulator, &[("CONNECT_API_TIMEOUT_MS", "600")]).await;
    inject_on_every_attempt(&emulator, Fault::Delay(Duration::from_secs(5)));
    let started = Instant::now();
    let (status, body, retry_after) = start_chat(&handler, None).await;
    let elapsed = started.elapsed();
    assert_eq!(status, 504, "{body}");
    assert_eq!(body["error"]["code"], "UPSTREAM_TIMEOUT");
    assert_eq!(retry_after.as_deref(), Some("1"));
    assert!(elapsed < Duration::from_millis(1500), "took {elapsed:?}");
}

#[tokio::test]
async fn an_unreachable_connect_is_a_503() {
    let emulator = start_emulator().await;
    let handler = handler_for(&emulator, &[]).await;
    inject_on_every_attempt(&emulator, Fault::DropConnection);
    let (status, body, _) = start_chat(&handler, None).await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["error"]["code"], "SERVICE_UNAVAILABLE");

    // And with nothing listening at all.
    let address = emulator.local_addr();
    emulator.shutdown().await;
    let config = config_with(&[]);
    let client = sdk_client_at(&format!("http://{address}"), &config, SECRET_ACCESS_KEY).await;
    let handler = handler_with(config, client);
    let (status, _, _) = start_chat(&handler, None).await;
    assert_eq!(status, 503);
}

#[tokio::test]
async fn the_browsers_client_token_makes_a_retried_request_return_the_same_chat() {
    let emulator = start_emulator().await;
    let handler = handler_for(&emulator, &[]).await;
    let body = json!({"ParticipantDetails": {"DisplayName": "Ada"}, "ClientToken": BROWSER_TOKEN});
    let (first_status, first, _) = start_chat(&handler, Some(body.clone())).await;
    let (second_status, second, _) = start_chat(&handler, Some(body)).await;
    assert_eq!((first_status, second_status), (200, 200));
    assert_eq!(first["ContactId"], second["ContactId"]);
    assert_eq!(first["ParticipantToken"], second["ParticipantToken"]);
    assert_eq!(emulator.chats().len(), 1, "one chat, not two");
    let calls = emulator.start_chat_calls();
    assert_eq!(
        calls
            .iter()
            .map(|c| c.idempotent_replay)
            .collect::<Vec<_>>(),
        [false, true]
    );

    // Without a token each request is a new chat.
    let (_, third, _) = start_chat(&handler, None).await;
    let (_, fourth, _) = start_chat(&handler, None).await;
    assert_ne!(third["ContactId"], fourth["ContactId"]);
}

/// Finding: a second caller who repeated another request's ClientToken joined that chat. Connect answers
/// a repeated token with the original chat, so the token it sees is bound to the whole request.
#[tokio::test]
async fn a_repeated_token_on_another_request_never_returns_the_first_chat() {
    let emulator = start_emulator().await;
    let handler = handler_for(&emulator, &[]).await;
    let victim =
        json!({"ParticipantDetails": {"DisplayName": "Ada"}, "ClientToken": BROWSER_TOKEN});
    let (_, first, _) = start_chat(&handler, Some(victim)).await;
    for other in [
        json!({"ParticipantDetails": {"DisplayName": "Eve"}, "ClientToken": BROWSER_TOKEN}),
        json!({"ParticipantDetails": {"DisplayName": "Ada"}, "ClientToken": BROWSER_TOKEN,
               "ContactFlowId": "sales"}),
        json!({"ParticipantDetails": {"DisplayName": "Ada"}, "ClientToken": BROWSER_TOKEN,
               "Attributes": {"x": "1"}}),
    ] {
        let (status, answer, _) = start_chat(&handler, Some(other.clone())).await;
        assert_eq!(status, 200, "{answer}");
        assert_ne!(answer["ContactId"], first["ContactId"], "{other}");
        assert_ne!(answer["ParticipantToken"], first["ParticipantToken"]);
    }
    let calls = emulator.start_chat_calls();
    assert!(
        calls
            .iter()
            .all(|call| call.body["ClientToken"] != BROWSER_TOKEN)
    );
    assert_eq!(emulator.chats().len(), 4);
    // A token that is not a random UUID is refused before Connect.
    let guessable =
        json!({"ParticipantDetails": {"DisplayName": "Ada"}, "ClientToken": "retry-me-1"});
    let (status, answer, _) = start_chat(&handler, Some(guessable)).await;
    assert_eq!(
        (status, answer["error"]["code"].as_str()),
        (400, Some("VALIDATION_FAILED"))
    );
    assert_eq!(emulator.start_chat_calls().len(), 4);
}

#[tokio::test]
async fn a_retry_after_a_slow_attempt_does_not_start_a_second_chat() {
    let emulator = start_emulator().await;
    // Attempts time out after 400 ms; the first one is answered after 700 ms, so Connect has started a chat
    // for it by the time the SDK retries with the same idempotency token.
    let handler = handler_for(&emulator, &[("CONNECT_API_TIMEOUT_MS", "800")]).await;
    emulator.inject(Fault::Delay(Duration::from_millis(700)));
    let (status, body, _) = start_chat(&handler, None).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(status, 200, "{body}");
    let calls = emulator.start_chat_calls();
    assert_eq!(calls.len(), 2, "the slow attempt and the retry");
    assert_eq!(calls[0].body["ClientToken"], calls[1].body["ClientToken"]);
    assert_eq!(emulator.chats().len(), 1, "one chat for both attempts");
}

#[tokio::test]
async fn the_warm_up_opens_the_connection_the_first_chat_reuses_without_starting_one() {
    let emulator = start_emulator().await;
    let config = config_with(&[]);
    let client = sdk_client(&emulator, &config, SECRET_ACCESS_KEY).await;
    assert!(
        warm_connection(&client).await,
        "the emulator answered the warm-up"
    );
    let requests = emulator.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(
        (requests[0].method.as_str(), requests[0].path.as_str()),
        ("GET", "/ping")
    );
    assert!(
        requests[0].signature_valid,
        "the warm-up is signed like a real call, so credentials are loaded too"
    );
    assert!(emulator.start_chat_calls().is_empty() && emulator.chats().is_empty());

    let handler = handler_with(config, client);
    let (status, _, _) = start_chat(&handler, None).await;
    assert_eq!(status, 200);
    let requests = emulator.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(
        requests[1].peer, requests[0].peer,
        "the chat reused the warmed TCP connection"
    );
}

#[tokio::test]
async fn the_warm_up_never_blocks_init_when_connect_is_unreachable() {
    let emulator = start_emulator().await;
    let config = config_with(&[]);
    let client = sdk_client(&emulator, &config, SECRET_ACCESS_KEY).await;
    emulator.shutdown().await;
    let started = Instant::now();
    assert!(!warm_connection(&client).await);
    assert!(started.elapsed() < Duration::from_secs(2));
}
