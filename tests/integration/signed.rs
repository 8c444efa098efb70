//! Signed customers and continuation tokens, end to end: the real binary with a signing key in its
//! environment, the real SDK client, the emulator recording what reached Connect.

use crate::support::*;
use aws_lc_rs::hmac;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use local_runtime_api::LambdaProcess;
use serde_json::{Value, json};
use std::time::{SystemTime, UNIX_EPOCH};

const KEY: &str = "a-widget-security-key-of-44-characters-0000";
const NEXT_KEY: &str = "the-next-widget-security-key-of-44-chars-00";
const SERVER_SECRET: &str = "an-integration-test-server-secret-0000000";

fn seconds_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("a clock after 1970")
        .as_secs()
}

fn encode(value: &Value) -> String {
    URL_SAFE_NO_PAD.encode(value.to_string())
}

/// A token as a website's server mints it.
fn mint(header: &Value, claims: &Value, key: &str) -> String {
    let signed = format!("{}.{}", encode(header), encode(claims));
    let key = hmac::Key::new(hmac::HMAC_SHA256, key.as_bytes());
    let signature = URL_SAFE_NO_PAD.encode(hmac::sign(&key, signed.as_bytes()));
    format!("{signed}.{signature}")
}

fn claims(extra: Value) -> Value {
    let now = seconds_now();
    let mut claims = json!({"sub": "customer-1001", "iat": now, "exp": now + 300});
    if let (Some(claims), Value::Object(extra)) = (claims.as_object_mut(), extra) {
        claims.extend(extra);
    }
    claims
}

fn hs256() -> Value {
    json!({"alg": "HS256", "typ": "JWT"})
}

/// The widget's request (payload 2.0) with an `Authorization` header.
fn request_with(authorization: Option<&str>, body: &Value) -> Value {
    let mut event = with_body(event_json("http-api-v2.json"), body);
    if let Some(value) = authorization {
        event["headers"]["authorization"] = json!(value);
    }
    event
}

/// The function as deployed in signed mode: the keys are in its secret, read at init.
async fn signed_function(emulator: &connect_emulator::Emulator) -> LambdaProcess {
    use connect_emulator::local;
    emulator.set_secret(
        local::SECRET_ARN,
        &local::secret_string_with_keys(&format!("{KEY},{NEXT_KEY}")),
    );
    let env = binary_env(
        &emulator.endpoint_url(),
        &[
            ("SIGNED_CUSTOMERS", "true"),
            ("JWT_AUDIENCE", "chat.example.com"),
            ("LOG_LEVEL", "trace"),
        ],
    );
    let mut function = LambdaProcess::spawn(env!("CARGO_BIN_EXE_start-chat"), &env)
        .await
        .expect("the function starts");
    function.wait_until_ready().await.expect("init succeeds");
    function
}

async fn call(function: &mut LambdaProcess, event: &Value) -> Reply {
    let invocation = function
        .invoke(event.to_string().into_bytes())
        .await
        .expect("an invocation");
    reply_from(&invocation.response_json().expect("a response document"))
}

