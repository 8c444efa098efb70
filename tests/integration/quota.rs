//! Connect's quota and failing dependencies, through the real SDK client: the emulator enforces
//! StartChatContact's real rate (5 a second, burst 8) and injects the failures a network and a service
//! really have.

use crate::support::*;
use connect_emulator::{Fault, QuotaConfig};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

/// The widget gives up on a start after this long.
const WIDGET_PATIENCE: Duration = Duration::from_secs(5);

async fn start(handler: &Handler, name: &str) -> Reply {
    let body = json!({"ParticipantDetails": {"DisplayName": name}});
    invoke(
        handler,
        &with_body(event_json("http-api-v2.json"), &body),
        "r",
    )
    .await
}

fn percentile(sorted: &[Duration], fraction: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * fraction).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

/// A page going viral: 50 starts within one second against Connect's real quota. Each request runs in
/// its own "execution environment" (its own SDK client), as Lambda runs them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_is_answered_in_time_with_chats_or_readable_429s() {
    let emulator = start_emulator().await;
    assert_eq!(emulator.quota().burst, QuotaConfig::CONNECT_DEFAULT.burst);
    let mut handlers = Vec::new();
    for _ in 0..50 {
        handlers.push(handler_for(&emulator, &[]).await);
    }
    let began = Instant::now();
    let requests: Vec<_> = handlers
        .into_iter()
        .enumerate()
        .map(|(index, handler)| {
            tokio::spawn(async move {
                tokio::time::sleep(Duration::from_millis(20 * index as u64)).await;
                let sent = Instant::now();
                let reply = start(&handler, &format!("Customer {index}")).await;
                (reply, sent.elapsed())
            })
        })
        .collect();
    let mut answers = Vec::new();
    for request in requests {
        answers.push(request.await.expect("the request task"));
    }
    let whole_burst = began.elapsed();

    let mut started = Vec::new();
    let mut times: Vec<Duration> = Vec::new();
    for (reply, elapsed) in &answers {
        times.push(*elapsed);
        assert!(*elapsed < WIDGET_PATIENCE, "answered after {elapsed:?}");
        match reply.status {
            200 => started.push(reply.body["ContactId"].clone()),
            429 => {
                assert_eq!(reply.body["error"]["code"], "TOO_MANY_REQUESTS");
                assert_eq!(reply.header("retry-after"), Some("1"));
                assert_eq!(
                    reply.header("access-control-allow-origin"),
                    Some(SITE_ORIGIN)
                );
            }
            status => panic!("a {status}: {:?}", reply.body),
        }
    }
    // No request started two chats, and every chat went to a request.
    let chats = emulator.chats();
    assert_eq!(chats.len(), started.len());
    let mut unique = started.clone();
    unique.sort_by_key(Value::to_string);
    unique.dedup();
    assert_eq!(unique.len(), started.len());
    // The quota admits at most its burst plus its rate over the time the retries spread across.
    assert!(started.len() >= 15, "only {} chats started", started.len());
    times.sort();
    println!(
        "burst of 50 in 1 s: {} chats started, {} told to retry in {whole_burst:?}; answer time p50 {:?}, p99 {:?}, max {:?}",
        started.len(),
        answers.len() - started.len(),
        percentile(&times, 0.5),
        percentile(&times, 0.99),
        times[times.len() - 1],
    );
}

/// The first attempt reached Connect and started the chat, but its answer was lost (a reset): the SDK's
/// retry carries the same ClientToken, and Connect answers it with the same chat.
#[tokio::test]
async fn a_lost_answer_is_retried_into_the_same_chat() {
    let emulator = start_emulator().await;
    let handler = handler_for(&emulator, &[]).await;
    emulator.inject(Fault::ResetAfterProcessing);
    let reply = start(&handler, "Ada").await;
    let calls = emulator.start_chat_calls();
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    assert_eq!(calls.len(), 2, "the lost attempt and its retry");
    assert_eq!(calls[0].client_token, calls[1].client_token);
    assert!(calls[1].idempotent_replay);
    assert_eq!(emulator.chats().len(), 1, "one chat");
    assert_eq!(reply.body["ContactId"], json!(calls[0].contact_id));
}

/// A 200 that cannot be read, or that lacks the token, is Connect's failure: a 502, never a panic and
/// never a 200 without a token.
#[tokio::test]
async fn an_unreadable_or_incomplete_answer_is_a_502() {
    let emulator = start_emulator().await;
    let handler = handler_for(&emulator, &[]).await;
    for fault in [Fault::MalformedBody, Fault::MissingParticipantToken] {
        emulator.reset();
        emulator.inject(fault.clone());
        let reply = start(&handler, "Ada").await;
        assert_eq!(reply.status, 502, "{fault:?}: {:?}", reply.body);
        assert_eq!(reply.body["error"]["code"], "UPSTREAM_ERROR");
        assert_eq!(reply.header("retry-after"), Some("1"));
        assert!(reply.body.get("ParticipantToken").is_none());
    }
}

/// Connect accepts the request and never answers: the attempt times out, and the retry starts the chat,
/// all inside the budget.
#[tokio::test]
async fn a_stalled_attempt_is_retried_within_the_budget() {
    let emulator = start_emulator().await;
    let handler = handler_for(&emulator, &[("CONNECT_API_TIMEOUT_MS", "2000")]).await;
    emulator.inject(Fault::Stall);
    let began = Instant::now();
    let reply = start(&handler, "Ada").await;
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    assert!(began.elapsed() < Duration::from_secs(2));
    assert_eq!(emulator.chats().len(), 1);
}

/// The concurrent-chat cap: one call, no retry, a readable 429 that says to wait.
#[tokio::test]
async fn the_chat_cap_set_at_run_time_is_answered_after_one_call() {
    let emulator = start_emulator().await;
    let handler = handler_for(&emulator, &[]).await;
    emulator.set_max_active_chats(Some(1));
    assert_eq!(start(&handler, "Ada").await.status, 200);
    let calls = emulator.start_chat_calls().len();
    let reply = start(&handler, "Grace").await;
    assert_eq!(reply.status, 429);
    assert_eq!(reply.body["error"]["code"], "CHAT_LIMIT_EXCEEDED");
    assert_eq!(reply.header("retry-after"), Some("30"));
    assert_eq!(emulator.start_chat_calls().len(), calls + 1, "not retried");
}
