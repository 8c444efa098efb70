//! The participant service's REST operations: tokens, connection, messages, events,
//! transcript paging, views, attachments and CORS.

use std::time::Duration;

use crate::common::participant::*;
use crate::common::*;
use connect_emulator::Emulator;
use serde_json::{Value, json};

/// An emulator whose agent never joins, so transcripts hold only what a test sends.
async fn quiet_emulator() -> Emulator {
    let mut config = fast_config();
    config.agent.enabled = false;
    start(config).await
}

fn assert_error(response: &TestResponse, status: u16, code: &str) {
    assert_eq!(
        response.status,
        status,
        "{}",
        String::from_utf8_lossy(&response.body)
    );
    assert_eq!(response.error_type(), Some(code));
    let body = response.json();
    assert_eq!(body["__type"], code);
    assert!(body["Message"].is_string(), "{body}");
}

#[tokio::test]
async fn create_participant_connection_and_token_rules() {
    let emulator = quiet_emulator().await;
    let chat = start_customer_chat(&emulator, Value::Null).await;
    let prefix = format!("ws://127.0.0.1:{}/", emulator.participant_addr().port());
    assert!(
        chat.websocket_url.starts_with(&prefix),
        "{}",
        chat.websocket_url
    );

    // A second call with the same ParticipantToken resumes the chat (page refresh).
    let again = connect(&emulator, &chat.participant_token).await;
    assert_eq!(again.status, 200);
    assert!(again.header("x-amzn-requestid").is_some());
    let again = again.json();
    let expiry = again["ConnectionCredentials"]["Expiry"]
        .as_str()
        .expect("Expiry is a string");
    assert!(expiry.ends_with('Z') && expiry.len() == 24, "{expiry}");
    assert!(again["Websocket"]["ConnectionExpiry"].is_string());
    let second_token = again["ConnectionCredentials"]["ConnectionToken"]
        .as_str()
        .expect("a string");
    assert_ne!(second_token, chat.connection_token);
    for token in [chat.connection_token.as_str(), second_token] {
        let response = call(
            &emulator,
            "POST",
            "/participant/transcript",
            token,
            json!({}),
        )
        .await;
        assert_eq!(response.status, 200);
    }

    // Only the token each operation takes.
    let wrong = call(
        &emulator,
        "POST",
        "/participant/connection",
        &chat.connection_token,
        json!({"Type": ["WEBSOCKET"]}),
    )
    .await;
    assert_error(&wrong, 403, "AccessDeniedException");
    let wrong = call(
        &emulator,
        "POST",
        "/participant/message",
        &chat.participant_token,
        json!({"ContentType": "text/plain", "Content": "x"}),
    )
    .await;
    assert_error(&wrong, 403, "AccessDeniedException");
    let missing = call(
        &emulator,
        "POST",
        "/participant/message",
        "",
        json!({"ContentType": "text/plain", "Content": "x"}),
    )
    .await;
    assert_error(&missing, 403, "AccessDeniedException");
    let garbage = call(
        &emulator,
        "POST",
        "/participant/transcript",
        "garbage",
        json!({}),
    )
    .await;
    assert_error(&garbage, 403, "AccessDeniedException");

    // Only CONNECTION_CREDENTIALS: no Websocket member.
    let credentials_only = call(
        &emulator,
        "POST",
        "/participant/connection",
        &chat.participant_token,
        json!({"Type": ["CONNECTION_CREDENTIALS"]}),
    )
    .await
    .json();
    assert!(credentials_only.get("Websocket").is_none());
    let bad_type = call(
        &emulator,
        "POST",
        "/participant/connection",
        &chat.participant_token,
        json!({"Type": ["CARRIER_PIGEON"]}),
    )
    .await;
    assert_error(&bad_type, 400, "ValidationException");
    let empty_type = call(
        &emulator,
        "POST",
        "/participant/connection",
        &chat.participant_token,
        json!({"Type": []}),
    )
    .await;
    assert_error(&empty_type, 400, "ValidationException");
    let malformed = send(
        emulator.participant_addr(),
        TestRequest::new("POST", "/participant/connection", "{not json")
            .header("x-amz-bearer", &chat.participant_token),
    )
    .await;
    assert_error(&malformed, 400, "ValidationException");
}

