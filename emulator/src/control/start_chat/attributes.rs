//! The members whose values are maps: `Attributes` (key charset, the 32 KiB budget) and
//! `SegmentAttributes` (a recursive union that carries exactly one value).

use serde_json::{Map, Value};

use crate::http::validation::{Violations, printable};

const ATTRIBUTES_MAX_BYTES: usize = 32_768;
const SEGMENT_ATTRIBUTE_MAX_DEPTH: usize = 16;

pub(super) fn check_attributes(violations: &mut Violations, attributes: &[(String, String)]) {
    let mut total_bytes = 0;
    for (key, value) in attributes {
        violations.length("attributes.key", key, 1, 32_767);
        violations.length(&format!("attributes.{}", printable(key)), value, 0, 32_767);
        if !key.is_empty()
            && !key
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            violations.other(format!(
                "Attribute key '{}' is not valid: attribute keys can include only alphanumeric, dash, and underscore characters",
                printable(key)
            ));
        }
        total_bytes += key.len() + value.len();
    }
    if total_bytes > ATTRIBUTES_MAX_BYTES {
        violations.other(format!(
            "Attributes total {total_bytes} UTF-8 bytes; up to {ATTRIBUTES_MAX_BYTES} bytes are allowed across all key-value pairs"
        ));
    }
}

/// A SegmentAttributeValue: the model marks every member optional, but the service documents it
/// as carrying a value ("a map where the key is valueString and the value is a string"), so it
/// takes exactly one member, recursively.
pub(super) fn check_segment_value(
    violations: &mut Violations,
    path: &str,
    value: &Value,
    depth: usize,
) {
    if depth > SEGMENT_ATTRIBUTE_MAX_DEPTH {
        violations.other(format!("Value at '{path}' is nested too deeply"));
        return;
    }
    let Value::Object(members) = value else {
        violations.other(format!(
            "Value at '{path}' must be an object (a SegmentAttributeValue)"
        ));
        return;
    };
    let set: Vec<(&String, &Value)> = members.iter().filter(|(_, v)| !v.is_null()).collect();
    let (member, inner) = match set.as_slice() {
        [one] => *one,
        [] => {
            violations.other(format!(
                "Value at '{path}' carries no value: set one of ValueString, ValueInteger, ValueMap, ValueList, ValueArn"
            ));
            return;
        }
        _ => {
            violations.other(format!(
                "Value at '{path}' carries more than one value: set only one of ValueString, ValueInteger, ValueMap, ValueList, ValueArn"
            ));
            return;
        }
    };
    let inner_path = format!("{path}.{member}");
    match (member.as_str(), inner) {
        ("ValueString", Value::String(text)) => violations.length(&inner_path, text, 0, 1024),
        ("ValueArn", Value::String(text)) => {
            violations.length(&inner_path, text, 0, 1024);
            // "has to be a valid ARN" (the model's documentation).
            if !text.starts_with("arn:") {
                violations.other(format!(
                    "Value '{}' at '{inner_path}' is not a valid ARN",
                    printable(text)
                ));
            }
        }
        ("ValueInteger", number) if number.as_i64().is_some_and(|n| i32::try_from(n).is_ok()) => {}
        ("ValueMap", Value::Object(map)) => check_segment_map(violations, &inner_path, map, depth),
        ("ValueList", Value::Array(items)) => {
            for (index, item) in items.iter().enumerate() {
                check_segment_value(
                    violations,
                    &format!("{inner_path}.{}", index + 1),
                    item,
                    depth + 1,
                );
            }
        }
        _ => violations.other(format!("Value at '{inner_path}' is not a valid {member}")),
    }
}

fn check_segment_map(
    violations: &mut Violations,
    path: &str,
    map: &Map<String, Value>,
    depth: usize,
) {
    for (key, value) in map {
        violations.length(&format!("{path}.key"), key, 1, 128);
        check_segment_value(violations, &format!("{path}.{key}"), value, depth + 1);
    }
}
