//! How the simulated agent behaves, as configured and as the control API changes it.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// Behaviour of the simulated agent. Timings are short so tests run fast.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
pub struct AgentConfig {
    /// When false no agent ever joins or answers.
    pub enabled: bool,
    /// The agent's `DisplayName`.
    pub display_name: String,
    /// Delay between the customer's first subscribed WebSocket and the agent joining.
    #[serde(rename = "joinDelayMs", with = "duration_ms")]
    pub join_delay: Duration,
    /// A message the agent sends right after joining; `None` sends nothing.
    pub welcome_message: Option<String>,
    /// Canned replies used in turn (cycling); empty means echo: `You said: <text>`.
    pub replies: Vec<String>,
    /// Whether the agent sends delivered and read receipts for customer messages.
    pub send_receipts: bool,
    /// Delay before the delivered receipt, and again before the read receipt.
    #[serde(rename = "receiptDelayMs", with = "duration_ms")]
    pub receipt_delay: Duration,
    /// Time the agent "types" (after its typing event) before its reply arrives.
    #[serde(rename = "replyDelayMs", with = "duration_ms")]
    pub reply_delay: Duration,
    /// After replying to this many customer messages the agent ends the chat.
    pub end_after_messages: Option<u32>,
}

impl Default for AgentConfig {
    fn default() -> Self {
        AgentConfig {
            enabled: true,
            display_name: "Agent Alex".to_owned(),
            join_delay: Duration::from_millis(300),
            welcome_message: Some("Hi, I'm Alex. How can I help you today?".to_owned()),
            replies: Vec::new(),
            send_receipts: true,
            receipt_delay: Duration::from_millis(100),
            reply_delay: Duration::from_millis(300),
            end_after_messages: None,
        }
    }
}

impl AgentConfig {
    /// Applies a partial JSON object (the control API's agent script) on top of this config.
    pub fn patched(&self, patch: &serde_json::Value) -> Result<AgentConfig, String> {
        let serde_json::Value::Object(changes) = patch else {
            return Err("the agent script must be a JSON object".to_owned());
        };
        let mut merged = serde_json::to_value(self).map_err(|e| e.to_string())?;
        if let serde_json::Value::Object(fields) = &mut merged {
            for (key, value) in changes {
                fields.insert(key.clone(), value.clone());
            }
        }
        let mut config: AgentConfig =
            serde_json::from_value(merged).map_err(|e| format!("invalid agent script: {e}"))?;
        // 0 reads naturally as "never" in JSON.
        if config.end_after_messages == Some(0) {
            config.end_after_messages = None;
        }
        Ok(config)
    }
}

/// Durations as integer milliseconds in JSON.
mod duration_ms {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(
        value: &Duration,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.serialize_u64(u64::try_from(value.as_millis()).unwrap_or(u64::MAX))
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Duration, D::Error> {
        u64::deserialize(deserializer).map(Duration::from_millis)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agent_patch_merges_and_rejects_bad_fields() {
        let base = AgentConfig::default();
        let patched = base
            .patched(
                &serde_json::json!({"replies": ["Sure"], "endAfterMessages": 2, "joinDelayMs": 0}),
            )
            .unwrap();
        assert_eq!(patched.replies, vec!["Sure".to_owned()]);
        assert_eq!(patched.end_after_messages, Some(2));
        assert_eq!(patched.join_delay, Duration::ZERO);
        assert_eq!(patched.display_name, base.display_name);
        let cleared = patched
            .patched(&serde_json::json!({"endAfterMessages": 0}))
            .unwrap();
        assert_eq!(cleared.end_after_messages, None);
        assert!(base.patched(&serde_json::json!({"nope": 1})).is_err());
        assert!(base.patched(&serde_json::json!([1])).is_err());
    }
}
