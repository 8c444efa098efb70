//! The chat policy's variables: the instances and flows, the aliases, the key allow-lists, the content
//! types, the duration ceiling, contact links and customer ids. [`ChatPolicy::new`] checks what they mean;
//! its errors are reported under the variable that set them.
//!
//! [`ChatPolicy::new`]: crate::chat::ChatPolicy::new

use super::env::{ConfigError, Env, problem};
use crate::chat::{
    CHAT_DURATION_MINUTES_RANGE, ContentType, DEFAULT_CHAT_DURATION_MINUTES, PolicyError,
    PolicySettings, Setting,
};
use std::time::Duration;

const CONTINUATION_TOKEN_TTL_HOURS_DEFAULT: u64 = 168;
const CONTINUATION_TOKEN_TTL_HOURS_RANGE: std::ops::RangeInclusive<u64> = 1..=720;

/// The variable behind each setting the policy checks.
pub(super) fn policy_problem(error: PolicyError) -> ConfigError {
    problem(
        match error.setting {
            Setting::DefaultInstance => "INSTANCE_ID",
            Setting::AllowedInstances => "ALLOWED_INSTANCE_IDS",
            Setting::DefaultContactFlow => "CONTACT_FLOW_ID",
            Setting::AllowedContactFlows => "ALLOWED_CONTACT_FLOW_IDS",
            Setting::ContactFlowAliases => "CONTACT_FLOW_ALIASES",
            Setting::AttributeKeys => "ALLOWED_ATTRIBUTE_KEYS",
            Setting::SegmentAttributeKeys => "ALLOWED_SEGMENT_ATTRIBUTE_KEYS",
            Setting::ContentTypes => "SUPPORTED_MESSAGING_CONTENT_TYPES",
            Setting::ChatDuration => "CHAT_DURATION_MINUTES",
        },
        error.problem,
    )
}

impl<F: Fn(&str) -> Option<String>> Env<F> {
    /// The policy's settings as written; [`ChatPolicy::new`] checks what they mean.
    ///
    /// [`ChatPolicy::new`]: crate::chat::ChatPolicy::new
    pub(super) fn policy_settings(&self) -> Result<PolicySettings, ConfigError> {
        let mut settings = PolicySettings::new(
            &self.required("INSTANCE_ID")?,
            &self.required("CONTACT_FLOW_ID")?,
        );
        settings.allowed_instance_ids = self.list("ALLOWED_INSTANCE_IDS")?;
        settings.allowed_contact_flow_ids = self.list("ALLOWED_CONTACT_FLOW_IDS")?;
        settings.contact_flow_aliases = self.aliases()?;
        let attribute_keys = self.list("ALLOWED_ATTRIBUTE_KEYS")?;
        settings.allowed_attribute_keys = (!attribute_keys.is_empty()).then_some(attribute_keys);
        if self.get("ALLOWED_SEGMENT_ATTRIBUTE_KEYS").is_some() {
            settings.allowed_segment_attribute_keys =
                self.list("ALLOWED_SEGMENT_ATTRIBUTE_KEYS")?;
        }
        if let Some(types) = self.content_types()? {
            settings.default_content_types = types;
        }
        settings.max_chat_duration_minutes = self.chat_duration()?;
        settings.allow_persistent_chat = self.boolean("ALLOW_PERSISTENT_CHAT", false)?;
        settings.allow_customer_id = self.boolean("ALLOW_CUSTOMER_ID", false)?;
        settings.allow_incremental_responses =
            self.boolean("ALLOW_INCREMENTAL_RESPONSES", false)?;
        settings.continuation_token_lifetime = Duration::from_secs(
            3600 * self.number(
                "CONTINUATION_TOKEN_TTL_HOURS",
                CONTINUATION_TOKEN_TTL_HOURS_DEFAULT,
                CONTINUATION_TOKEN_TTL_HOURS_RANGE,
            )?,
        );
        Ok(settings)
    }

    /// `name=flowId,…`: the syntax only; [`ChatPolicy::new`] checks names and targets.
    ///
    /// [`ChatPolicy::new`]: crate::chat::ChatPolicy::new
    fn aliases(&self) -> Result<Vec<(String, String)>, ConfigError> {
        const VARIABLE: &str = "CONTACT_FLOW_ALIASES";
        self.list(VARIABLE)?
            .into_iter()
            .map(|item| match item.split_once('=') {
                Some((name, flow)) => Ok((name.trim().to_owned(), flow.trim().to_owned())),
                None => Err(problem(
                    VARIABLE,
                    format!("'{item}' is not of the form name=flowId"),
                )),
            })
            .collect()
    }

    fn content_types(&self) -> Result<Option<Vec<ContentType>>, ConfigError> {
        const VARIABLE: &str = "SUPPORTED_MESSAGING_CONTENT_TYPES";
        let items = self.list(VARIABLE)?;
        if items.is_empty() {
            return Ok(None);
        }
        let mut types = Vec::new();
        for item in items {
            let content_type = ContentType::parse(&item).ok_or_else(|| {
                problem(
                    VARIABLE,
                    format!("'{item}' is not a content type StartChatContact accepts"),
                )
            })?;
            types.push(content_type);
        }
        Ok(Some(types))
    }

    /// The ceiling, within the service's own range.
    fn chat_duration(&self) -> Result<i32, ConfigError> {
        let range = CHAT_DURATION_MINUTES_RANGE;
        let minutes = self.number(
            "CHAT_DURATION_MINUTES",
            DEFAULT_CHAT_DURATION_MINUTES as u64,
            *range.start() as u64..=*range.end() as u64,
        )?;
        // The range above fits an i32.
        Ok(i32::try_from(minutes).unwrap_or(DEFAULT_CHAT_DURATION_MINUTES))
    }
}
