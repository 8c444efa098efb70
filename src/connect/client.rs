//! The SDK client, built once at cold start. Retries and timeouts are set so that the whole call, retries
//! included, ends well inside the widget's 5 s and API Gateway's 29 s.

use super::retry::{ChatCapIsFinal, INITIAL_BACKOFF, MAX_ATTEMPTS, MAX_BACKOFF};
use aws_config::stalled_stream_protection::StalledStreamProtectionConfig;
use aws_config::{BehaviorVersion, SdkConfig};
use aws_sdk_connect::config::retry::RetryConfig;
use aws_sdk_connect::config::timeout::TimeoutConfig;
use aws_smithy_http_client::proxy::ProxyConfig;
use aws_smithy_http_client::tls::{self, TlsContext, TrustStore};
use aws_smithy_http_client::{Builder, ConnectorBuilder};
use aws_smithy_runtime::client::retries::RetryPartition;
use aws_smithy_runtime_api::client::http::SharedHttpClient;
use std::ops::RangeInclusive;
use std::time::Duration;

/// The whole StartChatContact call's budget when `CONNECT_API_TIMEOUT_MS` is unset: well inside the
/// widget's 5 s, and longer than the retries of a throttled call ([`super::worst_case_backoff`]).
pub const DEFAULT_API_TIMEOUT: Duration = Duration::from_millis(4000);
/// What `CONNECT_API_TIMEOUT_MS` may be: an attempt needs some time, and API Gateway gives up at 29 s.
pub const API_TIMEOUT_MS_RANGE: RangeInclusive<u64> = 200..=25_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectSettings {
    /// The whole StartChatContact call, retries included.
    pub api_timeout: Duration,
    /// Open the connection to Connect during init (see [`super::warm_connection`]).
    pub warm_connection: bool,
}

const CONNECT_TIMEOUT: Duration = Duration::from_secs(1);

impl ConnectSettings {
    /// One attempt may use half of the budget, so a hung attempt still leaves room for a retry.
    pub fn attempt_timeout(&self) -> Duration {
        self.api_timeout / 2
    }

    pub fn timeout_config(&self) -> TimeoutConfig {
        TimeoutConfig::builder()
            .connect_timeout(CONNECT_TIMEOUT.min(self.attempt_timeout()))
            .operation_attempt_timeout(self.attempt_timeout())
            .operation_timeout(self.api_timeout)
            .build()
    }

    pub fn retry_config(&self) -> RetryConfig {
        RetryConfig::standard()
            .with_max_attempts(MAX_ATTEMPTS)
            .with_initial_backoff(INITIAL_BACKOFF)
            .with_max_backoff(MAX_BACKOFF)
    }
}

/// The AWS configuration every client of the function shares: region, credentials and endpoints from the
/// environment exactly as for any AWS SDK (in Lambda, the function role's temporary credentials; locally,
/// `AWS_ENDPOINT_URL_CONNECT` and `AWS_ENDPOINT_URL_SECRETS_MANAGER` point at the emulator), our trust
/// store, retries and timeouts.
pub async fn aws_config(settings: &ConnectSettings) -> Result<SdkConfig, String> {
    let trust = TrustedRoots::from_env(|name| std::env::var_os(name))?;
    let loader = aws_config::defaults(BehaviorVersion::latest()).http_client(https_client(trust)?);
    aws_config_with(loader, settings).await
}

/// The certificate authorities the function trusts for its HTTPS connections: always Amazon Trust
/// Services' roots, compiled in, which every AWS endpoint chains to: loading and parsing the system's
/// ~150 roots instead would be a large part of every cold start (BENCHMARKS.md has the figure).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct TrustedRoots {
    /// `SSL_CERT_FILE`'s certificates (PEM), read at cold start: a TLS-inspecting proxy's CA, or the
    /// emulator's behind TLS.
    extra_pem: Option<Vec<u8>>,
    /// The system's roots, as OpenSSL finds them: only when `SSL_CERT_DIR` is set.
    system: bool,
}

