//! The function's process and the harness's handle on it.

use crate::api::{ApiState, PendingInvocation, Reply, router};
use std::collections::{HashMap, VecDeque};
use std::ffi::OsStr;
use std::fmt;
use std::process::{ExitStatus, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader};
use tokio::process::{Child, Command};
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

const FUNCTION_NAME: &str = "start-chat";
const FUNCTION_ARN: &str = "arn:aws:lambda:us-east-1:123456789012:function:start-chat";

#[derive(Debug)]
pub enum RuntimeError {
    Io(std::io::Error),
    /// The process exited before it polled for work (an init failure) or while an event was in flight.
    Exited(Option<ExitStatus>),
    Timeout(&'static str),
}

impl fmt::Display for RuntimeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Io(error) => write!(f, "i/o error: {error}"),
            Self::Exited(status) => write!(f, "the function exited ({status:?})"),
            Self::Timeout(what) => write!(f, "timed out waiting for {what}"),
        }
    }
}

impl std::error::Error for RuntimeError {}

impl From<std::io::Error> for RuntimeError {
    fn from(error: std::io::Error) -> Self {
        Self::Io(error)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InvocationOutcome {
    /// The body the function posted to `/response`.
    Response(Vec<u8>),
    /// The body the function posted to `/error` (a Lambda error: API Gateway would answer 502).
    Error(Vec<u8>),
}

#[derive(Debug, Clone)]
pub struct Invocation {
    pub request_id: String,
    pub outcome: InvocationOutcome,
    /// From handing the event to the function until its answer arrived.
    pub elapsed: Duration,
}

impl Invocation {
    /// The response document as JSON, if the function answered successfully with JSON.
    pub fn response_json(&self) -> Option<serde_json::Value> {
        match &self.outcome {
            InvocationOutcome::Response(body) => serde_json::from_slice(body).ok(),
            InvocationOutcome::Error(_) => None,
        }
    }
}

/// What the process wrote and how it ended.
#[derive(Debug, Clone)]
pub struct ProcessOutput {
    pub stdout: Vec<String>,
    pub stderr: Vec<String>,
    pub status: Option<ExitStatus>,
    /// The body of `/runtime/init/error`, if the function reported one.
    pub init_error: Option<Vec<u8>>,
}

/// Lines a stream has written, the oldest dropped beyond `limit` (no limit by default).
struct LineStore {
    lines: Mutex<VecDeque<String>>,
    limit: Arc<AtomicUsize>,
}

impl LineStore {
    fn new(limit: Arc<AtomicUsize>) -> Arc<Self> {
        Arc::new(Self {
            lines: Mutex::new(VecDeque::new()),
            limit,
        })
    }

    fn push(&self, line: String) {
        let limit = self.limit.load(Ordering::Relaxed);
        let mut lines = self.lines.lock().unwrap_or_else(|p| p.into_inner());
        while !lines.is_empty() && lines.len() >= limit {
            lines.pop_front();
        }
        if limit > 0 {
            lines.push_back(line);
        }
    }

    fn snapshot(&self) -> Vec<String> {
        self.lines
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .cloned()
            .collect()
    }
}

pub struct LambdaProcess {
    child: Child,
    spawned_at: Instant,
    state: Arc<ApiState>,
    events: Option<mpsc::Sender<PendingInvocation>>,
    server: JoinHandle<()>,
    stdout: Arc<LineStore>,
    stderr: Arc<LineStore>,
    output_limit: Arc<AtomicUsize>,
    readers: Vec<JoinHandle<()>>,
    deadline: Duration,
    /// Events handed to the function so far.
    invocations: usize,
}

impl LambdaProcess {
    /// Starts the Runtime API on an ephemeral port of 127.0.0.1, then the binary with the environment
    /// Lambda gives a function, plus `env` (which may override it). The process does not inherit the
    /// harness's environment except `PATH` and `HOME`.
    pub async fn spawn<K: AsRef<OsStr>, V: AsRef<OsStr>>(
        binary: impl AsRef<OsStr>,
        env: &[(K, V)],
    ) -> Result<Self, RuntimeError> {
        let (sender, receiver) = mpsc::channel(1);
        let state = Arc::new(ApiState {
            events: tokio::sync::Mutex::new(receiver),
            in_flight: Mutex::new(HashMap::new()),
            first_poll: Mutex::new(None),
            polls: AtomicUsize::new(0),
            polled: tokio::sync::Notify::new(),
            init_error: Mutex::new(None),
            function_arn: FUNCTION_ARN.to_owned(),
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let address = listener.local_addr()?;
        let app = router(state.clone());
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });

        let mut command = Command::new(binary);
        command
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", std::env::var_os("HOME").unwrap_or_default())
            .env("AWS_LAMBDA_RUNTIME_API", address.to_string())
            .env("AWS_LAMBDA_FUNCTION_NAME", FUNCTION_NAME)
            .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
            .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
            .env("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/start-chat")
            .env("AWS_LAMBDA_LOG_STREAM_NAME", "local")
            .env("AWS_REGION", "us-east-1")
            .env("AWS_DEFAULT_REGION", "us-east-1")
            .env("LAMBDA_TASK_ROOT", "/var/task")
            .env("TZ", ":UTC");
        for (key, value) in env {
            command.env(key, value);
        }
        command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        let spawned_at = Instant::now();
        let mut child = command.spawn()?;

        let output_limit = Arc::new(AtomicUsize::new(usize::MAX));
        let stdout = LineStore::new(output_limit.clone());
        let stderr = LineStore::new(output_limit.clone());
        let mut readers = Vec::new();
        if let Some(pipe) = child.stdout.take() {
            readers.push(collect_lines(pipe, stdout.clone()));
        }
        if let Some(pipe) = child.stderr.take() {
            readers.push(collect_lines(pipe, stderr.clone()));
        }
        Ok(Self {
            child,
            spawned_at,
            state,
            events: Some(sender),
            server,
            stdout,
            stderr,
            output_limit,
            readers,
            deadline: Duration::from_secs(10),
            invocations: 0,
        })
    }

    /// When the process was started: cold-start measurements count from here.
    pub fn spawned_at(&self) -> Instant {
        self.spawned_at
    }

    /// Keeps only the last `lines` lines of stdout and of stderr (all by default): long benchmark runs
    /// write tens of thousands of log lines that nobody reads.
    pub fn keep_output_lines(&self, lines: usize) {
        self.output_limit.store(lines, Ordering::Relaxed);
    }

    /// The invocation deadline the function is told (Lambda's timeout); 10 s by default.
    pub fn set_deadline(&mut self, deadline: Duration) {
        self.deadline = deadline;
    }

    /// Waits for the first `/next` poll and returns the time from spawn to it: the function's init.
    pub async fn wait_until_ready(&mut self) -> Result<Duration, RuntimeError> {
        let timeout = tokio::time::sleep(Duration::from_secs(30));
        tokio::pin!(timeout);
        loop {
            let notified = self.state.polled.notified();
            if let Some(first) = *self
                .state
                .first_poll
                .lock()
                .unwrap_or_else(|p| p.into_inner())
            {
                return Ok(first.duration_since(self.spawned_at));
            }
            tokio::select! {
                _ = notified => {}
                status = self.child.wait() => return Err(RuntimeError::Exited(status.ok())),
                _ = &mut timeout => return Err(RuntimeError::Timeout("the first /next poll")),
            }
        }
    }

    /// Waits until the function has asked for an event after the last one it was handed.
    async fn wait_until_idle(&mut self) {
        loop {
            let notified = self.state.polled.notified();
            if self.state.polls.load(Ordering::SeqCst) > self.invocations {
                return;
            }
            tokio::select! {
                _ = notified => {}
                _ = self.child.wait() => return,
            }
        }
    }

    /// Hands one event to the function and waits for its answer.
    pub async fn invoke(&mut self, event: Vec<u8>) -> Result<Invocation, RuntimeError> {
        let request_id = uuid::Uuid::new_v4().to_string();
        let (reply, answer) = oneshot::channel();
        let sender = self.events.as_ref().ok_or(RuntimeError::Exited(None))?;
        let started = Instant::now();
        let pending = PendingInvocation {
            request_id: request_id.clone(),
            event,
            deadline: self.deadline,
            reply,
        };
        if sender.send(pending).await.is_err() {
            return Err(RuntimeError::Exited(None));
        }
        self.invocations += 1;
        let timeout = self.deadline + Duration::from_secs(5);
        let reply = tokio::select! {
            reply = answer => reply.map_err(|_| RuntimeError::Exited(None))?,
            status = self.child.wait() => return Err(RuntimeError::Exited(status.ok())),
            _ = tokio::time::sleep(timeout) => return Err(RuntimeError::Timeout("the function's answer")),
        };
        let outcome = match reply {
            Reply::Response(body) => InvocationOutcome::Response(body),
            Reply::Error(body) => InvocationOutcome::Error(body),
        };
        Ok(Invocation {
            request_id,
            outcome,
            elapsed: started.elapsed(),
        })
    }

    /// The process id, for resource measurements.
    pub fn pid(&self) -> Option<u32> {
        self.child.id()
    }

    /// Lines the function has written to stdout so far.
    pub fn stdout_lines(&self) -> Vec<String> {
        self.stdout.snapshot()
    }

    /// Waits for the process to exit on its own (an init failure), up to `timeout`, and collects output.
    pub async fn wait_for_exit(mut self, timeout: Duration) -> Result<ProcessOutput, RuntimeError> {
        let status = tokio::time::timeout(timeout, self.child.wait())
            .await
            .map_err(|_| RuntimeError::Timeout("the function to exit"))??;
        Ok(self.finish(Some(status)).await)
    }

    /// Stops the function and the Runtime API as Lambda shuts an environment down: once the function
    /// is idle, asking for its next event (it may write its logs after its response), or after 2 s.
    pub async fn stop(mut self) -> ProcessOutput {
        let _ = tokio::time::timeout(Duration::from_secs(2), self.wait_until_idle()).await;
        let _ = self.child.start_kill();
        let status = self.child.wait().await.ok();
        self.finish(status).await
    }

    async fn finish(mut self, status: Option<ExitStatus>) -> ProcessOutput {
        self.events = None;
        for reader in self.readers.drain(..) {
            let _ = tokio::time::timeout(Duration::from_secs(2), reader).await;
        }
        self.server.abort();
        ProcessOutput {
            stdout: self.stdout.snapshot(),
            stderr: self.stderr.snapshot(),
            status,
            init_error: self
                .state
                .init_error
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .clone(),
        }
    }
}

impl Drop for LambdaProcess {
    fn drop(&mut self) {
        let _ = self.child.start_kill();
        self.server.abort();
    }
}

fn collect_lines(
    pipe: impl AsyncRead + Unpin + Send + 'static,
    store: Arc<LineStore>,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut lines = BufReader::new(pipe).lines();
        while let Ok(Some(line)) = lines.next_line().await {
            store.push(line);
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_store_keeps_the_newest_lines_up_to_its_limit() {
        let limit = Arc::new(AtomicUsize::new(usize::MAX));
        let store = LineStore::new(limit.clone());
        for n in 0..5 {
            store.push(n.to_string());
        }
        assert_eq!(store.snapshot(), ["0", "1", "2", "3", "4"]);
        limit.store(2, Ordering::Relaxed);
        store.push("5".into());
        assert_eq!(store.snapshot(), ["4", "5"]);
        limit.store(0, Ordering::Relaxed);
        store.push("6".into());
        assert!(store.snapshot().is_empty());
    }
}
