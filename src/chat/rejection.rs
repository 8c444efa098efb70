//! The domain's one verdict on a request it will not turn into a command.

use super::continuation::ContinuationRefusal;
use super::field::FieldError;

/// Why a request body cannot become a command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rejection {
    /// Not JSON, or not a JSON object. The detail names a position, never the content.
    InvalidJson(String),
    /// Every field that breaks a rule.
    Invalid(Vec<FieldError>),
    /// An instance the server does not allow browsers to name.
    InstanceNotAllowed,
    /// A flow (or alias) the server does not allow browsers to name.
    ContactFlowNotAllowed,
    /// `PersistentChat` from a browser that may not continue contacts.
    PersistentChatNotAllowed(LinkRefusal),
    /// `RelatedContactId` likewise: Connect copies the related contact's attributes into the new one.
    RelatedContactNotAllowed(LinkRefusal),
    /// Continuing or linking a contact needs the continuation token this service gave for it.
    ContinuationTokenRequired,
    ContinuationTokenInvalid(ContinuationRefusal),
}

/// Why a browser may not name a contact to continue or link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkRefusal {
    /// Persistent chat is switched off on the server.
    SwitchedOff,
    /// Customers are signed: only the website's token may name the contact.
    SignedOnly,
}
