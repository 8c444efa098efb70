//! A function under test (the program Lambda would start and its environment) and the Connect emulator
//! it calls, as every measurement sets them up.

use connect_emulator::{
    AgentConfig, Emulator, EmulatorConfig, EmulatorCredentials, LOCAL_ACCESS_KEY_ID, LOCAL_REGION,
    LOCAL_SECRET_ACCESS_KEY,
};
use std::path::{Path, PathBuf};

/// Lambda gives a function temporary credentials, so requests carry a session token.
pub const SESSION_TOKEN: &str = "bench-session-token-for-the-local-emulator-only";

/// The environment `template.yaml` adds for the allocator: mimalloc commits memory as it is used, not a
/// segment at a time (BENCHMARKS.md, change 5).
pub const DEPLOYED_RUNTIME_ENV: [(&str, &str); 2] = [
    ("MIMALLOC_EAGER_COMMIT", "0"),
    ("MIMALLOC_ARENA_EAGER_COMMIT", "0"),
];

/// The availability TTLs of a function whose cached GET is measured: the longest allowed, so that every
/// measured GET is answered from the cache (the start path never reads them).
pub const CACHED_AVAILABILITY_ENV: [(&str, &str); 2] = [
    ("AVAILABILITY_METRICS_TTL_SECONDS", "300"),
    ("AVAILABILITY_SCHEDULE_TTL_SECONDS", "3600"),
];

/// A function under test: the program Lambda would start and its environment.
#[derive(Debug, Clone)]
pub struct Function {
    /// For messages.
    pub label: String,
    pub program: PathBuf,
    pub env: Vec<(String, String)>,
    /// Whether it answers the availability GET (the Node.js baseline and the floor start a chat for
    /// any request).
    pub answers_availability: bool,
}

impl Function {
    /// The environment both functions get: the local configuration of `make local` and the tests (the
    /// emulator as Connect's and Secrets Manager's endpoint, the secret read at init as in AWS), with a
    /// session token as Lambda's credentials carry one.
    pub fn new(label: &str, program: PathBuf, endpoint: &str) -> Self {
        let mut env: Vec<(String, String)> = connect_emulator::local::function_env(endpoint)
            .into_iter()
            .map(|(key, value)| (key.to_owned(), value))
            .collect();
        env.push(("AWS_SESSION_TOKEN".to_owned(), SESSION_TOKEN.to_owned()));
        set_secrets_endpoint(&mut env, endpoint);
        Self {
            label: label.to_owned(),
            program,
            env,
            answers_availability: false,
        }
    }

    /// The function answers the availability GET, and keeps what it learns for the longest TTLs.
    pub fn with_cached_availability(mut self) -> Self {
        for (key, value) in CACHED_AVAILABILITY_ENV {
            self.env.push((key.to_owned(), value.to_owned()));
        }
        self.answers_availability = true;
        self
    }

    /// The environment `template.yaml` gives the deployed Rust function on top of its settings, so the
    /// benchmark measures what runs in Lambda.
    pub fn deployed(mut self) -> Self {
        for (key, value) in DEPLOYED_RUNTIME_ENV {
            self.env.push((key.to_owned(), value.to_owned()));
        }
        self
    }

    pub fn with_env(mut self, label: &str, key: &str, value: &str) -> Self {
        self.label = label.to_owned();
        self.env.push((key.to_owned(), value.to_owned()));
        self
    }

    /// The same function calling Connect through the emulator's TLS front (`url`), trusting its CA.
    pub fn over_tls(&self, url: &str, ca_file: &Path) -> Self {
        let mut function = self.clone();
        function.label = format!("{} over HTTPS", self.label);
        for (key, value) in &mut function.env {
            if key == "AWS_ENDPOINT_URL_CONNECT" {
                url.clone_into(value);
            }
        }
        set_secrets_endpoint(&mut function.env, url);
        let ca_file = ca_file.display().to_string();
        function
            .env
            .push(("SSL_CERT_FILE".to_owned(), ca_file.clone()));
        function
            .env
            .push(("NODE_EXTRA_CA_CERTS".to_owned(), ca_file));
        function
    }
}

/// Points Secrets Manager at the emulator under the other name of the same address (`localhost` for
/// `127.0.0.1` and back). In AWS the secret comes from another host than Connect, over a connection of its
/// own; under the same name, the SDK's shared connection pool would hand the init's secret connection to
/// the first StartChatContact and hide what the warm-up does.
fn set_secrets_endpoint(env: &mut [(String, String)], connect_endpoint: &str) {
    let other = if connect_endpoint.contains("://127.0.0.1") {
        connect_endpoint.replacen("://127.0.0.1", "://localhost", 1)
    } else {
        connect_endpoint.replacen("://localhost", "://127.0.0.1", 1)
    };
    for (key, value) in env.iter_mut() {
        if key == "AWS_ENDPOINT_URL_SECRETS_MANAGER" {
            value.clone_from(&other);
        }
    }
}

/// The emulator as the benchmark runs it: local credentials plus a session token, no simulated agent
/// (no WebSocket client connects anyway), and one record kept so reading the latest is cheap.
pub async fn start_emulator() -> Result<Emulator, String> {
    let mut config = EmulatorConfig {
        credentials: EmulatorCredentials {
            access_key_id: LOCAL_ACCESS_KEY_ID.to_owned(),
            secret_access_key: LOCAL_SECRET_ACCESS_KEY.to_owned(),
            session_token: Some(SESSION_TOKEN.to_owned()),
        },
        agent: AgentConfig {
            enabled: false,
            ..AgentConfig::default()
        },
        flow_greeting: String::new(),
        max_records: 1,
        max_stored_chats: 2_000,
        ..EmulatorConfig::local()
    }
    // The harness starts thousands of chats as fast as it can, and every fresh process asks for
    // availability once: Connect's rate quotas are not what it measures.
    .without_quota();
    config.region = LOCAL_REGION.to_owned();
    let address = "127.0.0.1:0"
        .parse()
        .map_err(|e| format!("bad address: {e}"))?;
    Emulator::start(config, address)
        .await
        .map_err(|e| format!("the Connect emulator did not start: {e}"))
}
