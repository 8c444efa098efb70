//! The hostile-request corpus (`tests/corpus/`, described in its README): every entry is sent to the real
//! `start-chat` binary under a local Lambda Runtime API, against the Connect emulator, one process per
//! configuration. Every answer must be the entry's status and code, in the documented shape, with CORS
//! exactly for allowed origins, never a 5xx or a Lambda error, and a refusal must never reach Connect.

mod answers;
mod build;
mod check;
mod openapi;
mod openapi_patterns;

use crate::support::*;
use build::{Entry, build_event, corpus_dir, load_configs, load_entries};
use check::{Observed, check};
use connect_emulator::{Emulator, EmulatorConfig, QuotaConfig};
use local_runtime_api::{InvocationOutcome, LambdaProcess};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;
use test_support::oracle::Allowed;

/// The issue asks for at least this many; the corpus only grows.
const CORPUS_MIN_ENTRIES: usize = 200;

/// The local emulator without its StartChatContact rate quota: the corpus starts dozens of chats a
/// second on purpose.
async fn start_unthrottled_emulator() -> Emulator {
    let address = "127.0.0.1:0".parse().expect("test setup");
    let emulator = Emulator::start(EmulatorConfig::local(), address)
        .await
        .expect("the emulator starts");
    emulator
        .set_quota(QuotaConfig::OFF)
        .expect("the quota can be switched off");
    emulator
}

