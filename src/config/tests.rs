use super::env::Env;
use super::*;
use crate::chat::ContentType;
use crate::http::AllowedOrigins;
use crate::secrets::SecretValues;
use crate::telemetry::LogFormat;
use std::collections::{HashMap, HashSet};
use std::time::Duration;
use tracing::level_filters::LevelFilter;

const INSTANCE: &str = "3f0a7c1e-8b5d-4e2a-9c6f-1d2e3f4a5b6c";
const FLOW: &str = "6a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
const SALES: &str = "7b2c3d4e-5f6a-4b7c-9d8e-0f1a2b3c4d5e";

fn load(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
    let map: HashMap<String, String> = [("INSTANCE_ID", INSTANCE), ("CONTACT_FLOW_ID", FLOW)]
        .iter()
        .chain(pairs)
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    Config::from_lookup(|name| map.get(name).cloned())
}

/// The policy's settings as read from the environment (before the policy checks them).
fn settings(pairs: &[(&str, &str)]) -> PolicySettings {
    let map: HashMap<String, String> = [("INSTANCE_ID", INSTANCE), ("CONTACT_FLOW_ID", FLOW)]
        .iter()
        .chain(pairs)
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    Env(|name: &str| map.get(name).cloned())
        .policy_settings()
        .expect("readable settings")
}

fn failing_variable(pairs: &[(&str, &str)]) -> &'static str {
    match load(pairs) {
        Err(error) => error.variable,
        Ok(_) => panic!("expected {pairs:?} to be refused"),
    }
}

#[test]
fn the_two_required_ids_are_enough_and_defaults_are_strict() {
    let config = load(&[]).expect("the two ids are enough");
    assert_eq!(config.policy.default_instance_id(), INSTANCE);
    let defaults = settings(&[]);
    assert!(defaults.allowed_contact_flow_ids.is_empty());
    assert_eq!(defaults.allowed_segment_attribute_keys, ["connect:Subtype"]);
    assert!(!defaults.allow_customer_id);
    assert!(!defaults.allow_incremental_responses);
    assert_eq!(defaults.max_chat_duration_minutes, 1500);
    assert_eq!(
        config.http.origins.allowed,
        AllowedOrigins::Exact(HashSet::new())
    );
    assert!(!config.http.origins.require_origin);
    assert_eq!(config.http.max_body_bytes, 65_536);
    assert!(!config.http.attachments_enabled);
    assert_eq!(config.connect.api_timeout, Duration::from_secs(4));
    assert!(config.connect.warm_connection);
    assert_eq!(config.log, LogSettings::default());
    assert_eq!(config.metrics_namespace, "StartChat");
    assert!(!config.policy.allows_persistent_chat());
    assert_eq!(defaults.default_content_types, [ContentType::Plain]);
}

#[test]
fn customer_ids_and_streamed_replies_are_switched_on_by_name() {
    let on = settings(&[
        ("ALLOW_CUSTOMER_ID", "true"),
        ("ALLOW_INCREMENTAL_RESPONSES", "TRUE"),
    ]);
    assert!(on.allow_customer_id && on.allow_incremental_responses);
    assert_eq!(
        failing_variable(&[("ALLOW_INCREMENTAL_RESPONSES", "yes")]),
        "ALLOW_INCREMENTAL_RESPONSES"
    );
}

#[test]
fn a_missing_or_malformed_id_names_its_variable() {
    let error = Config::from_lookup(|_| None).err();
    assert_eq!(error.map(|e| e.variable), Some("INSTANCE_ID"));
    assert_eq!(
        failing_variable(&[("INSTANCE_ID", "arn:aws:connect:us-east-1:1:instance/x")]),
        "INSTANCE_ID"
    );
    assert_eq!(
        failing_variable(&[("CONTACT_FLOW_ID", "6A1B2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C4D")]),
        "CONTACT_FLOW_ID"
    );
    assert_eq!(
        failing_variable(&[("ALLOWED_CONTACT_FLOW_IDS", "sales")]),
        "ALLOWED_CONTACT_FLOW_IDS"
    );
    assert_eq!(
        failing_variable(&[("ALLOWED_INSTANCE_IDS", "a,,b")]),
        "ALLOWED_INSTANCE_IDS"
    );
}

