//! The validated commands. Their fields are private and they have no public constructor: a value exists
//! only when [`super::PushPolicy`] accepted a request from the chat's own customer, so the port cannot be
//! handed unchecked data.

use super::device::{DeviceToken, DeviceType};
use super::limits::REGISTRATION_ID_MAX;
use aws_lc_rs::{digest, hmac};
use std::fmt::Write;

/// Who the notifications are for. The function registers devices of customers only: an agent's device
/// is not a browser's or an app's to register.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParticipantRole {
    Customer,
}

impl ParticipantRole {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Customer => "CUSTOMER",
        }
    }
}

/// Register one device for the notifications of one chat (CreatePushNotificationRegistration).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisterDeviceCommand {
    pub(super) instance_id: String,
    pub(super) application_arn: String,
    pub(super) contact_id: String,
    pub(super) device_type: DeviceType,
    pub(super) device_token: DeviceToken,
    pub(super) include_raw_message: Option<bool>,
    pub(super) client_token: Option<String>,
}

impl RegisterDeviceCommand {
    pub fn instance_id(&self) -> &str {
        &self.instance_id
    }
    /// The End User Messaging (Pinpoint) application Connect sends through: the server's, never a caller's.
    pub fn application_arn(&self) -> &str {
        &self.application_arn
    }
    pub fn contact_id(&self) -> &str {
        &self.contact_id
    }
    pub fn device_type(&self) -> DeviceType {
        self.device_type
    }
    pub fn device_token(&self) -> &DeviceToken {
        &self.device_token
    }
    pub fn participant_role(&self) -> ParticipantRole {
        ParticipantRole::Customer
    }
    pub fn include_raw_message(&self) -> Option<bool> {
        self.include_raw_message
    }
    /// Connect's idempotency token, derived from the caller's and the whole command (as the start's):
    /// a retried registration gets the same registration, any other its own. `None` when the caller
    /// sent none.
    pub fn client_token(&self) -> Option<&str> {
        self.client_token.as_deref()
    }

    /// A SHA-256 over every member sent to Connect but the token itself, each tagged and
    /// length-prefixed. Destructured, so a new member cannot be left out.
    fn digest(&self) -> digest::Digest {
        let Self {
            instance_id,
            application_arn,
            contact_id,
            device_type,
            device_token,
            include_raw_message,
            client_token: _,
        } = self;
        let mut context = digest::Context::new(&digest::SHA256);
        let mut field = |tag: &str, value: &[u8]| {
            context.update(tag.as_bytes());
            context.update(&(value.len() as u64).to_be_bytes());
            context.update(value);
        };
        field("instance", instance_id.as_bytes());
        field("application", application_arn.as_bytes());
        field("contact", contact_id.as_bytes());
        field("role", self.participant_role().as_str().as_bytes());
        field("device.type", device_type.as_str().as_bytes());
        field("device.token", device_token.expose().as_bytes());
        let raw: &[u8] = match include_raw_message {
            None => b"",
            Some(false) => b"false",
            Some(true) => b"true",
        };
        field("raw", raw);
        context.finish()
    }

    /// Sets the token Connect receives: HMAC-SHA256(key, caller's token ‖ digest), in hex.
    pub(super) fn bind_client_token(&mut self, key: &hmac::Key, caller_token: &str) {
        let mut context = hmac::Context::with_key(key);
        context.update(caller_token.as_bytes());
        context.update(&[0]);
        context.update(self.digest().as_ref());
        let mut token = String::with_capacity(64);
        for byte in context.sign().as_ref() {
            let _ = write!(token, "{byte:02x}");
        }
        self.client_token = Some(token);
    }
}

/// The id Connect gave a registration: 1 to 256 visible ASCII characters, no `/` (it travels as one
/// segment of the caller's URL path).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistrationId(String);

/// The rule, for the field error.
pub(crate) const REGISTRATION_ID_RULE: &str = "must be the RegistrationId the registration answered with (1 to 256 visible ASCII characters, no '/')";

impl RegistrationId {
    pub fn parse(text: &str) -> Option<Self> {
        let shaped = (1..=REGISTRATION_ID_MAX).contains(&text.len())
            && text
                .bytes()
                .all(|byte| byte.is_ascii_graphic() && byte != b'/');
        shaped.then(|| Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Remove one registration (DeletePushNotificationRegistration).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoveRegistrationCommand {
    pub(super) instance_id: String,
    pub(super) contact_id: String,
    pub(super) registration_id: RegistrationId,
}

impl RemoveRegistrationCommand {
    pub fn instance_id(&self) -> &str {
        &self.instance_id
    }
    pub fn contact_id(&self) -> &str {
        &self.contact_id
    }
    pub fn registration_id(&self) -> &RegistrationId {
        &self.registration_id
    }
}
