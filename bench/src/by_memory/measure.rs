//! Running the plan: the groups, then cold starts interleaved over every memory size, variant and init
//! mode, then one warm process per memory size and variant, then the calibration floor's.

use super::{AtMemory, COLD_RUNTIMES, MemoryPlan, SharedColdSample, SharedWarmRun, WARM_RUNTIMES};
use crate::cpu_share::{CpuShare, InitMode};
use crate::driver::{Driver, RequestKind};
use crate::function::Function;
use crate::process::{finish, spawn, until_ready};
use crate::procfs;
use crate::progress::progress;
use crate::variant::{Functions, PerVariant};
use std::time::Duration;

/// Runs the plan. The groups are removed before this returns, whether it succeeds or not.
pub async fn measure(
    driver: &mut Driver,
    functions: &Functions,
    floor: Option<&Function>,
    plan: &MemoryPlan,
) -> Result<Vec<AtMemory>, String> {
    let shares = plan
        .memories_mb
        .iter()
        .map(|&memory_mb| CpuShare::create(memory_mb, plan.period))
        .collect::<Result<Vec<CpuShare>, String>>()?;
    let mut results: Vec<AtMemory> = shares
        .iter()
        .map(|share| AtMemory {
            memory_mb: share.memory_mb,
            quota: share.quota,
            period: share.period,
            cold: PerVariant::default(),
            warm: PerVariant::default(),
            floor: None,
        })
        .collect();
    for share in &shares {
        progress(&format!(
            "  {} MB: cfs quota {} µs per {} µs period ({:.1} % of a CPU)",
            share.memory_mb,
            share.quota.as_micros(),
            share.period.as_micros(),
            share.fraction() * 100.0
        ));
    }
    measure_cold(driver, functions, plan, &shares, &mut results).await?;
    measure_warm(driver, functions, plan, &shares, &mut results).await?;
    if let Some(floor) = floor {
        for (share, result) in shares.iter().zip(results.iter_mut()) {
            progress(&format!(
                "warm at {} MB: the calibration function (floor-lambda), same sequence",
                share.memory_mb
            ));
            driver.expect_chats = false;
            let run = warm_run(driver, floor, share, plan).await;
            driver.expect_chats = true;
            result.floor = Some(run?);
        }
    }
    Ok(results)
}

async fn measure_cold(
    driver: &mut Driver,
    functions: &Functions,
    plan: &MemoryPlan,
    shares: &[CpuShare],
    results: &mut [AtMemory],
) -> Result<(), String> {
    let variants = functions.variants(&COLD_RUNTIMES);
    progress(&format!(
        "cold starts at {} memory sizes: {} rounds of {} variants × {} init modes (after 1 discarded round)",
        shares.len(),
        plan.cold_rounds,
        variants.len(),
        plan.init_modes.len()
    ));
    for round in 0..=plan.cold_rounds {
        for (share, result) in shares.iter().zip(results.iter_mut()) {
            for &variant in &variants {
                for &mode in &plan.init_modes {
                    let function = functions.function(variant)?;
                    let sample = cold_start(driver, function, share, mode).await?;
                    if round > 0 {
                        result.cold.get_mut(variant).get_mut(mode).push(sample);
                    }
                }
            }
        }
        if round % 5 == 0 {
            progress(&format!("  {round} rounds"));
        }
    }
    Ok(())
}

async fn measure_warm(
    driver: &mut Driver,
    functions: &Functions,
    plan: &MemoryPlan,
    shares: &[CpuShare],
    results: &mut [AtMemory],
) -> Result<(), String> {
    let variants = functions.variants(&WARM_RUNTIMES);
    for (share, result) in shares.iter().zip(results.iter_mut()) {
        for &variant in &variants {
            progress(&format!(
                "warm at {} MB: {variant:?}, {} + {} warm-up, {} paced typical + {} paced maximal + {} back-to-back",
                share.memory_mb,
                plan.warmup,
                plan.warmup,
                plan.warm_count,
                plan.warm_count,
                plan.warm_count
            ));
            let function = functions.function(variant)?;
            let run = warm_run(driver, function, share, plan).await?;
            *result.warm.get_mut(variant) = Some(run);
        }
    }
    Ok(())
}

