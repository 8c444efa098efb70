//! The simulated agent: joins once the customer is connected, acknowledges and answers each
//! customer message (receipts, typing, reply), and can end the chat. Scripted through
//! [`AgentConfig`] and the control API.

use std::fmt;
use std::sync::Arc;

use crate::chat::contact::Contact;
use crate::chat::item::{
    Author, CHAT_REHYDRATED, Item, PARTICIPANT_JOINED, Role, TEXT_PLAIN, TYPING,
};
use crate::chat::store::ChatStore;
use crate::config::AgentConfig;
use crate::ids;
use crate::state::AppState;

/// What the customer sent that the agent answers.
pub(crate) enum CustomerInput {
    Text(String),
    Attachment(String),
}

/// Why a scripted agent action could not happen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChatActionError {
    /// No chat has this contact id (or, without an id, no chat is active).
    UnknownContact(String),
    /// The chat has ended.
    ChatEnded(String),
}

impl fmt::Display for ChatActionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChatActionError::UnknownContact(id) if id.is_empty() => write!(f, "no active chat"),
            ChatActionError::UnknownContact(id) => write!(f, "no chat with contact id {id}"),
            ChatActionError::ChatEnded(id) => write!(f, "chat {id} has ended"),
        }
    }
}

impl std::error::Error for ChatActionError {}

/// Called on every `aws/chat` subscription of the customer; acts on the first one.
pub(crate) fn customer_subscribed(state: &Arc<AppState>, contact: &mut Contact) {
    if contact.customer_subscribed_once {
        return;
    }
    contact.customer_subscribed_once = true;
    if contact.continued_from.is_some() {
        // A persistent chat tells the client its past transcript is there to load.
        let item = Item::chat_event(&contact.contact_id, CHAT_REHYDRATED);
        contact.push(item);
    }
    let script = state.agent_script();
    if !script.enabled || contact.agent_progress.join_started {
        return;
    }
    contact.agent_progress.join_started = true;
    let task_state = Arc::clone(state);
    let contact_id = contact.contact_id.clone();
    state.tasks.spawn(async move {
        tokio::time::sleep(script.join_delay).await;
        let mut chats = task_state.chats();
        if let Some(contact) = chats
            .contact_mut(&contact_id)
            .filter(|c| c.is_active() && c.agent.is_none())
        {
            join(&task_state, contact, &task_state.agent_script());
        }
    });
}

/// Called after a customer message or attachment is in the transcript.
pub(crate) fn customer_input(
    state: &Arc<AppState>,
    contact: &mut Contact,
    message_id: &str,
    input: CustomerInput,
) {
    let script = state.agent_script();
    if !script.enabled || !contact.is_active() {
        return;
    }
    if contact.agent.is_none() {
        // A customer who writes before the agent joined (REST-only clients) gets one at once.
        join(state, contact, &script);
    }
    answer_later(state, contact, &script, message_id, input);
}

/// The customer's receipt for a message; the agent notes which of its messages were read.
pub(crate) fn customer_receipt(contact: &mut Contact, message_id: &str, read: bool) {
    let recipient = contact.customer.participant_id.clone();
    let author_role = contact.receipt(message_id, &recipient, read);
    if read && author_role == Some(Role::Agent) {
        contact
            .agent_progress
            .read_by_customer
            .insert(message_id.to_owned());
    }
}

/// The agent sends a message now (control API). Returns the item id.
pub(crate) fn say(
    state: &Arc<AppState>,
    contact_id: Option<&str>,
    content_type: &str,
    content: &str,
) -> Result<String, ChatActionError> {
    let mut chats = state.chats();
    let contact = active_contact(&mut chats, contact_id)?;
    let author = ensure_joined(state, contact);
    let contact_id = contact.contact_id.clone();
    Ok(contact
        .record(Item::message(&contact_id, &author, content_type, content))
        .id)
}

/// The agent sends a typing event now (control API).
pub(crate) fn typing(
    state: &Arc<AppState>,
    contact_id: Option<&str>,
) -> Result<(), ChatActionError> {
    let mut chats = state.chats();
    let contact = active_contact(&mut chats, contact_id)?;
    let author = ensure_joined(state, contact);
    let item = Item::event(&contact.contact_id, &author, TYPING);
    contact.push(item);
    Ok(())
}

/// The agent leaves and the chat ends (control API).
pub(crate) fn end_chat(
    state: &Arc<AppState>,
    contact_id: Option<&str>,
) -> Result<String, ChatActionError> {
    let mut chats = state.chats();
    let contact = active_contact(&mut chats, contact_id)?;
    contact.agent_leaves();
    contact.end();
    Ok(contact.contact_id.clone())
}

