//! The error collector: every member reader reports to it, so a request's answer lists every offending
//! field instead of stopping at the first. Its checks are the ones all members share.

use super::FieldError;
use super::json::kind;
use serde_json::{Map, Value};

/// The field errors of one request (or one token's claims), in the order they were found.
#[derive(Debug, Default)]
pub(crate) struct FieldErrors(Vec<FieldError>);

impl FieldErrors {
    pub(crate) fn add(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.0.push(FieldError::new(path, message));
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub(crate) fn into_vec(self) -> Vec<FieldError> {
        self.0
    }

    pub(crate) fn wrong_type(&mut self, path: &str, expected: &str, value: &Value) {
        self.add(
            path,
            format!("must be {expected}, not {kind}", kind = kind(value)),
        );
    }

    /// A string of `min..=max` characters.
    pub(crate) fn string(
        &mut self,
        path: &str,
        value: &Value,
        min: usize,
        max: usize,
    ) -> Option<String> {
        let Value::String(text) = value else {
            self.wrong_type(path, "a string", value);
            return None;
        };
        let length = text.chars().count();
        if length < min {
            self.add(path, "must not be empty");
            None
        } else if length > max {
            self.add(
                path,
                format!("must be at most {max} characters long (it has {length})"),
            );
            None
        } else {
            Some(text.clone())
        }
    }

    pub(crate) fn object<'v>(
        &mut self,
        path: &str,
        value: &'v Value,
    ) -> Option<&'v Map<String, Value>> {
        match value {
            Value::Object(object) => Some(object),
            other => {
                self.wrong_type(path, "an object", other);
                None
            }
        }
    }

    pub(crate) fn array<'v>(&mut self, path: &str, value: &'v Value) -> Option<&'v [Value]> {
        match value {
            Value::Array(items) => Some(items),
            other => {
                self.wrong_type(path, "an array", other);
                None
            }
        }
    }
}

/// The message for a value outside an enumeration.
pub(crate) fn one_of<T: Copy>(all: &[T], name: impl Fn(T) -> &'static str) -> String {
    let names: Vec<&str> = all.iter().map(|t| name(*t)).collect();
    format!("must be one of: {}", names.join(", "))
}
