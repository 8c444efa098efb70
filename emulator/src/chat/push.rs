//! Push notifications of mobile chats: the devices registered for a chat
//! (CreatePushNotificationRegistration), and the notifications the emulator records instead of
//! sending them, one per registration for each message or file the agent writes.

use std::sync::atomic::{AtomicU64, Ordering};

use serde::{Deserialize, Serialize};

use super::item::{Item, ItemType, Role};

/// The push service a device token belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DeviceType {
    Gcm,
    Apns,
    ApnsSandbox,
}

impl DeviceType {
    pub(crate) fn from_name(name: &str) -> Option<Self> {
        match name {
            "GCM" => Some(DeviceType::Gcm),
            "APNS" => Some(DeviceType::Apns),
            "APNS_SANDBOX" => Some(DeviceType::ApnsSandbox),
            _ => None,
        }
    }
}

/// A device registered for one chat's notifications.
#[derive(Clone, Debug)]
pub(crate) struct PushRegistration {
    pub(crate) registration_id: String,
    pub(crate) device_type: DeviceType,
    /// A secret: never logged.
    pub(crate) device_token: String,
    pub(crate) include_raw_message: bool,
    /// The request's ClientToken: a retry with it gets the same registration.
    pub(crate) client_token: Option<String>,
}

/// A registration as the control API lists it (without its device token).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PushRegistrationSummary {
    pub registration_id: String,
    pub contact_id: String,
    pub device_type: DeviceType,
    pub include_raw_message: bool,
}

/// A notification the emulator would have sent through the push application.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PushNotification {
    pub registration_id: String,
    pub contact_id: String,
    pub device_type: DeviceType,
    /// The device it goes to (a secret the emulator keeps for tests, never logs).
    pub device_token: String,
    /// The transcript item that caused it.
    pub message_id: String,
    /// `MESSAGE` or `ATTACHMENT`.
    pub message_type: String,
    /// The message's content type (for an attachment, the file's).
    pub content_type: Option<String>,
    /// The message's content (for an attachment, its file name), only when the registration asked
    /// for the raw message (`IncludeRawMessage`).
    pub content: Option<String>,
    /// `yyyy-MM-ddTHH:mm:ss.SSSZ`, by the emulator's clock.
    pub sent_at: String,
    /// Order of recording across chats.
    #[serde(skip)]
    pub(crate) sequence: u64,
}

static SEQUENCE: AtomicU64 = AtomicU64::new(0);

/// The notifications `item` causes: one per registration, for a message or file by the agent.
pub(crate) fn notifications_for(
    item: &Item,
    contact_id: &str,
    registrations: &[PushRegistration],
) -> Vec<PushNotification> {
    let by_agent = item.participant_role == Some(Role::Agent);
    let message_type = match item.kind {
        ItemType::Message => "MESSAGE",
        ItemType::Attachment => "ATTACHMENT",
        _ => return Vec::new(),
    };
    if !by_agent {
        return Vec::new();
    }
    let attachment = item.attachments.as_ref().and_then(|list| list.first());
    let content_type = attachment
        .map(|a| a.content_type.clone())
        .or_else(|| item.content_type.clone());
    let raw = attachment
        .map(|a| a.attachment_name.clone())
        .or_else(|| item.content.clone());
    registrations
        .iter()
        .map(|registration| PushNotification {
            registration_id: registration.registration_id.clone(),
            contact_id: contact_id.to_owned(),
            device_type: registration.device_type,
            device_token: registration.device_token.clone(),
            message_id: item.id.clone(),
            message_type: message_type.to_owned(),
            content_type: content_type.clone(),
            content: registration
                .include_raw_message
                .then(|| raw.clone())
                .flatten(),
            sent_at: item.absolute_time.clone(),
            sequence: SEQUENCE.fetch_add(1, Ordering::Relaxed),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chat::item::{Author, TEXT_PLAIN};

    fn registration(raw: bool) -> PushRegistration {
        PushRegistration {
            registration_id: "r1".to_owned(),
            device_type: DeviceType::Apns,
            device_token: "a1b2".to_owned(),
            include_raw_message: raw,
            client_token: None,
        }
    }

    fn author(role: Role) -> Author {
        Author {
            participant_id: "p".to_owned(),
            display_name: "Sam".to_owned(),
            role,
        }
    }

    #[test]
    fn the_agent_s_messages_notify_each_registration() {
        let message = Item::message("c1", &author(Role::Agent), TEXT_PLAIN, "Hello");
        let sent = notifications_for(&message, "c1", &[registration(true), registration(false)]);
        assert_eq!(sent.len(), 2);
        assert_eq!(sent[0].content.as_deref(), Some("Hello"));
        assert_eq!(sent[1].content, None, "no raw message unless asked for");
        assert_eq!(sent[0].message_type, "MESSAGE");
        assert!(sent[0].sequence < sent[1].sequence);
    }

    #[test]
    fn the_agent_s_files_notify_with_their_name_as_the_raw_message() {
        let file = Item::attachment(
            "c1",
            &author(Role::Agent),
            crate::chat::item::AttachmentItem {
                content_type: "application/pdf".to_owned(),
                attachment_id: "a1".to_owned(),
                attachment_name: "invoice.pdf".to_owned(),
                status: "APPROVED",
            },
        );
        let sent = notifications_for(&file, "c1", &[registration(true)]);
        assert_eq!(sent.len(), 1);
        assert_eq!(sent[0].message_type, "ATTACHMENT");
        assert_eq!(sent[0].content_type.as_deref(), Some("application/pdf"));
        assert_eq!(sent[0].content.as_deref(), Some("invoice.pdf"));
    }

    #[test]
    fn the_customer_s_messages_and_events_notify_nobody() {
        let customer = Item::message("c1", &author(Role::Customer), TEXT_PLAIN, "Hi");
        assert!(notifications_for(&customer, "c1", &[registration(true)]).is_empty());
        let typing = Item::event("c1", &author(Role::Agent), crate::chat::item::TYPING);
        assert!(notifications_for(&typing, "c1", &[registration(true)]).is_empty());
    }
}
