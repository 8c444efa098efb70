//! The command line (clap derive): `lambda-bench [bench] …` measures, `soak` runs the soak, `probe` runs
//! one process under a profiler, `record` writes the dated record of a run. `--help` lists every flag.

use crate::by_memory::MemoryPlan;
use crate::cpu_share::{InitMode, LAMBDA_PERIOD};
use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::time::Duration;

/// What to run, with settings already checked.
#[derive(Debug)]
pub enum Command {
    Bench(Box<BenchArgs>),
    Soak(SoakArgs),
    Probe(ProbeArgs),
    Record(RecordArgs),
}

/// Reads the process's arguments; `--help`, `--version` and errors end the process (status 2 on errors).
pub fn parse() -> Command {
    Cli::parse()
        .into_command()
        .unwrap_or_else(|error| error.exit())
}

/// `lambda-bench`: the release `bootstrap` and the Node.js baseline, each run as Lambda runs a function
/// (a Runtime API on 127.0.0.1), against the Connect emulator in this process. Without a command it
/// measures (`bench`).
#[derive(Debug, Parser)]
#[command(
    name = "lambda-bench",
    version,
    args_conflicts_with_subcommands = true,
    subcommand_negates_reqs = true
)]
struct Cli {
    #[command(subcommand)]
    command: Option<CliCommand>,
    #[command(flatten)]
    bench: BenchFlags,
}

#[derive(Debug, Subcommand)]
enum CliCommand {
    /// Cold starts, warm invocations and the calibration floor at full CPU, then at Lambda memory sizes
    /// (the default command)
    Bench(BenchFlags),
    /// One bootstrap answers thousands of requests while the emulator injects random Connect faults
    Soak(SoakArgs),
    /// One process of a function, a few invocations, and a shell command between phases (profilers)
    Probe(ProbeArgs),
    /// Write the dated record of a run (results.json and soak.json of --out) into --runs
    Record(RecordArgs),
}

impl Cli {
    fn into_command(self) -> Result<Command, clap::Error> {
        let flags = match self.command {
            Some(CliCommand::Soak(args)) => return Ok(Command::Soak(args)),
            Some(CliCommand::Probe(args)) => return Ok(Command::Probe(args)),
            Some(CliCommand::Record(args)) => return Ok(Command::Record(args)),
            Some(CliCommand::Bench(flags)) => flags,
            None => self.bench,
        };
        flags.into_args().map(|args| Command::Bench(Box::new(args)))
    }
}

