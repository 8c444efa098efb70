//! The availability GET and the start's gate through the handler, with fake Connect ports: the answer's
//! shape and headers, 404 when off, 409 CHAT_CLOSED without a StartChatContact call, the log line.

use crate::availability::{
    AvailabilitySettings, AvailabilitySource, DateWindow, EffectiveDay, EffectiveHours, EntryPoint,
    LocalRange, MetricsSnapshot, QueueDescription, QueueId, QueueMetrics, QueueStatus,
    RefuseStartWhen,
};
use crate::chat::{
    ChatPolicy, ChatStarter, ConnectFailure, ConnectFailureKind, PolicySettings, Secret,
    StartChatCommand, StartedChat,
};
use crate::http::{
    AllowedOrigins, ChatHandler, HttpRequest, HttpResponse, HttpSettings, OriginPolicy,
};
use crate::telemetry::Metrics;
use jiff::ToSpan;
use serde_json::{Value, json};
use std::collections::HashSet;
use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

const INSTANCE: &str = "3f0a7c1e-8b5d-4e2a-9c6f-1d2e3f4a5b6c";
const FLOW: &str = "6a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
const SALES_FLOW: &str = "7b2c3d4e-5f6a-4b7c-9d8e-0f1a2b3c4d5e";
/// An allowed flow no entry point names.
const OTHER_FLOW: &str = "8c3d4e5f-6a7b-4c8d-8e9f-1a2b3c4d5e6f";
const QUEUE: &str = "a1b2c3d4-0000-4000-8000-000000000001";
const SALES_QUEUE: &str = "a1b2c3d4-0000-4000-8000-000000000002";
const SITE: &str = "https://www.example.com";
/// A Monday evening in London: the weekday 09:00-17:00 hours are closed.
const MONDAY_EVENING: &str = "2026-12-07T20:00:00Z";
const MONDAY_MORNING: &str = "2026-12-07T10:00:00Z";

/// Counts the starts; always starts.
struct Starter {
    calls: Arc<AtomicUsize>,
}

impl ChatStarter for Starter {
    async fn start_chat(&self, _: &StartChatCommand) -> Result<StartedChat, ConnectFailure> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        Ok(StartedChat {
            contact_id: "contact-1".into(),
            participant_id: "participant-1".into(),
            participant_token: Secret::new("participant-token-1"),
            continued_from_contact_id: None,
            connection_credentials: None,
            websocket: None,
        })
    }
}

/// Connect as of `now`, with weekday 09:00-17:00 hours in London for every queue, two agents staffed
/// on the default queue and nobody on the sales queue; or failing every call.
struct Source {
    now: &'static str,
    failing: bool,
    calls: Arc<AtomicUsize>,
}

impl Source {
    fn at(now: &'static str) -> Self {
        Self {
            now,
            failing: false,
            calls: Arc::default(),
        }
    }

    fn enter(&self) -> Result<(), ConnectFailure> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        if self.failing {
            Err(ConnectFailure::new(ConnectFailureKind::Throttled))
        } else {
            Ok(())
        }
    }
}

impl AvailabilitySource for Source {
    async fn describe_queue(&self, _: &QueueId) -> Result<QueueDescription, ConnectFailure> {
        self.enter()?;
        Ok(QueueDescription {
            status: QueueStatus::Enabled,
            hours_of_operation_id: Some("hours".to_owned()),
        })
    }

    async fn effective_hours(
        &self,
        _: &str,
        window: DateWindow,
    ) -> Result<EffectiveHours, ConnectFailure> {
        self.enter()?;
        let mut days = Vec::new();
        let mut date = window.from;
        while date <= window.to {
            let open = if date.weekday().to_monday_one_offset() <= 5 {
                vec![LocalRange {
                    start: "09:00".parse().expect("a time"),
                    end: "17:00".parse().expect("a time"),
                }]
            } else {
                Vec::new()
            };
            days.push(EffectiveDay { date, open });
            date = date.checked_add(1.day()).expect("a date");
        }
        Ok(EffectiveHours {
            time_zone: "Europe/London".to_owned(),
            days,
            overrides: Vec::new(),
        })
    }

