//! The Connect control plane behind SigV4, every request recorded: StartChatContact, DescribeQueue,
//! GetEffectiveHoursOfOperations, GetCurrentMetricData and the push notification registrations,
//! with the `/_emulator` control API nested beside them. Secrets Manager's GetSecretValue
//! (`POST /`, awsJson1.1) shares the port, so one endpoint URL serves both SDK clients.

mod hours;
pub(crate) mod members;
mod metrics;
pub(crate) mod operation;
mod push;
mod queues;
mod recording;
mod secrets_manager;
mod sigv4;
mod start_chat;

use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::http::Method;
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post, put};

use self::sigv4::SigV4Error;
use crate::http::aws_error::AwsError;
use crate::http::layers;
use crate::state::AppState;

/// The outcome of SigV4 verification, handed from the recording layer to the handlers.
#[derive(Clone, Debug)]
pub(crate) struct SignatureVerdict(pub(crate) Result<(), SigV4Error>);

/// When the recording layer took the request: the start of its recorded service time.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ReceivedAt(pub(crate) Instant);

/// The control plane's routes, with `control_api` (the unsigned `/_emulator` routes) nested beside
/// the operations.
pub(crate) fn router(state: Arc<AppState>, control_api: Router<Arc<AppState>>) -> Router {
    Router::new()
        .route(
            "/contact/chat",
            put(start_chat::handle).fallback(unknown_operation),
        )
        .route(
            "/queues/{instance_id}/{queue_id}",
            get(queues::describe_queue).fallback(unknown_operation),
        )
        .route(
            "/effective-hours-of-operations/{instance_id}/{hours_id}",
            get(hours::get_effective_hours).fallback(unknown_operation),
        )
        .route(
            "/metrics/current/{instance_id}",
            post(metrics::get_current_metric_data).fallback(unknown_operation),
        )
        .route(
            "/push-notification/{instance_id}/registrations",
            put(push::create_registration).fallback(unknown_operation),
        )
        .route(
            "/push-notification/{instance_id}/registrations/{registration_id}",
            delete(push::delete_registration).fallback(unknown_operation),
        )
        .route(
            "/",
            post(secrets_manager::handle).fallback(unknown_operation),
        )
        .nest("/_emulator", control_api)
        .fallback(unknown_operation)
        .layer(middleware::from_fn_with_state(
            Arc::clone(&state),
            recording::record_and_verify,
        ))
        .layer(middleware::from_fn(layers::access_log_layer))
        .layer(middleware::from_fn(layers::request_id_layer))
        .with_state(state)
}

/// Any path or method that is not an operation, like the service's front end answers.
async fn unknown_operation(method: Method, uri: axum::http::Uri) -> Response {
    AwsError::generic(
        404,
        "UnknownOperationException",
        format!("Unknown operation: {method} {}", uri.path()),
    )
    .into_response()
}
