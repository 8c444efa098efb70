//! The canonical request SigV4 signs, built from what arrived: the rules the AWS SDKs sign with
//! (path normalised and encoded again for non-S3 services, query parameters decoded, re-encoded
//! and sorted, header values trimmed with inner runs of spaces collapsed, payload hashed from the
//! bytes received).

use axum::http::{HeaderMap, Method, Uri};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use sha2::{Digest, Sha256};

use super::header_text;

/// RFC 3986 unreserved characters stay as they are; everything else is percent-encoded.
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');
/// The same, keeping `/` as the path separator.
const PATH_UNRESERVED: &AsciiSet = &UNRESERVED.remove(b'/');

pub(super) fn canonical_request(
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    signed_headers: &[&str],
    body: &[u8],
) -> String {
    let mut canonical = String::with_capacity(512);
    canonical.push_str(method.as_str());
    canonical.push('\n');
    canonical.push_str(&canonical_path(uri.path()));
    canonical.push('\n');
    canonical.push_str(&canonical_query(uri.query().unwrap_or("")));
    canonical.push('\n');
    for name in signed_headers {
        canonical.push_str(name);
        canonical.push(':');
        canonical.push_str(&canonical_header_value(headers, name));
        canonical.push('\n');
    }
    canonical.push('\n');
    canonical.push_str(&signed_headers.join(";"));
    canonical.push('\n');
    canonical.push_str(&payload_hash(headers, body));
    canonical
}

/// Removes dot segments and empty segments, then encodes the (already encoded) path again.
fn canonical_path(path: &str) -> String {
    let normalized = if path.contains('.') || path.contains("//") {
        let mut segments: Vec<&str> = Vec::new();
        for segment in path.split('/') {
            match segment {
                "" | "." => {}
                ".." => {
                    segments.pop();
                }
                other => segments.push(other),
            }
        }
        let mut joined = format!("/{}", segments.join("/"));
        if path.ends_with('/') && joined != "/" {
            joined.push('/');
        }
        joined
    } else if path.is_empty() {
        "/".to_owned()
    } else {
        path.to_owned()
    };
    utf8_percent_encode(&normalized, PATH_UNRESERVED).to_string()
}

fn canonical_query(query: &str) -> String {
    let mut pairs: Vec<(String, String)> = query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (encode_query_component(key), encode_query_component(value))
        })
        .collect();
    pairs.sort();
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

/// Decodes a query component the way the signer reads it (`+` is a space), then encodes it.
fn encode_query_component(raw: &str) -> String {
    let spaced = raw.replace('+', " ");
    let decoded = percent_decode_str(&spaced).decode_utf8_lossy();
    utf8_percent_encode(&decoded, UNRESERVED).to_string()
}

fn canonical_header_value(headers: &HeaderMap, name: &str) -> String {
    headers
        .get_all(name)
        .iter()
        .map(|value| trim_all(&String::from_utf8_lossy(value.as_bytes())))
        .collect::<Vec<_>>()
        .join(",")
}

/// Trims spaces and collapses inner runs of spaces to one.
fn trim_all(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for word in value.split(' ').filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

fn payload_hash(headers: &HeaderMap, body: &[u8]) -> String {
    match header_text(headers, "x-amz-content-sha256") {
        Some("UNSIGNED-PAYLOAD") => "UNSIGNED-PAYLOAD".to_owned(),
        // The hash of what arrived, never the one claimed: a tampered body must fail.
        _ => hex::encode(Sha256::digest(body)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_path_matches_signer_rules() {
        assert_eq!(canonical_path(""), "/");
        assert_eq!(canonical_path("/contact/chat"), "/contact/chat");
        assert_eq!(canonical_path("/a/./b/../c//d/"), "/a/c/d/");
        assert_eq!(canonical_path("/views/tok%2Fx"), "/views/tok%252Fx");
        assert_eq!(canonical_path("/a b"), "/a%20b");
    }

    #[test]
    fn canonical_query_sorts_and_reencodes() {
        assert_eq!(canonical_query(""), "");
        assert_eq!(canonical_query("b=2&a=1&a=0"), "a=0&a=1&b=2");
        assert_eq!(canonical_query("x=a+b&y=%7e&z"), "x=a%20b&y=~&z=");
    }

    #[test]
    fn trims_header_values() {
        assert_eq!(trim_all("  a   b c  "), "a b c");
        assert_eq!(trim_all(""), "");
    }
}
