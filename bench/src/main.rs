//! `lambda-bench`: the release `bootstrap` and the Node.js baseline, each run exactly as Lambda runs a
//! function (a Runtime API on 127.0.0.1, `AWS_LAMBDA_RUNTIME_API`), against the Connect emulator in
//! this process. Nothing is compiled in the timed path: `make bench` builds first, then runs this.
//!
//! A run: prepare the events, the emulator and the functions; check that each answers; measure cold
//! starts, warm invocations and the calibration floor at full CPU; measure again at Lambda memory sizes
//! (`--memory`, see [`by_memory`]); write `results.json` and `results.md`. `lambda-bench soak` runs the
//! soak instead (see [`soak`]), `lambda-bench probe` one process under a profiler (see [`probe`]).
//! Flags: [`args::USAGE`].

mod args;
mod by_memory;
mod cpu_share;
mod events;
mod probe;
mod procfs;
mod report;
mod scenario;
mod soak;
mod stats;
mod variant;

use args::{BenchArgs, Command};
use by_memory::AtMemory;
use events::EventTemplate;
use report::Measured;
use scenario::{ColdSample, Driver, Function, WarmRun};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;
use variant::{Functions, PerVariant, Runtime, Transport, Variant};

fn main() -> ExitCode {
    let command = match args::parse(std::env::args().skip(1)) {
        Ok(command) => command,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    // One thread: the Runtime API, the emulator and the harness never compete with each other, and the
    // function under test has the other core.
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    let outcome = match command {
        Command::Bench(args) => runtime.block_on(bench(*args)),
        Command::Soak(args) => runtime.block_on(soak::run(args)),
        Command::Probe(args) => runtime.block_on(probe::run(args)),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("lambda-bench: {message}");
            ExitCode::FAILURE
        }
    }
}

pub fn progress(message: &str) {
    eprintln!("[bench] {message}");
}

async fn bench(args: BenchArgs) -> Result<(), String> {
    let started = Instant::now();
    let mut load = LoadChecks::default();
    load.check("start");
    let mut setup = Setup::prepare(&args).await?;
    setup.check_functions().await?;

    let full_cpu = if args.memory_only {
        None
    } else {
        let cold = measure_cold_starts(&mut setup, args.cold).await?;
        load.check("after cold starts");
        let warm = measure_warm(&mut setup, &args, &mut load).await?;
        let floor = measure_floor(&mut setup, &args).await?;
        Some(FullCpu { cold, warm, floor })
    };
    let by_memory = match &args.memory {
        Some(plan) => {
            let results = by_memory::measure(&mut setup.driver, &setup.functions, plan).await?;
            load.check("after the memory sizes");
            Some(results)
        }
        None => None,
    };

    let report = Report::build(&args, &setup, full_cpu, by_memory, &load, started)?;
    report.write(&args.out)?;
    report.print(&load, started);
    Ok(())
}

/// The CPU load around the run: compilers running now would slow whichever function is measured.
#[derive(Debug, Default)]
struct LoadChecks {
    checks: Vec<Value>,
}

impl LoadChecks {
    fn check(&mut self, stage: &str) {
        let compilers = procfs::running(&["rustc", "cc1", "cc1plus", "ld", "zig"]);
        let load = procfs::load_average();
        if compilers > 0 {
            progress(&format!(
                "warning: {compilers} compiler process(es) running at {stage}; the figures may be skewed"
            ));
        }
        self.checks
            .push(json!({"stage": stage, "compilers_running": compilers, "load_1m": load}));
    }

    fn quiet(&self) -> bool {
        self.checks
            .iter()
            .all(|c| c["compilers_running"].as_u64() == Some(0))
    }
}

/// What every measurement shares: the emulator behind the driver, its TLS front, and the functions.
struct Setup {
    driver: Driver,
    functions: Functions,
    /// Kept alive for the HTTPS variants.
    _tls_front: connect_emulator::tls_front::TlsFront,
}

