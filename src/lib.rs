//! Start an Amazon Connect chat for a website's chat widget.
//!
//! The folder layout is the architecture:
//! - [`config`]: the server-side policy, read once from the environment at cold start;
//! - [`chat`]: the domain: what an acceptable chat request is, and the port to Connect;
//! - [`availability`]: the domain of "can a customer chat now": hours, agents, the cache, its port;
//! - [`auth`]: signed customers: the website's token, verified;
//! - [`connect`]: the adapter that implements the port with `aws-sdk-connect`;
//! - [`secrets`]: the adapter that reads the deployment's secret from Secrets Manager at cold start;
//! - [`http`]: the edge: API Gateway / function URL requests in, JSON responses out;
//! - [`telemetry`]: logs and metrics, which never carry secrets or personal data.

pub mod auth;
pub mod availability;
pub mod chat;
pub mod config;
pub mod connect;
pub mod http;
pub mod secrets;
pub mod telemetry;
