//! One request, start to finish: origin, method, body, command, Connect, response, one log line.

use super::body::read_body;
use super::cors::{OriginCheck, OriginPolicy, apply_preflight_headers, apply_response_headers};
use super::error::ApiError;
use super::response::{FeaturePermissions, StartChatBody, json_response};
use crate::chat::{ChatPolicy, ChatStarter, ConnectFailure, FailureKind, StartedChat};
use crate::telemetry::{ConnectCallOutcome, Metrics};
use lambda_http::http::header::{ALLOW, HeaderValue};
use lambda_http::http::{Method, Response, StatusCode};
use lambda_http::{Body, Request, RequestExt};
use std::time::{Duration, Instant};

/// The edge's own settings (the policy for the chat itself is [`ChatPolicy`]).
#[derive(Debug, Clone)]
pub struct HttpSettings {
    pub origins: OriginPolicy,
    /// Bodies above this many bytes are refused with 413 before they are read.
    pub max_body_bytes: usize,
    /// Reported to the widget as `featurePermissions.ATTACHMENTS`.
    pub attachments_enabled: bool,
}

/// The function: built once at cold start, then called for every request.
pub struct ChatHandler<C> {
    settings: HttpSettings,
    policy: ChatPolicy,
    starter: C,
    metrics: Metrics,
}

/// A successful answer, before it becomes HTTP.
enum Reply {
    Preflight,
    ChatStarted {
        chat: StartedChat,
        features: FeaturePermissions,
    },
}

/// What happened to the Connect call, if one was made: for the log line and the metrics.
struct ConnectCall {
    latency: Duration,
    failure: Option<ConnectFailure>,
}

impl<C: ChatStarter> ChatHandler<C> {
    pub fn new(settings: HttpSettings, policy: ChatPolicy, starter: C, metrics: Metrics) -> Self {
        Self {
            settings,
            policy,
            starter,
            metrics,
        }
    }

    /// Never fails: every outcome, expected or not, is a JSON response with CORS headers.
    pub async fn handle(&self, request: Request) -> Response<Body> {
        let started = Instant::now();
        let request_id = request
            .lambda_context_ref()
            .map(|context| context.request_id.clone())
            .unwrap_or_default();
        let origin = self.settings.origins.check(request.headers());
        let mut connect_call = None;
        let result = self.respond(&request, &origin, &mut connect_call).await;

        let mut contact_id = None;
        let (response, error) = match result {
            Ok(Reply::Preflight) => (self.preflight(&request, &origin), None),
            Ok(Reply::ChatStarted { chat, features }) => {
                let body = StartChatBody::new(&chat, features);
                let response = json_response(StatusCode::OK, &body, &origin);
                contact_id = Some(chat.contact_id);
                (response, None)
            }
            Err(error) => {
                let code = error.code();
                let detail = match &error {
                    ApiError::Connect(failure) => Some(failure.clone()),
                    _ => None,
                };
                let invalid_fields = match &error {
                    ApiError::Validation(fields) => fields.len(),
                    _ => 0,
                };
                (
                    error.into_response(&origin, &request_id),
                    Some((code, detail, invalid_fields)),
                )
            }
        };

        if let Some(call) = &connect_call {
            self.metrics
                .record_connect_call(metric_outcome(call.failure.as_ref()), call.latency);
        }
        log_request(&RequestLog {
            request_id: &request_id,
            method: request.method().as_str(),
            status: response.status().as_u16(),
            latency: started.elapsed(),
            origin: &origin,
            contact_id: contact_id.as_deref(),
            error,
            connect_latency: connect_call.as_ref().map(|call| call.latency),
        });
        response
    }

    async fn respond(
        &self,
        request: &Request,
        origin: &OriginCheck,
        connect_call: &mut Option<ConnectCall>,
    ) -> Result<Reply, ApiError> {
        match origin {
            OriginCheck::Denied => return Err(ApiError::OriginNotAllowed),
            OriginCheck::Absent if self.settings.origins.require_origin => {
                return Err(ApiError::OriginRequired);
            }
            _ => {}
        }
        match *request.method() {
            Method::OPTIONS => Ok(Reply::Preflight),
            Method::POST => {
                let body = read_body(request, self.settings.max_body_bytes)?;
                let command = self.policy.authorize(body)?;
                let called = Instant::now();
                let result = self.starter.start_chat(&command).await;
                *connect_call = Some(ConnectCall {
                    latency: called.elapsed(),
                    failure: result.as_ref().err().cloned(),
                });
                Ok(Reply::ChatStarted {
                    chat: result?,
                    features: FeaturePermissions {
                        messaging_markdown: command.supports_markdown(),
                        attachments: self.settings.attachments_enabled,
                    },
                })
            }
            _ => Err(ApiError::MethodNotAllowed),
        }
    }

