//! StartChatContact's quotas: Connect's rate quota (a token bucket, 5/s with a burst of 8, on by
//! default), what counts against it, the concurrent-chat cap, and both through the control API.

use std::time::{Duration, Instant};

use connect_emulator::{ConnectErrorKind, EmulatorConfig, Fault, QuotaConfig};
use serde_json::{Value, json};

use crate::common::*;

/// A quota that never refills, so a test decides exactly when the bucket is empty.
fn fixed(burst: u32) -> QuotaConfig {
    QuotaConfig {
        enabled: true,
        rate_per_second: 0.0,
        burst,
    }
}

#[tokio::test]
async fn the_local_config_has_connect_s_default_quota() {
    let emulator = start(EmulatorConfig::local()).await;
    let quota = emulator.quota();
    assert!(quota.enabled);
    assert_eq!((quota.rate_per_second, quota.burst), (5.0, 8));
    assert_eq!(quota.available_tokens, 8.0);
    assert_eq!((quota.max_active_chats, quota.active_chats), (None, 0));
}

#[tokio::test]
async fn a_burst_beyond_eight_is_throttled_like_connect() {
    let emulator = start(EmulatorConfig::local()).await;
    let body = chat_body();
    let began = Instant::now();
    let answers =
        futures_util::future::join_all((0..20).map(|_| start_chat(&emulator, &body))).await;
    let elapsed = began.elapsed().as_secs_f64();
    let started = answers.iter().filter(|a| a.status == 200).count();
    // The bucket refills at 5/s while the burst is served: a slow machine fits a few more.
    let most = 8 + (5.0 * elapsed).ceil() as usize;
    assert!(
        (8..=most).contains(&started),
        "{started} chats started in {elapsed:.2} s"
    );
    let throttled: Vec<_> = answers.iter().filter(|a| a.status != 200).collect();
    assert_eq!(throttled.len(), 20 - started);
    for answer in &throttled {
        assert_eq!(answer.status, 429);
        assert_eq!(answer.error_type(), Some("ThrottlingException"));
        assert_eq!(answer.json()["Message"], "Rate exceeded");
        assert!(answer.header("x-amzn-requestid").is_some());
    }
    assert_eq!(emulator.chats().len(), started);
    let calls = emulator.start_chat_calls();
    assert_eq!(
        calls
            .iter()
            .filter(|c| c.error_code.as_deref() == Some("ThrottlingException"))
            .count(),
        throttled.len()
    );

    // A fifth of a second buys one more call.
    tokio::time::sleep(Duration::from_millis(250)).await;
    assert_eq!(start_chat(&emulator, &chat_body()).await.status, 200);
}

#[tokio::test]
async fn every_authenticated_call_takes_a_token_replays_and_invalid_ones_too() {
    let emulator = start(EmulatorConfig::local()).await;
    emulator.set_quota(fixed(3)).expect("a valid quota");
    let mut body = chat_body();
    body["ClientToken"] = json!("same-token");
    assert_eq!(start_chat(&emulator, &body).await.status, 200);
    let replay = start_chat(&emulator, &body).await;
    assert_eq!(replay.status, 200);
    let mut invalid = chat_body();
    invalid["ParticipantDetails"] = json!({"DisplayName": ""});
    assert_eq!(start_chat(&emulator, &invalid).await.status, 400);
    // The bucket is empty: a replay is throttled like any call.
    assert_eq!(
        start_chat(&emulator, &body).await.error_type(),
        Some("ThrottlingException")
    );
    assert_eq!(emulator.quota().available_tokens, 0.0);
    assert_eq!(emulator.chats().len(), 1);
    let replays: Vec<bool> = emulator
        .start_chat_calls()
        .iter()
        .map(|c| c.idempotent_replay)
        .collect();
    assert_eq!(replays, [false, true, false, false]);
}

#[tokio::test]
async fn unauthenticated_calls_and_injected_errors_take_no_token() {
    let emulator = start(EmulatorConfig::local()).await;
    emulator.set_quota(fixed(1)).expect("a valid quota");
    let addr = emulator.local_addr();
    let unsigned = send(
        addr,
        TestRequest::new("PUT", "/contact/chat", chat_body().to_string()),
    )
    .await;
    assert_eq!(unsigned.status, 403);
    emulator.inject(Fault::Error(ConnectErrorKind::InternalService));
    assert_eq!(start_chat(&emulator, &chat_body()).await.status, 500);
    assert_eq!(emulator.quota().available_tokens, 1.0);
    assert_eq!(start_chat(&emulator, &chat_body()).await.status, 200);
    assert_eq!(start_chat(&emulator, &chat_body()).await.status, 429);
}

#[tokio::test]
async fn reset_refills_the_bucket_and_keeps_the_quota_in_force() {
    let emulator = start(EmulatorConfig::local()).await;
    emulator.set_quota(fixed(1)).expect("a valid quota");
    assert_eq!(start_chat(&emulator, &chat_body()).await.status, 200);
    assert_eq!(start_chat(&emulator, &chat_body()).await.status, 429);
    emulator.reset();
    assert_eq!(start_chat(&emulator, &chat_body()).await.status, 200);
    assert_eq!(start_chat(&emulator, &chat_body()).await.status, 429);
    let reset = control(&emulator, "POST", "/_emulator/reset", Value::Null).await;
    assert_eq!(reset.status, 200);
    assert_eq!(
        emulator.quota().burst,
        1,
        "reset keeps the quota set at run time"
    );
    assert_eq!(start_chat(&emulator, &chat_body()).await.status, 200);
}

