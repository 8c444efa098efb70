//! Push notifications for mobile chats: `PUSH_APPLICATION_ARN`, the End User Messaging (Pinpoint)
//! application Connect sends them through. Unset, the push routes answer 404.

use super::env::{ConfigError, Env, problem};
use crate::chat::PolicySettings;
use crate::push::{PushPolicy, PushPolicyError, PushSettings, is_application_arn};

const VARIABLE: &str = "PUSH_APPLICATION_ARN";

impl<F: Fn(&str) -> Option<String>> Env<F> {
    /// The application's ARN, when push notifications are on; its form is checked now, before any
    /// network call.
    pub(super) fn push_application_arn(&self) -> Result<Option<String>, ConfigError> {
        let Some(arn) = self.get(VARIABLE) else {
            return Ok(None);
        };
        if !is_application_arn(&arn) {
            return Err(problem(
                VARIABLE,
                format!(
                    "'{arn}' is not an End User Messaging application ARN (arn:aws:mobiletargeting:<region>:<account>:apps/<id>)"
                ),
            ));
        }
        Ok(Some(arn))
    }
}

/// The push policy, from the chat policy's instances and secret: who may register is proven with the
/// chat's continuation token (a server secret signs it) or the signed customer token.
pub(super) fn push_policy(
    application_arn: String,
    chat: &PolicySettings,
    signed_customers: bool,
) -> Result<PushPolicy, ConfigError> {
    PushPolicy::new(PushSettings {
        application_arn,
        default_instance_id: chat.default_instance_id.clone(),
        allowed_instance_ids: chat.allowed_instance_ids.clone(),
        server_secret: chat.server_secret.clone(),
        continuation_token_lifetime: chat.continuation_token_lifetime,
        signed_customers,
    })
    .map_err(|error| match error {
        PushPolicyError::ApplicationArn => problem(VARIABLE, "is not an application ARN"),
        PushPolicyError::NoProof => problem(
            VARIABLE,
            "needs a server secret to sign continuation tokens (SECRET_ARN, or SERVER_SECRET locally), or signed customers: only a chat's own customer may register a device for it",
        ),
    })
}
