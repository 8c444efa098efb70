//! What every answer must be, whatever the request: the entry's status and code, the documented body and
//! headers, CORS exactly for allowed origins, and Amazon Connect reached only by accepted requests.

use super::build::Entry;
use serde_json::{Map, Value};
use std::collections::BTreeSet;
use test_support::oracle::{
    Allowed, CODES_WITH_FIELDS, ERROR_BODY_MAX_BYTES, LISTED_FIELDS_MAX, RESPONSE_HEADERS,
    expected_allow, expected_allow_origin,
};

/// Codes whose answer means Amazon Connect was called.
pub const CONNECT_CODES: [&str; 9] = [
    "CHAT_REQUEST_REJECTED",
    "CHAT_RESOURCE_NOT_FOUND",
    "TOO_MANY_REQUESTS",
    "CHAT_LIMIT_EXCEEDED",
    "SERVICE_QUOTA_EXCEEDED",
    "SERVICE_MISCONFIGURED",
    "UPSTREAM_ERROR",
    "SERVICE_UNAVAILABLE",
    "UPSTREAM_TIMEOUT",
];

/// What one invocation did.
pub struct Observed<'a> {
    pub entry: &'a Entry,
    pub event: &'a Value,
    pub request_id: &'a str,
    /// The proxy response document (the function answered, not a Lambda error).
    pub document: &'a Value,
    /// Requests the emulator received during the invocation (StartChatContact and any other).
    pub connect_requests: usize,
    /// StartChatContact calls among them.
    pub start_chat_calls: usize,
    /// The StartChatContact request body, when there was exactly one.
    pub connect_body: Option<&'a Value>,
}

