//! `connect-emulator`: runs the local Amazon Connect emulator until SIGTERM/SIGINT.
//!
//! Prints `Connect emulator listening: http://127.0.0.1:PORT` and
//! `Participant endpoint: http://127.0.0.1:PORT` on stdout, then logs requests to stderr.
//!
//! `--print-function-env --endpoint-url URL` prints the function's environment for a local run
//! against the emulator at URL instead (`KEY="value"` lines, for `cargo lambda watch --env-file`).

use std::io::Write;
use std::net::{Ipv4Addr, SocketAddr};
use std::process::ExitCode;

use connect_emulator::{Emulator, EmulatorConfig, local};

const USAGE: &str = "\
Usage: connect-emulator [--port PORT] [--participant-port PORT] [--host 127.0.0.1] [--config FILE] [--quiet]
       connect-emulator --print-function-env --endpoint-url URL [--allowed-origin ORIGIN]...

  --port PORT              control-plane port (StartChatContact, /_emulator); 0 = any free port [env CONNECT_EMULATOR_PORT]
  --participant-port PORT  participant service and WebSocket port; 0 = any free port [env CONNECT_EMULATOR_PARTICIPANT_PORT]
  --host HOST              only 127.0.0.1 is supported (ChatJS accepts ws://127.0.0.1 only)
  --config FILE            JSON configuration; missing fields keep the local defaults [env CONNECT_EMULATOR_CONFIG]
  --quiet                  do not log requests to stderr
                           [env CONNECT_EMULATOR_JWT_SIGNING_KEYS: JWT signing keys for the local secret]
  --print-function-env     print the function's environment for a local run against the emulator at
                           --endpoint-url (KEY=\"value\" lines, the format of cargo lambda's --env-file), then exit;
                           each --allowed-origin is added to ALLOWED_ORIGINS";

struct Options {
    port: u16,
    participant_port: Option<u16>,
    config_path: Option<String>,
    quiet: bool,
    print_function_env: bool,
    endpoint_url: Option<String>,
    extra_origins: Vec<String>,
}

fn parse_port(text: &str, what: &str) -> Result<u16, String> {
    text.parse()
        .map_err(|_| format!("{what}: expected a port number, got {text:?}"))
}

fn parse_options(args: impl Iterator<Item = String>) -> Result<Options, String> {
    let mut options = Options {
        port: match std::env::var("CONNECT_EMULATOR_PORT") {
            Ok(port) => parse_port(&port, "CONNECT_EMULATOR_PORT")?,
            Err(_) => 0,
        },
        participant_port: match std::env::var("CONNECT_EMULATOR_PARTICIPANT_PORT") {
            Ok(port) => Some(parse_port(&port, "CONNECT_EMULATOR_PARTICIPANT_PORT")?),
            Err(_) => None,
        },
        config_path: std::env::var("CONNECT_EMULATOR_CONFIG").ok(),
        quiet: false,
        print_function_env: false,
        endpoint_url: None,
        extra_origins: Vec::new(),
    };
    let mut args = args.peekable();
    while let Some(arg) = args.next() {
        // Accept both `--flag value` and `--flag=value`.
        let (flag, inline_value) = match arg.split_once('=') {
            Some((flag, value)) if arg.starts_with("--") => {
                (flag.to_owned(), Some(value.to_owned()))
            }
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| {
            inline_value
                .clone()
                .or_else(|| args.next())
                .ok_or(format!("{name} needs a value"))
        };
        match flag.as_str() {
            "--port" => options.port = parse_port(&value("--port")?, "--port")?,
            "--participant-port" => {
                options.participant_port = Some(parse_port(
                    &value("--participant-port")?,
                    "--participant-port",
                )?)
            }
            "--host" => {
                let host = value("--host")?;
                if host != "127.0.0.1" {
                    return Err(format!("--host: only 127.0.0.1 is supported, got {host:?}"));
                }
            }
            "--config" => options.config_path = Some(value("--config")?),
            "--quiet" => options.quiet = true,
            "--print-function-env" => options.print_function_env = true,
            "--endpoint-url" => options.endpoint_url = Some(value("--endpoint-url")?),
            "--allowed-origin" => options.extra_origins.push(value("--allowed-origin")?),
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    if options.print_function_env && options.endpoint_url.is_none() {
        return Err("--print-function-env needs --endpoint-url URL".to_owned());
    }
    if !options.print_function_env
        && (options.endpoint_url.is_some() || !options.extra_origins.is_empty())
    {
        return Err(
            "--endpoint-url and --allowed-origin go with --print-function-env only".to_owned(),
        );
    }
    Ok(options)
}

/// The function's environment for a local run, as env-file lines.
fn function_env_file(endpoint_url: &str, extra_origins: &[String]) -> String {
    let mut variables = local::function_env(endpoint_url);
    for (key, value) in &mut variables {
        if *key == "ALLOWED_ORIGINS" {
            for origin in extra_origins {
                value.push(',');
                value.push_str(origin);
            }
        }
    }
    local::env_file(&variables)
}

fn load_config(options: &Options) -> Result<EmulatorConfig, String> {
    let mut config = match &options.config_path {
        Some(path) => {
            let text =
                std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?;
            EmulatorConfig::from_json(&text)?
        }
        None => EmulatorConfig::local(),
    };
    if let Some(port) = options.participant_port {
        config.participant_port = port;
    }
    // Signed-customer mode locally: the website's keys go into the local secret, which the function
    // reads through Secrets Manager as it would in AWS. From the environment, not the command line,
    // which any local user can read.
    if let Ok(keys) = std::env::var("CONNECT_EMULATOR_JWT_SIGNING_KEYS")
        && !keys.trim().is_empty()
    {
        config.secrets.insert(
            local::SECRET_ARN.to_owned(),
            local::secret_string_with_keys(&keys),
        );
    }
    Ok(config)
}

fn main() -> ExitCode {
    let options = match parse_options(std::env::args().skip(1)) {
        Ok(options) => options,
        Err(message) if message.is_empty() => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("connect-emulator: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    if let (true, Some(endpoint_url)) = (options.print_function_env, &options.endpoint_url) {
        let text = function_env_file(endpoint_url, &options.extra_origins);
        let mut stdout = std::io::stdout().lock();
        return match stdout
            .write_all(text.as_bytes())
            .and_then(|()| stdout.flush())
        {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("connect-emulator: cannot write to stdout: {error}");
                ExitCode::FAILURE
            }
        };
    }
    let config = match load_config(&options) {
        Ok(config) => config,
        Err(message) => {
            eprintln!("connect-emulator: {message}");
            return ExitCode::from(2);
        }
    };
    if !options.quiet {
        tracing_subscriber::fmt()
            .with_writer(std::io::stderr)
            .with_ansi(false)
            .with_target(false)
            .with_max_level(tracing::Level::INFO)
            .init();
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("connect-emulator: cannot start the runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(run(config, options.port))
}

async fn run(config: EmulatorConfig, port: u16) -> ExitCode {
    // Before the ready lines: a TERM sent as soon as they appear must stop the emulator cleanly,
    // not kill it with the default action.
    let signals = Signals::install();
    let emulator =
        match Emulator::start(config, SocketAddr::from((Ipv4Addr::LOCALHOST, port))).await {
            Ok(emulator) => emulator,
            Err(error) => {
                eprintln!("connect-emulator: cannot listen: {error}");
                return ExitCode::FAILURE;
            }
        };
    {
        let mut stdout = std::io::stdout().lock();
        let printed = writeln!(
            stdout,
            "Connect emulator listening: {}",
            emulator.endpoint_url()
        )
        .and_then(|()| {
            writeln!(
                stdout,
                "Participant endpoint: {}",
                emulator.participant_endpoint_url()
            )
        })
        .and_then(|()| stdout.flush());
        if let Err(error) = printed {
            eprintln!("connect-emulator: cannot write to stdout: {error}");
        }
    }
    let quota = emulator.quota();
    if quota.enabled {
        tracing::info!(
            "StartChatContact quota: {}/s, burst {} (POST /_emulator/quota {{\"enabled\": false}} switches it off)",
            quota.rate_per_second,
            quota.burst
        );
    } else {
        tracing::info!("StartChatContact quota: off");
    }
    signals.wait().await;
    tracing::info!("shutting down");
    emulator.shutdown().await;
    ExitCode::SUCCESS
}

/// SIGTERM and SIGINT, caught from the moment they are installed.
struct Signals {
    terminate: Option<tokio::signal::unix::Signal>,
    interrupt: Option<tokio::signal::unix::Signal>,
}

impl Signals {
    fn install() -> Self {
        use tokio::signal::unix::{SignalKind, signal};
        Signals {
            terminate: signal(SignalKind::terminate()).ok(),
            interrupt: signal(SignalKind::interrupt()).ok(),
        }
    }

    async fn wait(self) {
        match (self.terminate, self.interrupt) {
            (Some(mut terminate), Some(mut interrupt)) => {
                tokio::select! {
                    _ = terminate.recv() => {}
                    _ = interrupt.recv() => {}
                }
            }
            _ => {
                // Without signal handlers, fall back to Ctrl-C handling.
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Options, String> {
        parse_options(args.iter().map(|s| (*s).to_owned()))
    }

    #[test]
    fn parses_flags() {
        let options = parse(&[
            "--port",
            "4566",
            "--participant-port=4567",
            "--host",
            "127.0.0.1",
            "--quiet",
        ])
        .expect("valid flags");
        assert_eq!(options.port, 4566);
        assert_eq!(options.participant_port, Some(4567));
        assert!(options.quiet);
        assert!(parse(&["--host", "0.0.0.0"]).is_err());
        assert!(parse(&["--port"]).is_err());
        assert!(parse(&["--port", "x"]).is_err());
        assert!(parse(&["--bogus"]).is_err());
        assert_eq!(parse(&["--help"]).err().as_deref(), Some(""));
        assert!(parse(&["--print-function-env"]).is_err());
        assert!(parse(&["--endpoint-url", "http://x"]).is_err());
    }

    #[test]
    fn prints_the_function_env_with_extra_origins() {
        let options = parse(&[
            "--print-function-env",
            "--endpoint-url=http://127.0.0.1:9001",
            "--allowed-origin",
            "http://127.0.0.1:9003",
        ])
        .expect("valid flags");
        let text = function_env_file(
            options.endpoint_url.as_deref().expect("set"),
            &options.extra_origins,
        );
        assert!(text.contains("AWS_ENDPOINT_URL_CONNECT=\"http://127.0.0.1:9001\"\n"));
        assert!(text.contains(&format!(
            "ALLOWED_ORIGINS=\"{},http://127.0.0.1:9003\"\n",
            local::SITE_ORIGIN
        )));
    }
}
