//! Which browser origins may call the function, and the CORS headers every response carries.
//!
//! A disallowed origin is refused before anything else happens (no Connect call, even for a simple request
//! the browser did not preflight), and its response carries no `Access-Control-Allow-Origin`, so the page
//! at that origin cannot read it. The syntax of an origin ([`is_origin`]) is checked here too, for the
//! configuration's `ALLOWED_ORIGINS`.

use super::message::{Headers, ResponseHeaders};
use super::route::Route;
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
    Allowed(String),
    Denied,
}

impl OriginCheck {
    /// The decision as the log line names it (never the origin itself).
    pub fn log_label(&self) -> &'static str {
        match self {
            Self::Absent => "absent",
            Self::Allowed(_) => "allowed",
            Self::Denied => "denied",
        }
    }
}

/// `scheme://host[:port]`, lowercase, http or https, no path, query or trailing slash: what a browser
/// sends in `Origin`, so an allowed origin can match it exactly. IPv6 hosts are bracketed, as browsers
/// send them.
pub fn is_origin(text: &str) -> bool {
    let Some((scheme, authority)) = text.split_once("://") else {
        return false;
    };
    let (host_ok, port) = match authority.strip_prefix('[') {
        Some(bracketed) => match bracketed.split_once(']') {
            Some((address, rest)) => (
                !address.is_empty()
                    && address
                        .chars()
                        .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c) || c == ':'),
                rest,
            ),
            None => return false,
        },
        None => {
            let (host, rest) = authority
                .find(':')
                .map_or((authority, ""), |i| authority.split_at(i));
            let valid = !host.is_empty()
                && host
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.');
            (valid, rest)
        }
    };
    let port_ok = match port.strip_prefix(':') {
        None => port.is_empty(),
        Some(digits) => {
            (1..=5).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit())
        }
    };
    matches!(scheme, "http" | "https") && host_ok && port_ok
}

/// Chrome caps preflight caching at two hours.
const PREFLIGHT_MAX_AGE_SECONDS: &str = "7200";
/// Headers a page may set when it preflights; used when the preflight lists none we can echo.
pub(crate) const DEFAULT_ALLOWED_HEADERS: &str =
    "content-type, authorization, x-api-key, x-amz-date, x-amz-security-token, x-amz-user-agent";
/// Lets the page read why a request was throttled.
const EXPOSED_HEADERS: &str = "retry-after";
const REQUESTED_HEADERS_MAX: usize = 1024;

impl OriginPolicy {
    pub fn check(&self, headers: &Headers) -> OriginCheck {
        let mut origins = headers.get_all("origin");
        // Two Origin headers are never a browser's: refuse rather than pick one.
        let (Some(origin), None) = (origins.next(), origins.next()) else {
            return if headers.contains("origin") {
                OriginCheck::Denied
            } else {
                OriginCheck::Absent
            };
        };
        match &self.allowed {
            AllowedOrigins::Any => OriginCheck::Allowed("*".to_owned()),
            AllowedOrigins::Exact(allowed) if allowed.contains(origin) => {
                OriginCheck::Allowed(origin.to_owned())
            }
            AllowedOrigins::Exact(_) => OriginCheck::Denied,
        }
    }
}

/// Headers for every response: the allowed origin (if any) and `Vary: Origin`, because the answer
/// depends on the origin and a cache must not serve one origin's answer to another.
pub(crate) fn apply_response_headers(check: &OriginCheck, headers: &mut ResponseHeaders) {
    headers.push(("vary", "origin".to_owned()));
    if let OriginCheck::Allowed(origin) = check {
        headers.push(("access-control-allow-origin", origin.clone()));
        headers.push(("access-control-expose-headers", EXPOSED_HEADERS.to_owned()));
    }
}

