//! The facts a run's figures depend on, recorded with them: the machine (CPU model, cores, memory,
//! kernel, the CPUs the harness may use), the toolchains, and the source (git commit, and whether tracked
//! files were modified).

use crate::procfs;
use crate::stats::round;
use serde_json::{Value, json};
use std::process::Command;
use std::time::Instant;

/// When and from what a run started.
pub struct RunStart {
    pub at: String,
    pub instant: Instant,
    /// [`source`] at the start.
    pub source: Value,
}

impl RunStart {
    pub fn now() -> Self {
        Self {
            at: utc_now(),
            instant: Instant::now(),
            source: source(),
        }
    }
}

/// `2026-11-22T07:36:00Z`.
pub fn utc_now() -> String {
    connect_emulator::iso8601_utc(std::time::SystemTime::now())
}

/// The machine and toolchains; `node` only when the Node.js baseline is measured.
pub fn facts(node: bool) -> Value {
    json!({
        "cpu": procfs::cpu_model(),
        "cores": procfs::cpu_count(),
        "memory_gib": round(procfs::memory_total_gib(), 1),
        "kernel": procfs::kernel(),
        "cpus_allowed": procfs::allowed_cpus(),
        "rustc": command_output("rustc", &["--version"]),
        "node": if node { command_output("node", &["--version"]) } else { None },
    })
}

/// The commit of the working directory and whether tracked files differ from it. The run records in
/// `bench/runs/` do not count: the record of the run before is often not committed yet.
pub fn source() -> Value {
    let commit = command_output("git", &["rev-parse", "HEAD"]);
    let changes = command_output(
        "git",
        &[
            "status",
            "--porcelain",
            "--untracked-files=no",
            "--",
            ".",
            ":(exclude)bench/runs",
        ],
    );
    json!({
        "commit": commit,
        "dirty": commit.as_ref().and(changes.map(|lines| !lines.is_empty())),
    })
}

/// The trimmed standard output of a command that succeeded.
fn command_output(program: &str, args: &[&str]) -> Option<String> {
    let output = Command::new(program).args(args).output().ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_iso_8601() {
        let now = utc_now();
        assert_eq!(now.len(), 20, "{now}");
        assert!(now.starts_with("20") && now.ends_with('Z'));
    }

    #[test]
    fn commands_give_their_trimmed_output_or_nothing() {
        assert_eq!(
            command_output("sh", &["-c", "echo '  v1.2 '"]).as_deref(),
            Some("v1.2")
        );
        assert_eq!(command_output("sh", &["-c", "echo out; exit 3"]), None);
        assert_eq!(command_output("/nonexistent/program", &[]), None);
    }
}
