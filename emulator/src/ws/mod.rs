//! The chat WebSocket (`ws://127.0.0.1:PORT/ws?AuthToken=...`), speaking the protocol of the
//! Connect websocket manager that ChatJS bundles: `aws/subscribe`, `aws/heartbeat`,
//! `aws/ping` replies, and `aws/chat` frames pushed by the chat.

use std::sync::Arc;

use axum::extract::State;
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use tokio::sync::mpsc;

use crate::agent;
use crate::chat::store::ParticipantKey;
use crate::ids;
use crate::state::AppState;

/// Frames waiting for a slow socket before new ones are dropped.
const OUTBOX_CAPACITY: usize = 512;
/// Clients only send small control frames.
const MAX_INCOMING_MESSAGE_BYTES: usize = 64 * 1024;
const CHAT_TOPIC: &str = "aws/chat";

pub(crate) async fn upgrade(
    State(state): State<Arc<AppState>>,
    uri: Uri,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Response {
    let ticket = uri
        .query()
        .unwrap_or("")
        .split('&')
        .find_map(|p| p.strip_prefix("AuthToken="))
        .unwrap_or("");
    let key = {
        let chats = state.chats();
        chats
            .by_websocket_ticket(ticket)
            .filter(|key| chats.participant_contact(key).is_some())
    };
    // Like the real API Gateway endpoint: an unknown or expired URL is refused before upgrading.
    let Some(key) = key else {
        return (
            StatusCode::FORBIDDEN,
            axum::Json(json!({ "message": "Forbidden" })),
        )
            .into_response();
    };
    let upgrade = match upgrade {
        Ok(upgrade) => upgrade,
        Err(rejection) => {
            let message = format!("Expected a WebSocket upgrade: {rejection}");
            return (
                StatusCode::BAD_REQUEST,
                axum::Json(json!({ "message": message })),
            )
                .into_response();
        }
    };
    upgrade
        .max_message_size(MAX_INCOMING_MESSAGE_BYTES)
        .on_upgrade(move |socket| async move {
            // Run the session as a tracked task so shutdown closes it.
            let session_state = Arc::clone(&state);
            state.tasks.spawn(session(session_state, socket, key));
        })
}

async fn session(state: Arc<AppState>, mut socket: WebSocket, key: ParticipantKey) {
    let (outbox, mut frames) = mpsc::channel::<String>(OUTBOX_CAPACITY);
    let socket_id = {
        let mut chats = state.chats();
        let socket_id = chats.next_socket_id();
        let Some(contact) = chats.contact_mut(&key.contact_id) else {
            return;
        };
        contact.add_socket(socket_id, &key.participant_id, outbox);
        socket_id
    };
    let connection_id = ids::url_safe_token(12);
    tracing::info!(contact_id = %key.contact_id, socket_id, "WebSocket connected");
    loop {
        tokio::select! {
            incoming = socket.recv() => {
                let reply = match incoming {
                    Some(Ok(Message::Text(text))) => Some(reply_to(&state, &key, socket_id, &connection_id, text.as_str())),
                    Some(Ok(Message::Binary(_))) => Some(error_frame(&connection_id, "Binary frames are not supported")),
                    Some(Ok(Message::Close(_))) | Some(Err(_)) | None => break,
                    // Pings are answered by the WebSocket layer itself.
                    Some(Ok(_)) => None,
                };
                if let Some(reply) = reply
                    && socket.send(Message::Text(reply.into())).await.is_err() {
                        break;
                    }
            }
            frame = frames.recv() => {
                let Some(frame) = frame else { break };
                if socket.send(Message::Text(frame.into())).await.is_err() {
                    break;
                }
            }
        }
    }
    if let Some(contact) = state.chats().contact_mut(&key.contact_id) {
        contact.remove_socket(socket_id);
    }
    tracing::info!(contact_id = %key.contact_id, socket_id, "WebSocket closed");
}

/// The reply to one client frame.
fn reply_to(
    state: &Arc<AppState>,
    key: &ParticipantKey,
    socket_id: u64,
    connection_id: &str,
    text: &str,
) -> String {
    let Ok(frame) = serde_json::from_str::<Value>(text) else {
        return error_frame(connection_id, "Invalid request body");
    };
    match frame.get("topic").and_then(Value::as_str) {
        Some("aws/heartbeat") => json!({ "topic": "aws/heartbeat" }).to_string(),
        Some("aws/ping") => {
            json!({ "topic": "aws/ping", "statusCode": 200, "statusContent": "OK" }).to_string()
        }
        Some(topic @ ("aws/subscribe" | "aws/unsubscribe")) => {
            let topics: Option<Vec<&str>> = frame
                .pointer("/content/topics")
                .and_then(Value::as_array)
                .and_then(|list| list.iter().map(Value::as_str).collect());
            let Some(topics) = topics.filter(|t| !t.is_empty()) else {
                // chatjs requires `topics` to be an array even on failure.
                return json!({ "topic": topic, "content": { "status": "failure", "topics": [] } })
                    .to_string();
            };
            if topics.contains(&CHAT_TOPIC) {
                set_subscription(state, key, socket_id, topic == "aws/subscribe");
            }
            json!({ "topic": topic, "content": { "status": "success", "topics": topics } })
                .to_string()
        }
        _ => error_frame(connection_id, "Forbidden"),
    }
}

fn set_subscription(state: &Arc<AppState>, key: &ParticipantKey, socket_id: u64, subscribed: bool) {
    let mut chats = state.chats();
    let Some(contact) = chats.contact_mut(&key.contact_id) else {
        return;
    };
    contact.set_subscribed(socket_id, subscribed);
    if subscribed && contact.customer.participant_id == key.participant_id {
        agent::customer_subscribed(state, contact);
    }
}

/// API Gateway's answer to a frame it cannot route; chatjs ignores these.
fn error_frame(connection_id: &str, message: &str) -> String {
    json!({ "message": message, "connectionId": connection_id, "requestId": ids::request_id() })
        .to_string()
}
