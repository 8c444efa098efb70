//! Agent presence and queue depth per queue and channel: what GetCurrentMetricData reports.

use serde::{Deserialize, Serialize};

/// A contact channel.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Channel {
    Voice,
    Chat,
    Task,
    Email,
}

impl Channel {
    pub const ALL: [Channel; 4] = [Channel::Voice, Channel::Chat, Channel::Task, Channel::Email];

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Channel::Voice => "VOICE",
            Channel::Chat => "CHAT",
            Channel::Task => "TASK",
            Channel::Email => "EMAIL",
        }
    }
}

fn chat() -> Channel {
    Channel::Chat
}

/// The live numbers of one queue on one channel. Agents available are among those staffed, who are
/// among those online.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AgentPresence {
    pub queue_id: String,
    #[serde(default = "chat")]
    pub channel: Channel,
    #[serde(default)]
    pub agents_online: u32,
    #[serde(default)]
    pub agents_available: u32,
    #[serde(default)]
    pub agents_staffed: u32,
    #[serde(default)]
    pub contacts_in_queue: u32,
    #[serde(default)]
    pub oldest_contact_age_seconds: u32,
    /// `None`: Connect cannot estimate it (its metric then carries no value).
    #[serde(default)]
    pub estimated_wait_seconds: Option<u32>,
}

impl AgentPresence {
    /// Nobody and nothing on this queue and channel.
    pub fn empty(queue_id: &str, channel: Channel) -> Self {
        AgentPresence {
            queue_id: queue_id.to_owned(),
            channel,
            agents_online: 0,
            agents_available: 0,
            agents_staffed: 0,
            contacts_in_queue: 0,
            oldest_contact_age_seconds: 0,
            estimated_wait_seconds: None,
        }
    }

    /// Staffed agents, all online, `available` of them free, an empty queue and no wait.
    pub fn staffed(queue_id: &str, channel: Channel, staffed: u32, available: u32) -> Self {
        AgentPresence {
            agents_online: staffed,
            agents_staffed: staffed,
            agents_available: available.min(staffed),
            estimated_wait_seconds: Some(0),
            ..AgentPresence::empty(queue_id, channel)
        }
    }

    pub(crate) fn check(&self) -> Result<(), String> {
        if self.agents_available > self.agents_staffed || self.agents_staffed > self.agents_online {
            return Err(format!(
                "agents must be available <= staffed <= online (got {} <= {} <= {})",
                self.agents_available, self.agents_staffed, self.agents_online
            ));
        }
        Ok(())
    }

    /// Whether Connect would have data for it: anyone online or anything queued. A queue without
    /// data is left out of GetCurrentMetricData's results, as Connect leaves it out.
    pub(crate) fn has_data(&self) -> bool {
        self.agents_online > 0 || self.contacts_in_queue > 0
    }
}
