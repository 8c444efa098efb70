//! `lambda-bench [bench]`: prepare the events, the emulator and the functions; check that each answers;
//! measure at full CPU (see [`crate::full_cpu`]), then at Lambda memory sizes (`--memory`, see
//! [`crate::by_memory`]); write `results.json` and `results.md`.

use crate::by_memory;
use crate::cli::BenchArgs;
use crate::full_cpu;
use crate::load::LoadChecks;
use crate::machine::RunStart;
use crate::report::{Measurements, Report};
use crate::setup::Setup;

pub async fn run(args: BenchArgs) -> Result<(), String> {
    let start = RunStart::now();
    let mut load = LoadChecks::default();
    load.check("start");
    let mut setup = Setup::prepare(&args).await?;
    setup.check_functions().await?;

    let full_cpu = if args.memory_only {
        None
    } else {
        Some(full_cpu::measure(&mut setup, &args, &mut load).await?)
    };
    let by_memory = match &args.memory {
        Some(plan) => {
            let results = by_memory::measure(
                &mut setup.driver,
                &setup.functions,
                setup.floor.as_ref(),
                plan,
            )
            .await?;
            load.check("after the memory sizes");
            Some(results)
        }
        None => None,
    };

    let measured = Measurements {
        full_cpu,
        by_memory,
        node_measured: setup.functions.http.node.is_some(),
    };
    let report = Report::build(&args, measured, &load, &start)?;
    report.write(&args.out)?;
    report.print(&load, &start);
    Ok(())
}
