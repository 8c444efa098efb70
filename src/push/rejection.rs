//! Why a push registration request is refused before Amazon Connect is called.

use crate::chat::{ContinuationRefusal, FieldError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PushRejection {
    /// Not JSON, or not a JSON object. The detail names a position, never the content.
    InvalidJson(String),
    /// Every field that breaks a rule (never quoting a device token).
    Invalid(Vec<FieldError>),
    /// An instance the server does not allow callers to name.
    InstanceNotAllowed,
    /// Anonymous customers prove the chat is theirs with its continuation token.
    ContinuationTokenRequired,
    ContinuationTokenInvalid(ContinuationRefusal),
    /// Signed customers: the token's `contactId` claim does not name this contact.
    ContactNotVouched,
}
