//! Every sample event of `events/`, through the handler, the SDK and the emulator: the samples a user
//! invokes with `make invoke` can never rot.

use crate::support::*;
use serde_json::{Value, json};

struct Expected {
    file: &'static str,
    status: u16,
    code: Option<&'static str>,
    /// Whether the request reached Amazon Connect.
    reaches_connect: bool,
}

const fn ok(file: &'static str) -> Expected {
    Expected {
        file,
        status: 200,
        code: None,
        reaches_connect: true,
    }
}

const fn refused(file: &'static str, status: u16, code: &'static str) -> Expected {
    Expected {
        file,
        status,
        code: Some(code),
        reaches_connect: false,
    }
}

const EXPECTED: &[Expected] = &[
    ok("http-api-v2.json"),
    ok("rest-api-v1.json"),
    ok("function-url.json"),
    ok("base64-body.json"),
    ok("text-plain-body.json"),
    ok("persistent-chat.json"),
    ok("initial-message.json"),
    ok("alias-flow.json"),
    ok("all-fields.json"),
    ok("mobile-app-no-origin.json"),
    Expected {
        file: "preflight.json",
        status: 204,
        code: None,
        reaches_connect: false,
    },
    Expected {
        file: "preflight-rest-v1.json",
        status: 204,
        code: None,
        reaches_connect: false,
    },
    refused("invalid-json.json", 400, "INVALID_JSON"),
    refused("missing-display-name.json", 400, "VALIDATION_FAILED"),
    refused("invalid-fields.json", 400, "VALIDATION_FAILED"),
    refused("disallowed-origin.json", 403, "ORIGIN_NOT_ALLOWED"),
    refused("disallowed-flow.json", 403, "CONTACT_FLOW_NOT_ALLOWED"),
    refused("disallowed-instance.json", 403, "INSTANCE_NOT_ALLOWED"),
    refused("customer-id.json", 400, "VALIDATION_FAILED"),
    refused(
        "push-register-without-token.json",
        403,
        "CONTINUATION_TOKEN_REQUIRED",
    ),
    refused(
        "push-remove-rest-v1.json",
        403,
        "CONTINUATION_TOKEN_INVALID",
    ),
    refused("oversize-body.json", 413, "PAYLOAD_TOO_LARGE"),
    refused("unsupported-media-type.json", 415, "UNSUPPORTED_MEDIA_TYPE"),
    refused("wrong-method.json", 405, "METHOD_NOT_ALLOWED"),
    // The handler here has no availability configured (`availability.rs` runs it with).
    refused("availability.json", 404, "AVAILABILITY_NOT_CONFIGURED"),
];

#[test]
fn every_sample_event_has_an_expectation() {
    let mut files: Vec<String> = std::fs::read_dir(events_dir())
        .expect("test setup")
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| name.ends_with(".json"))
        .collect();
    files.sort();
    let mut expected: Vec<&str> = EXPECTED.iter().map(|e| e.file).collect();
    expected.sort();
    assert_eq!(files, expected);
}

#[tokio::test]
async fn every_sample_event_gets_its_documented_answer() {
    let emulator = start_emulator().await;
    // Ten chats at once: more than the emulator's StartChatContact burst of eight.
    emulator
        .set_quota(connect_emulator::QuotaConfig::OFF)
        .expect("the quota switches off");
    let handler = handler_for(&emulator, &[]).await;
    for expected in EXPECTED {
        let calls_before = emulator.start_chat_calls().len();
        let response = invoke(&handler, &event_json(expected.file), "req-events").await;
        let file = expected.file;
        assert_eq!(
            response.status, expected.status,
            "{file}: {:?}",
            response.body
        );
        let body = &response.body;
        assert_eq!(
            body["error"]["code"].as_str(),
            expected.code,
            "{file}: {body}"
        );
        let reached = emulator.start_chat_calls().len() > calls_before;
        assert_eq!(reached, expected.reaches_connect, "{file}");
        assert_eq!(
            response.header("content-type"),
            (expected.status != 204).then_some("application/json"),
            "{file}"
        );
        assert_eq!(response.header("vary"), Some("origin"), "{file}");

        let event = event_json(file);
        let origin = event["headers"]["origin"]
            .as_str()
            .or(event["headers"]["Origin"].as_str());
        let allow_origin = response.header("access-control-allow-origin");
        match origin {
            Some(SITE_ORIGIN) => assert_eq!(allow_origin, Some(SITE_ORIGIN), "{file}"),
            _ => assert_eq!(
                allow_origin, None,
                "{file}: a foreign or absent origin gets no CORS grant"
            ),
        }
        if expected.status == 200 {
            assert_success_envelope(file, body);
        } else if expected.status != 204 {
            assert_eq!(body["error"]["requestId"], "req-events", "{file}");
            assert!(
                body["error"]["message"]
                    .as_str()
                    .is_some_and(|m| !m.is_empty()),
                "{file}"
            );
        }
    }
}

