//! Emulator configuration: credentials, instances and flows, the simulated agent, CORS.
//!
//! The same structs load from a JSON file (`--config`); every field is optional there and
//! falls back to [`EmulatorConfig::local`].

use std::time::Duration;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::local;

// The local setup lives in `crate::local`; these names stay for the code that already uses them.
/// Region of the local defaults ([`local::REGION`]).
pub const LOCAL_REGION: &str = local::REGION;
/// Access key id of the local defaults ([`local::ACCESS_KEY_ID`]).
pub const LOCAL_ACCESS_KEY_ID: &str = local::ACCESS_KEY_ID;
/// Secret access key of the local defaults ([`local::SECRET_ACCESS_KEY`], not an AWS secret).
pub const LOCAL_SECRET_ACCESS_KEY: &str = local::SECRET_ACCESS_KEY;
/// The instance of the local defaults ([`local::INSTANCE_ID`]).
pub const LOCAL_INSTANCE_ID: &str = local::INSTANCE_ID;
/// The default contact flow of the local instance ([`local::DEFAULT_FLOW_ID`]).
pub const LOCAL_DEFAULT_FLOW_ID: &str = local::DEFAULT_FLOW_ID;
/// The "sales" contact flow of the local instance ([`local::SALES_FLOW_ID`]).
pub const LOCAL_SALES_FLOW_ID: &str = local::SALES_FLOW_ID;
/// An ended chat of the local instance ([`local::PAST_CONTACT_ID`]).
pub const LOCAL_PAST_CONTACT_ID: &str = local::PAST_CONTACT_ID;

/// The SYSTEM message the sample flow sends (the text of the AWS sample flow).
pub const DEFAULT_FLOW_GREETING: &str = "Hello, thanks for contacting us. This is an example of what the Amazon Connect virtual contact center can enable you to do.";

/// Everything the emulator needs to know.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
pub struct EmulatorConfig {
    /// The only region the SigV4 credential scope may name.
    pub region: String,
    /// The only credentials the control plane accepts.
    pub credentials: EmulatorCredentials,
    /// Known instances and their flows; anything else is `ResourceNotFoundException`.
    pub instances: Vec<InstanceConfig>,
    /// How the simulated agent behaves (changeable at run time through the control API).
    pub agent: AgentConfig,
    /// Origins the participant service answers CORS for; `"*"` allows any origin.
    pub allowed_origins: Vec<String>,
    /// Port of the participant service (and its WebSocket); 0 picks a free one.
    pub participant_port: u16,
    /// The SYSTEM message the "flow" sends when a chat starts; empty sends none.
    pub flow_greeting: String,
    /// StartChatContact's request-rate quota (a token bucket; `ThrottlingException` when empty).
    pub quota: QuotaConfig,
    /// Quota of concurrently active chats (`LimitExceededException` beyond it); `None` = no quota.
    pub max_active_chats: Option<usize>,
    /// Secrets Manager secrets GetSecretValue serves: ARN -> `SecretString`. A secret is also found
    /// by its name (the part of the ARN after `secret:`).
    pub secrets: BTreeMap<String, String>,
    /// Chats that ended before the emulator started, usable as PersistentChat sources. They
    /// are not listed by `chats()`.
    pub past_chats: Vec<PastChatConfig>,
    /// Memory bound for long benchmark runs: beyond this many stored chats the oldest tenth
    /// (and their tokens and attachments) are forgotten.
    pub max_stored_chats: usize,
    /// Memory bound: beyond this many entries in `requests()` / `start_chat_calls()` the
    /// oldest tenth is dropped.
    pub max_records: usize,
}

/// StartChatContact's rate quota: a token bucket holding up to `burst` calls, refilled at
/// `rate_per_second`. Amazon Connect's default is 5 per second with a burst of 8, per account and
/// Region. Every StartChatContact call with a valid signature takes a token, idempotent replays
/// included; without one, the call is answered `ThrottlingException` (429).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
pub struct QuotaConfig {
    /// When false, no call is ever throttled.
    pub enabled: bool,
    /// Tokens added per second (may be fractional; 0 never refills).
    pub rate_per_second: f64,
    /// The bucket's size: how many calls may come at once after a quiet spell.
    pub burst: u32,
}

impl QuotaConfig {
    /// Amazon Connect's default StartChatContact quota: 5 per second, burst 8.
    pub const CONNECT_DEFAULT: QuotaConfig = QuotaConfig {
        enabled: true,
        rate_per_second: 5.0,
        burst: 8,
    };

    /// No rate quota: for tests and benchmarks that start many chats on purpose.
    pub const OFF: QuotaConfig = QuotaConfig {
        enabled: false,
        ..QuotaConfig::CONNECT_DEFAULT
    };

    /// Largest accepted rate and burst: beyond them the quota means nothing anyway.
    const MAX_RATE_PER_SECOND: f64 = 1_000_000.0;
    const MAX_BURST: u32 = 1_000_000;

