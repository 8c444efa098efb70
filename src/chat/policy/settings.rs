//! What the policy is made of ([`PolicySettings`]) and the checks [`ChatPolicy::new`] makes before a
//! policy exists: a bad setting is refused at cold start, naming the [`Setting`].

use super::ChatPolicy;
use crate::chat::command::ContentType;
use crate::chat::continuation::{ContinuationTokens, DEFAULT_TOKEN_LIFETIME};
use crate::chat::idempotency::ClientTokens;
use crate::chat::limits::{CHAT_DURATION_MINUTES_RANGE, SEGMENT_ATTRIBUTE_KEY_MAX};
use crate::chat::names::{KEY_CHARS, is_key, is_uuid};
use crate::chat::server_secret::ServerSecret;
use std::collections::{HashMap, HashSet};
use std::time::Duration;

/// Connect's own default duration (25 hours): the ceiling when none is configured.
pub const DEFAULT_CHAT_DURATION_MINUTES: i32 = 1500;
/// The segment attribute a widget legitimately sets; every other `connect:` key is a fact flows trust.
pub const DEFAULT_SEGMENT_ATTRIBUTE_KEYS: [&str; 1] = ["connect:Subtype"];
const ALIAS_LENGTH_MAX: usize = 64;

/// What the policy is made of, before it is checked.
#[derive(Debug, Clone)]
pub struct PolicySettings {
    pub default_instance_id: String,
    /// Further instances a browser may name.
    pub allowed_instance_ids: Vec<String>,
    pub default_contact_flow_id: String,
    /// Further flows a browser may name.
    pub allowed_contact_flow_ids: Vec<String>,
    /// `(alias, flow id)`: names a browser may send instead of a flow id.
    pub contact_flow_aliases: Vec<(String, String)>,
    /// `None`: any valid key.
    pub allowed_attribute_keys: Option<Vec<String>>,
    pub allowed_segment_attribute_keys: Vec<String>,
    /// Used when the request has no `SupportedMessagingContentTypes`.
    pub default_content_types: Vec<ContentType>,
    /// The ceiling, and the duration of chats whose request names none.
    pub max_chat_duration_minutes: i32,
    /// `PersistentChat` and `RelatedContactId`: both make Connect reach into another contact.
    pub allow_persistent_chat: bool,
    /// A browser's `CustomerId` is an unverified claim (Customer Profiles shows that customer's profile
    /// to the agent); `false`, the default, refuses it.
    pub allow_customer_id: bool,
    /// `ParticipantConfiguration.ResponseMode` `INCREMENTAL`: AI agents' replies streamed, which the
    /// chat client must be able to render; `COMPLETE` is always accepted.
    pub allow_incremental_responses: bool,
    /// Keys the tokens this service derives and signs; without it idempotency tokens are unkeyed and
    /// no continuation tokens are issued.
    pub server_secret: Option<ServerSecret>,
    pub continuation_token_lifetime: Duration,
}

impl PolicySettings {
    /// Only the given defaults allowed, every other setting at its strict default.
    pub fn new(default_instance_id: &str, default_contact_flow_id: &str) -> Self {
        Self {
            default_instance_id: default_instance_id.to_owned(),
            allowed_instance_ids: Vec::new(),
            default_contact_flow_id: default_contact_flow_id.to_owned(),
            allowed_contact_flow_ids: Vec::new(),
            contact_flow_aliases: Vec::new(),
            allowed_attribute_keys: None,
            allowed_segment_attribute_keys: DEFAULT_SEGMENT_ATTRIBUTE_KEYS
                .map(str::to_owned)
                .to_vec(),
            default_content_types: vec![ContentType::Plain],
            max_chat_duration_minutes: DEFAULT_CHAT_DURATION_MINUTES,
            allow_persistent_chat: false,
            allow_customer_id: false,
            allow_incremental_responses: false,
            server_secret: None,
            continuation_token_lifetime: DEFAULT_TOKEN_LIFETIME,
        }
    }
}

/// The setting a [`PolicyError`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Setting {
    DefaultInstance,
    AllowedInstances,
    DefaultContactFlow,
    AllowedContactFlows,
    ContactFlowAliases,
    AttributeKeys,
    SegmentAttributeKeys,
    ContentTypes,
    ChatDuration,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyError {
    pub setting: Setting,
    pub problem: String,
}

fn invalid(setting: Setting, problem: impl Into<String>) -> PolicyError {
    PolicyError {
        setting,
        problem: problem.into(),
    }
}

