//! The Lambda boundary: an API Gateway REST (payload 1.0), HTTP API (2.0) or function URL event becomes an
//! [`HttpRequest`], and an [`HttpResponse`] becomes the proxy response document all three accept.
//!
//! Written here rather than taken from `lambda_http`, whose conversion panics on inputs a caller controls
//! (a `Host` with a space, a malformed `X-Forwarded-Proto`, a raw `"` in the query string, a body flagged
//! base64 that is not): a panic aborts the process and API Gateway answers a bare 502 without CORS. Only
//! the method, the path, the headers and the body are read; host, query and scheme are ignored. The path
//! is kept as text whatever it holds: only its last segments choose the route.

use super::message::{Headers, HttpRequest, HttpResponse, RequestBody};
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Map, Value};

/// Why an event cannot be read as an HTTP request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventError {
    /// Neither a payload 1.0 `httpMethod` nor a 2.0 `requestContext.http.method`.
    NotHttp,
    /// `isBase64Encoded` is true but the body is not base64 (found when the body is read).
    BodyNotBase64,
}

/// Reads the parts of the event this API needs. Never panics, whatever the event holds.
pub fn request_from_event(event: &Value) -> Result<HttpRequest, EventError> {
    let method = event
        .pointer("/requestContext/http/method")
        .or_else(|| event.get("httpMethod"))
        .and_then(Value::as_str)
        .ok_or(EventError::NotHttp)?;
    Ok(HttpRequest {
        method: method.to_owned(),
        path: path(event),
        headers: headers(event),
        body: body(event),
    })
}

/// Payload 2.0 (HTTP API, function URLs): `rawPath`, the stage prefix included. Payload 1.0 (REST API):
/// `path`, else the `resource` template. Anything else, or a path that is not a string, reads as `""`
/// (the chat route).
fn path(event: &Value) -> String {
    ["rawPath", "path", "resource"]
        .iter()
        .find_map(|member| event.get(*member).and_then(Value::as_str))
        .unwrap_or_default()
        .to_owned()
}

/// Payload 1.0 carries every value of a repeated header in `multiValueHeaders` and the last one in
/// `headers`; 2.0 joins repeats with commas in `headers`. Names are matched case-insensitively, so
/// `Origin` and `origin` are the same header. A value that is not a string still counts as sent (a
/// present but unreadable `Origin` must be refused, not ignored).
fn headers(event: &Value) -> Headers {
    let mut headers = Headers::new();
    let multi = event.get("multiValueHeaders").and_then(Value::as_object);
    if let Some(multi) = multi {
        for (name, values) in multi {
            match values {
                Value::Array(values) => {
                    for value in values {
                        headers.append(name, text(value));
                    }
                }
                other => headers.append(name, text(other)),
            }
        }
    }
    if let Some(single) = event.get("headers").and_then(Value::as_object) {
        for (name, value) in single {
            if !multi.is_some_and(|multi| has_key_ignoring_case(multi, name)) {
                headers.append(name, text(value));
            }
        }
    }
    headers
}

fn has_key_ignoring_case(object: &Map<String, Value>, name: &str) -> bool {
    object.keys().any(|key| key.eq_ignore_ascii_case(name))
}

fn text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn body(event: &Value) -> RequestBody {
    let text = match event.get("body") {
        Some(Value::String(text)) => text.clone(),
        _ => String::new(),
    };
    match event.get("isBase64Encoded") {
        Some(Value::Bool(true)) => RequestBody::Base64(text),
        _ => RequestBody::Text(text),
    }
}

/// Which proxy payload format an event used; the response is written in the same one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PayloadVersion {
    /// REST API (and anything with `httpMethod`): `multiValueHeaders` beside `headers`.
    V1,
    /// HTTP API and function URLs: `cookies` beside `headers`.
    V2,
}

impl PayloadVersion {
    pub fn of(event: &Value) -> Self {
        if event.pointer("/requestContext/http").is_some() {
            Self::V2
        } else {
            Self::V1
        }
    }
}

/// The proxy integration's response document: `statusCode`, `headers`, `body`, `isBase64Encoded`, plus
/// the member each payload format expects (and strict readers require): `multiValueHeaders` for 1.0,
/// `cookies` for 2.0.
pub struct ProxyResponse {
    pub response: HttpResponse,
    pub version: PayloadVersion,
}

impl Serialize for ProxyResponse {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let response = &self.response;
        let mut document = serializer.serialize_map(Some(5))?;
        document.serialize_entry("statusCode", &response.status)?;
        document.serialize_entry("headers", &HeaderObject(&response.headers))?;
        match self.version {
            PayloadVersion::V1 => document
                .serialize_entry("multiValueHeaders", &MultiValueHeaders(&response.headers))?,
            PayloadVersion::V2 => document.serialize_entry("cookies", &[] as &[&str])?,
        }
        if let Some(body) = &response.body {
            document.serialize_entry("body", body)?;
        }
        document.serialize_entry("isBase64Encoded", &false)?;
        document.end()
    }
}

