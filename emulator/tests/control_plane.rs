//! The control plane over real HTTP: SigV4 (signed by the real `aws-sigv4`), validation,
//! resources, idempotency, connection info, recording, faults and the control API.

use std::time::{Duration, Instant, SystemTime};

use crate::common::*;
use connect_emulator::{
    ConnectErrorKind, Emulator, EmulatorConfig, Fault, LOCAL_INSTANCE_ID, LOCAL_SALES_FLOW_ID,
};
use serde_json::json;

fn is_uuid(text: &str) -> bool {
    text.len() == 36 && text.chars().filter(|c| *c == '-').count() == 4
}

#[tokio::test]
async fn starts_a_chat_with_realistic_answer() {
    let emulator = start(EmulatorConfig::local()).await;
    let response = start_chat(&emulator, &chat_body()).await;
    assert_eq!(
        response.status,
        200,
        "{}",
        String::from_utf8_lossy(&response.body)
    );
    assert!(response.header("x-amzn-requestid").is_some_and(is_uuid));
    assert_eq!(response.header("content-type"), Some("application/json"));
    let body = response.json();
    assert!(is_uuid(
        body["ContactId"].as_str().expect("ContactId is a string")
    ));
    assert!(is_uuid(
        body["ParticipantId"]
            .as_str()
            .expect("ParticipantId is a string")
    ));
    let token = body["ParticipantToken"]
        .as_str()
        .expect("ParticipantToken is a string");
    assert!((300..=1000).contains(&token.len()), "{}", token.len());
    assert!(
        token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+/=".contains(&b))
    );
    assert!(body.get("ConnectionCredentials").is_none() && body.get("Websocket").is_none());
    assert!(body.get("ContinuedFromContactId").is_none());

    let calls = emulator.start_chat_calls();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].status, 200);
    assert_eq!(calls[0].body, chat_body());
    assert_eq!(calls[0].contact_id.as_deref(), body["ContactId"].as_str());
    let requests = emulator.requests();
    assert_eq!(requests.len(), 1);
    assert!(requests[0].signature_valid);
    assert_eq!(
        (requests[0].method.as_str(), requests[0].path.as_str()),
        ("PUT", "/contact/chat")
    );
    assert_eq!(
        requests[0].access_key_id.as_deref(),
        Some(connect_emulator::LOCAL_ACCESS_KEY_ID)
    );
    assert!(
        requests[0]
            .headers
            .iter()
            .any(|(n, v)| n == "authorization" && v == "<redacted>")
    );

    let chats = emulator.chats();
    assert_eq!(chats.len(), 1);
    assert_eq!(chats[0].customer_display_name, "Customer Carla");
    let transcript = emulator
        .transcript(&chats[0].contact_id)
        .expect("the chat exists");
    assert_eq!(
        transcript[0]["ContentType"],
        "application/vnd.amazonaws.connect.event.participant.joined"
    );
    assert_eq!(transcript[1]["ParticipantRole"], "SYSTEM");
}

