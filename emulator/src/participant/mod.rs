//! The Connect participant service (ChatJS and the participant SDKs): REST operations with
//! bearer tokens, the attachment URLs, and the chat WebSocket. No SigV4 here: clients sign
//! with empty or dummy keys, and authentication is the `X-Amz-Bearer` token.

mod attachments;
mod connection;
mod cors;
mod messaging;
mod request;
mod transcript;
mod view;

use std::sync::Arc;

use axum::Router;
use axum::http::{Method, Uri};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};

use crate::http::aws_error::AwsError;
use crate::http::layers;
use crate::state::AppState;
use crate::ws;

pub(crate) fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route(
            "/participant/connection",
            post(connection::create).fallback(unknown_operation),
        )
        .route(
            "/participant/message",
            post(messaging::send_message).fallback(unknown_operation),
        )
        .route(
            "/participant/event",
            post(messaging::send_event).fallback(unknown_operation),
        )
        .route(
            "/participant/transcript",
            post(transcript::get_transcript).fallback(unknown_operation),
        )
        .route(
            "/participant/disconnect",
            post(messaging::disconnect).fallback(unknown_operation),
        )
        .route(
            "/participant/views/{view_token}",
            get(view::describe_view).fallback(unknown_operation),
        )
        .route(
            "/participant/start-attachment-upload",
            post(attachments::start_upload).fallback(unknown_operation),
        )
        .route(
            "/participant/complete-attachment-upload",
            post(attachments::complete_upload).fallback(unknown_operation),
        )
        .route(
            "/participant/attachment",
            post(attachments::get_attachment).fallback(unknown_operation),
        )
        .route(
            "/attachments/{attachment_id}",
            put(attachments::upload)
                .get(attachments::download)
                .fallback(unknown_operation),
        )
        .route("/ws", get(ws::upgrade))
        .fallback(unknown_operation)
        .layer(middleware::from_fn_with_state(
            Arc::clone(&state),
            cors::layer,
        ))
        .layer(middleware::from_fn(layers::access_log_layer))
        .layer(middleware::from_fn(layers::request_id_layer))
        .with_state(state)
}

async fn unknown_operation(method: Method, uri: Uri) -> Response {
    AwsError::participant(
        404,
        "UnknownOperationException",
        format!("Unknown operation: {method} {}", uri.path()),
    )
    .into_response()
}
