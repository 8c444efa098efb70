//! The function's configuration, read once from the environment at cold start. A bad value stops the
//! function with a message naming the variable, rather than surfacing later as a failed chat. Every
//! variable is documented in the README; an empty value counts as unset (CloudFormation passes "" for
//! empty parameters).

use crate::auth::SignedCustomers;
use crate::chat::{
    ChatPolicy, ContentType, DEFAULT_CHAT_DURATION_MINUTES, PolicyError, PolicySettings,
    ServerSecret, Setting,
};
use crate::connect::ConnectSettings;
use crate::http::{AllowedOrigins, HttpSettings, OriginPolicy};
use crate::secrets::{SecretValues, split_keys};
use crate::telemetry::{LogFormat, LogSettings};
use std::collections::HashSet;
use std::fmt;
use std::time::Duration;
use tracing::level_filters::LevelFilter;

/// Everything the environment says, checked; the secret's values may still have to be read.
#[derive(Debug, Clone)]
pub struct Settings {
    policy: PolicySettings,
    secrets: SecretSource,
    jwt_audience: Option<String>,
    /// `SIGNED_CUSTOMERS=true`: starting without signing keys is a mistake, not an open door.
    signed_customers_required: bool,
    pub http: HttpSettings,
    pub connect: ConnectSettings,
    pub log: LogSettings,
    /// CloudWatch namespace of the embedded metrics.
    pub metrics_namespace: String,
}

/// Where the server secret and the signing keys come from.
#[derive(Debug, Clone)]
enum SecretSource {
    /// `SERVER_SECRET` / `JWT_SIGNING_KEYS`: local runs and tests only.
    Environment(SecretValues),
    /// `SECRET_ARN`: read once at cold start.
    SecretsManager(String),
}

/// The function's configuration, complete.
#[derive(Debug)]
pub struct Config {
    pub policy: ChatPolicy,
    /// Present when customers are signed.
    pub signed_customers: Option<SignedCustomers>,
    pub http: HttpSettings,
    pub connect: ConnectSettings,
    pub log: LogSettings,
    pub metrics_namespace: String,
}

/// A variable with an unusable value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub variable: &'static str,
    pub problem: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.variable, self.problem)
    }
}

impl std::error::Error for ConfigError {}

pub const DEFAULT_MAX_BODY_BYTES: usize = 64 * 1024;
/// API Gateway's own payload limit is 10 MB, Lambda's 6 MB; nothing a widget sends comes near 1 MB.
const MAX_BODY_BYTES_LIMIT: usize = 1024 * 1024;
pub const DEFAULT_CONNECT_API_TIMEOUT: Duration = Duration::from_millis(4000);
const CONNECT_API_TIMEOUT_MS_RANGE: std::ops::RangeInclusive<u64> = 200..=25_000;
pub const DEFAULT_METRICS_NAMESPACE: &str = "StartChat";
const CONTINUATION_TOKEN_TTL_HOURS_DEFAULT: u64 = 168;
const CONTINUATION_TOKEN_TTL_HOURS_RANGE: std::ops::RangeInclusive<u64> = 1..=720;

impl Settings {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads the settings through `lookup`, so tests need not touch the process environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let env = Env(lookup);
        let log = LogSettings {
            level: env.log_level()?,
            format: env.log_format()?,
        };
        let policy = env.policy_settings()?;
        // Checked now, before any network call, so a bad value stops init naming its variable.
        ChatPolicy::new(policy.clone()).map_err(policy_problem)?;

