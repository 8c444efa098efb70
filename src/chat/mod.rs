//! The domain: a browser's request becomes a [`StartChatCommand`] only when it is acceptable, and only a
//! command can reach Amazon Connect, through the [`ChatStarter`] port.
//!
//! `request/` reads the wire JSON into a request within the service's limits (`limits.rs`), reporting to
//! the field-error collector (`field/`); `policy/` applies the server's settings and builds the command
//! (`command.rs`), whose digest binds Connect's idempotency token (`idempotency.rs`); `signed.rs` reads a
//! verified customer's claims with the same readers; `rejection.rs` is the one verdict on a refused request.

mod command;
mod continuation;
mod display_name;
mod field;
mod idempotency;
mod limits;
mod names;
mod policy;
mod port;
mod rejection;
mod request;
mod secret;
mod server_secret;
mod signed;
mod started;
mod strict_json;

pub use command::{
    ChatMessage, ConnectionType, ContentType, PersistentChat, RehydrationType, ResponseMode,
    SegmentValue, StartChatCommand,
};
pub use continuation::{ContinuationRefusal, ContinuationTokens, DEFAULT_TOKEN_LIFETIME};
pub use display_name::display_name_problem;
pub use field::FieldError;
// The readers and limits the push routes share with the start (the same members, the same rules).
pub(crate) use field::{FieldErrors, member, one_of};
pub(crate) use idempotency::random_uuid;
pub use limits::CHAT_DURATION_MINUTES_RANGE;
pub(crate) use limits::{CONTACT_ID_MAX, CONTINUATION_TOKEN_MAX, INSTANCE_ID_MAX};
pub use names::{KEY_CHARS, is_key, is_uuid};
pub use policy::{
    ChatPolicy, DEFAULT_CHAT_DURATION_MINUTES, DEFAULT_SEGMENT_ATTRIBUTE_KEYS, PolicyError,
    PolicySettings, Setting,
};
pub use port::{ChatStarter, ConnectFailure, ConnectFailureKind};
pub use rejection::{LinkRefusal, Rejection};
pub(crate) use request::parse_object as parse_json_object;
pub use secret::Secret;
pub use server_secret::{SERVER_SECRET_MIN_BYTES, ServerSecret};
pub use signed::VerifiedCustomer;
pub use started::{ConnectionCredentials, StartedChat, WebsocketDetails};

#[cfg(test)]
mod tests;
