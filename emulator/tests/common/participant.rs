//! Participant-side helpers: REST calls with `X-Amz-Bearer`, a WebSocket client, a started chat.

use std::time::Duration;

use connect_emulator::Emulator;
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use super::{TestRequest, TestResponse, chat_body, send, start_chat};

pub const TYPING: &str = "application/vnd.amazonaws.connect.event.typing";
pub const JOINED: &str = "application/vnd.amazonaws.connect.event.participant.joined";
pub const LEFT: &str = "application/vnd.amazonaws.connect.event.participant.left";
pub const ENDED: &str = "application/vnd.amazonaws.connect.event.chat.ended";
pub const READ: &str = "application/vnd.amazonaws.connect.event.message.read";

/// A participant-service call.
pub async fn call(
    emulator: &Emulator,
    method: &'static str,
    path: &str,
    bearer: &str,
    body: Value,
) -> TestResponse {
    let body = if body.is_null() {
        Vec::new()
    } else {
        body.to_string().into_bytes()
    };
    let mut request =
        TestRequest::new(method, path, body).header("content-type", "application/json");
    if !bearer.is_empty() {
        request = request.header("x-amz-bearer", bearer);
    }
    send(emulator.participant_addr(), request).await
}

pub struct Chat {
    pub contact_id: String,
    pub participant_id: String,
    pub participant_token: String,
    pub connection_token: String,
    pub websocket_url: String,
}

/// StartChatContact with these extra members, then CreateParticipantConnection as chatjs does.
pub async fn start_customer_chat(emulator: &Emulator, extra: Value) -> Chat {
    let mut body = chat_body();
    if let Value::Object(members) = extra {
        for (key, value) in members {
            body[key] = value;
        }
    }
    let started = start_chat(emulator, &body).await;
    assert_eq!(
        started.status,
        200,
        "{}",
        String::from_utf8_lossy(&started.body)
    );
    let started = started.json();
    let participant_token = started["ParticipantToken"]
        .as_str()
        .expect("ParticipantToken is a string")
        .to_owned();
    let connection = connect(emulator, &participant_token).await;
    assert_eq!(
        connection.status,
        200,
        "{}",
        String::from_utf8_lossy(&connection.body)
    );
    let connection = connection.json();
    Chat {
        contact_id: started["ContactId"]
            .as_str()
            .expect("ContactId is a string")
            .to_owned(),
        participant_id: started["ParticipantId"]
            .as_str()
            .expect("ParticipantId is a string")
            .to_owned(),
        participant_token,
        connection_token: connection["ConnectionCredentials"]["ConnectionToken"]
            .as_str()
            .expect("a string")
            .to_owned(),
        websocket_url: connection["Websocket"]["Url"]
            .as_str()
            .expect("Url is a string")
            .to_owned(),
    }
}

/// CreateParticipantConnection with chatjs's body.
pub async fn connect(emulator: &Emulator, participant_token: &str) -> TestResponse {
    call(
        emulator,
        "POST",
        "/participant/connection",
        participant_token,
        json!({"Type": ["WEBSOCKET", "CONNECTION_CREDENTIALS"]}),
    )
    .await
}

pub async fn send_message(emulator: &Emulator, chat: &Chat, text: &str) -> TestResponse {
    call(
        emulator,
        "POST",
        "/participant/message",
        &chat.connection_token,
        json!({"ClientToken": uuid_like(), "Content": text, "ContentType": "text/plain"}),
    )
    .await
}

pub async fn transcript(emulator: &Emulator, chat: &Chat, body: Value) -> TestResponse {
    call(
        emulator,
        "POST",
        "/participant/transcript",
        &chat.connection_token,
        body,
    )
    .await
}

fn uuid_like() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    format!(
        "00000000-0000-4000-8000-{:012}",
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

pub struct Socket {
    stream: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

impl Socket {
    /// Opens the URL and subscribes as chatjs does (subscribe, ping, heartbeat), checking the replies.
    pub async fn open_subscribed(url: &str) -> Socket {
        let mut socket = Socket::open(url).await;
        socket
            .send(json!({"topic": "aws/subscribe", "content": {"topics": ["aws/chat"]}}))
            .await;
        let reply = socket.next_frame().await;
        assert_eq!(
            reply,
            json!({"topic": "aws/subscribe", "content": {"status": "success", "topics": ["aws/chat"]}})
        );
        socket
    }

    pub async fn open(url: &str) -> Socket {
        let (stream, _) = tokio_tungstenite::connect_async(url)
            .await
            .expect("the WebSocket opens");
        Socket { stream }
    }

    pub async fn send(&mut self, frame: Value) {
        self.stream
            .send(Message::text(frame.to_string()))
            .await
            .expect("the call succeeds");
    }

    pub async fn send_text(&mut self, text: &str) {
        self.stream
            .send(Message::text(text.to_owned()))
            .await
            .expect("the call succeeds");
    }

    /// The next JSON text frame (fails after 5 s).
    pub async fn next_frame(&mut self) -> Value {
        self.try_next_frame(Duration::from_secs(5))
            .await
            .expect("no frame within 5 s")
    }

    pub async fn try_next_frame(&mut self, wait: Duration) -> Option<Value> {
        loop {
            let message = tokio::time::timeout(wait, self.stream.next())
                .await
                .ok()??;
            match message.ok()? {
                Message::Text(text) => {
                    return Some(serde_json::from_str(text.as_str()).expect("a JSON frame"));
                }
                Message::Close(_) => return None,
                _ => continue,
            }
        }
    }

    /// The next `aws/chat` item, decoded from its JSON-string content.
    pub async fn next_item(&mut self) -> Value {
        loop {
            let frame = self.next_frame().await;
            if frame["topic"] == "aws/chat" {
                assert_eq!(frame["contentType"], "application/json");
                let content = frame["content"]
                    .as_str()
                    .expect("aws/chat content must be a JSON string");
                return serde_json::from_str(content).expect("the item is JSON");
            }
        }
    }

    /// Items until one matches; returns everything seen, the match last.
    pub async fn items_until(&mut self, mut done: impl FnMut(&Value) -> bool) -> Vec<Value> {
        let mut seen = Vec::new();
        loop {
            let item = self.next_item().await;
            let stop = done(&item);
            seen.push(item);
            if stop {
                return seen;
            }
        }
    }

    /// Asserts nothing arrives for a while.
    pub async fn expect_silence(&mut self, wait: Duration) {
        if let Some(frame) = self.try_next_frame(wait).await {
            panic!("unexpected frame: {frame}");
        }
    }

    pub async fn close(mut self) {
        let _ = self.stream.close(None).await;
    }
}

pub fn content_type(item: &Value) -> &str {
    item["ContentType"].as_str().unwrap_or("")
}
