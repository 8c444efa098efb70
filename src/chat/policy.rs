//! The server's policy: which instances and flows a browser may name, which attribute keys it may set,
//! and the defaults for what it leaves out. Built once at cold start by [`crate::config`].

use super::command::{ContentType, SegmentValue, StartChatCommand};
use super::field::{FieldError, member_path};
use super::parse::{Rejection, parse_request};
use std::collections::{BTreeMap, HashMap, HashSet};

#[derive(Debug, Clone)]
pub struct ChatPolicy {
    pub default_instance_id: String,
    /// Always contains the default instance.
    pub allowed_instance_ids: HashSet<String>,
    pub default_contact_flow_id: String,
    /// Always contains the default flow and every alias target.
    pub allowed_contact_flow_ids: HashSet<String>,
    /// Names a browser may send instead of a flow id (`"ContactFlowId": "sales"`).
    pub contact_flow_aliases: HashMap<String, String>,
    /// `None`: any valid key.
    pub allowed_attribute_keys: Option<HashSet<String>>,
    /// Used when the request has no `SupportedMessagingContentTypes`; contains `text/plain`.
    pub default_content_types: Vec<ContentType>,
    /// Used when the request has no `ChatDurationInMinutes`; `None` leaves Connect's default (25 h).
    pub default_chat_duration_minutes: Option<i32>,
    pub allow_persistent_chat: bool,
}

impl ChatPolicy {
    /// A policy with only the given defaults allowed and nothing else configured.
    pub fn new(default_instance_id: &str, default_contact_flow_id: &str) -> Self {
        Self {
            default_instance_id: default_instance_id.to_owned(),
            allowed_instance_ids: HashSet::from([default_instance_id.to_owned()]),
            default_contact_flow_id: default_contact_flow_id.to_owned(),
            allowed_contact_flow_ids: HashSet::from([default_contact_flow_id.to_owned()]),
            contact_flow_aliases: HashMap::new(),
            allowed_attribute_keys: None,
            default_content_types: vec![ContentType::Plain],
            default_chat_duration_minutes: None,
            allow_persistent_chat: true,
        }
    }

    /// Turns a request body into a command, or says why it cannot be one. Field errors of the wire
    /// format come first (400); then the allow-lists (403); then the policy's own field rules (400).
    pub fn authorize(&self, body: &[u8]) -> Result<StartChatCommand, Rejection> {
        let request = parse_request(body)?;

        let instance_id = match request.instance_id {
            None => self.default_instance_id.clone(),
            Some(id) if self.allowed_instance_ids.contains(&id) => id,
            Some(_) => return Err(Rejection::InstanceNotAllowed),
        };
        let contact_flow_id = match request.contact_flow_id {
            None => self.default_contact_flow_id.clone(),
            Some(name) => match self.contact_flow_aliases.get(&name) {
                Some(id) => id.clone(),
                None if self.allowed_contact_flow_ids.contains(&name) => name,
                None => return Err(Rejection::ContactFlowNotAllowed),
            },
        };
        if request.persistent_chat.is_some() && !self.allow_persistent_chat {
            return Err(Rejection::PersistentChatNotAllowed);
        }

        let mut errors = Vec::new();
        if let Some(allowed) = &self.allowed_attribute_keys {
            for key in request
                .attributes
                .keys()
                .filter(|key| !allowed.contains(*key))
            {
                errors.push(FieldError::new(
                    member_path("Attributes", key),
                    "is not an allowed attribute key",
                ));
            }
        }
        let content_types = request
            .supported_messaging_content_types
            .unwrap_or_else(|| self.default_content_types.clone());
        if let Some(message) = &request.initial_message
            && !content_types.contains(&message.content_type)
        {
            errors.push(FieldError::new(
                "InitialMessage.ContentType",
                "must be one of the chat's SupportedMessagingContentTypes",
            ));
        }
        if is_guide(&request.segment_attributes)
            && !(content_types.contains(&ContentType::Interactive)
                && content_types.contains(&ContentType::InteractiveResponse))
        {
            errors.push(FieldError::new(
                "SupportedMessagingContentTypes",
                "must include both interactive content types when connect:Subtype is connect:Guide",
            ));
        }
        if !errors.is_empty() {
            return Err(Rejection::Invalid(errors));
        }

        Ok(StartChatCommand {
            instance_id,
            contact_flow_id,
            display_name: request.display_name,
            attributes: request.attributes,
            initial_message: request.initial_message,
            supported_messaging_content_types: content_types,
            chat_duration_minutes: request
                .chat_duration_minutes
                .or(self.default_chat_duration_minutes),
            persistent_chat: request.persistent_chat,
            related_contact_id: request.related_contact_id,
            customer_id: request.customer_id,
            client_token: request.client_token,
            segment_attributes: request.segment_attributes,
            disconnect_agent_on_customer_exit: request.disconnect_agent_on_customer_exit,
            connection_types: request.connection_types,
        })
    }
}

fn is_guide(segment_attributes: &BTreeMap<String, SegmentValue>) -> bool {
    matches!(
        segment_attributes.get("connect:Subtype"),
        Some(SegmentValue::String(subtype)) if subtype == "connect:Guide"
    )
}
