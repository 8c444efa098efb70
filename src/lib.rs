//! Start an Amazon Connect chat for a website's chat widget.
//!
//! The folder layout is the architecture:
//! - [`config`]: the server-side policy, read once from the environment at cold start;
//! - [`chat`]: the domain: what an acceptable chat request is, and the port to Connect;
//! - [`connect`]: the adapter that implements the port with `aws-sdk-connect`;
//! - [`http`]: the edge: API Gateway / function URL requests in, JSON responses out;
//! - [`telemetry`]: logs and metrics, which never carry secrets or personal data.

pub mod chat;
pub mod config;
pub mod connect;
pub mod http;
pub mod telemetry;
