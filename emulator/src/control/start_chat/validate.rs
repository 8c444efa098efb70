//! StartChatContact's own validation: member constraints first (all reported at once, as
//! `InvalidParameterException`), then the rules that span members (`InvalidRequestException`).

use serde_json::Value;

use super::attributes::{check_attributes, check_segment_value};
use super::request::StartChatRequest;
use crate::chat::item::{
    CHAT_MESSAGE_CONTENT_TYPES, INTERACTIVE, INTERACTIVE_RESPONSE, MESSAGING_CONTENT_TYPES,
};
use crate::http::aws_error::AwsError;
use crate::http::validation::Violations;
use crate::stores::faults::ConnectErrorKind;

const CONNECTION_TYPES: [&str; 4] = [
    "WEBSOCKET",
    "CONNECTION_CREDENTIALS",
    "AUTHENTICATION_SESSION",
    "WEBRTC_CONNECTION",
];
const REHYDRATION_TYPES: [&str; 2] = ["ENTIRE_PAST_SESSION", "FROM_SEGMENT"];
const RESPONSE_MODES: [&str; 2] = ["INCREMENTAL", "COMPLETE"];

fn invalid_parameter(message: String) -> AwsError {
    AwsError::connect(ConnectErrorKind::InvalidParameter, message)
}

fn invalid_request(message: &str) -> AwsError {
    AwsError::connect(ConnectErrorKind::InvalidRequest, message)
}

pub(crate) fn validate(request: &StartChatRequest) -> Result<(), AwsError> {
    let mut violations = Violations::default();
    violations.required("instanceId", request.instance_id.as_deref(), 1, 100);
    // The model sets no minimum length: an empty id is refused below as naming no flow.
    violations.required("contactFlowId", request.contact_flow_id.as_deref(), 0, 500);
    if request.contact_flow_id.as_deref() == Some("") {
        violations.other(
            "Value '' at 'contactFlowId' is not valid: ContactFlowId must name a flow of the instance"
                .to_owned(),
        );
    }
    match &request.participant_details {
        None => violations.not_null("participantDetails"),
        Some(details) => violations.required(
            "participantDetails.displayName",
            details.display_name.as_deref(),
            1,
            256,
        ),
    }
    if let Some(attributes) = &request.attributes {
        check_attributes(&mut violations, attributes);
    }
    // ResponseMode is optional: `ParticipantConfiguration: {}` is valid.
    if let Some(mode) = request.response_mode.as_deref() {
        violations.one_of(
            "participantConfiguration.responseMode",
            mode,
            &RESPONSE_MODES,
        );
    }
    if let Some(message) = &request.initial_message {
        violations.required(
            "initialMessage.contentType",
            message.content_type.as_deref(),
            1,
            100,
        );
        violations.required(
            "initialMessage.content",
            message.content.as_deref(),
            1,
            16_384,
        );
        if let Some(content_type) = message.content_type.as_deref().filter(|t| !t.is_empty()) {
            violations.one_of(
                "initialMessage.contentType",
                content_type,
                &CHAT_MESSAGE_CONTENT_TYPES,
            );
        }
    }
    violations.optional("clientToken", request.client_token.as_deref(), 0, 500);
    if let Some(minutes) = request.chat_duration_in_minutes {
        violations.range("chatDurationInMinutes", minutes, 60, 10_080);
    }
    if let Some(types) = &request.supported_messaging_content_types {
        for (index, content_type) in types.iter().enumerate() {
            let path = format!("supportedMessagingContentTypes.{}", index + 1);
            violations.length(&path, content_type, 1, 100);
            if !content_type.is_empty() {
                violations.one_of(&path, content_type, &MESSAGING_CONTENT_TYPES);
            }
        }
    }
    if let Some(persistent) = &request.persistent_chat {
        if let Some(rehydration) = persistent.rehydration_type.as_deref() {
            violations.one_of(
                "persistentChat.rehydrationType",
                rehydration,
                &REHYDRATION_TYPES,
            );
        }
        violations.optional(
            "persistentChat.sourceContactId",
            persistent.source_contact_id.as_deref(),
            1,
            256,
        );
    }
    violations.optional(
        "relatedContactId",
        request.related_contact_id.as_deref(),
        1,
        256,
    );
    if let Some(segment_attributes) = &request.segment_attributes {
        for (key, value) in segment_attributes {
            let path = format!("segmentAttributes.{key}");
            violations.length(&format!("{path}.key"), key, 1, 128);
            check_segment_value(&mut violations, &path, value, 0);
        }
    }
    violations.optional("customerId", request.customer_id.as_deref(), 1, 128);
    if let Some(participants) = &request.disconnect_on_customer_exit {
        if participants.len() != 1 {
            violations.other(format!(
                "Value at 'disconnectOnCustomerExit' failed to satisfy constraint: Member must have length equal to 1 (got {})",
                participants.len()
            ));
        }
        for (index, participant) in participants.iter().enumerate() {
            violations.one_of(
                &format!("disconnectOnCustomerExit.{}", index + 1),
                participant,
                &["AGENT"],
            );
        }
    }
    if let Some(types) = &request.connection_types {
        if types.is_empty() || types.len() > 2 {
            violations.other(format!(
                "Value at 'connectionTypes' failed to satisfy constraint: Member must have length between 1 and 2 (got {})",
                types.len()
            ));
        }
        for (index, connection_type) in types.iter().enumerate() {
            violations.one_of(
                &format!("connectionTypes.{}", index + 1),
                connection_type,
                &CONNECTION_TYPES,
            );
        }
    }
    if let Some(arn) = &request.chat_streaming_endpoint_arn {
        violations.required(
            "chatStreamingConfiguration.streamingEndpointArn",
            arn.as_deref(),
            1,
            350,
        );
    }
    if let Some(message) = violations.into_message() {
        return Err(invalid_parameter(message));
    }
    check_cross_member_rules(request)
}

