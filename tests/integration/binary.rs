//! The real `start-chat` binary, run as Lambda runs it (a local Runtime API), against the emulator.

use crate::support::*;
use local_runtime_api::{InvocationOutcome, LambdaProcess};
use serde_json::Value;
use start_chat::connect::WARMUP_PATH;
use std::time::Duration;

/// An APNs device token: a secret, which no log line may carry.
const DEVICE_TOKEN: &str = "740f4707bebcf74f9b7c25d48e3358945f6aa01da5ddb387462c7eaf61bb78ad";
/// Any End User Messaging application ARN switches the push routes on.
const LOCAL_PUSH_APPLICATION_ARN: &str =
    "arn:aws:mobiletargeting:us-east-1:000000000000:apps/0123456789abcdef0123456789abcdef";

/// The function's environment under `make local` (from the emulator's one definition of the local
/// setup), with `extra` replacing or adding variables (an empty value counts as unset).
pub fn binary_env(emulator_url: &str, extra: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut env: Vec<(String, String)> = connect_emulator::local::function_env(emulator_url)
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
    for (key, value) in [("AWS_SESSION_TOKEN", "")].iter().chain(extra) {
        env.retain(|(existing, _)| existing != key);
        env.push(((*key).to_owned(), (*value).to_owned()));
    }
    env
}

/// The JSON lines of an output that have the member `key`.
fn json_lines_with(lines: &[String], key: &str) -> Vec<Value> {
    lines
        .iter()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|line| line.get(key).is_some())
        .collect()
}

async fn spawn_function(env: &[(String, String)]) -> LambdaProcess {
    LambdaProcess::spawn(env!("CARGO_BIN_EXE_start-chat"), env)
        .await
        .expect("spawn")
}

#[tokio::test]
async fn logs_name_outcomes_but_never_secrets_or_personal_data() {
    let emulator = start_emulator().await;
    let env = binary_env(
        &emulator.endpoint_url(),
        &[
            ("LOG_LEVEL", "trace"),
            ("PUSH_APPLICATION_ARN", LOCAL_PUSH_APPLICATION_ARN),
        ],
    );
    let mut function = spawn_function(&env).await;
    function.wait_until_ready().await.expect("test setup");

    // A successful chat with every kind of secret and personal datum in its request and response…
    let success = function
        .invoke(event_json("all-fields.json").to_string().into_bytes())
        .await
        .expect("test setup");
    let reply = success.response_json().expect("a response");
    assert_eq!(reply["statusCode"], 200, "{reply}");
    let body: Value =
        serde_json::from_str(reply["body"].as_str().expect("a body")).expect("a JSON body");
    let result = &body["data"]["startChatResult"];
    let secrets: Vec<String> = [
        &result["ParticipantToken"],
        &result["ConnectionCredentials"]["ConnectionToken"],
        &result["Websocket"]["Url"],
    ]
    .iter()
    .map(|value| value.as_str().expect("missing secret in").to_owned())
    .collect();

    // …and a failed one: Connect throttles every attempt.
    for _ in 0..start_chat::connect::MAX_ATTEMPTS {
        emulator.inject(connect_emulator::Fault::Error(
            connect_emulator::ConnectErrorKind::Throttling,
        ));
    }
    let failure = function
        .invoke(event_json("initial-message.json").to_string().into_bytes())
        .await
        .expect("test setup");
    assert_eq!(
        failure.response_json().map(|r| r["statusCode"].clone()),
        Some(429.into())
    );
    // …and a refused one, whose invalid fields carry personal data.
    function
        .invoke(event_json("invalid-fields.json").to_string().into_bytes())
        .await
        .expect("test setup");
    // …and a device registration for another chat, with the first chat's continuation token.
    let continuation_token = body["ContinuationToken"]
        .as_str()
        .expect("a continuation token")
        .to_owned();
    let mut registration = with_body(
        event_json("http-api-v2.json"),
        &serde_json::json!({"ContactId": "5d0c1a2b-3e4f-4a5b-8c6d-7e8f9a0b1c2d",
            "DeviceType": "APNS", "DeviceToken": DEVICE_TOKEN,
            "ContinuationToken": continuation_token}),
    );
    registration["rawPath"] = "/chat/push-registrations".into();
    let refused = function
        .invoke(registration.to_string().into_bytes())
        .await
        .expect("test setup");
    assert_eq!(
        refused.response_json().map(|r| r["statusCode"].clone()),
        Some(403.into())
    );

    let output = function.stop().await;
    let lines: Vec<&String> = output.stdout.iter().chain(&output.stderr).collect();
    let forbidden = secrets.iter().map(String::as_str).chain([
        DEVICE_TOKEN,
        continuation_token.as_str(),
        "Ada Lovelace",      // display name and attribute value
        "A-1001",            // attribute value
        "customer-1001",     // customer id
        "has not arrived",   // initial message
        "I have a question", // initial message
        "AuthToken",         // websocket URL query
        SECRET_ACCESS_KEY,
    ]);
    for needle in forbidden {
        for line in &lines {
            assert!(
                !line.contains(needle),
                "a log line leaks {needle:?}: {line}"
            );
        }
    }

    // One JSON line per request, with outcome, status, latency and request id.
    let request_lines = json_lines_with(&output.stdout, "status");
    assert_eq!(request_lines.len(), 4, "{:#?}", output.stdout);
    let statuses: Vec<u64> = request_lines
        .iter()
        .filter_map(|l| l["status"].as_u64())
        .collect();
    assert_eq!(statuses, [200, 429, 400, 403]);
    for line in &request_lines {
        assert!(line["latency_ms"].is_f64(), "{line}");
        assert!(
            line["request_id"].as_str().is_some_and(|id| !id.is_empty()),
            "{line}"
        );
        assert!(
            line["outcome"].is_string() && line["level"].is_string(),
            "{line}"
        );
    }
    assert_eq!(request_lines[0]["request_id"], success.request_id.as_str());
    assert_eq!(request_lines[1]["connect_error"], "ThrottlingException");
    assert_eq!(request_lines[1]["level"], "WARN");
    // Every stdout line is JSON: a log line or an embedded-metrics document.
    for line in &output.stdout {
        assert!(
            serde_json::from_str::<Value>(line).is_ok(),
            "not JSON: {line}"
        );
    }
    let metrics = json_lines_with(&output.stdout, "_aws");
    assert_eq!(metrics.len(), 4, "one metrics document per request");
    assert_eq!(metrics[0]["ChatStarted"], 1);
    assert_eq!(metrics[1]["ConnectThrottled"], 1);
    assert_eq!(metrics[2]["RefusedValidation"], 1);
    assert!(metrics[2].get("ConnectLatency").is_none());
    assert_eq!(metrics[3]["RefusedPolicy"], 1);
    assert_eq!(request_lines[3]["route"], "push-registrations");
}