#[tokio::test]
async fn send_message_validation_and_idempotency() {
    let emulator = quiet_emulator().await;
    let chat = start_customer_chat(&emulator, Value::Null).await;
    let token = chat.connection_token.as_str();

    let missing_content = call(
        &emulator,
        "POST",
        "/participant/message",
        token,
        json!({"ContentType": "text/plain"}),
    )
    .await;
    assert_error(&missing_content, 400, "ValidationException");
    assert!(
        missing_content.json()["Message"]
            .as_str()
            .expect("a string")
            .contains("'content'")
    );
    let too_long = call(
        &emulator,
        "POST",
        "/participant/message",
        token,
        json!({"ContentType": "text/plain", "Content": "x".repeat(16_385)}),
    )
    .await;
    assert_error(&too_long, 400, "ValidationException");
    // The chat did not list text/markdown in SupportedMessagingContentTypes.
    let markdown = call(
        &emulator,
        "POST",
        "/participant/message",
        token,
        json!({"ContentType": "text/markdown", "Content": "**hi**"}),
    )
    .await;
    assert_error(&markdown, 400, "ValidationException");
    let wrong_type = call(
        &emulator,
        "POST",
        "/participant/message",
        token,
        json!({"ContentType": "text/plain", "Content": 5}),
    )
    .await;
    assert_error(&wrong_type, 400, "ValidationException");

    let body =
        json!({"ClientToken": "same-token", "ContentType": "text/plain", "Content": "hello"});
    let first = call(
        &emulator,
        "POST",
        "/participant/message",
        token,
        body.clone(),
    )
    .await
    .json();
    let second = call(&emulator, "POST", "/participant/message", token, body)
        .await
        .json();
    assert_eq!(first, second);
    assert!(
        first["Id"].is_string()
            && first["AbsoluteTime"]
                .as_str()
                .expect("AbsoluteTime is a string")
                .ends_with('Z')
    );
    let items = emulator
        .transcript(&chat.contact_id)
        .expect("the chat exists");
    assert_eq!(items.iter().filter(|i| i["Content"] == "hello").count(), 1);

    let markdown_chat = start_customer_chat(
        &emulator,
        json!({"SupportedMessagingContentTypes": ["text/plain", "text/markdown"]}),
    )
    .await;
    let markdown = call(
        &emulator,
        "POST",
        "/participant/message",
        &markdown_chat.connection_token,
        json!({"ContentType": "text/markdown", "Content": "**hi**"}),
    )
    .await;
    assert_eq!(markdown.status, 200);
}

#[tokio::test]
async fn send_event_validation_and_receipts_are_not_deduplicated() {
    let emulator = quiet_emulator().await;
    let chat = start_customer_chat(&emulator, Value::Null).await;
    let mut socket = Socket::open_subscribed(&chat.websocket_url).await;
    let token = chat.connection_token.as_str();

    let unknown = call(
        &emulator,
        "POST",
        "/participant/event",
        token,
        json!({"ContentType": "application/vnd.amazonaws.connect.event.participant.joined"}),
    )
    .await;
    assert_error(&unknown, 400, "ValidationException");
    let no_message = call(
        &emulator,
        "POST",
        "/participant/event",
        token,
        json!({"ContentType": READ, "Content": "{}"}),
    )
    .await;
    assert_error(&no_message, 400, "ValidationException");

    let transcript = emulator
        .transcript(&chat.contact_id)
        .expect("the chat exists");
    let greeting_id = transcript[1]["Id"]
        .as_str()
        .expect("Id is a string")
        .to_owned();
    let joined_id = transcript[0]["Id"]
        .as_str()
        .expect("Id is a string")
        .to_owned();
    // chatjs sends every receipt with this same ClientToken.
    for message_id in [&greeting_id, &joined_id] {
        let receipt = json!({
            "ClientToken": "INCOMING_READ_RECEIPT",
            "ContentType": READ,
            "Content": json!({"messageId": message_id}).to_string(),
        });
        let response = call(&emulator, "POST", "/participant/event", token, receipt).await;
        assert_eq!(response.status, 200);
        let item = socket.next_item().await;
        assert_eq!(item["Type"], "MESSAGEMETADATA");
        assert_eq!(item["MessageMetadata"]["MessageId"], json!(message_id));
        let receipt = &item["MessageMetadata"]["Receipts"][0];
        assert_eq!(
            receipt["RecipientParticipantId"],
            json!(chat.participant_id)
        );
        assert!(receipt["ReadTimestamp"].is_string());
        assert!(item.get("ContactId").is_none());
    }
    // The transcript keeps receipts on the message itself.
    let transcript = emulator
        .transcript(&chat.contact_id)
        .expect("the chat exists");
    assert!(transcript[1]["MessageMetadata"]["Receipts"][0]["ReadTimestamp"].is_string());

    let typing = call(
        &emulator,
        "POST",
        "/participant/event",
        token,
        json!({"ClientToken": "t1", "ContentType": TYPING}),
    )
    .await;
    assert_eq!(typing.status, 200);
    let item = socket.next_item().await;
    assert_eq!(
        (item["Type"].as_str(), content_type(&item)),
        (Some("EVENT"), TYPING)
    );
    assert_eq!(item["ParticipantRole"], "CUSTOMER");
    assert_eq!(item["ContactId"], json!(chat.contact_id));
    // Typing never reaches transcripts.
    assert!(
        emulator
            .transcript(&chat.contact_id)
            .expect("the chat exists")
            .iter()
            .all(|i| content_type(i) != TYPING)
    );
}

