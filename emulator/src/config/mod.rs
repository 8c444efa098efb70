//! Emulator configuration: credentials, instances and flows, the simulated agent, CORS.
//!
//! The same structs load from a JSON file (`--config`); every field is optional there and
//! falls back to [`EmulatorConfig::local`].

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::local;

mod agent;
mod quota;
mod routing;

pub use agent::AgentConfig;
pub use quota::QuotaConfig;

use crate::operation::Operation;
use crate::routing::hours::HoursOfOperation;
use crate::routing::presence::AgentPresence;
use crate::routing::queue::Queue;
use crate::routing::{RoutingError, RoutingStore};

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
    /// The AWS account in the ARNs the emulator writes (`QueueArn`, `Queue.Arn`).
    pub account_id: String,
    /// The rate quotas of the operations other than StartChatContact (whose quota is `quota`), by
    /// name (`GetCurrentMetricData`, ...); one left out keeps Connect's default.
    pub operation_quotas: BTreeMap<String, QuotaConfig>,
    /// Queues (DescribeQueue, GetCurrentMetricData).
    pub queues: Vec<Queue>,
    /// Hours of operation, overrides included (GetEffectiveHoursOfOperations).
    pub hours_of_operation: Vec<HoursOfOperation>,
    /// Agents and queue depth per queue and channel (GetCurrentMetricData).
    pub agent_presence: Vec<AgentPresence>,
    /// The End User Messaging (Pinpoint) applications CreatePushNotificationRegistration accepts.
    pub push_application_arns: Vec<String>,
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
            account_id: local::ACCOUNT_ID.to_owned(),
            operation_quotas: BTreeMap::new(),
            queues: routing::local_queues(),
            hours_of_operation: routing::local_hours(),
            agent_presence: routing::local_presence(),
            push_application_arns: vec![local::PUSH_APPLICATION_ARN.to_owned()],
        }
    }

    /// This configuration without any rate quota (StartChatContact's and every other operation's):
    /// for tests and benchmarks that call many times on purpose.
    pub fn without_quota(mut self) -> Self {
        self.quota = QuotaConfig::OFF;
        self.operation_quotas = Operation::ALL
            .into_iter()
            .filter(|op| *op != Operation::StartChatContact)
            .map(|op| (op.name().to_owned(), QuotaConfig::OFF))
            .collect();
        self
    }

    /// Every operation's configured quota: `quota` for StartChatContact, `operation_quotas` for the
    /// others.
    pub(crate) fn quotas(&self) -> Result<BTreeMap<Operation, QuotaConfig>, String> {
        let mut quotas = BTreeMap::from([(Operation::StartChatContact, self.quota.clone())]);
        for (name, quota) in &self.operation_quotas {
            let operation = Operation::from_name(name)
                .filter(|op| *op != Operation::StartChatContact)
                .ok_or_else(|| {
                    format!(
                        "operationQuotas: {name:?} is not one of {} (StartChatContact's is \"quota\")",
                        Operation::known_names()
                    )
                })?;
            quota
                .check()
                .map_err(|e| format!("operationQuotas: {name}: {e}"))?;
            quotas.insert(operation, quota.clone());
        }
        Ok(quotas)
    }

    /// Parses a JSON configuration; missing fields take the local defaults.
    pub fn from_json(text: &str) -> Result<Self, String> {
        let config: EmulatorConfig = serde_json::from_str(text)
            .map_err(|e| format!("invalid emulator configuration: {e}"))?;
        config
            .quota
            .check()
            .map_err(|e| format!("invalid emulator configuration: quota: {e}"))?;
        config
            .quotas()
            .map_err(|e| format!("invalid emulator configuration: {e}"))?;
        config
            .routing(0)
            .map_err(|e| format!("invalid emulator configuration: {e}"))?;
        Ok(config)
    }

    /// The queues, hours and presence configured, checked against each other and the instances.
    pub(crate) fn routing(&self, now_ms: i64) -> Result<RoutingStore, RoutingError> {
        RoutingStore::new(
            self.instances
                .iter()
                .map(|i| i.instance_id.clone())
                .collect(),
            &self.hours_of_operation,
            &self.queues,
            &self.agent_presence,
            now_ms,
        )
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
        assert_eq!(
            config.agent.reply_delay,
            std::time::Duration::from_millis(5)
        );
        assert_eq!(config.agent.display_name, "Agent Alex");
        assert!(EmulatorConfig::from_json(r#"{"regoin":"x"}"#).is_err());
    }

    #[test]
    fn the_contact_centre_is_checked_when_the_config_is_read() {
        let config = EmulatorConfig::from_json(
            r#"{"instances": [{"instanceId": "i-other", "contactFlowIds": ["f"]}]}"#,
        )
        .expect("the local queues follow the first instance");
        let routing = config.routing(0).expect("valid");
        assert!(
            routing
                .queue_in("i-other", local::DEFAULT_QUEUE_ID)
                .is_some()
        );
        let orphan = r#"{"queues": [{"queueId": "q", "name": "Q", "status": "ENABLED",
            "hoursOfOperationId": "missing"}]}"#;
        let error = EmulatorConfig::from_json(orphan).expect_err("no such hours");
        assert!(error.contains("missing"), "{error}");
        let error = EmulatorConfig::from_json(r#"{"operationQuotas": {"StartChat": {}}}"#)
            .expect_err("no such operation");
        assert!(error.contains("StartChat"), "{error}");
        let off = EmulatorConfig::local()
            .without_quota()
            .quotas()
            .expect("valid");
        assert!(off.values().all(|quota| !quota.enabled));
        assert_eq!(off.len(), Operation::ALL.len());
    }
}
