//! How a variable is read: trimmed, empty as unset, lists comma-separated, booleans and numbers strict;
//! and the one error every area reports, naming the variable.

use std::fmt;
use std::ops::RangeInclusive;

/// A variable with an unusable value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub variable: &'static str,
    pub problem: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.variable, self.problem)
    }
}

impl std::error::Error for ConfigError {}

pub(super) fn problem(variable: &'static str, problem: impl Into<String>) -> ConfigError {
    ConfigError {
        variable,
        problem: problem.into(),
    }
}

/// The environment, read through a lookup function (the process environment, or a test's map).
pub(super) struct Env<F>(pub(super) F);

impl<F: Fn(&str) -> Option<String>> Env<F> {
    pub(super) fn get(&self, variable: &str) -> Option<String> {
        (self.0)(variable)
            .map(|value| value.trim().to_owned())
            .filter(|value| !value.is_empty())
    }

    /// A comma-separated list; blanks around items are ignored, empty items are errors.
    pub(super) fn list(&self, variable: &'static str) -> Result<Vec<String>, ConfigError> {
        let Some(value) = self.get(variable) else {
            return Ok(Vec::new());
        };
        value
            .split(',')
            .map(|item| {
                let item = item.trim();
                if item.is_empty() {
                    Err(problem(
                        variable,
                        "has an empty item in its comma-separated list",
                    ))
                } else {
                    Ok(item.to_owned())
                }
            })
            .collect()
    }

    pub(super) fn required(&self, variable: &'static str) -> Result<String, ConfigError> {
        self.get(variable).ok_or_else(|| {
            problem(
                variable,
                "is required (the id at the end of the resource's ARN, a UUID)",
            )
        })
    }

    pub(super) fn boolean(
        &self,
        variable: &'static str,
        default: bool,
    ) -> Result<bool, ConfigError> {
        match self
            .get(variable)
            .map(|value| value.to_ascii_lowercase())
            .as_deref()
        {
            None => Ok(default),
            Some("true") => Ok(true),
            Some("false") => Ok(false),
            Some(other) => Err(problem(variable, format!("'{other}' is not true or false"))),
        }
    }

    pub(super) fn number(
        &self,
        variable: &'static str,
        default: u64,
        range: RangeInclusive<u64>,
    ) -> Result<u64, ConfigError> {
        let Some(value) = self.get(variable) else {
            return Ok(default);
        };
        match value.parse::<u64>() {
            Ok(number) if range.contains(&number) => Ok(number),
            _ => Err(problem(
                variable,
                format!(
                    "'{value}' is not a whole number from {} to {}",
                    range.start(),
                    range.end()
                ),
            )),
        }
    }
}
