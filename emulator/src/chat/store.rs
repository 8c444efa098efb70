//! All chats and the secrets that lead to them.

use std::collections::{HashMap, HashSet};

use super::archive::ArchivedChat;
use super::attachment::Attachment;
use super::contact::{Contact, ContactState};
use super::item::Item;
use super::push::{PushNotification, PushRegistrationSummary};
use crate::clock;
use crate::ids;

/// ConnectionCredentials.Expiry: the real service gives one day (chatjs needs > 60 s).
pub(crate) const CONNECTION_TOKEN_LIFETIME_MS: i64 = 24 * 60 * 60 * 1000;
/// A WebSocket URL must be opened within 100 s of being issued, as the service documents.
pub(crate) const WEBSOCKET_URL_LIFETIME_MS: i64 = 100 * 1000;

/// A participant of a contact.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ParticipantKey {
    pub(crate) contact_id: String,
    pub(crate) participant_id: String,
}

struct Grant {
    key: ParticipantKey,
    expires_ms: i64,
}

/// Connection details handed to a participant.
pub(crate) struct ConnectionCredentials {
    pub(crate) token: String,
    pub(crate) expiry: String,
}

pub(crate) struct WebsocketUrl {
    pub(crate) url: String,
    pub(crate) expiry: String,
}

#[derive(Default)]
pub(crate) struct ChatStore {
    contacts: HashMap<String, Contact>,
    creation_order: Vec<String>,
    participant_tokens: HashMap<String, ParticipantKey>,
    connection_tokens: HashMap<String, Grant>,
    websocket_tickets: HashMap<String, Grant>,
    /// (InstanceId, ClientToken) of StartChatContact -> ContactId.
    start_client_tokens: HashMap<(String, String), String>,
    pub(crate) attachments: HashMap<String, Attachment>,
    /// Chats that ended before start-up, by contact id.
    archived: HashMap<String, ArchivedChat>,
    next_socket_id: u64,
}

impl ChatStore {
    pub(crate) fn with_archive(archived: impl IntoIterator<Item = (String, ArchivedChat)>) -> Self {
        ChatStore {
            archived: archived.into_iter().collect(),
            ..ChatStore::default()
        }
    }

    /// An ended chat's instance and transcript: a stored one, or one from before start-up.
    pub(crate) fn ended_transcript(&self, contact_id: &str) -> Option<(&str, &[Item])> {
        match self.contacts.get(contact_id) {
            Some(contact) => Some((contact.instance_id.as_str(), contact.transcript.as_slice())),
            None => self
                .archived
                .get(contact_id)
                .map(|chat| (chat.instance_id.as_str(), chat.transcript.as_slice())),
        }
    }

    /// Stores a new contact and returns the customer's ParticipantToken. Beyond `limit`
    /// stored chats, the oldest tenth is forgotten first.
    pub(crate) fn insert_contact(
        &mut self,
        mut contact: Contact,
        client_token: Option<&str>,
        limit: usize,
    ) -> String {
        if self.contacts.len() >= limit.max(1) {
            self.forget_oldest((limit / 10).max(1));
        }
        let participant_token = ids::opaque_token(288);
        let key = ParticipantKey {
            contact_id: contact.contact_id.clone(),
            participant_id: contact.customer.participant_id.clone(),
        };
        self.participant_tokens
            .insert(participant_token.clone(), key);
        contact.client_token = client_token.map(str::to_owned);
        if let Some(token) = client_token {
            self.start_client_tokens.insert(
                (contact.instance_id.clone(), token.to_owned()),
                contact.contact_id.clone(),
            );
        }
        self.creation_order.push(contact.contact_id.clone());
        self.contacts.insert(contact.contact_id.clone(), contact);
        participant_token
    }

    fn forget_oldest(&mut self, count: usize) {
        let count = count.min(self.creation_order.len());
        let forgotten: HashSet<String> = self.creation_order.drain(..count).collect();
        self.contacts.retain(|id, _| !forgotten.contains(id));
        self.participant_tokens
            .retain(|_, key| !forgotten.contains(&key.contact_id));
        self.connection_tokens
            .retain(|_, grant| !forgotten.contains(&grant.key.contact_id));
        self.websocket_tickets
            .retain(|_, grant| !forgotten.contains(&grant.key.contact_id));
        self.start_client_tokens
            .retain(|_, id| !forgotten.contains(id));
        self.attachments
            .retain(|_, attachment| !forgotten.contains(&attachment.contact_id));
    }

    pub(crate) fn contact_for_client_token(
        &self,
        instance_id: &str,
        client_token: &str,
    ) -> Option<&Contact> {
        let contact_id = self
            .start_client_tokens
            .get(&(instance_id.to_owned(), client_token.to_owned()))?;
        self.contacts.get(contact_id)
    }