/// Extra headers of a successful preflight. The requested headers are echoed (the origin is already
/// trusted) so a page that adds its own header (`x-api-key`, `Authorization`) is not refused.
pub(crate) fn apply_preflight_headers(
    route: Route,
    request: &Headers,
    headers: &mut ResponseHeaders,
) {
    headers.push((
        "access-control-allow-methods",
        route.allowed_methods().to_owned(),
    ));
    let allow_headers = request
        .single("access-control-request-headers")
        .filter(|value| value.len() <= REQUESTED_HEADERS_MAX && is_header_list(value))
        .unwrap_or(DEFAULT_ALLOWED_HEADERS);
    headers.push(("access-control-allow-headers", allow_headers.to_owned()));
    headers.push((
        "access-control-max-age",
        PREFLIGHT_MAX_AGE_SECONDS.to_owned(),
    ));
}

/// A comma-separated list of header names (RFC 9110 tokens).
fn is_header_list(value: &str) -> bool {
    value.split(',').all(|name| {
        let name = name.trim_ascii();
        !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
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

    fn headers(pairs: &[(&str, &str)]) -> Headers {
        let mut map = Headers::new();
        for (name, value) in pairs {
            map.append(name, *value);
        }
        map
    }

    fn value<'a>(headers: &'a ResponseHeaders, name: &str) -> Option<&'a str> {
        headers
            .iter()
            .find(|(key, _)| *key == name)
            .map(|(_, value)| value.as_str())
    }

    #[test]
    fn exact_origins_are_echoed_and_others_denied() {
        let policy = exact(&["https://shop.example.com"]);
        assert_eq!(
            policy.check(&headers(&[("Origin", "https://shop.example.com")])),
            OriginCheck::Allowed("https://shop.example.com".to_owned())
        );
        for origin in [
            "https://evil.example.com",
            "https://shop.example.com.evil.io",
            "null",
            "HTTPS://SHOP.EXAMPLE.COM",
            "https://shop.example.com/",
            "https://shop.example.com, https://shop.example.com",
            "",
        ] {
            assert_eq!(
                policy.check(&headers(&[("origin", origin)])),
                OriginCheck::Denied,
                "{origin}"
            );
        }
        assert_eq!(policy.check(&Headers::new()), OriginCheck::Absent);
    }

    #[test]
    fn two_origin_headers_are_denied() {
        let policy = exact(&["https://a.example"]);
        let two = headers(&[
            ("origin", "https://a.example"),
            ("Origin", "https://a.example"),
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
            OriginCheck::Allowed("*".to_owned())
        );
        assert_eq!(
            exact(&[]).check(&headers(&[("origin", "https://x.example")])),
            OriginCheck::Denied
        );
    }

    #[test]
    fn origins_are_lowercase_scheme_host_and_port_only() {
        for origin in [
            "https://www.example.com",
            "http://127.0.0.1:8080",
            "http://[::1]:3000",
        ] {
            assert!(is_origin(origin), "{origin}");
        }
        for text in [
            "https://a.example/",
            "https://a.example/chat",
            "a.example",
            "ftp://a.example",
            "https://A.example",
            "https://a.example:",
            "https://a.example:123456",
            "http://[::1",
            "null",
            "*",
        ] {
            assert!(!is_origin(text), "{text}");
        }
    }

    #[test]
    fn denied_responses_carry_no_allow_origin() {
        let mut response = ResponseHeaders::new();
        apply_response_headers(&OriginCheck::Denied, &mut response);
        assert_eq!(value(&response, "access-control-allow-origin"), None);
        assert_eq!(value(&response, "vary"), Some("origin"));
    }

    #[test]
    fn preflight_echoes_well_formed_requested_headers_only() {
        let mut response = ResponseHeaders::new();
        apply_preflight_headers(
            Route::Chat,
            &headers(&[("access-control-request-headers", "content-type, x-api-key")]),
            &mut response,
        );
        assert_eq!(
            value(&response, "access-control-allow-headers"),
            Some("content-type, x-api-key")
        );
        assert_eq!(
            value(&response, "access-control-allow-methods"),
            Some("GET, POST, OPTIONS")
        );

        let mut response = ResponseHeaders::new();
        apply_preflight_headers(
            Route::Chat,
            &headers(&[(
                "access-control-request-headers",
                "content-type, bad header()",
            )]),
            &mut response,
        );
        assert_eq!(
            value(&response, "access-control-allow-headers"),
            Some(DEFAULT_ALLOWED_HEADERS)
        );
    }
}