/// The bench's flags as clap reads them; [`BenchArgs`] is what the run uses.
#[derive(Debug, Args)]
struct BenchFlags {
    /// The function's release bootstrap
    #[arg(long, value_name = "BOOTSTRAP", required = true)]
    rust: Option<PathBuf>,
    /// The Node.js baseline (after `npm ci` there)
    #[arg(long, value_name = "DIR", default_value = "bench/node-baseline")]
    node_dir: PathBuf,
    /// Measure the Rust function alone
    #[arg(long, conflicts_with = "node_dir")]
    no_node: bool,
    /// The zipped bootstrap, for its size
    #[arg(long, value_name = "FILE")]
    zip: Option<PathBuf>,
    /// The zipped Node.js baseline, for its size
    #[arg(long, value_name = "FILE")]
    node_zip: Option<PathBuf>,
    /// `make bench-build-time`'s record of a clean release build
    #[arg(long, value_name = "FILE")]
    build_time: Option<PathBuf>,
    /// The sample events (http-api-v2.json is the typical request)
    #[arg(long, value_name = "DIR", default_value = "events")]
    events: PathBuf,
    /// Where results.json and results.md go
    #[arg(long, value_name = "DIR", default_value = "target/bench")]
    out: PathBuf,
    /// Cold-start rounds at full CPU (after 2 discarded)
    #[arg(long, value_name = "N", default_value_t = 50)]
    cold: usize,
    /// Measured warm invocations per request kind at full CPU
    #[arg(long, value_name = "N", default_value_t = 10_000)]
    warm: usize,
    /// Warm-up invocations per request kind before those
    #[arg(long, value_name = "N", default_value_t = 1_000)]
    warmup: usize,
    /// Read the resident set every N warm invocations
    #[arg(long, value_name = "N", default_value_t = 1_000)]
    rss_every: usize,
    /// Warm runs send the typical request only (for profiling)
    #[arg(long)]
    typical_only: bool,
    /// The calibration function (floor-lambda)
    #[arg(long, value_name = "FILE")]
    floor: Option<PathBuf>,
    /// Another build (or a `sh` script that sets variables and execs one), measured interleaved with
    /// --rust; the differences are printed
    #[arg(long, value_name = "FILE")]
    compare: Option<PathBuf>,
    /// Lambda memory sizes to measure under their CPU share (root, cgroup v1 cpu controller)
    #[arg(long, value_name = "MB,...", value_delimiter = ',', value_parser = memory_size)]
    memory: Vec<u32>,
    /// Skip the full-CPU measurements
    #[arg(long, requires = "memory")]
    memory_only: bool,
    /// Cold-start rounds per memory size (after 1 discarded)
    #[arg(long, value_name = "N", default_value_t = 20)]
    memory_cold: usize,
    /// Paced and back-to-back invocations per memory size and request kind
    #[arg(long, value_name = "N", default_value_t = 300)]
    memory_warm: usize,
    /// Warm-up invocations per memory size and request kind
    #[arg(long, value_name = "N", default_value_t = 100)]
    memory_warmup: usize,
    /// The CFS period of the shares, µs (Lambda's, as observed: 20,000)
    #[arg(
        long,
        value_name = "N",
        default_value_t = LAMBDA_PERIOD.as_micros() as u64,
        value_parser = clap::value_parser!(u64).range(1_000..=1_000_000)
    )]
    cfs_period_us: u64,
    /// Whether init runs unthrottled, held to the share, or both in turn
    #[arg(long, value_enum, default_value_t = InitModes::Both)]
    init_mode: InitModes,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum InitModes {
    Both,
    Unthrottled,
    Held,
}

impl InitModes {
    fn modes(self) -> Vec<InitMode> {
        match self {
            InitModes::Both => InitMode::ALL.to_vec(),
            InitModes::Unthrottled => vec![InitMode::Unthrottled],
            InitModes::Held => vec![InitMode::Held],
        }
    }
}

fn memory_size(value: &str) -> Result<u32, String> {
    value
        .trim()
        .parse::<u32>()
        .ok()
        .filter(|mb| (128..=10_240).contains(mb))
        .ok_or_else(|| format!("'{value}' is not a Lambda memory size (128-10240 MB)"))
}

/// What a bench run measures.
#[derive(Debug)]
pub struct BenchArgs {
    pub rust: PathBuf,
    pub node_dir: Option<PathBuf>,
    pub zip: Option<PathBuf>,
    pub node_zip: Option<PathBuf>,
    pub build_time: Option<PathBuf>,
    pub events: PathBuf,
    pub out: PathBuf,
    pub cold: usize,
    pub warm: usize,
    pub warmup: usize,
    pub rss_every: usize,
    pub typical_only: bool,
    pub floor: Option<PathBuf>,
    pub compare: Option<PathBuf>,
    /// `--memory`: the CPU-share measurements, when asked for.
    pub memory: Option<MemoryPlan>,
    /// `--memory-only`: skip the full-CPU measurements.
    pub memory_only: bool,
}