#[tokio::test]
async fn switched_off_it_never_throttles() {
    let emulator = start(EmulatorConfig::local().without_quota()).await;
    for _ in 0..20 {
        assert_eq!(start_chat(&emulator, &chat_body()).await.status, 200);
    }
    assert!(!emulator.quota().enabled);
    emulator.set_quota(fixed(0)).expect("a valid quota");
    assert_eq!(start_chat(&emulator, &chat_body()).await.status, 429);
    emulator.set_quota(QuotaConfig::OFF).expect("a valid quota");
    assert_eq!(start_chat(&emulator, &chat_body()).await.status, 200);
    assert!(
        emulator
            .set_quota(QuotaConfig {
                rate_per_second: f64::NAN,
                ..QuotaConfig::CONNECT_DEFAULT
            })
            .is_err()
    );
}

#[tokio::test]
async fn the_concurrent_chat_cap_changes_at_run_time() {
    let emulator = start(EmulatorConfig::local()).await;
    let first = start_chat(&emulator, &chat_body()).await.json();
    emulator.set_max_active_chats(Some(1));
    let refused = start_chat(&emulator, &chat_body()).await;
    assert_eq!(
        (refused.status, refused.error_type()),
        (429, Some("LimitExceededException"))
    );
    assert_eq!(emulator.quota().active_chats, 1);
    emulator
        .end_chat(first["ContactId"].as_str().expect("ContactId is a string"))
        .expect("the chat ends");
    assert_eq!(start_chat(&emulator, &chat_body()).await.status, 200);
    emulator.set_max_active_chats(None);
    assert_eq!(start_chat(&emulator, &chat_body()).await.status, 200);
}

#[tokio::test]
async fn the_control_api_shows_and_sets_the_quotas() {
    let emulator = start(EmulatorConfig::local()).await;
    let mut shown = control(&emulator, "GET", "/_emulator/quota", Value::Null)
        .await
        .json();
    let operations = shown
        .as_object_mut()
        .and_then(|fields| fields.remove("operations"))
        .expect("every operation's bucket is shown");
    assert_eq!(
        shown,
        json!({"enabled": true, "ratePerSecond": 5.0, "burst": 8, "availableTokens": 8.0,
               "maxActiveChats": null, "activeChats": 0})
    );
    assert_eq!(
        operations["StartChatContact"],
        json!({"enabled": true, "ratePerSecond": 5.0, "burst": 8, "availableTokens": 8.0})
    );

    let set = control(
        &emulator,
        "POST",
        "/_emulator/quota",
        json!({"ratePerSecond": 0, "burst": 2}),
    )
    .await;
    assert_eq!(set.status, 200);
    assert_eq!(set.json()["burst"], 2);
    assert_eq!(start_chat(&emulator, &chat_body()).await.status, 200);
    assert_eq!(start_chat(&emulator, &chat_body()).await.status, 200);
    assert_eq!(start_chat(&emulator, &chat_body()).await.status, 429);

    let off = control(
        &emulator,
        "POST",
        "/_emulator/quota",
        json!({"enabled": false}),
    )
    .await
    .json();
    assert_eq!((&off["enabled"], &off["burst"]), (&json!(false), &json!(2)));
    assert_eq!(start_chat(&emulator, &chat_body()).await.status, 200);

    let capped = control(
        &emulator,
        "POST",
        "/_emulator/quota",
        json!({"maxActiveChats": 3}),
    )
    .await
    .json();
    assert_eq!(
        (&capped["maxActiveChats"], &capped["activeChats"]),
        (&json!(3), &json!(3))
    );
    assert_eq!(
        start_chat(&emulator, &chat_body()).await.error_type(),
        Some("LimitExceededException")
    );
    let uncapped = control(
        &emulator,
        "POST",
        "/_emulator/quota",
        json!({"maxActiveChats": null}),
    )
    .await
    .json();
    assert_eq!(uncapped["maxActiveChats"], Value::Null);
    assert_eq!(
        uncapped["enabled"], false,
        "setting the cap leaves the rate quota alone"
    );
}

#[tokio::test]
async fn bad_quota_input_is_a_clear_400() {
    let emulator = start(EmulatorConfig::local()).await;
    let addr = emulator.local_addr();
    for (body, mentions) in [
        (r#"{"burst": -1}"#, "burst"),
        (r#"{"burst": 1.5}"#, "burst"),
        (r#"{"burst": 99999999999}"#, "burst"),
        (r#"{"ratePerSecond": "fast"}"#, "ratePerSecond"),
        (r#"{"ratePerSecond": -1}"#, "ratePerSecond"),
        (r#"{"ratePerSecond": 1e300}"#, "ratePerSecond"),
        (r#"{"enabled": "yes"}"#, "enabled"),
        (r#"{"maxActiveChats": -3}"#, "maxActiveChats"),
        (r#"{"maxActiveChats": "many"}"#, "maxActiveChats"),
        (r#"{"bucket": 1}"#, "bucket"),
        ("[1, 2]", "object"),
        ("5", "object"),
        ("{", "JSON"),
        ("\u{1}\u{2}", "JSON"),
    ] {
        let response = send(
            addr,
            TestRequest::new("POST", "/_emulator/quota", body.as_bytes())
                .header("content-type", "application/json"),
        )
        .await;
        assert_eq!(response.status, 400, "{body}");
        let message = response.json()["message"]
            .as_str()
            .expect("a message")
            .to_owned();
        assert!(message.contains(mentions), "{body}: {message}");
    }
    // Nothing was changed by the refused requests.
    assert_eq!(emulator.quota().burst, 8);
    assert!(emulator.quota().enabled);
}
