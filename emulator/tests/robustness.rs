//! Malformed input never crashes the emulator: every answer is an AWS-style JSON error and
//! the servers keep serving.

use crate::common::participant::start_customer_chat;
use crate::common::*;
use serde_json::Value;

fn garbage_bodies() -> Vec<Vec<u8>> {
    let deep = format!("{}{}", "[".repeat(5_000), "]".repeat(5_000));
    vec![
        Vec::new(),
        b"null".to_vec(),
        b"[]".to_vec(),
        b"{".to_vec(),
        b"\xff\xfe\x00".to_vec(),
        b"{\"Content\":{},\"ContentType\":[1],\"MaxResults\":-1,\"StartPosition\":\"x\"}".to_vec(),
        b"{\"Type\":null,\"AttachmentIds\":[null],\"AttachmentSizeInBytes\":1e400}".to_vec(),
        deep.into_bytes(),
        vec![b'x'; 100_000],
    ]
}

#[tokio::test]
async fn participant_operations_survive_garbage() {
    let emulator = start(fast_config()).await;
    let chat = start_customer_chat(&emulator, Value::Null).await;
    let paths = [
        "/participant/connection",
        "/participant/message",
        "/participant/event",
        "/participant/transcript",
        "/participant/disconnect",
        "/participant/start-attachment-upload",
        "/participant/complete-attachment-upload",
        "/participant/attachment",
        "/participant/authentication-url",
    ];
    for path in paths {
        for body in garbage_bodies() {
            for bearer in [
                "",
                "junk",
                chat.participant_token.as_str(),
                chat.connection_token.as_str(),
            ] {
                let mut request =
                    TestRequest::new("POST", path, body.clone()).header("x-amz-bearer", bearer);
                request
                    .headers
                    .push(("x-amz-date".into(), "not a date".into()));
                let response = send(emulator.participant_addr(), request).await;
                // An empty body is `{}`, which some operations accept.
                let json = response.json();
                if response.status != 200 {
                    assert!(
                        (400..500).contains(&response.status),
                        "{path} -> {}",
                        response.status
                    );
                    assert!(json["__type"].is_string(), "{path}: {json}");
                }
            }
        }
    }
    for path in [
        "/participant/views/%FF%FE",
        "/attachments/%FF?token=x",
        "/ws?AuthToken=%00",
    ] {
        let response = send(
            emulator.participant_addr(),
            TestRequest::new("GET", path, Vec::new()),
        )
        .await;
        assert!(
            (400..500).contains(&response.status),
            "{path} -> {}",
            response.status
        );
    }
    // Still serving.
    let chat = start_customer_chat(&emulator, Value::Null).await;
    let response = crate::common::participant::send_message(&emulator, &chat, "still fine").await;
    assert_eq!(response.status, 200);
}

#[tokio::test]
async fn control_plane_survives_garbage() {
    // More signed calls than the quota's burst.
    let emulator = start(connect_emulator::EmulatorConfig::local().without_quota()).await;
    let addr = emulator.local_addr();
    let authorizations = [
        "",
        "AWS4-HMAC-SHA256",
        "AWS4-HMAC-SHA256 ",
        "AWS4-HMAC-SHA256 Credential=",
        "AWS4-HMAC-SHA256 Credential=AKIAEMULATORLOCAL001/x/y/z/w, SignedHeaders=, Signature=zz",
        "AWS4-HMAC-SHA256 Credential=AKIAEMULATORLOCAL001/20240101/us-east-1/connect/aws4_request, SignedHeaders=host;x-amz-date;Not A Header, Signature=00",
        "AWS4-HMAC-SHA256 Credential=AKIAEMULATORLOCAL001/20240101/us-east-1/connect/aws4_request,SignedHeaders=host,Signature=",
    ];
    for authorization in authorizations {
        for date in ["", "20240101T000000Z", "garbage", "99999999T999999Z"] {
            for body in garbage_bodies() {
                let mut request = TestRequest::new("PUT", "/contact/chat", body);
                if !authorization.is_empty() {
                    request = request.header("authorization", authorization);
                }
                if !date.is_empty() {
                    request = request.header("x-amz-date", date);
                }
                let response = send(addr, request).await;
                assert!(
                    (400..500).contains(&response.status),
                    "{authorization} / {date} -> {}",
                    response.status
                );
                assert!(response.json()["message"].is_string());
            }
        }
    }
    // Signed, but nonsense bodies.
    for body in garbage_bodies() {
        let response = send(
            addr,
            TestRequest::new("PUT", "/contact/chat", body).signed(addr, &Signer::default()),
        )
        .await;
        assert!((400..500).contains(&response.status));
        let json = response.json();
        assert!(
            json["message"].is_string() || json["Message"].is_string(),
            "{json}"
        );
    }
    for body in garbage_bodies() {
        let response = control(&emulator, "POST", "/_emulator/faults", Value::Null).await;
        assert_eq!(response.status, 400);
        let raw = send(addr, TestRequest::new("POST", "/_emulator/agent", body)).await;
        assert!(raw.status == 400 || raw.status == 200, "{}", raw.status);
    }
    assert_eq!(start_chat(&emulator, &chat_body()).await.status, 200);
}
