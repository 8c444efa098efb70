//! The validated command. Its fields are private and it has no public constructor: a value of this type
//! exists only when [`super::ChatPolicy::authorize`] accepted a request, so the port cannot be handed
//! unchecked data. Every member is digested into the idempotency token Connect receives
//! (`super::idempotency`, which does not compile until a new member is digested).

use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StartChatCommand {
    pub(super) instance_id: String,
    pub(super) contact_flow_id: String,
    pub(super) display_name: String,
    pub(super) attributes: BTreeMap<String, String>,
    pub(super) initial_message: Option<ChatMessage>,
    pub(super) supported_messaging_content_types: Vec<ContentType>,
    pub(super) chat_duration_minutes: i32,
    pub(super) persistent_chat: Option<PersistentChat>,
    pub(super) related_contact_id: Option<String>,
    pub(super) customer_id: Option<String>,
    pub(super) client_token: Option<String>,
    pub(super) segment_attributes: BTreeMap<String, SegmentValue>,
    pub(super) disconnect_agent_on_customer_exit: bool,
    pub(super) connection_types: Vec<ConnectionType>,
    pub(super) response_mode: Option<ResponseMode>,
}

impl StartChatCommand {
    pub fn instance_id(&self) -> &str {
        &self.instance_id
    }
    pub fn contact_flow_id(&self) -> &str {
        &self.contact_flow_id
    }
    pub fn display_name(&self) -> &str {
        &self.display_name
    }
    pub fn attributes(&self) -> &BTreeMap<String, String> {
        &self.attributes
    }
    pub fn initial_message(&self) -> Option<&ChatMessage> {
        self.initial_message.as_ref()
    }
    /// Never empty and always contains `text/plain` (the service requires it).
    pub fn supported_messaging_content_types(&self) -> &[ContentType] {
        &self.supported_messaging_content_types
    }
    /// Always within the policy's ceiling.
    pub fn chat_duration_minutes(&self) -> i32 {
        self.chat_duration_minutes
    }
    pub fn persistent_chat(&self) -> Option<&PersistentChat> {
        self.persistent_chat.as_ref()
    }
    pub fn related_contact_id(&self) -> Option<&str> {
        self.related_contact_id.as_deref()
    }
    pub fn customer_id(&self) -> Option<&str> {
        self.customer_id.as_deref()
    }
    /// The idempotency token for Connect, derived from the browser's (see `idempotency`): a retried
    /// request gets the same chat, any other request its own. `None` when the browser sent none.
    pub fn client_token(&self) -> Option<&str> {
        self.client_token.as_deref()
    }
    pub fn segment_attributes(&self) -> &BTreeMap<String, SegmentValue> {
        &self.segment_attributes
    }
    pub fn disconnect_agent_on_customer_exit(&self) -> bool {
        self.disconnect_agent_on_customer_exit
    }
    pub fn connection_types(&self) -> &[ConnectionType] {
        &self.connection_types
    }
    /// `ParticipantConfiguration.ResponseMode`: how an AI agent's replies reach the customer.
    pub fn response_mode(&self) -> Option<ResponseMode> {
        self.response_mode
    }
    /// The widget turns Markdown rendering on when the chat supports `text/markdown`.
    pub fn supports_markdown(&self) -> bool {
        self.supported_messaging_content_types
            .contains(&ContentType::Markdown)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatMessage {
    pub content_type: ContentType,
    pub content: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersistentChat {
    pub rehydration_type: RehydrationType,
    pub source_contact_id: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RehydrationType {
    EntirePastSession,
    FromSegment,
}

impl RehydrationType {
    pub const ALL: [Self; 2] = [Self::EntirePastSession, Self::FromSegment];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::EntirePastSession => "ENTIRE_PAST_SESSION",
            Self::FromSegment => "FROM_SEGMENT",
        }
    }
}

/// The messaging content types StartChatContact accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ContentType {
    Plain,
    Markdown,
    Json,
    Interactive,
    InteractiveResponse,
}

impl ContentType {
    pub const ALL: [Self; 5] = [
        Self::Plain,
        Self::Markdown,
        Self::Json,
        Self::Interactive,
        Self::InteractiveResponse,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Plain => "text/plain",
            Self::Markdown => "text/markdown",
            Self::Json => "application/json",
            Self::Interactive => "application/vnd.amazonaws.connect.message.interactive",
            Self::InteractiveResponse => {
                "application/vnd.amazonaws.connect.message.interactive.response"
            }
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == value)
    }

    /// Types a participant message (and so the initial message) may have: interactive messages come
    /// from flows, never from the customer.
    pub fn is_customer_message_type(self) -> bool {
        !matches!(self, Self::Interactive)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnectionType {
    Websocket,
    ConnectionCredentials,
}

impl ConnectionType {
    pub const ALL: [Self; 2] = [Self::Websocket, Self::ConnectionCredentials];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Websocket => "WEBSOCKET",
            Self::ConnectionCredentials => "CONNECTION_CREDENTIALS",
        }
    }
}

/// How the customer receives an AI agent's replies (`ParticipantConfiguration.ResponseMode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseMode {
    /// Each reply whole, as a human agent's.
    Complete,
    /// Replies streamed as they are generated; the client must render partial messages.
    Incremental,
}

impl ResponseMode {
    pub const ALL: [Self; 2] = [Self::Incremental, Self::Complete];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Complete => "COMPLETE",
            Self::Incremental => "INCREMENTAL",
        }
    }
}

/// A segment attribute value: exactly one of the service's `Value*` members.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SegmentValue {
    String(String),
    Integer(i32),
    Arn(String),
    Map(BTreeMap<String, SegmentValue>),
    List(Vec<SegmentValue>),
}
