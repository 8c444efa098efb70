//! SendMessage, SendEvent and DisconnectParticipant: what a connected participant does.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use serde_json::{Value, json};

use super::request::{
    Call, ConnectionToken, Members, access_denied, check, not_connected, validation_error,
};
use crate::agent::{self, CustomerInput};
use crate::chat::item::{
    CHAT_MESSAGE_CONTENT_TYPES, CONNECTION_ACKNOWLEDGED, Item, MESSAGE_DELIVERED, MESSAGE_READ,
    Role, TYPING,
};
use crate::clock;
use crate::http::aws_error::AwsError;
use crate::http::validation::Violations;
use crate::ids;
use crate::state::AppState;

const EVENT_CONTENT_TYPES: [&str; 4] = [
    TYPING,
    CONNECTION_ACKNOWLEDGED,
    MESSAGE_DELIVERED,
    MESSAGE_READ,
];

pub(crate) async fn send_message(
    State(state): State<Arc<AppState>>,
    Call { key, body, .. }: Call<ConnectionToken>,
) -> Result<Json<Value>, AwsError> {
    let members = Members(&body);
    let content_type = members.string("ContentType")?;
    let content = members.string("Content")?;
    let client_token = members.string("ClientToken")?;
    let mut violations = Violations::default();
    violations.required("contentType", content_type, 1, 100);
    violations.required("content", content, 1, 16_384);
    violations.optional("clientToken", client_token, 0, 500);
    check(violations)?;
    let (content_type, content) = (
        content_type.unwrap_or_default(),
        content.unwrap_or_default(),
    );

    let mut chats = state.chats();
    let contact = chats
        .participant_contact_mut(&key)
        .ok_or_else(not_connected)?;
    if !CHAT_MESSAGE_CONTENT_TYPES.contains(&content_type)
        || !contact
            .supported_content_types
            .iter()
            .any(|t| t == content_type)
    {
        return Err(validation_error(format!(
            "ContentType {content_type} is not supported for this chat; supported: {}",
            contact.supported_content_types.join(", ")
        )));
    }
    let token_key = client_token.map(|token| format!("{}:{token}", key.participant_id));
    if let Some((id, time)) = token_key
        .as_ref()
        .and_then(|k| contact.message_tokens.get(k))
    {
        // An idempotent retry: same answer, no second message.
        return Ok(Json(json!({ "Id": id, "AbsoluteTime": time })));
    }
    let Some(author) = contact.author(&key.participant_id).cloned() else {
        return Err(access_denied(
            "You do not have sufficient access to perform this action.",
        ));
    };
    let contact_id = contact.contact_id.clone();
    let item = contact.record(Item::message(&contact_id, &author, content_type, content));
    if let Some(token_key) = token_key {
        contact
            .message_tokens
            .insert(token_key, (item.id.clone(), item.absolute_time.clone()));
    }
    if author.role == Role::Customer {
        agent::customer_input(
            &state,
            contact,
            &item.id,
            CustomerInput::Text(content.to_owned()),
        );
    }
    Ok(Json(
        json!({ "Id": item.id, "AbsoluteTime": item.absolute_time }),
    ))
}

/// Never deduplicated on ClientToken: chatjs sends the same token for every receipt.
pub(crate) async fn send_event(
    State(state): State<Arc<AppState>>,
    Call { key, body, .. }: Call<ConnectionToken>,
) -> Result<Json<Value>, AwsError> {
    let members = Members(&body);
    let content_type = members.string("ContentType")?;
    let content = members.string("Content")?;
    let mut violations = Violations::default();
    violations.required("contentType", content_type, 1, 100);
    violations.optional("content", content, 1, 16_384);
    violations.optional("clientToken", members.string("ClientToken")?, 0, 500);
    if let Some(content_type) = content_type.filter(|t| !t.is_empty()) {
        violations.one_of("contentType", content_type, &EVENT_CONTENT_TYPES);
    }
    check(violations)?;
    let content_type = content_type.unwrap_or_default();
    let receipt_target = match content_type {
        MESSAGE_DELIVERED | MESSAGE_READ => Some(receipt_message_id(content)?),
        _ => None,
    };

    let mut chats = state.chats();
    let contact = chats
        .participant_contact_mut(&key)
        .ok_or_else(not_connected)?;
    let Some(author) = contact.author(&key.participant_id).cloned() else {
        return Err(access_denied(
            "You do not have sufficient access to perform this action.",
        ));
    };
    if let Some(message_id) = receipt_target {
        let read = content_type == MESSAGE_READ;
        if author.role == Role::Customer {
            agent::customer_receipt(contact, &message_id, read);
        } else {
            contact.receipt(&message_id, &author.participant_id, read);
        }
        return Ok(Json(
            json!({ "Id": ids::item_id(), "AbsoluteTime": clock::iso8601_ms(contact.now_ms()) }),
        ));
    }
    let item = if content_type == CONNECTION_ACKNOWLEDGED {
        Item::connection_ack(&contact.contact_id, &author)
    } else {
        Item::event(&contact.contact_id, &author, content_type)
    };
    // Typing goes to everyone (the sender sees its own too) but not into transcripts.
    let item = contact.push(item);
    Ok(Json(
        json!({ "Id": item.id, "AbsoluteTime": item.absolute_time }),
    ))
}

/// Receipts name the message in their Content: `{"messageId":"..."}`.
fn receipt_message_id(content: Option<&str>) -> Result<String, AwsError> {
    let parsed: Option<Value> = content.and_then(|c| serde_json::from_str(c).ok());
    parsed
        .as_ref()
        .and_then(|v| v.get("messageId"))
        .and_then(Value::as_str)
        .filter(|id| (1..=256).contains(&id.len()))
        .map(str::to_owned)
        .ok_or_else(|| {
            validation_error(
                "Content of a receipt event must be JSON like {\"messageId\":\"<message Id>\"}.",
            )
        })
}

/// The customer leaves: `participant.left` then `chat.ended` over the WebSocket — chatjs
/// (4.0+) only cleans up and fires onEnded on that `chat.ended`.
pub(crate) async fn disconnect(
    State(state): State<Arc<AppState>>,
    Call { key, body, .. }: Call<ConnectionToken>,
) -> Result<Json<Value>, AwsError> {
    let mut violations = Violations::default();
    violations.optional("clientToken", Members(&body).string("ClientToken")?, 0, 500);
    check(violations)?;
    let mut chats = state.chats();
    let contact = chats
        .participant_contact_mut(&key)
        .ok_or_else(not_connected)?;
    if key.participant_id == contact.customer.participant_id {
        contact.customer_disconnects();
    } else {
        contact.agent_leaves();
        contact.end();
    }
    tracing::info!(contact_id = %key.contact_id, "participant disconnected");
    Ok(Json(json!({})))
}
