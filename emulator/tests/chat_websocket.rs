//! A whole chat, offline: the WebSocket protocol, the simulated agent, socket swaps,
//! persistent chat and agent scripting.

use std::time::Duration;

use crate::common::participant::*;
use crate::common::*;
use serde_json::{Value, json};

#[tokio::test]
async fn websocket_protocol_replies() {
    let emulator = start(fast_config()).await;
    let chat = start_customer_chat(&emulator, Value::Null).await;
    let mut socket = Socket::open(&chat.websocket_url).await;
    // chatjs's opening sequence: subscribe, ping, heartbeat.
    socket
        .send(json!({"topic": "aws/subscribe", "content": {"topics": ["aws/chat"]}}))
        .await;
    socket.send(json!({"topic": "aws/ping"})).await;
    socket.send(json!({"topic": "aws/heartbeat"})).await;
    let mut replies = Vec::new();
    while replies.len() < 3 {
        let frame = socket.next_frame().await;
        if frame["topic"] != "aws/chat" {
            replies.push(frame);
        }
    }
    assert_eq!(
        replies[0],
        json!({"topic": "aws/subscribe", "content": {"status": "success", "topics": ["aws/chat"]}})
    );
    assert_eq!(
        replies[1],
        json!({"topic": "aws/ping", "statusCode": 200, "statusContent": "OK"})
    );
    assert_eq!(replies[2], json!({"topic": "aws/heartbeat"}));

    socket.send_text("not json").await;
    let error = socket.next_frame().await;
    assert!(error["message"].is_string() && error.get("topic").is_none());
    socket
        .send(json!({"topic": "aws/subscribe", "content": {}}))
        .await;
    let failure = socket.next_frame().await;
    assert_eq!(failure["content"]["status"], "failure");
    assert!(failure["content"]["topics"].is_array());

    // An unknown AuthToken is refused at the upgrade.
    let url = format!(
        "ws://127.0.0.1:{}/ws?AuthToken=forged",
        emulator.participant_addr().port()
    );
    assert!(tokio_tungstenite::connect_async(url).await.is_err());
}