    async fn current_metrics(&self, _: &[QueueId]) -> Result<MetricsSnapshot, ConnectFailure> {
        self.enter()?;
        let staffed = QueueMetrics {
            agents_online: 3.0,
            agents_available: 1.0,
            agents_staffed: 2.0,
            contacts_in_queue: 4.0,
            oldest_contact_age_seconds: 95.2,
            estimated_wait_seconds: Some(41.6),
        };
        Ok(MetricsSnapshot {
            taken_at: Some(self.now.parse().expect("a timestamp")),
            queues: [(queue(QUEUE), staffed)].into_iter().collect(),
        })
    }
}

fn queue(id: &str) -> QueueId {
    QueueId::parse(id).expect("a queue id")
}

fn settings(refuse_start_when: RefuseStartWhen, details: bool) -> AvailabilitySettings {
    let entry_point = |name: &str, flow: &str, queue_id: &str| EntryPoint {
        name: name.to_owned(),
        contact_flow_id: flow.to_owned(),
        queue: queue(queue_id),
    };
    AvailabilitySettings {
        details,
        refuse_start_when,
        ..AvailabilitySettings::new(
            INSTANCE,
            vec![
                entry_point("default", FLOW, QUEUE),
                entry_point("sales", SALES_FLOW, SALES_QUEUE),
            ],
        )
    }
}

/// The handler, with counters of its StartChatContact calls and its availability calls.
struct Fixture {
    handler: ChatHandler<Starter, Source>,
    starts: Arc<AtomicUsize>,
    source_calls: Arc<AtomicUsize>,
}

impl Fixture {
    fn starts(&self) -> usize {
        self.starts.load(Ordering::SeqCst)
    }

    fn source_calls(&self) -> usize {
        self.source_calls.load(Ordering::SeqCst)
    }

    async fn run(&self, request: &HttpRequest) -> (HttpResponse, Vec<Value>) {
        run(&self.handler, request).await
    }
}

fn handler(availability: Option<(AvailabilitySettings, Source)>) -> Fixture {
    let http = HttpSettings {
        origins: OriginPolicy {
            allowed: AllowedOrigins::Exact(HashSet::from([SITE.to_owned()])),
            require_origin: false,
        },
        max_body_bytes: 1024,
        attachments_enabled: false,
    };
    let mut policy = PolicySettings::new(INSTANCE, FLOW);
    policy.allowed_contact_flow_ids = vec![SALES_FLOW.to_owned(), OTHER_FLOW.to_owned()];
    policy.contact_flow_aliases = vec![("sales".to_owned(), SALES_FLOW.to_owned())];
    let policy = ChatPolicy::new(policy).expect("a valid policy");
    let starts = Arc::new(AtomicUsize::new(0));
    let source_calls = availability
        .as_ref()
        .map_or_else(Arc::default, |(_, source)| source.calls.clone());
    let starter = Starter {
        calls: starts.clone(),
    };
    Fixture {
        handler: ChatHandler::new(http, policy, None, starter, Metrics::disabled())
            .with_availability(availability),
        starts,
        source_calls,
    }
}

fn get() -> HttpRequest {
    HttpRequest::new("GET").header("origin", SITE)
}

fn post(flow: &str) -> HttpRequest {
    HttpRequest::new("POST")
        .header("origin", SITE)
        .header("content-type", "application/json")
        .body(
            json!({"ParticipantDetails": {"DisplayName": "Ada"}, "ContactFlowId": flow})
                .to_string(),
        )
}

fn body(response: &HttpResponse) -> Value {
    serde_json::from_str(response.body.as_deref().expect("a body")).expect("a JSON body")
}

/// A writer shared with the test, for the log lines of one request.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .expect("not poisoned")
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Handles one request on this test's thread, returning the response and its JSON log lines.
async fn run(
    handler: &ChatHandler<Starter, Source>,
    request: &HttpRequest,
) -> (HttpResponse, Vec<Value>) {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .json()
        .flatten_event(true)
        .with_writer(move || writer.clone())
        .finish();
    let guard = tracing::subscriber::set_default(subscriber);
    let response = handler.handle(request, "req-1").await;
    drop(guard);
    let bytes = captured.0.lock().expect("not poisoned").clone();
    let lines = String::from_utf8(bytes)
        .expect("UTF-8 log lines")
        .lines()
        .map(|line| serde_json::from_str(line).expect("a JSON log line"))
        .collect();
    (response, lines)
}