/// Every way the answer breaks a rule; empty when it is right.
pub fn check(
    observed: &Observed<'_>,
    allowed: &Allowed,
    documented: &BTreeSet<(u16, String)>,
) -> Vec<String> {
    let mut problems = Vec::new();
    let expect = &observed.entry.expect;
    let document = observed.document;

    let Some(status) = document
        .get("statusCode")
        .and_then(Value::as_u64)
        .and_then(|s| u16::try_from(s).ok())
    else {
        return vec![format!("no statusCode in {document}")];
    };
    if status != expect.status {
        problems.push(format!("status {status}, expected {}", expect.status));
    }
    if status >= 500 {
        problems.push(format!("a 5xx answer ({status})"));
    }
    if document.get("isBase64Encoded") != Some(&Value::Bool(false)) {
        problems.push("isBase64Encoded is not false".into());
    }
    let Some(headers) = document.get("headers").and_then(Value::as_object) else {
        problems.push(format!("no headers object in {document}"));
        return problems;
    };
    let header = |name: &str| headers.get(name).and_then(Value::as_str);
    if headers.values().any(|value| !value.is_string()) {
        problems.push("a header value is not a string".into());
    }
    if headers
        .keys()
        .any(|name| name.to_ascii_lowercase() != *name)
    {
        problems.push("a header name is not lowercase".into());
    }
    if let Some(name) = headers
        .keys()
        .find(|name| !RESPONSE_HEADERS.contains(&name.as_str()))
    {
        problems.push(format!("an undocumented response header {name}"));
    }
    if header("vary") != Some("origin") {
        problems.push(format!("vary is {:?}, expected \"origin\"", header("vary")));
    }

    let expected_origin = expected_allow_origin(observed.event, allowed);
    let allow_origin = header("access-control-allow-origin");
    if allow_origin != expected_origin.as_deref() {
        problems.push(format!(
            "access-control-allow-origin is {allow_origin:?}, expected {expected_origin:?}"
        ));
    }
    let exposed = header("access-control-expose-headers");
    if exposed.is_some() != expected_origin.is_some() {
        problems.push(format!("access-control-expose-headers is {exposed:?}"));
    }
    if header("access-control-allow-credentials").is_some() {
        problems.push("credentials are allowed".into());
    }
    for (name, value) in &expect.headers {
        if header(name) != Some(value.as_str()) {
            problems.push(format!("{name} is {:?}, expected {value:?}", header(name)));
        }
    }
    let allow = expected_allow(observed.event);
    if status == 405 && header("allow") != Some(allow) {
        problems.push(format!(
            "a 405 without Allow: {allow} ({:?})",
            header("allow")
        ));
    }
    if status == 401 && header("www-authenticate") != Some("Bearer") {
        problems.push(format!(
            "a 401 with www-authenticate {:?}",
            header("www-authenticate")
        ));
    }
    if status == 429 && header("retry-after").is_none() {
        problems.push("a 429 without retry-after".into());
    }

    let body_text = document.get("body").and_then(Value::as_str);
    if let (Some(limit), Some(text)) = (expect.max_response_bytes, body_text) {
        if text.len() > limit {
            problems.push(format!(
                "a {}-byte body, expected at most {limit}",
                text.len()
            ));
        }
    }
    let code = match (status, body_text) {
        (204, None) => {
            if header("allow") != Some(allow) {
                problems.push(format!("a 204 without Allow: {allow}"));
            }
            None
        }
        (204, Some(_)) => {
            problems.push("a 204 with a body".into());
            None
        }
        (_, None) => {
            problems.push(format!("no body for a {status}"));
            None
        }
        (_, Some(text)) => {
            if header("content-type") != Some("application/json") {
                problems.push(format!("content-type {:?}", header("content-type")));
            }
            let availability = status == 200 && is_availability(text);
            let cache_control = header("cache-control");
            let cacheable = cache_control.is_some_and(|value| {
                value
                    .strip_prefix("public, max-age=")
                    .and_then(|seconds| seconds.parse::<u64>().ok())
                    .is_some_and(|seconds| seconds >= 1)
            });
            // Only the availability answer may be kept by browsers and CDNs: the others carry tokens
            // or are about one request.
            if (availability && !cacheable) || (!availability && cache_control != Some("no-store"))
            {
                problems.push(format!("cache-control {cache_control:?}"));
            }
            match serde_json::from_str::<Value>(text) {
                Err(error) => {
                    problems.push(format!("the body is not JSON ({error})"));
                    None
                }
                Ok(body) if availability => {
                    check_availability(&body, &mut problems);
                    None
                }
                Ok(body) if status == 200 => {
                    check_started(&body, &mut problems);
                    None
                }
                Ok(body) => check_error(
                    &body,
                    text.len(),
                    status,
                    observed,
                    documented,
                    &mut problems,
                ),
            }
        }
    };
    if code.as_deref() != expect.code.as_deref() {
        problems.push(format!("code {code:?}, expected {:?}", expect.code));
    }

    // Connect is reached by accepted requests only (and by nothing else). An availability answer
    // starts no chat; its refresh asks at most the calls of one (the local setup's two queues: one
    // metrics call, two DescribeQueue, two hours), none when it came from the cache.
    let availability = status == 200
        && document
            .get("body")
            .and_then(Value::as_str)
            .is_some_and(is_availability);
    let reaches_connect =
        status == 200 || code.as_deref().is_some_and(|c| CONNECT_CODES.contains(&c));
    match (availability, reaches_connect, observed.connect_requests) {
        (true, _, n) if observed.start_chat_calls > 0 || n > AVAILABILITY_REFRESH_CALLS_MAX => {
            problems.push(format!(
                "an availability answer made {n} Connect requests ({} StartChatContact)",
                observed.start_chat_calls
            ));
        }
        (true, _, _) | (false, false, 0) | (false, true, 1) => {}
        (false, false, n) => {
            problems.push(format!("a refused request reached Connect ({n} requests)"))
        }
        (false, true, n) => problems.push(format!("{n} Connect requests, expected 1")),
    }
    let compares_request = expect.connect.is_some()
        || !expect.connect_lacks.is_empty()
        || !expect.connect_not.is_empty();
    match (compares_request, observed.connect_body) {
        (false, _) => {}
        (true, None) => problems.push("no StartChatContact request to compare".into()),
        (true, Some(sent)) => {
            for (key, value) in expect.connect.iter().flatten() {
                if sent.get(key) != Some(value) {
                    problems.push(format!(
                        "Connect got {key} = {:?}, expected {value}",
                        sent.get(key)
                    ));
                }
            }
            for key in &expect.connect_lacks {
                if sent.get(key).is_some() {
                    problems.push(format!("Connect got {key}, expected none"));
                }
            }
            for (key, value) in &expect.connect_not {
                match sent.get(key) {
                    None => problems.push(format!("Connect got no {key}")),
                    Some(sent) if sent == value => {
                        problems.push(format!("Connect got {key} = {value} as sent"))
                    }
                    Some(_) => {}
                }
            }
        }
    }
    problems
}

/// The Connect calls of one availability refresh under the local setup.
const AVAILABILITY_REFRESH_CALLS_MAX: usize = 5;

fn is_availability(text: &str) -> bool {
    serde_json::from_str::<Value>(text).is_ok_and(|body| body["data"]["entryPoints"].is_object())
}

/// `{"data": {"checkedAt", "entryPoints": {name: {"available", "reason", …}}}}`, `default` first.
fn check_availability(body: &Value, problems: &mut Vec<String>) {
    if !body["data"]["checkedAt"].is_string() {
        problems.push("data.checkedAt missing".into());
    }
    let Some(entry_points) = body["data"]["entryPoints"].as_object() else {
        return;
    };
    if entry_points.keys().next().map(String::as_str) != Some("default") {
        problems.push("data.entryPoints does not start with default".into());
    }
    for (name, answer) in entry_points {
        let reason = answer["reason"].as_str().unwrap_or_default();
        let available = &answer["available"];
        let consistent = match reason {
            "OPEN" => available == true,
            "UNKNOWN" => available.is_null(),
            "OUTSIDE_HOURS" | "CLOSED_BY_OVERRIDE" | "QUEUE_DISABLED" | "NO_AGENTS_STAFFED" => {
                available == false
            }
            _ => false,
        };
        if !consistent {
            problems.push(format!("entry point {name}: {answer}"));
        }
    }
}

