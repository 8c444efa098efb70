//! The command line: `lambda-bench [bench] ...` measures, `lambda-bench soak ...` runs the soak.

use crate::by_memory::MemoryPlan;
use crate::cpu_share::{InitMode, LAMBDA_PERIOD};
use crate::variant::Transport;
use std::path::PathBuf;
use std::time::Duration;

pub const USAGE: &str = "\
usage: lambda-bench [bench] --rust <bootstrap> [--node-dir DIR] [--zip FILE] [--node-zip FILE]
         [--build-time FILE] [--events DIR] [--out DIR] [--cold N] [--warm N] [--warmup N]
         [--rss-every N] [--no-node] [--typical-only] [--floor FILE] [--compare FILE]
         [--memory MB[,MB...]] [--memory-only] [--memory-cold N] [--memory-warm N]
         [--memory-warmup N] [--cfs-period-us N] [--init-mode both|unthrottled|held]
       lambda-bench soak --rust <bootstrap> [--requests N] [--seed N] [--connect-timeout-ms N]
         [--events DIR] [--out DIR]
       lambda-bench probe --program <bootstrap or wrapper> [--invocations N] [--between CMD]
         [--https] [--maximal] [--env KEY=VALUE]... [--events DIR] [--out DIR]";

#[derive(Debug)]
pub enum Command {
    Bench(Box<BenchArgs>),
    Soak(SoakArgs),
    Probe(ProbeArgs),
}

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

#[derive(Debug)]
pub struct SoakArgs {
    pub rust: PathBuf,
    pub events: PathBuf,
    pub out: PathBuf,
    pub requests: usize,
    pub seed: u64,
    pub connect_timeout: Duration,
}

#[derive(Debug)]
pub struct ProbeArgs {
    pub program: PathBuf,
    pub events: PathBuf,
    pub out: PathBuf,
    pub invocations: usize,
    /// Run with `sh -c` after init and after each invocation (`$PID`, `$PHASE`).
    pub between: Option<String>,
    pub transport: Transport,
    pub maximal: bool,
    pub env: Vec<(String, String)>,
}

pub fn parse(args: impl Iterator<Item = String>) -> Result<Command, String> {
    let mut args = args.peekable();
    match args.peek().map(String::as_str) {
        Some("soak") => {
            args.next();
            parse_soak(args).map(Command::Soak)
        }
        Some("probe") => {
            args.next();
            parse_probe(args).map(Command::Probe)
        }
        Some("bench") => {
            args.next();
            parse_bench(args).map(|args| Command::Bench(Box::new(args)))
        }
        _ => parse_bench(args).map(|args| Command::Bench(Box::new(args))),
    }
}

fn count(flag: &str, value: &str) -> Result<usize, String> {
    value
        .parse::<usize>()
        .map_err(|_| format!("{flag}: '{value}' is not a count"))
}

fn memory_sizes(value: &str) -> Result<Vec<u32>, String> {
    value
        .split(',')
        .map(|size| {
            size.trim()
                .parse::<u32>()
                .ok()
                .filter(|mb| (128..=10_240).contains(mb))
                .ok_or_else(|| {
                    format!("--memory: '{size}' is not a Lambda memory size (128-10240 MB)")
                })
        })
        .collect()
}

fn init_modes(value: &str) -> Result<Vec<InitMode>, String> {
    match value {
        "both" => Ok(InitMode::ALL.to_vec()),
        "unthrottled" => Ok(vec![InitMode::Unthrottled]),
        "held" => Ok(vec![InitMode::Held]),
        other => Err(format!(
            "--init-mode: '{other}' is not one of both, unthrottled, held"
        )),
    }
}