/// Every header as a one-element list, as payload 1.0's `multiValueHeaders` holds them.
struct MultiValueHeaders<'a>(&'a [(&'static str, String)]);

impl Serialize for MultiValueHeaders<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut object = serializer.serialize_map(Some(self.0.len()))?;
        for (name, value) in self.0 {
            object.serialize_entry(name, &[value])?;
        }
        object.end()
    }
}

struct HeaderObject<'a>(&'a [(&'static str, String)]);

impl Serialize for HeaderObject<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut object = serializer.serialize_map(Some(self.0.len()))?;
        for (name, value) in self.0 {
            object.serialize_entry(name, value)?;
        }
        object.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn payload_2_reads_method_headers_and_body() {
        let event = json!({"version": "2.0", "requestContext": {"http": {"method": "POST"}},
            "headers": {"Origin": "https://a.example", "content-type": "text/plain"},
            "body": "{}", "isBase64Encoded": false});
        let request = request_from_event(&event).expect("a valid event");
        assert_eq!(request.method, "POST");
        assert_eq!(request.headers.single("origin"), Some("https://a.example"));
        assert_eq!(request.body, RequestBody::Text("{}".to_owned()));
    }

    #[test]
    fn payload_1_prefers_every_value_of_a_repeated_header() {
        let event = json!({"httpMethod": "OPTIONS",
            "headers": {"Origin": "https://b.example", "Accept": "*/*"},
            "multiValueHeaders": {"origin": ["https://a.example", "https://b.example"]},
            "body": null});
        let request = request_from_event(&event).expect("a valid event");
        assert_eq!(request.method, "OPTIONS");
        assert_eq!(
            request.headers.get_all("origin").collect::<Vec<_>>(),
            ["https://a.example", "https://b.example"]
        );
        assert_eq!(request.headers.single("accept"), Some("*/*"));
        assert_eq!(request.body, RequestBody::default());
    }

    #[test]
    fn a_header_of_another_json_type_still_counts_as_sent() {
        let event = json!({"httpMethod": "POST", "headers": {"origin": 7, "x": null}});
        let request = request_from_event(&event).expect("a valid event");
        assert_eq!(request.headers.single("origin"), Some("7"));
        assert!(request.headers.contains("x"));
    }

    #[test]
    fn a_base64_body_is_kept_encoded_until_it_is_read() {
        let event = json!({"httpMethod": "POST", "body": "eyJhIjoxfQ==", "isBase64Encoded": true});
        let request = request_from_event(&event).expect("a valid event");
        assert_eq!(request.body, RequestBody::Base64("eyJhIjoxfQ==".to_owned()));
    }

    #[test]
    fn what_is_not_an_http_event_is_an_error_not_a_panic() {
        for event in [
            json!(null),
            json!([]),
            json!({"httpMethod": 5}),
            json!({"requestContext": {"http": {}}}),
            json!("POST"),
        ] {
            assert_eq!(
                request_from_event(&event),
                Err(EventError::NotHttp),
                "{event}"
            );
        }
    }

    #[test]
    fn the_path_comes_from_each_payload_format() {
        for (event, path) in [
            (
                json!({"rawPath": "/prod/chat/push-registrations", "requestContext": {"http": {"method": "POST"}}}),
                "/prod/chat/push-registrations",
            ),
            (
                json!({"httpMethod": "DELETE", "path": "/chat/push-registrations/r-1", "resource": "/chat/push-registrations/{registrationId}"}),
                "/chat/push-registrations/r-1",
            ),
            (
                json!({"httpMethod": "POST", "resource": "/chat/push-registrations"}),
                "/chat/push-registrations",
            ),
            (json!({"httpMethod": "POST", "path": 7}), ""),
            (json!({"httpMethod": "POST"}), ""),
        ] {
            let request = request_from_event(&event).expect("a valid event");
            assert_eq!(request.path, path, "{event}");
        }
    }

    #[test]
    fn hostile_host_scheme_and_query_are_ignored() {
        let event = json!({"version": "2.0", "rawPath": "/chat a", "rawQueryString": "a=\" b",
            "requestContext": {"http": {"method": "POST"}, "domainName": "a b"},
            "headers": {"host": "a b", "x-forwarded-proto": "https evil"}, "body": "{}"});
        assert!(request_from_event(&event).is_ok());
    }

    #[test]
    fn the_response_document_is_in_the_events_payload_format() {
        let response = HttpResponse {
            status: 204,
            headers: vec![("vary", "origin".to_owned())],
            body: None,
        };
        let v2 = ProxyResponse {
            response: response.clone(),
            version: PayloadVersion::of(&json!({"requestContext": {"http": {"method": "POST"}}})),
        };
        assert_eq!(
            serde_json::to_value(v2).expect("serializable"),
            json!({"statusCode": 204, "headers": {"vary": "origin"}, "cookies": [],
                "isBase64Encoded": false})
        );
        let v1 = ProxyResponse {
            response,
            version: PayloadVersion::of(&json!({"httpMethod": "POST"})),
        };
        assert_eq!(
            serde_json::to_value(v1).expect("serializable"),
            json!({"statusCode": 204, "headers": {"vary": "origin"},
                "multiValueHeaders": {"vary": ["origin"]}, "isBase64Encoded": false})
        );
    }
}
