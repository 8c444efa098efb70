//! The measurements: fresh processes for cold starts, one long-lived process per function for warm
//! invocations, all under the local Runtime API and against the in-process Connect emulator.

use crate::events::{self, EventTemplate};
use crate::procfs;
use connect_emulator::{
    AgentConfig, Emulator, EmulatorConfig, EmulatorCredentials, LOCAL_ACCESS_KEY_ID, LOCAL_REGION,
    LOCAL_SECRET_ACCESS_KEY, QuotaConfig,
};
use local_runtime_api::{Invocation, InvocationOutcome, LambdaProcess};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Lambda gives a function temporary credentials, so requests carry a session token.
pub const SESSION_TOKEN: &str = "bench-session-token-for-the-local-emulator-only";

/// The environment `template.yaml` adds for the allocator: mimalloc commits memory as it is used, not a
/// segment at a time (BENCHMARKS.md, change 5).
pub const DEPLOYED_RUNTIME_ENV: [(&str, &str); 2] = [
    ("MIMALLOC_EAGER_COMMIT", "0"),
    ("MIMALLOC_ARENA_EAGER_COMMIT", "0"),
];

/// A function under test: the program Lambda would start and its environment.
#[derive(Debug, Clone)]
pub struct Function {
    /// For messages.
    pub label: String,
    pub program: PathBuf,
    pub env: Vec<(String, String)>,
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
        }
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
        // The harness starts thousands of chats as fast as it can: Connect's rate quota is not
        // what it measures.
        quota: QuotaConfig::OFF,
        max_records: 1,
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
    /// CPU time the function used per invocation (all its threads), µs, per kind.
    pub typical_cpu_us: Option<f64>,
    pub maximal_cpu_us: Option<f64>,
    /// Where the time of the last invocations went, from the function's own log lines (Rust only).
    pub typical_breakdown: Option<Breakdown>,
    pub maximal_breakdown: Option<Breakdown>,
}

/// How many of the last invocations of each kind the breakdown covers.
const BREAKDOWN_INVOCATIONS: usize = 200;

/// An invocation split with the function's request log line (`latency_ms`: the handler, from request
/// to response; `connect_latency_ms`: the StartChatContact call inside it), in µs medians.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Breakdown {
    pub invocations: usize,
    /// Runtime API round trip, event and response (de)serialisation in `lambda_runtime`/`lambda_http`,
    /// the log and metrics lines written after the handler returns.
    pub runtime_us: f64,
    /// The handler outside the SDK call: CORS, body, validation, response JSON.
    pub handler_us: f64,
    /// The SDK call minus the emulator's own time: serialisation, signing, HTTP, parsing.
    pub sdk_us: f64,
}

impl Breakdown {
    fn from_logs(recent: &[(String, WarmSample)], lines: &[String]) -> Option<Self> {
        let logged: std::collections::HashMap<String, (f64, f64)> = lines
            .iter()
            .filter_map(|line| serde_json::from_str::<Value>(line).ok())
            .filter_map(|line| {
                let id = line["request_id"].as_str()?.to_owned();
                let latency = line["latency_ms"].as_f64()? * 1e3;
                let connect = line["connect_latency_ms"].as_f64()? * 1e3;
                Some((id, (latency, connect)))
            })
            .collect();
        let mut runtime = Vec::new();
        let mut handler = Vec::new();
        let mut sdk = Vec::new();
        for (id, sample) in recent {
            let Some((latency, connect)) = logged.get(id) else {
                continue;
            };
            let elapsed = sample.elapsed.as_secs_f64() * 1e6;
            let service = sample.service.unwrap_or_default().as_secs_f64() * 1e6;
            runtime.push(elapsed - latency);
            handler.push(latency - connect);
            sdk.push(connect - service);
        }
        let median = |values: &[f64]| crate::stats::Summary::of(values).map(|s| s.p50);
        Some(Self {
            invocations: runtime.len(),
            runtime_us: median(&runtime)?,
            handler_us: median(&handler)?,
            sdk_us: median(&sdk)?,
        })
    }
}

/// The two requests the benchmark sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestKind {
    /// `events/http-api-v2.json`: what the widget sends.
    Typical,
    /// Every member at its limit (see `events.rs`).
    Maximal,
}

