//! Validation and policy, driven through the one public entry point: [`ChatPolicy::authorize`].

use super::*;
use serde_json::{Value, json};
use std::time::{Duration, SystemTime};

const INSTANCE: &str = "3f0a7c1e-8b5d-4e2a-9c6f-1d2e3f4a5b6c";
const FLOW: &str = "6a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
const SALES_FLOW: &str = "7b2c3d4e-5f6a-4b7c-9d8e-0f1a2b3c4d5e";
const BROWSER_TOKEN: &str = "9b2f3c4d-1e5a-4f6b-8c7d-0e1f2a3b4c5d";

/// The settings most tests use: the local setup, with persistent chat on and one custom segment key.
fn settings() -> PolicySettings {
    let mut settings = PolicySettings::new(INSTANCE, FLOW);
    settings.allowed_contact_flow_ids = vec![SALES_FLOW.to_owned()];
    settings.contact_flow_aliases = vec![("sales".to_owned(), SALES_FLOW.to_owned())];
    settings.allow_persistent_chat = true;
    settings.allow_customer_id = true;
    settings.allow_incremental_responses = true;
    settings
        .allowed_segment_attribute_keys
        .push("connect:Custom".to_owned());
    settings.server_secret = Some(ServerSecret::new(SERVER_SECRET).expect("long enough"));
    settings
}

const SERVER_SECRET: &str = "a-server-secret-of-at-least-32-bytes";

/// The continuation token the test policy gives for a chat with `contact`.
fn continuation(contact: &str) -> String {
    policy()
        .continuation_token(INSTANCE, contact, SystemTime::now())
        .expect("a server secret is set")
        .expose()
        .to_owned()
}

fn policy() -> ChatPolicy {
    policy_with(settings())
}

fn policy_with(settings: PolicySettings) -> ChatPolicy {
    ChatPolicy::new(settings).expect("valid settings")
}

fn authorize(policy: &ChatPolicy, body: Value) -> Result<StartChatCommand, Rejection> {
    policy.authorize(body.to_string().as_bytes(), None, SystemTime::now())
}

fn accepted(body: Value) -> StartChatCommand {
    match authorize(&policy(), body) {
        Ok(command) => command,
        Err(rejection) => panic!("expected acceptance, got {rejection:?}"),
    }
}

/// The paths of every field error, in order.
fn rejected_paths(body: Value) -> Vec<String> {
    match authorize(&policy(), body) {
        Err(Rejection::Invalid(errors)) => errors.into_iter().map(|e| e.path).collect(),
        other => panic!("expected field errors, got {other:?}"),
    }
}

fn minimal() -> Value {
    json!({"ParticipantDetails": {"DisplayName": "Ada"}})
}

fn with(mut body: Value, key: &str, value: Value) -> Value {
    body[key] = value;
    body
}

#[test]
fn the_widgets_minimal_request_gets_the_server_defaults() {
    let command =
        accepted(json!({"ParticipantDetails": {"DisplayName": "Ada"}, "Username": "ignored"}));
    assert_eq!(command.instance_id(), INSTANCE);
    assert_eq!(command.contact_flow_id(), FLOW);
    assert_eq!(command.display_name(), "Ada");
    assert_eq!(
        command.supported_messaging_content_types(),
        &[ContentType::Plain]
    );
    assert!(command.attributes().is_empty());
    assert_eq!(
        command.chat_duration_minutes(),
        DEFAULT_CHAT_DURATION_MINUTES
    );
    assert!(!command.supports_markdown());
}

#[test]
fn everything_the_widget_and_the_api_send_is_carried_into_the_command() {
    let command = accepted(json!({
        "InstanceId": INSTANCE,
        "ContactFlowId": SALES_FLOW,
        "ParticipantDetails": {"DisplayName": "Ada Lovelace"},
        "Attributes": {"customerName": "Ada", "order-id_2": "", "plan": "gold"},
        "InitialMessage": {"ContentType": "text/plain", "Content": "Hello"},
        "SupportedMessagingContentTypes": ["text/plain", " text/markdown"],
        "ChatDurationInMinutes": 60,
        "PersistentChat": {"RehydrationType": "ENTIRE_PAST_SESSION", "SourceContactId": "c-1"},
        "ContinuationToken": continuation("c-1"),
        "ClientToken": BROWSER_TOKEN,
        "CustomerId": "customer-42",
        "SegmentAttributes": {"connect:Subtype": {"ValueString": "connect:WebChat"}},
        "DisconnectOnCustomerExit": ["AGENT"],
        "ConnectionTypes": ["WEBSOCKET", "CONNECTION_CREDENTIALS"],
        "ParticipantConfiguration": {"ResponseMode": "INCREMENTAL"},
    }));
    assert_eq!(command.contact_flow_id(), SALES_FLOW);
    assert_eq!(command.response_mode(), Some(ResponseMode::Incremental));
    assert_eq!(command.attributes().len(), 3);
    assert_eq!(command.attributes()["order-id_2"], "");
    assert_eq!(
        command.initial_message(),
        Some(&ChatMessage {
            content_type: ContentType::Plain,
            content: "Hello".into()
        })
    );
    assert!(command.supports_markdown());
    assert_eq!(command.chat_duration_minutes(), 60);
    assert_eq!(
        command.persistent_chat(),
        Some(&PersistentChat {
            rehydration_type: RehydrationType::EntirePastSession,
            source_contact_id: "c-1".into()
        })
    );
    let sent_token = command.client_token().expect("a derived token");
    assert!(sent_token.len() == 64 && sent_token != BROWSER_TOKEN);
    assert_eq!(command.customer_id(), Some("customer-42"));
    assert_eq!(
        command.segment_attributes()["connect:Subtype"],
        SegmentValue::String("connect:WebChat".into())
    );
    assert!(command.disconnect_agent_on_customer_exit());
    assert_eq!(
        command.connection_types(),
        &[
            ConnectionType::Websocket,
            ConnectionType::ConnectionCredentials
        ]
    );
}