        let http = HttpSettings {
            origins: OriginPolicy {
                allowed: env.origins()?,
                require_origin: env.boolean("REQUIRE_ORIGIN", false)?,
            },
            max_body_bytes: env.number(
                "MAX_BODY_BYTES",
                DEFAULT_MAX_BODY_BYTES as u64,
                1024..=MAX_BODY_BYTES_LIMIT as u64,
            )? as usize,
            attachments_enabled: env.boolean("ATTACHMENTS_ENABLED", false)?,
        };
        let connect = ConnectSettings {
            api_timeout: Duration::from_millis(env.number(
                "CONNECT_API_TIMEOUT_MS",
                DEFAULT_CONNECT_API_TIMEOUT.as_millis() as u64,
                CONNECT_API_TIMEOUT_MS_RANGE,
            )?),
            warm_connection: env.boolean("WARM_CONNECTION", true)?,
        };
        let metrics_namespace = env.metrics_namespace()?;
        Ok(Self {
            policy,
            secrets: env.secret_source()?,
            jwt_audience: env.get("JWT_AUDIENCE"),
            signed_customers_required: env.boolean("SIGNED_CUSTOMERS", false)?,
            http,
            connect,
            log,
            metrics_namespace,
        })
    }

    /// The Secrets Manager secret to read before [`Settings::into_config`], if one is configured.
    pub fn secret_arn(&self) -> Option<&str> {
        match &self.secrets {
            SecretSource::SecretsManager(arn) => Some(arn),
            SecretSource::Environment(_) => None,
        }
    }

    /// Completes the configuration with the secret's values (`read` is what [`Settings::secret_arn`]
    /// yielded; `None` when no secret had to be read).
    pub fn into_config(self, read: Option<SecretValues>) -> Result<Config, ConfigError> {
        let (variable, values) = match (self.secrets, read) {
            (SecretSource::Environment(values), _) => ("SERVER_SECRET", values),
            (SecretSource::SecretsManager(_), Some(values)) => ("SECRET_ARN", values),
            (SecretSource::SecretsManager(_), None) => {
                return Err(problem("SECRET_ARN", "the secret was not read"));
            }
        };
        let keys_variable = match variable {
            "SECRET_ARN" => "SECRET_ARN",
            _ => "JWT_SIGNING_KEYS",
        };
        let mut policy = self.policy;
        policy.server_secret = values
            .server_secret
            .map(|secret| {
                ServerSecret::new(secret)
                    .map_err(|e| problem(variable, format!("serverSecret {e}")))
            })
            .transpose()?;
        let signed_customers = match values.jwt_signing_keys.as_slice() {
            [] if self.signed_customers_required => {
                return Err(problem(
                    keys_variable,
                    "SIGNED_CUSTOMERS is true but no signing key is configured (jwtSigningKeys)",
                ));
            }
            [] => None,
            keys => Some(
                SignedCustomers::new(keys, self.jwt_audience)
                    .map_err(|e| problem(keys_variable, format!("jwtSigningKeys {e}")))?,
            ),
        };
        // Without signed customers, a browser proves it may continue a chat with a continuation token,
        // which only a server secret can sign.
        if policy.allow_persistent_chat
            && policy.server_secret.is_none()
            && signed_customers.is_none()
        {
            return Err(problem(
                "ALLOW_PERSISTENT_CHAT",
                "needs a server secret to sign continuation tokens (SECRET_ARN, or SERVER_SECRET locally), or signed customers",
            ));
        }
        Ok(Config {
            policy: ChatPolicy::new(policy).map_err(policy_problem)?,
            signed_customers,
            http: self.http,
            connect: self.connect,
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

fn policy_problem(error: PolicyError) -> ConfigError {
    problem(
        match error.setting {
            Setting::DefaultInstance => "INSTANCE_ID",
            Setting::AllowedInstances => "ALLOWED_INSTANCE_IDS",
            Setting::DefaultContactFlow => "CONTACT_FLOW_ID",
            Setting::AllowedContactFlows => "ALLOWED_CONTACT_FLOW_IDS",
            Setting::ContactFlowAliases => "CONTACT_FLOW_ALIASES",
            Setting::AttributeKeys => "ALLOWED_ATTRIBUTE_KEYS",
            Setting::SegmentAttributeKeys => "ALLOWED_SEGMENT_ATTRIBUTE_KEYS",
            Setting::ContentTypes => "SUPPORTED_MESSAGING_CONTENT_TYPES",
            Setting::ChatDuration => "CHAT_DURATION_MINUTES",
        },
        error.problem,
    )
}

struct Env<F>(F);

fn problem(variable: &'static str, problem: impl Into<String>) -> ConfigError {
    ConfigError {
        variable,
        problem: problem.into(),
    }
}

impl<F: Fn(&str) -> Option<String>> Env<F> {
    fn get(&self, variable: &str) -> Option<String> {
        (self.0)(variable)
            .map(|value| value.trim().to_owned())
            .filter(|value| !value.is_empty())
    }

    /// A comma-separated list; blanks around items are ignored, empty items are errors.
    fn list(&self, variable: &'static str) -> Result<Vec<String>, ConfigError> {
        let Some(value) = self.get(variable) else {
            return Ok(Vec::new());
        };
        value
            .split(',')
            .map(|item| {
                let item = item.trim();
                if item.is_empty() {
                    Err(problem(
                        variable,
                        "has an empty item in its comma-separated list",
                    ))
                } else {
                    Ok(item.to_owned())
                }
            })
            .collect()
    }

    fn required(&self, variable: &'static str) -> Result<String, ConfigError> {
        self.get(variable).ok_or_else(|| {
            problem(
                variable,
                "is required (the id at the end of the resource's ARN, a UUID)",
            )
        })
    }

    /// The policy's settings as written; [`ChatPolicy::new`] checks what they mean.
    fn policy_settings(&self) -> Result<PolicySettings, ConfigError> {
        let mut settings = PolicySettings::new(
            &self.required("INSTANCE_ID")?,
            &self.required("CONTACT_FLOW_ID")?,
        );
        settings.allowed_instance_ids = self.list("ALLOWED_INSTANCE_IDS")?;
        settings.allowed_contact_flow_ids = self.list("ALLOWED_CONTACT_FLOW_IDS")?;
        settings.contact_flow_aliases = self.aliases()?;
        let attribute_keys = self.list("ALLOWED_ATTRIBUTE_KEYS")?;
        settings.allowed_attribute_keys = (!attribute_keys.is_empty()).then_some(attribute_keys);
        if self.get("ALLOWED_SEGMENT_ATTRIBUTE_KEYS").is_some() {
            settings.allowed_segment_attribute_keys =
                self.list("ALLOWED_SEGMENT_ATTRIBUTE_KEYS")?;
        }
        if let Some(types) = self.content_types()? {
            settings.default_content_types = types;
        }
        settings.max_chat_duration_minutes = self.chat_duration()?;
        settings.allow_persistent_chat = self.boolean("ALLOW_PERSISTENT_CHAT", false)?;
        settings.allow_customer_id = self.boolean("ALLOW_CUSTOMER_ID", true)?;
        settings.continuation_token_lifetime = Duration::from_secs(
            3600 * self.number(
                "CONTINUATION_TOKEN_TTL_HOURS",
                CONTINUATION_TOKEN_TTL_HOURS_DEFAULT,
                CONTINUATION_TOKEN_TTL_HOURS_RANGE,
            )?,
        );
        Ok(settings)
    }

    /// `SECRET_ARN` in AWS; `SERVER_SECRET` and `JWT_SIGNING_KEYS` in plain text for local runs only.
    fn secret_source(&self) -> Result<SecretSource, ConfigError> {
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

    /// `name=flowId,…`: the syntax only; [`ChatPolicy::new`] checks names and targets.
    fn aliases(&self) -> Result<Vec<(String, String)>, ConfigError> {
        const VARIABLE: &str = "CONTACT_FLOW_ALIASES";
        self.list(VARIABLE)?
            .into_iter()
            .map(|item| match item.split_once('=') {
                Some((name, flow)) => Ok((name.trim().to_owned(), flow.trim().to_owned())),
                None => Err(problem(
                    VARIABLE,
                    format!("'{item}' is not of the form name=flowId"),
                )),
            })
            .collect()
    }

    fn origins(&self) -> Result<AllowedOrigins, ConfigError> {
        const VARIABLE: &str = "ALLOWED_ORIGINS";
        let items = self.list(VARIABLE)?;
        if items.iter().any(|item| item == "*") {
            return if items.len() == 1 {
                Ok(AllowedOrigins::Any)
            } else {
                Err(problem(
                    VARIABLE,
                    "'*' allows every origin and cannot be combined with others",
                ))
            };
        }
        let mut origins = HashSet::new();
        for origin in items {
            if !is_origin(&origin) {
                return Err(problem(
                    VARIABLE,
                    format!(
                        "'{origin}' is not an origin: write scheme://host[:port] in lowercase, without a path or trailing slash"
                    ),
                ));
            }
            origins.insert(origin);
        }
        Ok(AllowedOrigins::Exact(origins))
    }

    fn content_types(&self) -> Result<Option<Vec<ContentType>>, ConfigError> {
        const VARIABLE: &str = "SUPPORTED_MESSAGING_CONTENT_TYPES";
        let items = self.list(VARIABLE)?;
        if items.is_empty() {
            return Ok(None);
        }
        let mut types = Vec::new();
        for item in items {
            let content_type = ContentType::parse(&item).ok_or_else(|| {
                problem(
                    VARIABLE,
                    format!("'{item}' is not a content type StartChatContact accepts"),
                )
            })?;
            types.push(content_type);
        }
        Ok(Some(types))
    }

    fn chat_duration(&self) -> Result<i32, ConfigError> {
        let minutes = self.number(
            "CHAT_DURATION_MINUTES",
            DEFAULT_CHAT_DURATION_MINUTES as u64,
            60..=10_080,
        )?;
        // The range above fits an i32.
        Ok(i32::try_from(minutes).unwrap_or(DEFAULT_CHAT_DURATION_MINUTES))
    }

    fn boolean(&self, variable: &'static str, default: bool) -> Result<bool, ConfigError> {
        match self
            .get(variable)
            .map(|value| value.to_ascii_lowercase())
            .as_deref()
        {
            None => Ok(default),
            Some("true") => Ok(true),
            Some("false") => Ok(false),
            Some(other) => Err(problem(variable, format!("'{other}' is not true or false"))),
        }
    }

    fn number(
        &self,
        variable: &'static str,
        default: u64,
        range: std::ops::RangeInclusive<u64>,
    ) -> Result<u64, ConfigError> {
        let Some(value) = self.get(variable) else {
            return Ok(default);
        };
        match value.parse::<u64>() {
            Ok(number) if range.contains(&number) => Ok(number),
            _ => Err(problem(
                variable,
                format!(
                    "'{value}' is not a whole number from {} to {}",
                    range.start(),
                    range.end()
                ),
            )),
        }
    }

    /// `LOG_LEVEL`, else Lambda's `AWS_LAMBDA_LOG_LEVEL` (set by the function's logging configuration).
    fn log_level(&self) -> Result<LevelFilter, ConfigError> {
        let (variable, value) = match (self.get("LOG_LEVEL"), self.get("AWS_LAMBDA_LOG_LEVEL")) {
            (Some(value), _) => ("LOG_LEVEL", value),
            (None, Some(value)) => ("AWS_LAMBDA_LOG_LEVEL", value),
            (None, None) => return Ok(LevelFilter::INFO),
        };
        match value.to_ascii_lowercase().as_str() {
            "trace" => Ok(LevelFilter::TRACE),
            "debug" => Ok(LevelFilter::DEBUG),
            "info" => Ok(LevelFilter::INFO),
            "warn" | "warning" => Ok(LevelFilter::WARN),
            "error" | "fatal" => Ok(LevelFilter::ERROR),
            "off" => Ok(LevelFilter::OFF),
            _ => Err(problem(
                variable,
                format!("'{value}' is not one of error, warn, info, debug, trace"),
            )),
        }
    }

    /// Lambda's `AWS_LAMBDA_LOG_FORMAT`: `JSON` (our default too) or `Text`.
    fn log_format(&self) -> Result<LogFormat, ConfigError> {
        match self
            .get("AWS_LAMBDA_LOG_FORMAT")
            .map(|v| v.to_ascii_lowercase())
            .as_deref()
        {
            None | Some("json") => Ok(LogFormat::Json),
            Some("text") => Ok(LogFormat::Text),
            Some(other) => Err(problem(
                "AWS_LAMBDA_LOG_FORMAT",
                format!("'{other}' is not JSON or Text"),
            )),
        }
    }

    fn metrics_namespace(&self) -> Result<String, ConfigError> {
        const VARIABLE: &str = "METRICS_NAMESPACE";
        let namespace = self
            .get(VARIABLE)
            .unwrap_or_else(|| DEFAULT_METRICS_NAMESPACE.to_owned());
        let valid = namespace.len() <= 255
            && !namespace.starts_with(':')
            && namespace
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "._-/#:".contains(c));
        if valid {
            Ok(namespace)
        } else {
            Err(problem(
                VARIABLE,
                format!(
                    "'{namespace}' is not a CloudWatch namespace (letters, digits, . _ - / # :)"
                ),
            ))
        }
    }
}

/// `scheme://host[:port]`, lowercase, http or https, no path, query or trailing slash. IPv6 hosts are
/// bracketed, as browsers send them.
fn is_origin(text: &str) -> bool {
    let Some((scheme, authority)) = text.split_once("://") else {
        return false;
    };
    let (host_ok, port) = match authority.strip_prefix('[') {
        Some(bracketed) => match bracketed.split_once(']') {
            Some((address, rest)) => (
                !address.is_empty()
                    && address
                        .chars()
                        .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c) || c == ':'),
                rest,
            ),
            None => return false,
        },
        None => {
            let (host, rest) = authority
                .find(':')
                .map_or((authority, ""), |i| authority.split_at(i));
            let valid = !host.is_empty()
                && host
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.');
            (valid, rest)
        }
    };
    let port_ok = match port.strip_prefix(':') {
        None => port.is_empty(),
        Some(digits) => {
            (1..=5).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit())
        }
    };
    matches!(scheme, "http" | "https") && host_ok && port_ok
}

#[cfg(test)]
mod tests;
