//! The HTTP edge: API Gateway REST (payload 1.0), HTTP API (2.0) and function URL events in, JSON out.
//!
//! `event.rs` reads the Lambda event, `handler.rs` checks the origin and dispatches on the [`Route`]
//! (`route.rs`) and the method to the route's operation (`start_chat.rs`, `availability.rs` with
//! `availability_body.rs`, `push_registrations.rs`); every failure is an [`ApiError`] (`error.rs`) or a
//! Connect failure, answered in one place (`error_answer.rs`); `outcome.rs` turns what happened into
//! the response and the record telemetry logs.

mod availability;
mod availability_body;
mod body;
mod connect_call;
mod cors;
mod error;
mod error_answer;
mod event;
mod handler;
mod message;
mod outcome;
mod push_registrations;
mod response;
mod route;
mod start_chat;

pub use availability::NoAvailability;
pub use connect_call::ConnectCall;
pub use cors::{AllowedOrigins, OriginCheck, OriginPolicy, is_origin};
pub use error::ApiError;
pub use error_answer::{ErrorAnswer, LISTED_FIELDS_MAX};
pub use event::{EventError, PayloadVersion, ProxyResponse, request_from_event};
pub use handler::{ChatHandler, HttpSettings, PushOff};
pub use message::{Headers, HttpRequest, HttpResponse, RequestBody};
pub use outcome::Outcome;
pub use response::FeaturePermissions;
pub use route::Route;
