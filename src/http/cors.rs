//! Which browser origins may call the function, and the CORS headers every response carries.
//!
//! A disallowed origin is refused before anything else happens (no Connect call, even for a simple request
//! the browser did not preflight), and its response carries no `Access-Control-Allow-Origin`, so the page
//! at that origin cannot read it.

use lambda_http::http::header::{
    ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS, ACCESS_CONTROL_ALLOW_ORIGIN,
    ACCESS_CONTROL_EXPOSE_HEADERS, ACCESS_CONTROL_MAX_AGE, ACCESS_CONTROL_REQUEST_HEADERS,
    HeaderMap, HeaderValue, ORIGIN, VARY,
};
use std::collections::HashSet;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AllowedOrigins {
    /// `*`, written explicitly: any origin, answered with `Access-Control-Allow-Origin: *`.
    Any,
    /// Exact origins (`https://www.example.com`); empty means no browser may call.
    Exact(HashSet<String>),
}

#[derive(Debug, Clone)]
pub struct OriginPolicy {
    pub allowed: AllowedOrigins,
    /// Refuse requests without an `Origin` header (by default servers and mobile apps may call).
    pub require_origin: bool,
}

/// The CORS decision for one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OriginCheck {
    /// No `Origin` header: not a browser's cross-origin request.
    Absent,
    /// An allowed origin; the value to answer in `Access-Control-Allow-Origin`.
    Allowed(HeaderValue),
    Denied,
}

/// Chrome caps preflight caching at two hours.
const PREFLIGHT_MAX_AGE_SECONDS: &str = "7200";
const ALLOWED_METHODS: &str = "POST, OPTIONS";
/// Headers a page may set when it preflights; used when the preflight lists none we can echo.
const DEFAULT_ALLOWED_HEADERS: &str =
    "content-type, authorization, x-api-key, x-amz-date, x-amz-security-token, x-amz-user-agent";
/// Lets the page read why a request was throttled.
const EXPOSED_HEADERS: &str = "retry-after";
const REQUESTED_HEADERS_MAX: usize = 1024;

impl OriginPolicy {
    pub fn check(&self, headers: &HeaderMap) -> OriginCheck {
        let mut origins = headers.get_all(ORIGIN).iter();
        let (Some(origin), None) = (origins.next(), origins.next()) else {
            return if headers.contains_key(ORIGIN) {
                OriginCheck::Denied
            } else {
                OriginCheck::Absent
            };
        };
        match &self.allowed {
            AllowedOrigins::Any => OriginCheck::Allowed(HeaderValue::from_static("*")),
            AllowedOrigins::Exact(allowed) => match origin.to_str() {
                Ok(text) if allowed.contains(text) => OriginCheck::Allowed(origin.clone()),
                _ => OriginCheck::Denied,
            },
        }
    }
}

/// Headers for every response: the allowed origin (if any) and `Vary: Origin`, because the answer
/// depends on the origin and a cache must not serve one origin's answer to another.
pub fn apply_response_headers(check: &OriginCheck, headers: &mut HeaderMap) {
    headers.insert(VARY, HeaderValue::from_static("origin"));
    if let OriginCheck::Allowed(origin) = check {
        headers.insert(ACCESS_CONTROL_ALLOW_ORIGIN, origin.clone());
        headers.insert(
            ACCESS_CONTROL_EXPOSE_HEADERS,
            HeaderValue::from_static(EXPOSED_HEADERS),
        );
    }
}

/// Extra headers of a successful preflight. The requested headers are echoed (the origin is already
/// trusted) so a page that adds its own header (`x-api-key`, `Authorization`) is not refused.
pub fn apply_preflight_headers(request: &HeaderMap, headers: &mut HeaderMap) {
    headers.insert(
        ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static(ALLOWED_METHODS),
    );
    let allow_headers = request
        .get(ACCESS_CONTROL_REQUEST_HEADERS)
        .filter(|value| value.len() <= REQUESTED_HEADERS_MAX && is_header_list(value.as_bytes()))
        .cloned()
        .unwrap_or_else(|| HeaderValue::from_static(DEFAULT_ALLOWED_HEADERS));
    headers.insert(ACCESS_CONTROL_ALLOW_HEADERS, allow_headers);
    headers.insert(
        ACCESS_CONTROL_MAX_AGE,
        HeaderValue::from_static(PREFLIGHT_MAX_AGE_SECONDS),
    );
}

/// A comma-separated list of header names (RFC 9110 tokens).
fn is_header_list(value: &[u8]) -> bool {
    value.split(|b| *b == b',').all(|name| {
        let name = name.trim_ascii();
        !name.is_empty()
            && name
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(b))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exact(origins: &[&str]) -> OriginPolicy {
        OriginPolicy {
            allowed: AllowedOrigins::Exact(origins.iter().map(|o| o.to_string()).collect()),
            require_origin: false,
        }
    }

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn exact_origins_are_echoed_and_others_denied() {
        let policy = exact(&["https://shop.example.com"]);
        assert_eq!(
            policy.check(&headers(&[("origin", "https://shop.example.com")])),
            OriginCheck::Allowed(HeaderValue::from_static("https://shop.example.com"))
        );
        for origin in [
            "https://evil.example.com",
            "https://shop.example.com.evil.io",
            "null",
            "HTTPS://SHOP.EXAMPLE.COM",
        ] {
            assert_eq!(
                policy.check(&headers(&[("origin", origin)])),
                OriginCheck::Denied,
                "{origin}"
            );
        }
        assert_eq!(policy.check(&HeaderMap::new()), OriginCheck::Absent);
    }

    #[test]
    fn two_origin_headers_are_denied() {
        let policy = exact(&["https://a.example"]);
        let two = headers(&[
            ("origin", "https://a.example"),
            ("origin", "https://b.example"),
        ]);
        assert_eq!(policy.check(&two), OriginCheck::Denied);
    }

    #[test]
    fn any_origin_answers_a_wildcard_and_no_origin_is_empty_list() {
        let any = OriginPolicy {
            allowed: AllowedOrigins::Any,
            require_origin: false,
        };
        assert_eq!(
            any.check(&headers(&[("origin", "https://x.example")])),
            OriginCheck::Allowed(HeaderValue::from_static("*"))
        );
        assert_eq!(
            exact(&[]).check(&headers(&[("origin", "https://x.example")])),
            OriginCheck::Denied
        );
    }

    #[test]
    fn denied_responses_carry_no_allow_origin() {
        let mut response = HeaderMap::new();
        apply_response_headers(&OriginCheck::Denied, &mut response);
        assert!(!response.contains_key(ACCESS_CONTROL_ALLOW_ORIGIN));
        assert_eq!(response[VARY], "origin");
    }

    #[test]
    fn preflight_echoes_well_formed_requested_headers_only() {
        let mut response = HeaderMap::new();
        apply_preflight_headers(
            &headers(&[("access-control-request-headers", "content-type, x-api-key")]),
            &mut response,
        );
        assert_eq!(
            response[ACCESS_CONTROL_ALLOW_HEADERS],
            "content-type, x-api-key"
        );
        assert_eq!(response[ACCESS_CONTROL_ALLOW_METHODS], ALLOWED_METHODS);

        let mut response = HeaderMap::new();
        apply_preflight_headers(
            &headers(&[(
                "access-control-request-headers",
                "content-type, bad header()",
            )]),
            &mut response,
        );
        assert_eq!(
            response[ACCESS_CONTROL_ALLOW_HEADERS],
            DEFAULT_ALLOWED_HEADERS
        );
    }
}
