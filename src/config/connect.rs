//! The Connect call's variables: its time budget and the init warm-up.

use super::env::{ConfigError, Env};
use crate::connect::{API_TIMEOUT_MS_RANGE, ConnectSettings, DEFAULT_API_TIMEOUT};
use std::time::Duration;

impl<F: Fn(&str) -> Option<String>> Env<F> {
    pub(super) fn connect_settings(&self) -> Result<ConnectSettings, ConfigError> {
        Ok(ConnectSettings {
            api_timeout: Duration::from_millis(self.number(
                "CONNECT_API_TIMEOUT_MS",
                DEFAULT_API_TIMEOUT.as_millis() as u64,
                API_TIMEOUT_MS_RANGE,
            )?),
            warm_connection: self.boolean("WARM_CONNECTION", true)?,
        })
    }
}
