//! Amazon Connect's limits for the push registration APIs (CreatePushNotificationRegistration,
//! DeletePushNotificationRegistration), and this service's own for its member.

pub(crate) const CONTACT_ID_MAX: usize = 256;
pub(crate) const INSTANCE_ID_MAX: usize = 100;
pub(crate) const REGISTRATION_ID_MAX: usize = 256;
pub(crate) const DEVICE_TOKEN_MAX: usize = 500;
/// This service's own member: a continuation token is about 150 characters.
pub(crate) const CONTINUATION_TOKEN_MAX: usize = 1024;
