//! One request, start to finish: the origin, then the route's operation for the method; then the
//! response, the log line and the metric, all from the one [`Outcome`].

use super::availability::{CheckAvailability, NoAvailability};
use super::cors::{OriginCheck, OriginPolicy};
use super::error::ApiError;
use super::event::{PayloadVersion, ProxyResponse, request_from_event};
use super::message::{HttpRequest, HttpResponse};
use super::outcome::{Handled, Outcome};
use super::push_registrations::PushOperations;
use super::route::Route;
use super::start_chat::StartChat;
use crate::auth::CustomerTokenVerifier;
use crate::availability::{AvailabilityCache, AvailabilitySettings, AvailabilitySource};
use crate::chat::{ChatPolicy, ChatStarter, ConnectFailure};
use crate::push::{
    PushPolicy, PushRegistrations, RegisterDeviceCommand, RegistrationId, RemoveRegistrationCommand,
};
use crate::telemetry::{Metrics, RequestRecord};
use serde_json::Value;
use std::time::Instant;

/// The edge's own settings (the policy for the chat itself is [`ChatPolicy`]).
#[derive(Debug, Clone)]
pub struct HttpSettings {
    pub origins: OriginPolicy,
    /// Bodies above this many bytes are refused with 413 before they are read.
    pub max_body_bytes: usize,
    /// Reported to the widget as `featurePermissions.ATTACHMENTS`.
    pub attachments_enabled: bool,
}

/// The function: built once at cold start, then called for every request. It holds each route's
/// operation: the start through `C`, availability (when configured) through `A`, the push routes (when
/// configured) through `P`.
pub struct ChatHandler<C, A = NoAvailability, P = PushOff> {
    origins: OriginPolicy,
    start_chat: StartChat<C>,
    availability: Option<CheckAvailability<A>>,
    push: Option<PushOperations<P>>,
    metrics: Metrics,
}

/// The push port of a handler built without push notifications: it has no value, so it is never called.
pub enum PushOff {}

impl PushRegistrations for PushOff {
    async fn register(&self, _: &RegisterDeviceCommand) -> Result<RegistrationId, ConnectFailure> {
        match *self {}
    }

    async fn remove(&self, _: &RemoveRegistrationCommand) -> Result<(), ConnectFailure> {
        match *self {}
    }
}

impl<C: ChatStarter> ChatHandler<C> {
    pub fn new(
        settings: HttpSettings,
        policy: ChatPolicy,
        customer_tokens: Option<CustomerTokenVerifier>,
        starter: C,
        metrics: Metrics,
    ) -> Self {
        Self {
            origins: settings.origins,
            start_chat: StartChat {
                policy,
                customer_tokens,
                starter,
                max_body_bytes: settings.max_body_bytes,
                attachments_enabled: settings.attachments_enabled,
            },
            availability: None,
            push: None,
            metrics,
        }
    }
}

impl<C: ChatStarter, A: AvailabilitySource, P: PushRegistrations> ChatHandler<C, A, P> {
    /// The same handler, answering `GET` with availability from the source (and gating starts when the
    /// settings' `refuse_start_when` says so); `None` leaves availability off (`GET` answers 404), with
    /// the same handler type. Its cache lives as long as the handler.
    pub fn with_availability<B: AvailabilitySource>(
        self,
        availability: Option<(AvailabilitySettings, B)>,
    ) -> ChatHandler<C, B, P> {
        ChatHandler {
            origins: self.origins,
            start_chat: self.start_chat,
            availability: availability.map(|(settings, source)| CheckAvailability {
                cache: AvailabilityCache::new(settings),
                source,
            }),
            push: self.push,
            metrics: self.metrics,
        }
    }

    /// The push routes, answered with `policy` and `registrations` when given; without them they
    /// answer 404 `PUSH_NOTIFICATIONS_DISABLED`. Signed customers prove a chat with the same keys as
    /// the start.
    pub fn with_push<Q: PushRegistrations>(
        self,
        push: Option<(PushPolicy, Q)>,
    ) -> ChatHandler<C, A, Q> {
        let push = push.map(|(policy, registrations)| PushOperations {
            policy,
            customer_tokens: self.start_chat.customer_tokens.clone(),
            registrations,
            max_body_bytes: self.start_chat.max_body_bytes,
        });
        ChatHandler {
            origins: self.origins,
            start_chat: self.start_chat,
            availability: self.availability,
            push,
            metrics: self.metrics,
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
        let origin = self.origins.check(&request.headers);
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
        let (response, result) = handled.outcome.answer(request, origin, request_id);
        let record = RequestRecord {
            request_id,
            method: &request.method,
            route: Route::of(request).name(),
            status: response.status,
            latency: started.elapsed(),
            origin: origin.log_label(),
            result,
            connect_latency: handled.connect_latency,
            availability: handled.availability(),
        };
        record.log();
        self.metrics.record(&record);
        response
    }

    /// A disallowed origin is refused before anything else; then each route answers its methods, and
    /// OPTIONS (the preflight) on every route. The push routes answer 404 while push is off, and a path
    /// deeper under them 404 whatever the method.
    async fn respond(&self, request: &HttpRequest, origin: &OriginCheck) -> Handled {
        match origin {
            OriginCheck::Denied => return ApiError::OriginNotAllowed.into(),
            OriginCheck::Absent if self.origins.require_origin => {
                return ApiError::OriginRequired.into();
            }
            _ => {}
        }
        let (route, id_segment) = Route::resolve(&request.path);
        match (route, request.method.as_str(), &self.push) {
            (route, "OPTIONS", _) => Outcome::Preflight(route).into(),
            (Route::Chat, "POST", _) => {
                self.start_chat
                    .handle(request, self.availability.as_ref())
                    .await
            }
            (Route::Chat, "GET", _) => match &self.availability {
                Some(availability) => availability.handle().await,
                None => ApiError::AvailabilityNotConfigured.into(),
            },
            (Route::Chat, _, _) => ApiError::MethodNotAllowed(route).into(),
            (_, _, None) => ApiError::PushNotificationsDisabled.into(),
            (Route::UnknownPushPath, _, Some(_)) => ApiError::NotFound.into(),
            (Route::PushRegistrations, "POST", Some(push)) => push.register(request).await,
            (Route::PushRegistration, "DELETE", Some(push)) => {
                push.remove(request, id_segment.unwrap_or_default()).await
            }
            (route, _, Some(_)) => ApiError::MethodNotAllowed(route).into(),
        }
    }
}

#[cfg(test)]
mod push_tests;
#[cfg(test)]
mod tests;
