//! The soak (`make soak`): one release `bootstrap` under the local Runtime API answers thousands of
//! requests while the emulator injects random faults (every Connect error, short and long delays,
//! dropped connections). It passes when the process never crashes, every invocation is answered within
//! the Connect timeout plus a margin, every answer is a JSON response of the status class the fault
//! calls for, and resident memory stays flat.

use crate::args::SoakArgs;
use crate::events::{self, EventTemplate};
use crate::procfs;
use crate::scenario::{self, Function};
use crate::stats::{Summary, round};
use connect_emulator::{ConnectErrorKind, Emulator, Fault};
use local_runtime_api::{InvocationOutcome, LambdaProcess};
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, HashSet};
use std::fmt::Write as _;
use std::time::{Duration, Instant};

/// How long past the Connect timeout an answer may take (the handler, the runtime loop, the log line)
/// before the invocation counts as stuck.
const ANSWER_MARGIN: Duration = Duration::from_secs(1);
/// The function's attempts per StartChatContact (`start_chat::connect::MAX_ATTEMPTS`, checked by a test;
/// a dependency would build the AWS SDK into the harness): a fault queued this many times fails every
/// attempt.
const MAX_ATTEMPTS: u32 = 6;
/// Plain requests before the soak proper.
const WARMUP_REQUESTS: usize = 300;
const RSS_EVERY: usize = 250;
/// The share of the requests after which the resident set is the baseline of "flat": by then every
/// error and retry path has run and the allocator has reached its working size.
const RSS_BASELINE_FRACTION: usize = 10;
/// "Flat": the resident set grows by less than this from the baseline to the end.
const RSS_GROWTH_LIMIT_KIB: i64 = 512;
const MAX_REPORTED_FAILURES: usize = 20;

/// What the harness sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Request {
    Typical,
    Maximal,
    /// A body that is not JSON: refused before Connect.
    BadJson,
    /// An origin the function does not allow: refused before Connect.
    WrongOrigin,
    /// A CORS preflight: answered without Connect.
    Preflight,
}

impl Request {
    fn reaches_connect(self) -> bool {
        matches!(self, Request::Typical | Request::Maximal)
    }
}

/// What the emulator does to the StartChatContact calls of one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Injection {
    None,
    /// Connect answers this error, for `copies` attempts.
    Error(ErrorKind, u32),
    /// Connect answers within the attempt timeout.
    ShortDelay,
    /// Connect answers after the attempt timeout, for `copies` attempts.
    LongDelay(u32),
    /// The connection is closed without an answer, for `copies` attempts.
    DropConnection(u32),
}

/// `ConnectErrorKind`, ordered for the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct ErrorKind(u8);

impl ErrorKind {
    fn kind(self) -> ConnectErrorKind {
        ConnectErrorKind::ALL[usize::from(self.0) % ConnectErrorKind::ALL.len()]
    }
}

impl Injection {
    fn name(self) -> String {
        match self {
            Injection::None => "none".into(),
            Injection::Error(kind, copies) => format!("{} ×{copies}", kind.kind().code()),
            Injection::ShortDelay => "short delay".into(),
            Injection::LongDelay(copies) => format!("delay past the attempt timeout ×{copies}"),
            Injection::DropConnection(copies) => format!("dropped connection ×{copies}"),
        }
    }

    /// The status classes (2 for 2xx, ...) the function may answer with. A fault queued for fewer
    /// attempts than the function makes may be retried away, so success is allowed too.
    fn allowed_classes(self) -> Vec<u16> {
        // A retried fault ends in a success when a retry gets through, in the fault's own class when
        // every attempt meets it, or in a 504 when the retries outlast the Connect budget.
        let retried = |copies: u32, class: u16| {
            let mut classes = if copies < MAX_ATTEMPTS {
                vec![2]
            } else {
                Vec::new()
            };
            classes.push(class);
            if class != 5 {
                classes.push(5);
            }
            classes
        };
        match self {
            Injection::None | Injection::ShortDelay => vec![2],
            Injection::Error(kind, copies) => match kind.kind() {
                // Connect's verdict on the request: final at the first attempt, and the browser's
                // problem (4xx) except access denied, the deployment's (5xx).
                ConnectErrorKind::InvalidRequest
                | ConnectErrorKind::InvalidParameter
                | ConnectErrorKind::ResourceNotFound => vec![4],
                ConnectErrorKind::AccessDenied => vec![5],
                retryable => retried(copies, retryable.status() / 100),
            },
            Injection::LongDelay(copies) | Injection::DropConnection(copies) => retried(copies, 5),
        }
    }

