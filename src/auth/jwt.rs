//! Verifying the website's token: `Authorization: Bearer <header>.<claims>.<signature>`.
//!
//! Only HS256 is accepted, named by the token's header and checked against each configured key (two
//! during a rotation), in constant time, before anything in the claims is believed. `iat` and `exp` are
//! required, `exp` at most ten minutes after `iat` (the hosted widget's rule), with a minute of clock skew
//! either way. The token is never logged and never echoed.

use crate::chat::{FieldError, VerifiedCustomer};
use crate::push::ContactVoucher;
use aws_lc_rs::hmac;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The whole encoded token, as the hosted widget limits it.
pub const TOKEN_BYTES_MAX: usize = 6144;
pub const TOKEN_LIFETIME_MAX: Duration = Duration::from_secs(600);
pub const CLOCK_SKEW: Duration = Duration::from_secs(60);
/// HMAC-SHA256 keys shorter than its output are weaker than the MAC.
pub const SIGNING_KEY_MIN_BYTES: usize = 32;

/// Why a start was refused for its token (401).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenError {
    Missing,
    /// Not three base64url parts of JSON objects, or a header we cannot honour.
    Malformed,
    AlgorithmNotAllowed,
    SignatureInvalid,
    Expired,
    NotYetValid,
    LifetimeTooLong,
    AudienceInvalid,
    TooLarge,
    /// Signed, but a claim breaks the limits the body's members have.
    ClaimsInvalid(Vec<FieldError>),
}

/// The keys (and audience) tokens are checked against; built once at cold start.
#[derive(Clone)]
pub struct CustomerTokenVerifier {
    keys: Vec<hmac::Key>,
    audience: Option<String>,
}

impl std::fmt::Debug for CustomerTokenVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CustomerTokenVerifier")
            .field("keys", &self.keys.len())
            .field("audience", &self.audience)
            .finish()
    }
}

impl CustomerTokenVerifier {
    /// One or two keys (two while rotating). The key is the text the website signs with, as the hosted
    /// widget's security key is used.
    pub fn new(keys: &[String], audience: Option<String>) -> Result<Self, String> {
        if keys.is_empty() || keys.len() > 2 {
            return Err(format!(
                "must hold one key, or two while rotating (it holds {})",
                keys.len()
            ));
        }
        if let Some(short) = keys
            .iter()
            .position(|key| key.len() < SIGNING_KEY_MIN_BYTES)
        {
            return Err(format!(
                "key {} is shorter than {SIGNING_KEY_MIN_BYTES} bytes",
                short + 1
            ));
        }
        Ok(Self {
            keys: keys
                .iter()
                .map(|key| hmac::Key::new(hmac::HMAC_SHA256, key.as_bytes()))
                .collect(),
            audience,
        })
    }

    /// The customer the request's `Authorization` header vouches for, for a chat's start.
    pub fn verify(
        &self,
        authorization: Option<&str>,
        now: SystemTime,
    ) -> Result<VerifiedCustomer, TokenError> {
        let claims = self.verified_claims(authorization, now)?;
        VerifiedCustomer::from_claims(&claims).map_err(TokenError::ClaimsInvalid)
    }

    /// The contact the request's token vouches for (its `contactId` claim), for the push routes.
    pub fn verify_contact(
        &self,
        authorization: Option<&str>,
        now: SystemTime,
    ) -> Result<ContactVoucher, TokenError> {
        let claims = self.verified_claims(authorization, now)?;
        ContactVoucher::from_claims(&claims).map_err(TokenError::ClaimsInvalid)
    }

    /// The claims of a token that passed every check but the claims' own rules.
    fn verified_claims(
        &self,
        authorization: Option<&str>,
        now: SystemTime,
    ) -> Result<Map<String, Value>, TokenError> {
        let token = bearer_token(authorization.ok_or(TokenError::Missing)?)?;
        if token.len() > TOKEN_BYTES_MAX {
            return Err(TokenError::TooLarge);
        }
        let mut parts = token.split('.');
        let (Some(header), Some(claims), Some(signature), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(TokenError::Malformed);
        };
        check_header(&decode_object(header)?)?;
        let signature = decode(signature)?;
        let signed = &token[..header.len() + 1 + claims.len()];
        if !self
            .keys
            .iter()
            .any(|key| hmac::verify(key, signed.as_bytes(), &signature).is_ok())
        {
            return Err(TokenError::SignatureInvalid);
        }
        let claims = decode_object(claims)?;
        self.check_times(&claims, now)?;
        self.check_audience(&claims)?;
        Ok(claims)
    }

