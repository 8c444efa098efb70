//! A request's fields: how an offending one is named ([`FieldError`], its JSON path), the collector every
//! member reader reports to ([`FieldErrors`]), and the JSON reading they share.

mod errors;
mod json;

pub(crate) use errors::{FieldErrors, one_of};
pub(crate) use json::{kind, member, whole_number};

use serde::Serialize;
use std::fmt::Write;

/// One offending field of a request, named by its JSON path (`ParticipantDetails.DisplayName`,
/// `SupportedMessagingContentTypes[1]`, `Attributes["bad key"]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub path: String,
    pub message: String,
}

impl FieldError {
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            message: message.into(),
        }
    }
}

/// Longest map key quoted in a path: a hostile 32 KiB key must not come back 32 KiB long.
const PATH_KEY_MAX: usize = 64;

/// The path of a member of the object at `parent` (empty for the top level).
pub(crate) fn member_path(parent: &str, key: &str) -> String {
    let mut path = String::with_capacity(parent.len() + key.len() + 4);
    path.push_str(parent);
    let plain = !key.is_empty()
        && key.len() <= PATH_KEY_MAX
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if plain {
        if !parent.is_empty() {
            path.push('.');
        }
        path.push_str(key);
    } else {
        let shown: String = key.chars().take(PATH_KEY_MAX).collect();
        let ellipsis = if shown.len() < key.len() { "…" } else { "" };
        // serde_json quoting keeps control characters and quotes unambiguous in the path.
        let quoted = serde_json::to_string(&format!("{shown}{ellipsis}")).unwrap_or_default();
        let _ = write!(path, "[{quoted}]");
    }
    path
}

/// The path of the element `index` of the array at `parent`.
pub(crate) fn index_path(parent: &str, index: usize) -> String {
    format!("{parent}[{index}]")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_keys_are_dotted_and_others_are_quoted() {
        assert_eq!(member_path("", "InstanceId"), "InstanceId");
        assert_eq!(
            member_path("ParticipantDetails", "DisplayName"),
            "ParticipantDetails.DisplayName"
        );
        assert_eq!(
            member_path("SegmentAttributes", "connect:Subtype"),
            r#"SegmentAttributes["connect:Subtype"]"#
        );
        assert_eq!(member_path("Attributes", "a\"b"), r#"Attributes["a\"b"]"#);
        assert_eq!(index_path("ConnectionTypes", 1), "ConnectionTypes[1]");
    }

    #[test]
    fn long_keys_are_truncated_in_paths() {
        let key = "k".repeat(10_000);
        let path = member_path("Attributes", &key);
        assert!(path.len() < 100, "{path}");
        assert!(path.ends_with("…\"]"));
    }
}