    /// The participant's contact, if they may still act in it (send, connect, upload, disconnect):
    /// the chat is on and they have not left.
    pub(crate) fn participant_contact(&self, key: &ParticipantKey) -> Option<&Contact> {
        self.contacts
            .get(&key.contact_id)
            .filter(|c| c.participant_active(&key.participant_id))
    }

    /// [`Self::participant_contact`], for changing it.
    pub(crate) fn participant_contact_mut(&mut self, key: &ParticipantKey) -> Option<&mut Contact> {
        self.contacts
            .get_mut(&key.contact_id)
            .filter(|c| c.participant_active(&key.participant_id))
    }

    pub(crate) fn contact(&self, contact_id: &str) -> Option<&Contact> {
        self.contacts.get(contact_id)
    }

    pub(crate) fn contact_mut(&mut self, contact_id: &str) -> Option<&mut Contact> {
        self.contacts.get_mut(contact_id)
    }

    pub(crate) fn contacts_in_creation_order(&self) -> impl Iterator<Item = &Contact> {
        self.creation_order
            .iter()
            .filter_map(|id| self.contacts.get(id))
    }

    /// The most recently started chat that is still active.
    pub(crate) fn latest_active_contact_id(&self) -> Option<String> {
        self.creation_order
            .iter()
            .rev()
            .find(|id| self.contacts.get(*id).is_some_and(Contact::is_active))
            .cloned()
    }

    pub(crate) fn active_count(&self) -> usize {
        self.contacts
            .values()
            .filter(|c| c.state == ContactState::Active)
            .count()
    }

    pub(crate) fn by_participant_token(&self, token: &str) -> Option<ParticipantKey> {
        self.participant_tokens.get(token).cloned()
    }

    pub(crate) fn by_connection_token(&self, token: &str) -> Option<ParticipantKey> {
        let grant = self.connection_tokens.get(token)?;
        (grant.expires_ms > clock::system_now_ms()).then(|| grant.key.clone())
    }

    pub(crate) fn by_websocket_ticket(&self, ticket: &str) -> Option<ParticipantKey> {
        let grant = self.websocket_tickets.get(ticket)?;
        (grant.expires_ms > clock::system_now_ms()).then(|| grant.key.clone())
    }

    pub(crate) fn issue_connection_token(&mut self, key: &ParticipantKey) -> ConnectionCredentials {
        let expires_ms = clock::system_now_ms() + CONNECTION_TOKEN_LIFETIME_MS;
        let token = ids::opaque_token(300);
        self.connection_tokens.insert(
            token.clone(),
            Grant {
                key: key.clone(),
                expires_ms,
            },
        );
        ConnectionCredentials {
            token,
            expiry: clock::iso8601_ms(expires_ms),
        }
    }

    /// A `ws://127.0.0.1:PORT/ws?AuthToken=...` URL for this participant.
    pub(crate) fn issue_websocket_url(
        &mut self,
        key: &ParticipantKey,
        websocket_base: &str,
    ) -> WebsocketUrl {
        let now = clock::system_now_ms();
        self.websocket_tickets
            .retain(|_, grant| grant.expires_ms > now);
        let expires_ms = now + WEBSOCKET_URL_LIFETIME_MS;
        let ticket = ids::url_safe_token(96);
        let url = format!("{websocket_base}/ws?AuthToken={ticket}");
        self.websocket_tickets.insert(
            ticket,
            Grant {
                key: key.clone(),
                expires_ms,
            },
        );
        WebsocketUrl {
            url,
            expiry: clock::iso8601_ms(expires_ms),
        }
    }

    /// Every chat's recorded push notifications, in the order they were recorded.
    pub(crate) fn push_notifications(&self) -> Vec<PushNotification> {
        let mut all: Vec<PushNotification> = self
            .contacts
            .values()
            .flat_map(|c| c.push_notifications.iter().cloned())
            .collect();
        all.sort_by_key(|n| n.sequence);
        all
    }

    /// Forgets the recorded push notifications (registrations stay).
    pub(crate) fn clear_push_notifications(&mut self) -> usize {
        self.contacts
            .values_mut()
            .map(|c| std::mem::take(&mut c.push_notifications).len())
            .sum()
    }

    /// The registrations of the active chats, oldest chat first.
    pub(crate) fn push_registrations(&self) -> Vec<PushRegistrationSummary> {
        self.contacts_in_creation_order()
            .flat_map(|c| {
                c.push_registrations
                    .iter()
                    .map(|r| PushRegistrationSummary {
                        registration_id: r.registration_id.clone(),
                        contact_id: c.contact_id.clone(),
                        device_type: r.device_type,
                        include_raw_message: r.include_raw_message,
                    })
            })
            .collect()
    }

    pub(crate) fn next_socket_id(&mut self) -> u64 {
        self.next_socket_id += 1;
        self.next_socket_id
    }
}
