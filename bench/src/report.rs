//! A bench run's outputs: `results.json` (the figures, the targets, the machine and the source) and
//! `results.md` (the tables and the targets, the body of the run record), printed as well.

use crate::by_memory::{self, AtMemory, MemoryVerdict};
use crate::cli::BenchArgs;
use crate::full_cpu::{self, FullCpu, FullCpuReport, Verdict};
use crate::load::LoadChecks;
use crate::machine::{self, RunStart};
use crate::stats::round;
use serde_json::{Value, json};
use std::fmt::Write as _;
use std::path::Path;

/// What a run measured, ready to be reported.
pub struct Measurements {
    pub full_cpu: Option<FullCpu>,
    pub by_memory: Option<Vec<AtMemory>>,
    pub node_measured: bool,
}

/// The figures, the targets and the tables of a run.
pub struct Report {
    results: Value,
    markdown: String,
    verdicts: Vec<Verdict>,
    memory_verdicts: Vec<MemoryVerdict>,
}

impl Report {
    pub fn build(
        args: &BenchArgs,
        measured: Measurements,
        load: &LoadChecks,
        start: &RunStart,
    ) -> Result<Self, String> {
        let build = match &args.build_time {
            Some(path) if path.is_file() => std::fs::read_to_string(path)
                .ok()
                .and_then(|text| serde_json::from_str::<Value>(&text).ok())
                .unwrap_or(Value::Null),
            _ => Value::Null,
        };
        let meta = json!({
            "started_at": start.at,
            "generated_at": machine::utc_now(),
            "duration_s": round(start.instant.elapsed().as_secs_f64(), 1),
            "source": start.source,
            "machine": machine::facts(measured.node_measured),
            "quiet": load.quiet(),
            "load_checks": load.checks,
            "settings": {
                "cold_runs": args.cold,
                "warm_invocations_per_request": args.warm,
                "warmup_invocations_per_request": args.warmup,
                "rust_bootstrap": args.rust.display().to_string(),
                "full_cpu_measured": measured.full_cpu.is_some(),
            },
        });
        let mut markdown = String::new();
        let FullCpuReport {
            mut results,
            table,
            verdicts,
        } = match measured.full_cpu {
            Some(full) => full_cpu::report(args, meta, full, build)?,
            None => FullCpuReport {
                results: json!({ "meta": meta }),
                table: String::new(),
                verdicts: Vec::new(),
            },
        };
        if !table.is_empty() {
            let _ = writeln!(markdown, "## At full CPU\n\n{table}\nTargets:\n");
            for verdict in &verdicts {
                let _ = writeln!(
                    markdown,
                    "- {} {}: {} (target {}; {})",
                    mark(verdict.met),
                    verdict.name,
                    verdict.value,
                    verdict.target,
                    verdict.margin
                );
            }
        }
        let mut memory_verdicts = Vec::new();
        if let (Some(at_memory), Some(plan)) = (&measured.by_memory, &args.memory) {
            results["by_memory"] = by_memory::to_json(at_memory, plan);
            memory_verdicts = by_memory::verdicts(at_memory);
            results["by_memory"]["targets_128mb"] =
                memory_verdicts.iter().map(MemoryVerdict::to_json).collect();
            let _ = writeln!(
                markdown,
                "\n## At Lambda's memory sizes\n{}{}\nTargets at 128 MB:\n",
                by_memory::markdown(at_memory),
                by_memory::availability_markdown(at_memory)
            );
            for verdict in &memory_verdicts {
                let _ = writeln!(
                    markdown,
                    "- {} {}: {} (target {})",
                    mark(verdict.met),
                    verdict.name,
                    verdict.value,
                    verdict.target
                );
            }
        }
        Ok(Self {
            results,
            markdown,
            verdicts,
            memory_verdicts,
        })
    }

    pub fn write(&self, out: &Path) -> Result<(), String> {
        std::fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
        let json_path = out.join("results.json");
        let text = serde_json::to_string_pretty(&self.results).map_err(|e| e.to_string())?;
        std::fs::write(&json_path, text + "\n")
            .map_err(|e| format!("{}: {e}", json_path.display()))?;
        let md_path = out.join("results.md");
        std::fs::write(&md_path, &self.markdown).map_err(|e| format!("{}: {e}", md_path.display()))
    }

    pub fn print(&self, load: &LoadChecks, start: &RunStart) {
        println!("{}", self.markdown);
        let missed = self
            .verdicts
            .iter()
            .map(|v| v.met)
            .chain(self.memory_verdicts.iter().map(|v| v.met))
            .filter(|met| *met == Some(false))
            .count();
        println!("targets missed: {missed}");
        if !load.quiet() {
            println!("note: compilers were running during the run; repeat on a quiet machine");
        }
        println!(
            "wrote results.json and results.md in {:.0} s",
            start.instant.elapsed().as_secs_f64()
        );
    }
}

fn mark(met: Option<bool>) -> &'static str {
    match met {
        Some(true) => "✅",
        Some(false) => "❌ MISSED",
        None => "–",
    }
}