#[tokio::test]
async fn disconnect_ends_the_chat_and_revokes_the_participant() {
    let emulator = quiet_emulator().await;
    let chat = start_customer_chat(&emulator, Value::Null).await;
    let mut socket = Socket::open_subscribed(&chat.websocket_url).await;
    let response = call(
        &emulator,
        "POST",
        "/participant/disconnect",
        &chat.connection_token,
        json!({"ClientToken": "d1"}),
    )
    .await;
    assert_eq!(response.status, 200);
    assert_eq!(response.json(), json!({}));
    let left = socket.next_item().await;
    assert_eq!(content_type(&left), LEFT);
    assert_eq!(left["ParticipantRole"], "CUSTOMER");
    let ended = socket.next_item().await;
    assert_eq!(content_type(&ended), ENDED);
    assert!(ended.get("ParticipantId").is_none());
    assert_eq!(ended["InitialContactId"], json!(chat.contact_id));

    assert_error(
        &send_message(&emulator, &chat, "still there?").await,
        403,
        "AccessDeniedException",
    );
    assert_error(
        &connect(&emulator, &chat.participant_token).await,
        403,
        "AccessDeniedException",
    );
    let again = call(
        &emulator,
        "POST",
        "/participant/disconnect",
        &chat.connection_token,
        json!({}),
    )
    .await;
    assert_error(&again, 403, "AccessDeniedException");
    // The transcript stays readable and ends with left + ended.
    let items = transcript(&emulator, &chat, json!({"SortOrder": "ASCENDING"}))
        .await
        .json()["Transcript"]
        .clone();
    let types: Vec<&str> = items
        .as_array()
        .expect("a JSON array")
        .iter()
        .map(content_type)
        .collect();
    assert_eq!(&types[types.len() - 2..], &[LEFT, ENDED]);
    assert_eq!(emulator.chats()[0].state, "ENDED");
}

