//! What became of one request, as one value: the response, the log line and the metric are all built
//! from it.

use super::cors::{OriginCheck, apply_preflight_headers, apply_response_headers};
use super::error::{ApiError, Failure};
use super::message::{HttpRequest, HttpResponse};
use super::response::{FeaturePermissions, StartChatBody, json_response};
use super::{ALLOWED_METHODS, connect_failure::failure_answer};
use crate::chat::{ConnectFailure, Secret, StartedChat};
use crate::telemetry::RequestMetric;

#[derive(Debug)]
pub enum Outcome {
    /// A CORS preflight from an allowed origin (or from no origin).
    Preflight,
    Started {
        chat: StartedChat,
        features: FeaturePermissions,
        continuation_token: Option<Secret>,
    },
    /// Refused before Amazon Connect was called.
    Refused(ApiError),
    /// Amazon Connect was called and did not start the chat.
    ConnectFailed(ConnectFailure),
}

impl Outcome {
    pub fn response(
        &self,
        request: &HttpRequest,
        origin: &OriginCheck,
        request_id: &str,
    ) -> HttpResponse {
        match self {
            Self::Preflight => {
                let mut headers = vec![("allow", ALLOWED_METHODS.to_owned())];
                apply_response_headers(origin, &mut headers);
                if matches!(origin, OriginCheck::Allowed(_)) {
                    apply_preflight_headers(&request.headers, &mut headers);
                }
                HttpResponse {
                    status: 204,
                    headers,
                    body: None,
                }
            }
            Self::Started {
                chat,
                features,
                continuation_token,
            } => json_response(
                200,
                &StartChatBody::new(chat, *features, continuation_token.as_ref()),
                origin,
            ),
            Self::Refused(error) => Failure::Refused(error).response(origin, request_id),
            Self::ConnectFailed(failure) => Failure::Connect(failure).response(origin, request_id),
        }
    }

    /// The metric this request counts in; preflights count in none.
    pub fn metric(&self) -> Option<RequestMetric> {
        match self {
            Self::Preflight => None,
            Self::Started { .. } => Some(RequestMetric::ChatStarted),
            Self::Refused(error) => Some(error.classify().2),
            Self::ConnectFailed(failure) => Some(failure_answer(failure.kind).metric),
        }
    }

    /// The stable error code the browser was given, if the request failed.
    pub fn error_code(&self) -> Option<&'static str> {
        match self {
            Self::Preflight | Self::Started { .. } => None,
            Self::Refused(error) => Some(Failure::Refused(error).code()),
            Self::ConnectFailed(failure) => Some(Failure::Connect(failure).code()),
        }
    }
}
