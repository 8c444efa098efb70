//! Reads the StartChatContact JSON body into typed members.
//!
//! A member of the wrong JSON type is a serialization error (400 `SerializationException`,
//! as the service's front end answers); `null` counts as absent.

use serde_json::{Map, Value};

use crate::control::members::{
    integer, object, serialization_error, string, string_list, string_map,
};
use crate::http::aws_error::AwsError;

#[derive(Debug, Default)]
pub(crate) struct ParticipantDetails {
    pub(crate) display_name: Option<String>,
}

#[derive(Debug, Default)]
pub(crate) struct ChatMessage {
    pub(crate) content_type: Option<String>,
    pub(crate) content: Option<String>,
}

#[derive(Debug, Default)]
pub(crate) struct PersistentChat {
    pub(crate) rehydration_type: Option<String>,
    pub(crate) source_contact_id: Option<String>,
}

#[derive(Debug, Default)]
pub(crate) struct StartChatRequest {
    pub(crate) instance_id: Option<String>,
    pub(crate) contact_flow_id: Option<String>,
    pub(crate) attributes: Option<Vec<(String, String)>>,
    pub(crate) participant_details: Option<ParticipantDetails>,
    pub(crate) response_mode: Option<String>,
    pub(crate) initial_message: Option<ChatMessage>,
    pub(crate) client_token: Option<String>,
    pub(crate) chat_duration_in_minutes: Option<i64>,
    pub(crate) supported_messaging_content_types: Option<Vec<String>>,
    pub(crate) persistent_chat: Option<PersistentChat>,
    pub(crate) related_contact_id: Option<String>,
    /// Kept as JSON: its values are a recursive union checked by the validator.
    pub(crate) segment_attributes: Option<Map<String, Value>>,
    pub(crate) customer_id: Option<String>,
    pub(crate) disconnect_on_customer_exit: Option<Vec<String>>,
    pub(crate) connection_types: Option<Vec<String>>,
    /// `Some(arn)` when ChatStreamingConfiguration is present (the ARN itself may be missing).
    pub(crate) chat_streaming_endpoint_arn: Option<Option<String>>,
}

impl StartChatRequest {
    pub(crate) fn parse(body: &[u8]) -> Result<Self, AwsError> {
        let value: Value = if body.iter().all(u8::is_ascii_whitespace) {
            Value::Object(Map::new())
        } else {
            serde_json::from_slice(body).map_err(|e| {
                serialization_error(format!("The request body is not valid JSON: {e}"))
            })?
        };
        let Value::Object(root) = value else {
            return Err(serialization_error(
                "The request body must be a JSON object.".to_owned(),
            ));
        };

        let participant_details = object(&root, "ParticipantDetails")?
            .map(|details| {
                Ok::<_, AwsError>(ParticipantDetails {
                    display_name: string(details, "DisplayName")?,
                })
            })
            .transpose()?;
        let participant_configuration = object(&root, "ParticipantConfiguration")?;
        let initial_message = object(&root, "InitialMessage")?
            .map(|message| {
                Ok::<_, AwsError>(ChatMessage {
                    content_type: string(message, "ContentType")?,
                    content: string(message, "Content")?,
                })
            })
            .transpose()?;
        let persistent_chat = object(&root, "PersistentChat")?
            .map(|persistent| {
                Ok::<_, AwsError>(PersistentChat {
                    rehydration_type: string(persistent, "RehydrationType")?,
                    source_contact_id: string(persistent, "SourceContactId")?,
                })
            })
            .transpose()?;
        let chat_streaming_endpoint_arn = object(&root, "ChatStreamingConfiguration")?
            .map(|streaming| string(streaming, "StreamingEndpointArn"))
            .transpose()?;

        Ok(StartChatRequest {
            instance_id: string(&root, "InstanceId")?,
            contact_flow_id: string(&root, "ContactFlowId")?,
            attributes: string_map(&root, "Attributes")?,
            participant_details,
            response_mode: participant_configuration
                .map(|config| string(config, "ResponseMode"))
                .transpose()?
                .flatten(),
            initial_message,
            client_token: string(&root, "ClientToken")?,
            chat_duration_in_minutes: integer(&root, "ChatDurationInMinutes")?,
            supported_messaging_content_types: string_list(
                &root,
                "SupportedMessagingContentTypes",
            )?,
            persistent_chat,
            related_contact_id: string(&root, "RelatedContactId")?,
            segment_attributes: object(&root, "SegmentAttributes")?.cloned(),
            customer_id: string(&root, "CustomerId")?,
            disconnect_on_customer_exit: string_list(&root, "DisconnectOnCustomerExit")?,
            connection_types: string_list(&root, "ConnectionTypes")?,
            chat_streaming_endpoint_arn,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_members_and_treats_null_as_absent() {
        let request = StartChatRequest::parse(
            br#"{"InstanceId":"i","ContactFlowId":null,"ParticipantDetails":{"DisplayName":"Ann"},
                "Attributes":{"a":"1"},"ChatDurationInMinutes":90,"ConnectionTypes":["WEBSOCKET"],
                "ChatStreamingConfiguration":{}}"#,
        )
        .unwrap();
        assert_eq!(request.instance_id.as_deref(), Some("i"));
        assert_eq!(request.contact_flow_id, None);
        assert_eq!(
            request.participant_details.unwrap().display_name.as_deref(),
            Some("Ann")
        );
        assert_eq!(
            request.attributes.unwrap(),
            vec![("a".to_owned(), "1".to_owned())]
        );
        assert_eq!(request.chat_duration_in_minutes, Some(90));
        assert_eq!(request.chat_streaming_endpoint_arn, Some(None));
    }

    #[test]
    fn wrong_types_are_serialization_errors() {
        for body in [
            &b"{"[..],
            b"[]",
            br#"{"InstanceId":1}"#,
            br#"{"Attributes":{"a":1}}"#,
            br#"{"ChatDurationInMinutes":60.5}"#,
            br#"{"ConnectionTypes":"WEBSOCKET"}"#,
            br#"{"ParticipantDetails":"Ann"}"#,
            b"\xff\xfe",
        ] {
            let error = StartChatRequest::parse(body).unwrap_err();
            assert_eq!(
                error.code,
                "SerializationException",
                "{}",
                String::from_utf8_lossy(body)
            );
        }
        assert!(StartChatRequest::parse(b"  ").is_ok());
    }
}