    fn check_times(&self, claims: &Map<String, Value>, now: SystemTime) -> Result<(), TokenError> {
        let time = |name: &str| -> Result<Option<f64>, TokenError> {
            match claims.get(name) {
                None => Ok(None),
                Some(Value::Number(number)) => number
                    .as_f64()
                    .map(Some)
                    .ok_or_else(|| claim_error(name, "must be a number of seconds")),
                Some(_) => Err(claim_error(name, "must be a number of seconds")),
            }
        };
        let issued = time("iat")?.ok_or_else(|| claim_error("iat", "is required"))?;
        let expires = time("exp")?.ok_or_else(|| claim_error("exp", "is required"))?;
        if expires <= issued {
            return Err(claim_error("exp", "must be after iat"));
        }
        if expires - issued > TOKEN_LIFETIME_MAX.as_secs_f64() {
            return Err(TokenError::LifetimeTooLong);
        }
        let now = now
            .duration_since(UNIX_EPOCH)
            .map_or(0.0, |elapsed| elapsed.as_secs_f64());
        let skew = CLOCK_SKEW.as_secs_f64();
        if now > expires + skew {
            return Err(TokenError::Expired);
        }
        let not_before = time("nbf")?.unwrap_or(issued);
        if issued > now + skew || not_before > now + skew {
            return Err(TokenError::NotYetValid);
        }
        Ok(())
    }

    /// A token that names an audience is for that audience only (RFC 7519, 4.1.3): it must name ours,
    /// and a service with no audience configured accepts only tokens that name none.
    fn check_audience(&self, claims: &Map<String, Value>) -> Result<(), TokenError> {
        let named: Vec<&str> = match claims.get("aud") {
            None => Vec::new(),
            Some(Value::String(audience)) => vec![audience.as_str()],
            Some(Value::Array(audiences)) => audiences.iter().filter_map(Value::as_str).collect(),
            Some(_) => return Err(TokenError::AudienceInvalid),
        };
        let accepted = match &self.audience {
            Some(ours) => named.contains(&ours.as_str()),
            None => claims.get("aud").is_none(),
        };
        if accepted {
            Ok(())
        } else {
            Err(TokenError::AudienceInvalid)
        }
    }
}

fn claim_error(claim: &str, message: &str) -> TokenError {
    TokenError::ClaimsInvalid(vec![FieldError::new(claim, message)])
}

fn bearer_token(header: &str) -> Result<&str, TokenError> {
    let header = header.trim();
    if header.eq_ignore_ascii_case("bearer") {
        return Err(TokenError::Missing);
    }
    let (scheme, token) = header.split_once(' ').ok_or(TokenError::Malformed)?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(TokenError::Malformed);
    }
    let token = token.trim();
    if token.is_empty() {
        return Err(TokenError::Missing);
    }
    Ok(token)
}

fn decode(part: &str) -> Result<Vec<u8>, TokenError> {
    URL_SAFE_NO_PAD
        .decode(part)
        .map_err(|_| TokenError::Malformed)
}

fn decode_object(part: &str) -> Result<Map<String, Value>, TokenError> {
    crate::chat::parse_json_object(&decode(part)?).map_err(|_| TokenError::Malformed)
}

/// `{"alg":"HS256"}` and nothing we would have to understand: `alg: none`, any other algorithm (a
/// public-key one whose "key" an attacker could present as the HMAC secret), or critical extensions.
fn check_header(header: &Map<String, Value>) -> Result<(), TokenError> {
    match header.get("alg") {
        Some(Value::String(alg)) if alg == "HS256" => {}
        Some(_) => return Err(TokenError::AlgorithmNotAllowed),
        None => return Err(TokenError::Malformed),
    }
    if header.contains_key("crit") {
        return Err(TokenError::Malformed);
    }
    match header.get("typ") {
        None => Ok(()),
        Some(Value::String(typ)) if typ.eq_ignore_ascii_case("JWT") => Ok(()),
        Some(_) => Err(TokenError::Malformed),
    }
}

#[cfg(test)]
mod tests;
