//! CreateParticipantConnection (`POST /participant/connection`): the ParticipantToken buys a
//! WebSocket URL and a ConnectionToken. Calling it again (a page refresh, a reconnect)
//! resumes the same chat with fresh credentials.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use serde_json::json;

use super::request::{Call, Members, ParticipantToken, check, not_connected};
use crate::chat::item::Item;
use crate::http::aws_error::AwsError;
use crate::http::validation::Violations;
use crate::state::AppState;

const CONNECTION_TYPES: [&str; 3] = ["WEBSOCKET", "CONNECTION_CREDENTIALS", "WEBRTC_CONNECTION"];

pub(crate) async fn create(
    State(state): State<Arc<AppState>>,
    Call { key, body, .. }: Call<ParticipantToken>,
) -> Result<Json<serde_json::Value>, AwsError> {
    let members = Members(&body);
    let types = members.strings("Type")?;
    let connect_participant = members.boolean("ConnectParticipant")?.unwrap_or(false);
    let mut violations = Violations::default();
    if let Some(types) = &types {
        if types.is_empty() {
            violations.other("Value '[]' at 'type' failed to satisfy constraint: Member must have length greater than or equal to 1".to_owned());
        }
        for (index, connection_type) in types.iter().enumerate() {
            violations.one_of(
                &format!("type.{}", index + 1),
                connection_type,
                &CONNECTION_TYPES,
            );
        }
    }
    check(violations)?;
    let types = types.unwrap_or_default();

    let mut chats = state.chats();
    chats.participant_contact(&key).ok_or_else(not_connected)?;

    let mut answer = json!({});
    if types.contains(&"WEBSOCKET") {
        let websocket = chats.issue_websocket_url(&key, &state.websocket_base);
        answer["Websocket"] = json!({ "Url": websocket.url, "ConnectionExpiry": websocket.expiry });
    }
    if types.contains(&"CONNECTION_CREDENTIALS") {
        let credentials = chats.issue_connection_token(&key);
        answer["ConnectionCredentials"] =
            json!({ "ConnectionToken": credentials.token, "Expiry": credentials.expiry });
    }
    if connect_participant
        && let Some(contact) = chats.contact_mut(&key.contact_id)
        && !contact.connection_acknowledged
    {
        contact.connection_acknowledged = true;
        if let Some(author) = contact.author(&key.participant_id).cloned() {
            let item = Item::connection_ack(&contact.contact_id, &author);
            contact.push(item);
        }
    }
    Ok(Json(answer))
}