impl ChatPolicy {
    pub fn new(settings: PolicySettings) -> Result<Self, PolicyError> {
        let uuid = |setting, id: &str| {
            if is_uuid(id) {
                Ok(())
            } else {
                Err(invalid(
                    setting,
                    format!(
                        "'{id}' is not a lowercase UUID such as 3f0a7c1e-8b5d-4e2a-9c6f-1d2e3f4a5b6c (copy it from the ARN)"
                    ),
                ))
            }
        };
        uuid(Setting::DefaultInstance, &settings.default_instance_id)?;
        uuid(
            Setting::DefaultContactFlow,
            &settings.default_contact_flow_id,
        )?;
        for id in &settings.allowed_instance_ids {
            uuid(Setting::AllowedInstances, id)?;
        }
        for id in &settings.allowed_contact_flow_ids {
            uuid(Setting::AllowedContactFlows, id)?;
        }
        let mut allowed_instance_ids: HashSet<String> =
            settings.allowed_instance_ids.into_iter().collect();
        allowed_instance_ids.insert(settings.default_instance_id.clone());
        let mut allowed_contact_flow_ids: HashSet<String> =
            settings.allowed_contact_flow_ids.into_iter().collect();
        allowed_contact_flow_ids.insert(settings.default_contact_flow_id.clone());

        let mut contact_flow_aliases = HashMap::new();
        for (name, flow) in settings.contact_flow_aliases {
            let aliases = Setting::ContactFlowAliases;
            if !is_key(&name) || name.len() > ALIAS_LENGTH_MAX {
                return Err(invalid(
                    aliases,
                    format!("alias '{name}' must be 1 to {ALIAS_LENGTH_MAX} {KEY_CHARS}"),
                ));
            }
            if !allowed_contact_flow_ids.contains(&flow) {
                return Err(invalid(
                    aliases,
                    format!(
                        "alias '{name}' targets '{flow}', which is neither the default flow nor an allowed one (the role may start only those)"
                    ),
                ));
            }
            if contact_flow_aliases.insert(name.clone(), flow).is_some() {
                return Err(invalid(aliases, format!("alias '{name}' is defined twice")));
            }
        }

        if let Some(keys) = &settings.allowed_attribute_keys
            && let Some(bad) = keys.iter().find(|key| !is_key(key))
        {
            return Err(invalid(
                Setting::AttributeKeys,
                format!("'{bad}' is not a valid attribute key ({KEY_CHARS})"),
            ));
        }
        if let Some(bad) = settings
            .allowed_segment_attribute_keys
            .iter()
            .find(|key| key.is_empty() || key.chars().count() > SEGMENT_ATTRIBUTE_KEY_MAX)
        {
            return Err(invalid(
                Setting::SegmentAttributeKeys,
                format!("'{bad}' is not 1 to {SEGMENT_ATTRIBUTE_KEY_MAX} characters long"),
            ));
        }
        if !settings.default_content_types.contains(&ContentType::Plain) {
            return Err(invalid(Setting::ContentTypes, "must include text/plain"));
        }
        let duration_range = CHAT_DURATION_MINUTES_RANGE;
        if !duration_range.contains(&settings.max_chat_duration_minutes) {
            return Err(invalid(
                Setting::ChatDuration,
                format!(
                    "must be from {} to {} minutes",
                    duration_range.start(),
                    duration_range.end()
                ),
            ));
        }
        let mut default_content_types = Vec::new();
        for content_type in settings.default_content_types {
            if !default_content_types.contains(&content_type) {
                default_content_types.push(content_type);
            }
        }

        Ok(Self {
            default_instance_id: settings.default_instance_id,
            allowed_instance_ids,
            default_contact_flow_id: settings.default_contact_flow_id,
            allowed_contact_flow_ids,
            contact_flow_aliases,
            allowed_attribute_keys: settings
                .allowed_attribute_keys
                .map(|keys| keys.into_iter().collect()),
            allowed_segment_attribute_keys: settings
                .allowed_segment_attribute_keys
                .into_iter()
                .collect(),
            default_content_types,
            max_chat_duration_minutes: settings.max_chat_duration_minutes,
            allow_persistent_chat: settings.allow_persistent_chat,
            allow_customer_id: settings.allow_customer_id,
            allow_incremental_responses: settings.allow_incremental_responses,
            client_tokens: ClientTokens::new(settings.server_secret.as_ref()),
            continuations: settings.server_secret.as_ref().map(|secret| {
                ContinuationTokens::new(secret, settings.continuation_token_lifetime)
            }),
        })
    }
}