#[tokio::test]
async fn transcript_paging() {
    let emulator = quiet_emulator().await;
    let chat = start_customer_chat(&emulator, Value::Null).await;
    for n in 1..=12 {
        assert_eq!(
            send_message(&emulator, &chat, &format!("message {n}"))
                .await
                .status,
            200
        );
    }
    let all = emulator
        .transcript(&chat.contact_id)
        .expect("the chat exists");
    assert_eq!(all.len(), 14); // joined, greeting, 12 messages
    let ids = |items: &Value| -> Vec<String> {
        items
            .as_array()
            .expect("a JSON array")
            .iter()
            .map(|i| i["Id"].as_str().expect("Id is a string").to_owned())
            .collect()
    };
    let all_ids: Vec<String> = all
        .iter()
        .map(|i| i["Id"].as_str().expect("Id is a string").to_owned())
        .collect();

    // Service defaults: BACKWARD from the end, DESCENDING, 10 items.
    let page = transcript(&emulator, &chat, json!({})).await.json();
    assert_eq!(page["InitialContactId"], json!(chat.contact_id));
    // Items follow the model's Item shape: ContactId, never InitialContactId (frames carry that).
    for item in page["Transcript"].as_array().expect("a JSON array") {
        assert!(item.get("InitialContactId").is_none(), "{item}");
        assert_eq!(item["ContactId"], json!(chat.contact_id), "{item}");
    }
    let mut expected: Vec<String> = all_ids[4..].to_vec();
    expected.reverse();
    assert_eq!(ids(&page["Transcript"]), expected);
    let rest = transcript(&emulator, &chat, json!({"NextToken": page["NextToken"]}))
        .await
        .json();
    let mut expected: Vec<String> = all_ids[..4].to_vec();
    expected.reverse();
    assert_eq!(ids(&rest["Transcript"]), expected);
    assert!(rest.get("NextToken").is_none());

    // What chatjs sends by default.
    let chatjs = transcript(&emulator, &chat, json!({"MaxResults": 15, "ScanDirection": "BACKWARD", "SortOrder": "ASCENDING", "StartPosition": {}})).await.json();
    assert_eq!(ids(&chatjs["Transcript"]), all_ids);
    assert!(chatjs.get("NextToken").is_none());

    // FORWARD pages of 5 walk the whole transcript in order.
    let mut walked = Vec::new();
    let mut token = Value::Null;
    loop {
        let mut body =
            json!({"MaxResults": 5, "ScanDirection": "FORWARD", "SortOrder": "ASCENDING"});
        if !token.is_null() {
            body["NextToken"] = token.clone();
        }
        let page = transcript(&emulator, &chat, body).await.json();
        walked.extend(ids(&page["Transcript"]));
        match page.get("NextToken") {
            Some(next) => token = next.clone(),
            None => break,
        }
    }
    assert_eq!(walked, all_ids);

    // StartPosition by Id (FORWARD by default), MostRecent, AbsoluteTime.
    let from_id = transcript(
        &emulator,
        &chat,
        json!({"StartPosition": {"Id": all_ids[5]}, "SortOrder": "ASCENDING", "MaxResults": 3}),
    )
    .await
    .json();
    assert_eq!(ids(&from_id["Transcript"]), all_ids[5..8].to_vec());
    let backward_from_id = transcript(&emulator, &chat, json!({"StartPosition": {"Id": all_ids[5]}, "ScanDirection": "BACKWARD", "SortOrder": "ASCENDING", "MaxResults": 3})).await.json();
    assert_eq!(ids(&backward_from_id["Transcript"]), all_ids[3..6].to_vec());
    let most_recent = transcript(
        &emulator,
        &chat,
        json!({"StartPosition": {"MostRecent": 2}, "SortOrder": "ASCENDING"}),
    )
    .await
    .json();
    assert_eq!(ids(&most_recent["Transcript"]), all_ids[11..].to_vec());
    let since_start = transcript(&emulator, &chat, json!({"StartPosition": {"AbsoluteTime": "2000-01-01T00:00:00.000Z"}, "SortOrder": "ASCENDING", "MaxResults": 100})).await.json();
    assert_eq!(ids(&since_start["Transcript"]), all_ids);

    for bad in [
        json!({"MaxResults": 101}),
        json!({"ScanDirection": "SIDEWAYS"}),
        json!({"SortOrder": "UP"}),
        json!({"NextToken": "not-a-token"}),
        json!({"StartPosition": {"Id": all_ids[0], "MostRecent": 1}}),
        json!({"StartPosition": {"Id": "no-such-item"}}),
        json!({"StartPosition": {"AbsoluteTime": "yesterday"}}),
        json!({"MaxResults": "ten"}),
    ] {
        assert_error(
            &transcript(&emulator, &chat, bad.clone()).await,
            400,
            "ValidationException",
        );
    }
    // A NextToken from another chat is refused.
    let other = start_customer_chat(&emulator, Value::Null).await;
    for n in 0..12 {
        send_message(&emulator, &other, &format!("other {n}")).await;
    }
    let other_token = transcript(&emulator, &other, json!({})).await.json()["NextToken"].clone();
    assert_error(
        &transcript(&emulator, &chat, json!({"NextToken": other_token})).await,
        400,
        "ValidationException",
    );
    assert_error(
        &transcript(&emulator, &chat, json!({"ContactId": other.contact_id})).await,
        403,
        "AccessDeniedException",
    );
    assert_eq!(
        transcript(&emulator, &chat, json!({"ContactId": chat.contact_id}))
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn describe_view_answers_the_sample_view_and_decodes_the_token() {
    let emulator = quiet_emulator().await;
    let chat = start_customer_chat(&emulator, Value::Null).await;
    let response = call(
        &emulator,
        "GET",
        "/participant/views/tok%2Fwith%20space%2Bx",
        &chat.connection_token,
        Value::Null,
    )
    .await;
    assert_eq!(response.status, 200);
    let view = &response.json()["View"];
    assert_eq!(view["Id"], "emulator-sample-view");
    assert_eq!(view["Version"], 1);
    assert!(
        view["Arn"]
            .as_str()
            .expect("a string")
            .starts_with("arn:aws:connect:us-east-1:")
    );
    let template: Value = serde_json::from_str(
        view["Content"]["Template"]
            .as_str()
            .expect("Template is a string"),
    )
    .expect("the template is JSON");
    assert!(template["Body"].is_array());
    assert!(view["Content"]["Actions"].is_array());

    let missing = call(
        &emulator,
        "GET",
        "/participant/views/not%2Dfound",
        &chat.connection_token,
        Value::Null,
    )
    .await;
    assert_error(&missing, 404, "ResourceNotFoundException");
    assert_eq!(missing.json()["ResourceId"], "not-found");
    let unauthorized = call(
        &emulator,
        "GET",
        "/participant/views/abc",
        "nope",
        Value::Null,
    )
    .await;
    assert_error(&unauthorized, 403, "AccessDeniedException");
}

#[tokio::test]
async fn attachments_upload_complete_and_download() {
    let emulator = start(fast_config()).await;
    let chat = start_customer_chat(&emulator, Value::Null).await;
    let mut socket = Socket::open_subscribed(&chat.websocket_url).await;
    socket
        .items_until(|i| i["ParticipantRole"] == "AGENT" && i["Type"] == "MESSAGE")
        .await;
    let token = chat.connection_token.as_str();
    let file = b"order #1234\nplease help\n".to_vec();

    let start = json!({"AttachmentName": "order.txt", "AttachmentSizeInBytes": file.len(), "ClientToken": "a1", "ContentType": "text/plain"});
    let started = call(
        &emulator,
        "POST",
        "/participant/start-attachment-upload",
        token,
        start.clone(),
    )
    .await;
    assert_eq!(started.status, 200);
    let started = started.json();
    let replay = call(
        &emulator,
        "POST",
        "/participant/start-attachment-upload",
        token,
        start,
    )
    .await
    .json();
    assert_eq!(started, replay, "same ClientToken, same attachment");
    let attachment_id = started["AttachmentId"]
        .as_str()
        .expect("AttachmentId is a string")
        .to_owned();
    let upload_url = started["UploadMetadata"]["Url"]
        .as_str()
        .expect("Url is a string");
    let path = upload_url
        .strip_prefix(&emulator.participant_endpoint_url())
        .expect("a URL of the participant endpoint")
        .to_owned();
    let headers = started["UploadMetadata"]["HeadersToInclude"]
        .as_object()
        .expect("a JSON object")
        .clone();

    // Completing before the upload is refused.
    let early = call(
        &emulator,
        "POST",
        "/participant/complete-attachment-upload",
        token,
        json!({"AttachmentIds": [attachment_id], "ClientToken": "c1"}),
    )
    .await;
    assert_error(&early, 400, "ValidationException");

    // The browser preflights the PUT because of the x-amz-meta header.
    let preflight = send(
        emulator.participant_addr(),
        TestRequest::new("OPTIONS", &path, Vec::new())
            .header("origin", "http://localhost:8080")
            .header("access-control-request-method", "PUT")
            .header(
                "access-control-request-headers",
                "content-type,x-amz-meta-contact_id",
            ),
    )
    .await;
    assert_eq!(preflight.status, 200);
    assert_eq!(
        preflight.header("access-control-allow-headers"),
        Some("content-type,x-amz-meta-contact_id")
    );
    assert!(
        preflight
            .header("access-control-allow-methods")
            .expect("the header is present")
            .contains("PUT")
    );

    let mut put =
        TestRequest::new("PUT", &path, file.clone()).header("origin", "http://localhost:8080");
    for (name, value) in &headers {
        put = put.header(
            &name.to_lowercase(),
            value.as_str().expect("a string header value"),
        );
    }
    let uploaded = send(emulator.participant_addr(), put).await;
    assert_eq!(uploaded.status, 200);
    assert_eq!(uploaded.header("access-control-allow-origin"), Some("*"));
    let bad_token = send(
        emulator.participant_addr(),
        TestRequest::new(
            "PUT",
            &format!("/attachments/{attachment_id}?token=wrong"),
            file.clone(),
        )
        .header("content-type", "text/plain"),
    )
    .await;
    assert_eq!(bad_token.status, 403);

    let complete = json!({"AttachmentIds": [attachment_id], "ClientToken": "c1"});
    assert_eq!(
        call(
            &emulator,
            "POST",
            "/participant/complete-attachment-upload",
            token,
            complete.clone()
        )
        .await
        .status,
        200
    );
    assert_eq!(
        call(
            &emulator,
            "POST",
            "/participant/complete-attachment-upload",
            token,
            complete
        )
        .await
        .status,
        200
    );
    let conflict = call(
        &emulator,
        "POST",
        "/participant/complete-attachment-upload",
        token,
        json!({"AttachmentIds": [attachment_id], "ClientToken": "c2"}),
    )
    .await;
    assert_error(&conflict, 409, "ConflictException");

    let item = socket.next_item().await;
    assert_eq!(item["Type"], "ATTACHMENT");
    assert_eq!(item["Attachments"][0]["AttachmentName"], "order.txt");
    assert_eq!(item["Attachments"][0]["Status"], "APPROVED");
    assert!(item.get("Content").is_none() && item.get("ContentType").is_none());
    let seen = socket
        .items_until(|i| i["ParticipantRole"] == "AGENT" && i["Type"] == "MESSAGE")
        .await;
    assert_eq!(
        seen.last().expect("not empty")["Content"],
        "Thanks, I received order.txt."
    );

    let link = call(
        &emulator,
        "POST",
        "/participant/attachment",
        token,
        json!({"AttachmentId": attachment_id, "UrlContentDisposition": "INLINE"}),
    )
    .await
    .json();
    assert_eq!(link["AttachmentSizeInBytes"], file.len());
    let download_path = link["Url"]
        .as_str()
        .expect("a string")
        .strip_prefix(&emulator.participant_endpoint_url())
        .expect("a URL of the participant endpoint")
        .to_owned();
    let downloaded = send(
        emulator.participant_addr(),
        TestRequest::new("GET", &download_path, Vec::new())
            .header("origin", "http://localhost:8080"),
    )
    .await;
    assert_eq!(downloaded.status, 200);
    assert_eq!(downloaded.body.as_ref(), file.as_slice());
    assert_eq!(downloaded.header("content-type"), Some("text/plain"));
    assert!(
        downloaded
            .header("content-disposition")
            .expect("the header is present")
            .starts_with("inline")
    );
    assert_eq!(downloaded.header("access-control-allow-origin"), Some("*"));

    let unsupported = call(&emulator, "POST", "/participant/start-attachment-upload", token, json!({"AttachmentName": "x.exe", "AttachmentSizeInBytes": 10, "ClientToken": "a2", "ContentType": "application/x-msdownload"})).await;
    assert_error(&unsupported, 400, "ValidationException");
    let too_big = call(&emulator, "POST", "/participant/start-attachment-upload", token, json!({"AttachmentName": "big.pdf", "AttachmentSizeInBytes": 30_000_000, "ClientToken": "a3", "ContentType": "application/pdf"})).await;
    assert_error(&too_big, 402, "ServiceQuotaExceededException");
    let missing = call(
        &emulator,
        "POST",
        "/participant/attachment",
        token,
        json!({"AttachmentId": "nope"}),
    )
    .await;
    assert_error(&missing, 400, "ValidationException");
}

#[tokio::test]
async fn cors_preflight_and_exposed_headers() {
    let emulator = quiet_emulator().await;
    let preflight = send(
        emulator.participant_addr(),
        TestRequest::new("OPTIONS", "/participant/connection", Vec::new())
            .header("origin", "http://localhost:3000")
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "authorization,content-type,x-amz-bearer,x-amz-content-sha256,x-amz-date,x-amz-user-agent"),
    )
    .await;
    assert_eq!(preflight.status, 200);
    assert_eq!(preflight.header("access-control-allow-origin"), Some("*"));
    assert_eq!(
        preflight.header("access-control-allow-methods"),
        Some("GET, POST, PUT, OPTIONS")
    );
    assert_eq!(
        preflight.header("access-control-allow-headers"),
        Some(
            "authorization,content-type,x-amz-bearer,x-amz-content-sha256,x-amz-date,x-amz-user-agent"
        )
    );
    assert!(preflight.header("access-control-max-age").is_some());

    // Errors carry CORS and expose the error headers, so browsers see the error name.
    let denied = send(
        emulator.participant_addr(),
        TestRequest::new("POST", "/participant/message", "{}")
            .header("origin", "http://localhost:3000")
            .header("x-amz-bearer", "nope"),
    )
    .await;
    assert_eq!(denied.status, 403);
    assert_eq!(denied.header("access-control-allow-origin"), Some("*"));
    let exposed = denied
        .header("access-control-expose-headers")
        .expect("exposed headers");
    assert!(exposed.contains("x-amzn-ErrorType") && exposed.contains("x-amzn-RequestId"));
    let unknown = send(
        emulator.participant_addr(),
        TestRequest::new("POST", "/participant/nothing", "{}").header("origin", "null"),
    )
    .await;
    assert_eq!(unknown.status, 404);
    assert_eq!(unknown.header("access-control-allow-origin"), Some("*"));
}

#[tokio::test]
async fn cors_allowlist() {
    let mut config = fast_config();
    config.allowed_origins = vec!["http://localhost:3000".into()];
    let emulator = start(config).await;
    let allowed = send(
        emulator.participant_addr(),
        TestRequest::new("OPTIONS", "/participant/message", Vec::new())
            .header("origin", "http://localhost:3000")
            .header("access-control-request-method", "POST"),
    )
    .await;
    assert_eq!(allowed.status, 200);
    assert_eq!(
        allowed.header("access-control-allow-origin"),
        Some("http://localhost:3000")
    );
    assert!(
        allowed
            .header("access-control-allow-headers")
            .expect("the header is present")
            .contains("x-amz-bearer")
    );
    let other = send(
        emulator.participant_addr(),
        TestRequest::new("OPTIONS", "/participant/message", Vec::new())
            .header("origin", "http://evil.example")
            .header("access-control-request-method", "POST"),
    )
    .await;
    assert_eq!(other.status, 403);
    assert!(other.header("access-control-allow-origin").is_none());
    let actual = send(
        emulator.participant_addr(),
        TestRequest::new("POST", "/participant/message", "{}")
            .header("origin", "http://evil.example"),
    )
    .await;
    assert!(actual.header("access-control-allow-origin").is_none());
}

#[tokio::test]
async fn connection_types_on_start_chat_skip_create_participant_connection() {
    let emulator = quiet_emulator().await;
    let mut body = chat_body();
    body["ConnectionTypes"] = json!(["WEBSOCKET", "CONNECTION_CREDENTIALS"]);
    let started = start_chat(&emulator, &body).await.json();
    let mut socket = Socket::open_subscribed(
        started["Websocket"]["Url"]
            .as_str()
            .expect("Url is a string"),
    )
    .await;
    let token = started["ConnectionCredentials"]["ConnectionToken"]
        .as_str()
        .expect("a string");
    let sent = call(
        &emulator,
        "POST",
        "/participant/message",
        token,
        json!({"ContentType": "text/plain", "Content": "direct"}),
    )
    .await;
    assert_eq!(sent.status, 200);
    let item = socket.next_item().await;
    assert_eq!(item["Content"], "direct");
    assert_eq!(item["ContactId"], started["ContactId"]);
    tokio::time::sleep(Duration::from_millis(10)).await;
}