    /// Why this quota cannot be used, if it cannot.
    pub fn check(&self) -> Result<(), String> {
        if !(self.rate_per_second.is_finite()
            && (0.0..=Self::MAX_RATE_PER_SECOND).contains(&self.rate_per_second))
        {
            return Err(format!(
                "ratePerSecond must be a number from 0 to {}",
                Self::MAX_RATE_PER_SECOND
            ));
        }
        if self.burst > Self::MAX_BURST {
            return Err(format!("burst must be at most {}", Self::MAX_BURST));
        }
        Ok(())
    }
}

impl Default for QuotaConfig {
    fn default() -> Self {
        QuotaConfig::CONNECT_DEFAULT
    }
}

/// The credentials the control plane verifies SigV4 signatures against.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EmulatorCredentials {
    pub access_key_id: String,
    pub secret_access_key: String,
    /// When set, requests must carry this `X-Amz-Security-Token`; when unset, none may.
    #[serde(default)]
    pub session_token: Option<String>,
}

/// One Connect instance and the flows it contains.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct InstanceConfig {
    pub instance_id: String,
    pub contact_flow_ids: Vec<String>,
}

/// An ended chat the emulator knows from the start.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PastChatConfig {
    pub contact_id: String,
    pub instance_id: String,
    pub customer_display_name: String,
    /// The conversation, in order; the agent joins before its first message.
    pub messages: Vec<PastMessage>,
}

/// One line of a past chat.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PastMessage {
    pub from: PastRole,
    pub content: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PastRole {
    Customer,
    Agent,
    System,
}

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

impl EmulatorConfig {
    /// The local setup ([`crate::local`]) with Connect's default quota: what `make local` runs.
    pub fn local() -> Self {
        EmulatorConfig {
            region: local::REGION.to_owned(),
            credentials: EmulatorCredentials {
                access_key_id: local::ACCESS_KEY_ID.to_owned(),
                secret_access_key: local::SECRET_ACCESS_KEY.to_owned(),
                session_token: None,
            },
            instances: vec![InstanceConfig {
                instance_id: local::INSTANCE_ID.to_owned(),
                contact_flow_ids: vec![
                    local::DEFAULT_FLOW_ID.to_owned(),
                    local::SALES_FLOW_ID.to_owned(),
                ],
            }],
            agent: AgentConfig::default(),
            allowed_origins: vec!["*".to_owned()],
            participant_port: 0,
            flow_greeting: DEFAULT_FLOW_GREETING.to_owned(),
            quota: QuotaConfig::CONNECT_DEFAULT,
            max_active_chats: None,
            secrets: BTreeMap::from([(local::SECRET_ARN.to_owned(), local::secret_string())]),
            past_chats: vec![PastChatConfig {
                contact_id: local::PAST_CONTACT_ID.to_owned(),
                instance_id: local::INSTANCE_ID.to_owned(),
                customer_display_name: "Ada Lovelace".to_owned(),
                messages: vec![
                    PastMessage {
                        from: PastRole::Customer,
                        content: "Hi, my order #1234 has not arrived yet.".to_owned(),
                    },
                    PastMessage {
                        from: PastRole::Agent,
                        content: "Sorry about that! It shipped yesterday and arrives on Friday."
                            .to_owned(),
                    },
                    PastMessage {
                        from: PastRole::Customer,
                        content: "Great, thanks!".to_owned(),
                    },
                ],
            }],
            max_stored_chats: 20_000,
            max_records: 100_000,
        }
    }

    /// This configuration without the rate quota: for tests and benchmarks that start many chats
    /// on purpose.
    pub fn without_quota(mut self) -> Self {
        self.quota = QuotaConfig::OFF;
        self
    }

    /// Parses a JSON configuration; missing fields take the local defaults.
    pub fn from_json(text: &str) -> Result<Self, String> {
        let config: EmulatorConfig = serde_json::from_str(text)
            .map_err(|e| format!("invalid emulator configuration: {e}"))?;
        config
            .quota
            .check()
            .map_err(|e| format!("invalid emulator configuration: quota: {e}"))?;
        Ok(config)
    }

    pub(crate) fn instance(&self, instance_id: &str) -> Option<&InstanceConfig> {
        self.instances.iter().find(|i| i.instance_id == instance_id)
    }
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        Self::local()
    }
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
    fn json_config_falls_back_to_local_defaults() {
        let config =
            EmulatorConfig::from_json(r#"{"region":"eu-west-2","agent":{"replyDelayMs":5}}"#)
                .unwrap();
        assert_eq!(config.region, "eu-west-2");
        assert_eq!(config.credentials.access_key_id, LOCAL_ACCESS_KEY_ID);
        assert_eq!(config.agent.reply_delay, Duration::from_millis(5));
        assert_eq!(config.agent.display_name, "Agent Alex");
        assert!(EmulatorConfig::from_json(r#"{"regoin":"x"}"#).is_err());
    }

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
