//! Reading JSON values as every member of a request is read.

use serde_json::{Map, Value};

/// A member of an object, with `null` read as absent.
pub(crate) fn member<'v>(object: &'v Map<String, Value>, key: &str) -> Option<&'v Value> {
    object.get(key).filter(|value| !value.is_null())
}

/// What a value is, for "must be …, not …" messages.
pub(crate) fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A JSON number that is a whole number, however it is written (`120`, `120.0`, `1.2e2`): JSON has one
/// number type, and JSON Schema counts these as integers.
pub(crate) fn whole_number(value: &Value) -> Option<i64> {
    let Value::Number(number) = value else {
        return None;
    };
    number.as_i64().or_else(|| {
        let float = number.as_f64()?;
        // Within ±2^53 a float is exact, and every limit here is far smaller.
        (float.fract() == 0.0 && float.abs() < 9_007_199_254_740_992.0).then_some(float as i64)
    })
}
