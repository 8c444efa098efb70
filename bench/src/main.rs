//! `lambda-bench`: the release `bootstrap` and the Node.js baseline, each run exactly as Lambda runs a
//! function (a Runtime API on 127.0.0.1, `AWS_LAMBDA_RUNTIME_API`), against the Connect emulator in
//! this process. Nothing is compiled in the timed path: `make bench` builds first, then runs this.
//!
//! ```text
//! lambda-bench --rust <bootstrap> [--node-dir bench/node-baseline] [--zip <bootstrap.zip>]
//!              [--node-zip <zip>] [--build-time <json>] [--events events] [--out target/bench]
//!              [--cold 50] [--warm 10000] [--warmup 1000] [--rss-every 1000] [--no-node]
//!              [--typical-only] [--floor <floor-lambda>] [--compare <other bootstrap>]
//! ```

mod events;
mod procfs;
mod report;
mod scenario;
mod stats;

use events::EventTemplate;
use report::Measured;
use scenario::{Driver, Function};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

#[derive(Debug)]
struct Args {
    rust: PathBuf,
    node_dir: Option<PathBuf>,
    zip: Option<PathBuf>,
    node_zip: Option<PathBuf>,
    build_time: Option<PathBuf>,
    events: PathBuf,
    out: PathBuf,
    cold: usize,
    warm: usize,
    warmup: usize,
    rss_every: usize,
    typical_only: bool,
    floor: Option<PathBuf>,
    compare: Option<PathBuf>,
}

const USAGE: &str = "usage: lambda-bench --rust <bootstrap> [--node-dir DIR] [--zip FILE] [--node-zip FILE] \
[--build-time FILE] [--events DIR] [--out DIR] [--cold N] [--warm N] [--warmup N] [--rss-every N] [--no-node] \
[--typical-only] [--floor FILE] [--compare FILE]";

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut parsed = Args {
        rust: PathBuf::new(),
        node_dir: Some(PathBuf::from("bench/node-baseline")),
        zip: None,
        node_zip: None,
        build_time: None,
        events: PathBuf::from("events"),
        out: PathBuf::from("target/bench"),
        cold: 50,
        warm: 10_000,
        warmup: 1_000,
        rss_every: 1_000,
        typical_only: false,
        floor: None,
        compare: None,
    };
    while let Some(flag) = args.next() {
        if flag == "--no-node" {
            parsed.node_dir = None;
            continue;
        }
        if flag == "--typical-only" {
            parsed.typical_only = true;
            continue;
        }
        if flag == "--help" || flag == "-h" {
            return Err(USAGE.into());
        }
        let value = args
            .next()
            .ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))?;
        let number = || {
            value
                .parse::<usize>()
                .map_err(|_| format!("{flag}: '{value}' is not a count"))
        };
        match flag.as_str() {
            "--rust" => parsed.rust = PathBuf::from(&value),
            "--node-dir" => parsed.node_dir = Some(PathBuf::from(&value)),
            "--zip" => parsed.zip = Some(PathBuf::from(&value)),
            "--floor" => parsed.floor = Some(PathBuf::from(&value)),
            "--compare" => parsed.compare = Some(PathBuf::from(&value)),
            "--node-zip" => parsed.node_zip = Some(PathBuf::from(&value)),
            "--build-time" => parsed.build_time = Some(PathBuf::from(&value)),
            "--events" => parsed.events = PathBuf::from(&value),
            "--out" => parsed.out = PathBuf::from(&value),
            "--cold" => parsed.cold = number()?,
            "--warm" => parsed.warm = number()?,
            "--warmup" => parsed.warmup = number()?,
            "--rss-every" => parsed.rss_every = number()?,
            other => return Err(format!("unknown argument {other}\n{USAGE}")),
        }
    }
    if parsed.rust.as_os_str().is_empty() {
        return Err(format!("--rust is required\n{USAGE}"));
    }
    Ok(parsed)
}

fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(args) => args,
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
    match runtime.block_on(run(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("lambda-bench: {message}");
            ExitCode::FAILURE
        }
    }
}

fn progress(message: &str) {
    eprintln!("[bench] {message}");
}

fn file_size(path: &Option<PathBuf>) -> Result<Option<u64>, String> {
    path.as_ref()
        .map(|p| {
            std::fs::metadata(p)
                .map(|m| m.len())
                .map_err(|e| format!("{}: {e}", p.display()))
        })
        .transpose()
}

