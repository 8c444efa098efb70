//! The emulator behind HTTPS, as Amazon Connect is: a TLS front on `localhost` that relays each
//! connection to the emulator, with a certificate from a throwaway CA. Clients are told to trust it
//! (`SSL_CERT_FILE` for the function, `NODE_EXTRA_CA_CERTS` for Node.js). The benchmark measures cold
//! starts over it (name resolution, TCP and TLS handshakes: what the init warm-up takes off the first
//! request); the tests check whom the function trusts.

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::rustls::crypto::aws_lc_rs;
use tokio_rustls::rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};

pub struct TlsFront {
    /// `https://localhost:PORT`
    pub url: String,
    /// The CA certificate (PEM) that signed the front's certificate.
    pub ca_file: PathBuf,
    task: JoinHandle<()>,
}

impl Drop for TlsFront {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn error(what: &str) -> impl Fn(rcgen::Error) -> String + '_ {
    move |e| format!("{what}: {e}")
}

/// Starts the front on an ephemeral port; each accepted connection is decrypted and relayed to
/// `upstream` over its own TCP connection. The CA certificate is written into `dir` as `ca.pem`.
pub async fn start(upstream: SocketAddr, dir: &Path) -> Result<TlsFront, String> {
    let ca_key = KeyPair::generate().map_err(error("CA key"))?;
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).map_err(error("CA"))?;
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "connect-emulator throwaway CA");
    let ca = ca_params.self_signed(&ca_key).map_err(error("CA"))?;
    let key = KeyPair::generate().map_err(error("server key"))?;
    let params = CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()])
        .map_err(error("server certificate"))?;
    let certificate = params
        .signed_by(&key, &ca, &ca_key)
        .map_err(error("server certificate"))?;

    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    // Absolute: the Node.js bootstrap changes directory before starting node.
    let ca_file = std::fs::canonicalize(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .join("ca.pem");
    std::fs::write(&ca_file, ca.pem()).map_err(|e| format!("{}: {e}", ca_file.display()))?;

    let config = ServerConfig::builder_with_provider(Arc::new(aws_lc_rs::default_provider()))
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS: {e}"))?
        .with_no_client_auth()
        .with_single_cert(
            vec![certificate.der().clone()],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
        )
        .map_err(|e| format!("TLS: {e}"))?;
    let acceptor = TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| format!("TLS front: {e}"))?;
    let port = listener
        .local_addr()
        .map_err(|e| format!("TLS front: {e}"))?
        .port();
    let task = tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let _ = client.set_nodelay(true);
                let Ok(mut tls) = acceptor.accept(client).await else {
                    return;
                };
                let Ok(mut server) = TcpStream::connect(upstream).await else {
                    return;
                };
                let _ = server.set_nodelay(true);
                let _ = tokio::io::copy_bidirectional(&mut tls, &mut server).await;
            });
        }
    });
    Ok(TlsFront {
        url: format!("https://localhost:{port}"),
        ca_file,
        task,
    })
}
