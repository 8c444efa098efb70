//! `lambda-bench`: the release `bootstrap` and the Node.js baseline, each run exactly as Lambda runs a
//! function (a Runtime API on 127.0.0.1, `AWS_LAMBDA_RUNTIME_API`), against the Connect emulator in
//! this process. Nothing is compiled in the timed path: `make bench` builds first, then runs this.
//!
//! Commands: `bench` (the default, [`bench`]), `soak` ([`soak`]), `probe` ([`probe`]), `record`
//! ([`record`]); flags: `lambda-bench --help` ([`cli`]).

mod availability;
mod bench;
mod by_memory;
mod cli;
mod cpu_share;
mod driver;
mod events;
mod full_cpu;
mod function;
mod load;
mod machine;
mod probe;
mod process;
mod procfs;
mod progress;
mod record;
mod report;
mod samples;
mod setup;
mod soak;
mod stats;
mod variant;

use cli::Command;
use std::process::ExitCode;

fn main() -> ExitCode {
    let command = cli::parse();
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
        Command::Bench(args) => runtime.block_on(bench::run(*args)),
        Command::Soak(args) => runtime.block_on(soak::run(args)),
        Command::Probe(args) => runtime.block_on(probe::run(args)),
        Command::Record(args) => record::write(&args),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("lambda-bench: {message}");
            ExitCode::FAILURE
        }
    }
}
