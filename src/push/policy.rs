//! Who may register a device for a chat's notifications: only that chat's customer, proven by the
//! chat's continuation token (anonymous customers) or by the website's signed token naming the contact
//! (signed customers). Anything else is refused before Amazon Connect is called: whoever registers a
//! device reads every message the agent writes in that chat.

use super::command::{RegisterDeviceCommand, RemoveRegistrationCommand};
use super::rejection::PushRejection;
use super::request::{parse_register, parse_remove};
use crate::chat::CONTACT_ID_MAX;
use crate::chat::{ContinuationTokens, FieldError, ServerSecret};
use aws_lc_rs::hmac;
use serde_json::{Map, Value};
use std::collections::HashSet;
use std::time::{Duration, SystemTime};

/// Keys Connect's idempotency token for registrations; never the start's key.
const CLIENT_TOKEN_PURPOSE: &str = "start-chat/push-client-token/v1";
/// The claim of a signed customer token that names the contact the customer may register for.
pub const CONTACT_CLAIM: &str = "contactId";

/// What the policy is made of, before it is checked.
#[derive(Debug, Clone)]
pub struct PushSettings {
    /// `arn:<partition>:mobiletargeting:<region>:<account>:apps/<id>`.
    pub application_arn: String,
    pub default_instance_id: String,
    /// Further instances a caller may name (the start's allow-list).
    pub allowed_instance_ids: Vec<String>,
    /// Signs continuation tokens and keys Connect's idempotency tokens.
    pub server_secret: Option<ServerSecret>,
    pub continuation_token_lifetime: Duration,
    /// Customers are signed: the website's token is the only proof accepted.
    pub signed_customers: bool,
}

/// Why the settings cannot make a policy (cold start stops).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PushPolicyError {
    ApplicationArn,
    /// Neither a server secret (continuation tokens) nor signed customers: nobody could prove a chat.
    NoProof,
}

#[derive(Debug, Clone)]
pub struct PushPolicy {
    application_arn: String,
    default_instance_id: String,
    /// Contains the default instance.
    allowed_instance_ids: HashSet<String>,
    /// Signed customers prove a chat with the website's token only; continuation tokens are not
    /// accepted instead.
    signed_customers: bool,
    /// Anonymous customers prove it with the chat's continuation token.
    continuations: Option<ContinuationTokens>,
    client_token_key: hmac::Key,
}

/// What a verified customer token vouches for on the push routes: the contact its `contactId` claim
/// names, if any.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContactVoucher(Option<String>);

impl ContactVoucher {
    /// Reads the claims of a token whose signature and times were already verified.
    pub fn from_claims(claims: &Map<String, Value>) -> Result<Self, Vec<FieldError>> {
        match claims.get(CONTACT_CLAIM) {
            None | Some(Value::Null) => Ok(Self(None)),
            Some(Value::String(id)) if (1..=CONTACT_ID_MAX).contains(&id.chars().count()) => {
                Ok(Self(Some(id.clone())))
            }
            Some(_) => Err(vec![FieldError::new(
                CONTACT_CLAIM,
                format!("must be a contact id, a string of 1 to {CONTACT_ID_MAX} characters"),
            )]),
        }
    }

    fn vouches_for(&self, contact_id: &str) -> bool {
        self.0.as_deref() == Some(contact_id)
    }
}

impl PushPolicy {
    /// The instance ids are the start's, already checked by its policy.
    pub fn new(settings: PushSettings) -> Result<Self, PushPolicyError> {
        if !is_application_arn(&settings.application_arn) {
            return Err(PushPolicyError::ApplicationArn);
        }
        if settings.server_secret.is_none() && !settings.signed_customers {
            return Err(PushPolicyError::NoProof);
        }
        let continuations = match (&settings.server_secret, settings.signed_customers) {
            (Some(secret), false) => Some(ContinuationTokens::new(
                secret,
                settings.continuation_token_lifetime,
            )),
            _ => None,
        };
        let client_token_key = match &settings.server_secret {
            Some(secret) => secret.key_for(CLIENT_TOKEN_PURPOSE),
            None => hmac::Key::new(hmac::HMAC_SHA256, CLIENT_TOKEN_PURPOSE.as_bytes()),
        };
        let mut allowed_instance_ids: HashSet<String> =
            settings.allowed_instance_ids.into_iter().collect();
        allowed_instance_ids.insert(settings.default_instance_id.clone());
        Ok(Self {
            application_arn: settings.application_arn,
            default_instance_id: settings.default_instance_id,
            allowed_instance_ids,
            signed_customers: settings.signed_customers,
            continuations,
            client_token_key,
        })
    }

