//! Injected faults: each queued fault applies to the next request of its operation
//! (StartChatContact unless it names another).
//!
//! Two kinds: those answered *instead of* processing the request (`Error`, `DropConnection`,
//! `Stall`: no chat, no quota token), and those applied to the answer *after* processing it (`Delay`,
//! `MalformedBody`, `MissingParticipantToken`, `ResetAfterProcessing`: the call is processed as
//! usual, takes its quota token, and a chat it starts exists).

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Duration;

use crate::operation::Operation;
use crate::sync::lock;

mod json;

pub(crate) use json::{fault_json, parse_faults, pending_json};

/// A fault applied to one request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Answer with this service error instead of starting a chat.
    Error(ConnectErrorKind),
    /// Process the request normally but answer only after this long: a slow service, whose
    /// chat exists even when the client gives up and retries.
    Delay(Duration),
    /// Close the TCP connection without answering (the request is not processed).
    DropConnection,
    /// Never answer and never process: the connection stays open until the client gives up and
    /// closes it (a client without a timeout waits until the emulator stops).
    Stall,
    /// Process the request; a successful answer becomes a 200 whose body is not JSON (cut off
    /// half-way). Error answers are sent unchanged.
    MalformedBody,
    /// Process the request; a successful answer becomes a 200 without `ParticipantToken`. Error
    /// answers are sent unchanged. StartChatContact only.
    MissingParticipantToken,
    /// Process the request (a chat is started and counted), then reset the TCP connection instead
    /// of answering: the answer is lost, as when a network fails after the service acted.
    ResetAfterProcessing,
}

impl Fault {
    /// Whether this fault can apply to `operation` (all but `MissingParticipantToken` apply to any).
    pub(crate) fn applies_to(&self, operation: Operation) -> bool {
        *self != Fault::MissingParticipantToken || operation == Operation::StartChatContact
    }

    /// The faults that take no value in JSON (`{"stall": true}`), by their JSON name.
    pub(super) const FLAGS: [(&'static str, Fault); 5] = [
        ("dropConnection", Fault::DropConnection),
        ("stall", Fault::Stall),
        ("malformedBody", Fault::MalformedBody),
        ("missingParticipantToken", Fault::MissingParticipantToken),
        ("resetAfterProcessing", Fault::ResetAfterProcessing),
    ];
}

/// The errors StartChatContact can return, with their real status codes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ConnectErrorKind {
    InvalidRequest,
    InvalidParameter,
    ResourceNotFound,
    LimitExceeded,
    Throttling,
    AccessDenied,
    InternalService,
    ServiceUnavailable,
}

impl ConnectErrorKind {
    pub const ALL: [ConnectErrorKind; 8] = [
        ConnectErrorKind::InvalidRequest,
        ConnectErrorKind::InvalidParameter,
        ConnectErrorKind::ResourceNotFound,
        ConnectErrorKind::LimitExceeded,
        ConnectErrorKind::Throttling,
        ConnectErrorKind::AccessDenied,
        ConnectErrorKind::InternalService,
        ConnectErrorKind::ServiceUnavailable,
    ];

    /// The `x-amzn-ErrorType` code.
    pub fn code(self) -> &'static str {
        match self {
            ConnectErrorKind::InvalidRequest => "InvalidRequestException",
            ConnectErrorKind::InvalidParameter => "InvalidParameterException",
            ConnectErrorKind::ResourceNotFound => "ResourceNotFoundException",
            ConnectErrorKind::LimitExceeded => "LimitExceededException",
            ConnectErrorKind::Throttling => "ThrottlingException",
            ConnectErrorKind::AccessDenied => "AccessDeniedException",
            ConnectErrorKind::InternalService => "InternalServiceException",
            ConnectErrorKind::ServiceUnavailable => "ServiceUnavailableException",
        }
    }

    /// The HTTP status the service answers with.
    pub fn status(self) -> u16 {
        match self {
            ConnectErrorKind::InvalidRequest | ConnectErrorKind::InvalidParameter => 400,
            ConnectErrorKind::AccessDenied => 403,
            ConnectErrorKind::ResourceNotFound => 404,
            ConnectErrorKind::LimitExceeded | ConnectErrorKind::Throttling => 429,
            ConnectErrorKind::InternalService => 500,
            ConnectErrorKind::ServiceUnavailable => 503,
        }
    }

    /// A message like the service's for an injected error.
    pub(crate) fn default_message(self) -> &'static str {
        match self {
            ConnectErrorKind::InvalidRequest => "The request is not valid.",
            ConnectErrorKind::InvalidParameter => {
                "One or more of the specified parameters are not valid."
            }
            ConnectErrorKind::ResourceNotFound => "Resource not found of Type: null",
            ConnectErrorKind::LimitExceeded => {
                "The allowed limit for the resource has been exceeded."
            }
            ConnectErrorKind::Throttling => "Rate exceeded",
            ConnectErrorKind::AccessDenied => {
                "You do not have sufficient access to perform this action."
            }
            ConnectErrorKind::InternalService => {
                "Request processing failed because of an error or failure with the service."
            }
            ConnectErrorKind::ServiceUnavailable => "Service Unavailable",
        }
    }

    /// Accepts the full code (`ThrottlingException`) or the variant name (`Throttling`).
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.code() == code || kind.code().strip_suffix("Exception") == Some(code))
    }
}

/// The pending faults, in the order they were queued, each for one operation.
#[derive(Default)]
pub(crate) struct FaultQueue {
    pending: Mutex<VecDeque<(Operation, Fault)>>,
}

impl FaultQueue {
    pub(crate) fn push(&self, operation: Operation, fault: Fault) {
        lock(&self.pending).push_back((operation, fault));
    }

    /// The oldest pending fault of `operation`, taken off the queue.
    pub(crate) fn next(&self, operation: Operation) -> Option<Fault> {
        let mut pending = lock(&self.pending);
        let index = pending.iter().position(|(op, _)| *op == operation)?;
        pending.remove(index).map(|(_, fault)| fault)
    }

    pub(crate) fn pending(&self) -> Vec<(Operation, Fault)> {
        lock(&self.pending).iter().cloned().collect()
    }

    pub(crate) fn clear(&self) {
        lock(&self.pending).clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_operation_takes_its_own_faults_in_order() {
        let queue = FaultQueue::default();
        queue.push(Operation::StartChatContact, Fault::Stall);
        queue.push(Operation::GetCurrentMetricData, Fault::DropConnection);
        queue.push(Operation::StartChatContact, Fault::MalformedBody);
        assert_eq!(
            queue.next(Operation::GetCurrentMetricData),
            Some(Fault::DropConnection)
        );
        assert_eq!(queue.next(Operation::DescribeQueue), None);
        assert_eq!(queue.next(Operation::StartChatContact), Some(Fault::Stall));
        assert_eq!(queue.pending().len(), 1);
        assert!(!Fault::MissingParticipantToken.applies_to(Operation::DescribeQueue));
        assert!(Fault::Stall.applies_to(Operation::DescribeQueue));
    }

    #[test]
    fn codes_round_trip_with_statuses() {
        for kind in ConnectErrorKind::ALL {
            assert_eq!(ConnectErrorKind::from_code(kind.code()), Some(kind));
            assert!(kind.status() >= 400);
        }
        assert_eq!(ConnectErrorKind::Throttling.status(), 429);
        assert_eq!(ConnectErrorKind::ServiceUnavailable.status(), 503);
    }
}
