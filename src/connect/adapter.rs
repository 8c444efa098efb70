//! Command in, StartChatContact out, answer back into the domain's [`StartedChat`].

use super::errors::classify;
use crate::chat::{
    ChatStarter, ConnectFailure, ConnectFailureKind, ConnectionCredentials, ConnectionType,
    RehydrationType, ResponseMode, Secret, SegmentValue, StartChatCommand, StartedChat,
    WebsocketDetails,
};
use aws_sdk_connect::Client;
use aws_sdk_connect::operation::start_chat_contact::StartChatContactOutput;
use aws_sdk_connect::types;
use std::collections::HashMap;

/// The production [`ChatStarter`]: one SDK client, shared by every request of the execution environment.
#[derive(Debug, Clone)]
pub struct SdkChatStarter {
    client: Client,
}

impl SdkChatStarter {
    pub fn new(client: Client) -> Self {
        Self { client }
    }
}

impl ChatStarter for SdkChatStarter {
    async fn start_chat(&self, command: &StartChatCommand) -> Result<StartedChat, ConnectFailure> {
        let mut call = self
            .client
            .start_chat_contact()
            .instance_id(command.instance_id())
            .contact_flow_id(command.contact_flow_id())
            .participant_details(
                types::ParticipantDetails::builder()
                    .display_name(command.display_name())
                    .build()
                    .map_err(|_| ConnectFailure::new(ConnectFailureKind::InvalidResponse))?,
            )
            .set_supported_messaging_content_types(Some(
                command
                    .supported_messaging_content_types()
                    .iter()
                    .map(|content_type| content_type.as_str().to_owned())
                    .collect(),
            ))
            .chat_duration_in_minutes(command.chat_duration_minutes())
            .set_related_contact_id(command.related_contact_id().map(str::to_owned))
            .set_customer_id(command.customer_id().map(str::to_owned))
            // The browser's token, when it sent one, so that its retry does not start a second chat.
            // Without one the SDK generates a token that covers the SDK's own retries.
            .set_client_token(command.client_token().map(str::to_owned));
        if !command.attributes().is_empty() {
            call = call.set_attributes(Some(
                command
                    .attributes()
                    .iter()
                    .map(|(key, value)| (key.clone(), value.clone()))
                    .collect(),
            ));
        }
        if let Some(message) = command.initial_message() {
            call = call.initial_message(
                types::ChatMessage::builder()
                    .content_type(message.content_type.as_str())
                    .content(&message.content)
                    .build()
                    .map_err(|_| ConnectFailure::new(ConnectFailureKind::InvalidResponse))?,
            );
        }
        if let Some(persistent) = command.persistent_chat() {
            let rehydration = match persistent.rehydration_type {
                RehydrationType::EntirePastSession => types::RehydrationType::EntirePastSession,
                RehydrationType::FromSegment => types::RehydrationType::FromSegment,
            };
            call = call.persistent_chat(
                types::PersistentChat::builder()
                    .rehydration_type(rehydration)
                    .source_contact_id(&persistent.source_contact_id)
                    .build(),
            );
        }
        if !command.segment_attributes().is_empty() {
            call = call.set_segment_attributes(Some(segment_map(command.segment_attributes())));
        }
        if command.disconnect_agent_on_customer_exit() {
            call = call
                .disconnect_on_customer_exit(types::DisconnectOnCustomerExitParticipantType::Agent);
        }
        if let Some(mode) = command.response_mode() {
            call = call.participant_configuration(
                types::ParticipantConfiguration::builder()
                    .response_mode(match mode {
                        ResponseMode::Complete => types::ResponseMode::Complete,
                        ResponseMode::Incremental => types::ResponseMode::Incremental,
                    })
                    .build(),
            );
        }
        for connection_type in command.connection_types() {
            call = call.connection_types(match connection_type {
                ConnectionType::Websocket => types::ConnectionType::Websocket,
                ConnectionType::ConnectionCredentials => {
                    types::ConnectionType::ConnectionCredentials
                }
            });
        }

        let output = call.send().await.map_err(classify)?;
        started_chat(output)
    }
}

fn segment_map(
    map: &std::collections::BTreeMap<String, SegmentValue>,
) -> HashMap<String, types::SegmentAttributeValue> {
    map.iter()
        .map(|(key, value)| (key.clone(), segment_value(value)))
        .collect()
}

fn segment_value(value: &SegmentValue) -> types::SegmentAttributeValue {
    let builder = types::SegmentAttributeValue::builder();
    match value {
        SegmentValue::String(text) => builder.value_string(text),
        SegmentValue::Integer(number) => builder.value_integer(*number),
        SegmentValue::Arn(arn) => builder.value_arn(arn),
        SegmentValue::Map(map) => builder.set_value_map(Some(segment_map(map))),
        SegmentValue::List(items) => {
            builder.set_value_list(Some(items.iter().map(segment_value).collect()))
        }
    }
    .build()
}

fn started_chat(output: StartChatContactOutput) -> Result<StartedChat, ConnectFailure> {
    let missing = |member: &str| ConnectFailure {
        message: Some(format!("StartChatContact answered without {member}")),
        ..ConnectFailure::new(ConnectFailureKind::InvalidResponse)
    };
    Ok(StartedChat {
        contact_id: output.contact_id.ok_or_else(|| missing("ContactId"))?,
        participant_id: output
            .participant_id
            .ok_or_else(|| missing("ParticipantId"))?,
        participant_token: output
            .participant_token
            .map(Secret::new)
            .ok_or_else(|| missing("ParticipantToken"))?,
        continued_from_contact_id: output.continued_from_contact_id,
        connection_credentials: output.connection_credentials.and_then(|credentials| {
            Some(ConnectionCredentials {
                connection_token: Secret::new(credentials.connection_token?),
                expiry: credentials.expiry,
            })
        }),
        websocket: output.websocket.and_then(|websocket| {
            Some(WebsocketDetails {
                url: Secret::new(websocket.url?),
                connection_expiry: websocket.connection_expiry,
            })
        }),
    })
}
