use serde::{Serialize, Serializer};
use std::fmt;

/// A value that must reach the browser but never a log line: participant and connection tokens, websocket
/// URLs. `Debug` and `Display` print a placeholder; only serialization into the response exposes it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formatting_never_shows_the_value() {
        let secret = Secret::new("AQIDAHj-token");
        assert!(!format!("{secret:?} {secret}").contains("AQIDAHj"));
        assert_eq!(
            serde_json::to_string(&secret).expect("serializable"),
            "\"AQIDAHj-token\""
        );
    }
}
