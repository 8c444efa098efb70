//! `SegmentAttributes`: each value exactly one of the service's `Value*` members, nested and sized within
//! bounds.

use crate::chat::command::SegmentValue;
use crate::chat::field::{FieldErrors, index_path, member, member_path, whole_number};
use crate::chat::limits::{
    SEGMENT_ATTRIBUTE_KEY_MAX, SEGMENT_ENTRIES_MAX, SEGMENT_VALUE_ARN_MAX, SEGMENT_VALUE_DEPTH_MAX,
    SEGMENT_VALUE_STRING_MAX,
};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

pub(crate) fn segment_attributes(
    errors: &mut FieldErrors,
    root: &Map<String, Value>,
) -> BTreeMap<String, SegmentValue> {
    const PATH: &str = "SegmentAttributes";
    let Some(object) = member(root, PATH).and_then(|value| errors.object(PATH, value)) else {
        return BTreeMap::new();
    };
    segment_map(errors, PATH, object, 1).unwrap_or_default()
}

fn segment_map(
    errors: &mut FieldErrors,
    path: &str,
    object: &Map<String, Value>,
    depth: usize,
) -> Option<BTreeMap<String, SegmentValue>> {
    if object.len() > SEGMENT_ENTRIES_MAX {
        errors.add(
            path,
            format!("must have at most {SEGMENT_ENTRIES_MAX} entries"),
        );
        return None;
    }
    let mut map = BTreeMap::new();
    let mut valid = true;
    for (key, value) in object {
        let entry_path = member_path(path, key);
        let length = key.chars().count();
        if length == 0 || length > SEGMENT_ATTRIBUTE_KEY_MAX {
            errors.add(
                entry_path,
                format!("keys must be 1 to {SEGMENT_ATTRIBUTE_KEY_MAX} characters long"),
            );
            valid = false;
            continue;
        }
        match segment_value(errors, &entry_path, value, depth) {
            Some(value) => {
                map.insert(key.clone(), value);
            }
            None => valid = false,
        }
    }
    valid.then_some(map)
}

/// Exactly one of `ValueString`, `ValueInteger`, `ValueArn`, `ValueMap`, `ValueList`.
fn segment_value(
    errors: &mut FieldErrors,
    path: &str,
    value: &Value,
    depth: usize,
) -> Option<SegmentValue> {
    const MEMBERS: [&str; 5] = [
        "ValueString",
        "ValueInteger",
        "ValueArn",
        "ValueMap",
        "ValueList",
    ];
    let object = errors.object(path, value)?;
    let present: Vec<&str> = MEMBERS
        .into_iter()
        .filter(|name| member(object, name).is_some())
        .collect();
    let [name] = present.as_slice() else {
        errors.add(
            path,
            format!("must have exactly one of {}", MEMBERS.join(", ")),
        );
        return None;
    };
    let member_value = member(object, name)?;
    let value_path = member_path(path, name);
    match *name {
        "ValueString" => errors
            .string(&value_path, member_value, 0, SEGMENT_VALUE_STRING_MAX)
            .map(SegmentValue::String),
        "ValueArn" => {
            let arn = errors.string(&value_path, member_value, 1, SEGMENT_VALUE_ARN_MAX)?;
            if !arn.starts_with("arn:") {
                errors.add(value_path, "must be an ARN (arn:…)");
                return None;
            }
            Some(SegmentValue::Arn(arn))
        }
        "ValueInteger" => {
            let integer = whole_number(member_value).and_then(|n| i32::try_from(n).ok());
            if integer.is_none() {
                errors.add(value_path, "must be a 32-bit integer");
            }
            integer.map(SegmentValue::Integer)
        }
        _ if depth >= SEGMENT_VALUE_DEPTH_MAX => {
            errors.add(
                value_path,
                format!("nests deeper than {SEGMENT_VALUE_DEPTH_MAX} levels"),
            );
            None
        }
        "ValueMap" => {
            let object = errors.object(&value_path, member_value)?;
            segment_map(errors, &value_path, object, depth + 1).map(SegmentValue::Map)
        }
        _ => {
            let items = errors.array(&value_path, member_value)?;
            if items.len() > SEGMENT_ENTRIES_MAX {
                errors.add(
                    value_path,
                    format!("must have at most {SEGMENT_ENTRIES_MAX} entries"),
                );
                return None;
            }
            let mut list = Vec::with_capacity(items.len());
            for (index, item) in items.iter().enumerate() {
                list.push(segment_value(
                    errors,
                    &index_path(&value_path, index),
                    item,
                    depth + 1,
                ));
            }
            list.into_iter()
                .collect::<Option<Vec<_>>>()
                .map(SegmentValue::List)
        }
    }
}
