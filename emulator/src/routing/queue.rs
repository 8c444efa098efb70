//! Queues: what DescribeQueue answers.

use serde::{Deserialize, Serialize};

/// Whether a queue takes contacts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum QueueStatus {
    Enabled,
    Disabled,
}

impl QueueStatus {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            QueueStatus::Enabled => "ENABLED",
            QueueStatus::Disabled => "DISABLED",
        }
    }
}

/// A queue of an instance.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Queue {
    pub queue_id: String,
    /// The instance it belongs to; empty means the emulator's first instance.
    #[serde(default)]
    pub instance_id: String,
    /// 1 to 127 characters.
    pub name: String,
    pub status: QueueStatus,
    /// The hours of operation it follows (of the same instance).
    pub hours_of_operation_id: String,
    /// 1 to 250 characters when set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

impl Queue {
    pub(crate) fn check(&self) -> Result<(), String> {
        if self.queue_id.is_empty() || self.queue_id.len() > 100 || self.queue_id.contains('/') {
            return Err("queueId must be 1 to 100 characters, without '/'".to_owned());
        }
        if !(1..=127).contains(&self.name.chars().count()) {
            return Err("name must be 1 to 127 characters".to_owned());
        }
        if let Some(description) = &self.description
            && !(1..=250).contains(&description.chars().count())
        {
            return Err("description must be 1 to 250 characters".to_owned());
        }
        Ok(())
    }
}
