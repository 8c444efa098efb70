//! The handler around a fake Connect port: the pipeline's outcomes, their responses, log lines and
//! metrics, in microseconds. The wire to Connect is tested against the emulator in tests/integration.

use super::*;
use crate::chat::{
    ConnectFailure, ConnectFailureKind, PolicySettings, Secret, StartChatCommand, StartedChat,
};
use crate::http::{AllowedOrigins, ConnectCall, ErrorAnswer};
use crate::telemetry::{RequestMetric, RequestResult};
use serde_json::{Value, json};
use std::collections::HashSet;
use std::io::Write;
use std::sync::{Arc, Mutex};

pub(super) const INSTANCE: &str = "3f0a7c1e-8b5d-4e2a-9c6f-1d2e3f4a5b6c";
pub(super) const FLOW: &str = "6a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
pub(super) const SITE: &str = "https://www.example.com";

/// A Connect that answers with what the test says, and counts the calls.
pub(super) struct FakeConnect {
    pub(super) answer: Result<(), ConnectFailureKind>,
    pub(super) calls: Mutex<Vec<StartChatCommand>>,
}

impl ChatStarter for FakeConnect {
    async fn start_chat(&self, command: &StartChatCommand) -> Result<StartedChat, ConnectFailure> {
        self.calls
            .lock()
            .expect("an unpoisoned lock")
            .push(command.clone());
        match self.answer {
            Ok(()) => Ok(StartedChat {
                contact_id: "contact-1".into(),
                participant_id: "participant-1".into(),
                participant_token: Secret::new("participant-token-1"),
                continued_from_contact_id: None,
                connection_credentials: None,
                websocket: None,
            }),
            Err(kind) => Err(ConnectFailure {
                message: Some("an AWS message".into()),
                ..ConnectFailure::new(kind)
            }),
        }
    }
}

pub(super) fn handler(answer: Result<(), ConnectFailureKind>) -> ChatHandler<FakeConnect> {
    let settings = HttpSettings {
        origins: OriginPolicy {
            allowed: AllowedOrigins::Exact(HashSet::from([SITE.to_owned()])),
            require_origin: false,
        },
        max_body_bytes: 1024,
        attachments_enabled: false,
    };
    let policy = ChatPolicy::new(PolicySettings::new(INSTANCE, FLOW)).expect("a valid policy");
    let connect = FakeConnect {
        answer,
        calls: Mutex::new(Vec::new()),
    };
    ChatHandler::new(settings, policy, None, connect, Metrics::disabled())
}

/// The commands the fake Connect was given, in order.
fn calls(handler: &ChatHandler<FakeConnect>) -> Vec<StartChatCommand> {
    handler
        .start_chat
        .starter
        .calls
        .lock()
        .expect("an unpoisoned lock")
        .clone()
}

fn post(body: &str) -> HttpRequest {
    HttpRequest::new("POST")
        .header("origin", SITE)
        .header("content-type", "application/json")
        .body(body)
}

/// A writer shared with the test, for the log lines of one request.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .expect("an unpoisoned lock")
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Handles one request on this thread, returning the response and its JSON log lines.
pub(super) fn run<A: AvailabilitySource, P: PushRegistrations>(
    handler: &ChatHandler<FakeConnect, A, P>,
    request: &HttpRequest,
) -> (HttpResponse, Vec<Value>) {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .json()
        .flatten_event(true)
        .with_writer(move || writer.clone())
        .finish();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime");
    let response = tracing::subscriber::with_default(subscriber, || {
        runtime.block_on(handler.handle(request, "req-1"))
    });
    let bytes = captured.0.lock().expect("an unpoisoned lock").clone();
    let lines = String::from_utf8(bytes)
        .expect("UTF-8 log lines")
        .lines()
        .map(|line| serde_json::from_str(line).expect("a JSON log line"))
        .collect();
    (response, lines)
}

pub(super) fn body(response: &HttpResponse) -> Value {
    serde_json::from_str(response.body.as_deref().expect("a body")).expect("a JSON body")
}

#[test]
fn a_preflight_is_answered_without_a_metric_or_a_call() {
    let handler = handler(Ok(()));
    let request = HttpRequest::new("OPTIONS").header("origin", SITE);
    let (response, lines) = run(&handler, &request);
    assert_eq!(response.status, 204);
    assert_eq!(response.header("allow"), Some("GET, POST, OPTIONS"));
    assert_eq!(
        response.header("access-control-allow-methods"),
        Some("GET, POST, OPTIONS")
    );
    assert_eq!(response.header("access-control-allow-origin"), Some(SITE));
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["outcome"], "preflight");
    assert_eq!(lines[0]["level"], "INFO");
    let (_, result) = Outcome::Preflight(Route::Chat).answer(
        &request,
        &OriginCheck::Allowed(SITE.to_owned()),
        "req-1",
    );
    assert_eq!(result, RequestResult::Preflight);
    assert!(result.metric().is_none());
    assert!(calls(&handler).is_empty());
}

