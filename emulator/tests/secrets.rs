//! Secrets Manager's GetSecretValue on the control plane: signed for `secretsmanager` with the
//! real `aws-sigv4`, answered and refused in the awsJson1.1 shapes, recorded, and set at run time.

use connect_emulator::{EmulatorConfig, local};
use serde_json::{Value, json};

use crate::common::*;

const GET_SECRET_VALUE: &str = "secretsmanager.GetSecretValue";

fn assert_aws_json_error(response: &TestResponse, status: u16, code: &str) {
    assert_eq!(
        response.status,
        status,
        "{}",
        String::from_utf8_lossy(&response.body)
    );
    assert_eq!(
        response.header("content-type"),
        Some("application/x-amz-json-1.1")
    );
    let body = response.json();
    assert_eq!(body["__type"], code, "{body}");
    assert!(
        body["Message"].is_string() || body["message"].is_string(),
        "{body}"
    );
}

#[tokio::test]
async fn the_local_secret_is_served_by_arn_and_by_name() {
    let emulator = start(EmulatorConfig::local()).await;
    let answer = secrets_call(
        &emulator,
        GET_SECRET_VALUE,
        &json!({"SecretId": local::SECRET_ARN}),
    )
    .await;
    assert_eq!(answer.status, 200);
    assert_eq!(
        answer.header("content-type"),
        Some("application/x-amz-json-1.1")
    );
    assert!(answer.header("x-amzn-requestid").is_some());
    let body = answer.json();
    assert_eq!(body["ARN"], local::SECRET_ARN);
    assert_eq!(body["Name"], "start-chat-local");
    assert_eq!(body["SecretString"], local::secret_string());
    assert_eq!(body["VersionStages"], json!(["AWSCURRENT"]));
    assert!(body["VersionId"].as_str().is_some_and(|v| v.len() == 36));
    assert!(body["CreatedDate"].as_f64().is_some_and(|t| t > 1.6e9));
    let secret: Value = serde_json::from_str(body["SecretString"].as_str().expect("a string"))
        .expect("the local secret is JSON");
    assert_eq!(secret["serverSecret"], local::SERVER_SECRET);

    let by_name = secrets_call(
        &emulator,
        GET_SECRET_VALUE,
        &json!({"SecretId": "start-chat-local", "VersionStage": "AWSCURRENT"}),
    )
    .await
    .json();
    assert_eq!(by_name["VersionId"], body["VersionId"]);

    let calls = emulator.secret_calls();
    assert_eq!(calls.len(), 2);
    assert_eq!(calls[0].secret_id.as_deref(), Some(local::SECRET_ARN));
    assert_eq!((calls[0].status, calls[0].error_code.clone()), (200, None));
    // Also in the plain request records, with the signature checked for `secretsmanager`.
    let requests = emulator.requests();
    assert!(requests.iter().all(|r| r.signature_valid && r.path == "/"));
    assert!(emulator.start_chat_calls().is_empty());
}