fn check_cross_member_rules(request: &StartChatRequest) -> Result<(), AwsError> {
    let content_types: Vec<&str> = request
        .supported_messaging_content_types
        .as_deref()
        .map(|types| types.iter().map(String::as_str).collect())
        .unwrap_or_else(|| vec!["text/plain"]);
    if !content_types.contains(&"text/plain") {
        return Err(invalid_request(
            "SupportedMessagingContentTypes must contain text/plain.",
        ));
    }
    if request.related_contact_id.is_some() && request.persistent_chat.is_some() {
        return Err(invalid_request(
            "You cannot provide data for both RelatedContactId and PersistentChat.",
        ));
    }
    if let Some(persistent) = &request.persistent_chat
        && (persistent.rehydration_type.is_none() || persistent.source_contact_id.is_none())
    {
        return Err(invalid_request(
            "PersistentChat requires both RehydrationType and SourceContactId.",
        ));
    }
    let is_guide = request
        .segment_attributes
        .as_ref()
        .and_then(|attributes| attributes.get("connect:Subtype"))
        .and_then(|subtype| subtype.get("ValueString"))
        .and_then(Value::as_str)
        == Some("connect:Guide");
    if is_guide
        && !(content_types.contains(&INTERACTIVE) && content_types.contains(&INTERACTIVE_RESPONSE))
    {
        return Err(invalid_request(
            "SupportedMessagingContentTypes must contain application/vnd.amazonaws.connect.message.interactive and application/vnd.amazonaws.connect.message.interactive.response to set SegmentAttributes connect:Subtype to connect:Guide.",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(body: serde_json::Value) -> Result<(), AwsError> {
        validate(&StartChatRequest::parse(body.to_string().as_bytes()).unwrap())
    }

    fn minimal() -> serde_json::Value {
        serde_json::json!({"InstanceId": "i", "ContactFlowId": "f", "ParticipantDetails": {"DisplayName": "Ann"}})
    }

    fn with(key: &str, value: serde_json::Value) -> serde_json::Value {
        let mut body = minimal();
        body[key] = value;
        body
    }

    #[test]
    fn accepts_a_full_valid_request() {
        let mut body = minimal();
        body["Attributes"] = serde_json::json!({"customer-name_1": "Ann"});
        body["ParticipantConfiguration"] = serde_json::json!({"ResponseMode": "COMPLETE"});
        body["InitialMessage"] = serde_json::json!({"ContentType": "text/plain", "Content": "hi"});
        body["ClientToken"] = serde_json::json!("t");
        body["ChatDurationInMinutes"] = serde_json::json!(60);
        body["SupportedMessagingContentTypes"] = serde_json::json!([
            "text/markdown",
            "text/plain",
            INTERACTIVE,
            INTERACTIVE_RESPONSE
        ]);
        body["SegmentAttributes"] = serde_json::json!({"connect:Subtype": {"ValueString": "connect:Guide"}, "x": {"ValueMap": {"y": {"ValueList": [{"ValueInteger": 3}]}}}, "arn": {"ValueArn": "arn:aws:connect:us-east-1:1:x"}});
        body["CustomerId"] = serde_json::json!("c-1");
        body["DisconnectOnCustomerExit"] = serde_json::json!(["AGENT"]);
        body["ConnectionTypes"] = serde_json::json!(["WEBSOCKET", "CONNECTION_CREDENTIALS"]);
        body["ChatStreamingConfiguration"] =
            serde_json::json!({"StreamingEndpointArn": "arn:aws:sns:us-east-1:1:t"});
        check(body).unwrap();
    }

    #[test]
    fn member_constraints_are_invalid_parameter() {
        let long = |n: usize| "x".repeat(n);
        let cases = [
            serde_json::json!({}),
            with("InstanceId", serde_json::json!(long(101))),
            with("ParticipantDetails", serde_json::json!({"DisplayName": ""})),
            with("ParticipantDetails", serde_json::json!({})),
            with("Attributes", serde_json::json!({"bad key": "v"})),
            with(
                "Attributes",
                serde_json::json!({"a": long(20_000), "b": long(20_000)}),
            ),
            with(
                "ParticipantConfiguration",
                serde_json::json!({"ResponseMode": "FAST"}),
            ),
            with(
                "InitialMessage",
                serde_json::json!({"ContentType": "text/plain", "Content": ""}),
            ),
            with(
                "InitialMessage",
                serde_json::json!({"ContentType": "text/plain", "Content": long(16_385)}),
            ),
            with(
                "InitialMessage",
                serde_json::json!({"ContentType": "image/png", "Content": "x"}),
            ),
            with("ClientToken", serde_json::json!(long(501))),
            with("ChatDurationInMinutes", serde_json::json!(59)),
            with("ChatDurationInMinutes", serde_json::json!(10_081)),
            with(
                "SupportedMessagingContentTypes",
                serde_json::json!(["text/plain", "text/html"]),
            ),
            with(
                "PersistentChat",
                serde_json::json!({"RehydrationType": "ALL", "SourceContactId": "c"}),
            ),
            with(
                "SegmentAttributes",
                serde_json::json!({"k": {"ValueString": long(1025)}}),
            ),
            with(
                "SegmentAttributes",
                serde_json::json!({"k": {"ValueString": "a", "ValueInteger": 1}}),
            ),
            with("SegmentAttributes", serde_json::json!({"k": "v"})),
            with("CustomerId", serde_json::json!("")),
            with("DisconnectOnCustomerExit", serde_json::json!(["CUSTOMER"])),
            with(
                "DisconnectOnCustomerExit",
                serde_json::json!(["AGENT", "AGENT"]),
            ),
            with("ConnectionTypes", serde_json::json!([])),
            with(
                "ConnectionTypes",
                serde_json::json!(["WEBSOCKET", "CONNECTION_CREDENTIALS", "WEBSOCKET"]),
            ),
            with("ConnectionTypes", serde_json::json!(["SMOKE_SIGNALS"])),
            with("ChatStreamingConfiguration", serde_json::json!({})),
        ];
        for body in cases {
            let error = check(body.clone()).unwrap_err();
            assert_eq!(error.code, "InvalidParameterException", "{body}");
            assert_eq!(error.status, 400);
        }
    }

    #[test]
    fn what_the_model_allows_but_the_service_documents_otherwise() {
        // ResponseMode is optional.
        check(with("ParticipantConfiguration", serde_json::json!({}))).expect("accepted");
        // No minimum length in the model, and none cited; an empty id still names no flow.
        let error = check(with("ContactFlowId", serde_json::json!(""))).expect_err("refused");
        assert_eq!(error.code, "InvalidParameterException");
        assert!(!error.message.contains("length"), "{}", error.message);
        assert!(error.message.contains("contactFlowId"), "{}", error.message);
        // Every member is optional in the model, but a segment attribute carries a value.
        let error =
            check(with("SegmentAttributes", serde_json::json!({"k": {}}))).expect_err("refused");
        assert_eq!(error.code, "InvalidParameterException");
        assert!(error.message.contains("no value"), "{}", error.message);
        // ValueArn has no minimum length, but must be an ARN.
        let error = check(with(
            "SegmentAttributes",
            serde_json::json!({"k": {"ValueArn": ""}}),
        ))
        .expect_err("refused");
        assert!(error.message.contains("valid ARN"), "{}", error.message);
    }

    #[test]
    fn reports_every_violation_at_once() {
        let error = check(serde_json::json!({})).unwrap_err();
        assert!(
            error.message.starts_with("3 validation errors detected"),
            "{}",
            error.message
        );
        assert!(error.message.contains("'participantDetails'"));
    }

    #[test]
    fn cross_member_rules_are_invalid_request() {
        let cases = [
            with(
                "SupportedMessagingContentTypes",
                serde_json::json!(["text/markdown"]),
            ),
            {
                let mut body = with("RelatedContactId", serde_json::json!("c1"));
                body["PersistentChat"] =
                    serde_json::json!({"RehydrationType": "FROM_SEGMENT", "SourceContactId": "c0"});
                body
            },
            with(
                "PersistentChat",
                serde_json::json!({"SourceContactId": "c0"}),
            ),
            with(
                "SegmentAttributes",
                serde_json::json!({"connect:Subtype": {"ValueString": "connect:Guide"}}),
            ),
        ];
        for body in cases {
            let error = check(body.clone()).unwrap_err();
            assert_eq!(error.code, "InvalidRequestException", "{body}");
        }
    }

    #[test]
    fn attribute_budget_counts_bytes_not_characters() {
        // 4-byte characters: 8,193 of them are 32,772 bytes but far fewer than 32,767 characters.
        let value = "\u{1F600}".repeat(8_193);
        let error = check(with("Attributes", serde_json::json!({"k": value}))).unwrap_err();
        assert!(error.message.contains("32768"), "{}", error.message);
    }
}
