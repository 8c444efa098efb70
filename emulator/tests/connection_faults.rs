//! Faults a client must survive: a 200 it cannot use (malformed, or without a ParticipantToken),
//! a service that never answers, and an answer lost after the chat was started. A retry with the
//! same ClientToken finds the chat the lost answer was about.

use std::io::{ErrorKind, Read, Write};
use std::time::Duration;

use connect_emulator::{EmulatorConfig, Fault};
use serde_json::{Value, json};

use crate::common::*;

fn with_token(token: &str) -> Value {
    let mut body = chat_body();
    body["ClientToken"] = json!(token);
    body
}

fn chats_with_token(emulator: &connect_emulator::Emulator, token: &str) -> usize {
    emulator
        .chats()
        .iter()
        .filter(|chat| chat.client_token.as_deref() == Some(token))
        .count()
}

#[tokio::test]
async fn a_malformed_200_still_started_the_chat_and_a_retry_gets_the_real_answer() {
    let emulator = start(EmulatorConfig::local()).await;
    emulator.inject(Fault::MalformedBody);
    let body = with_token("malformed-1");
    let spoiled = start_chat(&emulator, &body).await;
    assert_eq!(spoiled.status, 200);
    assert_eq!(spoiled.header("content-type"), Some("application/json"));
    assert!(serde_json::from_slice::<Value>(&spoiled.body).is_err());
    assert!(!spoiled.body.is_empty());

    let retried = start_chat(&emulator, &body).await.json();
    assert!(retried["ParticipantToken"].is_string());
    assert_eq!(chats_with_token(&emulator, "malformed-1"), 1);
    let calls = emulator.start_chat_calls();
    assert_eq!(calls[0].fault, Some(Fault::MalformedBody));
    assert_eq!(calls[0].status, 200);
    assert_eq!(calls[0].contact_id, calls[1].contact_id);
    assert!(calls[1].idempotent_replay);
    assert_eq!(calls[1].client_token.as_deref(), Some("malformed-1"));
}

#[tokio::test]
async fn a_200_without_a_participant_token() {
    let emulator = start(EmulatorConfig::local()).await;
    emulator.inject(Fault::MissingParticipantToken);
    let body = with_token("tokenless-1");
    let answer = start_chat(&emulator, &body).await;
    assert_eq!(answer.status, 200);
    let answer = answer.json();
    assert!(answer.get("ParticipantToken").is_none(), "{answer}");
    assert!(answer["ContactId"].is_string() && answer["ParticipantId"].is_string());
    let retried = start_chat(&emulator, &body).await.json();
    assert_eq!(retried["ContactId"], answer["ContactId"]);
    assert!(retried["ParticipantToken"].is_string());
    assert_eq!(emulator.chats().len(), 1);
}

#[tokio::test]
async fn an_error_answer_is_not_spoiled() {
    let emulator = start(EmulatorConfig::local()).await;
    emulator.inject(Fault::MalformedBody);
    let mut invalid = chat_body();
    invalid["ParticipantDetails"] = json!({});
    let answer = start_chat(&emulator, &invalid).await;
    assert_eq!(answer.error_type(), Some("InvalidParameterException"));
    assert!(answer.json()["Message"].is_string());
    // The fault was used up by that call.
    assert!(start_chat(&emulator, &chat_body()).await.json()["ParticipantToken"].is_string());
}