#[tokio::test]
async fn refusals_use_the_aws_json_shape() {
    let emulator = start(EmulatorConfig::local()).await;
    let addr = emulator.local_addr();
    assert_aws_json_error(
        &secrets_call(&emulator, GET_SECRET_VALUE, &json!({"SecretId": "nope"})).await,
        400,
        "ResourceNotFoundException",
    );
    assert_aws_json_error(
        &secrets_call(
            &emulator,
            GET_SECRET_VALUE,
            &json!({"SecretId": local::SECRET_ARN, "VersionStage": "AWSPREVIOUS"}),
        )
        .await,
        400,
        "ResourceNotFoundException",
    );
    assert_aws_json_error(
        &secrets_call(&emulator, GET_SECRET_VALUE, &json!({})).await,
        400,
        "ValidationException",
    );
    assert_aws_json_error(
        &secrets_call(&emulator, GET_SECRET_VALUE, &json!({"SecretId": 7})).await,
        400,
        "SerializationException",
    );
    assert_aws_json_error(
        &secrets_call(&emulator, "secretsmanager.ListSecrets", &json!({})).await,
        400,
        "UnknownOperationException",
    );

    // Signed for Connect, not Secrets Manager.
    let for_connect = send(
        addr,
        TestRequest::new(
            "POST",
            "/",
            json!({"SecretId": local::SECRET_ARN}).to_string(),
        )
        .header("content-type", "application/x-amz-json-1.1")
        .header("x-amz-target", GET_SECRET_VALUE)
        .signed(addr, &Signer::default()),
    )
    .await;
    assert_aws_json_error(&for_connect, 403, "InvalidSignatureException");
    assert!(
        for_connect.json()["message"]
            .as_str()
            .is_some_and(|m| m.contains("secretsmanager"))
    );
    let wrong_secret = send(
        addr,
        TestRequest::new(
            "POST",
            "/",
            json!({"SecretId": local::SECRET_ARN}).to_string(),
        )
        .header("content-type", "application/x-amz-json-1.1")
        .header("x-amz-target", GET_SECRET_VALUE)
        .signed(
            addr,
            &Signer {
                service: "secretsmanager".to_owned(),
                secret: "not-the-secret".to_owned(),
                ..Signer::default()
            },
        ),
    )
    .await;
    assert_aws_json_error(&wrong_secret, 403, "InvalidSignatureException");
    let unsigned = send(
        addr,
        TestRequest::new(
            "POST",
            "/",
            json!({"SecretId": local::SECRET_ARN}).to_string(),
        )
        .header("content-type", "application/x-amz-json-1.1")
        .header("x-amz-target", GET_SECRET_VALUE),
    )
    .await;
    assert_aws_json_error(&unsigned, 403, "MissingAuthenticationTokenException");

    let calls = emulator.secret_calls();
    assert_eq!(calls.len(), 8);
    assert!(
        calls
            .iter()
            .all(|c| c.status >= 400 && c.error_code.is_some())
    );
}

#[tokio::test]
async fn secrets_are_set_and_removed_at_run_time() {
    let emulator = start(EmulatorConfig::local()).await;
    let arn = "arn:aws:secretsmanager:us-east-1:000000000000:secret:rotated";
    emulator.set_secret(arn, r#"{"serverSecret":"one"}"#);
    let first = secrets_call(&emulator, GET_SECRET_VALUE, &json!({"SecretId": arn}))
        .await
        .json();
    let set = control(
        &emulator,
        "POST",
        "/_emulator/secrets",
        json!({"arn": arn, "secretString": "{\"serverSecret\":\"two\"}"}),
    )
    .await;
    assert_eq!(set.status, 200);
    let second = secrets_call(&emulator, GET_SECRET_VALUE, &json!({"SecretId": arn}))
        .await
        .json();
    assert_eq!(second["SecretString"], "{\"serverSecret\":\"two\"}");
    assert_ne!(first["VersionId"], second["VersionId"]);

    let listed = control(&emulator, "GET", "/_emulator/secrets", Value::Null)
        .await
        .json();
    assert_eq!(
        listed,
        json!({"arns": [arn, local::SECRET_ARN]}),
        "sorted by ARN"
    );
    assert!(
        !listed.to_string().contains("serverSecret"),
        "values are never listed"
    );

    control(
        &emulator,
        "POST",
        "/_emulator/secrets",
        json!({"arn": arn, "secretString": null}),
    )
    .await;
    assert_eq!(
        secrets_call(&emulator, GET_SECRET_VALUE, &json!({"SecretId": arn}))
            .await
            .json()["__type"],
        "ResourceNotFoundException"
    );
    emulator.remove_secret(local::SECRET_ARN);
    assert_eq!(
        control(&emulator, "GET", "/_emulator/secrets", Value::Null)
            .await
            .json(),
        json!({"arns": []})
    );

    let calls = control(&emulator, "GET", "/_emulator/secret-calls", Value::Null)
        .await
        .json();
    assert_eq!(calls.as_array().expect("a JSON array").len(), 3);
    emulator.reset();
    assert!(emulator.secret_calls().is_empty());

    for bad in [
        json!({"secretString": "x"}),
        json!({"arn": "", "secretString": "x"}),
        json!({"arn": arn}),
        json!({"arn": arn, "secretString": 5}),
        json!({"arn": arn, "secretString": "x", "other": 1}),
        json!([arn]),
    ] {
        let refused = control(&emulator, "POST", "/_emulator/secrets", bad.clone()).await;
        assert_eq!(refused.status, 400, "{bad}");
        assert!(refused.json()["message"].is_string(), "{bad}");
    }
}
