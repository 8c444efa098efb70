//! The request body as bytes: bounded in size, decoded, and in a media type we read as JSON.

use super::error::ApiError;
use super::event::EventError;
use super::message::{HttpRequest, RequestBody};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
use std::borrow::Cow;

/// The size limit is checked before anything decodes or reads the content.
pub(crate) fn read_body(request: &HttpRequest, limit: usize) -> Result<Cow<'_, [u8]>, ApiError> {
    let bytes = match &request.body {
        RequestBody::Text(text) if text.len() > limit => {
            return Err(ApiError::PayloadTooLarge { limit });
        }
        RequestBody::Text(text) => Cow::Borrowed(text.as_bytes()),
        // Four characters of base64 carry three bytes.
        RequestBody::Base64(text) if text.len() / 4 * 3 > limit + 3 => {
            return Err(ApiError::PayloadTooLarge { limit });
        }
        RequestBody::Base64(text) => Cow::Owned(decode_base64(text)?),
    };
    if bytes.len() > limit {
        return Err(ApiError::PayloadTooLarge { limit });
    }
    if !is_json_compatible(request.headers.get_all("content-type")) {
        return Err(ApiError::UnsupportedMediaType);
    }
    Ok(bytes)
}

/// API Gateway pads its base64; other encoders may not, and may wrap lines.
fn decode_base64(text: &str) -> Result<Vec<u8>, ApiError> {
    let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    STANDARD
        .decode(&compact)
        .or_else(|_| STANDARD_NO_PAD.decode(&compact))
        .map_err(|_| ApiError::InvalidEvent(EventError::BodyNotBase64))
}

/// `application/json` (or `+json`), or `text/plain` as the official widget sends by default to avoid a
/// CORS preflight; no header at all is accepted too. A declared charset must be UTF-8. Two different
/// Content-Type headers are refused: which one would a proxy have honoured?
fn is_json_compatible<'a>(mut values: impl Iterator<Item = &'a str>) -> bool {
    let Some(value) = values.next() else {
        return true;
    };
    if values.any(|other| other != value) {
        return false;
    }
    let mut parts = value.split(';');
    let media_type = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
    let json_like = media_type == "application/json"
        || media_type == "text/plain"
        || (media_type.starts_with("application/") && media_type.ends_with("+json"));
    let utf8 = parts.all(|parameter| match parameter.split_once('=') {
        Some((name, charset)) if name.trim().eq_ignore_ascii_case("charset") => {
            let charset = charset.trim().trim_matches('"');
            charset.eq_ignore_ascii_case("utf-8") || charset.eq_ignore_ascii_case("utf8")
        }
        _ => true,
    });
    json_like && utf8
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accepts(value: &str) -> bool {
        is_json_compatible([value].into_iter())
    }

    fn encoded(text: &str) -> HttpRequest {
        let mut request = HttpRequest::new("POST");
        request.body = RequestBody::Base64(text.to_owned());
        request
    }

    #[test]
    fn json_and_plain_text_in_utf8_are_accepted() {
        for value in [
            "application/json",
            "Application/JSON; charset=UTF-8",
            "text/plain;charset=UTF-8",
            "application/vnd.api+json",
            "text/plain; charset=\"utf-8\"",
        ] {
            assert!(accepts(value), "{value}");
        }
        assert!(is_json_compatible(std::iter::empty()));
    }

    #[test]
    fn forms_other_types_and_other_charsets_are_refused() {
        for value in [
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x",
            "text/html",
            "application/json; charset=iso-8859-1",
            "",
        ] {
            assert!(!accepts(value), "{value}");
        }
        assert!(!is_json_compatible(
            ["application/json", "text/html"].into_iter()
        ));
    }

    #[test]
    fn base64_bodies_are_decoded_and_lies_are_refused() {
        for text in ["eyJhIjoxfQ==", "eyJhIjoxfQ", "eyJhIjox\nfQ=="] {
            let request = encoded(text);
            let body = read_body(&request, 1024).expect("valid base64");
            assert_eq!(body.as_ref(), b"{\"a\":1}", "{text}");
        }
        assert_eq!(
            read_body(&encoded("{\"a\": 1}"), 1024),
            Err(ApiError::InvalidEvent(EventError::BodyNotBase64))
        );
    }

    #[test]
    fn the_size_is_checked_before_decoding() {
        let huge = "!".repeat(8192);
        assert_eq!(
            read_body(&encoded(&huge), 1024),
            Err(ApiError::PayloadTooLarge { limit: 1024 })
        );
        let text = HttpRequest::new("POST").body("x".repeat(1025));
        assert_eq!(
            read_body(&text, 1024),
            Err(ApiError::PayloadTooLarge { limit: 1024 })
        );
    }
}