#[tokio::test]
async fn signature_failures_answer_like_aws() {
    let emulator = start(EmulatorConfig::local()).await;
    let addr = emulator.local_addr();
    let body = chat_body().to_string();
    let cases: Vec<(&str, TestRequest, u16, &str)> = vec![
        (
            "unsigned",
            TestRequest::new("PUT", "/contact/chat", body.clone()),
            403,
            "MissingAuthenticationTokenException",
        ),
        (
            "wrong secret",
            TestRequest::new("PUT", "/contact/chat", body.clone()).signed(
                addr,
                &Signer {
                    secret: "not-the-secret".into(),
                    ..Signer::default()
                },
            ),
            403,
            "InvalidSignatureException",
        ),
        (
            "unknown key id",
            TestRequest::new("PUT", "/contact/chat", body.clone()).signed(
                addr,
                &Signer {
                    access_key_id: "AKIAOTHER".into(),
                    ..Signer::default()
                },
            ),
            403,
            "UnrecognizedClientException",
        ),
        (
            "wrong region",
            TestRequest::new("PUT", "/contact/chat", body.clone()).signed(
                addr,
                &Signer {
                    region: "eu-west-1".into(),
                    ..Signer::default()
                },
            ),
            403,
            "InvalidSignatureException",
        ),
        (
            "wrong service",
            TestRequest::new("PUT", "/contact/chat", body.clone()).signed(
                addr,
                &Signer {
                    service: "execute-api".into(),
                    ..Signer::default()
                },
            ),
            403,
            "InvalidSignatureException",
        ),
        (
            "signed 20 minutes ago",
            TestRequest::new("PUT", "/contact/chat", body.clone()).signed(
                addr,
                &Signer {
                    time: SystemTime::now() - Duration::from_secs(20 * 60),
                    ..Signer::default()
                },
            ),
            403,
            "InvalidSignatureException",
        ),
        (
            "unexpected session token",
            TestRequest::new("PUT", "/contact/chat", body.clone()).signed(
                addr,
                &Signer {
                    session_token: Some("tok".into()),
                    ..Signer::default()
                },
            ),
            403,
            "UnrecognizedClientException",
        ),
        (
            "garbage authorization",
            TestRequest::new("PUT", "/contact/chat", body.clone())
                .header("authorization", "Bearer xyz"),
            403,
            "IncompleteSignatureException",
        ),
    ];
    for (name, request, status, code) in cases {
        let response = send(addr, request).await;
        assert_eq!(response.status, status, "{name}");
        assert_eq!(response.error_type(), Some(code), "{name}");
        assert!(response.json()["message"].is_string(), "{name}");
        assert!(response.header("x-amzn-requestid").is_some(), "{name}");
    }

    // A body changed after signing.
    let mut tampered =
        TestRequest::new("PUT", "/contact/chat", body.clone()).signed(addr, &Signer::default());
    tampered.body = body.replace("Carla", "Mallory").into_bytes();
    let response = send(addr, tampered).await;
    assert_eq!(response.status, 403);
    assert_eq!(response.error_type(), Some("InvalidSignatureException"));
    assert!(
        response.json()["message"]
            .as_str()
            .expect("a string")
            .contains("does not match")
    );

    // A header changed after signing.
    let mut moved =
        TestRequest::new("PUT", "/contact/chat", body.clone()).signed(addr, &Signer::default());
    for header in &mut moved.headers {
        if header.0 == "content-type" {
            header.1 = "text/plain".into();
        }
    }
    assert_eq!(
        send(addr, moved).await.error_type(),
        Some("InvalidSignatureException")
    );

    assert!(emulator.chats().is_empty());
    let requests = emulator.requests();
    assert_eq!(requests.len(), 10);
    assert!(requests.iter().all(|r| !r.signature_valid));
    assert_eq!(
        requests[0].signature_error.as_deref(),
        Some("MissingAuthenticationTokenException")
    );
    assert_eq!(emulator.start_chat_calls().len(), 10);
}

#[tokio::test]
async fn session_token_must_match_when_configured() {
    let mut config = EmulatorConfig::local();
    config.credentials.session_token = Some("session-token-value".into());
    let emulator = start(config).await;
    let addr = emulator.local_addr();
    let body = chat_body().to_string();
    let signed = |token: Option<&str>| {
        TestRequest::new("PUT", "/contact/chat", body.clone()).signed(
            addr,
            &Signer {
                session_token: token.map(str::to_owned),
                ..Signer::default()
            },
        )
    };
    assert_eq!(
        send(addr, signed(Some("session-token-value"))).await.status,
        200
    );
    assert_eq!(
        send(addr, signed(Some("other"))).await.error_type(),
        Some("UnrecognizedClientException")
    );
    assert_eq!(
        send(addr, signed(None)).await.error_type(),
        Some("UnrecognizedClientException")
    );
    let requests = emulator.requests();
    assert!(
        requests[0]
            .headers
            .iter()
            .any(|(n, v)| n == "x-amz-security-token" && v == "<redacted>")
    );
}