    fn faults(self, attempt_timeout: Duration) -> Vec<Fault> {
        let copies = |fault: Fault, n: u32| vec![fault; n as usize];
        match self {
            Injection::None => Vec::new(),
            Injection::Error(kind, n) => copies(Fault::Error(kind.kind()), n),
            Injection::ShortDelay => vec![Fault::Delay(Duration::from_millis(20))],
            Injection::LongDelay(n) => copies(
                Fault::Delay(attempt_timeout + Duration::from_millis(200)),
                n,
            ),
            Injection::DropConnection(n) => copies(Fault::DropConnection, n),
        }
    }
}

/// The random plan: which request, which fault.
fn draw(rng: &mut fastrand::Rng) -> (Request, Injection) {
    let request = match rng.u32(0..100) {
        0..75 => Request::Typical,
        75..90 => Request::Maximal,
        90..94 => Request::BadJson,
        94..97 => Request::WrongOrigin,
        _ => Request::Preflight,
    };
    if !request.reaches_connect() {
        return (request, Injection::None);
    }
    let copies = rng.u32(1..=MAX_ATTEMPTS);
    let injection = match rng.u32(0..100) {
        0..60 => Injection::None,
        60..84 => Injection::Error(
            ErrorKind(rng.u8(0..u8::try_from(ConnectErrorKind::ALL.len()).unwrap_or(1))),
            copies,
        ),
        84..90 => Injection::ShortDelay,
        90..92 => Injection::LongDelay(copies),
        _ => Injection::DropConnection(copies),
    };
    (request, injection)
}

/// The events, built once.
struct Events {
    typical: Vec<u8>,
    maximal: EventTemplate,
    bad_json: Vec<u8>,
    wrong_origin: Vec<u8>,
    preflight: Vec<u8>,
    run: u64,
    counter: u64,
    /// Every ContactId answered so far: two requests must never share a chat.
    contacts_seen: HashSet<String>,
}

impl Events {
    fn new(typical: &Value) -> Result<Self, String> {
        let to_bytes = |value: &Value| serde_json::to_vec(value).map_err(|e| e.to_string());
        let mut bad_json = typical.clone();
        bad_json["body"] = json!("{\"InstanceId\": ");
        let mut wrong_origin = typical.clone();
        wrong_origin["headers"]["origin"] = json!("https://attacker.example");
        let mut preflight = typical.clone();
        preflight["requestContext"]["http"]["method"] = json!("OPTIONS");
        preflight["headers"]["access-control-request-method"] = json!("POST");
        preflight["body"] = Value::Null;
        Ok(Self {
            typical: to_bytes(typical)?,
            maximal: events::maximal_event(typical)?,
            bad_json: to_bytes(&bad_json)?,
            wrong_origin: to_bytes(&wrong_origin)?,
            preflight: to_bytes(&preflight)?,
            run: events::run_id(),
            counter: 0,
            contacts_seen: HashSet::new(),
        })
    }

    fn render(&mut self, request: Request) -> Vec<u8> {
        match request {
            Request::Typical => self.typical.clone(),
            Request::Maximal => {
                self.counter += 1;
                self.maximal
                    .render(&events::client_token(self.run, self.counter))
            }
            Request::BadJson => self.bad_json.clone(),
            Request::WrongOrigin => self.wrong_origin.clone(),
            Request::Preflight => self.preflight.clone(),
        }
    }
}

