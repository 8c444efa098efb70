//! Reading rest-json requests: body members by JSON type and query parameters. A member of the
//! wrong JSON type is a serialization error (400 `SerializationException`, as the service's front
//! end answers); `null` counts as absent.

use axum::http::Uri;
use percent_encoding::percent_decode_str;
use serde_json::{Map, Value};

use crate::http::aws_error::AwsError;

pub(crate) fn serialization_error(message: String) -> AwsError {
    AwsError::generic(400, "SerializationException", message)
}

fn wrong_type(key: &str, expected: &str) -> AwsError {
    serialization_error(format!("Expected {expected} for member '{key}'."))
}

pub(crate) fn present<'v>(object: &'v Map<String, Value>, key: &str) -> Option<&'v Value> {
    object.get(key).filter(|v| !v.is_null())
}

pub(crate) fn string(object: &Map<String, Value>, key: &str) -> Result<Option<String>, AwsError> {
    match present(object, key) {
        None => Ok(None),
        Some(Value::String(text)) => Ok(Some(text.clone())),
        Some(_) => Err(wrong_type(key, "a string")),
    }
}

pub(crate) fn integer(object: &Map<String, Value>, key: &str) -> Result<Option<i64>, AwsError> {
    match present(object, key) {
        None => Ok(None),
        Some(value) => value
            .as_i64()
            .map(Some)
            .ok_or_else(|| wrong_type(key, "an integer")),
    }
}

pub(crate) fn object<'v>(
    object: &'v Map<String, Value>,
    key: &str,
) -> Result<Option<&'v Map<String, Value>>, AwsError> {
    match present(object, key) {
        None => Ok(None),
        Some(Value::Object(inner)) => Ok(Some(inner)),
        Some(_) => Err(wrong_type(key, "an object")),
    }
}

pub(crate) fn string_list(
    object: &Map<String, Value>,
    key: &str,
) -> Result<Option<Vec<String>>, AwsError> {
    match present(object, key) {
        None => Ok(None),
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| {
                item.as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| wrong_type(key, "a list of strings"))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some),
        Some(_) => Err(wrong_type(key, "a list of strings")),
    }
}

pub(crate) fn string_map(
    object: &Map<String, Value>,
    key: &str,
) -> Result<Option<Vec<(String, String)>>, AwsError> {
    match present(object, key) {
        None => Ok(None),
        Some(Value::Object(entries)) => entries
            .iter()
            .map(|(name, value)| {
                value
                    .as_str()
                    .map(|text| (name.clone(), text.to_owned()))
                    .ok_or_else(|| wrong_type(key, "a map of strings to strings"))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some),
        Some(_) => Err(wrong_type(key, "a map of strings to strings")),
    }
}

pub(crate) fn boolean(object: &Map<String, Value>, key: &str) -> Result<Option<bool>, AwsError> {
    match present(object, key) {
        None => Ok(None),
        Some(Value::Bool(flag)) => Ok(Some(*flag)),
        Some(_) => Err(wrong_type(key, "a boolean")),
    }
}

/// A list of objects (each element must be one).
pub(crate) fn object_list<'v>(
    object: &'v Map<String, Value>,
    key: &str,
) -> Result<Option<Vec<&'v Map<String, Value>>>, AwsError> {
    match present(object, key) {
        None => Ok(None),
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| match item {
                Value::Object(inner) => Ok(inner),
                _ => Err(wrong_type(key, "a list of objects")),
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some),
        Some(_) => Err(wrong_type(key, "a list of objects")),
    }
}

/// The body as a JSON object (`{}` when empty); anything else is a SerializationException.
pub(crate) fn body_object(body: &[u8]) -> Result<Map<String, Value>, AwsError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match serde_json::from_slice(body) {
        Ok(Value::Object(root)) => Ok(root),
        Ok(_) => Err(serialization_error(
            "The request body must be a JSON object.".to_owned(),
        )),
        Err(e) => Err(serialization_error(format!(
            "The request body is not valid JSON: {e}"
        ))),
    }
}

/// A query parameter, percent-decoded (`+` is a space); the first when repeated.
pub(crate) fn query_param(uri: &Uri, name: &str) -> Option<String> {
    uri.query()?.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let key = percent_decode_str(&key.replace('+', " "))
            .decode_utf8_lossy()
            .into_owned();
        (key == name).then(|| {
            percent_decode_str(&value.replace('+', " "))
                .decode_utf8_lossy()
                .into_owned()
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_parameters_are_decoded() {
        let uri: Uri = "/x?fromDate=2026-12-05&contactId=a%2Fb+c&empty="
            .parse()
            .expect("a URI");
        assert_eq!(query_param(&uri, "fromDate").as_deref(), Some("2026-12-05"));
        assert_eq!(query_param(&uri, "contactId").as_deref(), Some("a/b c"));
        assert_eq!(query_param(&uri, "empty").as_deref(), Some(""));
        assert_eq!(query_param(&uri, "toDate"), None);
    }

    #[test]
    fn members_of_the_wrong_type_are_serialization_errors() {
        let root = body_object(br#"{"a": "x", "b": 1, "c": [{}], "d": [1]}"#).expect("an object");
        assert_eq!(string(&root, "a").expect("a string").as_deref(), Some("x"));
        assert!(string(&root, "b").is_err());
        assert_eq!(
            object_list(&root, "c").expect("objects").map(|l| l.len()),
            Some(1)
        );
        assert!(object_list(&root, "d").is_err());
        assert!(boolean(&root, "a").is_err());
        assert!(body_object(b"[1]").is_err());
    }
}