#[tokio::test]
async fn the_binary_answers_rest_v1_and_function_url_events_with_proxy_documents() {
    let emulator = start_emulator().await;
    let mut function = spawn_function(&binary_env(&emulator.endpoint_url(), &[])).await;
    function.wait_until_ready().await.expect("test setup");
    for file in [
        "rest-api-v1.json",
        "function-url.json",
        "preflight.json",
        "invalid-json.json",
    ] {
        let invocation = function
            .invoke(event_json(file).to_string().into_bytes())
            .await
            .expect("test setup");
        let InvocationOutcome::Response(_) = &invocation.outcome else {
            panic!("{file}: an expected failure must not be a Lambda error: {invocation:?}");
        };
        let document = invocation.response_json().expect("a response document");
        // The one document shape that payload 1.0, 2.0 and function URLs all read.
        let reply = reply_from(&document);
        assert!(
            [200, 204, 400].contains(&reply.status),
            "{file}: {document}"
        );
        assert_eq!(
            reply.header("access-control-allow-origin"),
            Some(SITE_ORIGIN),
            "{file}: {document}"
        );
    }
    function.stop().await;
}

#[tokio::test]
async fn a_bad_setting_stops_the_function_at_init_naming_the_variable() {
    let emulator = start_emulator().await;
    let env = binary_env(
        &emulator.endpoint_url(),
        &[("ALLOWED_ORIGINS", "https://www.example.com/")],
    );
    let function = spawn_function(&env).await;
    let output = function
        .wait_for_exit(Duration::from_secs(10))
        .await
        .expect("test setup");
    assert!(output.status.is_some_and(|status| !status.success()));
    let line = output
        .stdout
        .iter()
        .find(|l| l.contains("ALLOWED_ORIGINS"))
        .expect("a line naming the variable");
    let line: Value = serde_json::from_str(line).expect("a JSON line");
    assert_eq!(line["level"], "ERROR");
    assert!(
        emulator.requests().is_empty(),
        "nothing is called before the configuration is valid"
    );
}

#[tokio::test]
async fn init_warms_the_connection_and_the_first_chat_reuses_it() {
    let emulator = start_emulator().await;
    let mut function = spawn_function(&binary_env(&emulator.endpoint_url(), &[])).await;
    function.wait_until_ready().await.expect("test setup");
    // During init: the secret is read, and one warm-up request opens the connection to Connect.
    let init = emulator.requests();
    assert_eq!(emulator.secret_calls().len(), 1);
    let warmups: Vec<_> = init.iter().filter(|r| r.path == WARMUP_PATH).collect();
    assert_eq!(
        warmups.len(),
        1,
        "one warm-up request during init: {init:?}"
    );
    assert!(
        emulator.start_chat_calls().is_empty(),
        "the warm-up starts no chat"
    );
    function
        .invoke(event_json("http-api-v2.json").to_string().into_bytes())
        .await
        .expect("test setup");
    let requests = emulator.requests();
    assert_eq!(requests.len(), init.len() + 1);
    let chat = requests.last().expect("the chat's request");
    assert_eq!(chat.path, "/contact/chat");
    assert_eq!(
        chat.peer, warmups[0].peer,
        "the first chat used the connection opened during init"
    );
    function.stop().await;
}