    /// `POST …/push-registrations`: fields (400), the instance (403), then the proof (403).
    /// `voucher` is what a verified customer token says, when customers are signed.
    pub fn authorize_register(
        &self,
        body: &[u8],
        voucher: Option<&ContactVoucher>,
        now: SystemTime,
    ) -> Result<RegisterDeviceCommand, PushRejection> {
        let request = parse_register(body)?;
        let instance_id = self.instance(request.instance_id)?;
        self.check_proof(
            &instance_id,
            &request.contact_id,
            request.continuation_token.as_deref(),
            voucher,
            now,
        )?;
        let mut command = RegisterDeviceCommand {
            instance_id,
            application_arn: self.application_arn.clone(),
            contact_id: request.contact_id,
            device_type: request.device_type,
            device_token: request.device_token,
            include_raw_message: request.include_raw_message,
            client_token: None,
        };
        if let Some(token) = &request.client_token {
            command.bind_client_token(&self.client_token_key, token);
        }
        Ok(command)
    }

    /// `DELETE …/push-registrations/{RegistrationId}`, with the same checks.
    /// `registration_id` is the last segment of the request's path, decoded; it is checked with the
    /// body's fields.
    pub fn authorize_remove(
        &self,
        registration_id: &str,
        body: &[u8],
        voucher: Option<&ContactVoucher>,
        now: SystemTime,
    ) -> Result<RemoveRegistrationCommand, PushRejection> {
        let request = parse_remove(registration_id, body)?;
        let instance_id = self.instance(request.instance_id)?;
        self.check_proof(
            &instance_id,
            &request.contact_id,
            request.continuation_token.as_deref(),
            voucher,
            now,
        )?;
        Ok(RemoveRegistrationCommand {
            instance_id,
            contact_id: request.contact_id,
            registration_id: request.registration_id,
        })
    }

    fn instance(&self, requested: Option<String>) -> Result<String, PushRejection> {
        match requested {
            None => Ok(self.default_instance_id.clone()),
            Some(id) if self.allowed_instance_ids.contains(&id) => Ok(id),
            Some(_) => Err(PushRejection::InstanceNotAllowed),
        }
    }

    fn check_proof(
        &self,
        instance_id: &str,
        contact_id: &str,
        continuation_token: Option<&str>,
        voucher: Option<&ContactVoucher>,
        now: SystemTime,
    ) -> Result<(), PushRejection> {
        if self.signed_customers {
            return match voucher {
                Some(voucher) if voucher.vouches_for(contact_id) => Ok(()),
                _ => Err(PushRejection::ContactNotVouched),
            };
        }
        let (Some(tokens), Some(token)) = (&self.continuations, continuation_token) else {
            return Err(PushRejection::ContinuationTokenRequired);
        };
        tokens
            .verify(token, instance_id, contact_id, now)
            .map_err(PushRejection::ContinuationTokenInvalid)
    }
}

/// `arn:<partition>:mobiletargeting:<region>:<12-digit account>:apps/<application id>`.
pub fn is_application_arn(text: &str) -> bool {
    let parts: Vec<&str> = text.split(':').collect();
    let [arn, partition, service, region, account, resource] = parts.as_slice() else {
        return false;
    };
    let partition_ok = partition
        .strip_prefix("aws")
        .is_some_and(|rest| rest.chars().all(|c| c.is_ascii_lowercase() || c == '-'));
    let region_ok = !region.is_empty()
        && region
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    let application_ok = resource.strip_prefix("apps/").is_some_and(|id| {
        (1..=64).contains(&id.len()) && id.chars().all(|c| c.is_ascii_alphanumeric())
    });
    *arn == "arn"
        && partition_ok
        && *service == "mobiletargeting"
        && region_ok
        && account.len() == 12
        && account.chars().all(|c| c.is_ascii_digit())
        && application_ok
}
