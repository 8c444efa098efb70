//! The push routes around a fake push port: what each request is answered, logged and counted as, and
//! that no refusal reaches the port. The wire to Connect is tested against the emulator in
//! tests/integration.

use super::tests::{FakeConnect, INSTANCE, SITE, body, handler, run};
use super::*;
use crate::chat::{
    ConnectFailure, ConnectFailureKind, ContinuationTokens, DEFAULT_TOKEN_LIFETIME, ServerSecret,
};
use crate::http::NoAvailability;
use crate::push::{PushSettings, RegisterDeviceCommand, RemoveRegistrationCommand};
use aws_lc_rs::hmac;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

const CONTACT: &str = "5d0c1a2b-3e4f-4a5b-8c6d-7e8f9a0b1c2d";
const SECRET: &str = "a-server-secret-of-at-least-32-bytes";
const SIGNING_KEY: &str = "a-website-signing-key-of-32-bytes-or-more";
const APNS_TOKEN: &str = "740f4707bebcf74f9b7c25d48e3358945f6aa01da5ddb387462c7eaf61bb78ad";
const COLLECTION: &str = "/prod/chat/push-registrations";

#[derive(Debug)]
enum Call {
    Register(RegisterDeviceCommand),
    Remove(RemoveRegistrationCommand),
}

/// A push port that answers with what the test says, and keeps the commands it was given.
struct FakeRegistrations {
    answer: Result<(), ConnectFailureKind>,
    calls: Mutex<Vec<Call>>,
}

impl FakeRegistrations {
    fn record(&self, call: Call) -> Result<(), ConnectFailure> {
        self.calls.lock().expect("an unpoisoned lock").push(call);
        self.answer.map_err(ConnectFailure::new)
    }
}

impl PushRegistrations for FakeRegistrations {
    async fn register(
        &self,
        command: &RegisterDeviceCommand,
    ) -> Result<RegistrationId, ConnectFailure> {
        self.record(Call::Register(command.clone()))?;
        Ok(RegistrationId::parse("registration-1").expect("a valid id"))
    }

    async fn remove(&self, command: &RemoveRegistrationCommand) -> Result<(), ConnectFailure> {
        self.record(Call::Remove(command.clone()))
    }
}

type PushHandler = ChatHandler<FakeConnect, NoAvailability, FakeRegistrations>;

fn push_handler(signed: bool, answer: Result<(), ConnectFailureKind>) -> PushHandler {
    let mut handler = handler(Ok(()));
    if signed {
        handler.start_chat.customer_tokens =
            Some(CustomerTokenVerifier::new(&[SIGNING_KEY.to_owned()], None).expect("a valid key"));
    }
    let policy = PushPolicy::new(PushSettings {
        application_arn: "arn:aws:mobiletargeting:us-east-1:123456789012:apps/abc123".to_owned(),
        default_instance_id: INSTANCE.to_owned(),
        allowed_instance_ids: Vec::new(),
        server_secret: Some(ServerSecret::new(SECRET).expect("long enough")),
        continuation_token_lifetime: DEFAULT_TOKEN_LIFETIME,
        signed_customers: signed,
    })
    .expect("a valid policy");
    let registrations = FakeRegistrations {
        answer,
        calls: Mutex::new(Vec::new()),
    };
    handler.with_push(Some((policy, registrations)))
}

fn push_calls(handler: &PushHandler) -> usize {
    handler.push.as_ref().map_or(0, |push| {
        push.registrations.calls.lock().expect("a lock").len()
    })
}

fn continuation(contact: &str) -> String {
    let secret = ServerSecret::new(SECRET).expect("long enough");
    ContinuationTokens::new(&secret, DEFAULT_TOKEN_LIFETIME)
        .issue(INSTANCE, contact, SystemTime::now())
        .expose()
        .to_owned()
}

/// An HS256 token with these claims, issued now for five minutes.
fn customer_token(mut claims: Value) -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs());
    claims["iat"] = json!(now);
    claims["exp"] = json!(now + 300);
    let encode = |value: &Value| URL_SAFE_NO_PAD.encode(value.to_string());
    let signed = format!("{}.{}", encode(&json!({"alg": "HS256"})), encode(&claims));
    let key = hmac::Key::new(hmac::HMAC_SHA256, SIGNING_KEY.as_bytes());
    let signature = URL_SAFE_NO_PAD.encode(hmac::sign(&key, signed.as_bytes()));
    format!("{signed}.{signature}")
}

fn request(method: &str, path: &str, body: Value) -> HttpRequest {
    HttpRequest::new(method)
        .path(path)
        .header("origin", SITE)
        .header("content-type", "application/json")
        .body(body.to_string())
}