/// What one answer was, or why it is not acceptable.
struct Checked {
    status: u16,
    contact_id: Option<String>,
}

fn check_answer(outcome: &InvocationOutcome) -> Result<Checked, String> {
    let bytes = match outcome {
        InvocationOutcome::Response(bytes) => bytes,
        InvocationOutcome::Error(body) => {
            return Err(format!(
                "the function reported an error: {}",
                String::from_utf8_lossy(body)
            ));
        }
    };
    let reply: Value =
        serde_json::from_slice(bytes).map_err(|e| format!("the response is not JSON: {e}"))?;
    let status = reply["statusCode"]
        .as_u64()
        .and_then(|s| u16::try_from(s).ok())
        .ok_or("the response has no statusCode")?;
    if status == 204 {
        return Ok(Checked {
            status,
            contact_id: None,
        });
    }
    let body: Value =
        serde_json::from_str(reply["body"].as_str().ok_or("the response has no body")?)
            .map_err(|e| format!("the body of a {status} is not JSON: {e}"))?;
    if status == 200 {
        let contact = body["data"]["startChatResult"]["ContactId"]
            .as_str()
            .ok_or("a 200 without a ContactId")?;
        if body["data"]["startChatResult"]["ParticipantToken"]
            .as_str()
            .is_none_or(str::is_empty)
        {
            return Err("a 200 without a ParticipantToken".into());
        }
        return Ok(Checked {
            status,
            contact_id: Some(contact.to_owned()),
        });
    }
    if body["error"]["code"].as_str().is_none_or(str::is_empty) {
        return Err(format!("a {status} without an error code"));
    }
    Ok(Checked {
        status,
        contact_id: None,
    })
}

/// Per request kind and injection: the statuses seen and the answer times.
#[derive(Default)]
struct Tally {
    statuses: BTreeMap<u16, usize>,
    elapsed_ms: Vec<f64>,
}

pub async fn run(args: SoakArgs) -> Result<(), String> {
    let started = Instant::now();
    let typical = crate::load_typical(&args.events)?;
    let mut events = Events::new(&typical)?;
    let emulator = scenario::start_emulator().await?;
    let function = Function::new("rust", args.rust.clone(), &emulator.endpoint_url())
        .deployed()
        .with_env(
            "rust",
            "CONNECT_API_TIMEOUT_MS",
            &args.connect_timeout.as_millis().to_string(),
        );
    let attempt_timeout = args.connect_timeout / 2;
    let limit = args.connect_timeout + ANSWER_MARGIN;
    eprintln!(
        "[soak] {} requests, seed {}, Connect timeout {} ms (attempt {} ms), answer limit {} ms",
        args.requests,
        args.seed,
        args.connect_timeout.as_millis(),
        attempt_timeout.as_millis(),
        limit.as_millis()
    );
    let mut process = scenario::spawn(&function).await?;
    process.keep_output_lines(50);
    let outcome = soak(
        &args,
        &emulator,
        &mut process,
        &mut events,
        attempt_timeout,
        limit,
    )
    .await;
    let alive_at_end = process
        .pid()
        .is_some_and(|pid| procfs::memory(pid).is_some());
    let output = process.stop().await;
    let mut report = outcome?;
    report.alive_at_end = alive_at_end;
    if !alive_at_end {
        report.failures.push(format!(
            "the function is not running at the end (exit status {:?})",
            output.status
        ));
    }
    let json = report.to_json(&args, started.elapsed());
    std::fs::create_dir_all(&args.out).map_err(|e| format!("{}: {e}", args.out.display()))?;
    let path = args.out.join("soak.json");
    let text = serde_json::to_string_pretty(&json).map_err(|e| e.to_string())?;
    std::fs::write(&path, text + "\n").map_err(|e| format!("{}: {e}", path.display()))?;
    println!("{}", report.markdown(&args, started.elapsed()));
    println!("wrote {}", path.display());
    if report.passed() {
        Ok(())
    } else {
        Err(format!(
            "the soak failed:\n  {}",
            report.failures.join("\n  ")
        ))
    }
}

