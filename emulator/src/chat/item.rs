//! Transcript items: the payload of GetTranscript and of WebSocket `aws/chat` frames.

use serde::Serialize;

use crate::clock;
use crate::ids;

pub(crate) const PARTICIPANT_JOINED: &str =
    "application/vnd.amazonaws.connect.event.participant.joined";
pub(crate) const PARTICIPANT_LEFT: &str =
    "application/vnd.amazonaws.connect.event.participant.left";
pub(crate) const CHAT_ENDED: &str = "application/vnd.amazonaws.connect.event.chat.ended";
pub(crate) const CHAT_REHYDRATED: &str = "application/vnd.amazonaws.connect.event.chat.rehydrated";
pub(crate) const TYPING: &str = "application/vnd.amazonaws.connect.event.typing";
pub(crate) const CONNECTION_ACKNOWLEDGED: &str =
    "application/vnd.amazonaws.connect.event.connection.acknowledged";
pub(crate) const MESSAGE_DELIVERED: &str =
    "application/vnd.amazonaws.connect.event.message.delivered";
pub(crate) const MESSAGE_READ: &str = "application/vnd.amazonaws.connect.event.message.read";
pub(crate) const MESSAGE_METADATA: &str =
    "application/vnd.amazonaws.connect.event.message.metadata";
pub(crate) const TEXT_PLAIN: &str = "text/plain";
pub(crate) const INTERACTIVE: &str = "application/vnd.amazonaws.connect.message.interactive";
pub(crate) const INTERACTIVE_RESPONSE: &str =
    "application/vnd.amazonaws.connect.message.interactive.response";
/// What StartChatContact's SupportedMessagingContentTypes may list.
pub(crate) const MESSAGING_CONTENT_TYPES: [&str; 5] = [
    TEXT_PLAIN,
    "text/markdown",
    "application/json",
    INTERACTIVE,
    INTERACTIVE_RESPONSE,
];
/// What a chat message (InitialMessage, SendMessage) may be.
pub(crate) const CHAT_MESSAGE_CONTENT_TYPES: [&str; 4] = [
    TEXT_PLAIN,
    "text/markdown",
    "application/json",
    INTERACTIVE_RESPONSE,
];

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub(crate) enum ItemType {
    Message,
    Event,
    Attachment,
    ConnectionAck,
    #[serde(rename = "MESSAGEMETADATA")]
    MessageMetadata,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub(crate) enum Role {
    Customer,
    Agent,
    System,
}

/// Who produced an item.
#[derive(Clone, Debug)]
pub(crate) struct Author {
    pub(crate) participant_id: String,
    pub(crate) display_name: String,
    pub(crate) role: Role,
}

impl Author {
    /// Flow messages: role SYSTEM, display name `SYSTEM_MESSAGE`.
    pub(crate) fn system() -> Self {
        Author {
            participant_id: ids::random_uuid(),
            display_name: "SYSTEM_MESSAGE".to_owned(),
            role: Role::System,
        }
    }
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct AttachmentItem {
    pub(crate) content_type: String,
    pub(crate) attachment_id: String,
    pub(crate) attachment_name: String,
    pub(crate) status: &'static str,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Receipt {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) delivered_timestamp: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) read_timestamp: Option<String>,
    pub(crate) recipient_participant_id: String,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct MessageMetadata {
    pub(crate) message_id: String,
    pub(crate) receipts: Vec<Receipt>,
}

/// One transcript entry. Optional members are omitted from JSON when absent, as the
/// service omits them.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Item {
    pub(crate) absolute_time: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) content: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) content_type: Option<String>,
    pub(crate) id: String,
    #[serde(rename = "Type")]
    pub(crate) kind: ItemType,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) participant_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) display_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) participant_role: Option<Role>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) attachments: Option<Vec<AttachmentItem>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) message_metadata: Option<MessageMetadata>,
    /// Set only on items copied from a past session of a persistent chat.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) related_contact_id: Option<String>,
    /// Set only on items of the current session.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) contact_id: Option<String>,
    /// Only in WebSocket frames, where ChatJS filters on it: GetTranscript's `Item` shape has no
    /// such member, so transcripts leave it out.
    #[serde(skip)]
    pub(crate) initial_contact_id: Option<String>,
    /// Milliseconds since the epoch, for ordering and StartPosition.AbsoluteTime.
    #[serde(skip)]
    pub(crate) epoch_ms: i64,
}

impl Item {
    /// An undated item: a chat dates its items as they enter it (`Contact::record`,
    /// `Contact::push`), by the emulator's clock; `at` dates one explicitly.
    fn new(kind: ItemType, contact_id: &str, author: Option<&Author>) -> Self {
        let epoch_ms = 0;
        Item {
            absolute_time: clock::iso8601_ms(epoch_ms),
            content: None,
            content_type: None,
            id: ids::item_id(),
            kind,
            participant_id: author.map(|a| a.participant_id.clone()),
            display_name: author.map(|a| a.display_name.clone()),
            participant_role: author.map(|a| a.role),
            attachments: None,
            message_metadata: None,
            related_contact_id: None,
            contact_id: Some(contact_id.to_owned()),
            initial_contact_id: Some(contact_id.to_owned()),
            epoch_ms,
        }
    }

