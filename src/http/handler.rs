//! One request, start to finish: origin, method, body, command, Connect; then the response, the log line
//! and the metric, all from the one [`Outcome`].

use super::body::read_body;
use super::cors::{OriginCheck, OriginPolicy};
use super::error::ApiError;
use super::event::{PayloadVersion, ProxyResponse, request_from_event};
use super::message::{HttpRequest, HttpResponse};
use super::outcome::Outcome;
use super::response::FeaturePermissions;
use crate::auth::SignedCustomers;
use crate::chat::{ChatPolicy, ChatStarter};
use crate::telemetry::{Metrics, RequestRecord};
use serde_json::Value;
use std::time::{Duration, Instant, SystemTime};

/// The one `Authorization` header; two of them are passed on as one unreadable value, which the
/// verifier refuses.
fn authorization(request: &HttpRequest) -> Option<&str> {
    let mut values = request.headers.get_all("authorization");
    let first = values.next()?;
    Some(match values.next() {
        None => first,
        Some(_) => "",
    })
}

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
    /// Present when customers are signed: then every start needs a valid token.
    signed_customers: Option<SignedCustomers>,
    starter: C,
    metrics: Metrics,
}

/// An outcome, and how long the Connect call took if one was made.
struct Handled {
    outcome: Outcome,
    connect_latency: Option<Duration>,
}

impl From<ApiError> for Handled {
    fn from(error: ApiError) -> Self {
        Self {
            outcome: Outcome::Refused(error),
            connect_latency: None,
        }
    }
}

impl<C: ChatStarter> ChatHandler<C> {
    pub fn new(
        settings: HttpSettings,
        policy: ChatPolicy,
        signed_customers: Option<SignedCustomers>,
        starter: C,
        metrics: Metrics,
    ) -> Self {
        Self {
            settings,
            policy,
            signed_customers,
            starter,
            metrics,
        }
    }

    /// A Lambda event in, the proxy response document out. Never fails and never panics: an event that is
    /// not an HTTP request is answered with a JSON 400 too.
    pub async fn handle_event(&self, event: &Value, request_id: &str) -> ProxyResponse {
        let response = match request_from_event(event) {
            Ok(request) => self.handle(&request, request_id).await,
            Err(error) => {
                let request = HttpRequest::new("");
                self.finish(
                    &request,
                    request_id,
                    &OriginCheck::Absent,
                    Instant::now(),
                    ApiError::InvalidEvent(error).into(),
                )
            }
        };
        ProxyResponse {
            response,
            version: PayloadVersion::of(event),
        }
    }

    /// Every outcome, expected or not, is a JSON response with CORS headers.
    pub async fn handle(&self, request: &HttpRequest, request_id: &str) -> HttpResponse {
        let started = Instant::now();
        let origin = self.settings.origins.check(&request.headers);
        let handled = self.respond(request, &origin).await;
        self.finish(request, request_id, &origin, started, handled)
    }

    fn finish(
        &self,
        request: &HttpRequest,
        request_id: &str,
        origin: &OriginCheck,
        started: Instant,
        handled: Handled,
    ) -> HttpResponse {
        let response = handled.outcome.response(request, origin, request_id);
        let record = RequestRecord {
            request_id,
            method: &request.method,
            status: response.status,
            latency: started.elapsed(),
            origin,
            outcome: &handled.outcome,
            connect_latency: handled.connect_latency,
        };
        record.log();
        self.metrics.record(&record);
        response
    }

    async fn respond(&self, request: &HttpRequest, origin: &OriginCheck) -> Handled {
        match origin {
            OriginCheck::Denied => return ApiError::OriginNotAllowed.into(),
            OriginCheck::Absent if self.settings.origins.require_origin => {
                return ApiError::OriginRequired.into();
            }
            _ => {}
        }
        match request.method.as_str() {
            "OPTIONS" => Handled {
                outcome: Outcome::Preflight,
                connect_latency: None,
            },
            "POST" => self.start_chat(request).await,
            _ => ApiError::MethodNotAllowed.into(),
        }
    }

    async fn start_chat(&self, request: &HttpRequest) -> Handled {
        let now = SystemTime::now();
        // The token is checked before the body is read: an unsigned caller gets nothing parsed.
        let signed = match &self.signed_customers {
            None => None,
            Some(verifier) => match verifier.verify(authorization(request), now) {
                Ok(customer) => Some(customer),
                Err(error) => return ApiError::Unauthorized(error).into(),
            },
        };
        let body = match read_body(request, self.settings.max_body_bytes) {
            Ok(body) => body,
            Err(error) => return error.into(),
        };
        let command = match self.policy.authorize(&body, signed.as_ref(), now) {
            Ok(command) => command,
            Err(rejection) => return ApiError::from(rejection).into(),
        };
        let called = Instant::now();
        let result = self.starter.start_chat(&command).await;
        let connect_latency = Some(called.elapsed());
        let outcome = match result {
            Ok(chat) => Outcome::Started {
                continuation_token: self.policy.continuation_token(
                    command.instance_id(),
                    &chat.contact_id,
                    now,
                ),
                chat,
                features: FeaturePermissions {
                    messaging_markdown: command.supports_markdown(),
                    attachments: self.settings.attachments_enabled,
                },
            },
            Err(failure) => Outcome::ConnectFailed(failure),
        };
        Handled {
            outcome,
            connect_latency,
        }
    }
}

#[cfg(test)]
mod tests;
