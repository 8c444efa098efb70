//! SigV4 (`AWS4-HMAC-SHA256`, Authorization header) verification of control-plane requests: the
//! header's parts, the credential scope, the clock skew, then the signature over the canonical
//! request (`canonical`).

mod canonical;

use axum::http::{HeaderMap, Method, Uri};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use crate::clock;
use crate::config::EmulatorCredentials;
use crate::http::aws_error::AwsError;

type HmacSha256 = Hmac<Sha256>;

const ALGORITHM: &str = "AWS4-HMAC-SHA256";
/// Signatures older or newer than this are refused, as AWS does.
const MAX_CLOCK_SKEW_SECS: i64 = 15 * 60;

/// What the verifier checks against.
pub(crate) struct Verifier<'a> {
    pub(crate) credentials: &'a EmulatorCredentials,
    pub(crate) region: &'a str,
    /// The signing name the credential scope must carry (`connect`, `secretsmanager`).
    pub(crate) service: &'a str,
    pub(crate) now_secs: i64,
}

/// Why a request was refused, mapped onto AWS's error codes and messages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum SigV4Error {
    MissingAuthentication,
    Incomplete(String),
    UnknownAccessKey,
    InvalidSecurityToken,
    Invalid(String),
}

impl SigV4Error {
    pub(crate) fn code(&self) -> &'static str {
        match self {
            SigV4Error::MissingAuthentication => "MissingAuthenticationTokenException",
            SigV4Error::Incomplete(_) => "IncompleteSignatureException",
            SigV4Error::UnknownAccessKey | SigV4Error::InvalidSecurityToken => {
                "UnrecognizedClientException"
            }
            SigV4Error::Invalid(_) => "InvalidSignatureException",
        }
    }

    pub(crate) fn to_aws_error(&self) -> AwsError {
        let message = match self {
            SigV4Error::MissingAuthentication => "Missing Authentication Token".to_owned(),
            SigV4Error::UnknownAccessKey | SigV4Error::InvalidSecurityToken => {
                "The security token included in the request is invalid.".to_owned()
            }
            SigV4Error::Incomplete(message) | SigV4Error::Invalid(message) => message.clone(),
        };
        AwsError::generic(403, self.code(), message)
    }
}

/// The parts of an `Authorization: AWS4-HMAC-SHA256 ...` header.
#[derive(Debug)]
struct Authorization<'h> {
    access_key_id: &'h str,
    scope_date: &'h str,
    scope_region: &'h str,
    scope_service: &'h str,
    scope_terminator: &'h str,
    signed_headers: Vec<&'h str>,
    signature: &'h str,
}

/// The access key id an `Authorization` header names, for the request records.
pub(crate) fn access_key_id(headers: &HeaderMap) -> Option<String> {
    let value = headers.get("authorization")?.to_str().ok()?;
    parse_authorization(value)
        .ok()
        .map(|auth| auth.access_key_id.to_owned())
}

impl Verifier<'_> {
    pub(crate) fn verify(
        &self,
        method: &Method,
        uri: &Uri,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<(), SigV4Error> {
        let Some(raw_authorization) = headers.get("authorization") else {
            return Err(SigV4Error::MissingAuthentication);
        };
        let raw_authorization = raw_authorization.to_str().map_err(|_| {
            SigV4Error::Incomplete("Authorization header is not valid text.".to_owned())
        })?;
        let auth = parse_authorization(raw_authorization)?;

        if auth.access_key_id != self.credentials.access_key_id {
            return Err(SigV4Error::UnknownAccessKey);
        }
        self.check_security_token(headers)?;

        let amz_date = header_text(headers, "x-amz-date").ok_or_else(|| {
            SigV4Error::Incomplete(
                "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.".to_owned(),
            )
        })?;
        let signed_at = clock::parse_amz_date(amz_date).ok_or_else(|| {
            SigV4Error::Incomplete(format!(
                "Date must be in ISO-8601 'basic format'. Got '{amz_date}'."
            ))
        })?;
        self.check_scope(&auth, amz_date)?;
        self.check_skew(amz_date, signed_at)?;
        if !auth.signed_headers.contains(&"host") {
            return Err(SigV4Error::Incomplete(
                "'Host' must be a 'SignedHeader' in the AWS Authorization.".to_owned(),
            ));
        }

        let canonical_request =
            canonical::canonical_request(method, uri, headers, &auth.signed_headers, body);
        let scope = format!(
            "{}/{}/{}/{}",
            auth.scope_date, auth.scope_region, auth.scope_service, auth.scope_terminator
        );
        let string_to_sign = format!(
            "{ALGORITHM}\n{amz_date}\n{scope}\n{}",
            hex::encode(Sha256::digest(canonical_request))
        );
        let signing_key = signing_key(
            &self.credentials.secret_access_key,
            auth.scope_date,
            self.region,
            self.service,
        );

        let provided = hex::decode(auth.signature).map_err(|_| signature_mismatch())?;
        let mut mac = hmac(&signing_key);
        mac.update(string_to_sign.as_bytes());
        // Constant-time comparison.
        mac.verify_slice(&provided)
            .map_err(|_| signature_mismatch())
    }

    fn check_security_token(&self, headers: &HeaderMap) -> Result<(), SigV4Error> {
        let presented = headers.get("x-amz-security-token").map(|v| v.as_bytes());
        let expected = self.credentials.session_token.as_deref().map(str::as_bytes);
        match (expected, presented) {
            (None, None) => Ok(()),
            (Some(expected), Some(presented)) if constant_time_eq(expected, presented) => Ok(()),
            _ => Err(SigV4Error::InvalidSecurityToken),
        }
    }

    fn check_scope(&self, auth: &Authorization<'_>, amz_date: &str) -> Result<(), SigV4Error> {
        if auth.scope_terminator != "aws4_request" {
            return Err(SigV4Error::Invalid(format!(
                "Credential should be scoped with a valid terminator: 'aws4_request', not '{}'.",
                auth.scope_terminator
            )));
        }
        if auth.scope_service != self.service {
            return Err(SigV4Error::Invalid(format!(
                "Credential should be scoped to correct service: '{}'. ",
                self.service
            )));
        }
        if auth.scope_region != self.region {
            return Err(SigV4Error::Invalid(
                "Credential should be scoped to a valid region. ".to_owned(),
            ));
        }
        if !amz_date.starts_with(auth.scope_date) || auth.scope_date.len() != 8 {
            return Err(SigV4Error::Invalid(format!(
                "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '{}' != '{}', from '{amz_date}'.",
                auth.scope_date,
                amz_date.get(..8).unwrap_or(amz_date)
            )));
        }
        Ok(())
    }

    fn check_skew(&self, amz_date: &str, signed_at: i64) -> Result<(), SigV4Error> {
        if signed_at < self.now_secs - MAX_CLOCK_SKEW_SECS {
            return Err(SigV4Error::Invalid(format!(
                "Signature expired: {amz_date} is now earlier than {} ({} - 15 min.)",
                clock::amz_date(self.now_secs - MAX_CLOCK_SKEW_SECS),
                clock::amz_date(self.now_secs)
            )));
        }
        if signed_at > self.now_secs + MAX_CLOCK_SKEW_SECS {
            return Err(SigV4Error::Invalid(format!(
                "Signature not yet current: {amz_date} is still later than {} ({} + 15 min.)",
                clock::amz_date(self.now_secs + MAX_CLOCK_SKEW_SECS),
                clock::amz_date(self.now_secs)
            )));
        }
        Ok(())
    }
}

