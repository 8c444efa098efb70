//! Faults as the control API writes them (`POST /_emulator/faults`) and lists them.

use std::time::Duration;

use serde_json::{Value, json};

use super::{ConnectErrorKind, Fault};
use crate::operation::Operation;

/// Parses the control API's fault JSON: one object or an array of them. Each object is
/// `{"error": "ThrottlingException"}`, `{"delayMs": 6000}`, or one of the flags `{"dropConnection":
/// true}`, `{"stall": true}`, `{"malformedBody": true}`, `{"missingParticipantToken": true}`,
/// `{"resetAfterProcessing": true}`; optionally with `"count": n` to queue it n times and
/// `"operation": "GetCurrentMetricData"` for another operation than StartChatContact.
pub(crate) fn parse_faults(value: &Value) -> Result<Vec<(Operation, Fault)>, String> {
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

fn parse_one(value: &Value) -> Result<Vec<(Operation, Fault)>, String> {
    let Value::Object(fields) = value else {
        return Err("a fault must be a JSON object".to_owned());
    };
    let mut kinds = Vec::new();
    let mut operation = Operation::StartChatContact;
    for (key, field) in fields {
        match key.as_str() {
            "operation" => {
                operation = field
                    .as_str()
                    .and_then(Operation::from_name)
                    .ok_or_else(|| {
                        format!("\"operation\" must be one of {}", Operation::known_names())
                    })?;
            }
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
    if !fault.applies_to(operation) {
        return Err(format!(
            "{} applies to StartChatContact only",
            fault_json(&fault)
        ));
    }
    Ok(vec![
        (operation, fault);
        usize::try_from(count).unwrap_or(1)
    ])
}

/// Longest injectable delay: a day is "never" for any client, and larger values overflow timers.
const MAX_DELAY_MS: u64 = 24 * 60 * 60 * 1000;

/// The pending faults as `GET /_emulator/faults` lists them: a StartChatContact fault as before
/// (`{"stall": true}`), another operation's with its `"operation"`.
pub(crate) fn pending_json(pending: &[(Operation, Fault)]) -> Value {
    pending
        .iter()
        .map(|(operation, fault)| {
            let mut listed = fault_json(fault);
            if *operation != Operation::StartChatContact
                && let Value::Object(members) = &mut listed
            {
                members.insert("operation".to_owned(), Value::from(operation.name()));
            }
            listed
        })
        .collect()
}

/// The JSON form of a fault.
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

    const START: Operation = Operation::StartChatContact;

    #[test]
    fn parses_every_form() {
        assert_eq!(
            parse_faults(&json!({"error": "ThrottlingException"})).unwrap(),
            vec![(START, Fault::Error(ConnectErrorKind::Throttling))]
        );
        assert_eq!(
            parse_faults(&json!({"error": "AccessDenied", "count": 2})).unwrap(),
            vec![(START, Fault::Error(ConnectErrorKind::AccessDenied)); 2]
        );
        assert_eq!(
            parse_faults(&json!([{"delayMs": 6000}, {"dropConnection": true}])).unwrap(),
            vec![
                (START, Fault::Delay(Duration::from_secs(6))),
                (START, Fault::DropConnection)
            ]
        );
        for (name, fault) in Fault::FLAGS {
            assert_eq!(
                parse_faults(&json!({ name: true })).expect("a known flag"),
                vec![(START, fault.clone())]
            );
            assert_eq!(fault_json(&fault), json!({ name: true }));
        }
    }

    #[test]
    fn names_the_operation_when_not_start_chat() {
        let parsed = parse_faults(
            &json!({"operation": "GetCurrentMetricData", "error": "ThrottlingException", "count": 2}),
        )
        .expect("valid");
        let metrics = (
            Operation::GetCurrentMetricData,
            Fault::Error(ConnectErrorKind::Throttling),
        );
        assert_eq!(parsed, vec![metrics.clone(); 2]);
        assert_eq!(
            pending_json(&[metrics, (START, Fault::Stall)]),
            json!([{"error": "ThrottlingException", "operation": "GetCurrentMetricData"}, {"stall": true}])
        );
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
            json!({"operation": "Nope", "stall": true}),
            json!({"operation": "DescribeQueue", "missingParticipantToken": true}),
            json!("ThrottlingException"),
        ] {
            assert!(parse_faults(&bad).is_err(), "{bad}");
        }
    }
}
