//! The request body as bytes: bounded in size and in a media type we read as JSON.

use super::error::ApiError;
use lambda_http::Request;
use lambda_http::http::header::{CONTENT_TYPE, HeaderMap};

/// The body, already base64-decoded by `lambda_http` when API Gateway sent it encoded. The size limit is
/// checked before anything reads the content.
pub fn read_body(request: &Request, limit: usize) -> Result<&[u8], ApiError> {
    let bytes: &[u8] = request.body().as_ref();
    if bytes.len() > limit {
        return Err(ApiError::PayloadTooLarge { limit });
    }
    if !is_json_compatible(request.headers()) {
        return Err(ApiError::UnsupportedMediaType);
    }
    Ok(bytes)
}

/// `application/json` (or `+json`), or `text/plain` as the official widget sends by default to avoid a
/// CORS preflight; no header at all is accepted too. A declared charset must be UTF-8.
fn is_json_compatible(headers: &HeaderMap) -> bool {
    let Some(value) = headers.get(CONTENT_TYPE) else {
        return true;
    };
    let Ok(value) = value.to_str() else {
        return false;
    };
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
    use lambda_http::http::HeaderValue;

    fn with_content_type(value: &'static str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(value));
        headers
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
            assert!(is_json_compatible(&with_content_type(value)), "{value}");
        }
        assert!(is_json_compatible(&HeaderMap::new()));
    }

    #[test]
    fn forms_other_types_and_other_charsets_are_refused() {
        for value in [
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x",
            "text/html",
            "application/json; charset=iso-8859-1",
        ] {
            assert!(!is_json_compatible(&with_content_type(value)), "{value}");
        }
    }
}
