use super::*;
use crate::chat::{ContinuationRefusal, ContinuationTokens, FieldError, ServerSecret};
use serde_json::{Value, json};
use std::time::{Duration, SystemTime};

const INSTANCE: &str = "3f0a7c1e-8b5d-4e2a-9c6f-1d2e3f4a5b6c";
const OTHER_INSTANCE: &str = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d";
const CONTACT: &str = "5d0c1a2b-3e4f-4a5b-8c6d-7e8f9a0b1c2d";
const APP: &str =
    "arn:aws:mobiletargeting:us-east-1:123456789012:apps/0123456789abcdef0123456789abcdef";
const APNS_TOKEN: &str = "740f4707bebcf74f9b7c25d48e3358945f6aa01da5ddb387462c7eaf61bb78ad";
const FCM_TOKEN: &str = "dGVzdA:APA91bH_k-2.xYz";
const CLIENT_TOKEN: &str = "7c9e6679-7425-40de-944b-e07fc1f90ae7";
const LIFETIME: Duration = Duration::from_secs(3600);

fn secret(fill: &str) -> ServerSecret {
    ServerSecret::new(fill.repeat(32)).expect("long enough")
}

fn settings() -> PushSettings {
    PushSettings {
        application_arn: APP.to_owned(),
        default_instance_id: INSTANCE.to_owned(),
        allowed_instance_ids: vec![OTHER_INSTANCE.to_owned()],
        server_secret: Some(secret("s")),
        continuation_token_lifetime: LIFETIME,
        signed_customers: false,
    }
}

fn anonymous() -> PushPolicy {
    PushPolicy::new(settings()).expect("valid settings")
}

fn signed() -> PushPolicy {
    PushPolicy::new(PushSettings {
        signed_customers: true,
        ..settings()
    })
    .expect("valid settings")
}

/// The token the start gave for `contact` in `instance`.
fn continuation(instance: &str, contact: &str) -> String {
    ContinuationTokens::new(&secret("s"), LIFETIME)
        .issue(instance, contact, SystemTime::now())
        .expose()
        .to_owned()
}

fn body(value: Value) -> Vec<u8> {
    serde_json::to_vec(&value).expect("serializable")
}

fn registration(extra: Value) -> Vec<u8> {
    let mut request = json!({
        "ContactId": CONTACT, "DeviceType": "APNS", "DeviceToken": APNS_TOKEN,
        "ContinuationToken": continuation(INSTANCE, CONTACT),
    });
    if let (Value::Object(request), Value::Object(extra)) = (&mut request, extra) {
        request.extend(extra);
    }
    body(request)
}

fn register(policy: &PushPolicy, request: &[u8]) -> Result<RegisterDeviceCommand, PushRejection> {
    policy.authorize_register(request, None, SystemTime::now())
}

fn field_errors(result: Result<RegisterDeviceCommand, PushRejection>) -> Vec<FieldError> {
    match result {
        Err(PushRejection::Invalid(errors)) => errors,
        other => panic!("expected field errors, got {other:?}"),
    }
}

fn paths(errors: &[FieldError]) -> Vec<&str> {
    errors.iter().map(|error| error.path.as_str()).collect()
}

fn voucher(claims: Value) -> ContactVoucher {
    match claims {
        Value::Object(claims) => ContactVoucher::from_claims(&claims).expect("valid claim"),
        _ => ContactVoucher::default(),
    }
}

#[test]
fn a_registration_with_its_chats_continuation_token_becomes_a_command() {
    let command = register(&anonymous(), &registration(json!({}))).expect("accepted");
    assert_eq!(command.instance_id(), INSTANCE);
    assert_eq!(command.contact_id(), CONTACT);
    assert_eq!(command.application_arn(), APP);
    assert_eq!(command.device_type(), DeviceType::Apns);
    assert_eq!(command.device_token().expose(), APNS_TOKEN);
    assert_eq!(command.participant_role(), ParticipantRole::Customer);
    assert_eq!(command.participant_role().as_str(), "CUSTOMER");
    assert_eq!(command.include_raw_message(), None);
    assert_eq!(command.client_token(), None);
}

