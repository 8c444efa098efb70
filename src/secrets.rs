//! The adapter to AWS Secrets Manager: the deployment's secret, read once at cold start.
//!
//! Its `SecretString` is a JSON object: `serverSecret` (keys the tokens this service derives and signs)
//! and `jwtSigningKeys` (the website's signing key, or two comma-separated while rotating; empty when
//! customers are not signed). Only the secret's ARN is in the function's environment.

use aws_config::SdkConfig;
use aws_sdk_secretsmanager::error::{DisplayErrorContext, ProvideErrorMetadata};
use serde::Deserialize;

/// The secret's values; `Debug` never shows them.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct SecretValues {
    pub server_secret: Option<String>,
    pub jwt_signing_keys: Vec<String>,
}

impl std::fmt::Debug for SecretValues {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecretValues")
            .field(
                "server_secret",
                &self.server_secret.as_ref().map(|_| "[redacted]"),
            )
            .field("jwt_signing_keys", &self.jwt_signing_keys.len())
            .finish()
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SecretDocument {
    #[serde(default)]
    server_secret: Option<String>,
    #[serde(default)]
    jwt_signing_keys: Option<SigningKeys>,
}

/// `"k1,k2"` as the console's key/value editor stores it, or `["k1","k2"]`.
#[derive(Deserialize)]
#[serde(untagged)]
enum SigningKeys {
    Text(String),
    List(Vec<String>),
}

impl SecretValues {
    /// Parses the secret's JSON. The error names what is wrong, never a value.
    pub fn from_json(text: &str) -> Result<Self, String> {
        let not_a_document = || {
            "the secret's value is not a JSON object of strings {\"serverSecret\": \"…\", \"jwtSigningKeys\": \"…\"}"
                .to_owned()
        };
        let value: serde_json::Value = serde_json::from_str(text).map_err(|_| not_a_document())?;
        if !value.is_object() {
            return Err(not_a_document());
        }
        let document: SecretDocument =
            serde_json::from_value(value).map_err(|_| not_a_document())?;
        let keys = match document.jwt_signing_keys {
            None => Vec::new(),
            Some(SigningKeys::Text(text)) => split_keys(&text),
            Some(SigningKeys::List(list)) => list
                .iter()
                .map(|key| key.trim().to_owned())
                .filter(|key| !key.is_empty())
                .collect(),
        };
        Ok(Self {
            server_secret: document
                .server_secret
                .filter(|secret| !secret.trim().is_empty()),
            jwt_signing_keys: keys,
        })
    }
}

/// A comma-separated list of keys; blanks are ignored, so "" means none.
pub fn split_keys(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|key| !key.is_empty())
        .map(str::to_owned)
        .collect()
}

/// GetSecretValue with the function's own credentials and HTTP client. Locally,
/// `AWS_ENDPOINT_URL_SECRETS_MANAGER` points it at the emulator.
pub async fn read_secret(sdk_config: &SdkConfig, arn: &str) -> Result<SecretValues, String> {
    let client = aws_sdk_secretsmanager::Client::new(sdk_config);
    let answer = client
        .get_secret_value()
        .secret_id(arn)
        .send()
        .await
        .map_err(|error| {
            let code = error.code().unwrap_or("no error code");
            format!(
                "SECRET_ARN: the secret cannot be read ({code}): {}",
                DisplayErrorContext(&error)
            )
        })?;
    let text = answer
        .secret_string()
        .ok_or("SECRET_ARN: the secret has no SecretString (binary secrets are not supported)")?;
    SecretValues::from_json(text).map_err(|problem| format!("SECRET_ARN: {problem}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_secret_document_accepts_the_consoles_and_a_lists_keys() {
        let created =
            SecretValues::from_json(r#"{"jwtSigningKeys": "", "serverSecret": "s3cr3t"}"#)
                .expect("the template's document");
        assert_eq!(created.server_secret.as_deref(), Some("s3cr3t"));
        assert!(created.jwt_signing_keys.is_empty());
        let rotating =
            SecretValues::from_json(r#"{"jwtSigningKeys": "old-key, new-key"}"#).expect("two keys");
        assert_eq!(rotating.jwt_signing_keys, ["old-key", "new-key"]);
        let listed =
            SecretValues::from_json(r#"{"jwtSigningKeys": ["k"], "extra": 1}"#).expect("a list");
        assert_eq!(listed.jwt_signing_keys, ["k"]);
        assert!(!format!("{rotating:?}").contains("old-key"));
    }

    #[test]
    fn errors_never_quote_the_secret() {
        for text in ["not json s3cr3t", r#"{"serverSecret": 5}"#, r#"["s3cr3t"]"#] {
            let error = SecretValues::from_json(text).expect_err("invalid");
            assert!(!error.contains("s3cr3t"), "{error}");
        }
    }
}
