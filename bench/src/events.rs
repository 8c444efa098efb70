//! The requests the benchmark sends: a typical widget request (`events/http-api-v2.json`), a maximal
//! valid one, built so that both the function and the emulator accept it, and the availability GET
//! (`events/availability.json`).

use connect_emulator::{LOCAL_INSTANCE_ID, LOCAL_SALES_FLOW_ID};
use serde_json::{Map, Value, json};
use std::path::Path;

/// Keys and values of all attributes together, in UTF-8 bytes: StartChatContact's limit.
pub const ATTRIBUTES_TOTAL_BYTES: usize = 32_768;
const ATTRIBUTE_COUNT: usize = 32;
const DISPLAY_NAME_CHARS: usize = 256;
const MESSAGE_CHARS: usize = 16_384;
const CONTENT_TYPES: [&str; 5] = [
    "text/plain",
    "text/markdown",
    "application/json",
    "application/vnd.amazonaws.connect.message.interactive",
    "application/vnd.amazonaws.connect.message.interactive.response",
];

/// The ClientToken placeholder spliced per invocation: as long as a UUID, and needing no escaping in
/// JSON, so the bytes of the event contain it verbatim.
const TOKEN_SLOT: &str = "########-####-####-####-############";

/// An event whose bytes are copied for each invocation, with a fresh ClientToken: the function refuses
/// a token that is not a random (version 4) UUID, and Connect would answer a repeated one with the
/// earlier chat.
#[derive(Debug, Clone)]
pub struct EventTemplate {
    bytes: Vec<u8>,
    token_at: Option<usize>,
}

impl EventTemplate {
    pub fn fixed(bytes: Vec<u8>) -> Self {
        Self {
            bytes,
            token_at: None,
        }
    }

    /// `client_token` must be unique per invocation, shaped as [`client_token`] makes it.
    pub fn render(&self, client_token: &str) -> Vec<u8> {
        let mut bytes = self.bytes.clone();
        if let Some(at) = self.token_at {
            splice(&mut bytes[at..at + TOKEN_SLOT.len()], client_token, b'0');
        }
        bytes
    }

    pub fn len(&self) -> usize {
        self.bytes.len()
    }
}

/// Writes `text` into `slot` (right-aligned, padded with `pad`, truncated on the left if too long).
fn splice(slot: &mut [u8], text: &str, pad: u8) {
    let text = text.as_bytes();
    let text = &text[text.len().saturating_sub(slot.len())..];
    let start = slot.len() - text.len();
    slot[..start].fill(pad);
    slot[start..].copy_from_slice(text);
}

/// A version 4 UUID, unique per `(run, counter)`: the run's random part and a counter, so that no two
/// invocations of a run, nor of two runs, share a token.
pub fn client_token(run: u64, counter: u64) -> String {
    format!(
        "{:08x}-{:04x}-4{:03x}-a{:03x}-{:012x}",
        run >> 32,
        (run >> 16) & 0xffff,
        (run >> 4) & 0xfff,
        ((run & 0xf) << 8) | ((counter >> 48) & 0xff),
        counter & 0xffff_ffff_ffff
    )
}

/// A run's part of its ClientTokens: the start time in nanoseconds, so two runs never share one.
pub fn run_id() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |since| since.as_nanos() as u64)
}

fn find(haystack: &[u8], needle: &str) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle.as_bytes())
}

/// Text of exactly `chars` characters, built from `words` (ASCII, so bytes equal characters).
fn text(words: &str, chars: usize) -> String {
    words.chars().cycle().take(chars).collect()
}

/// The attributes: `ATTRIBUTE_COUNT` keys whose keys and values add up to exactly
/// `ATTRIBUTES_TOTAL_BYTES` bytes.
pub fn maximal_attributes() -> Map<String, Value> {
    let per_attribute = ATTRIBUTES_TOTAL_BYTES / ATTRIBUTE_COUNT;
    (0..ATTRIBUTE_COUNT)
        .map(|index| {
            let key = format!("attribute_{index:02}");
            let value = text(
                "Order A-1001, delivery window 9-12, customer tier gold; ",
                per_attribute - key.len(),
            );
            (key, Value::String(value))
        })
        .collect()
}

/// The body of the maximal valid request: every StartChatContact member the widget may send, each
/// string at its length limit, 32 KiB of attributes; the ClientToken is a placeholder filled in per
/// invocation. Contact linkage (`RelatedContactId`, `PersistentChat`) needs a continuation token the
/// browser got from an earlier chat, and an anonymous browser's `CustomerId` is refused by default, so
/// the maximal request of an anonymous customer has neither.
pub fn maximal_body() -> Value {
    json!({
        "InstanceId": LOCAL_INSTANCE_ID,
        "ContactFlowId": LOCAL_SALES_FLOW_ID,
        "ParticipantDetails": {"DisplayName": text("Ada Lovelace Byron King ", DISPLAY_NAME_CHARS)},
        "Attributes": maximal_attributes(),
        "InitialMessage": {
            "ContentType": "text/markdown",
            "Content": text("**Order** A-1001 has not arrived. \"Tracking\" says: delivered.\n", MESSAGE_CHARS),
        },
        "SupportedMessagingContentTypes": CONTENT_TYPES,
        "ChatDurationInMinutes": 10_080,
        "ClientToken": TOKEN_SLOT,
        "SegmentAttributes": {"connect:Subtype": {"ValueString": "connect:WebChat"}},
        "DisconnectOnCustomerExit": ["AGENT"],
        "ConnectionTypes": ["WEBSOCKET", "CONNECTION_CREDENTIALS"],
        "Username": "ada",
    })
}

