//! Reading `tests/corpus/`: configurations, entries, the small generators that keep large inputs short
//! (`$repeat`, `$pad`, …), and the Lambda event each entry becomes.

use serde::Deserialize;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/corpus")
}

/// One hostile or malformed request and the answer it must get.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Entry {
    pub name: String,
    /// Why the entry exists (quoted when it fails).
    #[serde(default)]
    pub about: Option<String>,
    /// A name from `configs.json`; `default` when absent.
    #[serde(default = "default_config")]
    pub config: String,
    /// `v2` (HTTP API), `v1` (REST API), `url` (function URL), `event` (the whole event given as is).
    #[serde(default = "default_shape")]
    pub shape: String,
    /// `method` as the event carries it; any JSON value (`POST` when absent).
    #[serde(default, deserialize_with = "present")]
    pub method: Option<Value>,
    /// Merged over the default headers (Origin, Content-Type); a name matches whatever its case.
    #[serde(default)]
    pub headers: Map<String, Value>,
    #[serde(default)]
    pub omit_headers: Vec<String>,
    /// Payload 1.0 only: replaces the `multiValueHeaders` built from `headers`.
    #[serde(default, deserialize_with = "present")]
    pub multi_value_headers: Option<Value>,
    /// The body as JSON, sent as its compact text.
    #[serde(default)]
    pub body: Option<Value>,
    /// Members set (or replaced) on the default valid body.
    #[serde(default)]
    pub with: Option<Map<String, Value>>,
    /// Members removed from the default valid body.
    #[serde(default)]
    pub without: Vec<String>,
    /// The body as raw text.
    #[serde(default)]
    pub body_text: Option<String>,
    /// The event's `body` member as any JSON value (not only a string).
    #[serde(default, deserialize_with = "present")]
    pub body_member: Option<Value>,
    /// Encodes the body in base64 and sets `isBase64Encoded: true`.
    #[serde(default)]
    pub base64: bool,
    /// Members set on the built event (`null` removes one).
    #[serde(default)]
    pub event_patch: Map<String, Value>,
    /// The whole event, for `shape: event`.
    #[serde(default, deserialize_with = "present")]
    pub event: Option<Value>,
    pub expect: Expect,
    /// A defect of the function this entry shows: the expectation is the correct answer, which the
    /// function does not give yet.
    #[serde(default)]
    pub bug: Option<String>,
}

/// A member given as `null` is still given (the value to send), unlike an absent one.
fn present<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(deserializer).map(Some)
}

fn default_config() -> String {
    "default".to_owned()
}

