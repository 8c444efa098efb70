//! `POST …/push-registrations` and `DELETE …/push-registrations/{RegistrationId}`: the customer token
//! (signed customers), the body, the push policy's command, one Connect call. The same order of checks
//! as the start, so every refusal comes before Amazon Connect is called.

use super::body::read_body;
use super::connect_call::ConnectCall;
use super::error::ApiError;
use super::message::HttpRequest;
use super::outcome::{Handled, Outcome};
use crate::auth::CustomerTokenVerifier;
use crate::push::{ContactVoucher, PushPolicy, PushRegistrations};
use percent_encoding::percent_decode_str;
use std::time::{Instant, SystemTime};

/// The operations, with what they need: built once at cold start, when `PUSH_APPLICATION_ARN` is set.
pub(super) struct PushOperations<P> {
    pub policy: PushPolicy,
    /// Present when customers are signed: then the token's `contactId` claim is the only proof.
    pub customer_tokens: Option<CustomerTokenVerifier>,
    pub registrations: P,
    pub max_body_bytes: usize,
}

/// The parts of a request every push operation checks first: the token, then the body.
struct Checked<'r> {
    voucher: Option<ContactVoucher>,
    body: std::borrow::Cow<'r, [u8]>,
    now: SystemTime,
}

impl<P: PushRegistrations> PushOperations<P> {
    fn check<'r>(&self, request: &'r HttpRequest) -> Result<Checked<'r>, ApiError> {
        let now = SystemTime::now();
        let voucher = match &self.customer_tokens {
            None => None,
            Some(verifier) => Some(
                verifier
                    .verify_contact(request.authorization(), now)
                    .map_err(ApiError::Unauthorized)?,
            ),
        };
        let body = read_body(request, self.max_body_bytes)?;
        Ok(Checked { voucher, body, now })
    }

    pub(super) async fn register(&self, request: &HttpRequest) -> Handled {
        let checked = match self.check(request) {
            Ok(checked) => checked,
            Err(error) => return error.into(),
        };
        let command = match self.policy.authorize_register(
            &checked.body,
            checked.voucher.as_ref(),
            checked.now,
        ) {
            Ok(command) => command,
            Err(rejection) => return ApiError::from(rejection).into(),
        };
        let called = Instant::now();
        let result = self.registrations.register(&command).await;
        let outcome = match result {
            Ok(registration_id) => Outcome::PushRegistered {
                registration_id,
                contact_id: command.contact_id().to_owned(),
            },
            Err(failure) => {
                Outcome::ConnectFailed(failure, ConnectCall::CreatePushNotificationRegistration)
            }
        };
        Handled {
            connect_latency: Some(called.elapsed()),
            ..outcome.into()
        }
    }

    /// `id_segment` is the path's last segment as sent; percent-encoding is undone here, and what the
    /// domain cannot use as an id is a field error.
    pub(super) async fn remove(&self, request: &HttpRequest, id_segment: &str) -> Handled {
        let checked = match self.check(request) {
            Ok(checked) => checked,
            Err(error) => return error.into(),
        };
        let registration_id = percent_decode_str(id_segment).decode_utf8_lossy();
        let command = match self.policy.authorize_remove(
            &registration_id,
            &checked.body,
            checked.voucher.as_ref(),
            checked.now,
        ) {
            Ok(command) => command,
            Err(rejection) => return ApiError::from(rejection).into(),
        };
        let called = Instant::now();
        let result = self.registrations.remove(&command).await;
        let outcome = match result {
            Ok(()) => Outcome::PushRemoved {
                contact_id: command.contact_id().to_owned(),
            },
            Err(failure) => {
                Outcome::ConnectFailed(failure, ConnectCall::DeletePushNotificationRegistration)
            }
        };
        Handled {
            connect_latency: Some(called.elapsed()),
            ..outcome.into()
        }
    }
}