impl Setup {
    async fn prepare(args: &BenchArgs) -> Result<Self, String> {
        if !args.rust.is_file() {
            return Err(format!(
                "{} does not exist: build it first (make bench does)",
                args.rust.display()
            ));
        }
        let typical_value = load_typical(&args.events)?;
        let typical =
            EventTemplate::fixed(serde_json::to_vec(&typical_value).map_err(|e| e.to_string())?);
        let maximal = events::maximal_event(&typical_value)?;
        progress(&format!(
            "events: typical {} bytes, maximal {} bytes",
            typical.len(),
            maximal.len()
        ));

        let emulator = scenario::start_emulator().await?;
        let endpoint = emulator.endpoint_url();
        // The same functions against an HTTPS endpoint: there the init warm-up saves the first request
        // a TLS handshake, as it does in Lambda.
        let front = connect_emulator::tls_front::start(emulator.local_addr(), &args.out).await?;
        let mut driver = Driver::new(emulator, typical, maximal);
        driver.maximal_too = !args.typical_only;

        let mut functions = Functions::default();
        let rust = Function::new("rust", args.rust.clone(), &endpoint).deployed();
        functions.http.rust_unwarmed = Some(rust.clone().with_env(
            "rust (WARM_CONNECTION=false)",
            "WARM_CONNECTION",
            "false",
        ));
        functions.http.rust = Some(rust);
        functions.http.candidate = args
            .compare
            .as_ref()
            .map(|program| Function::new("candidate", program.clone(), &endpoint).deployed());
        functions.http.node = match &args.node_dir {
            Some(dir) => Some(node_function(dir, &endpoint)?),
            None => None,
        };
        for runtime in [
            Runtime::Rust,
            Runtime::RustUnwarmed,
            Runtime::Candidate,
            Runtime::Node,
        ] {
            let over_tls = functions
                .http
                .get(runtime)
                .as_ref()
                .map(|function| function.over_tls(&front.url, &front.ca_file));
            *functions.https.get_mut(runtime) = over_tls;
        }
        Ok(Self {
            driver,
            functions,
            _tls_front: front,
        })
    }

    /// Every function answers both requests with 200 before anything is measured.
    async fn check_functions(&mut self) -> Result<(), String> {
        progress("checking that every function answers both requests with 200");
        let all = [
            Runtime::Rust,
            Runtime::RustUnwarmed,
            Runtime::Candidate,
            Runtime::Node,
        ];
        for variant in self.functions.variants(&all) {
            let function = self.functions.function(variant)?;
            self.driver.check(function).await?;
        }
        Ok(())
    }
}

fn node_function(dir: &Path, endpoint: &str) -> Result<Function, String> {
    if !dir.join("node_modules/@aws-sdk/client-connect").is_dir() {
        return Err(format!(
            "{}: run `npm ci` there first (make bench does)",
            dir.display()
        ));
    }
    Ok(Function::new("node", dir.join("bootstrap"), endpoint))
}

