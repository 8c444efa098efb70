//! Arbitrary bytes → (when they are JSON) a Lambda event → `ChatHandler::handle_event`, with a fake
//! Amazon Connect port and the real policy, under three configurations (the third with signed
//! customers, so the token verifier is fuzzed too). Every answer must be a
//! documented one: a status of openapi.yaml, the error body's exact shape with a code listed under that
//! status, CORS exactly for allowed origins, `Vary: origin`, and a 5xx only when the fake port failed
//! with a 5xx-class failure.
//!
//! Input: `<event JSON>` or `<event JSON>\0<body>`; the second form sets the event's `body` to the raw
//! bytes after the NUL, so mutations reach the body parser without having to keep the event's JSON
//! string escaping intact. A checksum of the input picks the configuration and the port's answer.

#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::{Map, Value};
use start_chat::chat::{
    ChatStarter, ConnectFailure, ConnectFailureKind, ConnectionCredentials, Secret,
    StartChatCommand, StartedChat, WebsocketDetails,
};
use start_chat::config::Config;
use start_chat::http::ChatHandler;
use start_chat::telemetry::Metrics;
use std::collections::{BTreeSet, HashMap};
use std::future::Future;
use std::path::Path;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use test_support::oracle::{
    Allowed, CODES_WITH_FIELDS, ERROR_BODY_MAX_BYTES, LISTED_FIELDS_MAX, RESPONSE_HEADERS,
    expected_allow, expected_allow_origin,
};
use test_support::spec;

const REQUEST_ID: &str = "fuzz-0000-request-id";
const CONTACT_ID: &str = "71688984-1b89-415d-8393-2248b5abcbc2";
/// The fake port: answers what the input chose, and remembers whether it was called.
struct FakeConnect {
    /// `u8::MAX`: a started chat; otherwise the index of a `ConnectFailureKind::ALL` failure.
    answer: AtomicU8,
    called: AtomicBool,
}

