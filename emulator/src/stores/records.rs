//! What the control plane saw: every request, every StartChatContact call with its outcome, every
//! call of the other Connect operations, and the GetSecretValue calls.

use std::net::SocketAddr;
use std::sync::Mutex;
use std::time::Duration;

use serde::{Serialize, Serializer};

use crate::operation::Operation;
use crate::stores::faults::{Fault, fault_json};
use crate::sync::lock;

/// One request received on the control plane (the `/_emulator` routes are not recorded).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordedRequest {
    pub method: String,
    /// The path without the query string.
    pub path: String,
    /// The client's address: equal `peer`s mean the client reused one TCP connection.
    pub peer: SocketAddr,
    /// Whether the SigV4 signature verified against the configured credentials.
    pub signature_valid: bool,
    /// Why the signature did not verify (an AWS error code), when it did not.
    pub signature_error: Option<String>,
    /// The access key id named in the `Authorization` header, if any.
    pub access_key_id: Option<String>,
    /// Request headers in arrival order; `authorization` and `x-amz-security-token` values redacted.
    pub headers: Vec<(String, String)>,
    /// Milliseconds since the Unix epoch at arrival.
    pub received_at_ms: i64,
}

/// One `PUT /contact/chat` request and how it was answered.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordedStartChat {
    /// The request body as JSON; a JSON string holding the raw text when it was not valid JSON.
    pub body: serde_json::Value,
    /// The HTTP status answered; 0 when a fault ended the connection without an answer
    /// (`DropConnection`, `Stall`, `ResetAfterProcessing`).
    pub status: u16,
    /// The `x-amzn-ErrorType` answered, if an error (`ThrottlingException` when the rate quota
    /// refused the call).
    pub error_code: Option<String>,
    /// The contact started or replayed, when the call succeeded; also set for a
    /// `ResetAfterProcessing` call, whose chat exists although its answer was lost.
    pub contact_id: Option<String>,
    /// Whether this was answered from the ClientToken cache without starting a chat.
    pub idempotent_replay: bool,
    /// The request's `ClientToken`, when it had one (a string).
    pub client_token: Option<String>,
    /// The injected fault this call met, if any.
    #[serde(serialize_with = "optional_fault")]
    pub fault: Option<Fault>,
    pub peer: SocketAddr,
    /// The emulator's own time for the request: from reading its body until the answer is ready to
    /// send (an injected delay not included). Benchmarks subtract it from a client's latency. JSON:
    /// `serviceTimeUs`, fractional microseconds.
    #[serde(rename = "serviceTimeUs", serialize_with = "as_micros")]
    pub service_time: Duration,
}

fn optional_fault<S: Serializer>(value: &Option<Fault>, serializer: S) -> Result<S::Ok, S::Error> {
    value.as_ref().map(fault_json).serialize(serializer)
}

/// One call of a Connect operation other than StartChatContact (whose calls are
/// [`RecordedStartChat`]s) and how it was answered. Bodies are not kept: they may hold device tokens.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordedCall {
    pub operation: Operation,
    /// The instance the path names.
    pub instance_id: String,
    /// The HTTP status answered; 0 when a fault ended the connection without an answer.
    pub status: u16,
    /// The `x-amzn-ErrorType` answered, if an error.
    pub error_code: Option<String>,
    /// The injected fault this call met, if any.
    #[serde(serialize_with = "optional_fault")]
    pub fault: Option<Fault>,
    pub peer: SocketAddr,
}

/// One Secrets Manager GetSecretValue call and how it was answered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordedSecretCall {
    /// The `SecretId` asked for, when the body had one.
    pub secret_id: Option<String>,
    /// The HTTP status answered.
    pub status: u16,
    /// The error `__type` answered, if an error.
    pub error_code: Option<String>,
    pub peer: SocketAddr,
}

fn as_micros<S: Serializer>(value: &Duration, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_f64(value.as_secs_f64() * 1e6)
}

pub(crate) struct Records {
    limit: usize,
    requests: Mutex<Vec<RecordedRequest>>,
    start_chat_calls: Mutex<Vec<RecordedStartChat>>,
    secret_calls: Mutex<Vec<RecordedSecretCall>>,
    operation_calls: Mutex<Vec<RecordedCall>>,
}

/// Appends, dropping the oldest tenth first when the list is full (benchmarks run long).
fn push_bounded<T>(list: &mut Vec<T>, entry: T, limit: usize) {
    if list.len() >= limit.max(1) {
        let excess = (limit / 10).max(1).min(list.len());
        list.drain(..excess);
    }
    list.push(entry);
}

impl Records {
    pub(crate) fn new(limit: usize) -> Self {
        Records {
            limit,
            requests: Mutex::default(),
            start_chat_calls: Mutex::default(),
            secret_calls: Mutex::default(),
            operation_calls: Mutex::default(),
        }
    }

    pub(crate) fn push_request(&self, request: RecordedRequest) {
        push_bounded(&mut lock(&self.requests), request, self.limit);
    }

    pub(crate) fn push_start_chat(&self, call: RecordedStartChat) {
        push_bounded(&mut lock(&self.start_chat_calls), call, self.limit);
    }

    pub(crate) fn push_secret_call(&self, call: RecordedSecretCall) {
        push_bounded(&mut lock(&self.secret_calls), call, self.limit);
    }

    pub(crate) fn push_operation_call(&self, call: RecordedCall) {
        push_bounded(&mut lock(&self.operation_calls), call, self.limit);
    }

    pub(crate) fn operation_calls(&self) -> Vec<RecordedCall> {
        lock(&self.operation_calls).clone()
    }

    pub(crate) fn secret_calls(&self) -> Vec<RecordedSecretCall> {
        lock(&self.secret_calls).clone()
    }

    pub(crate) fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.requests).clone()
    }

    pub(crate) fn start_chat_calls(&self) -> Vec<RecordedStartChat> {
        lock(&self.start_chat_calls).clone()
    }

    pub(crate) fn clear(&self) {
        lock(&self.requests).clear();
        lock(&self.start_chat_calls).clear();
        lock(&self.secret_calls).clear();
        lock(&self.operation_calls).clear();
    }
}

#[cfg(test)]
mod tests {
    use super::push_bounded;

    #[test]
    fn bounded_lists_drop_the_oldest_tenth() {
        let mut list = Vec::new();
        for n in 0..25 {
            push_bounded(&mut list, n, 20);
        }
        assert!(list.len() <= 20);
        assert_eq!(list.last(), Some(&24));
        assert!(list.windows(2).all(|w| w[0] + 1 == w[1]));
    }
}