#[test]
fn aliases_must_target_allowed_flows() {
    let aliases = format!("sales={SALES}, default={FLOW}");
    let pairs = [
        ("ALLOWED_CONTACT_FLOW_IDS", SALES),
        ("CONTACT_FLOW_ALIASES", aliases.as_str()),
    ];
    assert!(load(&pairs).is_ok());
    assert_eq!(
        settings(&pairs).contact_flow_aliases,
        [
            ("sales".to_owned(), SALES.to_owned()),
            ("default".to_owned(), FLOW.to_owned())
        ]
    );
    assert_eq!(
        failing_variable(&[("CONTACT_FLOW_ALIASES", &format!("sales={SALES}"))]),
        "CONTACT_FLOW_ALIASES"
    );
    assert_eq!(
        failing_variable(&[("CONTACT_FLOW_ALIASES", "sales")]),
        "CONTACT_FLOW_ALIASES"
    );
    assert_eq!(
        failing_variable(&[("CONTACT_FLOW_ALIASES", &format!("a b={FLOW}"))]),
        "CONTACT_FLOW_ALIASES"
    );
    assert_eq!(
        failing_variable(&[("CONTACT_FLOW_ALIASES", &format!("x={FLOW},x={FLOW}"))]),
        "CONTACT_FLOW_ALIASES"
    );
}

#[test]
fn origins_are_exact_and_the_wildcard_must_stand_alone() {
    let config = load(&[(
        "ALLOWED_ORIGINS",
        "https://www.example.com, http://127.0.0.1:8080,http://[::1]:3000",
    )])
    .expect("a valid configuration");
    let AllowedOrigins::Exact(origins) = config.http.origins.allowed else {
        panic!("expected exact origins")
    };
    assert_eq!(origins.len(), 3);
    assert!(origins.contains("http://127.0.0.1:8080"));
    let any = load(&[("ALLOWED_ORIGINS", "*")]).expect("a valid configuration");
    assert_eq!(any.http.origins.allowed, AllowedOrigins::Any);
    for bad in [
        "*,https://a.example",
        "https://a.example/",
        "https://a.example/chat",
        "a.example",
        "ftp://a.example",
        "https://A.example",
        "https://a.example:",
        "https://a.example:123456",
        "null",
    ] {
        assert_eq!(
            failing_variable(&[("ALLOWED_ORIGINS", bad)]),
            "ALLOWED_ORIGINS",
            "{bad}"
        );
    }
}

