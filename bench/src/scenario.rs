//! The measurements: fresh processes for cold starts, one long-lived process per function for warm
//! invocations, all under the local Runtime API and against the in-process Connect emulator.

use crate::events::EventTemplate;
use crate::procfs;
use connect_emulator::{
    AgentConfig, Emulator, EmulatorConfig, EmulatorCredentials, LOCAL_ACCESS_KEY_ID,
    LOCAL_DEFAULT_FLOW_ID, LOCAL_INSTANCE_ID, LOCAL_REGION, LOCAL_SALES_FLOW_ID,
    LOCAL_SECRET_ACCESS_KEY,
};
use local_runtime_api::{Invocation, InvocationOutcome, LambdaProcess};
use serde_json::Value;
use std::path::PathBuf;
use std::time::Duration;

/// Lambda gives a function temporary credentials, so requests carry a session token.
pub const SESSION_TOKEN: &str = "bench-session-token-for-the-local-emulator-only";

/// The function's own settings: the local configuration of `make local` and the tests.
pub fn function_settings() -> Vec<(&'static str, &'static str)> {
    vec![
        ("INSTANCE_ID", LOCAL_INSTANCE_ID),
        ("CONTACT_FLOW_ID", LOCAL_DEFAULT_FLOW_ID),
        ("ALLOWED_CONTACT_FLOW_IDS", LOCAL_SALES_FLOW_ID),
        ("CONTACT_FLOW_ALIASES", "sales=7b2c3d4e-5f6a-4b7c-9d8e-0f1a2b3c4d5e"),
        ("ALLOWED_ORIGINS", "https://www.example.com"),
        ("ATTACHMENTS_ENABLED", "true"),
    ]
}

/// A function under test: the program Lambda would start and its environment.
#[derive(Debug, Clone)]
pub struct Function {
    pub label: &'static str,
    pub program: PathBuf,
    pub env: Vec<(String, String)>,
}

impl Function {
    /// The environment both functions get: settings, the emulator as Connect's endpoint, credentials
    /// as Lambda provides them, and no shared config files.
    pub fn new(label: &'static str, program: PathBuf, endpoint: &str) -> Self {
        let mut env: Vec<(String, String)> = function_settings()
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        for (key, value) in [
            ("AWS_ENDPOINT_URL_CONNECT", endpoint),
            ("AWS_ACCESS_KEY_ID", LOCAL_ACCESS_KEY_ID),
            ("AWS_SECRET_ACCESS_KEY", LOCAL_SECRET_ACCESS_KEY),
            ("AWS_SESSION_TOKEN", SESSION_TOKEN),
            ("AWS_CONFIG_FILE", "/dev/null"),
            ("AWS_SHARED_CREDENTIALS_FILE", "/dev/null"),
        ] {
            env.push((key.to_owned(), value.to_owned()));
        }
        Self {
            label,
            program,
            env,
        }
    }

    pub fn with_env(mut self, label: &'static str, key: &str, value: &str) -> Self {
        self.label = label;
        self.env.push((key.to_owned(), value.to_owned()));
        self
    }
}

/// The emulator as the benchmark runs it: local credentials plus a session token, no simulated agent
/// (no WebSocket client connects anyway), and small record lists so reading the last one is cheap.
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
        max_records: 8,
        max_stored_chats: 2_000,
        ..EmulatorConfig::local()
    };
    config.region = LOCAL_REGION.to_owned();
    let address = "127.0.0.1:0"
        .parse()
        .map_err(|e| format!("bad address: {e}"))?;
    Emulator::start(config, address)
        .await
        .map_err(|e| format!("the Connect emulator did not start: {e}"))
}

/// One cold start.
#[derive(Debug, Clone, Copy)]
pub struct ColdSample {
    /// Spawn to the first `/next` poll.
    pub init: Duration,
    /// Spawn to the first StartChatContact response received by the Runtime API.
    pub first_response: Duration,
    /// The process's peak RSS when it had answered.
    pub hwm_kib: Option<u64>,
}