impl TrustedRoots {
    pub(crate) fn from_env(
        variable: impl Fn(&str) -> Option<std::ffi::OsString>,
    ) -> Result<Self, String> {
        let extra_pem = match variable("SSL_CERT_FILE") {
            Some(path) => Some(std::fs::read(&path).map_err(|error| {
                format!(
                    "SSL_CERT_FILE names {}, which cannot be read: {error}",
                    std::path::Path::new(&path).display()
                )
            })?),
            None => None,
        };
        Ok(Self {
            extra_pem,
            system: variable("SSL_CERT_DIR").is_some(),
        })
    }
}

/// Amazon Root CA 1-4 and Starfield Services Root G2, as AWS lists them for restricted trust stores.
pub(crate) const AMAZON_TRUST_SERVICES_ROOTS: &[u8] = include_bytes!("amazon-trust-services.pem");

/// The SDK's own default HTTPS client (hyper, rustls with aws-lc, proxy settings from the environment),
/// with [`TrustedRoots`] as its trust store. A malformed PEM file fails the first connection, which the
/// init warm-up makes.
fn https_client(trust: TrustedRoots) -> Result<SharedHttpClient, String> {
    let mut trust_store = TrustStore::empty()
        .with_native_roots(trust.system)
        .with_pem_certificate(AMAZON_TRUST_SERVICES_ROOTS);
    if let Some(pem) = trust.extra_pem {
        trust_store = trust_store.with_pem_certificate(pem);
    }
    let context = TlsContext::builder()
        .with_trust_store(trust_store)
        .build()
        .map_err(|error| format!("the TLS trust store cannot be built: {error}"))?;
    Ok(
        Builder::new().build_with_connector_fn(move |settings, components| {
            let mut connector = ConnectorBuilder::default()
                .tls_provider(tls::Provider::Rustls(
                    tls::rustls_provider::CryptoMode::AwsLc,
                ))
                .tls_context(context.clone());
            connector.set_connector_settings(settings.cloned());
            if let Some(components) = components {
                connector.set_sleep_impl(components.sleep_impl());
            }
            connector.set_proxy_config(Some(ProxyConfig::from_env()));
            connector.build()
        }),
    )
}

/// The same configuration from a loader the caller prepared (tests set the endpoint and credentials
/// explicitly instead of through the process environment).
pub async fn aws_config_with(
    loader: aws_config::ConfigLoader,
    settings: &ConnectSettings,
) -> Result<SdkConfig, String> {
    let sdk_config = loader
        .retry_config(settings.retry_config())
        .timeout_config(settings.timeout_config())
        // It watches the throughput of long uploads and downloads; StartChatContact's bodies are small
        // and the attempt timeout already bounds a stalled call. Off, it saves a timer and a body
        // wrapper on every request.
        .stalled_stream_protection(StalledStreamProtectionConfig::disabled())
        .load()
        .await;
    if sdk_config.region().is_none() {
        return Err(
            "AWS_REGION is not set: the SDK cannot tell which Amazon Connect endpoint to call"
                .into(),
        );
    }
    Ok(sdk_config)
}

/// The StartChatContact client, built once at cold start.
pub fn connect_client(sdk_config: &SdkConfig) -> aws_sdk_connect::Client {
    let config = aws_sdk_connect::config::Builder::from(sdk_config)
        .retry_classifier(ChatCapIsFinal)
        // The SDK's retry quota (which stops retries after many failures) is otherwise shared by every
        // client of the process through a static map. A Lambda environment has one client, so owning the
        // quota changes nothing there, and keeps clients in one process (tests, the benchmark) apart.
        .retry_partition(RetryPartition::custom("start-chat-connect").build())
        .build();
    aws_sdk_connect::Client::from_conf(config)
}

