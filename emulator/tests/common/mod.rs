//! Shared test helpers: start an emulator, sign requests with the real `aws-sigv4`, and send
//! them over a raw HTTP/1.1 connection (so tests control connection reuse).

use std::net::SocketAddr;
use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use connect_emulator::{Emulator, EmulatorConfig, LOCAL_ACCESS_KEY_ID, LOCAL_SECRET_ACCESS_KEY};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::client::conn::http1;
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use tokio::net::TcpStream;

pub async fn start(config: EmulatorConfig) -> Emulator {
    let address = "127.0.0.1:0".parse().expect("a valid address");
    Emulator::start(config, address)
        .await
        .expect("the emulator starts")
}

/// The local config with a fast agent, so tests do not wait. The rate quota stays on: tests that
/// start more than its burst of chats at once switch it off.
pub fn fast_config() -> EmulatorConfig {
    let mut config = EmulatorConfig::local();
    config.agent.join_delay = Duration::from_millis(20);
    config.agent.receipt_delay = Duration::from_millis(10);
    config.agent.reply_delay = Duration::from_millis(20);
    config
}

pub struct Signer {
    pub access_key_id: String,
    pub secret: String,
    pub session_token: Option<String>,
    pub region: String,
    pub service: String,
    pub time: SystemTime,
}

impl Default for Signer {
    fn default() -> Self {
        Signer {
            access_key_id: LOCAL_ACCESS_KEY_ID.to_owned(),
            secret: LOCAL_SECRET_ACCESS_KEY.to_owned(),
            session_token: None,
            region: "us-east-1".to_owned(),
            service: "connect".to_owned(),
            time: SystemTime::now(),
        }
    }
}

/// A request as the test wants to send it.
pub struct TestRequest {
    pub method: &'static str,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl TestRequest {
    pub fn new(method: &'static str, path: &str, body: impl Into<Vec<u8>>) -> Self {
        TestRequest {
            method,
            path: path.to_owned(),
            headers: Vec::new(),
            body: body.into(),
        }
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Signs the request with SigV4 for `addr` using the real AWS signer.
    pub fn signed(mut self, addr: SocketAddr, signer: &Signer) -> Self {
        let host = format!("127.0.0.1:{}", addr.port());
        if !self.headers.iter().any(|(n, _)| n == "host") {
            self.headers.push(("host".to_owned(), host.clone()));
        }
        if !self.headers.iter().any(|(n, _)| n == "content-type") {
            self.headers
                .push(("content-type".to_owned(), "application/json".to_owned()));
        }
        let identity: Identity = Credentials::new(
            signer.access_key_id.clone(),
            signer.secret.clone(),
            signer.session_token.clone(),
            None,
            "test",
        )
        .into();
        let params = v4::SigningParams::builder()
            .identity(&identity)
            .region(&signer.region)
            .name(&signer.service)
            .time(signer.time)
            .settings(SigningSettings::default())
            .build()
            .expect("complete signing parameters")
            .into();
        let url = format!("http://{host}{}", self.path);
        let signable = SignableRequest::new(
            self.method,
            url,
            self.headers.iter().map(|(n, v)| (n.as_str(), v.as_str())),
            SignableBody::Bytes(&self.body),
        )
        .expect("a signable request");
        let (instructions, _signature) = sign(signable, &params)
            .expect("the request signs")
            .into_parts();
        let (headers, _query) = instructions.into_parts();
        for header in headers {
            self.headers
                .push((header.name().to_owned(), header.value().to_owned()));
        }
        self
    }
}

#[derive(Debug)]
pub struct TestResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Bytes,
}

impl TestResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> Value {
        let text = String::from_utf8_lossy(&self.body);
        serde_json::from_str(&text)
            .map_err(|error| format!("{error}: {text}"))
            .expect("a JSON body")
    }

    pub fn error_type(&self) -> Option<&str> {
        self.header("x-amzn-errortype")
    }
}

/// One HTTP/1.1 keep-alive connection.
pub struct Connection {
    sender: http1::SendRequest<Full<Bytes>>,
    pub local_addr: SocketAddr,
    host: String,
}