/// What the official widget reads, and what clients of the AWS SDK guide read, carry the same chat.
fn assert_success_envelope(file: &str, body: &Value) {
    let result = &body["data"]["startChatResult"];
    for member in ["ContactId", "ParticipantId", "ParticipantToken"] {
        assert!(
            result[member].as_str().is_some_and(|v| !v.is_empty()),
            "{file}: {member}"
        );
        assert_eq!(result[member], body[member], "{file}: {member}");
    }
    assert_eq!(
        body["data"]["featurePermissions"]["ATTACHMENTS"], true,
        "{file}"
    );
    assert!(
        body["data"]["featurePermissions"]["MESSAGING_MARKDOWN"].is_boolean(),
        "{file}"
    );
}

#[tokio::test]
async fn the_widgets_fields_reach_connect_unchanged() {
    let emulator = start_emulator().await;
    let handler = handler_for(&emulator, &[]).await;
    let response = invoke(&handler, &event_json("all-fields.json"), "req-all").await;
    assert_eq!(response.status, 200, "{:?}", response.body);
    let calls = emulator.start_chat_calls();
    let sent = &calls[0].body;
    assert_eq!(sent["InstanceId"], INSTANCE);
    assert_eq!(sent["ContactFlowId"], SALES_FLOW);
    assert_eq!(
        sent["ParticipantDetails"],
        json!({"DisplayName": "Ada Lovelace"})
    );
    assert_eq!(
        sent["Attributes"],
        json!({"customerName": "Ada Lovelace", "orderId": "A-1001"})
    );
    assert_eq!(
        sent["InitialMessage"],
        json!({"ContentType": "text/markdown", "Content": "**Order** A-1001 has not arrived."})
    );
    assert_eq!(
        sent["SupportedMessagingContentTypes"],
        json!(["text/plain", "text/markdown"])
    );
    assert_eq!(sent["ChatDurationInMinutes"], 120);
    // No browser token: the SDK makes one per call, which covers its own retries.
    assert!(sent["ClientToken"].as_str().is_some_and(|t| !t.is_empty()));
    // A browser's CustomerId is refused by default (`customer-id.json`); COMPLETE is always accepted.
    assert!(sent.get("CustomerId").is_none());
    assert_eq!(
        sent["ParticipantConfiguration"],
        json!({"ResponseMode": "COMPLETE"})
    );
    assert_eq!(
        sent["SegmentAttributes"],
        json!({"connect:Subtype": {"ValueString": "connect:WebChat"}})
    );
    assert_eq!(sent["DisconnectOnCustomerExit"], json!(["AGENT"]));
    assert_eq!(
        sent["ConnectionTypes"],
        json!(["WEBSOCKET", "CONNECTION_CREDENTIALS"])
    );
    assert!(sent.get("Username").is_none() && sent.get("RelatedContactId").is_none());

    // Requested connection details come back inside the widget's envelope.
    let body = response.body;
    let result = &body["data"]["startChatResult"];
    assert!(
        result["ConnectionCredentials"]["ConnectionToken"]
            .as_str()
            .is_some_and(|t| !t.is_empty())
    );
    assert!(
        result["Websocket"]["Url"]
            .as_str()
            .is_some_and(|u| u.starts_with("ws://127.0.0.1:"))
    );
    assert_eq!(
        body["data"]["featurePermissions"]["MESSAGING_MARKDOWN"],
        true
    );
}

#[tokio::test]
async fn an_alias_is_mapped_to_its_flow_and_defaults_fill_the_rest() {
    let emulator = start_emulator().await;
    let handler = handler_for(&emulator, &[]).await;
    invoke(&handler, &event_json("alias-flow.json"), "r1").await;
    invoke(&handler, &event_json("text-plain-body.json"), "r2").await;
    let calls = emulator.start_chat_calls();
    assert_eq!(calls[0].body["ContactFlowId"], SALES_FLOW);
    assert_eq!(calls[1].body["InstanceId"], INSTANCE);
    assert_eq!(calls[1].body["ContactFlowId"], FLOW);
    assert_eq!(
        calls[1].body["SupportedMessagingContentTypes"],
        json!(
            connect_emulator::local::SUPPORTED_MESSAGING_CONTENT_TYPES
                .split(',')
                .collect::<Vec<_>>()
        )
    );
}

