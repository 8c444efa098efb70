//! The measurements: fresh processes for cold starts, one long-lived process per function for warm
//! invocations, all under the local Runtime API and against the in-process Connect emulator.

use crate::events::{self, EventTemplate};
use crate::function::Function;
use crate::process::{finish, spawn};
use crate::procfs;
use crate::samples::{BREAKDOWN_INVOCATIONS, Breakdown, ColdSample, WarmRun, WarmSample};
use answers::{contact_id, open_now};
use connect_emulator::{Emulator, RecordedRequest};
use local_runtime_api::{Invocation, LambdaProcess};
use std::time::Duration;

mod answers;

/// The requests the benchmark sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestKind {
    /// `events/http-api-v2.json`: what the widget sends.
    Typical,
    /// Every member at its limit (see `events.rs`).
    Maximal,
    /// `events/availability.json`: the page's GET, answered from the function's cache once warm.
    Availability,
}

/// The event templates of a run.
pub struct Events {
    pub typical: EventTemplate,
    pub maximal: EventTemplate,
    pub availability: EventTemplate,
}

/// What the harness keeps between invocations: the event templates and the ids they need.
pub struct Driver {
    pub emulator: Emulator,
    typical: EventTemplate,
    maximal: EventTemplate,
    availability: EventTemplate,
    /// This run's part of every ClientToken.
    run: u64,
    counter: u64,
    /// Whether warm runs send the maximal request and the availability GET too (`--typical-only` turns
    /// them off, for profiling).
    pub maximal_too: bool,
    /// Whether every answer must be a started chat (off for the calibration function, which starts none).
    pub expect_chats: bool,
}

impl Driver {
    pub fn new(emulator: Emulator, events: Events) -> Self {
        let run = events::run_id();
        Self {
            emulator,
            typical: events.typical,
            maximal: events.maximal,
            availability: events.availability,
            run,
            counter: 0,
            maximal_too: true,
            expect_chats: true,
        }
    }

    fn typical_event(&self) -> Vec<u8> {
        self.typical.render("")
    }

    fn maximal_event(&mut self) -> Vec<u8> {
        self.counter += 1;
        self.maximal
            .render(&events::client_token(self.run, self.counter))
    }

    /// Invokes and checks for a 200 with a started chat.
    async fn invoke(
        &mut self,
        process: &mut LambdaProcess,
        event: Vec<u8>,
    ) -> Result<Invocation, String> {
        let invocation = process
            .invoke(event)
            .await
            .map_err(|e| format!("invocation failed: {e}"))?;
        if contact_id(&invocation)?.is_none() && self.expect_chats {
            return Err(format!("no ContactId in {:?}", invocation.outcome));
        }
        Ok(invocation)
    }

    pub async fn invoke_kind(
        &mut self,
        process: &mut LambdaProcess,
        kind: RequestKind,
    ) -> Result<(WarmSample, String), String> {
        let event = match kind {
            RequestKind::Typical => self.typical_event(),
            RequestKind::Maximal => self.maximal_event(),
            RequestKind::Availability => {
                let invocation = process
                    .invoke(self.availability.render(""))
                    .await
                    .map_err(|e| format!("invocation failed: {e}"))?;
                open_now(&invocation)?;
                // No StartChatContact: the emulator's service time is no part of it.
                let sample = WarmSample {
                    elapsed: invocation.elapsed,
                    service: None,
                };
                return Ok((sample, invocation.request_id));
            }
        };
        let invocation = self.invoke(process, event).await?;
        let sample = WarmSample {
            elapsed: invocation.elapsed,
            service: last_service_time(&self.emulator),
        };
        Ok((sample, invocation.request_id))
    }

    /// Starts a chat through a short-lived process so that the maximal request has a contact to
    /// relate to, and checks that both functions accept both requests.
    pub async fn check(&mut self, function: &Function) -> Result<(), String> {
        let mut process = spawn(function).await?;
        let outcome = async {
            process
                .wait_until_ready()
                .await
                .map_err(|e| format!("init failed: {e}"))?;
            for kind in [
                RequestKind::Typical,
                RequestKind::Maximal,
                RequestKind::Typical,
                RequestKind::Maximal,
            ] {
                self.invoke_kind(&mut process, kind).await?;
            }
            if function.answers_availability {
                for _ in 0..2 {
                    self.invoke_kind(&mut process, RequestKind::Availability)
                        .await?;
                }
            }
            Ok::<(), String>(())
        }
        .await;
        finish(process, outcome, function).await
    }

