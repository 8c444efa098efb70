use super::*;

fn parse(list: &[&str]) -> Result<Command, clap::Error> {
    let args = std::iter::once("lambda-bench").chain(list.iter().copied());
    Cli::try_parse_from(args).and_then(Cli::into_command)
}

fn bench(list: &[&str]) -> Result<BenchArgs, String> {
    match parse(list).map_err(|e| e.to_string())? {
        Command::Bench(args) => Ok(*args),
        other => Err(format!("not a bench command: {other:?}")),
    }
}

#[test]
fn the_command_line_is_consistent() {
    Cli::command().debug_assert();
}

#[test]
fn arguments_have_defaults_and_need_the_binary() {
    let parsed = bench(&["--rust", "x/bootstrap", "--cold", "5"]).expect("valid arguments");
    assert_eq!(parsed.rust, PathBuf::from("x/bootstrap"));
    assert_eq!(parsed.cold, 5);
    assert_eq!(parsed.warm, 10_000);
    assert_eq!(parsed.node_dir, Some(PathBuf::from("bench/node-baseline")));
    assert!(parsed.memory.is_none());
    assert!(bench(&["--cold", "5"]).is_err());
    assert!(bench(&["--rust", "x", "--cold", "many"]).is_err());
    assert!(bench(&["--rust", "x", "--unknown"]).is_err());
    let without_node = bench(&["bench", "--rust", "x", "--no-node"]).expect("valid arguments");
    assert!(without_node.node_dir.is_none());
    assert!(bench(&["--rust", "x", "--no-node", "--node-dir", "y"]).is_err());
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
    assert_eq!(plan.cold_rounds, 20);
    assert_eq!(plan.period, Duration::from_millis(20));
    assert!(bench(&["--rust", "x", "--memory", "64"]).is_err());
    assert!(bench(&["--rust", "x", "--memory-only"]).is_err());
    assert!(bench(&["--rust", "x", "--memory", "128", "--init-mode", "x"]).is_err());
    assert!(bench(&["--rust", "x", "--memory", "128", "--cfs-period-us", "999"]).is_err());
    let both = bench(&["--rust", "x", "--memory", "128", "--memory-only"]).expect("valid");
    assert!(both.memory_only);
    assert_eq!(
        both.memory.expect("a plan").init_modes,
        InitMode::ALL.to_vec()
    );
}

#[test]
fn the_soak_has_its_own_arguments() {
    let Ok(Command::Soak(soak)) =
        parse(&["soak", "--rust", "x", "--requests", "20", "--seed", "7"])
    else {
        panic!("expected a soak command");
    };
    assert_eq!(soak.requests, 20);
    assert_eq!(soak.seed, 7);
    assert_eq!(soak.connect_timeout, Duration::from_secs(1));
    assert!(parse(&["soak", "--requests", "20"]).is_err());
    assert!(parse(&["soak", "--rust", "x", "--cold", "5"]).is_err());
}

#[test]
fn the_probe_takes_variables() {
    let Ok(Command::Probe(probe)) = parse(&[
        "probe",
        "--program",
        "wrap.sh",
        "--env",
        "PROBED=x=y",
        "--env",
        "A=",
        "--https",
    ]) else {
        panic!("expected a probe command");
    };
    assert_eq!(
        probe.env,
        [("PROBED".into(), "x=y".into()), ("A".into(), String::new())]
    );
    assert!(probe.https && !probe.maximal);
    assert_eq!(probe.invocations, 3);
    assert!(parse(&["probe", "--program", "p", "--env", "novalue"]).is_err());
}

#[test]
fn the_record_has_defaults() {
    let Ok(Command::Record(record)) = parse(&["record"]) else {
        panic!("expected a record command");
    };
    assert_eq!(record.out, PathBuf::from("target/bench"));
    assert_eq!(record.runs, PathBuf::from("bench/runs"));
}
