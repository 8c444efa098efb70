//! The logs' and metrics' variables: the level, Lambda's log format, the CloudWatch namespace.

use super::env::{ConfigError, Env, problem};
use crate::telemetry::{LogFormat, LogSettings};
use tracing::level_filters::LevelFilter;

pub const DEFAULT_METRICS_NAMESPACE: &str = "StartChat";

impl<F: Fn(&str) -> Option<String>> Env<F> {
    pub(super) fn log_settings(&self) -> Result<LogSettings, ConfigError> {
        Ok(LogSettings {
            level: self.log_level()?,
            format: self.log_format()?,
        })
    }

    /// `LOG_LEVEL`, else Lambda's `AWS_LAMBDA_LOG_LEVEL` (set by the function's logging configuration).
    fn log_level(&self) -> Result<LevelFilter, ConfigError> {
        let (variable, value) = match (self.get("LOG_LEVEL"), self.get("AWS_LAMBDA_LOG_LEVEL")) {
            (Some(value), _) => ("LOG_LEVEL", value),
            (None, Some(value)) => ("AWS_LAMBDA_LOG_LEVEL", value),
            (None, None) => return Ok(LevelFilter::INFO),
        };
        match value.to_ascii_lowercase().as_str() {
            "trace" => Ok(LevelFilter::TRACE),
            "debug" => Ok(LevelFilter::DEBUG),
            "info" => Ok(LevelFilter::INFO),
            "warn" | "warning" => Ok(LevelFilter::WARN),
            "error" | "fatal" => Ok(LevelFilter::ERROR),
            "off" => Ok(LevelFilter::OFF),
            _ => Err(problem(
                variable,
                format!("'{value}' is not one of error, warn, info, debug, trace"),
            )),
        }
    }

    /// Lambda's `AWS_LAMBDA_LOG_FORMAT`: `JSON` (our default too) or `Text`.
    fn log_format(&self) -> Result<LogFormat, ConfigError> {
        match self
            .get("AWS_LAMBDA_LOG_FORMAT")
            .map(|v| v.to_ascii_lowercase())
            .as_deref()
        {
            None | Some("json") => Ok(LogFormat::Json),
            Some("text") => Ok(LogFormat::Text),
            Some(other) => Err(problem(
                "AWS_LAMBDA_LOG_FORMAT",
                format!("'{other}' is not JSON or Text"),
            )),
        }
    }

    pub(super) fn metrics_namespace(&self) -> Result<String, ConfigError> {
        const VARIABLE: &str = "METRICS_NAMESPACE";
        let namespace = self
            .get(VARIABLE)
            .unwrap_or_else(|| DEFAULT_METRICS_NAMESPACE.to_owned());
        let valid = namespace.len() <= 255
            && !namespace.starts_with(':')
            && namespace
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "._-/#:".contains(c));
        if valid {
            Ok(namespace)
        } else {
            Err(problem(
                VARIABLE,
                format!(
                    "'{namespace}' is not a CloudWatch namespace (letters, digits, . _ - / # :)"
                ),
            ))
        }
    }
}
