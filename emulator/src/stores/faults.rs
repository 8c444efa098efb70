//! Injected faults: each queued fault applies to the next StartChatContact request.
//!
//! Two kinds: those answered *instead of* processing the request (`Error`, `DropConnection`,
//! `Stall`: no chat, no quota token), and those applied to the answer *after* processing it (`Delay`,
//! `MalformedBody`, `MissingParticipantToken`, `ResetAfterProcessing`: the call is processed as
//! usual, takes its quota token, and a chat it starts exists).

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Duration;

use serde_json::{Value, json};

use crate::sync::lock;

/// A fault applied to one StartChatContact request.
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
    /// answers are sent unchanged.
    MissingParticipantToken,
    /// Process the request (a chat is started and counted), then reset the TCP connection instead
    /// of answering: the answer is lost, as when a network fails after the service acted.
    ResetAfterProcessing,
}

impl Fault {
    /// The faults that take no value in JSON (`{"stall": true}`), by their JSON name.
    const FLAGS: [(&'static str, Fault); 5] = [
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

#[derive(Default)]
pub(crate) struct FaultQueue {
    pending: Mutex<VecDeque<Fault>>,
}

impl FaultQueue {
    pub(crate) fn push(&self, fault: Fault) {
        lock(&self.pending).push_back(fault);
    }

    pub(crate) fn next(&self) -> Option<Fault> {
        lock(&self.pending).pop_front()
    }

    pub(crate) fn pending(&self) -> Vec<Fault> {
        lock(&self.pending).iter().cloned().collect()
    }

    pub(crate) fn clear(&self) {
        lock(&self.pending).clear();
    }
}

/// Parses the control API's fault JSON: one object or an array of them. Each object is
/// `{"error": "ThrottlingException"}`, `{"delayMs": 6000}`, or one of the flags `{"dropConnection":
/// true}`, `{"stall": true}`, `{"malformedBody": true}`, `{"missingParticipantToken": true}`,
/// `{"resetAfterProcessing": true}`; optionally with `"count": n` to queue it n times.
pub(crate) fn parse_faults(value: &Value) -> Result<Vec<Fault>, String> {
    match value {
        Value::Array(items) => {
            let mut faults = Vec::new();
            for item in items {
                faults.extend(parse_one(item)?);
            }
            Ok(faults)
        }
        other => parse_one(other),
    }
}

fn known_fields() -> String {
    let mut names = vec!["\"error\"".to_owned(), "\"delayMs\"".to_owned()];
    names.extend(Fault::FLAGS.iter().map(|(name, _)| format!("\"{name}\"")));
    names.join(", ")
}

fn parse_one(value: &Value) -> Result<Vec<Fault>, String> {
    let Value::Object(fields) = value else {
        return Err("a fault must be a JSON object".to_owned());
    };
    let mut kinds = Vec::new();
    for (key, field) in fields {
        match key.as_str() {
            "error" => {
                let code = field.as_str().ok_or("\"error\" must be a string")?;
                let kind = ConnectErrorKind::from_code(code).ok_or_else(|| {
                    let known: Vec<&str> = ConnectErrorKind::ALL.iter().map(|k| k.code()).collect();
                    format!("unknown error {code:?}; known: {}", known.join(", "))
                })?;
                kinds.push(Fault::Error(kind));
            }
            "delayMs" => {
                let millis = field
                    .as_u64()
                    .filter(|ms| *ms <= MAX_DELAY_MS)
                    .ok_or(format!(
                        "\"delayMs\" must be an integer from 0 to {MAX_DELAY_MS}"
                    ))?;
                kinds.push(Fault::Delay(Duration::from_millis(millis)));
            }
            "count" => {}
            other => {
                let Some((_, flag)) = Fault::FLAGS.iter().find(|(name, _)| *name == other) else {
                    return Err(format!(
                        "unknown fault field {other:?}; known: {}, \"count\"",
                        known_fields()
                    ));
                };
                match field {
                    Value::Bool(true) => kinds.push(flag.clone()),
                    Value::Bool(false) => {}
                    _ => return Err(format!("\"{other}\" must be a boolean")),
                }
            }
        }
    }
    let fault = match kinds.as_slice() {
        [one] => one.clone(),
        [] => return Err(format!("a fault needs one of {}", known_fields())),
        _ => return Err(format!("a fault takes only one of {}", known_fields())),
    };
    let count = match fields.get("count") {
        None => 1,
        Some(count) => count
            .as_u64()
            .filter(|c| (1..=1000).contains(c))
            .ok_or("\"count\" must be an integer from 1 to 1000")?,
    };
    Ok(vec![fault; usize::try_from(count).unwrap_or(1)])
}

/// Longest injectable delay: a day is "never" for any client, and larger values overflow timers.
const MAX_DELAY_MS: u64 = 24 * 60 * 60 * 1000;

/// The JSON form of a fault, as `GET /_emulator/faults` lists it.
pub(crate) fn fault_json(fault: &Fault) -> Value {
    match fault {
        Fault::Error(kind) => json!({ "error": kind.code() }),
        Fault::Delay(delay) => {
            json!({ "delayMs": u64::try_from(delay.as_millis()).unwrap_or(u64::MAX) })
        }
        flag => {
            let name = Fault::FLAGS
                .iter()
                .find(|(_, known)| known == flag)
                .map_or("unknown", |(name, _)| name);
            json!({ name: true })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_form() {
        assert_eq!(
            parse_faults(&json!({"error": "ThrottlingException"})).unwrap(),
            vec![Fault::Error(ConnectErrorKind::Throttling)]
        );
        assert_eq!(
            parse_faults(&json!({"error": "AccessDenied", "count": 2})).unwrap(),
            vec![Fault::Error(ConnectErrorKind::AccessDenied); 2]
        );
        assert_eq!(
            parse_faults(&json!([{"delayMs": 6000}, {"dropConnection": true}])).unwrap(),
            vec![Fault::Delay(Duration::from_secs(6)), Fault::DropConnection]
        );
        for (name, fault) in Fault::FLAGS {
            assert_eq!(
                parse_faults(&json!({ name: true })).expect("a known flag"),
                vec![fault.clone()]
            );
            assert_eq!(fault_json(&fault), json!({ name: true }));
        }
    }

    #[test]
    fn rejects_bad_faults() {
        for bad in [
            json!({}),
            json!({"error": "Nope"}),
            json!({"error": 1}),
            json!({"delayMs": -1}),
            json!({"delayMs": u64::MAX}),
            json!({"stall": 1}),
            json!({"stall": true, "malformedBody": true}),
            json!({"delayMs": 1, "error": "ThrottlingException"}),
            json!({"dropConnection": "yes"}),
            json!({"error": "ThrottlingException", "count": 0}),
            json!({"other": 1}),
            json!("ThrottlingException"),
        ] {
            assert!(parse_faults(&bad).is_err(), "{bad}");
        }
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
