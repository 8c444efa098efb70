//! The server secret: random bytes only this deployment knows (Secrets Manager in AWS). Each use gets its
//! own key derived from it, so a token made for one purpose never verifies for another.

use aws_lc_rs::hmac;
use std::fmt;

/// Shorter secrets are refused at cold start: the keys below would be guessable.
pub const SERVER_SECRET_MIN_BYTES: usize = 32;

#[derive(Clone)]
pub struct ServerSecret(Vec<u8>);

impl ServerSecret {
    pub fn new(secret: impl Into<Vec<u8>>) -> Result<Self, String> {
        let secret = secret.into();
        if secret.len() < SERVER_SECRET_MIN_BYTES {
            return Err(format!(
                "must be at least {SERVER_SECRET_MIN_BYTES} bytes long (it has {})",
                secret.len()
            ));
        }
        Ok(Self(secret))
    }

    /// The HMAC-SHA256 key for one purpose.
    pub(crate) fn key_for(&self, purpose: &str) -> hmac::Key {
        let master = hmac::Key::new(hmac::HMAC_SHA256, &self.0);
        hmac::Key::new(
            hmac::HMAC_SHA256,
            hmac::sign(&master, purpose.as_bytes()).as_ref(),
        )
    }
}

impl fmt::Debug for ServerSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ServerSecret([redacted])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_secrets_are_refused_and_none_is_ever_printed() {
        assert!(ServerSecret::new("short").is_err());
        let secret = ServerSecret::new("s".repeat(32)).expect("long enough");
        assert!(!format!("{secret:?}").contains("sss"));
        let one = hmac::sign(&secret.key_for("a"), b"x");
        let other = hmac::sign(&secret.key_for("b"), b"x");
        assert_ne!(one.as_ref(), other.as_ref());
    }
}
