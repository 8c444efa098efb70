//! The shapes of the identifiers and keys the domain accepts, each rule written once.

/// The canonical form Amazon Connect uses for instance and flow ids (the last part of their ARNs):
/// lowercase UUID text.
pub fn is_uuid(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 36
        && bytes.iter().enumerate().all(|(index, byte)| match index {
            8 | 13 | 18 | 23 => *byte == b'-',
            _ => byte.is_ascii_digit() || (b'a'..=b'f').contains(byte),
        })
}

/// What may appear in a contact attribute key (the service's charset) and in a flow alias.
pub(crate) fn is_key_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '_'
}

/// The charset rule, for error messages.
pub const KEY_CHARS: &str = "letters, digits, '-' and '_'";

/// A key made only of [`is_key_char`] characters, at least one.
pub fn is_key(text: &str) -> bool {
    !text.is_empty() && text.chars().all(is_key_char)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_are_lowercase_and_hyphenated() {
        assert!(is_uuid("3f0a7c1e-8b5d-4e2a-9c6f-1d2e3f4a5b6c"));
        assert!(!is_uuid("3F0A7C1E-8B5D-4E2A-9C6F-1D2E3F4A5B6C"));
        assert!(!is_uuid("3f0a7c1e8b5d4e2a9c6f1d2e3f4a5b6c"));
        assert!(!is_uuid("arn:aws:connect:us-east-1:1:instance/x"));
    }

    #[test]
    fn keys_are_letters_digits_hyphens_and_underscores() {
        assert!(is_key("order_id-2"));
        assert!(!is_key(""));
        assert!(!is_key("bad key"));
        assert!(!is_key("connect:Subtype"));
    }
}