#[derive(Default)]
struct SoakReport {
    tallies: BTreeMap<(Request, Injection), Tally>,
    rss_trace_kib: Vec<u64>,
    rss_after_warmup_kib: u64,
    /// After the first tenth of the requests.
    rss_baseline_kib: Option<u64>,
    rss_end_kib: u64,
    hwm_kib: u64,
    failures: Vec<String>,
    failure_count: usize,
    slowest: Duration,
    alive_at_end: bool,
}

async fn soak(
    args: &SoakArgs,
    emulator: &Emulator,
    process: &mut LambdaProcess,
    events: &mut Events,
    attempt_timeout: Duration,
    limit: Duration,
) -> Result<SoakReport, String> {
    let (_, pid) = scenario::until_ready(process).await?;
    let memory = || procfs::memory(pid).ok_or("cannot read the function's /proc status");
    for _ in 0..WARMUP_REQUESTS {
        let event = events.render(Request::Typical);
        let invocation = process
            .invoke(event)
            .await
            .map_err(|e| format!("warm-up: {e}"))?;
        if let Some(contact) = check_answer(&invocation.outcome)?.contact_id {
            events.contacts_seen.insert(contact);
        }
    }
    let mut report = SoakReport {
        rss_after_warmup_kib: memory()?.rss_kib,
        ..SoakReport::default()
    };
    report.rss_trace_kib.push(report.rss_after_warmup_kib);
    let mut rng = fastrand::Rng::with_seed(args.seed);
    for index in 1..=args.requests {
        let (request, injection) = draw(&mut rng);
        for fault in injection.faults(attempt_timeout) {
            emulator.inject(fault);
        }
        let event = events.render(request);
        let invocation = match process.invoke(event).await {
            Ok(invocation) => invocation,
            Err(error) => {
                report.failures.push(format!(
                    "request {index} ({request:?}, {}): {error}",
                    injection.name()
                ));
                report.failure_count += 1;
                break;
            }
        };
        // Faults the function did not use (it gave up, or did not retry) must not hit the next request.
        emulator.reset();
        let tally = report.tallies.entry((request, injection)).or_default();
        tally
            .elapsed_ms
            .push(invocation.elapsed.as_secs_f64() * 1e3);
        report.slowest = report.slowest.max(invocation.elapsed);
        let mut problems = Vec::new();
        if invocation.elapsed > limit {
            problems.push(format!(
                "answered after {} ms (limit {} ms)",
                invocation.elapsed.as_millis(),
                limit.as_millis()
            ));
        }
        match check_answer(&invocation.outcome) {
            Ok(checked) => {
                *tally.statuses.entry(checked.status).or_default() += 1;
                let expected = match request {
                    Request::BadJson | Request::WrongOrigin => vec![4],
                    Request::Preflight | Request::Typical | Request::Maximal => {
                        injection.allowed_classes()
                    }
                };
                if !expected.contains(&(checked.status / 100)) {
                    problems.push(format!(
                        "status {} where {expected:?}xx was expected",
                        checked.status
                    ));
                }
                if let Some(contact) = checked.contact_id
                    && !events.contacts_seen.insert(contact)
                {
                    problems.push("a ContactId already answered to another request".into());
                }
            }
            Err(problem) => problems.push(problem),
        }
        if !problems.is_empty() {
            report.failure_count += 1;
            if report.failures.len() < MAX_REPORTED_FAILURES {
                report.failures.push(format!(
                    "request {index} ({request:?}, {}): {}",
                    injection.name(),
                    problems.join("; ")
                ));
            }
        }
        if index % RSS_EVERY == 0 || index == args.requests {
            let rss = memory()?.rss_kib;
            report.rss_trace_kib.push(rss);
            if report.rss_baseline_kib.is_none() && index >= args.requests / RSS_BASELINE_FRACTION {
                report.rss_baseline_kib = Some(rss);
            }
        }
        if index % 1000 == 0 {
            eprintln!(
                "[soak] {index} requests, {} failures, RSS {} KiB",
                report.failure_count,
                report.rss_trace_kib.last().copied().unwrap_or_default()
            );
        }
    }
    let end = memory()?;
    report.rss_end_kib = end.rss_kib;
    report.hwm_kib = end.hwm_kib;
    Ok(report)
}