#[test]
fn connect_instance_id_is_an_alias_of_instance_id() {
    let body = with(minimal(), "ConnectInstanceId", json!(INSTANCE));
    assert_eq!(accepted(body).instance_id(), INSTANCE);
    let both = with(
        with(minimal(), "InstanceId", json!(INSTANCE)),
        "ConnectInstanceId",
        json!("other"),
    );
    assert_eq!(rejected_paths(both), ["ConnectInstanceId"]);
}

#[test]
fn null_members_count_as_absent() {
    let body = json!({"ParticipantDetails": {"DisplayName": "Ada"}, "InstanceId": null,
        "ContactFlowId": null, "Attributes": null, "InitialMessage": null});
    assert_eq!(accepted(body).contact_flow_id(), FLOW);
}

/// The official sample page as shipped sends `"InstanceId": ""` and `"ContactFlowId": ""`.
#[test]
fn empty_ids_mean_the_server_defaults() {
    let body = json!({"ParticipantDetails": {"DisplayName": "Ada"}, "InstanceId": "",
        "ConnectInstanceId": "", "ContactFlowId": ""});
    let command = accepted(body);
    assert_eq!(command.instance_id(), INSTANCE);
    assert_eq!(command.contact_flow_id(), FLOW);
    let empty_name = json!({"ParticipantDetails": {"DisplayName": ""}, "ContactFlowId": ""});
    assert_eq!(
        rejected_paths(empty_name),
        ["ParticipantDetails.DisplayName"]
    );
    let empty_instance_with_alias = json!({"ParticipantDetails": {"DisplayName": "Ada"},
        "InstanceId": "", "ConnectInstanceId": INSTANCE});
    assert_eq!(accepted(empty_instance_with_alias).instance_id(), INSTANCE);
}

