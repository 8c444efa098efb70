//! Shared setup: an emulator on an ephemeral port, a handler wired to it through the SDK client, and the
//! sample events of `events/` turned into requests.

use aws_config::{BehaviorVersion, Region};
use aws_sdk_connect::config::Credentials;
use connect_emulator::{Emulator, EmulatorConfig};
use serde_json::Value;
use start_chat::config::Config;
use start_chat::connect::{SdkChatStarter, SdkPushRegistrations, connect_client_with};
use start_chat::http::{ChatHandler, NoAvailability};
use start_chat::telemetry::Metrics;
use std::collections::HashMap;
use std::path::PathBuf;

pub use crate::binary::binary_env;

// The one definition of the local setup, shared with `make local` and the benchmark.
pub use connect_emulator::local::{
    ACCESS_KEY_ID, DEFAULT_FLOW_ID as FLOW, INSTANCE_ID as INSTANCE, SALES_FLOW_ID as SALES_FLOW,
    SECRET_ACCESS_KEY, SITE_ORIGIN,
};

/// The function's settings in these tests: those of `make local`, with the local server secret given
/// inline instead of read through Secrets Manager (the endpoints, region and credentials are given to
/// the SDK client explicitly, see [`sdk_client`]).
pub fn function_env() -> Vec<(&'static str, String)> {
    // The AWS SDK's own variables configure the client; the secret's ARN needs Secrets Manager.
    let mut env: Vec<(&'static str, String)> =
        connect_emulator::local::function_env("http://127.0.0.1:0")
            .into_iter()
            .filter(|(key, _)| !key.starts_with("AWS_") && *key != "SECRET_ARN")
            .collect();
    env.push((
        "SERVER_SECRET",
        connect_emulator::local::SERVER_SECRET.to_owned(),
    ));
    env
}

pub async fn start_emulator() -> Emulator {
    let address = "127.0.0.1:0".parse().expect("test setup");
    Emulator::start(EmulatorConfig::local(), address)
        .await
        .expect("emulator did not start")
}

pub fn config_with(overrides: &[(&str, &str)]) -> Config {
    let mut env: HashMap<String, String> = function_env()
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
    for (key, value) in overrides {
        env.insert((*key).to_owned(), (*value).to_owned());
    }
    Config::from_lookup(|name| env.get(name).cloned()).expect("test setup")
}

/// An SDK client for the emulator, built as `main` builds it but with explicit endpoint and credentials
/// (tests run in parallel and must not share the process environment).
pub async fn sdk_client(
    emulator: &Emulator,
    config: &Config,
    secret: &str,
) -> aws_sdk_connect::Client {
    sdk_client_at(&emulator.endpoint_url(), config, secret).await
}

/// The same client for any endpoint (one where nothing listens, say).
pub async fn sdk_client_at(
    endpoint_url: &str,
    config: &Config,
    secret: &str,
) -> aws_sdk_connect::Client {
    let loader = aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new(
            ACCESS_KEY_ID,
            secret,
            None,
            None,
            "integration-tests",
        ))
        .endpoint_url(endpoint_url);
    connect_client_with(loader, &config.connect)
        .await
        .expect("test setup")
}

/// The handler `main` builds.
pub type Handler = ChatHandler<SdkChatStarter, NoAvailability, SdkPushRegistrations>;

pub async fn handler_for(emulator: &Emulator, overrides: &[(&str, &str)]) -> Handler {
    let config = config_with(overrides);
    let client = sdk_client(emulator, &config, SECRET_ACCESS_KEY).await;
    handler_with(config, client)
}

/// The handler as `main` wires it, around a given SDK client, metrics off.
pub fn handler_with(config: Config, client: aws_sdk_connect::Client) -> Handler {
    let push = config
        .push
        .map(|policy| (policy, SdkPushRegistrations::new(client.clone())));
    ChatHandler::new(
        config.http,
        config.policy,
        config.customer_tokens,
        SdkChatStarter::new(client),
        Metrics::disabled(),
    )
    .with_push(push)
}

pub fn events_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("events")
}

pub fn event_json(name: &str) -> Value {
    let text = std::fs::read_to_string(events_dir().join(name)).expect("test setup");
    serde_json::from_str(&text).expect("test setup")
}

/// The proxy response document, as API Gateway reads it.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: HashMap<String, String>,
    /// The JSON body (`Null` when there is none).
    pub body: Value,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(String::as_str)
    }
}

/// One invocation of the handler with an event, as the Lambda runtime makes it.
pub async fn invoke(handler: &Handler, event: &Value, request_id: &str) -> Reply {
    let response = handler.handle_event(event, request_id).await;
    reply_from(&serde_json::to_value(&response).expect("a serializable response"))
}

/// Reads a proxy response document (from the handler, or from the real binary).
pub fn reply_from(document: &Value) -> Reply {
    let status = document["statusCode"]
        .as_u64()
        .and_then(|status| u16::try_from(status).ok())
        .expect("a statusCode");
    let headers = document["headers"]
        .as_object()
        .expect("a headers object")
        .iter()
        .map(|(name, value)| {
            let value = value.as_str().expect("string header values");
            (name.clone(), value.to_owned())
        })
        .collect();
    let body = match document.get("body").and_then(Value::as_str) {
        Some(text) => serde_json::from_str(text).expect("a JSON body"),
        None => Value::Null,
    };
    assert_eq!(document["isBase64Encoded"], false);
    Reply {
        status,
        headers,
        body,
    }
}

/// Replaces the JSON body of an event (which holds it as a string).
pub fn with_body(mut event: Value, body: &Value) -> Value {
    event["body"] = Value::String(body.to_string());
    event
}
