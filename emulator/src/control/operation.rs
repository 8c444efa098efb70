//! How every Connect operation but StartChatContact is served: its next injected fault, the
//! signature, its quota bucket, then the operation itself, with the call recorded. The faults work
//! as for StartChatContact: `Error`, `DropConnection` and `Stall` replace the operation (no quota
//! token); `Delay`, `MalformedBody` and `ResetAfterProcessing` follow it.

use std::convert::Infallible;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::{SigV4Error, SignatureVerdict};
use crate::http::aws_error::AwsError;
use crate::http::server::{Abort, ConnectionContext};
use crate::operation::Operation;
use crate::state::AppState;
use crate::stores::faults::{ConnectErrorKind, Fault};
use crate::stores::records::RecordedCall;

/// What the recording layer handed over about the request.
pub(crate) struct Received {
    pub(crate) connection: Option<ConnectionContext>,
    pub(crate) verdict: Option<SignatureVerdict>,
}

impl<S: Send + Sync> FromRequestParts<S> for Received {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Infallible> {
        Ok(Received {
            connection: parts.extensions.get::<ConnectionContext>().cloned(),
            verdict: parts.extensions.get::<SignatureVerdict>().cloned(),
        })
    }
}

/// Serves one call of `operation` on `instance_id`: `process` answers its 200 body or its error.
pub(crate) async fn serve(
    state: &Arc<AppState>,
    operation: Operation,
    instance_id: &str,
    received: Received,
    process: impl FnOnce() -> Result<Value, AwsError>,
) -> Response {
    let Received {
        connection,
        verdict,
    } = received;
    let fault = state.faults.next(operation);
    let mut call = RecordedCall {
        operation,
        instance_id: instance_id.to_owned(),
        status: 0,
        error_code: None,
        fault: fault.clone(),
        peer: connection
            .as_ref()
            .map_or(SocketAddr::from((Ipv4Addr::UNSPECIFIED, 0)), |c| c.peer),
    };
    match fault {
        Some(Fault::Error(kind)) => {
            let error = AwsError::connect(kind, kind.default_message());
            call.status = error.status;
            call.error_code = Some(error.code.to_owned());
            state.records.push_operation_call(call);
            return error.into_response();
        }
        Some(Fault::DropConnection) => {
            state.records.push_operation_call(call);
            return end_without_answer(connection, Abort::Close).await;
        }
        Some(Fault::Stall) => {
            state.records.push_operation_call(call);
            return end_without_answer(connection, Abort::Stall).await;
        }
        _ => {}
    }
    let verdict = verdict.map_or(Err(SigV4Error::MissingAuthentication), |v| v.0);
    let outcome = match verdict {
        Ok(()) if !state.quotas.try_take(operation) => Err(AwsError::connect(
            ConnectErrorKind::Throttling,
            ConnectErrorKind::Throttling.default_message(),
        )),
        Ok(()) => process(),
        Err(error) => Err(error.to_aws_error()),
    };
    let response = match outcome {
        Ok(body) => {
            call.status = 200;
            match fault {
                Some(Fault::MalformedBody) => malformed(&body),
                _ => axum::Json(body).into_response(),
            }
        }
        Err(error) => {
            call.status = error.status;
            call.error_code = Some(error.code.to_owned());
            error.into_response()
        }
    };
    match fault {
        Some(Fault::Delay(delay)) => {
            state.records.push_operation_call(call);
            tokio::time::sleep(delay).await;
            response
        }
        Some(Fault::ResetAfterProcessing) => {
            call.status = 0;
            call.error_code = None;
            state.records.push_operation_call(call);
            end_without_answer(connection, Abort::Reset).await
        }
        _ => {
            state.records.push_operation_call(call);
            response
        }
    }
}

/// A 200 whose JSON body is cut off half-way.
pub(crate) fn malformed(body: &Value) -> Response {
    let text = body.to_string();
    let mut cut = text.len() / 2;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    (
        [(header::CONTENT_TYPE, "application/json")],
        text[..cut].to_owned(),
    )
        .into_response()
}

/// Ends the connection without an answer; the connection task drops this handler with it.
pub(crate) async fn end_without_answer(
    connection: Option<ConnectionContext>,
    how: Abort,
) -> Response {
    match connection {
        Some(connection) => {
            connection.abort(how);
            std::future::pending::<Response>().await
        }
        None => AwsError::generic(500, "InternalFailure", "the connection could not be ended")
            .into_response(),
    }
}

/// `ResourceNotFoundException` for an instance the emulator does not know.
pub(crate) fn check_instance(state: &AppState, instance_id: &str) -> Result<(), AwsError> {
    match state.config.instance(instance_id) {
        Some(_) => Ok(()),
        None => Err(not_found(format!("Instance not found: {instance_id}"))),
    }
}

pub(crate) fn not_found(message: String) -> AwsError {
    AwsError::connect(ConnectErrorKind::ResourceNotFound, message)
}

pub(crate) fn invalid_parameter(message: String) -> AwsError {
    AwsError::connect(ConnectErrorKind::InvalidParameter, message)
}