impl SoakReport {
    /// From the baseline (after the first tenth of the requests) to the end.
    fn rss_growth_kib(&self) -> i64 {
        self.rss_end_kib as i64 - self.rss_baseline_kib.unwrap_or(self.rss_after_warmup_kib) as i64
    }

    fn passed(&self) -> bool {
        self.failure_count == 0
            && self.failures.is_empty()
            && self.alive_at_end
            && self.rss_growth_kib() < RSS_GROWTH_LIMIT_KIB
    }

    fn requests(&self) -> usize {
        self.tallies.values().map(|t| t.elapsed_ms.len()).sum()
    }

    fn to_json(&self, args: &SoakArgs, duration: Duration) -> Value {
        let mut by_case = Map::new();
        for ((request, injection), tally) in &self.tallies {
            let summary = Summary::of(&tally.elapsed_ms);
            by_case.insert(
                format!("{request:?}, {}", injection.name()),
                json!({
                    "count": tally.elapsed_ms.len(),
                    "statuses": tally.statuses.iter().map(|(k, v)| (k.to_string(), json!(v))).collect::<Map<String, Value>>(),
                    "answer_ms": summary.map_or(Value::Null, |s| s.to_json(2)),
                }),
            );
        }
        let all: Vec<f64> = self
            .tallies
            .values()
            .flat_map(|t| t.elapsed_ms.iter().copied())
            .collect();
        json!({
            "passed": self.passed(),
            "seed": args.seed,
            "requests": self.requests(),
            "duration_s": round(duration.as_secs_f64(), 1),
            "connect_timeout_ms": args.connect_timeout.as_millis() as u64,
            "answer_limit_ms": (args.connect_timeout + ANSWER_MARGIN).as_millis() as u64,
            "answer_ms": Summary::of(&all).map_or(Value::Null, |s| s.to_json(2)),
            "slowest_answer_ms": round(self.slowest.as_secs_f64() * 1e3, 1),
            "alive_at_end": self.alive_at_end,
            "failures": self.failure_count,
            "first_failures": self.failures,
            "rss": {
                "after_warmup_kib": self.rss_after_warmup_kib,
                "baseline_kib": self.rss_baseline_kib,
                "baseline_after_requests": args.requests / RSS_BASELINE_FRACTION,
                "end_kib": self.rss_end_kib,
                "peak_kib": self.hwm_kib,
                "growth_kib": self.rss_growth_kib(),
                "growth_limit_kib": RSS_GROWTH_LIMIT_KIB,
                "trace_kib": self.rss_trace_kib,
                "sampled_every": RSS_EVERY,
            },
            "by_case": by_case,
        })
    }

