//! The soak (`make soak`): one release `bootstrap` under the local Runtime API answers thousands of
//! requests while the emulator injects random faults (every Connect error, short and long delays,
//! dropped connections). It passes when the process never crashes, every invocation is answered within
//! the Connect timeout plus a margin, every answer is a JSON response of the status class the fault
//! calls for, and resident memory stays flat. Writes `soak.json` and `soak.md` (the soak's section of
//! the run record).

mod answers;
mod plan;
mod report;
mod sequence;
#[cfg(test)]
mod tests;

use crate::cli::SoakArgs;
use crate::events;
use crate::function::Function;
use crate::load::LoadChecks;
use crate::machine::{self, RunStart};
use crate::process;
use crate::procfs;
use answers::Events;
use serde_json::json;
use std::path::Path;
use std::time::Duration;

/// How long past the Connect timeout an answer may take (the handler, the runtime loop, the log line)
/// before the invocation counts as stuck.
pub const ANSWER_MARGIN: Duration = Duration::from_secs(1);
/// The function's attempts per StartChatContact (`start_chat::connect::MAX_ATTEMPTS`, checked by a test;
/// a dependency would build the AWS SDK into the harness): a fault queued this many times fails every
/// attempt.
pub const MAX_ATTEMPTS: u32 = 6;
/// Plain requests before the soak proper.
pub const WARMUP_REQUESTS: usize = 300;
pub const RSS_EVERY: usize = 250;
/// The share of the requests after which the resident set is the baseline of "flat": by then every
/// error and retry path has run and the allocator has reached its working size.
pub const RSS_BASELINE_FRACTION: usize = 10;
/// "Flat": the resident set grows by less than this from the baseline to the end.
pub const RSS_GROWTH_LIMIT_KIB: i64 = 512;
pub const MAX_REPORTED_FAILURES: usize = 20;

pub async fn run(args: SoakArgs) -> Result<(), String> {
    let start = RunStart::now();
    let mut load = LoadChecks::default();
    load.check("start");
    let typical = events::load_typical(&args.events)?;
    let mut events = Events::new(&typical)?;
    let emulator = crate::function::start_emulator().await?;
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
    let mut process = process::spawn(&function).await?;
    process.keep_output_lines(50);
    let outcome = sequence::send_requests(
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
    load.check("end");
    let duration = start.instant.elapsed();
    let meta = json!({
        "started_at": start.at,
        "generated_at": machine::utc_now(),
        "source": start.source,
        "machine": machine::facts(false),
        "quiet": load.quiet(),
        "load_checks": load.checks,
        "rust_bootstrap": args.rust.display().to_string(),
    });
    let json = report.to_json(&args, duration, meta);
    let markdown = report.markdown(&args, duration);
    let text = serde_json::to_string_pretty(&json).map_err(|e| e.to_string())?;
    write(&args.out, "soak.json", &(text + "\n"))?;
    write(&args.out, "soak.md", &markdown)?;
    println!("{markdown}");
    println!("wrote soak.json and soak.md in {}", args.out.display());
    if report.passed() {
        Ok(())
    } else {
        Err(format!(
            "the soak failed:\n  {}",
            report.failures.join("\n  ")
        ))
    }
}

fn write(dir: &Path, name: &str, text: &str) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let path = dir.join(name);
    std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))
}
