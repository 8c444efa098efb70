//! The CPU load around a run: compilers running meanwhile would slow whichever function is measured.

use crate::procfs;
use crate::progress::progress;
use serde_json::{Value, json};

/// The load and the compilers running at each stage of a run.
#[derive(Debug, Default)]
pub struct LoadChecks {
    pub checks: Vec<Value>,
}

impl LoadChecks {
    pub fn check(&mut self, stage: &str) {
        let compilers = procfs::running(&["rustc", "cc1", "cc1plus", "ld", "zig"]);
        let load = procfs::load_average();
        if compilers > 0 {
            progress(&format!(
                "warning: {compilers} compiler process(es) running at {stage}; the figures may be skewed"
            ));
        }
        self.checks
            .push(json!({"stage": stage, "compilers_running": compilers, "load_1m": load}));
    }

    pub fn quiet(&self) -> bool {
        self.checks
            .iter()
            .all(|c| c["compilers_running"].as_u64() == Some(0))
    }
}
