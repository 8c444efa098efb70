//! A function's process under the local Runtime API: started, waited for, stopped with its output kept
//! for the error message.

use crate::function::Function;
use local_runtime_api::LambdaProcess;
use std::time::Duration;

/// Waits for the function's first `/next`: its init time, and its pid for `/proc` readings.
pub async fn until_ready(process: &mut LambdaProcess) -> Result<(Duration, u32), String> {
    let init = process
        .wait_until_ready()
        .await
        .map_err(|e| format!("init failed: {e}"))?;
    let pid = process.pid().ok_or("the function has no pid")?;
    Ok((init, pid))
}

pub async fn spawn(function: &Function) -> Result<LambdaProcess, String> {
    LambdaProcess::spawn(&function.program, &function.env)
        .await
        .map_err(|e| {
            format!(
                "{}: cannot start {}: {e}",
                function.label,
                function.program.display()
            )
        })
}

/// Stops the process; on failure, adds the end of its output to the error.
pub async fn finish<T>(
    process: LambdaProcess,
    outcome: Result<T, String>,
    function: &Function,
) -> Result<T, String> {
    let output = process.stop().await;
    outcome.map_err(|error| {
        let tail: Vec<&String> = output
            .stdout
            .iter()
            .chain(&output.stderr)
            .rev()
            .take(10)
            .collect();
        let tail: Vec<&str> = tail.into_iter().rev().map(String::as_str).collect();
        format!(
            "{}: {error}\n  last output:\n    {}",
            function.label,
            tail.join("\n    ")
        )
    })
}
