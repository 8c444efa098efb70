//! The server's policy: which instances and flows a browser may name, which keys it may set, how long a
//! chat may last, and the defaults for what it leaves out. Built once at cold start from
//! [`PolicySettings`] (`settings.rs`); its invariants hold because [`ChatPolicy::new`] checks them and
//! nothing mutates it. [`ChatPolicy::authorize`] is a list of named steps: what the request may reach
//! (`reach.rs`, 403s), then the policy's field rules (`rules.rs`, 400s), then the command.

mod reach;
mod rules;
mod settings;

pub use settings::{
    DEFAULT_CHAT_DURATION_MINUTES, DEFAULT_SEGMENT_ATTRIBUTE_KEYS, PolicyError, PolicySettings,
    Setting,
};

use super::Secret;
use super::command::{ContentType, StartChatCommand};
use super::continuation::ContinuationTokens;
use super::field::FieldErrors;
use super::idempotency::ClientTokens;
use super::rejection::Rejection;
use super::request::{ChatRequest, DisplayName, parse_request};
use super::signed::VerifiedCustomer;
use reach::{ContactLinks, Target};
use std::collections::{HashMap, HashSet};
use std::time::SystemTime;

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
    allow_incremental_responses: bool,
    client_tokens: ClientTokens,
    /// Present when a server secret is configured.
    continuations: Option<ContinuationTokens>,
}

impl ChatPolicy {
    pub fn default_instance_id(&self) -> &str {
        &self.default_instance_id
    }

    pub fn allows_persistent_chat(&self) -> bool {
        self.allow_persistent_chat
    }

    /// Turns a request body into a command, or says why it cannot be one. Field errors of the wire
    /// format come first (400); then the allow-lists and contact links (403); then the policy's own
    /// field rules (400), every one listed. `signed` is the customer a verified token vouches for, when
    /// customers are signed: its claims override the body.
    pub fn authorize(
        &self,
        body: &[u8],
        signed: Option<&VerifiedCustomer>,
        now: SystemTime,
    ) -> Result<StartChatCommand, Rejection> {
        let name = match signed.and_then(|customer| customer.0.display_name.as_ref()) {
            Some(_) => DisplayName::Optional,
            None => DisplayName::Required,
        };
        let mut request = parse_request(body, name)?;

        let target = self.resolve_target(&request)?;
        let links = self.contact_links(&request, signed, &target.instance_id, now)?;

        let mut errors = FieldErrors::default();
        self.check_allowed_keys(&request, &mut errors);
        let customer_id = self.customer_id(&request, signed, &mut errors);
        let content_types = self.content_types(&request, &mut errors);
        self.check_response_mode(&request, &mut errors);
        if let Some(customer) = signed {
            rules::merge_signed_claims(&mut request, customer);
        }
        rules::check_attribute_budget(&request, &mut errors);
        rules::check_guide_content_types(&request, &content_types, &mut errors);
        let Some(display_name) = request.display_name.take() else {
            errors.add("ParticipantDetails.DisplayName", "is required");
            return Err(Rejection::Invalid(errors.into_vec()));
        };
        if !errors.is_empty() {
            return Err(Rejection::Invalid(errors.into_vec()));
        }

        Ok(self.build_command(
            request,
            target,
            links,
            Checked {
                display_name,
                customer_id,
                content_types,
            },
        ))
    }

    /// The command, and Connect's idempotency token derived from the browser's and the command.
    fn build_command(
        &self,
        request: ChatRequest,
        target: Target,
        links: ContactLinks,
        checked: Checked,
    ) -> StartChatCommand {
        let mut command = StartChatCommand {
            instance_id: target.instance_id,
            contact_flow_id: target.contact_flow_id,
            display_name: checked.display_name,
            attributes: request.attributes,
            initial_message: request.initial_message,
            supported_messaging_content_types: checked.content_types,
            // A ceiling, not a default: a browser may ask for less, never more.
            chat_duration_minutes: request
                .chat_duration_minutes
                .map_or(self.max_chat_duration_minutes, |asked| {
                    asked.min(self.max_chat_duration_minutes)
                }),
            persistent_chat: links.persistent_chat,
            related_contact_id: links.related_contact_id,
            customer_id: checked.customer_id,
            client_token: None,
            segment_attributes: request.segment_attributes,
            disconnect_agent_on_customer_exit: request.disconnect_agent_on_customer_exit,
            connection_types: request.connection_types,
            response_mode: request.response_mode,
        };
        command.client_token = request
            .client_token
            .map(|browser_token| self.client_tokens.derive(&browser_token, &command));
        command
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

/// What the policy's field rules settled, beside the request itself.
struct Checked {
    display_name: String,
    customer_id: Option<String>,
    content_types: Vec<ContentType>,
}
