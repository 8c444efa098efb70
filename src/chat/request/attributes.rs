//! `Attributes`: contact attributes, in the service's key charset and byte budget.

use crate::chat::field::{FieldErrors, member, member_path};
use crate::chat::limits::{ATTRIBUTE_KEY_MAX, ATTRIBUTE_VALUE_MAX, ATTRIBUTES_TOTAL_BYTES_MAX};
use crate::chat::names::{KEY_CHARS, is_key_char};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

pub(crate) fn attributes(
    errors: &mut FieldErrors,
    root: &Map<String, Value>,
) -> BTreeMap<String, String> {
    let mut attributes = BTreeMap::new();
    let Some(value) = member(root, "Attributes") else {
        return attributes;
    };
    let Some(object) = errors.object("Attributes", value) else {
        return attributes;
    };
    let mut total_bytes = 0;
    for (key, value) in object {
        let path = member_path("Attributes", key);
        total_bytes += key.len();
        let key_length = key.chars().count();
        if key_length == 0 {
            errors.add(path.clone(), "attribute keys must not be empty");
        } else if key_length > ATTRIBUTE_KEY_MAX {
            errors.add(
                path.clone(),
                format!("attribute keys must be at most {ATTRIBUTE_KEY_MAX} characters long"),
            );
        } else if !key.chars().all(is_key_char) {
            errors.add(
                path.clone(),
                format!("attribute keys may contain only {KEY_CHARS}"),
            );
        }
        match value {
            Value::String(text) => {
                total_bytes += text.len();
                if let Some(text) = errors.string(&path, value, 0, ATTRIBUTE_VALUE_MAX) {
                    attributes.insert(key.clone(), text);
                }
            }
            other => errors.wrong_type(&path, "a string", other),
        }
    }
    if total_bytes > ATTRIBUTES_TOTAL_BYTES_MAX {
        errors.add(
            "Attributes",
            format!(
                "keys and values together must be at most {ATTRIBUTES_TOTAL_BYTES_MAX} bytes of UTF-8 (they have {total_bytes})"
            ),
        );
    }
    attributes
}