fn active_contact<'s>(
    chats: &'s mut ChatStore,
    contact_id: Option<&str>,
) -> Result<&'s mut Contact, ChatActionError> {
    let contact_id = match contact_id {
        Some(id) => id.to_owned(),
        None => chats
            .latest_active_contact_id()
            .ok_or_else(|| ChatActionError::UnknownContact(String::new()))?,
    };
    let contact = chats
        .contact_mut(&contact_id)
        .ok_or_else(|| ChatActionError::UnknownContact(contact_id.clone()))?;
    if contact.is_active() {
        Ok(contact)
    } else {
        Err(ChatActionError::ChatEnded(contact_id))
    }
}

fn ensure_joined(state: &Arc<AppState>, contact: &mut Contact) -> Author {
    if let Some(agent) = &contact.agent {
        return agent.clone();
    }
    join(state, contact, &state.agent_script())
}

/// The agent joins: `participant.joined` (AGENT), its welcome message, then an answer to the
/// InitialMessage if there was one.
fn join(state: &Arc<AppState>, contact: &mut Contact, script: &AgentConfig) -> Author {
    let agent = Author {
        participant_id: ids::random_uuid(),
        display_name: script.display_name.clone(),
        role: Role::Agent,
    };
    contact.agent = Some(agent.clone());
    contact.agent_progress.join_started = true;
    let contact_id = contact.contact_id.clone();
    contact.record(Item::event(&contact_id, &agent, PARTICIPANT_JOINED));
    if let Some(welcome) = script.welcome_message.as_deref().filter(|w| !w.is_empty()) {
        contact.record(Item::message(&contact_id, &agent, TEXT_PLAIN, welcome));
    }
    if let Some((message_id, text)) = contact.agent_progress.pending_initial_message.take()
        && script.enabled
    {
        answer_later(
            state,
            contact,
            script,
            &message_id,
            CustomerInput::Text(text),
        );
    }
    agent
}

/// Schedules receipts, typing and the reply (and possibly the end) for one customer input.
fn answer_later(
    state: &Arc<AppState>,
    contact: &mut Contact,
    script: &AgentConfig,
    message_id: &str,
    input: CustomerInput,
) {
    contact.agent_progress.customer_messages += 1;
    let count = contact.agent_progress.customer_messages;
    let reply = if script.replies.is_empty() {
        match input {
            CustomerInput::Text(text) => format!("You said: {text}"),
            CustomerInput::Attachment(name) => format!("Thanks, I received {name}."),
        }
    } else {
        let index = usize::try_from(count - 1).unwrap_or(0) % script.replies.len();
        script.replies[index].clone()
    };
    let plan = ReplyPlan {
        contact_id: contact.contact_id.clone(),
        message_id: message_id.to_owned(),
        reply,
        end_afterwards: script.end_after_messages == Some(count),
        script: script.clone(),
    };
    state.tasks.spawn(plan.run(Arc::clone(state)));
}

struct ReplyPlan {
    contact_id: String,
    message_id: String,
    reply: String,
    end_afterwards: bool,
    script: AgentConfig,
}

impl ReplyPlan {
    async fn run(self, state: Arc<AppState>) {
        let script = &self.script;
        if script.send_receipts {
            tokio::time::sleep(script.receipt_delay).await;
            if !self.act(&state, |contact, agent| {
                contact.receipt(&self.message_id, &agent.participant_id, false);
            }) {
                return;
            }
            tokio::time::sleep(script.receipt_delay).await;
            if !self.act(&state, |contact, agent| {
                contact.receipt(&self.message_id, &agent.participant_id, true);
            }) {
                return;
            }
        }
        if !self.act(&state, |contact, agent| {
            let item = Item::event(&contact.contact_id, agent, TYPING);
            contact.push(item);
        }) {
            return;
        }
        tokio::time::sleep(script.reply_delay).await;
        if !self.act(&state, |contact, agent| {
            let item = Item::message(&contact.contact_id, agent, TEXT_PLAIN, &self.reply);
            contact.record(item);
        }) {
            return;
        }
        if self.end_afterwards {
            tokio::time::sleep(script.reply_delay).await;
            self.act(&state, |contact, _| {
                contact.agent_leaves();
                contact.end();
            });
        }
    }

    /// Runs one step if the chat is still on and the agent still in it.
    fn act(&self, state: &AppState, step: impl FnOnce(&mut Contact, &Author)) -> bool {
        let mut chats = state.chats();
        let Some(contact) = chats.contact_mut(&self.contact_id) else {
            return false;
        };
        if !contact.is_active() || contact.agent_left {
            return false;
        }
        let Some(agent) = contact.agent.clone() else {
            return false;
        };
        step(contact, &agent);
        true
    }
}