#[test]
fn every_member_is_read() {
    let command = register(
        &anonymous(),
        &registration(json!({
            "InstanceId": OTHER_INSTANCE, "DeviceType": "GCM", "DeviceToken": FCM_TOKEN,
            "IncludeRawMessage": true, "ClientToken": CLIENT_TOKEN.to_uppercase(),
            "ContinuationToken": continuation(OTHER_INSTANCE, CONTACT), "Unknown": [1],
        })),
    )
    .expect("accepted");
    assert_eq!(command.instance_id(), OTHER_INSTANCE);
    assert_eq!(command.device_type(), DeviceType::Gcm);
    assert_eq!(command.include_raw_message(), Some(true));
    assert!(command.client_token().is_some());
    for (name, kind) in [
        ("APNS", DeviceType::Apns),
        ("APNS_SANDBOX", DeviceType::ApnsSandbox),
    ] {
        let command =
            register(&anonymous(), &registration(json!({ "DeviceType": name }))).expect("accepted");
        assert_eq!(command.device_type(), kind);
    }
    let defaulted = register(
        &anonymous(),
        &registration(json!({ "InstanceId": "", "ClientToken": null })),
    )
    .expect("accepted");
    assert_eq!(defaulted.instance_id(), INSTANCE);
}

#[test]
fn connects_client_token_is_bound_to_the_whole_registration_and_the_secret() {
    let token = |policy: &PushPolicy, extra: Value| {
        let mut extra = extra;
        extra["ClientToken"] = json!(CLIENT_TOKEN);
        register(policy, &registration(extra))
            .expect("accepted")
            .client_token()
            .expect("derived")
            .to_owned()
    };
    let first = token(&anonymous(), json!({}));
    assert_eq!(first.len(), 64);
    assert!(first.chars().all(|c| c.is_ascii_hexdigit()) && first != CLIENT_TOKEN);
    assert_eq!(
        token(&anonymous(), json!({})),
        first,
        "a retry gets the same token"
    );
    let other_device = format!("{}00", &APNS_TOKEN[..62]);
    for changed in [
        json!({ "DeviceToken": other_device }),
        json!({ "DeviceType": "APNS_SANDBOX" }),
        json!({ "IncludeRawMessage": false }),
        json!({ "IncludeRawMessage": true }),
    ] {
        assert_ne!(token(&anonymous(), changed.clone()), first, "{changed}");
    }
    let other_secret = PushPolicy::new(PushSettings {
        server_secret: Some(secret("t")),
        signed_customers: true,
        ..settings()
    })
    .expect("valid");
    let signed_token = {
        let mut request: Value = serde_json::from_slice(&registration(json!({}))).expect("json");
        request["ClientToken"] = json!(CLIENT_TOKEN);
        other_secret
            .authorize_register(
                &body(request),
                Some(&voucher(json!({ "contactId": CONTACT }))),
                SystemTime::now(),
            )
            .expect("accepted")
            .client_token()
            .map(str::to_owned)
    };
    assert_ne!(signed_token.as_deref(), Some(first.as_str()));
}

#[test]
fn every_offending_field_is_named() {
    let errors = field_errors(register(
        &anonymous(),
        &body(json!({ "IncludeRawMessage": "yes" })),
    ));
    assert_eq!(
        paths(&errors),
        [
            "ContactId",
            "DeviceType",
            "DeviceToken",
            "IncludeRawMessage"
        ]
    );
    assert!(
        errors[..3]
            .iter()
            .all(|error| error.message == "is required")
    );

    let errors = field_errors(register(
        &anonymous(),
        &registration(json!({
            "ContactId": "c".repeat(257), "DeviceType": "apns", "DeviceToken": 5,
            "InstanceId": "i".repeat(101), "ClientToken": "00000000-0000-0000-0000-000000000000",
            "ContinuationToken": "t".repeat(1025),
        })),
    ));
    assert_eq!(
        paths(&errors),
        [
            "ContactId",
            "DeviceType",
            "DeviceToken",
            "InstanceId",
            "ClientToken",
            "ContinuationToken"
        ]
    );
    assert_eq!(errors[1].message, "must be one of: APNS, APNS_SANDBOX, GCM");
    assert_eq!(errors[2].message, "must be a string, not a number");
    let errors = field_errors(register(
        &anonymous(),
        &registration(json!({ "ContactId": "" })),
    ));
    assert_eq!(errors, [FieldError::new("ContactId", "must not be empty")]);
}

