//! One chat contact: its participants, transcript and the WebSockets listening to it.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use serde::Serialize;
use tokio::sync::mpsc;

use super::item::{
    Author, CHAT_ENDED, Item, ItemType, MessageMetadata, PARTICIPANT_LEFT, Receipt, Role,
};
use super::push::{self, PushNotification, PushRegistration};
use crate::clock::{self, EmulatorClock};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub(crate) enum ContactState {
    Active,
    Ended,
}

/// A WebSocket connected for one participant of this contact.
struct Socket {
    id: u64,
    participant_id: String,
    subscribed: bool,
    frames: mpsc::Sender<String>,
}

/// What the simulated agent has done in this chat.
#[derive(Debug, Default)]
pub(crate) struct AgentProgress {
    /// The join is scheduled or done; it happens once.
    pub(crate) join_started: bool,
    /// Customer messages (and attachments) the agent has taken in.
    pub(crate) customer_messages: u32,
    /// Agent messages the customer sent a read receipt for.
    pub(crate) read_by_customer: BTreeSet<String>,
    /// The InitialMessage (id, text), answered once the agent joins.
    pub(crate) pending_initial_message: Option<(String, String)>,
}

pub(crate) struct Contact {
    pub(crate) contact_id: String,
    pub(crate) instance_id: String,
    pub(crate) contact_flow_id: String,
    pub(crate) continued_from: Option<String>,
    pub(crate) state: ContactState,
    pub(crate) created_ms: i64,
    pub(crate) ended_ms: Option<i64>,
    pub(crate) customer: Author,
    pub(crate) customer_left: bool,
    pub(crate) agent: Option<Author>,
    pub(crate) agent_left: bool,
    pub(crate) transcript: Vec<Item>,
    pub(crate) supported_content_types: Vec<String>,
    pub(crate) disconnect_agent_on_customer_exit: bool,
    pub(crate) attributes: BTreeMap<String, String>,
    /// The StartChatContact answer, replayed for a repeated ClientToken.
    pub(crate) start_response: serde_json::Value,
    /// The StartChatContact ClientToken that started it, if any.
    pub(crate) client_token: Option<String>,
    /// SendMessage ClientToken -> (Id, AbsoluteTime) for idempotent retries.
    pub(crate) message_tokens: HashMap<String, (String, String)>,
    pub(crate) agent_progress: AgentProgress,
    pub(crate) customer_subscribed_once: bool,
    pub(crate) connection_acknowledged: bool,
    /// Devices registered for push notifications; none once the chat has ended.
    pub(crate) push_registrations: Vec<PushRegistration>,
    /// The notifications recorded for this chat's registrations.
    pub(crate) push_notifications: Vec<PushNotification>,
    sockets: Vec<Socket>,
    /// Dates the items and the start and end.
    clock: Arc<EmulatorClock>,
}

/// A summary of a chat, for tests and the control API.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChatSummary {
    pub contact_id: String,
    pub instance_id: String,
    pub contact_flow_id: String,
    /// `ACTIVE` or `ENDED`.
    pub state: String,
    pub customer_participant_id: String,
    pub customer_display_name: String,
    pub agent_participant_id: Option<String>,
    pub continued_from_contact_id: Option<String>,
    /// The StartChatContact `ClientToken` that started it: a retry with the same token replays
    /// this chat instead of starting another.
    pub client_token: Option<String>,
    pub attributes: BTreeMap<String, String>,
    /// Transcript items (messages, attachments and participant/chat events).
    pub transcript_length: usize,
    /// WebSockets currently subscribed to `aws/chat`.
    pub subscribed_sockets: usize,
    /// Customer messages the agent has taken in.
    pub customer_messages: u32,
    /// Agent messages the customer has sent a read receipt for.
    pub agent_messages_read_by_customer: usize,
    /// ISO 8601 start time.
    pub started_at: String,
    /// ISO 8601 end time, once ended.
    pub ended_at: Option<String>,
}

pub(crate) struct NewContact {
    pub(crate) contact_id: String,
    pub(crate) instance_id: String,
    pub(crate) contact_flow_id: String,
    pub(crate) continued_from: Option<String>,
    pub(crate) customer: Author,
    pub(crate) supported_content_types: Vec<String>,
    pub(crate) disconnect_agent_on_customer_exit: bool,
    pub(crate) attributes: BTreeMap<String, String>,
    pub(crate) past_items: Vec<Item>,
    pub(crate) clock: Arc<EmulatorClock>,
}