    fn markdown(&self, args: &SoakArgs, duration: Duration) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "Soak: {} requests in {:.0} s (seed {}), Connect timeout {} ms: {}",
            self.requests(),
            duration.as_secs_f64(),
            args.seed,
            args.connect_timeout.as_millis(),
            if self.passed() { "PASSED" } else { "FAILED" }
        );
        let _ = writeln!(
            out,
            "RSS after warm-up {} KiB, after {} requests {} KiB, end {} KiB ({:+} KiB from there), peak (VmHWM) {} KiB; slowest answer {:.0} ms; failures {}\n",
            self.rss_after_warmup_kib,
            args.requests / RSS_BASELINE_FRACTION,
            self.rss_baseline_kib.unwrap_or_default(),
            self.rss_end_kib,
            self.rss_growth_kib(),
            self.hwm_kib,
            self.slowest.as_secs_f64() * 1e3,
            self.failure_count
        );
        out.push_str("| Request | Fault | Count | Statuses | Answer p50 / p99 / max |\n| --- | --- | ---: | --- | ---: |\n");
        for ((request, injection), tally) in &self.tallies {
            let statuses: Vec<String> = tally
                .statuses
                .iter()
                .map(|(status, count)| format!("{status}×{count}"))
                .collect();
            let times = Summary::of(&tally.elapsed_ms).map_or("–".into(), |s| {
                format!("{:.1} / {:.1} / {:.1} ms", s.p50, s.p99, s.max)
            });
            let _ = writeln!(
                out,
                "| {request:?} | {} | {} | {} | {times} |",
                injection.name(),
                tally.elapsed_ms.len(),
                statuses.join(", ")
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_on_every_attempt_leave_only_the_failure_class() {
        let throttled = ErrorKind(
            u8::try_from(
                ConnectErrorKind::ALL
                    .iter()
                    .position(|k| *k == ConnectErrorKind::Throttling)
                    .expect("throttling is listed"),
            )
            .expect("small"),
        );
        assert_eq!(throttled.kind(), ConnectErrorKind::Throttling);
        assert_eq!(Injection::Error(throttled, 1).allowed_classes(), [2, 4, 5]);
        assert_eq!(
            Injection::Error(throttled, MAX_ATTEMPTS).allowed_classes(),
            [4, 5]
        );
        assert_eq!(
            Injection::DropConnection(MAX_ATTEMPTS).allowed_classes(),
            [5]
        );
        let invalid = ErrorKind(0);
        assert_eq!(invalid.kind(), ConnectErrorKind::InvalidRequest);
        assert_eq!(Injection::Error(invalid, 1).allowed_classes(), [4]);
        assert_eq!(MAX_ATTEMPTS, start_chat::connect::MAX_ATTEMPTS);
        assert_eq!(Injection::None.allowed_classes(), [2]);
        assert_eq!(
            Injection::LongDelay(2).faults(Duration::from_millis(500)),
            vec![Fault::Delay(Duration::from_millis(700)); 2]
        );
    }

    #[test]
    fn the_draw_covers_every_request_and_fault() {
        let mut rng = fastrand::Rng::with_seed(1);
        let mut requests = std::collections::BTreeSet::new();
        let mut errors = std::collections::BTreeSet::new();
        for _ in 0..20_000 {
            let (request, injection) = draw(&mut rng);
            requests.insert(request);
            if let Injection::Error(kind, _) = injection {
                errors.insert(kind.kind().code());
            }
            if !request.reaches_connect() {
                assert_eq!(injection, Injection::None);
            }
        }
        assert_eq!(requests.len(), 5);
        assert_eq!(errors.len(), ConnectErrorKind::ALL.len());
    }

    #[test]
    fn answers_are_checked() {
        let ok = json!({"statusCode": 200, "body": json!({"data": {"startChatResult": {"ContactId": "c", "ParticipantToken": "t"}}}).to_string()});
        let checked = check_answer(&InvocationOutcome::Response(ok.to_string().into_bytes()))
            .expect("a valid answer");
        assert_eq!(checked.status, 200);
        assert_eq!(checked.contact_id.as_deref(), Some("c"));
        let no_token = json!({"statusCode": 200, "body": json!({"data": {"startChatResult": {"ContactId": "c"}}}).to_string()});
        assert!(
            check_answer(&InvocationOutcome::Response(
                no_token.to_string().into_bytes()
            ))
            .is_err()
        );
        let error = json!({"statusCode": 502, "body": json!({"error": {"code": "UPSTREAM_ERROR"}}).to_string()});
        assert!(check_answer(&InvocationOutcome::Response(error.to_string().into_bytes())).is_ok());
        assert!(check_answer(&InvocationOutcome::Error(b"panic".to_vec())).is_err());
        assert!(check_answer(&InvocationOutcome::Response(b"not json".to_vec())).is_err());
    }
}