/// An HTTPS endpoint signed by a CA the function was not told about is refused before a byte of the
/// request is sent; naming that CA in `SSL_CERT_FILE` adds it to the compiled-in Amazon roots (as a
/// TLS-inspecting proxy would need); a file that cannot be read stops the function at init.
#[tokio::test]
async fn https_trusts_amazon_roots_only_unless_ssl_cert_file_names_more() {
    let emulator = start_emulator().await;
    let dir = std::env::temp_dir().join(format!("start-chat-tls-test-{}", std::process::id()));
    let front = connect_emulator::tls_front::start(emulator.local_addr(), &dir)
        .await
        .expect("TLS front");
    let ca_file = front.ca_file.display().to_string();

    // The secret is given inline: reading it over untrusted TLS would stop init, which is tested below.
    let inline = [
        ("SECRET_ARN", ""),
        ("SERVER_SECRET", connect_emulator::local::SERVER_SECRET),
    ];
    let untrusted = binary_env(&front.url, &inline);
    let trusted = binary_env(
        &front.url,
        &[inline.as_slice(), &[("SSL_CERT_FILE", ca_file.as_str())]].concat(),
    );
    let mut statuses = Vec::new();
    for env in [untrusted, trusted] {
        let mut function = spawn_function(&env).await;
        function.wait_until_ready().await.expect("test setup");
        let invocation = function
            .invoke(event_json("http-api-v2.json").to_string().into_bytes())
            .await
            .expect("test setup");
        let reply = invocation.response_json().expect("a response");
        statuses.push((reply["statusCode"].as_u64(), emulator.requests().len()));
        function.stop().await;
    }
    let _ = std::fs::remove_dir_all(&dir);
    let missing = binary_env(
        &front.url,
        &[
            inline.as_slice(),
            &[("SSL_CERT_FILE", "/nonexistent/ca.pem")],
        ]
        .concat(),
    );
    let output = spawn_function(&missing)
        .await
        .wait_for_exit(Duration::from_secs(10))
        .await
        .expect("test setup");
    assert!(
        output
            .stdout
            .iter()
            .any(|line| line.contains("SSL_CERT_FILE")),
        "{output:?}"
    );

    let (untrusted_status, untrusted_requests) = statuses[0];
    assert!(
        untrusted_status.is_some_and(|status| status >= 502),
        "{statuses:?}"
    );
    assert_eq!(untrusted_requests, 0, "nothing reached the emulator");
    // Trusted: the init warm-up and the chat both arrive.
    assert_eq!(statuses[1], (Some(200), 2), "{statuses:?}");
}

/// In AWS the environment holds only the secret's ARN: the function reads the secret once, during init,
/// through Secrets Manager's real API (the emulator's, SigV4-verified).
#[tokio::test]
async fn the_secret_is_read_once_at_init_from_secrets_manager() {
    use connect_emulator::local;
    let emulator = start_emulator().await;
    let env = binary_env(
        &emulator.endpoint_url(),
        &[
            ("SECRET_ARN", local::SECRET_ARN),
            ("ALLOW_PERSISTENT_CHAT", "true"),
        ],
    );
    let mut function = spawn_function(&env).await;
    function.wait_until_ready().await.expect("init succeeds");
    let reads = emulator.secret_calls();
    assert_eq!(reads.len(), 1, "{reads:?}");
    assert_eq!(reads[0].secret_id.as_deref(), Some(local::SECRET_ARN));
    assert_eq!(reads[0].status, 200);
    for _ in 0..2 {
        let invocation = function
            .invoke(event_json("http-api-v2.json").to_string().into_bytes())
            .await
            .expect("an invocation");
        let reply = reply_from(&invocation.response_json().expect("a response"));
        assert_eq!(reply.status, 200, "{:?}", reply.body);
        // The server secret signs continuation tokens.
        assert!(reply.body["ContinuationToken"].is_string());
    }
    assert_eq!(
        emulator.secret_calls().len(),
        1,
        "read once, not per request"
    );
    let output = function.stop().await;
    for line in output.stdout.iter().chain(&output.stderr) {
        assert!(
            !line.contains(local::SERVER_SECRET),
            "a log line leaks the secret"
        );
    }

    // A secret that cannot be read stops init with one line naming SECRET_ARN, before any chat.
    let missing = binary_env(
        &emulator.endpoint_url(),
        &[(
            "SECRET_ARN",
            "arn:aws:secretsmanager:us-east-1:000000000000:secret:no-such-secret",
        )],
    );
    let output = spawn_function(&missing)
        .await
        .wait_for_exit(Duration::from_secs(20))
        .await
        .expect("init stops");
    assert!(output.status.is_some_and(|status| !status.success()));
    assert!(
        output
            .stdout
            .iter()
            .any(|line| line.contains("SECRET_ARN") && line.contains("ResourceNotFoundException")),
        "{:?}",
        output.stdout
    );
}
