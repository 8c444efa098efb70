//! What became of one request, as one value: the response, and the record the log line and the metric
//! are made of, are both built from it (a failure's through its one [`ErrorAnswer`]).

use super::availability_body::availability_response;
use super::connect_call::ConnectCall;
use super::cors::{OriginCheck, apply_preflight_headers, apply_response_headers};
use super::error::ApiError;
use super::error_answer::ErrorAnswer;
use super::message::{HttpRequest, HttpResponse};
use super::response::{FeaturePermissions, RegisteredBody, StartChatBody, json_response};
use super::route::Route;
use crate::availability::Availability;
use crate::chat::{ConnectFailure, Secret, StartedChat};
use crate::push::RegistrationId;
use crate::telemetry::RequestResult;
use std::time::Duration;

/// An outcome, how long the Connect call took if one was made, and the availability a start's gate
/// consulted (for the log line).
pub(super) struct Handled {
    pub outcome: Outcome,
    pub connect_latency: Option<Duration>,
    pub gate: Option<Availability>,
}

impl From<Outcome> for Handled {
    fn from(outcome: Outcome) -> Self {
        Self {
            outcome,
            connect_latency: None,
            gate: None,
        }
    }
}

impl Handled {
    /// The availability answer this request gave or consulted.
    pub fn availability(&self) -> Option<&Availability> {
        match &self.outcome {
            Outcome::Availability(availability) => Some(availability),
            _ => self.gate.as_ref(),
        }
    }
}

impl From<ApiError> for Handled {
    fn from(error: ApiError) -> Self {
        Outcome::Refused(error).into()
    }
}

#[derive(Debug)]
pub enum Outcome {
    /// A CORS preflight from an allowed origin (or from no origin).
    Preflight(Route),
    Started {
        chat: StartedChat,
        features: FeaturePermissions,
        continuation_token: Option<Secret>,
    },
    /// A device now gets the notifications of the chat `contact_id`.
    PushRegistered {
        registration_id: RegistrationId,
        contact_id: String,
    },
    /// The registration is gone: no more notifications to that device.
    PushRemoved { contact_id: String },
    /// Whether a customer can chat now, per entry point.
    Availability(Availability),
    /// Refused before Amazon Connect was called.
    Refused(ApiError),
    /// Amazon Connect was called and did not do what was asked.
    ConnectFailed(ConnectFailure, ConnectCall),
}

impl Outcome {
    /// The response, and what the log line and the metric say about it.
    pub fn answer(
        &self,
        request: &HttpRequest,
        origin: &OriginCheck,
        request_id: &str,
    ) -> (HttpResponse, RequestResult<'_>) {
        match self {
            Self::Preflight(route) => {
                let mut headers = vec![("allow", route.allowed_methods().to_owned())];
                apply_response_headers(origin, &mut headers);
                if matches!(origin, OriginCheck::Allowed(_)) {
                    apply_preflight_headers(*route, &request.headers, &mut headers);
                }
                let response = HttpResponse {
                    status: 204,
                    headers,
                    body: None,
                };
                (response, RequestResult::Preflight)
            }
            Self::Started {
                chat,
                features,
                continuation_token,
            } => (
                json_response(
                    200,
                    &StartChatBody::new(chat, *features, continuation_token.as_ref()),
                    origin,
                ),
                RequestResult::ChatStarted {
                    contact_id: &chat.contact_id,
                },
            ),
            Self::PushRegistered {
                registration_id,
                contact_id,
            } => (
                json_response(200, &RegisteredBody::new(registration_id), origin),
                RequestResult::PushRegistered { contact_id },
            ),
            Self::PushRemoved { contact_id } => {
                let mut headers = Vec::new();
                apply_response_headers(origin, &mut headers);
                let response = HttpResponse {
                    status: 204,
                    headers,
                    body: None,
                };
                (response, RequestResult::PushRemoved { contact_id })
            }
            Self::Availability(availability) => (
                availability_response(availability, origin),
                RequestResult::AvailabilityAnswered,
            ),
            Self::Refused(error) => {
                let answer = ErrorAnswer::refusal(error);
                let result = RequestResult::Refused {
                    metric: answer.metric,
                    error_code: answer.code,
                    invalid_fields: answer.fields.map_or(0, <[_]>::len),
                };
                (answer.response(origin, request_id), result)
            }
            Self::ConnectFailed(failure, call) => {
                let answer = ErrorAnswer::connect(failure, *call);
                let result = RequestResult::ConnectFailed {
                    metric: answer.metric,
                    error_code: answer.code,
                    level: answer.level,
                    operation: call.name(),
                    failure,
                };
                (answer.response(origin, request_id), result)
            }
        }
    }
}
