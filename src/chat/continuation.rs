//! Continuation tokens: proof that a browser was given a chat, so that it, and only it, may later
//! continue that chat (persistent chat) or link a new contact to it. Without one, anybody who learnt a
//! contact id could ask Connect to copy that contact's transcript or attributes into a chat of their own.
//!
//! A token is `v1.<payload>.<mac>`: the payload (base64url) holds the expiry, the instance and the contact;
//! the MAC is HMAC-SHA256 under a key derived from the server secret. Opaque to the browser, checked in
//! constant time, and bound to exactly one contact of one instance.

use super::Secret;
use super::server_secret::ServerSecret;
use aws_lc_rs::hmac;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

const PURPOSE: &str = "start-chat/continuation-token/v1";
const VERSION: &str = "v1";
pub const DEFAULT_TOKEN_LIFETIME: Duration = Duration::from_secs(7 * 24 * 3600);

/// Why a continuation token does not allow what the request asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContinuationRefusal {
    /// Not made by this service, or altered.
    Forged,
    Expired,
    /// Made for another contact or instance.
    OtherContact,
}

#[derive(Clone)]
pub struct ContinuationTokens {
    key: hmac::Key,
    lifetime: Duration,
}

impl std::fmt::Debug for ContinuationTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ContinuationTokens")
            .field("lifetime", &self.lifetime)
            .finish_non_exhaustive()
    }
}

fn seconds_since_epoch(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs())
}

impl ContinuationTokens {
    pub fn new(secret: &ServerSecret, lifetime: Duration) -> Self {
        Self {
            key: secret.key_for(PURPOSE),
            lifetime,
        }
    }

    pub fn issue(&self, instance_id: &str, contact_id: &str, now: SystemTime) -> Secret {
        let expires = seconds_since_epoch(now).saturating_add(self.lifetime.as_secs());
        let payload = URL_SAFE_NO_PAD.encode(format!("{expires}\n{instance_id}\n{contact_id}"));
        let signed = format!("{VERSION}.{payload}");
        let mac = URL_SAFE_NO_PAD.encode(hmac::sign(&self.key, signed.as_bytes()));
        Secret::new(format!("{signed}.{mac}"))
    }

    pub fn verify(
        &self,
        token: &str,
        instance_id: &str,
        contact_id: &str,
        now: SystemTime,
    ) -> Result<(), ContinuationRefusal> {
        let (signed, mac) = token.rsplit_once('.').ok_or(ContinuationRefusal::Forged)?;
        let mac = URL_SAFE_NO_PAD
            .decode(mac)
            .map_err(|_| ContinuationRefusal::Forged)?;
        hmac::verify(&self.key, signed.as_bytes(), &mac)
            .map_err(|_| ContinuationRefusal::Forged)?;
        // Signed by us: what follows can only fail for a token of another version.
        let payload = signed
            .strip_prefix(VERSION)
            .and_then(|rest| rest.strip_prefix('.'))
            .and_then(|payload| URL_SAFE_NO_PAD.decode(payload).ok())
            .and_then(|bytes| String::from_utf8(bytes).ok())
            .ok_or(ContinuationRefusal::Forged)?;
        let mut parts = payload.splitn(3, '\n');
        let (Some(expires), Some(instance), Some(contact)) =
            (parts.next(), parts.next(), parts.next())
        else {
            return Err(ContinuationRefusal::Forged);
        };
        let expires: u64 = expires.parse().map_err(|_| ContinuationRefusal::Forged)?;
        if instance != instance_id || contact != contact_id {
            return Err(ContinuationRefusal::OtherContact);
        }
        if seconds_since_epoch(now) > expires {
            return Err(ContinuationRefusal::Expired);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const INSTANCE: &str = "3f0a7c1e-8b5d-4e2a-9c6f-1d2e3f4a5b6c";
    const CONTACT: &str = "5d0c1a2b-3e4f-4a5b-8c6d-7e8f9a0b1c2d";

    fn tokens(secret: &str) -> ContinuationTokens {
        let secret = ServerSecret::new(secret.repeat(32)).expect("long enough");
        ContinuationTokens::new(&secret, Duration::from_secs(3600))
    }

    #[test]
    fn a_token_continues_its_own_contact_until_it_expires() {
        let now = SystemTime::now();
        let issued = tokens("a").issue(INSTANCE, CONTACT, now);
        let token = issued.expose();
        assert!(token.starts_with("v1.") && !token.contains(CONTACT));
        assert_eq!(tokens("a").verify(token, INSTANCE, CONTACT, now), Ok(()));
        let later = now + Duration::from_secs(3601);
        assert_eq!(
            tokens("a").verify(token, INSTANCE, CONTACT, later),
            Err(ContinuationRefusal::Expired)
        );
        assert_eq!(
            tokens("a").verify(token, INSTANCE, "another-contact", now),
            Err(ContinuationRefusal::OtherContact)
        );
        assert_eq!(
            tokens("a").verify(token, "another-instance", CONTACT, now),
            Err(ContinuationRefusal::OtherContact)
        );
    }

    #[test]
    fn another_secret_or_any_change_is_a_forgery() {
        let now = SystemTime::now();
        let issued = tokens("a").issue(INSTANCE, CONTACT, now);
        let token = issued.expose();
        assert_eq!(
            tokens("b").verify(token, INSTANCE, CONTACT, now),
            Err(ContinuationRefusal::Forged)
        );
        let (signed, _) = token.rsplit_once('.').expect("a MAC");
        // The payload of a token for another contact, with this token's MAC.
        let other = tokens("a").issue(INSTANCE, "other", now);
        let (other_signed, _) = other.expose().rsplit_once('.').expect("a MAC");
        let spliced = format!(
            "{other_signed}.{}",
            token.rsplit_once('.').expect("a MAC").1
        );
        for forged in [
            "",
            "v1",
            "v1..",
            signed,
            &format!("{signed}.AAAA"),
            &spliced,
            &format!("v2.{}", &token[3..]),
        ] {
            assert_eq!(
                tokens("a").verify(forged, INSTANCE, CONTACT, now),
                Err(ContinuationRefusal::Forged),
                "{forged}"
            );
        }
    }
}
