//! The secrets Secrets Manager's GetSecretValue serves, by ARN (the handler is
//! `control::secrets_manager`).

use std::collections::BTreeMap;
use std::sync::Mutex;

use serde_json::{Value, json};

use crate::clock;
use crate::ids;
use crate::sync::lock;

/// The only staging label the emulator's secrets have: each holds one version.
pub(crate) const AWSCURRENT: &str = "AWSCURRENT";

struct StoredSecret {
    secret_string: String,
    version_id: String,
    /// Seconds since the epoch, fractional, as the service answers `CreatedDate`.
    created: f64,
}

/// Why a secret could not be found: the message Secrets Manager answers with.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct SecretNotFound(pub(crate) String);

/// The secrets GetSecretValue serves, by ARN.
pub(crate) struct SecretStore {
    secrets: Mutex<BTreeMap<String, StoredSecret>>,
}

/// The secret's name: what follows `:secret:` in its ARN (the whole id when it is not an ARN).
fn name_of(arn: &str) -> &str {
    arn.split_once(":secret:").map_or(arn, |(_, name)| name)
}

impl SecretStore {
    pub(crate) fn new(secrets: &BTreeMap<String, String>) -> Self {
        let store = SecretStore {
            secrets: Mutex::default(),
        };
        for (arn, secret_string) in secrets {
            store.set(arn, Some(secret_string));
        }
        store
    }

    /// Stores a new version of the secret (a new `VersionId`), or removes it with `None`.
    pub(crate) fn set(&self, arn: &str, secret_string: Option<&str>) {
        let mut secrets = lock(&self.secrets);
        match secret_string {
            Some(secret_string) => {
                secrets.insert(
                    arn.to_owned(),
                    StoredSecret {
                        secret_string: secret_string.to_owned(),
                        version_id: ids::random_uuid(),
                        created: clock::system_now_ms() as f64 / 1000.0,
                    },
                );
            }
            None => {
                secrets.remove(arn);
            }
        }
    }

    /// The ARNs of the stored secrets (never their values).
    pub(crate) fn arns(&self) -> Vec<String> {
        lock(&self.secrets).keys().cloned().collect()
    }

    /// The GetSecretValue answer for a secret named by ARN or by name.
    pub(crate) fn answer(
        &self,
        secret_id: &str,
        version_id: Option<&str>,
        version_stage: Option<&str>,
    ) -> Result<Value, SecretNotFound> {
        let secrets = lock(&self.secrets);
        let (arn, secret) = secrets
            .get_key_value(secret_id)
            .or_else(|| secrets.iter().find(|(arn, _)| name_of(arn) == secret_id))
            .ok_or_else(|| {
                SecretNotFound("Secrets Manager can't find the specified secret.".to_owned())
            })?;
        if let Some(version_id) = version_id.filter(|v| *v != secret.version_id) {
            return Err(SecretNotFound(format!(
                "Secrets Manager can't find the specified secret value for VersionId: {version_id}"
            )));
        }
        if let Some(stage) = version_stage.filter(|s| *s != AWSCURRENT) {
            return Err(SecretNotFound(format!(
                "Secrets Manager can't find the specified secret value for staging label: {stage}"
            )));
        }
        Ok(json!({
            "ARN": arn,
            "Name": name_of(arn),
            "SecretString": secret.secret_string,
            "VersionId": secret.version_id,
            "VersionStages": [AWSCURRENT],
            "CreatedDate": secret.created,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ARN: &str = "arn:aws:secretsmanager:us-east-1:000000000000:secret:app";

    #[test]
    fn answers_by_arn_or_name_with_the_current_version() {
        let store = SecretStore::new(&BTreeMap::from([(ARN.to_owned(), "s3cr3t".to_owned())]));
        let by_arn = store.answer(ARN, None, None).expect("found by ARN");
        assert_eq!(by_arn["Name"], "app");
        assert_eq!(by_arn["SecretString"], "s3cr3t");
        assert_eq!(by_arn["VersionStages"], json!(["AWSCURRENT"]));
        assert!(by_arn["CreatedDate"].as_f64().is_some_and(|t| t > 1e9));
        let version = by_arn["VersionId"].as_str().expect("a version id");
        let by_name = store
            .answer("app", Some(version), Some("AWSCURRENT"))
            .expect("found by name");
        assert_eq!(by_name["ARN"], ARN);
        for (id, version, stage) in [
            ("other", None, None),
            (ARN, Some("0".repeat(32).as_str()), None),
            (ARN, None, Some("AWSPREVIOUS")),
        ] {
            assert!(store.answer(id, version, stage).is_err(), "{id}");
        }
    }

    #[test]
    fn setting_a_secret_makes_a_new_version_and_none_removes_it() {
        let store = SecretStore::new(&BTreeMap::from([(ARN.to_owned(), "one".to_owned())]));
        let first = store.answer(ARN, None, None).expect("found");
        store.set(ARN, Some("two"));
        let second = store.answer(ARN, None, None).expect("found");
        assert_eq!(second["SecretString"], "two");
        assert_ne!(first["VersionId"], second["VersionId"]);
        store.set(ARN, None);
        assert!(store.answer(ARN, None, None).is_err());
        assert!(store.arns().is_empty());
    }
}
