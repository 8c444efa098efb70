//! The HTTP edge: API Gateway REST (payload 1.0), HTTP API (2.0) and function URL events in, JSON out.

mod body;
mod connect_failure;
mod cors;
mod error;
mod event;
mod handler;
mod message;
mod outcome;
mod response;

pub(crate) use connect_failure::failure_answer;
pub use cors::{AllowedOrigins, OriginCheck, OriginPolicy};
pub use error::{ApiError, LISTED_FIELDS_MAX};
pub use event::{EventError, PayloadVersion, ProxyResponse, request_from_event};
pub use handler::{ChatHandler, HttpSettings};
pub use message::{Headers, HttpRequest, HttpResponse, RequestBody};
pub use outcome::Outcome;
pub use response::FeaturePermissions;

/// What this API answers to; named in preflights, in `Allow` of a 405, and in the docs.
pub const ALLOWED_METHODS: &str = "POST, OPTIONS";
