//! Identifiers and opaque secrets in the shapes the real service uses.

use uuid::Uuid;

/// Contact and participant ids: random UUIDs, like Connect's.
pub(crate) fn random_uuid() -> String {
    Uuid::new_v4().to_string()
}

/// Transcript item ids: time-ordered UUIDs, like recent real ones (`019d671e-…`).
pub(crate) fn item_id() -> String {
    Uuid::now_v7().to_string()
}

/// `x-amzn-RequestId` values.
pub(crate) fn request_id() -> String {
    Uuid::new_v4().to_string()
}

/// An unguessable, opaque token in standard base64 (as ParticipantToken and ConnectionToken look).
/// `random_bytes` sets the size: 288 bytes give 384 characters.
pub(crate) fn opaque_token(random_bytes: usize) -> String {
    base64(&random(random_bytes), STANDARD_ALPHABET, true)
}

/// An unguessable token safe to put in a URL query without escaping.
pub(crate) fn url_safe_token(random_bytes: usize) -> String {
    base64(&random(random_bytes), URL_SAFE_ALPHABET, false)
}

/// Encodes text as URL-safe base64 without padding (used for pagination tokens).
pub(crate) fn encode_url_safe(data: &[u8]) -> String {
    base64(data, URL_SAFE_ALPHABET, false)
}

/// Decodes URL-safe base64 without padding; `None` on any invalid input.
pub(crate) fn decode_url_safe(text: &str) -> Option<Vec<u8>> {
    let mut bits: u32 = 0;
    let mut bit_count = 0;
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    for byte in text.bytes() {
        let value = URL_SAFE_ALPHABET.iter().position(|&c| c == byte)?;
        bits = (bits << 6) | u32::try_from(value).ok()?;
        bit_count += 6;
        if bit_count >= 8 {
            bit_count -= 8;
            out.push(u8::try_from((bits >> bit_count) & 0xff).ok()?);
        }
    }
    Some(out)
}

const STANDARD_ALPHABET: &[u8; 64] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const URL_SAFE_ALPHABET: &[u8; 64] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Random bytes from the OS generator (through uuid v4, which the crate already depends on).
fn random(count: usize) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(count + 16);
    while bytes.len() < count {
        // A v4 UUID fixes 6 of its 128 bits; drop the two bytes that carry them.
        let uuid = Uuid::new_v4();
        let raw = uuid.as_bytes();
        bytes.extend(
            raw.iter()
                .enumerate()
                .filter(|(i, _)| *i != 6 && *i != 8)
                .map(|(_, b)| *b),
        );
    }
    bytes.truncate(count);
    bytes
}

fn base64(data: &[u8], alphabet: &[u8; 64], pad: bool) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b0 = u32::from(chunk[0]);
        let b1 = chunk.get(1).map_or(0, |b| u32::from(*b));
        let b2 = chunk.get(2).map_or(0, |b| u32::from(*b));
        let triple = (b0 << 16) | (b1 << 8) | b2;
        let symbols = chunk.len() + 1;
        for index in 0..4 {
            if index < symbols {
                let sextet = (triple >> (18 - 6 * index)) & 0x3f;
                out.push(char::from(alphabet[sextet as usize]));
            } else if pad {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc4648_vectors() {
        let cases = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foobar", "Zm9vYmFy"),
        ];
        for (plain, encoded) in cases {
            assert_eq!(base64(plain.as_bytes(), STANDARD_ALPHABET, true), encoded);
        }
    }

    #[test]
    fn url_safe_round_trip() {
        for text in ["", "a", "ab", "abc", "v1:contact:12:B", "\u{1F600} ~~~"] {
            let encoded = encode_url_safe(text.as_bytes());
            assert!(!encoded.contains(['+', '/', '=']));
            assert_eq!(decode_url_safe(&encoded).as_deref(), Some(text.as_bytes()));
        }
        assert_eq!(decode_url_safe("not*valid"), None);
    }

    #[test]
    fn tokens_are_long_and_distinct() {
        let first = opaque_token(288);
        assert_eq!(first.len(), 384);
        assert_ne!(first, opaque_token(288));
        assert_eq!(url_safe_token(48).len(), 64);
    }
}
