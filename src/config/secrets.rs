//! The secret's variables: `SECRET_ARN` in AWS; `SERVER_SECRET` and `JWT_SIGNING_KEYS` in plain text for
//! local runs only; `JWT_AUDIENCE` and `SIGNED_CUSTOMERS`. Once the secret's values are known they become
//! the server secret and the customer token verifier.

use super::env::{ConfigError, Env, problem};
use crate::auth::CustomerTokenVerifier;
use crate::chat::ServerSecret;
use crate::secrets::{SecretValues, split_keys};

/// Where the server secret and the signing keys come from.
#[derive(Debug, Clone)]
pub(super) enum SecretSource {
    /// `SERVER_SECRET` / `JWT_SIGNING_KEYS`: local runs and tests only.
    Environment(SecretValues),
    /// `SECRET_ARN`: read once at cold start.
    SecretsManager(String),
}

/// What the secret's values configure.
pub(super) struct Secrets {
    pub server_secret: Option<ServerSecret>,
    /// Present when customers are signed.
    pub customer_tokens: Option<CustomerTokenVerifier>,
}

impl<F: Fn(&str) -> Option<String>> Env<F> {
    pub(super) fn secret_source(&self) -> Result<SecretSource, ConfigError> {
        let inline = SecretValues {
            server_secret: self.get("SERVER_SECRET"),
            jwt_signing_keys: self
                .get("JWT_SIGNING_KEYS")
                .map(|keys| split_keys(&keys))
                .unwrap_or_default(),
        };
        match self.get("SECRET_ARN") {
            None => Ok(SecretSource::Environment(inline)),
            Some(_) if inline != SecretValues::default() => Err(problem(
                "SECRET_ARN",
                "is set together with SERVER_SECRET or JWT_SIGNING_KEYS: keep the values in the secret only",
            )),
            Some(arn) if arn.starts_with("arn:") && arn.contains(":secretsmanager:") => {
                Ok(SecretSource::SecretsManager(arn))
            }
            Some(arn) => Err(problem(
                "SECRET_ARN",
                format!("'{arn}' is not a Secrets Manager secret ARN"),
            )),
        }
    }
}

impl SecretSource {
    pub(super) fn arn(&self) -> Option<&str> {
        match self {
            Self::SecretsManager(arn) => Some(arn),
            Self::Environment(_) => None,
        }
    }

    /// The secrets from the environment's values, or from `read` (the secret at [`Self::arn`]).
    pub(super) fn complete(
        self,
        read: Option<SecretValues>,
        audience: Option<String>,
        signed_customers_required: bool,
    ) -> Result<Secrets, ConfigError> {
        let (variable, values) = match (self, read) {
            (Self::Environment(values), _) => ("SERVER_SECRET", values),
            (Self::SecretsManager(_), Some(values)) => ("SECRET_ARN", values),
            (Self::SecretsManager(_), None) => {
                return Err(problem("SECRET_ARN", "the secret was not read"));
            }
        };
        let keys_variable = match variable {
            "SECRET_ARN" => "SECRET_ARN",
            _ => "JWT_SIGNING_KEYS",
        };
        let server_secret = values
            .server_secret
            .map(|secret| {
                ServerSecret::new(secret)
                    .map_err(|e| problem(variable, format!("serverSecret {e}")))
            })
            .transpose()?;
        let customer_tokens = match values.jwt_signing_keys.as_slice() {
            [] if signed_customers_required => {
                return Err(problem(
                    keys_variable,
                    "SIGNED_CUSTOMERS is true but no signing key is configured (jwtSigningKeys)",
                ));
            }
            [] => None,
            keys => Some(
                CustomerTokenVerifier::new(keys, audience)
                    .map_err(|e| problem(keys_variable, format!("jwtSigningKeys {e}")))?,
            ),
        };
        Ok(Secrets {
            server_secret,
            customer_tokens,
        })
    }
}