/// [`aws_config_with`], then [`connect_client`].
pub async fn connect_client_with(
    loader: aws_config::ConfigLoader,
    settings: &ConnectSettings,
) -> Result<aws_sdk_connect::Client, String> {
    Ok(connect_client(&aws_config_with(loader, settings).await?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustls_pki_types::CertificateDer;
    use rustls_pki_types::pem::PemObject;
    use sha2::{Digest, Sha256};

    #[test]
    fn ssl_cert_file_adds_its_certificates_and_ssl_cert_dir_the_systems() {
        let none = TrustedRoots::from_env(|_| None).expect("test setup");
        assert_eq!(none, TrustedRoots::default());

        let file =
            std::env::temp_dir().join(format!("start-chat-roots-{}.pem", std::process::id()));
        std::fs::write(&file, b"extra").expect("test setup");
        let with_file = TrustedRoots::from_env(|name| {
            (name == "SSL_CERT_FILE").then(|| file.clone().into_os_string())
        });
        let _ = std::fs::remove_file(&file);
        let with_file = with_file.expect("test setup");
        assert_eq!(with_file.extra_pem.as_deref(), Some(&b"extra"[..]));
        assert!(!with_file.system);

        let with_dir = TrustedRoots::from_env(|name| (name == "SSL_CERT_DIR").then(|| "/x".into()))
            .expect("test setup");
        assert!(with_dir.system && with_dir.extra_pem.is_none());

        let unreadable = TrustedRoots::from_env(|name| {
            (name == "SSL_CERT_FILE").then(|| "/nonexistent/roots.pem".into())
        });
        assert!(unreadable.is_err_and(|e| e.contains("SSL_CERT_FILE")));
    }

    /// The five Amazon Trust Services roots, exactly: each certificate's SHA-256 matches the one AWS
    /// publishes (also written above it in the file).
    #[test]
    fn the_compiled_in_roots_are_amazon_trust_services() {
        let published = [
            "8ECDE6884F3D87B1125BA31AC3FCB13D7016DE7F57CC904FE1CB97C6AE98196E", // Amazon Root CA 1
            "1BA5B2AA8C65401A82960118F80BEC4F62304D83CEC4713A19C39C011EA46DB4", // Amazon Root CA 2
            "18CE6CFE7BF14E60B2E347B8DFE868CB31D02EBB3ADA271569F50343B46DB3A4", // Amazon Root CA 3
            "E35D28419ED02025CFA69038CD623962458DA5C695FBDEA3C22B0BFB25897092", // Amazon Root CA 4
            "568D6905A2C88708A4B3025190EDCFEDB1974A606A13C6E5290FCB2AE63EDAB5", // Starfield Services G2
        ];
        let fingerprints: Vec<String> = CertificateDer::pem_slice_iter(AMAZON_TRUST_SERVICES_ROOTS)
            .map(|certificate| {
                let der = certificate.expect("test setup");
                Sha256::digest(der.as_ref())
                    .iter()
                    .map(|byte| format!("{byte:02X}"))
                    .collect()
            })
            .collect();
        assert_eq!(fingerprints, published);
    }

    #[test]
    fn the_https_client_builds_with_or_without_the_system_roots() {
        let with_system = TrustedRoots {
            system: true,
            ..TrustedRoots::default()
        };
        for trust in [TrustedRoots::default(), with_system] {
            assert!(https_client(trust.clone()).is_ok(), "{trust:?}");
        }
    }

    #[test]
    fn retries_fit_inside_the_budget() {
        let settings = ConnectSettings {
            api_timeout: Duration::from_secs(4),
            warm_connection: true,
        };
        let timeouts = settings.timeout_config();
        assert_eq!(timeouts.operation_timeout(), Some(Duration::from_secs(4)));
        assert_eq!(
            timeouts.operation_attempt_timeout(),
            Some(Duration::from_secs(2))
        );
        assert_eq!(timeouts.connect_timeout(), Some(Duration::from_secs(1)));
        assert_eq!(settings.retry_config().max_attempts(), MAX_ATTEMPTS);
    }
}
