//! `connect-emulator`: runs the local Amazon Connect emulator until SIGTERM/SIGINT.
//!
//! Prints `Connect emulator listening: http://127.0.0.1:PORT` and
//! `Participant endpoint: http://127.0.0.1:PORT` on stdout, then logs requests to stderr.
//!
//! `--print-function-env --endpoint-url URL` prints the function's environment for a local run
//! against the emulator at URL instead (`KEY="value"` lines, for `cargo lambda watch --env-file`).
//! `--help` lists every flag and its environment variable.

use std::io::Write;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, Parser};
use connect_emulator::{Emulator, EmulatorConfig, local};

/// A local Amazon Connect (StartChatContact and the participant service) and Secrets Manager,
/// SigV4-verified, with a scripted agent.
#[derive(Debug, Parser)]
#[command(
    name = "connect-emulator",
    bin_name = "connect-emulator",
    version,
    after_help = "Environment: CONNECT_EMULATOR_JWT_SIGNING_KEYS puts the website's JWT signing keys \
                  (comma-separated) into the local secret (from the environment, never the command line). \
                  See emulator/README.md."
)]
struct Options {
    /// Control-plane port (Connect, Secrets Manager, /_emulator); 0 picks a free port.
    #[arg(
        long,
        value_name = "PORT",
        env = "CONNECT_EMULATOR_PORT",
        default_value_t = 0
    )]
    port: u16,
    /// Participant service and WebSocket port; 0 picks a free port (default: the config's).
    #[arg(long, value_name = "PORT", env = "CONNECT_EMULATOR_PARTICIPANT_PORT")]
    participant_port: Option<u16>,
    /// The only host accepted: ChatJS accepts ws://127.0.0.1 and no other host.
    #[arg(long, value_name = "HOST", default_value = "127.0.0.1", value_parser = ["127.0.0.1"])]
    host: String,
    /// A JSON configuration file; missing fields keep the local defaults.
    #[arg(long, value_name = "FILE", env = "CONNECT_EMULATOR_CONFIG")]
    config: Option<PathBuf>,
    /// Do not log requests to stderr.
    #[arg(long)]
    quiet: bool,
    /// Print the function's environment for a local run against the emulator at --endpoint-url
    /// (KEY="value" lines, the format of cargo lambda's --env-file), then exit.
    #[arg(long, requires = "endpoint_url")]
    print_function_env: bool,
    /// The emulator's control-plane URL, for --print-function-env.
    #[arg(long, value_name = "URL", requires = "print_function_env")]
    endpoint_url: Option<String>,
    /// An origin added to ALLOWED_ORIGINS, for --print-function-env (repeatable).
    #[arg(
        long = "allowed-origin",
        value_name = "ORIGIN",
        requires = "print_function_env"
    )]
    allowed_origins: Vec<String>,
}

/// Prints `--help`/`--version` (exit 0) or the error followed by the usage (exit 2), as before clap:
/// clap leaves the usage out of some errors (an invalid value).
fn refuse(error: &clap::Error) -> ExitCode {
    if !error.use_stderr() {
        let _ = error.print();
        return ExitCode::SUCCESS;
    }
    let message = error.render().to_string();
    if message.contains("Usage:") {
        eprint!("{message}");
    } else {
        eprint!("{message}\n{}\n", Options::command().render_usage());
    }
    ExitCode::from(2)
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
    let mut config = match &options.config {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
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

fn print_function_env(endpoint_url: &str, extra_origins: &[String]) -> ExitCode {
    let text = function_env_file(endpoint_url, extra_origins);
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("connect-emulator: cannot write to stdout: {error}");
            ExitCode::FAILURE
        }
    }
}

fn main() -> ExitCode {
    let options = match Options::try_parse() {
        Ok(options) => options,
        Err(error) => return refuse(&error),
    };
    if let (true, Some(endpoint_url)) = (options.print_function_env, &options.endpoint_url) {
        return print_function_env(endpoint_url, &options.allowed_origins);
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

    fn parse(args: &[&str]) -> Result<Options, clap::Error> {
        Options::try_parse_from(std::iter::once("connect-emulator").chain(args.iter().copied()))
    }

    #[test]
    fn the_command_line_is_consistent() {
        Options::command().debug_assert();
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
        assert_eq!(
            parse(&["--help"]).expect_err("help is not options").kind(),
            clap::error::ErrorKind::DisplayHelp
        );
        assert!(parse(&["--print-function-env"]).is_err());
        assert!(parse(&["--endpoint-url", "http://x"]).is_err());
        assert!(parse(&["--allowed-origin", "http://x"]).is_err());
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
            &options.allowed_origins,
        );
        assert!(text.contains("AWS_ENDPOINT_URL_CONNECT=\"http://127.0.0.1:9001\"\n"));
        assert!(text.contains(&format!(
            "ALLOWED_ORIGINS=\"{},http://127.0.0.1:9003\"\n",
            local::SITE_ORIGIN
        )));
    }
}