fn parse_bench(args: impl Iterator<Item = String>) -> Result<BenchArgs, String> {
    let mut parsed = BenchArgs {
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
        memory: None,
        memory_only: false,
    };
    let mut memories = None;
    let mut plan = MemoryPlan {
        memories_mb: Vec::new(),
        period: LAMBDA_PERIOD,
        cold_rounds: 20,
        warmup: 100,
        warm_count: 300,
        init_modes: InitMode::ALL.to_vec(),
    };
    for flag in flags(args, &["--no-node", "--typical-only", "--memory-only"]) {
        let (flag, value) = match flag? {
            Flag::Switch(switch) => {
                match switch {
                    "--no-node" => parsed.node_dir = None,
                    "--typical-only" => parsed.typical_only = true,
                    "--memory-only" => parsed.memory_only = true,
                    _ => {}
                }
                continue;
            }
            Flag::Option(flag, value) => (flag, value),
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
            "--cold" => parsed.cold = count(&flag, &value)?,
            "--warm" => parsed.warm = count(&flag, &value)?,
            "--warmup" => parsed.warmup = count(&flag, &value)?,
            "--rss-every" => parsed.rss_every = count(&flag, &value)?,
            "--memory" => memories = Some(memory_sizes(&value)?),
            "--memory-cold" => plan.cold_rounds = count(&flag, &value)?,
            "--memory-warm" => plan.warm_count = count(&flag, &value)?,
            "--memory-warmup" => plan.warmup = count(&flag, &value)?,
            "--cfs-period-us" => {
                let micros = count(&flag, &value)?;
                if !(1_000..=1_000_000).contains(&micros) {
                    return Err("--cfs-period-us: the kernel accepts 1000-1000000".into());
                }
                plan.period = Duration::from_micros(micros as u64);
            }
            "--init-mode" => plan.init_modes = init_modes(&value)?,
            other => return Err(unknown(other)),
        }
    }
    required(&parsed.rust, "--rust")?;
    if let Some(memories_mb) = memories {
        plan.memories_mb = memories_mb;
        parsed.memory = Some(plan);
    } else if parsed.memory_only {
        return Err("--memory-only needs --memory".into());
    }
    Ok(parsed)
}

fn parse_soak(args: impl Iterator<Item = String>) -> Result<SoakArgs, String> {
    let mut parsed = SoakArgs {
        rust: PathBuf::new(),
        events: PathBuf::from("events"),
        out: PathBuf::from("target/bench"),
        requests: 10_000,
        seed: std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(1, |d| d.as_secs()),
        connect_timeout: Duration::from_millis(1_000),
    };
    for flag in flags(args, &[]) {
        let Flag::Option(flag, value) = flag? else {
            continue;
        };
        match flag.as_str() {
            "--rust" => parsed.rust = PathBuf::from(&value),
            "--events" => parsed.events = PathBuf::from(&value),
            "--out" => parsed.out = PathBuf::from(&value),
            "--requests" => parsed.requests = count(&flag, &value)?,
            "--seed" => parsed.seed = count(&flag, &value)? as u64,
            "--connect-timeout-ms" => {
                parsed.connect_timeout = Duration::from_millis(count(&flag, &value)? as u64);
            }
            other => return Err(unknown(other)),
        }
    }
    required(&parsed.rust, "--rust")?;
    Ok(parsed)
}

fn parse_probe(args: impl Iterator<Item = String>) -> Result<ProbeArgs, String> {
    let mut parsed = ProbeArgs {
        program: PathBuf::new(),
        events: PathBuf::from("events"),
        out: PathBuf::from("target/bench"),
        invocations: 3,
        between: None,
        transport: Transport::Http,
        maximal: false,
        env: Vec::new(),
    };
    for flag in flags(args, &["--https", "--maximal"]) {
        let (flag, value) = match flag? {
            Flag::Switch("--https") => {
                parsed.transport = Transport::Https;
                continue;
            }
            Flag::Switch("--maximal") => {
                parsed.maximal = true;
                continue;
            }
            Flag::Switch(_) => continue,
            Flag::Option(flag, value) => (flag, value),
        };
        match flag.as_str() {
            "--program" => parsed.program = PathBuf::from(&value),
            "--events" => parsed.events = PathBuf::from(&value),
            "--out" => parsed.out = PathBuf::from(&value),
            "--invocations" => parsed.invocations = count(&flag, &value)?,
            "--between" => parsed.between = Some(value),
            "--env" => {
                let (key, value) = value
                    .split_once('=')
                    .ok_or_else(|| format!("--env: '{value}' is not KEY=VALUE"))?;
                parsed.env.push((key.to_owned(), value.to_owned()));
            }
            other => return Err(unknown(other)),
        }
    }
    required(&parsed.program, "--program")?;
    Ok(parsed)
}

