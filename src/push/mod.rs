//! The domain of push notifications for mobile chats: a device registered for one chat gets a
//! notification for each message until the chat ends or the registration is removed. Only the chat's
//! own customer may register or remove one ([`PushPolicy`]), and only a command the policy built reaches
//! Amazon Connect, through the [`PushRegistrations`] port.
//!
//! `request.rs` reads the wire JSON, `device.rs` the device type and its token (a secret), `policy.rs`
//! decides who may act on which chat, `command.rs` holds what Connect receives.

mod command;
mod device;
mod limits;
mod policy;
mod port;
mod rejection;
mod request;

pub use command::{
    ParticipantRole, RegisterDeviceCommand, RegistrationId, RemoveRegistrationCommand,
};
pub use device::{DeviceToken, DeviceType, TokenProblem};
pub use policy::{
    CONTACT_CLAIM, ContactVoucher, PushPolicy, PushPolicyError, PushSettings, is_application_arn,
};
pub use port::PushRegistrations;
pub use rejection::PushRejection;

#[cfg(test)]
mod tests;