#[tokio::test]
async fn a_whole_chat_with_the_simulated_agent() {
    let emulator = start(fast_config()).await;
    let chat = start_customer_chat(&emulator, Value::Null).await;
    let mut socket = Socket::open_subscribed(&chat.websocket_url).await;

    // The agent joins and greets.
    let joined = socket.next_item().await;
    assert_eq!(content_type(&joined), JOINED);
    assert_eq!(joined["ParticipantRole"], "AGENT");
    assert_eq!(joined["DisplayName"], "Agent Alex");
    assert_eq!(joined["ContactId"], json!(chat.contact_id));
    assert_eq!(joined["InitialContactId"], json!(chat.contact_id));
    let agent_id = joined["ParticipantId"]
        .as_str()
        .expect("ParticipantId is a string")
        .to_owned();
    let welcome = socket.next_item().await;
    assert_eq!(
        (
            welcome["Type"].as_str(),
            welcome["ParticipantRole"].as_str()
        ),
        (Some("MESSAGE"), Some("AGENT"))
    );

    // The customer writes: own echo, delivered, read, agent typing, agent reply.
    let sent = send_message(&emulator, &chat, "where is my order?")
        .await
        .json();
    let echo = socket.next_item().await;
    assert_eq!(echo["Id"], sent["Id"]);
    assert_eq!(echo["ParticipantRole"], "CUSTOMER");
    assert_eq!(echo["DisplayName"], "Customer Carla");
    let delivered = socket.next_item().await;
    assert_eq!(delivered["Type"], "MESSAGEMETADATA");
    assert_eq!(delivered["MessageMetadata"]["MessageId"], sent["Id"]);
    let receipt = &delivered["MessageMetadata"]["Receipts"][0];
    assert_eq!(receipt["RecipientParticipantId"], json!(agent_id));
    assert!(receipt["DeliveredTimestamp"].is_string() && receipt.get("ReadTimestamp").is_none());
    let read = socket.next_item().await;
    assert!(read["MessageMetadata"]["Receipts"][0]["ReadTimestamp"].is_string());
    let typing = socket.next_item().await;
    assert_eq!(
        (content_type(&typing), typing["ParticipantRole"].as_str()),
        (TYPING, Some("AGENT"))
    );
    let reply = socket.next_item().await;
    assert_eq!(reply["Content"], "You said: where is my order?");
    assert_eq!(reply["ParticipantId"], json!(agent_id));

    // The customer reads the reply; the agent notes it.
    let read_receipt = json!({
        "ClientToken": "INCOMING_READ_RECEIPT",
        "ContentType": READ,
        "Content": json!({"messageId": reply["Id"]}).to_string(),
    });
    assert_eq!(
        call(
            &emulator,
            "POST",
            "/participant/event",
            &chat.connection_token,
            read_receipt
        )
        .await
        .status,
        200
    );
    let metadata = socket.next_item().await;
    assert_eq!(
        metadata["MessageMetadata"]["Receipts"][0]["RecipientParticipantId"],
        json!(chat.participant_id)
    );
    assert_eq!(emulator.chats()[0].agent_messages_read_by_customer, 1);

    // The transcript has the conversation but no typing or receipts.
    let items = transcript(
        &emulator,
        &chat,
        json!({"SortOrder": "ASCENDING", "MaxResults": 100}),
    )
    .await
    .json()["Transcript"]
        .clone();
    let kinds: Vec<(String, String)> = items
        .as_array()
        .expect("a JSON array")
        .iter()
        .map(|i| {
            (
                i["Type"].as_str().expect("Type is a string").to_owned(),
                i["ParticipantRole"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    let expected = [
        ("EVENT", "CUSTOMER"),
        ("MESSAGE", "SYSTEM"),
        ("EVENT", "AGENT"),
        ("MESSAGE", "AGENT"),
        ("MESSAGE", "CUSTOMER"),
        ("MESSAGE", "AGENT"),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect();
    assert_eq!(kinds, expected);
    assert_eq!(items[1]["DisplayName"], "SYSTEM_MESSAGE");

    // The customer leaves: participant.left then chat.ended.
    call(
        &emulator,
        "POST",
        "/participant/disconnect",
        &chat.connection_token,
        json!({}),
    )
    .await;
    let left = socket.next_item().await;
    assert_eq!(
        (content_type(&left), left["ParticipantRole"].as_str()),
        (LEFT, Some("CUSTOMER"))
    );
    assert_eq!(content_type(&socket.next_item().await), ENDED);
    socket.expect_silence(Duration::from_millis(200)).await;
}

#[tokio::test]
async fn the_agent_answers_the_initial_message_and_can_end_the_chat() {
    let mut config = fast_config();
    config.agent.replies = vec!["Let me check.".into(), "Found it, bye!".into()];
    config.agent.end_after_messages = Some(2);
    config.agent.welcome_message = None;
    let emulator = start(config).await;
    let chat = start_customer_chat(
        &emulator,
        json!({"InitialMessage": {"ContentType": "text/plain", "Content": "order 42"}}),
    )
    .await;
    let transcript_at_start = emulator
        .transcript(&chat.contact_id)
        .expect("the chat exists");
    assert_eq!(transcript_at_start[1]["Content"], "order 42");
    assert_eq!(transcript_at_start[1]["ParticipantRole"], "CUSTOMER");

    let mut socket = Socket::open_subscribed(&chat.websocket_url).await;
    let seen = socket
        .items_until(|i| i["Type"] == "MESSAGE" && i["ParticipantRole"] == "AGENT")
        .await;
    assert_eq!(content_type(&seen[0]), JOINED);
    assert_eq!(seen.last().expect("not empty")["Content"], "Let me check.");
    send_message(&emulator, &chat, "thanks").await;
    let seen = socket.items_until(|i| content_type(i) == ENDED).await;
    let contents: Vec<&str> = seen.iter().filter_map(|i| i["Content"].as_str()).collect();
    assert_eq!(contents, vec!["thanks", "Found it, bye!"]);
    let left = &seen[seen.len() - 2];
    assert_eq!(
        (content_type(left), left["ParticipantRole"].as_str()),
        (LEFT, Some("AGENT"))
    );
    assert_eq!(emulator.chats()[0].state, "ENDED");
    // chatjs reconnecting now gets 403 and ends the session itself.
    assert_eq!(
        connect(&emulator, &chat.participant_token).await.status,
        403
    );
}

#[tokio::test]
async fn newest_subscribed_socket_gets_the_items() {
    let mut config = fast_config();
    config.agent.enabled = false;
    let emulator = start(config).await;
    let chat = start_customer_chat(&emulator, Value::Null).await;
    let mut old = Socket::open_subscribed(&chat.websocket_url).await;
    // A page refresh or socket swap: CreateParticipantConnection again, a second socket.
    let again = connect(&emulator, &chat.participant_token).await.json();
    let mut new =
        Socket::open_subscribed(again["Websocket"]["Url"].as_str().expect("Url is a string")).await;

    send_message(&emulator, &chat, "one").await;
    assert_eq!(new.next_item().await["Content"], "one");
    old.expect_silence(Duration::from_millis(150)).await;

    // Once the newest closes, the older one receives again.
    new.close().await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    send_message(&emulator, &chat, "two").await;
    assert_eq!(old.next_item().await["Content"], "two");

    // Unsubscribing stops delivery.
    old.send(json!({"topic": "aws/unsubscribe", "content": {"topics": ["aws/chat"]}}))
        .await;
    assert_eq!(old.next_frame().await["content"]["status"], "success");
    send_message(&emulator, &chat, "three").await;
    old.expect_silence(Duration::from_millis(150)).await;
}

#[tokio::test]
async fn page_refresh_resumes_without_a_second_agent() {
    let emulator = start(fast_config()).await;
    let chat = start_customer_chat(&emulator, Value::Null).await;
    let mut first = Socket::open_subscribed(&chat.websocket_url).await;
    first
        .items_until(|i| i["ParticipantRole"] == "AGENT" && i["Type"] == "MESSAGE")
        .await;
    first.close().await;

    let again = connect(&emulator, &chat.participant_token).await.json();
    let token = again["ConnectionCredentials"]["ConnectionToken"]
        .as_str()
        .expect("a string");
    let mut second =
        Socket::open_subscribed(again["Websocket"]["Url"].as_str().expect("Url is a string")).await;
    call(
        &emulator,
        "POST",
        "/participant/message",
        token,
        json!({"ContentType": "text/plain", "Content": "back"}),
    )
    .await;
    let seen = second
        .items_until(|i| i["Content"] == "You said: back")
        .await;
    assert!(seen.iter().all(|i| content_type(i) != JOINED));
    let joins = emulator
        .transcript(&chat.contact_id)
        .expect("the chat exists")
        .iter()
        .filter(|i| content_type(i) == JOINED)
        .count();
    assert_eq!(joins, 2, "customer and one agent");
}

#[tokio::test]
async fn persistent_chat_rehydrates_the_past_session() {
    let mut config = fast_config();
    config.agent.enabled = false;
    let emulator = start(config).await;
    let first = start_customer_chat(&emulator, Value::Null).await;
    send_message(&emulator, &first, "my order is late").await;
    call(
        &emulator,
        "POST",
        "/participant/disconnect",
        &first.connection_token,
        json!({}),
    )
    .await;

    let second = start_customer_chat(
        &emulator,
        json!({"PersistentChat": {"RehydrationType": "ENTIRE_PAST_SESSION", "SourceContactId": first.contact_id}}),
    )
    .await;
    let mut socket = Socket::open_subscribed(&second.websocket_url).await;
    let rehydrated = socket.next_item().await;
    assert_eq!(
        content_type(&rehydrated),
        "application/vnd.amazonaws.connect.event.chat.rehydrated"
    );

    let page = transcript(
        &emulator,
        &second,
        json!({"SortOrder": "ASCENDING", "MaxResults": 100}),
    )
    .await
    .json();
    assert_eq!(page["InitialContactId"], json!(second.contact_id));
    let items = page["Transcript"].as_array().expect("a JSON array");
    let past: Vec<&Value> = items
        .iter()
        .filter(|i| i.get("RelatedContactId").is_some())
        .collect();
    assert!(past.iter().any(|i| i["Content"] == "my order is late"));
    assert!(
        past.iter()
            .all(|i| i["RelatedContactId"] == json!(first.contact_id)
                && i.get("ContactId").is_none())
    );
    let current: Vec<&Value> = items
        .iter()
        .filter(|i| i.get("RelatedContactId").is_none())
        .collect();
    assert!(
        !current.is_empty()
            && current
                .iter()
                .all(|i| i["ContactId"] == json!(second.contact_id))
    );
    // The past items come first.
    assert!(items[0].get("RelatedContactId").is_some());
    // The caller may name the contact it continues.
    assert_eq!(
        transcript(&emulator, &second, json!({"ContactId": first.contact_id}))
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn agent_scripting_over_the_control_api() {
    let emulator = start(fast_config()).await;
    let script = control(
        &emulator,
        "POST",
        "/_emulator/agent",
        json!({"replies": ["Canned"], "sendReceipts": false, "welcomeMessage": null}),
    )
    .await;
    assert_eq!(script.status, 200);
    assert_eq!(script.json()["replies"], json!(["Canned"]));
    let chat = start_customer_chat(&emulator, Value::Null).await;
    let mut socket = Socket::open_subscribed(&chat.websocket_url).await;
    assert_eq!(content_type(&socket.next_item().await), JOINED);
    send_message(&emulator, &chat, "hi").await;
    let seen = socket
        .items_until(|i| i["ParticipantRole"] == "AGENT" && i["Type"] == "MESSAGE")
        .await;
    assert!(seen.iter().all(|i| i["Type"] != "MESSAGEMETADATA"));
    assert_eq!(seen.last().expect("not empty")["Content"], "Canned");

    let said = control(
        &emulator,
        "POST",
        "/_emulator/agent/say",
        json!({"contactId": chat.contact_id, "content": "Anything else?"}),
    )
    .await;
    assert_eq!(said.status, 200);
    assert_eq!(socket.next_item().await["Content"], "Anything else?");
    assert_eq!(
        control(&emulator, "POST", "/_emulator/agent/typing", json!({}))
            .await
            .status,
        200
    );
    assert_eq!(content_type(&socket.next_item().await), TYPING);
    let listed = control(&emulator, "GET", "/_emulator/chats", Value::Null)
        .await
        .json();
    assert_eq!(listed[0]["contactId"], json!(chat.contact_id));
    let stored = control(
        &emulator,
        "GET",
        &format!("/_emulator/chats/{}/transcript", chat.contact_id),
        Value::Null,
    )
    .await
    .json();
    assert!(stored.as_array().expect("a JSON array").len() >= 5);

    assert_eq!(
        control(
            &emulator,
            "POST",
            "/_emulator/agent/end",
            json!({"contactId": chat.contact_id})
        )
        .await
        .status,
        200
    );
    let seen = socket.items_until(|i| content_type(i) == ENDED).await;
    assert_eq!(content_type(&seen[0]), LEFT);
    let again = control(
        &emulator,
        "POST",
        "/_emulator/agent/end",
        json!({"contactId": chat.contact_id}),
    )
    .await;
    assert_eq!(again.status, 409);
    let unknown = control(
        &emulator,
        "POST",
        "/_emulator/agent/say",
        json!({"contactId": "nope", "content": "x"}),
    )
    .await;
    assert_eq!(unknown.status, 404);
    assert_eq!(
        control(
            &emulator,
            "POST",
            "/_emulator/agent",
            json!({"replyDelayMs": "slow"})
        )
        .await
        .status,
        400
    );

    // reset restores the configured agent.
    control(&emulator, "POST", "/_emulator/reset", Value::Null).await;
    let restored = control(&emulator, "GET", "/_emulator/agent", Value::Null)
        .await
        .json();
    assert_eq!(restored["replies"], json!([]));
}

#[tokio::test]
async fn agent_rust_api_and_disabled_agent() {
    let mut config = fast_config();
    config.agent.enabled = false;
    let emulator = start(config).await;
    let chat = start_customer_chat(&emulator, Value::Null).await;
    let mut socket = Socket::open_subscribed(&chat.websocket_url).await;
    send_message(&emulator, &chat, "anyone?").await;
    assert_eq!(socket.next_item().await["Content"], "anyone?");
    socket.expect_silence(Duration::from_millis(200)).await;

    emulator
        .agent_say(&chat.contact_id, "Sorry for the wait")
        .expect("the agent speaks");
    // The agent joins (with its welcome message) before it speaks.
    let seen = socket
        .items_until(|i| i["Content"] == "Sorry for the wait")
        .await;
    assert_eq!(content_type(&seen[0]), JOINED);
    emulator
        .agent_typing(&chat.contact_id)
        .expect("the agent types");
    assert_eq!(content_type(&socket.next_item().await), TYPING);
    emulator.end_chat(&chat.contact_id).expect("the chat ends");
    assert_eq!(
        content_type(&socket.items_until(|i| content_type(i) == ENDED).await[0]),
        LEFT
    );
    assert!(emulator.agent_say(&chat.contact_id, "late").is_err());
    assert!(emulator.agent_say("nope", "x").is_err());
}

#[tokio::test]
async fn shutdown_closes_websockets() {
    let emulator = start(fast_config()).await;
    let chat = start_customer_chat(&emulator, Value::Null).await;
    let mut socket = Socket::open_subscribed(&chat.websocket_url).await;
    emulator.shutdown().await;
    // The socket ends (closed or reset) instead of hanging.
    assert!(
        socket
            .try_next_frame(Duration::from_secs(2))
            .await
            .is_none_or(|f| f["topic"] == "aws/chat")
    );
    assert!(
        socket
            .try_next_frame(Duration::from_secs(2))
            .await
            .is_none()
    );
}