fn load_typical(events: &Path) -> Result<Value, String> {
    let path = events.join("http-api-v2.json");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

fn command_version(program: &str, arg: &str) -> Option<String> {
    let output = std::process::Command::new(program).arg(arg).output().ok()?;
    Some(String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

fn utc_now() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (days, rest) = (secs / 86_400, secs % 86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest / 60 % 60,
        rest % 60
    )
}

/// Compilers running now: their CPU use would slow whichever function is being measured.
fn busy_check(stage: &str) -> Value {
    let compilers = procfs::running(&["rustc", "cc1", "cc1plus", "ld", "zig"]);
    let load = procfs::load_average();
    if compilers > 0 {
        progress(&format!(
            "warning: {compilers} compiler process(es) running at {stage}; the figures may be skewed"
        ));
    }
    json!({"stage": stage, "compilers_running": compilers, "load_1m": load})
}

async fn run(args: Args) -> Result<(), String> {
    let started = Instant::now();
    let mut checks = vec![busy_check("start")];
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
    let mut driver = Driver::new(emulator, typical, maximal);
    driver.maximal_too = !args.typical_only;

    let rust = Function::new("rust", args.rust.clone(), &endpoint).deployed();
    let rust_unwarmed =
        rust.clone()
            .with_env("rust (WARM_CONNECTION=false)", "WARM_CONNECTION", "false");
    let node = match &args.node_dir {
        Some(dir) => {
            let bootstrap = dir.join("bootstrap");
            if !dir.join("node_modules/@aws-sdk/client-connect").is_dir() {
                return Err(format!(
                    "{}: run `npm ci` there first (make bench does)",
                    dir.display()
                ));
            }
            Some(Function::new("node", bootstrap, &endpoint))
        }
        None => None,
    };

    // The same functions against an HTTPS endpoint, for cold starts: there the init warm-up saves the
    // first request a TLS handshake, as it does in Lambda.
    let front = connect_emulator::tls_front::start(driver.emulator.local_addr(), &args.out).await?;
    let ca_file = front.ca_file.display().to_string();
    let over_tls = |function: &Function, label: &'static str| {
        let mut function = function.clone();
        function.label = label;
        for (key, value) in &mut function.env {
            if key == "AWS_ENDPOINT_URL_CONNECT" {
                value.clone_from(&front.url);
            }
        }
        function
            .env
            .push(("SSL_CERT_FILE".to_owned(), ca_file.clone()));
        function
            .env
            .push(("NODE_EXTRA_CA_CERTS".to_owned(), ca_file.clone()));
        function
    };
    let rust_tls = over_tls(&rust, "rust-tls");
    let rust_tls_unwarmed = over_tls(&rust_unwarmed, "rust-tls-unwarmed");
    let node_tls = node.as_ref().map(|node| over_tls(node, "node-tls"));

    progress("checking that every function answers both requests with 200");
    for function in [
        Some(&rust),
        Some(&rust_unwarmed),
        node.as_ref(),
        Some(&rust_tls),
        node_tls.as_ref(),
    ]
    .into_iter()
    .flatten()
    {
        driver.check(function).await?;
    }

    let mut rust_measured = Measured {
        zip_bytes: file_size(&args.zip)?,
        binary_bytes: file_size(&Some(args.rust.clone()))?,
        ..Measured::default()
    };
    let mut node_measured = Measured {
        zip_bytes: file_size(&args.node_zip)?,
        ..Measured::default()
    };

    // Cold starts, interleaved so that drift on the machine hits every variant alike. Two discarded
    // rounds first: the first exec of a binary reads it from disk.
    let candidate = args
        .compare
        .as_ref()
        .map(|program| Function::new("candidate", program.clone(), &endpoint).deployed());
    let mut candidate_measured = Measured::default();
    let mut rust_tls_measured = Measured::default();
    let mut node_tls_measured = Measured::default();
    let cold_functions: Vec<&Function> = [
        Some(&rust),
        Some(&rust_unwarmed),
        candidate.as_ref(),
        node.as_ref(),
        Some(&rust_tls),
        Some(&rust_tls_unwarmed),
        node_tls.as_ref(),
    ]
    .into_iter()
    .flatten()
    .collect();
    progress(&format!(
        "cold starts: {} rounds of {} variants (after 2 discarded rounds)",
        args.cold,
        cold_functions.len()
    ));
    for round in 0..args.cold + 2 {
        for function in &cold_functions {
            let sample = driver.cold_start(function).await?;
            if round < 2 {
                continue;
            }
            match function.label {
                "rust" => rust_measured.cold.push(sample),
                "node" => node_measured.cold.push(sample),
                "candidate" => candidate_measured.cold.push(sample),
                "rust-tls" => rust_tls_measured.cold.push(sample),
                "rust-tls-unwarmed" => rust_tls_measured.cold_unwarmed.push(sample),
                "node-tls" => node_tls_measured.cold.push(sample),
                _ => rust_measured.cold_unwarmed.push(sample),
            }
        }
        if (round + 1) % 10 == 0 {
            progress(&format!("  {} rounds", round + 1));
        }
    }
    checks.push(busy_check("after cold starts"));

    progress(&format!(
        "warm: rust, {} + {} warm-up, then {} typical + {} maximal invocations",
        args.warmup, args.warmup, args.warm, args.warm
    ));
    match &candidate {
        None => {
            rust_measured.warm = Some(
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
            rust_measured.warm = runs.next();
            candidate_measured.warm = runs.next();
        }
    }
    checks.push(busy_check("after rust warm run"));
    if let Some(node) = &node {
        progress("warm: node, same sequence");
        node_measured.warm = Some(
            driver
                .warm_run(node, args.warmup, args.warm, args.rss_every)
                .await?,
        );
        checks.push(busy_check("after node warm run"));
    }

    let floor = match &args.floor {
        Some(program) => {
            progress("warm: the calibration function (floor-lambda), same sequence");
            let function = Function::new("floor", program.clone(), &endpoint);
            driver.expect_chats = false;
            let run = driver
                .warm_run(&function, args.warmup, args.warm, args.rss_every)
                .await?;
            driver.expect_chats = true;
            Some(
                Measured {
                    warm: Some(run),
                    ..Measured::default()
                }
                .figures(),
            )
        }
        None => None,
    };

    let rust_figures = rust_measured.figures();
    let node_figures = node_measured.figures();
    let verdicts = report::verdicts(&rust_figures, &node_figures);
    let build = match &args.build_time {
        Some(path) if path.is_file() => std::fs::read_to_string(path)
            .ok()
            .and_then(|text| serde_json::from_str::<Value>(&text).ok())
            .unwrap_or(Value::Null),
        _ => Value::Null,
    };
    let quiet = checks
        .iter()
        .all(|c| c["compilers_running"].as_u64() == Some(0));
    let meta = json!({
        "generated_at": utc_now(),
        "duration_s": stats::round(started.elapsed().as_secs_f64(), 1),
        "machine": {
            "cpu": procfs::cpu_model(),
            "cores": procfs::cpu_count(),
            "memory_gib": stats::round(procfs::memory_total_gib(), 1),
            "kernel": procfs::kernel(),
            "node": node.as_ref().and_then(|_| command_version("node", "--version")),
        },
        "quiet": quiet,
        "cpus_allowed": procfs::allowed_cpus(),
        "load_checks": checks,
        "settings": {
            "cold_runs": args.cold,
            "warm_invocations_per_request": args.warm,
            "warmup_invocations_per_request": args.warmup,
            "rust_bootstrap": args.rust.display().to_string(),
            "emulator_service_time_subtracted": rust_measured
                .warm
                .as_ref()
                .is_some_and(|run| run.typical.iter().all(|s| s.service.is_some())),
        },
    });
    let mut results =
        report::results_json(meta, &rust_figures, &node_figures, &verdicts, build.clone());
    let mut table = report::markdown(&rust_figures, &node_figures, &verdicts, &build);
    if let Some(floor) = &floor {
        results["floor"] = floor.to_json(false);
        table.push_str(&report::floor_rows(floor, &rust_figures));
    }
    let rust_tls_figures = rust_tls_measured.figures();
    let node_tls_figures = node_tls_measured.figures();
    results["tls_cold_start"] = json!({
        "rust": rust_tls_figures.to_json(true)["details"].clone(),
        "node": node_tls_figures.to_json(false)["details"].clone(),
    });
    table.push_str(&report::tls_rows(&rust_tls_figures, &node_tls_figures));
    if args.compare.is_some() {
        let candidate = candidate_measured.figures();
        results["candidate"] = candidate.to_json(false);
        table.push_str(&report::comparison(&rust_figures, &candidate));
    }

    std::fs::create_dir_all(&args.out).map_err(|e| format!("{}: {e}", args.out.display()))?;
    let json_path = args.out.join("results.json");
    let text = serde_json::to_string_pretty(&results).map_err(|e| e.to_string())?;
    std::fs::write(&json_path, text + "\n").map_err(|e| format!("{}: {e}", json_path.display()))?;
    let md_path = args.out.join("results.md");
    std::fs::write(&md_path, &table).map_err(|e| format!("{}: {e}", md_path.display()))?;

    println!("{table}");
    for verdict in &verdicts {
        let mark = match verdict.met {
            Some(true) => "met",
            Some(false) => "MISSED",
            None => "n/a",
        };
        println!(
            "{mark:>6}  {}: {} (target {}; {})",
            verdict.name, verdict.value, verdict.target, verdict.margin
        );
    }
    if !quiet {
        println!("note: compilers were running during the run; repeat on a quiet machine");
    }
    println!(
        "wrote {} and {} in {:.0} s",
        json_path.display(),
        md_path.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments_have_defaults_and_need_the_binary() {
        let args = |list: &[&str]| parse_args(list.iter().map(|s| (*s).to_owned()));
        let parsed =
            args(&["--rust", "x/bootstrap", "--cold", "5"]).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(parsed.cold, 5);
        assert_eq!(parsed.warm, 10_000);
        assert!(parsed.node_dir.is_some());
        assert!(args(&["--cold", "5"]).is_err());
        assert!(args(&["--rust", "x", "--cold", "many"]).is_err());
        assert!(
            args(&["--rust", "x", "--no-node"])
                .map(|a| a.node_dir.is_none())
                .unwrap_or(false)
        );
    }

    #[test]
    fn dates_are_iso_8601() {
        let now = utc_now();
        assert_eq!(now.len(), 20, "{now}");
        assert!(now.starts_with("20") && now.ends_with('Z'));
    }
}
