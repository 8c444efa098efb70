//! The `connect-emulator` binary: its start-up lines, a working endpoint, a clean SIGTERM exit, its
//! configuration file, and the function environment it prints for `make local`.

use std::process::Command;

use connect_emulator::local;
use serde_json::{Value, json};

use crate::common::process::{EmulatorProcess, http};

#[test]
fn prints_its_endpoints_serves_and_exits_on_sigterm() {
    let emulator = EmulatorProcess::spawn(&[]);
    assert!(emulator.port > 0);
    let participant = emulator.banner[1]
        .trim_end()
        .strip_prefix("Participant endpoint: http://127.0.0.1:")
        .expect("the second line names the participant endpoint");
    assert!(participant.parse::<u16>().is_ok(), "{participant}");

    let (status, body) = http(emulator.port, "GET", "/_emulator/health", "");
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("\"ok\""), "{body}");

    let stopped = emulator.terminate();
    assert!(stopped.status.success(), "{:?}", stopped.status);
    assert_eq!(
        stopped.rest_of_stdout, "",
        "only the two start-up lines go to stdout"
    );
    assert!(
        stopped.stderr.contains("GET /_emulator/health"),
        "{}",
        stopped.stderr
    );
    assert!(
        stopped
            .stderr
            .contains("StartChatContact quota: 5/s, burst 8"),
        "the quota in force is logged at start-up: {}",
        stopped.stderr
    );
}

#[test]
fn rejects_bad_arguments() {
    for args in [
        &["--host", "0.0.0.0"][..],
        &["--print-function-env"],
        &["--endpoint-url", "http://127.0.0.1:1"],
    ] {
        let output = Command::new(env!("CARGO_BIN_EXE_connect-emulator"))
            .args(args)
            .output()
            .expect("the binary runs");
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(output.stdout.is_empty(), "{args:?}");
        assert!(
            String::from_utf8_lossy(&output.stderr).contains("Usage"),
            "{args:?}"
        );
    }
}

fn quota(port: u16) -> Value {
    let (status, body) = http(port, "GET", "/_emulator/quota", "");
    assert_eq!(status, 200, "{body}");
    serde_json::from_str(&body).expect("the quota is JSON")
}

#[test]
fn the_quota_is_on_by_default_and_set_by_the_config_file() {
    let emulator = EmulatorProcess::spawn(&["--quiet"]);
    let status = quota(emulator.port);
    assert_eq!(
        (
            &status["enabled"],
            &status["ratePerSecond"],
            &status["burst"]
        ),
        (&json!(true), &json!(5.0), &json!(8))
    );
    drop(emulator);

    let path = std::env::temp_dir().join(format!("emulator-quota-{}.json", std::process::id()));
    std::fs::write(
        &path,
        r#"{"quota": {"ratePerSecond": 2, "burst": 3}, "maxActiveChats": 4}"#,
    )
    .expect("the config file is written");
    let emulator = EmulatorProcess::spawn(&["--quiet", "--config", path.to_str().expect("UTF-8")]);
    let status = quota(emulator.port);
    std::fs::remove_file(&path).expect("the config file is removed");
    assert_eq!(status["ratePerSecond"], 2.0);
    assert_eq!(status["burst"], 3);
    assert_eq!(status["availableTokens"], 3.0);
    assert_eq!(status["maxActiveChats"], 4);
    assert_eq!(status["enabled"], true, "a missing key keeps its default");
}

#[test]
fn a_bad_quota_in_the_config_file_stops_the_binary() {
    let path = std::env::temp_dir().join(format!("emulator-bad-quota-{}.json", std::process::id()));
    std::fs::write(&path, r#"{"quota": {"ratePerSecond": -1}}"#).expect("written");
    let output = Command::new(env!("CARGO_BIN_EXE_connect-emulator"))
        .args(["--config", path.to_str().expect("UTF-8")])
        .output()
        .expect("the binary runs");
    std::fs::remove_file(&path).expect("removed");
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("ratePerSecond"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn prints_the_function_env_for_a_local_run() {
    let output = Command::new(env!("CARGO_BIN_EXE_connect-emulator"))
        .args([
            "--print-function-env",
            "--endpoint-url",
            "http://127.0.0.1:9001",
            "--allowed-origin",
            "http://127.0.0.1:9003",
        ])
        .output()
        .expect("the binary runs");
    assert!(output.status.success(), "{output:?}");
    let text = String::from_utf8(output.stdout).expect("UTF-8");
    let variables: Vec<(&str, &str)> = text
        .lines()
        .map(|line| {
            let (key, value) = line.split_once('=').expect("KEY=value");
            let value = value
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .expect("the value is quoted");
            (key, value)
        })
        .collect();
    let keys: Vec<&str> = variables.iter().map(|(key, _)| *key).collect();
    assert_eq!(
        keys,
        [
            "AWS_REGION",
            "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_ENDPOINT_URL_CONNECT",
            "AWS_ENDPOINT_URL_SECRETS_MANAGER",
            "AWS_CONFIG_FILE",
            "AWS_SHARED_CREDENTIALS_FILE",
            "INSTANCE_ID",
            "CONTACT_FLOW_ID",
            "ALLOWED_CONTACT_FLOW_IDS",
            "CONTACT_FLOW_ALIASES",
            "ALLOWED_ORIGINS",
            "SUPPORTED_MESSAGING_CONTENT_TYPES",
            "ATTACHMENTS_ENABLED",
            "SECRET_ARN",
            "ALLOW_PERSISTENT_CHAT",
            "AVAILABILITY_QUEUES",
            "PUSH_APPLICATION_ARN",
        ]
    );
    let value = |key: &str| {
        variables
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| *v)
            .expect("present")
    };
    assert_eq!(
        value("AWS_ENDPOINT_URL_SECRETS_MANAGER"),
        "http://127.0.0.1:9001"
    );
    assert_eq!(value("INSTANCE_ID"), local::INSTANCE_ID);
    assert_eq!(
        value("ALLOWED_ORIGINS"),
        format!("{},http://127.0.0.1:9003", local::SITE_ORIGIN)
    );
    assert_eq!(
        value("AVAILABILITY_QUEUES"),
        format!(
            "default={},sales={}",
            local::DEFAULT_QUEUE_ID,
            local::SALES_QUEUE_ID
        )
    );
    assert_eq!(value("PUSH_APPLICATION_ARN"), local::PUSH_APPLICATION_ARN);
    assert!(!text.contains(local::SERVER_SECRET));
}