fn default_shape() -> String {
    "v2".to_owned()
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Expect {
    pub status: u16,
    #[serde(default)]
    pub code: Option<String>,
    /// The listed field paths, in order.
    #[serde(default)]
    pub fields: Option<Vec<String>>,
    #[serde(default)]
    pub field_count: Option<u64>,
    /// An upper bound on the body's length in bytes.
    #[serde(default)]
    pub max_response_bytes: Option<usize>,
    /// Members the StartChatContact request must have had (a subset, compared as JSON).
    #[serde(default)]
    pub connect: Option<Map<String, Value>>,
    /// Members the StartChatContact request must not have had.
    #[serde(default)]
    pub connect_lacks: Vec<String>,
    /// Members the StartChatContact request must have had with another value than these.
    #[serde(default)]
    pub connect_not: Map<String, Value>,
    /// The chat must be the one an earlier entry (of the same configuration) got.
    #[serde(default)]
    pub same_chat_as: Option<String>,
    /// The chat must differ from the ones these earlier entries got.
    #[serde(default)]
    pub different_chat_from: Vec<String>,
    /// The answer must be the one an earlier entry (of the same configuration) got: the same status,
    /// headers and body, but for what differs between any two answers (see `answers.rs`).
    #[serde(default)]
    pub same_answer_as: Option<String>,
    /// Response headers with their exact values (lowercase names).
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
}

/// The default valid body: what every `with` / `without` entry starts from.
pub fn default_body() -> Value {
    json!({"ParticipantDetails": {"DisplayName": "Ada Lovelace"}})
}

/// `configs.json`: name → the variables set over `function_env()`.
pub fn load_configs(dir: &Path) -> BTreeMap<String, BTreeMap<String, String>> {
    let path = dir.join("configs.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let value: Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let configs = value
        .get("configs")
        .cloned()
        .unwrap_or_else(|| panic!("{}: no `configs` member", path.display()));
    serde_json::from_value(configs).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every `*.jsonl` file of the directory, one entry a line (blank lines and `//` lines skipped), in
/// file-name order. Names are unique across files.
pub fn load_entries(dir: &Path) -> Vec<Entry> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|entry| Some(entry.ok()?.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "jsonl"))
        .collect();
    files.sort();
    let mut entries: Vec<Entry> = Vec::new();
    for file in files {
        let text =
            std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        for (number, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with("//") {
                continue;
            }
            let at = || format!("{}:{}", file.display(), number + 1);
            let raw: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{}: {e}", at()));
            let entry: Entry =
                serde_json::from_value(expand(&raw)).unwrap_or_else(|e| panic!("{}: {e}", at()));
            assert!(
                entries.iter().all(|other| other.name != entry.name),
                "{}: the name {:?} is used twice",
                at(),
                entry.name
            );
            entries.push(entry);
        }
    }
    entries
}

/// Evaluates the generators anywhere in a value. A generator is an object with one `$` member:
/// - `{"$repeat": "ab", "count": 3}` → `"ababab"`
/// - `{"$concat": ["a", {"$repeat": …}]}` → the strings joined
/// - `{"$pad": "text", "bytes": 100, "with": " "}` → `text` followed by `with` up to exactly 100 bytes
/// - `{"$members": "k", "count": 2, "value": v}` → `{"k0": v, "k1": v}`
/// - `{"$list": v, "count": 2}` → `[v, v]`
/// - `{"$base64": "text"}` → the text's UTF-8 bytes in base64; `{"$base64Bytes": [255, 0]}` → those bytes
/// - `{"$jwt": {"alg": "HS256", …}, "claims": {…}, "key": "k1", "fromNow": {"exp": 300}}` → a compact
///   JWS of that header and claims, signed with HMAC-SHA256 under `key` (the signature is garbage when
///   `alg` is not HS256); `fromNow` claims are set to the current Unix time plus their value
pub fn expand(value: &Value) -> Value {
    match value {
        Value::Array(items) => Value::Array(items.iter().map(expand).collect()),
        Value::Object(object) => match generator(object) {
            Some(generated) => generated,
            None => Value::Object(
                object
                    .iter()
                    .map(|(key, value)| (key.clone(), expand(value)))
                    .collect(),
            ),
        },
        other => other.clone(),
    }
}

fn generator(object: &Map<String, Value>) -> Option<Value> {
    let count = || {
        object
            .get("count")
            .and_then(Value::as_u64)
            .unwrap_or_else(|| panic!("a generator without a count: {object:?}")) as usize
    };
    let text = |key: &str| match expand(&object[key]) {
        Value::String(text) => text,
        other => panic!("{key} must give a string, not {other}"),
    };
    if object.contains_key("$repeat") {
        Some(Value::String(text("$repeat").repeat(count())))
    } else if let Some(parts) = object.get("$concat") {
        let parts = parts
            .as_array()
            .unwrap_or_else(|| panic!("$concat: {parts}"));
        let joined: String = parts
            .iter()
            .map(|part| match expand(part) {
                Value::String(text) => text,
                other => panic!("$concat parts must be strings, not {other}"),
            })
            .collect();
        Some(Value::String(joined))
    } else if object.contains_key("$pad") {
        let mut padded = text("$pad");
        let filler = object.get("with").and_then(Value::as_str).unwrap_or(" ");
        let bytes = object
            .get("bytes")
            .and_then(Value::as_u64)
            .expect("$pad bytes") as usize;
        while padded.len() + filler.len() <= bytes {
            padded.push_str(filler);
        }
        assert_eq!(
            padded.len(),
            bytes,
            "$pad cannot reach {bytes} bytes exactly"
        );
        Some(Value::String(padded))
    } else if object.contains_key("$members") {
        let prefix = text("$members");
        let value = expand(object.get("value").unwrap_or(&Value::Null));
        let members = (0..count())
            .map(|index| (format!("{prefix}{index}"), value.clone()))
            .collect();
        Some(Value::Object(members))
    } else if let Some(item) = object.get("$list") {
        let item = expand(item);
        Some(Value::Array(vec![item; count()]))
    } else if object.contains_key("$base64") {
        Some(Value::String(base64(text("$base64").as_bytes())))
    } else if let Some(bytes) = object.get("$base64Bytes") {
        let bytes: Vec<u8> = bytes
            .as_array()
            .expect("$base64Bytes: an array")
            .iter()
            .map(|b| {
                b.as_u64()
                    .and_then(|b| u8::try_from(b).ok())
                    .expect("a byte")
            })
            .collect();
        Some(Value::String(base64(&bytes)))
    } else if let Some(header) = object.get("$jwt") {
        Some(Value::String(jwt(
            &expand(header),
            object
                .get("claims")
                .map(expand)
                .unwrap_or_else(|| json!({})),
            object
                .get("key")
                .and_then(Value::as_str)
                .unwrap_or_default(),
            object.get("fromNow").and_then(Value::as_object),
        )))
    } else {
        assert!(
            !object.keys().any(|key| key.starts_with('$')),
            "an unknown generator: {object:?}"
        );
        None
    }
}

/// Standard base64 with padding (the test's own encoder: the corpus must not trust the function's).
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = (u32::from(chunk[0]) << 16)
            | (u32::from(*chunk.get(1).unwrap_or(&0)) << 8)
            | u32::from(*chunk.get(2).unwrap_or(&0));
        for index in 0..4 {
            if index <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * index)) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// A JWT (compact JWS) signed with HMAC-SHA256: the corpus makes its own tokens so that expiry can be
