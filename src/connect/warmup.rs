//! Opening the connection to Amazon Connect during init, without starting a chat.
//!
//! The first StartChatContact of a new execution environment would otherwise pay for DNS, TCP and TLS
//! while the customer waits, and at 128 MB the TLS handshake alone is more CPU than a 20 ms period's
//! share, so the request would also wait for the next period (BENCHMARKS.md). During init Lambda runs the
//! code at full speed and nobody is waiting, so we send one request there through the same client, to
//! the same scheme, host and port: the SDK's connection pool keeps the connection and the first real
//! call reuses it.
//!
//! The request is a signed `GET /ping`, a path that names no Connect operation: Connect answers an error,
//! starts nothing, and no StartChatContact quota is spent. It also loads and caches the credentials. It has
//! its own short timeout and no retries; whatever happens, init goes on.
//!
//! Before it, a rehearsal runs one StartChatContact through the client's whole pipeline (serialisation,
//! endpoint, signing, retry strategy, parsing of a started chat) against a connector inside the process
//! that answers with a canned chat: nothing leaves the process. The first real request then runs code
//! that is already paged in and warm, instead of paying for it at a fraction of a CPU (BENCHMARKS.md,
//! "The first invocation").

use aws_sdk_connect::Client;
use aws_sdk_connect::config::http::{HttpRequest, HttpResponse};
use aws_sdk_connect::config::retry::RetryConfig;
use aws_sdk_connect::config::timeout::TimeoutConfig;
use aws_sdk_connect::error::SdkError;
use aws_sdk_connect::types::{
    ChatMessage, ConnectionType, DisconnectOnCustomerExitParticipantType, ParticipantDetails,
    SegmentAttributeValue,
};
use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpConnector,
};
use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_runtime_api::http::StatusCode;
use std::time::Duration;

pub const WARMUP_PATH: &str = "/ping";
const WARMUP_TIMEOUT: Duration = Duration::from_millis(1500);

/// Rehearses a StartChatContact inside the process, then opens the connection. Returns whether Connect's
/// endpoint answered (any HTTP status), so a connection is now pooled.
pub async fn warm_connection(client: &Client) -> bool {
    let rehearsed = rehearse_start_chat(client).await;
    tracing::debug!(rehearsed, "StartChatContact rehearsed");
    ping(client).await
}

/// A started chat as Connect answers it, every member filled; the values are placeholders.
const REHEARSAL_ANSWER: &str = r#"{"ContactId":"00000000-0000-4000-8000-000000000000","ParticipantId":"00000000-0000-4000-8000-000000000001","ParticipantToken":"rehearsal","ContinuedFromContactId":"00000000-0000-4000-8000-000000000002","ConnectionCredentials":{"ConnectionToken":"rehearsal","Expiry":"2000-01-01T00:00:00.000Z"},"Websocket":{"Url":"wss://rehearsal.invalid/","ConnectionExpiry":"2000-01-01T00:00:00.000Z"}}"#;
const REHEARSAL_ID: &str = "00000000-0000-4000-8000-000000000000";

/// The connector of the rehearsal: answers every request with [`REHEARSAL_ANSWER`], sends nothing.
#[derive(Debug, Clone, Copy)]
struct CannedChat;

impl HttpConnector for CannedChat {
    fn call(&self, _request: HttpRequest) -> HttpConnectorFuture {
        let response = StatusCode::try_from(200)
            .map(|status| HttpResponse::new(status, REHEARSAL_ANSWER.into()))
            .map_err(|error| ConnectorError::other(error.into(), None));
        HttpConnectorFuture::ready(response)
    }
}

impl HttpClient for CannedChat {
    fn http_connector(
        &self,
        _settings: &HttpConnectorSettings,
        _components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        SharedHttpConnector::new(*self)
    }
}

/// One StartChatContact with every member the adapter may set, answered by [`CannedChat`]. Returns
/// whether the client parsed the canned chat.
async fn rehearse_start_chat(client: &Client) -> bool {
    let Ok(participant) = ParticipantDetails::builder()
        .display_name("rehearsal")
        .build()
    else {
        return false;
    };
    let Ok(message) = ChatMessage::builder()
        .content_type("text/plain")
        .content("rehearsal")
        .build()
    else {
        return false;
    };
    let result = client
        .start_chat_contact()
        .instance_id(REHEARSAL_ID)
        .contact_flow_id(REHEARSAL_ID)
        .participant_details(participant)
        .attributes("rehearsal", "rehearsal")
        .initial_message(message)
        .supported_messaging_content_types("text/plain")
        .chat_duration_in_minutes(60)
        .client_token(REHEARSAL_ID)
        .related_contact_id(REHEARSAL_ID)
        .customer_id("rehearsal")
        .segment_attributes(
            "connect:Subtype",
            SegmentAttributeValue::builder()
                .value_string("connect:WebChat")
                .build(),
        )
        .disconnect_on_customer_exit(DisconnectOnCustomerExitParticipantType::Agent)
        .connection_types(ConnectionType::Websocket)
        .connection_types(ConnectionType::ConnectionCredentials)
        .customize()
        .config_override(aws_sdk_connect::config::Config::builder().http_client(CannedChat))
        .send()
        .await;
    match result {
        Ok(output) => output.participant_token.is_some(),
        Err(error) => {
            tracing::debug!(error = %aws_sdk_connect::error::DisplayErrorContext(&error), "StartChatContact rehearsal failed");
            false
        }
    }
}

/// The signed `GET /ping`.
async fn ping(client: &Client) -> bool {
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
    use super::{endpoint_root, rehearse_start_chat};
    use aws_sdk_connect::config::{BehaviorVersion, Credentials, Region};

    #[tokio::test]
    async fn the_rehearsal_parses_a_canned_chat_without_a_network() {
        let config = aws_sdk_connect::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("eu-west-2"))
            .credentials_provider(Credentials::new("AKID", "secret", None, None, "test"))
            // Nothing listens here: the rehearsal must not use it.
            .endpoint_url("http://127.0.0.1:9")
            .build();
        let client = aws_sdk_connect::Client::from_conf(config);
        assert!(rehearse_start_chat(&client).await);
    }

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