fn check_started(body: &Value, problems: &mut Vec<String>) {
    let result = &body["data"]["startChatResult"];
    for member in ["ContactId", "ParticipantId", "ParticipantToken"] {
        let nested = result[member].as_str();
        if nested.is_none_or(str::is_empty) {
            problems.push(format!("data.startChatResult.{member} missing"));
        }
        if body[member].as_str() != nested {
            problems.push(format!(
                "the flat {member} differs from data.startChatResult's"
            ));
        }
    }
    for permission in ["MESSAGING_MARKDOWN", "ATTACHMENTS"] {
        if !body["data"]["featurePermissions"][permission].is_boolean() {
            problems.push(format!("data.featurePermissions.{permission} missing"));
        }
    }
}

/// The error body: exactly `{"error":{"code","message","fields"?,"fieldCount"?,"requestId"}}`.
fn check_error(
    body: &Value,
    length: usize,
    status: u16,
    observed: &Observed<'_>,
    documented: &BTreeSet<(u16, String)>,
    problems: &mut Vec<String>,
) -> Option<String> {
    let expect = &observed.entry.expect;
    if length > ERROR_BODY_MAX_BYTES {
        problems.push(format!("a {length}-byte error body"));
    }
    let Some(root) = body.as_object() else {
        problems.push(format!("the error body is not an object: {body}"));
        return None;
    };
    if root.keys().collect::<Vec<_>>() != ["error"] {
        problems.push(format!(
            "the error body has other members than `error`: {body}"
        ));
    }
    let Some(error) = root.get("error").and_then(Value::as_object) else {
        problems.push(format!("no error object: {body}"));
        return None;
    };
    let known = ["code", "message", "fields", "fieldCount", "requestId"];
    if let Some(other) = error.keys().find(|key| !known.contains(&key.as_str())) {
        problems.push(format!("an undocumented member error.{other}"));
    }
    let code = error.get("code").and_then(Value::as_str).map(str::to_owned);
    match &code {
        None => problems.push("error.code missing".into()),
        Some(code) if !documented.contains(&(status, code.clone())) => {
            problems.push(format!("{status} {code} is not in openapi.yaml"));
        }
        Some(_) => {}
    }
    if error
        .get("message")
        .and_then(Value::as_str)
        .is_none_or(str::is_empty)
    {
        problems.push("error.message missing or empty".into());
    }
    if error.get("requestId").and_then(Value::as_str) != Some(observed.request_id) {
        problems.push(format!(
            "error.requestId is {:?}, expected the invocation's {}",
            error.get("requestId"),
            observed.request_id
        ));
    }
    check_fields(error, problems);
    if let Some(expected) = &expect.fields {
        let listed: Vec<&str> = error
            .get("fields")
            .and_then(Value::as_array)
            .map(|fields| fields.iter().filter_map(|f| f["path"].as_str()).collect())
            .unwrap_or_default();
        if listed != *expected {
            problems.push(format!("fields {listed:?}, expected {expected:?}"));
        }
        if expect.field_count.is_none()
            && error.get("fieldCount").and_then(Value::as_u64) != Some(expected.len() as u64)
        {
            problems.push(format!(
                "fieldCount {:?}, expected {}",
                error.get("fieldCount"),
                expected.len()
            ));
        }
    }
    if let Some(count) = expect.field_count {
        if error.get("fieldCount").and_then(Value::as_u64) != Some(count) {
            problems.push(format!(
                "fieldCount {:?}, expected {count}",
                error.get("fieldCount")
            ));
        }
    }
    code
}

fn check_fields(error: &Map<String, Value>, problems: &mut Vec<String>) {
    let fields = error.get("fields");
    let count = error.get("fieldCount");
    match (fields, count) {
        (None, None) => {}
        (Some(Value::Array(fields)), Some(count)) => {
            let Some(count) = count.as_u64() else {
                problems.push(format!("fieldCount is not a count: {count}"));
                return;
            };
            if fields.is_empty() || fields.len() > LISTED_FIELDS_MAX {
                problems.push(format!("{} fields listed", fields.len()));
            }
            let expected_listed = count.min(LISTED_FIELDS_MAX as u64);
            if fields.len() as u64 != expected_listed {
                problems.push(format!(
                    "{} fields listed for a fieldCount of {count}",
                    fields.len()
                ));
            }
            for field in fields {
                let shaped = field.as_object().is_some_and(|field| {
                    field.len() == 2
                        && field
                            .get("path")
                            .and_then(Value::as_str)
                            .is_some_and(|p| !p.is_empty())
                        && field
                            .get("message")
                            .and_then(Value::as_str)
                            .is_some_and(|m| !m.is_empty())
                });
                if !shaped {
                    problems.push(format!("a field is not {{path, message}}: {field}"));
                }
            }
        }
        (fields, count) => problems.push(format!(
            "fields and fieldCount must come together: {fields:?} / {count:?}"
        )),
    }
    let code = error
        .get("code")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if fields.is_some() && !CODES_WITH_FIELDS.contains(&code) {
        problems.push(format!("fields on {code}"));
    }
}
