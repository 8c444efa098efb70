//! The real `aws-sdk-connect` client (the one the Lambda uses) against the emulator:
//! signing, response parsing, modelled errors, retries with the same ClientToken.

use std::time::Duration;

use crate::common::start;
use aws_credential_types::Credentials;
use aws_sdk_connect::config::Region;
use aws_sdk_connect::error::ProvideErrorMetadata;
use aws_sdk_connect::types::{ChatMessage, ConnectionType, ParticipantDetails};
use connect_emulator::{
    ConnectErrorKind, Emulator, EmulatorConfig, Fault, LOCAL_ACCESS_KEY_ID, LOCAL_DEFAULT_FLOW_ID,
    LOCAL_INSTANCE_ID, LOCAL_SECRET_ACCESS_KEY,
};

fn client(emulator: &Emulator, session_token: Option<&str>) -> aws_sdk_connect::Client {
    let config = aws_sdk_connect::Config::builder()
        .behavior_version_latest()
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new(
            LOCAL_ACCESS_KEY_ID,
            LOCAL_SECRET_ACCESS_KEY,
            session_token.map(str::to_owned),
            None,
            "test",
        ))
        .endpoint_url(emulator.endpoint_url())
        .build();
    aws_sdk_connect::Client::from_conf(config)
}

fn request(
    client: &aws_sdk_connect::Client,
) -> aws_sdk_connect::operation::start_chat_contact::builders::StartChatContactFluentBuilder {
    client
        .start_chat_contact()
        .instance_id(LOCAL_INSTANCE_ID)
        .contact_flow_id(LOCAL_DEFAULT_FLOW_ID)
        .participant_details(
            ParticipantDetails::builder()
                .display_name("Customer Carla")
                .build()
                .expect("a complete builder"),
        )
}

#[tokio::test]
async fn the_sdk_starts_a_chat_with_temporary_credentials() {
    let mut config = EmulatorConfig::local();
    config.credentials.session_token = Some("FwoGZXIvYXdzEXAMPLE".into());
    let emulator = start(config).await;
    let output = request(&client(&emulator, Some("FwoGZXIvYXdzEXAMPLE")))
        .attributes("customerName", "Carla")
        .initial_message(
            ChatMessage::builder()
                .content_type("text/plain")
                .content("hello")
                .build()
                .expect("a complete builder"),
        )
        .connection_types(ConnectionType::ConnectionCredentials)
        .connection_types(ConnectionType::Websocket)
        .send()
        .await
        .expect("the call succeeds");
    assert_eq!(output.contact_id().expect("a ContactId").len(), 36);
    assert!(
        output
            .participant_token()
            .expect("a ParticipantToken")
            .len()
            > 300
    );
    assert!(
        output
            .connection_credentials()
            .expect("ConnectionCredentials")
            .expiry()
            .expect("an Expiry")
            .ends_with('Z')
    );
    assert!(
        output
            .websocket()
            .expect("a Websocket")
            .url()
            .expect("a Url")
            .starts_with("ws://127.0.0.1:")
    );
    assert!(emulator.requests().iter().all(|r| r.signature_valid));
    // The SDK filled in a ClientToken.
    assert!(emulator.start_chat_calls()[0].body["ClientToken"].is_string());
}

#[tokio::test]
async fn the_sdk_maps_modelled_errors() {
    let emulator = start(EmulatorConfig::local()).await;
    let client = client(&emulator, None);

    emulator.inject(Fault::Error(ConnectErrorKind::InvalidParameter));
    let error = request(&client)
        .send()
        .await
        .expect_err("an error answer")
        .into_service_error();
    assert!(error.is_invalid_parameter_exception(), "{error:?}");

    let error = request(&client)
        .contact_flow_id("nope")
        .send()
        .await
        .expect_err("an error answer")
        .into_service_error();
    assert!(error.is_resource_not_found_exception(), "{error:?}");

    let error = request(&client)
        .supported_messaging_content_types("text/markdown")
        .send()
        .await
        .expect_err("an error answer")
        .into_service_error();
    assert!(error.is_invalid_request_exception(), "{error:?}");

    emulator.inject(Fault::Error(ConnectErrorKind::AccessDenied));
    let error = request(&client)
        .send()
        .await
        .expect_err("an error answer")
        .into_service_error();
    assert_eq!(error.code(), Some("AccessDeniedException"));
}

