//! `/_emulator/chats...`: the chats and their transcripts.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::{Shared, action_error};
use crate::agent::ChatActionError;

pub(super) async fn chats(State(state): Shared) -> Response {
    let summaries: Vec<_> = state
        .chats()
        .contacts_in_creation_order()
        .map(|c| c.summary())
        .collect();
    axum::Json(summaries).into_response()
}

pub(super) async fn transcript(State(state): Shared, Path(contact_id): Path<String>) -> Response {
    let chats = state.chats();
    match chats.contact(&contact_id) {
        Some(contact) => {
            let items: Vec<Value> = contact
                .transcript
                .iter()
                .map(|item| item.to_json())
                .collect();
            axum::Json(items).into_response()
        }
        None => action_error(&ChatActionError::UnknownContact(contact_id)),
    }
}