#[tokio::test]
async fn the_answer_names_every_entry_point_in_order_and_may_be_cached() {
    let handler = handler(Some((
        settings(RefuseStartWhen::Never, false),
        Source::at(MONDAY_MORNING),
    )));
    let (response, lines) = handler.run(&get()).await;
    assert_eq!(response.status, 200);
    // At most the metrics TTL (15 s), counted from the refresh.
    let max_age: u64 = response
        .header("cache-control")
        .and_then(|value| value.strip_prefix("public, max-age="))
        .and_then(|seconds| seconds.parse().ok())
        .expect("a public max-age");
    assert!((1..=15).contains(&max_age), "{max_age}");
    assert_eq!(response.header("access-control-allow-origin"), Some(SITE));
    assert_eq!(response.header("vary"), Some("origin"));
    assert_eq!(response.header("content-type"), Some("application/json"));
    assert_eq!(
        response
            .body
            .as_deref()
            .map(|text| text.find("\"sales\"") > text.find("\"default\"")),
        Some(true),
        "default first"
    );
    assert_eq!(
        body(&response),
        json!({"data": {"checkedAt": MONDAY_MORNING, "entryPoints": {
            "default": {"available": true, "reason": "OPEN", "opensAt": null,
                        "closesAt": "2026-12-07T17:00:00Z", "estimatedWaitSeconds": 42,
                        "timeZone": "Europe/London"},
            "sales": {"available": false, "reason": "NO_AGENTS_STAFFED", "opensAt": null,
                      "closesAt": "2026-12-07T17:00:00Z", "estimatedWaitSeconds": null,
                      "timeZone": "Europe/London"}}}})
    );
    assert_eq!(lines.len(), 1);
    let line = &lines[0];
    assert_eq!(line["outcome"], "availability");
    assert_eq!(line["status"], 200);
    assert_eq!(line["availability"], "default=OPEN,sales=NO_AGENTS_STAFFED");
    assert_eq!(line["availability_cache"], "refreshed");
    // One metrics call, two queues, their one shared hours.
    assert_eq!(line["availability_connect_calls"], 4);

    let (_, lines) = handler.run(&get()).await;
    assert_eq!(lines[0]["availability_cache"], "hit");
    assert_eq!(lines[0]["availability_connect_calls"], 0);
    assert_eq!(handler.source_calls(), 4);
}

#[tokio::test]
async fn details_add_the_queue_figures() {
    let handler = handler(Some((
        settings(RefuseStartWhen::Never, true),
        Source::at(MONDAY_MORNING),
    )));
    let (response, _) = handler.run(&get()).await;
    let entry_points = &body(&response)["data"]["entryPoints"];
    assert_eq!(
        entry_points["default"]["queue"],
        json!({"agentsOnline": 3, "agentsAvailable": 1, "agentsStaffed": 2,
               "contactsInQueue": 4, "oldestContactAgeSeconds": 95})
    );
    assert_eq!(
        entry_points["sales"]["queue"],
        json!({"agentsOnline": 0, "agentsAvailable": 0, "agentsStaffed": 0,
               "contactsInQueue": 0, "oldestContactAgeSeconds": 0})
    );
}

#[tokio::test]
async fn connect_failing_is_unknown_not_an_error() {
    let mut source = Source::at(MONDAY_MORNING);
    source.failing = true;
    let handler = handler(Some((settings(RefuseStartWhen::Closed, false), source)));
    let (response, lines) = handler.run(&get()).await;
    assert_eq!(response.status, 200);
    let default = &body(&response)["data"]["entryPoints"]["default"];
    assert_eq!(default["available"], Value::Null);
    assert_eq!(default["reason"], "UNKNOWN");
    // Each failed call on its own WARN line, then the request line.
    assert!(lines.len() > 1);
    let failure = &lines[0];
    assert_eq!(failure["level"], "WARN");
    assert_eq!(failure["failure"], "Throttled");
    assert!(failure["operation"].is_string());
    assert_eq!(lines[lines.len() - 1]["outcome"], "availability");
    // Unknown never refuses a start.
    let (response, _) = handler.run(&post("sales")).await;
    assert_eq!(response.status, 200);
    assert_eq!(handler.starts(), 1);
}