/// The handler's port: the one fake, shared by the three configurations' handlers.
struct Port(&'static FakeConnect);

impl ChatStarter for Port {
    fn start_chat(
        &self,
        command: &StartChatCommand,
    ) -> impl Future<Output = Result<StartedChat, ConnectFailure>> + Send {
        self.0.called.store(true, Ordering::SeqCst);
        let answer = self.0.answer.load(Ordering::SeqCst);
        let with_connection = !command.connection_types().is_empty();
        async move {
            match ConnectFailureKind::ALL.get(usize::from(answer)) {
                Some(kind) => Err(ConnectFailure::new(*kind)),
                None => Ok(StartedChat {
                    contact_id: CONTACT_ID.to_owned(),
                    participant_id: "8607fe01-bd54-4899-8b32-794f1bf7334c".to_owned(),
                    participant_token: Secret::new("QVFJREFIaj-fuzz-token"),
                    continued_from_contact_id: None,
                    connection_credentials: with_connection.then(|| ConnectionCredentials {
                        connection_token: Secret::new("connection-token"),
                        expiry: Some("2026-11-23T10:00:00.000Z".to_owned()),
                    }),
                    websocket: with_connection.then(|| WebsocketDetails {
                        url: Secret::new("wss://example.invalid/socket"),
                        connection_expiry: None,
                    }),
                }),
            }
        }
    }
}

struct Setup {
    handler: ChatHandler<Port>,
    allowed: Allowed,
}

struct World {
    runtime: tokio::runtime::Runtime,
    connect: &'static FakeConnect,
    setups: Vec<Setup>,
    documented: BTreeSet<(u16, String)>,
}

/// The configurations the input chooses from: the integration tests' function environment, then the
/// switches that change what is refused.
fn configurations() -> Vec<Vec<(&'static str, &'static str)>> {
    let base = vec![
        ("INSTANCE_ID", "3f0a7c1e-8b5d-4e2a-9c6f-1d2e3f4a5b6c"),
        ("CONTACT_FLOW_ID", "6a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"),
        (
            "ALLOWED_CONTACT_FLOW_IDS",
            "7b2c3d4e-5f6a-4b7c-9d8e-0f1a2b3c4d5e",
        ),
        (
            "CONTACT_FLOW_ALIASES",
            "sales=7b2c3d4e-5f6a-4b7c-9d8e-0f1a2b3c4d5e",
        ),
        ("ALLOWED_ORIGINS", "https://www.example.com"),
        ("ATTACHMENTS_ENABLED", "true"),
    ];
    let mut open = base.clone();
    open.extend([
        ("ALLOWED_ORIGINS", "*"),
        ("ALLOW_PERSISTENT_CHAT", "true"),
        (
            "SERVER_SECRET",
            "fuzz-server-secret-0123456789abcdef0123456789",
        ),
        (
            "ALLOWED_SEGMENT_ATTRIBUTE_KEYS",
            "connect:Subtype,custom:Tier",
        ),
        (
            "SUPPORTED_MESSAGING_CONTENT_TYPES",
            "text/plain,text/markdown",
        ),
        ("MAX_BODY_BYTES", "1048576"),
    ]);
    let mut strict = base.clone();
    strict.extend([
        ("REQUIRE_ORIGIN", "true"),
        ("ALLOW_CUSTOMER_ID", "false"),
        ("ALLOWED_ATTRIBUTE_KEYS", "customerName,plan"),
        ("CHAT_DURATION_MINUTES", "60"),
        (
            "SERVER_SECRET",
            "fuzz-server-secret-0123456789abcdef0123456789",
        ),
        (
            "JWT_SIGNING_KEYS",
            "fuzz-widget-security-key-of-44-characters-00",
        ),
        ("JWT_AUDIENCE", "chat.example.com"),
    ]);
    vec![base, open, strict]
}

fn world() -> &'static World {
    static WORLD: OnceLock<World> = OnceLock::new();
    WORLD.get_or_init(|| {
        let connect: &'static FakeConnect = Box::leak(Box::new(FakeConnect {
            answer: AtomicU8::new(u8::MAX),
            called: AtomicBool::new(false),
        }));
        let setups = configurations()
            .into_iter()
            .map(|variables| {
                let env: HashMap<&str, &str> = variables.into_iter().collect();
                let config = Config::from_lookup(|name| env.get(name).map(|v| (*v).to_owned()))
                    .unwrap_or_else(|e| panic!("fuzz setup: {e}"));
                Setup {
                    allowed: Allowed::from_setting(
                        env.get("ALLOWED_ORIGINS").copied().unwrap_or(""),
                    ),
                    handler: ChatHandler::new(
                        config.http,
                        config.policy,
                        config.customer_tokens,
                        Port(connect),
                        Metrics::disabled(),
                    ),
                }
            })
            .collect();
        let spec = spec::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../openapi.yaml"));
        World {
            runtime: tokio::runtime::Builder::new_current_thread()
                .build()
                .unwrap_or_else(|e| panic!("fuzz setup: {e}")),
            connect,
            setups,
            documented: spec::error_codes_of(&spec),
        }
    })
}

/// What each Connect failure must become (docs/api.md's error table).
fn connect_answer(kind: ConnectFailureKind) -> (u16, &'static str) {
    match kind {
        ConnectFailureKind::Rejected => (400, "CHAT_REQUEST_REJECTED"),
        ConnectFailureKind::NotFound => (404, "CHAT_RESOURCE_NOT_FOUND"),
        ConnectFailureKind::Throttled => (429, "TOO_MANY_REQUESTS"),
        ConnectFailureKind::ChatLimitExceeded => (429, "CHAT_LIMIT_EXCEEDED"),
        ConnectFailureKind::QuotaExceeded => (429, "SERVICE_QUOTA_EXCEEDED"),
        ConnectFailureKind::Misconfigured => (502, "SERVICE_MISCONFIGURED"),
        ConnectFailureKind::ServiceError | ConnectFailureKind::InvalidResponse => {
            (502, "UPSTREAM_ERROR")
        }
        ConnectFailureKind::Unavailable => (503, "SERVICE_UNAVAILABLE"),
        ConnectFailureKind::Timeout => (504, "UPSTREAM_TIMEOUT"),
    }
}