    /// A fresh process, its event already waiting (as Lambda queues the event that caused the cold
    /// start): init, then the first response.
    pub async fn cold_start(&mut self, function: &Function) -> Result<ColdSample, String> {
        let mut process = spawn(function).await?;
        let outcome = async {
            let event = self.typical_event();
            self.invoke(&mut process, event).await?;
            let first_response = process.spawned_at().elapsed();
            let init = process
                .wait_until_ready()
                .await
                .map_err(|e| format!("init failed: {e}"))?;
            let hwm_kib = process
                .pid()
                .and_then(procfs::memory)
                .map(|memory| memory.hwm_kib);
            Ok(ColdSample {
                init,
                first_response,
                hwm_kib,
            })
        }
        .await;
        finish(process, outcome, function).await
    }

    /// One process: `warmup` invocations of each kind (alternating), then `count` typical and `count`
    /// maximal invocations, reading RSS every `rss_every`.
    pub async fn warm_run(
        &mut self,
        function: &Function,
        warmup: usize,
        count: usize,
        rss_every: usize,
    ) -> Result<WarmRun, String> {
        let mut runs = self
            .warm_runs(&[function], warmup, count, rss_every)
            .await?;
        runs.pop().ok_or_else(|| "no warm run".into())
    }

    /// The warm sequence for several processes at once, invocation by invocation in turn, so that
    /// drift on the machine affects them alike (`--compare`).
    pub async fn warm_runs(
        &mut self,
        functions: &[&Function],
        warmup: usize,
        count: usize,
        rss_every: usize,
    ) -> Result<Vec<WarmRun>, String> {
        let mut processes = Vec::new();
        for function in functions {
            let process = spawn(function).await?;
            process.keep_output_lines(BREAKDOWN_INVOCATIONS * 4);
            processes.push(process);
        }
        let availability = self.maximal_too
            && functions
                .iter()
                .all(|function| function.answers_availability);
        let outcome = self
            .warm_sequence(&mut processes, availability, warmup, count, rss_every)
            .await;
        let mut failure = None;
        for (index, (process, function)) in processes.into_iter().zip(functions).enumerate() {
            let result = match &outcome {
                Err((failed, error)) if *failed == index => Err(error.clone()),
                _ => Ok(()),
            };
            if let Err(error) = finish(process, result, function).await {
                failure = Some(error);
            }
        }
        match (outcome, failure) {
            (Ok(runs), None) => Ok(runs),
            (_, Some(error)) | (Err((_, error)), None) => Err(error),
        }
    }