#[test]
fn not_json_or_not_an_object_is_invalid_json() {
    for body in [&b"{"[..], b"", b"ParticipantDetails=Ada", b"\xff\xfe"] {
        assert!(matches!(
            policy().authorize(body, None, SystemTime::now()),
            Err(Rejection::InvalidJson(_))
        ));
    }
    match policy().authorize(b"[1,2]", None, SystemTime::now()) {
        Err(Rejection::InvalidJson(detail)) => assert!(detail.contains("an array"), "{detail}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_missing_or_blank_display_name_is_refused() {
    assert_eq!(
        rejected_paths(json!({})),
        ["ParticipantDetails.DisplayName"]
    );
    assert_eq!(
        rejected_paths(json!({"ParticipantDetails": {}})),
        ["ParticipantDetails.DisplayName"]
    );
    assert_eq!(
        rejected_paths(json!({"ParticipantDetails": "Ada"})),
        ["ParticipantDetails"]
    );
    for name in [
        json!(""),
        json!("   "),
        json!("a\u{0007}b"),
        json!(42),
        json!("x".repeat(257)),
    ] {
        assert_eq!(
            rejected_paths(json!({"ParticipantDetails": {"DisplayName": name}})),
            ["ParticipantDetails.DisplayName"]
        );
    }
    // 256 characters is the limit, counted in characters, not bytes.
    let name = "é".repeat(256);
    assert_eq!(
        accepted(json!({"ParticipantDetails": {"DisplayName": name}})).display_name(),
        name
    );
}

#[test]
fn every_offending_field_is_listed_with_its_path() {
    let body = json!({
        "InstanceId": "i".repeat(101),
        "ContactFlowId": 7,
        "ParticipantDetails": {"DisplayName": ""},
        "Attributes": {"ok": "1", "bad key": "x", "n": 5},
        "InitialMessage": {"ContentType": "text/html"},
        "SupportedMessagingContentTypes": ["text/markdown", "image/png", "text/markdown"],
        "ChatDurationInMinutes": 59,
        "PersistentChat": {"RehydrationType": "ALL"},
        "RelatedContactId": "",
        "CustomerId": "c".repeat(129),
        "ClientToken": "t".repeat(501),
        "SegmentAttributes": {"connect:Subtype": {"ValueString": "a", "ValueInteger": 1}},
        "DisconnectOnCustomerExit": ["CUSTOMER"],
        "ConnectionTypes": ["WEBSOCKET", "WEBRTC"],
    });
    assert_eq!(
        rejected_paths(body),
        [
            "InstanceId",
            "ContactFlowId",
            "ParticipantDetails.DisplayName",
            r#"Attributes["bad key"]"#,
            "Attributes.n",
            "InitialMessage.ContentType",
            "InitialMessage.Content",
            "SupportedMessagingContentTypes[1]",
            "SupportedMessagingContentTypes[2]",
            "ChatDurationInMinutes",
            "PersistentChat.RehydrationType",
            "PersistentChat.SourceContactId",
            "RelatedContactId",
            "CustomerId",
            "ClientToken",
            r#"SegmentAttributes["connect:Subtype"]"#,
            "DisconnectOnCustomerExit",
            "ConnectionTypes[1]",
        ]
    );
}

#[test]
fn messages_say_what_is_wrong() {
    let Err(Rejection::Invalid(errors)) = authorize(
        &policy(),
        json!({"ParticipantDetails": {"DisplayName": ["Ada"]}, "ChatDurationInMinutes": "60"}),
    ) else {
        panic!("expected field errors")
    };
    assert_eq!(errors[0].message, "must be a string, not an array");
    assert_eq!(errors[1].message, "must be an integer, not a string");
}

#[test]
fn attribute_keys_are_limited_to_the_service_charset_and_the_budget() {
    assert_eq!(
        rejected_paths(with(
            minimal(),
            "Attributes",
            json!({"": "x", "a.b": "x", "ü": "x"})
        )),
        [
            r#"Attributes[""]"#,
            r#"Attributes["a.b"]"#,
            r#"Attributes["ü"]"#
        ]
    );
    assert_eq!(
        rejected_paths(with(minimal(), "Attributes", json!(["a"]))),
        ["Attributes"]
    );
    // Exactly 32,768 bytes of keys and values is accepted; one more byte is not.
    let at_budget = json!({"k": "v".repeat(32_767)});
    assert_eq!(
        accepted(with(minimal(), "Attributes", at_budget)).attributes()["k"].len(),
        32_767
    );
    let over = json!({"k": "v".repeat(16_000), "k2": "é".repeat(8_384)});
    assert_eq!(
        rejected_paths(with(minimal(), "Attributes", over)),
        ["Attributes"]
    );
}

#[test]
fn content_types_must_be_known_unique_and_include_text_plain() {
    assert_eq!(
        rejected_paths(with(
            minimal(),
            "SupportedMessagingContentTypes",
            json!(["text/markdown"])
        )),
        ["SupportedMessagingContentTypes"]
    );
    assert_eq!(
        rejected_paths(with(minimal(), "SupportedMessagingContentTypes", json!([]))),
        ["SupportedMessagingContentTypes"]
    );
    assert_eq!(
        rejected_paths(with(
            minimal(),
            "SupportedMessagingContentTypes",
            json!("text/plain")
        )),
        ["SupportedMessagingContentTypes"]
    );
    let all: Vec<&str> = ContentType::ALL.iter().map(|t| t.as_str()).collect();
    let command = accepted(with(
        minimal(),
        "SupportedMessagingContentTypes",
        json!(all),
    ));
    assert_eq!(command.supported_messaging_content_types().len(), 5);
}

#[test]
fn the_initial_message_must_fit_the_chats_content_types() {
    let markdown = json!({"ContentType": "text/markdown", "Content": "**hi**"});
    assert_eq!(
        rejected_paths(with(minimal(), "InitialMessage", markdown.clone())),
        ["InitialMessage.ContentType"]
    );
    let body = with(
        with(minimal(), "InitialMessage", markdown),
        "SupportedMessagingContentTypes",
        json!(["text/plain", "text/markdown"]),
    );
    assert!(accepted(body).initial_message().is_some());
    for content in [json!(""), json!("  "), json!("x".repeat(16_385))] {
        let message = json!({"ContentType": "text/plain", "Content": content});
        assert_eq!(
            rejected_paths(with(minimal(), "InitialMessage", message)),
            ["InitialMessage.Content"]
        );
    }
    let longest = json!({"ContentType": "text/plain", "Content": "x".repeat(16_384)});
    assert!(
        accepted(with(minimal(), "InitialMessage", longest))
            .initial_message()
            .is_some()
    );
}

#[test]
fn chat_duration_is_a_whole_number_of_minutes_in_range() {
    for minutes in [
        json!(59),
        json!(10_081),
        json!(90.5),
        json!(-1),
        json!(true),
    ] {
        assert_eq!(
            rejected_paths(with(minimal(), "ChatDurationInMinutes", minutes)),
            ["ChatDurationInMinutes"]
        );
    }
    for minutes in [60, 1500] {
        let command = accepted(with(minimal(), "ChatDurationInMinutes", json!(minutes)));
        assert_eq!(command.chat_duration_minutes(), minutes);
    }
    // The service's maximum is valid, and lowered to the server's ceiling.
    let command = accepted(with(minimal(), "ChatDurationInMinutes", json!(10_080)));
    assert_eq!(
        command.chat_duration_minutes(),
        DEFAULT_CHAT_DURATION_MINUTES
    );
}

#[test]
fn related_contact_and_persistent_chat_exclude_each_other() {
    let body = with(
        with(minimal(), "RelatedContactId", json!("c-1")),
        "PersistentChat",
        json!({"RehydrationType": "FROM_SEGMENT", "SourceContactId": "c-2"}),
    );
    assert_eq!(rejected_paths(body), ["RelatedContactId"]);
    let related = accepted(with(
        with(minimal(), "RelatedContactId", json!("c-1")),
        "ContinuationToken",
        json!(continuation("c-1")),
    ));
    assert_eq!(related.related_contact_id(), Some("c-1"));
}

#[test]
fn segment_attributes_take_exactly_one_value_member_and_bounded_nesting() {
    let nested = json!({"connect:Custom": {"ValueMap": {"a": {"ValueList": [{"ValueInteger": 3}, {"ValueArn": "arn:aws:x"}]}}}});
    let command = accepted(with(minimal(), "SegmentAttributes", nested));
    assert!(matches!(
        command.segment_attributes()["connect:Custom"],
        SegmentValue::Map(_)
    ));
    assert_eq!(
        rejected_paths(with(minimal(), "SegmentAttributes", json!({"k": {}}))),
        ["SegmentAttributes.k"]
    );
    assert_eq!(
        rejected_paths(with(
            minimal(),
            "SegmentAttributes",
            json!({"k": {"ValueInteger": 3_000_000_000_i64}})
        )),
        ["SegmentAttributes.k.ValueInteger"]
    );
    let deep = json!({"k": {"ValueMap": {"a": {"ValueMap": {"b": {"ValueMap": {"c": {"ValueString": "x"}}}}}}}});
    assert_eq!(
        rejected_paths(with(minimal(), "SegmentAttributes", deep)),
        ["SegmentAttributes.k.ValueMap.a.ValueMap.b.ValueMap"]
    );
    assert_eq!(
        rejected_paths(with(
            minimal(),
            "SegmentAttributes",
            json!({"k": {"ValueString": "x".repeat(1025)}})
        )),
        ["SegmentAttributes.k.ValueString"]
    );
}

#[test]
fn a_guide_chat_needs_both_interactive_content_types() {
    let guide = json!({"connect:Subtype": {"ValueString": "connect:Guide"}});
    assert_eq!(
        rejected_paths(with(minimal(), "SegmentAttributes", guide.clone())),
        ["SupportedMessagingContentTypes"]
    );
    let body = with(
        with(minimal(), "SegmentAttributes", guide),
        "SupportedMessagingContentTypes",
        json!([
            "text/plain",
            "application/vnd.amazonaws.connect.message.interactive",
            "application/vnd.amazonaws.connect.message.interactive.response"
        ]),
    );
    assert!(authorize(&policy(), body).is_ok());
}

#[test]
fn connection_types_are_one_or_two_distinct_known_values() {
    for types in [
        json!([]),
        json!(["WEBSOCKET", "CONNECTION_CREDENTIALS", "WEBSOCKET"]),
    ] {
        assert_eq!(
            rejected_paths(with(minimal(), "ConnectionTypes", types)),
            ["ConnectionTypes"]
        );
    }
    assert_eq!(
        rejected_paths(with(
            minimal(),
            "ConnectionTypes",
            json!(["WEBSOCKET", "WEBSOCKET"])
        )),
        ["ConnectionTypes[1]"]
    );
}

#[test]
fn instances_and_flows_outside_the_allow_lists_are_forbidden() {
    assert_eq!(
        authorize(
            &policy(),
            with(
                minimal(),
                "InstanceId",
                json!("00000000-0000-4000-8000-000000000000")
            )
        ),
        Err(Rejection::InstanceNotAllowed)
    );
    assert_eq!(
        authorize(
            &policy(),
            with(minimal(), "ContactFlowId", json!("support"))
        ),
        Err(Rejection::ContactFlowNotAllowed)
    );
    // Field errors are reported before the allow-lists are consulted.
    assert!(matches!(
        authorize(&policy(), json!({"ContactFlowId": "support"})),
        Err(Rejection::Invalid(_))
    ));
    let by_alias = accepted(with(minimal(), "ContactFlowId", json!("sales")));
    assert_eq!(by_alias.contact_flow_id(), SALES_FLOW);
}

#[test]
fn the_policy_can_restrict_attribute_keys() {
    let mut strict = settings();
    strict.allowed_attribute_keys = Some(vec!["customerName".to_owned()]);
    let attributes = with(
        minimal(),
        "Attributes",
        json!({"customerName": "Ada", "isVip": "true"}),
    );
    match authorize(&policy_with(strict), attributes) {
        Err(Rejection::Invalid(errors)) => assert_eq!(errors[0].path, "Attributes.isVip"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn contact_links_are_off_by_default() {
    let strict = policy_with(PolicySettings::new(INSTANCE, FLOW));
    let persistent = with(
        minimal(),
        "PersistentChat",
        json!({"RehydrationType": "ENTIRE_PAST_SESSION", "SourceContactId": "c-1"}),
    );
    assert_eq!(
        authorize(&strict, persistent),
        Err(Rejection::PersistentChatNotAllowed(
            LinkRefusal::SwitchedOff
        ))
    );
    let related = with(minimal(), "RelatedContactId", json!("c-1"));
    assert_eq!(
        authorize(&strict, related),
        Err(Rejection::RelatedContactNotAllowed(
            LinkRefusal::SwitchedOff
        ))
    );
}

#[test]
fn only_allowed_segment_attribute_keys_reach_connect() {
    let strict = policy_with(PolicySettings::new(INSTANCE, FLOW));
    let forged = with(
        minimal(),
        "SegmentAttributes",
        json!({"connect:Subtype": {"ValueString": "connect:WebChat"},
               "connect:CustomerAuthenticationStatus": {"ValueString": "AUTHENTICATED"}}),
    );
    match authorize(&strict, forged) {
        Err(Rejection::Invalid(errors)) => assert_eq!(
            errors.iter().map(|e| e.path.as_str()).collect::<Vec<_>>(),
            [r#"SegmentAttributes["connect:CustomerAuthenticationStatus"]"#]
        ),
        other => panic!("{other:?}"),
    }
    let subtype = with(
        minimal(),
        "SegmentAttributes",
        json!({"connect:Subtype": {"ValueString": "connect:WebChat"}}),
    );
    assert!(authorize(&strict, subtype).is_ok());
}

#[test]
fn a_browsers_customer_id_is_refused_unless_the_operator_allows_it() {
    // The default: an anonymous browser's CustomerId would make Customer Profiles show that customer's
    // profile to the agent.
    let strict = PolicySettings::new(INSTANCE, FLOW);
    assert!(!strict.allow_customer_id);
    let claimed = with(minimal(), "CustomerId", json!("customer-42"));
    match authorize(&policy_with(strict), claimed.clone()) {
        Err(Rejection::Invalid(errors)) => assert_eq!(
            errors,
            [FieldError::new(
                "CustomerId",
                "is not accepted from browsers by this service (it would be an unverified claim)"
            )]
        ),
        other => panic!("{other:?}"),
    }
    assert_eq!(accepted(claimed).customer_id(), Some("customer-42"));
}

#[test]
fn streamed_replies_only_where_the_operator_allows_them() {
    let configured = |mode: &str| {
        with(
            minimal(),
            "ParticipantConfiguration",
            json!({ "ResponseMode": mode }),
        )
    };
    let strict = policy_with(PolicySettings::new(INSTANCE, FLOW));
    let complete = authorize(&strict, configured("COMPLETE")).expect("COMPLETE is always accepted");
    assert_eq!(complete.response_mode(), Some(ResponseMode::Complete));
    assert_eq!(
        authorize(&strict, minimal())
            .expect("accepted")
            .response_mode(),
        None
    );
    match authorize(&strict, configured("INCREMENTAL")) {
        Err(Rejection::Invalid(errors)) => {
            assert_eq!(errors.len(), 1);
            assert_eq!(errors[0].path, "ParticipantConfiguration.ResponseMode");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        accepted(configured("INCREMENTAL")).response_mode(),
        Some(ResponseMode::Incremental)
    );
    assert_eq!(
        accepted(with(minimal(), "ParticipantConfiguration", json!({}))).response_mode(),
        None
    );
    for (bad, path) in [
        (
            configured("incremental"),
            "ParticipantConfiguration.ResponseMode",
        ),
        (configured(""), "ParticipantConfiguration.ResponseMode"),
        (
            with(
                minimal(),
                "ParticipantConfiguration",
                json!({"ResponseMode": 1}),
            ),
            "ParticipantConfiguration.ResponseMode",
        ),
        (
            with(minimal(), "ParticipantConfiguration", json!("INCREMENTAL")),
            "ParticipantConfiguration",
        ),
    ] {
        assert_eq!(rejected_paths(bad), [path]);
    }
}

#[test]
fn server_defaults_fill_what_the_request_leaves_out() {
    let mut configured = settings();
    configured.default_content_types = vec![ContentType::Plain, ContentType::Markdown];
    configured.max_chat_duration_minutes = 120;
    let configured = policy_with(configured);
    let command = authorize(&configured, minimal()).expect("accepted");
    assert!(command.supports_markdown());
    assert_eq!(command.chat_duration_minutes(), 120);
    let shorter = with(minimal(), "ChatDurationInMinutes", json!(60));
    assert_eq!(
        authorize(&configured, shorter)
            .expect("accepted")
            .chat_duration_minutes(),
        60
    );
    // The official widget asks for 1500 minutes: lowered to the ceiling, not refused.
    let longer = with(minimal(), "ChatDurationInMinutes", json!(1500));
    assert_eq!(
        authorize(&configured, longer)
            .expect("accepted")
            .chat_duration_minutes(),
        120
    );
}

#[test]
fn the_policy_checks_its_own_settings() {
    type Breaker = fn(&mut PolicySettings);
    let cases: [(Breaker, Setting); 7] = [
        (
            |s| s.default_instance_id = "x".into(),
            Setting::DefaultInstance,
        ),
        (
            |s| s.allowed_contact_flow_ids.push("SALES".into()),
            Setting::AllowedContactFlows,
        ),
        (
            |s| s.contact_flow_aliases.push(("a b".into(), FLOW.into())),
            Setting::ContactFlowAliases,
        ),
        (
            |s| {
                s.contact_flow_aliases.push((
                    "other".into(),
                    "00000000-0000-4000-8000-000000000000".into(),
                ))
            },
            Setting::ContactFlowAliases,
        ),
        (
            |s| s.allowed_attribute_keys = Some(vec!["a b".into()]),
            Setting::AttributeKeys,
        ),
        (
            |s| s.default_content_types = vec![ContentType::Markdown],
            Setting::ContentTypes,
        ),
        (|s| s.max_chat_duration_minutes = 59, Setting::ChatDuration),
    ];
    for (break_it, setting) in cases {
        let mut broken = settings();
        break_it(&mut broken);
        assert_eq!(
            ChatPolicy::new(broken).map(|_| ()).map_err(|e| e.setting),
            Err(setting)
        );
    }
    let mut twice = settings();
    twice
        .contact_flow_aliases
        .push(("sales".into(), SALES_FLOW.into()));
    assert!(ChatPolicy::new(twice).is_err());
}

#[test]
fn connects_token_is_the_same_for_a_retry_and_different_for_any_other_request() {
    let token_of = |policy: &ChatPolicy, body: Value| {
        authorize(policy, body)
            .expect("accepted")
            .client_token()
            .map(str::to_owned)
    };
    let request = with(minimal(), "ClientToken", json!(BROWSER_TOKEN));
    let first = token_of(&policy(), request.clone());
    assert_eq!(first, token_of(&policy(), request.clone()), "a retry");
    let uppercase = with(
        minimal(),
        "ClientToken",
        json!(BROWSER_TOKEN.to_uppercase()),
    );
    assert_eq!(first, token_of(&policy(), uppercase), "the same UUID");
    let other_name =
        json!({"ParticipantDetails": {"DisplayName": "Eve"}, "ClientToken": BROWSER_TOKEN});
    assert_ne!(first, token_of(&policy(), other_name), "another caller");
    let other_flow = with(request.clone(), "ContactFlowId", json!("sales"));
    assert_ne!(first, token_of(&policy(), other_flow), "another flow");
    let mut keyed = settings();
    keyed.server_secret = Some(ServerSecret::new("k".repeat(32)).expect("long enough"));
    let mut unkeyed = settings();
    unkeyed.server_secret = None;
    assert_ne!(
        first,
        token_of(&policy_with(unkeyed), request.clone()),
        "unkeyed"
    );
    assert_ne!(
        first,
        token_of(&policy_with(keyed), request),
        "another server"
    );
    assert_eq!(token_of(&policy(), minimal()), None);
    for guessable in ["token-1", "00000000-0000-0000-0000-000000000000"] {
        assert_eq!(
            rejected_paths(with(minimal(), "ClientToken", json!(guessable))),
            ["ClientToken"]
        );
    }
}

/// Every member of a command with its value, to compare two commands member by member. Destructured
/// without `..`, like the digest (`idempotency.rs`): a new member must be listed here, and then the test
/// below fails until a variation changes it.
fn members(command: &StartChatCommand) -> Vec<(&'static str, String)> {
    let StartChatCommand {
        instance_id,
        contact_flow_id,
        display_name,
        attributes,
        initial_message,
        supported_messaging_content_types,
        chat_duration_minutes,
        persistent_chat,
        related_contact_id,
        customer_id,
        client_token: _,
        segment_attributes,
        disconnect_agent_on_customer_exit,
        connection_types,
        response_mode,
    } = command;
    vec![
        ("instance_id", format!("{instance_id:?}")),
        ("contact_flow_id", format!("{contact_flow_id:?}")),
        ("display_name", format!("{display_name:?}")),
        ("attributes", format!("{attributes:?}")),
        ("initial_message", format!("{initial_message:?}")),
        (
            "supported_messaging_content_types",
            format!("{supported_messaging_content_types:?}"),
        ),
        (
            "chat_duration_minutes",
            format!("{chat_duration_minutes:?}"),
        ),
        ("persistent_chat", format!("{persistent_chat:?}")),
        ("related_contact_id", format!("{related_contact_id:?}")),
        ("customer_id", format!("{customer_id:?}")),
        ("segment_attributes", format!("{segment_attributes:?}")),
        (
            "disconnect_agent_on_customer_exit",
            format!("{disconnect_agent_on_customer_exit:?}"),
        ),
        ("connection_types", format!("{connection_types:?}")),
        ("response_mode", format!("{response_mode:?}")),
    ]
}

/// Connect answers a repeated token with the first chat, whatever else the request says: with the same
/// browser ClientToken, a request that differs from another in any one member must get its own token.
#[test]
fn changing_any_one_member_alone_changes_connects_token() {
    const OTHER_INSTANCE: &str = "00000000-0000-4000-8000-000000000000";
    let mut settings = settings();
    settings.allowed_instance_ids = vec![OTHER_INSTANCE.to_owned()];
    let policy = policy_with(settings);
    let base = with(minimal(), "ClientToken", json!(BROWSER_TOKEN));
    let continued =
        |body: Value, contact: &str| with(body, "ContinuationToken", json!(continuation(contact)));
    let variations = [
        (
            "instance_id",
            with(base.clone(), "InstanceId", json!(OTHER_INSTANCE)),
        ),
        (
            "contact_flow_id",
            with(base.clone(), "ContactFlowId", json!("sales")),
        ),
        (
            "display_name",
            with(
                base.clone(),
                "ParticipantDetails",
                json!({"DisplayName": "Eve"}),
            ),
        ),
        (
            "attributes",
            with(base.clone(), "Attributes", json!({"plan": "gold"})),
        ),
        (
            "initial_message",
            with(
                base.clone(),
                "InitialMessage",
                json!({"ContentType": "text/plain", "Content": "Hello"}),
            ),
        ),
        (
            "supported_messaging_content_types",
            with(
                base.clone(),
                "SupportedMessagingContentTypes",
                json!(["text/plain", "text/markdown"]),
            ),
        ),
        (
            "chat_duration_minutes",
            with(base.clone(), "ChatDurationInMinutes", json!(60)),
        ),
        (
            "persistent_chat",
            continued(
                with(
                    base.clone(),
                    "PersistentChat",
                    json!({"RehydrationType": "ENTIRE_PAST_SESSION", "SourceContactId": "c-1"}),
                ),
                "c-1",
            ),
        ),
        (
            "persistent_chat",
            continued(
                with(
                    base.clone(),
                    "PersistentChat",
                    json!({"RehydrationType": "FROM_SEGMENT", "SourceContactId": "c-1"}),
                ),
                "c-1",
            ),
        ),
        (
            "related_contact_id",
            continued(with(base.clone(), "RelatedContactId", json!("c-1")), "c-1"),
        ),
        (
            "customer_id",
            with(base.clone(), "CustomerId", json!("customer-42")),
        ),
        (
            "segment_attributes",
            with(
                base.clone(),
                "SegmentAttributes",
                json!({"connect:Subtype": {"ValueString": "connect:WebChat"}}),
            ),
        ),
        (
            "segment_attributes",
            with(
                base.clone(),
                "SegmentAttributes",
                json!({"connect:Custom": {"ValueInteger": 1}}),
            ),
        ),
        (
            "disconnect_agent_on_customer_exit",
            with(base.clone(), "DisconnectOnCustomerExit", json!(["AGENT"])),
        ),
        (
            "connection_types",
            with(base.clone(), "ConnectionTypes", json!(["WEBSOCKET"])),
        ),
        (
            "response_mode",
            with(
                base.clone(),
                "ParticipantConfiguration",
                json!({"ResponseMode": "COMPLETE"}),
            ),
        ),
        (
            "response_mode",
            with(
                base.clone(),
                "ParticipantConfiguration",
                json!({"ResponseMode": "INCREMENTAL"}),
            ),
        ),
    ];
    let base_command = authorize(&policy, base).expect("accepted");
    let base_members = members(&base_command);
    for (member, _) in &base_members {
        assert!(
            variations.iter().any(|(varied, _)| varied == member),
            "no variation changes {member}"
        );
    }
    let mut tokens = vec![base_command.client_token().expect("a token").to_owned()];
    for (member, body) in variations {
        let command = authorize(&policy, body).unwrap_or_else(|e| panic!("{member}: {e:?}"));
        let changed: Vec<&str> = members(&command)
            .iter()
            .zip(&base_members)
            .filter(|(varied, base)| varied != base)
            .map(|(varied, _)| varied.0)
            .collect();
        assert_eq!(changed, [member], "the variation changes {member} alone");
        let token = command.client_token().expect("a token").to_owned();
        assert!(!tokens.contains(&token), "{member}: a token already given");
        tokens.push(token);
    }
}

#[test]
fn a_browser_continues_or_links_only_the_chat_its_token_was_given_for() {
    let now = SystemTime::now();
    let persistent = |contact: &str| {
        with(
            minimal(),
            "PersistentChat",
            json!({"RehydrationType": "ENTIRE_PAST_SESSION", "SourceContactId": contact}),
        )
    };
    assert_eq!(
        authorize(&policy(), persistent("c-1")),
        Err(Rejection::ContinuationTokenRequired)
    );
    let with_token = with(
        persistent("c-1"),
        "ContinuationToken",
        json!(continuation("c-1")),
    );
    assert!(authorize(&policy(), with_token).is_ok());
    let for_another = with(
        persistent("c-2"),
        "ContinuationToken",
        json!(continuation("c-1")),
    );
    assert_eq!(
        authorize(&policy(), for_another),
        Err(Rejection::ContinuationTokenInvalid(
            ContinuationRefusal::OtherContact
        ))
    );
    let forged = with(persistent("c-1"), "ContinuationToken", json!("v1.e30.AAAA"));
    assert_eq!(
        authorize(&policy(), forged),
        Err(Rejection::ContinuationTokenInvalid(
            ContinuationRefusal::Forged
        ))
    );
    let related = with(
        with(minimal(), "RelatedContactId", json!("c-1")),
        "ContinuationToken",
        json!(continuation("c-2")),
    );
    assert_eq!(
        authorize(&policy(), related),
        Err(Rejection::ContinuationTokenInvalid(
            ContinuationRefusal::OtherContact
        ))
    );
    // Expired: the policy's tokens live a week.
    let old = policy()
        .continuation_token(INSTANCE, "c-1", now - Duration::from_secs(8 * 24 * 3600))
        .expect("a token");
    let expired = with(persistent("c-1"), "ContinuationToken", json!(old.expose()));
    assert_eq!(
        authorize(&policy(), expired),
        Err(Rejection::ContinuationTokenInvalid(
            ContinuationRefusal::Expired
        ))
    );
}

fn signed(claims: Value) -> VerifiedCustomer {
    VerifiedCustomer::from_claims(claims.as_object().expect("an object")).expect("valid claims")
}

#[test]
fn signed_claims_override_the_browser() {
    let customer = signed(json!({
        "sub": "customer-42",
        "displayName": "Ada Lovelace",
        "attributes": {"tier": "gold", "plan": "signed"},
        "segmentAttributes": {"connect:CustomerAuthenticationStatus": {"ValueString": "AUTHENTICATED"}},
    }));
    let body = json!({"ParticipantDetails": {"DisplayName": "Mallory"},
        "Attributes": {"plan": "browser", "page": "/help"},
        "SegmentAttributes": {"connect:Subtype": {"ValueString": "connect:WebChat"}}});
    let command = policy()
        .authorize(
            body.to_string().as_bytes(),
            Some(&customer),
            SystemTime::now(),
        )
        .expect("accepted");
    assert_eq!(command.display_name(), "Ada Lovelace");
    assert_eq!(command.customer_id(), Some("customer-42"));
    assert_eq!(command.attributes()["plan"], "signed");
    assert_eq!(command.attributes()["page"], "/help");
    assert_eq!(command.attributes()["tier"], "gold");
    assert!(
        command
            .segment_attributes()
            .contains_key("connect:CustomerAuthenticationStatus")
    );
    // With the name in the token, the body may leave it out.
    let nameless = policy().authorize(b"{}", Some(&customer), SystemTime::now());
    assert!(nameless.is_ok(), "{nameless:?}");
    // A browser may not claim another customer id.
    let other_id = json!({"ParticipantDetails": {"DisplayName": "A"}, "CustomerId": "customer-7"});
    match policy().authorize(
        other_id.to_string().as_bytes(),
        Some(&customer),
        SystemTime::now(),
    ) {
        Err(Rejection::Invalid(errors)) => assert_eq!(errors[0].path, "CustomerId"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn signed_customers_link_contacts_only_through_their_token() {
    let now = SystemTime::now();
    let anonymous = signed(json!({"sub": "customer-42"}));
    let body = json!({"ParticipantDetails": {"DisplayName": "A"},
        "PersistentChat": {"RehydrationType": "ENTIRE_PAST_SESSION", "SourceContactId": "c-1"},
        "ContinuationToken": continuation("c-1")});
    assert_eq!(
        policy().authorize(body.to_string().as_bytes(), Some(&anonymous), now),
        Err(Rejection::PersistentChatNotAllowed(LinkRefusal::SignedOnly))
    );
    let continuing = signed(json!({"sub": "customer-42",
        "persistentChat": {"RehydrationType": "FROM_SEGMENT", "SourceContactId": "c-1"}}));
    let command = policy()
        .authorize(
            br#"{"ParticipantDetails":{"DisplayName":"A"}}"#,
            Some(&continuing),
            now,
        )
        .expect("the token names the contact");
    assert_eq!(
        command
            .persistent_chat()
            .map(|chat| chat.source_contact_id.as_str()),
        Some("c-1")
    );
    // Still behind the switch.
    let strict = policy_with(PolicySettings::new(INSTANCE, FLOW));
    assert_eq!(
        strict.authorize(
            br#"{"ParticipantDetails":{"DisplayName":"A"}}"#,
            Some(&continuing),
            now
        ),
        Err(Rejection::PersistentChatNotAllowed(
            LinkRefusal::SwitchedOff
        ))
    );
}

#[test]
fn duplicate_members_are_invalid_json() {
    let body = br#"{"ParticipantDetails": {"DisplayName": "Ada"}, "ParticipantDetails": {"DisplayName": "Eve"}}"#;
    assert!(matches!(
        policy().authorize(body, None, SystemTime::now()),
        Err(Rejection::InvalidJson(_))
    ));
}
