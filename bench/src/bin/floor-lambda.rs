//! `floor-lambda`: the least a Lambda function can do for this workload, to calibrate the benchmark. It
//! runs the same Rust Lambda runtime loop as the real function, reads the event, sends its body to the
//! Connect emulator as one unsigned HTTP/1.1 request on a kept-alive connection (the emulator refuses it
//! with 403 after recording it), and answers 200. No validation, signing, SDK, logging or metrics.
//!
//! Its warm overhead is the floor any function pays on this machine: the Runtime API round trip and one
//! loopback HTTP exchange. `lambda-bench --floor <this binary>` measures it.

use lambda_runtime::{Error, LambdaEvent, service_fn};
use serde_json::{Value, json};
use std::sync::Arc;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::sync::Mutex;

struct Connection {
    host: String,
    stream: BufReader<TcpStream>,
}

impl Connection {
    async fn open(endpoint: &str) -> Result<Self, Error> {
        let host = endpoint
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_owned();
        let stream = TcpStream::connect(&host).await?;
        stream.set_nodelay(true)?;
        Ok(Self {
            host,
            stream: BufReader::new(stream),
        })
    }

    /// One request and its whole response; returns the status code.
    async fn put(&mut self, path: &str, body: &[u8]) -> Result<u16, Error> {
        let head = format!(
            "PUT {path} HTTP/1.1\r\nhost: {}\r\ncontent-type: application/x-amz-json-1.1\r\ncontent-length: {}\r\n\r\n",
            self.host,
            body.len()
        );
        let mut request = head.into_bytes();
        request.extend_from_slice(body);
        self.stream.get_mut().write_all(&request).await?;
        let mut line = String::new();
        self.stream.read_line(&mut line).await?;
        let status = line
            .split_whitespace()
            .nth(1)
            .and_then(|code| code.parse().ok())
            .ok_or("no HTTP status line")?;
        let mut length = 0;
        loop {
            line.clear();
            self.stream.read_line(&mut line).await?;
            if line == "\r\n" || line.is_empty() {
                break;
            }
            if let Some((name, value)) = line.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse()?;
            }
        }
        let mut response = vec![0; length];
        self.stream.read_exact(&mut response).await?;
        Ok(status)
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    let endpoint = std::env::var("AWS_ENDPOINT_URL_CONNECT")?;
    let connection = Arc::new(Mutex::new(Connection::open(&endpoint).await?));
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| {
        let connection = connection.clone();
        async move {
            let body = event.payload["body"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            let status = connection
                .lock()
                .await
                .put("/contact/chat", body.as_bytes())
                .await?;
            Ok::<Value, Error>(json!({
                "statusCode": 200,
                "headers": {"content-type": "application/json"},
                "body": json!({"upstreamStatus": status}).to_string(),
            }))
        }
    }))
    .await
}
