//! Rules of the documented answers, stated independently of the function's code: which
//! `Access-Control-Allow-Origin` an event must get, which headers may appear, how long the field list
//! and an error body may be.

use serde_json::Value;
use std::collections::BTreeSet;

/// At most this many invalid fields are listed (`fieldCount` gives the total).
pub const LISTED_FIELDS_MAX: usize = 20;
/// No error answer needs more; a hostile request must not make one bigger.
pub const ERROR_BODY_MAX_BYTES: usize = 16 * 1024;

/// Every header the function may answer with (openapi.yaml documents each).
pub const RESPONSE_HEADERS: [&str; 12] = [
    "vary",
    "access-control-allow-origin",
    "access-control-expose-headers",
    "access-control-allow-methods",
    "access-control-allow-headers",
    "access-control-max-age",
    "allow",
    "retry-after",
    "content-type",
    "cache-control",
    "x-content-type-options",
    "www-authenticate",
];

/// The error codes that list `fields`: invalid request fields, and a signed token's invalid claims.
pub const CODES_WITH_FIELDS: [&str; 2] = ["VALIDATION_FAILED", "TOKEN_CLAIMS_INVALID"];

/// The origins a configuration allows (`ALLOWED_ORIGINS`).
pub enum Allowed {
    Any,
    Exact(BTreeSet<String>),
}

impl Allowed {
    pub fn from_setting(value: &str) -> Self {
        if value.trim() == "*" {
            return Self::Any;
        }
        Self::Exact(
            value
                .split(',')
                .map(|origin| origin.trim().to_owned())
                .filter(|origin| !origin.is_empty())
                .collect(),
        )
    }
}

/// The `Access-Control-Allow-Origin` the answer must carry, from the event as API Gateway builds it:
/// payload 1.0's `multiValueHeaders` hold every value of a header (its `headers` only the last one),
/// 2.0's `headers` hold repeats joined by commas. Exactly one Origin value, allowed, gets it; a request
/// that is not an HTTP event at all never does.
pub fn expected_allow_origin(event: &Value, allowed: &Allowed) -> Option<String> {
    if !is_http_event(event) {
        return None;
    }
    let is_origin = |name: &String| name.eq_ignore_ascii_case("origin");
    let mut values: Vec<Value> = Vec::new();
    let multi = event.get("multiValueHeaders").and_then(Value::as_object);
    if let Some(multi) = multi {
        for (_, value) in multi.iter().filter(|(name, _)| is_origin(name)) {
            match value {
                Value::Array(items) => values.extend(items.iter().cloned()),
                other => values.push(other.clone()),
            }
        }
    }
    let in_multi = |name: &str| {
        multi.is_some_and(|multi| multi.keys().any(|key| key.eq_ignore_ascii_case(name)))
    };
    if let Some(single) = event.get("headers").and_then(Value::as_object) {
        for (name, value) in single.iter().filter(|(name, _)| is_origin(name)) {
            if !in_multi(name) {
                values.push(value.clone());
            }
        }
    }
    let [origin] = values.as_slice() else {
        return None;
    };
    match allowed {
        Allowed::Any => Some("*".to_owned()),
        Allowed::Exact(set) => origin
            .as_str()
            .filter(|origin| set.contains(*origin))
            .map(str::to_owned),
    }
}

/// An event the function can read a method from (payload 2.0's, else 1.0's), as a string.
pub fn is_http_event(event: &Value) -> bool {
    event
        .pointer("/requestContext/http/method")
        .or_else(|| event.get("httpMethod"))
        .is_some_and(Value::is_string)
}

/// The `Allow` of a 405 and of a preflight: the methods of the route the event's path names. The path is
/// payload 2.0's `rawPath`, else 1.0's `path`, else its `resource` (text only); its segments after the
/// first `push-registrations` decide: none, the collection; one, a registration; the chat otherwise.
pub fn expected_allow(event: &Value) -> &'static str {
    let path = ["rawPath", "path", "resource"]
        .iter()
        .find_map(|member| event.get(*member).and_then(Value::as_str))
        .unwrap_or_default();
    let mut segments = path.split('/').filter(|segment| !segment.is_empty());
    if !segments.any(|segment| segment == "push-registrations") {
        return "GET, POST, OPTIONS";
    }
    match segments.count() {
        0 => "POST, OPTIONS",
        1 => "DELETE, OPTIONS",
        _ => "OPTIONS",
    }
}
