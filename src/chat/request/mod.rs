//! The wire format: a JSON body becomes a [`ChatRequest`] that respects every limit of the service, or a
//! [`Rejection`] naming every offending field. Unknown top-level members (such as the widget's
//! `Username`) are ignored; JSON `null` counts as absent. Each member has its reader in this folder; a
//! signed customer's claims are read with the same readers (`super::signed`).

mod attributes;
mod content;
mod members;
mod segment;

pub(crate) use attributes::attributes;
pub(crate) use members::{
    DisplayName, customer_id, display_name, one_contact_link, persistent_chat, related_contact_id,
};
pub(crate) use segment::segment_attributes;

use super::command::{
    ChatMessage, ConnectionType, ContentType, PersistentChat, ResponseMode, SegmentValue,
};
use super::field::{FieldErrors, kind, member};
use super::limits::{CONTACT_FLOW_ID_MAX, CONTINUATION_TOKEN_MAX};
use super::rejection::Rejection;
use super::strict_json;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// A request that respects the service's limits, before the server's policy is applied.
#[derive(Debug)]
pub(crate) struct ChatRequest {
    pub instance_id: Option<String>,
    pub contact_flow_id: Option<String>,
    /// `None` only when the name was optional (a signed token supplies it).
    pub display_name: Option<String>,
    pub attributes: BTreeMap<String, String>,
    pub initial_message: Option<ChatMessage>,
    pub supported_messaging_content_types: Option<Vec<ContentType>>,
    pub chat_duration_minutes: Option<i32>,
    pub persistent_chat: Option<PersistentChat>,
    pub related_contact_id: Option<String>,
    pub customer_id: Option<String>,
    pub client_token: Option<String>,
    pub segment_attributes: BTreeMap<String, SegmentValue>,
    pub disconnect_agent_on_customer_exit: bool,
    pub connection_types: Vec<ConnectionType>,
    pub response_mode: Option<ResponseMode>,
    /// Proof, signed by this service, that the browser may continue or link the contact it names.
    pub continuation_token: Option<String>,
}

pub(crate) fn parse_request(body: &[u8], name: DisplayName) -> Result<ChatRequest, Rejection> {
    let root = parse_object(body).map_err(Rejection::InvalidJson)?;
    let mut errors = FieldErrors::default();
    let instance_id = members::instance_id(&mut errors, &root);
    let contact_flow_id = members::optional_id(&root, "ContactFlowId")
        .and_then(|v| errors.string("ContactFlowId", v, 1, CONTACT_FLOW_ID_MAX));
    let display_name = display_name(&mut errors, &root, name);
    let attributes = attributes(&mut errors, &root);
    let initial_message = content::initial_message(&mut errors, &root);
    let supported_messaging_content_types = content::content_types(&mut errors, &root);
    let chat_duration_minutes = members::chat_duration(&mut errors, &root);
    let persistent_chat = persistent_chat(&mut errors, &root);
    let related_contact_id = related_contact_id(&mut errors, &root);
    one_contact_link(&mut errors, &persistent_chat, &related_contact_id);
    let customer_id = customer_id(&mut errors, &root);
    let client_token = members::client_token(&mut errors, &root);
    let segment_attributes = segment_attributes(&mut errors, &root);
    let disconnect_agent_on_customer_exit =
        members::disconnect_on_customer_exit(&mut errors, &root);
    let connection_types = members::connection_types(&mut errors, &root);
    let response_mode = members::response_mode(&mut errors, &root);
    let continuation_token = member(&root, "ContinuationToken")
        .and_then(|v| errors.string("ContinuationToken", v, 1, CONTINUATION_TOKEN_MAX));

    match display_name {
        Ok(display_name) if errors.is_empty() => Ok(ChatRequest {
            instance_id,
            contact_flow_id,
            display_name,
            attributes,
            initial_message,
            supported_messaging_content_types,
            chat_duration_minutes,
            persistent_chat,
            related_contact_id,
            customer_id,
            client_token,
            segment_attributes,
            disconnect_agent_on_customer_exit,
            connection_types,
            response_mode,
            continuation_token,
        }),
        _ => Err(Rejection::Invalid(errors.into_vec())),
    }
}

/// Parses a JSON object, refusing duplicate member names at any depth: a proxy or firewall that reads
/// the first of two members and this service the last would not be judging the same request.
pub(crate) fn parse_object(body: &[u8]) -> Result<Map<String, Value>, String> {
    let value = strict_json::from_slice(body)?;
    match value {
        Value::Object(root) => Ok(root),
        other => Err(format!(
            "the body must be a JSON object, not {}",
            kind(&other)
        )),
    }
}