#[test]
fn a_device_token_is_checked_against_its_type_and_never_quoted() {
    let secret_like = "not-hex-but-a-secret_token:value";
    let errors = field_errors(register(
        &anonymous(),
        &registration(json!({ "DeviceToken": secret_like })),
    ));
    assert_eq!(
        errors,
        [FieldError::new(
            "DeviceToken",
            "is not a valid APNS token (hexadecimal digits)"
        )]
    );
    let accepted = register(
        &anonymous(),
        &registration(json!({ "DeviceType": "GCM", "DeviceToken": secret_like })),
    );
    assert!(accepted.is_ok(), "{accepted:?}");
    let errors = field_errors(register(
        &anonymous(),
        &registration(json!({ "DeviceType": "GCM", "DeviceToken": "a b/c=+secret" })),
    ));
    assert_eq!(
        errors[0].message,
        "is not a valid GCM token (letters, digits, '_', ':', '.' and '-')"
    );
    let errors = field_errors(register(
        &anonymous(),
        &registration(json!({ "DeviceType": "WNS", "DeviceToken": "a b/c=+secret" })),
    ));
    assert_eq!(paths(&errors), ["DeviceType", "DeviceToken"]);
    assert_eq!(errors[1].message, "is not a valid device token");
    let errors = field_errors(register(
        &anonymous(),
        &registration(json!({ "DeviceToken": "a".repeat(501) })),
    ));
    assert_eq!(
        errors[0].message,
        "must be at most 500 characters long (it has 501)"
    );
    assert!(
        register(
            &anonymous(),
            &registration(json!({ "DeviceToken": "a".repeat(500) }))
        )
        .is_ok()
    );

    for result in [
        register(
            &anonymous(),
            &registration(json!({ "DeviceToken": secret_like })),
        ),
        register(
            &anonymous(),
            &registration(json!({ "DeviceType": 1, "DeviceToken": "a b/c=+secret" })),
        ),
    ] {
        let shown = format!("{result:?}");
        assert!(!shown.contains("secret"), "{shown}");
    }
}

#[test]
fn device_tokens_never_show_in_debug_or_display() {
    let token = DeviceToken::parse(APNS_TOKEN, DeviceType::Apns).expect("valid");
    let command = register(&anonymous(), &registration(json!({}))).expect("accepted");
    let shown = format!("{token:?} {token} {command:?}");
    assert!(!shown.contains(&APNS_TOKEN[..16]), "{shown}");
    assert_eq!(DeviceToken::check("", None), Err(TokenProblem::Empty));
}

#[test]
fn the_body_must_be_one_json_object_without_repeated_members() {
    for bad in [
        &b"not json"[..],
        b"[]",
        br#"{"ContactId":"a","ContactId":"b"}"#,
        b"",
    ] {
        assert!(
            matches!(
                register(&anonymous(), bad),
                Err(PushRejection::InvalidJson(_))
            ),
            "{}",
            String::from_utf8_lossy(bad)
        );
    }
}

#[test]
fn instances_outside_the_allow_list_are_refused() {
    let other = "11111111-2222-4333-8444-555555555555";
    assert_eq!(
        register(&anonymous(), &registration(json!({ "InstanceId": other }))),
        Err(PushRejection::InstanceNotAllowed)
    );
}

#[test]
fn anonymous_callers_prove_the_chat_with_its_continuation_token() {
    let without = registration(json!({ "ContinuationToken": null }));
    assert_eq!(
        register(&anonymous(), &without),
        Err(PushRejection::ContinuationTokenRequired)
    );
    for (token, refusal) in [
        (
            continuation(INSTANCE, "another-contact"),
            ContinuationRefusal::OtherContact,
        ),
        (
            continuation(OTHER_INSTANCE, CONTACT),
            ContinuationRefusal::OtherContact,
        ),
        ("v1.forged.token".to_owned(), ContinuationRefusal::Forged),
    ] {
        assert_eq!(
            register(
                &anonymous(),
                &registration(json!({ "ContinuationToken": token }))
            ),
            Err(PushRejection::ContinuationTokenInvalid(refusal))
        );
    }
    let expired = anonymous().authorize_register(
        &registration(json!({})),
        None,
        SystemTime::now() + LIFETIME + Duration::from_secs(60),
    );
    assert_eq!(
        expired,
        Err(PushRejection::ContinuationTokenInvalid(
            ContinuationRefusal::Expired
        ))
    );
    // Field errors come first: nothing about the chat is revealed to a malformed request.
    let errors = field_errors(register(
        &anonymous(),
        &body(json!({ "ContactId": CONTACT })),
    ));
    assert_eq!(paths(&errors), ["DeviceType", "DeviceToken"]);
}

