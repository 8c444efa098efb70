//! The function's configuration, read once from the environment at cold start. A bad value stops the
//! function with a message naming the variable, rather than surfacing later as a failed chat. Every
//! variable is documented in the README; an empty value counts as unset (CloudFormation passes "" for
//! empty parameters). Each file here reads one area: `policy.rs` (the chat policy), `push.rs` (push
//! notifications), `http.rs` (origins, body size), `connect.rs` (the Connect call), `availability.rs`
//! (availability and refusing closed starts), `secrets.rs` (the server secret and signing keys),
//! `telemetry.rs` (logs and metrics); `env.rs` holds the reading rules they share.

mod availability;
mod connect;
mod env;
mod http;
mod policy;
mod push;
mod secrets;
mod telemetry;

pub use env::ConfigError;
pub use http::DEFAULT_MAX_BODY_BYTES;
pub use telemetry::DEFAULT_METRICS_NAMESPACE;

use crate::auth::CustomerTokenVerifier;
use crate::availability::AvailabilitySettings;
use crate::chat::{ChatPolicy, PolicySettings};
use crate::connect::ConnectSettings;
use crate::http::HttpSettings;
use crate::push::PushPolicy;
use crate::secrets::SecretValues;
use crate::telemetry::LogSettings;
use env::{Env, problem};
use policy::policy_problem;
use secrets::SecretSource;

/// Everything the environment says, checked; the secret's values may still have to be read.
#[derive(Debug, Clone)]
pub struct Settings {
    policy: PolicySettings,
    secrets: SecretSource,
    jwt_audience: Option<String>,
    /// `SIGNED_CUSTOMERS=true`: starting without signing keys is a mistake, not an open door.
    signed_customers_required: bool,
    /// `PUSH_APPLICATION_ARN`: push notifications for mobile chats are on.
    push_application_arn: Option<String>,
    pub http: HttpSettings,
    pub connect: ConnectSettings,
    /// `None`: availability is off (`AVAILABILITY_QUEUES` unset).
    pub availability: Option<AvailabilitySettings>,
    pub log: LogSettings,
    /// CloudWatch namespace of the embedded metrics.
    pub metrics_namespace: String,
}

/// The function's configuration, complete.
#[derive(Debug)]
pub struct Config {
    pub policy: ChatPolicy,
    /// Present when customers are signed.
    pub customer_tokens: Option<CustomerTokenVerifier>,
    /// Present when push notifications are on.
    pub push: Option<PushPolicy>,
    pub http: HttpSettings,
    pub connect: ConnectSettings,
    /// `None`: availability is off.
    pub availability: Option<AvailabilitySettings>,
    pub log: LogSettings,
    pub metrics_namespace: String,
}

impl Settings {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads the settings through `lookup`, so tests need not touch the process environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let env = Env(lookup);
        let log = env.log_settings()?;
        let policy = env.policy_settings()?;
        // Checked now, before any network call, so a bad value stops init naming its variable.
        ChatPolicy::new(policy.clone()).map_err(policy_problem)?;
        let http = env.http_settings()?;
        let connect = env.connect_settings()?;
        let availability = env.availability_settings(&policy)?;
        let metrics_namespace = env.metrics_namespace()?;
        Ok(Self {
            policy,
            secrets: env.secret_source()?,
            jwt_audience: env.get("JWT_AUDIENCE"),
            signed_customers_required: env.boolean("SIGNED_CUSTOMERS", false)?,
            push_application_arn: env.push_application_arn()?,
            http,
            connect,
            availability,
            log,
            metrics_namespace,
        })
    }

    /// The Secrets Manager secret to read before [`Settings::into_config`], if one is configured.
    pub fn secret_arn(&self) -> Option<&str> {
        self.secrets.arn()
    }

    /// Completes the configuration with the secret's values (`read` is what [`Settings::secret_arn`]
    /// yielded; `None` when no secret had to be read).
    pub fn into_config(self, read: Option<SecretValues>) -> Result<Config, ConfigError> {
        let secrets =
            self.secrets
                .complete(read, self.jwt_audience, self.signed_customers_required)?;
        let mut policy = self.policy;
        policy.server_secret = secrets.server_secret;
        // Without signed customers, a browser proves it may continue a chat with a continuation token,
        // which only a server secret can sign.
        if policy.allow_persistent_chat
            && policy.server_secret.is_none()
            && secrets.customer_tokens.is_none()
        {
            return Err(problem(
                "ALLOW_PERSISTENT_CHAT",
                "needs a server secret to sign continuation tokens (SECRET_ARN, or SERVER_SECRET locally), or signed customers",
            ));
        }
        let push = self
            .push_application_arn
            .map(|arn| push::push_policy(arn, &policy, secrets.customer_tokens.is_some()))
            .transpose()?;
        Ok(Config {
            policy: ChatPolicy::new(policy).map_err(policy_problem)?,
            customer_tokens: secrets.customer_tokens,
            push,
            http: self.http,
            connect: self.connect,
            availability: self.availability,
            log: self.log,
            metrics_namespace: self.metrics_namespace,
        })
    }
}

impl Config {
    /// Settings and secrets from `lookup` alone (`SERVER_SECRET`, `JWT_SIGNING_KEYS`): local runs and
    /// tests. A `SECRET_ARN` would need a Secrets Manager call and is an error here.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        Settings::from_lookup(lookup)?.into_config(None)
    }
}

#[cfg(test)]
mod tests;