impl Contact {
    pub(crate) fn new(new: NewContact) -> Self {
        Contact {
            contact_id: new.contact_id,
            instance_id: new.instance_id,
            contact_flow_id: new.contact_flow_id,
            continued_from: new.continued_from,
            state: ContactState::Active,
            created_ms: new.clock.now_ms(),
            ended_ms: None,
            customer: new.customer,
            customer_left: false,
            agent: None,
            agent_left: false,
            transcript: new.past_items,
            supported_content_types: new.supported_content_types,
            disconnect_agent_on_customer_exit: new.disconnect_agent_on_customer_exit,
            attributes: new.attributes,
            start_response: serde_json::Value::Null,
            client_token: None,
            message_tokens: HashMap::new(),
            agent_progress: AgentProgress::default(),
            customer_subscribed_once: false,
            connection_acknowledged: false,
            push_registrations: Vec::new(),
            push_notifications: Vec::new(),
            sockets: Vec::new(),
            clock: new.clock,
        }
    }

    /// Now, by the emulator's clock.
    pub(crate) fn now_ms(&self) -> i64 {
        self.clock.now_ms()
    }

    pub(crate) fn is_active(&self) -> bool {
        self.state == ContactState::Active
    }

    /// Whether this participant may still act (send, disconnect): the chat is on and they are in it.
    pub(super) fn participant_active(&self, participant_id: &str) -> bool {
        if !self.is_active() {
            return false;
        }
        if participant_id == self.customer.participant_id {
            return !self.customer_left;
        }
        self.agent
            .as_ref()
            .is_some_and(|a| a.participant_id == participant_id)
            && !self.agent_left
    }

    pub(crate) fn author(&self, participant_id: &str) -> Option<&Author> {
        if self.customer.participant_id == participant_id {
            return Some(&self.customer);
        }
        self.agent
            .as_ref()
            .filter(|a| a.participant_id == participant_id)
    }

    /// Dates a transcript item, appends it, pushes it to the participants and records the push
    /// notifications it causes. Answers it as dated.
    pub(crate) fn record(&mut self, item: Item) -> Item {
        let item = self.push(item);
        let notifications =
            push::notifications_for(&item, &self.contact_id, &self.push_registrations);
        self.push_notifications.extend(notifications);
        self.transcript.push(item.clone());
        item
    }

    /// Dates an item that transcripts do not keep (typing, receipts) and pushes it to the
    /// participants. Answers it as dated.
    pub(crate) fn push(&mut self, item: Item) -> Item {
        let item = item.at(self.clock.now_ms());
        let frame = item.to_frame();
        // Deliver to each participant's newest subscribed socket: during a socket swap both
        // may be open, and chatjs expects one delivery.
        let mut newest: HashMap<&str, usize> = HashMap::new();
        for (index, socket) in self.sockets.iter().enumerate() {
            if socket.subscribed {
                let entry = newest
                    .entry(socket.participant_id.as_str())
                    .or_insert(index);
                if self.sockets[*entry].id < socket.id {
                    *entry = index;
                }
            }
        }
        let mut closed = Vec::new();
        for index in newest.into_values() {
            let socket = &self.sockets[index];
            match socket.frames.try_send(frame.clone()) {
                Ok(()) => {}
                Err(mpsc::error::TrySendError::Full(_)) => {
                    tracing::warn!(contact_id = %self.contact_id, "WebSocket not reading; frame dropped");
                }
                Err(mpsc::error::TrySendError::Closed(_)) => closed.push(socket.id),
            }
        }
        self.sockets.retain(|s| !closed.contains(&s.id));
        item
    }

    /// The customer leaves (and the agent too when DisconnectOnCustomerExit says so); the chat ends.
    pub(crate) fn customer_disconnects(&mut self) {
        let customer = self.customer.clone();
        self.record(Item::event(
            &self.contact_id.clone(),
            &customer,
            PARTICIPANT_LEFT,
        ));
        self.customer_left = true;
        if self.disconnect_agent_on_customer_exit {
            self.agent_leaves();
        }
        self.end();
    }