/// One flag of a command line: a switch (one of those the command names), or an option and its value.
enum Flag {
    Switch(&'static str),
    Option(String, String),
}

/// The flags of `args`; `--help` ends the parse with the usage.
fn flags(
    mut args: impl Iterator<Item = String>,
    switches: &'static [&'static str],
) -> impl Iterator<Item = Result<Flag, String>> {
    std::iter::from_fn(move || {
        let flag = args.next()?;
        if flag == "--help" || flag == "-h" {
            return Some(Err(USAGE.into()));
        }
        if let Some(switch) = switches.iter().find(|switch| **switch == flag) {
            return Some(Ok(Flag::Switch(switch)));
        }
        Some(match args.next() {
            Some(value) => Ok(Flag::Option(flag, value)),
            None => Err(format!("{flag} needs a value\n{USAGE}")),
        })
    })
}

fn unknown(flag: &str) -> String {
    format!("unknown argument {flag}\n{USAGE}")
}

fn required(path: &std::path::Path, flag: &str) -> Result<(), String> {
    if path.as_os_str().is_empty() {
        return Err(format!("{flag} is required\n{USAGE}"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bench(list: &[&str]) -> Result<BenchArgs, String> {
        match parse(list.iter().map(|s| (*s).to_owned()))? {
            Command::Bench(args) => Ok(*args),
            Command::Soak(_) | Command::Probe(_) => Err("not a bench command".into()),
        }
    }

    #[test]
    fn arguments_have_defaults_and_need_the_binary() {
        let parsed = bench(&["--rust", "x/bootstrap", "--cold", "5"]).expect("valid arguments");
        assert_eq!(parsed.cold, 5);
        assert_eq!(parsed.warm, 10_000);
        assert!(parsed.node_dir.is_some());
        assert!(parsed.memory.is_none());
        assert!(bench(&["--cold", "5"]).is_err());
        assert!(bench(&["--rust", "x", "--cold", "many"]).is_err());
        let without_node = bench(&["bench", "--rust", "x", "--no-node"]).expect("valid arguments");
        assert!(without_node.node_dir.is_none());
    }

    #[test]
    fn memory_sizes_make_a_plan() {
        let parsed = bench(&[
            "--rust",
            "x",
            "--memory",
            "128,512,1769",
            "--init-mode",
            "held",
            "--memory-warm",
            "50",
        ])
        .expect("valid arguments");
        let plan = parsed.memory.expect("a plan");
        assert_eq!(plan.memories_mb, [128, 512, 1769]);
        assert_eq!(plan.init_modes, [InitMode::Held]);
        assert_eq!(plan.warm_count, 50);
        assert_eq!(plan.period, Duration::from_millis(20));
        assert!(bench(&["--rust", "x", "--memory", "64"]).is_err());
        assert!(bench(&["--rust", "x", "--memory-only"]).is_err());
        assert!(bench(&["--rust", "x", "--memory", "128", "--init-mode", "x"]).is_err());
    }

    #[test]
    fn the_soak_has_its_own_arguments() {
        let Ok(Command::Soak(soak)) = parse(
            ["soak", "--rust", "x", "--requests", "20", "--seed", "7"]
                .iter()
                .map(|s| (*s).to_owned()),
        ) else {
            panic!("expected a soak command");
        };
        assert_eq!(soak.requests, 20);
        assert_eq!(soak.seed, 7);
        assert_eq!(soak.connect_timeout, Duration::from_secs(1));
    }
}