fn signature_mismatch() -> SigV4Error {
    SigV4Error::Invalid(
        "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
            .to_owned(),
    )
}

fn parse_authorization(value: &str) -> Result<Authorization<'_>, SigV4Error> {
    let incomplete = |what: &str| {
        SigV4Error::Incomplete(format!(
            "Authorization header requires '{what}' parameter. Authorization={value}"
        ))
    };
    let rest = value
        .strip_prefix(ALGORITHM)
        .filter(|rest| rest.starts_with(' '))
        .ok_or_else(|| SigV4Error::Incomplete("Unsupported AWS 'algorithm'.".to_owned()))?;
    let (mut credential, mut signed_headers, mut signature) = (None, None, None);
    for part in rest.split(',') {
        let Some((key, field)) = part.trim().split_once('=') else {
            continue;
        };
        match key {
            "Credential" => credential = Some(field),
            "SignedHeaders" => signed_headers = Some(field),
            "Signature" => signature = Some(field),
            _ => {}
        }
    }
    let credential = credential.ok_or_else(|| incomplete("Credential"))?;
    let signed_headers = signed_headers.ok_or_else(|| incomplete("SignedHeaders"))?;
    let signature = signature.ok_or_else(|| incomplete("Signature"))?;
    let scope: Vec<&str> = credential.split('/').collect();
    let [
        access_key_id,
        scope_date,
        scope_region,
        scope_service,
        scope_terminator,
    ] = scope.as_slice()
    else {
        return Err(SigV4Error::Incomplete(format!(
            "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '{credential}'"
        )));
    };
    Ok(Authorization {
        access_key_id,
        scope_date,
        scope_region,
        scope_service,
        scope_terminator,
        signed_headers: signed_headers.split(';').collect(),
        signature,
    })
}

fn signing_key(secret: &str, date: &str, region: &str, service: &str) -> Vec<u8> {
    let mut key = format!("AWS4{secret}").into_bytes();
    for part in [date, region, service, "aws4_request"] {
        let mut mac = hmac(&key);
        mac.update(part.as_bytes());
        key = mac.finalize().into_bytes().to_vec();
    }
    key
}

fn hmac(key: &[u8]) -> HmacSha256 {
    // HMAC takes keys of any length, so this cannot fail; the fallback keeps it panic-free.
    HmacSha256::new_from_slice(key).unwrap_or_else(|_| HmacSha256::new(&Default::default()))
}

pub(super) fn header_text<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_authorization_header() {
        let auth = parse_authorization(
            "AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/connect/aws4_request, SignedHeaders=host;x-amz-date, Signature=abcd",
        )
        .unwrap();
        assert_eq!(auth.access_key_id, "AKID");
        assert_eq!(auth.signed_headers, vec!["host", "x-amz-date"]);
        assert_eq!(auth.signature, "abcd");
        assert!(parse_authorization("Basic xyz").is_err());
        assert!(
            parse_authorization(
                "AWS4-HMAC-SHA256 Credential=a/b, SignedHeaders=host, Signature=00"
            )
            .is_err()
        );
        assert!(parse_authorization("AWS4-HMAC-SHA256 SignedHeaders=host").is_err());
    }
}
