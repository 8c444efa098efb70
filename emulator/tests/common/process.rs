//! The `connect-emulator` binary as a child process: spawned, waited for until it prints its
//! endpoints, and stopped (killed on drop if a test fails first).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, ChildStdout, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// How long the binary may take to print its endpoints.
const READY_TIMEOUT: Duration = Duration::from_secs(30);

pub struct EmulatorProcess {
    child: Child,
    stdout: Option<BufReader<ChildStdout>>,
    /// The control plane's port.
    pub port: u16,
    /// The first two lines it printed (the endpoints).
    pub banner: [String; 2],
}

/// What a stopped emulator left behind.
pub struct Stopped {
    pub status: ExitStatus,
    /// Stdout after the two endpoint lines.
    pub rest_of_stdout: String,
    pub stderr: String,
}

impl EmulatorProcess {
    /// Starts the binary on ephemeral ports with these extra arguments and waits until it is ready.
    pub fn spawn(args: &[&str]) -> EmulatorProcess {
        let mut child = Command::new(env!("CARGO_BIN_EXE_connect-emulator"))
            .args([
                "--port",
                "0",
                "--participant-port",
                "0",
                "--host",
                "127.0.0.1",
            ])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the emulator binary starts");
        let stdout = child.stdout.take().expect("stdout is piped");
        // Read on a thread, so a binary that never gets ready fails the test instead of hanging it.
        let (lines, received) = mpsc::channel();
        std::thread::spawn(move || {
            let mut stdout = BufReader::new(stdout);
            let mut banner = [String::new(), String::new()];
            for line in &mut banner {
                if stdout.read_line(line).is_err() {
                    break;
                }
            }
            let _ = lines.send((banner, stdout));
        });
        let (banner, stdout) = match received.recv_timeout(READY_TIMEOUT) {
            Ok(ready) => ready,
            Err(_) => {
                let _ = child.kill();
                panic!("the emulator printed no endpoints within {READY_TIMEOUT:?}");
            }
        };
        let port = banner[0]
            .trim_end()
            .strip_prefix("Connect emulator listening: http://127.0.0.1:")
            .and_then(|port| port.parse().ok())
            .unwrap_or_else(|| {
                let _ = child.kill();
                panic!("unexpected first line {:?}", banner[0])
            });
        EmulatorProcess {
            child,
            stdout: Some(stdout),
            port,
            banner,
        }
    }

    /// Sends SIGTERM and waits for the process to exit.
    pub fn terminate(mut self) -> Stopped {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success(), "kill -TERM failed");
        let status = self.child.wait().expect("the emulator exits");
        let mut rest_of_stdout = String::new();
        if let Some(mut stdout) = self.stdout.take() {
            stdout
                .read_to_string(&mut rest_of_stdout)
                .expect("stdout is readable");
        }
        let mut stderr = String::new();
        if let Some(mut pipe) = self.child.stderr.take() {
            pipe.read_to_string(&mut stderr)
                .expect("stderr is readable");
        }
        Stopped {
            status,
            rest_of_stdout,
            stderr,
        }
    }
}

impl Drop for EmulatorProcess {
    fn drop(&mut self) {
        // Only when a test failed before terminate(): a killed child must not outlive the test.
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// A blocking HTTP/1.1 request to 127.0.0.1:`port`; returns the status code and the body.
pub fn http(port: u16, method: &str, path: &str, body: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("the emulator accepts");
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .expect("a read timeout can be set");
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    )
    .expect("the request is sent");
    let mut answer = String::new();
    stream
        .read_to_string(&mut answer)
        .expect("the answer is read");
    let status: u16 = answer
        .get(9..12)
        .and_then(|code| code.parse().ok())
        .ok_or(&answer)
        .expect("an HTTP status line");
    let body = answer
        .split_once("\r\n\r\n")
        .map(|(_, body)| body.to_owned())
        .unwrap_or_default();
    (status, body)
}