    pub(crate) fn message(
        contact_id: &str,
        author: &Author,
        content_type: &str,
        content: &str,
    ) -> Self {
        let mut item = Item::new(ItemType::Message, contact_id, Some(author));
        item.content_type = Some(content_type.to_owned());
        item.content = Some(content.to_owned());
        item
    }

    /// A participant event (joined, left, typing, ...): no Content.
    pub(crate) fn event(contact_id: &str, author: &Author, content_type: &str) -> Self {
        let mut item = Item::new(ItemType::Event, contact_id, Some(author));
        item.content_type = Some(content_type.to_owned());
        item
    }

    /// `chat.ended` and `chat.rehydrated` carry no participant fields.
    pub(crate) fn chat_event(contact_id: &str, content_type: &str) -> Self {
        let mut item = Item::new(ItemType::Event, contact_id, None);
        item.content_type = Some(content_type.to_owned());
        item
    }

    pub(crate) fn connection_ack(contact_id: &str, author: &Author) -> Self {
        let mut item = Item::new(ItemType::ConnectionAck, contact_id, Some(author));
        item.content_type = Some(CONNECTION_ACKNOWLEDGED.to_owned());
        item
    }

    pub(crate) fn attachment(
        contact_id: &str,
        author: &Author,
        attachment: AttachmentItem,
    ) -> Self {
        let mut item = Item::new(ItemType::Attachment, contact_id, Some(author));
        item.attachments = Some(vec![attachment]);
        item
    }

    /// A delivered/read receipt: no contact or participant fields (chatjs lets these through).
    pub(crate) fn receipt(message_id: &str, receipt: Receipt) -> Self {
        let mut item = Item::new(ItemType::MessageMetadata, "", None);
        item.contact_id = None;
        item.initial_contact_id = None;
        item.content_type = Some(MESSAGE_METADATA.to_owned());
        item.message_metadata = Some(MessageMetadata {
            message_id: message_id.to_owned(),
            receipts: vec![receipt],
        });
        item
    }

    /// The same item, dated `epoch_ms`.
    pub(crate) fn at(mut self, epoch_ms: i64) -> Self {
        self.epoch_ms = epoch_ms;
        self.absolute_time = clock::iso8601_ms(epoch_ms);
        self
    }

    /// This item as it appears in a later session's transcript of a persistent chat.
    pub(crate) fn as_past_session_item(&self, source_contact_id: &str) -> Self {
        let mut past = self.clone();
        past.related_contact_id = Some(
            self.related_contact_id
                .clone()
                .unwrap_or_else(|| source_contact_id.to_owned()),
        );
        past.contact_id = None;
        past.initial_contact_id = None;
        past
    }

    /// The WebSocket frame that carries this item: the Item is a JSON *string*, with the
    /// `InitialContactId` real frames carry.
    pub(crate) fn to_frame(&self) -> String {
        let mut item = self.to_json();
        if let (Some(initial), serde_json::Value::Object(members)) =
            (&self.initial_contact_id, &mut item)
        {
            members.insert("InitialContactId".to_owned(), initial.as_str().into());
        }
        let content = item.to_string();
        serde_json::json!({ "topic": "aws/chat", "contentType": "application/json", "content": content }).to_string()
    }

    pub(crate) fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frame_carries_item_as_json_string() {
        let author = Author {
            participant_id: "p".into(),
            display_name: "Cus".into(),
            role: Role::Customer,
        };
        let item = Item::message("c1", &author, TEXT_PLAIN, "hi");
        let frame: serde_json::Value = serde_json::from_str(&item.to_frame()).unwrap();
        assert_eq!(frame["topic"], "aws/chat");
        let inner: serde_json::Value =
            serde_json::from_str(frame["content"].as_str().unwrap()).unwrap();
        assert_eq!(inner["Type"], "MESSAGE");
        assert_eq!(inner["ParticipantRole"], "CUSTOMER");
        assert_eq!(inner["ContactId"], "c1");
        assert_eq!(inner["InitialContactId"], "c1");
        assert!(inner.get("RelatedContactId").is_none());
        assert!(
            item.to_json().get("InitialContactId").is_none(),
            "transcript items follow the model's Item shape"
        );
    }

    #[test]
    fn receipts_and_chat_events_have_no_participant_fields() {
        let receipt = Item::receipt(
            "m1",
            Receipt {
                delivered_timestamp: Some("t".into()),
                read_timestamp: None,
                recipient_participant_id: "p".into(),
            },
        )
        .to_json();
        assert_eq!(receipt["Type"], "MESSAGEMETADATA");
        assert!(receipt.get("ContactId").is_none() && receipt.get("ParticipantId").is_none());
        assert_eq!(
            receipt["MessageMetadata"]["Receipts"][0]["RecipientParticipantId"],
            "p"
        );
        let ended = Item::chat_event("c1", CHAT_ENDED).to_json();
        assert!(ended.get("ParticipantId").is_none());
        assert_eq!(ended["ContactId"], "c1");
    }
}