#[tokio::test]
async fn a_reset_after_processing_loses_the_answer_but_not_the_chat() {
    let emulator = start(EmulatorConfig::local()).await;
    emulator.inject(Fault::ResetAfterProcessing);
    let addr = emulator.local_addr();
    let body = with_token("lost-answer-1");
    let mut connection = Connection::open(addr).await;
    let error = connection
        .send(
            TestRequest::new("PUT", "/contact/chat", body.to_string())
                .signed(addr, &Signer::default()),
        )
        .await
        .expect_err("the connection is reset");
    let reset = std::iter::successors(Some(&error as &(dyn std::error::Error + 'static)), |e| {
        e.source()
    })
    .filter_map(|e| e.downcast_ref::<std::io::Error>())
    .any(|e| e.kind() == ErrorKind::ConnectionReset);
    assert!(reset, "expected a connection reset, got {error:?}");

    // The chat exists and is counted; the record says so although no answer was sent.
    assert_eq!(chats_with_token(&emulator, "lost-answer-1"), 1);
    let lost = emulator.start_chat_calls();
    assert_eq!(lost[0].status, 0);
    assert_eq!(lost[0].fault, Some(Fault::ResetAfterProcessing));
    let contact_id = lost[0].contact_id.clone().expect("the chat was started");
    assert_eq!(emulator.quota().available_tokens.floor(), 7.0);

    // The retry with the same token gets the chat the lost answer was about.
    let retried = start_chat(&emulator, &body).await.json();
    assert_eq!(retried["ContactId"], json!(contact_id));
    assert_eq!(chats_with_token(&emulator, "lost-answer-1"), 1);
    assert!(emulator.start_chat_calls()[1].idempotent_replay);
}

#[tokio::test]
async fn a_stall_never_answers_and_closes_when_the_client_gives_up() {
    let emulator = start(EmulatorConfig::local()).await;
    emulator.inject(Fault::Stall);
    let addr = emulator.local_addr();
    let request = TestRequest::new("PUT", "/contact/chat", chat_body().to_string())
        .signed(addr, &Signer::default());
    let mut raw = format!(
        "PUT /contact/chat HTTP/1.1\r\ncontent-length: {}\r\n",
        request.body.len()
    );
    for (name, value) in &request.headers {
        raw.push_str(&format!("{name}: {value}\r\n"));
    }
    raw.push_str("\r\n");
    let body = request.body.clone();
    let (closed_by_server, received) = tokio::task::spawn_blocking(move || {
        let mut stream = std::net::TcpStream::connect(addr).expect("the emulator accepts");
        stream
            .write_all(raw.as_bytes())
            .and_then(|()| stream.write_all(&body))
            .expect("the request is sent");
        stream
            .set_read_timeout(Some(Duration::from_millis(500)))
            .expect("a read timeout");
        let mut buffer = [0_u8; 64];
        let silent = matches!(
            stream.read(&mut buffer),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut)
        );
        assert!(silent, "a stalled call must not be answered");
        // The client gives up: the emulator closes its side too.
        stream
            .shutdown(std::net::Shutdown::Write)
            .expect("half-close");
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .expect("a read timeout");
        let read = stream.read(&mut buffer);
        (matches!(read, Ok(0)), read.map(|n| buffer[..n].to_vec()))
    })
    .await
    .expect("the client thread finishes");
    assert!(closed_by_server, "expected EOF, got {received:?}");

    assert!(
        emulator.chats().is_empty(),
        "a stalled call is not processed"
    );
    let calls = emulator.start_chat_calls();
    assert_eq!(
        (calls[0].status, calls[0].fault.clone()),
        (0, Some(Fault::Stall))
    );
    assert_eq!(emulator.quota().available_tokens, 8.0);
    assert_eq!(start_chat(&emulator, &chat_body()).await.status, 200);
}

#[tokio::test]
async fn shutdown_ends_a_stalled_connection() {
    let emulator = start(EmulatorConfig::local()).await;
    emulator.inject(Fault::Stall);
    let addr = emulator.local_addr();
    let stalled = tokio::spawn(async move {
        let mut connection = Connection::open(addr).await;
        connection
            .send(
                TestRequest::new("PUT", "/contact/chat", chat_body().to_string())
                    .signed(addr, &Signer::default()),
            )
            .await
    });
    tokio::time::sleep(Duration::from_millis(200)).await;
    tokio::time::timeout(Duration::from_secs(5), emulator.shutdown())
        .await
        .expect("shutdown does not wait for the stalled client");
    let outcome = tokio::time::timeout(Duration::from_secs(5), stalled)
        .await
        .expect("the client sees the connection end")
        .expect("the client task finishes");
    assert!(outcome.is_err(), "no answer was ever sent");
}

#[tokio::test]
async fn the_new_faults_through_the_control_api() {
    let emulator = start(EmulatorConfig::local()).await;
    let queued = control(
        &emulator,
        "POST",
        "/_emulator/faults",
        json!([
            {"stall": true},
            {"malformedBody": true, "count": 2},
            {"missingParticipantToken": true},
            {"resetAfterProcessing": true}
        ]),
    )
    .await;
    assert_eq!(queued.status, 200);
    assert_eq!(queued.json()["pending"], 5);
    let listed = control(&emulator, "GET", "/_emulator/faults", Value::Null)
        .await
        .json();
    assert_eq!(
        listed,
        json!([{"stall": true}, {"malformedBody": true}, {"malformedBody": true},
               {"missingParticipantToken": true}, {"resetAfterProcessing": true}])
    );
    for bad in [
        json!({"stall": "yes"}),
        json!({"stall": true, "resetAfterProcessing": true}),
        json!({"resetAfterProcessing": true, "count": 0}),
        json!({"hang": true}),
    ] {
        let refused = control(&emulator, "POST", "/_emulator/faults", bad.clone()).await;
        assert_eq!(refused.status, 400, "{bad}");
        assert!(refused.json()["message"].is_string(), "{bad}");
    }
    control(&emulator, "POST", "/_emulator/reset", Value::Null).await;
    assert_eq!(
        control(&emulator, "GET", "/_emulator/faults", Value::Null)
            .await
            .json(),
        json!([])
    );
    let calls = control(&emulator, "GET", "/_emulator/start-chat-calls", Value::Null).await;
    assert_eq!(calls.json(), json!([]));

    emulator.inject(Fault::MissingParticipantToken);
    start_chat(&emulator, &with_token("recorded")).await;
    let calls = control(&emulator, "GET", "/_emulator/start-chat-calls", Value::Null)
        .await
        .json();
    assert_eq!(calls[0]["fault"], json!({"missingParticipantToken": true}));
    assert_eq!(calls[0]["clientToken"], "recorded");
    let chats = control(&emulator, "GET", "/_emulator/chats", Value::Null)
        .await
        .json();
    assert_eq!(chats[0]["clientToken"], "recorded");
}