#[test]
fn every_optional_setting_is_checked() {
    let pairs = [
        ("ALLOWED_ATTRIBUTE_KEYS", "customerName,orderId"),
        (
            "ALLOWED_SEGMENT_ATTRIBUTE_KEYS",
            "connect:Subtype, acme:Tier",
        ),
        (
            "SUPPORTED_MESSAGING_CONTENT_TYPES",
            "text/plain,text/markdown",
        ),
        ("CHAT_DURATION_MINUTES", "90"),
        ("ATTACHMENTS_ENABLED", "TRUE"),
        ("ALLOW_PERSISTENT_CHAT", "true"),
        ("ALLOW_CUSTOMER_ID", "false"),
        ("SERVER_SECRET", "a-local-server-secret-of-32-bytes-or-more"),
        ("REQUIRE_ORIGIN", "true"),
        ("MAX_BODY_BYTES", "2048"),
        ("CONNECT_API_TIMEOUT_MS", "2500"),
        ("WARM_CONNECTION", "false"),
        ("LOG_LEVEL", "debug"),
        ("AWS_LAMBDA_LOG_FORMAT", "Text"),
        ("METRICS_NAMESPACE", "Acme/Chat"),
    ];
    let config = load(&pairs).expect("every setting valid");
    let policy = settings(&pairs);
    assert_eq!(policy.allowed_attribute_keys.map(|k| k.len()), Some(2));
    assert_eq!(
        policy.allowed_segment_attribute_keys,
        ["connect:Subtype", "acme:Tier"]
    );
    assert_eq!(
        policy.default_content_types,
        [ContentType::Plain, ContentType::Markdown]
    );
    assert_eq!(policy.max_chat_duration_minutes, 90);
    assert!(!policy.allow_customer_id);
    assert!(config.http.attachments_enabled && config.http.origins.require_origin);
    assert!(config.policy.allows_persistent_chat() && !config.connect.warm_connection);
    assert_eq!(config.http.max_body_bytes, 2048);
    assert_eq!(config.connect.api_timeout, Duration::from_millis(2500));
    assert_eq!(
        config.log,
        LogSettings {
            level: LevelFilter::DEBUG,
            format: LogFormat::Text
        }
    );
    assert_eq!(config.metrics_namespace, "Acme/Chat");

    for (variable, value) in [
        ("ALLOWED_ATTRIBUTE_KEYS", "customer name"),
        ("SUPPORTED_MESSAGING_CONTENT_TYPES", "text/markdown"),
        ("SUPPORTED_MESSAGING_CONTENT_TYPES", "text/plain,text/html"),
        ("CHAT_DURATION_MINUTES", "59"),
        ("CHAT_DURATION_MINUTES", "1h"),
        ("ATTACHMENTS_ENABLED", "yes"),
        ("ALLOW_CUSTOMER_ID", "no"),
        ("ALLOWED_SEGMENT_ATTRIBUTE_KEYS", "connect:Subtype,,x"),
        ("MAX_BODY_BYTES", "10"),
        ("CONNECT_API_TIMEOUT_MS", "30000"),
        ("LOG_LEVEL", "verbose"),
        ("AWS_LAMBDA_LOG_FORMAT", "xml"),
        ("METRICS_NAMESPACE", "bad namespace"),
    ] {
        assert_eq!(
            failing_variable(&[(variable, value)]),
            variable,
            "{variable}={value}"
        );
    }
}

#[test]
fn lambdas_log_level_applies_unless_log_level_is_set() {
    let lambda = load(&[("AWS_LAMBDA_LOG_LEVEL", "WARN")]).expect("a valid configuration");
    assert_eq!(lambda.log.level, LevelFilter::WARN);
    let ours = load(&[("AWS_LAMBDA_LOG_LEVEL", "WARN"), ("LOG_LEVEL", "trace")])
        .expect("a valid configuration");
    assert_eq!(ours.log.level, LevelFilter::TRACE);
}

#[test]
fn empty_values_count_as_unset() {
    let config = load(&[
        ("ALLOWED_ORIGINS", ""),
        ("CHAT_DURATION_MINUTES", " "),
        ("LOG_LEVEL", ""),
    ])
    .expect("empty values are unset");
    assert_eq!(
        settings(&[("CHAT_DURATION_MINUTES", " ")]).max_chat_duration_minutes,
        1500
    );
    assert_eq!(config.log.level, LevelFilter::INFO);
}