fn registration() -> Value {
    json!({"ContactId": CONTACT, "DeviceType": "APNS", "DeviceToken": APNS_TOKEN,
           "ContinuationToken": continuation(CONTACT)})
}

fn code(response: &HttpResponse) -> String {
    body(response)["error"]["code"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[test]
fn without_an_application_the_push_routes_are_not_found() {
    let handler = handler(Ok(())).with_push(None::<(PushPolicy, FakeRegistrations)>);
    for (method, path) in [
        ("POST", COLLECTION),
        ("DELETE", "/chat/push-registrations/r-1"),
        ("GET", "/chat/push-registrations/r-1/x"),
    ] {
        let (response, lines) = run(&handler, &request(method, path, registration()));
        assert_eq!(response.status, 404, "{method} {path}");
        assert_eq!(code(&response), "PUSH_NOTIFICATIONS_DISABLED");
        assert_eq!(lines[0]["reason"], "RefusedPolicy");
    }
    let (preflight, _) = run(&handler, &request("OPTIONS", COLLECTION, json!({})));
    assert_eq!(preflight.status, 204);
    assert_eq!(preflight.header("allow"), Some("POST, OPTIONS"));
    let (chat, _) = run(
        &handler,
        &request(
            "POST",
            "/chat",
            json!({"ParticipantDetails": {"DisplayName": "Ada"}}),
        ),
    );
    assert_eq!(chat.status, 200, "the start is unchanged");
}

#[test]
fn a_registration_answers_its_id_and_logs_the_contact_never_the_device() {
    let handler = push_handler(false, Ok(()));
    let (response, lines) = run(&handler, &request("POST", COLLECTION, registration()));
    assert_eq!(response.status, 200);
    assert_eq!(body(&response), json!({"RegistrationId": "registration-1"}));
    assert_eq!(response.header("access-control-allow-origin"), Some(SITE));
    assert_eq!(response.header("cache-control"), Some("no-store"));
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["outcome"], "push_registered");
    assert_eq!(lines[0]["route"], "push-registrations");
    assert_eq!(lines[0]["contact_id"], CONTACT);
    let logged = serde_json::to_string(&lines).expect("JSON");
    assert!(!logged.contains(APNS_TOKEN) && !logged.contains(&continuation(CONTACT)[..20]));
    let calls = handler
        .push
        .as_ref()
        .expect("push on")
        .registrations
        .calls
        .lock()
        .expect("a lock")
        .drain(..)
        .collect::<Vec<_>>();
    match calls.as_slice() {
        [Call::Register(command)] => {
            assert_eq!(command.contact_id(), CONTACT);
            assert_eq!(command.device_token().expose(), APNS_TOKEN);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_removal_answers_204_without_a_body() {
    let handler = push_handler(false, Ok(()));
    let path = "/chat/push-registrations/registration%2D1";
    let body = json!({"ContactId": CONTACT, "ContinuationToken": continuation(CONTACT)});
    let (response, lines) = run(&handler, &request("DELETE", path, body));
    assert_eq!(response.status, 204);
    assert_eq!(response.body, None);
    assert_eq!(response.header("access-control-allow-origin"), Some(SITE));
    assert_eq!(lines[0]["outcome"], "push_removed");
    assert_eq!(lines[0]["route"], "push-registration");
    let calls = handler
        .push
        .as_ref()
        .expect("push on")
        .registrations
        .calls
        .lock()
        .expect("a lock")
        .drain(..)
        .collect::<Vec<_>>();
    match calls.as_slice() {
        [Call::Remove(command)] => assert_eq!(command.registration_id().as_str(), "registration-1"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn every_refusal_comes_before_connect() {
    let handler = push_handler(false, Ok(()));
    let item = "/chat/push-registrations/r-1";
    let mut other_contact = registration();
    other_contact["ContinuationToken"] = json!(continuation("another-contact"));
    let mut bad_device = registration();
    bad_device["DeviceToken"] = json!("not-hex-secret-device-token");
    let cases = [
        (
            request(
                "POST",
                COLLECTION,
                json!({"ContactId": CONTACT, "DeviceType": "GCM", "DeviceToken": "t"}),
            ),
            403,
            "CONTINUATION_TOKEN_REQUIRED",
        ),
        (
            request("POST", COLLECTION, other_contact),
            403,
            "CONTINUATION_TOKEN_INVALID",
        ),
        (
            request("POST", COLLECTION, bad_device),
            400,
            "VALIDATION_FAILED",
        ),
        (request("POST", COLLECTION, json!([])), 400, "INVALID_JSON"),
        (
            request("DELETE", item, json!({"ContactId": CONTACT})),
            403,
            "CONTINUATION_TOKEN_REQUIRED",
        ),
        (
            request(
                "DELETE",
                "/chat/push-registrations/%00",
                json!({"ContactId": CONTACT, "ContinuationToken": continuation(CONTACT)}),
            ),
            400,
            "VALIDATION_FAILED",
        ),
        (
            request("GET", COLLECTION, json!({})),
            405,
            "METHOD_NOT_ALLOWED",
        ),
        (
            request("POST", item, registration()),
            405,
            "METHOD_NOT_ALLOWED",
        ),
        (
            request("DELETE", "/chat/push-registrations/r-1/extra", json!({})),
            404,
            "NOT_FOUND",
        ),
        (
            request("POST", COLLECTION, registration())
                .header("content-type", "multipart/form-data"),
            415,
            "UNSUPPORTED_MEDIA_TYPE",
        ),
    ];
    for (request, status, expected) in cases {
        let (response, lines) = run(&handler, &request);
        assert_eq!(
            (response.status, code(&response)),
            (status, expected.to_owned()),
            "{} {}",
            request.method,
            request.path
        );
        assert!(
            !response
                .body
                .as_deref()
                .unwrap_or_default()
                .contains("secret-device")
        );
        assert!(
            !serde_json::to_string(&lines)
                .expect("JSON")
                .contains("secret-device")
        );
    }
    let (collection, _) = run(&handler, &request("GET", COLLECTION, json!({})));
    assert_eq!(collection.header("allow"), Some("POST, OPTIONS"));
    let (item_405, _) = run(&handler, &request("PUT", item, json!({})));
    assert_eq!(item_405.header("allow"), Some("DELETE, OPTIONS"));
    assert_eq!(push_calls(&handler), 0);
}

#[test]
fn signed_customers_prove_the_chat_with_the_contact_claim() {
    let handler = push_handler(true, Ok(()));
    let with_token = |token: &str| {
        request("POST", COLLECTION, registration())
            .header("authorization", &format!("Bearer {token}"))
    };
    let (missing, _) = run(&handler, &request("POST", COLLECTION, registration()));
    assert_eq!(
        (missing.status, code(&missing)),
        (401, "TOKEN_MISSING".to_owned())
    );
    let (other, _) = run(
        &handler,
        &with_token(&customer_token(
            json!({"sub": "c-1", "contactId": "another"}),
        )),
    );
    assert_eq!(
        (other.status, code(&other)),
        (403, "CONTACT_NOT_VOUCHED".to_owned())
    );
    let (none, _) = run(
        &handler,
        &with_token(&customer_token(json!({"sub": "c-1"}))),
    );
    assert_eq!(
        code(&none),
        "CONTACT_NOT_VOUCHED",
        "a continuation token is no substitute"
    );
    let (bad_claim, _) = run(
        &handler,
        &with_token(&customer_token(json!({"contactId": 7}))),
    );
    assert_eq!(
        (bad_claim.status, code(&bad_claim)),
        (401, "TOKEN_CLAIMS_INVALID".to_owned())
    );
    assert_eq!(body(&bad_claim)["error"]["fields"][0]["path"], "contactId");
    assert_eq!(push_calls(&handler), 0);
    let (accepted, _) = run(
        &handler,
        &with_token(&customer_token(json!({"contactId": CONTACT}))),
    );
    assert_eq!(accepted.status, 200, "{:?}", accepted.body);
    assert_eq!(push_calls(&handler), 1);
}

#[test]
fn connect_failures_name_the_operation_in_the_log() {
    let handler = push_handler(false, Err(ConnectFailureKind::NotFound));
    let (response, lines) = run(&handler, &request("POST", COLLECTION, registration()));
    assert_eq!(
        (response.status, code(&response)),
        (404, "CHAT_RESOURCE_NOT_FOUND".to_owned())
    );
    assert_eq!(
        lines[0]["connect_operation"],
        "CreatePushNotificationRegistration"
    );
    let handler = push_handler(false, Err(ConnectFailureKind::QuotaExceeded));
    let removal = json!({"ContactId": CONTACT, "ContinuationToken": continuation(CONTACT)});
    let (response, lines) = run(
        &handler,
        &request("DELETE", "/chat/push-registrations/r-1", removal),
    );
    assert_eq!(
        (response.status, response.header("retry-after")),
        (429, Some("30"))
    );
    assert_eq!(
        lines[0]["connect_operation"],
        "DeletePushNotificationRegistration"
    );
    assert_eq!(lines[0]["reason"], "ConnectQuotaExceeded");
}
