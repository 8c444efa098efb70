//! `lambda-bench probe`: one process of the function, a few invocations, and a shell command run at each
//! boundary (after init, after each invocation) with the function's pid in `$PID` and the phase in
//! `$PHASE`. It is how the first invocation is compared with the later ones under a profiler, e.g.
//! `valgrind --tool=callgrind` around the program and `callgrind_control --dump=$PHASE $PID` as the
//! command (BENCHMARKS.md, "The first invocation").

use crate::cli::ProbeArgs;
use crate::driver::{Driver, Events, RequestKind};
use crate::events;
use crate::function::{self, Function};
use crate::process;
use std::time::Duration;

pub async fn run(args: ProbeArgs) -> Result<(), String> {
    let typical_value = events::load_typical(&args.events)?;
    let typical = events::EventTemplate::fixed(
        serde_json::to_vec(&typical_value).map_err(|e| e.to_string())?,
    );
    let maximal = events::maximal_event(&typical_value)?;
    let availability = events::load_availability(&args.events)?;
    let emulator = function::start_emulator().await?;
    let endpoint = emulator.endpoint_url();
    let front = connect_emulator::tls_front::start(emulator.local_addr(), &args.out).await?;
    let mut driver = Driver::new(
        emulator,
        Events {
            typical,
            maximal,
            availability,
        },
    );
    let mut function = Function::new("probed", args.program.clone(), &endpoint).deployed();
    for (key, value) in &args.env {
        function.env.push((key.clone(), value.clone()));
    }
    if args.https {
        function = function.over_tls(&front.url, &front.ca_file);
    }
    if args.availability {
        function = function.with_cached_availability();
    }
    let kind = if args.maximal {
        RequestKind::Maximal
    } else if args.availability {
        RequestKind::Availability
    } else {
        RequestKind::Typical
    };
    let mut process = process::spawn(&function).await?;
    // A profiler makes the process slow: give it Lambda's longest timeout.
    process.set_deadline(Duration::from_secs(900));
    let outcome = async {
        let (init, pid) = process::until_ready(&mut process).await?;
        println!("init: {:.3} ms", init.as_secs_f64() * 1e3);
        between(&args.between, pid, "init")?;
        for index in 1..=args.invocations {
            let (sample, _) = driver.invoke_kind(&mut process, kind).await?;
            println!(
                "invocation {index}: {:.3} ms",
                sample.elapsed.as_secs_f64() * 1e3
            );
            between(&args.between, pid, &format!("invocation-{index}"))?;
        }
        Ok(())
    }
    .await;
    let output = process.stop().await;
    for line in output.stdout.iter().chain(&output.stderr) {
        println!("  | {line}");
    }
    outcome
}

fn between(command: &Option<String>, pid: u32, phase: &str) -> Result<(), String> {
    let Some(command) = command else {
        return Ok(());
    };
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(command)
        .env("PID", pid.to_string())
        .env("PHASE", phase)
        .status()
        .map_err(|e| format!("{command}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{command}: {status}"))
    }
}