#[tokio::test]
async fn without_availability_a_get_is_a_json_404_with_cors() {
    let handler = handler(None);
    let (response, lines) = handler.run(&get()).await;
    assert_eq!(response.status, 404);
    assert_eq!(
        body(&response)["error"]["code"],
        "AVAILABILITY_NOT_CONFIGURED"
    );
    assert_eq!(response.header("access-control-allow-origin"), Some(SITE));
    assert_eq!(lines[0]["outcome"], "refused");
    assert!(lines[0].get("availability").is_none());
    // A disallowed origin is refused first, as for every route.
    let (response, _) = handler
        .run(&HttpRequest::new("GET").header("origin", "https://evil.example"))
        .await;
    assert_eq!(response.status, 403);
}

#[tokio::test]
async fn a_closed_entry_point_refuses_starts_without_calling_connect() {
    let handler = handler(Some((
        settings(RefuseStartWhen::Closed, false),
        Source::at(MONDAY_EVENING),
    )));
    let (response, lines) = handler.run(&post("")).await;
    assert_eq!(response.status, 409);
    // From 20:00 to 09:00 the next morning.
    assert_eq!(response.header("retry-after"), Some("46800"));
    assert_eq!(response.header("access-control-allow-origin"), Some(SITE));
    assert_eq!(
        body(&response),
        json!({"error": {"code": "CHAT_CLOSED",
                         "message": "Chat is closed now; it opens again at opensAt.",
                         "reason": "OUTSIDE_HOURS", "opensAt": "2026-12-08T09:00:00Z",
                         "requestId": "req-1"}})
    );
    assert_eq!(handler.starts(), 0);
    assert_eq!(lines[0]["outcome"], "refused");
    assert_eq!(lines[0]["reason"], "RefusedClosed");
    assert_eq!(
        lines[0]["availability"],
        "default=OUTSIDE_HOURS,sales=OUTSIDE_HOURS"
    );
    let text = lines[0].to_string();
    assert!(!text.contains("Ada"), "{text}");
}

#[tokio::test]
async fn closed_refuses_only_closures_and_unavailable_also_nobody_staffed() {
    let closed = handler(Some((
        settings(RefuseStartWhen::Closed, false),
        Source::at(MONDAY_MORNING),
    )));
    // Open, and the sales queue has nobody staffed: `closed` starts both.
    for flow in ["", "sales"] {
        assert_eq!(closed.run(&post(flow)).await.0.status, 200, "{flow}");
    }
    assert_eq!(closed.starts(), 2);

    let unavailable = handler(Some((
        settings(RefuseStartWhen::Unavailable, false),
        Source::at(MONDAY_MORNING),
    )));
    assert_eq!(unavailable.run(&post("")).await.0.status, 200);
    let (response, _) = unavailable.run(&post("sales")).await;
    assert_eq!(response.status, 409);
    assert_eq!(body(&response)["error"]["reason"], "NO_AGENTS_STAFFED");
    assert!(body(&response)["error"].get("opensAt").is_none());
    assert_eq!(response.header("retry-after"), None);
    assert_eq!(unavailable.starts(), 1);
}

#[tokio::test]
async fn never_does_not_even_look() {
    let handler = handler(Some((
        settings(RefuseStartWhen::Never, false),
        Source::at(MONDAY_EVENING),
    )));
    let (response, lines) = handler.run(&post("")).await;
    assert_eq!(response.status, 200);
    assert_eq!(handler.source_calls(), 0);
    assert!(lines[0].get("availability").is_none());
}

#[tokio::test]
async fn a_start_is_gated_by_its_flow() {
    let handler = handler(Some((
        settings(RefuseStartWhen::Closed, false),
        Source::at(MONDAY_EVENING),
    )));
    // The sales flow by its id rather than its alias: the same entry point.
    assert_eq!(handler.run(&post(SALES_FLOW)).await.0.status, 409);
    assert_eq!(handler.starts(), 0);
    // A flow no entry point names: nothing is known about its queue.
    assert_eq!(handler.run(&post(OTHER_FLOW)).await.0.status, 200);
    assert_eq!(handler.starts(), 1);
}