impl BenchFlags {
    fn into_args(self) -> Result<BenchArgs, clap::Error> {
        // clap already refuses a bench command without --rust (`required`, lifted for subcommands).
        let rust = self.rust.ok_or_else(|| {
            Cli::command().error(
                clap::error::ErrorKind::MissingRequiredArgument,
                "--rust <BOOTSTRAP> is required",
            )
        })?;
        let memory = (!self.memory.is_empty()).then(|| MemoryPlan {
            memories_mb: self.memory,
            period: Duration::from_micros(self.cfs_period_us),
            cold_rounds: self.memory_cold,
            warmup: self.memory_warmup,
            warm_count: self.memory_warm,
            init_modes: self.init_mode.modes(),
        });
        Ok(BenchArgs {
            rust,
            node_dir: (!self.no_node).then_some(self.node_dir),
            zip: self.zip,
            node_zip: self.node_zip,
            build_time: self.build_time,
            events: self.events,
            out: self.out,
            cold: self.cold,
            warm: self.warm,
            warmup: self.warmup,
            rss_every: self.rss_every,
            typical_only: self.typical_only,
            floor: self.floor,
            compare: self.compare,
            memory,
            memory_only: self.memory_only,
        })
    }
}

#[derive(Debug, Args)]
pub struct SoakArgs {
    /// The function's release bootstrap
    #[arg(long, value_name = "BOOTSTRAP")]
    pub rust: PathBuf,
    /// Requests after the warm-up
    #[arg(long, value_name = "N", default_value_t = 10_000)]
    pub requests: usize,
    /// Seed of the random requests and faults [default: the clock]
    #[arg(long, value_name = "N", default_value_t = seed_from_clock(), hide_default_value = true)]
    pub seed: u64,
    /// The function's CONNECT_API_TIMEOUT_MS (attempts of half of it)
    #[arg(long = "connect-timeout-ms", value_name = "MS", default_value = "1000", value_parser = millis)]
    pub connect_timeout: Duration,
    /// The sample events (http-api-v2.json is the typical request)
    #[arg(long, value_name = "DIR", default_value = "events")]
    pub events: PathBuf,
    /// Where soak.json and soak.md go
    #[arg(long, value_name = "DIR", default_value = "target/bench")]
    pub out: PathBuf,
}

fn seed_from_clock() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(1, |since| since.as_secs())
}

fn millis(value: &str) -> Result<Duration, String> {
    value
        .parse::<u64>()
        .map(Duration::from_millis)
        .map_err(|_| format!("'{value}' is not a number of milliseconds"))
}

#[derive(Debug, Args)]
pub struct ProbeArgs {
    /// The bootstrap, or a wrapper that execs it (e.g. under valgrind)
    #[arg(long, value_name = "PROGRAM")]
    pub program: PathBuf,
    /// Invocations after init
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub invocations: usize,
    /// Run with `sh -c` after init and after each invocation ($PID: the function, $PHASE: init,
    /// invocation-1, …)
    #[arg(long, value_name = "CMD")]
    pub between: Option<String>,
    /// Call Connect through the emulator's TLS front
    #[arg(long)]
    pub https: bool,
    /// Send the maximal request instead of the typical one
    #[arg(long, conflicts_with = "availability")]
    pub maximal: bool,
    /// Send the availability GET, the function keeping its answers for the longest TTLs (the first
    /// invocation fills the cache; the later ones are answered from it)
    #[arg(long)]
    pub availability: bool,
    /// An extra variable for the function (repeatable)
    #[arg(long, value_name = "KEY=VALUE", value_parser = key_value)]
    pub env: Vec<(String, String)>,
    /// The sample events (http-api-v2.json is the typical request)
    #[arg(long, value_name = "DIR", default_value = "events")]
    pub events: PathBuf,
    /// Where the TLS front's CA file goes
    #[arg(long, value_name = "DIR", default_value = "target/bench")]
    pub out: PathBuf,
}

fn key_value(value: &str) -> Result<(String, String), String> {
    value
        .split_once('=')
        .map(|(key, value)| (key.to_owned(), value.to_owned()))
        .ok_or_else(|| format!("'{value}' is not KEY=VALUE"))
}

#[derive(Debug, Args)]
pub struct RecordArgs {
    /// Where the run wrote results.json and soak.json
    #[arg(long, value_name = "DIR", default_value = "target/bench")]
    pub out: PathBuf,
    /// Where the records are kept: <date>.md, or <date>-<HHMM>.md when the day has one already
    #[arg(long, value_name = "DIR", default_value = "bench/runs")]
    pub runs: PathBuf,
}

#[cfg(test)]
mod tests;