/// relative to the run.
fn jwt(
    header: &Value,
    mut claims: Value,
    key: &str,
    from_now: Option<&Map<String, Value>>,
) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs() as i64);
    for (claim, offset) in from_now.into_iter().flatten() {
        let offset = offset.as_i64().expect("fromNow: whole seconds");
        claims[claim] = json!(now + offset);
    }
    let url = |bytes: &[u8]| {
        base64(bytes)
            .trim_end_matches('=')
            .replace('+', "-")
            .replace('/', "_")
    };
    let signing_input = format!(
        "{}.{}",
        url(header.to_string().as_bytes()),
        url(claims.to_string().as_bytes())
    );
    let signature = hmac_sha256(key.as_bytes(), signing_input.as_bytes());
    format!("{signing_input}.{}", url(&signature))
}

/// RFC 2104 over SHA-256 (sha2 is already a dev-dependency).
fn hmac_sha256(key: &[u8], message: &[u8]) -> Vec<u8> {
    use sha2::{Digest, Sha256};
    const BLOCK: usize = 64;
    let mut block = [0u8; BLOCK];
    if key.len() > BLOCK {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let pad = |byte: u8| block.iter().map(|k| k ^ byte).collect::<Vec<u8>>();
    let inner = Sha256::new()
        .chain_update(pad(0x36))
        .chain_update(message)
        .finalize();
    Sha256::new()
        .chain_update(pad(0x5c))
        .chain_update(inner)
        .finalize()
        .to_vec()
}

/// The sample events the shapes start from.
fn template(shape: &str) -> Value {
    let file = match shape {
        "v2" => "http-api-v2.json",
        "v1" => "rest-api-v1.json",
        "url" => "function-url.json",
        other => panic!("unknown shape {other:?}"),
    };
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("events")
        .join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn default_headers(shape: &str) -> Map<String, Value> {
    let (origin, content_type) = if shape == "v1" {
        ("Origin", "Content-Type")
    } else {
        ("origin", "content-type")
    };
    let mut headers = Map::new();
    headers.insert(origin.into(), json!(crate::support::SITE_ORIGIN));
    headers.insert(content_type.into(), json!("application/json"));
    headers
}

/// The body text of an entry, if it has one.
pub fn body_text(entry: &Entry) -> Option<String> {
    let given = [
        entry.body.is_some(),
        entry.with.is_some() || !entry.without.is_empty(),
        entry.body_text.is_some(),
        entry.body_member.is_some(),
    ];
    assert!(
        given.iter().filter(|given| **given).count() <= 1,
        "{}: body, with/without, bodyText and bodyMember exclude each other",
        entry.name
    );
    if let Some(text) = &entry.body_text {
        return Some(text.clone());
    }
    if let Some(body) = &entry.body {
        return Some(body.to_string());
    }
    if entry.body_member.is_some() {
        return None;
    }
    let mut body = default_body();
    if let Some(with) = &entry.with {
        for (key, value) in with {
            body[key] = value.clone();
        }
    }
    if let Some(object) = body.as_object_mut() {
        for key in &entry.without {
            object.remove(key);
        }
    }
    Some(body.to_string())
}

/// The Lambda event the entry describes.
pub fn build_event(entry: &Entry) -> Value {
    if entry.shape == "event" {
        return entry
            .event
            .clone()
            .unwrap_or_else(|| panic!("{}: shape event needs `event`", entry.name));
    }
    assert!(
        entry.event.is_none(),
        "{}: `event` needs shape event",
        entry.name
    );
    let mut event = template(&entry.shape);
    let method = entry.method.clone().unwrap_or_else(|| json!("POST"));
    if entry.shape == "v1" {
        event["httpMethod"] = method.clone();
        event["requestContext"]["httpMethod"] = method;
    } else {
        event["requestContext"]["http"]["method"] = method;
    }

    let mut headers = default_headers(&entry.shape);
    for (name, value) in &entry.headers {
        headers.retain(|existing, _| !existing.eq_ignore_ascii_case(name));
        headers.insert(name.clone(), value.clone());
    }
    for name in &entry.omit_headers {
        headers.retain(|existing, _| !existing.eq_ignore_ascii_case(name));
    }
    // The template's own headers (Host, User-Agent, Accept) stay unless the entry names them.
    let mut all = event["headers"].as_object().cloned().unwrap_or_default();
    all.retain(|name, _| {
        !headers.keys().any(|own| own.eq_ignore_ascii_case(name))
            && !entry
                .omit_headers
                .iter()
                .any(|gone| gone.eq_ignore_ascii_case(name))
            && !name.eq_ignore_ascii_case("origin")
            && !name.eq_ignore_ascii_case("content-type")
    });
    all.extend(headers);
    if entry.shape == "v1" {
        let multi = entry.multi_value_headers.clone().unwrap_or_else(|| {
            Value::Object(
                all.iter()
                    .map(|(name, value)| (name.clone(), json!([value])))
                    .collect(),
            )
        });
        event["multiValueHeaders"] = multi;
    } else {
        assert!(
            entry.multi_value_headers.is_none(),
            "{}: multiValueHeaders is payload 1.0's",
            entry.name
        );
    }
    event["headers"] = Value::Object(all);

    match (body_text(entry), &entry.body_member) {
        (Some(text), _) if entry.base64 => {
            event["body"] = json!(base64(text.as_bytes()));
            event["isBase64Encoded"] = json!(true);
        }
        (Some(text), _) => {
            event["body"] = json!(text);
            event["isBase64Encoded"] = json!(false);
        }
        (None, member) => {
            event["body"] = member.clone().unwrap_or(Value::Null);
            event["isBase64Encoded"] = json!(entry.base64);
        }
    }
    if let Some(object) = event.as_object_mut() {
        for (key, value) in &entry.event_patch {
            if value.is_null() {
                object.remove(key);
            } else {
                object.insert(key.clone(), value.clone());
            }
        }
    }
    event
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generators_expand() {
        let value = json!({"a": {"$repeat": "ab", "count": 3},
            "b": {"$concat": ["x", {"$repeat": "y", "count": 2}]},
            "c": {"$pad": "{}", "bytes": 5},
            "d": {"$members": "k", "count": 2, "value": 1},
            "e": {"$list": true, "count": 2},
            "f": {"$base64": "{\"a\":1}"},
            "g": {"$base64Bytes": [255]}});
        assert_eq!(
            expand(&value),
            json!({"a": "ababab", "b": "xyy", "c": "{}   ", "d": {"k0": 1, "k1": 1},
                "e": [true, true], "f": "eyJhIjoxfQ==", "g": "/w=="})
        );
    }

    #[test]
    fn jwts_are_signed_with_hmac_sha256() {
        // RFC 4231, test case 2.
        assert_eq!(
            hmac_sha256(b"Jefe", b"what do ya want for nothing?")
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>(),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        let token = jwt(&json!({"alg": "HS256"}), json!({"sub": "c-1"}), "k", None);
        assert_eq!(token.split('.').count(), 3);
        assert!(
            token.starts_with("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjLTEifQ."),
            "{token}"
        );
    }
}
