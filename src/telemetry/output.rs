//! Where log and metric lines go: stdout, which Lambda sends to CloudWatch Logs.
//!
//! While an invocation runs, its lines (the request log line, any SDK warning, the metrics document) are
//! held in memory; they are written together, with one `write`, once the response has reached the
//! Runtime API and before the function asks for the next event. The customer never waits for a log
//! write, and Lambda still receives every line before the environment can be frozen. The price: if the process dies
//! mid-invocation (a panic aborts, a Lambda timeout kills it), that invocation's held lines are lost.

use lambda_runtime::tower::{Layer, Service};
use lambda_runtime::{BoxFuture, Error, LambdaInvocation};
use std::io::{self, Write};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll};
use tracing_subscriber::fmt::MakeWriter;

/// Past this many held bytes (debug or trace logging), lines are written at once instead of kept.
const HELD_BYTES_MAX: usize = 64 * 1024;

struct Held {
    holding: bool,
    bytes: Vec<u8>,
    limit: usize,
}

impl Held {
    /// Keeps `lines` while holding (and under the limit); otherwise writes what is kept, then `lines`.
    fn write(&mut self, lines: &[u8], out: &mut impl Write) -> io::Result<()> {
        if self.holding && self.bytes.len() + lines.len() <= self.limit {
            self.bytes.extend_from_slice(lines);
            return Ok(());
        }
        self.write_kept(out)?;
        out.write_all(lines)
    }

    fn release(&mut self, out: &mut impl Write) -> io::Result<()> {
        self.holding = false;
        self.write_kept(out)
    }

    fn write_kept(&mut self, out: &mut impl Write) -> io::Result<()> {
        if self.bytes.is_empty() {
            return Ok(());
        }
        let written = out.write_all(&self.bytes);
        self.bytes.clear();
        written
    }
}

static HELD: Mutex<Held> = Mutex::new(Held {
    holding: false,
    bytes: Vec::new(),
    limit: HELD_BYTES_MAX,
});

fn held() -> MutexGuard<'static, Held> {
    HELD.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Writes one or more whole lines, or holds them while an [`OutputHold`] is alive.
pub fn write_lines(lines: &[u8]) -> io::Result<()> {
    // Unlocked `Stdout`: it is locked only if something is actually written.
    held().write(lines, &mut io::stdout())
}

/// Holds every line written until it is dropped, then writes them in one piece.
#[must_use = "the output is written when the hold is dropped"]
pub struct OutputHold(());

impl OutputHold {
    pub fn begin() -> Self {
        held().holding = true;
        Self(())
    }
}

impl Drop for OutputHold {
    fn drop(&mut self) {
        // Nowhere to report a failed write to stdout; the lines are dropped either way.
        let _ = held().release(&mut io::stdout());
    }
}

/// The `tracing-subscriber` writer for log lines: each event arrives as one `write_all`.
#[derive(Debug, Clone, Copy, Default)]
pub struct StdoutLines;

impl Write for StdoutLines {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        write_lines(bytes)?;
        Ok(bytes.len())
    }

    fn write_all(&mut self, bytes: &[u8]) -> io::Result<()> {
        write_lines(bytes)
    }

    fn flush(&mut self) -> io::Result<()> {
        io::stdout().lock().flush()
    }
}

impl<'a> MakeWriter<'a> for StdoutLines {
    type Writer = StdoutLines;

    fn make_writer(&'a self) -> Self::Writer {
        *self
    }
}

/// The Lambda runtime layer that holds the output for the whole invocation: from the event's arrival
/// until the Runtime API has acknowledged the response (or the error).
#[derive(Debug, Clone, Copy, Default)]
pub struct HoldOutputLayer;

impl<S> Layer<S> for HoldOutputLayer {
    type Service = HoldOutput<S>;

    fn layer(&self, inner: S) -> Self::Service {
        HoldOutput { inner }
    }
}

#[derive(Debug, Clone)]
pub struct HoldOutput<S> {
    inner: S,
}

impl<S> Service<LambdaInvocation> for HoldOutput<S>
where
    S: Service<LambdaInvocation, Response = (), Error = Error>,
    S::Future: Send + 'static,
{
    type Response = ();
    type Error = Error;
    type Future = BoxFuture<'static, Result<(), Error>>;

    fn poll_ready(&mut self, context: &mut Context<'_>) -> Poll<Result<(), Error>> {
        self.inner.poll_ready(context)
    }

    fn call(&mut self, invocation: LambdaInvocation) -> Self::Future {
        let hold = OutputHold::begin();
        let answered = self.inner.call(invocation);
        Box::pin(async move {
            let result = answered.await;
            drop(hold);
            result
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn holding(limit: usize) -> Held {
        Held {
            holding: true,
            bytes: Vec::new(),
            limit,
        }
    }

    #[test]
    fn held_lines_are_written_together_on_release() {
        let mut held = holding(1024);
        let mut out = Vec::new();
        held.write(b"{\"log\":1}\n", &mut out)
            .expect("a write to memory");
        held.write(b"{\"_aws\":2}\n", &mut out)
            .expect("a write to memory");
        assert!(out.is_empty(), "nothing written while holding");
        held.release(&mut out).expect("a write to memory");
        assert_eq!(out, b"{\"log\":1}\n{\"_aws\":2}\n");
        assert!(held.bytes.is_empty());
        // After the release, lines go straight out.
        held.write(b"{\"next\":3}\n", &mut out)
            .expect("a write to memory");
        assert!(out.ends_with(b"{\"next\":3}\n") && held.bytes.is_empty());
    }

    #[test]
    fn past_the_limit_what_is_held_is_written_first_then_the_new_lines() {
        let mut held = holding(16);
        let mut out = Vec::new();
        held.write(b"0123456789\n", &mut out)
            .expect("a write to memory");
        held.write(b"abcdefghij\n", &mut out)
            .expect("a write to memory");
        assert_eq!(out, b"0123456789\nabcdefghij\n");
        assert!(held.bytes.is_empty() && held.holding);
    }

    // The only test that touches the process-wide hold.
    #[tokio::test]
    async fn the_layer_holds_the_output_until_the_invocation_is_answered() {
        let inner = lambda_runtime::service_fn(|_: LambdaInvocation| async {
            assert!(held().holding, "held while the invocation runs");
            Ok::<(), Error>(())
        });
        let invocation = LambdaInvocation {
            parts: http::Response::new(()).into_parts().0,
            body: Default::default(),
            context: Default::default(),
        };
        let answered = HoldOutputLayer.layer(inner).call(invocation).await;
        assert!(answered.is_ok());
        assert!(!held().holding, "released once answered");
        assert!(held().bytes.is_empty());
    }
}
