//! The `ClientToken` sent to Amazon Connect. Connect answers a repeated token with the original chat,
//! whatever else the request says, for 7 days. Sent as the browser chose it, a token would let whoever
//! repeats it (a copied sample value, a guessed or pre-claimed one) join someone else's chat. So the token
//! sent is derived from the browser's token and a digest of the exact command: the same request retried
//! gets the same chat, any other request gets its own. With a server secret the derivation is keyed, so
//! nobody can compute the token Connect sees.

use super::command::{ChatMessage, PersistentChat, SegmentValue, StartChatCommand};
use super::server_secret::ServerSecret;
use aws_lc_rs::{digest, hmac};
use std::fmt::Write;

const PURPOSE: &str = "start-chat/client-token/v1";

/// Derives Connect's token; built once at cold start.
#[derive(Clone)]
pub(crate) struct ClientTokens {
    key: hmac::Key,
}

impl std::fmt::Debug for ClientTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ClientTokens")
    }
}

impl ClientTokens {
    pub(crate) fn new(secret: Option<&ServerSecret>) -> Self {
        let key = match secret {
            Some(secret) => secret.key_for(PURPOSE),
            // Still binds the token to the command; only the secret makes it unpredictable.
            None => hmac::Key::new(hmac::HMAC_SHA256, PURPOSE.as_bytes()),
        };
        Self { key }
    }

    /// 64 hex characters (Connect allows 500).
    pub(crate) fn derive(&self, browser_token: &str, command: &StartChatCommand) -> String {
        let mut context = hmac::Context::with_key(&self.key);
        context.update(browser_token.as_bytes());
        context.update(&[0]);
        context.update(command_digest(command).as_ref());
        let mut token = String::with_capacity(64);
        for byte in context.sign().as_ref() {
            let _ = write!(token, "{byte:02x}");
        }
        token
    }
}

/// The browser's token must be a random (version 4) UUID, which nobody can guess or claim in advance.
/// Returns it in lowercase.
pub(crate) fn random_uuid(text: &str) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    let bytes = lower.as_bytes();
    let shaped = bytes.len() == 36
        && bytes.iter().enumerate().all(|(index, byte)| match index {
            8 | 13 | 18 | 23 => *byte == b'-',
            _ => byte.is_ascii_hexdigit(),
        });
    let version_4 = shaped && bytes[14] == b'4' && matches!(bytes[19], b'8' | b'9' | b'a' | b'b');
    version_4.then_some(lower)
}

/// A SHA-256 over every member the command sends to Connect except the token itself, each
/// length-prefixed and tagged, so that no two different commands share an encoding. The command is
/// destructured without `..`: a member added to [`StartChatCommand`] does not compile until it is
/// digested here, so two requests that differ in it can never share Connect's token.
fn command_digest(command: &StartChatCommand) -> digest::Digest {
    let StartChatCommand {
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
        client_token: _,
        segment_attributes,
        disconnect_agent_on_customer_exit,
        connection_types,
        response_mode,
    } = command;
    let mut digest = CommandDigest::new();
    digest.field("instance", instance_id.as_bytes());
    digest.field("flow", contact_flow_id.as_bytes());
    digest.field("name", display_name.as_bytes());
    for (key, value) in attributes {
        digest.field("attribute.key", key.as_bytes());
        digest.field("attribute.value", value.as_bytes());
    }
    if let Some(ChatMessage {
        content_type,
        content,
    }) = initial_message
    {
        digest.field("message.type", content_type.as_str().as_bytes());
        digest.field("message", content.as_bytes());
    }
    for content_type in supported_messaging_content_types {
        digest.field("content-type", content_type.as_str().as_bytes());
    }
    digest.field("duration", &chat_duration_minutes.to_be_bytes());
    if let Some(PersistentChat {
        rehydration_type,
        source_contact_id,
    }) = persistent_chat
    {
        digest.field("persistent.type", rehydration_type.as_str().as_bytes());
        digest.field("persistent.source", source_contact_id.as_bytes());
    }
    if let Some(related) = related_contact_id {
        digest.field("related", related.as_bytes());
    }
    if let Some(customer) = customer_id {
        digest.field("customer", customer.as_bytes());
    }
    for (key, value) in segment_attributes {
        digest.field("segment.key", key.as_bytes());
        digest.segment_value(value);
    }
    digest.field(
        "disconnect-agent",
        &[u8::from(*disconnect_agent_on_customer_exit)],
    );
    for connection_type in connection_types {
        digest.field("connection", connection_type.as_str().as_bytes());
    }
    if let Some(mode) = response_mode {
        digest.field("response-mode", mode.as_str().as_bytes());
    }
    digest.0.finish()
}

struct CommandDigest(digest::Context);

impl CommandDigest {
    fn new() -> Self {
        Self(digest::Context::new(&digest::SHA256))
    }

    fn field(&mut self, tag: &str, value: &[u8]) {
        self.0.update(tag.as_bytes());
        self.0.update(&(value.len() as u64).to_be_bytes());
        self.0.update(value);
    }

    fn segment_value(&mut self, value: &SegmentValue) {
        match value {
            SegmentValue::String(text) => self.field("segment.string", text.as_bytes()),
            SegmentValue::Integer(number) => self.field("segment.integer", &number.to_be_bytes()),
            SegmentValue::Arn(arn) => self.field("segment.arn", arn.as_bytes()),
            SegmentValue::Map(map) => {
                self.field("segment.map", &(map.len() as u64).to_be_bytes());
                for (key, value) in map {
                    self.field("segment.map.key", key.as_bytes());
                    self.segment_value(value);
                }
            }
            SegmentValue::List(items) => {
                self.field("segment.list", &(items.len() as u64).to_be_bytes());
                for item in items {
                    self.segment_value(item);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_version_4_uuids_are_accepted() {
        assert_eq!(
            random_uuid("7C9E6679-7425-40DE-944B-E07FC1F90AE7").as_deref(),
            Some("7c9e6679-7425-40de-944b-e07fc1f90ae7")
        );
        for refused in [
            "00000000-0000-0000-0000-000000000000",
            "7c9e6679-7425-10de-944b-e07fc1f90ae7",
            "7c9e6679-7425-40de-c44b-e07fc1f90ae7",
            "token-1",
            "7c9e667974254 0de944be07fc1f90ae7",
            "",
        ] {
            assert_eq!(random_uuid(refused), None, "{refused}");
        }
    }
}