#[tokio::test]
async fn every_refused_token_is_a_401_that_never_reaches_connect() {
    let emulator = start_emulator().await;
    let mut function = signed_function(&emulator).await;
    let body = json!({"ParticipantDetails": {"DisplayName": "Ada"}});
    let audience = json!({"aud": "chat.example.com"});
    let valid = claims(audience.clone());
    let now = seconds_now();
    let forged = mint(&hs256(), &valid, "someone-elses-key-that-is-long-enough-00");
    let unsigned = format!("{}.{}.", encode(&json!({"alg": "none"})), encode(&valid));
    let large_claims =
        claims(json!({"aud": "chat.example.com", "attributes": {"notes": "x".repeat(7000)}}));
    let cases: Vec<(Option<String>, &str)> = vec![
        (None, "TOKEN_MISSING"),
        (Some("Bearer".into()), "TOKEN_MISSING"),
        (Some("Basic YTpi".into()), "TOKEN_MALFORMED"),
        (Some("Bearer not.a.jwt".into()), "TOKEN_MALFORMED"),
        (
            Some(format!("Bearer {unsigned}")),
            "TOKEN_ALGORITHM_NOT_ALLOWED",
        ),
        (
            Some(format!(
                "Bearer {}",
                mint(&json!({"alg": "HS512"}), &valid, KEY)
            )),
            "TOKEN_ALGORITHM_NOT_ALLOWED",
        ),
        (Some(format!("Bearer {forged}")), "TOKEN_SIGNATURE_INVALID"),
        (
            Some(format!(
                "Bearer {}",
                mint(
                    &hs256(),
                    &json!({"aud": "chat.example.com", "iat": now - 900, "exp": now - 600}),
                    KEY
                )
            )),
            "TOKEN_EXPIRED",
        ),
        (
            Some(format!(
                "Bearer {}",
                mint(
                    &hs256(),
                    &json!({"aud": "chat.example.com", "iat": now, "exp": now + 3600}),
                    KEY
                )
            )),
            "TOKEN_LIFETIME_TOO_LONG",
        ),
        (
            Some(format!(
                "Bearer {}",
                mint(
                    &hs256(),
                    &json!({"aud": "chat.example.com", "iat": now + 600, "exp": now + 900}),
                    KEY
                )
            )),
            "TOKEN_NOT_YET_VALID",
        ),
        (
            Some(format!(
                "Bearer {}",
                mint(&hs256(), &claims(json!({"aud": "other"})), KEY)
            )),
            "TOKEN_AUDIENCE_INVALID",
        ),
        (
            Some(format!("Bearer {}", mint(&hs256(), &large_claims, KEY))),
            "TOKEN_TOO_LARGE",
        ),
        (
            Some(format!(
                "Bearer {}",
                mint(
                    &hs256(),
                    &claims(json!({"aud": "chat.example.com", "attributes": {"bad key": "x"}})),
                    KEY
                )
            )),
            "TOKEN_CLAIMS_INVALID",
        ),
    ];
    let tokens: Vec<String> = cases
        .iter()
        .filter_map(|(token, _)| token.clone())
        .collect();
    for (authorization, code) in &cases {
        let reply = call(
            &mut function,
            &request_with(authorization.as_deref(), &body),
        )
        .await;
        assert_eq!(reply.status, 401, "{code}: {:?}", reply.body);
        assert_eq!(reply.body["error"]["code"], *code, "{:?}", reply.body);
        assert_eq!(reply.header("www-authenticate"), Some("Bearer"));
        assert_eq!(
            reply.header("access-control-allow-origin"),
            Some(SITE_ORIGIN),
            "{code}: the page can read why"
        );
        let text = reply.body.to_string();
        if let Some(token) = authorization
            .as_deref()
            .and_then(|a| a.strip_prefix("Bearer "))
            && token.len() > 8
        {
            assert!(!text.contains(token), "{code} echoes the token");
        }
    }
    assert!(
        emulator.start_chat_calls().is_empty(),
        "no refused start reached Connect"
    );
    let output = function.stop().await;
    let refused: Vec<Value> = output
        .stdout
        .iter()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|line| line["outcome"] == "refused")
        .collect();
    assert_eq!(refused.len(), cases.len());
    assert!(refused.iter().all(|line| line["reason"] == "RefusedAuth"));
    for token in &tokens {
        let secret_part = token.trim_start_matches("Bearer ");
        for line in output.stdout.iter().chain(&output.stderr) {
            assert!(
                secret_part.len() < 8 || !line.contains(secret_part),
                "a log line holds a token: {line}"
            );
        }
    }
}

#[tokio::test]
async fn a_valid_token_reaches_connect_with_what_it_vouches_for() {
    let emulator = start_emulator().await;
    let mut function = signed_function(&emulator).await;
    let signed = claims(json!({
        "aud": ["chat.example.com"],
        "displayName": "Ada Lovelace",
        "attributes": {"plan": "gold", "accountId": "A-7"},
        "segmentAttributes": {"connect:CustomerAuthenticationStatus": {"ValueString": "AUTHENTICATED"}},
    }));
    let body = json!({"ParticipantDetails": {"DisplayName": "Mallory"},
        "Attributes": {"plan": "free", "page": "/help"}});
    // The key being rotated in signs as well as the current one.
    for key in [KEY, NEXT_KEY] {
        let token = mint(&hs256(), &signed, key);
        let reply = call(
            &mut function,
            &request_with(Some(&format!("Bearer {token}")), &body),
        )
        .await;
        assert_eq!(reply.status, 200, "{:?}", reply.body);
    }
    let calls = emulator.start_chat_calls();
    assert_eq!(calls.len(), 2);
    let sent = &calls[0].body;
    assert_eq!(sent["ParticipantDetails"]["DisplayName"], "Ada Lovelace");
    assert_eq!(sent["CustomerId"], "customer-1001");
    assert_eq!(
        sent["Attributes"],
        json!({"plan": "gold", "accountId": "A-7", "page": "/help"})
    );
    assert_eq!(
        sent["SegmentAttributes"]["connect:CustomerAuthenticationStatus"]["ValueString"],
        "AUTHENTICATED"
    );
    // The browser cannot set what only a token may.
    let forged = json!({"ParticipantDetails": {"DisplayName": "A"},
        "SegmentAttributes": {"connect:CustomerAuthenticationStatus": {"ValueString": "AUTHENTICATED"}}});
    let token = mint(&hs256(), &claims(json!({"aud": "chat.example.com"})), KEY);
    let reply = call(
        &mut function,
        &request_with(Some(&format!("Bearer {token}")), &forged),
    )
    .await;
    assert_eq!(reply.status, 400, "{:?}", reply.body);
    assert_eq!(emulator.start_chat_calls().len(), 2);
    function.stop().await;
}

