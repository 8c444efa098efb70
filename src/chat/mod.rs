//! The domain: a browser's request becomes a [`StartChatCommand`] only when it is acceptable, and only a
//! command can reach Amazon Connect, through the [`ChatStarter`] port.

mod command;
mod continuation;
mod display_name;
mod field;
mod idempotency;
mod limits;
mod names;
mod parse;
mod policy;
mod port;
mod secret;
mod server_secret;
mod signed;
mod started;
mod strict_json;

pub use command::{
    ChatMessage, ConnectionType, ContentType, PersistentChat, RehydrationType, SegmentValue,
    StartChatCommand,
};
pub use continuation::{ContinuationRefusal, ContinuationTokens, DEFAULT_TOKEN_LIFETIME};
pub use display_name::display_name_problem;
pub use field::FieldError;
pub use names::{KEY_CHARS, is_key, is_uuid};
pub(crate) use parse::parse_object as parse_json_object;
pub use parse::{LinkRefusal, Rejection};
pub use policy::{
    ChatPolicy, DEFAULT_CHAT_DURATION_MINUTES, DEFAULT_SEGMENT_ATTRIBUTE_KEYS, PolicyError,
    PolicySettings, Setting,
};
pub use port::{ChatStarter, ConnectFailure, FailureKind};
pub use secret::Secret;
pub use server_secret::{SERVER_SECRET_MIN_BYTES, ServerSecret};
pub use signed::SignedCustomer;
pub use started::{ConnectionCredentials, StartedChat, WebsocketDetails};

#[cfg(test)]
mod tests;
