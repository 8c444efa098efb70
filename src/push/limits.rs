//! Amazon Connect's limits for the members only the push registration APIs have
//! (CreatePushNotificationRegistration, DeletePushNotificationRegistration); the contact, the instance and
//! the continuation token keep the start's (`chat/limits.rs`).

pub(crate) const REGISTRATION_ID_MAX: usize = 256;
pub(crate) const DEVICE_TOKEN_MAX: usize = 500;