#[tokio::test]
async fn validation_errors_are_400_with_clear_messages() {
    let emulator = start(EmulatorConfig::local()).await;
    let mut no_name = chat_body();
    no_name["ParticipantDetails"] = json!({"DisplayName": ""});
    let response = start_chat(&emulator, &no_name).await;
    assert_eq!(response.status, 400);
    assert_eq!(response.error_type(), Some("InvalidParameterException"));
    let message = response.json()["Message"]
        .as_str()
        .expect("Message is a string")
        .to_owned();
    assert!(
        message.contains("participantDetails.displayName"),
        "{message}"
    );

    let mut markdown_only = chat_body();
    markdown_only["SupportedMessagingContentTypes"] = json!(["text/markdown"]);
    let response = start_chat(&emulator, &markdown_only).await;
    assert_eq!(
        (response.status, response.error_type()),
        (400, Some("InvalidRequestException"))
    );
    assert!(
        response.json()["Message"]
            .as_str()
            .expect("a string")
            .contains("text/plain")
    );

    let addr = emulator.local_addr();
    let malformed = TestRequest::new("PUT", "/contact/chat", "{\"InstanceId\":")
        .signed(addr, &Signer::default());
    let response = send(addr, malformed).await;
    assert_eq!(
        (response.status, response.error_type()),
        (400, Some("SerializationException"))
    );

    let wrong_type = TestRequest::new("PUT", "/contact/chat", r#"{"InstanceId":[1]}"#)
        .signed(addr, &Signer::default());
    assert_eq!(
        send(addr, wrong_type).await.error_type(),
        Some("SerializationException")
    );

    let calls = emulator.start_chat_calls();
    assert_eq!(calls.len(), 4);
    assert_eq!(calls[2].body, json!("{\"InstanceId\":"));
    assert_eq!(
        calls[0].error_code.as_deref(),
        Some("InvalidParameterException")
    );
    assert!(emulator.chats().is_empty());
}

#[tokio::test]
async fn what_the_model_allows_is_accepted_and_the_rest_refused_without_invented_limits() {
    let emulator = start(EmulatorConfig::local()).await;
    let mut empty_configuration = chat_body();
    empty_configuration["ParticipantConfiguration"] = json!({});
    assert_eq!(
        start_chat(&emulator, &empty_configuration).await.status,
        200
    );

    let mut empty_flow = chat_body();
    empty_flow["ContactFlowId"] = json!("");
    let refused = start_chat(&emulator, &empty_flow).await;
    assert_eq!(refused.error_type(), Some("InvalidParameterException"));
    let message = refused.json()["Message"]
        .as_str()
        .expect("a Message")
        .to_owned();
    assert!(
        message.contains("contactFlowId") && !message.contains("length"),
        "{message}"
    );

    let mut empty_value = chat_body();
    empty_value["SegmentAttributes"] = json!({"connect:Subtype": {}});
    let refused = start_chat(&emulator, &empty_value).await;
    assert_eq!(refused.error_type(), Some("InvalidParameterException"));
    assert!(
        !refused.json()["Message"]
            .as_str()
            .expect("a Message")
            .contains("exactly")
    );
}

#[tokio::test]
async fn huge_bodies_are_refused_with_json() {
    let emulator = start(EmulatorConfig::local()).await;
    let addr = emulator.local_addr();
    let huge = format!("{{\"InstanceId\":\"{}\"}}", "x".repeat(2 * 1024 * 1024));
    let response = send(
        addr,
        TestRequest::new("PUT", "/contact/chat", huge).signed(addr, &Signer::default()),
    )
    .await;
    assert_eq!(response.status, 413);
    assert!(response.json()["message"].is_string());
    assert_eq!(emulator.start_chat_calls()[0].status, 413);
}

#[tokio::test]
async fn unknown_instance_and_flow_are_not_found() {
    let emulator = start(EmulatorConfig::local()).await;
    let mut body = chat_body();
    body["InstanceId"] = json!("00000000-0000-0000-0000-000000000000");
    let response = start_chat(&emulator, &body).await;
    assert_eq!(
        (response.status, response.error_type()),
        (404, Some("ResourceNotFoundException"))
    );
    assert!(response.json()["Message"].is_string());

    let mut body = chat_body();
    body["ContactFlowId"] = json!("11111111-1111-1111-1111-111111111111");
    let response = start_chat(&emulator, &body).await;
    assert_eq!(
        (response.status, response.error_type()),
        (404, Some("ResourceNotFoundException"))
    );

    let mut sales = chat_body();
    sales["ContactFlowId"] = json!(LOCAL_SALES_FLOW_ID);
    assert_eq!(start_chat(&emulator, &sales).await.status, 200);
}

#[tokio::test]
async fn client_token_replays_the_original_contact() {
    let emulator = start(EmulatorConfig::local()).await;
    let mut body = chat_body();
    body["ClientToken"] = json!("retry-me-1");
    let first = start_chat(&emulator, &body).await.json();
    let second = start_chat(&emulator, &body).await.json();
    for member in ["ContactId", "ParticipantId", "ParticipantToken"] {
        assert_eq!(first[member], second[member], "{member}");
    }
    assert_eq!(emulator.chats().len(), 1);
    let calls = emulator.start_chat_calls();
    assert!(!calls[0].idempotent_replay && calls[1].idempotent_replay);

    body["ClientToken"] = json!("another-token");
    let third = start_chat(&emulator, &body).await.json();
    assert_ne!(first["ContactId"], third["ContactId"]);
    assert_eq!(emulator.chats().len(), 2);
}

#[tokio::test]
async fn connection_types_return_connection_info() {
    let emulator = start(EmulatorConfig::local()).await;
    let mut body = chat_body();
    body["ConnectionTypes"] = json!(["WEBSOCKET", "CONNECTION_CREDENTIALS"]);
    body["ChatStreamingConfiguration"] =
        json!({"StreamingEndpointArn": "arn:aws:sns:us-east-1:123456789012:chat"});
    let answer = start_chat(&emulator, &body).await.json();
    let url = answer["Websocket"]["Url"]
        .as_str()
        .expect("Url is a string");
    let prefix = format!("ws://127.0.0.1:{}/", emulator.participant_addr().port());
    assert!(url.starts_with(&prefix), "{url}");
    assert!(
        answer["Websocket"]["ConnectionExpiry"]
            .as_str()
            .expect("a string")
            .ends_with('Z')
    );
    let token = answer["ConnectionCredentials"]["ConnectionToken"]
        .as_str()
        .expect("a string");
    assert!(token.len() > 100);
    let expiry = answer["ConnectionCredentials"]["Expiry"]
        .as_str()
        .expect("Expiry is a string");
    // now + 1 day, ISO 8601 with milliseconds.
    assert_eq!(expiry.len(), "2024-01-01T00:00:00.000Z".len());
    let tomorrow = SystemTime::now() + Duration::from_secs(86_400);
    let year = 1970
        + tomorrow
            .duration_since(SystemTime::UNIX_EPOCH)
            .expect("after the epoch")
            .as_secs()
            / 31_556_952;
    assert!(
        expiry.starts_with(&year.to_string()) || expiry.starts_with(&(year + 1).to_string()),
        "{expiry}"
    );
    assert!(answer["StreamingId"].is_string());

    let mut credentials_only = chat_body();
    credentials_only["ConnectionTypes"] = json!(["CONNECTION_CREDENTIALS"]);
    let answer = start_chat(&emulator, &credentials_only).await.json();
    assert!(answer["ConnectionCredentials"].is_object());
    assert!(answer.get("Websocket").is_none());
}

#[tokio::test]
async fn unknown_paths_are_recorded_and_the_connection_is_reused() {
    let emulator = start(EmulatorConfig::local()).await;
    let addr = emulator.local_addr();
    let mut connection = Connection::open(addr).await;
    let warm_up = connection
        .send(TestRequest::new("GET", "/ping?x=1", Vec::new()))
        .await
        .expect("the call succeeds");
    assert_eq!(
        (warm_up.status, warm_up.error_type()),
        (404, Some("UnknownOperationException"))
    );
    assert!(warm_up.json()["message"].is_string());
    let wrong_method = connection
        .send(
            TestRequest::new("POST", "/contact/chat", Vec::new()).signed(addr, &Signer::default()),
        )
        .await
        .expect("the call succeeds");
    assert_eq!(wrong_method.error_type(), Some("UnknownOperationException"));
    let started = connection
        .send(
            TestRequest::new("PUT", "/contact/chat", chat_body().to_string())
                .signed(addr, &Signer::default()),
        )
        .await
        .expect("the call succeeds");
    assert_eq!(started.status, 200);

    let requests = emulator.requests();
    assert_eq!(requests.len(), 3);
    assert_eq!(requests[0].path, "/ping");
    assert!(!requests[0].signature_valid);
    assert!(requests[1].signature_valid);
    assert!(requests.iter().all(|r| r.peer == connection.local_addr));
    // Only the real operation counts as a StartChatContact call.
    assert_eq!(emulator.start_chat_calls().len(), 1);
}

#[tokio::test]
async fn injected_errors_use_the_real_status_codes() {
    let emulator = start(EmulatorConfig::local()).await;
    for kind in ConnectErrorKind::ALL {
        emulator.inject(Fault::Error(kind));
        let response = start_chat(&emulator, &chat_body()).await;
        assert_eq!(response.status, kind.status(), "{kind:?}");
        assert_eq!(response.error_type(), Some(kind.code()));
        let body = response.json();
        assert!(
            body["Message"].is_string() || body["message"].is_string(),
            "{body}"
        );
    }
    let statuses: Vec<u16> = ConnectErrorKind::ALL.iter().map(|k| k.status()).collect();
    assert_eq!(statuses, vec![400, 400, 404, 429, 429, 403, 500, 503]);
    assert!(emulator.chats().is_empty());
    // Faults are used up: the next call succeeds.
    assert_eq!(start_chat(&emulator, &chat_body()).await.status, 200);
    let calls = emulator.start_chat_calls();
    assert_eq!(calls.len(), 9);
    assert_eq!(calls[4].error_code.as_deref(), Some("ThrottlingException"));
}

#[tokio::test]
async fn delay_and_dropped_connection_faults() {
    let emulator = start(EmulatorConfig::local()).await;
    let addr = emulator.local_addr();

    emulator.inject(Fault::Delay(Duration::from_millis(400)));
    let started = Instant::now();
    assert_eq!(start_chat(&emulator, &chat_body()).await.status, 200);
    assert!(started.elapsed() >= Duration::from_millis(400));

    emulator.inject(Fault::DropConnection);
    let mut connection = Connection::open(addr).await;
    let result = connection
        .send(
            TestRequest::new("PUT", "/contact/chat", chat_body().to_string())
                .signed(addr, &Signer::default()),
        )
        .await;
    assert!(result.is_err(), "expected the connection to drop");
    let calls = emulator.start_chat_calls();
    assert_eq!(calls.last().expect("not empty").status, 0);
    assert_eq!(emulator.chats().len(), 1);
    // The server keeps serving.
    assert_eq!(start_chat(&emulator, &chat_body()).await.status, 200);
}

#[tokio::test]
async fn control_api_over_http() {
    let emulator = start(EmulatorConfig::local()).await;
    let queued = control(
        &emulator,
        "POST",
        "/_emulator/faults",
        json!({"error": "ThrottlingException"}),
    )
    .await;
    assert_eq!(queued.status, 200);
    let listed = control(
        &emulator,
        "GET",
        "/_emulator/faults",
        serde_json::Value::Null,
    )
    .await
    .json();
    assert_eq!(listed, json!([{"error": "ThrottlingException"}]));
    assert_eq!(start_chat(&emulator, &chat_body()).await.status, 429);

    control(
        &emulator,
        "POST",
        "/_emulator/faults",
        json!([{"delayMs": 10}, {"dropConnection": false, "error": "AccessDenied"}]),
    )
    .await;
    assert_eq!(start_chat(&emulator, &chat_body()).await.status, 200);
    assert_eq!(start_chat(&emulator, &chat_body()).await.status, 403);

    let bad = control(
        &emulator,
        "POST",
        "/_emulator/faults",
        json!({"error": "Nope"}),
    )
    .await;
    assert_eq!(bad.status, 400);
    assert!(
        bad.json()["message"]
            .as_str()
            .expect("a string")
            .contains("ThrottlingException")
    );

    let requests = control(
        &emulator,
        "GET",
        "/_emulator/requests",
        serde_json::Value::Null,
    )
    .await
    .json();
    assert_eq!(requests.as_array().expect("a JSON array").len(), 3);
    assert_eq!(requests[0]["signatureValid"], true);
    assert!(
        requests[0]["peer"]
            .as_str()
            .expect("a string")
            .starts_with("127.0.0.1:")
    );
    let calls = control(
        &emulator,
        "GET",
        "/_emulator/start-chat-calls",
        serde_json::Value::Null,
    )
    .await
    .json();
    assert_eq!(calls[0]["errorCode"], "ThrottlingException");
    assert_eq!(calls[1]["status"], 200);

    control(
        &emulator,
        "POST",
        "/_emulator/faults",
        json!({"error": "ThrottlingException"}),
    )
    .await;
    assert_eq!(
        control(
            &emulator,
            "POST",
            "/_emulator/reset",
            serde_json::Value::Null
        )
        .await
        .status,
        200
    );
    assert!(emulator.requests().is_empty() && emulator.start_chat_calls().is_empty());
    assert_eq!(start_chat(&emulator, &chat_body()).await.status, 200);
    let health = control(
        &emulator,
        "GET",
        "/_emulator/health",
        serde_json::Value::Null,
    )
    .await;
    assert_eq!(health.json()["status"], "ok");
    // Control routes are never recorded.
    assert_eq!(emulator.requests().len(), 1);
}

#[tokio::test]
async fn rust_reset_clears_records_and_faults() {
    let emulator = start(EmulatorConfig::local()).await;
    start_chat(&emulator, &chat_body()).await;
    emulator.inject(Fault::Error(ConnectErrorKind::InternalService));
    emulator.reset();
    assert!(emulator.requests().is_empty());
    assert_eq!(start_chat(&emulator, &chat_body()).await.status, 200);
}

#[tokio::test]
async fn persistent_chat_needs_an_ended_source() {
    let emulator = start(EmulatorConfig::local()).await;
    let mut first = chat_body();
    first["InitialMessage"] = json!({"ContentType": "text/plain", "Content": "my order is late"});
    let first = start_chat(&emulator, &first).await.json();
    let source = first["ContactId"]
        .as_str()
        .expect("ContactId is a string")
        .to_owned();

    let mut again = chat_body();
    again["PersistentChat"] =
        json!({"RehydrationType": "ENTIRE_PAST_SESSION", "SourceContactId": source});
    let response = start_chat(&emulator, &again).await;
    assert_eq!(
        (response.status, response.error_type()),
        (400, Some("InvalidRequestException"))
    );

    emulator.end_chat(&source).expect("the chat ends");
    let continued = start_chat(&emulator, &again).await.json();
    assert_eq!(continued["ContinuedFromContactId"], json!(source));
    let new_id = continued["ContactId"]
        .as_str()
        .expect("ContactId is a string");
    let transcript = emulator.transcript(new_id).expect("the chat exists");
    let past: Vec<_> = transcript
        .iter()
        .filter(|i| i["RelatedContactId"] == json!(source))
        .collect();
    assert!(past.iter().any(|i| i["Content"] == "my order is late"));
    assert!(past.iter().all(|i| i.get("ContactId").is_none()));
    assert!(transcript.iter().any(|i| i["ContactId"] == json!(new_id)));

    let mut unknown = chat_body();
    unknown["PersistentChat"] =
        json!({"RehydrationType": "FROM_SEGMENT", "SourceContactId": "nope"});
    assert_eq!(
        start_chat(&emulator, &unknown).await.error_type(),
        Some("ResourceNotFoundException")
    );
}

#[tokio::test]
async fn active_chat_quota_gives_limit_exceeded() {
    let mut config = EmulatorConfig::local();
    config.max_active_chats = Some(1);
    let emulator = start(config).await;
    let first = start_chat(&emulator, &chat_body()).await.json();
    let response = start_chat(&emulator, &chat_body()).await;
    assert_eq!(
        (response.status, response.error_type()),
        (429, Some("LimitExceededException"))
    );
    emulator
        .end_chat(first["ContactId"].as_str().expect("ContactId is a string"))
        .expect("the chat ends");
    assert_eq!(start_chat(&emulator, &chat_body()).await.status, 200);
}

#[tokio::test]
async fn custom_instances_from_config() {
    let mut config = EmulatorConfig::local();
    config.instances.push(connect_emulator::InstanceConfig {
        instance_id: "other-instance".into(),
        contact_flow_ids: vec!["flow-x".into()],
    });
    let emulator = start(config).await;
    let body = json!({"InstanceId": "other-instance", "ContactFlowId": "flow-x", "ParticipantDetails": {"DisplayName": "A"}});
    assert_eq!(start_chat(&emulator, &body).await.status, 200);
    let mut crossed = body.clone();
    crossed["InstanceId"] = json!(LOCAL_INSTANCE_ID);
    assert_eq!(start_chat(&emulator, &crossed).await.status, 404);
}

#[tokio::test]
async fn shutdown_and_drop_stop_the_servers() {
    let emulator = start(EmulatorConfig::local()).await;
    let addr = emulator.local_addr();
    let participant = emulator.participant_addr();
    // An idle keep-alive connection must not keep the server alive.
    let _idle = Connection::open(addr).await;
    emulator.shutdown().await;
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
    assert!(tokio::net::TcpStream::connect(participant).await.is_err());

    let emulator: Emulator = start(EmulatorConfig::local()).await;
    let addr = emulator.local_addr();
    drop(emulator);
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}

#[tokio::test]
async fn old_chats_are_forgotten_beyond_the_store_limit() {
    // More chats than the quota's burst.
    let mut config = EmulatorConfig::local().without_quota();
    config.max_stored_chats = 10;
    let emulator = start(config).await;
    let mut tokens = Vec::new();
    for _ in 0..12 {
        let started = start_chat(&emulator, &chat_body()).await.json();
        tokens.push(
            started["ParticipantToken"]
                .as_str()
                .expect("ParticipantToken is a string")
                .to_owned(),
        );
    }
    assert!(emulator.chats().len() <= 10);
    let forgotten = crate::common::participant::connect(&emulator, &tokens[0]).await;
    assert_eq!(forgotten.status, 403);
    let kept = crate::common::participant::connect(&emulator, &tokens[11]).await;
    assert_eq!(kept.status, 200);
}

#[tokio::test]
async fn a_delayed_answer_still_starts_the_chat_at_once() {
    let emulator = start(EmulatorConfig::local()).await;
    emulator.inject(Fault::Delay(Duration::from_secs(5)));
    let mut body = chat_body();
    body["ClientToken"] = json!("slow-1");
    let gave_up =
        tokio::time::timeout(Duration::from_millis(300), start_chat(&emulator, &body)).await;
    assert!(gave_up.is_err(), "the answer should be late");
    // The slow attempt was processed and recorded; a retry with its token is a replay.
    assert_eq!(emulator.chats().len(), 1);
    assert_eq!(emulator.start_chat_calls().len(), 1);
    let retry = start_chat(&emulator, &body).await;
    assert_eq!(retry.status, 200);
    let calls = emulator.start_chat_calls();
    assert_eq!(
        calls
            .iter()
            .map(|c| c.idempotent_replay)
            .collect::<Vec<_>>(),
        [false, true]
    );
    assert_eq!(emulator.chats().len(), 1);
}

#[tokio::test]
async fn the_local_past_chat_is_a_persistent_chat_source() {
    let emulator = start(EmulatorConfig::local()).await;
    assert!(emulator.chats().is_empty(), "past chats are not listed");
    let mut body = chat_body();
    body["PersistentChat"] = json!({
        "RehydrationType": "ENTIRE_PAST_SESSION",
        "SourceContactId": connect_emulator::LOCAL_PAST_CONTACT_ID,
    });
    let started = start_chat(&emulator, &body).await;
    assert_eq!(
        started.status,
        200,
        "{}",
        String::from_utf8_lossy(&started.body)
    );
    let started = started.json();
    assert_eq!(
        started["ContinuedFromContactId"],
        connect_emulator::LOCAL_PAST_CONTACT_ID
    );
    let transcript = emulator
        .transcript(
            started["ContactId"]
                .as_str()
                .expect("ContactId is a string"),
        )
        .expect("the chat exists");
    let past: Vec<_> = transcript
        .iter()
        .filter(|i| i["RelatedContactId"] == connect_emulator::LOCAL_PAST_CONTACT_ID)
        .collect();
    assert!(past.iter().any(|i| i["Content"] == "Great, thanks!"));
    assert!(past.iter().any(|i| i["ParticipantRole"] == "AGENT"));
    assert_eq!(
        past.last().expect("not empty")["ContentType"],
        "application/vnd.amazonaws.connect.event.chat.ended"
    );

    // The past chat belongs to the local instance only.
    let mut config = EmulatorConfig::local();
    config.instances.push(connect_emulator::InstanceConfig {
        instance_id: "other".into(),
        contact_flow_ids: vec!["flow".into()],
    });
    let emulator = start(config).await;
    body["InstanceId"] = json!("other");
    body["ContactFlowId"] = json!("flow");
    assert_eq!(
        start_chat(&emulator, &body).await.error_type(),
        Some("ResourceNotFoundException")
    );
}

#[tokio::test]
async fn records_carry_the_service_time_without_injected_delays() {
    let emulator = start(EmulatorConfig::local()).await;
    let started = Instant::now();
    assert_eq!(start_chat(&emulator, &chat_body()).await.status, 200);
    let round_trip = started.elapsed();
    emulator.inject(Fault::Delay(Duration::from_millis(300)));
    assert_eq!(start_chat(&emulator, &chat_body()).await.status, 200);
    emulator.inject(Fault::Error(ConnectErrorKind::Throttling));
    assert_eq!(start_chat(&emulator, &chat_body()).await.status, 429);

    let calls = emulator.start_chat_calls();
    assert_eq!(calls.len(), 3);
    for call in &calls {
        assert!(call.service_time > Duration::ZERO, "{call:?}");
    }
    assert!(
        calls[0].service_time < round_trip,
        "{:?} is not inside the client's {round_trip:?}",
        calls[0].service_time
    );
    assert!(
        calls[1].service_time < Duration::from_millis(300),
        "an injected delay is not service time: {:?}",
        calls[1].service_time
    );

    let recorded = control(
        &emulator,
        "GET",
        "/_emulator/start-chat-calls",
        serde_json::Value::Null,
    )
    .await
    .json();
    assert!(
        recorded[0]["serviceTimeUs"]
            .as_f64()
            .is_some_and(|us| us > 0.0)
    );
}
