//! The 401 rows: each way a signed customer's token is refused, with what the site's developer needs.

use crate::auth::TokenError;

/// The code, and what the site's developer needs to fix their signer; never the token itself.
pub(super) fn token_refusal(error: &TokenError) -> (&'static str, &'static str) {
    match error {
        TokenError::Missing => (
            "TOKEN_MISSING",
            "Send the customer token as Authorization: Bearer <token>.",
        ),
        TokenError::Malformed => (
            "TOKEN_MALFORMED",
            "The customer token is not a well-formed JWT.",
        ),
        TokenError::AlgorithmNotAllowed => (
            "TOKEN_ALGORITHM_NOT_ALLOWED",
            "The customer token must be signed with HS256.",
        ),
        TokenError::SignatureInvalid => (
            "TOKEN_SIGNATURE_INVALID",
            "The customer token's signature does not verify.",
        ),
        TokenError::Expired => ("TOKEN_EXPIRED", "The customer token has expired."),
        TokenError::NotYetValid => (
            "TOKEN_NOT_YET_VALID",
            "The customer token is not valid yet (iat or nbf in the future).",
        ),
        TokenError::LifetimeTooLong => (
            "TOKEN_LIFETIME_TOO_LONG",
            "The customer token's exp must be at most 10 minutes after its iat.",
        ),
        TokenError::AudienceInvalid => (
            "TOKEN_AUDIENCE_INVALID",
            "The customer token is not for this service (aud).",
        ),
        TokenError::TooLarge => (
            "TOKEN_TOO_LARGE",
            "The customer token is larger than 6144 bytes.",
        ),
        TokenError::ClaimsInvalid(_) => (
            "TOKEN_CLAIMS_INVALID",
            "The customer token's claims are invalid.",
        ),
    }
}
