//! Chats that ended before the emulator started (`EmulatorConfig::past_chats`): only their
//! transcripts exist, as sources for PersistentChat.

use super::item::{
    Author, CHAT_ENDED, Item, PARTICIPANT_JOINED, PARTICIPANT_LEFT, Role, TEXT_PLAIN,
};
use crate::clock;
use crate::config::{PastChatConfig, PastRole};
use crate::ids;

pub(crate) struct ArchivedChat {
    pub(crate) instance_id: String,
    pub(crate) transcript: Vec<Item>,
}

/// How long before start-up the archived chats happened.
const AGE_MS: i64 = 24 * 60 * 60 * 1000;
const STEP_MS: i64 = 30 * 1000;

impl ArchivedChat {
    pub(crate) fn from_config(config: &PastChatConfig, agent_name: &str) -> Self {
        let contact_id = config.contact_id.as_str();
        let customer = Author {
            participant_id: ids::random_uuid(),
            display_name: config.customer_display_name.clone(),
            role: Role::Customer,
        };
        let agent = Author {
            participant_id: ids::random_uuid(),
            display_name: agent_name.to_owned(),
            role: Role::Agent,
        };
        let system = Author::system();
        let mut items = vec![Item::event(contact_id, &customer, PARTICIPANT_JOINED)];
        let mut agent_joined = false;
        for message in &config.messages {
            let author = match message.from {
                PastRole::Customer => &customer,
                PastRole::Agent => &agent,
                PastRole::System => &system,
            };
            if message.from == PastRole::Agent && !agent_joined {
                agent_joined = true;
                items.push(Item::event(contact_id, &agent, PARTICIPANT_JOINED));
            }
            items.push(Item::message(
                contact_id,
                author,
                TEXT_PLAIN,
                &message.content,
            ));
        }
        items.push(Item::event(contact_id, &customer, PARTICIPANT_LEFT));
        items.push(Item::chat_event(contact_id, CHAT_ENDED));
        let started = clock::system_now_ms() - AGE_MS;
        let transcript = items
            .into_iter()
            .zip(0..)
            .map(|(item, step)| item.at(started + step * STEP_MS))
            .collect();
        ArchivedChat {
            instance_id: config.instance_id.clone(),
            transcript,
        }
    }
}
