//! Runs a Lambda `bootstrap` the way Lambda does, on 127.0.0.1, for tests and benchmarks: a minimal
//! [Runtime API](https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html) (`/next`, `/response`,
//! `/error`, `/init/error`) and the process started with `AWS_LAMBDA_RUNTIME_API` pointing at it.
//!
//! ```no_run
//! # async fn demo() -> Result<(), local_runtime_api::RuntimeError> {
//! let mut function = local_runtime_api::LambdaProcess::spawn("target/release/start-chat", &[("LOG_LEVEL", "info")]).await?;
//! let init = function.wait_until_ready().await?;           // spawn → first /next poll
//! let reply = function.invoke(br#"{"version":"2.0"}"#.to_vec()).await?;
//! let output = function.stop().await;                       // stdout lines, exit status
//! # Ok(()) }
//! ```

mod api;
mod process;

pub use process::{Invocation, InvocationOutcome, LambdaProcess, ProcessOutput, RuntimeError};
