//! The server's policy: which instances and flows a browser may name, which keys it may set, how long a
//! chat may last, and the defaults for what it leaves out. Built once at cold start from
//! [`PolicySettings`]; its invariants hold because [`ChatPolicy::new`] checks them and nothing mutates it.

use super::Secret;
use super::command::{ContentType, PersistentChat, SegmentValue, StartChatCommand};
use super::continuation::{ContinuationTokens, DEFAULT_TOKEN_LIFETIME};
use super::field::{FieldError, member_path};
use super::idempotency::ClientTokens;
use super::limits::{
    ATTRIBUTES_TOTAL_BYTES_MAX, CHAT_DURATION_MINUTES_MAX, CHAT_DURATION_MINUTES_MIN,
    SEGMENT_ATTRIBUTE_KEY_MAX,
};
use super::names::{KEY_CHARS, is_key, is_uuid};
use super::parse::{ChatRequest, DisplayName, LinkRefusal, Rejection, parse_request};
use super::server_secret::ServerSecret;
use super::signed::SignedCustomer;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::{Duration, SystemTime};

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
    /// A browser's `CustomerId` is an unverified claim; `false` refuses it.
    pub allow_customer_id: bool,
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
            allow_customer_id: true,
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

#[derive(Debug, Clone)]
pub struct ChatPolicy {
    default_instance_id: String,
    /// Contains the default instance.
    allowed_instance_ids: HashSet<String>,
    default_contact_flow_id: String,
    /// Contains the default flow and every alias target.
    allowed_contact_flow_ids: HashSet<String>,
    contact_flow_aliases: HashMap<String, String>,
    allowed_attribute_keys: Option<HashSet<String>>,
    allowed_segment_attribute_keys: HashSet<String>,
    /// Never empty; contains `text/plain`.
    default_content_types: Vec<ContentType>,
    /// Within the service's range.
    max_chat_duration_minutes: i32,
    allow_persistent_chat: bool,
    allow_customer_id: bool,
    client_tokens: ClientTokens,
    /// Present when a server secret is configured.
    continuations: Option<ContinuationTokens>,
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
        let duration_range = CHAT_DURATION_MINUTES_MIN..=CHAT_DURATION_MINUTES_MAX;
        if !duration_range.contains(&i64::from(settings.max_chat_duration_minutes)) {
            return Err(invalid(
                Setting::ChatDuration,
                format!(
                    "must be from {CHAT_DURATION_MINUTES_MIN} to {CHAT_DURATION_MINUTES_MAX} minutes"
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
            client_tokens: ClientTokens::new(settings.server_secret.as_ref()),
            continuations: settings.server_secret.as_ref().map(|secret| {
                ContinuationTokens::new(secret, settings.continuation_token_lifetime)
            }),
        })
    }

    pub fn default_instance_id(&self) -> &str {
        &self.default_instance_id
    }

    pub fn allows_persistent_chat(&self) -> bool {
        self.allow_persistent_chat
    }

    /// Turns a request body into a command, or says why it cannot be one. Field errors of the wire
    /// format come first (400); then the allow-lists and contact links (403); then the policy's own
    /// field rules (400). `signed` is the customer a verified token vouches for, when customers are
    /// signed: its claims override the body.
    pub fn authorize(
        &self,
        body: &[u8],
        signed: Option<&SignedCustomer>,
        now: SystemTime,
    ) -> Result<StartChatCommand, Rejection> {
        let name = match signed.and_then(|customer| customer.0.display_name.as_ref()) {
            Some(_) => DisplayName::Optional,
            None => DisplayName::Required,
        };
        let request = parse_request(body, name)?;

        let instance_id = match &request.instance_id {
            None => self.default_instance_id.clone(),
            Some(id) if self.allowed_instance_ids.contains(id) => id.clone(),
            Some(_) => return Err(Rejection::InstanceNotAllowed),
        };
        let contact_flow_id = match &request.contact_flow_id {
            None => self.default_contact_flow_id.clone(),
            Some(name) => match self.contact_flow_aliases.get(name) {
                Some(id) => id.clone(),
                None if self.allowed_contact_flow_ids.contains(name) => name.clone(),
                None => return Err(Rejection::ContactFlowNotAllowed),
            },
        };
        let (persistent_chat, related_contact_id) =
            self.contact_links(&request, signed, &instance_id, now)?;

        let mut errors = Vec::new();
        if let Some(allowed) = &self.allowed_attribute_keys {
            for key in request
                .attributes
                .keys()
                .filter(|key| !allowed.contains(*key))
            {
                errors.push(FieldError::new(
                    member_path("Attributes", key),
                    "is not an allowed attribute key",
                ));
            }
        }
        for key in request
            .segment_attributes
            .keys()
            .filter(|key| !self.allowed_segment_attribute_keys.contains(*key))
        {
            errors.push(FieldError::new(
                member_path("SegmentAttributes", key),
                "is not a segment attribute this service accepts from browsers",
            ));
        }
        let customer_id = self.customer_id(&request, signed, &mut errors);
        let content_types = request
            .supported_messaging_content_types
            .clone()
            .unwrap_or_else(|| self.default_content_types.clone());
        if let Some(message) = &request.initial_message
            && !content_types.contains(&message.content_type)
        {
            errors.push(FieldError::new(
                "InitialMessage.ContentType",
                "must be one of the chat's SupportedMessagingContentTypes",
            ));
        }

        // Signed claims override the browser's values for the same keys.
        let mut attributes = request.attributes;
        let mut segment_attributes = request.segment_attributes;
        let mut display_name = request.display_name;
        if let Some(SignedCustomer(claimed)) = signed {
            attributes.extend(claimed.attributes.clone());
            segment_attributes.extend(claimed.segment_attributes.clone());
            if claimed.display_name.is_some() {
                display_name.clone_from(&claimed.display_name);
            }
        }
        let attribute_bytes: usize = attributes.iter().map(|(k, v)| k.len() + v.len()).sum();
        if attribute_bytes > ATTRIBUTES_TOTAL_BYTES_MAX {
            errors.push(FieldError::new(
                "Attributes",
                format!(
                    "keys and values, with the signed ones, must be at most {ATTRIBUTES_TOTAL_BYTES_MAX} bytes of UTF-8 (they have {attribute_bytes})"
                ),
            ));
        }
        if is_guide(&segment_attributes)
            && !(content_types.contains(&ContentType::Interactive)
                && content_types.contains(&ContentType::InteractiveResponse))
        {
            errors.push(FieldError::new(
                "SupportedMessagingContentTypes",
                "must include both interactive content types when connect:Subtype is connect:Guide",
            ));
        }
        let Some(display_name) = display_name else {
            errors.push(FieldError::new(
                "ParticipantDetails.DisplayName",
                "is required",
            ));
            return Err(Rejection::Invalid(errors));
        };
        if !errors.is_empty() {
            return Err(Rejection::Invalid(errors));
        }

        let mut command = StartChatCommand {
            instance_id,
            contact_flow_id,
            display_name,
            attributes,
            initial_message: request.initial_message,
            supported_messaging_content_types: content_types,
            // A ceiling, not a default: a browser may ask for less, never more.
            chat_duration_minutes: request
                .chat_duration_minutes
                .map_or(self.max_chat_duration_minutes, |asked| {
                    asked.min(self.max_chat_duration_minutes)
                }),
            persistent_chat,
            related_contact_id,
            customer_id,
            client_token: None,
            segment_attributes,
            disconnect_agent_on_customer_exit: request.disconnect_agent_on_customer_exit,
            connection_types: request.connection_types,
        };
        command.client_token = request
            .client_token
            .map(|browser_token| self.client_tokens.derive(&browser_token, &command));
        Ok(command)
    }

    /// The contact to continue or link, if any, and whether the caller may name it: from the signed
    /// token when customers are signed; otherwise from the body, proven by a continuation token.
    fn contact_links(
        &self,
        request: &ChatRequest,
        signed: Option<&SignedCustomer>,
        instance_id: &str,
        now: SystemTime,
    ) -> Result<(Option<PersistentChat>, Option<String>), Rejection> {
        let (persistent_chat, related_contact_id) = match signed {
            Some(SignedCustomer(claimed)) => {
                if request.persistent_chat.is_some() {
                    return Err(Rejection::PersistentChatNotAllowed(LinkRefusal::SignedOnly));
                }
                if request.related_contact_id.is_some() {
                    return Err(Rejection::RelatedContactNotAllowed(LinkRefusal::SignedOnly));
                }
                (
                    claimed.persistent_chat.clone(),
                    claimed.related_contact_id.clone(),
                )
            }
            None => (
                request.persistent_chat.clone(),
                request.related_contact_id.clone(),
            ),
        };
        let linked = persistent_chat
            .as_ref()
            .map(|chat| chat.source_contact_id.as_str())
            .or(related_contact_id.as_deref());
        let Some(linked) = linked else {
            return Ok((persistent_chat, related_contact_id));
        };
        if !self.allow_persistent_chat {
            return Err(match persistent_chat {
                Some(_) => Rejection::PersistentChatNotAllowed(LinkRefusal::SwitchedOff),
                None => Rejection::RelatedContactNotAllowed(LinkRefusal::SwitchedOff),
            });
        }
        if signed.is_none() {
            let (Some(tokens), Some(token)) = (&self.continuations, &request.continuation_token)
            else {
                return Err(Rejection::ContinuationTokenRequired);
            };
            tokens
                .verify(token, instance_id, linked, now)
                .map_err(Rejection::ContinuationTokenInvalid)?;
        }
        Ok((persistent_chat, related_contact_id))
    }

    /// `CustomerId`: the signed `sub` when customers are signed (a browser value must agree with it);
    /// otherwise the browser's claim, unless the policy refuses unverified ids.
    fn customer_id(
        &self,
        request: &ChatRequest,
        signed: Option<&SignedCustomer>,
        errors: &mut Vec<FieldError>,
    ) -> Option<String> {
        match (signed, &request.customer_id) {
            (Some(SignedCustomer(facts)), Some(claimed))
                if facts.customer_id.as_ref() != Some(claimed) =>
            {
                errors.push(FieldError::new(
                    "CustomerId",
                    "must be the signed token's sub, or left out",
                ));
                None
            }
            (Some(SignedCustomer(facts)), _) => facts.customer_id.clone(),
            (None, Some(_)) if !self.allow_customer_id => {
                errors.push(FieldError::new(
                    "CustomerId",
                    "is not accepted from browsers by this service (it would be an unverified claim)",
                ));
                None
            }
            (None, claimed) => claimed.clone(),
        }
    }

    /// A continuation token for a chat this policy's command started, when a server secret is set.
    pub fn continuation_token(
        &self,
        instance_id: &str,
        contact_id: &str,
        now: SystemTime,
    ) -> Option<Secret> {
        self.continuations
            .as_ref()
            .map(|tokens| tokens.issue(instance_id, contact_id, now))
    }
}

fn is_guide(segment_attributes: &BTreeMap<String, SegmentValue>) -> bool {
    matches!(
        segment_attributes.get("connect:Subtype"),
        Some(SegmentValue::String(subtype)) if subtype == "connect:Guide"
    )
}