pub fn load_typical(events: &Path) -> Result<Value, String> {
    let path = events.join("http-api-v2.json");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// The full-CPU measurements.
struct FullCpu {
    cold: PerVariant<Vec<ColdSample>>,
    warm: PerRuntimeWarm,
    floor: Option<WarmRun>,
}

/// Warm runs at full CPU: one long-lived process per function.
#[derive(Default)]
struct PerRuntimeWarm {
    rust: Option<WarmRun>,
    candidate: Option<WarmRun>,
    node: Option<WarmRun>,
}

/// Cold starts, interleaved so that drift on the machine hits every variant alike. Two discarded rounds
/// first: the first exec of a binary reads it from disk.
async fn measure_cold_starts(
    setup: &mut Setup,
    rounds: usize,
) -> Result<PerVariant<Vec<ColdSample>>, String> {
    let variants = setup.functions.variants(&[
        Runtime::Rust,
        Runtime::RustUnwarmed,
        Runtime::Candidate,
        Runtime::Node,
    ]);
    progress(&format!(
        "cold starts: {rounds} rounds of {} variants (after 2 discarded rounds)",
        variants.len()
    ));
    let mut samples: PerVariant<Vec<ColdSample>> = PerVariant::default();
    for round in 0..rounds + 2 {
        for &variant in &variants {
            let function = setup.functions.function(variant)?;
            let sample = setup.driver.cold_start(function).await?;
            if round >= 2 {
                samples.get_mut(variant).push(sample);
            }
        }
        if (round + 1) % 10 == 0 {
            progress(&format!("  {} rounds", round + 1));
        }
    }
    Ok(samples)
}

/// Warm runs over plain HTTP: Rust (interleaved with the candidate when there is one), then Node.js.
async fn measure_warm(
    setup: &mut Setup,
    args: &BenchArgs,
    load: &mut LoadChecks,
) -> Result<PerRuntimeWarm, String> {
    let http = |runtime| {
        setup
            .functions
            .function(Variant::new(runtime, Transport::Http))
    };
    let rust = http(Runtime::Rust)?.clone();
    let candidate = setup.functions.http.candidate.clone();
    let node = setup.functions.http.node.clone();
    let driver = &mut setup.driver;
    progress(&format!(
        "warm: rust, {} + {} warm-up, then {} typical + {} maximal invocations",
        args.warmup, args.warmup, args.warm, args.warm
    ));
    let mut warm = PerRuntimeWarm::default();
    match &candidate {
        None => {
            warm.rust = Some(
                driver
                    .warm_run(&rust, args.warmup, args.warm, args.rss_every)
                    .await?,
            );
        }
        Some(candidate) => {
            progress("  interleaved with the candidate (--compare), invocation by invocation");
            let mut runs = driver
                .warm_runs(&[&rust, candidate], args.warmup, args.warm, args.rss_every)
                .await?
                .into_iter();
            warm.rust = runs.next();
            warm.candidate = runs.next();
        }
    }
    load.check("after rust warm run");
    if let Some(node) = &node {
        progress("warm: node, same sequence");
        warm.node = Some(
            driver
                .warm_run(node, args.warmup, args.warm, args.rss_every)
                .await?,
        );
        load.check("after node warm run");
    }
    Ok(warm)
}

/// The calibration function: the least a Lambda can do for this workload, on this machine.
async fn measure_floor(setup: &mut Setup, args: &BenchArgs) -> Result<Option<WarmRun>, String> {
    let Some(program) = &args.floor else {
        return Ok(None);
    };
    progress("warm: the calibration function (floor-lambda), same sequence");
    let endpoint = setup.driver.emulator.endpoint_url();
    let function = Function::new("floor", program.clone(), &endpoint);
    setup.driver.expect_chats = false;
    let run = setup
        .driver
        .warm_run(&function, args.warmup, args.warm, args.rss_every)
        .await;
    setup.driver.expect_chats = true;
    run.map(Some)
}

fn file_size(path: Option<&PathBuf>) -> Result<Option<u64>, String> {
    path.map(|p| {
        std::fs::metadata(p)
            .map(|m| m.len())
            .map_err(|e| format!("{}: {e}", p.display()))
    })
    .transpose()
}

fn command_version(program: &str, arg: &str) -> Option<String> {
    let output = std::process::Command::new(program).arg(arg).output().ok()?;
    Some(String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

/// `2026-11-22T07:36:00Z`.
fn utc_now() -> String {
    connect_emulator::iso8601_utc(std::time::SystemTime::now())
}

/// The figures, the targets and the tables of a run.
struct Report {
    results: Value,
    table: String,
    verdicts: Vec<report::Verdict>,
    memory_verdicts: Vec<by_memory::MemoryVerdict>,
}

impl Report {
    fn build(
        args: &BenchArgs,
        setup: &Setup,
        full_cpu: Option<FullCpu>,
        by_memory: Option<Vec<AtMemory>>,
        load: &LoadChecks,
        started: Instant,
    ) -> Result<Self, String> {
        let build = match &args.build_time {
            Some(path) if path.is_file() => std::fs::read_to_string(path)
                .ok()
                .and_then(|text| serde_json::from_str::<Value>(&text).ok())
                .unwrap_or(Value::Null),
            _ => Value::Null,
        };
        let meta = json!({
            "generated_at": utc_now(),
            "duration_s": stats::round(started.elapsed().as_secs_f64(), 1),
            "machine": {
                "cpu": procfs::cpu_model(),
                "cores": procfs::cpu_count(),
                "memory_gib": stats::round(procfs::memory_total_gib(), 1),
                "kernel": procfs::kernel(),
                "node": setup.functions.http.node.as_ref().and_then(|_| command_version("node", "--version")),
            },
            "quiet": load.quiet(),
            "cpus_allowed": procfs::allowed_cpus(),
            "load_checks": load.checks,
            "settings": {
                "cold_runs": args.cold,
                "warm_invocations_per_request": args.warm,
                "warmup_invocations_per_request": args.warmup,
                "rust_bootstrap": args.rust.display().to_string(),
                "full_cpu_measured": full_cpu.is_some(),
            },
        });
        let (mut results, mut table, verdicts) = match full_cpu {
            Some(full) => full_cpu_report(args, meta, full, build)?,
            None => (json!({ "meta": meta }), String::new(), Vec::new()),
        };
        let mut memory_verdicts = Vec::new();
        if let (Some(at_memory), Some(plan)) = (&by_memory, &args.memory) {
            results["by_memory"] = by_memory::to_json(at_memory, plan);
            memory_verdicts = by_memory::verdicts(at_memory);
            results["by_memory"]["targets_128mb"] = memory_verdicts
                .iter()
                .map(by_memory::MemoryVerdict::to_json)
                .collect();
            table.push_str(&by_memory::markdown(at_memory));
        }
        Ok(Self {
            results,
            table,
            verdicts,
            memory_verdicts,
        })
    }

    fn write(&self, out: &Path) -> Result<(), String> {
        std::fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
        let json_path = out.join("results.json");
        let text = serde_json::to_string_pretty(&self.results).map_err(|e| e.to_string())?;
        std::fs::write(&json_path, text + "\n")
            .map_err(|e| format!("{}: {e}", json_path.display()))?;
        let md_path = out.join("results.md");
        std::fs::write(&md_path, &self.table).map_err(|e| format!("{}: {e}", md_path.display()))
    }

    fn print(&self, load: &LoadChecks, started: Instant) {
        println!("{}", self.table);
        let mark = |met: Option<bool>| match met {
            Some(true) => "met",
            Some(false) => "MISSED",
            None => "n/a",
        };
        for verdict in &self.verdicts {
            println!(
                "{:>6}  {}: {} (target {}; {})",
                mark(verdict.met),
                verdict.name,
                verdict.value,
                verdict.target,
                verdict.margin
            );
        }
        for verdict in &self.memory_verdicts {
            println!(
                "{:>6}  {}: {} (target {})",
                mark(verdict.met),
                verdict.name,
                verdict.value,
                verdict.target
            );
        }
        if !load.quiet() {
            println!("note: compilers were running during the run; repeat on a quiet machine");
        }
        println!(
            "wrote results.json and results.md in {:.0} s",
            started.elapsed().as_secs_f64()
        );
    }
}

/// `results.json` and the table for the full-CPU measurements.
fn full_cpu_report(
    args: &BenchArgs,
    mut meta: Value,
    full: FullCpu,
    build: Value,
) -> Result<(Value, String, Vec<report::Verdict>), String> {
    let FullCpu { cold, warm, floor } = full;
    let PerVariant { http, https } = cold;
    meta["settings"]["emulator_service_time_subtracted"] = json!(
        warm.rust
            .as_ref()
            .is_some_and(|run| run.typical.iter().all(|s| s.service.is_some()))
    );
    let rust = Measured {
        cold: http.rust,
        cold_unwarmed: http.rust_unwarmed,
        warm: warm.rust,
        zip_bytes: file_size(args.zip.as_ref())?,
        binary_bytes: file_size(Some(&args.rust))?,
    }
    .figures();
    let node = Measured {
        cold: http.node,
        warm: warm.node,
        zip_bytes: file_size(args.node_zip.as_ref())?,
        ..Measured::default()
    }
    .figures();
    let verdicts = report::verdicts(&rust, &node);
    let mut results = report::results_json(meta, &rust, &node, &verdicts, build.clone());
    let mut table = report::markdown(&rust, &node, &verdicts, &build);
    if let Some(run) = floor {
        let floor = Measured {
            warm: Some(run),
            ..Measured::default()
        }
        .figures();
        results["floor"] = floor.to_json(false);
        table.push_str(&report::floor_rows(&floor, &rust));
    }
    let rust_tls = Measured {
        cold: https.rust,
        cold_unwarmed: https.rust_unwarmed,
        ..Measured::default()
    }
    .figures();
    let node_tls = Measured {
        cold: https.node,
        ..Measured::default()
    }
    .figures();
    results["tls_cold_start"] = json!({
        "rust": rust_tls.to_json(true)["details"].clone(),
        "node": node_tls.to_json(false)["details"].clone(),
    });
    table.push_str(&report::tls_rows(&rust_tls, &node_tls));
    if args.compare.is_some() {
        let candidate = Measured {
            cold: http.candidate,
            warm: warm.candidate,
            ..Measured::default()
        }
        .figures();
        results["candidate"] = candidate.to_json(false);
        table.push_str(&report::comparison(&rust, &candidate));
    }
    Ok((results, table, verdicts))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_iso_8601() {
        let now = utc_now();
        assert_eq!(now.len(), 20, "{now}");
        assert!(now.starts_with("20") && now.ends_with('Z'));
    }
}