    /// The body of [`Self::warm_runs`]; an error names the index of the process that failed.
    async fn warm_sequence(
        &mut self,
        processes: &mut [LambdaProcess],
        availability: bool,
        warmup: usize,
        count: usize,
        rss_every: usize,
    ) -> Result<Vec<WarmRun>, (usize, String)> {
        let mut runs = Vec::new();
        let mut pids = Vec::new();
        for (index, process) in processes.iter_mut().enumerate() {
            let init = process
                .wait_until_ready()
                .await
                .map_err(|e| (index, format!("init failed: {e}")))?;
            runs.push(WarmRun {
                init,
                ..WarmRun::default()
            });
            pids.push(
                process
                    .pid()
                    .ok_or((index, "the function has no pid".into()))?,
            );
        }
        let memory = |index: usize| {
            procfs::memory(pids[index])
                .ok_or((index, "cannot read the function's /proc status".to_owned()))
        };
        for round in 0..warmup * 2 {
            let kind = if self.maximal_too && round % 2 == 1 {
                RequestKind::Maximal
            } else {
                RequestKind::Typical
            };
            for (index, process) in processes.iter_mut().enumerate() {
                self.invoke_kind(process, kind)
                    .await
                    .map_err(|e| (index, e))?;
            }
        }
        // The availability GETs' warm-up: the first one fills the cache.
        for _ in 0..if availability { warmup } else { 0 } {
            for (index, process) in processes.iter_mut().enumerate() {
                self.invoke_kind(process, RequestKind::Availability)
                    .await
                    .map_err(|e| (index, e))?;
            }
        }
        for (index, run) in runs.iter_mut().enumerate() {
            run.rss_after_warmup_kib = memory(index)?.rss_kib;
            run.rss_trace_kib.push(run.rss_after_warmup_kib);
        }
        let kinds: &[RequestKind] = match (self.maximal_too, availability) {
            (true, true) => &[
                RequestKind::Typical,
                RequestKind::Maximal,
                RequestKind::Availability,
            ],
            (true, false) => &[RequestKind::Typical, RequestKind::Maximal],
            (false, _) => &[RequestKind::Typical],
        };
        for &kind in kinds {
            let last_connect_request = self.last_connect_request();
            let cpu_before: Vec<Option<u64>> =
                pids.iter().map(|pid| procfs::cpu_time_ns(*pid)).collect();
            let mut samples = vec![Vec::with_capacity(count); processes.len()];
            let mut recent = vec![Vec::with_capacity(BREAKDOWN_INVOCATIONS); processes.len()];
            for round in 1..=count {
                for index in round_order(processes.len(), round) {
                    let (sample, request_id) = self
                        .invoke_kind(&mut processes[index], kind)
                        .await
                        .map_err(|e| (index, e))?;
                    samples[index].push(sample);
                    if count - round < BREAKDOWN_INVOCATIONS {
                        recent[index].push((request_id, sample));
                    }
                    if round % rss_every.max(1) == 0 {
                        runs[index].rss_trace_kib.push(memory(index)?.rss_kib);
                    }
                }
            }
            if kind == RequestKind::Availability {
                self.answered_from_cache(last_connect_request)
                    .map_err(|e| (0, e))?;
            }
            for (index, run) in runs.iter_mut().enumerate() {
                let cpu_us = cpu_before[index]
                    .zip(procfs::cpu_time_ns(pids[index]))
                    .map(|(before, after)| (after - before) as f64 / 1e3 / count.max(1) as f64);
                let breakdown =
                    Breakdown::from_logs(&recent[index], &processes[index].stdout_lines());
                let samples = std::mem::take(&mut samples[index]);
                match kind {
                    RequestKind::Typical => {
                        run.typical = samples;
                        run.typical_breakdown = breakdown;
                        run.typical_cpu_us = cpu_us;
                    }
                    RequestKind::Maximal => {
                        run.maximal = samples;
                        run.maximal_breakdown = breakdown;
                        run.maximal_cpu_us = cpu_us;
                    }
                    RequestKind::Availability => {
                        run.availability = samples;
                        run.availability_cpu_us = cpu_us;
                    }
                }
            }
        }
        for (index, run) in runs.iter_mut().enumerate() {
            let end = memory(index)?;
            run.rss_end_kib = end.rss_kib;
            run.hwm_kib = end.hwm_kib;
        }
        Ok(runs)
    }
}

impl Driver {
    /// The latest request the emulator received (it keeps only the latest): a later one differs (its
    /// signature's date and invocation id do), so an unchanged one means Connect was not asked.
    pub fn last_connect_request(&self) -> Option<RecordedRequest> {
        self.emulator.requests().pop()
    }

    /// Fails when Connect received a request since `before`: the GETs measured since were to be
    /// answered from the cache.
    pub fn answered_from_cache(&self, before: Option<RecordedRequest>) -> Result<(), String> {
        if self.last_connect_request() == before {
            Ok(())
        } else {
            Err("a measured availability GET reached Connect instead of the cache".into())
        }
    }
}

/// The emulator's own time for the latest StartChatContact request (the emulator keeps only the latest
/// record, so reading it is cheap).
fn last_service_time(emulator: &Emulator) -> Option<Duration> {
    emulator
        .start_chat_calls()
        .last()
        .map(|call| call.service_time)
}

/// The order in which interleaved processes are invoked in a round: first to last in even rounds, last
/// to first in odd ones. Always the same order favoured the later process (an A/A comparison put the
/// second copy of one build 4-8 µs ahead at p50 and 70-126 µs at p99).
fn round_order(processes: usize, round: usize) -> Vec<usize> {
    if round.is_multiple_of(2) {
        (0..processes).collect()
    } else {
        (0..processes).rev().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::round_order;

    #[test]
    fn interleaved_processes_take_turns_going_first() {
        assert_eq!(round_order(2, 1), [1, 0]);
        assert_eq!(round_order(2, 2), [0, 1]);
        assert_eq!(round_order(1, 1), [0]);
        let firsts: Vec<usize> = (1..=4).map(|round| round_order(2, round)[0]).collect();
        assert_eq!(firsts, [1, 0, 1, 0]);
    }
}
