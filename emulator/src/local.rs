//! The local setup, defined once: the instance, flows, alias, queues, hours of operation, push
//! application, credentials, region, origin, past chat and secret that `make local` (through
//! `connect-emulator --print-function-env`), the integration tests and the benchmark share.
//! [`EmulatorConfig::local`](crate::EmulatorConfig::local) is built from it.
//!
//! None of these values is valid anywhere but on this machine: the credentials are not AWS credentials
//! and the server secret protects nothing outside local runs.

/// The region of the local setup (the only one the emulator's SigV4 scope accepts).
pub const REGION: &str = "us-east-1";
/// The AWS account in the ARNs the emulator writes.
pub const ACCOUNT_ID: &str = "000000000000";
/// The access key id the emulator accepts.
pub const ACCESS_KEY_ID: &str = "AKIAEMULATORLOCAL001";
/// The secret access key the emulator verifies signatures with (not an AWS secret).
pub const SECRET_ACCESS_KEY: &str = "emulator/local/secret/key/not/for/aws/0000";
/// The Connect instance.
pub const INSTANCE_ID: &str = "3f0a7c1e-8b5d-4e2a-9c6f-1d2e3f4a5b6c";
/// The instance's default contact flow (the function's `CONTACT_FLOW_ID`).
pub const DEFAULT_FLOW_ID: &str = "6a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
/// The instance's "sales" contact flow, allowed besides the default one.
pub const SALES_FLOW_ID: &str = "7b2c3d4e-5f6a-4b7c-9d8e-0f1a2b3c4d5e";
/// The alias the browser may send instead of [`SALES_FLOW_ID`].
pub const SALES_FLOW_ALIAS: &str = "sales";
/// The queue the default flow routes to (`AVAILABILITY_QUEUES`' `default`).
pub const DEFAULT_QUEUE_ID: &str = "8c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f";
/// The queue the "sales" flow routes to.
pub const SALES_QUEUE_ID: &str = "9d4e5f6a-7b8c-4d9e-8f0a-2b3c4d5e6f7a";
/// The default queue's hours of operation: open around the clock, every day.
pub const DEFAULT_HOURS_ID: &str = "ae5f6a7b-8c9d-4e0f-9a1b-3c4d5e6f7a8b";
/// The sales queue's hours of operation: open around the clock, every day.
pub const SALES_HOURS_ID: &str = "bf6a7b8c-9d0e-4f1a-8b2c-4d5e6f7a8b9c";
/// The default hours' time zone.
pub const DEFAULT_TIME_ZONE: &str = "Europe/London";
/// The sales hours' time zone.
pub const SALES_TIME_ZONE: &str = "America/New_York";
/// Agents staffed on each local queue's chat channel (all online), and how many of them are free.
pub const AGENTS_STAFFED: u32 = 2;
pub const AGENTS_AVAILABLE: u32 = 1;
/// The End User Messaging (Pinpoint) application the instance sends mobile chat notifications with
/// (`PUSH_APPLICATION_ARN`).
pub const PUSH_APPLICATION_ARN: &str =
    "arn:aws:mobiletargeting:us-east-1:000000000000:apps/5e1f2a3b4c5d4e6f8a9b0c1d2e3f4a5b";
/// The web site allowed to start chats (`ALLOWED_ORIGINS`).
pub const SITE_ORIGIN: &str = "https://www.example.com";
/// The content types the function offers (`SUPPORTED_MESSAGING_CONTENT_TYPES`).
pub const SUPPORTED_MESSAGING_CONTENT_TYPES: &str = "text/plain,text/markdown";
/// A chat that "ended before the emulator started": a valid `PersistentChat.SourceContactId` out of
/// the box (the project's sample events use it).
pub const PAST_CONTACT_ID: &str = "5d0c1a2b-3e4f-4a5b-8c6d-7e8f9a0b1c2d";
/// The function's server secret in local runs. Published on purpose: it guards nothing real.
pub const SERVER_SECRET: &str = "local-server-secret-not-for-production-0000000000";
/// The Secrets Manager secret the emulator holds for local runs (`SECRET_ARN`).
pub const SECRET_ARN: &str =
    "arn:aws:secretsmanager:us-east-1:000000000000:secret:start-chat-local";

/// The `SecretString` of [`SECRET_ARN`]: the function's secret document, with the local server secret
/// and no JWT signing keys.
pub fn secret_string() -> String {
    serde_json::json!({ "serverSecret": SERVER_SECRET }).to_string()
}

/// The same document with the website's JWT signing keys (comma-separated), for signed-customer mode.
pub fn secret_string_with_keys(keys: &str) -> String {
    serde_json::json!({ "serverSecret": SERVER_SECRET, "jwtSigningKeys": keys }).to_string()
}