/// What the harness keeps between invocations: the event templates and the ids they need.
pub struct Driver {
    pub emulator: Emulator,
    typical: EventTemplate,
    maximal: EventTemplate,
    /// This run's part of every ClientToken.
    run: u64,
    counter: u64,
    /// Whether warm runs send the maximal request too (`--typical-only` turns it off, for profiling).
    pub maximal_too: bool,
    /// Whether every answer must be a started chat (off for the calibration function, which starts none).
    pub expect_chats: bool,
}

impl Driver {
    pub fn new(emulator: Emulator, typical: EventTemplate, maximal: EventTemplate) -> Self {
        let run = events::run_id();
        Self {
            emulator,
            typical,
            maximal,
            run,
            counter: 0,
            maximal_too: true,
            expect_chats: true,
        }
    }

    fn typical_event(&self) -> Vec<u8> {
        self.typical.render("")
    }

    fn maximal_event(&mut self) -> Vec<u8> {
        self.counter += 1;
        self.maximal
            .render(&events::client_token(self.run, self.counter))
    }

    /// Invokes and checks for a 200 with a started chat.
    async fn invoke(
        &mut self,
        process: &mut LambdaProcess,
        event: Vec<u8>,
    ) -> Result<Invocation, String> {
        let invocation = process
            .invoke(event)
            .await
            .map_err(|e| format!("invocation failed: {e}"))?;
        if contact_id(&invocation)?.is_none() && self.expect_chats {
            return Err(format!("no ContactId in {:?}", invocation.outcome));
        }
        Ok(invocation)
    }