/// One warm invocation.
#[derive(Debug, Clone, Copy)]
pub struct WarmSample {
    pub elapsed: Duration,
    /// The emulator's own time for the StartChatContact request, when it reports it.
    pub service: Option<Duration>,
}

impl WarmSample {
    /// The function's overhead: the invocation minus the emulator's own time.
    pub fn overhead_us(&self) -> f64 {
        let service = self.service.unwrap_or_default();
        self.elapsed.saturating_sub(service).as_secs_f64() * 1e6
    }
}

/// A long run of one process.
#[derive(Debug, Clone, Default)]
pub struct WarmRun {
    pub typical: Vec<WarmSample>,
    pub maximal: Vec<WarmSample>,
    /// RSS after the warm-up, then every `rss_every` measured invocations, in KiB.
    pub rss_trace_kib: Vec<u64>,
    pub rss_after_warmup_kib: u64,
    pub rss_end_kib: u64,
    pub hwm_kib: u64,
    pub init: Duration,
}

/// What the harness keeps between invocations: the event templates and the ids they need.
pub struct Driver {
    pub emulator: Emulator,
    typical: EventTemplate,
    maximal: EventTemplate,
    nonce: String,
    counter: u64,
    /// The contact of the latest chat: the maximal request's `RelatedContactId`.
    last_contact: String,
}

impl Driver {
    pub fn new(emulator: Emulator, typical: EventTemplate, maximal: EventTemplate) -> Self {
        let nonce = format!(
            "{:x}",
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap_or_default()
                .as_millis()
        );
        Self {
            emulator,
            typical,
            maximal,
            nonce,
            counter: 0,
            last_contact: String::new(),
        }
    }

    fn typical_event(&self) -> Vec<u8> {
        self.typical.render("", "")
    }

    fn maximal_event(&mut self) -> Vec<u8> {
        self.counter += 1;
        let token = format!("{}-{:010}", self.nonce, self.counter);
        self.maximal.render(&token, &self.last_contact)
    }

    /// Invokes, checks for a 200 with a started chat, and remembers the chat's contact id.
    async fn invoke(
        &mut self,
        process: &mut LambdaProcess,
        event: Vec<u8>,
    ) -> Result<Invocation, String> {
        let invocation = process
            .invoke(event)
            .await
            .map_err(|e| format!("invocation failed: {e}"))?;
        self.last_contact = contact_id(&invocation)?;
        Ok(invocation)
    }

    async fn invoke_kind(
        &mut self,
        process: &mut LambdaProcess,
        maximal: bool,
    ) -> Result<WarmSample, String> {
        let event = if maximal {
            self.maximal_event()
        } else {
            self.typical_event()
        };
        let invocation = self.invoke(process, event).await?;
        Ok(WarmSample {
            elapsed: invocation.elapsed,
            service: last_service_time(&self.emulator),
        })
    }

    /// Starts a chat through a short-lived process so that the maximal request has a contact to
    /// relate to, and checks that both functions accept both requests.
    pub async fn check(&mut self, function: &Function) -> Result<(), String> {
        let mut process = spawn(function).await?;
        let outcome = async {
            process
                .wait_until_ready()
                .await
                .map_err(|e| format!("init failed: {e}"))?;
            for maximal in [false, true, false, true] {
                self.invoke_kind(&mut process, maximal).await?;
            }
            Ok::<(), String>(())
        }
        .await;
        finish(process, outcome, function).await
    }

    /// A fresh process, its event already waiting (as Lambda queues the event that caused the cold
    /// start): init, then the first response.
    pub async fn cold_start(&mut self, function: &Function) -> Result<ColdSample, String> {
        let mut process = spawn(function).await?;
        let outcome = async {
            let event = self.typical_event();
            self.invoke(&mut process, event).await?;
            let first_response = process.spawned_at().elapsed();
            let init = process
                .wait_until_ready()
                .await
                .map_err(|e| format!("init failed: {e}"))?;
            let hwm_kib = process
                .pid()
                .and_then(procfs::memory)
                .map(|memory| memory.hwm_kib);
            Ok(ColdSample {
                init,
                first_response,
                hwm_kib,
            })
        }
        .await;
        finish(process, outcome, function).await
    }