#[tokio::test]
async fn a_preflight_allows_the_authorization_header() {
    let emulator = start_emulator().await;
    let handler = handler_for(&emulator, &[("JWT_SIGNING_KEYS", KEY)]).await;
    let mut preflight = event_json("preflight.json");
    preflight["headers"]["access-control-request-headers"] = json!("authorization,content-type");
    let reply = invoke(&handler, &preflight, "r").await;
    assert_eq!(reply.status, 204);
    assert_eq!(
        reply.header("access-control-allow-headers"),
        Some("authorization,content-type")
    );
}

/// Persistent chat without signed customers: only the browser that was given a chat may continue it.
#[tokio::test]
async fn only_the_holder_of_a_chats_continuation_token_can_continue_it() {
    let emulator = start_emulator().await;
    let handler = handler_for(
        &emulator,
        &[
            ("ALLOW_PERSISTENT_CHAT", "true"),
            ("SERVER_SECRET", SERVER_SECRET),
        ],
    )
    .await;
    let start = |body: Value| with_body(event_json("http-api-v2.json"), &body);
    let first = invoke(
        &handler,
        &start(json!({"ParticipantDetails": {"DisplayName": "Ada"}})),
        "r1",
    )
    .await;
    assert_eq!(first.status, 200, "{:?}", first.body);
    let contact = first.body["ContactId"]
        .as_str()
        .expect("a contact id")
        .to_owned();
    let token = first.body["ContinuationToken"]
        .as_str()
        .expect("a continuation token")
        .to_owned();
    assert_eq!(first.body["data"]["continuationToken"], token.as_str());
    emulator.end_chat(&contact).expect("the chat ends");

    let continue_with = |token: Option<&str>, source: &str| {
        let mut body = json!({"ParticipantDetails": {"DisplayName": "Ada"},
            "PersistentChat": {"RehydrationType": "ENTIRE_PAST_SESSION", "SourceContactId": source}});
        if let Some(token) = token {
            body["ContinuationToken"] = json!(token);
        }
        start(body)
    };
    let calls_before = emulator.start_chat_calls().len();
    let refusals = [
        (continue_with(None, &contact), "CONTINUATION_TOKEN_REQUIRED"),
        (
            continue_with(Some(&token), connect_emulator::LOCAL_PAST_CONTACT_ID),
            "CONTINUATION_TOKEN_INVALID",
        ),
        (
            continue_with(Some("v1.e30.AAAA"), &contact),
            "CONTINUATION_TOKEN_INVALID",
        ),
    ];
    for (event, code) in &refusals {
        let reply = invoke(&handler, event, "r2").await;
        assert_eq!(
            (reply.status, reply.body["error"]["code"].as_str()),
            (403, Some(*code))
        );
    }
    let mut related = json!({"ParticipantDetails": {"DisplayName": "Ada"},
        "RelatedContactId": connect_emulator::LOCAL_PAST_CONTACT_ID});
    related["ContinuationToken"] = json!(token);
    let reply = invoke(&handler, &start(related), "r3").await;
    assert_eq!(reply.body["error"]["code"], "CONTINUATION_TOKEN_INVALID");
    assert_eq!(
        emulator.start_chat_calls().len(),
        calls_before,
        "no refusal reached Connect"
    );

    let continued = invoke(&handler, &continue_with(Some(&token), &contact), "r4").await;
    assert_eq!(continued.status, 200, "{:?}", continued.body);
    assert_eq!(continued.body["ContinuedFromContactId"], contact.as_str());
    // The continued chat gets its own token, for continuing it in turn.
    let next = continued.body["ContinuationToken"]
        .as_str()
        .expect("a new token");
    assert_ne!(next, token);
}