impl Connection {
    pub async fn open(addr: SocketAddr) -> Connection {
        let stream = TcpStream::connect(addr)
            .await
            .expect("the emulator accepts");
        let local_addr = stream.local_addr().expect("a local address");
        let (sender, connection) = http1::handshake(TokioIo::new(stream))
            .await
            .expect("the HTTP/1.1 handshake");
        tokio::spawn(async move {
            let _ = connection.await;
        });
        Connection {
            sender,
            local_addr,
            host: format!("127.0.0.1:{}", addr.port()),
        }
    }

    pub async fn send(&mut self, request: TestRequest) -> Result<TestResponse, hyper::Error> {
        self.sender.ready().await?;
        let mut builder = hyper::Request::builder()
            .method(request.method)
            .uri(&request.path);
        if !request.headers.iter().any(|(n, _)| n == "host") {
            builder = builder.header("host", &self.host);
        }
        for (name, value) in &request.headers {
            builder = builder.header(name, value);
        }
        let http_request = builder
            .body(Full::new(Bytes::from(request.body)))
            .expect("a valid request");
        let response = self.sender.send_request(http_request).await?;
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(n, v)| {
                (
                    n.as_str().to_owned(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let body = response.into_body().collect().await?.to_bytes();
        Ok(TestResponse {
            status,
            headers,
            body,
        })
    }
}

/// Sends one request on a fresh connection.
pub async fn send(addr: SocketAddr, request: TestRequest) -> TestResponse {
    Connection::open(addr)
        .await
        .send(request)
        .await
        .expect("an answer")
}

/// A signed StartChatContact with this body, on a fresh connection.
pub async fn start_chat(emulator: &Emulator, body: &Value) -> TestResponse {
    let addr = emulator.local_addr();
    send(
        addr,
        TestRequest::new("PUT", "/contact/chat", body.to_string()).signed(addr, &Signer::default()),
    )
    .await
}

/// A minimal valid StartChatContact body for the local instance.
pub fn chat_body() -> Value {
    json!({
        "InstanceId": connect_emulator::LOCAL_INSTANCE_ID,
        "ContactFlowId": connect_emulator::LOCAL_DEFAULT_FLOW_ID,
        "ParticipantDetails": {"DisplayName": "Customer Carla"},
    })
}

/// Control-API call (unsigned) on the control plane.
pub async fn control(
    emulator: &Emulator,
    method: &'static str,
    path: &str,
    body: Value,
) -> TestResponse {
    let body = if body.is_null() {
        Vec::new()
    } else {
        body.to_string().into_bytes()
    };
    send(
        emulator.local_addr(),
        TestRequest::new(method, path, body).header("content-type", "application/json"),
    )
    .await
}

/// A signed Secrets Manager call (awsJson1.1) on the control plane.
pub async fn secrets_call(emulator: &Emulator, target: &str, body: &Value) -> TestResponse {
    let addr = emulator.local_addr();
    let signer = Signer {
        service: "secretsmanager".to_owned(),
        ..Signer::default()
    };
    send(
        addr,
        TestRequest::new("POST", "/", body.to_string())
            .header("content-type", "application/x-amz-json-1.1")
            .header("x-amz-target", target)
            .signed(addr, &signer),
    )
    .await
}

/// The `aws-sdk-connect` client the function uses, on the emulator, without retries: each call is
/// one request.
pub fn sdk_client(emulator: &Emulator) -> aws_sdk_connect::Client {
    let config = aws_sdk_connect::Config::builder()
        .behavior_version_latest()
        .region(aws_sdk_connect::config::Region::new("us-east-1"))
        .credentials_provider(Credentials::new(
            LOCAL_ACCESS_KEY_ID,
            LOCAL_SECRET_ACCESS_KEY,
            None,
            None,
            "test",
        ))
        .retry_config(aws_sdk_connect::config::retry::RetryConfig::disabled())
        .endpoint_url(emulator.endpoint_url())
        .build();
    aws_sdk_connect::Client::from_conf(config)
}

pub mod participant;
pub mod process;