/// The event the input describes, if it is one.
fn event_of(data: &[u8]) -> Option<Value> {
    match data.iter().position(|byte| *byte == 0) {
        None => serde_json::from_slice(data).ok(),
        Some(split) => {
            let mut event: Value = serde_json::from_slice(&data[..split]).ok()?;
            let body = String::from_utf8_lossy(&data[split + 1..]).into_owned();
            if let Some(object) = event.as_object_mut() {
                object.insert("body".to_owned(), Value::String(body));
            }
            Some(event)
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some(event) = event_of(data) else {
        return;
    };
    let world = world();
    let checksum = data.iter().fold(0u32, |sum, byte| {
        sum.wrapping_mul(31).wrapping_add(u32::from(*byte))
    });
    let setup = &world.setups[(checksum >> 8) as usize % world.setups.len()];
    // Three in four calls succeed; the others fail with each kind in turn.
    let failure = (checksum % 4 == 0)
        .then(|| ConnectFailureKind::ALL[(checksum as usize / 4) % ConnectFailureKind::ALL.len()]);
    let answer = failure.map_or(u8::MAX, |kind| {
        ConnectFailureKind::ALL
            .iter()
            .position(|k| *k == kind)
            .map_or(u8::MAX, |i| i as u8)
    });
    world.connect.answer.store(answer, Ordering::SeqCst);
    world.connect.called.store(false, Ordering::SeqCst);

    let response = world
        .runtime
        .block_on(setup.handler.handle_event(&event, REQUEST_ID));
    let document =
        serde_json::to_value(&response).unwrap_or_else(|e| panic!("unserializable: {e}"));
    let called = world.connect.called.load(Ordering::SeqCst);
    check(&document, &event, setup, world, called.then_some(failure));
});

/// `connect`: `None` when the port was not called, `Some(None)` when it started the chat,
/// `Some(Some(kind))` when it failed.
fn check(
    document: &Value,
    event: &Value,
    setup: &Setup,
    world: &World,
    connect: Option<Option<ConnectFailureKind>>,
) {
    let status = document["statusCode"]
        .as_u64()
        .and_then(|s| u16::try_from(s).ok())
        .unwrap_or_else(|| panic!("no statusCode: {document}"));
    assert_eq!(document["isBase64Encoded"], false, "{document}");
    let headers: &Map<String, Value> = document["headers"]
        .as_object()
        .unwrap_or_else(|| panic!("no headers: {document}"));
    let header = |name: &str| headers.get(name).and_then(Value::as_str);
    for (name, value) in headers {
        assert!(
            RESPONSE_HEADERS.contains(&name.as_str()),
            "undocumented header {name}: {document}"
        );
        assert!(value.is_string(), "{document}");
    }
    assert_eq!(header("vary"), Some("origin"), "{document}");
    let expected_origin = expected_allow_origin(event, &setup.allowed);
    assert_eq!(
        header("access-control-allow-origin"),
        expected_origin.as_deref(),
        "CORS: {event} -> {document}"
    );
    assert_eq!(
        header("access-control-expose-headers").is_some(),
        expected_origin.is_some(),
        "{document}"
    );

    match (status, connect) {
        (500.., Some(Some(kind))) if connect_answer(kind).0 == status => {}
        (500.., _) => panic!("a 5xx the port did not cause: {event} -> {document}"),
        (200, Some(None)) => {}
        (200, _) => panic!("200 without a started chat: {document}"),
        _ => {}
    }
    let body = document.get("body").and_then(Value::as_str);
    if status == 204 {
        assert!(body.is_none(), "{document}");
        assert_eq!(header("allow"), Some(expected_allow(event)), "{document}");
        assert!(connect.is_none(), "a preflight reached Connect");
        return;
    }
    let text = body.unwrap_or_else(|| panic!("no body: {document}"));
    assert_eq!(
        header("content-type"),
        Some("application/json"),
        "{document}"
    );
    assert_eq!(header("cache-control"), Some("no-store"), "{document}");
    let body: Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {document}"));
    if status == 200 {
        assert_eq!(body["ContactId"], CONTACT_ID, "{body}");
        assert_eq!(
            body["data"]["startChatResult"]["ContactId"], CONTACT_ID,
            "{body}"
        );
        assert!(
            body["data"]["featurePermissions"]["ATTACHMENTS"].is_boolean(),
            "{body}"
        );
        return;
    }
    assert!(
        text.len() <= ERROR_BODY_MAX_BYTES,
        "a {}-byte error body",
        text.len()
    );
    let root = body.as_object().unwrap_or_else(|| panic!("{body}"));
    assert_eq!(root.len(), 1, "{body}");
    let error = body["error"]
        .as_object()
        .unwrap_or_else(|| panic!("{body}"));
    let code = error
        .get("code")
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("{body}"));
    assert!(
        world.documented.contains(&(status, code.to_owned())),
        "{status} {code} is not in openapi.yaml"
    );
    match connect {
        Some(Some(kind)) => assert_eq!((status, code), connect_answer(kind), "{body}"),
        Some(None) => panic!("a started chat answered {status} {code}"),
        None => assert!(
            connect_answer_codes().all(|connect_code| connect_code != code),
            "{code} without a Connect call"
        ),
    }
    for key in error.keys() {
        assert!(
            ["code", "message", "fields", "fieldCount", "requestId"].contains(&key.as_str()),
            "error.{key}: {body}"
        );
    }
    assert!(
        error
            .get("message")
            .and_then(Value::as_str)
            .is_some_and(|m| !m.is_empty()),
        "{body}"
    );
    assert_eq!(
        error.get("requestId").and_then(Value::as_str),
        Some(REQUEST_ID),
        "{body}"
    );
    match (error.get("fields"), error.get("fieldCount")) {
        (None, None) => {}
        (Some(Value::Array(fields)), Some(count)) => {
            assert!(CODES_WITH_FIELDS.contains(&code), "{body}");
            let count = count.as_u64().unwrap_or_else(|| panic!("{body}"));
            assert_eq!(
                fields.len() as u64,
                count.min(LISTED_FIELDS_MAX as u64),
                "{body}"
            );
            assert!(!fields.is_empty(), "{body}");
            for field in fields {
                let field = field.as_object().unwrap_or_else(|| panic!("{body}"));
                assert_eq!(field.len(), 2, "{body}");
                assert!(
                    field
                        .get("path")
                        .and_then(Value::as_str)
                        .is_some_and(|p| !p.is_empty()),
                    "{body}"
                );
                assert!(
                    field
                        .get("message")
                        .and_then(Value::as_str)
                        .is_some_and(|m| !m.is_empty()),
                    "{body}"
                );
            }
        }
        _ => panic!("fields and fieldCount must come together: {body}"),
    }
    if status == 405 {
        assert_eq!(header("allow"), Some(expected_allow(event)), "{document}");
    }
    if status == 401 {
        assert_eq!(header("www-authenticate"), Some("Bearer"), "{document}");
    }
    if [429, 503, 504].contains(&status) {
        assert!(header("retry-after").is_some(), "{document}");
    }
}

fn connect_answer_codes() -> impl Iterator<Item = &'static str> {
    ConnectFailureKind::ALL
        .into_iter()
        .map(|kind| connect_answer(kind).1)
}