#[test]
fn signed_callers_prove_the_chat_with_the_websites_token_only() {
    let now = SystemTime::now();
    let request = registration(json!({}));
    let naming = |contact: &str| voucher(json!({ "contactId": contact, "sub": "c-1" }));
    assert!(
        signed()
            .authorize_register(&request, Some(&naming(CONTACT)), now)
            .is_ok()
    );
    for refused in [
        Some(naming("another-contact")),
        Some(voucher(json!({ "sub": "c-1" }))),
        None,
    ] {
        assert_eq!(
            signed().authorize_register(&request, refused.as_ref(), now),
            Err(PushRejection::ContactNotVouched),
            "{refused:?}"
        );
    }
    let remove = signed().authorize_remove(
        "r-1",
        &body(
            json!({ "ContactId": CONTACT, "ContinuationToken": continuation(INSTANCE, CONTACT) }),
        ),
        None,
        now,
    );
    assert_eq!(
        remove,
        Err(PushRejection::ContactNotVouched),
        "a continuation token is no substitute"
    );
}

#[test]
fn the_contact_claim_is_checked() {
    let claims = |value: Value| match value {
        Value::Object(map) => map,
        _ => serde_json::Map::new(),
    };
    for bad in [
        json!({ "contactId": 7 }),
        json!({ "contactId": "" }),
        json!({ "contactId": "c".repeat(257) }),
    ] {
        let errors = ContactVoucher::from_claims(&claims(bad)).expect_err("invalid");
        assert_eq!(paths(&errors), ["contactId"]);
    }
    assert_eq!(
        ContactVoucher::from_claims(&claims(json!({ "contactId": null }))),
        Ok(ContactVoucher::default())
    );
}

#[test]
fn a_removal_names_its_registration_and_proves_the_chat() {
    let proven = || {
        body(json!({ "ContactId": CONTACT, "ContinuationToken": continuation(INSTANCE, CONTACT) }))
    };
    let remove =
        |id: &str, body: &[u8]| anonymous().authorize_remove(id, body, None, SystemTime::now());
    let command = remove("6a1b2c3d-registration", &proven()).expect("accepted");
    assert_eq!(command.registration_id().as_str(), "6a1b2c3d-registration");
    assert_eq!(
        (command.instance_id(), command.contact_id()),
        (INSTANCE, CONTACT)
    );
    assert_eq!(
        remove("r-1", &body(json!({ "ContactId": CONTACT }))),
        Err(PushRejection::ContinuationTokenRequired)
    );
    let refused = remove("r/1", &body(json!({})));
    assert!(
        matches!(&refused, Err(PushRejection::Invalid(errors)) if paths(errors) == ["RegistrationId", "ContactId"]),
        "{refused:?}"
    );
    for bad in ["", "r 1", "r\n1", "r/1", "é", &"r".repeat(257)] {
        assert!(RegistrationId::parse(bad).is_none(), "{bad:?}");
        assert!(
            matches!(remove(bad, &proven()), Err(PushRejection::Invalid(_))),
            "{bad:?}"
        );
    }
    assert_eq!(
        RegistrationId::parse(&"r".repeat(256)).map(|id| id.as_str().len()),
        Some(256)
    );
}

#[test]
fn the_policy_needs_an_application_arn_and_a_way_to_prove_a_chat() {
    assert_eq!(
        PushPolicy::new(PushSettings {
            application_arn: "apps/1".to_owned(),
            ..settings()
        })
        .err(),
        Some(PushPolicyError::ApplicationArn)
    );
    assert_eq!(
        PushPolicy::new(PushSettings {
            server_secret: None,
            ..settings()
        })
        .err(),
        Some(PushPolicyError::NoProof)
    );
    assert!(
        PushPolicy::new(PushSettings {
            server_secret: None,
            signed_customers: true,
            ..settings()
        })
        .is_ok()
    );
    for good in [
        APP,
        "arn:aws-cn:mobiletargeting:cn-north-1:123456789012:apps/abc123",
        "arn:aws-us-gov:mobiletargeting:us-gov-west-1:123456789012:apps/A1",
    ] {
        assert!(is_application_arn(good), "{good}");
    }
    for bad in [
        "",
        "arn:aws:mobiletargeting:us-east-1:123456789012:apps/",
        "arn:aws:mobiletargeting:us-east-1:12345678901:apps/abc",
        "arn:aws:connect:us-east-1:123456789012:apps/abc",
        "arn:aws:mobiletargeting:us-east-1:123456789012:apps/abc/extra",
        "arn:aws:mobiletargeting:us-east-1:123456789012:apps/abc:x",
        "arn:gcp:mobiletargeting:us-east-1:123456789012:apps/abc",
    ] {
        assert!(!is_application_arn(bad), "{bad}");
    }
}