/// The function's environment for a local run against the emulator at `emulator_url` (its control
/// plane, which serves Connect and Secrets Manager): the function reads [`SECRET_ARN`] at init, as in
/// AWS, persistent chat is on (its continuation tokens need that secret), availability names the
/// local queues and push notifications use the local push application.
pub fn function_env(emulator_url: &str) -> Vec<(&'static str, String)> {
    vec![
        ("AWS_REGION", REGION.to_owned()),
        ("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID.to_owned()),
        ("AWS_SECRET_ACCESS_KEY", SECRET_ACCESS_KEY.to_owned()),
        ("AWS_ENDPOINT_URL_CONNECT", emulator_url.to_owned()),
        ("AWS_ENDPOINT_URL_SECRETS_MANAGER", emulator_url.to_owned()),
        // No profile or shared credentials of the developer's may leak into a local run.
        ("AWS_CONFIG_FILE", "/dev/null".to_owned()),
        ("AWS_SHARED_CREDENTIALS_FILE", "/dev/null".to_owned()),
        ("INSTANCE_ID", INSTANCE_ID.to_owned()),
        ("CONTACT_FLOW_ID", DEFAULT_FLOW_ID.to_owned()),
        ("ALLOWED_CONTACT_FLOW_IDS", SALES_FLOW_ID.to_owned()),
        (
            "CONTACT_FLOW_ALIASES",
            format!("{SALES_FLOW_ALIAS}={SALES_FLOW_ID}"),
        ),
        ("ALLOWED_ORIGINS", SITE_ORIGIN.to_owned()),
        (
            "SUPPORTED_MESSAGING_CONTENT_TYPES",
            SUPPORTED_MESSAGING_CONTENT_TYPES.to_owned(),
        ),
        ("ATTACHMENTS_ENABLED", "true".to_owned()),
        ("SECRET_ARN", SECRET_ARN.to_owned()),
        ("ALLOW_PERSISTENT_CHAT", "true".to_owned()),
        (
            "AVAILABILITY_QUEUES",
            format!("default={DEFAULT_QUEUE_ID},{SALES_FLOW_ALIAS}={SALES_QUEUE_ID}"),
        ),
        ("PUSH_APPLICATION_ARN", PUSH_APPLICATION_ARN.to_owned()),
    ]
}

/// `KEY="value"` lines, the env-file format `cargo lambda watch --env-file` reads. Values are quoted
/// (its parser misreads unquoted `/` and `=`); `"`, `\` and `$` are escaped.
pub fn env_file(variables: &[(&str, String)]) -> String {
    variables
        .iter()
        .map(|(key, value)| {
            let escaped = value
                .replace('\\', "\\\\")
                .replace('"', "\\\"")
                .replace('$', "\\$");
            format!("{key}=\"{escaped}\"\n")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_function_env_points_both_services_at_the_emulator() {
        let env = function_env("http://127.0.0.1:9001");
        let get = |key: &str| {
            env.iter()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| v.as_str())
                .expect("variable present")
        };
        assert_eq!(get("AWS_ENDPOINT_URL_CONNECT"), "http://127.0.0.1:9001");
        assert_eq!(
            get("AWS_ENDPOINT_URL_SECRETS_MANAGER"),
            "http://127.0.0.1:9001"
        );
        assert_eq!(
            get("CONTACT_FLOW_ALIASES"),
            format!("sales={SALES_FLOW_ID}")
        );
        assert_eq!(get("SECRET_ARN"), SECRET_ARN);
        assert_eq!(
            get("AVAILABILITY_QUEUES"),
            format!("default={DEFAULT_QUEUE_ID},sales={SALES_QUEUE_ID}")
        );
        assert_eq!(get("PUSH_APPLICATION_ARN"), PUSH_APPLICATION_ARN);
        assert!(env.iter().all(|(k, _)| *k != "SERVER_SECRET"));
        assert!(SERVER_SECRET.len() >= 32);
    }

    #[test]
    fn env_file_lines_are_quoted_and_escaped() {
        let text = env_file(&[
            ("A", "x/y=z".to_owned()),
            ("B", "say \"hi\" $HOME \\".to_owned()),
        ]);
        assert_eq!(text, "A=\"x/y=z\"\nB=\"say \\\"hi\\\" \\$HOME \\\\\"\n");
    }

    #[test]
    fn the_secret_is_the_function_s_secret_document() {
        let secret: serde_json::Value =
            serde_json::from_str(&secret_string()).expect("the local secret is JSON");
        assert_eq!(secret["serverSecret"], SERVER_SECRET);
    }
}
