//! Logs and metrics. Both are written to stdout, where Lambda sends them to CloudWatch Logs, after the
//! response (see [`output`]).
//!
//! Only this crate's events reach the log at the configured level; every other crate (the AWS SDK, hyper,
//! the Lambda runtime) is capped at WARN, because their debug and trace events can carry request and
//! response bodies, and so tokens and personal data.

mod metrics;
pub mod output;
mod record;
mod request_log;

pub use metrics::Metrics;
pub use output::HoldOutputLayer;
pub use record::{RequestMetric, RequestRecord, RequestResult};

use tracing::level_filters::LevelFilter;
use tracing_subscriber::filter::Targets;
use tracing_subscriber::prelude::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// One JSON object per line (the default, and what Lambda's JSON log format expects).
    Json,
    /// Human-readable lines, when `AWS_LAMBDA_LOG_FORMAT=Text`.
    Text,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogSettings {
    pub level: LevelFilter,
    pub format: LogFormat,
}

impl Default for LogSettings {
    fn default() -> Self {
        Self {
            level: LevelFilter::INFO,
            format: LogFormat::Json,
        }
    }
}

/// The filter: our crate at the configured level, everything else at WARN at most.
pub fn log_filter(level: LevelFilter) -> Targets {
    Targets::new()
        .with_target(env!("CARGO_CRATE_NAME"), level)
        .with_default(level.min(LevelFilter::WARN))
}

/// Installs the global subscriber. Called once, first thing in `main`.
pub fn init_logging(settings: LogSettings) {
    let filter = log_filter(settings.level);
    let layer = tracing_subscriber::fmt::layer()
        .with_writer(output::StdoutLines)
        .with_ansi(false)
        .with_target(false);
    // A second initialisation (only possible in tests) keeps the first subscriber.
    let _ = match settings.format {
        LogFormat::Json => tracing_subscriber::registry()
            .with(
                layer
                    .json()
                    .flatten_event(true)
                    .with_current_span(false)
                    .with_span_list(false)
                    .with_filter(filter),
            )
            .try_init(),
        LogFormat::Text => tracing_subscriber::registry()
            .with(layer.with_filter(filter))
            .try_init(),
    };
}
