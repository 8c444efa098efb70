//! The full-CPU measurements: interleaved cold starts over HTTP and HTTPS, one warm process per function
//! (the candidate interleaved with the Rust function), the calibration floor.

use super::{FullCpu, PerRuntimeWarm};
use crate::cli::BenchArgs;
use crate::load::LoadChecks;
use crate::progress::progress;
use crate::samples::{ColdSample, WarmRun};
use crate::setup::Setup;
use crate::variant::{PerVariant, Runtime, Transport, Variant};

/// Cold starts, warm runs and the floor, in that order.
pub async fn measure(
    setup: &mut Setup,
    args: &BenchArgs,
    load: &mut LoadChecks,
) -> Result<FullCpu, String> {
    let cold = measure_cold_starts(setup, args.cold).await?;
    load.check("after cold starts");
    let warm = measure_warm(setup, args, load).await?;
    let floor = measure_floor(setup, args).await?;
    Ok(FullCpu { cold, warm, floor })
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
        "warm: rust, {} of each request as warm-up, then {} typical + {} maximal invocations + {} availability GETs",
        args.warmup, args.warm, args.warm, args.warm
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
    let Some(function) = &setup.floor else {
        return Ok(None);
    };
    progress("warm: the calibration function (floor-lambda), same sequence");
    setup.driver.expect_chats = false;
    let run = setup
        .driver
        .warm_run(function, args.warmup, args.warm, args.rss_every)
        .await;
    setup.driver.expect_chats = true;
    run.map(Some)
}
