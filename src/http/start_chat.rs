//! `POST` on the chat route: the customer token, the body, the policy's command, availability's gate
//! (only with `REFUSE_START_WHEN`), one Connect call.

use super::availability::CheckAvailability;
use super::body::read_body;
use super::connect_call::ConnectCall;
use super::error::ApiError;
use super::message::HttpRequest;
use super::outcome::{Handled, Outcome};
use super::response::FeaturePermissions;
use crate::auth::CustomerTokenVerifier;
use crate::availability::AvailabilitySource;
use crate::chat::{ChatPolicy, ChatStarter};
use std::time::{Instant, SystemTime};

/// The operation, with what it needs: built once at cold start by [`super::ChatHandler::new`].
pub(super) struct StartChat<C> {
    pub policy: ChatPolicy,
    /// Present when customers are signed: then every start needs a valid token.
    pub customer_tokens: Option<CustomerTokenVerifier>,
    pub starter: C,
    /// Bodies above this many bytes are refused with 413 before they are read.
    pub max_body_bytes: usize,
    /// Reported to the widget as `featurePermissions.ATTACHMENTS`.
    pub attachments_enabled: bool,
}

impl<C: ChatStarter> StartChat<C> {
    pub(super) async fn handle<A: AvailabilitySource>(
        &self,
        request: &HttpRequest,
        availability: Option<&CheckAvailability<A>>,
    ) -> Handled {
        let now = SystemTime::now();
        // The token is checked before the body is read: an unsigned caller gets nothing parsed.
        let signed = match &self.customer_tokens {
            None => None,
            Some(verifier) => match verifier.verify(request.authorization(), now) {
                Ok(customer) => Some(customer),
                Err(error) => return ApiError::Unauthorized(error).into(),
            },
        };
        let body = match read_body(request, self.max_body_bytes) {
            Ok(body) => body,
            Err(error) => return error.into(),
        };
        let command = match self.policy.authorize(&body, signed.as_ref(), now) {
            Ok(command) => command,
            Err(rejection) => return ApiError::from(rejection).into(),
        };
        let mut gate = None;
        if let Some(availability) = availability {
            let checked = availability.gate(&command).await;
            if let Some(refusal) = checked.refusal {
                return Handled {
                    gate: checked.consulted,
                    ..Outcome::Refused(refusal).into()
                };
            }
            gate = checked.consulted;
        }
        let called = Instant::now();
        let result = self.starter.start_chat(&command).await;
        let connect_latency = Some(called.elapsed());
        let outcome = match result {
            Ok(chat) => Outcome::Started {
                continuation_token: self.policy.continuation_token(
                    command.instance_id(),
                    &chat.contact_id,
                    now,
                ),
                chat,
                features: FeaturePermissions {
                    messaging_markdown: command.supports_markdown(),
                    attachments: self.attachments_enabled,
                },
            },
            Err(failure) => Outcome::ConnectFailed(failure, ConnectCall::StartChatContact),
        };
        Handled {
            outcome,
            connect_latency,
            gate,
        }
    }
}
