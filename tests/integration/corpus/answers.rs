//! Comparing two answers: what an entry's `sameAnswerAs` checks, leaving out what differs between any
//! two answers to the same request (the request id, the instant it was checked, the seconds left in
//! the cache).

use serde_json::Value;

/// The answer without what always differs: `error.requestId`, `data.checkedAt`, the `cache-control`
/// header (its `max-age` counts down; check.rs holds each answer's to its rule); the body parsed, so
/// that member order does not count.
pub fn comparable(document: &Value) -> Value {
    let mut answer = document.clone();
    if let Some(headers) = answer.get_mut("headers").and_then(Value::as_object_mut) {
        headers.remove("cache-control");
    }
    let body = answer
        .get("body")
        .and_then(Value::as_str)
        .and_then(|text| serde_json::from_str::<Value>(text).ok());
    if let Some(mut body) = body {
        if let Some(error) = body.get_mut("error").and_then(Value::as_object_mut) {
            error.remove("requestId");
        }
        if let Some(data) = body.get_mut("data").and_then(Value::as_object_mut) {
            data.remove("checkedAt");
        }
        answer["body"] = body;
    }
    answer
}

/// How `answer` differs from `earlier` once both are [`comparable`]; `None` when they are the same.
pub fn difference(earlier: &Value, answer: &Value) -> Option<String> {
    let (earlier, answer) = (comparable(earlier), comparable(answer));
    (earlier != answer).then(|| format!("{answer}, expected {earlier}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn answer(cache_control: &str, checked_at: &str, open: bool) -> Value {
        let body = json!({"data": {"checkedAt": checked_at, "entryPoints": {"default": {"available": open}}}});
        json!({"statusCode": 200, "headers": {"cache-control": cache_control, "vary": "origin"},
            "body": body.to_string()})
    }

    #[test]
    fn answers_differ_only_by_what_always_differs() {
        let first = answer("public, max-age=15", "2026-12-05T09:00:00Z", true);
        let later = answer("public, max-age=14", "2026-12-05T09:00:01Z", true);
        assert_eq!(difference(&first, &later), None);
        let closed = answer("public, max-age=14", "2026-12-05T09:00:01Z", false);
        assert!(difference(&first, &closed).is_some());
        let mut other_header = later.clone();
        other_header["headers"]["access-control-allow-origin"] = json!("*");
        assert!(difference(&first, &other_header).is_some());
        let error = |id: &str| json!({"statusCode": 403, "headers": {}, "body": json!({"error": {"code": "X", "requestId": id}}).to_string()});
        assert_eq!(difference(&error("a"), &error("b")), None);
    }
}