    /// The agent leaves, if present.
    pub(crate) fn agent_leaves(&mut self) {
        if let Some(agent) = self.agent.clone().filter(|_| !self.agent_left) {
            self.record(Item::event(
                &self.contact_id.clone(),
                &agent,
                PARTICIPANT_LEFT,
            ));
            self.agent_left = true;
        }
    }

    /// Ends the chat: `chat.ended` is what makes chatjs fire onEnded and clean up.
    pub(crate) fn end(&mut self) {
        if !self.is_active() {
            return;
        }
        self.record(Item::chat_event(&self.contact_id.clone(), CHAT_ENDED));
        self.state = ContactState::Ended;
        self.ended_ms = Some(self.clock.now_ms());
        // An ended chat notifies nobody.
        self.push_registrations.clear();
    }

    /// Adds a delivered/read receipt to a message of the transcript and pushes the
    /// MESSAGEMETADATA item. Returns the role of the message's author, if found.
    pub(crate) fn receipt(
        &mut self,
        message_id: &str,
        recipient_participant_id: &str,
        read: bool,
    ) -> Option<Role> {
        let now = clock::iso8601_ms(self.clock.now_ms());
        let mut author_role = None;
        let mut delivered_at = now.clone();
        if let Some(message) = self.transcript.iter_mut().find(|i| {
            i.id == message_id && matches!(i.kind, ItemType::Message | ItemType::Attachment)
        }) {
            author_role = message.participant_role;
            let metadata = message
                .message_metadata
                .get_or_insert_with(|| MessageMetadata {
                    message_id: message_id.to_owned(),
                    receipts: Vec::new(),
                });
            match metadata
                .receipts
                .iter_mut()
                .find(|r| r.recipient_participant_id == recipient_participant_id)
            {
                Some(existing) => {
                    let delivered = existing
                        .delivered_timestamp
                        .get_or_insert_with(|| now.clone());
                    delivered_at = delivered.clone();
                    if read && existing.read_timestamp.is_none() {
                        existing.read_timestamp = Some(now.clone());
                    }
                }
                None => metadata.receipts.push(Receipt {
                    delivered_timestamp: Some(now.clone()),
                    read_timestamp: read.then(|| now.clone()),
                    recipient_participant_id: recipient_participant_id.to_owned(),
                }),
            }
        }
        let receipt = Receipt {
            delivered_timestamp: Some(delivered_at),
            read_timestamp: read.then_some(now),
            recipient_participant_id: recipient_participant_id.to_owned(),
        };
        self.push(Item::receipt(message_id, receipt));
        author_role
    }

    pub(crate) fn add_socket(
        &mut self,
        id: u64,
        participant_id: &str,
        frames: mpsc::Sender<String>,
    ) {
        self.sockets.push(Socket {
            id,
            participant_id: participant_id.to_owned(),
            subscribed: false,
            frames,
        });
    }

    pub(crate) fn set_subscribed(&mut self, socket_id: u64, subscribed: bool) {
        if let Some(socket) = self.sockets.iter_mut().find(|s| s.id == socket_id) {
            socket.subscribed = subscribed;
        }
    }

    pub(crate) fn remove_socket(&mut self, socket_id: u64) {
        self.sockets.retain(|s| s.id != socket_id);
    }

    pub(crate) fn summary(&self) -> ChatSummary {
        ChatSummary {
            contact_id: self.contact_id.clone(),
            instance_id: self.instance_id.clone(),
            contact_flow_id: self.contact_flow_id.clone(),
            state: match self.state {
                ContactState::Active => "ACTIVE".to_owned(),
                ContactState::Ended => "ENDED".to_owned(),
            },
            customer_participant_id: self.customer.participant_id.clone(),
            customer_display_name: self.customer.display_name.clone(),
            agent_participant_id: self.agent.as_ref().map(|a| a.participant_id.clone()),
            continued_from_contact_id: self.continued_from.clone(),
            client_token: self.client_token.clone(),
            attributes: self.attributes.clone(),
            transcript_length: self.transcript.len(),
            subscribed_sockets: self.sockets.iter().filter(|s| s.subscribed).count(),
            customer_messages: self.agent_progress.customer_messages,
            agent_messages_read_by_customer: self.agent_progress.read_by_customer.len(),
            started_at: clock::iso8601_ms(self.created_ms),
            ended_at: self.ended_ms.map(clock::iso8601_ms),
        }
    }
}
