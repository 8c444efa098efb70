use super::MAX_ATTEMPTS;
use super::answers::check_answer;
use super::plan::{ErrorKind, Injection, draw};
use connect_emulator::{ConnectErrorKind, Fault};
use local_runtime_api::InvocationOutcome;
use serde_json::json;
use std::time::Duration;

#[test]
fn faults_on_every_attempt_leave_only_the_failure_class() {
    let throttled = ErrorKind(
        u8::try_from(
            ConnectErrorKind::ALL
                .iter()
                .position(|k| *k == ConnectErrorKind::Throttling)
                .expect("throttling is listed"),
        )
        .expect("small"),
    );
    assert_eq!(throttled.kind(), ConnectErrorKind::Throttling);
    assert_eq!(Injection::Error(throttled, 1).allowed_classes(), [2, 4, 5]);
    assert_eq!(
        Injection::Error(throttled, MAX_ATTEMPTS).allowed_classes(),
        [4, 5]
    );
    assert_eq!(
        Injection::DropConnection(MAX_ATTEMPTS).allowed_classes(),
        [5]
    );
    let invalid = ErrorKind(0);
    assert_eq!(invalid.kind(), ConnectErrorKind::InvalidRequest);
    assert_eq!(Injection::Error(invalid, 1).allowed_classes(), [4]);
    assert_eq!(MAX_ATTEMPTS, start_chat::connect::MAX_ATTEMPTS);
    assert_eq!(Injection::None.allowed_classes(), [2]);
    assert_eq!(
        Injection::LongDelay(2).faults(Duration::from_millis(500)),
        vec![Fault::Delay(Duration::from_millis(700)); 2]
    );
}

#[test]
fn the_draw_covers_every_request_and_fault() {
    let mut rng = fastrand::Rng::with_seed(1);
    let mut requests = std::collections::BTreeSet::new();
    let mut errors = std::collections::BTreeSet::new();
    for _ in 0..20_000 {
        let (request, injection) = draw(&mut rng);
        requests.insert(request);
        if let Injection::Error(kind, _) = injection {
            errors.insert(kind.kind().code());
        }
        if !request.reaches_connect() {
            assert_eq!(injection, Injection::None);
        }
    }
    assert_eq!(requests.len(), 5);
    assert_eq!(errors.len(), ConnectErrorKind::ALL.len());
}

#[test]
fn answers_are_checked() {
    let ok = json!({"statusCode": 200, "body": json!({"data": {"startChatResult": {"ContactId": "c", "ParticipantToken": "t"}}}).to_string()});
    let checked = check_answer(&InvocationOutcome::Response(ok.to_string().into_bytes()))
        .expect("a valid answer");
    assert_eq!(checked.status, 200);
    assert_eq!(checked.contact_id.as_deref(), Some("c"));
    let no_token = json!({"statusCode": 200, "body": json!({"data": {"startChatResult": {"ContactId": "c"}}}).to_string()});
    assert!(
        check_answer(&InvocationOutcome::Response(
            no_token.to_string().into_bytes()
        ))
        .is_err()
    );
    let error = json!({"statusCode": 502, "body": json!({"error": {"code": "UPSTREAM_ERROR"}}).to_string()});
    assert!(check_answer(&InvocationOutcome::Response(error.to_string().into_bytes())).is_ok());
    assert!(check_answer(&InvocationOutcome::Error(b"panic".to_vec())).is_err());
    assert!(check_answer(&InvocationOutcome::Response(b"not json".to_vec())).is_err());
}
