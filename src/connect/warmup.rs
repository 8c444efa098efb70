//! Opening the connection to Amazon Connect during init, without starting a chat.
//!
//! The first StartChatContact of a new execution environment would otherwise pay for DNS, TCP and TLS
//! while the customer waits; on the fraction of a vCPU a small function gets, the handshake's CPU would
//! also make the request wait for its next share of CPU (BENCHMARKS.md, "The first invocation").
//! During init Lambda runs the code at full speed and nobody is waiting, so we send one request there
//! through the same client, to the same scheme, host and port: the SDK's connection pool keeps the
//! connection and the first real call reuses it.
//!
//! The request is a signed `GET /ping`, a path that names no Connect operation: Connect answers an error,
//! starts nothing, and no StartChatContact quota is spent. It also loads and caches the credentials. It has
//! its own short timeout and no retries; whatever happens, init goes on.

use aws_sdk_connect::Client;
use aws_sdk_connect::config::http::HttpRequest;
use aws_sdk_connect::config::retry::RetryConfig;
use aws_sdk_connect::config::timeout::TimeoutConfig;
use aws_sdk_connect::error::SdkError;
use std::time::Duration;

pub const WARMUP_PATH: &str = "/ping";
const WARMUP_TIMEOUT: Duration = Duration::from_millis(1500);

/// Returns whether Connect's endpoint answered (any HTTP status), so a connection is now pooled.
pub async fn warm_connection(client: &Client) -> bool {
    let result = client
        .start_chat_contact()
        .customize()
        .config_override(
            aws_sdk_connect::config::Config::builder()
                .retry_config(RetryConfig::disabled())
                .timeout_config(
                    TimeoutConfig::builder()
                        .operation_timeout(WARMUP_TIMEOUT)
                        .build(),
                ),
        )
        .mutate_request(|request| {
            let endpoint = endpoint_root(request.uri()).to_owned();
            *request.body_mut() = HttpRequest::empty().into_body();
            let _ = request.set_method("GET");
            let _ = request.set_uri(format!("{endpoint}{WARMUP_PATH}"));
            request.headers_mut().remove("content-type");
            request.headers_mut().remove("content-length");
        })
        .send()
        .await;
    match result {
        Ok(_) | Err(SdkError::ServiceError(_)) => true,
        Err(error) => {
            tracing::debug!(error = %aws_sdk_connect::error::DisplayErrorContext(&error), "connection warm-up failed");
            false
        }
    }
}

/// `scheme://authority` of a URI, dropping the operation's path (and any base path of the endpoint).
fn endpoint_root(uri: &str) -> &str {
    let authority_start = uri.find("://").map_or(0, |index| index + 3);
    match uri[authority_start..].find('/') {
        Some(path_start) => &uri[..authority_start + path_start],
        None => uri,
    }
}

#[cfg(test)]
mod tests {
    use super::endpoint_root;

    #[test]
    fn the_root_keeps_scheme_host_and_port() {
        assert_eq!(
            endpoint_root("https://connect.eu-west-2.amazonaws.com/contact/chat"),
            "https://connect.eu-west-2.amazonaws.com"
        );
        assert_eq!(
            endpoint_root("http://127.0.0.1:4566/contact/chat?x=1"),
            "http://127.0.0.1:4566"
        );
        assert_eq!(
            endpoint_root("http://127.0.0.1:4566"),
            "http://127.0.0.1:4566"
        );
    }
}