/// `events/http-api-v2.json`: the typical request, an HTTP API event with the widget's body.
pub fn load_typical(events: &Path) -> Result<Value, String> {
    let path = events.join("http-api-v2.json");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// `events/availability.json`: the page's availability GET, an HTTP API event without a body.
pub fn load_availability(events: &Path) -> Result<EventTemplate, String> {
    let path = events.join("availability.json");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let event: Value =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let bytes = serde_json::to_vec(&event).map_err(|e| e.to_string())?;
    Ok(EventTemplate::fixed(bytes))
}

/// The typical event with its body replaced by the maximal one (same API Gateway v2 envelope).
pub fn maximal_event(typical: &Value) -> Result<EventTemplate, String> {
    let mut event = typical.clone();
    let Value::Object(fields) = &mut event else {
        return Err("the typical event is not a JSON object".into());
    };
    fields.insert("body".into(), Value::String(maximal_body().to_string()));
    let bytes = serde_json::to_vec(&event).map_err(|e| e.to_string())?;
    let token_at = find(&bytes, TOKEN_SLOT).ok_or("no ClientToken slot in the maximal event")?;
    Ok(EventTemplate {
        bytes,
        token_at: Some(token_at),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use start_chat::config::Settings;
    use start_chat::secrets::SecretValues;

    fn typical() -> Value {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../events/http-api-v2.json");
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}"))
    }

    fn rendered_body(template: &EventTemplate) -> Value {
        let bytes = template.render(&client_token(0x0123_4567_89ab_cdef, 42));
        let event: Value = serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{e}"));
        serde_json::from_str(event["body"].as_str().unwrap_or_default())
            .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn the_maximal_body_sits_at_every_limit() {
        let template = maximal_event(&typical()).unwrap_or_else(|e| panic!("{e}"));
        let body = rendered_body(&template);
        let attributes = body["Attributes"].as_object().unwrap_or_else(|| panic!());
        let total: usize = attributes
            .iter()
            .map(|(k, v)| k.len() + v.as_str().map_or(0, str::len))
            .sum();
        assert_eq!(total, ATTRIBUTES_TOTAL_BYTES);
        let chars = |pointer: &str| {
            body.pointer(pointer)
                .and_then(Value::as_str)
                .map_or(0, |s| s.chars().count())
        };
        assert_eq!(chars("/ParticipantDetails/DisplayName"), 256);
        assert_eq!(chars("/InitialMessage/Content"), 16_384);
        assert_eq!(body["ClientToken"], "01234567-89ab-4cde-af00-00000000002a");
    }

    #[test]
    fn the_function_accepts_the_maximal_request() {
        // The deployed configuration: the local one, whose secret the emulator serves.
        let env = connect_emulator::local::function_env("http://127.0.0.1:1");
        let secret = SecretValues {
            server_secret: Some(connect_emulator::local::SERVER_SECRET.to_owned()),
            jwt_signing_keys: Vec::new(),
        };
        let config = Settings::from_lookup(|name| {
            env.iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| value.clone())
        })
        .and_then(|settings| settings.into_config(Some(secret)))
        .unwrap_or_else(|e| panic!("{e}"));
        let template = maximal_event(&typical()).unwrap_or_else(|e| panic!("{e}"));
        let body = rendered_body(&template).to_string();
        assert!(body.len() <= config.http.max_body_bytes, "{}", body.len());
        let command = config
            .policy
            .authorize(body.as_bytes(), None, std::time::SystemTime::now())
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(command.attributes().len(), ATTRIBUTE_COUNT);
        assert!(command.initial_message().is_some());
        assert_eq!(command.connection_types().len(), 2);
    }

    #[test]
    fn the_availability_event_is_a_get_without_a_body() {
        let events = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../events"));
        let template = load_availability(events).unwrap_or_else(|e| panic!("{e}"));
        let event: Value =
            serde_json::from_slice(&template.render("")).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(event["requestContext"]["http"]["method"], "GET");
        assert!(event.get("body").is_none_or(Value::is_null), "{event}");
    }

    #[test]
    fn client_tokens_are_distinct_version_4_uuids() {
        let run = 0xfedc_ba98_7654_3210;
        let tokens: std::collections::BTreeSet<String> = (0..1_000)
            .map(|counter| client_token(run, counter))
            .collect();
        assert_eq!(tokens.len(), 1_000);
        for token in &tokens {
            assert_eq!(token.len(), TOKEN_SLOT.len());
            assert_eq!(&token[14..15], "4");
            assert_eq!(&token[19..20], "a");
        }
        assert_ne!(client_token(run, 7), client_token(run + 1, 7));
    }

    #[test]
    fn splicing_pads_and_truncates_on_the_left() {
        let mut slot = *b"@@@@@@";
        splice(&mut slot, "42", b'0');
        assert_eq!(&slot, b"000042");
        splice(&mut slot, "1234567", b'0');
        assert_eq!(&slot, b"234567");
    }
}