#[tokio::test]
async fn every_invalid_field_is_reported_by_path() {
    let emulator = start_emulator().await;
    let handler = handler_for(&emulator, &[]).await;
    let response = invoke(&handler, &event_json("invalid-fields.json"), "r").await;
    let body = response.body;
    let paths: Vec<&str> = body["error"]["fields"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|field| field["path"].as_str())
        .collect();
    assert_eq!(
        paths,
        [
            "ParticipantDetails.DisplayName",
            r#"Attributes["bad key"]"#,
            "Attributes.plan",
            "SupportedMessagingContentTypes",
            "ChatDurationInMinutes"
        ]
    );
    assert!(emulator.start_chat_calls().is_empty());
}

#[tokio::test]
async fn origin_and_allow_list_refusals_never_reach_connect() {
    let emulator = start_emulator().await;
    let strict = handler_for(
        &emulator,
        &[
            ("REQUIRE_ORIGIN", "true"),
            ("ALLOW_PERSISTENT_CHAT", "false"),
            ("ALLOWED_ATTRIBUTE_KEYS", "customerName"),
        ],
    )
    .await;
    let cases = [
        ("mobile-app-no-origin.json", 403, "ORIGIN_REQUIRED"),
        ("persistent-chat.json", 403, "PERSISTENT_CHAT_NOT_ALLOWED"),
        ("http-api-v2.json", 400, "VALIDATION_FAILED"), // its "plan" attribute is not allowed
        ("disallowed-origin.json", 403, "ORIGIN_NOT_ALLOWED"),
        ("disallowed-flow.json", 403, "CONTACT_FLOW_NOT_ALLOWED"),
    ];
    for (file, status, code) in cases {
        let response = invoke(&strict, &event_json(file), "r").await;
        assert_eq!(response.status, status, "{file}");
        assert_eq!(response.body["error"]["code"], code, "{file}");
    }
    // A disallowed origin is refused even for a simple request the browser did not preflight, and for
    // the preflight itself.
    let mut preflight = event_json("preflight.json");
    preflight["headers"]["origin"] = json!("https://evil.example.net");
    let response = invoke(&strict, &preflight, "r").await;
    assert_eq!(response.status, 403);
    assert!(response.header("access-control-allow-origin").is_none());
    assert!(
        emulator.start_chat_calls().is_empty(),
        "no refused request may reach Connect"
    );
    assert!(emulator.requests().is_empty());
}

#[tokio::test]
async fn a_preflight_grants_the_requested_headers_to_an_allowed_origin() {
    let emulator = start_emulator().await;
    let handler = handler_for(&emulator, &[]).await;
    let response = invoke(&handler, &event_json("preflight-rest-v1.json"), "r").await;
    assert_eq!(response.status, 204);
    assert_eq!(
        response.header("access-control-allow-origin"),
        Some(SITE_ORIGIN)
    );
    assert_eq!(
        response.header("access-control-allow-methods"),
        Some("GET, POST, OPTIONS")
    );
    assert_eq!(
        response.header("access-control-allow-headers"),
        Some("content-type,x-api-key")
    );
    assert!(
        response
            .header("access-control-allow-credentials")
            .is_none()
    );
    assert!(
        response
            .header("access-control-max-age")
            .is_some_and(|v| v.parse::<u32>().is_ok())
    );
}

#[tokio::test]
async fn a_wildcard_origin_setting_answers_any_origin_with_a_wildcard() {
    let emulator = start_emulator().await;
    let handler = handler_for(&emulator, &[("ALLOWED_ORIGINS", "*")]).await;
    let response = invoke(&handler, &event_json("disallowed-origin.json"), "r").await;
    assert_eq!(response.status, 200);
    assert_eq!(response.header("access-control-allow-origin"), Some("*"));
}

#[tokio::test]
async fn a_body_over_the_configured_limit_is_refused_before_parsing() {
    let emulator = start_emulator().await;
    let handler = handler_for(&emulator, &[("MAX_BODY_BYTES", "1024")]).await;
    let body = json!({"ParticipantDetails": {"DisplayName": "Ada"}, "Attributes": {"notes": "x".repeat(1100)}});
    let response = invoke(
        &handler,
        &with_body(event_json("http-api-v2.json"), &body),
        "r",
    )
    .await;
    assert_eq!(response.status, 413);
    assert_eq!(
        response.body["error"]["message"],
        "The request body is larger than 1024 bytes."
    );
    // Not even a broken body is read once it is too long.
    let broken = with_body(event_json("invalid-json.json"), &json!("{".repeat(2000)));
    assert_eq!(invoke(&handler, &broken, "r").await.status, 413);
}
