//! The soak proper: the warm-up, then each drawn request with its faults, each answer checked, the
//! resident set sampled.

use super::answers::{Events, check_answer};
use super::plan::{Request, draw};
use super::report::SoakReport;
use super::{MAX_REPORTED_FAILURES, RSS_BASELINE_FRACTION, RSS_EVERY, WARMUP_REQUESTS};
use crate::cli::SoakArgs;
use crate::process;
use crate::procfs;
use connect_emulator::Emulator;
use local_runtime_api::LambdaProcess;
use std::time::Duration;

pub async fn send_requests(
    args: &SoakArgs,
    emulator: &Emulator,
    process: &mut LambdaProcess,
    events: &mut Events,
    attempt_timeout: Duration,
    limit: Duration,
) -> Result<SoakReport, String> {
    let (_, pid) = process::until_ready(process).await?;
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
