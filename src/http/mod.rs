//! The HTTP edge: API Gateway REST (payload v1), HTTP API (v2) and function URL requests in, JSON out.

mod body;
mod cors;
mod error;
mod handler;
mod response;

pub use cors::{AllowedOrigins, OriginCheck, OriginPolicy};
pub use error::ApiError;
pub use handler::{ChatHandler, HttpSettings};
pub use response::FeaturePermissions;