#[test]
fn a_started_chat_is_logged_with_its_contact_id_and_nothing_personal() {
    let handler = handler(Ok(()));
    let (response, lines) = run(
        &handler,
        &post(r#"{"ParticipantDetails":{"DisplayName":"Ada"}}"#),
    );
    assert_eq!(response.status, 200);
    assert_eq!(body(&response)["ParticipantToken"], "participant-token-1");
    assert_eq!(lines.len(), 1);
    let line = &lines[0];
    assert_eq!(line["outcome"], "chat_started");
    assert_eq!(line["contact_id"], "contact-1");
    assert_eq!(line["request_id"], "req-1");
    assert!(line["connect_latency_ms"].is_f64());
    let text = line.to_string();
    assert!(
        !text.contains("Ada") && !text.contains("participant-token-1"),
        "{text}"
    );
}

#[test]
fn refusals_count_by_reason_and_never_call_connect() {
    let handler = handler(Ok(()));
    let cases = [
        (
            HttpRequest::new("POST")
                .header("origin", "https://evil.example")
                .body("{}"),
            403,
            RequestMetric::RefusedOrigin,
        ),
        (post("{"), 400, RequestMetric::RefusedValidation),
        (
            HttpRequest::new("PUT").header("origin", SITE),
            405,
            RequestMetric::RefusedValidation,
        ),
        // Availability is not configured here.
        (
            HttpRequest::new("GET").header("origin", SITE),
            404,
            RequestMetric::RefusedValidation,
        ),
        (
            post(r#"{"ParticipantDetails":{"DisplayName":"A"},"ContactFlowId":"other"}"#),
            403,
            RequestMetric::RefusedPolicy,
        ),
    ];
    for (request, status, metric) in cases {
        let (response, lines) = run(&handler, &request);
        assert_eq!(response.status, status, "{request:?}");
        assert_eq!(lines[0]["outcome"], "refused");
        assert_eq!(lines[0]["reason"], metric.name());
        assert_eq!(lines[0]["status"], status);
    }
    assert!(calls(&handler).is_empty());
}

#[test]
fn connect_failures_are_logged_at_their_tables_level() {
    for (kind, level, outcome) in [
        (ConnectFailureKind::Throttled, "WARN", "connect_refused"),
        (ConnectFailureKind::ServiceError, "ERROR", "connect_failed"),
    ] {
        let handler = handler(Err(kind));
        let (response, lines) = run(
            &handler,
            &post(r#"{"ParticipantDetails":{"DisplayName":"Ada"}}"#),
        );
        let answer =
            ErrorAnswer::connect(&ConnectFailure::new(kind), ConnectCall::StartChatContact);
        assert_eq!(response.status, answer.status);
        assert_eq!(lines[0]["level"], level);
        assert_eq!(lines[0]["outcome"], outcome);
        assert_eq!(lines[0]["reason"], answer.metric.name());
        // The AWS message is for the log, never for the browser.
        assert_eq!(lines[0]["connect_message"], "an AWS message");
        assert!(
            !response
                .body
                .as_deref()
                .expect("a body")
                .contains("AWS message")
        );
    }
}

#[test]
fn an_event_that_is_not_http_is_a_json_400() {
    let handler = handler(Ok(()));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime");
    let response = runtime.block_on(handler.handle_event(&json!({"Records": []}), "r"));
    let document = serde_json::to_value(&response).expect("a document");
    assert_eq!(document["statusCode"], 400);
    let body: Value =
        serde_json::from_str(document["body"].as_str().expect("a body")).expect("a JSON body");
    assert_eq!(body["error"]["code"], "INVALID_EVENT");
}

/// Connect receives the token derived from the browser's and the whole command (chat::idempotency),
/// never the browser's own: the same for a retry, another for a request that differs in any member.
#[test]
fn connect_receives_a_derived_token_bound_to_the_request() {
    const BROWSER_TOKEN: &str = "9b2f3c4d-1e5a-4f6b-8c7d-0e1f2a3b4c5d";
    let handler = handler(Ok(()));
    let body = |name: &str| {
        json!({"ParticipantDetails": {"DisplayName": name}, "ClientToken": BROWSER_TOKEN})
            .to_string()
    };
    for request in [post(&body("Ada")), post(&body("Ada")), post(&body("Eve"))] {
        let (response, _) = run(&handler, &request);
        assert_eq!(response.status, 200);
    }
    let tokens: Vec<String> = calls(&handler)
        .iter()
        .map(|command| command.client_token().expect("a token").to_owned())
        .collect();
    assert_eq!(tokens.len(), 3);
    assert!(
        tokens
            .iter()
            .all(|token| token.len() == 64 && token != BROWSER_TOKEN)
    );
    assert_eq!(tokens[0], tokens[1], "a retry");
    assert_ne!(tokens[0], tokens[2], "another display name");
}