/// A fresh process: init (at full speed or held to the share), then the typical event.
async fn cold_start(
    driver: &mut Driver,
    function: &Function,
    share: &CpuShare,
    mode: InitMode,
) -> Result<SharedColdSample, String> {
    match mode {
        InitMode::Unthrottled => share.unthrottle()?,
        InitMode::Held => share.throttle()?,
    }
    let mut process = share.fork_inside(spawn(function)).await??;
    if mode == InitMode::Held {
        share.throttle()?;
    }
    let outcome = async {
        let (init, pid) = until_ready(&mut process).await?;
        if mode == InitMode::Unthrottled {
            share.throttle()?;
        }
        let throttling = share.throttling();
        let cpu_before = procfs::cpu_time_ns(pid);
        let (sample, _) = driver
            .invoke_kind(&mut process, RequestKind::Typical)
            .await?;
        let cpu = cpu_before
            .zip(procfs::cpu_time_ns(pid))
            .map(|(before, after)| Duration::from_nanos(after.saturating_sub(before)));
        Ok(SharedColdSample {
            init,
            // Without the harness's reaction between the first `/next` and the event: in Lambda the
            // event that caused the cold start is already waiting.
            first_response: init + sample.elapsed,
            first_invocation: sample.elapsed,
            first_invocation_cpu: cpu,
            first_invocation_throttling: share.throttling().since(throttling),
        })
    }
    .await;
    finish(process, outcome, function).await
}

/// One process under the share from its first `/next`: warm-up, paced typical and maximal
/// invocations (and availability GETs answered from the cache, by a function that answers them), then
/// back-to-back typical ones.
async fn warm_run(
    driver: &mut Driver,
    function: &Function,
    share: &CpuShare,
    plan: &MemoryPlan,
) -> Result<SharedWarmRun, String> {
    share.unthrottle()?;
    let mut process = share.fork_inside(spawn(function)).await??;
    process.keep_output_lines(16);
    let kinds: &[RequestKind] = if function.answers_availability && driver.maximal_too {
        &[
            RequestKind::Typical,
            RequestKind::Maximal,
            RequestKind::Availability,
        ]
    } else {
        &[RequestKind::Typical, RequestKind::Maximal]
    };
    let outcome = async {
        let (_, pid) = until_ready(&mut process).await?;
        share.throttle()?;
        for _ in 0..plan.warmup {
            for &kind in kinds {
                driver.invoke_kind(&mut process, kind).await?;
            }
        }
        let mut run = SharedWarmRun::default();
        for &kind in kinds {
            let cpu_before = procfs::cpu_time_ns(pid);
            let throttling = share.throttling();
            let last_connect_request = driver.last_connect_request();
            let mut samples = Vec::with_capacity(plan.warm_count);
            for _ in 0..plan.warm_count {
                tokio::time::sleep(plan.gap()).await;
                samples.push(driver.invoke_kind(&mut process, kind).await?.0);
            }
            let cpu_us = cpu_before
                .zip(procfs::cpu_time_ns(pid))
                .map(|(before, after)| {
                    after.saturating_sub(before) as f64 / 1e3 / plan.warm_count.max(1) as f64
                });
            match kind {
                RequestKind::Typical => {
                    run.typical_cpu_us = cpu_us;
                    run.typical_throttling = share.throttling().since(throttling);
                    run.paced_typical = samples;
                }
                RequestKind::Maximal => run.paced_maximal = samples,
                RequestKind::Availability => {
                    driver.answered_from_cache(last_connect_request)?;
                    run.availability_cpu_us = cpu_us;
                    run.paced_availability = samples;
                }
            }
        }
        tokio::time::sleep(plan.gap()).await;
        for _ in 0..plan.warm_count {
            let (sample, _) = driver
                .invoke_kind(&mut process, RequestKind::Typical)
                .await?;
            run.back_to_back_typical.push(sample);
        }
        Ok(run)
    }
    .await;
    finish(process, outcome, function).await
}