    fn preflight(&self, request: &Request, origin: &OriginCheck) -> Response<Body> {
        let mut response = Response::new(Body::Empty);
        *response.status_mut() = StatusCode::NO_CONTENT;
        let headers = response.headers_mut();
        headers.insert(ALLOW, HeaderValue::from_static("POST, OPTIONS"));
        apply_response_headers(origin, headers);
        if matches!(origin, OriginCheck::Allowed(_)) {
            apply_preflight_headers(request.headers(), headers);
        }
        response
    }
}

fn metric_outcome(failure: Option<&ConnectFailure>) -> ConnectCallOutcome {
    match failure.map(|failure| failure.kind) {
        None => ConnectCallOutcome::Started,
        Some(FailureKind::Throttled | FailureKind::ChatLimitExceeded) => {
            ConnectCallOutcome::Throttled
        }
        Some(FailureKind::Rejected | FailureKind::NotFound) => ConnectCallOutcome::Refused,
        Some(_) => ConnectCallOutcome::Failed,
    }
}

/// The one line per request. It names what happened, never who asked or what they sent: no tokens,
/// display names, attribute values or customer ids are in scope here.
struct RequestLog<'a> {
    request_id: &'a str,
    method: &'a str,
    status: u16,
    latency: Duration,
    origin: &'a OriginCheck,
    /// The started chat's contact id: not a secret, and what support needs to find the chat.
    contact_id: Option<&'a str>,
    /// The error code, Connect's failure details, and the number of invalid fields.
    error: Option<(&'static str, Option<ConnectFailure>, usize)>,
    connect_latency: Option<Duration>,
}

fn log_request(log: &RequestLog<'_>) {
    let latency_ms = log.latency.as_secs_f64() * 1000.0;
    let connect_latency_ms = log
        .connect_latency
        .map(|latency| latency.as_secs_f64() * 1000.0);
    let origin = match log.origin {
        OriginCheck::Absent => "absent",
        OriginCheck::Allowed(_) => "allowed",
        OriginCheck::Denied => "denied",
    };
    let (request_id, method, status) = (log.request_id, log.method, log.status);
    let contact_id = log.contact_id;
    match &log.error {
        None => tracing::info!(
            request_id,
            method,
            status,
            latency_ms,
            connect_latency_ms,
            origin,
            contact_id,
            outcome = if method == "OPTIONS" {
                "preflight"
            } else {
                "chat_started"
            },
            "request handled"
        ),
        Some((code, None, invalid_fields)) => tracing::info!(
            request_id,
            method,
            status,
            latency_ms,
            origin,
            outcome = "refused",
            error_code = code,
            invalid_fields,
            "request refused"
        ),
        Some((code, Some(failure), _)) => {
            let connect_error = failure.code.as_deref();
            let connect_message = failure.message.as_deref();
            let connect_request_id = failure.aws_request_id.as_deref();
            let kind = format!("{:?}", failure.kind);
            if status >= 500 {
                tracing::error!(
                    request_id,
                    method,
                    status,
                    latency_ms,
                    connect_latency_ms,
                    origin,
                    outcome = "connect_failed",
                    error_code = code,
                    failure = kind,
                    connect_error,
                    connect_message,
                    connect_request_id,
                    "Amazon Connect call failed"
                );
            } else {
                tracing::warn!(
                    request_id,
                    method,
                    status,
                    latency_ms,
                    connect_latency_ms,
                    origin,
                    outcome = "connect_refused",
                    error_code = code,
                    failure = kind,
                    connect_error,
                    connect_message,
                    connect_request_id,
                    "Amazon Connect refused the chat"
                );
            }
        }
    }
}