/// The function's environment for one configuration: `function_env()`, the emulator's endpoint and
/// credentials, then the configuration's own variables.
fn configuration_env(
    emulator_url: &str,
    overrides: &BTreeMap<String, String>,
) -> Vec<(String, String)> {
    let mut env: BTreeMap<String, String> = function_env()
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
    for (key, value) in [
        ("AWS_ENDPOINT_URL_CONNECT", emulator_url),
        ("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID),
        ("AWS_SECRET_ACCESS_KEY", SECRET_ACCESS_KEY),
        ("AWS_SESSION_TOKEN", ""),
        ("AWS_CONFIG_FILE", "/dev/null"),
        ("AWS_SHARED_CREDENTIALS_FILE", "/dev/null"),
        ("LOG_LEVEL", "warn"),
    ] {
        env.insert(key.to_owned(), value.to_owned());
    }
    env.extend(overrides.clone());
    env.into_iter().collect()
}

fn contact_id(document: &Value) -> Option<String> {
    let body: Value = serde_json::from_str(document["body"].as_str()?).ok()?;
    body["ContactId"].as_str().map(str::to_owned)
}

/// The (status, code) of an error answer.
fn answered_code(document: &Value) -> Option<(u16, String)> {
    let status = u16::try_from(document["statusCode"].as_u64()?).ok()?;
    let body: Value = serde_json::from_str(document["body"].as_str()?).ok()?;
    Some((status, body["error"]["code"].as_str()?.to_owned()))
}

/// What one configuration's run found: every problem, and every (status, code) answered.
#[derive(Default)]
struct Findings {
    problems: Vec<String>,
    answered: BTreeSet<(u16, String)>,
}

/// Runs one configuration's entries, in order, through one process and its own emulator.
async fn run_configuration(
    name: String,
    overrides: BTreeMap<String, String>,
    entries: Vec<Entry>,
    documented: Arc<BTreeSet<(u16, String)>>,
) -> Findings {
    let name = name.as_str();
    let emulator = start_unthrottled_emulator().await;
    let env = configuration_env(&emulator.endpoint_url(), &overrides);
    let origins = env
        .iter()
        .find(|(key, _)| key == "ALLOWED_ORIGINS")
        .map(|(_, value)| value.as_str())
        .unwrap_or_default();
    let allowed = Allowed::from_setting(origins);
    let mut function = LambdaProcess::spawn(env!("CARGO_BIN_EXE_start-chat"), &env)
        .await
        .unwrap_or_else(|e| panic!("{name}: spawn: {e}"));
    function
        .wait_until_ready()
        .await
        .unwrap_or_else(|e| panic!("configuration {name}: the function did not start: {e}"));

    let mut problems = Vec::new();
    let mut answered = BTreeSet::new();
    let mut chats: HashMap<&str, String> = HashMap::new();
    let mut documents: HashMap<&str, Value> = HashMap::new();
    for entry in &entries {
        let event = build_event(entry);
        let requests_before = emulator.requests().len();
        let calls_before = emulator.start_chat_calls().len();
        let payload = serde_json::to_vec(&event).expect("an event is JSON");
        let invocation = match function.invoke(payload).await {
            Ok(invocation) => invocation,
            Err(error) => {
                problems.push(format!("{}: no answer: {error}", entry.name));
                break;
            }
        };
        let mut found = match &invocation.outcome {
            InvocationOutcome::Error(body) => vec![format!(
                "a Lambda error instead of a response: {}",
                String::from_utf8_lossy(body)
            )],
            InvocationOutcome::Response(_) => match invocation.response_json() {
                None => vec!["the response document is not JSON".to_owned()],
                Some(document) => {
                    let calls = emulator.start_chat_calls();
                    let new_calls = &calls[calls_before.min(calls.len())..];
                    let observed = Observed {
                        entry,
                        event: &event,
                        request_id: &invocation.request_id,
                        document: &document,
                        connect_requests: emulator.requests().len() - requests_before,
                        start_chat_calls: new_calls.len(),
                        connect_body: match new_calls {
                            [call] => Some(&call.body),
                            _ => None,
                        },
                    };
                    let mut found = check(&observed, &allowed, &documented);
                    answered.extend(answered_code(&document));
                    let contact = contact_id(&document);
                    if let Some(earlier) = &entry.expect.same_chat_as {
                        if contact.is_none() || chats.get(earlier.as_str()) != contact.as_ref() {
                            found.push(format!("the chat is not {earlier}'s"));
                        }
                    }
                    for earlier in &entry.expect.different_chat_from {
                        match chats.get(earlier.as_str()) {
                            None => found.push(format!("{earlier} got no chat to compare with")),
                            Some(theirs) if contact.as_ref() == Some(theirs) => {
                                found.push(format!("got {earlier}'s chat"));
                            }
                            Some(_) => {}
                        }
                    }
                    if let Some(contact) = contact {
                        chats.insert(&entry.name, contact);
                    }
                    if let Some(earlier) = &entry.expect.same_answer_as {
                        match documents.get(earlier.as_str()) {
                            None => found.push(format!("{earlier} got no answer to compare with")),
                            Some(theirs) => {
                                found.extend(answers::difference(theirs, &document).map(
                                    |difference| format!("not {earlier}'s answer: {difference}"),
                                ))
                            }
                        }
                    }
                    documents.insert(&entry.name, document);
                    found
                }
            },
        };
        if !found.is_empty() {
            if let Some(about) = &entry.about {
                found.push(format!("(the entry: {about})"));
            }
            if let Some(bug) = &entry.bug {
                found.push(format!("known defect: {bug}"));
            }
        }
        for problem in found {
            problems.push(format!("{} [{name}]: {problem}", entry.name));
        }
    }

    // Still alive and well: a plain request is answered (200, or 401 where customers are signed), and
    // nothing panicked on the way.
    let last = function
        .invoke(event_json("http-api-v2.json").to_string().into_bytes())
        .await;
    match last.as_ref().map(|invocation| invocation.response_json()) {
        Ok(Some(document)) if document["statusCode"].as_u64().is_some_and(|s| s < 500) => {}
        other => problems.push(format!(
            "[{name}]: the function no longer answers: {other:?}"
        )),
    }
    let output = function.stop().await;
    if output.status.is_some_and(|status| status.code().is_some()) {
        problems.push(format!(
            "[{name}]: the process exited by itself: {:?}",
            output.status
        ));
    }
    for line in output.stdout.iter().chain(&output.stderr) {
        if line.contains("panicked") || line.contains("\"level\":\"ERROR\"") {
            problems.push(format!("[{name}]: {line}"));
        }
    }
    emulator.shutdown().await;
    Findings { problems, answered }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_corpus_entry_gets_its_documented_answer_from_the_real_binary() {
    let dir = corpus_dir();
    let configs = load_configs(&dir);
    let entries = load_entries(&dir);
    assert!(
        entries.len() >= CORPUS_MIN_ENTRIES,
        "the corpus has {} entries",
        entries.len()
    );
    for entry in &entries {
        assert!(
            configs.contains_key(&entry.config),
            "{}: unknown configuration {:?}",
            entry.name,
            entry.config
        );
    }
    // One process per configuration, all at once: each has its own emulator, so the counts of what
    // reached Connect stay per configuration.
    let documented = Arc::new(openapi::documented_error_codes());
    let mut runs = tokio::task::JoinSet::new();
    for (name, overrides) in configs {
        let group: Vec<Entry> = entries
            .iter()
            .filter(|e| e.config == name)
            .cloned()
            .collect();
        if !group.is_empty() {
            runs.spawn(run_configuration(
                name,
                overrides,
                group,
                documented.clone(),
            ));
        }
    }
    let mut problems = Vec::new();
    let mut answered = BTreeSet::new();
    while let Some(run) = runs.join_next().await {
        let findings = run.unwrap_or_else(|e| panic!("a configuration's run failed: {e}"));
        problems.extend(findings.problems);
        answered.extend(findings.answered);
    }
    assert!(
        problems.is_empty(),
        "{} problem(s) in the corpus run:\n{}",
        problems.len(),
        problems.join("\n")
    );
    let undocumented: Vec<_> = answered.difference(&documented).collect();
    assert!(
        undocumented.is_empty(),
        "answers missing from openapi.yaml: {undocumented:?}"
    );
}

/// Every entry builds an event; with `CORPUS_SEED_DIR` set they are written there (one file per entry,
/// plus the sample events), as seeds for `make fuzz`.
#[test]
fn every_corpus_entry_builds_an_event_and_can_seed_the_fuzzer() {
    let dir = corpus_dir();
    let entries = load_entries(&dir);
    let events: Vec<(String, Value)> = entries
        .iter()
        .map(|entry| (entry.name.clone(), build_event(entry)))
        .collect();
    let Some(out) = std::env::var_os("CORPUS_SEED_DIR") else {
        return;
    };
    let out = std::path::PathBuf::from(out);
    std::fs::create_dir_all(&out).expect("CORPUS_SEED_DIR can be created");
    for (name, mut event) in events {
        let text = serde_json::to_vec(&event).expect("an event is JSON");
        std::fs::write(out.join(format!("corpus-{name}.json")), text).expect("a seed is written");
        // The target's second form: the event, NUL, then the body's raw bytes.
        if let Some(Value::String(body)) = event.as_object_mut().and_then(|e| e.remove("body")) {
            let mut split = serde_json::to_vec(&event).expect("an event is JSON");
            split.push(0);
            split.extend_from_slice(body.as_bytes());
            std::fs::write(out.join(format!("corpus-{name}.split")), split)
                .expect("a seed is written");
        }
    }
}

/// `make local` runs the function under `cargo lambda watch`, which reads a function URL's answer as
/// aws_lambda_events' `ApiGatewayV2httpResponse`: `cookies` is a required member there (AWS itself
/// treats it as optional), and an answer without it becomes a bare 500 from cargo lambda. Payload 1.0
/// answers must not need it.
#[tokio::test]
async fn payload_2_answers_read_as_cargo_lambda_reads_them() {
    let emulator = start_unthrottled_emulator().await;
    let env = configuration_env(&emulator.endpoint_url(), &BTreeMap::new());
    let mut function = LambdaProcess::spawn(env!("CARGO_BIN_EXE_start-chat"), &env)
        .await
        .unwrap_or_else(|e| panic!("spawn: {e}"));
    function.wait_until_ready().await.expect("test setup");
    let mut problems = Vec::new();
    for file in [
        "http-api-v2.json",
        "function-url.json",
        "preflight.json",
        "invalid-json.json",
    ] {
        let invocation = function
            .invoke(event_json(file).to_string().into_bytes())
            .await
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        let document = invocation
            .response_json()
            .unwrap_or_else(|| panic!("{file}: {invocation:?}"));
        let cookies_are_strings = document
            .get("cookies")
            .and_then(Value::as_array)
            .is_some_and(|cookies| cookies.iter().all(Value::is_string));
        if !cookies_are_strings {
            problems.push(format!("{file}: no `cookies` array in {document}"));
        }
    }
    function.stop().await;
    emulator.shutdown().await;
    assert!(
        problems.is_empty(),
        "known defect (src/http/event.rs, ProxyResponse): cargo lambda answers these with 500, so \
         `make local`, the demo, the e2e tests and schemathesis fail:\n{}",
        problems.join("\n")
    );
}