#[test]
fn secrets_come_from_secrets_manager_or_for_local_runs_from_the_environment() {
    let arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:start-chat-AbCdEf";
    let from_aws = Settings::from_lookup(|name| match name {
        "INSTANCE_ID" => Some(INSTANCE.into()),
        "CONTACT_FLOW_ID" => Some(FLOW.into()),
        "SECRET_ARN" => Some(arn.into()),
        _ => None,
    })
    .expect("valid settings");
    assert_eq!(from_aws.secret_arn(), Some(arn));
    let keys = SecretValues {
        server_secret: Some("s".repeat(40)),
        jwt_signing_keys: vec!["k".repeat(44)],
    };
    let config = from_aws.clone().into_config(Some(keys)).expect("complete");
    assert!(config.customer_tokens.is_some());
    assert_eq!(
        from_aws
            .into_config(None)
            .map(|_| ())
            .map_err(|e| e.variable),
        Err("SECRET_ARN")
    );

    for (pairs, variable) in [
        (vec![("SECRET_ARN", "my-secret")], "SECRET_ARN"),
        (
            vec![
                ("SECRET_ARN", arn),
                ("SERVER_SECRET", "a-local-server-secret-of-32-bytes-or-more"),
            ],
            "SECRET_ARN",
        ),
        (vec![("SERVER_SECRET", "too-short")], "SERVER_SECRET"),
        (vec![("JWT_SIGNING_KEYS", "short")], "JWT_SIGNING_KEYS"),
        (vec![("SIGNED_CUSTOMERS", "true")], "JWT_SIGNING_KEYS"),
        (
            vec![("ALLOW_PERSISTENT_CHAT", "true")],
            "ALLOW_PERSISTENT_CHAT",
        ),
        (
            vec![("CONTINUATION_TOKEN_TTL_HOURS", "721")],
            "CONTINUATION_TOKEN_TTL_HOURS",
        ),
    ] {
        assert_eq!(failing_variable(&pairs), variable, "{pairs:?}");
    }
    let signed = load(&[(
        "JWT_SIGNING_KEYS",
        "a-widget-security-key-of-44-characters-0000, the-next-widget-security-key-of-44-chars-00",
    )])
    .expect("two keys");
    assert!(signed.customer_tokens.is_some());
    // Signed customers may continue chats through their token alone.
    assert!(
        load(&[
            ("ALLOW_PERSISTENT_CHAT", "true"),
            (
                "JWT_SIGNING_KEYS",
                "a-widget-security-key-of-44-characters-0000"
            ),
        ])
        .is_ok()
    );
}

#[test]
fn push_notifications_need_an_application_and_a_way_to_prove_a_chat() {
    const APP: &str = "arn:aws:mobiletargeting:us-east-1:123456789012:apps/0123456789abcdef";
    const SECRET: &str = "a-local-server-secret-of-32-bytes-or-more";
    assert!(load(&[]).expect("push is optional").push.is_none());
    let anonymous = load(&[("PUSH_APPLICATION_ARN", APP), ("SERVER_SECRET", SECRET)]);
    assert!(
        anonymous
            .expect("a secret signs continuation tokens")
            .push
            .is_some()
    );
    let signed = load(&[
        ("PUSH_APPLICATION_ARN", APP),
        (
            "JWT_SIGNING_KEYS",
            "a-website-signing-key-of-32-bytes-or-more",
        ),
    ]);
    assert!(
        signed
            .expect("signed customers vouch for their chat")
            .push
            .is_some()
    );
    let error = load(&[("PUSH_APPLICATION_ARN", APP)]).expect_err("no proof possible");
    assert_eq!(error.variable, "PUSH_APPLICATION_ARN");
    assert!(error.problem.contains("server secret"), "{}", error.problem);
    for bad in [
        "arn:aws:connect:us-east-1:123456789012:instance/x",
        "0123456789abcdef",
        "arn:aws:mobiletargeting:us-east-1:123456789012:apps/",
    ] {
        assert_eq!(
            failing_variable(&[("PUSH_APPLICATION_ARN", bad), ("SERVER_SECRET", SECRET)]),
            "PUSH_APPLICATION_ARN",
            "{bad}"
        );
    }
    assert!(
        load(&[("PUSH_APPLICATION_ARN", " "), ("SERVER_SECRET", SECRET)])
            .expect("empty is unset")
            .push
            .is_none()
    );
}