    /// One process: `warmup` invocations of each kind (alternating), then `count` typical and `count`
    /// maximal invocations, reading RSS every `rss_every`.
    pub async fn warm_run(
        &mut self,
        function: &Function,
        warmup: usize,
        count: usize,
        rss_every: usize,
    ) -> Result<WarmRun, String> {
        let mut process = spawn(function).await?;
        process.keep_output_lines(200);
        let outcome = async {
            let mut run = WarmRun {
                init: process
                    .wait_until_ready()
                    .await
                    .map_err(|e| format!("init failed: {e}"))?,
                ..WarmRun::default()
            };
            let pid = process.pid().ok_or("the function has no pid")?;
            let memory = || procfs::memory(pid).ok_or("cannot read the function's /proc status");
            for index in 0..warmup * 2 {
                self.invoke_kind(&mut process, index % 2 == 1).await?;
            }
            run.rss_after_warmup_kib = memory()?.rss_kib;
            run.rss_trace_kib.push(run.rss_after_warmup_kib);
            for maximal in [false, true] {
                let mut samples = Vec::with_capacity(count);
                for index in 1..=count {
                    samples.push(self.invoke_kind(&mut process, maximal).await?);
                    if index % rss_every.max(1) == 0 {
                        run.rss_trace_kib.push(memory()?.rss_kib);
                    }
                }
                if maximal {
                    run.maximal = samples;
                } else {
                    run.typical = samples;
                }
            }
            let end = memory()?;
            run.rss_end_kib = end.rss_kib;
            run.hwm_kib = end.hwm_kib;
            Ok::<WarmRun, String>(run)
        }
        .await;
        finish(process, outcome, function).await
    }
}

async fn spawn(function: &Function) -> Result<LambdaProcess, String> {
    LambdaProcess::spawn(&function.program, &function.env)
        .await
        .map_err(|e| {
            format!(
                "{}: cannot start {}: {e}",
                function.label,
                function.program.display()
            )
        })
}

/// Stops the process; on failure, adds the end of its output to the error.
async fn finish<T>(
    process: LambdaProcess,
    outcome: Result<T, String>,
    function: &Function,
) -> Result<T, String> {
    let output = process.stop().await;
    outcome.map_err(|error| {
        let tail: Vec<&String> = output
            .stdout
            .iter()
            .chain(&output.stderr)
            .rev()
            .take(10)
            .collect();
        let tail: Vec<&str> = tail.into_iter().rev().map(String::as_str).collect();
        format!(
            "{}: {error}\n  last output:\n    {}",
            function.label,
            tail.join("\n    ")
        )
    })
}

/// The started chat's contact id, or why the invocation is not a successful StartChatContact.
fn contact_id(invocation: &Invocation) -> Result<String, String> {
    let InvocationOutcome::Response(bytes) = &invocation.outcome else {
        return Err(format!("the function failed: {invocation:?}"));
    };
    let reply: Value = serde_json::from_slice(bytes)
        .map_err(|e| format!("the response is not JSON ({e}): {}", lossy(bytes)))?;
    if reply["statusCode"] != 200 {
        return Err(format!("expected status 200: {}", lossy(bytes)));
    }
    let body: Value = serde_json::from_str(reply["body"].as_str().unwrap_or_default())
        .map_err(|e| format!("the body is not JSON ({e})"))?;
    body["data"]["startChatResult"]["ContactId"]
        .as_str()
        .filter(|id| id.len() == 36)
        .map(str::to_owned)
        .ok_or_else(|| format!("no ContactId in {}", lossy(bytes)))
}

fn lossy(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    text.chars().take(600).collect()
}

/// The emulator's own time for the latest StartChatContact request.
fn last_service_time(emulator: &Emulator) -> Option<Duration> {
    let _ = emulator;
    None
}