    pub(crate) async fn invoke_kind(
        &mut self,
        process: &mut LambdaProcess,
        kind: RequestKind,
    ) -> Result<(WarmSample, String), String> {
        let event = match kind {
            RequestKind::Typical => self.typical_event(),
            RequestKind::Maximal => self.maximal_event(),
        };
        let invocation = self.invoke(process, event).await?;
        let sample = WarmSample {
            elapsed: invocation.elapsed,
            service: last_service_time(&self.emulator),
        };
        Ok((sample, invocation.request_id))
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
            for kind in [
                RequestKind::Typical,
                RequestKind::Maximal,
                RequestKind::Typical,
                RequestKind::Maximal,
            ] {
                self.invoke_kind(&mut process, kind).await?;
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
        let mut runs = self
            .warm_runs(&[function], warmup, count, rss_every)
            .await?;
        runs.pop().ok_or_else(|| "no warm run".into())
    }

    /// The warm sequence for several processes at once, invocation by invocation in turn, so that
    /// drift on the machine affects them alike (`--compare`).
    pub async fn warm_runs(
        &mut self,
        functions: &[&Function],
        warmup: usize,
        count: usize,
        rss_every: usize,
    ) -> Result<Vec<WarmRun>, String> {
        let mut processes = Vec::new();
        for function in functions {
            let process = spawn(function).await?;
            process.keep_output_lines(BREAKDOWN_INVOCATIONS * 4);
            processes.push(process);
        }
        let outcome = self
            .warm_sequence(&mut processes, warmup, count, rss_every)
            .await;
        let mut failure = None;
        for (index, (process, function)) in processes.into_iter().zip(functions).enumerate() {
            let result = match &outcome {
                Err((failed, error)) if *failed == index => Err(error.clone()),
                _ => Ok(()),
            };
            if let Err(error) = finish(process, result, function).await {
                failure = Some(error);
            }
        }
        match (outcome, failure) {
            (Ok(runs), None) => Ok(runs),
            (_, Some(error)) | (Err((_, error)), None) => Err(error),
        }
    }

    /// The body of [`Self::warm_runs`]; an error names the index of the process that failed.
    async fn warm_sequence(
        &mut self,
        processes: &mut [LambdaProcess],
        warmup: usize,
        count: usize,
        rss_every: usize,
    ) -> Result<Vec<WarmRun>, (usize, String)> {
        let mut runs = Vec::new();
        let mut pids = Vec::new();
        for (index, process) in processes.iter_mut().enumerate() {
            let init = process
                .wait_until_ready()
                .await
                .map_err(|e| (index, format!("init failed: {e}")))?;
            runs.push(WarmRun {
                init,
                ..WarmRun::default()
            });
            pids.push(
                process
                    .pid()
                    .ok_or((index, "the function has no pid".into()))?,
            );
        }
        let memory = |index: usize| {
            procfs::memory(pids[index])
                .ok_or((index, "cannot read the function's /proc status".to_owned()))
        };
        for round in 0..warmup * 2 {
            let kind = if self.maximal_too && round % 2 == 1 {
                RequestKind::Maximal
            } else {
                RequestKind::Typical
            };
            for (index, process) in processes.iter_mut().enumerate() {
                self.invoke_kind(process, kind)
                    .await
                    .map_err(|e| (index, e))?;
            }
        }
        for (index, run) in runs.iter_mut().enumerate() {
            run.rss_after_warmup_kib = memory(index)?.rss_kib;
            run.rss_trace_kib.push(run.rss_after_warmup_kib);
        }
        let kinds: &[RequestKind] = if self.maximal_too {
            &[RequestKind::Typical, RequestKind::Maximal]
        } else {
            &[RequestKind::Typical]
        };
        for &kind in kinds {
            let cpu_before: Vec<Option<u64>> =
                pids.iter().map(|pid| procfs::cpu_time_ns(*pid)).collect();
            let mut samples = vec![Vec::with_capacity(count); processes.len()];
            let mut recent = vec![Vec::with_capacity(BREAKDOWN_INVOCATIONS); processes.len()];
            for round in 1..=count {
                for (index, process) in processes.iter_mut().enumerate() {
                    let (sample, request_id) = self
                        .invoke_kind(process, kind)
                        .await
                        .map_err(|e| (index, e))?;
                    samples[index].push(sample);
                    if count - round < BREAKDOWN_INVOCATIONS {
                        recent[index].push((request_id, sample));
                    }
                    if round % rss_every.max(1) == 0 {
                        runs[index].rss_trace_kib.push(memory(index)?.rss_kib);
                    }
                }
            }
            for (index, run) in runs.iter_mut().enumerate() {
                let cpu_us = cpu_before[index]
                    .zip(procfs::cpu_time_ns(pids[index]))
                    .map(|(before, after)| (after - before) as f64 / 1e3 / count.max(1) as f64);
                let breakdown =
                    Breakdown::from_logs(&recent[index], &processes[index].stdout_lines());
                let samples = std::mem::take(&mut samples[index]);
                match kind {
                    RequestKind::Typical => {
                        run.typical = samples;
                        run.typical_breakdown = breakdown;
                        run.typical_cpu_us = cpu_us;
                    }
                    RequestKind::Maximal => {
                        run.maximal = samples;
                        run.maximal_breakdown = breakdown;
                        run.maximal_cpu_us = cpu_us;
                    }
                }
            }
        }
        for (index, run) in runs.iter_mut().enumerate() {
            let end = memory(index)?;
            run.rss_end_kib = end.rss_kib;
            run.hwm_kib = end.hwm_kib;
        }
        Ok(runs)
    }
}

/// Waits for the function's first `/next`: its init time, and its pid for `/proc` readings.
pub(crate) async fn until_ready(process: &mut LambdaProcess) -> Result<(Duration, u32), String> {
    let init = process
        .wait_until_ready()
        .await
        .map_err(|e| format!("init failed: {e}"))?;
    let pid = process.pid().ok_or("the function has no pid")?;
    Ok((init, pid))
}

pub(crate) async fn spawn(function: &Function) -> Result<LambdaProcess, String> {
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
pub(crate) async fn finish<T>(
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

/// The started chat's contact id, if any, or why the invocation is not a 200 answer.
fn contact_id(invocation: &Invocation) -> Result<Option<String>, String> {
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
    Ok(body["data"]["startChatResult"]["ContactId"]
        .as_str()
        .filter(|id| id.len() == 36)
        .map(str::to_owned))
}

fn lossy(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    text.chars().take(600).collect()
}

/// The emulator's own time for the latest StartChatContact request (the emulator keeps only the latest
/// record, so reading it is cheap).
fn last_service_time(emulator: &Emulator) -> Option<Duration> {
    emulator
        .start_chat_calls()
        .last()
        .map(|call| call.service_time)
}
