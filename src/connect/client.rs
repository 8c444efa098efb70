//! The SDK client, built once at cold start. Retries and timeouts are set so that the whole call, retries
//! included, ends well inside the widget's 5 s and API Gateway's 29 s.

use aws_config::BehaviorVersion;
use aws_config::stalled_stream_protection::StalledStreamProtectionConfig;
use aws_sdk_connect::config::retry::RetryConfig;
use aws_sdk_connect::config::timeout::TimeoutConfig;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectSettings {
    /// The whole StartChatContact call, retries included.
    pub api_timeout: Duration,
    /// Open the connection to Connect during init (see [`super::warm_connection`]).
    pub warm_connection: bool,
}

/// Three attempts in all: a throttled or failed call is retried twice, with jittered backoff from 50 ms.
const MAX_ATTEMPTS: u32 = 3;
const INITIAL_BACKOFF: Duration = Duration::from_millis(50);
const MAX_BACKOFF: Duration = Duration::from_millis(500);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(1);

impl ConnectSettings {
    /// One attempt may use half of the budget, so a hung attempt still leaves room for a retry.
    pub fn attempt_timeout(&self) -> Duration {
        self.api_timeout / 2
    }

    pub fn timeout_config(&self) -> TimeoutConfig {
        TimeoutConfig::builder()
            .connect_timeout(CONNECT_TIMEOUT.min(self.attempt_timeout()))
            .operation_attempt_timeout(self.attempt_timeout())
            .operation_timeout(self.api_timeout)
            .build()
    }

    pub fn retry_config(&self) -> RetryConfig {
        RetryConfig::standard()
            .with_max_attempts(MAX_ATTEMPTS)
            .with_initial_backoff(INITIAL_BACKOFF)
            .with_max_backoff(MAX_BACKOFF)
    }
}

/// Region, credentials and endpoint come from the environment exactly as for any AWS SDK: in Lambda, the
/// function role's temporary credentials; locally, `AWS_ENDPOINT_URL_CONNECT` points at the emulator.
pub async fn connect_client(settings: &ConnectSettings) -> Result<aws_sdk_connect::Client, String> {
    connect_client_with(aws_config::defaults(BehaviorVersion::latest()), settings).await
}

/// The same client from a loader the caller prepared (tests set the endpoint and credentials explicitly
/// instead of through the process environment).
pub async fn connect_client_with(
    loader: aws_config::ConfigLoader,
    settings: &ConnectSettings,
) -> Result<aws_sdk_connect::Client, String> {
    let sdk_config = loader
        .retry_config(settings.retry_config())
        .timeout_config(settings.timeout_config())
        // It watches the throughput of long uploads and downloads; StartChatContact's bodies are small
        // and the attempt timeout already bounds a stalled call. Off, it saves a timer and a body
        // wrapper on every request.
        .stalled_stream_protection(StalledStreamProtectionConfig::disabled())
        .load()
        .await;
    if sdk_config.region().is_none() {
        return Err(
            "AWS_REGION is not set: the SDK cannot tell which Amazon Connect endpoint to call"
                .into(),
        );
    }
    Ok(aws_sdk_connect::Client::new(&sdk_config))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_fit_inside_the_budget() {
        let settings = ConnectSettings {
            api_timeout: Duration::from_secs(4),
            warm_connection: true,
        };
        let timeouts = settings.timeout_config();
        assert_eq!(timeouts.operation_timeout(), Some(Duration::from_secs(4)));
        assert_eq!(
            timeouts.operation_attempt_timeout(),
            Some(Duration::from_secs(2))
        );
        assert_eq!(timeouts.connect_timeout(), Some(Duration::from_secs(1)));
        assert_eq!(settings.retry_config().max_attempts(), 3);
    }
}
