//! The chat domain: contacts, transcript items, attachments, push registrations and who may reach
//! them.

pub(crate) mod archive;
pub(crate) mod attachment;
pub(crate) mod contact;
pub(crate) mod item;
pub(crate) mod push;
pub(crate) mod store;

pub use contact::ChatSummary;
pub use push::{DeviceType, PushNotification, PushRegistrationSummary};
