//! Start an Amazon Connect chat for a website's chat widget.
//!
//! The folder layout is the architecture; dependencies point one way (domain ← adapters and edge ←
//! `main`), which `make check-modules` enforces:
//! - [`chat`]: the domain: what an acceptable chat request is, and the port to Connect; it uses nothing
//!   outside itself;
//! - [`availability`]: the domain of "can a customer chat now": hours, agents, the cache, its port
//!   (it may use `chat`, nothing else);
//! - [`push`]: the domain of push notifications for mobile chats, and its port to Connect; it uses
//!   only [`chat`];
//! - [`auth`]: signed customers: the website's token, verified;
//! - [`connect`]: the adapter that implements the port with `aws-sdk-connect`;
//! - [`secrets`]: the adapter that reads the deployment's secret from Secrets Manager at cold start;
//! - [`http`]: the edge: API Gateway / function URL requests in, JSON responses out;
//! - [`telemetry`]: logs and metrics, made of a plain record the edge fills in; never secrets or
//!   personal data;
//! - [`config`]: every environment variable, read once at cold start into the settings of the others.
//!
//! Where a new rule goes:
//!
//! | To add | Where |
//! |---|---|
//! | a request member and its limit | `chat/limits.rs` (the limit), a reader in `chat/request/`, the field in `chat/command.rs`, its digest in `chat/idempotency.rs` (which does not compile without it), the SDK call in `connect/adapter.rs`, `openapi.yaml` |
//! | a policy setting and its environment variable | the setting and its check in `chat/policy/settings.rs`, its use in `chat/policy/reach.rs` (403s) or `rules.rs` (400s), the variable in the `config/` file of its area, the README's configuration table |
//! | a refusal code and its status | a variant of `chat::Rejection` (`chat/rejection.rs`) or `http::ApiError` (`http/error.rs`), its row in `http/error_answer.rs` (status, code, message, metric), `openapi.yaml` |
//! | a Connect error class | a `ConnectFailureKind` (`chat/port.rs`), the SDK errors that mean it (`connect/errors.rs`), its row in `http/error_answer.rs` |
//! | a log field or a metric | `telemetry/record.rs` (the record, `RequestMetric`), filled in by `http/outcome.rs`, written by `telemetry/request_log.rs` or `metrics.rs` |
//! | a route | a variant of `http::Route` (`http/route.rs`), a file for its operation, a line in the dispatch (`http/handler.rs`) |

pub mod auth;
pub mod availability;
pub mod chat;
pub mod config;
pub mod connect;
pub mod http;
pub mod push;
pub mod secrets;
pub mod telemetry;