#[tokio::test]
async fn the_sdk_refuses_a_wrong_secret() {
    let emulator = start(EmulatorConfig::local()).await;
    let config = aws_sdk_connect::Config::builder()
        .behavior_version_latest()
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new(
            LOCAL_ACCESS_KEY_ID,
            "wrong",
            None,
            None,
            "test",
        ))
        .endpoint_url(emulator.endpoint_url())
        .build();
    let error = request(&aws_sdk_connect::Client::from_conf(config))
        .send()
        .await
        .expect_err("an error answer")
        .into_service_error();
    assert_eq!(error.code(), Some("InvalidSignatureException"));
}

#[tokio::test]
async fn the_sdk_retries_throttling_and_dropped_connections_with_one_client_token() {
    let emulator = start(EmulatorConfig::local()).await;
    let client = client(&emulator, None);
    emulator.inject(Fault::Error(ConnectErrorKind::Throttling));
    emulator.inject(Fault::DropConnection);
    let output = tokio::time::timeout(Duration::from_secs(20), request(&client).send())
        .await
        .expect("the retries finish in time")
        .expect("a retry succeeds");
    let calls = emulator.start_chat_calls();
    assert_eq!(calls.len(), 3, "{calls:?}");
    assert_eq!(calls[0].status, 429);
    assert_eq!(calls[1].status, 0);
    assert_eq!(calls[2].status, 200);
    let token = &calls[0].body["ClientToken"];
    assert!(calls.iter().all(|c| &c.body["ClientToken"] == token));
    assert_eq!(calls[2].contact_id.as_deref(), output.contact_id());
    assert_eq!(emulator.chats().len(), 1);
}

#[tokio::test]
async fn the_sdk_recovers_a_lost_answer_without_a_second_chat() {
    let emulator = start(EmulatorConfig::local()).await;
    let client = client(&emulator, None);
    emulator.inject(Fault::ResetAfterProcessing);
    let output = tokio::time::timeout(Duration::from_secs(20), request(&client).send())
        .await
        .expect("the retry finishes in time")
        .expect("the retry succeeds");
    let calls = emulator.start_chat_calls();
    assert_eq!(calls.len(), 2, "{calls:?}");
    assert_eq!(calls[0].fault, Some(Fault::ResetAfterProcessing));
    assert!(!calls[0].idempotent_replay && calls[1].idempotent_replay);
    assert_eq!(calls[0].client_token, calls[1].client_token);
    assert_eq!(calls[0].contact_id.as_deref(), output.contact_id());
    assert_eq!(emulator.chats().len(), 1, "one chat for both attempts");
}

#[tokio::test]
async fn the_sdk_surfaces_an_unusable_200_as_it_comes() {
    let emulator = start(EmulatorConfig::local()).await;
    let client = client(&emulator, None);
    emulator.inject(Fault::MalformedBody);
    let error = request(&client)
        .send()
        .await
        .expect_err("a body that is not JSON cannot be read");
    // An "unhandled" service error without a code: the caller must not take it for a chat.
    let error = error.into_service_error();
    assert!(error.meta().code().is_none(), "{error:?}");
    assert_eq!(
        emulator.chats().len(),
        1,
        "the chat was started all the same"
    );
    emulator.inject(Fault::MissingParticipantToken);
    let output = request(&client)
        .send()
        .await
        .expect("the SDK does not check for a ParticipantToken");
    assert!(output.participant_token().is_none());
    assert!(output.contact_id().is_some());
    assert_eq!(emulator.chats().len(), 2);
}
